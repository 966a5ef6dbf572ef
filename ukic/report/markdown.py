"""summary.md: a short human summary for a merge request, a ticket or a chat message."""

from __future__ import annotations

from ukic.outcome import Outcome
from ukic.report.common import (
    SHORT_LABELS,
    counts_line,
    format_duration,
    group_by_feature,
    one_line,
    profile_line,
    source_line,
    verdict_line,
    waiver_ticket,
)
from ukic.result import RunResult, ScenarioResult

_EMPHASIS = {Outcome.FAILED: "**", Outcome.UNVERIFIABLE: "**"}


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell: one line, pipes and markup escaped."""
    escaped = one_line(text).replace("\\", "\\\\").replace("|", "\\|")
    for char in "<>`*_[]":
        escaped = escaped.replace(char, "\\" + char)
    return escaped


def render_markdown(result: RunResult) -> str:
    """The run as Markdown: title, provenance, counts and one table per feature."""
    source = source_line(result.source)
    lines = [
        f"# ukic: {_cell(result.cluster)} — {result.verdict.upper()}",
        "",
        f"- **Verdict:** {verdict_line(result)}",
        f"- **Profile:** {_cell(profile_line(result.profile))}",
        f"- **Source:** {_cell(source)}",
        f"- **Harness:** ukic {_cell(result.harness_version)}",
        f"- **Run:** {_cell(result.started_at)} to {_cell(result.finished_at)} ({format_duration(result.duration)})",
        "",
        f"**Counts:** {counts_line(result)}",
        "",
    ]
    for group in group_by_feature(result):
        lines += [f"## {_cell(group.title)}", "", "| Outcome | Scenario | Reason |", "| --- | --- | --- |"]
        lines += [_row(scenario) for scenario in group.scenarios]
        lines.append("")
    if result.notes:
        lines += ["## Notes", ""] + [f"- {_cell(note)}" for note in result.notes] + [""]
    return "\n".join(lines)


def _row(scenario: ScenarioResult) -> str:
    mark = _EMPHASIS.get(scenario.outcome, "")
    label = f"{mark}{SHORT_LABELS[scenario.outcome]}{mark}"
    reason = scenario.reason
    if scenario.outcome is Outcome.WAIVED:
        reason = f"waived (ticket {waiver_ticket(scenario)}): {reason}"
    return f"| {label} | {_cell(scenario.name)} | {_cell(reason)} |"
