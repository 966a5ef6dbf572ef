"""Create, install and clean up against stand-in kind/docker/helm/kubectl: order, failures, Ctrl-C, --keep."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from ukic.cli import main
from ukic.errors import ExitCode
from ukic.kind.cluster import KindCluster, state_dir
from ukic.kind.config import KindOptions
from ukic.kind.plan import Step, build_plan
from ukic.kind.runner import Runner, StepFailed
from ukic.profiles import select

if TYPE_CHECKING:
    from tests.standins.harness import Standins

pytest_plugins = ["tests.standins.harness"]  # the `standins` fixture

PREFLIGHT = [
    ["kind", "version"],
    ["docker", "info"],
    ["helm", "version", "--short"],
    ["kubectl", "version", "--client"],
]
LIST = [["kind", "get", "clusters"]]


def expected_plan(version: str, cluster_type: str, name: str) -> list[list[str]]:
    plan = build_plan(select(version, cluster_type), KindOptions(name=name), state_dir(name) / "kubeconfig")
    return [list(step.argv) for step in plan.steps]


def delete_call(name: str) -> list[str]:
    return ["kind", "delete", "cluster", "--name", name, "--kubeconfig", str(state_dir(name) / "kubeconfig")]


def test_create_preflights_then_runs_the_plan_in_order_and_keeps_the_cluster(
    standins: Standins, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["kind", "create", "--version", "v5", "--type", "development"]) == 0

    plan = expected_plan("v5", "development", "ukic-v5-development")
    assert standins.commands() == PREFLIGHT + LIST + plan
    assert standins.clusters() == ["ukic-v5-development"]
    kubeconfig = state_dir("ukic-v5-development") / "kubeconfig"
    assert kubeconfig.is_file()  # written by `kind create cluster --kubeconfig`, not the user's ~/.kube/config
    assert oct(kubeconfig.parent.stat().st_mode & 0o777) == "0o700"
    out, err = capsys.readouterr()
    assert f"kubeconfig: {kubeconfig}" in out
    assert "ukic kind delete --name ukic-v5-development" in out
    assert f"[1/{len(plan)}] Create kind cluster ukic-v5-development" in err
    assert f"[{len(plan)}/{len(plan)}] Install the Rook operator with Helm" in err
    assert err.count("done in") == len(plan)
    # the documents went in on stdin
    create = standins.calls("kind")[2]
    assert create["stdin"].startswith("kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\n")
    helm_install = next(c for c in standins.calls("helm") if "tigera-operator" in " ".join(c["argv"]))
    assert "encapsulation: None" in helm_install["stdin"]


def test_failing_helm_step_reports_command_and_output_then_deletes_the_cluster(
    standins: Standins, capsys: pytest.CaptureFixture[str]
) -> None:
    standins.fail("helm install calico")
    code = main(["kind", "create", "--version", "v4", "--type", "production", "--name", "boom"])

    assert code == ExitCode.UNVERIFIABLE
    plan = expected_plan("v4", "production", "boom")
    helm_at = next(i for i, argv in enumerate(plan) if argv[:1] == ["helm"] and "install" in argv)
    assert standins.commands() == PREFLIGHT + LIST + plan[: helm_at + 1] + [delete_call("boom")]
    assert standins.clusters() == []
    assert not state_dir("boom").exists()
    err = capsys.readouterr().err
    last = err.strip().splitlines()[-1]
    assert last.startswith(f"ukic: kind step {helm_at + 1}/{len(plan)} (Install Calico through the tigera-operator")
    assert "`helm --kubeconfig " in last and " install calico projectcalico/tigera-operator " in last
    assert "< calico-values.yaml` exited with 1: " in last
    assert "partial output before the failure | Error: INSTALLATION FAILED: stand-in failure" in last
    assert "      | Error: INSTALLATION FAILED" in err  # the full output, before the one-line error
    assert "failed; deleting it." in err


def test_ctrl_c_during_install_deletes_the_cluster(standins: Standins, capsys: pytest.CaptureFixture[str]) -> None:
    standins.interrupt("kubectl apply")
    code = main(["kind", "create", "--version", "v2", "--type", "development", "--name", "ctrl-c"])

    assert code == ExitCode.INTERRUPTED
    commands = standins.commands()
    assert commands[-1] == delete_call("ctrl-c")
    assert [w for w in commands[-2] if w in ("kubectl", "apply")][:2] == ["kubectl", "apply"]
    assert standins.clusters() == []
    err = capsys.readouterr().err
    assert "interrupted; deleting it." in err
    assert err.strip().endswith("ukic: interrupted")


def test_sigterm_during_install_cleans_up_like_ctrl_c(standins: Standins, monkeypatch: pytest.MonkeyPatch) -> None:
    standins.interrupt("helm install")
    monkeypatch.setenv("UKIC_STANDIN_SIGNAL", "TERM")
    code = main(["kind", "create", "--version", "v5", "--type", "development", "--name", "cancelled"])

    assert code == ExitCode.INTERRUPTED
    assert standins.commands()[-1] == delete_call("cancelled")
    assert standins.clusters() == []


def test_ctrl_c_while_kind_creates_still_deletes(standins: Standins) -> None:
    standins.interrupt("kind create")
    assert main(["kind", "create", "--version", "v1", "--type", "development", "--name", "early"]) == 3
    assert standins.commands()[-1] == delete_call("early")


def test_keep_leaves_a_failed_cluster_for_debugging(standins: Standins, capsys: pytest.CaptureFixture[str]) -> None:
    standins.fail("kubectl apply")
    code = main(["kind", "create", "--version", "v1", "--type", "development", "--name", "debug-me", "--keep"])

    assert code == ExitCode.UNVERIFIABLE
    assert not any(c[:3] == ["kind", "delete", "cluster"] for c in standins.commands())
    assert standins.clusters() == ["debug-me"]
    assert (state_dir("debug-me") / "kubeconfig").is_file()
    err = capsys.readouterr().err
    assert "keeping it (--keep)" in err
    assert "delete it with `ukic kind delete --name debug-me`" in err


def test_an_existing_cluster_of_that_name_is_never_touched(
    standins: Standins, capsys: pytest.CaptureFixture[str]
) -> None:
    standins.add_cluster("taken")
    assert main(["kind", "create", "--version", "v5", "--type", "production", "--name", "taken"]) == 4
    assert standins.commands() == PREFLIGHT + LIST
    assert standins.clusters() == ["taken"]
    assert "a kind cluster named taken already exists" in capsys.readouterr().err


def test_podman_is_used_when_docker_is_absent(standins: Standins) -> None:
    standins.remove("docker")
    standins.install("podman")
    assert main(["kind", "create", "--version", "v1", "--type", "development", "--name", "pod"]) == 0
    assert ["podman", "info"] in standins.commands()
    assert {c["provider"] for c in standins.calls("kind") if c["argv"][0] != "version"} == {"podman"}


def test_docker_down_but_podman_up_uses_podman(standins: Standins) -> None:
    standins.install("podman")
    standins.fail("docker info")
    assert main(["kind", "create", "--version", "v1", "--type", "development", "--name", "fallback"]) == 0
    create = next(c for c in standins.calls("kind") if c["argv"][:2] == ["create", "cluster"])
    assert create["provider"] == "podman"


def test_waits_are_retried_until_the_objects_appear(standins: Standins, capsys: pytest.CaptureFixture[str]) -> None:
    standins.fail("kubectl wait:2")
    cluster = KindCluster(select("v5", "development"), KindOptions(name="retry"), retry_interval=0.01)
    cluster.create()
    waits = [c for c in standins.commands() if "crd/bgpconfigurations.crd.projectcalico.org" in c]
    assert len(waits) == 3
    assert capsys.readouterr().err.count("not yet (exit 1); retrying") == 2
    cluster.close()
    assert standins.commands()[-1] == delete_call("retry")
    assert standins.clusters() == []


def test_close_deletes_once_and_keep_does_not(standins: Standins) -> None:
    with KindCluster(select("v2", "development"), KindOptions(name="ctx")) as cluster:
        cluster.create()
    cluster.close()
    assert sum(c[:3] == ["kind", "delete", "cluster"] for c in standins.commands()) == 1

    kept = KindCluster(select("v2", "development"), KindOptions(name="kept"), keep=True)
    kept.create()
    kept.close()
    assert "kept" in standins.clusters()


def test_delete_failure_after_use_is_reported_not_raised(
    standins: Standins, capsys: pytest.CaptureFixture[str]
) -> None:
    cluster = KindCluster(select("v1", "development"), KindOptions(name="sticky"))
    cluster.create()
    standins.fail("kind delete")
    cluster.close()
    assert "could not delete kind cluster sticky (exit 1: " in capsys.readouterr().err


def test_user_kubeconfig_path_is_used_and_never_removed(standins: Standins, tmp_path: Path) -> None:
    target = tmp_path / "mine" / "c.kubeconfig"
    assert (
        main(
            ["kind", "create", "--version", "v1", "--type", "development", "--name", "own", "--kubeconfig", str(target)]
        )
        == 0
    )
    assert target.is_file()
    assert all(str(target) in c for c in standins.commands()[5:] if c[:2] != ["helm", "repo"])
    standins.fail("helm install")
    assert (
        main(
            [
                "kind",
                "create",
                "--version",
                "v1",
                "--type",
                "development",
                "--name",
                "own2",
                "--kubeconfig",
                str(target),
            ]
        )
        == 2
    )
    assert target.is_file()


def test_delete_command(standins: Standins, capsys: pytest.CaptureFixture[str]) -> None:
    standins.add_cluster("ukic-v3-production")
    assert main(["kind", "delete", "--version", "v3", "--type", "production"]) == 0
    assert standins.commands()[-1] == ["kind", "delete", "cluster", "--name", "ukic-v3-production"]
    assert standins.clusters() == []
    assert "kind cluster ukic-v3-production deleted" in capsys.readouterr().out

    assert main(["kind", "delete", "--name", "ukic-v3-production"]) == 0
    assert "no kind cluster named ukic-v3-production" in capsys.readouterr().err
    assert main(["kind", "delete"]) == 4


def test_delete_needs_no_helm_or_kubectl(standins: Standins) -> None:
    standins.remove("helm")
    standins.remove("kubectl")
    standins.add_cluster("x")
    assert main(["kind", "delete", "--name", "x"]) == 0


def test_runner_gives_up_after_the_retry_window(standins: Standins) -> None:
    standins.fail("kubectl wait")
    step = Step("Wait for it", ("kubectl", "wait", "thing"), timeout=30, retry_for=0.3)
    ticks = iter(i / 10 for i in range(100))  # a clock that advances 0.1 s per look: three tries fit the window
    with pytest.raises(StepFailed) as caught:
        Runner(report=lambda line: None, retry_interval=0.05, clock=lambda: next(ticks)).run_step(step, 4, 9)
    message = caught.value.message
    assert message.startswith(
        "kind step 4/9 (Wait for it) failed: `kubectl wait thing` exited with 1 (after 3 attempts)"
    )
    assert message.endswith("error: stand-in failure requested by UKIC_STANDIN_FAIL")
    assert "\n" not in message
    assert caught.value.command == "kubectl wait thing"
    assert "partial output" in caught.value.output


def test_runner_kills_a_hanging_command(standins: Standins) -> None:
    standins.hang("helm install")
    step = Step("Install", ("helm", "install", "x", "y"), timeout=1)
    with pytest.raises(StepFailed, match=r"`helm install x y` timed out after 1s without output"):
        Runner(report=lambda line: None).run_step(step)


def test_runner_reports_a_program_that_vanished(standins: Standins) -> None:
    standins.remove("kubectl")
    with pytest.raises(StepFailed, match="could not start"):
        Runner(report=lambda line: None).run_step(Step("Apply", ("kubectl", "apply")))


def test_sigterm_while_the_cluster_is_in_use_still_deletes_it(standins: Standins) -> None:
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt), KindCluster(select("v1", "development"), KindOptions(name="busy")) as c:
        c.create()
        os.kill(os.getpid(), signal.SIGTERM)  # e.g. the CI job is cancelled during verification
        time.sleep(5)  # the handler interrupts this
    assert standins.commands()[-1] == delete_call("busy")
    assert standins.clusters() == []
    assert signal.getsignal(signal.SIGTERM) == before  # handler released on close
