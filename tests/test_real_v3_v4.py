"""The manual's v3 (2021-07) and v4 (2021-09) on real material: rook "via helm via argocd" (v3: the
rook-ceph chart and the rook-ceph-cluster chart kept in the repository), then the Ceph cluster "via
manifests" with the operator "still being installed via helm" (v4: `helm install rook-ceph`) - the
kubectl-written snapshots of place12 and place11, the repositories they were built from, and
single-fault variants (fixtures/real/SOURCES.md names every file).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from tests.realcorpus import (
    REAL,
    V3,
    V4,
    F,
    P,
    W,
    copy_of,
    edit,
    edit_text,
    helm_by_hand,
    named,
    not_passed,
    outcomes,
    release_secret,
)
from ukic.sources.manifests import ManifestsSource

OPERATOR_METHOD = "The rook operator is installed the way the version prescribes"
CLUSTER_METHOD = "The Ceph cluster is configured the way the version prescribes"
HELM_IN_PRODUCTION = "Helm releases in production are managed by ArgoCD"
HELM = {"meta.helm.sh/release-name": "rook-ceph", "meta.helm.sh/release-namespace": "rook-ceph"}
RELEASE_SECRET = release_secret("rook-ceph", "rook-ceph")


def test_the_v4_repository_is_conformant() -> None:
    results = V4.repository_verdicts()
    assert not_passed(results) == {}
    got = outcomes(results)
    assert got["The Ceph cluster asks for the cluster type's number of monitors"] is P  # cluster.yaml: 5
    assert got[CLUSTER_METHOD] is P  # rook/cluster.yaml: manifests


# -- v3: rook via helm via argocd ----------------------------------------------------------------------
def _operator_by_hand(folder: Path) -> None:
    """The rook operator installed with `helm install rook-ceph` instead of through its Application."""

    def mark(deployments: list[dict]) -> None:
        meta = named(deployments, "rook-ceph-operator")["metadata"]
        meta["labels"].pop("app.kubernetes.io/instance")
        meta["labels"]["app.kubernetes.io/managed-by"] = "Helm"
        meta.setdefault("annotations", {}).update(HELM)

    edit(folder, "deployments.apps.json", mark)
    edit(folder, "secrets.yaml", lambda secrets: secrets.append(RELEASE_SECRET))
    edit(folder, "applications.argoproj.io.yaml", lambda apps: apps.remove(named(apps, "rook-ceph")))


def test_v3_an_operator_installed_by_hand_is_not_helm_via_argocd(tmp_path: Path) -> None:
    """v3: "rook is now installed via helm via argocd"; and a production chart outside ArgoCD is a warning."""
    results = V3.snapshot_variant(tmp_path, _operator_by_hand)
    assert V3.moved(results) == {OPERATOR_METHOD: F, HELM_IN_PRODUCTION: W}
    assert "installed by helm (annotation meta.helm.sh/release-name=rook-ceph)" in results[OPERATOR_METHOD].reason
    assert "the profile wants argocd-helm" in results[OPERATOR_METHOD].reason
    assert "Helm release rook-ceph/rook-ceph" in results[HELM_IN_PRODUCTION].reason


def test_v3_a_ceph_cluster_from_manifests_is_not_the_chart(tmp_path: Path) -> None:
    """The CephCluster applied from rook's cluster.yaml (kubectl apply) instead of the rook-ceph-cluster chart."""

    def from_manifests(folder: Path) -> None:
        def untrack(items: list[dict]) -> None:
            for item in items:
                (item["metadata"].get("labels") or {}).pop("app.kubernetes.io/instance", None)

        edit(folder, "cephclusters.ceph.rook.io.yaml", untrack)
        edit(folder, "applications.argoproj.io.yaml", lambda apps: apps.remove(named(apps, "rook-ceph-cluster")))

    results = V3.snapshot_variant(tmp_path, from_manifests)
    assert V3.moved(results) == {CLUSTER_METHOD: F}
    assert "CephCluster rook-ceph/rook-ceph: installed by manifests" in results[CLUSTER_METHOD].reason


# -- v4: the cluster via manifests, the operator still via helm -------------------------------------------
def _operator_out_of_helm(folder: Path, tracked_as: str | None = None) -> None:
    """The rook operator without helm's marks and release Secret; with ``tracked_as`` labelled as the
    resources of that ArgoCD Application are."""

    def unmark(deployments: list[dict]) -> None:
        meta = named(deployments, "rook-ceph-operator")["metadata"]
        meta["labels"].pop("app.kubernetes.io/managed-by")
        if tracked_as:
            meta["labels"]["app.kubernetes.io/instance"] = tracked_as
        for key in HELM:
            meta["annotations"].pop(key)

    edit(folder, "deployments.apps.json", unmark)
    edit(folder, "secrets.yaml", lambda secrets: secrets.remove(named(secrets, "sh.helm.release.v1.rook-ceph.v1")))


def test_v4_an_operator_from_rooks_operator_yaml_is_not_helm(tmp_path: Path) -> None:
    """v4: "The rook operator is still being installed via helm" - not rook's operator.yaml."""

    results = V4.snapshot_variant(tmp_path, _operator_out_of_helm)
    assert V4.moved(results) == {OPERATOR_METHOD: F}
    assert "installed by manifests" in results[OPERATOR_METHOD].reason


def test_v4_the_operator_through_an_argocd_application_is_helm_too(tmp_path: Path) -> None:
    """In production helm charts "are managed via argocd": the v5 way of the operator meets v4 as well."""

    def through_argocd(folder: Path) -> None:
        app = yaml.safe_load((REAL / "clusters" / "v5-production" / "applications.argoproj.io.yaml").read_text())
        rook_app = named(app["items"], "rook-ceph")
        _operator_out_of_helm(folder, tracked_as="rook-ceph")
        edit(folder, "applications.argoproj.io.yaml", lambda apps: apps.append(rook_app))

    assert V4.moved(V4.snapshot_variant(tmp_path, through_argocd)) == {}


def test_v4_the_rook_ceph_cluster_chart_is_what_v4_left_behind() -> None:
    """v4: "rook is configured via manifests instead of using the rook-ceph-cluster helm chart" - the v3
    repository's Application over charts/rook-ceph-cluster fails v4."""
    results = V3.repository_verdicts("v4", marker="rook_install")
    assert results[CLUSTER_METHOD].outcome is F
    assert "installed by argocd-helm" in results[CLUSTER_METHOD].reason
    assert "the profile wants manifests" in results[CLUSTER_METHOD].reason


def test_v4_a_chart_helm_installed_by_hand_in_production_is_a_warning(tmp_path: Path) -> None:
    """Only the rook operator is prescribed to helm directly; argo-workflows by hand in production warns."""

    results = V4.snapshot_variant(tmp_path, lambda f: helm_by_hand(f, "workflows", "argo"))
    assert V4.moved(results) == {HELM_IN_PRODUCTION: W}
    assert "Helm release argo/workflows" in results[HELM_IN_PRODUCTION].reason
    assert "rook-ceph/rook-ceph" not in results[HELM_IN_PRODUCTION].reason


def test_v4_repository_with_the_operator_from_manifests(tmp_path: Path) -> None:
    """The repository without charts/rook-ceph but rook's operator.yaml: the operator is plain manifests."""

    def operator_yaml(folder: Path) -> None:
        shutil.rmtree(folder / "charts" / "rook-ceph")
        shutil.copy(REAL / "upstream" / "rook-v1.7.8" / "examples" / "operator.yaml", folder / "rook" / "operator.yaml")

    source = ManifestsSource(copy_of(tmp_path, V4.repo, operator_yaml))
    [operator] = [d for d in source.list("deployments.apps") if d["metadata"]["name"] == "rook-ceph-operator"]
    assert "meta.helm.sh/release-name" not in operator["metadata"].get("annotations", {})
    kept = ManifestsSource(V4.repo).list("deployments.apps")
    [helm] = [d for d in kept if d["metadata"]["name"] == "rook-ceph-operator"]
    assert helm["metadata"]["annotations"]["meta.helm.sh/release-name"] == "rook-ceph"


def test_v4_repository_with_rooks_example_monitor_count_fails_production(tmp_path: Path) -> None:
    """rook v1.7.8 cluster.yaml ships 3 monitors; "Number of storage monitors" is 5 for production."""
    cluster_yaml = Path("rook") / "cluster.yaml"
    results = V4.repository_variant(tmp_path, lambda f: edit_text(f / cluster_yaml, "count: 5", "count: 3"))
    scenario = "The Ceph cluster asks for the cluster type's number of monitors"
    assert V4.repository_moved(results) == {scenario: F}
    assert "spec.mon.count is 3; a production cluster runs 5 storage monitors" in results[scenario].reason
    assert results[scenario].remedy == (
        "set spec.mon.count: 5 in the manifest of CephCluster rook-ceph/rook-ceph (rook/cluster.yaml#1), "
        "then kubectl apply it"
    )
