"""`ukic capture` writes the snapshot format, keeps secrets out, and appears whole or not at all."""

from __future__ import annotations

import tarfile
from pathlib import Path

import pytest
import yaml

from tests.fakeapi import FakeKubeAPI
from tests.fakeapi.objects import SECRET_VALUE
from ukic import capture as capture_module
from ukic.cli import main
from ukic.jsonlist import read_list
from ukic.resources import CATALOG
from ukic.sources.live import LiveSource
from ukic.sources.snapshot import SnapshotSource

pytest_plugins = ["tests.fakeapi.fixtures"]


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def test_capture_folder_has_one_kubectl_list_per_resource_and_cluster_yaml(
    fake: FakeKubeAPI, kubeconfig: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.objects["nodes"][0]["metadata"]["managedFields"] = [{"manager": "kubelet", "operation": "Update"}]
    out = tmp_path / "c3"
    assert main(["capture", "--kubeconfig", str(kubeconfig), "-o", str(out)]) == 0
    assert capsys.readouterr().out == (
        f"captured {len(CATALOG)} resources (9 objects) from {fake.url} (context fake-admin@fake) to {out}\n"
    )
    assert sorted(p.name for p in out.iterdir()) == sorted([f"{r.key}.json" for r in CATALOG] + ["cluster.yaml"])
    nodes = load(out / "nodes.json")
    with (out / "nodes.json").open("rb") as handle:
        assert read_list(handle) == nodes  # laid out as kubectl does: read in pieces
    assert (nodes["apiVersion"], nodes["kind"]) == ("v1", "List")
    assert [(n["apiVersion"], n["kind"], n["metadata"]["name"]) for n in nodes["items"]] == [
        ("v1", "Node", "server1"),
        ("v1", "Node", "server2"),
    ]
    assert "managedFields" not in nodes["items"][0]["metadata"]
    assert load(out / "daemonsets.apps.json")["items"] == []  # not served by this cluster: none exist
    cluster = load(out / "cluster.yaml")
    assert set(cluster) == {"name", "capturedAt", "serverVersion", "context"}
    assert (cluster["name"], cluster["serverVersion"], cluster["context"]) == ("fake", "v1.30.2", "fake-admin@fake")


def test_capture_holds_no_secret_data_and_no_credentials(
    fake: FakeKubeAPI, kubeconfig: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "snap"
    assert main(["capture", "--kubeconfig", str(kubeconfig), "-o", str(out)]) == 0
    written = "".join(p.read_text() for p in out.iterdir())
    assert SECRET_VALUE not in written
    assert "fake-token" not in written
    (secret,) = load(out / "secrets.json")["items"]
    assert set(secret) == {"apiVersion", "kind", "metadata"}
    assert "annotations" not in secret["metadata"]


def test_capture_reads_back_as_the_same_objects(
    fake: FakeKubeAPI, kubeconfig: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, archive = tmp_path / "snap", tmp_path / "snap.tar.gz"
    assert main(["capture", "--kubeconfig", str(kubeconfig), "-o", str(folder)]) == 0
    assert main(["capture", "--kubeconfig", str(kubeconfig), "-o", str(archive)]) == 0
    with tarfile.open(archive) as tar:
        assert {PathLike.split("/")[0] for PathLike in tar.getnames()} == {"snap"}
    live = LiveSource(kubeconfig, None)
    for snapshot in (SnapshotSource(folder), SnapshotSource(archive)):
        for resource in CATALOG:
            assert snapshot.list(resource.key) == live.list(resource.key), resource.key
        assert snapshot.info().cluster_name == "fake"


def test_capture_refuses_to_overwrite(
    fake: FakeKubeAPI, kubeconfig: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "snap"
    out.mkdir()
    (out / "nodes.json").write_text("precious")
    assert main(["capture", "--kubeconfig", str(kubeconfig), "-o", str(out)]) == 4
    assert (
        capsys.readouterr().err == f"ukic: capture output {out} already exists; choose a new name or remove it first\n"
    )
    assert (out / "nodes.json").read_text() == "precious"
    assert fake.requests == []


def test_capture_into_an_empty_folder_is_fine(
    fake: FakeKubeAPI, kubeconfig: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "snap"
    out.mkdir()
    assert main(["capture", "--kubeconfig", str(kubeconfig), "-o", str(out)]) == 0
    assert (out / "nodes.json").is_file()


@pytest.mark.parametrize("name", ["snap", "snap.tar.gz"])
def test_interrupted_capture_leaves_nothing_behind(
    name: str,
    fake: FakeKubeAPI,
    kubeconfig: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    written: list[Path] = []
    real_write = capture_module._write

    def write_then_ctrl_c(path: Path, data: object) -> None:
        if len(written) == 5:
            raise KeyboardInterrupt
        real_write(path, data)
        written.append(path)

    monkeypatch.setattr(capture_module, "_write", write_then_ctrl_c)
    out = tmp_path / name
    assert main(["capture", "--kubeconfig", str(kubeconfig), "-o", str(out)]) == 3
    assert capsys.readouterr().err == "ukic: interrupted\n"
    assert len(written) == 5 and not any(p.exists() for p in written)
    assert list(tmp_path.iterdir()) == [tmp_path / "kubeconfig"]


def test_capture_with_a_name_for_the_cluster(
    fake: FakeKubeAPI, kubeconfig: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "snap.tgz"
    assert main(["capture", "--kubeconfig", str(kubeconfig), "-o", str(out), "--name", "c3"]) == 0
    assert SnapshotSource(out).info().cluster_name == "c3"
