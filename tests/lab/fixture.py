"""pytest fixtures for the lab: one lab per test session, skipped with the reason where it cannot run.

Use from a test module with ``pytest_plugins = ["tests.lab.fixture"]``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.lab.site import Lab, lab_prerequisites
from tests.lab.snapshot import write_snapshot
from ukic.result import ScenarioResult
from ukic.run import VerifyRequest, verify
from ukic.sources.snapshot import SnapshotSource

VerifyLab = Callable[..., dict[str, ScenarioResult]]


@pytest.fixture(scope="session")
def lab() -> Iterator[Lab]:
    """The running lab, shared by the session; torn down (pid files, then namespaces) whatever happens."""
    reason = lab_prerequisites()
    if reason is not None:
        pytest.skip(reason)
    with Lab() as running:
        yield running


@pytest.fixture
def healthy_lab(lab: Lab) -> Lab:
    """The lab, refusing to run a test on it when an earlier fault could not be undone."""
    if lab.broken:
        pytest.fail(f"the lab is broken by an earlier test: {lab.broken}")
    return lab


@pytest.fixture(scope="session")
def lab_snapshot(lab: Lab, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A snapshot whose nodes are the lab's: all control-plane, lab addresses, lab pod blocks."""
    return write_snapshot(tmp_path_factory.mktemp("lab-snapshot"), lab.nodes)


@pytest.fixture
def verify_lab(healthy_lab: Lab, lab_snapshot: Path) -> VerifyLab:
    """Run the real harness (ukic.run.verify) on the lab; scenario results by name."""

    def run(marker: str, snapshot: Path | None = None, **spec_changes: object) -> dict[str, ScenarioResult]:
        started = time.monotonic()
        result = verify(
            VerifyRequest(
                source=SnapshotSource(snapshot or lab_snapshot),
                version="v5",
                cluster_type="development",  # three storage monitors, as the lab runs
                marker=marker,
                hosts=healthy_lab.hosts_spec(**spec_changes),
            )
        )
        healthy_lab.run_seconds.append(time.monotonic() - started)
        return {s.name: s for s in result.scenarios}

    return run
