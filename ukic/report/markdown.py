"""summary.md: a short human summary for a merge request, a ticket or a chat message."""

from __future__ import annotations

import html

from ukic.outcome import Outcome
from ukic.report.common import (
    SHORT_LABELS,
    counts_line,
    format_duration,
    group_by_feature,
    one_line,
    profile_line,
    profile_notes,
    source_line,
    verdict_line,
    waiver_ticket,
)
from ukic.result import RunResult, ScenarioResult

_EMPHASIS = {Outcome.FAILED: "**", Outcome.UNVERIFIABLE: "**"}


def markdown_text(text: object) -> str:
    """Text safe inside Markdown (a table cell too): one line; HTML as entities, pipes and markup escaped."""
    escaped = one_line(str(text)).replace("\\", "\\\\").replace("|", "\\|")
    for char in "`*_[]!#":
        escaped = escaped.replace(char, "\\" + char)
    return html.escape(escaped, quote=False)


def render_markdown(result: RunResult) -> str:
    """The run as Markdown: title, provenance, counts and one table per feature."""
    source = source_line(result.source)
    lines = [
        f"# ukic: {markdown_text(result.cluster)} — {result.verdict.upper()}",
        "",
        f"- **Verdict:** {verdict_line(result)}",
        f"- **Profile:** {markdown_text(profile_line(result.profile))}",
        *(f"- **Profile note:** {markdown_text(note)}" for note in profile_notes(result.profile)),
        f"- **Source:** {markdown_text(source)}",
        f"- **Harness:** ukic {markdown_text(result.harness_version)}",
        f"- **Run:** {markdown_text(result.started_at)} to {markdown_text(result.finished_at)} "
        f"({format_duration(result.duration)})",
        "",
        f"**Counts:** {counts_line(result)}",
        "",
    ]
    for group in group_by_feature(result):
        lines += [
            f"## {markdown_text(group.title)}",
            "",
            "| Outcome | Scenario | Id | Reason | Remedy |",
            "| --- | --- | --- | --- | --- |",
        ]
        lines += [_row(scenario) for scenario in group.scenarios]
        lines.append("")
    if result.notes:
        lines += ["## Notes", ""] + [f"- {markdown_text(note)}" for note in result.notes] + [""]
    return "\n".join(lines)


def _row(scenario: ScenarioResult) -> str:
    mark = _EMPHASIS.get(scenario.outcome, "")
    label = f"{mark}{SHORT_LABELS[scenario.outcome]}{mark}"
    reason = scenario.reason
    if scenario.outcome is Outcome.WAIVED:
        reason = f"waived (ticket {waiver_ticket(scenario)}): {reason}"
    remedy = markdown_text(scenario.remedy) if scenario.outcome is not Outcome.PASSED else ""
    cells = [label, markdown_text(scenario.name), markdown_text(scenario.id), markdown_text(reason), remedy]
    return "| " + " | ".join(cells) + " |"
