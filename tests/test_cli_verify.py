"""`ukic verify` as a user runs it: exit codes, one-line errors, reports that appear whole."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tests.snapshots import node, write_snapshot
from ukic import paths
from ukic.cli import main


def _ukic(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ukic", *args], capture_output=True, text=True, cwd=cwd, timeout=120)


@pytest.mark.parametrize(
    ("args", "code", "line"),
    [
        (["--snapshot", "/nonexistent/snap"], 4, "ukic: snapshot /nonexistent/snap: no such file or folder"),
        (["--version", "v9"], 4, "ukic: unknown infrastructure version 'v9' (known: v1, v2, v3, v4, v5)"),
        (["--type", "staging"], 4, "ukic: unknown cluster type 'staging' (known: development, production)"),
        (["--frobnicate"], 4, "ukic: error: unrecognized arguments: --frobnicate"),
    ],
)
def test_usage_errors_are_one_line_without_traceback(tmp_path: Path, args: list[str], code: int, line: str) -> None:
    done = _ukic("verify", "--report-dir", str(tmp_path / "reports"), *args)
    assert done.returncode == code
    assert done.stderr.strip().splitlines()[-1] == line
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "reports").exists()


def test_a_selection_pytest_cannot_read_is_one_line(tmp_path: Path) -> None:
    done = _ukic("verify", "--report-dir", str(tmp_path / "reports"), "-m", "bgp and (")
    assert done.returncode == 4
    (line,) = done.stderr.splitlines()  # pytest's own ERROR line and a blank one came first
    assert line.startswith("ukic: Wrong expression passed to '-m': bgp and (: at column 10"), line
    assert not (tmp_path / "reports").exists()


@pytest.mark.parametrize(
    ("command", "option", "value"),
    [
        (["verify"], "--read-timeout", "inf"),  # a deadline thread once died on it with a traceback
        (["verify"], "--connect-timeout", "nan"),
        (["detect", "--type", "production"], "--read-timeout", "-1"),
        (["capture", "-o", "snap"], "--exec-timeout", "0"),
    ],
)
def test_a_time_limit_must_be_a_bounded_positive_number(
    tmp_path: Path, command: list[str], option: str, value: str
) -> None:
    done = _ukic(*command, "--kubeconfig", str(tmp_path / "kc"), option, value, cwd=tmp_path)
    assert done.returncode == 4, done.stderr
    assert done.stderr.splitlines() == [
        f"ukic {command[0]}: error: argument {option}: '{value}': needs a number of seconds above 0, at most 86400"
    ]


def test_unreadable_snapshot_file_exits_2_and_writes_no_report(tmp_path: Path) -> None:
    snap = write_snapshot(tmp_path / "snap", {"nodes": [node("server63", "2a0a::1")]})
    (snap / "pods.yaml").write_text("items: [\n")
    done = _ukic("verify", "--snapshot", str(snap), "--report-dir", str(tmp_path / "reports"))
    assert done.returncode == 2
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith(f"ukic: snapshot file {snap}/pods.yaml: not valid YAML (line 2")
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "reports").exists()


def test_reports_are_written_and_unverifiable_is_never_passed(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    snap = write_snapshot(tmp_path / "snap", {"nodes": [node("server63", "2a0a::1")]}, name="mini")
    code = main(["verify", "--snapshot", str(snap), "--report-dir", str(tmp_path / "reports"), "-m", "control_plane"])
    out = capsys.readouterr().out
    assert code == 2
    assert "UNVERIFIABLE" in out and "pods: not captured" in out
    (folder,) = (tmp_path / "reports" / "mini").iterdir()
    assert sorted(p.name for p in folder.iterdir()) == [
        "cucumber.json",
        "junit.xml",
        "report.html",
        "summary.json",
        "summary.md",
    ]
    summary = json.loads((folder / "summary.json").read_text())
    assert {s["outcome"] for s in summary["scenarios"]} == {"unverifiable"}
    assert summary["exit_code"] == 2
    assert "<error" in (folder / "junit.xml").read_text()
    steps = [st for f in json.loads((folder / "cucumber.json").read_text()) for e in f["elements"] for st in e["steps"]]
    assert "passed" not in {st["result"]["status"] for st in steps if st["name"].startswith("a running etcd")}


def test_missing_file_sample_is_unverifiable_in_every_output(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    sample = paths.samples_dir() / "missing-bgppeers"
    code = main(["verify", "--snapshot", str(sample), "--report-dir", str(tmp_path), "--color", "never"])
    out = capsys.readouterr().out
    assert code == 2
    title = "Upstream peers keep the original next hop"
    assert any(line.startswith("  UNVERIFIABLE") and title in line for line in out.splitlines())
    assert "could not verify" in out.lower()
    (folder,) = (tmp_path / "place10-missing-bgppeers").iterdir()
    summary = json.loads((folder / "summary.json").read_text())
    (scenario,) = [s for s in summary["scenarios"] if s["name"] == title]
    assert scenario["outcome"] == "unverifiable" and "not captured" in scenario["reason"]
    junit = ElementTree.parse(folder / "junit.xml")
    (case,) = [c for c in junit.iter("testcase") if c.get("name") == "bgp.peer-keeps-next-hop"]
    assert case.find("error").get("type") == "unverifiable"
    cucumber = json.loads((folder / "cucumber.json").read_text())
    (element,) = [e for f in cucumber for e in f["elements"] if e["name"] == title]
    statuses = [step["result"]["status"] for step in element["steps"]]
    assert "pending" in statuses and statuses != ["passed"] * len(statuses)
    assert element["ukic_outcome"] == "unverifiable"


@pytest.mark.parametrize(("sample", "code"), [("v5-production", 0), ("broken-ipip-pool", 1)])
def test_a_reader_that_stops_reading_changes_neither_verdict_nor_reports(
    tmp_path: Path, sample: str, code: int
) -> None:
    """`ukic verify | head -1`: the pipe closes under the output; the run still writes its reports and
    ledger and exits with its verdict (it exited 0, 'conformant', for a broken cluster)."""
    snapshot = paths.samples_dir() / sample
    argv = [sys.executable, "-m", "ukic", "verify", "--snapshot", str(snapshot), "--report-dir", str(tmp_path)]
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader has gone before the first line
    stderr = process.stderr.read()
    assert process.wait(timeout=120) == code
    assert stderr == b""
    ledger = json.loads((tmp_path / "ledger.json").read_text())
    [cluster] = ledger["clusters"].values()
    assert cluster["last_run"]["exit_code"] == code
    assert list(tmp_path.glob("*/*/summary.json"))
