"""`ukic diff RUN_A RUN_B`: the scenarios whose outcome changed between two runs."""

from __future__ import annotations

import argparse
import json
from typing import Any


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "diff",
        help="show what changed between two runs (report folders or summary.json files)",
        description="Compare two runs by scenario: new failures first, then other changes for the worse, "
        "changes for the better, other changes.",
        epilog="Exit codes: 0 nothing got worse, 1 something got worse, 4 unreadable input.",
    )
    parser.add_argument("run_a", metavar="RUN_A", help="the earlier run: report folder or summary.json")
    parser.add_argument("run_b", metavar="RUN_B", help="the later run: report folder or summary.json")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ukic.rundiff import diff_runs, load_run

    diff = diff_runs(load_run(args.run_a), load_run(args.run_b))
    if args.format == "json":
        print(json.dumps(diff.to_dict(), indent=2))
    else:
        print(render_text(diff))
    return 1 if diff.got_worse else 0


def render_text(diff: Any) -> str:
    from ukic.redact import printable
    from ukic.report.common import profile_name

    def text(value: object) -> str:
        return printable(str(value), one_line=True)

    a, b = diff.before, diff.after
    lines = [
        text(f"A: {a.cluster} {profile_name(a.profile)} {a.finished_at} - {a.verdict}"),
        text(f"B: {b.cluster} {profile_name(b.profile)} {b.finished_at} - {b.verdict}"),
    ]
    lines += [f"note: {text(note)}" for note in diff.context_notes()]
    if not diff.changes:
        lines.append("no scenario changed its outcome")
        return "\n".join(lines)
    headings = {"worse": "worse", "better": "better", "changed": "changed"}
    current = None
    for change in diff.changes:
        heading = "new failures" if change.new_failure else headings[change.direction]
        if heading != current:
            lines += ["", f"{heading}:"]
            current = heading
        before = change.before.value if change.before else "(absent)"
        after = change.after.value if change.after else "(absent)"
        reason = f": {text(change.reason)}" if change.reason else ""  # a pass has no reason to give
        lines.append(f"  {text(change.id)}: {before} -> {after}{reason}")
    worse = sum(1 for c in diff.changes if c.direction == "worse")
    lines += ["", f"{len(diff.changes)} changed, {worse} for the worse"]
    return "\n".join(lines)
