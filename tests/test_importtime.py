"""A lean start: each command imports only what it uses (the kubernetes client, pydantic, rich and
testinfra are slow to import), and a verify starts pytest with only its own plugins."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ukic import paths

ROOT = Path(__file__).resolve().parent.parent
#: Packages no command needs to start; each is imported by the code that uses it.
HEAVY = ("kubernetes", "pydantic", "rich", "testinfra", "pytest", "yaml")
#: Installed pytest plugins a verify must not load (pytest's plugin autoload is off for it).
UNRELATED_PLUGINS = ("pytest_httpserver", "werkzeug", "testinfra")


#: Runs the command line in-process, then lists every module loaded by the end on stderr.
PROBE = """
import sys
from ukic.cli import main
try:
    main(sys.argv[1:])
except SystemExit:  # --help
    pass
sys.stderr.write("\\n".join(sys.modules))
"""


def imported_modules(*args: str) -> set[str]:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    return set(done.stderr.splitlines())


def loaded(modules: set[str], package: str) -> bool:
    return any(m == package or m.startswith(package + ".") for m in modules)


def test_help_imports_none_of_the_heavy_packages() -> None:
    modules = imported_modules("--help")
    assert "ukic.cli" in modules  # the measurement works
    assert [p for p in HEAVY if loaded(modules, p)] == []


def test_a_snapshot_verify_loads_only_what_it_uses(tmp_path: Path) -> None:
    sample = paths.default_sample()
    if not sample.is_dir():
        pytest.skip(f"the bundled sample {sample} is not there yet")
    modules = imported_modules("verify", "--snapshot", str(sample), "--no-reports", "--color", "never")
    assert "ukic.sources.snapshot" in modules
    assert "pytest_bdd.plugin" in modules  # the measurement works
    # profiles are msgspec Structs; the host modules (testinfra's pool, the parsers) wait for a run with hosts
    unused = ("kubernetes", "pydantic", "rich", "ukic.hosts.pool", "testinfra", *UNRELATED_PLUGINS)
    assert [p for p in unused if loaded(modules, p)] == []
