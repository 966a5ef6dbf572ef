"""The snapshot source: kubectl-native folders and archives, and one clear line for every bad input."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

import pytest

from ukic.errors import SourceError, UsageError
from ukic.sources.base import ResourceUnavailable
from ukic.sources.snapshot import SnapshotSource


def _write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text)


NODES = "apiVersion: v1\nkind: List\nitems:\n- metadata: {name: server63}\n"


def test_present_empty_list_means_none_and_missing_file_means_not_captured(tmp_path: Path) -> None:
    _write(tmp_path, "nodes.yaml", NODES)
    _write(tmp_path, "bgppeers.crd.projectcalico.org.yaml", "apiVersion: v1\nkind: List\nitems: []\n")
    source = SnapshotSource(tmp_path)
    assert [n["metadata"]["name"] for n in source.list("nodes")] == ["server63"]
    assert source.list("bgppeers.crd.projectcalico.org") == []
    with pytest.raises(ResourceUnavailable, match=r"not captured in snapshot .* \(no pods.yaml\)"):
        source.list("pods")


def test_json_files_and_cluster_metadata(tmp_path: Path) -> None:
    _write(tmp_path, "nodes.json", json.dumps({"kind": "List", "items": [{"metadata": {"name": "a"}}]}))
    _write(tmp_path, "cluster.yaml", "name: place10\ncapturedAt: 2021-11-06T21:50:00Z\ncontext: admin@place10\n")
    source = SnapshotSource(tmp_path)
    assert source.list("nodes")[0]["metadata"]["name"] == "a"
    info = source.info()
    assert (info.kind, info.cluster_name, info.context) == ("snapshot", "place10", "admin@place10")
    assert info.captured_at.startswith("2021-11-06")


@pytest.mark.parametrize("top", ["", "snap/"])
def test_tar_gz_archive_with_or_without_a_top_folder(tmp_path: Path, top: str) -> None:
    folder = tmp_path / "snap"
    _write(folder, "nodes.yaml", NODES)
    archive = tmp_path / "snap.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(folder / "nodes.yaml", arcname=f"{top}nodes.yaml")
    assert SnapshotSource(archive).list("nodes")[0]["metadata"]["name"] == "server63"


def test_secret_payload_is_dropped_on_read(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "secrets.yaml",
        "kind: List\nitems:\n- metadata:\n    name: s\n    annotations:\n"
        '      kubectl.kubernetes.io/last-applied-configuration: \'{"data":{"password":"c2VjcmV0"}}\'\n'
        "  data: {password: c2VjcmV0}\n  stringData: {token: plain}\n  type: Opaque\n",
    )
    (secret,) = SnapshotSource(tmp_path).list("secrets")
    assert "data" not in secret and "stringData" not in secret
    assert "c2VjcmV0" not in json.dumps(secret)
    assert secret["type"] == "Opaque"


@pytest.mark.parametrize(
    ("files", "error", "message"),
    [
        ({"nodes.yaml": "items: [\n"}, SourceError, r"nodes.yaml: not valid YAML \(line 2"),
        ({"nodes.json": "{oops"}, SourceError, r"nodes.json: not valid JSON \(line 1"),
        # a single object is what `kubectl get node a -o yaml` writes; another kind in nodes.yaml is not
        ({"nodes.yaml": "kind: Pod\nmetadata: {name: a}\n"}, SourceError, r"nodes.yaml: expected a List .*found Pod"),
        ({"nodes.yaml": "- 1\n"}, SourceError, r"nodes.yaml: document 1 is a list, not a kubectl List"),
        ({"cluster.yaml": "nme: x\n"}, SourceError, r"cluster.yaml: unknown key 'nme'"),
        ({"nodes.yaml": NODES, "nodes.json": "{}"}, UsageError, r"both nodes.json and nodes.yaml hold nodes"),
    ],
)
def test_bad_files_name_the_file(tmp_path: Path, files: dict[str, str], error: type, message: str) -> None:
    for name, text in files.items():
        _write(tmp_path, name, text)
    with pytest.raises(error, match=message):
        SnapshotSource(tmp_path).list("nodes")


def test_missing_path_and_plain_file_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file or folder"):
        SnapshotSource(tmp_path / "nope")
    plain = tmp_path / "notes.txt"
    plain.write_text("hello")
    with pytest.raises(UsageError, match=r"neither a folder nor a \.tar\.gz archive"):
        SnapshotSource(plain)


def test_kubectl_file_shapes_all_read_as_the_resources_objects(tmp_path: Path) -> None:
    """Several appended `kubectl get` outputs in one file, a single object, a typed list without item kinds,
    and a file named by kubectl's short name all read as Node objects (ukic.sources.kubectl_output)."""
    _write(
        tmp_path,
        "no.yaml",
        "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Node, metadata: {name: a}}\n---\n"
        "apiVersion: v1\nkind: Node\nmetadata: {name: b}\n---\n"
        "kind: NodeList\napiVersion: v1\nitems:\n- metadata: {name: c}\n",
    )
    nodes = SnapshotSource(tmp_path).list("nodes")
    assert [(n["kind"], n["apiVersion"], n["metadata"]["name"]) for n in nodes] == [
        ("Node", "v1", "a"),
        ("Node", "v1", "b"),
        ("Node", "v1", "c"),
    ]


def test_empty_files_mean_none_only_where_kubectl_leaves_one_for_a_missing_type(tmp_path: Path) -> None:
    _write(tmp_path, "nodes.yaml", "")
    _write(tmp_path, "kustomizations.kustomize.toolkit.fluxcd.io.yaml", "")
    source = SnapshotSource(tmp_path)
    assert source.list("kustomizations.kustomize.toolkit.fluxcd.io") == []  # the type is not served
    with pytest.raises(ResourceUnavailable, match="kubectl writes a List for a built-in type"):
        source.list("nodes")
    # a CRD the capture shows installed: its empty file is a failed capture, and a missing file of a
    # type whose CRD is absent means none exist
    _write(
        tmp_path,
        "customresourcedefinitions.apiextensions.k8s.io.yaml",
        "kind: List\nitems:\n- metadata: {name: kustomizations.kustomize.toolkit.fluxcd.io}\n",
    )
    source = SnapshotSource(tmp_path)
    with pytest.raises(ResourceUnavailable, match=r"although CRD .* is installed"):
        source.list("kustomizations.kustomize.toolkit.fluxcd.io")
    assert source.list("helmreleases.helm.toolkit.fluxcd.io") == []
    with pytest.raises(ResourceUnavailable, match="not captured"):
        source.list("pods")  # built-in: a missing file is never "none"
