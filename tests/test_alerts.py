"""The alert rules (deploy/prometheus/ukic-alerts.yaml) with Prometheus' own promtool: valid, and each alert
firing and not firing as tests/deploy/*.test.yaml expect, descriptions word for word."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "deploy" / "prometheus" / "ukic-alerts.yaml"
RULE_TESTS = sorted((ROOT / "tests" / "deploy").glob("ukic-alerts*.test.yaml"))
PROMTOOL = shutil.which("promtool")
needs_promtool = pytest.mark.skipif(PROMTOOL is None, reason="promtool not found (Debian package prometheus)")
METRICS = {
    "ukic_cluster_conformant",
    "ukic_cluster_verdict",
    "ukic_scenario_failing",
    "ukic_scenario_unverifiable",
    "ukic_last_verified_timestamp_seconds",
}


@needs_promtool
def test_promtool_check_rules() -> None:
    done = subprocess.run([PROMTOOL, "check", "rules", str(RULES)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SUCCESS: 4 rules found" in done.stdout


@needs_promtool
def test_promtool_test_rules_firing_and_not_firing() -> None:
    done = subprocess.run(
        [PROMTOOL, "test", "rules", *(p.name for p in RULE_TESTS)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=RULE_TESTS[0].parent,
    )
    print(done.stdout)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("SUCCESS") == len(RULE_TESTS) == 2


def test_every_alert_is_tested_firing_and_says_cluster_and_remedy() -> None:
    rules = [rule for group in yaml.safe_load(RULES.read_text())["groups"] for rule in group["rules"]]
    fired = set()
    for test_file in RULE_TESTS:
        for case in yaml.safe_load(test_file.read_text())["tests"]:
            for check in case.get("alert_rule_test", []):
                if check["exp_alerts"]:
                    fired.add(check["alertname"])
    assert fired == {rule["alert"] for rule in rules}
    for rule in rules:
        description = rule["annotations"]["description"]
        assert "{{ $labels.cluster }}" in description and "emedy" in description, rule["alert"]
    used = {name for rule in rules for name in METRICS if name in rule["expr"] + rule["annotations"]["description"]}
    assert used == METRICS  # the rules read the metrics ukic serves, by their names
