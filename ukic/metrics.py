"""Prometheus metrics of verification runs, through prometheus_client.

One set of metrics, two readers: `ukic serve` exposes them on /metrics from the runs it did
itself, `ukic ledger --prometheus` writes them as a node-exporter textfile from the ledger.
Both build a :class:`ClusterStatus` per cluster from a ledger run entry (ukic.ledger makes
those for finished and for failed runs alike) and the run's summary.json, so a run that could
not reach its cluster reads "could not verify" everywhere, never an older "conformant".
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric

from ukic.outcome import OUTCOME_ORDER, Outcome
from ukic.redact import printable, redact
from ukic.timestamps import parse_rfc3339

VERDICTS = ("conformant", "not conformant", "could not verify")
SUMMARY_FILE = "summary.json"


@dataclass(frozen=True)
class ClusterStatus:
    """What the metrics say about one cluster: its last run and its last verifications."""

    cluster: str
    version: str
    type: str
    verdict: str  # one of VERDICTS
    finished_at: float | None  # Unix time of the last run's end
    duration: float | None  # seconds the last run took
    counts: Mapping[str, int] | None = None  # scenarios by outcome; None: the run read nothing
    scenarios: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # id -> (outcome, remedy)
    verified: Mapping[str, float] = field(default_factory=dict)  # coverage -> Unix time of the last such run


def status_of(
    cluster: str,
    run: Mapping[str, Any],
    summary: Mapping[str, Any] | None,
    verified: Mapping[str, float],
) -> ClusterStatus:
    """A cluster's status from its last ledger run entry, that run's summary.json (None: not
    available) and its last verification times by coverage (see :func:`verified_by_coverage`)."""
    scenarios = {
        _label(scenario.get("id")): (str(scenario.get("outcome")), _label(scenario.get("remedy") or ""))
        for scenario in (summary or {}).get("scenarios") or []
    }
    duration = (summary or {}).get("duration", run.get("duration"))
    return ClusterStatus(
        cluster=cluster,
        version=str(run.get("version") or ""),
        type=str(run.get("type") or ""),
        verdict=str(run.get("verdict") or "could not verify"),
        finished_at=_epoch(run.get("time")),
        duration=float(duration) if isinstance(duration, int | float) else None,
        counts=run.get("counts"),
        scenarios=scenarios,
        verified=dict(verified),
    )


def verified_by_coverage(entry: Mapping[str, Any]) -> dict[str, float]:
    """A ledger cluster entry's last verification times as Unix times (0: never), by coverage:
    ``full`` the last conformant run that checked the API, the nodes and the routers (ukic.coverage),
    ``any`` the last conformant run whatever it covered (the manual table's date, "(API only)" or not)."""
    return {
        "any": _epoch(entry.get("last_verified_at")) or 0.0,
        "full": _epoch(entry.get("last_fully_verified_at")) or 0.0,
    }


def statuses_from_ledger(ledger: Mapping[str, Any], ledger_dir: Path) -> list[ClusterStatus]:
    """Every cluster of the ledger with a last run, reading each run's summary.json where it still exists."""
    statuses = []
    clusters = ledger.get("clusters") or {}
    for name in sorted(clusters):
        entry = clusters[name] or {}
        run = entry.get("last_run")
        if not run:
            continue
        summary = read_summary(ledger_dir / run["report"]) if run.get("report") else None
        statuses.append(status_of(name, run, summary, verified_by_coverage(entry)))
    return statuses


def read_summary(report_folder: Path) -> dict[str, Any] | None:
    """A run folder's summary.json, or None when it is gone or unreadable."""
    try:
        data = json.loads((report_folder / SUMMARY_FILE).read_bytes())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


class StatusCollector:
    """A prometheus_client collector over whatever ``statuses`` returns at scrape time."""

    def __init__(self, statuses: Callable[[], Iterable[ClusterStatus]]) -> None:
        self._statuses = statuses

    def collect(self) -> Iterator[Metric]:
        return iter(families(list(self._statuses())))


def families(statuses: list[ClusterStatus]) -> list[Metric]:
    """The metric families of these clusters."""
    conformant = GaugeMetricFamily(
        "ukic_cluster_conformant",
        "1 when the cluster's last run found it conformant, else 0 (not conformant or could not verify).",
        labels=["cluster", "version", "type"],
    )
    verdict = GaugeMetricFamily(
        "ukic_cluster_verdict",
        "The verdict of the cluster's last run (1 for the current one).",
        labels=["cluster", "verdict"],
    )
    scenarios = GaugeMetricFamily(
        "ukic_scenarios", "Scenarios of the cluster's last run, by outcome.", labels=["cluster", "outcome"]
    )
    failing = GaugeMetricFamily(
        "ukic_scenario_failing",
        "1 when the scenario failed in the cluster's last run, else 0; remedy: the manual's fix.",
        labels=["cluster", "id", "remedy"],
    )
    unverifiable = GaugeMetricFamily(
        "ukic_scenario_unverifiable",
        "1 when the scenario could not be evaluated in the cluster's last run, else 0; remedy: how to make "
        "its facts readable.",
        labels=["cluster", "id", "remedy"],
    )
    verified = GaugeMetricFamily(
        "ukic_last_verified_timestamp_seconds",
        "Unix time of the last run that found the cluster conformant (0: never); coverage: full (API, nodes "
        "and routers checked) or any.",
        labels=["cluster", "coverage"],
    )
    last_run = GaugeMetricFamily(
        "ukic_last_run_timestamp_seconds", "Unix time the cluster's last run finished.", labels=["cluster"]
    )
    duration = GaugeMetricFamily(
        "ukic_run_duration_seconds", "Seconds the cluster's last run took.", labels=["cluster"]
    )
    for status in statuses:
        name = status.cluster
        conformant.add_metric([name, status.version, status.type], 1.0 if status.verdict == "conformant" else 0.0)
        for value in VERDICTS:
            verdict.add_metric([name, value], 1.0 if status.verdict == value else 0.0)
        if status.counts is not None:
            for outcome in OUTCOME_ORDER:
                scenarios.add_metric([name, outcome.value], float(status.counts.get(outcome.value, 0)))
        for scenario_id, (outcome, remedy) in sorted(status.scenarios.items()):
            for family, value in ((failing, Outcome.FAILED.value), (unverifiable, Outcome.UNVERIFIABLE.value)):
                hit = outcome == value
                family.add_metric([name, scenario_id, remedy if hit else ""], 1.0 if hit else 0.0)
        for coverage, when in sorted(status.verified.items()):
            verified.add_metric([name, coverage], when)
        if status.finished_at is not None:
            last_run.add_metric([name], status.finished_at)
        if status.duration is not None:
            duration.add_metric([name], status.duration)
    return [conformant, verdict, scenarios, failing, unverifiable, verified, last_run, duration]


def render_text(statuses: Iterable[ClusterStatus]) -> str:
    """The Prometheus text exposition of these clusters (a node-exporter textfile)."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(StatusCollector(lambda: statuses))
    return generate_latest(registry).decode()


def _label(value: object) -> str:
    """A label value as one redacted line without control characters (alert texts carry it on)."""
    return printable(redact(str(value)), one_line=True)


def _epoch(stamp: object) -> float | None:
    parsed = parse_rfc3339(stamp)
    return None if parsed is None else parsed.timestamp()
