"""Turning what happened in a scenario into one honest ScenarioResult, with its id, reason and remedy."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import NamedTuple

from ukic.feature_index import ScenarioSpec
from ukic.outcome import CheckFailed, CheckWarning, NotApplicable, Outcome, Unverifiable
from ukic.result import ScenarioResult, StepResult

RECOMMENDED_TAG = "recommended"


class MissingStep(Exception):
    """pytest-bdd found no definition for a step (told through its lookup-error hook)."""

    def __init__(self, step: str) -> None:
        super().__init__(step)
        self.step = step


class Verdict(NamedTuple):
    outcome: Outcome
    reason: str
    remedy: str


def classify(exc: BaseException | None, tags: set[str] | frozenset[str]) -> Verdict:
    """The outcome, one-line reason and remedy for how a scenario (or step) ended."""
    if exc is None:
        return Verdict(Outcome.PASSED, "", "")
    remedy = _line(getattr(exc, "remedy", "") or "")
    if isinstance(exc, NotApplicable):
        return Verdict(Outcome.NOT_APPLICABLE, _line(exc), "")
    if isinstance(exc, Unverifiable):
        return Verdict(Outcome.UNVERIFIABLE, _line(exc), remedy)
    if isinstance(exc, MissingStep):
        return Verdict(Outcome.UNVERIFIABLE, f"no step definition: {exc.step}", "")
    if isinstance(exc, CheckWarning):
        return Verdict(Outcome.WARNING, _line(exc), remedy)
    if isinstance(exc, CheckFailed | AssertionError):
        outcome = Outcome.WARNING if RECOMMENDED_TAG in tags else Outcome.FAILED
        return Verdict(outcome, _line(exc) or "assertion failed", remedy)
    # A bug in a step or fixture proves nothing about the cluster: the check could not be made.
    return Verdict(Outcome.UNVERIFIABLE, f"harness error: {type(exc).__name__}: {_line(exc)}", "")


def _line(exc: BaseException | str) -> str:
    return " ".join(str(exc).split())


@dataclass
class ScenarioRecorder:
    """Collects step results while a scenario runs, then renders its ScenarioResult."""

    spec: ScenarioSpec
    example: dict[str, str] | None = None  # the profile-generated example of an outline
    started: float = field(default_factory=time.perf_counter)
    steps: list[StepResult] = field(default_factory=list)
    missing_step: MissingStep | None = None  # the step pytest-bdd could not find a definition for
    _step_started: float = 0.0

    @property
    def id(self) -> str:
        return self.spec.render(self.spec.id, self.example)

    @property
    def tags(self) -> set[str]:
        """The feature's and scenario's tags; a generated example adds its value (``certbot``)."""
        return set(self.spec.tags) | set((self.example or {}).values())

    def step_started(self) -> None:
        self._step_started = time.perf_counter()

    def step_ended(self, exc: BaseException | None) -> None:
        """The next step of the scenario ended (pytest-bdd runs them in order)."""
        outcome, message, _ = classify(exc, self.tags)
        step = self.spec.steps[len(self.steps)]
        self.steps.append(
            StepResult(
                keyword=step.keyword,
                text=self.spec.render(step.text, self.example),
                line=step.line,
                outcome=outcome,
                duration=time.perf_counter() - self._step_started,
                message=message or None,
            )
        )

    def lookup_failed(self, keyword: str, text: str) -> None:
        """The next step has no definition: the scenario cannot be checked."""
        self.missing_step = MissingStep(f'{keyword} "{text}"')
        self.step_started()
        self.step_ended(self.missing_step)

    def finish(self, exc: BaseException | None) -> ScenarioResult:
        outcome, reason, remedy = classify(self.missing_step or exc, self.tags)
        for step in self.spec.steps[len(self.steps) :]:
            text = self.spec.render(step.text, self.example)
            self.steps.append(StepResult(step.keyword, text, step.line, Outcome.NOT_APPLICABLE, ran=False))
        spec = self.spec
        return ScenarioResult(
            id=self.id,
            feature=spec.feature,
            feature_file=spec.feature_file,
            name=spec.render(spec.name, self.example),
            line=spec.line,
            tags=sorted(self.tags),
            outcome=outcome,
            reason=reason,
            remedy=remedy,
            duration=time.perf_counter() - self.started,
            steps=self.steps,
            feature_description=spec.feature_description,
        )
