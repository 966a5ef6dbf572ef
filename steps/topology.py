"""Cluster size and shape per cluster type."""

from __future__ import annotations

from pytest_bdd import then

from ukic.drift.maintenance import UNCORDON
from ukic.outcome import CheckFailed, fail_on
from ukic.profiles.rules import Rules
from ukic.state import NodeView


def _names(nodes: list[NodeView]) -> str:
    return ", ".join(n.name for n in nodes) or "none"


def _at_least(
    what: str, have: list[NodeView], rules: Rules, key: str, cordoned: list[NodeView] | None = None
) -> str | None:
    need = rules[key]
    if len(have) >= need:
        return None
    why = "recommendation" if key.startswith("cluster_type.recommended_") else "minimum"
    held = f"; not counted because cordoned: {_names(cordoned)}" if cordoned else ""
    return f"{what}: {len(have)} ({_names(have)}); a {rules.owner(key)} cluster's {why} is {need}{held}"


def _uncordon(cordoned: list[NodeView]) -> str:
    """The manual's "Readding a node after draining" for each cordoned node that would count."""
    return "; ".join(f"`{UNCORDON.format(node=n.name)}`" for n in cordoned)


@then("there are at least as many nodes as the cluster type's minimum")
def enough_nodes(rules: Rules, nodes: list[NodeView]) -> None:
    fail_on(filter(None, [_at_least("nodes", nodes, rules, "cluster_type.min_nodes")]))


@then("there are at least as many control-plane nodes as the cluster type's minimum")
def enough_control_plane(rules: Rules, nodes: list[NodeView]) -> None:
    control_plane = [n for n in nodes if n.is_control_plane]
    fail_on(filter(None, [_at_least("control-plane nodes", control_plane, rules, "cluster_type.min_control_plane")]))


@then("there are at least as many schedulable workers as the cluster type's minimum")
def enough_workers(rules: Rules, nodes: list[NodeView]) -> None:
    workers = [n for n in nodes if n.schedulable]
    cordoned = [n for n in nodes if n.only_cordoned]
    problem = _at_least("schedulable workers", workers, rules, "cluster_type.min_schedulable_workers", cordoned)
    fail_on(filter(None, [problem]), remedy=_uncordon(cordoned) if problem else "")


@then("the node, control-plane and worker counts meet the cluster type's recommendation")
def recommended_size(rules: Rules, nodes: list[NodeView]) -> None:
    control_plane = [n for n in nodes if n.is_control_plane]
    workers = [n for n in nodes if n.schedulable and not n.is_control_plane]
    cordoned = [n for n in nodes if n.only_cordoned and not n.is_control_plane]
    short_of_workers = _at_least(
        "dedicated workers", workers, rules, "cluster_type.recommended_schedulable_workers", cordoned
    )
    fail_on(
        filter(
            None,
            [
                _at_least("nodes", nodes, rules, "cluster_type.recommended_nodes"),
                _at_least("control-plane nodes", control_plane, rules, "cluster_type.recommended_control_plane"),
                short_of_workers,
            ],
        ),
        remedy=_uncordon(cordoned) if short_of_workers else "",
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
