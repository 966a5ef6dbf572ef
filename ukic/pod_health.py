"""Whether a pod is really up: phase, readiness and the state of every container, init containers included.

A container in CrashLoopBackOff leaves the pod phase ``Running`` (the kubelet restarts it in place),
so the phase alone passes a crash-looping monitor or etcd member. Every check that asks "is this pod
running" asks :func:`pod_health`. The status words follow what ``kubectl get pods`` shows in its
STATUS column (kubernetes pkg/printers/internalversion/printers.go, printPod, release 1.22):
``Init:<reason>`` / ``Init:n/m`` while init containers have not all completed, otherwise the
waiting or terminated reason of a container, otherwise the phase.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

Obj = Mapping[str, Any]


@dataclass(frozen=True)
class PodHealth:
    """``up``: running with every container ready. ``status`` as kubectl shows it; ``problems`` name
    each container that keeps the pod from being up, with its state and restart count."""

    up: bool
    status: str
    problems: tuple[str, ...] = ()

    def describe(self) -> str:
        """`CrashLoopBackOff (container mon: waiting, CrashLoopBackOff, 12 restarts)`."""
        return f"{self.status} ({'; '.join(self.problems)})" if self.problems else self.status


def _restarts(status: Obj) -> str:
    count = int(status.get("restartCount") or 0)
    return f"{count} restart{'s' if count != 1 else ''}"


def _state_text(status: Obj) -> str:
    state = status.get("state") or {}
    if "waiting" in state:
        return f"waiting, {(state['waiting'] or {}).get('reason') or 'no reason given'}"
    if "terminated" in state:
        done = state["terminated"] or {}
        return f"terminated, {done.get('reason') or 'exit code ' + str(done.get('exitCode', '?'))}"
    if "running" in state:
        return "running, not ready"
    return "no state reported"


def _container_problem(kind: str, status: Obj) -> str:
    return f"{kind} {status.get('name', '?')}: {_state_text(status)}, {_restarts(status)}"


def _init_status(statuses: list[Obj]) -> tuple[str, str] | None:
    """kubectl's Init:... word and the offending init container, while initialisation is not done."""
    for index, status in enumerate(statuses):
        state = status.get("state") or {}
        done = state.get("terminated")
        if done is not None and int((done or {}).get("exitCode") or 0) == 0:
            continue
        if done is not None:
            word = (done or {}).get("reason") or f"ExitCode:{(done or {}).get('exitCode')}"
            return f"Init:{word}", _container_problem("init container", status)
        waiting = (state.get("waiting") or {}).get("reason")
        if waiting and waiting != "PodInitializing":
            return f"Init:{waiting}", _container_problem("init container", status)
        return f"Init:{index}/{len(statuses)}", _container_problem("init container", status)
    return None


def pod_health(pod: Obj) -> PodHealth:
    """The pod's health as its container statuses tell it (see the module docstring)."""
    status = pod.get("status") or {}
    phase = str(status.get("reason") or status.get("phase") or "Unknown")
    init = _init_status(list(status.get("initContainerStatuses") or []))
    if init is not None and status.get("phase") != "Succeeded":
        return PodHealth(False, init[0], (init[1],))
    containers = list(status.get("containerStatuses") or [])
    word = phase
    for container in reversed(containers):
        state = container.get("state") or {}
        reason = (state.get("waiting") or {}).get("reason") or (state.get("terminated") or {}).get("reason")
        if reason:
            word = str(reason)
            break
    problems = tuple(_container_problem("container", c) for c in containers if c.get("ready") is not True)
    running = status.get("phase") == "Running"
    if not containers:
        # No container statuses at all (never reported by a real kubelet for a running pod): the Ready
        # condition, when present, decides; the phase otherwise.
        ready = next((c for c in status.get("conditions") or [] if c.get("type") == "Ready"), None)
        up = running and (ready is None or ready.get("status") == "True")
        return PodHealth(up, phase if up or ready is None else f"{phase}, not Ready")
    return PodHealth(running and not problems, word if problems or not running else "Running", problems)
