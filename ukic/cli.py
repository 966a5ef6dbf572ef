"""The `ukic` command line: one sub-command per module in ukic.commands.

Each command module defines ``register(subparsers)``; the handler it sets with
``set_defaults(handler=...)`` returns an exit code. Heavy imports (the kubernetes client,
pytest) stay inside handlers so `ukic --help` is quick.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

from ukic import __version__, commands
from ukic.errors import ExitCode, UkicError


class ArgumentParser(argparse.ArgumentParser):
    """argparse that reports usage errors in one line with exit code 4 (argparse's own is 2)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(ExitCode.USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog="ukic",
        description="Verify a Kubernetes cluster against the ungleich infrastructure manual.",
        epilog="Exit codes: 0 conformant, 1 not conformant, 2 could not verify, 3 interrupted, 4 usage error.",
    )
    parser.add_argument("--version", action="version", version=f"ukic {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=ArgumentParser)
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return ExitCode.USAGE
    try:
        return int(args.handler(args))
    except UkicError as err:
        print(f"ukic: {err.message}", file=sys.stderr)
        return int(err.exit_code)
    except KeyboardInterrupt:
        print("ukic: interrupted", file=sys.stderr)
        return int(ExitCode.INTERRUPTED)


if __name__ == "__main__":
    raise SystemExit(main())
