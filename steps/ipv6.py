"""IPv6-only networking: nodes, pod networks, kubeadm subnets, the API service."""

from __future__ import annotations

from typing import Any

from pytest_bdd import given, parsers, then

from ukic import kube
from ukic.outcome import CheckFailed, fail_on
from ukic.state import ClusterState, KubeadmConfig, NodeView


def _not_ipv6(values: list[str]) -> list[str]:
    return [v for v in values if kube.ip_family(v) != 6]


@then("every node has an InternalIP and all of them are IPv6")
def node_ips_are_ipv6(nodes: list[NodeView]) -> None:
    problems, wrong = [], []
    for node in nodes:
        found = [
            f"node {node.name}: InternalIP {ip} is {'IPv4' if kube.ip_family(ip) == 4 else 'not an IP address'}"
            for ip in _not_ipv6(list(node.internal_ips))
        ]
        if not node.internal_ips:
            found.append(f"node {node.name}: no InternalIP")
        problems += found
        wrong += [node.name] if found else []
    fail_on(
        problems,
        remedy=f"give the kubelet on {', '.join(wrong)} its IPv6 address as --node-ip and restart it "
        "(the clusters are IPv6 only)",
    )


@then("every pod CIDR a node carries is IPv6")
def pod_cidrs_are_ipv6(nodes: list[NodeView]) -> None:
    """A node without podCIDR is fine: Calico IPAM does not use it, and kube-controller-manager with a
    /64 podSubnet and its default IPv6 node mask (/64) can give one to a single node only."""
    fail_on(
        (f"node {n.name}: podCIDR {c} is not IPv6" for n in nodes for c in _not_ipv6(list(n.pod_cidrs))),
        remedy="node pod CIDRs come from kubeadm's networking.podSubnet: make it an IPv6 network "
        "(kubeadm init --config bootstrap/XXX/kubeadm.yaml) and re-join the nodes",
    )


@then(parsers.parse("the networking {field} is IPv6 only"))
def kubeadm_subnet_is_ipv6(kubeadm_config: KubeadmConfig, field: str) -> None:
    value = kubeadm_config.networking(field)
    if not value:
        raise CheckFailed(
            f"{kubeadm_config.where}: networking.{field} is not set",
            remedy=f"set networking.{field} to an IPv6 network in bootstrap/XXX/kubeadm.yaml (kubeadm init --config)",
        )
    subnets = [s.strip() for s in value.split(",")]
    fail_on(
        (f"{kubeadm_config.where}: networking.{field} {s} is not IPv6" for s in _not_ipv6(subnets)),
        remedy=f"set networking.{field} to an IPv6 network only in bootstrap/XXX/kubeadm.yaml "
        "(kubeadm init --config bootstrap/XXX/kubeadm.yaml; the subnets are fixed when the cluster is created)",
    )


@given(parsers.parse('the service "{namespace}/{name}"'), target_fixture="service")
def the_service(cluster_state: ClusterState, namespace: str, name: str) -> dict[str, Any]:
    service = cluster_state.get("services", namespace, name)
    if service is None:
        raise CheckFailed(
            f"Service {namespace}/{name} does not exist",
            remedy="the API server creates it on start: check kube-apiserver (kubectl -n kube-system get pods)",
        )
    return service


@then("it is a single-stack IPv6 service")
def service_is_ipv6_single_stack(service: dict[str, Any]) -> None:
    """Kubernetes 1.20 (kubernetes/kubernetes#91824, dual-stack Services) added clusterIPs, ipFamilies and
    ipFamilyPolicy; an API server before it serves a Service with one clusterIP (and at most the alpha
    ipFamily), single-stack by construction: there the clusterIP's family decides."""
    spec = service.get("spec") or {}
    name = kube.ref(service, "Service")
    families = spec.get("ipFamilies") or []
    ips = spec.get("clusterIPs") or [spec.get("clusterIP")]
    problems = [f"{name}: clusterIP {ip} is not IPv6" for ip in _not_ipv6([str(ip) for ip in ips])]
    if "ipFamilies" not in spec and "ipFamilyPolicy" not in spec:  # served by Kubernetes 1.19 or older
        if spec.get("ipFamily", "IPv6") != "IPv6":
            problems.append(f"{name}: ipFamily {spec['ipFamily']} instead of IPv6")
    elif families != ["IPv6"]:
        problems.append(f"{name}: ipFamilies {families} instead of [IPv6]")
    if spec.get("ipFamilyPolicy", "SingleStack") != "SingleStack":
        problems.append(f"{name}: ipFamilyPolicy {spec.get('ipFamilyPolicy')} instead of SingleStack")
    fail_on(
        problems,
        remedy=f"{name} follows the API server's --service-cluster-ip-range: set networking.serviceSubnet to an "
        "IPv6 network only in bootstrap/XXX/kubeadm.yaml",
    )
