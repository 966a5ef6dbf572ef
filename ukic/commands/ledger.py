"""`ukic ledger`: the manual's cluster table from recorded runs, or a Prometheus textfile."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "ledger",
        help="show the cluster table with last-verified dates from recorded runs",
        description="Render the manual's cluster table (Cluster, Purpose/Setup, Maintainer, Master(s), argo, "
        "rook, v4 proxy, last verified) from reports/ledger.json; masters, argo and rook come from the "
        "last run's facts, the rest from the inventory. 'last verified' is the last conformant run with what it "
        "covered: '2026-11-30' when the API, the nodes and the routers were checked, '2026-11-30 (API only)' when "
        "no hosts were given. --format json adds the last full verification and, per scenario id, the last date "
        "it passed.",
    )
    parser.add_argument("--format", choices=("md", "json"), default="md", help="output format (default md)")
    parser.add_argument("--report-dir", type=Path, default=Path("reports"), metavar="DIR", help="default: reports/")
    parser.add_argument("--inventory", type=Path, metavar="clusters.yaml", help="add purpose, setup, maintainer")
    parser.add_argument(
        "--prometheus", type=Path, metavar="FILE", help="write a node-exporter textfile instead of the table"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ukic.errors import UsageError
    from ukic.ledger import atomic_write_text, ledger_path, load_ledger, render_markdown, table_rows

    path = ledger_path(args.report_dir)
    ledger = load_ledger(path)
    if args.prometheus is not None:
        from ukic.metrics import render_text, statuses_from_ledger

        try:
            atomic_write_text(args.prometheus, render_text(statuses_from_ledger(ledger, path.parent)))
        except OSError as exc:
            raise UsageError(f"--prometheus {args.prometheus}: {exc.strerror or exc}") from None
        return 0
    inventory = None
    if args.inventory is not None:
        from ukic.inventory import load_inventory

        inventory = load_inventory(args.inventory)
    if not ledger["clusters"] and inventory is None:
        raise UsageError(f"{path}: no runs recorded yet (run `ukic audit` or `ukic verify` first)")
    rows = table_rows(ledger, inventory, path.parent)
    if args.format == "json":
        print(json.dumps(rows, indent=2))
    else:
        print(render_markdown(rows), end="")
    return 0
