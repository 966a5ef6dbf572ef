"""Finding a component (as profiles/components.yaml describes it) in the cluster state."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ukic import kube
from ukic.profiles.model import Component, WorkloadRef
from ukic.sources.base import Obj
from ukic.state import ClusterState

WORKLOAD_KEYS = {
    "Deployment": "deployments.apps",
    "DaemonSet": "daemonsets.apps",
    "StatefulSet": "statefulsets.apps",
    "Pod": "pods",
}
#: Where a component named by its image may run, with the kind of object each resource holds.
IMAGE_KEYS = {
    **{key: kind for kind, key in WORKLOAD_KEYS.items() if kind != "Pod"},
    "jobs.batch": "Job",
    "cronjobs.batch": "CronJob",
    "pods": "Pod",
}
CRDS = "customresourcedefinitions.apiextensions.k8s.io"


@dataclass(frozen=True)
class Finding:
    """One expected workload and the object found for it (None when missing)."""

    expected: str
    obj: Obj | None


def _with_kind(obj: Obj, kind: str) -> Obj:
    return obj if obj.get("kind") else {**obj, "kind": kind}


def _find_workload(state: ClusterState, ref: WorkloadRef) -> Obj | None:
    key = WORKLOAD_KEYS[ref.kind]
    if ref.namespace is not None:
        found = state.get(key, ref.namespace, ref.name)
    else:
        found = next((o for o in state.list(key) if kube.name_of(o) == ref.name), None)
    return None if found is None else _with_kind(found, ref.kind)


def expected_workloads(state: ClusterState, component: Component) -> list[Finding]:
    """Each named workload with what was found; for image-named components, any user of the image."""
    findings = [
        Finding(f"{ref.kind} {ref.namespace + '/' if ref.namespace else ''}{ref.name}", _find_workload(state, ref))
        for ref in component.workloads
    ]
    for repository in component.images:
        users = image_users(state, repository)
        findings.append(Finding(f"workload using image {repository}", users[0] if users else None))
    return findings


def image_users(state: ClusterState, repository: str) -> list[Obj]:
    """Workloads (controllers first, then bare pods) whose containers use the image repository."""
    return state.derived("image users", _index_image_users).get(repository, [])


def _index_image_users(state: ClusterState) -> dict[str, list[Obj]]:
    """Every workload under each name its images answer to: the repository and every shorter
    suffix after a '/' (``quay.io/cephcsi/cephcsi`` also answers to ``cephcsi/cephcsi`` and
    ``cephcsi``), so a lookup is the same test as kube.uses_image, done once for all workloads."""
    index: dict[str, list[Obj]] = {}
    for key, kind in IMAGE_KEYS.items():
        for obj in state.list(key):
            names = {suffix for image in kube.images(obj) for suffix in _suffixes(kube.image_repository(image))}
            if names:
                typed = _with_kind(obj, kind)
                for name in names:
                    index.setdefault(name, []).append(typed)
    return index


def _suffixes(repository: str) -> Iterator[str]:
    yield repository
    for at, char in enumerate(repository):
        if char == "/":
            yield repository[at + 1 :]


def leftovers(state: ClusterState, component: Component) -> list[str]:
    """Everything of a component still present: workloads, users of its images, its CRDs and objects."""
    found = [kube.ref(f.obj) for f in expected_workloads(state, component) if f.obj is not None]
    if component.crd_groups:
        found += [
            kube.ref(crd, "CustomResourceDefinition")
            for crd in state.list(CRDS)
            if (crd.get("spec") or {}).get("group") in component.crd_groups
        ]
    for key in component.resources:
        kind = key.split(".")[0]
        found += [kube.ref(obj, obj.get("kind") or kind) for obj in state.list(key)]
    return sorted(set(found))
