"""Reading Pods, Nodes and workloads projected (as large snapshots need), from YAML or decoded
straight from kubectl's JSON, changes no outcome and no reason on any sample."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.snapshots import as_json_snapshot
from ukic import paths
from ukic.run import VerifyRequest, verify
from ukic.sources.snapshot import SnapshotSource


def _profile_of(sample: str) -> tuple[str, str]:
    """The version and type a sample is verified against: its name for the conforming ones, v5
    production for the broken-*, warn-* and missing-* variants of the v5 production sample."""
    version, _, cluster_type = sample.partition("-")
    return (version, cluster_type) if cluster_type in ("development", "production") else ("v5", "production")


#: Every bundled sample: projection must change no outcome and no reason on any of them.
SAMPLES = [(p.name, *_profile_of(p.name)) for p in sorted(paths.samples_dir().iterdir()) if p.is_dir()]
#: Decoding kubectl's JSON is checked against the full objects on a spread of them (tests/test_jsonlist.py
#: shows the objects read from JSON equal those read from YAML on every sample).
JSON_SAMPLES = [
    s for s in SAMPLES if s[0] in {"v1-development", "v3-production", "v5-production", "broken-mon-pod-down"}
]


@pytest.mark.parametrize(("sample", "version", "cluster_type"), SAMPLES)
def test_projection_changes_nothing(sample: str, version: str, cluster_type: str) -> None:
    folder = paths.samples_dir() / sample
    projected = verify(VerifyRequest(SnapshotSource(folder), version, cluster_type))
    full = verify(VerifyRequest(SnapshotSource(folder, project=False), version, cluster_type))
    assert [(s.id, s.outcome, s.reason) for s in projected.scenarios] == [
        (s.id, s.outcome, s.reason) for s in full.scenarios
    ]


@pytest.mark.parametrize(
    ("name", "version", "cluster_type"),
    [
        ("v1-development", "v1", "development"),
        ("v2-development", "v2", "development"),
        ("v5-production", "v5", "production"),
    ],
)
def test_projection_changes_nothing_on_the_kubectl_written_snapshots(
    name: str, version: str, cluster_type: str
) -> None:
    """fixtures/real: what a real kubectl wrote (a --raw PodList, -o json, a single object, empty files)."""
    folder = paths.samples_dir().parent / "real" / "clusters" / name
    projected = verify(VerifyRequest(SnapshotSource(folder), version, cluster_type))
    full = verify(VerifyRequest(SnapshotSource(folder, project=False), version, cluster_type))
    assert [(s.id, s.outcome, s.reason) for s in projected.scenarios] == [
        (s.id, s.outcome, s.reason) for s in full.scenarios
    ]


@pytest.mark.parametrize(("sample", "version", "cluster_type"), JSON_SAMPLES)
def test_kubectl_json_decoded_into_shape_changes_nothing(
    sample: str, version: str, cluster_type: str, tmp_path: Path
) -> None:
    folder = paths.samples_dir() / sample
    typed = verify(VerifyRequest(SnapshotSource(as_json_snapshot(folder, tmp_path / sample)), version, cluster_type))
    full = verify(VerifyRequest(SnapshotSource(folder, project=False), version, cluster_type))
    assert [(s.id, s.outcome, s.reason) for s in typed.scenarios] == [
        (s.id, s.outcome, s.reason) for s in full.scenarios
    ]


def test_projection_drops_what_no_check_reads() -> None:
    pods = SnapshotSource(paths.samples_dir() / "v5-production").list("pods")
    pod = next(p for p in pods if p["spec"].get("containers"))
    assert set(pod["spec"]) <= {"nodeName", "hostNetwork", "containers", "initContainers"}
    assert all(set(c) <= {"name", "image"} for c in pod["spec"]["containers"])
    source = SnapshotSource(paths.samples_dir() / "v5-production")
    for node in source.list("nodes"):
        assert set(node["status"]) <= {"addresses", "conditions", "nodeInfo"}
    for deployment in source.list("deployments.apps"):
        template = deployment["spec"]["template"]["spec"]
        assert all(set(c) <= {"name", "image"} for c in template["containers"])
