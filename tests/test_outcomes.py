"""Every scenario ends in one honest outcome: the plugin's mapping, through real pytest-bdd runs."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import pytest

from tests.snapshots import node, write_snapshot
from ukic.outcome import Outcome, exit_code_for, worst_exit_code
from ukic.run import VerifyRequest, verify
from ukic.sources.base import Source
from ukic.sources.snapshot import SnapshotSource


def _outcomes(result) -> dict[str, tuple[Outcome, str]]:
    return {s.name: (s.outcome, s.reason) for s in result.scenarios}


@pytest.fixture
def production_nodes(tmp_path: Path) -> Path:
    nodes = [node(f"server{i}", f"2a0a:e5c0:10:1::{i}", control_plane=i < 3, tainted=False) for i in range(6)]
    return write_snapshot(tmp_path / "snap", {"nodes": nodes})


def test_topology_outcomes_failed_warning_not_applicable(production_nodes: Path) -> None:
    result = verify(VerifyRequest(SnapshotSource(production_nodes), "v5", "production", marker="topology"))
    got = _outcomes(result)
    assert got["The cluster has at least the minimum number of nodes"][0] is Outcome.PASSED
    # three untainted control-plane nodes take work: six schedulable workers
    assert got["The cluster has at least the minimum number of schedulable workers"][0] is Outcome.PASSED
    outcome, reason = got["The cluster meets the recommended size"]
    assert outcome is Outcome.WARNING
    assert "nodes: 6 (server0, server1, server2, server3, server4, server5)" in reason
    assert "a production cluster's recommendation is 8" in reason
    outcome, reason = got["Control-plane nodes are kept free of workloads where the cluster type recommends it"]
    assert outcome is Outcome.WARNING  # @recommended: a warning, never a failure
    assert "control-plane node server0 has no NoSchedule taint" in reason
    outcome, reason = got["Control-plane nodes are kept free of workloads where the cluster type requires it"]
    assert (outcome, reason) == (
        Outcome.NOT_APPLICABLE,
        "cluster type production sets cluster_type.control_plane_separation: recommended, not required",
    )
    assert result.exit_code == 0


def test_development_separation_is_not_applicable(production_nodes: Path) -> None:
    result = verify(VerifyRequest(SnapshotSource(production_nodes), "v1", "development", marker="topology"))
    got = _outcomes(result)
    assert got["Control-plane nodes are kept free of workloads where the cluster type recommends it"][0] is (
        Outcome.NOT_APPLICABLE
    )


def test_missing_file_is_unverifiable_and_exit_2(production_nodes: Path) -> None:
    result = verify(VerifyRequest(SnapshotSource(production_nodes), "v5", "production", marker="control_plane"))
    assert {s.outcome for s in result.scenarios} == {Outcome.UNVERIFIABLE}
    assert all("pods: not captured in snapshot" in s.reason for s in result.scenarios)
    assert result.exit_code == 2


def test_failure_names_the_culprit(tmp_path: Path) -> None:
    snap = write_snapshot(tmp_path, {"nodes": [node("server63", "10.0.0.5"), node("server65", "2a0a::65")]})
    result = verify(VerifyRequest(SnapshotSource(snap), "v5", "production", marker="ipv6 and runtime"))
    outcome, reason = _outcomes(result)["Nodes are reached over IPv6 only"]
    assert (outcome, reason) == (Outcome.FAILED, "node server63: InternalIP 10.0.0.5 is IPv4")
    assert result.exit_code == 1


def test_profile_gates_make_scenarios_not_applicable(production_nodes: Path) -> None:
    result = verify(VerifyRequest(SnapshotSource(production_nodes), "v2", "development", marker="calico_operator"))
    outcome, reason = _outcomes(result)["The tigera-operator was installed with Helm"]
    assert (outcome, reason) == (Outcome.NOT_APPLICABLE, "profile v2 sets install.calico: any, not tigera-operator")


class _NoRuntime(SnapshotSource):
    not_applicable_tags: ClassVar[dict[str, str]] = {"runtime": "this source carries no runtime state"}


def test_source_tags_make_scenarios_not_applicable_before_any_step(production_nodes: Path) -> None:
    source: Source = _NoRuntime(production_nodes)
    result = verify(VerifyRequest(source, "v5", "production", marker="topology"))
    assert {s.outcome for s in result.scenarios} == {Outcome.NOT_APPLICABLE}
    assert {s.reason for s in result.scenarios} == {"this source carries no runtime state"}
    assert all(not step.ran for s in result.scenarios for step in s.steps)


class _Broken(SnapshotSource):
    def list(self, key: str):  # a bug in a source must not pass as a verdict
        raise KeyError("boom")


def test_harness_errors_are_unverifiable_not_passed(production_nodes: Path) -> None:
    result = verify(VerifyRequest(_Broken(production_nodes), "v5", "production", marker="ipv6 and runtime"))
    assert {s.outcome for s in result.scenarios} == {Outcome.UNVERIFIABLE}
    assert {s.reason for s in result.scenarios} == {
        "nodes: harness error: KeyError: 'boom'",
        "services: harness error: KeyError: 'boom'",
    }
    assert result.exit_code == 2


def test_steps_are_recorded_with_the_deciding_one(tmp_path: Path) -> None:
    snap = write_snapshot(tmp_path, {"nodes": [node("server63", "10.0.0.5")]})
    result = verify(VerifyRequest(SnapshotSource(snap), "v5", "production", marker="ipv6 and runtime"))
    scenario = next(s for s in result.scenarios if s.name == "Nodes are reached over IPv6 only")
    assert [(st.keyword, st.outcome, st.ran) for st in scenario.steps] == [
        ("Given", Outcome.PASSED, True),  # the profile rule
        ("And", Outcome.PASSED, True),
        ("Then", Outcome.FAILED, True),
    ]


def test_exit_code_rules() -> None:
    assert exit_code_for([Outcome.PASSED, Outcome.WARNING, Outcome.WAIVED, Outcome.NOT_APPLICABLE]) == 0
    assert exit_code_for([Outcome.PASSED, Outcome.UNVERIFIABLE]) == 2
    assert exit_code_for([Outcome.UNVERIFIABLE, Outcome.FAILED]) == 1
    assert worst_exit_code([0, 2, 1]) == 1 and worst_exit_code([0, 2]) == 2 and worst_exit_code([1, 4]) == 4
