"""The kind_cluster session fixture, in a pytest session of its own with the stand-ins on PATH."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.standins.harness import Standins

pytest_plugins = ["tests.standins.harness"]  # the `standins` fixture

USER_TESTS = """
def test_one(kind_cluster):
    assert kind_cluster.kubeconfig.is_file()
    assert kind_cluster.context == "kind-fx"

def test_two(kind_cluster):
    assert kind_cluster.cluster.selection.profile.version == "v2"
    assert kind_cluster.cluster.selection.cluster_type.name == "development"
"""


def run_pytest(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    (folder / "test_user.py").write_text(USER_TESTS)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "ukic.kind.fixture", "-p", "no:cacheprovider", *args],
        cwd=folder,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_one_cluster_per_session_deleted_at_the_end(standins: Standins, tmp_path: Path) -> None:
    done = run_pytest(tmp_path, "--infra-version", "v2", "--cluster-type", "development", "--kind-name", "fx")
    assert done.returncode == 0, done.stdout + done.stderr
    creates = [c for c in standins.commands() if c[:3] == ["kind", "create", "cluster"]]
    assert len(creates) == 1 and creates[0][4] == "fx"
    assert standins.commands()[-1][:5] == ["kind", "delete", "cluster", "--name", "fx"]
    assert standins.clusters() == []


def test_keep_from_the_environment(standins: Standins, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UKIC_KIND_KEEP", "1")
    monkeypatch.setenv("UKIC_KIND_NAME", "fx")
    done = run_pytest(tmp_path, "--infra-version", "v2", "--cluster-type", "development")
    assert done.returncode == 0, done.stdout + done.stderr
    assert standins.clusters() == ["fx"]


def test_missing_engine_fails_the_tests_with_one_line(standins: Standins, tmp_path: Path) -> None:
    standins.remove("docker")
    done = run_pytest(tmp_path, "--kind-name", "fx")
    assert done.returncode == 1
    assert "kind_cluster: no container engine: neither docker nor podman found on PATH" in done.stdout
    assert "Traceback" not in done.stdout
