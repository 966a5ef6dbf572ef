"""Verify clusters in worker processes: one process per run, started from a forkserver.

Each run gets a fresh process (a fresh pytest run, its own source and connections), so a
cluster that cannot be read, a bug in one run, or a run abandoned on SIGTERM touches nothing
else. Workers are forked from a forkserver that has imported the harness once, so they start
quickly and share nothing with the parent's threads. `ukic audit` and `ukic serve` both run
their clusters through :class:`WorkerPool`.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ukic.errors import DEBUG_ENV, ExitCode, UkicError

if TYPE_CHECKING:
    from ukic.hosts.spec import HostsSpec
    from ukic.inventory import Cluster
    from ukic.sources.factory import SourceOptions
    from ukic.sources.live import WatchPoint

#: Modules the forkserver imports once, so every worker starts with them loaded.
PRELOAD = [
    "ukic.workers",
    "ukic.run",
    "ukic.run_result",
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
    "live": ["ukic.sources.live", "urllib3"],
    "manifests": ["ukic.sources.manifests"],
}
STOP_GRACE_SECONDS = 3.0
COULD_NOT_VERIFY = "could not verify"
#: An UNUSED cluster (the manual's table) that cannot be read is as declared, not a failure of the audit.
UNUSED_SILENT = "unused, does not answer"


@dataclass(frozen=True)
class VerifyJob:
    """One cluster to verify: its name, profile, source and hosts, and where reports go."""

    name: str
    version: str
    type: str
    source: SourceOptions
    report_dir: Path
    hosts: HostsSpec | None = None
    waivers: Path | None = None
    profiles_dir: Path | None = None
    marker: str | None = None
    inventory_entry: Cluster | None = None  # its inventory row: declared table columns are compared, UNUSED noted

    @classmethod
    def of_cluster(
        cls, cluster: Cluster, report_dir: Path, waivers: Path | None = None, profiles_dir: Path | None = None
    ) -> VerifyJob:
        """The job for an inventory cluster."""
        from ukic.inventory import hosts_spec, source_options

        return cls(
            name=cluster.name,
            version=cluster.version,
            type=cluster.type,
            source=source_options(cluster),
            report_dir=Path(report_dir),
            hosts=hosts_spec(cluster),
            waivers=waivers,
            profiles_dir=profiles_dir,
            inventory_entry=cluster,
        )


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
    watch_points: dict[str, WatchPoint] = field(default_factory=dict)  # live: what the run listed, and where


# -- the worker side --------------------------------------------------------------------------
def verify_cluster(job: VerifyJob) -> ClusterOutcome:
    """Verify one cluster and write its reports; never raises."""
    from ukic.run import VerifyRequest, verify
    from ukic.run_result import write_reports

    started = time.monotonic()
    source = None
    try:
        source = job.source.open()
        result = verify(
            VerifyRequest(
                source=source,
                version=job.version,
                cluster_type=job.type,
                cluster=job.name,
                marker=job.marker,
                hosts=job.hosts,
                waivers=job.waivers,
                profiles_dir=job.profiles_dir,
                inventory_entry=job.inventory_entry,
            )
        )
        report = write_reports(result, job.report_dir)
        return _outcome(
            job,
            started,
            exit_code=result.exit_code,
            verdict=result.verdict,
            counts=result.counts,
            report=str(report),
            notes=list(result.notes),
            summary=result.to_dict(),
            watch_points=_watch_points(source),
        )
    except UkicError as err:  # whatever stopped this cluster's run, it could not be verified
        if job.inventory_entry is not None and job.inventory_entry.unused:
            outcome = failed(job, err.message, ExitCode.CONFORMANT, started)
            outcome.verdict = UNUSED_SILENT
            return outcome
        return failed(job, err.message, ExitCode.UNVERIFIABLE, started)
    except Exception as exc:  # a bug in one cluster's run must not stop the others
        outcome = failed(job, f"internal error: {type(exc).__name__}: {exc}", ExitCode.UNVERIFIABLE, started)
        outcome.detail = traceback.format_exc() if os.environ.get(DEBUG_ENV) else None
        return outcome
    finally:
        if source is not None:
            source.close()


def _watch_points(source: Any) -> dict[str, WatchPoint]:
    points = getattr(source, "watch_points", None)
    return points() if callable(points) else {}


def failed(job: VerifyJob, message: str, exit_code: int, started: float) -> ClusterOutcome:
    """The outcome of a run that could not verify its cluster at all."""
    return _outcome(job, started, exit_code=int(exit_code), verdict=COULD_NOT_VERIFY, error=" ".join(message.split()))


def _outcome(job: VerifyJob, started: float, **what: Any) -> ClusterOutcome:
    """The job's outcome, timed from ``started`` (time.monotonic())."""
    return ClusterOutcome(
        name=job.name, version=job.version, type=job.type, duration=time.monotonic() - started, **what
    )


def _worker_main(job: VerifyJob, conn: Connection) -> None:
    """Entry point of a worker process: the parent alone decides about interrupts."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # unwind: half-written report folders go
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # pytest and libraries must not draw over the parent's output
    os.dup2(devnull, 2)
    try:
        conn.send(redacted(verify_cluster(job)))
    finally:
        conn.close()


def redacted(outcome: ClusterOutcome) -> ClusterOutcome:
    """The outcome with every string redacted: only this worker knows the cluster's credentials."""
    from dataclasses import fields

    from ukic.redact import redact_data

    return ClusterOutcome(**{f.name: redact_data(getattr(outcome, f.name)) for f in fields(outcome)})


# -- the parent side --------------------------------------------------------------------------
class _Running(NamedTuple):
    """A job in its worker process, and when it was started (time.monotonic())."""

    job: VerifyJob
    process: Any
    conn: Connection
    started: float


class WorkerPool:
    """Runs VerifyJobs in worker processes, one process per job, keyed by the job's name."""

    def __init__(self, source_kinds: Iterable[str]) -> None:
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(preload_modules(source_kinds))
        self._running: dict[str, _Running] = {}
        _start_forkserver()

    @property
    def running(self) -> list[str]:
        return list(self._running)

    def start(self, job: VerifyJob) -> None:
        if job.name in self._running:
            raise ValueError(f"{job.name} is already being verified")
        receive, send = self._context.Pipe(duplex=False)
        process = self._context.Process(
            target=_worker_main, args=(job, send), name=f"ukic-verify-{job.name}", daemon=True
        )
        process.start()
        send.close()
        self._running[job.name] = _Running(job, process, receive, time.monotonic())

    def collect(self, timeout: float) -> list[ClusterOutcome]:
        """Outcomes of the jobs that finish within ``timeout`` seconds (none when nothing runs)."""
        if not self._running:
            time.sleep(max(0.0, timeout))
            return []
        waitables = [w for r in self._running.values() for w in (r.conn, r.process.sentinel)]
        ready = set(wait(waitables, timeout=max(0.0, timeout)))
        finished = []
        for name, (job, process, conn, started) in list(self._running.items()):
            if conn not in ready and process.sentinel not in ready:
                continue
            outcome = _receive(conn)
            if outcome is None:
                process.join(timeout=1.0)
                if process.exitcode is None:
                    continue  # pipe closed early but the worker still runs: look again later
                outcome = failed(
                    job,
                    f"worker process ended without a result (exit code {process.exitcode})",
                    ExitCode.UNVERIFIABLE,
                    started,
                )
            process.join()
            conn.close()
            del self._running[name]
            finished.append(outcome)
        return finished

    def harvest(self) -> list[ClusterOutcome]:
        """The results workers already delivered: a cluster that finished counts as finished."""
        finished = []
        for name, (_, process, conn, _) in list(self._running.items()):
            outcome = _receive(conn)
            if outcome is None:
                continue
            process.join(timeout=1.0)
            conn.close()
            del self._running[name]
            finished.append(outcome)
        return finished

    def stop(self, grace: float = STOP_GRACE_SECONDS) -> list[str]:
        """Abandon every running job (SIGTERM, then SIGKILL after ``grace``); returns their names."""
        for running in self._running.values():
            if running.process.is_alive():
                running.process.terminate()
        deadline = time.monotonic() + grace
        stopped = []
        for name, (_, process, conn, _) in self._running.items():
            process.join(timeout=max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()
            conn.close()
            stopped.append(name)
        self._running.clear()
        return stopped


def preload_modules(source_kinds: Iterable[str]) -> list[str]:
    """What the forkserver imports before forking workers: the harness, the pytest plugins every
    run loads (entry points), and what the source kinds need. A name that fails to import is
    skipped by multiprocessing, so the list may name optional parts."""
    from importlib.metadata import entry_points

    plugins = [ep.module for ep in entry_points(group="pytest11")]
    extra = [name for kind in sorted(set(source_kinds)) for name in PRELOAD_FOR_SOURCE.get(kind, [])]
    return list(dict.fromkeys([*PRELOAD, *plugins, *extra]))


def _receive(conn: Connection) -> ClusterOutcome | None:
    try:
        return conn.recv() if conn.poll() else None
    except (EOFError, OSError):
        return None


def _start_forkserver() -> None:
    """Start the forkserver with PYTHONSAFEPATH set: it runs as ``python -c``, which would otherwise put the
    current folder first on its path, so that from inside a checkout it preloaded the checkout's ukic, steps
    and fixtures instead of the installed ones (and every run then lacked its step definitions)."""
    from multiprocessing import forkserver

    before = os.environ.get("PYTHONSAFEPATH")
    os.environ["PYTHONSAFEPATH"] = "1"
    try:
        forkserver.ensure_running()
    finally:
        if before is None:
            os.environ.pop("PYTHONSAFEPATH", None)
        else:
            os.environ["PYTHONSAFEPATH"] = before
