"""The CI examples: valid for their systems, and each runs exactly the command the docs give."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ukic.cli import build_parser
from ukic.yamlio import load_text

ROOT = Path(__file__).resolve().parent.parent
CI = ROOT / "examples" / "ci"
GITLAB = CI / "gitlab-ci.yml"
GITHUB = CI / "github-workflow.yml"
ARGO = CI / "argo-workflowtemplate.yaml"

#: Keywords GitLab accepts in a job (docs.gitlab.com/ee/ci/yaml), enough to catch typos.
GITLAB_JOB_KEYS = {
    "after_script", "allow_failure", "artifacts", "before_script", "cache", "coverage", "dependencies",
    "environment", "except", "extends", "image", "inherit", "interruptible", "needs", "only", "parallel",
    "release", "resource_group", "retry", "rules", "script", "services", "stage", "tags", "timeout",
    "trigger", "variables", "when", "id_tokens", "secrets",
}  # fmt: skip
ARGO_TEMPLATE_TYPES = ("container", "script", "steps", "dag", "resource", "suspend", "containerSet", "data", "http")


def _load(path: Path) -> Any:
    return load_text(path.read_text(), str(path))


def documented_command() -> str:
    """The one command examples/ci/README.md gives in its sh block."""
    block = re.search(r"```sh\n(.*?)\n```", (CI / "README.md").read_text(), re.S)
    assert block, "examples/ci/README.md has no ```sh block"
    [command] = [line.strip() for line in block.group(1).splitlines() if line.strip()]
    return command


def test_the_documented_command_is_a_valid_ukic_gate_invocation() -> None:
    argv = shlex.split(documented_command())
    assert argv[:2] == ["ukic", "verify"]
    args = build_parser().parse_args(argv[1:])
    assert (args.manifests, args.base, args.version, args.type) == (".", "origin/main", "v5", "production")


def test_the_top_level_readme_documents_the_gate_with_the_same_options() -> None:
    readme = (ROOT / "README.md").read_text()
    lines = [line for line in readme.splitlines() if "ukic verify --manifests" in line and "--base origin/main" in line]
    assert lines, "README.md documents no `ukic verify --manifests ... --base origin/main`"
    assert any("--version v5 --type production" in line for line in lines)


@pytest.mark.parametrize("path", [GITLAB, GITHUB, ARGO], ids=lambda p: p.name)
def test_every_example_runs_the_documented_command_once(path: Path) -> None:
    assert path.read_text().count(documented_command()) == 1


def test_gitlab_job_structure() -> None:
    doc = _load(GITLAB)
    stages = doc["stages"]
    job = doc["ukic-gate"]
    assert set(job) <= GITLAB_JOB_KEYS, set(job) - GITLAB_JOB_KEYS
    assert job["stage"] in stages
    assert isinstance(job["script"], list) and all(isinstance(line, str) for line in job["script"])
    assert documented_command() in job["script"]
    # a shallow clone needs the base fetched before the command runs
    assert any("git fetch" in line and "origin main" in line for line in job["before_script"])
    assert job["artifacts"]["when"] == "always"  # keep the reports when the gate fails
    assert "reports/" in job["artifacts"]["paths"]
    assert job["artifacts"]["reports"]["junit"].startswith("reports/")
    assert all("if" in rule for rule in job["rules"])


def test_github_workflow_structure() -> None:
    doc = _load(GITHUB)
    triggers = doc.get("on", doc.get(True))  # YAML 1.1 reads a bare `on` key as true
    assert "pull_request" in triggers
    [job] = doc["jobs"].values()
    assert job["runs-on"]
    steps = job["steps"]
    for step in steps:
        assert ("uses" in step) != ("run" in step), step
    uses = [s.get("uses", "") for s in steps]
    assert uses[0].startswith("actions/checkout@")
    runs = [s.get("run", "") for s in steps]
    gate_at = runs.index(documented_command())
    assert any("git fetch" in r and "origin main" in r for r in runs[:gate_at])
    [upload] = [s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert steps.index(upload) > gate_at
    assert upload["if"] == "always()" and upload["with"]["path"] == "reports/"


def test_argo_workflow_template_structure() -> None:
    doc = _load(ARGO)
    assert (doc["apiVersion"], doc["kind"]) == ("argoproj.io/v1alpha1", "WorkflowTemplate")
    assert doc["metadata"]["name"]
    spec = doc["spec"]
    templates = {t["name"]: t for t in spec["templates"]}
    assert spec["entrypoint"] in templates
    for template in templates.values():
        kinds = [k for k in ARGO_TEMPLATE_TYPES if k in template]
        assert len(kinds) == 1, (template["name"], kinds)
    gate = templates[spec["entrypoint"]]
    declared = {p["name"] for p in gate["inputs"]["parameters"]}
    referenced = set(re.findall(r"\{\{inputs\.parameters\.([\w-]+)\}\}", ARGO.read_text()))
    assert referenced <= declared, referenced - declared
    workflow_params = {p["name"] for p in spec["arguments"]["parameters"]}
    assert declared <= workflow_params  # every input is given a value by the workflow's arguments
    [source] = gate["inputs"]["artifacts"]
    assert source["git"]["repo"] and source["path"] == gate["container"]["workingDir"]
    assert any("origin/main" in refspec for refspec in source["git"]["fetch"])
    script = "\n".join(gate["container"]["args"])
    assert documented_command() in script.splitlines()
    [reports] = gate["outputs"]["artifacts"]
    assert reports["path"] == f"{gate['container']['workingDir']}/reports"


@pytest.mark.parametrize(("path", "schema"), [(GITLAB, "vendor.gitlab-ci"), (GITHUB, "vendor.github-workflows")])
def test_examples_validate_against_the_published_schemas(path: Path, schema: str) -> None:
    pytest.importorskip("check_jsonschema", reason="check-jsonschema (test extra) is not installed")
    done = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
