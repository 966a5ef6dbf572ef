"""cucumber.json: the standard Cucumber JSON report, with every ukic outcome kept visible.

Cucumber statuses are passed/failed/skipped/pending/undefined, so the ukic outcomes not in
that list are mapped with an error_message that names the real outcome: unverifiable ->
"pending", not applicable / warning / waived -> "skipped". Each element also carries an extra
"ukic_outcome" key. A scenario whose outcome no recorded step shows (decided before any
step ran) gets one synthetic step, "Then ukic outcome", that carries it: an unverifiable
scenario never reads as all steps passed. Elements are identified by the scenario's declared id
and carry its remedy as "ukic_remedy".
"""

from __future__ import annotations

import re
from typing import Any

from ukic.outcome import Outcome
from ukic.report.common import (
    FeatureGroup,
    group_by_feature,
    json_document,
    one_line,
    profile_notes,
    tag_label,
    waiver_ticket,
)
from ukic.result import RunResult, ScenarioResult, StepResult

SYNTHETIC_KEYWORD = "Then "
SYNTHETIC_NAME = "ukic outcome"


def render_cucumber(result: RunResult) -> str:
    """The run as Cucumber JSON (a list of features)."""
    return json_document(cucumber_features(result))


def cucumber_features(result: RunResult) -> list[dict[str, Any]]:
    notes = profile_notes(result.profile)
    features = [_feature(group) for group in group_by_feature(result)]
    for feature in features:
        if notes:  # what the profile says about itself (v5: inferred rules), beside every feature
            feature["ukic_profile_notes"] = notes
    return features


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "unnamed"


def _feature(group: FeatureGroup) -> dict[str, Any]:
    feature_id = _slug(group.title)
    elements = [_element(scenario) for scenario in group.scenarios]
    return {
        "uri": group.file,
        "id": feature_id,
        "keyword": "Feature",
        "name": group.title,
        "description": group.description,
        "line": 1,
        # RunResult keeps tags per scenario only; the feature's own tags are in each scenario's list.
        "tags": [],
        "elements": elements,
    }


def _tags(scenario: ScenarioResult) -> list[dict[str, Any]]:
    line = max(scenario.line - 1, 1)
    return [{"name": tag_label(tag), "line": line} for tag in scenario.tags]


def _element(scenario: ScenarioResult) -> dict[str, Any]:
    steps = []
    shown: set[Outcome] = set()
    for step in scenario.steps:
        rendered, outcome = _step(step, scenario)
        steps.append(rendered)
        if outcome is not None:
            shown.add(outcome)
    if scenario.outcome not in shown:
        steps.append(_synthetic_step(scenario))
    element: dict[str, Any] = {
        "id": scenario.id,  # the declared id: unique across the features, stable when a title changes
        "keyword": "Scenario",
        "type": "scenario",
        "name": scenario.name,
        "description": "",
        "line": scenario.line,
        "tags": _tags(scenario),
        "steps": steps,
        "ukic_outcome": scenario.outcome.value,
    }
    if scenario.remedy:
        element["ukic_remedy"] = scenario.remedy
    return element


def _keyword(keyword: str) -> str:
    return keyword.strip() + " "


def _nanoseconds(seconds: float) -> int:
    return max(round(seconds * 1_000_000_000), 0)


#: Cucumber status and error-message prefix for each ukic outcome.
_STATUS: dict[Outcome, tuple[str, str]] = {
    Outcome.PASSED: ("passed", ""),
    Outcome.FAILED: ("failed", ""),
    Outcome.UNVERIFIABLE: ("pending", "unverifiable: "),
    Outcome.NOT_APPLICABLE: ("skipped", "not applicable: "),
    Outcome.WARNING: ("skipped", "warning (recommended, not met): "),
    Outcome.WAIVED: ("skipped", "waived: "),
}


def _result(outcome: Outcome, scenario: ScenarioResult, message: str, seconds: float) -> dict[str, Any]:
    status, prefix = _STATUS[outcome]
    result: dict[str, Any] = {"status": status, "duration": _nanoseconds(seconds)}
    if outcome is not Outcome.PASSED:
        text = f"{prefix}{message}"
        if outcome is Outcome.WAIVED:
            text += f" (ticket {waiver_ticket(scenario)})"
        result["error_message"] = text
    return result


def _step(step: StepResult, scenario: ScenarioResult) -> tuple[dict[str, Any], Outcome | None]:
    """The Cucumber step and the ukic outcome it shows (None for a step that did not run)."""
    shown: Outcome | None = None
    if not step.ran:
        result: dict[str, Any] = {"status": "skipped", "duration": _nanoseconds(step.duration)}
    else:
        shown = step.outcome
        # A failed step in a warning or waived scenario did not fail the run: show what it became.
        if shown is Outcome.FAILED and scenario.outcome in (Outcome.WARNING, Outcome.WAIVED):
            shown = scenario.outcome
        message = one_line(step.message) or one_line(scenario.reason)
        result = _result(shown, scenario, message, step.duration)
    rendered = {
        "keyword": _keyword(step.keyword),
        "name": step.text,
        "line": step.line,
        "result": result,
    }
    return rendered, shown


def _synthetic_step(scenario: ScenarioResult) -> dict[str, Any]:
    return {
        "keyword": SYNTHETIC_KEYWORD,
        "name": SYNTHETIC_NAME,
        "line": scenario.line,
        "result": _result(scenario.outcome, scenario, one_line(scenario.reason), 0.0),
    }
