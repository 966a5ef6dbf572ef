"""What ukic keeps of the bulkiest objects while reading a snapshot, so large clusters fit in memory.

A Pod carries far more than any check reads (env, volumes, probes, resources...). Keeping only
the fields below as each Pod is parsed cuts memory several-fold on a 30,000-pod snapshot.
Every field a step or fact reads must be listed here; tests/test_projection.py proves that
verifying with and without projection gives the same result on every bundled sample.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Obj = dict[str, Any]

_METADATA_FIELDS = ("name", "namespace", "labels", "annotations")
_CONTAINER_FIELDS = ("name", "image")
_STATUS_FIELDS = ("phase", "hostIP", "podIP", "reason")
_CONDITION_FIELDS = ("type", "status", "reason")
_CONTAINER_STATUS_FIELDS = ("name", "ready", "state", "restartCount", "image")


def _only(obj: Obj, fields: tuple[str, ...]) -> Obj:
    return {k: obj[k] for k in fields if k in obj}


def slim_pod(pod: Obj) -> Obj:
    """A Pod reduced to identity, placement, images and state."""
    spec = pod.get("spec") or {}
    status = pod.get("status") or {}
    metadata = _only(pod.get("metadata") or {}, _METADATA_FIELDS)
    slim_spec: Obj = _only(spec, ("nodeName", "hostNetwork"))
    for field in ("containers", "initContainers"):
        if field in spec:
            slim_spec[field] = [_only(c, _CONTAINER_FIELDS) for c in spec[field] or []]
    slim_status = _only(status, _STATUS_FIELDS)
    if "conditions" in status:
        slim_status["conditions"] = [_only(c, _CONDITION_FIELDS) for c in status["conditions"] or []]
    for field in ("containerStatuses", "initContainerStatuses"):
        if field in status:
            slim_status[field] = [_only(c, _CONTAINER_STATUS_FIELDS) for c in status[field] or []]
    kept = {**_only(pod, ("apiVersion", "kind")), "metadata": metadata, "spec": slim_spec, "status": slim_status}
    return kept


#: Resource key -> the function applied to each object as it is read.
PROJECTIONS: dict[str, Callable[[Obj], Obj]] = {"pods": slim_pod}
