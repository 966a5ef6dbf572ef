"""Cluster size and shape per cluster type."""

from __future__ import annotations

from pytest_bdd import then

from ukic.outcome import CheckFailed, fail_on
from ukic.run_context import UkicRun
from ukic.state import NodeView


def _names(nodes: list[NodeView]) -> str:
    return ", ".join(n.name for n in nodes) or "none"


def _at_least(what: str, have: list[NodeView], need: int, cluster_type: str, why: str = "minimum") -> str | None:
    if len(have) >= need:
        return None
    return f"{what}: {len(have)} ({_names(have)}); a {cluster_type} cluster's {why} is {need}"


@then("there are at least as many nodes as the cluster type's minimum")
def enough_nodes(ukic_run: UkicRun, nodes: list[NodeView]) -> None:
    t = ukic_run.selection.cluster_type
    fail_on(filter(None, [_at_least("nodes", nodes, t.min_nodes, t.name)]))


@then("there are at least as many control-plane nodes as the cluster type's minimum")
def enough_control_plane(ukic_run: UkicRun, nodes: list[NodeView]) -> None:
    t = ukic_run.selection.cluster_type
    control_plane = [n for n in nodes if n.is_control_plane]
    fail_on(filter(None, [_at_least("control-plane nodes", control_plane, t.min_control_plane, t.name)]))


@then("there are at least as many schedulable workers as the cluster type's minimum")
def enough_workers(ukic_run: UkicRun, nodes: list[NodeView]) -> None:
    t = ukic_run.selection.cluster_type
    workers = [n for n in nodes if n.schedulable]
    fail_on(filter(None, [_at_least("schedulable workers", workers, t.min_schedulable_workers, t.name)]))


@then("the node, control-plane and worker counts meet the cluster type's recommendation")
def recommended_size(ukic_run: UkicRun, nodes: list[NodeView]) -> None:
    t = ukic_run.selection.cluster_type
    control_plane = [n for n in nodes if n.is_control_plane]
    workers = [n for n in nodes if n.schedulable and not n.is_control_plane]
    fail_on(
        filter(
            None,
            [
                _at_least("nodes", nodes, t.recommended_nodes, t.name, "recommendation"),
                _at_least(
                    "control-plane nodes",
                    control_plane,
                    t.recommended_control_plane,
                    t.name,
                    "recommendation",
                ),
                _at_least("dedicated workers", workers, t.recommended_schedulable_workers, t.name, "recommendation"),
            ],
        )
    )


@then("every control-plane node is tainted against ordinary workloads")
def control_plane_tainted(nodes: list[NodeView]) -> None:
    control_plane = [n for n in nodes if n.is_control_plane]
    if not control_plane:
        raise CheckFailed("no control-plane node found (no node-role.kubernetes.io/control-plane or master label)")
    fail_on(
        f"control-plane node {n.name} has no NoSchedule taint and takes ordinary workloads"
        for n in control_plane
        if not n.keeps_workloads_off
    )


@then("every node reports Ready")
def nodes_ready(nodes: list[NodeView]) -> None:
    fail_on(f"node {n.name}: not Ready ({n.ready_reason})" for n in nodes if not n.ready)
