"""The manual's v1 (2021-01) on real material: Flux v2 (flux2 v0.7.0), rook v1.5.5 from manifests, kubeadm
v1beta2 - the kubectl-written snapshot of place6 and the repository it was built from, and single-fault
variants of both (fixtures/real/SOURCES.md names every file).
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.realcorpus import NA, V1, F, P, W, copy_of, edit, edit_text, named, not_passed, outcomes, run
from ukic import components
from ukic.profiles.loader import load_components
from ukic.sources.manifests import ManifestsSource
from ukic.sources.snapshot import SnapshotSource
from ukic.state import ClusterState

FLUX_GONE = "Retired component flux is gone"
FLUX_RUNS = "Required component flux runs"


def test_the_v1_repository_is_conformant() -> None:
    results = V1.repository_verdicts()
    assert not_passed(results) == {}
    got = outcomes(results)
    # rook v1.5.5 cluster.yaml as shipped asks for 3 monitors, a development cluster's number; its
    # csi/rbd and csi/cephfs storageclass.yaml serve both purposes the manual names
    assert got["The Ceph cluster asks for the cluster type's number of monitors"] is P
    assert got["A storage class serves rbd volumes"] is got["A storage class serves cephfs volumes"] is P
    # kubeadm.k8s.io/v1beta2 is read like v1beta3; calico-node derives the IPv6 pool from its podSubnet
    assert got["kubeadm assigns IPv6 pod and service subnets"] is got["IP pools are IPv6 and use no overlay"] is P


# -- Flux v2: required in v1, retired in v2 -----------------------------------------------------------------
def test_flux_left_running_after_v2_is_named_piece_by_piece() -> None:
    """v2 "Replaced fluxv2 ... with argocd": the same cluster judged as v2 keeps Flux - and has no Argo CD."""
    results = V1.snapshot_verdicts("v2")
    assert V1.moved(results) == {
        FLUX_RUNS: NA,  # no longer required
        FLUX_GONE: F,
        "Required component argocd runs": F,
        "Required component argo-workflows runs": F,
    }
    # what still acts comes first: the controllers, then what they would reconcile, then the CRDs
    assert results[FLUX_GONE].reason == (
        "Flux v2 left over: Deployment flux-system/helm-controller; "
        "Flux v2 left over: Deployment flux-system/kustomize-controller; "
        "Flux v2 left over: Deployment flux-system/notification-controller; "
        "Flux v2 left over: Deployment flux-system/source-controller; "
        "Flux v2 left over: GitRepository flux-system/flux-system; and 11 more"
    )
    state = ClusterState(SnapshotSource(V1.cluster))
    found = components.leftovers(state, load_components()["flux"])
    assert found[:8] == [
        "Deployment flux-system/helm-controller",
        "Deployment flux-system/kustomize-controller",
        "Deployment flux-system/notification-controller",
        "Deployment flux-system/source-controller",
        "GitRepository flux-system/flux-system",
        "HelmRelease flux-system/kubernetes-secret-generator",
        "Kustomization flux-system/flux-system",
        "CustomResourceDefinition alerts.notification.toolkit.fluxcd.io",
    ]
    assert len(found) == 16  # + the 9 CRDs of source-, kustomize-, helm- and notification-controller


def _flux_namespace(namespace: str):
    """`flux install --namespace=<namespace>`: the controllers and their pods live there."""

    def move(items: list[dict]) -> None:
        for item in items:
            if item["metadata"].get("namespace") == "flux-system":
                item["metadata"]["namespace"] = namespace

    return lambda folder: (edit(folder, "deployments.apps.json", move), edit(folder, "pods.json", move))


def test_flux_in_another_namespace_is_found_by_its_images(tmp_path: Path) -> None:
    """flux2 v0.7 labels its controllers only with app.kubernetes.io/instance=<namespace>; the images
    ghcr.io/fluxcd/<controller> find them outside flux-system, running (v1) or left over (v2)."""
    folder = copy_of(tmp_path, V1.cluster, _flux_namespace("gotk-system"))
    assert V1.judge(SnapshotSource(folder), marker="components")[FLUX_RUNS].outcome is P
    gone = V1.judge(SnapshotSource(folder), "v2", marker="components")[FLUX_GONE]
    assert gone.outcome is F and "Flux v2 left over: Deployment gotk-system/helm-controller;" in gone.reason


def test_a_crash_looping_source_controller_means_flux_does_not_run(tmp_path: Path) -> None:
    def crash(folder: Path) -> None:
        def down(deployments: list[dict]) -> None:
            named(deployments, "source-controller")["status"] |= {"readyReplicas": 0, "availableReplicas": 0}

        edit(folder, "deployments.apps.json", down)

    results = V1.snapshot_variant(tmp_path, crash)
    assert V1.moved(results) == {FLUX_RUNS: F}
    assert "Deployment flux-system/source-controller not running (0/1" in results[FLUX_RUNS].reason


def test_the_repository_judged_as_v2_still_carries_flux(tmp_path: Path) -> None:
    """The repository keeps gotk-components.yaml: the CRDs and controllers Flux would bring back."""
    results = V1.repository_verdicts("v2")
    assert V1.repository_moved(results) == {FLUX_GONE: F}
    assert "Flux v2 left over: Deployment flux-system/helm-controller (clusters/place6/flux-system/gotk-c" in (
        results[FLUX_GONE].reason
    )


# -- Calico from its manifest: the dormant IPv4 pool ----------------------------------------------------------
def test_an_ipv4_pool_the_manifests_cni_assigns_from_fails(tmp_path: Path) -> None:
    """calico.yaml's cni_network_config is install-cni's template (``"mtu": __CNI_MTU__`` is no JSON until
    cni-plugin v3.20.2 pkg/install fills it); with assign_ipv4 "true" the IPIP pool hands out addresses."""

    def assign_ipv4(configmaps: list[dict]) -> None:
        cm = named(configmaps, "calico-config")
        text = cm["data"]["cni_network_config"]
        cm["data"]["cni_network_config"] = text.replace('"assign_ipv4": "false"', '"assign_ipv4": "true"')

    results = V1.snapshot_variant(tmp_path, lambda f: edit(f, "configmaps.yaml", assign_ipv4))
    scenario = "IP pools are IPv6 and use no overlay"
    assert V1.moved(results) == {scenario: F}
    assert "IPPool default-ipv4-ippool: ipipMode Always (an overlay; must be Never)" in results[scenario].reason


# -- the repository: rook and kubeadm v1beta2 -----------------------------------------------------------------
def test_five_monitors_are_not_a_development_clusters_number(tmp_path: Path) -> None:
    cluster_yaml = ROOK / "cluster.yaml"
    results = V1.repository_variant(tmp_path, lambda f: edit_text(f / cluster_yaml, "    count: 3\n", "    count: 5\n"))
    scenario = "The Ceph cluster asks for the cluster type's number of monitors"
    assert V1.repository_moved(results) == {scenario: F}
    assert "spec.mon.count is 5; a development cluster runs 3" in results[scenario].reason


def test_a_v1beta2_ipv4_pod_subnet_fails(tmp_path: Path) -> None:
    kubeadm = Path("bootstrap") / "place6" / "kubeadm.yaml"
    results = V1.repository_variant(
        tmp_path,
        lambda f: edit_text(f / kubeadm, "podSubnet: 2a0a:e5c0:11:2::/64", "podSubnet: 10.244.0.0/16"),
        marker="ipv6",
    )
    assert results["kubeadm assigns IPv6 pod and service subnets"].outcome is F
    assert "10.244.0.0/16" in results["kubeadm assigns IPv6 pod and service subnets"].reason
    assert json.dumps(results["kubeadm assigns IPv6 pod and service subnets"].reason)  # one plain line


# -- Helm charts in production: v1's charts go through Flux HelmReleases ----------------------------------
HELM_IN_PRODUCTION = "Helm releases in production are managed by ArgoCD"


def test_a_flux_helmrelease_manages_a_v1_production_chart() -> None:
    """v2: argocd "can apply helm templates directly without needing to go through Chart releases" - in v1
    the charts went through Flux HelmReleases (install.helm_charts: flux); from v2 on only ArgoCD counts."""
    assert run(SnapshotSource(V1.cluster), "v1", "production", marker="operations")[HELM_IN_PRODUCTION].outcome is P
    v2 = run(SnapshotSource(V1.cluster), "v2", "production", marker="operations")[HELM_IN_PRODUCTION]
    assert v2.outcome is W and "is managed by no ArgoCD Application" in v2.reason


def test_a_chart_helm_installed_by_hand_in_a_v1_production_cluster_is_a_warning(tmp_path: Path) -> None:
    folder = copy_of(tmp_path, V1.cluster, lambda f: edit(f, "helmreleases.helm.toolkit.fluxcd.io.yaml", list.clear))
    result = run(SnapshotSource(folder), "v1", "production", marker="operations")[HELM_IN_PRODUCTION]
    assert result.outcome is W
    assert "secret-generator/secret-generator-kubernetes-secret-generator" in result.reason
    assert "is managed by no Flux HelmRelease and no ArgoCD Application" in result.reason
    assert "as a Flux HelmRelease (helm.toolkit.fluxcd.io) with targetNamespace secret-generator" in result.remedy


# -- a Kubernetes 1.19 API server: Services before dual-stack --------------------------------------------
def _served_by_1_19(cluster_ip: str):
    """The kubernetes Service as an API server before 1.20 serves it: one clusterIP, no clusterIPs,
    ipFamilies or ipFamilyPolicy (kubernetes/kubernetes#91824 added them in 1.20)."""

    def change(services: list[dict]) -> None:
        spec = named(services, "kubernetes")["spec"]
        for field in ("clusterIPs", "ipFamilies", "ipFamilyPolicy"):
            spec.pop(field)
        spec["clusterIP"] = cluster_ip

    return lambda folder: edit(folder, "services.yaml", change)


def test_a_pre_1_20_api_service_is_judged_by_its_cluster_ip(tmp_path: Path) -> None:
    scenario = "The API service is IPv6 single-stack"
    assert V1.moved(V1.snapshot_variant(tmp_path / "v6", _served_by_1_19("2a0a:e5c0:11:3::1"))) == {}
    result = V1.snapshot_variant(tmp_path / "v4", _served_by_1_19("10.96.0.1"), marker="ipv6")[scenario]
    assert result.outcome is F and result.reason == "Service default/kubernetes: clusterIP 10.96.0.1 is not IPv6"


def test_flux_runs_without_its_optional_controllers(tmp_path: Path) -> None:
    """`flux install --components=source-controller,kustomize-controller`: what bootstrap requires
    (flux2 v0.7.0 cmd/flux/bootstrap.go requiredComponents) - without the kustomize-controller it fails."""

    def only(*kept: str):
        def change(folder: Path) -> None:
            def drop(deployments: list[dict]) -> None:
                flux = {"source-controller", "kustomize-controller", "helm-controller", "notification-controller"}
                deployments[:] = [d for d in deployments if d["metadata"]["name"] not in flux - set(kept)]

            edit(folder, "deployments.apps.json", drop)

        return change

    kept = only("source-controller", "kustomize-controller")
    assert V1.snapshot_variant(tmp_path / "a", kept, marker="components")[FLUX_RUNS].outcome is P
    without_kustomize = only("source-controller", "helm-controller")
    result = V1.snapshot_variant(tmp_path / "b", without_kustomize, marker="components")[FLUX_RUNS]
    assert result.outcome is F and result.reason == "Flux v2: no Deployment flux-system/kustomize-controller"


# -- kustomize patches: how a Flux repository sets a cluster's values over upstream files -------------------
KUSTOMIZATION = """apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources: [crds.yaml, common.yaml, operator.yaml, cluster.yaml, filesystem.yaml, storageclass-rbd.yaml,
            storageclass-cephfs.yaml]
"""
ROOK = Path("clusters") / "place6" / "rook"


def _overlay(kustomization: str, **files: str):
    """rook's cluster.yaml as shipped (no ipFamily), the cluster's values in a kustomization's patches."""

    def change(folder: Path) -> None:
        edit_text(folder / ROOK / "cluster.yaml", '    ipFamily: "IPv6"\n', '    #ipFamily: "IPv6"\n')
        (folder / ROOK / "kustomization.yaml").write_text(KUSTOMIZATION + kustomization)
        for name, text in files.items():
            (folder / ROOK / name.replace("_", ".")).write_text(text)  # production_yaml: production.yaml

    return change


CEPH_PATCH = "apiVersion: ceph.rook.io/v1\nkind: CephCluster\nmetadata: {name: rook-ceph, namespace: rook-ceph}\n"


def test_a_strategic_merge_patch_is_merged_not_read_as_the_object(tmp_path: Path) -> None:
    """A partial CephCluster under patchesStrategicMerge sets what it names and keeps the rest: production's
    5 monitors from the patch, the upstream file's other settings (kustomize-controller builds it so)."""
    patch = CEPH_PATCH + "spec:\n  mon: {count: 5}\n  network: {ipFamily: IPv6}\n"
    folder = copy_of(tmp_path, V1.repo, _overlay("patchesStrategicMerge: [production.yaml]\n", production_yaml=patch))
    source = ManifestsSource(folder)
    [ceph] = source.list("cephclusters.ceph.rook.io")
    assert ceph["spec"]["mon"] == {"count": 5, "allowMultiplePerNode": False}  # merged into the shipped map
    assert ceph["spec"]["network"]["ipFamily"] == "IPv6" and ceph["spec"]["dataDirHostPath"] == "/var/lib/rook"
    assert "clusters/place6/rook/production.yaml#1: kustomize patch applied to CephCluster rook-ceph/rook-ceph" in (
        source.notes
    )
    results = run(source, "v1", "production", marker="storage")
    assert results["The Ceph cluster asks for the cluster type's number of monitors"].outcome is P


def test_an_ipv6_patch_alone_keeps_the_shipped_monitor_count(tmp_path: Path) -> None:
    """Before: the patch file was read as the whole CephCluster, mon.count unset meant Rook's 3 - a
    development cluster passed by accident and the shipped file's count was lost."""
    patch = CEPH_PATCH + "spec:\n  network: {ipFamily: IPv6}\n"

    def count_five(folder: Path) -> None:
        _overlay("patches:\n- path: ipv6.yaml\n", ipv6_yaml=patch)(folder)
        edit_text(folder / ROOK / "cluster.yaml", "    count: 3\n", "    count: 5\n")

    results = run(ManifestsSource(copy_of(tmp_path, V1.repo, count_five)), "v1", "production", marker="storage")
    assert results["The Ceph cluster asks for the cluster type's number of monitors"].outcome is P


def test_json6902_patches_and_targets(tmp_path: Path) -> None:
    """patchesJson6902 (RFC 6902 operations on a target) as kustomize applies them; one that does not fit
    the object is named and not applied."""
    operations = "- op: replace\n  path: /spec/mon/count\n  value: 5\n"
    target = "  target: {group: ceph.rook.io, version: v1, kind: CephCluster, name: rook-ceph}\n"
    kustomization = f"patchesJson6902:\n- path: mons.yaml\n{target}- path: broken.yaml\n{target}"
    broken = "- op: replace\n  path: /spec/nothing/here\n  value: 1\n"
    folder = copy_of(tmp_path, V1.repo, _overlay(kustomization, mons_yaml=operations, broken_yaml=broken))
    source = ManifestsSource(folder)
    [ceph] = source.list("cephclusters.ceph.rook.io")
    assert ceph["spec"]["mon"]["count"] == 5
    assert any(n.startswith("clusters/place6/rook/broken.yaml#1: kustomize patch not applied (") for n in source.notes)
    assert not any("document 1 is a list" in n for n in source.notes)  # the patch files are no objects
