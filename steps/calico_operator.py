"""Calico run by the tigera-operator (v5)."""

from __future__ import annotations

from typing import Any

from pytest_bdd import parsers, then

from ukic import kube, remedies
from ukic.outcome import CheckFailed, fail_on
from ukic.state import ClusterState

INSTALLATIONS = "installations.operator.tigera.io"


def _installation(cluster_state: ClusterState, name: str) -> dict[str, Any]:
    found = cluster_state.get(INSTALLATIONS, None, name)
    if found is None:
        raise CheckFailed(
            f"Installation {name} (operator.tigera.io) does not exist",
            remedy="the chart creates it: " + remedies.calico_helm(),
        )
    return found


@then(parsers.parse('the Installation "{name}" enables BGP'), target_fixture="installation")
def installation_bgp(cluster_state: ClusterState, name: str) -> dict[str, Any]:
    installation = _installation(cluster_state, name)
    bgp = ((installation.get("spec") or {}).get("calicoNetwork") or {}).get("bgp", "Enabled")
    if bgp != "Enabled":
        raise CheckFailed(
            f"{kube.ref(installation, 'Installation')}: calicoNetwork.bgp is {bgp}",
            remedy=remedies.calico_helm("--set installation.calicoNetwork.bgp=Enabled"),
        )
    return installation


@then("every IP pool of the Installation uses no encapsulation")
def installation_no_encapsulation(installation: dict[str, Any]) -> None:
    name = kube.ref(installation, "Installation")
    pools = ((installation.get("spec") or {}).get("calicoNetwork") or {}).get("ipPools") or []
    if not pools:
        raise CheckFailed(
            f"{name}: calicoNetwork.ipPools is empty (the operator would pick its own encapsulation)",
            remedy="give the chart an IPv6 pool with installation.calicoNetwork.ipPools[0].encapsulation=None: "
            + remedies.calico_helm("--values values.yaml"),
        )
    wrong = [i for i, p in enumerate(pools) if p.get("encapsulation") != "None"]
    fail_on(
        (
            f"{name}: ipPool {pools[i].get('cidr', '?')} encapsulation "
            f"{pools[i].get('encapsulation', 'unset (operator default)')}"
            for i in wrong
        ),
        remedy=remedies.calico_helm(
            " ".join(f"--set installation.calicoNetwork.ipPools[{i}].encapsulation=None" for i in wrong)
        ),
    )


@then(parsers.parse('the deployment "{namespace}/{name}" belongs to a Helm release'))
def deployment_from_helm(cluster_state: ClusterState, namespace: str, name: str) -> None:
    deployment = cluster_state.get("deployments.apps", namespace, name)
    if deployment is None:
        raise CheckFailed(f"Deployment {namespace}/{name} does not exist", remedy=remedies.calico_helm())
    if not kube.annotations(deployment).get(kube.HELM_RELEASE_ANNOTATION):
        raise CheckFailed(
            f"Deployment {namespace}/{name} has no {kube.HELM_RELEASE_ANNOTATION} annotation: not installed with Helm",
            remedy=f"replace the manifest install with the manual's Helm release: {remedies.calico_helm()}",
        )
