"""Every bundled sample served through the fake API verifies live exactly as it does from its snapshot.

For each folder under fixtures/samples: the live source lists the same objects the snapshot
holds, and the live verify ends every scenario in the same outcome (and, unless unverifiable,
the same reason) as the snapshot verify. A capture of the live cluster, verified as a snapshot,
gives those outcomes again.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakeapi import FakeKubeAPI, write_kubeconfig
from ukic import paths
from ukic.capture import capture
from ukic.outcome import Outcome
from ukic.projection import PROJECTIONS
from ukic.resources import CATALOG
from ukic.result import RunResult
from ukic.sources.base import ResourceUnavailable, Source
from ukic.sources.live import LiveSource
from ukic.sources.snapshot import SnapshotSource

SAMPLES = sorted(p for p in paths.samples_dir().glob("*") if p.is_dir()) if paths.samples_dir().is_dir() else []
needs_samples = pytest.mark.skipif(not SAMPLES, reason=f"no sample clusters under {paths.samples_dir()} yet")


def profile_of(sample: Path) -> tuple[str, str]:
    """v1-development -> (v1, development); variants are checked as v5 production (samples README)."""
    match = re.fullmatch(r"(v\d+)-(development|production)", sample.name)
    return (match[1], match[2]) if match else ("v5", "production")


def run_verify(source: Source, sample: Path) -> RunResult:
    from ukic.run import VerifyRequest, verify

    version, cluster_type = profile_of(sample)
    return verify(VerifyRequest(source=source, version=version, cluster_type=cluster_type))


def outcomes(result: RunResult) -> dict[str, tuple[Outcome, str]]:
    """Scenario id -> (outcome, reason); an unverifiable reason names the source, so it is left out."""
    return {s.id: (s.outcome, "" if s.outcome is Outcome.UNVERIFIABLE else s.reason) for s in result.scenarios}


def comparable(key: str, items: list[dict]) -> list[dict]:
    """Secrets are metadata only on the wire (PartialObjectMetadata carries no type)."""
    if key == "secrets":
        return [{k: v for k, v in item.items() if k != "type"} for item in items]
    return items


def lists(source: Source) -> dict[str, list[dict] | str]:
    result: dict[str, list[dict] | str] = {}
    for resource in CATALOG:
        try:
            result[resource.key] = comparable(resource.key, source.list(resource.key))
        except ResourceUnavailable:
            result[resource.key] = "unavailable"
    return result


@pytest.fixture(scope="module")
def api() -> Iterator[FakeKubeAPI]:
    with FakeKubeAPI() as server:
        yield server


def served(api: FakeKubeAPI) -> dict[str, list[dict] | str]:
    """What the fake serves (the snapshot's whole objects), as a source keeps them (ukic.projection)."""

    def kept(key: str) -> list[dict]:
        keep = PROJECTIONS.get(key)
        return comparable(key, [keep(o) for o in api.objects[key]] if keep else api.objects[key])

    return {r.key: "unavailable" if r.key in api.not_captured else kept(r.key) for r in CATALOG}


@needs_samples
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_live_verify_equals_snapshot_verify(sample: Path, api: FakeKubeAPI, tmp_path: Path) -> None:
    api.serve_snapshot(sample)
    config = write_kubeconfig(tmp_path / "kubeconfig", api.url)
    live = LiveSource(config, None)
    assert lists(live) == served(api)  # the same objects, resource by resource
    expected = outcomes(run_verify(SnapshotSource(sample), sample))
    api.clear_log()
    got = outcomes(run_verify(LiveSource(config, None), sample))
    assert got == expected
    assert {r.method for r in api.requests} == {"GET"}
    # discovery once, then one LIST per resource (no sample needs a second page)
    pages = Counter(r.path for r in api.requests if "limit=" in r.query)
    assert set(pages.values()) == {1}
    assert len(api.requests) - sum(pages.values()) <= 3 + len({r.group for r in CATALOG})


#: Capture is checked end to end on the default sample and on one with a resource not captured
#: (served as 403): capture -> verify of the capture gives the snapshot's outcomes again.
CAPTURED = [p for p in SAMPLES if p.name in ("v5-production", "missing-bgppeers", "v1-development")]


@needs_samples
@pytest.mark.parametrize("sample", CAPTURED, ids=lambda p: p.name)
def test_capture_then_verify_equals_snapshot_verify(sample: Path, api: FakeKubeAPI, tmp_path: Path) -> None:
    api.serve_snapshot(sample)
    config = write_kubeconfig(tmp_path / "kubeconfig", api.url)
    captured = tmp_path / "capture.tar.gz"
    capture(LiveSource(config, None), captured)
    assert lists(SnapshotSource(captured)) == served(api)
    expected = outcomes(run_verify(SnapshotSource(sample), sample))
    assert outcomes(run_verify(SnapshotSource(captured), sample)) == expected
