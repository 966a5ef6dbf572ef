"""Calico run by the tigera-operator (v5)."""

from __future__ import annotations

from typing import Any

from pytest_bdd import parsers, then

from ukic import kube
from ukic.drift import calico_versions
from ukic.outcome import CheckFailed, fail_on
from ukic.profiles.rules import Rules
from ukic.state import ClusterState

INSTALLATIONS = "installations.operator.tigera.io"


def _installation(cluster_state: ClusterState, name: str) -> dict[str, Any]:
    found = cluster_state.get(INSTALLATIONS, None, name)
    if found is None:
        raise CheckFailed(f"Installation {name} (operator.tigera.io) does not exist")
    return found


@then(parsers.parse('the Installation "{name}" enables BGP'), target_fixture="installation")
def installation_bgp(cluster_state: ClusterState, name: str) -> dict[str, Any]:
    installation = _installation(cluster_state, name)
    bgp = ((installation.get("spec") or {}).get("calicoNetwork") or {}).get("bgp", "Enabled")
    if bgp != "Enabled":
        raise CheckFailed(f"{kube.ref(installation, 'Installation')}: calicoNetwork.bgp is {bgp}")
    return installation


@then("every IP pool of the Installation uses no encapsulation")
def installation_no_encapsulation(installation: dict[str, Any]) -> None:
    name = kube.ref(installation, "Installation")
    pools = ((installation.get("spec") or {}).get("calicoNetwork") or {}).get("ipPools") or []
    if not pools:
        raise CheckFailed(f"{name}: calicoNetwork.ipPools is empty (the operator would pick its own encapsulation)")
    fail_on(
        f"{name}: ipPool {p.get('cidr', '?')} encapsulation {p.get('encapsulation', 'unset (operator default)')}"
        for p in pools
        if p.get("encapsulation") != "None"
    )


@then(parsers.parse('the deployment "{namespace}/{name}" belongs to a Helm release'))
def deployment_from_helm(cluster_state: ClusterState, namespace: str, name: str) -> None:
    deployment = cluster_state.get("deployments.apps", namespace, name)
    if deployment is None:
        raise CheckFailed(f"Deployment {namespace}/{name} does not exist")
    if not kube.annotations(deployment).get(kube.HELM_RELEASE_ANNOTATION):
        raise CheckFailed(
            f"Deployment {namespace}/{name} has no {kube.HELM_RELEASE_ANNOTATION} annotation: not installed with Helm"
        )


@then("calico-node, calicoctl and the tigera-operator run the images of that release")
def documented_release(cluster_state: ClusterState, rules: Rules) -> None:
    wanted = {key: str(rules[key]) for key in ("calico.version", "calico.operator_version")}
    fail_on(
        calico_versions.problems(cluster_state.list("pods"), wanted),
        remedy=f"`{calico_versions.UPGRADE.format(version=wanted['calico.version'])}` and re-apply the calicoctl "
        f'pod of {wanted["calico.version"]} ("Installing calicoctl")',
    )
