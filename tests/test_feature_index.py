"""Declared scenario ids: one per scenario, unique, of the form area.slug, checked before anything runs."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ukic import paths
from ukic.errors import UsageError
from ukic.feature_index import ID_PATTERN, PLACEHOLDER, load_features

CHECKOUT = Path(__file__).resolve().parent.parent
FEATURE = """@area
Feature: Something
  @id:area.first
  Scenario: First
    Given the cluster's nodes
    Then every node reports Ready
{extra}"""


def features(tmp_path: Path, extra: str, name: str = "area.feature") -> Path:
    folder = tmp_path / "features"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(FEATURE.format(extra=extra), encoding="utf-8")
    return folder


def test_every_bundled_scenario_has_a_unique_slug_id() -> None:
    specs = load_features(paths.features_dir())
    ids = [s.id for s in specs]
    assert len(ids) == len(set(ids)) and len(ids) > 30
    for spec in specs:
        assert ID_PATTERN.match(PLACEHOLDER.sub("x", spec.id)), spec.id
        assert spec.id.split(".")[0] == spec.stem  # the area is the feature file's


def test_the_id_does_not_depend_on_the_title(tmp_path: Path) -> None:
    folder = features(tmp_path, "")
    (first,) = load_features(folder)
    (folder / "area.feature").write_text(FEATURE.format(extra="").replace("Scenario: First", "Scenario: Renamed"))
    (renamed,) = load_features(folder)
    assert (first.id, renamed.id, renamed.name) == ("area.first", "area.first", "Renamed")


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        ("  Scenario: No id\n    Given x\n", "features/area.feature:8: scenario 'No id' has no @id:area.slug tag"),
        (
            "  @id:area.first\n  Scenario: Again\n    Given x\n",
            "features/area.feature:9: id 'area.first' is already used by area.feature:4",
        ),
        ("  @id:area.a @id:area.b\n  Scenario: Two\n    Given x\n", "has 2 @id tags (area.a, area.b)"),
        ("  @id:Area.Title_Case\n  Scenario: Case\n    Given x\n", "is not of the form area.slug"),
        ("  @id:area\n  Scenario: No slug\n    Given x\n", "is not of the form area.slug"),
        (
            "  @id:area.<x>-y\n  Scenario Outline: Static <x>\n    Given <x>\n\n"
            "    Examples:\n      | x |\n      | 1 |\n",
            'ukic fills Examples from the profile; give one block `Examples: from the profile rule "<key>"`',
        ),
        (
            "  @id:area.gen\n  Scenario Outline: Gen <x>\n    Given <x>\n\n"
            '    Examples: from the profile rule "components.require"\n      | x |\n',
            "its id must hold <x> to stay unique per example",
        ),
        ("  @id:area.placeholder\n  Scenario: P\n    Given <y>\n", "uses <y>, which no generated Examples column"),
        ("  @id:area.table\n  Scenario: Table\n    Given x\n      | a | b |\n      | 1 |\n", "not valid Gherkin"),
    ],
)
def test_problems_are_one_line_naming_file_and_line(tmp_path: Path, extra: str, problem: str) -> None:
    with pytest.raises(UsageError) as caught:
        load_features(features(tmp_path, "\n" + extra))
    assert problem in caught.value.message and "\n" not in caught.value.message
    assert caught.value.exit_code == 4


def test_ids_are_unique_across_feature_files(tmp_path: Path) -> None:
    folder = features(tmp_path, "")
    features(tmp_path, "", name="other.feature")
    with pytest.raises(
        UsageError, match=r"features/other.feature:4: id 'area.first' is already used by area.feature:4"
    ):
        load_features(folder)


def _pytest_over(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", str(folder), "-q", "-p", "no:cacheprovider", *args],
        capture_output=True,
        text=True,
        cwd=CHECKOUT,
        timeout=300,
    )


def edited_features(tmp_path: Path, file: str, old: str, new: str) -> Path:
    """A copy of the bundled features (with their binding module) with one edit."""
    copy = tmp_path / "features"
    shutil.copytree(paths.features_dir(), copy)
    text = (copy / file).read_text()
    assert old in text
    (copy / file).write_text(text.replace(old, new))
    return copy


def test_a_duplicate_id_stops_collection_with_exit_4(tmp_path: Path) -> None:
    copy = edited_features(tmp_path, "bgp.feature", "@id:bgp.private-asn", "@id:bgp.node-mesh")
    done = _pytest_over(copy, f"--snapshot={paths.default_sample()}")
    assert done.returncode == 4, done.stdout + done.stderr
    assert "ukic: features/bgp.feature:" in done.stdout + done.stderr
    assert "id 'bgp.node-mesh' is already used by bgp.feature:" in done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr


def test_a_rule_no_model_has_stops_collection_with_exit_4(tmp_path: Path) -> None:
    copy = edited_features(tmp_path, "bgp.feature", '"bgp.private_asn"', '"bgp.private_as"')
    done = _pytest_over(copy, f"--snapshot={paths.default_sample()}")
    assert done.returncode == 4, done.stdout + done.stderr
    assert "names profile rule 'bgp.private_as', which the profile and cluster-type models do not have" in done.stdout


def test_a_step_without_definition_is_unverifiable_never_passed(tmp_path: Path) -> None:
    copy = edited_features(tmp_path, "topology.feature", "Then every node reports Ready", "Then every node hums")
    reports = tmp_path / "reports"
    done = _pytest_over(copy, f"--snapshot={paths.default_sample()}", "-m", "topology", f"--ukic-report-dir={reports}")
    assert done.returncode == 2, done.stdout + done.stderr
    (summary,) = reports.glob("*/*/summary.json")
    ready = next(s for s in json.loads(summary.read_text())["scenarios"] if s["id"] == "topology.nodes-ready")
    assert ready["outcome"] == "unverifiable"
    assert ready["reason"] == 'no step definition: Then "every node hums"'
    assert [st["ran"] for st in ready["steps"]] == [True, True]
