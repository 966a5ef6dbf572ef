"""The pytest11 plugin stays out of the way of other projects' pytest sessions."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

OWN_TESTS = """
import pytest

@pytest.fixture
def selection():
    return "mine"

def test_own_fixture_wins(selection):
    assert selection == "mine"
"""

OWN_FEATURE = """Feature: Somebody else's cluster
  @id:not-ukic
  Scenario: Their own nodes
    Given the cluster's nodes
    Then there are two of them
"""

OWN_STEPS = """
from pytest_bdd import given, scenarios, then

scenarios("nodes.feature")

@given("the cluster's nodes", target_fixture="nodes")
def nodes():
    return ["a", "b"]

@then("there are two of them")
def two(nodes):
    assert len(nodes) == 2
"""


def run_pytest(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_an_unrelated_project_sees_no_ukic_fixture(tmp_path: Path) -> None:
    (tmp_path / "test_own.py").write_text(OWN_TESTS)
    listed = run_pytest(tmp_path, "--fixtures", "-q")
    assert listed.returncode == 0, listed.stdout + listed.stderr
    assert "ukic" not in listed.stdout  # no section of fixtures from ukic's plugin or its library
    for name in ("ukic_run", "cluster_state", "rules", "host_pool", "router_hosts", "pytestbdd_stepdef_given_the"):
        assert f"\n{name}" not in listed.stdout
    done = run_pytest(tmp_path, "-q")
    assert done.returncode == 0 and "1 passed" in done.stdout, done.stdout + done.stderr


def test_an_unrelated_pytest_bdd_project_keeps_its_own_steps_and_tags(tmp_path: Path) -> None:
    (tmp_path / "nodes.feature").write_text(OWN_FEATURE)
    (tmp_path / "test_nodes.py").write_text(OWN_STEPS)
    done = run_pytest(tmp_path, "-q", "-W", "ignore::pytest.PytestUnknownMarkWarning")
    assert done.returncode == 0 and "1 passed" in done.stdout, done.stdout + done.stderr
    marked = run_pytest(tmp_path, "-q", "-m", "id:not-ukic", "-W", "ignore::pytest.PytestUnknownMarkWarning")
    assert "1 passed" in marked.stdout, marked.stdout + marked.stderr  # their @id tag stays a pytest mark
