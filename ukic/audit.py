"""Audit every cluster of an inventory: one worker process per cluster, at most N at a time.

A cluster that cannot be read becomes a "could not verify" row and does not stop the others
(ukic.workers runs each in its own process). The parent records each finished cluster in the
ledger at once; on SIGINT/SIGTERM it stops the workers and returns, leaving finished entries
in place.
"""

from __future__ import annotations

import signal
from collections import deque
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

from ukic.errors import ExitCode, UkicError, UsageError
from ukic.inventory import Inventory
from ukic.outcome import worst_exit_code
from ukic.workers import ClusterOutcome, VerifyJob, WorkerPool

POLL_SECONDS = 0.1


Event = Callable[[str, str, ClusterOutcome | None], None]
"""on_event(cluster name, state, outcome): state is queued | verifying | done | stopped."""


class Interrupted(Exception):
    """SIGINT or SIGTERM arrived during the audit."""


class AuditRunner:
    """Runs VerifyJobs in worker processes, at most ``parallel`` at a time."""

    def __init__(self, jobs: list[VerifyJob], parallel: int, on_event: Event) -> None:
        self.jobs = jobs
        self.parallel = max(1, parallel)
        self.on_event = on_event
        self.signal_received: int | None = None
        self._pool = WorkerPool(job.source.kind for job in jobs)

    def run(self) -> list[ClusterOutcome]:
        """Every job's outcome in job order; raises Interrupted (workers stopped) on a signal."""
        outcomes: dict[str, ClusterOutcome] = {}
        queue = deque(self.jobs)
        for job in self.jobs:
            self.on_event(job.name, "queued", None)
        with self._signals_handled():
            try:
                while queue or self._pool.running:
                    self._check_signal()
                    while queue and len(self._pool.running) < self.parallel:
                        job = queue.popleft()
                        self._pool.start(job)
                        self.on_event(job.name, "verifying", None)
                    self._done(self._pool.collect(POLL_SECONDS), outcomes)
            except Interrupted:
                self._done(self._pool.harvest(), outcomes)
                for name in self._pool.stop():
                    self.on_event(name, "stopped", None)
                for job in queue:
                    self.on_event(job.name, "stopped", None)
                raise
        return [outcomes[job.name] for job in self.jobs]

    def _done(self, finished: list[ClusterOutcome], outcomes: dict[str, ClusterOutcome]) -> None:
        for outcome in finished:
            outcomes[outcome.name] = outcome
            self.on_event(outcome.name, "done", outcome)

    def _check_signal(self) -> None:
        if self.signal_received is not None:
            raise Interrupted(signal.Signals(self.signal_received).name)

    def _signals_handled(self) -> AbstractContextManager[None]:
        """Turn SIGINT/SIGTERM into a flag the loop checks between steps (never mid-ledger-write)."""
        from ukic import interrupts

        def note(signum: int) -> None:
            self.signal_received = signum

        return interrupts.handled(on_signal=note)


# -- the audit as a whole ---------------------------------------------------------------------
@dataclass
class AuditReport:
    """The audit's rows (inventory order; only finished clusters when interrupted) and notes."""

    outcomes: list[ClusterOutcome]
    interrupted: str | None = None  # the signal's name
    notes: list[str] = field(default_factory=list)
    ledger_errors: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return int(ExitCode.INTERRUPTED)
        codes = [o.exit_code for o in self.outcomes]
        if self.ledger_errors:
            codes.append(int(ExitCode.USAGE))
        return int(worst_exit_code(codes))


def run_audit(
    inventory: Inventory,
    report_dir: Path,
    *,
    parallel: int,
    waivers: Path | None = None,
    profiles_dir: Path | None = None,
    on_event: Event | None = None,
) -> AuditReport:
    """Verify every inventory cluster, record each finished one in the ledger at once."""
    from ukic.ledger import ledger_path, load_ledger

    ledger = ledger_path(report_dir)
    load_ledger(ledger)  # a damaged ledger stops the audit before any cluster runs
    check_versions(inventory, profiles_dir)
    notes: list[str] = []
    if waivers is not None:
        from ukic.waivers import load_waivers, waivers_for_unknown_clusters

        notes += waivers_for_unknown_clusters(load_waivers(waivers), inventory.names())
    jobs = [VerifyJob.of_cluster(c, Path(report_dir), waivers, profiles_dir) for c in inventory.clusters]
    report = AuditReport(outcomes=[], notes=notes)
    finished: dict[str, ClusterOutcome] = {}

    def handle(name: str, state: str, outcome: ClusterOutcome | None) -> None:
        if state == "done" and outcome is not None:
            finished[name] = outcome
            error = record_outcome(ledger, outcome)
            if error:
                report.ledger_errors.append(error)
        if on_event is not None:
            on_event(name, state, outcome)

    try:
        AuditRunner(jobs, parallel, handle).run()
    except Interrupted as stop:
        report.interrupted = str(stop)
    report.outcomes = [finished[n] for n in inventory.names() if n in finished]
    return report


def check_versions(inventory: Inventory, profiles_dir: Path | None) -> None:
    """Every declared version must be a known profile: a typo is the inventory's fault, not the cluster's."""
    from ukic.detect import known_versions

    known = known_versions(profiles_dir)
    for cluster in inventory.clusters:
        if cluster.version not in known:
            raise UsageError(
                f"{inventory.path}: cluster {cluster.name!r}: version: unknown infrastructure version "
                f"{cluster.version!r} (known: {', '.join(known)})"
            )


def record_outcome(ledger: Path, outcome: ClusterOutcome) -> str | None:
    """Add the outcome to the ledger; the one-line error when that is not possible."""
    from ukic.ledger import failure_entry, record, record_failure
    from ukic.result import RunResult

    try:
        if outcome.summary is not None:
            record(ledger, RunResult.from_dict(outcome.summary), outcome.report)
        else:
            entry = failure_entry(
                outcome.version, outcome.type, outcome.error or "", outcome.exit_code, verdict=outcome.verdict
            )
            record_failure(ledger, outcome.name, entry)
    except UkicError as err:
        return f"ledger not updated for {outcome.name}: {err.message}"
    except OSError as err:
        return f"ledger not updated for {outcome.name}: {ledger}: {err.strerror or err}"
    return None
