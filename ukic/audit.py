"""Audit every cluster of an inventory: one worker process per cluster, at most N at a time.

Each cluster is verified in its own process (a fresh pytest run, its own source and
connections); a cluster that cannot be read becomes a "could not verify" row and does not
stop the others. Workers are forked from a forkserver that has imported the harness once,
so they start quickly and share nothing with the parent's threads. The parent records each
finished cluster in the ledger at once; on SIGINT/SIGTERM it stops the workers and returns,
leaving finished entries in place.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from ukic.errors import DEBUG_ENV, ExitCode, UkicError, UsageError
from ukic.inventory import Cluster, Inventory
from ukic.outcome import worst_exit_code

#: Modules the forkserver imports once, so every worker starts with them loaded.
PRELOAD = [
    "ukic.audit",
    "ukic.run",
    "ukic.state",
    "ukic.profiles",
    "ukic.pytest_plugin",
    "ukic.report.writer",
    "ukic.sources.factory",
    "ukic.sources.snapshot",
    "pytest",
    "pytest_bdd",
]
#: Extra modules by source kind.
PRELOAD_FOR_SOURCE = {
    "kubeconfig": ["ukic.sources.live", "urllib3"],
    "manifests": ["ukic.sources.manifests"],
}
POLL_SECONDS = 0.1
STOP_GRACE_SECONDS = 3.0
COULD_NOT_VERIFY = "could not verify"
#: An UNUSED cluster (the manual's table) that cannot be read is as declared, not a failure of the audit.
UNUSED_SILENT = "unused, does not answer"


@dataclass(frozen=True)
class AuditJob:
    """One cluster to verify, with the audit-wide options."""

    cluster: Cluster
    report_dir: Path
    waivers: Path | None = None
    profiles_dir: Path | None = None


@dataclass
class ClusterOutcome:
    """What a worker hands back: the run (as summary dict) or the one-line reason there is none."""

    name: str
    version: str
    type: str
    exit_code: int
    verdict: str
    counts: dict[str, int] | None = None
    report: str | None = None
    error: str | None = None
    notes: list[str] = field(default_factory=list)
    duration: float = 0.0
    summary: dict[str, Any] | None = None
    detail: str | None = None  # traceback of an internal error (a bug, not bad input), with UKIC_DEBUG set


# -- the worker side --------------------------------------------------------------------------
def verify_cluster(job: AuditJob) -> ClusterOutcome:
    """Verify one inventory cluster and write its reports; never raises."""
    from ukic.inventory import hosts_spec, open_cluster_source
    from ukic.run import VerifyRequest, verify
    from ukic.run_result import write_reports

    cluster = job.cluster
    started = time.monotonic()
    source = None
    try:
        hosts = hosts_spec(cluster)
        source = open_cluster_source(cluster)
        result = verify(
            VerifyRequest(
                source=source,
                version=cluster.version,
                cluster_type=cluster.type,
                cluster=cluster.name,
                hosts=hosts,
                waivers=job.waivers,
                profiles_dir=job.profiles_dir,
                inventory_entry=cluster,
            )
        )
        report = write_reports(result, job.report_dir)
        return ClusterOutcome(
            name=cluster.name,
            version=cluster.version,
            type=cluster.type,
            exit_code=result.exit_code,
            verdict=result.verdict,
            counts=result.counts,
            report=str(report),
            notes=list(result.notes),
            duration=time.monotonic() - started,
            summary=result.to_dict(),
        )
    except UkicError as err:  # whatever stopped this cluster's run, the audit could not verify it
        if cluster.unused:
            outcome = _failed(job, err.message, ExitCode.CONFORMANT, started)
            outcome.verdict = UNUSED_SILENT
            return outcome
        return _failed(job, err.message, ExitCode.UNVERIFIABLE, started)
    except Exception as exc:  # a bug in one cluster's run must not stop the audit
        outcome = _failed(job, f"internal error: {type(exc).__name__}: {exc}", ExitCode.UNVERIFIABLE, started)
        outcome.detail = traceback.format_exc() if os.environ.get(DEBUG_ENV) else None
        return outcome
    finally:
        if source is not None:
            source.close()


def _failed(job: AuditJob, message: str, exit_code: int, started: float) -> ClusterOutcome:
    return ClusterOutcome(
        name=job.cluster.name,
        version=job.cluster.version,
        type=job.cluster.type,
        exit_code=int(exit_code),
        verdict=COULD_NOT_VERIFY,
        error=" ".join(message.split()),
        duration=time.monotonic() - started,
    )


def _worker_main(job: AuditJob, conn: Connection) -> None:
    """Entry point of a worker process: the parent alone decides about interrupts."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # pytest and libraries must not draw over the parent's progress display
    os.dup2(devnull, 2)
    try:
        conn.send(redacted(verify_cluster(job)))
    finally:
        conn.close()


def redacted(outcome: ClusterOutcome) -> ClusterOutcome:
    """The outcome with every string redacted: only this worker knows the cluster's credentials."""
    from dataclasses import asdict

    from ukic.redact import redact_data

    return ClusterOutcome(**redact_data(asdict(outcome)))


# -- the parent side --------------------------------------------------------------------------
Event = Callable[[str, str, ClusterOutcome | None], None]
"""on_event(cluster name, state, outcome): state is queued | verifying | done | stopped."""


class Interrupted(Exception):
    """SIGINT or SIGTERM arrived during the audit."""


class AuditRunner:
    """Runs AuditJobs in worker processes, at most ``parallel`` at a time."""

    def __init__(self, jobs: list[AuditJob], parallel: int, on_event: Event) -> None:
        self.jobs = jobs
        self.parallel = max(1, parallel)
        self.on_event = on_event
        self.signal_received: int | None = None
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(preload_modules(jobs))

    def run(self) -> list[ClusterOutcome]:
        """Every job's outcome in job order; raises Interrupted (workers stopped) on a signal."""
        outcomes: dict[str, ClusterOutcome] = {}
        queue = deque(self.jobs)
        running: dict[str, tuple[AuditJob, Any, Connection]] = {}
        for job in self.jobs:
            self.on_event(job.cluster.name, "queued", None)
        with self._signals_handled():
            try:
                while queue or running:
                    self._check_signal()
                    while queue and len(running) < self.parallel:
                        job = queue.popleft()
                        running[job.cluster.name] = self._start(job)
                        self.on_event(job.cluster.name, "verifying", None)
                    self._collect(running, outcomes)
            except Interrupted:
                self._harvest(running, outcomes)
                self._stop(running)
                for job in queue:
                    self.on_event(job.cluster.name, "stopped", None)
                raise
        return [outcomes[job.cluster.name] for job in self.jobs]

    def _start(self, job: AuditJob) -> tuple[AuditJob, Any, Connection]:
        receive, send = self._context.Pipe(duplex=False)
        process = self._context.Process(
            target=_worker_main, args=(job, send), name=f"ukic-audit-{job.cluster.name}", daemon=True
        )
        process.start()
        send.close()
        return job, process, receive

    def _collect(self, running: dict[str, tuple[AuditJob, Any, Connection]], outcomes: dict) -> None:
        waitables = [w for _, process, conn in running.values() for w in (conn, process.sentinel)]
        ready = set(wait(waitables, timeout=POLL_SECONDS))
        for name, (job, process, conn) in list(running.items()):
            if conn not in ready and process.sentinel not in ready:
                continue
            outcome = _receive(conn)
            if outcome is None:
                process.join(timeout=1.0)
                if process.exitcode is None:
                    continue  # pipe closed early but the worker still runs: look again later
                outcome = _failed(
                    job, f"worker process ended without a result (exit code {process.exitcode})", 2, time.monotonic()
                )
            process.join()
            conn.close()
            del running[name]
            outcomes[name] = outcome
            self.on_event(name, "done", outcome)

    def _harvest(self, running: dict[str, tuple[AuditJob, Any, Connection]], outcomes: dict) -> None:
        """Keep the results workers already delivered: a cluster that finished counts as finished."""
        for name, (_, process, conn) in list(running.items()):
            outcome = _receive(conn)
            if outcome is None:
                continue
            process.join(timeout=1.0)
            conn.close()
            del running[name]
            outcomes[name] = outcome
            self.on_event(name, "done", outcome)

    def _stop(self, running: dict[str, tuple[AuditJob, Any, Connection]]) -> None:
        for _, process, _ in running.values():
            if process.is_alive():
                process.terminate()
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for name, (_, process, conn) in running.items():
            process.join(timeout=max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()
            conn.close()
            self.on_event(name, "stopped", None)
        running.clear()

    def _check_signal(self) -> None:
        if self.signal_received is not None:
            raise Interrupted(signal.Signals(self.signal_received).name)

    @contextmanager
    def _signals_handled(self) -> Iterator[None]:
        """Turn SIGINT/SIGTERM into a flag the loop checks between steps (never mid-ledger-write)."""

        def note(signum: int, _frame: Any) -> None:
            self.signal_received = signum

        if threading.current_thread() is not threading.main_thread():
            yield  # signals are delivered to the main thread only; its owner handles them
            return
        previous = {sig: signal.signal(sig, note) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def preload_modules(jobs: list[AuditJob]) -> list[str]:
    """What the forkserver imports before forking workers: the harness, the pytest plugins every
    run loads (entry points), and what the inventory's source kinds need. A name that fails to
    import is skipped by multiprocessing, so the list may name optional parts."""
    from importlib.metadata import entry_points

    plugins = [ep.module for ep in entry_points(group="pytest11")]
    kinds = {job.cluster.source.kind for job in jobs}
    extra = [name for kind in sorted(kinds) for name in PRELOAD_FOR_SOURCE.get(kind, [])]
    return list(dict.fromkeys([*PRELOAD, *plugins, *extra]))


def _receive(conn: Connection) -> ClusterOutcome | None:
    try:
        return conn.recv() if conn.poll() else None
    except (EOFError, OSError):
        return None


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
    jobs = [AuditJob(c, Path(report_dir), waivers, profiles_dir) for c in inventory.clusters]
    report = AuditReport(outcomes=[], notes=notes)
    finished: dict[str, ClusterOutcome] = {}

    def handle(name: str, state: str, outcome: ClusterOutcome | None) -> None:
        if state == "done" and outcome is not None:
            finished[name] = outcome
            error = _record(ledger, outcome)
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


def _record(ledger: Path, outcome: ClusterOutcome) -> str | None:
    """Add the outcome to the ledger; the one-line error when that is not possible."""
    from ukic.ledger import record, record_failure
    from ukic.result import RunResult

    try:
        if outcome.summary is not None:
            record(ledger, RunResult.from_dict(outcome.summary), outcome.report)
        else:
            record_failure(
                ledger,
                outcome.name,
                outcome.version,
                outcome.type,
                outcome.error or "",
                outcome.exit_code,
                verdict=outcome.verdict,
            )
    except UkicError as err:
        return f"ledger not updated for {outcome.name}: {err.message}"
    except OSError as err:
        return f"ledger not updated for {outcome.name}: {ledger}: {err.strerror or err}"
    return None
