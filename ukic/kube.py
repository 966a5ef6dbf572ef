"""What Kubernetes objects mean: small pure functions over the plain dicts the API returns."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Mapping
from typing import Any

from ukic.pod_health import pod_health

Obj = Mapping[str, Any]

CONTROL_PLANE_LABELS = ("node-role.kubernetes.io/control-plane", "node-role.kubernetes.io/master")
HELM_RELEASE_ANNOTATION = "meta.helm.sh/release-name"
ARGOCD_INSTANCE_LABEL = "app.kubernetes.io/instance"
#: Set by the manifests source on a Secret of the repository that carried values: which fields, how many
#: keys (the values themselves are dropped before anything else sees the object).
SECRET_PAYLOAD_ANNOTATION = "ukic.ungleich.ch/secret-payload"


def meta(obj: Obj) -> Mapping[str, Any]:
    return obj.get("metadata") or {}


def name_of(obj: Obj) -> str:
    return str(meta(obj).get("name", "?"))


def namespace_of(obj: Obj) -> str | None:
    return meta(obj).get("namespace")


def labels(obj: Obj) -> Mapping[str, str]:
    return meta(obj).get("labels") or {}


def annotations(obj: Obj) -> Mapping[str, str]:
    return meta(obj).get("annotations") or {}


def ref(obj: Obj, kind: str | None = None) -> str:
    """How messages name an object: `Deployment rook-ceph/rook-ceph-operator`, `Node server63`."""
    kind = kind or obj.get("kind") or "object"
    ns = namespace_of(obj)
    where = f"{ns}/{name_of(obj)}" if ns else name_of(obj)
    origin = annotations(obj).get("ukic.ungleich.ch/source")
    return f"{kind} {where}" + (f" ({origin})" if origin else "")


def ip_family(text: str) -> int | None:
    """4 or 6 for an address or CIDR, None when it is neither."""
    try:
        return ipaddress.ip_network(str(text).strip(), strict=False).version
    except ValueError:
        return None


def network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(str(text).strip(), strict=False)
    except ValueError:
        return None


def is_private_asn(asn: int) -> bool:
    """RFC 6996 private AS numbers (16-bit and 32-bit ranges)."""
    return 64512 <= asn <= 65534 or 4200000000 <= asn <= 4294967294


def condition(obj: Obj, kind: str) -> Mapping[str, Any] | None:
    for cond in (obj.get("status") or {}).get("conditions") or []:
        if cond.get("type") == kind:
            return cond
    return None


def workload_ready(obj: Obj) -> tuple[bool, str]:
    """Whether a Deployment/StatefulSet/DaemonSet/Pod/Job/CronJob is up, and its numbers as text."""
    kind = obj.get("kind")
    status = obj.get("status") or {}
    if kind == "Pod":
        health = pod_health(obj)
        return health.up, health.describe()
    if kind == "DaemonSet":
        want, ready = status.get("desiredNumberScheduled", 0), status.get("numberReady", 0)
        return want > 0 and ready >= want, f"{ready}/{want} ready"
    if kind in ("Deployment", "StatefulSet"):
        want = (obj.get("spec") or {}).get("replicas", 1)
        ready = status.get("readyReplicas", 0)
        return want > 0 and ready >= want, f"{ready}/{want} ready"
    if kind == "Job":
        return bool(status.get("succeeded") or status.get("active")), f"{status.get('succeeded', 0)} succeeded"
    if kind == "CronJob":
        return not (obj.get("spec") or {}).get("suspend", False), "scheduled"
    return False, f"unknown kind {kind}"


def pod_spec(obj: Obj) -> Mapping[str, Any]:
    """The pod spec of a Pod, of a workload's template, or of a CronJob's job template."""
    spec = obj.get("spec") or {}
    if obj.get("kind") == "Pod":
        return spec
    if obj.get("kind") == "CronJob":
        spec = ((spec.get("jobTemplate") or {}).get("spec")) or {}
    return ((spec.get("template") or {}).get("spec")) or {}


def images(obj: Obj) -> Iterator[str]:
    spec = pod_spec(obj)
    for container in [*(spec.get("initContainers") or []), *(spec.get("containers") or [])]:
        if container.get("image"):
            yield str(container["image"])


def image_tag(image: str) -> str:
    """The tag of an image reference (`docker.io/calico/node:v3.20.2` -> `v3.20.2`); "(digest)" when pinned so."""
    if "@" in image:
        return "(digest)"
    last = image.rsplit("/", 1)[-1]
    return last.split(":", 1)[1] if ":" in last else "latest"


def image_repository(image: str) -> str:
    """`quay.io/mittwald/kubernetes-secret-generator:v3.3.2` -> `quay.io/mittwald/kubernetes-secret-generator`."""
    image = image.split("@", 1)[0]
    last = image.rsplit("/", 1)[-1]
    return image[: -(len(last) - last.index(":"))] if ":" in last else image
