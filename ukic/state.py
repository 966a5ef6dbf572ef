"""The cluster state: every resource read once from the source, indexed, and shared by all steps."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from ukic import kube
from ukic.errors import UkicError
from ukic.heap import collector_paused
from ukic.outcome import Unverifiable
from ukic.shapes import malformed
from ukic.sources.base import Obj, ResourceUnavailable, Source
from ukic.yamlio import ParseError, load_text

T = TypeVar("T")


NO_SCHEDULE = ("NoSchedule", "NoExecute")
#: Taints the node lifecycle controller sets for conditions and cordons (k8s.io/api core/v1
#: well_known_taints.go, release 1.22: TaintNodeNotReady, TaintNodeUnreachable, TaintNodeUnschedulable, ...).
CONDITION_TAINT_PREFIX = "node.kubernetes.io/"
CORDON_TAINT = "node.kubernetes.io/unschedulable"


@dataclass(frozen=True)
class NodeView:
    """The facts about a node that the manual's expectations talk about."""

    name: str
    labels: Mapping[str, str]
    internal_ips: tuple[str, ...]
    pod_cidrs: tuple[str, ...]
    taints: tuple[Mapping[str, Any], ...]
    ready: bool
    ready_reason: str
    unschedulable: bool
    kubelet_version: str

    @property
    def is_control_plane(self) -> bool:
        return any(label in self.labels for label in kube.CONTROL_PLANE_LABELS)

    @property
    def keeps_workloads_off(self) -> bool:
        """A NoSchedule or NoExecute taint put there to keep ordinary workloads off: control-plane separation.

        The taints Kubernetes itself sets for a node condition or a cordon (node.kubernetes.io/not-ready,
        unreachable, unschedulable, ...) keep pods off too, but they are no separation: a cordoned master
        is not a dedicated one.
        """
        return any(
            t.get("effect") in NO_SCHEDULE and not str(t.get("key", "")).startswith(CONDITION_TAINT_PREFIX)
            for t in self.taints
        )

    @property
    def only_cordoned(self) -> bool:
        """Cordoned, and nothing but the cordon keeps ordinary pods off (`kubectl uncordon` makes it a worker)."""
        return self.unschedulable and not any(
            t.get("effect") in NO_SCHEDULE and t.get("key") != CORDON_TAINT for t in self.taints
        )

    @property
    def schedulable(self) -> bool:
        """Takes ordinary pods: the manual's "worker" (not cordoned, no taint of any kind keeping pods off)."""
        return not self.unschedulable and not any(t.get("effect") in NO_SCHEDULE for t in self.taints)

    @classmethod
    def of(cls, node: Obj) -> NodeView:
        spec, status = node.get("spec") or {}, node.get("status") or {}
        cidrs = spec.get("podCIDRs") or ([spec["podCIDR"]] if spec.get("podCIDR") else [])
        ready = kube.condition(node, "Ready") or {}
        return cls(
            name=kube.name_of(node),
            labels=kube.labels(node),
            internal_ips=tuple(
                a.get("address", "") for a in status.get("addresses") or [] if a.get("type") == "InternalIP"
            ),
            pod_cidrs=tuple(cidrs),
            taints=tuple(spec.get("taints") or ()),
            ready=ready.get("status") == "True",
            ready_reason=str(ready.get("reason") or ready.get("status") or "no Ready condition"),
            unschedulable=bool(spec.get("unschedulable")),
            kubelet_version=str((status.get("nodeInfo") or {}).get("kubeletVersion", "")),
        )


@dataclass(frozen=True)
class KubeadmConfig:
    """kubeadm's ClusterConfiguration and how messages name where it came from."""

    data: Mapping[str, Any]
    where: str  # e.g. "ConfigMap kube-system/kubeadm-config (bootstrap/place10/kubeadm.yaml#1) ClusterConfiguration"

    def networking(self, field: str) -> str | None:
        value = (self.data.get("networking") or {}).get(field)
        return None if value is None else str(value)


class ClusterState:
    """Read-once, index-once access to the facts of one cluster."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self._lists: dict[str, list[Obj] | ResourceUnavailable] = {}
        self._by_name: dict[str, dict[tuple[str | None, str], Obj]] = {}
        self._by_namespace: dict[str, dict[str | None, list[Obj]]] = {}
        self._by_label: dict[tuple[str, str], dict[str, list[Obj]]] = {}
        self._derived: dict[str, Any] = {}
        self._nodes: list[NodeView] | None = None
        self._lock = threading.Lock()
        self.reads: list[str] = []  # keys in the order first fetched (tests keep AREA_READS honest)

    # -- reading -------------------------------------------------------------------------
    def prefetch(self, keys: Iterable[str]) -> None:
        """Fetch the resources not yet read, all at once (concurrently where the source can)."""
        missing = sorted(set(keys) - set(self._lists))
        if not missing:
            return
        try:
            with collector_paused():
                fetched = self.source.prefetch(missing)
        except UkicError:
            raise  # the source as a whole cannot be read: the run stops
        except Exception:
            return
        for key, value in fetched.items():
            self._store(key, value)

    def _store(self, key: str, value: list[Obj] | ResourceUnavailable) -> None:
        if not isinstance(value, ResourceUnavailable):
            problem = malformed(key, value)
            if problem is not None:  # checks would crash on it, or judge half-read facts
                value = ResourceUnavailable(key, f"malformed object: {problem}")
        with self._lock:
            if key not in self._lists:
                self._lists[key] = value
                self.reads.append(key)

    def list(self, key: str) -> list[Obj]:
        """All objects of a resource; Unverifiable when the source cannot say."""
        if key not in self._lists:
            try:
                with collector_paused():
                    value: list[Obj] | ResourceUnavailable = self.source.list(key)
            except ResourceUnavailable as gap:
                value = gap
            except UkicError:
                raise
            except Exception as exc:  # a bug in a source proves nothing about the cluster
                value = ResourceUnavailable(key, f"harness error: {type(exc).__name__}: {exc}")
            self._store(key, value)
        value = self._lists[key]
        if isinstance(value, ResourceUnavailable):
            raise Unverifiable(str(value), remedy=value.remedy)
        return value

    def get(self, key: str, namespace: str | None, name: str) -> Obj | None:
        """One object by namespace (None for cluster-scoped) and name."""
        index = self._by_name.get(key)
        if index is None:
            index = {(kube.namespace_of(o), kube.name_of(o)): o for o in self.list(key)}
            self._by_name[key] = index
        return index.get((namespace, name))

    def in_namespace(self, key: str, namespace: str | None) -> list[Obj]:
        """Objects of a resource in one namespace; namespace None means every namespace."""
        if namespace is None:
            return self.list(key)
        index = self._by_namespace.get(key)
        if index is None:
            index = defaultdict(list)
            for obj in self.list(key):
                index[kube.namespace_of(obj)].append(obj)
            self._by_namespace[key] = index
        return index.get(namespace, [])

    def labelled(self, key: str, selector: Mapping[str, str], namespace: str | None = None) -> list[Obj]:
        """Objects whose labels include every pair of the selector, in list order.

        The first label of the selector is looked up in an index built once per resource and
        label name, so asking for calico-node pods costs the same on 30 or 300,000 pods.
        """
        if not selector:
            return self.in_namespace(key, namespace)
        (first, wanted), *rest = selector.items()
        candidates = self._label_index(key, first).get(wanted, [])
        return [
            o
            for o in candidates
            if (namespace is None or kube.namespace_of(o) == namespace)
            and all(kube.labels(o).get(k) == v for k, v in rest)
        ]

    def _label_index(self, key: str, label: str) -> dict[str, list[Obj]]:
        index = self._by_label.get((key, label))
        if index is None:
            index = defaultdict(list)
            for obj in self.list(key):
                value = kube.labels(obj).get(label)
                if value is not None:
                    index[value].append(obj)
            self._by_label[(key, label)] = index
        return index

    def derived(self, name: str, build: Callable[[ClusterState], T]) -> T:
        """A fact computed once per run from the state (e.g. an index several scenarios ask);
        if ``build`` raises (say, Unverifiable), nothing is kept and the next call tries again."""
        if name not in self._derived:
            self._derived[name] = build(self)
        return self._derived[name]

    # -- derived facts -------------------------------------------------------------------
    def nodes(self) -> list[NodeView]:
        if self._nodes is None:
            self._nodes = [NodeView.of(n) for n in self.list("nodes")]
        return self._nodes

    def kubeadm_cluster_configuration(self) -> KubeadmConfig | None:
        """The parsed ClusterConfiguration of ConfigMap kube-system/kubeadm-config, None when absent."""
        cm = self.get("configmaps", "kube-system", "kubeadm-config")
        if cm is None:
            return None
        text = (cm.get("data") or {}).get("ClusterConfiguration")
        if not text:
            return None
        where = f"{kube.ref(cm, 'ConfigMap')} ClusterConfiguration"
        try:
            parsed = load_text(text, where)
        except ParseError as exc:
            raise Unverifiable(str(exc)) from None
        return KubeadmConfig(parsed, where) if isinstance(parsed, dict) else None
