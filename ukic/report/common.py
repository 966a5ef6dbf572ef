"""Small facts every report format shows the same way: feature groups, labels, header lines."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from ukic.jsonlist import indented_json
from ukic.outcome import Outcome
from ukic.result import RunResult, ScenarioResult


def json_document(data: Any) -> str:
    """A JSON report file's text: indented by two, UTF-8 as it is, one line break at the end (a lone
    surrogate in a name, which msgspec refuses, is replaced); floats may be spelled without an exponent."""
    return indented_json(data, 2).decode("utf-8")


#: Fixed labels for line-oriented output (terminal, markdown).
SHORT_LABELS: dict[Outcome, str] = {
    Outcome.PASSED: "PASSED",
    Outcome.FAILED: "FAILED",
    Outcome.WARNING: "WARNING",
    Outcome.UNVERIFIABLE: "UNVERIFIABLE",
    Outcome.NOT_APPLICABLE: "N/A",
    Outcome.WAIVED: "WAIVED",
}

#: The order counts are spelled out in summary lines: the outcomes as ukic.outcome declares them.
COUNT_ORDER: tuple[Outcome, ...] = tuple(Outcome)


@dataclass
class FeatureGroup:
    """The scenarios of one feature file, in the order the run reported them."""

    title: str
    file: str
    description: str
    scenarios: list[ScenarioResult]

    @property
    def stem(self) -> str:
        return feature_stem(self.file)

    def count(self, outcome: Outcome) -> int:
        return sum(1 for s in self.scenarios if s.outcome is outcome)


def feature_stem(feature_file: str) -> str:
    """``bgp.feature`` or ``network/bgp.feature`` -> ``bgp``."""
    return PurePosixPath(feature_file.replace("\\", "/")).stem or feature_file


def group_by_feature(result: RunResult) -> list[FeatureGroup]:
    """Scenarios grouped by feature file, features in order of first appearance."""
    groups: dict[str, FeatureGroup] = {}
    for scenario in result.scenarios:
        key = scenario.feature_file or scenario.feature
        group = groups.get(key)
        if group is None:
            group = FeatureGroup(
                title=scenario.feature or feature_stem(key),
                file=scenario.feature_file,
                description=scenario.feature_description,
                scenarios=[],
            )
            groups[key] = group
        group.scenarios.append(scenario)
    return list(groups.values())


def short_digest(digest: str | None, length: int = 12) -> str:
    """``sha256:0123abcd...`` -> ``0123abcd0123``; empty when there is none."""
    if not digest:
        return ""
    return str(digest).split(":", 1)[-1][:length]


def profile_line(profile: dict[str, Any], digest_length: int = 12) -> str:
    """``v5 production (digest 0123abcd0123)``."""
    name = profile_name(profile)
    digest = short_digest(profile.get("digest"), digest_length)
    return f"{name} (digest {digest})" if digest else name


def profile_notes(profile: dict[str, Any]) -> list[str]:
    """What the selected profile says about itself (v5: its rules are inferred), one line each."""
    return [one_line(str(note)) for note in profile.get("notes") or []]


def profile_name(profile: dict[str, Any]) -> str:
    """``v5 production``."""
    return " ".join(str(profile[k]) for k in ("version", "type") if profile.get(k)) or "unknown profile"


#: Source fields shown by name; any other field (a source's extras) follows as "key value".
_SOURCE_DETAILS = (("context", "context"), ("server_version", "server"), ("captured_at", "captured"))
_SOURCE_HIDDEN = {"kind", "location", "cluster_name", "extra"}


def source_line(source: dict[str, Any]) -> str:
    """``snapshot fixtures/samples/v5-production (context admin@place10, captured 2026-..., files 16)``."""
    head = " ".join(str(source[k]) for k in ("kind", "location") if source.get(k)) or "unknown source"
    details = [f"{label} {source[key]}" for key, label in _SOURCE_DETAILS if source.get(key)]
    known = {key for key, _ in _SOURCE_DETAILS} | _SOURCE_HIDDEN
    extras = {k: v for k, v in source.items() if k not in known}
    if isinstance(source.get("extra"), dict):
        extras.update(source["extra"])
    details += [f"{key} {value}" for key, value in extras.items() if value not in (None, "")]
    return f"{head} ({', '.join(details)})" if details else head


def tag_label(tag: str) -> str:
    """Tags as Gherkin writes them: ``runtime`` -> ``@runtime``."""
    return tag if tag.startswith("@") else f"@{tag}"


def counts_line(result: RunResult) -> str:
    """``41 passed, 1 failed, 0 warning, 2 unverifiable, 12 not applicable, 0 waived``."""
    counts = result.counts
    return ", ".join(f"{counts[o.value]} {o.value}" for o in COUNT_ORDER)


def verdict_line(result: RunResult) -> str:
    """``NOT CONFORMANT (exit 1)``."""
    return f"{result.verdict.upper()} (exit {result.exit_code})"


def format_duration(seconds: float) -> str:
    """A short human duration: ``850 ms``, ``2.31 s``, ``3 min 05 s``."""
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60:
        return f"{seconds:.2f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s"


def waiver_ticket(scenario: ScenarioResult) -> str:
    """The waiver's ticket, or ``no ticket`` when the record has none."""
    waiver = scenario.waiver or {}
    return str(waiver.get("ticket") or "no ticket")


def one_line(text: str | None) -> str:
    """Collapse whitespace (newlines included) so a reason fits one table cell or line."""
    return re.sub(r"\s+", " ", text or "").strip()
