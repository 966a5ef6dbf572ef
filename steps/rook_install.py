"""How rook is installed per version: manifests, Helm, or Helm charts through ArgoCD."""

from __future__ import annotations

from typing import NamedTuple

from pytest_bdd import parsers, then

from ukic import install_method, kube, remedies
from ukic.outcome import CheckFailed, fail_on
from ukic.profiles.rules import Rules
from ukic.state import ClusterState


class Target(NamedTuple):
    """What the profile's install rule is about: which objects, and which chart would render them."""

    title: str
    key: str
    name: str | None  # None: every object of the resource
    chart: str


TARGETS = {
    "rook_operator": Target("rook operator", "deployments.apps", "rook-ceph-operator", "rook-ceph"),
    "rook_cluster": Target("Ceph cluster", "cephclusters.ceph.rook.io", None, "rook-ceph-cluster"),
}


ROOK_CHARTS = "https://charts.rook.io/release"  # rook's Helm repository (helm repo add rook-release ...)


def _install(target: Target, method: str) -> str:
    """How to install the target the way the profile's method says (the manual's helm pattern for charts)."""
    if method == "helm":
        return remedies.helm_upgrade(target.chart, f"rook-release/{target.chart}", remedies.ROOK_NAMESPACE)
    if method == "argocd-helm":
        return (
            f"an ArgoCD Application with spec.source.chart: {target.chart} and repoURL: {ROOK_CHARTS}, "
            "applied with kubectl apply -n argocd -f APPLICATION.yaml"
        )
    return f"kubectl apply -n {remedies.ROOK_NAMESPACE} -f the {target.title}'s manifests (no chart)"


#: Which install rule each check reads, by the words of its step.
CHECKS = {
    "rook operator deployment was installed": "install.rook_operator",
    "Ceph cluster was configured": "install.rook_cluster",
}


@then(parsers.re("the (?P<what>rook operator deployment was installed|Ceph cluster was configured) that way"))
def installed_as_prescribed(cluster_state: ClusterState, rules: Rules, what: str) -> None:
    key = CHECKS[what]
    target, want = TARGETS[key.split(".")[1]], rules[key]
    objects = [o for o in cluster_state.list(target.key) if target.name is None or kube.name_of(o) == target.name]
    if not objects:
        app = install_method.application_for_chart(cluster_state, target.chart)
        if app is None:
            raise CheckFailed(
                f"no {target.title} found ({target.key}) and no ArgoCD Application for chart {target.chart}",
                remedy=_install(target, want),
            )
        if not install_method.Evidence("argocd-helm", "").satisfies(want):
            raise CheckFailed(
                f"{target.title}: {kube.ref(app, 'Application')} renders chart {target.chart}; want {want}",
                remedy=f"{_install(target, want)}, and remove {kube.ref(app, 'Application')}",
            )
        return
    problems = []
    for obj in objects:
        evidence = install_method.classify(cluster_state, obj)
        if not evidence.satisfies(want):
            problems.append(
                f"{kube.ref(obj, obj.get('kind'))}: installed by {evidence.method} ({evidence.because}); "
                f"the profile wants {want}"
            )
    fail_on(problems, remedy=f"install the {target.title} the way the profile says ({want}): {_install(target, want)}")
