"""Turning what happened in a pytest-bdd scenario into one honest ScenarioResult."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from pytest_bdd.exceptions import StepDefinitionNotFoundError
from pytest_bdd.parser import Scenario

from ukic.outcome import CheckFailed, NotApplicable, Outcome, Unverifiable
from ukic.result import ScenarioResult, StepResult

RECOMMENDED_TAG = "recommended"


def classify(exc: BaseException | None, tags: set[str]) -> tuple[Outcome, str]:
    """The outcome and one-line reason for how a scenario (or step) ended."""
    if exc is None:
        return Outcome.PASSED, ""
    if isinstance(exc, NotApplicable):
        return Outcome.NOT_APPLICABLE, _line(exc)
    if isinstance(exc, Unverifiable):
        return Outcome.UNVERIFIABLE, _line(exc)
    if isinstance(exc, StepDefinitionNotFoundError):
        return Outcome.UNVERIFIABLE, f"no step definition: {_line(exc).split('. Line')[0]}"
    if isinstance(exc, CheckFailed | AssertionError):
        outcome = Outcome.WARNING if RECOMMENDED_TAG in tags else Outcome.FAILED
        return outcome, _line(exc) or "assertion failed"
    # A bug in a step or fixture proves nothing about the cluster: the check could not be made.
    return Outcome.UNVERIFIABLE, f"harness error: {type(exc).__name__}: {_line(exc)}"


def _line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


@dataclass
class ScenarioRecorder:
    """Collects step results while a scenario runs, then renders its ScenarioResult."""

    scenario: Scenario
    features_root: Path | None
    extra_tags: set[str] = field(default_factory=set)
    started: float = field(default_factory=time.perf_counter)
    steps: list[StepResult] = field(default_factory=list)
    _step_started: float = 0.0

    def step_started(self) -> None:
        self._step_started = time.perf_counter()

    def step_ended(self, keyword: str, text: str, line: int, exc: BaseException | None) -> None:
        outcome, message = classify(exc, self.tags)
        self.steps.append(
            StepResult(
                keyword=keyword,
                text=text,
                line=line,
                outcome=outcome,
                duration=time.perf_counter() - self._step_started,
                message=message or None,
            )
        )

    @property
    def tags(self) -> set[str]:
        return set(self.scenario.tags) | set(self.scenario.feature.tags) | self.extra_tags

    def finish(self, exc: BaseException | None) -> ScenarioResult:
        outcome, reason = classify(exc, self.tags)
        done = len(self.steps)
        for step in self.scenario.steps[done:]:
            self.steps.append(StepResult(step.keyword, step.name, step.line_number, Outcome.NOT_APPLICABLE, ran=False))
        feature = self.scenario.feature
        file = Path(feature.filename)
        rel = (
            str(file.relative_to(self.features_root))
            if self.features_root and file.is_relative_to(self.features_root)
            else feature.rel_filename
        )
        return ScenarioResult(
            id=f"{file.stem}::{self.scenario.name}",
            feature=feature.name,
            feature_file=rel,
            name=self.scenario.name,
            line=self.scenario.line_number,
            tags=sorted(self.tags),
            outcome=outcome,
            reason=reason,
            duration=time.perf_counter() - self.started,
            steps=self.steps,
            feature_description=" ".join(feature.description.split()),
        )
