"""Rook-Ceph storage: operator, monitors, health, storage classes."""

from __future__ import annotations

from typing import Any

from pytest_bdd import given, then

from ukic import kube, remedies, rook
from ukic.drift import osd
from ukic.outcome import CheckFailed, CheckWarning, fail_on
from ukic.pod_health import pod_health
from ukic.profiles.model import StorageClassRule
from ukic.profiles.rules import Rules
from ukic.state import ClusterState

STORAGE_CLASSES = "storageclasses.storage.k8s.io"


@given("the Ceph cluster", target_fixture="ceph_cluster")
def the_ceph_cluster(cluster_state: ClusterState) -> dict[str, Any]:
    clusters = cluster_state.list(rook.CEPH_CLUSTERS)
    if not clusters:
        raise CheckFailed(
            "no CephCluster: rook provides no persistent storage",
            remedy="apply the cluster's CephCluster manifest: kubectl apply -n rook-ceph -f cluster.yaml",
        )
    if len(clusters) > 1:
        names = ", ".join(kube.ref(c, "CephCluster") for c in clusters)
        raise CheckFailed(
            f"{len(clusters)} CephClusters ({names}); the manual runs one per cluster",
            remedy="keep one CephCluster: kubectl -n NAMESPACE delete cephcluster NAME for the others",
        )
    return clusters[0]


def _mon_count(ceph_cluster: dict[str, Any]) -> int:
    return rook.mon_count(ceph_cluster)


@then("a rook operator pod is running")
def operator_running(cluster_state: ClusterState, ceph_cluster: dict[str, Any]) -> None:
    namespace = kube.namespace_of(ceph_cluster)
    pods = cluster_state.labelled("pods", {"app": "rook-ceph-operator"}, namespace=namespace)
    if not any(pod_health(p).up for p in pods):
        states = ", ".join(f"{kube.ref(p, 'Pod')} {pod_health(p).describe()}" for p in pods) or "none found"
        raise CheckFailed(
            f"no running rook-ceph-operator pod in namespace {namespace} ({states})",
            remedy=f"restart it: {remedies.rook_rescan(namespace)}; if there is no operator, install it the way the "
            f"version prescribes (v4 on: {remedies.helm_upgrade('rook-ceph', 'rook-release/rook-ceph', namespace)})",
        )


@then("its monitor count equals the cluster type's storage monitors")
def mon_count_matches_type(rules: Rules, cluster_state: ClusterState, ceph_cluster: dict[str, Any]) -> None:
    key = "cluster_type.storage_monitors"
    want = rules[key]
    have = _mon_count(ceph_cluster)
    if have != want:
        raise CheckFailed(
            f"{kube.ref(ceph_cluster, 'CephCluster')}: spec.mon.count is {have}; "
            f"a {rules.owner(key)} cluster runs {want} storage monitors",
            remedy=rook.set_mon_count(cluster_state, ceph_cluster, want),
        )


@then("as many monitor pods are running as its monitor count")
def mon_pods_running(cluster_state: ClusterState, ceph_cluster: dict[str, Any]) -> None:
    pods = rook.monitor_pods(cluster_state, kube.namespace_of(ceph_cluster))
    running = [p for p in pods if pod_health(p).up]
    want = _mon_count(ceph_cluster)
    if len(running) != want:
        stuck = "; ".join(f"{kube.ref(p, 'Pod')} is {pod_health(p).describe()}" for p in pods if not pod_health(p).up)
        raise CheckFailed(
            f"{len(running)} of {want} monitor pods running in {kube.namespace_of(ceph_cluster)}"
            + (f": {stuck}" if stuck else ""),
            remedy="let the operator reconcile the monitors: " + remedies.rook_rescan(kube.namespace_of(ceph_cluster)),
        )


@then("it is ready and reports a health that is not HEALTH_ERR")
def ceph_up(ceph_cluster: dict[str, Any]) -> None:
    verdict = rook.cluster_verdict(ceph_cluster)
    remedy = (
        f"kubectl -n {kube.namespace_of(ceph_cluster)} describe cephcluster {kube.name_of(ceph_cluster)} "
        f"names the cause; then let the operator reconcile: {remedies.rook_rescan(kube.namespace_of(ceph_cluster))}"
    )
    if verdict.failures:
        fail_on(verdict.failures, remedy=remedy)
    if verdict.warnings:
        raise CheckWarning("; ".join(verdict.warnings), remedy="verify again once the operator has reconciled")


@then("it reports HEALTH_OK")
def ceph_health_ok(ceph_cluster: dict[str, Any]) -> None:
    health = rook.ceph_health(ceph_cluster)
    if health.health != "HEALTH_OK":
        raise CheckFailed(
            f"{kube.ref(ceph_cluster, 'CephCluster')}: {health.describe()}",
            remedy=f"ceph health detail (in the rook-ceph toolbox) names the warnings; kubectl -n "
            f"{kube.namespace_of(ceph_cluster)} describe cephcluster {kube.name_of(ceph_cluster)} shows them too",
        )


@then("a StorageClass uses that provisioner")
def storage_class_present(cluster_state: ClusterState, storage_rule: StorageClassRule) -> None:
    classes = cluster_state.list(STORAGE_CLASSES)
    if not any(c.get("provisioner") == storage_rule.provisioner for c in classes):
        present = ", ".join(f"{kube.name_of(c)} ({c.get('provisioner')})" for c in classes) or "none"
        raise CheckFailed(
            f"no StorageClass on provisioner {storage_rule.provisioner} for {storage_rule.access_mode} "
            f"{storage_rule.purpose} volumes; present: {present}",
            remedy=f"kubectl apply a StorageClass with provisioner: {storage_rule.provisioner} and parameters "
            f"clusterID: rook-ceph (rook's example for {storage_rule.purpose})",
        )


# -- OSDs ------------------------------------------------------------------------------------------
@then("no rook-ceph-osd-prepare pod has failed or is crash-looping")
def osd_prepare_ok(cluster_state: ClusterState, ceph_cluster: dict[str, Any]) -> None:
    namespace = kube.namespace_of(ceph_cluster)
    pods = cluster_state.labelled("pods", {"app": osd.PREPARE_APP}, namespace=namespace)
    failed = osd.failed_prepares(pods)
    fail_on((f.describe() for f in failed), remedy=osd.prepare_remedy(failed) if failed else "")


@then("as many OSDs run as devices were prepared")
def prepared_osds_run(cluster_state: ClusterState, ceph_cluster: dict[str, Any]) -> None:
    namespace = kube.namespace_of(ceph_cluster)
    deployments = cluster_state.labelled("deployments.apps", {"app": osd.OSD_APP}, namespace=namespace)
    if not deployments:
        raise CheckFailed(
            f"no OSD Deployment (app={osd.OSD_APP}) in namespace {namespace}: no device was prepared",
            remedy=f"{remedies.osd_prepare_pods(namespace)}, then {remedies.pod_logs('POD', namespace)} of each; "
            f"{remedies.rook_rescan(namespace)} re-scans for devices",
        )
    count = osd.count_osds(deployments, cluster_state.labelled("pods", {"app": osd.OSD_APP}, namespace))
    if count.down:
        raise CheckFailed(
            count.describe(),
            remedy=f"look at the OSD pods (kubectl -n {namespace} get pods -l app={osd.OSD_APP}) and their "
            f"logs; the prepare logs of their nodes: {remedies.osd_prepare_pods(namespace)}",
        )
