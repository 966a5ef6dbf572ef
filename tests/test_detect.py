"""ukic detect: every version verified over the same facts; the highest conforming one wins."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from fixtures.samplegen.catalogue import CONFORMING
from ukic import paths
from ukic.cli import main
from ukic.commands.detect import render_text
from ukic.detect import Detection, detect, known_versions
from ukic.outcome import Outcome
from ukic.sources.base import Obj
from ukic.sources.snapshot import SnapshotSource


class CountingSnapshot(SnapshotSource):
    """A snapshot source that counts how often each resource is read."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.reads: Counter[str] = Counter()

    def list(self, key: str) -> list[Obj]:
        self.reads[key] += 1
        return super().list(key)


_DETECTIONS: dict[str, tuple[Detection, CountingSnapshot]] = {}


def detected(folder: str, cluster_type: str) -> tuple[Detection, CountingSnapshot]:
    """Detect each sample once per test session (five verify runs each)."""
    if folder not in _DETECTIONS:
        source = CountingSnapshot(paths.samples_dir() / folder)
        _DETECTIONS[folder] = (detect(source, cluster_type), source)
    return _DETECTIONS[folder]


@pytest.mark.parametrize("sample", CONFORMING, ids=lambda s: s.folder)
def test_detect_returns_each_conforming_samples_version(sample) -> None:
    detection, _ = detected(sample.folder, sample.cluster_type)
    assert [v.version for v in detection.verdicts] == known_versions()
    assert detection.conforms_to == sample.version, {v.version: v.result.verdict for v in detection.verdicts}
    for higher in detection.higher:
        assert not higher.conformant
        assert higher.blockers, f"{higher.version} is not conformant, so something must stand in the way"
        assert all(s.outcome in (Outcome.FAILED, Outcome.UNVERIFIABLE) and s.reason for s in higher.blockers)


def test_every_resource_is_read_once_for_all_versions() -> None:
    _, source = detected("v3-production", "production")
    assert source.reads, "the runs read the snapshot"
    assert max(source.reads.values()) == 1, source.reads


def test_detect_text_names_the_answer_and_the_blockers_of_higher_versions() -> None:
    detection, _ = detected("v4-production", "production")
    text = render_text(detection)
    assert "Conforms to v4 (production)." in text
    v5 = detection.verdicts[-1]
    assert f"v5: {len(v5.blockers)} scenario" in text
    assert f"[{v5.blockers[0].outcome.value}] {v5.blockers[0].id}: " in text
    data = detection.to_dict()
    assert data["conforms_to"] == "v4"
    assert [b["id"] for b in data["versions"][-1]["blockers"]] == [s.id for s in v5.blockers]


def test_detect_command_on_a_cluster_that_conforms_to_nothing_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    # An IP-in-IP pool breaks a rule every version shares (bgp, since v1).
    sample = str(paths.samples_dir() / "broken-ipip-pool")
    assert main(["detect", "--snapshot", sample, "--type", "production", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["conforms_to"] is None
    for version in data["versions"]:
        assert version["verdict"] == "not conformant"
        assert any(b["id"] == "bgp.pools-without-overlay" for b in version["blockers"]), version["blockers"]


def test_detect_on_a_missing_snapshot_is_a_usage_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["detect", "--snapshot", str(tmp_path / "nope"), "--type", "production"]) == 4
    assert "no such file or folder" in capsys.readouterr().err
