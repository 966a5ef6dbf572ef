"""junit.xml: one test suite per feature, one test case per scenario, outcomes mapped honestly.

A test case is named by the scenario's declared id (stable when a title is reworded, so CI
history follows it); the title and the remedy are properties.

CI tools know only pass/fail/error/skip, so: failed -> <failure>, unverifiable -> <error>
(never a plain pass), not applicable and waived -> <skipped> with the reason, warning -> a
plain test case that carries the warning in a property and in <system-out>.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ukic.outcome import Outcome
from ukic.report.common import FeatureGroup, group_by_feature, one_line, profile_notes, tag_label, waiver_ticket
from ukic.result import RunResult, ScenarioResult

# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: object) -> str:
    return _NOT_XML.sub("\ufffd", str(text))


def _seconds(value: float) -> str:
    return f"{max(value, 0.0):.3f}"


def render_junit(result: RunResult) -> str:
    """The run as a JUnit XML document (UTF-8, with declaration)."""
    root = ET.Element("testsuites", _suites_attributes(result))
    for group in group_by_feature(result):
        suite = _suite(group, result)
        notes = profile_notes(result.profile)
        if notes:  # each suite says what the profile says about itself (v5: inferred rules)
            properties = ET.Element("properties")
            for note in notes:
                _property(properties, "ukic.profile.note", note)
            suite.insert(0, properties)
        root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _suites_attributes(result: RunResult) -> dict[str, str]:
    counts = result.counts
    return {
        "name": _clean(f"ukic {result.cluster}"),
        "tests": str(len(result.scenarios)),
        "failures": str(counts[Outcome.FAILED.value]),
        "errors": str(counts[Outcome.UNVERIFIABLE.value]),
        "skipped": str(counts[Outcome.NOT_APPLICABLE.value] + counts[Outcome.WAIVED.value]),
        "time": _seconds(result.duration),
        "timestamp": _clean(result.started_at),
    }


def _suite(group: FeatureGroup, result: RunResult) -> ET.Element:
    suite = ET.Element(
        "testsuite",
        {
            "name": _clean(group.title),
            "tests": str(len(group.scenarios)),
            "failures": str(group.count(Outcome.FAILED)),
            "errors": str(group.count(Outcome.UNVERIFIABLE)),
            "skipped": str(group.count(Outcome.NOT_APPLICABLE) + group.count(Outcome.WAIVED)),
            "time": _seconds(sum(s.duration for s in group.scenarios)),
            "timestamp": _clean(result.started_at),
            "file": _clean(group.file),
        },
    )
    for scenario in group.scenarios:
        suite.append(_case(scenario, group.stem))
    return suite


def _case(scenario: ScenarioResult, classname: str) -> ET.Element:
    case = ET.Element(
        "testcase",
        {
            "classname": _clean(classname),
            "name": _clean(scenario.id),
            "time": _seconds(scenario.duration),
            "file": _clean(scenario.feature_file),
            "line": str(scenario.line),
        },
    )
    properties = ET.SubElement(case, "properties")
    _property(properties, "ukic.outcome", scenario.outcome.value)
    _property(properties, "ukic.id", scenario.id)
    _property(properties, "ukic.title", scenario.name)
    if scenario.remedy:
        _property(properties, "ukic.remedy", scenario.remedy)
    if scenario.tags:
        _property(properties, "ukic.tags", " ".join(tag_label(t) for t in scenario.tags))
    if scenario.waiver:
        for key, value in scenario.waiver.items():
            _property(properties, f"ukic.waiver.{key}", value)

    reason = one_line(scenario.reason)
    outcome = scenario.outcome
    if outcome is Outcome.FAILED:
        element = ET.SubElement(case, "failure", {"type": "failed", "message": _clean(reason)})
        element.text = _clean(_step_trace(scenario))
    elif outcome is Outcome.UNVERIFIABLE:
        element = ET.SubElement(case, "error", {"type": "unverifiable", "message": _clean(f"unverifiable: {reason}")})
        element.text = _clean(_step_trace(scenario))
    elif outcome is Outcome.NOT_APPLICABLE:
        ET.SubElement(case, "skipped", {"type": "not-applicable", "message": _clean(reason)})
    elif outcome is Outcome.WAIVED:
        message = f"waived (ticket {waiver_ticket(scenario)}): {reason}"
        ET.SubElement(case, "skipped", {"type": "waived", "message": _clean(message)})
    elif outcome is Outcome.WARNING:
        ET.SubElement(case, "system-out").text = _clean(f"warning: {reason}" + _remedy_line(scenario))
    return case


def _remedy_line(scenario: ScenarioResult) -> str:
    return f"\nremedy: {one_line(scenario.remedy)}" if scenario.remedy else ""


def _property(parent: ET.Element, name: str, value: object) -> None:
    ET.SubElement(parent, "property", {"name": _clean(name), "value": _clean(value)})


def _step_trace(scenario: ScenarioResult) -> str:
    """The steps as they ran, so a CI log shows where the scenario stopped."""
    lines = []
    for step in scenario.steps:
        status = step.outcome.value if step.ran else "not run"
        line = f"{step.keyword.strip()} {step.text}  [{status}]"
        if step.message:
            line += f": {one_line(step.message)}"
        lines.append(line)
    return ("\n".join(lines) or one_line(scenario.reason)) + _remedy_line(scenario)
