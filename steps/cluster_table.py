"""The manual's cluster table: the columns an inventory declares against what the cluster shows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytest_bdd import given, then

from ukic import cluster_table
from ukic.hosts.verdict import conclude
from ukic.outcome import CheckFailed, NotApplicable, Unverifiable
from ukic.run_context import UkicRun
from ukic.state import ClusterState

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ukic.inventory import Cluster
    from ukic.profiles.model import Component

NO_INVENTORY = "not verified from an inventory: no declared table row (`ukic audit clusters.yaml` declares them)"


@given("the cluster's row in the inventory", target_fixture="table_row")
def table_row(ukic_run: UkicRun) -> Cluster:
    entry = ukic_run.inventory_entry
    if entry is None:
        raise NotApplicable(NO_INVENTORY)
    return entry


@given("the cluster's row in the inventory marks it UNUSED", target_fixture="table_row")
def unused_row(ukic_run: UkicRun) -> Cluster:
    entry = table_row(ukic_run)
    if not entry.unused:
        raise NotApplicable(f"the inventory does not mark {entry.name} UNUSED")
    return entry


@then("the masters, argo and rook it declares are what the cluster shows")
def declared_columns_shown(
    table_row: Cluster, cluster_state: ClusterState, component_catalogue: Mapping[str, Component]
) -> None:
    declared = table_row.declared_columns()
    if not declared:
        raise NotApplicable(f"the inventory declares none of masters, argo, rook for {table_row.name}")
    problems, gaps = cluster_table.differences(declared, cluster_table.observe(cluster_state, component_catalogue))
    conclude(
        [f"cluster {table_row.name}: {p}" for p in problems],
        gaps,
        remedy=f"correct the masters/argo/rook of {table_row.name} in the inventory (the manual's cluster table) "
        "to what the cluster shows, or change the cluster",
    )


@then("the cluster does not answer")
def does_not_answer(table_row: Cluster, ukic_run: UkicRun, cluster_state: ClusterState) -> None:
    info = ukic_run.source.info()
    if info.kind != "live":
        raise NotApplicable(f"a {info.kind} source cannot tell whether the cluster answers now")
    try:
        nodes = ", ".join(n.name for n in cluster_state.nodes()) or "no nodes"
    except Unverifiable:
        nodes = "its nodes not readable"
    # the run got this far only because the API server answered discovery
    raise CheckFailed(
        f"the inventory marks {table_row.name} UNUSED, but its API server {info.location} answers ({nodes})",
        remedy=f"shut {table_row.name} down, or drop UNUSED from its row in the inventory",
    )
