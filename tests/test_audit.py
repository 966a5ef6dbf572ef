"""ukic audit over the bundled samples: one table, the ledger, concurrency and interruption.

Audits run as real `ukic audit` processes (worker processes, signals and exit codes are
what is under test). The expected verdict of each sample comes from the sample catalogue
(fixtures/samplegen), not from this file.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import msgspec
import pytest
import yaml

from fixtures.samplegen.catalogue import SAMPLES
from tests.fakeapi import write_kubeconfig
from ukic.cli import main
from ukic.inventory import load_inventory

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "clusters.yaml"
EXAMPLE_WAIVERS = ROOT / "examples" / "waivers.yaml"
VERDICTS = {0: "conformant", 1: "not conformant", 2: "could not verify"}
EXPECTED_EXIT = {s.folder: s.exit_code for s in SAMPLES}
WAIVED = {"place10-mon-count"}  # examples/waivers.yaml waives this cluster's one failure


def ukic(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ukic", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )


def spawn_ukic(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "ukic", *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def entry(name: str, source: dict, version: str = "v5", cluster_type: str = "production") -> dict:
    return {
        "name": name, "purpose": "production", "setup": "HW", "maintainer": "Nico", "version": version,
        "type": cluster_type, "v4_proxy": True, "source": source,
    }  # fmt: skip


def example_entries() -> list[dict]:
    """The example inventory's clusters with absolute snapshot paths (the copy lives elsewhere)."""
    return [
        {
            **{k: v for k, v in msgspec.to_builtins(c, enc_hook=str).items() if k != "hosts"},
            "source": {"snapshot": str(c.source.snapshot)},
        }
        for c in load_inventory(EXAMPLE).clusters
    ]


def write_inventory(path: Path, entries: list[dict]) -> Path:
    path.write_text(yaml.safe_dump({"clusters": entries}, sort_keys=False), encoding="utf-8")
    return path


def closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP port that accepts connections and never answers: a cluster that hangs."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        s.listen(16)
        yield s.getsockname()[1]


def sample_of(snapshot: str | None) -> str | None:
    return Path(snapshot).name if snapshot else None


def read_ledger(reports: Path) -> dict:
    return json.loads((reports / "ledger.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def example_audit(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One audit of the example inventory plus a cluster whose API port is closed."""
    work = tmp_path_factory.mktemp("audit")
    kubeconfig = write_kubeconfig(work / "gone.conf", f"https://127.0.0.1:{closed_port()}", context="admin@gone")
    entries = [*example_entries(), entry("gone", {"kubeconfig": str(kubeconfig), "context": "admin@gone"})]
    inventory = write_inventory(work / "clusters.yaml", entries)
    reports = work / "reports"
    started = time.perf_counter()
    done = ukic(
        "audit", str(inventory), "--report-dir", str(reports), "--parallel", "4", "--waivers", str(EXAMPLE_WAIVERS)
    )
    assert done.returncode in (0, 1, 2), done.stderr
    return {
        "done": done,
        "seconds": time.perf_counter() - started,
        "entries": entries,
        "inventory": inventory,
        "reports": reports,
    }


def expected_exit(cluster: dict) -> int:
    """The sample's declared exit code; 0 for the cluster whose one failure the example waives; 2 unreachable."""
    sample = sample_of(cluster["source"].get("snapshot"))
    if sample is None:
        return 2
    return 0 if cluster["name"] in WAIVED else EXPECTED_EXIT[sample]


def test_audit_verdicts_match_each_samples_declared_outcome(example_audit: dict) -> None:
    done = example_audit["done"]
    ledger = read_ledger(example_audit["reports"])["clusters"]
    expected_codes = []
    for cluster in example_audit["entries"]:
        expected = expected_exit(cluster)
        expected_codes.append(expected)
        last = ledger[cluster["name"]]["last_run"]
        assert last["verdict"] == VERDICTS[expected], (cluster["name"], last)
        assert last["version"] == cluster["version"] and last["type"] == cluster["type"]
    assert {1, 2} <= set(expected_codes)  # the inventory has broken and unreadable clusters
    assert done.returncode == 1, done.stderr  # the worst: a failure outranks "could not verify"
    assert "Traceback" not in done.stderr


def test_audit_prints_one_row_per_cluster_and_the_unreachable_error(example_audit: dict) -> None:
    out = example_audit["done"].stdout
    for cluster in example_audit["entries"]:
        row = next(line for line in out.splitlines() if line.startswith(f"│ {cluster['name']} "))
        assert cluster["version"] in row
    gone = next(line for line in out.splitlines() if line.startswith("│ gone "))
    assert "could not verify" in gone and "cannot connect" in gone
    assert "gone: cannot connect to the Kubernetes API at https://127.0.0.1:" in out


def test_audit_ledger_points_at_written_reports_with_the_same_counts(example_audit: dict) -> None:
    reports = example_audit["reports"]
    ledger = read_ledger(reports)["clusters"]
    for cluster in example_audit["entries"]:
        last = ledger[cluster["name"]]["last_run"]
        if cluster["name"] == "gone":
            assert last["report"] is None and last["counts"] is None
            continue
        summary = json.loads((reports / last["report"] / "summary.json").read_text(encoding="utf-8"))
        assert summary["cluster"] == cluster["name"]
        assert summary["counts"] == last["counts"]
        assert last["facts"]["masters"], "control-plane nodes are read from the snapshot"


def test_ledger_md_shows_todays_date_for_conforming_clusters_only(example_audit: dict) -> None:
    done = ukic("ledger", "--format", "md", "--report-dir", str(example_audit["reports"]),
                "--inventory", str(example_audit["inventory"]))  # fmt: skip
    assert done.returncode == 0, done.stderr
    today = datetime.now(UTC).date().isoformat()
    rows = {line.split(" | ")[0].lstrip("| "): line for line in done.stdout.splitlines()[2:]}
    for cluster in example_audit["entries"]:
        conforming = expected_exit(cluster) == 0
        row = rows[cluster["name"]]
        # the example inventory gives no hosts: the node and router scenarios are not applicable
        assert row.endswith(f"| {today} (API only) |") if conforming else row.endswith("| never |"), row
    place10 = rows["place10"]
    assert "| server63 server65 server83 | x | x | x |" in place10  # masters, argo, rook from the run


def test_audit_reports_the_waived_failure_as_waived(example_audit: dict) -> None:
    reports = example_audit["reports"]
    (name,) = WAIVED
    last = read_ledger(reports)["clusters"][name]["last_run"]
    assert last["counts"]["waived"] == 1 and last["counts"]["failed"] == 0 and last["counts"]["passed"] > 0
    summary = json.loads((reports / last["report"] / "summary.json").read_text(encoding="utf-8"))
    waived = [s for s in summary["scenarios"] if s["outcome"] == "waived"]
    assert [s["waiver"]["ticket"] for s in waived] == ["OPS-4711"]
    assert "mon" in waived[0]["reason"]  # the failure's reason is kept


def test_waiver_expiry_through_verify_with_a_fixed_clock() -> None:
    from ukic.run import VerifyRequest, verify
    from ukic.sources.snapshot import SnapshotSource
    from ukic.waivers import load_waivers

    (name,) = WAIVED
    cluster = load_inventory(EXAMPLE).get(name)
    (waiver,) = load_waivers(EXAMPLE_WAIVERS)
    last_day = datetime.combine(waiver.expires, datetime.max.time(), UTC)
    outcomes = {}
    for label, now in (("last day", last_day), ("day after", last_day + timedelta(seconds=1))):
        result = verify(
            VerifyRequest(
                source=SnapshotSource(cluster.source.snapshot), version=cluster.version, cluster_type=cluster.type,
                cluster=name, waivers=EXAMPLE_WAIVERS, now=now,
            )
        )  # fmt: skip
        outcomes[label] = result
    assert outcomes["last day"].exit_code == 0 and outcomes["last day"].counts["waived"] == 1
    after = outcomes["day after"]
    assert after.exit_code == 1 and after.counts["waived"] == 0
    failed = [s for s in after.scenarios if s.outcome.value == "failed"]
    assert [s.reason.endswith(f"(waiver OPS-4711 expired on {waiver.expires})") for s in failed] == [True]


def test_malformed_waivers_stop_the_audit_before_any_cluster(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inventory = write_inventory(tmp_path / "clusters.yaml", example_entries()[:1])
    bad = tmp_path / "waivers.yaml"
    bad.write_text("waivers:\n  - cluster: p\n    scenario: s\n", encoding="utf-8")
    assert main(["audit", str(inventory), "--report-dir", str(tmp_path / "r"), "--waivers", str(bad)]) == 4
    assert f"{bad}: waiver #1: missing key" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()


def test_bad_inventory_is_exit_4_naming_cluster_and_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inventory = write_inventory(tmp_path / "clusters.yaml", [entry("place10", {"snapshot": "a", "manifests": "b"})])
    assert main(["audit", str(inventory)]) == 4
    assert "cluster 'place10': source: needs exactly one of snapshot, kubeconfig, manifests" in capsys.readouterr().err
    unknown = write_inventory(tmp_path / "v9.yaml", [entry("place10", {"snapshot": "a"}, version="v9")])
    assert main(["audit", str(unknown), "--report-dir", str(tmp_path / "r")]) == 4
    assert "cluster 'place10': version: unknown infrastructure version 'v9'" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()


def test_two_concurrent_audits_share_one_ledger(tmp_path: Path) -> None:
    entries = example_entries()
    first = write_inventory(tmp_path / "a.yaml", entries[:2])
    second = write_inventory(tmp_path / "b.yaml", entries[1:3])  # entries[1] is audited by both
    reports = tmp_path / "reports"
    audits = [spawn_ukic("audit", str(inv), "--report-dir", str(reports), "--parallel", "2") for inv in (first, second)]
    for audit in audits:
        audit.communicate(timeout=180)
        assert audit.returncode in (0, 1, 2)
    ledger = read_ledger(reports)
    assert sorted(ledger["clusters"]) == sorted(e["name"] for e in entries[:3])
    assert len(ledger["clusters"][entries[1]["name"]]["history"]) == 2
    assert not [p.name for p in reports.iterdir() if p.name.startswith(".ledger")]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_audit_keeps_finished_clusters_in_the_ledger(
    tmp_path: Path, silent_server: int, signum: signal.Signals
) -> None:
    hanging = write_kubeconfig(tmp_path / "hang.conf", f"http://127.0.0.1:{silent_server}", context="admin@hang")
    finished = example_entries()[4]
    inventory = write_inventory(tmp_path / "clusters.yaml", [entry("hangs", {"kubeconfig": str(hanging)}), finished])
    reports = tmp_path / "reports"
    audit = spawn_ukic("audit", str(inventory), "--report-dir", str(reports), "--parallel", "2")
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if (reports / "ledger.json").exists() and finished["name"] in read_ledger(reports)["clusters"]:
            break
        assert audit.poll() is None, audit.communicate()
        time.sleep(0.1)
    else:
        audit.kill()
        pytest.fail("the snapshot cluster never reached the ledger")
    sent = time.monotonic()
    os.kill(audit.pid, signum)
    out, err = audit.communicate(timeout=30)
    assert audit.returncode == 3, err
    assert time.monotonic() - sent < 10  # the hanging worker was stopped, not waited for
    assert "audit interrupted" in err
    clusters = read_ledger(reports)["clusters"]
    assert list(clusters) == [finished["name"]]
    assert clusters[finished["name"]]["last_run"]["verdict"] == "conformant"
    assert not [p.name for p in reports.iterdir() if p.name.startswith(".ledger")]
    assert f"│ {finished['name']} " in out and "not run" in out


def test_diff_between_a_conforming_and_a_broken_run(example_audit: dict, capsys: pytest.CaptureFixture[str]) -> None:
    reports = example_audit["reports"]
    ledger = read_ledger(reports)["clusters"]
    good = reports / ledger["place10"]["last_run"]["report"]
    broken = reports / ledger["place10-ipip-pool"]["last_run"]["report"]
    assert main(["diff", str(good), str(broken)]) == 1
    out = capsys.readouterr().out
    assert "note: different clusters: place10 vs place10-ipip-pool" in out
    first_change = out.split("new failures:\n", 1)[1].splitlines()[0]
    assert first_change.startswith("  bgp.pools-without-overlay") and "passed -> failed" in first_change
    assert main(["diff", str(broken), str(good / "summary.json")]) == 0
    assert "failed -> passed" in capsys.readouterr().out
