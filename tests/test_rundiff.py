"""ukic diff: outcome changes between two runs, new failures first, exit 1 only when something got worse."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.runs import make_run
from ukic.cli import main
from ukic.outcome import Outcome
from ukic.result import RunResult
from ukic.rundiff import diff_runs, load_run

P, F, W, U, N, X = (
    Outcome.PASSED,
    Outcome.FAILED,
    Outcome.WARNING,
    Outcome.UNVERIFIABLE,
    Outcome.NOT_APPLICABLE,
    Outcome.WAIVED,
)


def run(outcomes: dict[str, Outcome], finished: str = "2026-05-01T10:00:00Z") -> RunResult:
    return make_run("place10", outcomes, started=finished, finished=finished)


def test_changes_are_ordered_new_failures_first_then_worse_better_changed() -> None:
    before = run({"a": P, "b": P, "c": F, "d": W, "e": F, "f": P, "g": P, "gone": F})
    after = run({"a": P, "b": F, "c": P, "d": U, "e": U, "f": N, "g": X, "new": F})
    diff = diff_runs(before, after)
    assert [(c.id.split(".")[1], c.direction, c.new_failure) for c in diff.changes] == [
        ("b", "worse", True),
        ("new", "worse", True),
        ("d", "worse", False),  # warning -> unverifiable: we know less than before
        ("g", "worse", False),  # passed -> waived: a new, accepted failure is still worse
        ("c", "better", False),
        ("e", "changed", False),  # failed <-> unverifiable: neither better nor worse
        ("f", "changed", False),
        ("gone", "changed", False),
    ]
    assert diff.got_worse
    assert diff.changes[0].reason == "b is failed"
    assert next(c for c in diff.changes if c.id == "area.gone").reason == "gone is failed"


def test_only_improvements_are_not_worse() -> None:
    diff = diff_runs(run({"a": F, "b": W}), run({"a": P, "b": P, "c": P}))
    assert not diff.got_worse
    assert {c.id: c.direction for c in diff.changes} == {"area.a": "better", "area.b": "better", "area.c": "changed"}


def test_a_run_from_before_declared_ids_matches_by_title() -> None:
    old = run({"a": P, "b": P})
    for scenario in old.scenarios:
        scenario.id = scenario.title_key  # how summaries named scenarios before @id tags: "area::a"
    diff = diff_runs(old, run({"a": P, "b": F}))
    assert [(c.id, c.before, c.after) for c in diff.changes] == [("area.b", P, F)]


def write_summary(folder: Path, result: RunResult) -> Path:
    folder.mkdir(parents=True)
    (folder / "summary.json").write_text(json.dumps(result.to_dict()), encoding="utf-8")
    return folder


def test_diff_command_reads_folders_and_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = write_summary(tmp_path / "a", run({"a": P, "b": P}))
    bad = write_summary(tmp_path / "b", run({"a": P, "b": F}, "2026-05-02T10:00:00Z"))
    assert main(["diff", str(good), str(bad / "summary.json")]) == 1
    out = capsys.readouterr().out
    assert "new failures:\n  area.b: passed -> failed: b is failed" in out
    assert "1 changed, 1 for the worse" in out
    assert main(["diff", str(bad), str(good)]) == 0
    assert "area.b: failed -> passed: b is passed\n" in capsys.readouterr().out
    quiet = run({"a": P, "b": P})
    for scenario in quiet.scenarios:
        scenario.reason = ""  # a pass usually has nothing to say: no dangling ': '
    assert main(["diff", str(bad), str(write_summary(tmp_path / "c", quiet))]) == 0
    assert "area.b: failed -> passed\n" in capsys.readouterr().out
    assert main(["diff", str(good), str(good), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["changes"] == []


def test_diff_notes_different_profiles(tmp_path: Path) -> None:
    a, b = run({"a": P}), run({"a": P})
    b.profile = {**b.profile, "version": "v4", "digest": "sha256:2"}
    assert diff_runs(a, b).context_notes() == [
        "profile version differs: v5 vs v4",
        "profile digest differs: sha256:abc123 vs sha256:2",
    ]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "not found (no summary.json in that folder)"),
        ("{not json", "not valid JSON"),
        ('{"scenarios": [{"id": 1}]}', "not a ukic summary"),
    ],
)
def test_unreadable_input_is_exit_4(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, expected: str
) -> None:
    folder = tmp_path / "run"
    folder.mkdir()
    if content is not None:
        (folder / "summary.json").write_text(content, encoding="utf-8")
    good = write_summary(tmp_path / "good", run({"a": P}))
    assert main(["diff", str(good), str(folder)]) == 4
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err


def test_load_run_round_trips_a_summary(tmp_path: Path) -> None:
    result = run({"a": P, "b": X})
    assert load_run(write_summary(tmp_path / "r", result)) == result
