"""Every scenario that can fail or warn says how to put it right, with the manual's commands where it has them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.snapshots import node, write_snapshot
from ukic import remedies
from ukic.outcome import Outcome
from ukic.run import VerifyRequest, verify
from ukic.sources.snapshot import SnapshotSource

CHECKOUT = Path(__file__).resolve().parent.parent
#: What ends a check in failure: each call must say how to put it right.
FAILING_CALLS = {"CheckFailed", "CheckWarning", "fail_on", "conclude"}
CODE = sorted([*(CHECKOUT / "steps").glob("*.py"), *(CHECKOUT / "ukic").rglob("*.py")])


def failing_calls(path: Path) -> list[ast.Call]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) in FAILING_CALLS
    ]


@pytest.mark.parametrize("path", CODE, ids=lambda p: str(p.relative_to(CHECKOUT)))
def test_every_way_a_check_fails_carries_a_remedy(path: Path) -> None:
    for call in failing_calls(path):
        remedy = next((k.value for k in call.keywords if k.arg == "remedy"), None)
        where = f"{path.relative_to(CHECKOUT)}:{call.lineno}"
        assert remedy is not None, f"{where}: no remedy= on a failing check"
        assert not (isinstance(remedy, ast.Constant) and not remedy.value), f"{where}: an empty remedy"


def test_no_step_fails_with_a_bare_assert() -> None:
    for path in (CHECKOUT / "steps").glob("*.py"):
        assert not [n for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.Assert)], path


def test_the_manuals_commands_with_the_objects_filled_in() -> None:
    assert remedies.uncordon(["server60"]) == "kubectl uncordon server60"
    assert (
        remedies.force_delete_pod("web-1", "shop")
        == "kubectl delete pod web-1 --grace-period=0 --force --namespace shop"
    )
    assert remedies.etcd_member_remove("etcd-server65", "371b8a07185dee7e").endswith(
        "--key /etc/kubernetes/pki/etcd/server.key member remove 371b8a07185dee7e"
    )
    assert remedies.calicoctl_create() == "calicoctl create -f - < bgp-config-this-cluster.yaml"
    assert remedies.calico_helm() == "helm upgrade --install calico projectcalico/tigera-operator --version v3.20.2"
    assert remedies.rook_rescan() == "kubectl -n rook-ceph delete pods -l app=rook-ceph-operator"


def _run(snapshot: Path, marker: str):
    return {
        s.id: s for s in verify(VerifyRequest(SnapshotSource(snapshot), "v5", "production", marker=marker)).scenarios
    }


def test_cordoned_nodes_come_back_with_uncordon(tmp_path: Path) -> None:
    nodes = [node(f"server{i}", f"2a0a:e5c0:10:1::{i}", control_plane=i < 3, tainted=i < 3) for i in range(6)]
    for cordoned in nodes[3:5]:
        cordoned["spec"]["unschedulable"] = True
    result = _run(write_snapshot(tmp_path / "snap", {"nodes": nodes}), "topology")
    workers = result["topology.min-workers"]
    assert workers.outcome is Outcome.FAILED
    assert workers.remedy == "kubectl uncordon server3; kubectl uncordon server4"


def test_a_file_missing_from_a_snapshot_says_how_to_capture_it(tmp_path: Path) -> None:
    snap = write_snapshot(tmp_path / "snap", {"nodes": []})
    peers = _run(snap, "bgp")["bgp.peer-keeps-next-hop"]
    assert peers.outcome is Outcome.UNVERIFIABLE
    key = "bgppeers.crd.projectcalico.org"
    assert peers.remedy.startswith(f"capture it: kubectl get {key} -A -o yaml > {snap}/{key}.yaml")


def test_a_field_is_changed_where_the_object_comes_from() -> None:
    """A CephCluster rendered by Helm or ArgoCD is put back by them: the remedy names their values."""
    ref, key = "CephCluster rook-ceph/rook-ceph", "cephClusterSpec.mon.count"
    assert remedies.set_field("spec.mon.count", 5, ref, "helm", "rook-ceph-cluster", key) == (
        "helm upgrade rook-ceph-cluster <chart> --reuse-values --set cephClusterSpec.mon.count=5 "
        "(the release that made CephCluster rook-ceph/rook-ceph)"
    )
    assert remedies.set_field("spec.mon.count", 5, ref, "manifests", "Application argocd/rook", key) == (
        "set spec.mon.count: 5 in the manifest of CephCluster rook-ceph/rook-ceph in the path "
        "Application argocd/rook applies, and let ArgoCD sync it"
    )
