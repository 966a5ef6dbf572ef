"""write_report_dir: all five files under reports/<cluster>/<UTC timestamp>/, all or nothing."""

from __future__ import annotations

import json
import os
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.browser.report_runs import all_outcomes_run
from ukic.report import writer
from ukic.report.summary_json import load_summary
from ukic.report.writer import cluster_folder_name, run_folder_name, write_report_dir

FILES = {"summary.json", "junit.xml", "cucumber.json", "summary.md", "report.html"}


def test_writes_all_five_files_under_cluster_and_utc_timestamp(tmp_path: Path) -> None:
    result = all_outcomes_run()
    folder = write_report_dir(result, tmp_path)
    assert folder == tmp_path / "place10" / "2026-11-26T201500Z"
    assert {p.name for p in folder.iterdir()} == FILES
    assert load_summary((folder / "summary.json").read_text(encoding="utf-8")) == result
    ET.parse(folder / "junit.xml")
    assert len(json.loads((folder / "cucumber.json").read_text(encoding="utf-8"))) == 2
    assert (folder / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in (tmp_path / "place10").iterdir()] == ["2026-11-26T201500Z"]  # no temp left


def test_same_second_gets_a_numbered_suffix(tmp_path: Path) -> None:
    result = all_outcomes_run()
    first = write_report_dir(result, tmp_path)
    second = write_report_dir(result, tmp_path)
    third = write_report_dir(result, tmp_path)
    assert [first.name, second.name, third.name] == [
        "2026-11-26T201500Z",
        "2026-11-26T201500Z-2",
        "2026-11-26T201500Z-3",
    ]
    assert all({p.name for p in f.iterdir()} == FILES for f in (first, second, third))


def test_concurrent_writers_never_share_a_folder(tmp_path: Path) -> None:
    result = all_outcomes_run()
    folders: list[Path] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            folders.append(write_report_dir(result, tmp_path))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(set(folders)) == 6
    assert sorted(p.name for p in (tmp_path / "place10").iterdir()) == sorted(f.name for f in folders)


def test_a_failing_renderer_leaves_no_report_and_no_temp(tmp_path: Path, monkeypatch) -> None:
    calls: list[str] = []

    def boom(result) -> str:
        calls.append("html")
        raise RuntimeError("renderer broke midway")

    monkeypatch.setitem(writer.RENDERERS, "report.html", boom)
    with pytest.raises(RuntimeError, match="renderer broke midway"):
        write_report_dir(all_outcomes_run(), tmp_path)
    assert calls == ["html"]  # it failed after the earlier files were written
    assert list((tmp_path / "place10").iterdir()) == []


def test_a_failing_rename_leaves_no_report_and_no_temp(tmp_path: Path, monkeypatch) -> None:
    def refuse(src, dst) -> None:
        raise PermissionError(13, "Permission denied", str(dst))

    monkeypatch.setattr(writer.os, "rename", refuse)
    with pytest.raises(PermissionError):
        write_report_dir(all_outcomes_run(), tmp_path)
    assert list((tmp_path / "place10").iterdir()) == []


def test_files_are_flushed_before_the_rename(tmp_path: Path, monkeypatch) -> None:
    """Each file and the folder are fsynced, and only then renamed into place."""
    events: list[str] = []
    real_fsync, real_rename = os.fsync, os.rename

    def fsync(fd: int) -> None:
        events.append("fsync")
        real_fsync(fd)

    def rename(src, dst) -> None:
        events.append("rename")
        real_rename(src, dst)

    monkeypatch.setattr(writer.os, "fsync", fsync)
    monkeypatch.setattr(writer.os, "rename", rename)
    write_report_dir(all_outcomes_run(), tmp_path)
    # five files + the temp folder before the rename, the cluster folder after it
    assert events == ["fsync"] * 6 + ["rename", "fsync"]


@pytest.mark.parametrize(
    ("started_at", "name"),
    [
        ("2026-11-26T20:15:00Z", "2026-11-26T201500Z"),
        ("2026-11-26T20:15:00.999+00:00", "2026-11-26T201500Z"),
        ("2026-11-26T21:15:00+01:00", "2026-11-26T201500Z"),
        ("2026-11-26T20:15:00", "2026-11-26T201500Z"),
    ],
)
def test_run_folder_name_is_utc(started_at: str, name: str) -> None:
    assert run_folder_name(started_at) == name


def test_run_folder_name_falls_back_to_now() -> None:
    name = run_folder_name("not a time")
    assert len(name) == len("2026-11-26T201500Z") and name.endswith("Z")


@pytest.mark.parametrize(
    ("cluster", "folder"),
    [("place10", "place10"), ("../etc", "_etc"), ("a/b c", "a_b_c"), ("", "unnamed"), (".hidden", "hidden")],
)
def test_cluster_folder_name_stays_one_safe_folder(cluster: str, folder: str) -> None:
    assert cluster_folder_name(cluster) == folder
