"""Node checks over SSH: etcd membership, IPv6 forwarding, admin.conf, Ceph monitor quorum."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytest_bdd import given, then

from ukic import kube, remedies, rook
from ukic.hosts import NO_NODE_HOSTS
from ukic.outcome import NotApplicable, Unverifiable, fail_on
from ukic.pod_health import pod_health
from ukic.profiles.rules import Rules
from ukic.state import ClusterState, NodeView

if TYPE_CHECKING:  # the host modules load when a run reaches a node, not with the step library
    from ukic.hosts import probes
    from ukic.hosts.pool import HostPool, RemoteHost

    NodeHosts = list[tuple[NodeView, RemoteHost | Unverifiable]]


@given("etcd's member list, read on a control-plane node", target_fixture="etcd_membership")
def etcd_membership(host_pool: HostPool, control_plane_names: list[str]) -> probes.EtcdMembership:
    from ukic.hosts import probes

    return probes.etcd_membership(host_pool, control_plane_names)


@then("every control-plane node is an etcd member and no member is stale")
def etcd_members_are_the_control_plane(etcd_membership: probes.EtcdMembership, control_plane_names: list[str]) -> None:
    from ukic.hosts.etcd import membership_problems

    m = etcd_membership
    findings = membership_problems(m.members, control_plane_names, m.health, m.etcd_pod)
    fail_on(
        [f"{f.problem} (seen from {m.host.label}, {m.via})" for f in findings],
        remedy="; ".join(dict.fromkeys(f.remedy for f in findings)),
    )


@given("every node of the cluster, reached over SSH", target_fixture="reached_nodes")
def every_node(node_hosts: NodeHosts) -> NodeHosts:
    return node_hosts


@given("the control-plane nodes, reached over SSH", target_fixture="reached_nodes")
def control_plane_nodes(node_hosts: NodeHosts) -> NodeHosts:
    chosen = [(node, host) for node, host in node_hosts if node.is_control_plane]
    if not chosen:
        raise Unverifiable("no control-plane node in the cluster's Node objects")
    return chosen


@then("IPv6 forwarding is enabled on each of them")
def ipv6_forwarding_on(host_pool: HostPool, reached_nodes: NodeHosts) -> None:
    from ukic.hosts import probes
    from ukic.hosts.verdict import conclude, gather

    answers, gaps = gather(host_pool, [h for _, h in reached_nodes], probes.ipv6_forwarding)
    conclude(
        [
            f"{host.label}: {probes.IPV6_FORWARDING} is {value}, not 1: the node does not route pod traffic"
            for host, value in answers
            if value != "1"
        ],
        gaps,
        remedy=f"sysctl -w {probes.IPV6_FORWARDING}=1 on "
        f"{', '.join(host.name for host, value in answers if value != '1')}, and keep it in /etc/sysctl.d",
    )


@then("each of them has the admin.conf")
def admin_conf_present(host_pool: HostPool, reached_nodes: NodeHosts) -> None:
    from ukic.hosts import probes
    from ukic.hosts.verdict import conclude, gather

    spec = host_pool.spec

    def look(host: RemoteHost) -> tuple[str, bool]:
        path = spec.node_path(spec.admin_conf, host.name)
        return path, probes.file_present(host, path)

    answers, gaps = gather(host_pool, [h for _, h in reached_nodes], look)
    missing = [(host, path) for host, (path, found) in answers if not found]
    conclude(
        [f"{host.label}: no {path} (or it is empty)" for host, path in missing],
        gaps,
        remedy="; ".join(
            f"kubeadm init phase kubeconfig admin on {host.name} (writes {path})" for host, path in missing
        ),
    )


def monitor_pods(cluster_state: ClusterState) -> list[probes.MonitorPod]:
    """Rook's running monitors as the API shows them (none when pods were not read); rook v1.7 labels each
    monitor pod mon=<id> (CephDaemonAppLabels)."""
    from ukic.hosts import probes

    try:
        pods = rook.monitor_pods(cluster_state, None)  # canaries left out
    except Unverifiable:
        return []
    return [
        probes.MonitorPod(kube.namespace_of(p) or "", kube.name_of(p), spec.get("nodeName", ""), labels["mon"])
        for p in pods
        if (labels := kube.labels(p)).get("mon") and pod_health(p).up
        for spec in [p.get("spec") or {}]
    ]


@given("Ceph's quorum status, read on a host that reaches the storage cluster", target_fixture="ceph_quorum")
def ceph_quorum(host_pool: HostPool, cluster_state: ClusterState) -> probes.CephView:
    from ukic.hosts import probes

    if host_pool.spec.ceph.host is None and not host_pool.spec.reaches_nodes:
        raise NotApplicable(f"{NO_NODE_HOSTS} (or --ceph-host)")
    monitors = monitor_pods(cluster_state)
    nodes = [] if host_pool.spec.ceph.host else [n.name for n in cluster_state.nodes() if n.is_control_plane]
    nodes += [m.node for m in monitors if m.node not in nodes]
    return probes.ceph_quorum(host_pool, nodes, monitors)


@then("every monitor of the monmap is in quorum")
def monitors_in_quorum(ceph_quorum: probes.CephView) -> None:
    from ukic.hosts import ceph

    view = ceph_quorum
    fail_on(
        (f"{p}, seen from {view.host.label} ({view.via})" for p in ceph.out_of_quorum(view.status)),
        remedy="let the rook operator replace the failed monitors: " + remedies.rook_rescan(),
    )


@then("there are as many monitors as the cluster type calls for")
def monitor_count(ceph_quorum: probes.CephView, rules: Rules, cluster_state: ClusterState) -> None:
    from ukic.hosts import ceph

    key = "cluster_type.storage_monitors"
    problems = list(ceph.count_problems(ceph_quorum.status, rules[key], rules.owner(key)))
    if problems:
        fail_on(problems, remedy=rook.set_mon_count(cluster_state, rook.first_ceph_cluster(cluster_state), rules[key]))
