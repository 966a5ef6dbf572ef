"""Steps at edges the generated samples do not reach: evidence that is missing, remedies that name a pod."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from steps.routers import pod_blocks_via_their_node
from tests.snapshots import node, write_snapshot
from ukic import paths
from ukic.outcome import Outcome, Unverifiable
from ukic.run import VerifyRequest, verify
from ukic.sources.snapshot import SnapshotSource
from ukic.state import ClusterState


def etcd_pod(node_name: str, *, up: bool) -> dict:
    state = {"running": {}} if up else {"waiting": {"reason": "CrashLoopBackOff"}}
    return {
        "metadata": {
            "name": f"etcd-{node_name}",
            "namespace": "kube-system",
            "labels": {"component": "etcd", "tier": "control-plane"},
        },
        "spec": {"nodeName": node_name},
        "status": {
            "phase": "Running",
            "containerStatuses": [{"name": "etcd", "ready": up, "restartCount": 0 if up else 9, "state": state}],
        },
    }


def test_the_etcd_remedy_runs_etcdctl_in_a_running_etcd_pod(tmp_path: Path) -> None:
    """The manual's fix runs etcdctl in "a working etcd pod": a crash-looping one cannot take `kubectl exec`."""
    nodes = [node(f"server{i}", f"2a0a:e5c0:10:1::{i}", control_plane=i < 2) for i in range(3)]
    pods = [etcd_pod("server0", up=False), etcd_pod("server1", up=True), etcd_pod("server2", up=True)]
    snap = write_snapshot(tmp_path / "snap", {"nodes": nodes, "pods": pods})
    run = verify(VerifyRequest(SnapshotSource(snap), "v5", "development", marker="control_plane"))
    stray = {s.id: s for s in run.scenarios}["control_plane.etcd-only-on-control-plane"]
    assert stray.outcome is Outcome.FAILED
    assert "kube-system/etcd-server2 runs on server2" in stray.reason
    assert "exec -n kube-system -ti etcd-server1 --" in stray.remedy
    assert "etcd-server0" not in stray.remedy


def test_no_ipam_block_at_all_leaves_the_next_hops_unverified(tmp_path: Path) -> None:
    """With no block affine to any node there is no route to look for: that is no evidence, not a pass."""
    nodes = [node(f"server{i}", f"2a0a:e5c0:10:1::{i}") for i in range(3)]
    snap = write_snapshot(tmp_path / "snap", {"nodes": nodes, "blockaffinities.crd.projectcalico.org": []})
    router = SimpleNamespace(host=SimpleNamespace(name="router1", label="router router1"), protocols=[], routes=[])
    with pytest.raises(Unverifiable, match="no Calico IPAM block is affine to any node"):
        pod_blocks_via_their_node(([router], []), ClusterState(SnapshotSource(snap)))


def terminating_pod(deleted_at: str) -> dict:
    meta = {"name": "web-0", "namespace": "apps", "deletionTimestamp": deleted_at, "deletionGracePeriodSeconds": 30}
    return {"metadata": meta, "spec": {"nodeName": "server1"}, "status": {"phase": "Running"}}


def test_a_snapshot_without_capture_time_cannot_say_how_long_a_pod_hangs(tmp_path: Path) -> None:
    """A pod deleted moments before a capture is not stuck months later: without capturedAt the snapshot's
    "now" is not known, so a terminating pod is no evidence either way; a snapshot without one is."""
    nodes = [node("server1", "2a0a:e5c0:10:1::1")]
    snap = write_snapshot(tmp_path / "snap", {"nodes": nodes, "pods": [terminating_pod("2021-11-06T21:49:30Z")]})
    stuck = "operations.pod-stuck-terminating"
    run = verify(VerifyRequest(SnapshotSource(snap), "v5", "production", marker="operations"))
    result = {s.id: s for s in run.scenarios}[stuck]
    assert result.outcome is Outcome.UNVERIFIABLE, result.reason
    assert "capturedAt" in result.reason and "apps/web-0" in result.reason
    (snap / "cluster.yaml").write_text("name: mini\ncapturedAt: 2021-11-06T21:50:00Z\n")
    run = verify(VerifyRequest(SnapshotSource(snap), "v5", "production", marker="operations"))
    assert {s.id: s for s in run.scenarios}[stuck].outcome is Outcome.PASSED
    write_snapshot(snap, {"pods": []})
    run = verify(VerifyRequest(SnapshotSource(snap), "v5", "production", marker="operations"))
    assert {s.id: s for s in run.scenarios}[stuck].outcome is Outcome.PASSED


def test_without_a_bgp_configuration_calico_defaults_decide_mesh_and_asn(tmp_path: Path) -> None:
    """No BGPConfiguration default: Calico meshes from AS 64512 (both as the manual wants), but announces
    no service network, so only that scenario fails, naming the manual's calicoctl step."""
    snap = tmp_path / "snap"
    shutil.copytree(paths.samples_dir() / "v5-production", snap)
    (snap / "bgpconfigurations.crd.projectcalico.org.yaml").write_text("apiVersion: v1\nitems: []\nkind: List\n")
    run = verify(VerifyRequest(SnapshotSource(snap), "v5", "production", marker="bgp"))
    by_id = {s.id: s for s in run.scenarios}
    assert by_id["bgp.node-mesh"].outcome is Outcome.PASSED
    assert by_id["bgp.private-asn"].outcome is Outcome.PASSED
    announced = by_id["bgp.service-network-announced"]
    assert announced.outcome is Outcome.FAILED
    assert announced.reason == (
        "BGPConfiguration default does not exist, so no service network is announced "
        "(the cluster's BGP file was not applied)"
    )
    assert announced.remedy == "calicoctl create -f - < bgp-config-this-cluster.yaml"


def test_bgp_configurations_not_captured_leave_mesh_and_asn_unverified(tmp_path: Path) -> None:
    """A missing file is no evidence: Calico's defaults are assumed only for a list that was read."""
    snap = tmp_path / "snap"
    shutil.copytree(paths.samples_dir() / "v5-production", snap)
    (snap / "bgpconfigurations.crd.projectcalico.org.yaml").unlink()
    run = verify(VerifyRequest(SnapshotSource(snap), "v5", "production", marker="bgp"))
    by_id = {s.id: s for s in run.scenarios}
    for scenario in ("bgp.node-mesh", "bgp.private-asn", "bgp.service-network-announced"):
        assert by_id[scenario].outcome is Outcome.UNVERIFIABLE, scenario
