"""A real kind cluster, created, verified and deleted: runs only where a container engine answers.

This machine has none, so the test skips with that reason. Where one answers it also needs kind,
helm and kubectl on PATH, network access to the charts and manifests, and UKIC_KIND_E2E=1 (it takes
ten minutes or more and several GB of images).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from ukic.cli import main
from ukic.outcome import Outcome
from ukic.report.summary_json import load_summary

NO_ENGINE = "no container engine on this machine (docker/podman not answering)"


def engine_answers() -> bool:
    for engine in ("docker", "podman"):
        if shutil.which(engine) is None:
            continue
        try:
            done = subprocess.run([engine, "info"], capture_output=True, timeout=30, check=False)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if done.returncode == 0:
            return True
    return False


@pytest.mark.skipif(not engine_answers(), reason=NO_ENGINE)
def test_real_kind_cluster_v5_development(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if os.environ.get("UKIC_KIND_E2E") != "1":
        pytest.skip("set UKIC_KIND_E2E=1 to create a real kind cluster (10+ minutes, network, several GB of images)")
    missing = [tool for tool in ("kind", "helm", "kubectl") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"{', '.join(missing)} not on PATH")
    name = f"ukic-e2e-{os.getpid()}"
    code = main(
        [
            "verify",
            "--kind",
            "--version",
            "v5",
            "--type",
            "development",
            "--cluster",
            name,
            "--report-dir",
            str(tmp_path),
            "--color",
            "never",
        ]
    )
    out = capsys.readouterr().out
    assert code in (0, 1), out  # verified (2 would mean the cluster could not be read)

    summary = load_summary(next(tmp_path.glob(f"{name}/*/summary.json")).read_text())
    for scenario in summary.scenarios:
        if "ceph" in scenario.tags:
            assert scenario.outcome is Outcome.NOT_APPLICABLE, scenario.name
        if set(scenario.tags) & {"ipv6", "topology", "calico_operator"} and "recommended" not in scenario.tags:
            assert scenario.outcome is Outcome.PASSED, (scenario.name, scenario.reason)
    assert summary.scenarios  # the run reported scenarios at all
    clusters = subprocess.run(["kind", "get", "clusters"], capture_output=True, text=True, check=False).stdout
    assert name not in clusters.split()  # deleted after the run
