"""Router checks over SSH: BIRD sessions with every node, IPAM blocks via their affine node, service network."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytest_bdd import given, then

from ukic import calico_ipam, remedies
from ukic.outcome import Unverifiable
from ukic.state import ClusterState

if TYPE_CHECKING:  # the host modules load when a run reaches a router, not with the step library
    from ukic.hosts import bird, probes
    from ukic.hosts.pool import HostPool, RemoteHost

    RouterViews = tuple[list[probes.RouterView], list[Unverifiable]]

BGP_CONFIGURATIONS = "bgpconfigurations.crd.projectcalico.org"


def cluster_nodes(
    cluster_state: ClusterState, blocks: dict[str, list[str]] | None = None
) -> tuple[list[bird.ClusterNode], list[Unverifiable]]:
    """The nodes as the routers should know them (addresses, the IPAM blocks they announce), and the
    nodes without an address."""
    from ukic.hosts import bird

    nodes = cluster_state.nodes()
    if not nodes:
        raise Unverifiable("the cluster has no Node objects: nothing to compare the routers with")
    blocks = blocks or {}
    known = [bird.ClusterNode(n.name, n.internal_ips, tuple(blocks.get(n.name, ()))) for n in nodes if n.internal_ips]
    gaps = [
        Unverifiable(f"node {n.name} has no InternalIP: its peering is not known") for n in nodes if not n.internal_ips
    ]
    return known, gaps


def service_networks(cluster_state: ClusterState) -> list[str]:
    """The service subnet from kubeadm's ClusterConfiguration, else Calico's serviceClusterIPs."""
    kubeadm = cluster_state.kubeadm_cluster_configuration()
    subnet = kubeadm.networking("serviceSubnet") if kubeadm else None
    if subnet:
        return [part.strip() for part in str(subnet).split(",") if part.strip()]
    try:
        config = cluster_state.get(BGP_CONFIGURATIONS, None, "default") or {}
    except Unverifiable:
        config = {}
    announced = [e.get("cidr") for e in (config.get("spec") or {}).get("serviceClusterIPs") or [] if e.get("cidr")]
    if not announced:
        raise Unverifiable(
            "the service network is not known: no serviceSubnet in ConfigMap kube-system/kubeadm-config "
            "and no serviceClusterIPs in BGPConfiguration default"
        )
    return announced


@given("the BGP sessions and routes of every router", target_fixture="router_views")
def router_views(host_pool: HostPool, router_hosts: list[RemoteHost]) -> RouterViews:
    from ukic.hosts import probes
    from ukic.hosts.verdict import gather

    answers, gaps = gather(host_pool, router_hosts, lambda host: probes.router_view(host_pool, host))
    return [view for _, view in answers], gaps


@then("each router has an Established session with every node")
def sessions_established(router_views: RouterViews, cluster_state: ClusterState) -> None:
    from ukic.hosts import bird
    from ukic.hosts.verdict import conclude

    views, gaps = router_views
    nodes, unknown = cluster_nodes(cluster_state)
    conclude(
        [p for v in views for p in bird.session_problems(v.host.name, v.protocols, nodes)],
        [*gaps, *unknown],
        remedy="every node peers with the router through a BGPPeer (peerIP: the router, asNumber: its AS): "
        + remedies.calicoctl_set("the BGPPeer")
        + "; on the router, a BIRD protocol per node (birdc show protocols lists them)",
    )


@then("each node's pod block is routed via that node's own address, not via a node that relayed it")
def pod_blocks_via_their_node(router_views: RouterViews, cluster_state: ClusterState) -> None:
    from ukic.hosts import bird
    from ukic.hosts.verdict import conclude

    views, gaps = router_views
    # Calico IPAM blocks, not the nodes' podCIDRs; blocks affine to a name that is no node are announced by no one
    blocks = calico_ipam.node_blocks(cluster_state)
    nodes, unknown = cluster_nodes(cluster_state, blocks)
    strangers = sorted(set(blocks) - {n.name for n in cluster_state.nodes()})
    unknown += [
        Unverifiable(f"IPAM blocks are affine to {name}, which is not a node of the cluster") for name in strangers
    ]
    if not any(node.pod_blocks for node in nodes):  # no route to look for: no evidence either way
        unknown.append(Unverifiable("no Calico IPAM block is affine to any node: no pod block to look for"))
    problems = [p for v in views for p in bird.next_hop_problems(v.host.name, v.routes, v.protocols, nodes)]
    conclude(problems, [*gaps, *unknown], remedy=remedies.calicoctl_set("keepOriginalNextHop: true in every BGPPeer"))


@then("each router has a route for the service network, learned from the nodes")
def service_network_announced(router_views: RouterViews, cluster_state: ClusterState) -> None:
    from ukic.hosts import bird
    from ukic.hosts.verdict import conclude

    views, gaps = router_views
    nodes, _ = cluster_nodes(cluster_state)  # a route from any node with an address will do
    networks = service_networks(cluster_state)
    conclude(
        [p for v in views for p in bird.service_problems(v.host.name, v.routes, v.protocols, nodes, networks)],
        gaps,
        remedy=remedies.announce_services(networks),
    )
