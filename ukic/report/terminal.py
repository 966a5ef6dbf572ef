"""The terminal report: grouped by feature, a fixed-width outcome label per scenario, one summary line.

Plain text, or ANSI colours when asked; no third-party imports so `ukic verify` stays quick.
"""

from __future__ import annotations

from ukic.outcome import Outcome
from ukic.redact import printable
from ukic.report.common import (
    SHORT_LABELS,
    counts_line,
    group_by_feature,
    profile_line,
    profile_name,
    profile_notes,
    source_line,
    verdict_line,
    waiver_ticket,
)
from ukic.result import RunResult, ScenarioResult

LABEL_WIDTH = max(len(label) for label in SHORT_LABELS.values())
INDENT = "  "

_RESET = "\033[0m"
_STYLE = {
    Outcome.PASSED: "\033[32m",  # green
    Outcome.FAILED: "\033[1;31m",  # bold red
    Outcome.WARNING: "\033[33m",  # yellow
    Outcome.UNVERIFIABLE: "\033[1;35m",  # bold magenta
    Outcome.NOT_APPLICABLE: "\033[2m",  # dim
    Outcome.WAIVED: "\033[36m",  # cyan
}
_BOLD = "\033[1m"
_DIM = "\033[2m"
_VERDICT_STYLE = {0: "\033[1;32m", 1: "\033[1;31m", 2: "\033[1;35m"}


def _text(value: object) -> str:
    """Cluster data as one inert line: control characters must not drive the terminal."""
    return printable(str(value), one_line=True)


def _paint(text: str, style: str, color: bool) -> str:
    return f"{style}{text}{_RESET}" if color else text


def render_terminal(result: RunResult, color: bool) -> str:
    """The run as a readable text report; ``color`` adds ANSI colours."""
    lines = [
        _paint(f"ukic {_text(result.harness_version)}", _BOLD, color)
        + f" · cluster {_text(result.cluster)} · profile {_text(profile_line(result.profile))}",
        f"source: {_text(source_line(result.source))}",
        *(f"profile note: {_text(note)}" for note in profile_notes(result.profile)),
        "",
    ]
    for group in group_by_feature(result):
        title = _paint(_text(group.title), _BOLD, color)
        lines.append(title + _paint(f"  ({_text(group.file)})", _DIM, color))
        for scenario in group.scenarios:
            lines += _scenario_lines(scenario, color)
        lines.append("")
    if result.notes:
        lines.append(_paint("Notes", _BOLD, color))
        lines += [f"{INDENT}- {_text(note)}" for note in result.notes]
        lines.append("")
    lines.append(summary_line(result, color))
    return "\n".join(lines) + "\n"


def _scenario_lines(scenario: ScenarioResult, color: bool) -> list[str]:
    """The label and title; for anything but passed, the reason on the next line."""
    label = SHORT_LABELS[scenario.outcome].ljust(LABEL_WIDTH)
    lines = [f"{INDENT}{_paint(label, _STYLE[scenario.outcome], color)}  {_text(scenario.name)}"]
    if scenario.outcome is not Outcome.PASSED:
        reason = _text(scenario.reason) or "(no reason given)"
        if scenario.outcome is Outcome.WAIVED:
            reason = f"waived (ticket {_text(waiver_ticket(scenario))}): {reason}"
        if scenario.outcome is Outcome.NOT_APPLICABLE:
            reason = _paint(reason, _DIM, color)
        lines.append(f"{INDENT}{' ' * LABEL_WIDTH}  {reason}")
    if scenario.remedy and scenario.outcome is not Outcome.PASSED:
        lines.append(f"{INDENT}{' ' * LABEL_WIDTH}  {_paint('remedy:', _BOLD, color)} {_text(scenario.remedy)}")
    return lines


def summary_line(result: RunResult, color: bool = False) -> str:
    """``v5 production on place10: 41 passed, ... -> NOT CONFORMANT (exit 1)``."""
    verdict = _paint(verdict_line(result), _VERDICT_STYLE.get(result.exit_code, _BOLD), color)
    where = f"{_text(profile_name(result.profile))} on {_text(result.cluster)}"
    return f"{where}: {counts_line(result)} -> {verdict}"
