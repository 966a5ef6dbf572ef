"""The Helm charts ukic models, rendered as far as the checks read them, the way ArgoCD or helm would.

A configuration repository installs a chart in one of these ways:
- an ArgoCD Application over a chart repository (``spec.source.chart``);
- an ArgoCD Application over a path of the repository that holds a ``Chart.yaml``: ArgoCD's tool
  detection makes it a Helm application (argo-cd v2.1.7 util/app/discovery/discovery.go, AppType,
  and reposerver/repository/repository.go GetAppSourceType), also when the chart there only wraps a
  modelled chart as a dependency;
- ``helm install <release> <chartdirectory>`` from a chart folder of the repository (the manual's
  "Installing a helm chart") - a chart folder no Application points at;
- ``helm install <release> <chart> -f <values file>`` - a values file of a modelled chart, known by
  the chart's own top-level keys (``installation`` for tigera-operator, ``cephClusterSpec`` for
  rook-ceph-cluster).
Values are merged the way ``helm template`` does and in ArgoCD's order (repository.go helmTemplate):
chart values.yaml, then ``valueFiles``, then inline ``values``, then ``parameters`` (``--set``).
ArgoCD names the release after ``helm.releaseName`` or the Application, and marks what it applies
with ``app.kubernetes.io/instance=<application>`` (ArgoCD <= 2.1); helm (>= 3.2) marks with
``app.kubernetes.io/managed-by: Helm`` and ``meta.helm.sh/release-name`` / ``-namespace``.

Rendered parts and chart defaults follow the charts of the manual's era:
- rook-ceph-cluster (rook v1.7.x cluster/charts/rook-ceph-cluster): CephCluster ``clusterName``
  (default: the release namespace) with ``cephClusterSpec``; a StorageClass per block pool and file system;
- rook-ceph (rook v1.7.x cluster/charts/rook-ceph templates/deployment.yaml): Deployment
  rook-ceph-operator labelled ``operator: rook``, ``chart: rook-ceph-<version>``;
- tigera-operator (calico v3.20.2 _includes/charts/tigera-operator; values from _plugins/values.rb):
  Installation ``default`` whose spec is ``.Values.installation`` without ``enabled`` when enabled
  (templates/crs/custom-resources.yaml), Deployment tigera-operator/tigera-operator.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ukic.yamlio import ParseError, load_text

INSTANCE_LABEL = "app.kubernetes.io/instance"
DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class"
Obj = dict[str, Any]


@dataclass(frozen=True)
class Release:
    """One installation of a chart: its release name and namespace and how it was installed."""

    name: str
    namespace: str
    by: str  # "argocd:<application>" | "helm"

    def labels(self) -> dict[str, str]:
        if self.by.startswith("argocd:"):
            return {INSTANCE_LABEL: self.by.removeprefix("argocd:")}
        return {"app.kubernetes.io/managed-by": "Helm"}

    def annotations(self) -> dict[str, str]:
        if self.by == "helm":
            return {"meta.helm.sh/release-name": self.name, "meta.helm.sh/release-namespace": self.namespace}
        return {}


@dataclass(frozen=True)
class ChartModel:
    name: str
    defaults: dict[str, Any]
    render: Callable[[dict[str, Any], Release, str], list[Obj]]  # values, release, chart version
    signature: str  # a top-level values key only this chart has


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


_INDEX = re.compile(r"^(?P<key>.*?)\[(?P<index>\d+)\]$")


def _typed(text: str) -> Any:
    """What `helm --set` makes of a value: integers, booleans and null are typed, the rest is text."""
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    return {"true": True, "false": False, "null": None}.get(text, text)


def set_value(values: dict[str, Any], path: str, text: str, force_string: bool = False) -> None:
    """Apply one ``--set path=value`` (dotted keys, ``\\.`` for a literal dot, ``key[i]`` list items)."""
    parts = [p.replace("\x00", ".") for p in path.replace("\\.", "\x00").split(".")]
    node: Any = values
    for position, part in enumerate(parts):
        last = position == len(parts) - 1
        value = text if force_string else _typed(text)
        match = _INDEX.match(part)
        if match:
            items = node.setdefault(match["key"], [])
            if not isinstance(items, list):
                items = node[match["key"]] = []
            index = int(match["index"])
            items.extend({} for _ in range(index + 1 - len(items)))
            if last:
                items[index] = value
            else:
                if not isinstance(items[index], dict):
                    items[index] = {}
                node = items[index]
        elif last:
            node[part] = value
        else:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child


def values_of(
    model: ChartModel,
    chart_values: dict[str, Any] | None,
    value_files: list[dict[str, Any]],
    helm: dict[str, Any],
    where: str,
    notes: list[str],
) -> dict[str, Any]:
    """Chart values (the chart's values.yaml, else the era's defaults), value files, inline values, --set."""
    values = copy.deepcopy(chart_values if chart_values is not None else model.defaults)
    for extra in value_files:
        values = merge(values, extra)
    inline = helm.get("values")
    if isinstance(inline, str) and inline.strip():
        try:
            parsed = load_text(inline, f"{where} spec.source.helm.values")
        except ParseError as exc:
            notes.append(f"{exc}; ignored")
            parsed = None
        if isinstance(parsed, dict):
            values = merge(values, parsed)
    if isinstance(helm.get("valuesObject"), dict):
        values = merge(values, helm["valuesObject"])
    for parameter in helm.get("parameters") or []:
        if isinstance(parameter, dict) and parameter.get("name"):
            set_value(
                values, str(parameter["name"]), str(parameter.get("value", "")), bool(parameter.get("forceString"))
            )
    if helm.get("fileParameters"):
        notes.append(f"{where}: helm fileParameters not read")
    return values


# -- rook-ceph-cluster -------------------------------------------------------------------------------
ROOK_CLUSTER_DEFAULTS: dict[str, Any] = {
    "operatorNamespace": "rook-ceph",
    "cephClusterSpec": {
        "dataDirHostPath": "/var/lib/rook",
        "mon": {"count": 3, "allowMultiplePerNode": False},
    },
    "cephBlockPools": [
        {"name": "ceph-blockpool", "storageClass": {"enabled": True, "name": "ceph-block", "isDefault": True}},
    ],
    "cephFileSystems": [
        {"name": "ceph-filesystem", "storageClass": {"enabled": True, "name": "ceph-filesystem"}},
    ],
}


def _rook_cluster(values: dict[str, Any], release: Release, version: str) -> list[Obj]:
    namespace = release.namespace
    cluster = {
        "apiVersion": "ceph.rook.io/v1",
        "kind": "CephCluster",
        "metadata": {
            "name": values.get("clusterName") or namespace,
            "namespace": namespace,
            "labels": release.labels(),
            "annotations": release.annotations(),
        },
        "spec": copy.deepcopy(values.get("cephClusterSpec") or {}),
    }
    operator_ns = values.get("operatorNamespace") or "rook-ceph"
    classes = []
    for pool in values.get("cephBlockPools") or []:
        sc = pool.get("storageClass") or {}
        if sc.get("enabled"):
            params = {"pool": pool.get("name"), "clusterID": namespace}
            classes.append(_storage_class(sc, f"{operator_ns}.rbd.csi.ceph.com", params, release))
    for fs in values.get("cephFileSystems") or []:
        sc = fs.get("storageClass") or {}
        if sc.get("enabled"):
            params = {
                "fsName": fs.get("name"),
                "pool": f"{fs.get('name')}-{sc.get('pool') or 'data0'}",
                "clusterID": namespace,
            }
            classes.append(_storage_class(sc, f"{operator_ns}.cephfs.csi.ceph.com", params, release))
    return [cluster, *classes]


def _storage_class(sc: dict[str, Any], provisioner: str, params: dict[str, Any], release: Release) -> Obj:
    return {
        "apiVersion": "storage.k8s.io/v1",
        "kind": "StorageClass",
        "metadata": {
            "name": sc.get("name"),
            "labels": release.labels(),
            "annotations": {
                DEFAULT_CLASS_ANNOTATION: "true" if sc.get("isDefault") else "false",
                **release.annotations(),
            },
        },
        "provisioner": provisioner,
        "parameters": {**params, **(sc.get("parameters") or {})},
        "reclaimPolicy": sc.get("reclaimPolicy") or "Delete",
        "allowVolumeExpansion": sc.get("allowVolumeExpansion", True),
        "volumeBindingMode": sc.get("volumeBindingMode") or "Immediate",
    }


# -- rook-ceph (the operator) ------------------------------------------------------------------------
ROOK_OPERATOR_DEFAULTS: dict[str, Any] = {
    "image": {"repository": "rook/ceph", "tag": "v1.7.8", "pullPolicy": "IfNotPresent"},
    "crds": {"enabled": True},
}


def _rook_operator(values: dict[str, Any], release: Release, version: str) -> list[Obj]:
    image = values.get("image") or {}
    chart_label = f"rook-ceph-{version}"
    return [
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {
                "name": "rook-ceph-operator",
                "namespace": release.namespace,
                "labels": {"operator": "rook", "storage-backend": "ceph", "chart": chart_label, **release.labels()},
                "annotations": release.annotations(),
            },
            "spec": {
                "replicas": 1,
                "selector": {"matchLabels": {"app": "rook-ceph-operator"}},
                "template": {
                    "metadata": {"labels": {"app": "rook-ceph-operator", "chart": chart_label}},
                    "spec": {
                        "containers": [
                            {
                                "name": "rook-ceph-operator",
                                "image": f"{image.get('repository', 'rook/ceph')}:{image.get('tag', version)}",
                                "args": ["ceph", "operator"],
                            }
                        ]
                    },
                },
            },
        }
    ]


# -- tigera-operator ---------------------------------------------------------------------------------
TIGERA_DEFAULTS: dict[str, Any] = {
    "imagePullSecrets": {},
    "installation": {"enabled": True, "kubernetesProvider": ""},
    "tigeraOperator": {"image": "tigera/operator", "version": "v1.20.4", "registry": "quay.io"},
    "calicoctl": {"image": "docker.io/calico/ctl", "tag": "v3.20.2"},
}


def _tigera_operator(values: dict[str, Any], release: Release, version: str) -> list[Obj]:
    operator = values.get("tigeraOperator") or {}
    registry = str(operator.get("registry") or "").rstrip("/")
    image = f"{registry + '/' if registry else ''}{operator.get('image')}:{operator.get('version')}"
    rendered: list[Obj] = [
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {
                "name": "tigera-operator",
                "namespace": "tigera-operator",  # fixed by the chart, whatever the release namespace
                "labels": {"k8s-app": "tigera-operator", **release.labels()},
                "annotations": release.annotations(),
            },
            "spec": {
                "replicas": 1,
                "selector": {"matchLabels": {"name": "tigera-operator"}},
                "template": {
                    "metadata": {"labels": {"name": "tigera-operator", "k8s-app": "tigera-operator"}},
                    "spec": {"containers": [{"name": "tigera-operator", "image": image, "command": ["operator"]}]},
                },
            },
        }
    ]
    installation = values.get("installation") or {}
    if isinstance(installation, dict) and installation.get("enabled"):
        spec = {k: copy.deepcopy(v) for k, v in installation.items() if k != "enabled"}
        spec["imagePullSecrets"] = [{"name": n} for n in sorted(values.get("imagePullSecrets") or {})]
        rendered.append(
            {
                "apiVersion": "operator.tigera.io/v1",
                "kind": "Installation",
                "metadata": {"name": "default", "labels": release.labels(), "annotations": release.annotations()},
                "spec": spec,
            }
        )
    return rendered


MODELS: dict[str, ChartModel] = {
    m.name: m
    for m in (
        ChartModel("rook-ceph-cluster", ROOK_CLUSTER_DEFAULTS, _rook_cluster, "cephClusterSpec"),
        ChartModel("rook-ceph", ROOK_OPERATOR_DEFAULTS, _rook_operator, ""),
        ChartModel("tigera-operator", TIGERA_DEFAULTS, _tigera_operator, "installation"),
    )
}


def model_for_values(values: object) -> ChartModel | None:
    """The modelled chart a loose values file belongs to, known by a top-level key only that chart has."""
    if not isinstance(values, dict):
        return None
    return next((m for m in MODELS.values() if m.signature and isinstance(values.get(m.signature), dict)), None)


def render(model: ChartModel, values: dict[str, Any], release: Release, version: str = "") -> list[Obj]:
    return model.render(values, release, version or "v0")
