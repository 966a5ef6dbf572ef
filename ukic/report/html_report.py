"""report.html: one self-contained page (inline CSS and JS, nothing fetched) to read a run in a browser.

Rendered from the Jinja2 template ``html/report.html.j2`` with autoescaping on, so every piece of
text from the run is escaped by the template engine; the CSS and script are package files
(``html/report.css``, ``html/report.js``) inlined as they are. A Content-Security-Policy forbids
any fetch, so the file shows the same offline as on a CI artefact server. Counts are rendered
here; the script only filters rows by outcome.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from ukic.outcome import OUTCOME_ORDER, Outcome
from ukic.report.common import (
    FeatureGroup,
    format_duration,
    group_by_feature,
    profile_name,
    profile_notes,
    short_digest,
    source_line,
    tag_label,
    waiver_ticket,
)
from ukic.result import RunResult, ScenarioResult, StepResult

if TYPE_CHECKING:
    from jinja2 import Template

CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"
ASSETS = "html"  # the package folder holding the template, the stylesheet and the script

ICONS = {
    Outcome.PASSED: "✓",
    Outcome.FAILED: "✗",
    Outcome.WARNING: "!",
    Outcome.UNVERIFIABLE: "?",
    Outcome.NOT_APPLICABLE: "–",
    Outcome.WAIVED: "≈",
}


def outcome_slug(outcome: Outcome) -> str:
    """``not applicable`` -> ``not-applicable`` (for classes and data attributes)."""
    return outcome.value.replace(" ", "-")


@cache
def _template() -> tuple[Template, str, str]:
    """The page template (autoescaping) and the stylesheet and script it inlines."""
    from jinja2 import Environment, PackageLoader, StrictUndefined

    environment = Environment(
        loader=PackageLoader("ukic.report", ASSETS),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    assets = files("ukic.report") / ASSETS
    css = (assets / "report.css").read_text(encoding="utf-8")
    js = (assets / "report.js").read_text(encoding="utf-8")
    return environment.get_template("report.html.j2"), css, js


def render_html(result: RunResult) -> str:
    """The run as one HTML document."""
    from markupsafe import Markup

    template, css, js = _template()
    counts = result.counts
    profile = result.profile
    digest = str(profile.get("digest") or "")
    return template.render(
        csp=CSP,
        css=Markup(css),  # a package file, not run data
        js=Markup(js),
        run=result,
        verdict_slug=result.verdict.replace(" ", "-"),
        profile={
            "name": profile_name(profile),
            "digest": digest,
            "short_digest": short_digest(digest, 16),
            "chain": [str(v) for v in profile.get("chain") or []],
            "notes": profile_notes(profile),
        },
        source=source_line(result.source),
        duration=format_duration(result.duration),
        total=len(result.scenarios),
        outcomes=[_outcome(o, counts[o.value]) for o in OUTCOME_ORDER],
        features=[_feature(group) for group in group_by_feature(result)],
        notes=result.notes,
    )


def _outcome(outcome: Outcome, count: int) -> dict[str, Any]:
    return {"slug": outcome_slug(outcome), "name": outcome.value, "icon": ICONS[outcome], "count": count}


def _feature(group: FeatureGroup) -> dict[str, Any]:
    return {
        "stem": group.stem,
        "title": group.title,
        "file": group.file,
        "description": group.description.strip(),
        "minis": [_outcome(o, group.count(o)) for o in OUTCOME_ORDER if group.count(o)],
        "scenarios": [_scenario(s) for s in group.scenarios],
    }


def _scenario(scenario: ScenarioResult) -> dict[str, Any]:
    reason = scenario.reason.strip()
    if scenario.outcome is Outcome.WAIVED:
        waiver = scenario.waiver or {}
        extra = "".join(
            f"; {key} {value}" for key, value in waiver.items() if key != "ticket" and value not in (None, "")
        )
        reason = f"waived (ticket {waiver_ticket(scenario)}{extra}): {reason}"
    return {
        "slug": outcome_slug(scenario.outcome),
        "id": scenario.id,
        "icon": ICONS[scenario.outcome],
        "label": scenario.outcome.label,
        "name": scenario.name,
        "reason": reason,
        "remedy": scenario.remedy if scenario.outcome is not Outcome.PASSED else "",
        "tags": [tag_label(tag) for tag in scenario.tags],
        "duration": format_duration(scenario.duration),
        "steps": [_step(step) for step in scenario.steps],
    }


def _step(step: StepResult) -> dict[str, Any]:
    return {
        "state": outcome_slug(step.outcome) if step.ran else "not-run",
        "label": step.outcome.value if step.ran else "not run",
        "keyword": step.keyword.strip(),
        "text": step.text,
        "duration": format_duration(step.duration),
        "message": step.message or "",
    }
