"""Cluster size and shape per cluster type."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from pytest_bdd import then

from ukic import remedies
from ukic.outcome import CheckFailed, fail_on
from ukic.profiles.rules import Rules
from ukic.state import NodeView


def _names(nodes: list[NodeView]) -> str:
    return ", ".join(n.name for n in nodes) or "none"


class Count(NamedTuple):
    """A count of nodes the cluster type demands: which nodes count, and how to add more."""

    what: str
    have: list[NodeView]
    key: str
    add: Callable[[int], str]  # the remedy for so many missing
    cordoned: tuple[NodeView, ...] = ()  # left out only because cordoned: the reason names them


def _check(counts: list[Count], rules: Rules) -> None:
    problems, fixes = [], []
    for count in counts:
        need = rules[count.key]
        if len(count.have) >= need:
            continue
        why = "recommendation" if count.key.startswith("cluster_type.recommended_") else "minimum"
        owner = rules.owner(count.key)
        held = f"; not counted because cordoned: {_names(count.cordoned)}" if count.cordoned else ""
        problems.append(
            f"{count.what}: {len(count.have)} ({_names(count.have)}); a {owner} cluster's {why} is {need}{held}"
        )
        fixes.append(count.add(need - len(count.have)))
    fail_on(problems, remedy="; ".join(dict.fromkeys(fixes)))


def _cordoned(nodes: list[NodeView]) -> tuple[NodeView, ...]:
    """Nodes that only a cordon keeps from taking work (`kubectl uncordon` makes them workers again)."""
    return tuple(n for n in nodes if n.only_cordoned)


def _add_workers(held: tuple[NodeView, ...]) -> Callable[[int], str]:
    """Cordoned nodes come back first ("Readding a node after draining"), else new nodes join."""
    cordoned = [n.name for n in held]

    def add(missing: int) -> str:
        if len(cordoned) >= missing:
            return remedies.uncordon(cordoned[:missing])
        back = f"{remedies.uncordon(cordoned)}; " if cordoned else ""
        return back + remedies.join_workers(missing - len(cordoned))

    return add


@then("there are at least as many nodes as the cluster type's minimum")
def enough_nodes(rules: Rules, nodes: list[NodeView]) -> None:
    _check([Count("nodes", nodes, "cluster_type.min_nodes", remedies.join_workers)], rules)


@then("there are at least as many control-plane nodes as the cluster type's minimum")
def enough_control_plane(rules: Rules, nodes: list[NodeView]) -> None:
    control_plane = [n for n in nodes if n.is_control_plane]
    _check(
        [Count("control-plane nodes", control_plane, "cluster_type.min_control_plane", remedies.join_control_plane)],
        rules,
    )


@then("there are at least as many schedulable workers as the cluster type's minimum")
def enough_workers(rules: Rules, nodes: list[NodeView]) -> None:
    workers = [n for n in nodes if n.schedulable]
    held = _cordoned(nodes)
    _check(
        [Count("schedulable workers", workers, "cluster_type.min_schedulable_workers", _add_workers(held), held)], rules
    )


@then("the node, control-plane and worker counts meet the cluster type's recommendation")
def recommended_size(rules: Rules, nodes: list[NodeView]) -> None:
    control_plane = [n for n in nodes if n.is_control_plane]
    workers = [n for n in nodes if n.schedulable and not n.is_control_plane]
    _check(
        [
            Count("nodes", nodes, "cluster_type.recommended_nodes", remedies.join_workers),
            Count(
                "control-plane nodes",
                control_plane,
                "cluster_type.recommended_control_plane",
                remedies.join_control_plane,
            ),
            Count(
                "dedicated workers",
                workers,
                "cluster_type.recommended_schedulable_workers",
                _add_workers(held := _cordoned([n for n in nodes if not n.is_control_plane])),
                held,
            ),
        ],
        rules,
    )


@then("every control-plane node is tainted against ordinary workloads")
def control_plane_tainted(nodes: list[NodeView]) -> None:
    control_plane = [n for n in nodes if n.is_control_plane]
    if not control_plane:
        raise CheckFailed(
            "no control-plane node found (no node-role.kubernetes.io/control-plane or master label)",
            remedy=remedies.join_control_plane(1),
        )
    open_to_work = [n.name for n in control_plane if not n.keeps_workloads_off]
    fail_on(
        (f"control-plane node {name} has no NoSchedule taint and takes ordinary workloads" for name in open_to_work),
        remedy=remedies.taint_control_plane(open_to_work),
    )


@then("every node reports Ready")
def nodes_ready(nodes: list[NodeView]) -> None:
    down = [n for n in nodes if not n.ready]
    fail_on(
        (f"node {n.name}: not Ready ({n.ready_reason})" for n in down),
        remedy="find why the kubelet does not report Ready (journalctl -u kubelet on "
        f"{', '.join(n.name for n in down)}); to take a node out: {remedies.drain(down[0].name) if down else ''}",
    )
