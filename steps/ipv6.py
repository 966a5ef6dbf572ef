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
    problems = []
    for node in nodes:
        if not node.internal_ips:
            problems.append(f"node {node.name}: no InternalIP")
        problems += [
            f"node {node.name}: InternalIP {ip} is {'IPv4' if kube.ip_family(ip) == 4 else 'not an IP address'}"
            for ip in _not_ipv6(list(node.internal_ips))
        ]
    fail_on(problems)


@then("every node has a pod CIDR and all of them are IPv6")
def pod_cidrs_are_ipv6(nodes: list[NodeView]) -> None:
    problems = []
    for node in nodes:
        if not node.pod_cidrs:
            problems.append(f"node {node.name}: no podCIDR")
        problems += [f"node {node.name}: podCIDR {c} is not IPv6" for c in _not_ipv6(list(node.pod_cidrs))]
    fail_on(problems)


@then(parsers.parse("the networking {field} is IPv6 only"))
def kubeadm_subnet_is_ipv6(kubeadm_config: KubeadmConfig, field: str) -> None:
    value = kubeadm_config.networking(field)
    if not value:
        raise CheckFailed(f"{kubeadm_config.where}: networking.{field} is not set")
    subnets = [s.strip() for s in value.split(",")]
    fail_on(f"{kubeadm_config.where}: networking.{field} {s} is not IPv6" for s in _not_ipv6(subnets))


@given(parsers.parse('the service "{namespace}/{name}"'), target_fixture="service")
def the_service(cluster_state: ClusterState, namespace: str, name: str) -> dict[str, Any]:
    service = cluster_state.get("services", namespace, name)
    if service is None:
        raise CheckFailed(f"Service {namespace}/{name} does not exist")
    return service


@then("it is a single-stack IPv6 service")
def service_is_ipv6_single_stack(service: dict[str, Any]) -> None:
    spec = service.get("spec") or {}
    name = kube.ref(service, "Service")
    families = spec.get("ipFamilies") or []
    ips = spec.get("clusterIPs") or [spec.get("clusterIP")]
    problems = [f"{name}: clusterIP {ip} is not IPv6" for ip in _not_ipv6([str(ip) for ip in ips])]
    if families != ["IPv6"]:
        problems.append(f"{name}: ipFamilies {families} instead of [IPv6]")
    if spec.get("ipFamilyPolicy", "SingleStack") != "SingleStack":
        problems.append(f"{name}: ipFamilyPolicy {spec.get('ipFamilyPolicy')} instead of SingleStack")
    fail_on(problems)
