"""Calico BGP: calico-node everywhere, mesh, private AS, announced services, peers, pools."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pytest_bdd import given, parsers, then

from ukic import calico_pools, kube, remedies
from ukic.outcome import CheckFailed, fail_on
from ukic.pod_health import pod_health
from ukic.state import ClusterState, KubeadmConfig, NodeView

BGP_CONFIGURATIONS = "bgpconfigurations.crd.projectcalico.org"
BGP_PEERS = "bgppeers.crd.projectcalico.org"
IP_POOLS = "ippools.crd.projectcalico.org"
CALICO_DEFAULT_ASN = 64512  # what Calico uses when no BGPConfiguration names one (BgpConfiguration)


@then("a ready calico-node pod runs on every node")
def calico_node_everywhere(cluster_state: ClusterState, nodes: list[NodeView]) -> None:
    pods = cluster_state.labelled("pods", {"k8s-app": "calico-node"})
    ready_on = {(p.get("spec") or {}).get("nodeName") for p in pods if pod_health(p).up}
    state_on = {(p.get("spec") or {}).get("nodeName"): pod_health(p).describe() for p in pods}
    missing = [n.name for n in nodes if n.name not in ready_on]
    fail_on(
        (
            f"node {name}: calico-node pod {state_on[name]}" if name in state_on else f"node {name}: no calico-node pod"
            for name in missing
        ),
        remedy=f"calico-node is a DaemonSet: find why it does not run on {' '.join(missing)} "
        "(kubectl get pods -A -l k8s-app=calico-node -o wide), or reinstall Calico: " + remedies.calico_helm(),
    )


@dataclass(frozen=True)
class BgpConfiguration:
    """A BGPConfiguration by name, or the want of one. Without one calico-node runs with the spec's
    defaults (libcalico-go lib/apis/v3/bgpconfig.go, as in Calico v3.20: nodeToNodeMeshEnabled
    [Default: true], asNumber [Default: 64512]): a full mesh from a private AS, but no service network
    announced."""

    name: str
    found: dict[str, Any] | None

    @property
    def spec(self) -> dict[str, Any]:
        return (self.found or {}).get("spec") or {}

    @property
    def ref(self) -> str:
        return kube.ref(self.found, "BGPConfiguration") if self.found else f"BGPConfiguration {self.name}"


@given(parsers.parse('the BGP configuration "{name}"'), target_fixture="bgp_configuration")
def the_bgp_configuration(cluster_state: ClusterState, name: str) -> BgpConfiguration:
    return BgpConfiguration(name, cluster_state.get(BGP_CONFIGURATIONS, None, name))


@then("the node-to-node mesh is enabled")
def mesh_enabled(bgp_configuration: BgpConfiguration) -> None:
    if bgp_configuration.spec.get("nodeToNodeMeshEnabled", True) is not True:
        raise CheckFailed(
            f"{bgp_configuration.ref}: nodeToNodeMeshEnabled is false",
            remedy=remedies.calicoctl_set(f"nodeToNodeMeshEnabled: true in {bgp_configuration.ref}"),
        )


@then("its AS number is private")
def asn_is_private(bgp_configuration: BgpConfiguration) -> None:
    asn = bgp_configuration.spec.get("asNumber", CALICO_DEFAULT_ASN)
    if not kube.is_private_asn(int(asn)):
        raise CheckFailed(
            f"{bgp_configuration.ref}: asNumber {asn} is not a private AS number (64512-65534, 4200000000-4294967294)",
            remedy=remedies.calicoctl_set(
                f"asNumber to a private AS number (the manual's sample: 65534) in {bgp_configuration.ref}"
            ),
        )


@then("the announced service cluster IPs cover the service subnet")
def services_announced(bgp_configuration: BgpConfiguration, kubeadm_config: KubeadmConfig) -> None:
    if bgp_configuration.found is None:  # Calico announces no service network by default
        raise CheckFailed(
            f"{bgp_configuration.ref} does not exist, so no service network is announced "
            "(the cluster's BGP file was not applied)",
            remedy=remedies.calicoctl_create(),
        )
    subnet_text = kubeadm_config.networking("serviceSubnet")
    if not subnet_text:
        raise CheckFailed(
            f"{kubeadm_config.where}: networking.serviceSubnet is not set",
            remedy="set networking.serviceSubnet (an IPv6 network) in the kubeadm configuration "
            "(kubeadm init --config bootstrap/XXX/kubeadm.yaml)",
        )
    announced = [kube.network(entry.get("cidr", "")) for entry in bgp_configuration.spec.get("serviceClusterIPs") or []]
    name = bgp_configuration.ref
    problems, missing = [], []
    for text in str(subnet_text).split(","):
        subnet = kube.network(text)
        if subnet is None:
            problems.append(f"{kubeadm_config.where}: serviceSubnet {text.strip()} is not a network")
        elif not any(a is not None and a.version == subnet.version and subnet.subnet_of(a) for a in announced):
            shown = ", ".join(str(a) for a in announced if a) or "nothing"
            problems.append(f"{name}: serviceClusterIPs ({shown}) do not cover the service subnet {subnet}")
            missing.append(str(subnet))
    fail_on(problems, remedy=remedies.announce_services(missing, name))


@given("the BGP peers", target_fixture="bgp_peers")
def the_bgp_peers(cluster_state: ClusterState) -> list[dict[str, Any]]:
    return cluster_state.list(BGP_PEERS)


@then("there is at least one peer")
def at_least_one_peer(bgp_peers: list[dict[str, Any]]) -> None:
    if not bgp_peers:
        raise CheckFailed(
            "no BGPPeer: nothing propagates the pod and service networks to the upstream router",
            remedy=f"add a BGPPeer for the upstream router (peerIP, asNumber, keepOriginalNextHop: true) to "
            f"{remedies.BGP_CONFIG_FILE}, then {remedies.calicoctl_create()}",
        )


@then("every peer keeps the original next hop and names its AS number")
def peers_keep_next_hop(bgp_peers: list[dict[str, Any]]) -> None:
    problems, fixes = [], []
    for peer in bgp_peers:
        spec = peer.get("spec") or {}
        name = f"{kube.ref(peer, 'BGPPeer')} ({spec.get('peerIP', 'no peerIP')})"
        keep = spec.get("keepOriginalNextHop")
        if keep is not True:
            problems.append(f"{name}: keepOriginalNextHop is {'unset' if keep is None else json.dumps(keep)}")
            fixes.append(f"keepOriginalNextHop: true in BGPPeer {kube.name_of(peer)}")
        if not spec.get("asNumber"):
            problems.append(f"{name}: no asNumber")
            fixes.append(f"asNumber (the router's AS) in BGPPeer {kube.name_of(peer)}")
    fail_on(problems, remedy=remedies.calicoctl_set(" and ".join(fixes)))


@given("the IP pools", target_fixture="ip_pools")
def the_ip_pools(cluster_state: ClusterState) -> list[dict[str, Any]]:
    return cluster_state.list(IP_POOLS)


@then("there is at least one IP pool")
def at_least_one_pool(ip_pools: list[dict[str, Any]]) -> None:
    if not ip_pools:
        raise CheckFailed(
            "no IPPool: Calico has no pod addresses to hand out",
            remedy="Calico creates its pool from the kubeadm podSubnet when installed: " + remedies.calico_helm(),
        )


@then("every IP pool is IPv6 with IP-in-IP and VXLAN off")
def pools_without_overlay(cluster_state: ClusterState, ip_pools: list[dict[str, Any]]) -> None:
    """calico-node creates default-ipv4-ippool on IPv6-only clusters too (ukic.calico_pools); an IPv4
    pool the CNI never assigns from hands out no address and so carries no pod traffic."""
    dormant = (
        calico_pools.dormant_ipv4_reason(cluster_state)
        if any(kube.ip_family((p.get("spec") or {}).get("cidr", "")) == 4 for p in ip_pools)
        else None
    )
    problems, fixes = [], []
    for pool in ip_pools:
        spec = pool.get("spec") or {}
        name = kube.ref(pool, "IPPool")
        if kube.ip_family(spec.get("cidr", "")) == 4 and dormant:
            continue
        if kube.ip_family(spec.get("cidr", "")) != 6:
            problems.append(f"{name}: cidr {spec.get('cidr')} is not IPv6")
            fixes.append(f"delete IPPool {kube.name_of(pool)} (calicoctl delete ippool {kube.name_of(pool)})")
        overlay = [f for f in ("ipipMode", "vxlanMode") if spec.get(f, "Never") != "Never"]
        problems += [f"{name}: {field} {spec[field]} (an overlay; must be Never)" for field in overlay]
        if overlay:
            patch = ",".join(f'"{field}":"Never"' for field in overlay)
            fixes.append(f"calicoctl patch ippool {kube.name_of(pool)} -p '{{\"spec\":{{{patch}}}}}'")
    fail_on(problems, remedy="; ".join(fixes))
