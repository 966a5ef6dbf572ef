"""The CI gate, end to end in temporary git repositories: what a change to a config repository makes worse.

Each test copies a conforming sample repository into a fresh git repository, commits it as
the base, changes one thing in the working tree and runs `ukic verify --manifests DIR --base main`.
Most runs select `not runtime`: scenarios a repository cannot speak to only cost time here.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from ukic.cli import main
from ukic.gate import GateResult, added_problems, compare, gate
from ukic.outcome import Outcome
from ukic.result import RunResult, ScenarioResult
from ukic.run import VerifyRequest

REPOS = Path(__file__).resolve().parent.parent / "fixtures" / "repos"
FAST = "not runtime"


@pytest.fixture(autouse=True)
def _isolated_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No user or system git configuration leaks in; commits get a fixed identity."""
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-gitconfig"))
    for var in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{var}_NAME", "ukic test")
        monkeypatch.setenv(f"GIT_{var}_EMAIL", "ukic@example.invalid")


def needs_git() -> None:
    if shutil.which("git") is None:
        pytest.skip("needs git (Debian package git)")


def git(cwd: Path, *args: str, input_: str | None = None) -> str:
    needs_git()
    done = subprocess.run(["git", *args], cwd=cwd, input=input_, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def config_repo(tmp_path: Path, sample: str, folder: str = "p10") -> Path:
    """A git repository whose main branch holds the sample under ``folder``; returns that folder."""
    needs_git()
    repo = tmp_path / "k8s-config"
    target = repo / folder if folder else repo
    shutil.copytree(REPOS / sample, target)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", f"{sample} as it is")
    return target


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text()
    assert text.count(old) >= count, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count))


def run_gate(capsys: pytest.CaptureFixture[str], folder: Path, version: str, cluster_type: str,
             base: str = "main", *extra: str) -> tuple[int, str]:  # fmt: skip
    code = main(["verify", "--manifests", str(folder), "--version", version, "--type", cluster_type,
                 "--base", base, *extra])  # fmt: skip
    out = capsys.readouterr()
    return code, out.out + out.err


def section(output: str, title: str) -> str:
    """The lines of one section of the gate's summary (empty when absent)."""
    match = re.search(rf"^{re.escape(title)}.*?\n(.*?)(?:\n\n|\Z)", output, re.S | re.M)
    return match.group(1) if match else ""


# -- one breaking change each: a new failure naming file and object, exit 1 -----------------------

BREAKING = [
    pytest.param(
        "v5-production", "v5", "production",
        lambda f: edit(f / "calico/bgp-config.yaml", "  keepOriginalNextHop: true\n", "", count=2),
        "Upstream peers keep the original next hop",
        "BGPPeer router1-place10 (calico/bgp-config.yaml#2) (2a0a:e5c0:10:1::50): keepOriginalNextHop is unset",
        id="bgp-peer-without-keepOriginalNextHop",
    ),
    pytest.param(
        "v4-production", "v4", "production",
        lambda f: edit(f / "calico/bgp-config.yaml", "asNumber: 65511", "asNumber: 213081"),
        "The cluster speaks BGP from a private AS number",
        "BGPConfiguration default (calico/bgp-config.yaml#1): asNumber 213081 is not a private AS number",
        id="public-asn",
    ),
    pytest.param(
        "v4-production", "v4", "production",
        lambda f: edit(f / "calico/ippool.yaml", "ipipMode: Never", "ipipMode: Always"),
        "IP pools are IPv6 and use no overlay",
        "IPPool default-ipv6-ippool (calico/ippool.yaml#1): ipipMode Always",
        id="ip-pool-with-ipip",
    ),
    pytest.param(
        "v5-production", "v5", "production",
        lambda f: edit(f / "calico/installation.yaml", "encapsulation: None", "encapsulation: IPIP"),
        "IP pools are IPv6 and use no overlay",
        "IPPool default-ipv6-ippool (calico/installation.yaml#1 via tigera-operator): ipipMode Always",
        id="operator-ip-pool-with-ipip",
    ),
    pytest.param(
        "v5-production", "v5", "production",
        lambda f: edit(f / "rook/cluster.yaml", "count: 5", "count: 3"),
        "The Ceph cluster asks for the cluster type's number of monitors",
        "CephCluster rook-ceph/rook-ceph (rook/cluster.yaml#1): spec.mon.count is 3",
        id="too-few-mons-for-production",
    ),
    pytest.param(
        "v3-production", "v3", "production",
        lambda f: edit(f / "argocd/apps/rook-ceph-cluster.yaml", "count: 5", "count: 3"),
        "The Ceph cluster asks for the cluster type's number of monitors",
        "CephCluster rook-ceph/rook-ceph (argocd/apps/rook-ceph-cluster.yaml#1 via chart rook-ceph-cluster): "
        "spec.mon.count is 3",
        id="too-few-mons-in-chart-values",
    ),
    pytest.param(
        "v3-production", "v3", "production",
        lambda f: (f / "flux").mkdir() or (f / "flux/apps.yaml").write_text(
            "apiVersion: kustomize.toolkit.fluxcd.io/v1beta1\nkind: Kustomization\n"
            "metadata: {name: apps, namespace: flux-system}\n"
            "spec: {interval: 10m, path: ./apps, prune: true, sourceRef: {kind: GitRepository, name: k8s-config}}\n"
        ),
        "Retired component flux is gone",
        "Kustomization flux-system/apps (flux/apps.yaml#1)",
        id="flux-kustomization-added-to-v3",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("sample", "version", "cluster_type", "change", "scenario", "expected"), BREAKING)
def test_a_breaking_change_is_a_new_failure_naming_file_and_object(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
    sample: str, version: str, cluster_type: str, change, scenario: str, expected: str,
) -> None:  # fmt: skip
    folder = config_repo(tmp_path, sample)
    change(folder)
    code, output = run_gate(capsys, folder, version, cluster_type, "main", "-m", FAST, "--no-reports")
    assert code == 1, output
    new = section(output, "NEW FAILURES")
    assert f"{scenario}  (was passed)" in new, output
    assert expected in new, output
    assert output.index("NEW FAILURES") < output.index("working tree:")  # new failures come first
    assert output.rstrip().endswith("-> exit 1")


def test_ipv4_service_subnet_fails_the_kubeadm_and_announcement_checks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = config_repo(tmp_path, "v5-production")
    edit(folder / "bootstrap/p10/kubeadm.yaml", "serviceSubnet: 2a0a:e5c0:10:3::/108", "serviceSubnet: 10.96.0.0/12")
    code, output = run_gate(capsys, folder, "v5", "production", "main", "-m", FAST, "--no-reports")
    assert code == 1
    new = section(output, "NEW FAILURES")
    assert "kubeadm assigns IPv6 pod and service subnets  (was passed)" in new
    assert "networking.serviceSubnet 10.96.0.0/12 is not IPv6" in new
    assert "The service network is announced over BGP  (was passed)" in new
    assert "do not cover the service subnet 10.96.0.0/12" in new
    assert "changed files: ~ bootstrap/p10/kubeadm.yaml" in output


def test_ipv4_service_subnet_failure_names_the_kubeadm_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = config_repo(tmp_path, "v5-production")
    edit(folder / "bootstrap/p10/kubeadm.yaml", "serviceSubnet: 2a0a:e5c0:10:3::/108", "serviceSubnet: 10.96.0.0/12")
    _, output = run_gate(capsys, folder, "v5", "production", "main", "-m", "ipv6", "--no-reports")
    new = section(output, "NEW FAILURES")
    assert "bootstrap/p10/kubeadm.yaml#2" in new


# -- fixes, unchanged failures, shifted documents ----------------------------------------------------


def test_a_change_that_fixes_something_is_better_and_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = config_repo(tmp_path, "v4-production")
    edit(folder / "calico/bgp-config.yaml", "asNumber: 65511", "asNumber: 213081")
    git(folder, "commit", "-q", "-am", "a public AS number slipped in")
    edit(folder / "calico/bgp-config.yaml", "asNumber: 213081", "asNumber: 65511", count=1)
    code, output = run_gate(capsys, folder, "v4", "production", "main", "-m", FAST, "--no-reports")
    assert code == 0, output
    better = section(output, "BETTER")
    assert "The cluster speaks BGP from a private AS number  (was failed)" in better
    assert "NEW FAILURES" not in output
    assert "verdict: the change makes nothing worse and improves 1 -> exit 0" in output


def test_an_existing_failure_left_alone_does_not_block(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = config_repo(tmp_path, "v5-production")
    edit(folder / "rook/cluster.yaml", "count: 5", "count: 3")
    git(folder, "commit", "-q", "-am", "three monitors")
    edit(folder / "README.md", "IPv6 only.", "IPv6 only, nothing else.")  # not a manifest
    code, output = run_gate(capsys, folder, "v5", "production", "main", "-m", FAST, "--no-reports")
    assert code == 0, output
    still = section(output, "STILL FAILING, NOT CAUSED BY THIS CHANGE")
    assert "spec.mon.count is 3" in still
    assert "changed files" not in output


def test_a_new_problem_in_a_scenario_that_already_failed_blocks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = config_repo(tmp_path, "v5-production")
    peers = folder / "calico/bgp-config.yaml"
    edit(peers, "  keepOriginalNextHop: true\n", "")  # router1 loses it in the base
    git(folder, "commit", "-q", "-am", "router1 without keepOriginalNextHop")
    edit(peers, "  keepOriginalNextHop: true\n", "")  # and now router2 too
    code, output = run_gate(capsys, folder, "v5", "production", "main", "-m", FAST, "--no-reports")
    assert code == 1, output
    problems = section(output, "STILL FAILING, WITH NEW PROBLEMS")
    assert "new: BGPPeer router2-place10 (calico/bgp-config.yaml#3)" in problems
    assert "router1" not in problems


def test_documents_shifting_in_a_file_are_not_new_problems(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = config_repo(tmp_path, "v5-production")
    peers = folder / "calico/bgp-config.yaml"
    edit(peers, "  keepOriginalNextHop: true\n", "")
    git(folder, "commit", "-q", "-am", "router1 without keepOriginalNextHop")
    good_peer = (
        "apiVersion: projectcalico.org/v3\nkind: BGPPeer\nmetadata:\n  name: router0-place10\nspec:\n"
        "  peerIP: 2a0a:e5c0:10:1::49\n  asNumber: 213081\n  keepOriginalNextHop: true\n---\n"
    )
    edit(
        peers,
        "apiVersion: projectcalico.org/v3\nkind: BGPPeer\n",
        good_peer + "apiVersion: projectcalico.org/v3\nkind: BGPPeer\n",
    )
    code, output = run_gate(capsys, folder, "v5", "production", "main", "-m", FAST, "--no-reports")
    assert code == 0, output  # router1 moved from document 2 to 3: the same problem, not a new one
    assert "calico/bgp-config.yaml#3" in section(output, "STILL FAILING, NOT CAUSED BY THIS CHANGE")


# -- unreadable sides, new folders, refs, shallow clones -----------------------------------------------


def test_a_yaml_syntax_error_in_the_change_blocks_naming_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = config_repo(tmp_path, "v5-production")
    edit(folder / "calico/bgp-config.yaml", "  peerIP: 2a0a:e5c0:10:1::51\n", "  peerIP: [2a0a:e5c0:10:1::51\n")
    code, output = run_gate(capsys, folder, "v5", "production", "main", "-m", FAST, "--no-reports")
    assert code == 1
    assert "THE WORKING TREE CANNOT BE READ" in output
    assert re.search(r"manifests calico/bgp-config.yaml: not valid YAML \(line \d+, column \d+", output)
    assert "verdict: the change makes the repository unreadable -> exit 1" in output


def test_a_base_that_cannot_be_read_leaves_the_verdict_to_the_working_tree(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = config_repo(tmp_path, "v5-production")
    edit(folder / "rook/cluster.yaml", "count: 5", "count: [5")
    git(folder, "commit", "-q", "-am", "broken")
    edit(folder / "rook/cluster.yaml", "count: [5", "count: 5")
    code, output = run_gate(capsys, folder, "v5", "production", "main", "-m", FAST, "--no-reports")
    assert code == 0, output
    assert "base not compared: manifests rook/cluster.yaml: not valid YAML" in output
    assert "the working tree's own verdict decides -> exit 0" in output


def test_a_new_cluster_folder_is_judged_on_its_own(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = config_repo(tmp_path, "v5-production")
    new = folder.parent / "p11"
    shutil.copytree(REPOS / "v4-production", new)
    edit(new / "rook/cluster.yaml", "count: 5", "count: 3")
    code, output = run_gate(capsys, new, "v4", "production", "main", "-m", FAST, "--no-reports")
    assert code == 1, output
    assert "base not compared: p11/ holds no manifests at main" in output
    assert "working tree: " in output and "-> not conformant" in output


def test_a_missing_base_ref_is_a_usage_error_naming_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = config_repo(tmp_path, "v5-production")
    code, output = run_gate(capsys, folder, "v5", "production", "origin/main", "--no-reports")
    assert code == 4
    assert output.strip().splitlines()[-1].startswith("ukic: --base origin/main: no such commit in ")
    assert "git fetch --depth=1 origin main" in output
    assert "Traceback" not in output


def test_a_folder_outside_git_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    needs_git()
    folder = tmp_path / "plain"
    shutil.copytree(REPOS / "v5-production", folder)
    code, output = run_gate(capsys, folder, "v5", "production", "main", "--no-reports")
    assert code == 4
    assert f"--base: {folder} is not inside a git repository" in output


def test_a_base_tree_leading_outside_the_folder_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A crafted commit whose tree holds ``..`` entries must not make --base write outside its temporary folder."""
    folder = config_repo(tmp_path, "v5-production", folder="")
    blob = subprocess.run(
        ["git", "hash-object", "-w", "--stdin"], cwd=folder, input="kind: List\nitems: []\n", capture_output=True,
        text=True, check=True,
    ).stdout.strip()  # fmt: skip
    tree = git(folder, "mktree", input_=f"100644 blob {blob}\tescaped.yaml\n")
    for _ in range(6):
        tree = git(folder, "mktree", input_=f"040000 tree {tree}\t..\n")
    commit = git(folder, "commit-tree", tree, "-m", "hostile")
    git(folder, "branch", "hostile", commit)
    code, output = run_gate(capsys, folder, "v5", "production", "hostile", "--no-reports")
    assert code == 4
    assert output.strip().splitlines()[-1] == (
        f"ukic: --base {commit}: refusing the path '../../../../../../escaped.yaml': "
        "it would lead outside the repository's folder"
    )
    assert not Path("/escaped.yaml").exists() and not list(tmp_path.rglob("escaped.yaml"))


def test_base_needs_manifests(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", "--base", "main", "--no-reports"]) == 4
    assert "give --manifests DIR" in capsys.readouterr().err


def test_works_in_a_shallow_clone_with_the_base_fetched(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The CI situation: a depth-1 clone of the merge request branch, then `git fetch --depth=1 origin main`."""
    folder = config_repo(tmp_path, "v5-production")
    origin = folder.parent
    git(origin, "checkout", "-q", "-b", "change")
    edit(folder / "rook/cluster.yaml", "count: 5", "count: 3")
    git(origin, "commit", "-q", "-am", "three monitors are enough")
    git(origin, "checkout", "-q", "main")
    clone = tmp_path / "ci"
    git(tmp_path, "clone", "-q", "--depth=1", "--branch", "change", f"file://{origin}", str(clone))
    assert git(clone, "rev-parse", "--is-shallow-repository") == "true"

    code, output = run_gate(capsys, clone / "p10", "v5", "production", "origin/main", "--no-reports")
    assert code == 4 and "--base origin/main: no such commit" in output  # not fetched yet

    git(clone, "fetch", "-q", "--depth=1", "origin", "main:refs/remotes/origin/main")
    code, output = run_gate(capsys, clone / "p10", "v5", "production", "origin/main", "-m", FAST, "--no-reports")
    assert code == 1, output
    assert "spec.mon.count is 3" in section(output, "NEW FAILURES")


def test_repository_root_as_the_folder_and_reports_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--manifests .` at the repository root, the full scenario set, reports of the working tree."""
    folder = config_repo(tmp_path, "v5-production", folder="")
    (folder / ".gitignore").write_text("reports/\n")
    (folder / "flux.yaml").write_text(
        "apiVersion: source.toolkit.fluxcd.io/v1beta1\nkind: GitRepository\n"
        "metadata: {name: x, namespace: flux-system}\n"
    )
    monkeypatch.chdir(folder)
    code, output = run_gate(capsys, Path("."), "v5", "production", "main", "--report-dir", "reports")
    assert code == 1, output
    assert "GitRepository flux-system/x (flux.yaml#1)" in section(output, "NEW FAILURES")
    assert "changed files: + flux.yaml" in output  # the untracked file is part of the change
    [report] = list((folder / "reports").glob("k8s-config/*"))
    summary = json.loads((report / "summary.json").read_text())
    assert summary["cluster"] == "k8s-config" and summary["source"]["kind"] == "manifests"
    assert any(s["outcome"] == "not applicable" for s in summary["scenarios"])
    gate_json = json.loads((report / "gate.json").read_text())
    assert gate_json["exit_code"] == 1 and gate_json["worse"] is True
    assert [c["id"] for c in gate_json["new_failures"]] == ["components.flux-gone"]
    # the tigera-operator chart's values file is read as such (installation.enabled false: no Installation from it)
    assert "calico/tigera-operator-values.yaml#1: read as the values of chart tigera-operator" in " ".join(
        summary["notes"]
    )
    assert (report / "gate.md").read_text().startswith("# ukic gate")


def test_gate_function_with_a_request_template(tmp_path: Path) -> None:
    folder = config_repo(tmp_path, "v4-production")
    edit(folder / "calico/bgp-config.yaml", "nodeToNodeMeshEnabled: true", "nodeToNodeMeshEnabled: false")
    template = VerifyRequest(source=None, version="v4", cluster_type="production", marker="bgp")  # type: ignore[arg-type]
    result = gate(folder, "main", template, cluster="p11")
    assert result.head is not None and result.base is not None
    assert result.head.cluster == result.base.cluster == "p11"
    assert [c.id for c in result.new_failures] == ["bgp.node-mesh"]
    assert result.exit_code == 1
    assert result.head.source["location"].endswith("(working tree)")
    assert "at main (" in result.base.source["location"]


# -- the comparison itself, on hand-made runs --------------------------------------------------------


def _run(**outcomes: tuple[Outcome, str]) -> RunResult:
    scenarios = [
        ScenarioResult(id=f"f::{name}", feature="F", feature_file="f.feature", name=name, line=1, tags=[],
                       outcome=outcome, reason=reason, duration=0.0)
        for name, (outcome, reason) in outcomes.items()
    ]  # fmt: skip
    return RunResult("c", {}, {}, "0", "t0", "t1", 0.0, scenarios)


def _compare(base: RunResult, head: RunResult) -> GateResult:
    return compare(GateResult("dir", "main", "0" * 40, head=head, base=base))


def test_new_warnings_are_listed_but_do_not_block_and_unverifiable_does() -> None:
    base = _run(a=(Outcome.PASSED, ""), b=(Outcome.PASSED, ""), c=(Outcome.FAILED, "x"), d=(Outcome.WARNING, "w"))
    head = _run(a=(Outcome.WARNING, "w"), b=(Outcome.PASSED, ""), c=(Outcome.PASSED, ""), d=(Outcome.WARNING, "w"))
    result = _compare(base, head)
    assert [c.id for c in result.new_warnings] == ["f::a"]
    assert [c.id for c in result.better] == ["f::c"]
    assert (result.worse, result.exit_code) == (False, 0)

    head = _run(a=(Outcome.UNVERIFIABLE, "forbidden"), b=(Outcome.PASSED, ""), c=(Outcome.FAILED, "x"),
                d=(Outcome.NOT_APPLICABLE, "n/a"))  # fmt: skip
    result = _compare(base, head)
    assert [c.id for c in result.newly_unverifiable] == ["f::a"]
    assert [c.id for c in result.better] == ["f::d"]
    assert (result.worse, result.exit_code) == (True, 1)


def test_a_scenario_new_to_the_head_that_fails_is_a_new_failure() -> None:
    result = _compare(_run(a=(Outcome.PASSED, "")), _run(a=(Outcome.PASSED, ""), b=(Outcome.FAILED, "why")))
    assert [c.id for c in result.new_failures] == ["f::b"] and result.exit_code == 1


@pytest.mark.parametrize(
    ("before", "after", "added"),
    [
        ("A (x.yaml#2): bad", "A (x.yaml#3): bad", []),
        ("A: bad", "A: bad; B: bad", ["B: bad"]),
        ("A: bad; B: bad", "B: bad", []),
        ("p1; p2; p3; p4; p5; and 2 more", "p1; p2; p3; p4; p5; and 2 more", []),
        ("p1; p2; p3; p4; p5; and 2 more", "p1; p2; p3; p4; p5; and 3 more", ["8 problems where the base had 7"]),
        ("p1; p2; p3; p4; p5; and 2 more", "p0; p1; p2; p3; p4; and 3 more", ["p0"]),
        ("p1; p2; p3; p4; p5; and 2 more", "p0; p1; p2; p3; p4; and 2 more", []),
    ],
)
def test_added_problems(before: str, after: str, added: list[str]) -> None:
    assert added_problems(before, after) == added
