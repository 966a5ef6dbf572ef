"""What ukic keeps of the bulkiest objects while reading them, so large clusters fit in memory.

A Pod, and a workload's pod template, carry far more than any check reads (env, volumes, probes,
resources...). The shapes below name what is kept; a JSON snapshot is decoded straight into them
(msgspec skips everything else without building it), and an object that is already a dict (YAML,
live pages) is reduced to them.
Every field a step or fact reads must be listed here; tests/test_projection.py proves that
verifying with and without projection gives the same result on every bundled sample.
"""

from __future__ import annotations

from typing import Any, TypedDict

import msgspec

Obj = dict[str, Any]


class _Metadata(TypedDict, total=False):
    name: Any
    namespace: Any
    labels: Any
    annotations: Any
    # pods hanging in Terminating (ukic.drift.terminating)
    deletionTimestamp: Any
    deletionGracePeriodSeconds: Any


class _Container(TypedDict, total=False):
    name: Any
    image: Any


class _PodSpec(TypedDict, total=False):
    nodeName: Any
    hostNetwork: Any
    containers: list[_Container] | None
    initContainers: list[_Container] | None


class _Condition(TypedDict, total=False):
    type: Any
    status: Any
    reason: Any


class _ContainerStatus(TypedDict, total=False):
    name: Any
    ready: Any
    state: Any
    restartCount: Any
    image: Any


class _PodStatus(TypedDict, total=False):
    phase: Any
    hostIP: Any
    podIP: Any
    reason: Any
    conditions: list[_Condition] | None
    containerStatuses: list[_ContainerStatus] | None
    initContainerStatuses: list[_ContainerStatus] | None


class Pod(TypedDict, total=False):
    """A Pod reduced to identity, placement, images and state."""

    apiVersion: Any
    kind: Any
    metadata: _Metadata | None
    spec: _PodSpec | None
    status: _PodStatus | None


class _PodTemplateMetadata(TypedDict, total=False):
    labels: Any
    annotations: Any


class _PodTemplate(TypedDict, total=False):
    metadata: _PodTemplateMetadata | None
    spec: _PodSpec | None


class _WorkloadSpec(TypedDict, total=False):
    replicas: Any
    selector: Any
    template: _PodTemplate | None


class Workload(TypedDict, total=False):
    """A Deployment, DaemonSet or StatefulSet reduced to identity, size, pod template images and status."""

    apiVersion: Any
    kind: Any
    metadata: _Metadata | None
    spec: _WorkloadSpec | None
    status: Any


class _NodeStatus(TypedDict, total=False):
    addresses: Any
    conditions: Any
    nodeInfo: Any


class Node(TypedDict, total=False):
    """A Node without the bulk of its status (images, capacity, allocatable, volumes, endpoints)."""

    apiVersion: Any
    kind: Any
    metadata: _Metadata | None
    spec: Any
    status: _NodeStatus | None


class Projection:
    """Keeps the fields of ``shape`` (a TypedDict) of each object; ValueError names what does not fit."""

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
