"""kustomize patches in a configuration repository, applied to the objects they target as `kustomize build` would.

Flux v2 builds every path it applies with kustomize (kustomize-controller), so the repositories of the
manual's v1 set a cluster's values in patches over upstream files: a partial object under
``patchesStrategicMerge`` or ``patches`` is a patch of the object of its kind and name, not an object of
its own. kustomize.config.k8s.io/v1beta1 Kustomization (sigs.k8s.io/kustomize api/types/kustomization.go):
- ``patchesStrategicMerge``: files (or inline YAML) of partial objects, each merged into the resource of
  the same kind, name (and namespace);
- ``patches``: ``path`` or inline ``patch``, either a partial object or RFC 6902 operations, applied to
  every resource the ``target`` selects (group, version, kind, name and namespace as regular
  expressions, labelSelector) or, without a target, to the patch object's own resource;
- ``patchesJson6902``: RFC 6902 operations (``path`` or inline ``patch``) on the ``target`` resource.
Strategic merge (k8s.io/apimachinery pkg/util/strategicpatch): maps merge key by key and a null value
deletes a key; lists of built-in types merge item by item on their patch merge key (containers, env,
volumes by name, ports by containerPort, ...); lists of custom resources, which carry no such schema,
are replaced, as a JSON merge patch does. Resources, bases and other transformers are not modelled: the
objects are read where they are written.
"""

from __future__ import annotations

import copy
import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import jsonpatch
import jsonpointer

from ukic.manifests.reader import Document, Reading
from ukic.yamlio import ParseError, load_all_text

GROUP = "kustomize.config.k8s.io"
#: What an RFC 6902 patch raises when an operation does not fit the object (a path that is not there, ...).
PatchError = (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException)
Obj = dict[str, Any]
#: patchMergeKey of the lists of built-in types the checks read (k8s.io/api core/v1 types.go).
MERGE_KEYS = {
    "containers": "name",
    "initContainers": "name",
    "env": "name",
    "volumes": "name",
    "volumeMounts": "mountPath",
    "ports": "containerPort",
    "imagePullSecrets": "name",
}


@dataclass(frozen=True)
class Patch:
    """One patch: a partial object (strategic merge) or RFC 6902 operations, and what it targets."""

    origin: str  # where it is written ("<file>#<document>", or the Kustomization's origin for inline ones)
    body: Any
    target: dict[str, Any] | None = None

    @property
    def operations(self) -> bool:
        return isinstance(self.body, list)


def is_kustomization(doc: Document) -> bool:
    return doc.body["apiVersion"].partition("/")[0] == GROUP and doc.body["kind"] == "Kustomization"


def _inline(text: Any, origin: str, notes: list[str]) -> list[Any]:
    if not isinstance(text, str):
        return [text] if isinstance(text, dict | list) else []
    try:
        return [d for d in load_all_text(text, origin) if d is not None]
    except ParseError as exc:
        notes.append(f"{origin}: inline patch not read ({exc})")
        return []


def _file(reading: Reading, folder: str, path: Any, origin: str, notes: list[str]) -> tuple[str | None, list[Any]]:
    """The documents of a patch file named relative to its Kustomization, with the file's repository path."""
    if not isinstance(path, str):
        return None, []
    rel = posixpath.normpath(posixpath.join(folder, path))
    found = reading.read_yaml_documents(rel)
    if found is None:
        notes.append(f"{origin}: patch {path} is no YAML file of the repository; not applied")
        return None, []
    return rel, found


def patches(reading: Reading, notes: list[str]) -> tuple[list[Patch], set[str]]:
    """Every patch the repository's Kustomizations name, and the files that hold patches (no objects)."""
    found: list[Patch] = []
    files: set[str] = set()
    for doc in (d for d in reading.documents if is_kustomization(d)):
        folder = posixpath.dirname(doc.file)
        spec = doc.body
        entries = [(item, None, False) for item in spec.get("patchesStrategicMerge") or []]
        entries += [
            (item, item.get("target"), True)
            for key in ("patches", "patchesJson6902")  # both: {path | patch, target}
            for item in spec.get(key) or []
            if isinstance(item, dict)
        ]
        for item, target, structured in entries:
            if structured:
                path, inline = item.get("path"), item.get("patch")
            else:
                path, inline = (item, None) if isinstance(item, str) and "\n" not in item else (None, item)
            if path is not None:
                rel, bodies = _file(reading, folder, path, doc.origin, notes)
                if rel is not None:
                    files.add(rel)
                found += [Patch(f"{rel}#{n}", b, target) for n, b in enumerate(bodies, start=1)]
            else:
                found += [Patch(doc.origin, b, target) for b in _inline(inline, doc.origin, notes)]
    return found, files


def _selector_matches(selector: str, labels: dict[str, Any]) -> bool:
    """An equality-based label selector (``a=b,c!=d,e``)."""
    for term in filter(None, (t.strip() for t in selector.split(","))):
        if "!=" in term:
            key, value = term.split("!=", 1)
            if labels.get(key.strip()) == value.strip():
                return False
        elif "=" in term:
            key, value = term.split("=", 1)
            if labels.get(key.strip()) != value.strip().lstrip("="):
                return False
        elif term.strip() not in labels:
            return False
    return True


def _targets(target: dict[str, Any], obj: Obj) -> bool:
    group, _, version = str(obj.get("apiVersion", "")).rpartition("/")
    meta = obj.get("metadata") or {}
    fields = {"group": group, "version": version, "kind": obj.get("kind"), "name": meta.get("name")}
    fields["namespace"] = meta.get("namespace") or ""
    for key, value in fields.items():
        wanted = target.get(key)
        if wanted is not None and not re.fullmatch(str(wanted), str(value or "")):
            return False
    selector = target.get("labelSelector")
    return selector is None or _selector_matches(str(selector), meta.get("labels") or {})


def _same_object(patch: Obj, obj: Obj) -> bool:
    pmeta, ometa = patch.get("metadata") or {}, obj.get("metadata") or {}
    if (patch.get("kind"), pmeta.get("name")) != (obj.get("kind"), ometa.get("name")):
        return False
    return not pmeta.get("namespace") or pmeta.get("namespace") == ometa.get("namespace")


def strategic_merge(base: Any, patch: Any, builtin: bool, field: str = "") -> Any:
    """``patch`` merged into ``base`` (both plain data), as a strategic merge patch (see the module docstring)."""
    if isinstance(base, dict) and isinstance(patch, dict):
        merged = dict(base)
        for key, value in patch.items():
            if key.startswith("$"):
                continue  # directives ($patch, $setElementOrder...) are not modelled
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = strategic_merge(base.get(key), value, builtin, key)
        return merged
    key = MERGE_KEYS.get(field) if builtin else None
    if key and isinstance(base, list) and isinstance(patch, list):
        merged_list = [copy.deepcopy(item) for item in base]
        for item in patch:
            at = next(
                (i for i, old in enumerate(merged_list) if isinstance(old, dict) and isinstance(item, dict)
                 and key in item and old.get(key) == item.get(key)),
                None,
            )  # fmt: skip
            if at is None:
                merged_list.append(copy.deepcopy(item))
            else:
                merged_list[at] = strategic_merge(merged_list[at], item, builtin, field)
        return merged_list
    return copy.deepcopy(patch)


def apply(patch: Patch, candidates: Iterable[Obj], builtin: bool) -> Iterator[tuple[Obj, Obj]]:
    """(object, patched copy) for each object the patch targets; an RFC 6902 misfit raises one of PatchError."""
    for obj in candidates:
        if patch.target is not None:
            if not _targets(patch.target, obj):
                continue
        elif not isinstance(patch.body, dict) or not _same_object(patch.body, obj):
            continue
        if patch.operations:
            yield obj, jsonpatch.apply_patch(obj, patch.body)
        else:
            yield obj, strategic_merge(obj, patch.body, builtin)
