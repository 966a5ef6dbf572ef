"""Which families of checks a run actually evaluated: the cluster's API (or configuration), its nodes, its routers.

A run without hosts leaves every node and router scenario *not applicable*; it still verifies
the API, but it verified less than a run that reached the machines. The ledger records the
families per run so that "last verified" says how much was verified.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ukic.outcome import Outcome
from ukic.result import ScenarioResult

API, NODES, ROUTERS = "api", "nodes", "routers"
FAMILIES = (API, NODES, ROUTERS)
#: Feature-area tags whose scenarios run on the machines over SSH; everything else reads the API.
HOST_FAMILIES = (NODES, ROUTERS)
#: Outcomes that mean the scenario's facts were read and judged.
EVALUATED = frozenset({Outcome.PASSED, Outcome.FAILED, Outcome.WARNING, Outcome.WAIVED})
_NAMES = {API: "API", NODES: "nodes", ROUTERS: "routers"}


def family_of(tags: Iterable[str]) -> str:
    """The family a scenario belongs to, from its tags."""
    tagged = set(tags)
    return next((family for family in HOST_FAMILIES if family in tagged), API)


def checked_families(scenarios: Iterable[ScenarioResult]) -> list[str]:
    """The families with at least one scenario evaluated, in FAMILIES order."""
    seen = {family_of(s.tags) for s in scenarios if s.outcome in EVALUATED}
    return [family for family in FAMILIES if family in seen]


def is_full(checked: Sequence[str] | None, selected: str | None = None) -> bool:
    """Every family checked, by a run of every scenario (a `-m` run checked a part of each)."""
    return checked is not None and not selected and all(family in checked for family in FAMILIES)


def label(checked: Sequence[str] | None, source_kind: str | None = None, selected: str | None = None) -> str:
    """What a "last verified" date covers: "" when everything, "(API only)" without node and router checks.

    A configuration repository is not the API: its runs say "(manifests only)". ``None`` (a run
    recorded before coverage was kept) says so instead of guessing. A run of the scenarios a `-m`
    expression chose names it.
    """
    if checked is None:
        return "(coverage not recorded)"
    if selected:
        return f"(-m {selected!r} only)"
    if is_full(checked):
        return ""
    api = "manifests" if source_kind == "manifests" else _NAMES[API]
    names = [api if family == API else _NAMES[family] for family in checked]
    if not names:
        return "(nothing evaluated)"
    if len(names) == 1:
        return f"({names[0]} only)"
    return f"({', '.join(names)})"
