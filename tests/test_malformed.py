"""Malformed objects make only the scenarios that read them unverifiable, naming the object (ukic.shapes)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from tests.fakeapi import FakeKubeAPI
from ukic.cli import main
from ukic.outcome import Unverifiable
from ukic.shapes import malformed
from ukic.sources.snapshot import SnapshotSource
from ukic.state import ClusterState

pytest_plugins = ["tests.fakeapi.fixtures"]

SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "samples" / "v5-production"


@pytest.mark.parametrize(
    ("key", "objects", "problem"),
    [
        ("nodes", [{"kind": "Node", "metadata": {"name": "s1"}, "status": {"addresses": "10.0.0.1"}}],
         "Node s1: status.addresses is a string, expected a list of mappings"),
        ("deployments.apps", [{"metadata": {"name": "d", "namespace": "a", "annotations": ["x"]}}],
         "object a/d: metadata.annotations is a list, expected a mapping of strings"),
        ("pods", [{"metadata": {"name": "p"}}, "junk"], "item 1 is a string, not an object"),
        ("configmaps", [{"metadata": {"name": 7}}], "object #0: metadata.name is a number, expected a string"),
        ("nodes", [{"kind": "Node", "metadata": {"name": "s1"}, "status": {"addresses": [{"type": "InternalIP"}]}}],
         None),
        ("pods", [{"kind": "Pod", "metadata": {"name": "p", "namespace": "n"}, "status": {"phase": ["Running"]}}],
         "Pod n/p: status.phase is a list, expected a string"),
        ("bgppeers.crd.projectcalico.org", [{"kind": "BGPPeer", "metadata": {"name": "r1"},
                                             "spec": {"keepOriginalNextHop": "true"}}],
         "BGPPeer r1: spec.keepOriginalNextHop is a string, expected true or false"),
    ],
)  # fmt: skip
def test_the_first_malformed_object_is_named_with_its_field(key: str, objects: list, problem: str | None) -> None:
    assert malformed(key, objects) == problem


def broken_sample(tmp_path: Path) -> Path:
    """The conforming v5 sample with node server63's addresses as a string and a deployment's annotations a list."""
    snapshot = tmp_path / "snap"
    shutil.copytree(SAMPLE, snapshot)
    nodes = yaml.safe_load((snapshot / "nodes.yaml").read_text())
    node = next(n for n in nodes["items"] if n["metadata"]["name"] == "server63")
    node["status"]["addresses"] = "2a0a:e5c0:10:1::63"
    (snapshot / "nodes.yaml").write_text(yaml.safe_dump(nodes))
    return snapshot


def test_a_malformed_node_makes_node_scenarios_unverifiable_not_a_crash(tmp_path: Path, capsys) -> None:
    snapshot = broken_sample(tmp_path)
    code = main(["verify", "--snapshot", str(snapshot), "--report-dir", str(tmp_path / "reports"), "--color", "never"])
    out, err = capsys.readouterr()
    assert (code, err) == (2, "")
    reason = "nodes: malformed object: Node server63: status.addresses is a string, expected a list of mappings"
    assert reason in out and "FAILED" not in out and "Traceback" not in out
    (summary,) = (tmp_path / "reports").glob("*/*/summary.json")
    run = json.loads(summary.read_text())
    assert run["facts"]["masters"] is None  # the ledger's facts: not known, never guessed
    unverifiable = [s for s in run["scenarios"] if s["outcome"] == "unverifiable"]
    assert unverifiable and all(s["reason"] == reason for s in unverifiable)
    assert any(s["outcome"] == "passed" for s in run["scenarios"])  # scenarios not reading nodes still ran


def test_a_scalar_of_the_wrong_type_is_malformed_not_a_failure(tmp_path: Path, capsys) -> None:
    """keepOriginalNextHop: [true] is no BGPPeer Calico serves: its scenario cannot judge it (it once FAILED)."""
    snapshot = tmp_path / "snap"
    shutil.copytree(SAMPLE, snapshot)
    peers_file = snapshot / "bgppeers.crd.projectcalico.org.yaml"
    peers = yaml.safe_load(peers_file.read_text())
    peers["items"][0]["spec"]["keepOriginalNextHop"] = [True]
    peers_file.write_text(yaml.safe_dump(peers))
    assert main(["verify", "--snapshot", str(snapshot), "--no-reports", "--color", "never", "-m", "bgp"]) == 2
    out = capsys.readouterr().out
    name = peers["items"][0]["metadata"]["name"]
    assert f"BGPPeer {name}: spec.keepOriginalNextHop is a list, expected true or false" in out
    assert "FAILED" not in out


def test_state_raises_unverifiable_for_the_resource_only(tmp_path: Path) -> None:
    state = ClusterState(SnapshotSource(broken_sample(tmp_path)))
    with pytest.raises(Unverifiable, match=r"Node server63: status\.addresses"):
        state.nodes()
    assert state.list("storageclasses.storage.k8s.io")


def test_capture_keeps_a_malformed_object_as_served(
    fake: FakeKubeAPI, kubeconfig: Path, tmp_path: Path, capsys
) -> None:
    fake.objects["nodes"][0]["status"] = {"addresses": "10.0.0.1"}
    fake.objects["deployments.apps"] = [{"metadata": {"name": "d", "namespace": "a", "annotations": ["x"]}}]
    fake.objects["secrets"] = [
        {"metadata": {"name": "s", "namespace": "a", "annotations": ["x"]}, "data": {"k": "dg=="}}
    ]
    assert main(["capture", "--kubeconfig", str(kubeconfig), "-o", str(tmp_path / "snap")]) == 0
    assert '"addresses": "10.0.0.1"' in (tmp_path / "snap" / "nodes.json").read_text()
    assert "dg==" not in (tmp_path / "snap" / "secrets.json").read_text()
    capsys.readouterr()


def test_capture_keeps_an_item_that_is_no_object_and_verify_names_it(
    fake: FakeKubeAPI, kubeconfig: Path, tmp_path: Path, capsys
) -> None:
    listed = {"kind": "NodeList", "apiVersion": "v1", "metadata": {}, "items": ["server1", 5, None]}
    fake.answer("/api/v1/nodes", json.dumps(listed))  # once 'internal error: AttributeError' in capture
    assert main(["capture", "--kubeconfig", str(kubeconfig), "-o", str(tmp_path / "snap")]) == 0
    assert json.loads((tmp_path / "snap" / "nodes.json").read_text())["items"] == ["server1", 5, None]
    assert capsys.readouterr().err == ""
    argv = ["verify", "--snapshot", str(tmp_path / "snap"), "--no-reports", "--color", "never"]
    assert main(argv) == 1  # the tiny cluster fails elsewhere; no crash
    assert "nodes: malformed object: item 0 is a string, not an object" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("details", "shown"),
    [
        ({"OSD_DOWN": {"message": "1 osds down", "severity": "HEALTH_WARN"}}, ("OSD_DOWN: 1 osds down",)),
        ({"MON_DOWN": "1/5 mons down"}, ("MON_DOWN",)),  # an info that is no map: named without message
        (["OSD_DOWN"], ()),  # details that are no map (the CRD has a map): nothing to name
    ],
)
def test_ceph_health_details_of_any_shape_are_named_or_left_out(details: object, shown: tuple) -> None:
    from ukic.rook import ceph_health

    health = ceph_health({"status": {"ceph": {"health": "HEALTH_WARN", "details": details}}})
    assert (health.health, health.details) == ("HEALTH_WARN", shown)
