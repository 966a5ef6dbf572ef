"""The JSON shape of the fields checks read: an object that breaks it is malformed, and so is its resource.

Kubernetes never serves ``status.addresses`` as a string or annotations as a list, but a
hand-edited snapshot, a broken aggregated API or a fake can. Checked once per resource as
it is read (ukic.state); the first malformed object makes the resource unavailable, so the
scenarios reading it are *unverifiable* with a reason naming the object and the field,
instead of crashing or judging half-read facts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ukic.projection import Kept

Check = Callable[[Any], bool]
#: What reads as a JSON object: a dict, or the struct a projection keeps of one (ukic.projection).
MAPPINGS = (dict, Kept)


def _mapping(value: Any) -> bool:
    return isinstance(value, MAPPINGS)


def _string_map(value: Any) -> bool:
    return isinstance(value, MAPPINGS) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())


def _text(value: Any) -> bool:
    return isinstance(value, str)


def _boolean(value: Any) -> bool:
    return isinstance(value, bool)


def _list_of(item: Check) -> Check:
    return lambda value: isinstance(value, list) and all(item(v) for v in value)


_MAPPINGS = _list_of(_mapping)
_EXPECTED = {
    _mapping: "a mapping",
    _string_map: "a mapping of strings",
    _text: "a string",
    _boolean: "true or false",
    _MAPPINGS: "a list of mappings",
}

#: (dotted field, check) for every object; a field that is absent (or null) is never malformed.
COMMON: tuple[tuple[str, Check], ...] = (
    ("metadata", _mapping),
    ("metadata.name", _text),
    ("metadata.namespace", _text),
    ("metadata.labels", _string_map),
    ("metadata.annotations", _string_map),
    ("metadata.ownerReferences", _MAPPINGS),
    ("spec", _mapping),
    ("status", _mapping),
)
_LIST_OF_TEXT = _list_of(_text)
_EXPECTED[_LIST_OF_TEXT] = "a list of strings"
_WORKLOAD = (
    ("spec.selector", _mapping),
    ("spec.template", _mapping),
    ("spec.template.metadata", _mapping),
    ("spec.template.spec", _mapping),
    ("spec.template.spec.containers", _MAPPINGS),
    ("spec.template.spec.initContainers", _MAPPINGS),
)
#: Fields particular resources are read by.
BY_RESOURCE: dict[str, tuple[tuple[str, Check], ...]] = {
    "nodes": (
        ("spec.podCIDR", _text),
        ("spec.podCIDRs", _LIST_OF_TEXT),
        ("spec.taints", _MAPPINGS),
        ("status.addresses", _MAPPINGS),
        ("status.conditions", _MAPPINGS),
        ("status.nodeInfo", _mapping),
    ),
    "pods": (
        ("spec.containers", _MAPPINGS),
        ("spec.initContainers", _MAPPINGS),
        ("status.conditions", _MAPPINGS),
        ("status.containerStatuses", _MAPPINGS),
        ("status.phase", _text),
    ),
    "services": (
        ("spec.clusterIP", _text),
        ("spec.clusterIPs", _LIST_OF_TEXT),
        ("spec.ipFamilies", _LIST_OF_TEXT),
        ("spec.ipFamilyPolicy", _text),
    ),
    # Calico's API types (asNumber may be a number or dotted text, so it is not checked here)
    "ippools.crd.projectcalico.org": (("spec.cidr", _text), ("spec.ipipMode", _text), ("spec.vxlanMode", _text)),
    "bgppeers.crd.projectcalico.org": (("spec.peerIP", _text), ("spec.keepOriginalNextHop", _boolean)),
    "bgpconfigurations.crd.projectcalico.org": (
        ("spec.nodeToNodeMeshEnabled", _boolean),
        ("spec.serviceClusterIPs", _MAPPINGS),
    ),
    "configmaps": (("data", _string_map),),
    "deployments.apps": _WORKLOAD,
    "daemonsets.apps": _WORKLOAD,
    "statefulsets.apps": _WORKLOAD,
}


def malformed(key: str, objects: Iterable[Any]) -> str | None:
    """How the first malformed object of resource ``key`` breaks the shape, naming it; None if all are fine."""
    checks = COMMON + BY_RESOURCE.get(key, ())
    for index, obj in enumerate(objects):
        if not isinstance(obj, MAPPINGS):
            return f"item {index} is {_kind_of(obj)}, not an object"
        for field, check in checks:
            value = _get(obj, field)
            if value is not None and not check(value):
                return f"{_name(obj, index)}: {field} is {_kind_of(value)}, expected {_EXPECTED[check]}"
    return None


def _get(obj: dict[str, Any], field: str) -> Any:
    value: Any = obj
    for part in field.split("."):
        if not isinstance(value, MAPPINGS):
            return None  # the parent's own check names the problem
        value = value.get(part)
    return value


def _name(obj: dict[str, Any], index: int) -> str:
    metadata = obj.get("metadata")
    name = metadata.get("name") if isinstance(metadata, MAPPINGS) else None
    namespace = metadata.get("namespace") if isinstance(metadata, MAPPINGS) else None
    kind = obj.get("kind") if isinstance(obj.get("kind"), str) else "object"
    if not isinstance(name, str):
        return f"{kind} #{index}"
    return f"{kind} {namespace}/{name}" if isinstance(namespace, str) else f"{kind} {name}"


def _kind_of(value: Any) -> str:
    names = {str: "a string", list: "a list", dict: "a mapping", bool: "a boolean", int: "a number", float: "a number"}
    return names.get(type(value), type(value).__name__)
