"""Scenario outcomes and the exceptions steps raise to reach them."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from ukic.errors import ExitCode


class Outcome(StrEnum):
    """The one honest outcome every scenario ends in."""

    PASSED = "passed"
    FAILED = "failed"
    WARNING = "warning"
    UNVERIFIABLE = "unverifiable"
    NOT_APPLICABLE = "not applicable"
    WAIVED = "waived"

    @property
    def label(self) -> str:
        return self.value.upper()


#: Display and reporting order, worst first.
OUTCOME_ORDER: tuple[Outcome, ...] = (
    Outcome.FAILED,
    Outcome.UNVERIFIABLE,
    Outcome.WARNING,
    Outcome.WAIVED,
    Outcome.PASSED,
    Outcome.NOT_APPLICABLE,
)


class CheckFailed(AssertionError):
    """The facts contradict the manual; the message names the objects and values involved.

    ``remedy`` says how to put it right: the manual's own command with the objects filled in,
    or else the field and value to set.
    """

    def __init__(self, message: str, *, remedy: str) -> None:
        super().__init__(message)
        self.remedy = remedy


class CheckWarning(CheckFailed):
    """The facts fall short of the manual only for now or only by a SHOULD: a warning, never a failure
    (e.g. a Ceph cluster still Progressing after the operator restarted, with HEALTH_OK)."""


class Unverifiable(Exception):
    """The facts needed for a check could not be read (not captured, forbidden, unreachable).

    ``remedy`` says how to make the facts readable, where ukic knows it (e.g. the file to capture).
    """

    def __init__(self, message: str = "", *, remedy: str = "") -> None:
        super().__init__(message)
        self.remedy = remedy


class NotApplicable(Exception):
    """The profile or the source does not call for this check."""


MAX_PROBLEMS_SHOWN = 5


def fail_on(problems: Iterable[str], remedy: str) -> None:
    """Raise CheckFailed listing the problems (at most a few, with a count), if there are any."""
    found = list(problems)
    if not found:
        return
    shown = "; ".join(found[:MAX_PROBLEMS_SHOWN])
    more = len(found) - MAX_PROBLEMS_SHOWN
    raise CheckFailed(f"{shown}; and {more} more" if more > 0 else shown, remedy=remedy)


def exit_code_for(outcomes: Iterable[Outcome]) -> ExitCode:
    """0 conformant (warnings and waivers allowed), 1 a failure, 2 nothing failed but something unverifiable."""
    seen = set(outcomes)
    if Outcome.FAILED in seen:
        return ExitCode.NOT_CONFORMANT
    if Outcome.UNVERIFIABLE in seen:
        return ExitCode.UNVERIFIABLE
    return ExitCode.CONFORMANT


def worst_exit_code(codes: Iterable[int]) -> int:
    """Combine exit codes of several runs: usage > not conformant > unverifiable > conformant."""
    rank = {
        ExitCode.CONFORMANT: 0,
        ExitCode.UNVERIFIABLE: 1,
        ExitCode.NOT_CONFORMANT: 2,
        ExitCode.INTERRUPTED: 3,
        ExitCode.USAGE: 4,
    }
    return max(codes, key=lambda c: rank.get(ExitCode(c), 5), default=ExitCode.CONFORMANT)
