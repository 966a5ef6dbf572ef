"""Finding a component (as profiles/components.yaml describes it) in the cluster state."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial

from ukic import kube
from ukic.outcome import Unverifiable
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
    """One role of a component and the workloads found playing it (none when missing)."""

    expected: str
    objects: tuple[Obj, ...]
    optional: bool = False

    @property
    def obj(self) -> Obj | None:
        return self.objects[0] if self.objects else None


def _with_kind(obj: Obj, kind: str) -> Obj:
    return obj if obj.get("kind") else {**obj, "kind": kind}


def _image_names(obj: Obj) -> set[str]:
    """Every name the object's images answer to (see _index_image_users)."""
    return {suffix for image in kube.images(obj) for suffix in _suffixes(kube.image_repository(image))}


def _role_players(state: ClusterState, ref: WorkloadRef) -> list[Obj]:
    """Workloads playing the role, each once: by name in the role's namespace, by its upstream labels or
    images in any namespace (through the name, label and image indexes)."""
    kinds = [ref.kind] if ref.kind else [k for k in WORKLOAD_KEYS if k != "Pod"]
    found: dict[tuple[str, str | None, str], Obj] = {}
    for kind in kinds:
        key = WORKLOAD_KEYS[kind]
        candidates: list[Obj] = []
        if ref.name:
            if ref.namespace is not None:
                obj = state.get(key, ref.namespace, ref.name)
                candidates += [obj] if obj is not None else []
            else:
                candidates += [o for o in state.list(key) if kube.name_of(o) == ref.name]
        if ref.labels:
            candidates += state.labelled(key, ref.labels)
        for repository in ref.images:
            candidates += [o for o in image_users(state, repository) if o.get("kind") == kind]
        for obj in candidates:
            found.setdefault((kind, kube.namespace_of(obj), kube.name_of(obj)), _with_kind(obj, kind))
    return list(found.values())


def expected_workloads(state: ClusterState, component: Component) -> list[Finding]:
    """Each role with the workloads playing it; for image-named components, the users of the image."""
    findings = [Finding(ref.describe(), tuple(_role_players(state, ref)), ref.optional) for ref in component.workloads]
    for repository in component.images:
        users = image_users(state, repository)
        findings.append(Finding(f"workload using image {repository}", tuple(users[:1])))
    return findings


def installed(state: ClusterState, component: Component) -> bool:
    """Whether any workload the component cannot do without is there, running or not. A role whose
    resources could not be read does not hide another role that was found; if none was found, the
    first such gap is raised (Unverifiable)."""
    finders: list[Callable[[], list[Obj]]] = [
        *(partial(_role_players, state, ref) for ref in component.workloads if not ref.optional),
        *(partial(image_users, state, repository) for repository in component.images),
    ]
    gap: Unverifiable | None = None
    for find in finders:
        try:
            if find():
                return True
        except Unverifiable as missing:
            gap = gap or missing
    if gap is not None:
        raise gap
    return False


def scaled_to_zero(obj: Obj) -> bool:
    """A Deployment or StatefulSet whose desired replicas are 0: stopped on purpose, not failing."""
    return obj.get("kind") in ("Deployment", "StatefulSet") and (obj.get("spec") or {}).get("replicas", 1) == 0


@dataclass(frozen=True)
class Problem:
    """What keeps a component from running, and the command that helps."""

    problem: str
    fix: str


def _describe(obj: Obj) -> str:
    where = f"-n {kube.namespace_of(obj)} " if kube.namespace_of(obj) else ""
    return f"kubectl {where}describe {str(obj.get('kind') or '').lower()} {kube.name_of(obj)}"


def running_problems(state: ClusterState, component: Component) -> list[Problem]:
    """What keeps the component from running: a missing role, a workload not ready, one scaled to 0
    that the component cannot do without. Optional roles may be absent or scaled to 0."""
    problems = []
    for finding in expected_workloads(state, component):
        if not finding.objects:
            if not finding.optional:
                problems.append(Problem(f"{component.title}: no {finding.expected}", component.install))
            continue
        for obj in finding.objects:
            if scaled_to_zero(obj):
                if not finding.optional:
                    kind, name = str(obj.get("kind")).lower(), kube.name_of(obj)
                    fix = f"kubectl -n {kube.namespace_of(obj)} scale {kind} {name} --replicas=1"
                    problems.append(Problem(f"{component.title}: {kube.ref(obj)} is scaled to 0 replicas", fix))
                continue
            ready, numbers = kube.workload_ready(obj)
            if not ready:
                problems.append(
                    Problem(
                        f"{component.title}: {kube.ref(obj)} not running ({numbers})",
                        f"{_describe(obj)} (why it is not ready)",
                    )
                )
    return problems


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
            names = _image_names(obj)
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
    """Everything of a component still present: its running workloads first (what still acts), then the
    objects it would reconcile, then its CRDs."""
    workloads = {kube.ref(obj) for f in expected_workloads(state, component) for obj in f.objects}
    objects = set()
    for key in component.resources:
        kind = key.split(".")[0]
        objects |= {kube.ref(obj, obj.get("kind") or kind) for obj in state.list(key)}
    crds = set()
    if component.crd_groups:
        crds = {
            kube.ref(crd, "CustomResourceDefinition")
            for crd in state.list(CRDS)
            if (crd.get("spec") or {}).get("group") in component.crd_groups
        }
    return [*sorted(workloads), *sorted(objects - workloads), *sorted(crds - workloads - objects)]
