"""Pods are judged by container state and readiness, not by phase: a crash-looping container keeps phase Running.

The statuses below have the shape the kubelet reports (core/v1 PodStatus): a container restarted
by the kubelet after crashing is `waiting` with reason CrashLoopBackOff and `ready: false`, while
the pod phase stays Running; an init container that keeps crashing holds the pod in Pending and
kubectl shows `Init:CrashLoopBackOff` (pkg/printers/internalversion/printers.go, printPod).
"""

from __future__ import annotations

from typing import Any

from ukic.pod_health import pod_health


def _pod(phase: str, containers: list[dict[str, Any]], init: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    status: dict[str, Any] = {"phase": phase, "containerStatuses": containers}
    if init is not None:
        status["initContainerStatuses"] = init
    return {"kind": "Pod", "metadata": {"name": "p"}, "status": status}


RUNNING = {"name": "mon", "ready": True, "restartCount": 0, "state": {"running": {"startedAt": "2021-10-01T00:00:00Z"}}}
CRASHING = {
    "name": "mon",
    "ready": False,
    "restartCount": 12,
    "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 5m0s restarting failed container"}},
    "lastState": {"terminated": {"exitCode": 1, "reason": "Error"}},
}


def test_a_running_ready_pod_is_up() -> None:
    health = pod_health(_pod("Running", [RUNNING]))
    assert health.up and health.status == "Running" and health.describe() == "Running"


def test_a_crash_looping_container_is_not_up_though_the_phase_is_running() -> None:
    health = pod_health(_pod("Running", [RUNNING | {"name": "log-collector"}, CRASHING]))
    assert not health.up
    assert health.status == "CrashLoopBackOff"
    assert health.describe() == "CrashLoopBackOff (container mon: waiting, CrashLoopBackOff, 12 restarts)"


def test_a_crash_looping_init_container_holds_the_pod_in_init() -> None:
    init = [
        {"name": "chown", "ready": True, "restartCount": 0, "state": {"terminated": {"exitCode": 0}}},
        CRASHING | {"name": "init-mon-fs", "restartCount": 3},
    ]
    waiting = {"name": "mon", "ready": False, "restartCount": 0, "state": {"waiting": {"reason": "PodInitializing"}}}
    health = pod_health(_pod("Pending", [waiting], init))
    assert not health.up
    assert health.status == "Init:CrashLoopBackOff"
    assert health.problems == ("init container init-mon-fs: waiting, CrashLoopBackOff, 3 restarts",)


def test_running_but_not_ready_names_the_container() -> None:
    unready = RUNNING | {"ready": False, "restartCount": 1}
    health = pod_health(_pod("Running", [unready]))
    assert not health.up and health.describe() == "Running (container mon: running, not ready, 1 restart)"


def test_without_container_statuses_the_ready_condition_decides() -> None:
    pod = {"status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "False"}]}}
    assert not pod_health(pod).up
    assert pod_health({"status": {"phase": "Running"}}).up
    assert not pod_health({"status": {"phase": "Pending"}}).up
