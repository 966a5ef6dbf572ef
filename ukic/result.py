"""The record of one verification run: what every report and the ledger are written from."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import PurePosixPath
from typing import Any

from ukic.outcome import OUTCOME_ORDER, Outcome, exit_code_for


@dataclass
class StepResult:
    """One Gherkin step as it ran."""

    keyword: str  # Given / When / Then / And / But
    text: str
    line: int
    outcome: Outcome  # passed | failed | unverifiable | not applicable ("skipped" steps after a stop)
    duration: float = 0.0
    message: str | None = None
    ran: bool = True  # False for steps after the one that decided the outcome


@dataclass
class ScenarioResult:
    """One scenario's honest outcome with a one-line reason naming the objects involved."""

    id: str  # declared by the scenario's @id tag: "bgp.peer-keeps-next-hop"; renaming the title keeps it
    feature: str  # feature title
    feature_file: str  # path relative to the features folder
    name: str
    line: int
    tags: list[str]
    outcome: Outcome
    reason: str
    duration: float
    steps: list[StepResult] = field(default_factory=list)
    feature_description: str = ""
    waiver: dict[str, Any] | None = None  # ticket/justification/expires when waived
    remedy: str = ""  # how to put a failure or warning right (the manual's command, or the field to set)

    @property
    def title_key(self) -> str:
        """``<feature file stem>::<scenario name>``: how runs before declared ids named a scenario."""
        return f"{PurePosixPath(self.feature_file).stem}::{self.name}"


@dataclass
class RunResult:
    """Everything a run found, plus where it came from."""

    cluster: str
    source: dict[str, Any]  # SourceInfo as a dict
    profile: dict[str, Any]  # {"version", "type", "digest", "chain": [...]}
    harness_version: str
    started_at: str  # RFC 3339 UTC
    finished_at: str
    duration: float
    scenarios: list[ScenarioResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. waivers matching nothing, ignored manifest files
    facts: dict[str, Any] = field(default_factory=dict)  # what the manual's cluster table shows: masters, argo, rook
    selected: str | None = None  # the -m expression that chose the scenarios; None: every scenario

    @property
    def counts(self) -> dict[str, int]:
        counts = {o.value: 0 for o in OUTCOME_ORDER}
        for s in self.scenarios:
            counts[s.outcome.value] += 1
        return counts

    @property
    def exit_code(self) -> int:
        return int(exit_code_for(s.outcome for s in self.scenarios))

    @property
    def verdict(self) -> str:
        return {0: "conformant", 1: "not conformant", 2: "could not verify"}[self.exit_code]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["counts"] = self.counts
        data["verdict"] = self.verdict
        data["exit_code"] = self.exit_code
        return _plain(data)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunResult:
        scenarios = [
            ScenarioResult(
                **{
                    **s,
                    "outcome": Outcome(s["outcome"]),
                    "steps": [StepResult(**{**st, "outcome": Outcome(st["outcome"])}) for st in s.get("steps", [])],
                }
            )
            for s in data.get("scenarios", [])
        ]
        fields = {k: data[k] for k in cls.__dataclass_fields__ if k in data and k != "scenarios"}
        return cls(**fields, scenarios=scenarios)


def _plain(value: Any) -> Any:
    if isinstance(value, Outcome):
        return value.value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
