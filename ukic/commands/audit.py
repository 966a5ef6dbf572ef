"""`ukic audit clusters.yaml`: verify every cluster of the inventory concurrently, then one table."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

#: Columns of the outcome counts, as (summary.json key, header).
COUNT_COLUMNS = (
    ("passed", "passed"),
    ("failed", "failed"),
    ("warning", "warning"),
    ("unverifiable", "unverif."),
    ("not applicable", "n.a."),
    ("waived", "waived"),
)
VERDICT_STYLES = {"conformant": "green", "not conformant": "red", "could not verify": "yellow"}
HTML_REPORT = "report.html"  # written by ukic.report.writer into every run folder
PLAIN_WIDTH = 200  # table width when the output is not a terminal (logs, CI)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "audit",
        help="verify every cluster of an inventory (clusters.yaml) concurrently",
        description="Verify every cluster of an inventory, one worker process per cluster, record each "
        "finished cluster in the ledger and print one table.",
        epilog="Exit code: the worst of all clusters (0 conformant, 1 not conformant, 2 could not verify, "
        "4 usage error); 3 when interrupted.",
    )
    parser.add_argument("inventory", type=Path, metavar="clusters.yaml", help="the cluster inventory")
    parser.add_argument(
        "--parallel", type=int, default=default_parallel(), metavar="N",
        help=f"clusters verified at the same time (default {default_parallel()})",
    )  # fmt: skip
    parser.add_argument("--report-dir", type=Path, default=Path("reports"), metavar="DIR", help="default: reports/")
    parser.add_argument("--waivers", type=Path, metavar="FILE", help="waivers.yaml of known, accepted deviations")
    parser.add_argument("--profiles-dir", type=Path, metavar="DIR", help="profiles folder (default: bundled)")
    parser.add_argument(
        "--list",
        action="store_true",
        help="print the clusters as a JSON list (name, version, type) and verify none; for Argo Workflows' withParam",
    )
    parser.set_defaults(handler=run)


def default_parallel() -> int:
    """Verification mostly waits on I/O: at least 4 workers, more on bigger machines."""
    return max(4, os.cpu_count() or 1)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from ukic.audit import run_audit
    from ukic.errors import UsageError
    from ukic.inventory import load_inventory

    if args.parallel < 1:
        raise UsageError("--parallel: needs a number of workers of at least 1")
    inventory = load_inventory(args.inventory)
    if args.list:
        import json

        print(json.dumps([{"name": c.name, "version": c.version, "type": c.type} for c in inventory.clusters]))
        return 0
    err = Console(stderr=True, highlight=False, emoji=False)
    progress = Progress(err, inventory.names())
    with progress:
        report = run_audit(
            inventory,
            args.report_dir,
            parallel=args.parallel,
            waivers=args.waivers,
            profiles_dir=args.profiles_dir,
            on_event=progress.update,
        )
    out = Console(highlight=False, emoji=False, width=None if sys.stdout.isatty() else PLAIN_WIDTH)
    out.print(results_table(inventory, report))
    for line in report_lines(report):
        out.print(line, markup=False)
    if report.interrupted:
        done = len(report.outcomes)
        err.print(
            f"ukic: audit interrupted ({report.interrupted}); the ledger keeps the {done} finished "
            f"cluster{'s' if done != 1 else ''}",
            markup=False,
        )
    return report.exit_code


def report_lines(report: Any) -> list[str]:
    """Notes after the table: errors in full, run notes, waiver notes, ledger problems."""
    lines = []
    for outcome in report.outcomes:
        if outcome.error:
            lines.append(f"{outcome.name}: {outcome.error}")
        if outcome.detail:
            lines.append(outcome.detail.rstrip())
        lines += [f"{outcome.name}: note: {note}" for note in outcome.notes]
    lines += [f"note: {note}" for note in report.notes]
    lines += [f"ukic: {error}" for error in report.ledger_errors]
    return lines


def results_table(inventory: Any, report: Any) -> Any:
    """One row per cluster: declared version and type, outcome counts, verdict, report or error.

    Every cell is rich Text, never markup: names and errors come from files and clusters.
    """
    from rich.table import Table
    from rich.text import Text

    table = Table(title="ukic audit", title_justify="left", show_lines=False)
    table.add_column("cluster", no_wrap=True)
    table.add_column("version")
    table.add_column("type")
    for _, header in COUNT_COLUMNS:
        table.add_column(header, justify="right")
    table.add_column("verdict", no_wrap=True)
    table.add_column("report / error", overflow="fold")
    by_name = {o.name: o for o in report.outcomes}
    for cluster in inventory.clusters:
        outcome = by_name.get(cluster.name)
        declared = [_text(cluster.name), _text(cluster.version), _text(cluster.type)]
        if outcome is None:
            table.add_row(*declared, *["-"] * len(COUNT_COLUMNS), "not run", "")
            continue
        counts = outcome.counts or {}
        cells = [str(counts[key]) if outcome.counts else "-" for key, _ in COUNT_COLUMNS]
        verdict = Text(outcome.verdict, style=VERDICT_STYLES.get(outcome.verdict, ""))
        table.add_row(*declared, *cells, verdict, _report_cell(outcome))
    return table


def _report_cell(outcome: Any) -> Any:
    """The run's report.html (a terminal hyperlink where supported), or the error that stopped the run."""
    from rich.style import Style

    if not outcome.report:
        return _text(outcome.error or "")
    page = Path(outcome.report) / HTML_REPORT
    if not page.exists():
        return _text(outcome.report)
    return _text(str(page), Style(link=page.resolve().as_uri()))


def _text(value: str, style: Any = "") -> Any:
    """Data as an inert rich Text: no markup, no emoji codes, no control characters."""
    from rich.text import Text

    from ukic.redact import printable

    return Text(printable(value, one_line=True), style=style)


class Progress:
    """Live per-cluster status on a terminal; one plain line per change elsewhere (CI logs)."""

    def __init__(self, console: Any, names: list[str]) -> None:
        self.console = console
        self.states: dict[str, tuple[str, float, str]] = {n: ("queued", time.monotonic(), "") for n in names}
        self.live: Any = None

    def __enter__(self) -> Progress:
        if self.console.is_terminal:
            from rich.live import Live

            self.live = Live(console=self.console, get_renderable=self._render, refresh_per_second=8)
            self.live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.live is not None:
            self.live.refresh()
            self.live.__exit__(*exc)

    def update(self, name: str, state: str, outcome: Any) -> None:
        detail = ""
        if outcome is not None:
            counts = ", ".join(f"{n} {h}" for (key, h) in COUNT_COLUMNS if (n := (outcome.counts or {}).get(key)))
            detail = f"{outcome.verdict}: {outcome.error or counts}"
        self.states[name] = (state, time.monotonic(), detail)
        if self.live is None and state != "queued":
            took = f" in {outcome.duration:.1f} s" if outcome is not None else ""
            from ukic.redact import printable

            print(printable(f"audit: {name}: {detail or state}{took}", one_line=True), file=sys.stderr, flush=True)

    def _render(self) -> Any:
        from rich.spinner import Spinner
        from rich.table import Table

        table = Table.grid(padding=(0, 2))
        for name, (state, since, detail) in self.states.items():
            if state == "verifying":
                status: Any = Spinner("dots", text=f"verifying ({time.monotonic() - since:.0f} s)")
            elif state == "done":
                status = _text(detail, VERDICT_STYLES.get(detail.split(":", 1)[0], ""))
            else:
                status = state
            table.add_row(_text(name), status)
        return table
