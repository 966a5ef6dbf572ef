"""An ArgoCD Application of the rook-ceph-cluster chart -> the CephCluster and StorageClasses it renders.

ArgoCD renders the chart with ``helm template`` and labels what it applies with
``app.kubernetes.io/instance=<application>``. Only the parts the checks read are rendered:
CephCluster name, namespace and spec (chart defaults merged with the Application's inline
values the way Helm merges them), and the StorageClasses of the block pools and file
systems. Defaults follow the rook v1.7 chart.
"""

from __future__ import annotations

import copy
from typing import Any

from ukic.yamlio import ParseError, load_text

CHART = "rook-ceph-cluster"
INSTANCE_LABEL = "app.kubernetes.io/instance"
DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class"

CHART_DEFAULTS: dict[str, Any] = {
    "operatorNamespace": "rook-ceph",
    "cephClusterSpec": {
        "dataDirHostPath": "/var/lib/rook",
        "mon": {"count": 3, "allowMultiplePerNode": False},
    },
    "cephBlockPools": [
        {
            "name": "ceph-blockpool",
            "storageClass": {"enabled": True, "name": "ceph-block", "isDefault": True},
        },
    ],
    "cephFileSystems": [
        {"name": "ceph-filesystem", "storageClass": {"enabled": True, "name": "ceph-filesystem"}},
    ],
}


def chart_sources(app: dict[str, Any]) -> list[dict[str, Any]]:
    """The Application's sources (``source`` or multi-source ``sources``) that install the chart."""
    spec = app.get("spec") or {}
    sources = [spec.get("source"), *(spec.get("sources") or [])]
    return [s for s in sources if isinstance(s, dict) and s.get("chart") == CHART]


def render(app: dict[str, Any], origin: str, notes: list[str]) -> list[dict[str, Any]]:
    """CephCluster and StorageClasses ArgoCD applies for this Application (none if not the chart)."""
    rendered: list[dict[str, Any]] = []
    name = (app.get("metadata") or {}).get("name", "")
    for source in chart_sources(app):
        values = _values(source.get("helm") or {}, origin, name, notes)
        namespace = ((app.get("spec") or {}).get("destination") or {}).get("namespace")
        if not namespace:
            namespace = "rook-ceph"
            notes.append(f"{origin}: Application {name} names no destination namespace; rook-ceph assumed")
        labels = {INSTANCE_LABEL: name}
        rendered.append(_ceph_cluster(values, namespace, labels))
        rendered.extend(_storage_classes(values, namespace, labels))
    return rendered


def _values(helm: dict[str, Any], origin: str, app: str, notes: list[str]) -> dict[str, Any]:
    values = copy.deepcopy(CHART_DEFAULTS)
    unread = [key for key in ("valueFiles", "parameters", "fileParameters") if helm.get(key)]
    if unread:
        notes.append(
            f"{origin}: Application {app}: helm {', '.join(unread)} not read; chart defaults and inline values used"
        )
    inline = helm.get("values")
    if isinstance(inline, str) and inline.strip():
        try:
            parsed = load_text(inline, f"{origin} spec.source.helm.values")
        except ParseError as exc:
            notes.append(f"{exc}; chart defaults used")
            parsed = None
        if isinstance(parsed, dict):
            values = merge(values, parsed)
    obj = helm.get("valuesObject")
    if isinstance(obj, dict):
        values = merge(values, obj)
    return values


def merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Helm's merge of user values over chart values: maps merge, anything else replaces, null deletes."""
    merged = dict(base)
    for key, value in override.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _ceph_cluster(values: dict[str, Any], namespace: str, labels: dict[str, str]) -> dict[str, Any]:
    return {
        "apiVersion": "ceph.rook.io/v1",
        "kind": "CephCluster",
        "metadata": {
            "name": values.get("clusterName") or namespace,
            "namespace": namespace,
            "labels": labels,
        },
        "spec": copy.deepcopy(values.get("cephClusterSpec") or {}),
    }


def _storage_classes(values: dict[str, Any], namespace: str, labels: dict[str, str]) -> list[dict[str, Any]]:
    operator_ns = values.get("operatorNamespace") or "rook-ceph"
    classes = []
    for pool in values.get("cephBlockPools") or []:
        sc = pool.get("storageClass") or {}
        if sc.get("enabled"):
            params = {"pool": pool.get("name"), "clusterID": namespace}
            classes.append(_storage_class(sc, f"{operator_ns}.rbd.csi.ceph.com", params, labels))
    for fs in values.get("cephFileSystems") or []:
        sc = fs.get("storageClass") or {}
        if sc.get("enabled"):
            params = {
                "fsName": fs.get("name"),
                "pool": f"{fs.get('name')}-{sc.get('pool') or 'data0'}",
                "clusterID": namespace,
            }
            classes.append(_storage_class(sc, f"{operator_ns}.cephfs.csi.ceph.com", params, labels))
    return classes


def _storage_class(
    sc: dict[str, Any], provisioner: str, params: dict[str, Any], labels: dict[str, str]
) -> dict[str, Any]:
    return {
        "apiVersion": "storage.k8s.io/v1",
        "kind": "StorageClass",
        "metadata": {
            "name": sc.get("name"),
            "labels": dict(labels),
            "annotations": {DEFAULT_CLASS_ANNOTATION: "true" if sc.get("isDefault") else "false"},
        },
        "provisioner": provisioner,
        "parameters": {**params, **(sc.get("parameters") or {})},
        "reclaimPolicy": sc.get("reclaimPolicy") or "Delete",
        "allowVolumeExpansion": sc.get("allowVolumeExpansion", True),
        "volumeBindingMode": sc.get("volumeBindingMode") or "Immediate",
    }
