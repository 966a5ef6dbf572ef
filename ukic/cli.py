"""The `ukic` command line: one sub-command per module in ukic.commands.

Each command module defines ``register(subparsers)``; the handler it sets with
``set_defaults(handler=...)`` returns an exit code. Heavy imports (the HTTP client,
pytest) stay inside handlers so `ukic --help` is quick.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
import traceback
from collections.abc import Sequence
from typing import NoReturn

from ukic import __version__, commands, interrupts
from ukic.errors import DEBUG_ENV, ExitCode, UkicError
from ukic.heap import leave
from ukic.redact import error_line, guarded_streams


class ArgumentParser(argparse.ArgumentParser):
    """argparse that reports usage errors in one line with exit code 4 (argparse's own is 2)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(ExitCode.USAGE, f"{self.prog}: error: {message}\n")


def build_parser(command: str | None = None) -> ArgumentParser:
    """The whole command line, or with ``command`` only that sub-command's part (the others' modules
    are not even imported: a verify starts without the serve, audit or capture code)."""
    parser = ArgumentParser(
        prog="ukic",
        description="Verify a Kubernetes cluster against the ungleich infrastructure manual.",
        epilog="Exit codes: 0 conformant, 1 not conformant, 2 could not verify, 3 interrupted, 4 usage error.",
    )
    parser.add_argument("--version", action="version", version=f"ukic {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=ArgumentParser)
    names = sorted(info.name for info in pkgutil.iter_modules(commands.__path__))
    for name in [command] if command in names else names:
        importlib.import_module(f"{commands.__name__}.{name}").register(subparsers)
    return parser


def _command_in(argv: Sequence[str]) -> str | None:
    """The sub-command the arguments name: the first one that is no option (ukic's own options take no
    value); None while an option before it (--help, --version) answers for the whole command line."""
    for arg in argv:
        if not arg.startswith("-"):
            return arg
        if arg not in ("--",):
            return None
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; every fault ends as one line on stderr and an exit code, never a traceback.

    Everything written to stdout and stderr passes ukic.redact's guard. SIGINT and SIGTERM
    exit 3; when ukic runs as a program (``argv`` None), the process then ends at once even
    if a thread is still stuck in a system call.
    """
    with guarded_streams() as (out, err):
        code = _run(argv)
        for stream in (out, err):
            stream.flush()
        if out.reader_gone:
            _silence_stdout()  # what is still buffered must not fail again at exit
        if out.failed is not None and code != ExitCode.INTERRUPTED:
            print(error_line(f"cannot write the output: {out.failed.strerror or out.failed}"), file=sys.stderr)
            code = max(code, int(ExitCode.UNVERIFIABLE))
            _silence_stdout()  # what is still buffered must not fail again at exit
    if argv is None and code == ExitCode.INTERRUPTED and _stuck_threads():
        sys.stderr.flush()
        os._exit(code)  # a thread stuck in a system call must not hold the exit
    return code


def _stuck_threads() -> bool:
    """Threads the interpreter would wait for at exit (the main thread aside)."""
    import threading

    return any(t.is_alive() and not t.daemon and t is not threading.main_thread() for t in threading.enumerate())


def _run(argv: Sequence[str] | None) -> int:
    received = interrupts.Received()  # a signal counts even where a library turned it into another error
    try:
        with interrupts.handled(received=received):
            parser = build_parser(_command_in(sys.argv[1:] if argv is None else argv))
            args = parser.parse_args(argv)
            if args.command is None:
                parser.print_help()
                return ExitCode.USAGE
            code = int(args.handler(args))
    except KeyboardInterrupt:
        return _interrupted()
    except UkicError as err:
        if received.signal is not None:
            return _interrupted()
        print(error_line(err.message), file=sys.stderr)
        return int(err.exit_code)
    except Exception as exc:  # a bug in ukic: one line, no traceback unless asked for
        if received.signal is not None or _caused_by_interrupt(exc):  # e.g. a signal mid-import
            return _interrupted()
        print(error_line(f"internal error: {type(exc).__name__}: {exc}"), file=sys.stderr)
        if os.environ.get(DEBUG_ENV):
            print(traceback.format_exc(), file=sys.stderr)
        return int(ExitCode.UNVERIFIABLE)

    if received.signal is not None and code != ExitCode.INTERRUPTED:
        return _interrupted()
    return code


def _interrupted() -> int:
    print(error_line("interrupted"), file=sys.stderr)
    return int(ExitCode.INTERRUPTED)


def _caused_by_interrupt(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, KeyboardInterrupt):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush does not complain about the pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.__stdout__.fileno())
        sys.__stdout__.flush()
    except (OSError, AttributeError, ValueError):
        pass


def run() -> NoReturn:
    """The `ukic` program: main(), then leave without freeing every object one by one (ukic.heap)."""
    leave(main())


if __name__ == "__main__":
    run()
