"""Calico run by the tigera-operator (v5)."""

from __future__ import annotations

from typing import Any

from pytest_bdd import parsers, then

from ukic import calico_pools, install_method, kube, remedies
from ukic.drift import calico_versions
from ukic.outcome import CheckFailed, fail_on
from ukic.profiles.rules import Rules
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
def installation_no_encapsulation(cluster_state: ClusterState, installation: dict[str, Any]) -> None:
    """The pools as the operator computes them (ukic.calico_pools): written back in status.computed, or
    the spec with the operator's defaults (an unset ipPools: kubeadm's podSubnet; an IPv6 pool: None)."""
    name = kube.ref(installation, "Installation")
    kubeadm = cluster_state.kubeadm_cluster_configuration()
    pools = calico_pools.installation_pools(installation, kubeadm.networking("podSubnet") if kubeadm else None)
    if not pools:
        raise CheckFailed(
            f"{name}: calicoNetwork.ipPools is empty: the operator creates no IP pool (NO_DEFAULT_POOLS)",
            remedy="give the chart an IPv6 pool with installation.calicoNetwork.ipPools[0].encapsulation=None: "
            + remedies.calico_helm("--values values.yaml"),
        )
    wrong = [i for i, p in enumerate(pools) if p.get("encapsulation") != "None"]
    fail_on(
        (f"{name}: ipPool {pools[i].get('cidr', '?')} encapsulation {pools[i].get('encapsulation')}" for i in wrong),
        remedy=remedies.calico_helm(
            " ".join(f"--set installation.calicoNetwork.ipPools[{i}].encapsulation=None" for i in wrong)
        ),
    )


@then(parsers.parse('the deployment "{namespace}/{name}" belongs to a Helm release'))
def deployment_from_helm(cluster_state: ClusterState, namespace: str, name: str) -> None:
    deployment = cluster_state.get("deployments.apps", namespace, name)
    if deployment is None:
        raise CheckFailed(f"Deployment {namespace}/{name} does not exist", remedy=remedies.calico_helm())
    evidence = install_method.classify(cluster_state, deployment)
    if not evidence.satisfies("helm"):
        raise CheckFailed(
            f"Deployment {namespace}/{name}: not installed with Helm ({evidence.because})",
            remedy=f"replace the manifest install with the manual's Helm release: {remedies.calico_helm()}",
        )


@then("calico-node, calicoctl and the tigera-operator run the images of that release")
def documented_release(cluster_state: ClusterState, rules: Rules) -> None:
    wanted = {key: str(rules[key]) for key in ("calico.version", "calico.operator_version")}
    fail_on(
        calico_versions.problems(cluster_state.list("pods"), wanted),
        remedy=f"{remedies.calico_helm(version=wanted['calico.version'])} and re-apply the calicoctl "
        f'pod of {wanted["calico.version"]} ("Installing calicoctl")',
    )
