"""The ledger: last run, last verified date, bounded history; atomic and safe under concurrent writers."""

from __future__ import annotations

import fcntl
import json
import multiprocessing
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.runs import make_run
from tests.snapshots import node as snapshot_node
from tests.snapshots import write_snapshot
from ukic import cluster_table, ledger
from ukic.cli import main
from ukic.errors import UsageError
from ukic.inventory import load_inventory
from ukic.metrics import verified_by_coverage
from ukic.outcome import Outcome
from ukic.profiles import select
from ukic.result import RunResult
from ukic.sources.snapshot import SnapshotSource
from ukic.state import ClusterState

T0 = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


#: The tags of the scenarios s0, s1, ...: an API scenario, a node scenario, a router scenario, the rest API.
FAMILY_TAGS = {"s0": ["bgp"], "s1": ["nodes", "hosts"], "s2": ["routers", "hosts"]}


def run(
    cluster: str,
    outcomes: list[Outcome],
    when: datetime = T0,
    version: str = "v5",
    facts: dict | None = None,
    tags: dict[str, list[str]] | None = None,
) -> RunResult:
    named = {f"s{i}": outcome for i, outcome in enumerate(outcomes)}
    return make_run(
        cluster,
        named,
        started=stamp(when - timedelta(seconds=2)),
        finished=stamp(when),
        version=version,
        facts=facts,
        tags=FAMILY_TAGS if tags is None else tags,
    )


GOOD = [Outcome.PASSED, Outcome.PASSED, Outcome.WARNING, Outcome.NOT_APPLICABLE]  # API, nodes and routers checked
#: A run without hosts: its node and router scenarios are not applicable.
API_ONLY = [Outcome.PASSED, Outcome.NOT_APPLICABLE, Outcome.NOT_APPLICABLE, Outcome.PASSED]
BAD = [Outcome.PASSED, Outcome.FAILED]
UNKNOWN = [Outcome.PASSED, Outcome.UNVERIFIABLE]
FACTS = {"masters": ["server47", "server53", "server54"], "argo": True, "rook": True}


def test_record_keeps_last_run_and_last_verified(tmp_path: Path) -> None:
    path = tmp_path / "reports" / "ledger.json"
    report = tmp_path / "reports" / "place10" / "2026-05-01T100000Z"
    ledger.record(path, run("place10", GOOD, facts=FACTS), report)
    ledger.record(path, run("place10", BAD, T0 + timedelta(days=1)), None)
    data = json.loads(path.read_text())
    entry = data["clusters"]["place10"]
    assert entry["last_verified"] == "2026-05-01"  # the failed run a day later does not move it
    assert entry["last_verified_at"] == "2026-05-01T10:00:00Z"
    assert entry["last_run"]["verdict"] == "not conformant"
    assert entry["last_run"]["counts"]["failed"] == 1
    assert [h["verdict"] for h in entry["history"]] == ["conformant", "not conformant"]
    assert entry["history"][0]["report"] == "place10/2026-05-01T100000Z"  # relative to the ledger
    assert entry["history"][0]["digest"] == "sha256:abc123"
    assert not list(path.parent.glob(".ledger.json.*"))  # no temporary file left behind


def test_unverifiable_run_is_not_a_verification(tmp_path: Path) -> None:
    path = tmp_path / "ledger.json"
    ledger.record(path, run("p6", UNKNOWN), None)
    ledger.record_failure(path, "p7", ledger.failure_entry("v4", "development", "cannot connect to https://[::1]:1", 2))
    clusters = json.loads(path.read_text())["clusters"]
    assert clusters["p6"]["last_verified"] is None
    assert clusters["p6"]["last_run"]["verdict"] == "could not verify"
    assert clusters["p7"]["last_run"]["error"] == "cannot connect to https://[::1]:1"
    assert clusters["p7"]["last_verified"] is None


def test_history_is_bounded_and_ordered_by_time(tmp_path: Path) -> None:
    path = tmp_path / "ledger.json"
    for i in range(ledger.HISTORY_LIMIT + 5):
        ledger.record(path, run("p6", GOOD, T0 + timedelta(minutes=i)), None)
    ledger.record(path, run("p6", BAD, T0 - timedelta(days=1)), None)  # an older run recorded late
    entry = json.loads(path.read_text())["clusters"]["p6"]
    times = [h["time"] for h in entry["history"]]
    assert len(times) == ledger.HISTORY_LIMIT
    assert times == sorted(times)
    assert entry["last_run"]["time"] == stamp(T0 + timedelta(minutes=ledger.HISTORY_LIMIT + 4))
    assert entry["last_run"]["verdict"] == "conformant"


def test_damaged_ledger_is_reported_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "ledger.json"
    path.write_text('{"format": "ukic-ledger/1", "clusters": {', encoding="utf-8")
    with pytest.raises(UsageError, match=r"ledger.json: not valid JSON"):
        ledger.record(path, run("p6", GOOD), None)
    assert path.read_text() == '{"format": "ukic-ledger/1", "clusters": {'
    path.write_text('{"something": "else"}', encoding="utf-8")
    with pytest.raises(UsageError, match="not a ukic ledger"):
        ledger.load_ledger(path)


def _writer(path: str, name: str, count: int) -> None:
    for i in range(count):
        ledger.record(path, run(name, GOOD if i % 2 else BAD, T0 + timedelta(seconds=i)), None)


def test_concurrent_writer_processes_lose_no_entry(tmp_path: Path) -> None:
    path = tmp_path / "ledger.json"
    context = multiprocessing.get_context("fork")  # the writer needs nothing but this module's code
    writers = [context.Process(target=_writer, args=(str(path), f"c{n}", 15)) for n in range(3)]
    for w in writers:
        w.start()
    for w in writers:
        w.join(60)
        assert w.exitcode == 0
    clusters = json.loads(path.read_text())["clusters"]
    assert sorted(clusters) == ["c0", "c1", "c2"]
    assert all(len(c["history"]) == 15 for c in clusters.values())


def test_a_writer_waits_for_the_lock_and_gives_up_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "ledger.json"
    ledger.record(path, run("p1", GOOD), None)
    before = path.read_text()
    holder = os.open(f"{path}.lock", os.O_RDWR)
    fcntl.flock(holder, fcntl.LOCK_EX)  # another ukic is recording
    monkeypatch.setattr(ledger, "LOCK_TIMEOUT", 0.2)
    try:
        with pytest.raises(UsageError, match=r"ledger.json: still locked by another ukic after 0 s"):
            ledger.record(path, run("p2", GOOD), None)
        assert path.read_text() == before
    finally:
        os.close(holder)  # released: the next writer gets it at once
    ledger.record(path, run("p2", GOOD), None)
    assert sorted(json.loads(path.read_text())["clusters"]) == ["p1", "p2"]


# -- facts ------------------------------------------------------------------------------------
CATALOGUE = select("v5", "production").components


def test_facts_from_state(tmp_path: Path) -> None:
    snap = write_snapshot(
        tmp_path,
        {
            "nodes": [
                snapshot_node("server54", "2a0a::54", control_plane=True),
                snapshot_node("server49", "2a0a::49"),
            ],
            "deployments.apps": [{"metadata": {"name": "argocd-server", "namespace": "argocd"}}],
        },
    )
    assert cluster_table.facts_from_state(ClusterState(SnapshotSource(snap)), CATALOGUE) == {
        "masters": ["server54"],
        "argo": True,
        "rook": False,
    }
    empty = write_snapshot(tmp_path / "empty", {})
    assert cluster_table.facts_from_state(ClusterState(SnapshotSource(empty)), CATALOGUE) == {
        "masters": None,
        "argo": None,
        "rook": None,
    }


def test_argo_from_the_argo_helm_chart_counts_by_its_labels(tmp_path: Path) -> None:
    """argo-helm's argo-cd chart (3.26.0, Argo CD 2.1) names the server after the release but labels it
    as install.yaml does (app.kubernetes.io/part-of: argocd, component: server)."""
    labels = {"app.kubernetes.io/part-of": "argocd", "app.kubernetes.io/component": "server"}
    server = {"metadata": {"name": "argo-cd-argocd-server", "namespace": "gitops", "labels": labels}}
    snap = write_snapshot(tmp_path, {"nodes": [], "deployments.apps": [server]})
    assert cluster_table.facts_from_state(ClusterState(SnapshotSource(snap)), CATALOGUE)["argo"] is True


# -- rendering --------------------------------------------------------------------------------
def inventory_file(tmp_path: Path) -> Path:
    path = tmp_path / "clusters.yaml"
    path.write_text(
        "clusters:\n"
        "  - {name: p7, purpose: Dev, setup: HW, maintainer: Nico, version: v5, type: development,\n"
        "     v4_proxy: true, source: {snapshot: s7}}\n"
        "  - {name: p6, purpose: Dev, setup: VM, maintainer: Amal, version: v4, type: development,\n"
        "     v4_proxy: false, source: {snapshot: s6}}\n"
        "  - {name: p9, purpose: Test, setup: PI, maintainer: '-', version: v1, type: development,\n"
        "     v4_proxy: false, source: {snapshot: s9}}\n",
        encoding="utf-8",
    )
    return path


def test_markdown_table_takes_facts_from_runs_and_rest_from_inventory(tmp_path: Path) -> None:
    path = tmp_path / "ledger.json"
    ledger.record(path, run("p7", GOOD, facts=FACTS), None)
    ledger.record(path, run("p6", BAD, facts={"masters": ["server1"], "argo": False, "rook": None}), None)
    ledger.record(path, run("elsewhere", GOOD), None)
    rows = ledger.table_rows(ledger.load_ledger(path), load_inventory(inventory_file(tmp_path)))
    lines = ledger.render_markdown(rows).splitlines()
    assert lines[0] == "| Cluster | Purpose/Setup | Maintainer | Master(s) | argo | rook | v4 proxy | last verified |"
    assert lines[2] == "| p7 | Dev HW | Nico | server47 server53 server54 | x | x | x | 2026-05-01 |"
    assert lines[3] == "| p6 | Dev VM | Amal | server1 |  | ? |  | never |"
    assert lines[4] == "| p9 | Test PI | - | ? | ? | ? |  | never |"  # never run: nothing known
    assert lines[5] == "| elsewhere |  |  | ? | ? | ? | ? | 2026-05-01 |"  # only in the ledger


def test_ledger_command_md_json_and_prometheus(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    reports = tmp_path / "reports"
    ledger.record(ledger.ledger_path(reports), run("p7", GOOD, facts=FACTS), reports / "p7" / "2026-05-01T100000Z")
    inventory = inventory_file(tmp_path)
    assert main(["ledger", "--report-dir", str(reports), "--inventory", str(inventory)]) == 0
    out = capsys.readouterr().out
    assert "| p7 | Dev HW | Nico | server47 server53 server54 | x | x | x | 2026-05-01 |" in out
    assert main(["ledger", "--report-dir", str(reports), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["cluster"] == "p7" and rows[0]["last_verdict"] == "conformant"
    assert rows[0]["report"] == str(reports / "p7" / "2026-05-01T100000Z" / "report.html")
    metrics = tmp_path / "textfile" / "ukic.prom"
    metrics.parent.mkdir()
    assert main(["ledger", "--report-dir", str(reports), "--prometheus", str(metrics)]) == 0
    assert 'ukic_scenarios{cluster="p7",outcome="passed"} 2.0' in metrics.read_text()


def test_a_cluster_name_of_undecodable_bytes_is_recorded_as_text(tmp_path: Path) -> None:
    """`--cluster` from bytes that are no UTF-8 holds lone surrogates: the ledger key and the metrics label
    get U+FFFD in their place (prometheus_client's encoder refused the name: 'internal error')."""
    reports = tmp_path / "reports"
    assert main(["verify", "--cluster", "c\udcff\ud800", "--report-dir", str(reports), "--color", "never"]) == 0
    assert list(json.loads(ledger.ledger_path(reports).read_text())["clusters"]) == ["c\ufffd\ufffd"]
    metrics = tmp_path / "ukic.prom"
    assert main(["ledger", "--report-dir", str(reports), "--prometheus", str(metrics)]) == 0
    assert 'cluster="c\ufffd\ufffd"' in metrics.read_text()


def test_ledger_command_without_runs_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ledger", "--report-dir", str(tmp_path)]) == 4
    assert "no runs recorded yet" in capsys.readouterr().err


# -- coverage and per-scenario history -----------------------------------------------------------
def test_api_only_run_shows_its_coverage_and_keeps_the_last_full_verification(tmp_path: Path) -> None:
    path = tmp_path / "ledger.json"
    ledger.record(path, run("place10", GOOD, T0), None)  # nodes and routers reached over SSH
    ledger.record(path, run("place10", API_ONLY, T0 + timedelta(days=1)), None)  # no hosts given
    entry = json.loads(path.read_text())["clusters"]["place10"]
    assert [h["checked"] for h in entry["history"]] == [["api", "nodes", "routers"], ["api"]]
    assert entry["last_verified"] == "2026-05-02" and entry["last_verified_checked"] == ["api"]
    assert entry["last_fully_verified"] == "2026-05-01"
    assert entry["last_fully_verified_at"] == "2026-05-01T10:00:00Z"
    rows = ledger.table_rows(ledger.load_ledger(path))
    assert ledger.render_markdown(rows).splitlines()[2].endswith("| 2026-05-02 (API only) |")
    assert rows[0]["last_fully_verified"] == "2026-05-01"
    ledger.record(path, run("place10", GOOD, T0 + timedelta(days=2)), None)
    rows = ledger.table_rows(ledger.load_ledger(path))
    assert ledger.render_markdown(rows).splitlines()[2].endswith("| 2026-05-03 |")
    assert rows[0]["last_fully_verified"] == "2026-05-03"


def test_a_failed_full_run_does_not_count_as_full_verification(tmp_path: Path) -> None:
    path = tmp_path / "ledger.json"
    ledger.record(path, run("p6", API_ONLY), None)
    ledger.record(path, run("p6", [Outcome.PASSED, Outcome.FAILED, Outcome.PASSED], T0 + timedelta(hours=1)), None)
    entry = json.loads(path.read_text())["clusters"]["p6"]
    assert entry["last_run"]["checked"] == ["api", "nodes", "routers"]
    assert entry["last_verified"] == "2026-05-01" and entry["last_verified_checked"] == ["api"]
    assert entry["last_fully_verified"] is None
    assert verified_by_coverage(entry) == {"any": T0.timestamp(), "full": 0.0}


@pytest.mark.parametrize(
    ("outcomes", "cell"),
    [
        ([Outcome.PASSED, Outcome.PASSED, Outcome.NOT_APPLICABLE], "2026-05-01 (API, nodes)"),  # no routers given
        ([Outcome.NOT_APPLICABLE, Outcome.NOT_APPLICABLE, Outcome.PASSED], "2026-05-01 (routers only)"),
        ([Outcome.NOT_APPLICABLE], "2026-05-01 (nothing evaluated)"),
    ],
)
def test_partial_coverage_names_what_was_checked(tmp_path: Path, outcomes: list[Outcome], cell: str) -> None:
    path = tmp_path / "ledger.json"
    ledger.record(path, run("p6", outcomes), None)
    assert ledger.render_markdown(ledger.table_rows(ledger.load_ledger(path))).splitlines()[2].endswith(f"| {cell} |")


def test_config_repository_runs_say_manifests_only(tmp_path: Path) -> None:
    path = tmp_path / "ledger.json"
    result = run("k8s-config", API_ONLY)
    result.source["kind"] = "manifests"
    ledger.record(path, result, None)
    assert "| 2026-05-01 (manifests only) |" in ledger.render_markdown(ledger.table_rows(ledger.load_ledger(path)))


def test_entries_recorded_before_coverage_was_kept_say_so(tmp_path: Path) -> None:
    path = tmp_path / "ledger.json"
    old_entry = {"time": "2026-04-01T10:00:00Z", "verdict": "conformant", "counts": {}, "exit_code": 0}
    old = {"last_run": old_entry, "last_verified": "2026-04-01", "last_verified_at": "2026-04-01T10:00:00Z"}
    path.write_text(json.dumps({"format": ledger.FORMAT, "clusters": {"p6": {**old, "history": [old_entry]}}}))
    assert "| 2026-04-01 (coverage not recorded) |" in ledger.render_markdown(
        ledger.table_rows(ledger.load_ledger(path))
    )
    ledger.record(path, run("p6", GOOD), None)  # an old ledger takes new runs
    assert json.loads(path.read_text())["clusters"]["p6"]["last_fully_verified"] == "2026-05-01"


def test_each_scenario_keeps_the_last_date_it_passed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    reports = tmp_path / "reports"
    path = ledger.ledger_path(reports)
    ledger.record(path, run("p7", [Outcome.PASSED, Outcome.PASSED, Outcome.WARNING]), None)
    ledger.record(path, run("p7", [Outcome.FAILED, Outcome.PASSED, Outcome.PASSED], T0 + timedelta(days=3)), None)
    ledger.record(path, run("p7", [Outcome.PASSED, Outcome.FAILED], T0 - timedelta(days=5)), None)  # recorded late
    assert main(["ledger", "--report-dir", str(reports), "--format", "json"]) == 0
    scenarios = json.loads(capsys.readouterr().out)[0]["scenarios"]
    assert scenarios == {
        "area.s0": {"last_passed": "2026-05-01", "last_outcome": "failed"},
        "area.s1": {"last_passed": "2026-05-04", "last_outcome": "passed"},
        "area.s2": {"last_passed": "2026-05-04", "last_outcome": "passed"},
    }


def test_merging_ledgers_keeps_every_run_once_and_the_right_dates(tmp_path: Path) -> None:
    fleet, mine, theirs = tmp_path / "fleet.json", tmp_path / "a.json", tmp_path / "b.json"
    ledger.record(mine, run("place10", GOOD, T0), None)
    ledger.record(theirs, run("place10", BAD, T0 + timedelta(days=1)), None)
    ledger.record(theirs, run("p7", GOOD, T0), None)
    for source in (mine, theirs, theirs):  # the second merge of the same ledger adds nothing
        assert ledger.merge_ledger(fleet, ledger.load_ledger(source))
    merged = ledger.load_ledger(fleet)["clusters"]
    assert [h["verdict"] for h in merged["place10"]["history"]] == ["conformant", "not conformant"]
    assert merged["place10"]["last_run"]["verdict"] == "not conformant"
    assert merged["place10"]["last_verified"] == "2026-05-01"  # the conforming run, a day before
    assert merged["p7"]["last_run"]["facts"] == {} and merged["p7"]["last_verified"] == "2026-05-01"
    assert merged["place10"]["scenarios"]["area.s1"]["last_outcome"] == "failed"
    assert merged["place10"]["scenarios"]["area.s1"]["last_passed"] == "2026-05-01"


def test_a_run_of_selected_scenarios_says_so_and_is_never_a_full_verification(tmp_path: Path) -> None:
    path = tmp_path / "ledger.json"
    subset = run("p6", GOOD)  # every family has a scenario in it, but only those -m chose ran
    subset.selected = "topology or nodes or routers"
    ledger.record(path, subset, None)
    entry = json.loads(path.read_text())["clusters"]["p6"]
    assert entry["last_run"]["selected"] == "topology or nodes or routers"
    assert entry["last_verified"] == "2026-05-01" and entry["last_fully_verified"] is None
    cell = ledger.render_markdown(ledger.table_rows(ledger.load_ledger(path))).splitlines()[2]
    assert cell.endswith("| 2026-05-01 (-m 'topology or nodes or routers' only) |")
