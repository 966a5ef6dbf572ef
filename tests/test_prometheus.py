"""A real Prometheus (Debian's prometheus) scrapes `ukic serve`, which reads the fake API over HTTP.

The scraped ukic_cluster_conformant is 1 for the conforming v5 production sample, and 0 within
15 s after the fake API turns an IP pool into the broken-ipip-pool sample's (with --watch; the
interval is an hour, so only the watch can have noticed). Prometheus also loads the alert rules:
the scenario-failing alert goes pending with the scenario id and the manual's remedy filled in.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.fakeapi import FakeKubeAPI, write_kubeconfig
from tests.serving import serving
from ukic import paths
from ukic.sources.snapshot import SnapshotSource

pytest_plugins = ["tests.fakeapi.fixtures"]

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "deploy" / "prometheus" / "ukic-alerts.yaml"
PROMETHEUS = shutil.which("prometheus")
POOLS = "ippools.crd.projectcalico.org"
WATCH_DEADLINE = 15.0
CONFORMANT = 'ukic_cluster_conformant{cluster="place10"}'

pytestmark = pytest.mark.skipif(PROMETHEUS is None, reason="prometheus not found (Debian package prometheus)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Prometheus:
    """Prometheus on loopback scraping one target every second, with ukic's alert rules loaded."""

    def __init__(self, folder: Path, target: str) -> None:
        config = {
            "global": {"scrape_interval": "1s", "scrape_timeout": "1s", "evaluation_interval": "1s"},
            "rule_files": [str(RULES)],
            "scrape_configs": [{"job_name": "ukic", "static_configs": [{"targets": [target]}]}],
        }
        (folder / "prometheus.yml").write_text(yaml.safe_dump(config))
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.log = (folder / "prometheus.log").open("w")
        self.process = subprocess.Popen(
            [
                str(PROMETHEUS),
                f"--config.file={folder / 'prometheus.yml'}",
                f"--storage.tsdb.path={folder / 'data'}",
                f"--web.listen-address=127.0.0.1:{port}",
                "--log.level=warn",
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def api(self, path: str, **params: str) -> Any:
        url = f"{self.url}/api/v1/{path}?{urllib.parse.urlencode(params)}"
        with urllib.request.urlopen(url, timeout=5) as response:
            return json.load(response)

    def value(self, expr: str) -> float | None:
        """The instant value of a one-series expression, None when there is none (yet)."""
        try:
            result = self.api("query", query=expr)["data"]["result"]
        except OSError:
            return None
        return float(result[0]["value"][1]) if result else None

    def wait_for(self, expr: str, wanted: float, timeout: float) -> float:
        """Seconds until ``expr`` reads ``wanted``."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.value(expr) == wanted:
                return time.monotonic() - started
            assert self.process.poll() is None, "prometheus exited"
            time.sleep(0.2)
        raise AssertionError(f"{expr} did not become {wanted} within {timeout} s (last: {self.value(expr)})")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


@pytest.fixture
def prometheus_and_serve(fake: FakeKubeAPI, tmp_path: Path) -> Iterator[tuple[Prometheus, FakeKubeAPI]]:
    fake.serve_snapshot(paths.samples_dir() / "v5-production")
    kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", fake.url)
    args = ["--kubeconfig", str(kubeconfig), "--cluster", "place10", "--watch", "--interval", "1h"]
    with serving([*args, "--report-dir", str(tmp_path / "reports")], tmp_path) as served:
        target = served.url.removeprefix("http://").rstrip("/")
        prometheus = Prometheus(tmp_path, target)
        try:
            yield prometheus, fake
        finally:
            prometheus.stop()


def test_prometheus_scrapes_conformant_then_the_watched_breakage(
    prometheus_and_serve: tuple[Prometheus, FakeKubeAPI],
) -> None:
    prometheus, fake = prometheus_and_serve
    prometheus.wait_for(CONFORMANT, 1.0, timeout=90)
    print("before:", json.dumps(prometheus.api("query", query=CONFORMANT)["data"]["result"]))

    broken = SnapshotSource(paths.samples_dir() / "broken-ipip-pool").list(POOLS)[0]
    fake.put(POOLS, broken)
    took = prometheus.wait_for(CONFORMANT, 0.0, timeout=WATCH_DEADLINE)
    after = prometheus.api("query", query=CONFORMANT)["data"]["result"]
    print(f"after {took:.1f} s:", json.dumps(after))
    assert took < WATCH_DEADLINE

    failing = prometheus.api("query", query="ukic_scenario_failing == 1")["data"]["result"]
    assert [(r["metric"]["cluster"], r["metric"]["id"]) for r in failing] == [("place10", "bgp.pools-without-overlay")]
    assert "calicoctl patch ippool default-ipv6-ippool" in failing[0]["metric"]["remedy"]
    assert prometheus.value('ukic_cluster_verdict{cluster="place10",verdict="not conformant"}') == 1
    assert prometheus.value('ukic_scenarios{cluster="place10",outcome="failed"}') == 1

    deadline = time.monotonic() + 10
    pending: list[dict] = []
    while time.monotonic() < deadline and not pending:
        alerts = prometheus.api("alerts")["data"]["alerts"]
        pending = [a for a in alerts if a["labels"]["alertname"] == "UkicScenarioFailing"]
        time.sleep(0.5)
    assert pending and pending[0]["state"] == "pending"  # `for: 15m` has not passed
    description = pending[0]["annotations"]["description"]
    print("alert:", description)
    assert "Scenario bgp.pools-without-overlay has failed on cluster place10" in description
    assert "calicoctl patch ippool default-ipv6-ippool" in description
