"""The fleet workflow (examples/argo/cronworkflow-audit.yaml): valid for Argo Workflows, and its steps'
own commands, run here in order as the engine would run them, give every cluster its verdict in one ledger.

The schema is Argo Workflows v3.2.11's (tests/deploy/schemas/SOURCES.md), made strict: an unknown
field anywhere is an error, as a typo would be.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from tests.jsonschemas import strict
from ukic import paths
from ukic.ledger import load_ledger

ROOT = Path(__file__).resolve().parent.parent
SH = shutil.which("sh") or "/bin/sh"  # the steps' shell; /bin/sh is there even with only the venv on PATH
WORKFLOW = ROOT / "examples" / "argo" / "cronworkflow-audit.yaml"
SCHEMA = ROOT / "tests" / "deploy" / "schemas" / "argo-workflows-v3.2.11-cronworkflow.json"
CLUSTERS = {"place10": "v5-production", "place10-ipip": "broken-ipip-pool", "p7-dev": "v1-development"}
EXPECTED = {
    "place10": "conformant",
    "place10-ipip": "not conformant",
    "p7-dev": "conformant",
    "gone": "could not verify",
}


def validator() -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(strict(json.loads(SCHEMA.read_text())))


def workflow() -> dict[str, Any]:
    return yaml.safe_load(WORKFLOW.read_text())


def templates(doc: dict[str, Any]) -> dict[str, Any]:
    return {t["name"]: t for t in doc["spec"]["workflowSpec"]["templates"]}


def test_the_cronworkflow_validates_against_argo_workflows_schema() -> None:
    errors = [f"{list(e.path)}: {e.message}" for e in validator().iter_errors(workflow())]
    assert errors == []


@pytest.mark.parametrize(
    ("where", "change"),
    [
        (
            "a misspelt withParam",
            lambda d: d["spec"]["workflowSpec"]["templates"][0]["steps"][1][0].update(withParams="x"),
        ),
        ("a wrong type", lambda d: d["spec"].update(concurrencyPolicy=3)),
        ("an unknown container field", lambda d: templates(d)["verify"]["container"].update(volumeMount=[])),
    ],
)
def test_the_strict_schema_catches_mistakes(where: str, change: Any) -> None:
    broken = copy.deepcopy(workflow())
    change(broken)
    assert list(validator().iter_errors(broken)), where


def test_every_workflow_parameter_is_used_and_every_used_one_declared() -> None:
    """A declared parameter nothing reads (`argo submit -p name=...` changing nothing) is as wrong as a missing one."""
    declared = {p["name"] for p in workflow()["spec"]["workflowSpec"]["arguments"]["parameters"]}
    used = set(re.findall(r"\{\{workflow\.parameters\.([\w-]+)\}\}", WORKFLOW.read_text()))
    assert declared == used


def test_the_workflow_fans_out_over_ukic_audit_list_and_merges_at_the_end() -> None:
    spec = workflow()["spec"]["workflowSpec"]
    steps = templates(workflow())[spec["entrypoint"]]["steps"]
    assert [[s["template"] for s in group] for group in steps] == [["list"], ["verify"], ["merge"]]
    assert steps[1][0]["withParam"] == "{{steps.list.outputs.result}}"
    assert "ukic audit /etc/ukic/inventory/clusters.yaml --list" in templates(workflow())["list"]["script"]["source"]
    verify = templates(workflow())["verify"]
    assert verify["container"]["args"][0] == "verify" and verify["outputs"]["artifacts"][0]["path"] == "/tmp/reports"


class Engine:
    """Runs the workflow's step commands on this machine, with the pod paths mapped to folders."""

    def __init__(self, tmp_path: Path) -> None:
        self.inventory = tmp_path / "inventory"
        self.artifacts = tmp_path / "artifacts"  # what the merge step's key prefix downloads
        self.fleet = tmp_path / "fleet"
        self.paths = {"/etc/ukic/inventory": str(self.inventory), "/tmp/in": str(self.artifacts),
                      "/var/lib/ukic": str(self.fleet)}  # fmt: skip
        bin_dir = str(Path(sys.executable).parent)
        self.env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
        self.templates = templates(workflow())

    def _mapped(self, text: str, **extra: str) -> str:
        for pod, here in {**self.paths, **extra}.items():
            text = text.replace(pod, here)
        return text

    def script(self, name: str) -> subprocess.CompletedProcess[str]:
        source = self._mapped(self.templates[name]["script"]["source"])
        return subprocess.run([SH, "-c", source], capture_output=True, text=True, env=self.env, timeout=300)

    def verify(self, cluster: str) -> subprocess.CompletedProcess[str]:
        template = self.templates["verify"]
        reports = self.artifacts / cluster
        args = [
            self._mapped(a, **{"{{inputs.parameters.cluster}}": cluster, "/tmp/reports": str(reports)})
            for a in template["container"]["args"]
        ]
        return subprocess.run(["ukic", *args], capture_output=True, text=True, env=self.env, timeout=300)


@pytest.mark.skipif(not Path(SH).is_file(), reason="the workflow's step scripts run in a POSIX shell; there is none")
def test_the_steps_commands_give_one_fleet_ledger(tmp_path: Path) -> None:
    engine = Engine(tmp_path)
    engine.inventory.mkdir()
    entries = [
        {"name": name, "purpose": "production", "setup": "HW", "maintainer": "Nico", "version": "v5",
         "type": "production", "v4_proxy": True, "source": {"snapshot": str(paths.samples_dir() / sample)}}
        for name, sample in CLUSTERS.items()
    ]  # fmt: skip
    entries[2].update(version="v1", type="development")
    entries.append({**entries[0], "name": "gone", "source": {"kubeconfig": str(tmp_path / "gone.conf")}})
    (tmp_path / "gone.conf").write_text(
        yaml.safe_dump(
            {"apiVersion": "v1", "kind": "Config", "current-context": "gone",
             "clusters": [{"name": "gone", "cluster": {"server": "https://127.0.0.1:1"}}],
             "users": [{"name": "gone", "user": {"token": "x"}}],
             "contexts": [{"name": "gone", "context": {"cluster": "gone", "user": "gone"}}]}
        )
    )  # fmt: skip
    (engine.inventory / "clusters.yaml").write_text(yaml.safe_dump({"clusters": entries}))

    listed = engine.script("list")
    assert listed.returncode == 0, listed.stderr
    items = json.loads(listed.stdout)  # withParam takes exactly this
    assert [i["name"] for i in items] == [*CLUSTERS, "gone"]

    codes = {item["name"]: engine.verify(item["name"]).returncode for item in items}
    assert codes == {"place10": 0, "place10-ipip": 1, "p7-dev": 0, "gone": 2}

    for _ in range(2):  # a second merge of the same artifacts changes nothing
        merged = engine.script("merge")
        assert merged.returncode == 0, merged.stderr
    ledger = load_ledger(engine.fleet / "fleet" / "ledger.json")
    verdicts = {name: entry["last_run"]["verdict"] for name, entry in ledger["clusters"].items()}
    assert verdicts == EXPECTED
    assert all(len(entry["history"]) == 1 for entry in ledger["clusters"].values())
    for name in CLUSTERS:
        report = ledger["clusters"][name]["last_run"]["report"]
        assert (engine.fleet / "fleet" / report / "report.html").is_file()
    table = merged.stdout.splitlines()
    assert any(line.startswith("| place10-ipip | production HW | Nico |") and "| never |" in line for line in table)
    assert any(line.startswith("| place10 |") and "| never |" not in line for line in table)


@pytest.mark.skipif(not Path(SH).is_file(), reason="the workflow's step scripts run in a POSIX shell; there is none")
def test_a_cluster_that_leaves_no_report_does_not_stop_the_fleet(tmp_path: Path) -> None:
    """A kubeconfig missing from the Secret is a usage error (exit 4) before any report exists. Argo's executor
    fails the step with an Error when a non-optional output artifact's path is missing (argo-workflows v3.2.11
    workflow/executor/executor.go saveArtifact), and `continueOn: failed` does not continue on an Error
    (pkg/apis/workflow/v1alpha1/workflow_types.go continues): the merge would never run. So the artifact is
    optional, the step merely Failed, and the merge takes the other clusters."""
    engine = Engine(tmp_path)
    engine.inventory.mkdir()
    entry = {
        "name": "place10",
        "purpose": "production",
        "setup": "HW",
        "maintainer": "Nico",
        "version": "v5",
        "type": "production",
        "v4_proxy": True,
        "source": {"snapshot": str(paths.samples_dir() / "v5-production")},
    }
    lost = {**entry, "name": "lost", "source": {"kubeconfig": "/etc/ukic/kubeconfigs/lost/admin.conf"}}  # fmt: skip
    (engine.inventory / "clusters.yaml").write_text(yaml.safe_dump({"clusters": [entry, lost]}))

    done = engine.verify("lost")
    assert done.returncode == 4 and not (engine.artifacts / "lost").exists(), done.stderr
    [artifact] = engine.templates["verify"]["outputs"]["artifacts"]
    assert artifact.get("optional") is True
    assert engine.templates["audit"]["steps"][1][0]["continueOn"] == {"failed": True}

    assert engine.verify("place10").returncode == 0
    merged = engine.script("merge")
    assert merged.returncode == 0, merged.stderr
    assert set(load_ledger(engine.fleet / "fleet" / "ledger.json")["clusters"]) == {"place10"}
