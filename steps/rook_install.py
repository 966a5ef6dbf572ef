"""How rook is installed per version: manifests, Helm, or Helm charts through ArgoCD."""

from __future__ import annotations

from typing import NamedTuple

from pytest_bdd import parsers, then

from ukic import install_method, kube
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
                f"no {target.title} found ({target.key}) and no ArgoCD Application for chart {target.chart}"
            )
        if want != "argocd-helm":
            raise CheckFailed(
                f"{target.title}: {kube.ref(app, 'Application')} renders chart {target.chart}; want {want}"
            )
        return
    problems = []
    for obj in objects:
        evidence = install_method.classify(cluster_state, obj)
        if evidence.method != want:
            problems.append(
                f"{kube.ref(obj, obj.get('kind'))}: installed by {evidence.method} ({evidence.because}); "
                f"the profile wants {want}"
            )
    fail_on(problems)
