"""`ukic --help` and snapshot runs never import the kubernetes package (it is slow to import)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ukic import paths

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(*args: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    return {line.split("|")[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}


def test_help_does_not_import_kubernetes() -> None:
    modules = imported_modules("-m", "ukic", "--help")
    assert "ukic.cli" in modules  # the measurement works
    assert not [m for m in modules if m == "kubernetes" or m.startswith("kubernetes.")]


def test_a_snapshot_verify_does_not_import_kubernetes(tmp_path: Path) -> None:
    sample = paths.default_sample()
    if not sample.is_dir():
        pytest.skip(f"the bundled sample {sample} is not there yet")
    modules = imported_modules(
        "-m", "ukic", "verify", "--snapshot", str(sample), "--report-dir", str(tmp_path), "--color", "never"
    )
    assert "ukic.sources.snapshot" in modules
    assert not [m for m in modules if m == "kubernetes" or m.startswith("kubernetes.")]
