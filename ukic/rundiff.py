"""What changed between two runs: scenarios whose outcome moved, new failures first.

Scenarios are matched by their declared id (``bgp.node-mesh``); a run written before ids were
declared named scenarios ``<feature stem>::<title>``, and those match the scenario of the same
title in the other run. A change is
*worse* when the scenario is now failed and was not, or when its outcome moved to a worse
rank (passed/not applicable < waived < warning < unverifiable/failed); *better* the other
way round; *changed* when the rank stayed (failed <-> unverifiable, passed <-> n.a.).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ukic.errors import UsageError
from ukic.outcome import Outcome
from ukic.result import RunResult
from ukic.yamlio import ParseError, load_text

SUMMARY_FILE = "summary.json"

#: How bad an outcome is, for telling worse from better.
BADNESS: dict[Outcome, int] = {
    Outcome.PASSED: 0,
    Outcome.NOT_APPLICABLE: 0,
    Outcome.WAIVED: 1,
    Outcome.WARNING: 2,
    Outcome.UNVERIFIABLE: 3,
    Outcome.FAILED: 3,
}


@dataclass(frozen=True)
class Change:
    """One scenario whose outcome differs between the runs (None: not in that run)."""

    id: str
    before: Outcome | None
    after: Outcome | None
    reason: str  # the later run's reason, or the earlier one's when the scenario is gone

    @property
    def new_failure(self) -> bool:
        return self.after is Outcome.FAILED and self.before is not Outcome.FAILED

    @property
    def direction(self) -> str:
        """worse | better | changed (a scenario that appeared passing or disappeared is "changed")."""
        if self.new_failure:
            return "worse"
        if self.after is None:
            return "changed"
        before = 0 if self.before is None else BADNESS[self.before]
        after = BADNESS[self.after]
        if after > before:
            return "worse"
        return "better" if after < before else "changed"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "before": None if self.before is None else self.before.value,
            "after": None if self.after is None else self.after.value,
            "direction": self.direction,
            "new_failure": self.new_failure,
            "reason": self.reason,
        }


@dataclass
class RunDiff:
    """The changes between run A (before) and run B (after), new failures first."""

    before: RunResult
    after: RunResult
    changes: list[Change] = field(default_factory=list)

    @property
    def got_worse(self) -> bool:
        return any(c.direction == "worse" for c in self.changes)

    def context_notes(self) -> list[str]:
        """Differences that make the comparison less direct: cluster, profile, digest."""
        notes = []
        if self.before.cluster != self.after.cluster:
            notes.append(f"different clusters: {self.before.cluster} vs {self.after.cluster}")
        for key in ("version", "type", "digest"):
            a, b = self.before.profile.get(key), self.after.profile.get(key)
            if a != b:
                notes.append(f"profile {key} differs: {a} vs {b}")
        return notes

    def to_dict(self) -> dict[str, Any]:
        return {
            "before": _run_label(self.before),
            "after": _run_label(self.after),
            "got_worse": self.got_worse,
            "notes": self.context_notes(),
            "changes": [c.to_dict() for c in self.changes],
        }


def load_run(path: str | Path) -> RunResult:
    """A run from its report folder or its summary.json; unreadable input is a UsageError."""
    given = Path(path)
    file = given / SUMMARY_FILE if given.is_dir() else given
    try:
        data = load_text(file.read_bytes(), str(file) if file.suffix == ".json" else f"{file}.json")
    except FileNotFoundError:
        hint = f" (no {SUMMARY_FILE} in that folder)" if given.is_dir() else ""
        raise UsageError(f"{file}: not found{hint}") from None
    except OSError as exc:
        raise UsageError(f"{file}: cannot read ({exc.strerror})") from None
    except ParseError as exc:
        raise UsageError(str(exc)) from None
    try:
        return RunResult.from_dict(data)
    except (TypeError, KeyError, ValueError, AttributeError) as exc:
        raise UsageError(f"{file}: not a ukic summary ({exc})") from None


def diff_runs(before: RunResult, after: RunResult) -> RunDiff:
    """Every scenario whose outcome changed; new failures, then other worse, better, changed."""
    # Runs from before declared ids used "<stem>::<title>" as the id: map those onto today's ids.
    declared = {s.title_key: s.id for s in [*before.scenarios, *after.scenarios] if s.id != s.title_key}
    old = {declared.get(s.id, s.id): s for s in before.scenarios}
    new = {declared.get(s.id, s.id): s for s in after.scenarios}
    changes = []
    for scenario_id in [*new, *(i for i in old if i not in new)]:
        a, b = old.get(scenario_id), new.get(scenario_id)
        before_outcome = a.outcome if a else None
        after_outcome = b.outcome if b else None
        if before_outcome is after_outcome:
            continue
        reason = b.reason if b else a.reason
        changes.append(Change(scenario_id, before_outcome, after_outcome, reason))
    order = {"worse": 1, "better": 2, "changed": 3}
    changes.sort(key=lambda c: (0 if c.new_failure else order[c.direction], c.id))
    return RunDiff(before=before, after=after, changes=changes)


def _run_label(run: RunResult) -> dict[str, Any]:
    return {
        "cluster": run.cluster,
        "finished_at": run.finished_at,
        "profile": {k: run.profile.get(k) for k in ("version", "type", "digest")},
        "verdict": run.verdict,
    }
