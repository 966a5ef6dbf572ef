"""Put a repository's objects under the resource keys of ukic.resources, as a cluster would serve them."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ukic import calico_pools
from ukic.kube import SECRET_PAYLOAD_ANNOTATION
from ukic.manifests import calico, charts, helm_installs, kubeadm, kustomize
from ukic.manifests.reader import Document, Reading
from ukic.redact import strip_secret_payload
from ukic.resources import BY_KEY, CATALOG, Resource

#: Annotation recording where in the repository an object was written: "<file>#<document>".
SOURCE_ANNOTATION = "ukic.ungleich.ch/source"

Obj = dict[str, Any]
_BY_GROUP_KIND: dict[tuple[str, str], Resource] = {(r.group, r.kind): r for r in CATALOG}
_KUSTOMIZE_GROUP = "kustomize.config.k8s.io"
_IPPOOLS = "ippools.crd.projectcalico.org"


@dataclass
class RepositoryState:
    """The objects a repository declares, by resource key, and what the reader could not use."""

    objects: dict[str, list[Obj]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # files and documents that are no objects and no values
    kubernetes_version: str | None = None


def origin(obj: Obj) -> str | None:
    """Where an object read from a repository was written ("<file>#<document>"), else None."""
    annotations = (obj.get("metadata") or {}).get("annotations") or {}
    value = annotations.get(SOURCE_ANNOTATION)
    return value if isinstance(value, str) else None


def group_of(api_version: str) -> str:
    """ "apps/v1" -> "apps"; "v1" -> "" (the core group)."""
    return api_version.partition("/")[0] if "/" in api_version else ""


def map_reading(reading: Reading) -> RepositoryState:
    """Translate kubeadm, calicoctl and chart Applications; keep catalogued objects as written."""
    recognised = {helm_installs.no_kind_note(d) for d in reading.values if charts.model_for_values(d.body)}
    notes: list[str] = []
    patches, patch_files = kustomize.patches(reading, notes)
    ignored = [note for note in reading.ignored if note not in recognised and note.split(": ", 1)[0] not in patch_files]
    state = RepositoryState(notes=[*ignored, *notes], ignored=ignored)
    placed: dict[tuple[str, str, str], str] = {}
    kubeadm_docs: list[Document] = []

    def place(resource: Resource, body: Obj, where: str) -> None:
        obj = _as_served(resource, body, where)
        identity = (resource.key, obj["metadata"].get("namespace") or "", obj["metadata"].get("name") or "")
        bucket = state.objects.setdefault(resource.key, [])
        if identity[2] and identity in placed:
            state.notes.append(
                f"{where}: {resource.kind} {_display(identity)} also written in {placed[identity]}; "
                "the later file is used"
            )
            bucket[:] = [o for o in bucket if _identity(resource, o) != identity]
        placed[identity] = where
        bucket.append(obj)

    applications: list[Document] = []
    for doc in reading.documents:
        body, group, kind = doc.body, group_of(doc.body["apiVersion"]), doc.body["kind"]
        if group == kubeadm.GROUP:
            kubeadm_docs.append(doc)
            continue
        if group == _KUSTOMIZE_GROUP:
            state.notes.append(
                f"{doc.origin}: kustomize {kind}: its patches are applied to the objects they name; resources, "
                "bases and other transformers are not (objects are read where they are written)"
            )
            continue
        if doc.file in patch_files:
            continue  # a partial object a Kustomization patches another with
        if calico.is_calicoctl(body):
            stored = calico.to_crd(body)
            if stored is not None:
                place(_BY_GROUP_KIND[("crd.projectcalico.org", kind)], stored, doc.origin)
            continue
        resource = _BY_GROUP_KIND.get((group, kind))
        if resource is None:
            continue  # a Kubernetes object no check reads
        if resource.key == "applications.argoproj.io":
            applications.append(doc)
            body = {
                **body,
                "status": {**(body.get("status") or {}), "sourceType": helm_installs.source_type(body, reading)},
            }
        place(resource, body, doc.origin)

    referenced = {f.folder for d in applications if (f := helm_installs.chart_folder_of(d.body, reading))}
    for rendered in [
        *helm_installs.from_applications(applications, reading, state.notes),
        *helm_installs.from_helm_installs(referenced, reading, state.notes),
    ]:
        obj = rendered.obj
        place(_BY_GROUP_KIND[(group_of(obj["apiVersion"]), obj["kind"])], obj, rendered.origin)

    _apply_patches(state, patches)
    installations = [(o, origin(o) or "") for o in state.objects.get("installations.operator.tigera.io", [])]
    node_daemonsets = [
        (o, origin(o) or "")
        for o in state.objects.get("daemonsets.apps", [])
        if (o.get("metadata") or {}).get("name") == "calico-node"
    ]
    pod_subnet = _place_kubeadm(kubeadm_docs, state, place)
    _place_default_pools(state, place, installations, node_daemonsets, pod_subnet)
    return state


def _apply_patches(state: RepositoryState, patches: list[kustomize.Patch]) -> None:
    """Each kustomize patch applied to the objects it targets, in the order the Kustomizations list them."""
    for patch in patches:
        applied = []
        try:
            changes = [
                (bucket, obj, patched)
                for key, bucket in state.objects.items()
                for obj, patched in kustomize.apply(patch, bucket, BY_KEY[key].builtin)
            ]
        except kustomize.PatchError as exc:
            state.notes.append(f"{patch.origin}: kustomize patch not applied ({exc})")
            continue
        for bucket, obj, patched in changes:
            bucket[bucket.index(obj)] = patched
            metadata = patched.get("metadata") or {}
            where = f"{metadata['namespace']}/" if metadata.get("namespace") else ""
            applied.append(f"{patched.get('kind')} {where}{metadata.get('name')}")
        if applied:
            state.notes.append(f"{patch.origin}: kustomize patch applied to {', '.join(applied)}")
        else:
            state.notes.append(f"{patch.origin}: kustomize patch targets no object of the repository; not applied")


def _place_default_pools(
    state: RepositoryState,
    place: Any,
    installations: list[tuple[Obj, str]],
    node_daemonsets: list[tuple[Obj, str]],
    pod_subnet: str | None,
) -> None:
    """The IPPools calico-node creates at start for each family the repository declares none of
    (ukic.calico_pools): from the tigera-operator's Installation, or from calico-node's environment."""
    declared = {calico_pools.family((p.get("spec") or {}).get("cidr")) for p in state.objects.get(_IPPOOLS, [])}
    derived: list[tuple[Obj, str]] = []
    for installation, where in installations:
        derived += [
            (p, f"{where} via tigera-operator")
            for p in calico_pools.ippools_from_installation(installation, pod_subnet)
        ]
    for daemonset, where in node_daemonsets:
        derived += [
            (p, f"{where} via calico-node") for p in calico_pools.ippools_from_calico_node(_env(daemonset), pod_subnet)
        ]
    for pool, where in derived:
        fam = calico_pools.family(pool["spec"]["cidr"])
        if fam not in declared or fam is None:
            place(_BY_GROUP_KIND[("crd.projectcalico.org", "IPPool")], pool, where)


def _env(daemonset: Obj) -> dict[str, str]:
    """The calico-node container's plain environment variables."""
    spec = ((daemonset.get("spec") or {}).get("template") or {}).get("spec") or {}
    for container in spec.get("containers") or []:
        if container.get("name") == "calico-node":
            return {str(e.get("name")): str(e.get("value", "")) for e in container.get("env") or [] if "value" in e}
    return {}


def _place_kubeadm(docs: Iterable[Document], state: RepositoryState, place: Any) -> str | None:
    """Place kubeadm's ConfigMap; the podSubnet it declares (None when none)."""
    config = kubeadm.collect(docs, state.notes)
    found = kubeadm.cluster_configuration(config, state.notes)
    if found is None:
        return None
    cluster_config, where = found
    version = cluster_config.get("kubernetesVersion")
    state.kubernetes_version = str(version) if version is not None else None
    place(_BY_GROUP_KIND[("", "ConfigMap")], kubeadm.kubeadm_config_map(cluster_config), where)
    subnet = (cluster_config.get("networking") or {}).get("podSubnet")
    return str(subnet) if subnet else None


def _as_served(resource: Resource, body: Obj, where: str) -> Obj:
    """A copy shaped as the API would list it: no Secret payload, no namespace on cluster-scoped
    objects, and the origin annotation."""
    obj = strip_secret_payload(body) if resource.key == "secrets" else copy.deepcopy(body)
    metadata = obj.get("metadata")
    metadata = dict(metadata) if isinstance(metadata, dict) else {}
    if not resource.namespaced:
        metadata.pop("namespace", None)
    annotations = metadata.get("annotations")
    annotations = dict(annotations) if isinstance(annotations, dict) else {}
    annotations[SOURCE_ANNOTATION] = where
    payload = _payload_fields(body) if resource.key == "secrets" else ""
    if payload:
        annotations[SECRET_PAYLOAD_ANNOTATION] = payload
    metadata["annotations"] = annotations
    obj["metadata"] = metadata
    return obj


def _payload_fields(secret: Obj) -> str:
    """Which value fields a Secret of the repository carries, with their key counts: `data (2 keys)`."""
    shown = []
    for name in ("data", "stringData"):
        value = secret.get(name)
        if value:
            count = len(value) if isinstance(value, dict) else 1
            shown.append(f"{name} ({count} key{'s' if count != 1 else ''})")
    return ", ".join(shown)


def _identity(resource: Resource, obj: Obj) -> tuple[str, str, str]:
    metadata = obj.get("metadata") or {}
    return resource.key, metadata.get("namespace") or "", metadata.get("name") or ""


def _display(identity: tuple[str, str, str]) -> str:
    _, namespace, name = identity
    return f"{namespace}/{name}" if namespace else name
