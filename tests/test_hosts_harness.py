"""The node and router scenarios through the real harness without the lab: no hosts, partial hosts, refused SSH."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.lab.site import Machine
from tests.lab.snapshot import write_snapshot
from ukic.cli import main
from ukic.hosts.spec import HostsSpec
from ukic.outcome import Outcome
from ukic.run import VerifyRequest, verify
from ukic.sources.snapshot import SnapshotSource

CLOSED_PORT = "ssh://root@127.0.0.1:1"
NEEDS_SSH = pytest.mark.skipif(shutil.which("ssh") is None, reason="needs the ssh client (Debian openssh-client)")
MACHINES = [
    Machine(f"node{i}", "unused", f"fd00:5eed::1{i}", f"10.255.0.1{i}", f"fd00:10:244:0:{i}::/80") for i in (1, 2, 3)
]
NODE_SCENARIOS = 4
ROUTER_SCENARIOS = 3


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_snapshot(tmp_path_factory.mktemp("hosts") / "snap", MACHINES)


def run(snapshot: Path, hosts: HostsSpec | None, marker: str = "nodes or routers") -> dict[str, tuple[Outcome, str]]:
    result = verify(
        VerifyRequest(
            source=SnapshotSource(snapshot), version="v5", cluster_type="development", marker=marker, hosts=hosts
        )
    )
    return {s.name: (s.outcome, s.reason) for s in result.scenarios}


def test_without_hosts_every_node_and_router_scenario_is_not_applicable(snapshot: Path) -> None:
    results = run(snapshot, None)
    assert len(results) == NODE_SCENARIOS + ROUTER_SCENARIOS
    for outcome, reason in results.values():
        assert outcome is Outcome.NOT_APPLICABLE
        assert reason.startswith("no hosts given")


@NEEDS_SSH
def test_routers_only_leave_node_scenarios_not_applicable_and_name_the_unreachable_router(snapshot: Path) -> None:
    results = run(snapshot, HostsSpec(routers={"router1": CLOSED_PORT}, connect_timeout=3))
    node_results = [r for r in results.values() if r[1].startswith("no node hosts given")]
    assert len(node_results) == NODE_SCENARIOS
    assert all(outcome is Outcome.NOT_APPLICABLE for outcome, _ in node_results)
    router_results = [r for r in results.values() if r not in node_results]
    assert len(router_results) == ROUTER_SCENARIOS
    for outcome, reason in router_results:
        assert outcome is Outcome.UNVERIFIABLE
        assert reason.startswith(f"router router1 ({CLOSED_PORT}): cannot reach over SSH")


@NEEDS_SSH
def test_unreachable_and_unnamed_nodes_are_unverifiable_never_passed(snapshot: Path) -> None:
    results = run(snapshot, HostsSpec(nodes={"node1": CLOSED_PORT}, connect_timeout=3), marker="nodes")
    assert len(results) == NODE_SCENARIOS
    for outcome, reason in results.values():
        assert outcome is Outcome.UNVERIFIABLE
        assert f"node node1 ({CLOSED_PORT}): cannot reach over SSH" in reason
    forwarding = results["Every node forwards IPv6"][1]
    assert "node node2: no host given (add --host node2=URL or --host-template)" in forwarding


def test_verify_cli_takes_host_options(snapshot: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["verify", "--snapshot", str(snapshot), "--type", "development", "-m", "routers", "--no-reports"]
    code = main([*argv, "--router", f"router1={CLOSED_PORT}", "--ssh-timeout", "3"])
    out = capsys.readouterr().out
    assert code == 2  # could not verify
    assert "UNVERIFIABLE" in out and "router router1" in out


def test_verify_cli_rejects_host_settings_without_hosts(snapshot: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["verify", "--snapshot", str(snapshot), "--no-reports", "--etcd-pki", "/srv/pki"])
    assert code == 4
    assert "--etcd-pki needs hosts to apply to" in capsys.readouterr().err
