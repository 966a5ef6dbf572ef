"""The manual's v2 (2021-05) on real material: Argo CD v2.0.3 in place of Flux, Argo Workflows, rook v1.5.11
from manifests, kubeadm v1beta2 - the kubectl-written snapshot of place7 and the repository it was built
from, and single-fault variants of both (fixtures/real/SOURCES.md names every file).
"""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.realcorpus import (
    REAL,
    V2,
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
    run,
)
from ukic.sources.snapshot import SnapshotSource

FLUX_TYPES = (
    "kustomizations.kustomize.toolkit.fluxcd.io",
    "helmreleases.helm.toolkit.fluxcd.io",
    "gitrepositories.source.toolkit.fluxcd.io",
)
#: What `kubectl get <type> -A -o yaml` writes for a served type without objects (see cronjobs.batch.yaml).
EMPTY_LIST = (V2.cluster / "cronjobs.batch.yaml").read_text()


def test_the_v2_repository_is_conformant() -> None:
    results = V2.repository_verdicts()
    assert not_passed(results) == {}
    got = outcomes(results)
    assert got["Retired component flux is gone"] is P  # no Flux manifest left in the repository
    assert got["The Ceph cluster asks for the cluster type's number of monitors"] is P  # rook v1.5.11: 3


def test_flux_crds_left_after_the_move_to_argocd_fail(tmp_path: Path) -> None:
    """`flux uninstall` that kept the CRDs: v2 "Replaced fluxv2 ... with argocd" is not finished."""
    gotk = yaml.safe_load_all((REAL / "rendered" / "flux2-v0.7.0.yaml").read_text())
    crds = [d for d in gotk if d and d["kind"] == "CustomResourceDefinition"]

    def keep_crds(folder: Path) -> None:
        edit(folder, "customresourcedefinitions.apiextensions.k8s.io.yaml", lambda items: items.extend(crds))
        for key in FLUX_TYPES:  # served now, and empty: kubectl writes an empty List, no longer an empty file
            (folder / f"{key}.yaml").write_text(EMPTY_LIST)

    results = V2.snapshot_variant(tmp_path, keep_crds)
    assert V2.moved(results) == {"Retired component flux is gone": F}
    assert results["Retired component flux is gone"].reason.startswith(
        "Flux v2 left over: CustomResourceDefinition alerts.notification.toolkit.fluxcd.io;"
    )


def test_argo_cd_2_0_without_its_repo_server_does_not_run(tmp_path: Path) -> None:
    def down(deployments: list[dict]) -> None:
        named(deployments, "argocd-repo-server")["status"] |= {"readyReplicas": 0, "availableReplicas": 0}

    results = V2.snapshot_variant(tmp_path, lambda f: edit(f, "deployments.apps.json", down))
    assert V2.moved(results) == {"Required component argocd runs": F}
    assert "Deployment argocd/argocd-repo-server not running (0/1" in results["Required component argocd runs"].reason


def test_a_chart_installed_by_hand_is_fine_in_development_not_in_production(tmp_path: Path) -> None:
    """ "In development, helm chart can de developed and deployed manually using the helm utility";
    "In production, they are managed via argocd" (a recommendation: a warning)."""
    folder = copy_of(tmp_path, V2.cluster, lambda f: helm_by_hand(f, "secret-generator", "secret-generator"))
    assert V2.moved(V2.judge(SnapshotSource(folder))) == {}
    scenario = "Helm releases in production are managed by ArgoCD"
    result = run(SnapshotSource(folder), "v2", "production", marker="operations")[scenario]
    assert result.outcome is W and "secret-generator/secret-generator" in result.reason


def test_rook_1_5_progressing_after_an_operator_restart_is_a_warning(tmp_path: Path) -> None:
    """rook v1.5.11 cluster.go: on every start the operator sets phase Progressing ("Cluster is checking if
    updates are needed" once Ready was reached, config/conditions.go CheckConditionReady), which
    translatePhasetoState maps to state Creating - a reconcile, not a broken cluster."""

    def restart(clusters: list[dict]) -> None:
        clusters[0]["status"] |= {
            "phase": "Progressing",
            "state": "Creating",
            "message": "Cluster is checking if updates are needed",
        }

    results = V2.snapshot_variant(tmp_path, lambda f: edit(f, "cephclusters.ceph.rook.io.yaml", restart))
    scenario = "The Ceph cluster is up and reports its health"
    assert V2.moved(results) == {scenario: W}
    assert "phase Progressing (Cluster is checking if updates are needed)" in results[scenario].reason


def test_a_v1beta2_file_without_service_subnet_gets_kubeadms_ipv4_default(tmp_path: Path) -> None:
    """kubeadm v1beta2 defaults networking.serviceSubnet to 10.96.0.0/12 (defaults.go DefaultServicesSubnet)."""
    kubeadm = Path("bootstrap") / "place7" / "kubeadm.yaml"
    results = V2.repository_variant(
        tmp_path, lambda f: edit_text(f / kubeadm, "  serviceSubnet: 2a0a:e5c0:12:3::/108\n", "")
    )
    moved = V2.repository_moved(results)
    assert moved["kubeadm assigns IPv6 pod and service subnets"] is F
    assert "10.96.0.0/12" in results["kubeadm assigns IPv6 pod and service subnets"].reason
    # the BGP configuration still announces the /108 kubeadm no longer hands out
    assert set(moved) <= {"kubeadm assigns IPv6 pod and service subnets", "The service network is announced over BGP"}


def test_argo_workflows_runs_its_build_flows_without_the_server(tmp_path: Path) -> None:
    """The chart's server.enabled=false: argo-server is the API and UI, the controller runs the workflows
    (argo-workflows v3.1.0 docs/argo-server.md) - without the controller Argo Workflows does not run."""
    scenario = "Required component argo-workflows runs"

    def without(name: str):
        return lambda f: edit(f, "deployments.apps.json", lambda ds: ds.remove(named(ds, name)))

    assert V2.moved(V2.snapshot_variant(tmp_path / "a", without("workflows-argo-workflows-server"))) == {}
    controller = without("workflows-argo-workflows-workflow-controller")
    result = V2.snapshot_variant(tmp_path / "b", controller, marker="components")[scenario]
    assert result.outcome is F and "Argo Workflows: no Deployment workflow-controller" in result.reason
