"""Verdicts on real material: configuration repositories assembled from the era's upstream files, and a
snapshot of the cluster they make written by a real kubectl (fixtures/real, SOURCES.md says where every
file comes from) - and on single-fault variants of them.

Each expectation is the manual's, read against what the upstream release does (cited beside it); none
is taken from what ukic happens to print.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.realcorpus import (
    CASES,
    NA,
    REAL,
    V5,
    Case,
    F,
    P,
    U,
    W,
    applicable,
    copy_of,
    edit,
    named,
    not_passed,
    outcomes,
    run,
)
from tests.realgen import capture, flux
from tests.realgen.cases import CLUSTERS
from ukic.sources.manifests import ManifestsSource
from ukic.sources.snapshot import SnapshotSource

CLUSTER = V5.cluster


def variant(tmp_path: Path, change: Callable[[Path], None]) -> Path:
    """A copy of the kubectl-written v5 snapshot with one fault put in by ``change``."""
    return copy_of(tmp_path, CLUSTER, change)


# -- the real cases ---------------------------------------------------------------------------------
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_the_kubectl_written_snapshot_is_conformant(case: Case) -> None:
    """Each snapshot has the verdicts the manual expects of its version and cluster type (tests/realexpect.py);
    v4's one helm release is the rook operator its profile prescribes (install.rook_operator: helm)."""
    results = case.snapshot_verdicts()
    assert applicable(results) == case.conformant(), not_passed(results)


@pytest.mark.parametrize(
    ("repo", "version", "cluster_type"),
    [
        ("v5-production", "v5", "production"),
        ("v3-production", "v3", "production"),
        ("v2-development", "v2", "development"),
    ],
)
def test_the_repositories_assembled_from_upstream_files_are_conformant(
    repo: str, version: str, cluster_type: str
) -> None:
    results = run(ManifestsSource(REAL / "repos" / repo), version, cluster_type)
    assert {n: r.reason for n, r in results.items() if r.outcome not in (P, NA)} == {}
    assert outcomes(results)["The Ceph cluster asks for the cluster type's number of monitors"] is P


@pytest.mark.parametrize("name", sorted(CLUSTERS))
def test_kubectl_reproduces_the_committed_snapshot(tmp_path: Path, name: str) -> None:
    binary = capture.kubectl()
    if binary is None:
        pytest.skip("needs kubectl (Debian: kubectl) to write the snapshot")
    capture.write(CLUSTERS[name](), tmp_path, binary)
    committed = REAL / "clusters" / name
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == sorted(p.name for p in committed.iterdir())
    for file in written:
        assert (tmp_path / file).read_bytes() == (committed / file).read_bytes(), file


def test_the_flux_install_manifest_is_what_flux_install_builds() -> None:
    """rendered/flux2-v0.7.0.yaml is kustomize's build of the upstream files (tests/realgen/flux.py), and the
    v1 repository keeps it as `flux install --export` prints it."""
    manifest = (REAL / "rendered" / f"flux2-{flux.FLUX}.yaml").read_text()
    kept = REAL / "repos" / "v1-development" / "clusters" / "place6" / "flux-system" / "gotk-components.yaml"
    assert kept.read_text() == flux.export(manifest)
    binary = capture.kubectl()
    if binary is None:
        pytest.skip("needs kubectl (Debian: kubectl) for its kustomize")
    assert flux.build(binary) == manifest


def test_what_kubectl_wrote_has_the_shapes_users_get() -> None:
    assert (CLUSTER / "kustomizations.kustomize.toolkit.fluxcd.io.yaml").read_bytes() == b""  # type not served
    pods = json.loads((CLUSTER / "pods.json").read_text())
    assert pods["kind"] == "PodList" and "kind" not in pods["items"][0]  # --raw: items carry no kind
    assert yaml.safe_load((CLUSTER / "installations.operator.tigera.io.yaml").read_text())["kind"] == "Installation"
    source = SnapshotSource(CLUSTER)
    assert {p["kind"] for p in source.list("pods")} == {"Pod"}  # filled from the file's resource
    assert source.list("helmreleases.helm.toolkit.fluxcd.io") == []
    assert [c["metadata"]["name"] for c in source.list("storageclasses.storage.k8s.io")] == [
        "rook-ceph-block",
        "rook-cephfs",
    ]


# -- class 7: crash-looping pods are not running ------------------------------------------------------
def _crash(pod: dict, container: str | None = None, init: bool = False, restarts: int = 14) -> None:
    key = "initContainerStatuses" if init else "containerStatuses"
    status = next(s for s in pod["status"][key] if container in (None, s["name"]))
    status |= {
        "ready": False,
        "restartCount": restarts,
        "started": False,
        "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 5m0s restarting failed container"}},
        "lastState": {"terminated": {"exitCode": 1, "reason": "Error"}},
    }
    if init:
        pod["status"]["phase"] = "Pending"
    for cond in pod["status"]["conditions"]:
        if cond["type"] in ("Ready", "ContainersReady"):
            cond["status"] = "False"


def test_a_crash_looping_monitor_fails_naming_container_state_and_restarts(tmp_path: Path) -> None:
    snap = variant(tmp_path, lambda f: edit(f, "pods.json", lambda pods: _crash(named(pods, "rook-ceph-mon-c"))))
    result = run(SnapshotSource(snap), marker="storage")["All requested monitors are running"]
    assert result.outcome is F
    assert "4 of 5 monitor pods running" in result.reason
    assert "CrashLoopBackOff (container mon: waiting, CrashLoopBackOff, 14 restarts)" in result.reason


def test_a_crash_looping_etcd_member_fails(tmp_path: Path) -> None:
    snap = variant(tmp_path, lambda f: edit(f, "pods.json", lambda pods: _crash(named(pods, "etcd-server65"))))
    result = run(SnapshotSource(snap), marker="control_plane")["Every control-plane node runs a stacked etcd member"]
    assert (
        result.outcome is F and "control-plane node server65" in result.reason and "CrashLoopBackOff" in result.reason
    )


def test_an_operator_stuck_in_its_init_container_is_not_running(tmp_path: Path) -> None:
    def crash(pods: list[dict]) -> None:
        pod = named(pods, "rook-ceph-operator")
        pod["spec"]["initContainers"] = [{"name": "config-init", "image": "rook/ceph:v1.7.8"}]
        pod["status"]["initContainerStatuses"] = [{"name": "config-init", "ready": False, "restartCount": 3}]
        _crash(pod, "config-init", init=True, restarts=3)

    snap = variant(tmp_path, lambda f: edit(f, "pods.json", crash))
    result = run(SnapshotSource(snap), marker="storage")["The rook operator is running"]
    assert result.outcome is F and "Init:CrashLoopBackOff (init container config-init" in result.reason


# -- class 5: Rook defaults and transients --------------------------------------------------------------
def test_an_omitted_mon_count_is_rooks_default_3(tmp_path: Path) -> None:
    def three_mons(folder: Path) -> None:
        edit(folder, "cephclusters.ceph.rook.io.yaml", lambda cs: cs[0]["spec"]["mon"].pop("count"))
        edit(folder, "pods.json", lambda pods: pods.remove(named(pods, "rook-ceph-mon-e")))
        edit(folder, "pods.json", lambda pods: pods.remove(named(pods, "rook-ceph-mon-d")))

    results = run(SnapshotSource(variant(tmp_path, three_mons)), marker="storage")
    asks = results["The Ceph cluster asks for the cluster type's number of monitors"]
    assert asks.outcome is F and "spec.mon.count is 3" in asks.reason  # a production cluster runs 5
    assert results["All requested monitors are running"].outcome is P  # 3 of Rook's default 3


def test_a_mon_canary_is_not_a_monitor(tmp_path: Path) -> None:
    def canary(pods: list[dict]) -> None:
        pod = json.loads(json.dumps(named(pods, "rook-ceph-mon-a")))
        pod["metadata"]["name"] = "rook-ceph-mon-f-canary-6d5b7c8f9-x2k4q"
        pod["metadata"]["labels"] |= {"mon": "f", "mon_canary": "true"}
        pod["status"] = {"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "False"}]}
        pods.append(pod)

    results = run(SnapshotSource(variant(tmp_path, lambda f: edit(f, "pods.json", canary))), marker="storage")
    assert results["All requested monitors are running"].outcome is P


def _ceph_status(**status: Any) -> Callable[[Path], None]:
    return lambda folder: edit(folder, "cephclusters.ceph.rook.io.yaml", lambda cs: cs[0]["status"].update(status))


def test_progressing_after_the_manuals_rescan_is_a_warning_error_fails(tmp_path: Path) -> None:
    rescan = _ceph_status(phase="Progressing", message="Configuring Ceph OSDs")
    result = run(SnapshotSource(variant(tmp_path / "a", rescan)), marker="storage")
    assert result["The Ceph cluster is up and reports its health"].outcome is W
    assert "Progressing" in result["The Ceph cluster is up and reports its health"].reason
    failed = _ceph_status(phase="Failure", state="Error", message="failed to create cluster")
    result = run(SnapshotSource(variant(tmp_path / "b", failed)), marker="storage")
    assert result["The Ceph cluster is up and reports its health"].outcome is F


def test_health_details_are_named(tmp_path: Path) -> None:
    details = {"OSD_DOWN": {"severity": "HEALTH_WARN", "message": "1 osds down"}}
    warn = _ceph_status(ceph={"health": "HEALTH_WARN", "details": details})
    result = run(SnapshotSource(variant(tmp_path, warn)), marker="storage")["Ceph reports HEALTH_OK"]
    assert result.outcome is W and "OSD_DOWN: 1 osds down" in result.reason


# -- class 4: components by role ----------------------------------------------------------------------
def _scale(name: str, replicas: int) -> Callable[[Path], None]:
    def change(folder: Path) -> None:
        def set_replicas(deployments: list[dict]) -> None:
            found = named(deployments, name)
            found["spec"]["replicas"] = replicas
            found["status"] = {"observedGeneration": 2, "replicas": replicas}

        edit(folder, "deployments.apps.json", set_replicas)

    return change


def test_dex_scaled_to_zero_on_purpose_is_fine_the_server_is_not(tmp_path: Path) -> None:
    results = run(SnapshotSource(variant(tmp_path / "a", _scale("argocd-dex-server", 0))), marker="components")
    assert results["Required component argocd runs"].outcome is P
    results = run(SnapshotSource(variant(tmp_path / "b", _scale("argocd-server", 0))), marker="components")
    assert results["Required component argocd runs"].outcome is F
    assert "Deployment argocd/argocd-server is scaled to 0 replicas" in results["Required component argocd runs"].reason


def test_a_chart_named_workflow_controller_that_is_down_fails(tmp_path: Path) -> None:
    def down(folder: Path) -> None:
        edit(folder, "deployments.apps.json", lambda ds: named(ds, "workflows-argo-workflows-workflow-controller")
             ["status"].update(readyReplicas=0, availableReplicas=0))  # fmt: skip

    result = run(SnapshotSource(variant(tmp_path, down)), marker="components")["Required component argo-workflows runs"]
    assert result.outcome is F and "argo/workflows-argo-workflows-workflow-controller not running (0/1" in result.reason


# -- class 6: what kubectl writes --------------------------------------------------------------------
def test_an_empty_file_for_a_built_in_type_is_unverifiable_not_a_crash(tmp_path: Path) -> None:
    snap = variant(tmp_path, lambda f: (f / "pods.json").write_text(""))
    results = run(SnapshotSource(snap), marker="control_plane")
    assert {r.outcome for r in results.values()} == {U}
    assert "kubectl writes a List for a built-in type" in results["etcd runs on control-plane nodes only"].reason


def test_a_missing_file_whose_crd_is_absent_means_none_exist(tmp_path: Path) -> None:
    snap = variant(tmp_path, lambda f: (f / "kustomizations.kustomize.toolkit.fluxcd.io.yaml").unlink())
    assert run(SnapshotSource(snap), marker="components")["Retired component flux is gone"].outcome is P


# -- class 2: operator and node defaults ------------------------------------------------------------
def _installation(change: Callable[[dict], None]) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        path = folder / "installations.operator.tigera.io.yaml"
        doc = yaml.safe_load(path.read_text())
        change(doc)
        path.write_text(yaml.safe_dump(doc))

    return apply


def test_the_operators_computed_pools_decide(tmp_path: Path) -> None:
    def vxlan(doc: dict) -> None:
        doc["status"]["computed"]["calicoNetwork"]["ipPools"][0]["encapsulation"] = "VXLAN"

    scenario = "The tigera-operator runs Calico with BGP and without encapsulation"
    result = run(SnapshotSource(variant(tmp_path / "a", _installation(vxlan))), marker="calico_operator")[scenario]
    assert result.outcome is F and "encapsulation VXLAN" in result.reason
    # without status.computed the operator's defaults are derived: kubeadm's podSubnet, IPv6 -> None
    no_status = _installation(lambda doc: doc.pop("status"))
    assert run(SnapshotSource(variant(tmp_path / "b", no_status)), marker="calico_operator")[scenario].outcome is P


def test_an_ipv4_pool_the_cni_assigns_from_fails(tmp_path: Path) -> None:
    def assign_ipv4(configmaps: list[dict]) -> None:
        cm = named(configmaps, "cni-config")
        cm["data"]["config"] = cm["data"]["config"].replace('"assign_ipv4" : "false"', '"assign_ipv4" : "true"')

    snap = variant(tmp_path, lambda f: edit(f, "configmaps.yaml", assign_ipv4))
    result = run(SnapshotSource(snap), marker="bgp")["IP pools are IPv6 and use no overlay"]
    assert result.outcome is F and "IPPool default-ipv4-ippool: cidr 192.168.0.0/16 is not IPv6" in result.reason


# -- repositories: class 2 and 3 ----------------------------------------------------------------------
def _repo(tmp_path: Path, name: str, change: Callable[[Path], None]) -> Path:
    folder = tmp_path / name
    shutil.copytree(REAL / "repos" / name, folder)
    change(folder)
    return folder


def test_a_vxlan_pool_in_the_charts_values_fails_and_an_empty_pool_list_fails(tmp_path: Path) -> None:
    scenario = "The tigera-operator runs Calico with BGP and without encapsulation"

    def values(text: str) -> Callable[[Path], None]:
        def write(folder: Path) -> None:
            path = folder / "charts" / "calico" / "values.yaml"
            path.write_text(path.read_text().replace('  kubernetesProvider: ""\n', f'  kubernetesProvider: ""\n{text}'))

        return write

    vxlan = values("  calicoNetwork:\n    ipPools:\n    - cidr: 2a0a:e5c0:10:2::/64\n      encapsulation: VXLAN\n")
    result = run(ManifestsSource(_repo(tmp_path / "a", "v5-production", vxlan)), marker="calico_operator")[scenario]
    assert result.outcome is F and "encapsulation VXLAN" in result.reason
    empty = values("  calicoNetwork:\n    ipPools: []\n")  # operator: "the empty slice to mean no IP pools"
    result = run(ManifestsSource(_repo(tmp_path / "b", "v5-production", empty)), marker="calico_operator")[scenario]
    assert result.outcome is F and "creates no IP pool" in result.reason


def test_the_chart_path_parameters_decide_the_mon_count(tmp_path: Path) -> None:
    def drop_count(folder: Path) -> None:
        path = folder / "argocd" / "apps" / "rook-ceph-cluster.yaml"
        doc = yaml.safe_load(path.read_text())
        doc["spec"]["source"]["helm"]["parameters"] = [
            p for p in doc["spec"]["source"]["helm"]["parameters"] if p["name"] != "cephClusterSpec.mon.count"
        ]
        path.write_text(yaml.safe_dump(doc))

    results = run(ManifestsSource(_repo(tmp_path, "v3-production", drop_count)), "v3", marker="storage or rook_install")
    asks = results["The Ceph cluster asks for the cluster type's number of monitors"]
    assert asks.outcome is F and "spec.mon.count is 3" in asks.reason  # the chart's values.yaml says 3
    # ArgoCD would put a hand-edited CephCluster back: the fix goes into the Application's chart values
    assert asks.remedy == (
        "set cephClusterSpec.mon.count: 5 in the Helm values of Application argocd/rook-ceph-cluster "
        "(argocd/apps/rook-ceph-cluster.yaml#1) and let ArgoCD sync it"
    )
    assert results["The Ceph cluster is configured the way the version prescribes"].outcome is P


def test_a_values_file_of_the_chart_path_decides_the_mon_count(tmp_path: Path) -> None:
    """The Application's helm.valueFiles (relative to the chart path) instead of the count parameter: ArgoCD
    passes them with --values before the inline values and the parameters (argo-cd v2.1.7
    reposerver/repository/repository.go helmTemplate)."""

    def value_file(count: int) -> Callable[[Path], None]:
        def change(folder: Path) -> None:
            path = folder / "argocd" / "apps" / "rook-ceph-cluster.yaml"
            doc = yaml.safe_load(path.read_text())
            helm = doc["spec"]["source"]["helm"]
            helm["parameters"] = [p for p in helm["parameters"] if p["name"] != "cephClusterSpec.mon.count"]
            helm["valueFiles"] = ["values-production.yaml"]
            path.write_text(yaml.safe_dump(doc))
            chart = folder / "charts" / "rook-ceph-cluster" / "values-production.yaml"
            chart.write_text(f"cephClusterSpec:\n  mon:\n    count: {count}\n")

        return change

    asks = "The Ceph cluster asks for the cluster type's number of monitors"
    five = run(ManifestsSource(_repo(tmp_path / "a", "v3-production", value_file(5))), "v3", marker="storage")
    assert five[asks].outcome is P
    one = run(ManifestsSource(_repo(tmp_path / "b", "v3-production", value_file(1))), "v3", marker="storage")
    assert one[asks].outcome is F and "spec.mon.count is 1" in one[asks].reason


def test_a_chart_path_without_chart_yaml_is_plain_manifests(tmp_path: Path) -> None:
    """Without a Chart.yaml ArgoCD's tool detection sees a Directory: v3's "via helm via argocd" is not met."""

    def unchart(folder: Path) -> None:
        shutil.rmtree(folder / "charts" / "rook-ceph-cluster")
        (folder / "charts" / "rook-ceph-cluster").mkdir()
        shutil.copy(REAL / "repos" / "v5-production" / "rook" / "cluster.yaml", folder / "charts" / "rook-ceph-cluster")

    results = run(ManifestsSource(_repo(tmp_path, "v3-production", unchart)), "v3", marker="rook_install")
    result = results["The Ceph cluster is configured the way the version prescribes"]
    assert result.outcome is F and "the profile wants argocd-helm" in result.reason


def test_calico_node_from_the_manifest_creates_the_ipv6_pool_from_kubeadm(tmp_path: Path) -> None:
    """calico v3.20.2 startup.go configureIPPools: with FELIX_IPV6SUPPORT true and no CALICO_IPV6POOL_CIDR,
    calico-node creates default-ipv6-ippool from kubeadm's podSubnet, IPIP and VXLAN Never; without IPv6
    support it creates none, and the cluster hands out no IPv6 pod address."""
    source = ManifestsSource(REAL / "repos" / "v2-development")
    [pool] = source.list("ippools.crd.projectcalico.org")
    assert (pool["metadata"]["name"], pool["spec"]["cidr"]) == ("default-ipv6-ippool", "2a0a:e5c0:12:2::/64")
    assert (pool["spec"]["ipipMode"], pool["spec"]["vxlanMode"]) == ("Never", "Never")

    def no_ipv6(folder: Path) -> None:
        path = folder / "calico" / "calico.yaml"
        text = path.read_text()
        path.write_text(
            text.replace(
                '- name: FELIX_IPV6SUPPORT\n              value: "true"',
                '- name: FELIX_IPV6SUPPORT\n              value: "false"',
            )
        )

    results = run(ManifestsSource(_repo(tmp_path, "v2-development", no_ipv6)), "v2", "development", marker="bgp")
    assert results["IP pools are IPv6 and use no overlay"].outcome is F


def test_sources_md_names_every_upstream_file() -> None:
    """Every file under upstream/ has its row (repository, path, tag) in SOURCES.md, and every row its file."""
    text = (REAL / "SOURCES.md").read_text()
    rows = {line.split("`")[1] for line in text.splitlines() if line.startswith("| `upstream/")}
    kept = {p.relative_to(REAL).as_posix() for p in (REAL / "upstream").rglob("*") if p.is_file()}
    assert kept == rows
