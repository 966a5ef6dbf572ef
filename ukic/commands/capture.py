"""`ukic capture`: save a live cluster as a snapshot that `ukic verify --snapshot` reads later."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ukic.sources.factory import add_timeout_arguments


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "capture",
        help="save a live cluster as a snapshot (folder or .tar.gz), read-only",
        description="List every resource ukic can check (GET only) and write them in the snapshot format: "
        "one `kubectl get -A -o json` List per resource plus cluster.yaml. Secrets are kept as metadata only; "
        "no credentials are written. The output appears whole or not at all.",
        epilog="Exit codes: 0 captured (warnings name anything not captured), 2 the cluster could not be read, "
        "3 interrupted, 4 usage error.",
    )
    parser.add_argument(
        "-o", "--output", type=Path, required=True, metavar="DIR|FILE.tar.gz", help="where to write the snapshot"
    )
    parser.add_argument(
        "--kubeconfig", type=Path, metavar="FILE", help="kubeconfig (default: $KUBECONFIG, ~/.kube/config)"
    )
    parser.add_argument("--context", metavar="NAME", help="kubeconfig context (default: the current context)")
    parser.add_argument("--name", metavar="NAME", help="cluster name in cluster.yaml (default: the context's cluster)")
    add_timeout_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ukic.capture import capture, check_output
    from ukic.redact import error_line
    from ukic.sources.live import LiveSource

    check_output(args.output)
    source = LiveSource(
        args.kubeconfig,
        args.context,
        connect_timeout=args.connect_timeout,
        read_timeout=args.read_timeout,
        exec_timeout=args.exec_timeout,
        project=False,  # a snapshot keeps objects as the API returns them (Secrets: metadata only)
    )
    try:
        summary = capture(
            source,
            args.output,
            name=args.name,
            warn=lambda line: print(error_line(f"warning: {line}"), file=sys.stderr),
        )
        info = source.info()
        where = info.location + (f" (context {info.context})" if info.context else "")
    finally:
        source.close()
    missing = f"; {len(summary.not_captured)} not captured (see warnings)" if summary.not_captured else ""
    print(f"captured {summary.resources} resources ({summary.objects} objects) from {where} to {summary.path}{missing}")
    return 0
