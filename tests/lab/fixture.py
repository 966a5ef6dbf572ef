"""pytest fixtures for the lab, skipped with the reason where it cannot run.

Use from a test module with ``pytest_plugins = ["tests.lab.fixture"]``. The lab is shared by
the tests of a module and torn down when they are done, so its fourteen daemons do not idle
through the rest of the suite (the lab tests live in one module).
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


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    """The running lab; torn down (pid files, then namespaces) whatever the tests did."""
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


@pytest.fixture(scope="module")
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
