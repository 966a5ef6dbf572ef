"""Pods hanging in Terminating: the manual's "Deleting a pod that is hanging in terminating state".

A pod being deleted carries ``metadata.deletionTimestamp``: the time by which the kubelet was to
have stopped it, that is the moment of deletion plus ``metadata.deletionGracePeriodSeconds``
(k8s.io/apiserver pkg/registry/rest/delete.go, BeforeDelete, release 1.22: "now + grace period").
A pod still listed well after that moment is stuck; a margin (a profile rule) keeps slow but
normal shutdowns out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ukic import kube, remedies
from ukic.timestamps import format_rfc3339, parse_rfc3339


@dataclass(frozen=True)
class StuckPod:
    namespace: str
    name: str
    node: str
    deadline: datetime  # deletionTimestamp: when the kubelet should have been done
    grace_seconds: int | None

    def overdue(self, now: datetime) -> timedelta:
        return now - self.deadline

    def describe(self, now: datetime) -> str:
        grace = "" if self.grace_seconds is None else f", grace period {self.grace_seconds} s"
        where = f" on {self.node}" if self.node else ""
        return (
            f"pod {self.namespace}/{self.name}{where} is Terminating since {format_rfc3339(self.deadline)}"
            f"{grace} ({_minutes(self.overdue(now))} past its deadline)"
        )

    @property
    def remedy(self) -> str:
        return remedies.force_delete_pod(self.name, self.namespace)


def stuck_pods(pods: Iterable[dict[str, Any]], now: datetime, margin: timedelta) -> list[StuckPod]:
    """Pods whose deletion deadline passed more than ``margin`` before ``now``, oldest first."""
    stuck = []
    for pod in pods:
        meta = kube.meta(pod)
        deadline = parse_rfc3339(meta.get("deletionTimestamp"))
        if deadline is None or now - deadline <= margin:
            continue
        grace = meta.get("deletionGracePeriodSeconds")
        stuck.append(
            StuckPod(
                kube.namespace_of(pod) or "default",
                kube.name_of(pod),
                str((pod.get("spec") or {}).get("nodeName") or ""),
                deadline,
                grace if isinstance(grace, int) else None,
            )
        )
    return sorted(stuck, key=lambda p: (p.deadline, p.namespace, p.name))


def _minutes(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes >= 120:
        return f"{minutes // 60} h {minutes % 60} min"
    return f"{minutes} min"
