"""The manual's cluster table: declared columns against what the cluster shows, UNUSED clusters that answer.

Runs the real features through `ukic.audit.verify_cluster` (the function each audit worker runs) on the
bundled v5 production sample, read from its snapshot or served by the fake API.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest

from tests.fakeapi import FakeKubeAPI, write_kubeconfig
from ukic import ledger, paths
from ukic.errors import UsageError
from ukic.inventory import Cluster, load_inventory
from ukic.outcome import Outcome
from ukic.validate import convert
from ukic.workers import UNUSED_SILENT, VerifyJob, verify_cluster

SAMPLE = paths.samples_dir() / "v5-production"
COLUMNS = "cluster_table.declared-columns"
UNUSED = "cluster_table.unused-cluster-is-gone"
MASTERS = ["server63", "server65", "server83"]


def cluster(source: dict[str, Any], **declared: Any) -> Cluster:
    return convert(
        {
            "name": "place10", "purpose": "production", "setup": "HW", "maintainer": "Nico", "version": "v5",
            "type": "production", "v4_proxy": True, "source": source, **declared,
        },
        Cluster,
    )  # fmt: skip


def table_outcomes(entry: Cluster, tmp_path: Path) -> dict[str, tuple[str, str]]:
    outcome = verify_cluster(VerifyJob.of_cluster(entry, tmp_path / "reports"))
    assert outcome.summary is not None, outcome.error
    return {s["id"]: (s["outcome"], s["reason"]) for s in outcome.summary["scenarios"] if s["id"].startswith("cluster")}


def test_declared_columns_that_match_pass(tmp_path: Path) -> None:
    entry = cluster({"snapshot": str(SAMPLE)}, masters=list(reversed(MASTERS)), argo=True, rook=True)
    got = table_outcomes(entry, tmp_path)
    assert got[COLUMNS][0] == Outcome.PASSED
    assert got[UNUSED] == (Outcome.NOT_APPLICABLE, "the inventory does not mark place10 UNUSED")


def test_each_declared_difference_is_a_warning_naming_it(tmp_path: Path) -> None:
    entry = cluster({"snapshot": str(SAMPLE)}, masters=["server47", "server63"], argo=False)
    outcome, reason = table_outcomes(entry, tmp_path)[COLUMNS]
    assert outcome == Outcome.WARNING
    assert "cluster place10: masters: the inventory declares server47 server63, the cluster shows " in reason
    assert "server63 server65 server83" in reason
    assert "cluster place10: argo: the inventory declares (empty), the cluster shows x" in reason
    assert "rook" not in reason  # not declared, not compared


def test_without_declared_columns_or_inventory_the_comparison_is_not_applicable(tmp_path: Path) -> None:
    got = table_outcomes(cluster({"snapshot": str(SAMPLE)}), tmp_path)
    assert got[COLUMNS] == (Outcome.NOT_APPLICABLE, "the inventory declares none of masters, argo, rook for place10")


def test_unused_cluster_that_answers_is_reported(tmp_path: Path) -> None:
    with FakeKubeAPI() as api:
        api.serve_snapshot(SAMPLE)
        config = write_kubeconfig(tmp_path / "kubeconfig", api.url)
        got = table_outcomes(cluster({"kubeconfig": str(config)}, unused=True), tmp_path)
    outcome, reason = got[UNUSED]
    assert outcome == Outcome.WARNING
    assert reason.startswith(f"the inventory marks place10 UNUSED, but its API server {api.url}")
    assert "answers (server22, server23" in reason


def test_an_unused_snapshot_cannot_say_whether_the_cluster_answers(tmp_path: Path) -> None:
    got = table_outcomes(cluster({"snapshot": str(SAMPLE)}, unused=True), tmp_path)
    assert got[UNUSED] == (Outcome.NOT_APPLICABLE, "a snapshot source cannot tell whether the cluster answers now")


def test_an_unused_cluster_that_does_not_answer_is_as_declared(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
        s.bind(("::1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    config = write_kubeconfig(tmp_path / "kubeconfig", f"https://[::1]:{port}")
    entry = cluster({"kubeconfig": str(config)}, unused=True)
    outcome = verify_cluster(VerifyJob.of_cluster(entry, tmp_path / "reports"))
    assert (outcome.exit_code, outcome.verdict) == (0, UNUSED_SILENT)
    assert outcome.error  # why it does not answer is kept
    used = verify_cluster(VerifyJob.of_cluster(cluster({"kubeconfig": str(config)}), tmp_path / "reports"))
    assert (used.exit_code, used.verdict) == (2, "could not verify")


def test_unused_rows_are_marked_in_the_table(tmp_path: Path) -> None:
    inventory = tmp_path / "clusters.yaml"
    inventory.write_text(
        "clusters:\n"
        "  - {name: dev, purpose: Dev, setup: VM, maintainer: '-', version: v5, type: development,\n"
        "     v4_proxy: false, unused: true, source: {snapshot: s}}\n",
        encoding="utf-8",
    )
    path = tmp_path / "ledger.json"
    ledger.record_failure(
        path, "dev", ledger.failure_entry("v5", "development", "cannot connect", 0, verdict=UNUSED_SILENT)
    )
    rows = ledger.table_rows(ledger.load_ledger(path), load_inventory(inventory))
    assert ledger.render_markdown(rows).splitlines()[2] == "| dev | Dev VM (UNUSED) | - | ? | ? | ? |  | never |"
    assert json.loads(path.read_text())["clusters"]["dev"]["last_run"]["verdict"] == UNUSED_SILENT


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("masters", "server63", "cluster 'dev': masters: "), ("unused", "maybe", "cluster 'dev': unused: ")],
)
def test_declared_columns_are_validated(tmp_path: Path, field: str, value: str, message: str) -> None:
    inventory = tmp_path / "clusters.yaml"
    inventory.write_text(
        "clusters:\n"
        "  - {name: dev, purpose: Dev, setup: VM, maintainer: '-', version: v5, type: development,\n"
        f"     v4_proxy: false, {field}: {value}, source: {{snapshot: s}}}}\n",
        encoding="utf-8",
    )
    with pytest.raises(UsageError, match=message):
        load_inventory(inventory)
