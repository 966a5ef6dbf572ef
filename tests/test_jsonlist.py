"""JSON Lists read in pieces and decoded straight into what is kept: the same objects as reading the
file whole, on every bundled sample; any other layout or a broken file takes the whole-file way."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from tests.snapshots import as_json_snapshot
from ukic import jsonlist, paths
from ukic.errors import SourceError
from ukic.jsonlist import NotLaidOut, kubectl_json, read_list
from ukic.projection import PROJECTIONS, Pod
from ukic.resources import CATALOG
from ukic.sources.base import ResourceUnavailable
from ukic.sources.snapshot import SnapshotSource
from ukic.yamlio import load_text

SAMPLES = sorted(p for p in paths.samples_dir().iterdir() if p.is_dir())


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_every_sample_reads_the_same_from_kubectl_json(
    sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jsonlist, "PIECE", 2048)  # many pieces, so cuts fall everywhere
    calls: list[int] = []
    real = jsonlist._decode
    monkeypatch.setattr(jsonlist, "_decode", lambda *args: calls.append(1) or real(*args))
    from_yaml, from_json = SnapshotSource(sample), SnapshotSource(as_json_snapshot(sample, tmp_path / "json"))
    for key in (r.key for r in CATALOG):
        try:
            expected: Any = from_yaml.list(key)
        except ResourceUnavailable:
            expected = "unavailable"
        try:
            got: Any = from_json.list(key)
        except ResourceUnavailable:
            got = "unavailable"
        assert got == expected, key
    assert calls  # the pieces path was taken, not only the whole-file one


def test_the_pieces_join_up_whatever_their_size() -> None:
    items = [{"metadata": {"name": f"p{i}", "labels": {"a": "b" * i}}, "spec": {"nodeName": "n"}} for i in range(50)]
    text = kubectl_json({"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}})
    for piece in (1, 7, 64, 1000, 1 << 20):
        jsonlist.PIECE, saved = piece, jsonlist.PIECE
        try:
            doc = read_list(io.BytesIO(text), Pod)
        finally:
            jsonlist.PIECE = saved
        assert doc == {"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}}


@pytest.mark.parametrize(
    "text",
    [
        json.dumps({"items": [{"a": 1}]}),  # compact
        json.dumps({"items": [{"a": 1}]}, indent=2),  # another indentation
        json.dumps({"kind": "List", "items": []}, indent=4),  # nothing to stream
        json.dumps({"kind": "Pod", "metadata": {"name": "p"}}, indent=4),  # a single object
    ],
)
def test_other_layouts_are_left_to_the_whole_file_reader(text: str) -> None:
    with pytest.raises(NotLaidOut):
        read_list(io.BytesIO(text.encode()))
    assert load_text(io.BytesIO(text.encode()), "x.json") == json.loads(text)


def test_a_broken_file_still_names_the_line(tmp_path: Path) -> None:
    good = kubectl_json({"apiVersion": "v1", "items": [{"metadata": {"name": "a"}}] * 3, "kind": "List"})
    (tmp_path / "nodes.json").write_bytes(good.replace(b'"name": "a"', b'"name": a', 1))
    with pytest.raises(SourceError, match=r"nodes.json: not valid JSON \(line 6: Expecting value\)"):
        SnapshotSource(tmp_path).list("nodes")


def test_a_pod_of_the_wrong_shape_makes_pods_unverifiable_by_file_and_field(tmp_path: Path) -> None:
    pods = [{"metadata": {"name": "a"}, "spec": {"containers": "nginx"}}]
    (tmp_path / "pods.json").write_bytes(kubectl_json({"apiVersion": "v1", "items": pods, "kind": "List"}))
    with pytest.raises(ResourceUnavailable) as gap:
        SnapshotSource(tmp_path).list("pods")
    assert gap.value.reason == (
        f"snapshot file {tmp_path}/pods.json: an item is not a Pod: Expected `array | null`, got `str`"
        " - at `$.spec.containers`"
    )


def test_typed_decoding_keeps_what_the_projection_keeps() -> None:
    pods = SnapshotSource(paths.default_sample()).list("pods")
    raw = kubectl_json({"apiVersion": "v1", "items": pods, "kind": "List"})
    assert read_list(io.BytesIO(raw), PROJECTIONS["pods"].shape)["items"] == pods


def test_a_json_list_in_kubectl_layout_may_be_larger_than_a_file_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ukic.sources.snapshot.MAX_FILE", 1024)
    nodes = [{"metadata": {"name": f"server{i}"}} for i in range(100)]
    (tmp_path / "nodes.json").write_bytes(kubectl_json({"apiVersion": "v1", "items": nodes, "kind": "List"}))
    assert [n["metadata"]["name"] for n in SnapshotSource(tmp_path).list("nodes")] == [f"server{i}" for i in range(100)]
    (tmp_path / "nodes.json").write_text(json.dumps({"items": nodes}))  # compact: only readable whole
    with pytest.raises(SourceError, match=r"nodes.json: 0 MiB of JSON not laid out as `kubectl get -o json`"):
        SnapshotSource(tmp_path).list("nodes")
    (tmp_path / "nodes.json").unlink()
    (tmp_path / "nodes.yaml").write_text(json.dumps({"items": nodes}))
    with pytest.raises(SourceError, match=r"nodes.yaml is 0 MiB, more than a snapshot file may hold \(0 MiB\)"):
        SnapshotSource(tmp_path).list("nodes")
