"""Worker processes (ukic.workers) as the parent sees them."""

from __future__ import annotations

import time
from pathlib import Path

from tests.fakeapi import FakeKubeAPI, write_kubeconfig
from ukic.sources.factory import SourceOptions
from ukic.workers import VerifyJob, WorkerPool

pytest_plugins = ["tests.fakeapi.fixtures"]


def test_a_worker_that_dies_is_could_not_verify_and_timed_from_its_start(fake: FakeKubeAPI, tmp_path: Path) -> None:
    """A worker killed mid-run (out of memory, say) leaves no result: its outcome says so, and its duration
    is how long it ran, as for every other outcome the ledger and /metrics record."""
    fake.hang("/api/v1/nodes", seconds=60)
    kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", fake.url)
    job = VerifyJob("fake", "v5", "production", SourceOptions(kubeconfig=str(kubeconfig)), tmp_path / "reports")
    pool = WorkerPool(["live"])
    try:
        pool.start(job)
        deadline = time.monotonic() + 60
        while not any(r.path == "/api/v1/nodes" for r in fake.requests):
            assert time.monotonic() < deadline, "the worker never listed the nodes"
            time.sleep(0.1)
        time.sleep(1.0)
        pool._running["fake"].process.kill()
        outcomes = []
        while not outcomes and time.monotonic() < deadline:
            outcomes = pool.collect(1.0)
    finally:
        pool.stop(grace=0)
    [outcome] = outcomes
    assert (outcome.verdict, outcome.exit_code) == ("could not verify", 2)
    assert outcome.error == "worker process ended without a result (exit code -9)"
    assert outcome.duration >= 1.0
