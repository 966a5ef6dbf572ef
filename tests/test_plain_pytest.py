"""`pytest features ...` in a checkout runs the same features, outcomes and exit codes as `ukic verify`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from ukic import paths

CHECKOUT = Path(__file__).resolve().parent.parent


def _pytest(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "features", "-q", "-p", "no:cacheprovider", *args],
        capture_output=True,
        text=True,
        cwd=CHECKOUT,
        timeout=300,
    )


def test_a_broken_sample_fails_with_its_reason_and_writes_reports(tmp_path: Path) -> None:
    sample = paths.samples_dir() / "broken-mon-count"
    done = _pytest(
        f"--snapshot={sample}", "--infra-version=v5", "--cluster-type=production", "-m", "storage",
        f"--ukic-report-dir={tmp_path}",
    )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    assert "spec.mon.count is 3; a production cluster runs 5 storage monitors" in done.stdout
    assert "1 failed" in done.stdout and "passed" in done.stdout
    (folder,) = (tmp_path / "place10-broken-mon-count").iterdir()
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["exit_code"] == 1 and summary["profile"]["version"] == "v5"


def test_unverifiable_is_its_own_category_and_exit_2() -> None:
    sample = paths.samples_dir() / "missing-bgppeers"
    done = _pytest(f"--snapshot={sample}", "-m", "bgp")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "1 unverifiable" in done.stdout


def test_a_bad_option_is_one_line_and_exit_4() -> None:
    done = _pytest("--snapshot=/nonexistent", "-m", "bgp")
    assert done.returncode == 4
    assert "ukic: snapshot /nonexistent: no such file or folder" in done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
