"""What Rook's CephCluster and its pods mean, as the rook operator of the manual's era (v1.5-v1.7) defines it.

Sources (rook/rook, tag v1.7.8):
- pkg/operator/ceph/cluster/cluster.go, preClusterStartValidation: a CephCluster whose
  ``spec.mon.count`` is 0 or omitted runs ``mon.DefaultMonCount`` = 3 monitors (mon/mon.go).
- pkg/operator/ceph/cluster/mon/mon.go and health.go: before placing a monitor the operator
  starts a ``-canary`` copy of the mon Deployment whose pods carry ``app=rook-ceph-mon`` and
  ``mon_canary=true``; the operator itself skips them when counting monitors.
- pkg/apis/ceph.rook.io/v1/types.go: ``status.phase`` is a ConditionType (Progressing, Ready,
  Failure, Connecting, Connected, Deleting), ``status.state`` a ClusterState (Creating, Created,
  Updating, Connecting, Connected, Error); ``status.ceph.details`` maps a Ceph health check
  (OSD_DOWN, MON_DOWN, ...) to its severity and message. cluster.go sets the phase back to
  Progressing on every reconcile, e.g. after the manual's re-scan (deleting the operator pod).
- rook v1.5.5 also declares Updating, Upgrading and Ignored, but its config/conditions.go moves
  ``status.phase`` only to a condition exported as True, and those three are only ever exported as
  False: a v1.5 cluster, too, passes through Progressing alone (Connecting is an external cluster's).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ukic import install_method, kube, remedies
from ukic.outcome import Unverifiable
from ukic.state import ClusterState

CEPH_CLUSTERS = "cephclusters.ceph.rook.io"
DEFAULT_MON_COUNT = 3
#: The rook-ceph-cluster chart's value for spec.mon.count (v1.7.8 deploy/charts/rook-ceph-cluster/values.yaml).
CHART_MON_COUNT = "cephClusterSpec.mon.count"
MON_LABELS = {"app": "rook-ceph-mon"}
CANARY_LABEL = "mon_canary"
#: Phases in which the cluster serves storage as configured.
SETTLED_PHASES = frozenset({"Ready", "Connected"})
#: Phases the operator passes through while it reconciles: a snapshot taken then is not a failure.
TRANSIENT_PHASES = frozenset({"Progressing"})
FAILED_STATES = frozenset({"Error"})


def mon_count(ceph_cluster: Mapping[str, Any]) -> int:
    """The number of monitors the operator runs: spec.mon.count, or Rook's default 3 when unset or 0."""
    count = ((ceph_cluster.get("spec") or {}).get("mon") or {}).get("count")
    try:
        value = int(count) if count is not None else 0
    except (TypeError, ValueError):
        value = 0
    return value if value > 0 else DEFAULT_MON_COUNT


def monitor_pods(state: ClusterState, namespace: str | None) -> list[Mapping[str, Any]]:
    """The Ceph monitor pods of a cluster's namespace, without the operator's scheduling canaries."""
    return [p for p in state.labelled("pods", MON_LABELS, namespace=namespace) if CANARY_LABEL not in kube.labels(p)]


@dataclass(frozen=True)
class CephHealth:
    """status.ceph.health and the health checks Rook copies into status.ceph.details."""

    health: str | None
    details: tuple[str, ...] = ()

    def describe(self) -> str:
        shown = self.health or "no ceph health reported"
        return f"ceph health {shown} ({'; '.join(self.details)})" if self.details else f"ceph health {shown}"


def ceph_health(ceph_cluster: Mapping[str, Any]) -> CephHealth:
    ceph = (ceph_cluster.get("status") or {}).get("ceph") or {}
    details = ceph.get("details")
    checks = sorted(details.items()) if isinstance(details, Mapping) else []  # CRD: a map of check -> info
    shown = tuple(
        f"{check}: {info.get('message', '') if isinstance(info, Mapping) else ''}".rstrip(": ")
        for check, info in checks
    )
    health = ceph.get("health")
    return CephHealth(str(health) if health else None, shown)


@dataclass(frozen=True)
class ClusterVerdict:
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def cluster_verdict(ceph_cluster: Mapping[str, Any]) -> ClusterVerdict:
    """Failures (HEALTH_ERR, no health, a failed or unknown phase, state Error) and warnings (still Progressing)."""
    status = ceph_cluster.get("status") or {}
    phase, state = status.get("phase"), status.get("state")
    name = kube.ref(ceph_cluster, "CephCluster")
    health = ceph_health(ceph_cluster)
    verdict = ClusterVerdict()
    if health.health is None:
        verdict.failures.append(f"{name}: reports no ceph health")
    elif health.health == "HEALTH_ERR":
        verdict.failures.append(f"{name}: {health.describe()}")
    if state in FAILED_STATES:
        verdict.failures.append(f"{name}: state {state}: {status.get('message') or 'no message'}")
    if phase in TRANSIENT_PHASES:
        message = status.get("message") or "the operator is reconciling"
        verdict.warnings.append(
            f"{name}: phase {phase} ({message}), {health.describe()}: the operator is still reconciling "
            "(as after deleting the operator pod to re-scan); check again once it is Ready"
        )
    elif phase not in SETTLED_PHASES:
        verdict.failures.append(f"{name}: phase {phase or 'unset'}, not Ready ({health.describe()})")
    return verdict


def first_ceph_cluster(state: ClusterState) -> Mapping[str, Any] | None:
    """The cluster's (first) CephCluster, or None when there is none or the source cannot say."""
    try:
        return next(iter(state.list(CEPH_CLUSTERS)), None)
    except Unverifiable:
        return None


def set_mon_count(state: ClusterState, ceph_cluster: Mapping[str, Any] | None, want: int) -> str:
    """The remedy for a wrong monitor count, where the count comes from: the CephCluster's manifest, or
    the values of the rook-ceph-cluster chart that rendered it (so neither Helm nor ArgoCD puts it back)."""
    if ceph_cluster is None:
        return remedies.set_field("spec.mon.count", want, "the CephCluster", "manifests", "", CHART_MON_COUNT)
    evidence = install_method.classify(state, ceph_cluster)
    ref = kube.ref(ceph_cluster, "CephCluster")
    return remedies.set_field("spec.mon.count", want, ref, evidence.method, evidence.owner, CHART_MON_COUNT)
