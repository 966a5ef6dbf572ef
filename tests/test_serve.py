"""`ukic serve` as a process: metrics, probes, the table and reports over HTTP, watch, SIGTERM."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakeapi import FakeKubeAPI, write_kubeconfig
from tests.serving import Serving, serving
from ukic import paths
from ukic.sources.snapshot import SnapshotSource

pytest_plugins = ["tests.fakeapi.fixtures"]

SAMPLE = paths.samples_dir() / "v5-production"
BROKEN_POOL = paths.samples_dir() / "broken-ipip-pool"
POOLS = "ippools.crd.projectcalico.org"
WATCH_DEADLINE = 15.0  # the promise: a change is verified within 15 s
PLACE10 = {"cluster": "place10", "version": "v5", "type": "production"}


def conformant(served: Serving) -> float | None:
    return served.metric("ukic_cluster_conformant", **PLACE10)


@pytest.fixture
def sample_api(fake: FakeKubeAPI) -> FakeKubeAPI:
    """The fake API serving the conforming v5 production sample."""
    fake.serve_snapshot(SAMPLE)
    return fake


@pytest.fixture
def sample_kubeconfig(sample_api: FakeKubeAPI, tmp_path: Path) -> Path:
    return write_kubeconfig(tmp_path / "kubeconfig", sample_api.url)


@pytest.fixture(scope="module")
def served_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Serving]:
    """One `ukic serve` of the v5 production sample for the read-only checks (reports in <its tmp>/reports)."""
    folder = tmp_path_factory.mktemp("served")
    with serving(["--snapshot", str(SAMPLE), "--report-dir", str(folder / "reports")], folder) as served:
        served.wait_for(lambda: served.get("/readyz")[0] == 200, 60, "readiness")
        served.folder = folder  # type: ignore[attr-defined]
        yield served


@pytest.fixture
def served_alone(tmp_path: Path) -> Iterator[Serving]:
    """A `ukic serve` of the sample of the test's own (it gets stopped)."""
    with serving(["--snapshot", str(SAMPLE), "--report-dir", str(tmp_path / "reports")], tmp_path) as served:
        served.wait_for(lambda: served.get("/readyz")[0] == 200, 60, "readiness")
        yield served


@pytest.fixture
def watched(sample_kubeconfig: Path, tmp_path: Path) -> Iterator[Serving]:
    """`ukic serve --watch` of the fake API's place10, past its first watched conformant run."""
    args = ["--kubeconfig", str(sample_kubeconfig), "--cluster", "place10", "--watch", "--interval", "1h"]
    with serving([*args, "--report-dir", str(tmp_path / "reports")], tmp_path) as served:
        served.wait_for(lambda: "watching" in served.log and conformant(served) == 1, 60, "a watched conformant run")
        yield served


def broken_pool() -> dict:
    """The IP pool of the broken-ipip-pool sample (IPIP encapsulation: the manual wants none)."""
    return SnapshotSource(BROKEN_POOL).list(POOLS)[0]


def test_metrics_probes_table_and_report_of_a_conforming_cluster(served_snapshot: Serving) -> None:
    served = served_snapshot
    tmp_path = served.folder  # type: ignore[attr-defined]
    assert served.get("/healthz")[0] == 200
    assert conformant(served) == 1
    assert served.metric("ukic_cluster_verdict", cluster="place10", verdict="conformant") == 1
    assert served.metric("ukic_scenarios", cluster="place10", outcome="failed") == 0
    assert served.metric("ukic_scenarios", cluster="place10", outcome="passed") > 0
    assert served.metric("ukic_last_run_timestamp_seconds", cluster="place10") > time.time() - 120
    assert served.metric("ukic_run_duration_seconds", cluster="place10") > 0
    status, headers, page = served.get("/")
    assert status == 200 and "default-src 'none'" in headers["Content-Security-Policy"]
    html = page.decode()
    assert "<th>last verified</th>" in html and "server63 server65 server83" in html
    link = html.split('<a href="/reports/', 1)[1].split('"', 1)[0]
    status, headers, report = served.get(f"/reports/{link}")
    assert status == 200 and headers["Content-Type"].startswith("text/html") and b"place10" in report
    folder = tmp_path / "reports" / Path(link).parent
    assert report == (folder / "report.html").read_bytes()
    ledger = json.loads((tmp_path / "reports" / "ledger.json").read_text())
    assert ledger["clusters"]["place10"]["last_run"]["verdict"] == "conformant"


@pytest.mark.parametrize(
    "path",
    [
        "/reports/../ledger.json",
        "/reports/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/reports/place10/..%2f..%2f/report.html",
        "/reports/ledger.json",
        "/reports/place10/.tmp-x/report.html",
        "/reports/place10/x/ledger.json.lock",
        "//etc/passwd",
    ],
)
def test_nothing_outside_the_reports_is_served(served_snapshot: Serving, path: str) -> None:
    assert served_snapshot.get(path)[0] == 404


def test_reports_are_read_only(served_snapshot: Serving) -> None:
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        status, headers, _ = served_snapshot.get("/", method=method)
        assert status == 405 and headers["Allow"] == "GET, HEAD"


def test_sigterm_exits_0_within_5_seconds(served_alone: Serving) -> None:
    code, took = served_alone.terminate()
    assert code == 0, served_alone.log
    assert took < 5.0


def test_sigterm_abandons_a_hanging_run_within_5_seconds(fake: FakeKubeAPI, tmp_path: Path) -> None:
    fake.hang("/api/v1/nodes", seconds=60)
    kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", fake.url)
    reports = tmp_path / "reports"
    with serving(["--kubeconfig", str(kubeconfig), "--report-dir", str(reports)], tmp_path) as served:
        served.wait_for(lambda: any(r.path == "/api/v1/nodes" for r in fake.requests), 30, "the run's LIST of nodes")
        assert served.get("/readyz")[0] == 503
        code, took = served.terminate()
    assert code == 0 and took < 5.0, served.log
    assert "abandoned the run of fake" in served.log
    assert not [p for p in reports.rglob("*") if p.name.startswith(".tmp-")]


def test_an_unreachable_cluster_is_could_not_verify_never_a_stale_conformant(
    sample_api: FakeKubeAPI, sample_kubeconfig: Path, tmp_path: Path
) -> None:
    args = ["--kubeconfig", str(sample_kubeconfig), "--cluster", "place10", "--interval", "3s"]
    with serving([*args, "--report-dir", str(tmp_path / "reports"), "--connect-timeout", "1"], tmp_path) as served:
        served.wait_for(lambda: conformant(served) == 1, 60, "a conformant first run")
        sample_api.stop()  # the API server goes away
        try:
            served.wait_for(
                lambda: served.metric("ukic_cluster_verdict", cluster="place10", verdict="could not verify") == 1,
                60,
                "could not verify",
            )
            assert conformant(served) == 0
            assert served.get("/readyz")[0] == 200  # ready: it has run; the verdict is the metrics' business
        finally:
            sample_api.start()
    assert "place10: could not verify: cannot connect" in served.log


def test_watch_reverifies_within_15_seconds_of_a_change(sample_api: FakeKubeAPI, watched: Serving) -> None:
    changed = time.monotonic()
    sample_api.put(POOLS, broken_pool())
    watched.wait_for(lambda: conformant(watched) == 0, WATCH_DEADLINE, "the broken pool on /metrics")
    took = time.monotonic() - changed
    failing = watched.metric("ukic_scenario_failing", cluster="place10", id="bgp.pools-without-overlay")
    assert failing == 1
    watches = [r for r in sample_api.requests if "watch=1" in r.query]
    assert watches and all(r.method == "GET" for r in sample_api.requests)
    assert all("as=PartialObjectMetadata;" in r.accept for r in watches)  # metadata only: no Secret data
    assert took < WATCH_DEADLINE
    line = f"place10: changed: {POOLS}: modified default-ipv6-ippool"
    watched.wait_for(lambda: line in watched.log, 5, "the change in the log")


def test_watch_relists_after_410_and_reverifies(sample_api: FakeKubeAPI, watched: Serving) -> None:
    runs = watched.log.count("place10: conformant")
    sample_api.gone(POOLS)  # this resumed watch gets HTTP 410, the others an ERROR event holding 410
    sample_api.history.expire()  # every stream ends; every resourceVersion held is now too old
    watched.wait_for(lambda: f"{POOLS}: watch relisted after 410" in watched.log, 30, "the pools' relist")
    watched.wait_for(lambda: "nodes: watch relisted after 410" in watched.log, 30, "the nodes' relist")
    watched.wait_for(lambda: watched.log.count("place10: conformant") > runs, 30, "a run after the relist")
    types = watched.log.split("place10: watching ", 1)[1].splitlines()[0].split(", ")
    watched.wait_for(lambda: watched.log.count("relisted after 410") >= len(types), 30, "every watch relisted")
    assert "forbidden" not in watched.log


def test_inventory_serves_every_cluster_with_its_table_columns(tmp_path: Path) -> None:
    inventory = tmp_path / "clusters.yaml"
    inventory.write_text(
        "clusters:\n"
        + "".join(
            f"  - {{name: {name}, purpose: {purpose}, setup: HW, maintainer: Nico, version: v5, type: production,"
            f" v4_proxy: true, source: {{snapshot: {paths.samples_dir() / sample}}}}}\n"
            for name, purpose, sample in (
                ("place10", "production", "v5-production"),
                ("place10-ipip", "drifted", "broken-ipip-pool"),
            )
        )
    )
    with serving(["--inventory", str(inventory), "--report-dir", str(tmp_path / "reports")], tmp_path) as served:
        served.wait_for(lambda: served.get("/readyz")[0] == 200, 90, "both first runs")
        assert conformant(served) == 1
        assert served.metric("ukic_cluster_conformant", cluster="place10-ipip") == 0
        html = served.get("/")[2].decode()
    assert "<td>place10-ipip</td><td>drifted HW</td><td>Nico</td>" in html
    assert 'class="not-conformant">not conformant</td>' in html


def test_usage_errors_are_one_line_exit_4(tmp_path: Path) -> None:
    import subprocess
    import sys

    for args, message in (
        (["--interval", "soon"], "--interval: not a duration"),
        (["--listen", "nowhere"], "--listen nowhere: expected HOST:PORT"),
        (["--snapshot", str(SAMPLE), "--version", "v9"], "v9"),
        (["--inventory", "x.yaml", "--snapshot", "y"], "drop --snapshot"),
    ):
        done = subprocess.run(
            [sys.executable, "-m", "ukic", "serve", *args], capture_output=True, text=True, timeout=60, cwd=tmp_path
        )
        assert done.returncode == 4, (args, done.stderr)
        assert message in done.stderr and "Traceback" not in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1


def test_a_taken_port_is_one_line_exit_4(tmp_path: Path) -> None:
    import subprocess
    import sys

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "ukic", "serve", "--snapshot", str(SAMPLE), "--listen", f"127.0.0.1:{port}"],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=tmp_path,
        )
    assert done.returncode == 4 and "cannot listen there" in done.stderr and "Traceback" not in done.stderr
