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
    parser.add_argument(
        "--merge",
        nargs="+",
        type=Path,
        metavar="DIR",
        help="merge the ledgers of these report folders (e.g. one per cluster of a fleet workflow), and the "
        "report folders they name, into --report-dir",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ukic.errors import UsageError
    from ukic.ledger import atomic_write_text, ledger_path, load_ledger, render_markdown, table_rows

    path = ledger_path(args.report_dir)
    if args.merge:
        return merge(path, args.merge)
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


def merge(into: Path, sources: list[Path]) -> int:
    """Copy each source's report folders beside ``into``, then add its runs to that ledger."""
    from ukic.errors import UsageError
    from ukic.ledger import ledger_path, load_ledger, merge_ledger

    for source in sources:
        file = ledger_path(source)
        if not file.is_file():
            raise UsageError(f"--merge {source}: no ledger.json there")
        other = load_ledger(file)
        copied = _copy_reports(other, source, into.parent)
        clusters = merge_ledger(into, other)
        print(f"merged {source}: {', '.join(clusters) or 'no cluster'} ({copied} report folders)")
    return 0


def _copy_reports(ledger: dict, source: Path, target: Path) -> int:
    """Copy the run folders a ledger names (relative to it) that the target does not have yet."""
    import shutil

    from ukic.errors import UsageError
    from ukic.staging import staging_folder

    copied = 0
    for entry in ledger.get("clusters", {}).values():
        for run in [*(entry.get("history") or []), entry.get("last_run") or {}]:
            report = run.get("report")
            if not report:
                continue
            relative = Path(report)
            if relative.is_absolute() or ".." in relative.parts:
                continue  # a folder outside the source's report folder is not ours to copy
            there, here = source / relative, target / relative
            if here.exists() or not there.is_dir():
                continue
            try:
                here.parent.mkdir(parents=True, exist_ok=True)
                with staging_folder(here.parent, f".tmp-merge-{here.name}-") as partial:
                    shutil.copytree(there, partial, dirs_exist_ok=True)
                    partial.rename(here)
            except OSError as exc:
                raise UsageError(f"--merge {source}: cannot copy {relative}: {exc.strerror or exc}") from None
            copied += 1
    return copied
