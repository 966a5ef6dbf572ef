"""Metrics of runs (prometheus_client): the same families from the ledger textfile and from `ukic serve`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from tests.runs import make_run
from ukic import ledger
from ukic.metrics import render_text, status_of, statuses_from_ledger, verified_by_coverage
from ukic.outcome import Outcome
from ukic.report.writer import write_report_dir

T0 = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)
STAMP = "%Y-%m-%dT%H:%M:%SZ"


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of an exposition, keyed by (name, sorted labels), parsed by prometheus_client."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value(found: dict, name: str, **labels: str) -> float:
    return found[(name, tuple(sorted(labels.items())))]


def recorded(tmp_path: Path, cluster: str, outcomes: dict[str, Outcome], when: datetime) -> Path:
    """Write the run's reports and record it in the ledger under tmp_path/reports."""
    result = make_run(
        cluster, outcomes, started=(when - timedelta(seconds=3)).strftime(STAMP), finished=when.strftime(STAMP)
    )
    reports = tmp_path / "reports"
    folder = write_report_dir(result, reports)
    ledger.record(ledger.ledger_path(reports), result, folder)
    return reports


def test_textfile_from_the_ledger_has_every_family_with_honest_values(tmp_path: Path) -> None:
    recorded(tmp_path, "p7", {"ok": Outcome.PASSED, "skip": Outcome.NOT_APPLICABLE}, T0)
    reports = recorded(tmp_path, 'we"ird', {"ok": Outcome.PASSED, "peer": Outcome.FAILED}, T0 + timedelta(hours=1))
    ledger.record_failure(
        ledger.ledger_path(reports), "gone", ledger.failure_entry("v4", "development", "cannot connect", 2)
    )
    data = ledger.load_ledger(ledger.ledger_path(reports))
    found = samples(render_text(statuses_from_ledger(data, reports)))

    assert value(found, "ukic_cluster_conformant", cluster="p7", version="v5", type="production") == 1
    assert value(found, "ukic_cluster_conformant", cluster='we"ird', version="v5", type="production") == 0
    assert value(found, "ukic_cluster_conformant", cluster="gone", version="v4", type="development") == 0
    assert value(found, "ukic_cluster_verdict", cluster="gone", verdict="could not verify") == 1
    assert value(found, "ukic_cluster_verdict", cluster="gone", verdict="conformant") == 0
    assert value(found, "ukic_cluster_verdict", cluster='we"ird', verdict="not conformant") == 1
    assert value(found, "ukic_scenarios", cluster='we"ird', outcome="failed") == 1
    assert value(found, "ukic_scenarios", cluster="p7", outcome="not applicable") == 1
    assert not [k for k in found if k[0] == "ukic_scenarios" and ("cluster", "gone") in k[1]]  # nothing was read
    assert value(found, "ukic_scenario_failing", cluster='we"ird', id="area.peer", remedy="") == 1
    assert value(found, "ukic_scenario_failing", cluster='we"ird', id="area.ok", remedy="") == 0
    assert value(found, "ukic_last_run_timestamp_seconds", cluster="p7") == T0.timestamp()
    assert value(found, "ukic_run_duration_seconds", cluster="p7") == 1.0
    verified = {k: v for k, v in found.items() if k[0] == "ukic_last_verified_timestamp_seconds"}
    assert {tuple(dict(k[1]).values()): v for k, v in verified.items()} == {
        ("p7", "any"): T0.timestamp(),
        ("p7", "full"): 0,  # make_run's scenarios carry no host tags: an API-only run
        ('we"ird', "any"): 0,
        ('we"ird', "full"): 0,
        ("gone", "any"): 0,
        ("gone", "full"): 0,
    }


def test_a_failed_run_after_a_conforming_one_is_never_shown_conformant(tmp_path: Path) -> None:
    reports = recorded(tmp_path, "p7", {"ok": Outcome.PASSED}, T0)
    path = ledger.ledger_path(reports)
    ledger.record_failure(
        path, "p7", ledger.failure_entry("v5", "production", "timed out", 2, when=T0 + timedelta(hours=1))
    )
    found = samples(render_text(statuses_from_ledger(ledger.load_ledger(path), reports)))
    assert value(found, "ukic_cluster_conformant", cluster="p7", version="v5", type="production") == 0
    assert value(found, "ukic_cluster_verdict", cluster="p7", verdict="could not verify") == 1
    assert value(found, "ukic_last_run_timestamp_seconds", cluster="p7") == (T0 + timedelta(hours=1)).timestamp()
    assert not [k for k in found if k[0] == "ukic_scenario_failing"]  # the last run read no scenario
    assert verified_by_coverage(ledger.load_ledger(path)["clusters"]["p7"])["any"] == T0.timestamp()


def test_a_failing_scenario_carries_its_remedy(tmp_path: Path) -> None:
    summary = {"duration": 2.5, "scenarios": [{"id": "bgp.peer", "outcome": "failed", "remedy": "calicoctl apply"}]}
    run = {"time": T0.strftime(STAMP), "version": "v5", "type": "production", "verdict": "not conformant"}
    found = samples(render_text([status_of("p7", run, summary, {})]))
    assert value(found, "ukic_scenario_failing", cluster="p7", id="bgp.peer", remedy="calicoctl apply") == 1
    assert value(found, "ukic_run_duration_seconds", cluster="p7") == 2.5


def test_an_unverifiable_scenario_carries_its_id_and_remedy(tmp_path: Path) -> None:
    summary = {
        "scenarios": [
            {"id": "bgp.peer", "outcome": "unverifiable", "remedy": "kubectl get bgppeers -A -o yaml"},
            {"id": "bgp.mesh", "outcome": "failed", "remedy": "calicoctl apply"},
        ]
    }
    run = {"time": T0.strftime(STAMP), "version": "v5", "type": "production", "verdict": "not conformant"}
    found = samples(render_text([status_of("p7", run, summary, {})]))
    remedy = "kubectl get bgppeers -A -o yaml"
    assert value(found, "ukic_scenario_unverifiable", cluster="p7", id="bgp.peer", remedy=remedy) == 1
    assert value(found, "ukic_scenario_unverifiable", cluster="p7", id="bgp.mesh", remedy="") == 0
    assert value(found, "ukic_scenario_failing", cluster="p7", id="bgp.peer", remedy="") == 0
    assert value(found, "ukic_scenario_failing", cluster="p7", id="bgp.mesh", remedy="calicoctl apply") == 1


def test_label_texts_are_one_clean_line() -> None:
    summary = {"scenarios": [{"id": "x.y", "outcome": "failed", "remedy": "kubectl uncordon\x1b[31m a\nb"}]}
    run = {"time": T0.strftime(STAMP), "version": "v5", "type": "production", "verdict": "not conformant"}
    found = samples(render_text([status_of("p7", run, summary, {})]))
    assert value(found, "ukic_scenario_failing", cluster="p7", id="x.y", remedy="kubectl uncordon\\x1b[31m a b") == 1
