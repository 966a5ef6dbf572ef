"""What ukic keeps of the bulkiest objects while reading them, so large clusters fit in memory.

A Pod, a Node, and a workload's pod template carry far more than any check reads (env, volumes,
probes, images, capacity...). The shapes below name what is kept; a JSON snapshot is decoded
straight into them (msgspec skips everything else without building it), and an object that is
already a dict (YAML, live pages) is reduced to them.

They are msgspec Structs that read like the dicts they replace (``obj.get("spec")``,
``obj["metadata"]``, ``"status" in obj``, ``{**obj}``): a field the object did not carry is
absent, as a missing key is. A Struct takes a fifth of a small dict's memory and is never
walked by the garbage collector, so 300,000 Pods fit in well under a gigabyte.

Every field a step or fact reads must be listed here; tests/test_projection.py proves that
verifying with and without projection gives the same result on every bundled sample.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import msgspec
from msgspec import UNSET

Obj = dict[str, Any]


class Kept(msgspec.Struct, gc=False, omit_defaults=True):
    """A read-only mapping over the fields an object carried (UNSET ones are absent)."""

    def get(self, key: str, default: Any = None) -> Any:
        if key in self.__struct_fields__:
            value = getattr(self, key)
            if value is not UNSET:
                return value
        return default

    def __getitem__(self, key: str) -> Any:
        value = self.get(key, UNSET)
        if value is UNSET:
            raise KeyError(key)
        return value

    def __contains__(self, key: object) -> bool:
        return key in self.__struct_fields__ and getattr(self, key) is not UNSET  # type: ignore[arg-type]

    def keys(self) -> list[str]:
        return [key for key in self.__struct_fields__ if getattr(self, key) is not UNSET]

    def __iter__(self) -> Iterator[str]:  # type: ignore[override]
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self.keys())

    def __bool__(self) -> bool:  # as a dict: true when it holds something (without counting it all)
        return any(getattr(self, key) is not UNSET for key in self.__struct_fields__)

    def items(self) -> list[tuple[str, Any]]:
        return [(key, getattr(self, key)) for key in self.keys()]

    def values(self) -> list[Any]:
        return [getattr(self, key) for key in self.keys()]

    def __eq__(self, other: object) -> bool:
        """Equal to any mapping with the same keys and values, as the dict it replaces would be."""
        if not isinstance(other, Mapping):
            return NotImplemented
        return dict(self.items()) == dict(other.items())

    __hash__ = None  # type: ignore[assignment]  # a mapping, unhashable


Mapping.register(Kept)


class _Metadata(Kept):
    name: Any = UNSET
    namespace: Any = UNSET
    labels: Any = UNSET
    annotations: Any = UNSET
    # pods hanging in Terminating (ukic.drift.terminating)
    deletionTimestamp: Any = UNSET
    deletionGracePeriodSeconds: Any = UNSET


class _Container(Kept):
    name: Any = UNSET
    image: Any = UNSET


class _PodSpec(Kept):
    nodeName: Any = UNSET
    hostNetwork: Any = UNSET
    containers: list[_Container] | None = UNSET
    initContainers: list[_Container] | None = UNSET


class _Condition(Kept):
    type: Any = UNSET
    status: Any = UNSET
    reason: Any = UNSET


class _ContainerStatus(Kept):
    name: Any = UNSET
    ready: Any = UNSET
    state: Any = UNSET
    restartCount: Any = UNSET
    image: Any = UNSET


class _PodStatus(Kept):
    phase: Any = UNSET
    hostIP: Any = UNSET
    podIP: Any = UNSET
    reason: Any = UNSET
    conditions: list[_Condition] | None = UNSET
    containerStatuses: list[_ContainerStatus] | None = UNSET
    initContainerStatuses: list[_ContainerStatus] | None = UNSET


class _Object(Kept):
    """Identity, which every kept object has."""

    apiVersion: Any = UNSET
    kind: Any = UNSET
    metadata: _Metadata | None = UNSET


class Pod(_Object):
    """A Pod reduced to identity, placement, images and state."""

    spec: _PodSpec | None = UNSET
    status: _PodStatus | None = UNSET


class _PodTemplateMetadata(Kept):
    labels: Any = UNSET
    annotations: Any = UNSET


class _PodTemplate(Kept):
    metadata: _PodTemplateMetadata | None = UNSET
    spec: _PodSpec | None = UNSET


class _WorkloadSpec(Kept):
    replicas: Any = UNSET
    selector: Any = UNSET
    template: _PodTemplate | None = UNSET


class Workload(_Object):
    """A Deployment, DaemonSet or StatefulSet reduced to identity, size, pod template images and status."""

    spec: _WorkloadSpec | None = UNSET
    status: Any = UNSET


class _NodeStatus(Kept):
    addresses: Any = UNSET
    conditions: Any = UNSET
    nodeInfo: Any = UNSET


class Node(_Object):
    """A Node without the bulk of its status (images, capacity, allocatable, volumes, endpoints)."""

    spec: Any = UNSET
    status: _NodeStatus | None = UNSET


class Projection:
    """Keeps the fields of ``shape`` (a Kept struct) of each object; ValueError names what does not fit."""

    def __init__(self, shape: type) -> None:
        self.shape = shape

    def __call__(self, obj: Obj) -> Obj:
        try:
            return msgspec.convert(obj, self.shape)
        except msgspec.ValidationError as exc:
            raise ShapeError(f"not a {self.shape.__name__}: {exc}") from None


class ShapeError(ValueError):
    """An object's fields do not have the types a Kubernetes object of its kind has (e.g. a list that is a string)."""


#: Resource key -> what is kept of each object as it is read.
PROJECTIONS: dict[str, Projection] = {
    "nodes": Projection(Node),
    "pods": Projection(Pod),
    **{key: Projection(Workload) for key in ("deployments.apps", "daemonsets.apps", "statefulsets.apps")},
}
