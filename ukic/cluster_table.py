"""The manual's cluster table ("k8s clusters"): what a cluster shows in its columns, and how that compares
with what the inventory declares for it.

The table's columns are Cluster, Purpose/Setup, Maintainer, Master(s), argo, rook, v4 proxy and last
verified. Three of them can be seen in the cluster itself: the control-plane nodes, whether ArgoCD runs
and whether Rook runs. "v4 proxy" cannot: the manual names no object that marks it, so it stays what the
inventory declares.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ukic.components import installed
from ukic.outcome import Unverifiable

if TYPE_CHECKING:
    from ukic.profiles.model import Component

#: The catalogue's components (profiles/components.yaml) whose presence the "argo" and "rook" columns
#: mean: found as the components checks find them, by name, upstream labels or image, so an Argo CD
#: from the argo-helm chart counts as well: argo-cd chart 3.26.0 (Argo CD 2.1) names its Deployments
#: after the release, but templates/_helpers.tpl (argo-cd.labels) labels them as install.yaml does,
#: app.kubernetes.io/part-of: argocd with their app.kubernetes.io/component.
COLUMN_COMPONENTS = {"argo": "argocd", "rook": "rook-operator"}
#: The columns a cluster shows by itself, in the table's order.
OBSERVED_COLUMNS = ("masters", "argo", "rook")

Facts = dict[str, Any]


def _masters(state: Any) -> list[str]:
    return sorted(n.name for n in state.nodes() if n.is_control_plane)


def _present(state: Any, components: Mapping[str, Component], column: str) -> bool:
    name = COLUMN_COMPONENTS[column]
    if name not in components:
        raise Unverifiable(f"the component catalogue has no {name}")
    return installed(state, components[name])


def observe(state: Any, components: Mapping[str, Component]) -> dict[str, Any]:
    """Each observable column's value, or the Unverifiable saying why it could not be read.
    ``components``: the catalogue the run's profile selection holds."""
    seen: dict[str, Any] = {}
    for column in OBSERVED_COLUMNS:
        try:
            seen[column] = _masters(state) if column == "masters" else _present(state, components, column)
        except Unverifiable as gap:
            seen[column] = gap
        except (TypeError, AttributeError, KeyError, ValueError) as exc:  # a malformed object ukic.shapes let by
            seen[column] = Unverifiable(f"{column}: cannot be read ({type(exc).__name__}: {exc})")
    return seen


def facts_from_state(state: Any, components: Mapping[str, Component]) -> Facts:
    """The table's facts from a ukic.state.ClusterState (already read resources are reused); None: not known."""
    return {column: None if isinstance(v, Unverifiable) else v for column, v in observe(state, components).items()}


def show(value: Any) -> str:
    """A column value as the table writes it."""
    if isinstance(value, bool):
        return "x" if value else "(empty)"
    if isinstance(value, list | tuple):
        return " ".join(value) or "(none)"
    return str(value)


def differences(declared: Mapping[str, Any], observed: Mapping[str, Any]) -> tuple[list[str], list[Unverifiable]]:
    """Each declared column that the cluster shows otherwise, and each one it could not show."""
    problems: list[str] = []
    gaps: list[Unverifiable] = []
    for column in OBSERVED_COLUMNS:
        if column not in declared:
            continue
        want, have = declared[column], observed.get(column)
        if isinstance(have, Unverifiable):
            gaps.append(Unverifiable(f"{column}: {have}"))
            continue
        if column == "masters":
            want, have = sorted(want), sorted(have)
        if want != have:
            problems.append(f"{column}: the inventory declares {show(want)}, the cluster shows {show(have)}")
    return problems, gaps
