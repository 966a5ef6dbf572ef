"""A cluster as the API server would hold it: objects applied from manifests, and what controllers make of them.

Kubernetes' own controllers are modelled as far as kubectl output shows them: a Deployment gets a
ReplicaSet-hashed pod per replica, a DaemonSet a pod per node it tolerates, a StatefulSet ordinal
pods, a Job one completed pod; every workload reports ready status; pods get addresses from Calico
IPAM blocks (one /122 per node, ukic.calico_ipam) or the node's own address with hostNetwork.
"""

from __future__ import annotations

import copy
import hashlib
import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from ukic.resources import CATALOG, Resource

Obj = dict[str, Any]
BY_GROUP_KIND: dict[tuple[str, str], Resource] = {(r.group, r.kind): r for r in CATALOG}
CAPTURED_AT = datetime(2021, 11, 6, 21, 50, tzinfo=UTC)  # the manual's revision 65


def _group(api_version: str) -> str:
    return api_version.partition("/")[0] if "/" in api_version else ""


@dataclass
class Node:
    name: str
    address: str
    control_plane: bool = False
    block: str = ""  # the Calico IPAM block affine to this node


@dataclass
class Cluster:
    """Objects by resource key; a few helpers to add them the way the API stores them."""

    name: str
    nodes: list[Node]
    objects: dict[str, list[Obj]] = field(default_factory=dict)
    captured_at: datetime = CAPTURED_AT  # when kubectl wrote the snapshot; the cluster was made 52 days before
    server_version: str = "v1.22.0"
    context: str = ""  # the kubeconfig context kubectl used (kubeadm's admin.conf: kubernetes-admin@<cluster>)
    _pod_ips: dict[str, int] = field(default_factory=dict)

    # -- identity -----------------------------------------------------------------------------------
    def hexid(self, length: int, *parts: object) -> str:
        return hashlib.sha256("/".join(map(str, (self.name, *parts))).encode()).hexdigest()[:length]

    def uid(self, *parts: object) -> str:
        h = self.hexid(32, "uid", *parts)
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def suffix(self, *parts: object, length: int = 5) -> str:
        alphabet = "bcdfghjklmnpqrstvwxz2456789"
        digest = hashlib.sha256("/".join(map(str, (self.name, *parts))).encode()).digest()
        return "".join(alphabet[b % len(alphabet)] for b in digest[:length])

    def at(self, minutes_after_creation: float) -> str:
        created = self.captured_at - timedelta(days=52)
        return (created + timedelta(minutes=minutes_after_creation)).strftime("%Y-%m-%dT%H:%M:%SZ")

    # -- storing ------------------------------------------------------------------------------------
    def resource_of(self, obj: Obj) -> Resource | None:
        return BY_GROUP_KIND.get((_group(str(obj.get("apiVersion", ""))), str(obj.get("kind", ""))))

    def add(self, obj: Obj, namespace: str | None = None, minutes: float = 0) -> Obj | None:
        """Store an object as the API would (namespace, uid, creationTimestamp); None when ukic reads no such kind."""
        resource = self.resource_of(obj)
        if resource is None:
            return None
        stored = copy.deepcopy(obj)
        meta = stored.setdefault("metadata", {})
        if resource.namespaced:
            meta["namespace"] = meta.get("namespace") or namespace or "default"
        else:
            meta.pop("namespace", None)
        meta.setdefault("uid", self.uid(resource.key, meta.get("namespace"), meta["name"]))
        meta.setdefault("creationTimestamp", self.at(minutes))
        meta.setdefault("resourceVersion", str(1000 + len(self.objects.get(resource.key, [])) + int(minutes) * 7))
        if resource.key in ("deployments.apps", "statefulsets.apps", "daemonsets.apps", "cephclusters.ceph.rook.io"):
            meta.setdefault("generation", 1)
        if not meta.get("labels"):
            meta.pop("labels", None)
        if not meta.get("annotations"):
            meta.pop("annotations", None)
        self.objects.setdefault(resource.key, []).append(stored)
        return stored

    def apply(self, documents: Iterable[Any], namespace: str | None = None, minutes: float = 0, **marks: Any) -> None:
        """`kubectl apply` of manifests (or ArgoCD syncing them); workloads get their pods and status."""
        for doc in documents:
            if not isinstance(doc, dict) or "kind" not in doc:
                continue
            if doc["kind"].endswith("List") and isinstance(doc.get("items"), list):
                self.apply(doc["items"], namespace, minutes, **marks)
                continue
            body = copy.deepcopy(doc)
            meta = body.setdefault("metadata", {})
            meta["labels"] = {**(meta.get("labels") or {}), **marks.get("labels", {})}
            meta["annotations"] = {**(meta.get("annotations") or {}), **marks.get("annotations", {})}
            stored = self.add(body, namespace, minutes)
            if stored is not None and stored["kind"] in WORKLOAD_KINDS:
                self.run(stored, minutes)

    def get(self, key: str, namespace: str | None, name: str) -> Obj:
        for obj in self.objects.get(key, []):
            meta = obj["metadata"]
            if meta["name"] == name and meta.get("namespace") == namespace:
                return obj
        raise KeyError(f"{key} {namespace}/{name}")

    # -- controllers --------------------------------------------------------------------------------
    def run(self, workload: Obj, minutes: float) -> None:
        """Pods and status the workload's controller makes (all up and ready)."""
        kind, meta, spec = workload["kind"], workload["metadata"], workload.get("spec") or {}
        template = spec.get("template") or ((spec.get("jobTemplate") or {}).get("spec") or {}).get("template") or {}
        if kind == "CronJob":
            workload["status"] = {}
            return
        pod_spec = template.get("spec") or {}
        if kind == "DaemonSet":
            nodes = [n for n in self.nodes if not n.control_plane or _tolerates_masters(pod_spec)]
            names = [f"{meta['name']}-{self.suffix('ds', meta['name'], n.name)}" for n in nodes]
        else:
            count = 1 if kind == "Job" else int(spec.get("replicas", 1))
            pool = [n for n in self.nodes if not n.control_plane] or self.nodes
            start = int(self.hexid(4, "place", meta["name"]), 16)
            nodes = [pool[(start + i) % len(pool)] for i in range(count)]
            if kind == "Deployment":
                rs = self.suffix("rs", meta["name"], length=10)
                names = [f"{meta['name']}-{rs}-{self.suffix('pod', meta['name'], i)}" for i in range(count)]
            elif kind == "StatefulSet":
                names = [f"{meta['name']}-{i}" for i in range(count)]
            else:
                names = [f"{meta['name']}-{self.suffix('job', meta['name'])}"]
        for pod_name, node in zip(names, nodes, strict=True):
            self.pod(workload, pod_name, node, template, minutes + 1, completed=kind == "Job")
        want = len(names)
        if kind == "Deployment":
            workload["status"] = {
                "availableReplicas": want,
                "conditions": [
                    {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable"},
                    {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable"},
                ],
                "observedGeneration": 1,
                "readyReplicas": want,
                "replicas": want,
                "updatedReplicas": want,
            }
            if want == 0:
                workload["status"] = {"observedGeneration": 1, "replicas": 0}
        elif kind == "DaemonSet":
            workload["status"] = {
                "currentNumberScheduled": want,
                "desiredNumberScheduled": want,
                "numberAvailable": want,
                "numberMisscheduled": 0,
                "numberReady": want,
                "observedGeneration": 1,
                "updatedNumberScheduled": want,
            }
        elif kind == "StatefulSet":
            workload["status"] = {
                "availableReplicas": want,
                "currentReplicas": want,
                "observedGeneration": 1,
                "readyReplicas": want,
                "replicas": want,
                "updatedReplicas": want,
            }
        elif kind == "Job":
            workload["status"] = {"completionTime": self.at(minutes + 3), "startTime": self.at(minutes), "succeeded": 1}

    def pod(self, owner: Obj, name: str, node: Node, template: Obj, minutes: float, completed: bool = False) -> Obj:
        spec = copy.deepcopy(template.get("spec") or {})
        spec["nodeName"] = node.name
        labels = dict((template.get("metadata") or {}).get("labels") or {})
        if owner["kind"] == "Deployment":
            labels["pod-template-hash"] = name.split("-")[-2]
        elif owner["kind"] in ("DaemonSet", "StatefulSet"):
            labels["controller-revision-hash"] = self.suffix("rev", owner["metadata"]["name"], length=10)
        ip = node.address if spec.get("hostNetwork") else self.pod_ip(node)
        started = self.at(minutes)
        statuses = [
            {
                "containerID": f"cri-o://{self.hexid(64, 'ctr', name, c['name'])}",
                "image": c.get("image", ""),
                "imageID": f"{c.get('image', '').split(':')[0]}@sha256:{self.hexid(64, 'img', c.get('image'))}",
                "lastState": {},
                "name": c["name"],
                "ready": not completed,
                "restartCount": 0,
                "started": not completed,
                "state": {"terminated": {"exitCode": 0, "reason": "Completed", "startedAt": started}}
                if completed
                else {"running": {"startedAt": started}},
            }
            for c in spec.get("containers") or []
        ]
        init = [
            {
                "containerID": f"cri-o://{self.hexid(64, 'init', name, c['name'])}",
                "image": c.get("image", ""),
                "imageID": f"{c.get('image', '').split(':')[0]}@sha256:{self.hexid(64, 'img', c.get('image'))}",
                "lastState": {},
                "name": c["name"],
                "ready": True,
                "restartCount": 0,
                "state": {"terminated": {"exitCode": 0, "reason": "Completed", "startedAt": started}},
            }
            for c in spec.get("initContainers") or []
        ]
        ready = "False" if completed else "True"
        status: Obj = {
            "conditions": [
                {"type": "Initialized", "status": "True", "lastTransitionTime": started},
                {"type": "Ready", "status": ready, "lastTransitionTime": started},
                {"type": "ContainersReady", "status": ready, "lastTransitionTime": started},
                {"type": "PodScheduled", "status": "True", "lastTransitionTime": started},
            ],
            "containerStatuses": statuses,
            "hostIP": node.address,
            "phase": "Succeeded" if completed else "Running",
            "podIP": ip,
            "podIPs": [{"ip": ip}],
            "qosClass": "BestEffort",
            "startTime": started,
        }
        if init:
            status["initContainerStatuses"] = init
        owner_ref = {
            "apiVersion": owner["apiVersion"] if owner["kind"] != "Deployment" else "apps/v1",
            "blockOwnerDeletion": True,
            "controller": True,
            "kind": "ReplicaSet" if owner["kind"] == "Deployment" else owner["kind"],
            "name": "-".join(name.split("-")[:-1]) if owner["kind"] == "Deployment" else owner["metadata"]["name"],
            "uid": self.uid("owner", owner["metadata"].get("namespace"), owner["metadata"]["name"]),
        }
        pod = {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {
                "name": name,
                "namespace": owner["metadata"].get("namespace"),
                "labels": labels,
                "annotations": dict((template.get("metadata") or {}).get("annotations") or {}),
                "ownerReferences": [owner_ref],
            },
            "spec": spec,
            "status": status,
        }
        return self.add(pod, minutes=minutes) or pod

    def pod_ip(self, node: Node) -> str:
        block = ipaddress.IPv6Network(node.block)
        used = self._pod_ips.get(node.name, 0)
        self._pod_ips[node.name] = used + 1
        return str(block.network_address + used + 1)

    def pod_count(self, node: Node) -> int:
        return self._pod_ips.get(node.name, 0)


WORKLOAD_KINDS = ("Deployment", "DaemonSet", "StatefulSet", "Job", "CronJob")


def _tolerates_masters(pod_spec: Obj) -> bool:
    for toleration in pod_spec.get("tolerations") or []:
        if toleration.get("operator") == "Exists" and not toleration.get("key"):
            return True
        if toleration.get("key") == "node-role.kubernetes.io/master":
            return True
    return False
