"""Rook OSDs: osd-prepare pods that failed, and OSDs prepared but not running.

Rook v1.7 (v1.7.8 pkg/operator/ceph/cluster/osd: osd.go AppName, prepareAppName, OsdIdLabelKey;
provision_spec.go; labels.go): the operator runs one Job `rook-ceph-osd-prepare-<node>`
per storage node, its pods labelled app=rook-ceph-osd-prepare, pinned to the node by a
kubernetes.io/hostname node selector and restarted in place on failure (RestartPolicy
OnFailure, so a failing prepare shows as CrashLoopBackOff). For every device a prepare job
turned into an OSD the operator creates a Deployment `rook-ceph-osd-<id>` (labels
app=rook-ceph-osd, ceph-osd-id=<id>), so the OSD Deployments are the prepared devices, and
each should have a running pod. The manual's next steps are its "Inspecting the logs of a
specific server" and "Triggering server prepare / adding new osds" commands.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ukic import kube, remedies
from ukic.pod_health import pod_health

PREPARE_APP = "rook-ceph-osd-prepare"
OSD_APP = "rook-ceph-osd"
#: Rook's OSD id label (OsdIdLabelKey), and the daemon labels it also sets (CephDaemonAppLabels).
OSD_ID_LABELS = ("ceph-osd-id", "osd", "ceph_daemon_id")
HOSTNAME = "kubernetes.io/hostname"
#: The CRUSH host an OSD Deployment belongs to (rook v1.7 osd/labels.go: TopologyLocationLabel, getOSDLabels).
CRUSH_HOST = "topology-location-host"
#: Container states a prepare pod does not come back from by itself (kubectl's STATUS words).
FAILING = frozenset(
    {
        "Failed",
        "Error",
        "CrashLoopBackOff",
        "ImagePullBackOff",
        "ErrImagePull",
        "CreateContainerConfigError",
        "CreateContainerError",
        "ContainerCannotRun",
        "OOMKilled",
    }
)


@dataclass(frozen=True)
class FailedPrepare:
    namespace: str
    pod: str
    node: str
    state: str

    def describe(self) -> str:
        return f"osd-prepare pod {self.namespace}/{self.pod} on node {self.node} is {self.state}"


def node_of(obj: Mapping[str, Any]) -> str:
    """The node a pod (or an OSD's pods) runs on: spec.nodeName, its CRUSH host label, its hostname node selector."""
    spec = kube.pod_spec(obj)
    found = spec.get("nodeName") or kube.labels(obj).get(CRUSH_HOST) or (spec.get("nodeSelector") or {}).get(HOSTNAME)
    return str(found or "?")


def failed_prepares(pods: Iterable[Mapping[str, Any]]) -> list[FailedPrepare]:
    """Prepare pods in a state they do not leave by themselves (kubectl's STATUS word, init containers' too)."""
    failed = []
    for pod in pods:
        health = pod_health(pod)
        if health.status.removeprefix("Init:") in FAILING:
            failed.append(
                FailedPrepare(kube.namespace_of(pod) or "", kube.name_of(pod), node_of(pod), health.describe())
            )
    return sorted(failed, key=lambda f: (f.node, f.pod))


def prepare_remedy(failed: Iterable[FailedPrepare]) -> str:
    """The manual's next steps, with the pods filled in: read their logs, then let the operator re-scan."""
    failed = list(failed)
    namespace = failed[0].namespace if failed else remedies.ROOK_NAMESPACE
    logs = "; ".join(remedies.pod_logs(f.pod, f.namespace) for f in failed)
    return (
        f"read the prepare logs: {logs}; after fixing the cause (disk, node), trigger a re-scan: "
        f"{remedies.rook_rescan(namespace)} (the operator recreates the rook-ceph-osd-prepare jobs)"
    )


def osd_id(obj: Mapping[str, Any]) -> str:
    labels = kube.labels(obj)
    return next((str(labels[k]) for k in OSD_ID_LABELS if labels.get(k) not in (None, "")), kube.name_of(obj))


@dataclass(frozen=True)
class OsdCount:
    prepared: list[tuple[str, str]]  # (osd id, node) per OSD Deployment
    down: list[str]  # each prepared OSD without a running pod, described

    def describe(self) -> str:
        running = len(self.prepared) - len(self.down)
        return f"{running} of {len(self.prepared)} prepared OSDs running: " + "; ".join(self.down)


def count_osds(deployments: Iterable[Mapping[str, Any]], pods: Iterable[Mapping[str, Any]]) -> OsdCount:
    """Prepared OSDs (their Deployments) and which of them have no pod that is up."""
    by_id: dict[str, list[Mapping[str, Any]]] = {}
    for pod in pods:
        by_id.setdefault(osd_id(pod), []).append(pod)
    prepared, down = [], []
    for deployment in sorted(deployments, key=lambda d: (len(osd_id(d)), osd_id(d))):
        osd, node = osd_id(deployment), node_of(deployment)
        prepared.append((osd, node))
        states = [pod_health(pod) for pod in by_id.get(osd, [])]
        if any(state.up for state in states):
            continue
        shown = ", ".join(state.describe() for state in states) or "no pod"
        down.append(f"osd.{osd} on node {node} ({kube.ref(deployment, 'Deployment')}: {shown})")
    return OsdCount(prepared, down)
