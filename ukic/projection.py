"""What ukic keeps of the bulkiest objects while reading them, so large clusters fit in memory.

A Pod carries far more than any check reads (env, volumes, probes, resources...). The shape below
names what is kept; a JSON snapshot is decoded straight into it (msgspec skips everything else
without building it), and an object that is already a dict (YAML, live pages) is reduced to it.
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
PROJECTIONS: dict[str, Projection] = {"pods": Projection(Pod)}
