"""kubeadm control plane: stacked etcd on exactly the control-plane nodes."""

from __future__ import annotations

from typing import Any

from pytest_bdd import then

from ukic import kube, remedies
from ukic.outcome import fail_on
from ukic.pod_health import pod_health
from ukic.state import ClusterState, NodeView

ETCD_SELECTOR = {"component": "etcd", "tier": "control-plane"}


def _etcd_pods_by_node(cluster_state: ClusterState) -> dict[str, list[dict[str, Any]]]:
    by_node: dict[str, list[dict[str, Any]]] = {}
    for pod in cluster_state.labelled("pods", ETCD_SELECTOR, namespace="kube-system"):
        by_node.setdefault((pod.get("spec") or {}).get("nodeName", "?"), []).append(pod)
    return by_node


@then("a running etcd pod sits on every control-plane node")
def etcd_on_control_plane(cluster_state: ClusterState, nodes: list[NodeView]) -> None:
    by_node = _etcd_pods_by_node(cluster_state)
    problems, lacking = [], []
    for node in (n for n in nodes if n.is_control_plane):
        pods = by_node.get(node.name, [])
        if not pods:
            problems.append(f"control-plane node {node.name}: no etcd pod (kube-system/etcd-{node.name})")
        elif not any(pod_health(p).up for p in pods):
            health = pod_health(pods[0])
            problems.append(f"control-plane node {node.name}: {kube.ref(pods[0], 'Pod')} is {health.describe()}")
        else:
            continue
        lacking.append(node.name)
    if not any(n.is_control_plane for n in nodes):
        problems.append("no control-plane node found")
    fail_on(
        problems,
        remedy=f"re-join {', '.join(lacking) or 'a node'} as control plane; if kubeadm join hangs in check-etcd, "
        "remove the node's old etcd member first (the manual's etcd re-join fix): "
        + remedies.etcd_member_list(_working_etcd_pod(by_node, lacking)),
    )


def _working_etcd_pod(by_node: dict[str, list[dict[str, Any]]], besides: list[str]) -> str:
    """A running etcd pod on another node, for etcdctl (the manual's ETCDPODNAME)."""
    running = [
        kube.name_of(p)
        for node, pods in sorted(by_node.items())
        if node not in besides
        for p in pods
        if pod_health(p).up
    ]
    return running[0] if running else "ETCDPODNAME"


@then("no etcd pod sits on a node outside the control plane")
def etcd_only_on_control_plane(cluster_state: ClusterState, nodes: list[NodeView]) -> None:
    control_plane = {n.name for n in nodes if n.is_control_plane}
    by_node = _etcd_pods_by_node(cluster_state)
    strays = sorted(node for node in by_node if node not in control_plane)
    fail_on(
        (
            f"{kube.ref(pod, 'Pod')} runs on {node}, which is not a control-plane node"
            for node in strays
            for pod in by_node[node]
        ),
        remedy=f"remove /etc/kubernetes/manifests/etcd.yaml on {', '.join(strays)}, find its member ID with "
        + remedies.etcd_member_list(_working_etcd_pod(by_node, strays))
        + " and remove it: "
        + remedies.etcd_member_remove(_working_etcd_pod(by_node, strays), "MEMBERID"),
    )
