"""The `ukic serve` loop: start due runs in worker processes, record what they find, stop on SIGTERM.

Runs happen in worker processes (ukic.workers), so the loop stays responsive and a run can
be abandoned: on SIGTERM or SIGINT the loop stops taking new runs, terminates any running
worker (its half-written report folder is removed) and returns 0 within
:data:`STOP_SECONDS`. Every finished run is recorded in the ledger under ``--report-dir``
and becomes the cluster's status on /metrics; a run that could not reach its cluster
becomes "could not verify".
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ukic.audit import record_outcome
from ukic.errors import ExitCode, UkicError
from ukic.metrics import ClusterStatus, status_of, verified_by_coverage
from ukic.serve.board import Board
from ukic.serve.schedule import Schedule
from ukic.serve.watchers import ClusterWatchers
from ukic.serve.web import start_web
from ukic.workers import ClusterOutcome, VerifyJob, WorkerPool

STOP_SECONDS = 5.0  # SIGTERM to exit, at most (Kubernetes then still has its grace period left)
WORKER_GRACE = 2.5  # of which a running worker gets this long to unwind
TICK = 0.5  # longest the loop sleeps before looking at signals and the schedule again


@dataclass(frozen=True)
class ServeConfig:
    """What `ukic serve` was asked to do."""

    jobs: tuple[VerifyJob, ...]
    report_dir: Path
    interval: float
    listen: str
    watch: bool = False
    parallel: int = 4
    inventory: Any = None


def serve(config: ServeConfig, say: Callable[[str], None] | None = None) -> int:
    """Serve until SIGTERM or SIGINT; returns the exit code (0 after a clean stop)."""
    speak = say or _say
    board = Board([job.name for job in config.jobs], config.report_dir, config.inventory)
    web = start_web(board, config.listen)
    speak(f"listening on {web.url} (metrics at /metrics); reports and ledger in {config.report_dir}")
    loop = _Loop(config, board, speak)
    try:
        with _stop_on_signals() as stopped:
            loop.run(stopped)
    finally:
        loop.close()
        web.shutdown()
        web.server_close()
    return int(ExitCode.CONFORMANT)


class _Loop:
    def __init__(self, config: ServeConfig, board: Board, say: Callable[[str], None]) -> None:
        self.config = config
        self.board = board
        self.say = say
        self.jobs = {job.name: job for job in config.jobs}
        self.schedule = Schedule(self.jobs, config.interval, time.monotonic())
        self.changes: list[tuple[str, str]] = []
        self.changes_lock = threading.Lock()
        self.watchers: dict[str, ClusterWatchers] = {}
        self.pool = WorkerPool(job.source.kind for job in config.jobs)

    def run(self, stopped: threading.Event) -> None:
        while not stopped.is_set():
            now = time.monotonic()
            self._take_changes(now)
            busy = self.pool.running
            for name in self.schedule.due(now, busy)[: max(0, self.config.parallel - len(busy))]:
                self.schedule.started(name, now)
                self.pool.start(self.jobs[name])
            next_due = self.schedule.next_due(self.pool.running)
            wait = TICK if next_due is None else min(TICK, max(0.0, next_due - time.monotonic()))
            for outcome in self.pool.collect(wait):
                self._finished(outcome)
        abandoned = self.pool.stop(grace=WORKER_GRACE)
        if abandoned:
            self.say(f"stopping: abandoned the run of {', '.join(abandoned)}")

    def close(self) -> None:
        for watchers in self.watchers.values():
            watchers.close()

    def _finished(self, outcome: ClusterOutcome) -> None:
        ledger_error = record_outcome(self._ledger(), outcome)
        self.board.update(self._status(outcome))
        self.say(_describe(outcome))
        if ledger_error:
            self.say(ledger_error)
        if self.config.watch and outcome.watch_points:
            self._watch(outcome)

    def _ledger(self) -> Path:
        from ukic.ledger import ledger_path

        return ledger_path(self.config.report_dir)

    def _status(self, outcome: ClusterOutcome) -> ClusterStatus:
        """The cluster's status from this run; its verification times from the ledger just written."""
        from ukic.ledger import failure_entry, load_ledger, run_entry
        from ukic.result import RunResult

        if outcome.summary is not None:
            run = run_entry(RunResult.from_dict(outcome.summary), outcome.report, self.config.report_dir)
        else:
            run = failure_entry(
                outcome.version, outcome.type, outcome.error or "", outcome.exit_code, verdict=outcome.verdict
            )
        run["duration"] = outcome.duration
        previous = self.board.status(outcome.name)
        verified = dict(previous.verified) if previous else {}
        try:
            entry = load_ledger(self._ledger())["clusters"].get(outcome.name)
        except UkicError:
            entry = None
        if entry:
            verified = verified_by_coverage(entry)
        return status_of(outcome.name, run, outcome.summary, verified)

    def _watch(self, outcome: ClusterOutcome) -> None:
        name = outcome.name
        watchers = self.watchers.get(name)
        if watchers is None:
            try:
                client = _client_for(self.jobs[name])
            except UkicError as err:  # the kubeconfig changed since the run: not worth ending serve for
                self.say(f"{name}: cannot watch: {err.message}; changes are seen at the next interval only")
                return
            watchers = ClusterWatchers(
                client, changed=lambda what: self._changed(name, what), problem=lambda what: self.say(f"{name}: {what}")
            )
            self.watchers[name] = watchers
        started = watchers.ensure(outcome.watch_points)
        if started:
            self.say(f"{name}: watching {', '.join(started)}")

    def _changed(self, name: str, what: str) -> None:
        """Called from watcher threads."""
        with self.changes_lock:
            self.changes.append((name, what))

    def _take_changes(self, now: float) -> None:
        with self.changes_lock:
            changes, self.changes = self.changes, []
        for name, what in changes:
            self.schedule.changed(name, now)
            self.say(f"{name}: changed: {what}")


def _client_for(job: VerifyJob) -> Any:
    """An API client for the cluster's live source, as its runs reach it."""
    from ukic.kubeapi.http import ApiClient
    from ukic.kubeapi.kubeconfig import load_target

    options = job.source
    target = load_target(options.kubeconfig, options.context, exec_timeout=options.exec_timeout)
    return ApiClient(target.endpoint, connect_timeout=options.connect_timeout, read_timeout=options.read_timeout)


def _describe(outcome: ClusterOutcome) -> str:
    took = f" in {outcome.duration:.1f} s"
    if outcome.error:
        return f"{outcome.name}: {outcome.verdict}: {outcome.error}{took}"
    counts = ", ".join(f"{n} {k}" for k, n in (outcome.counts or {}).items() if n)
    return f"{outcome.name}: {outcome.verdict} ({counts}){took}"


def _say(line: str) -> None:
    print(f"ukic serve: {line}", file=sys.stderr, flush=True)


@contextmanager
def _stop_on_signals() -> Iterator[threading.Event]:
    """An event set by SIGTERM or SIGINT while the block runs (ukic.interrupts holds the handlers)."""
    from ukic import interrupts

    stopped = threading.Event()
    with interrupts.handled(on_signal=lambda _signum: stopped.set()):
        yield stopped
