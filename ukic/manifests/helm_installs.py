"""Find where a configuration repository installs a modelled Helm chart, and render it (see ukic.manifests.charts).

Yields the rendered objects with where they come from, and tells which ArgoCD Applications are Helm
applications (``status.sourceType`` as ArgoCD's tool detection would report it).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ukic.manifests import charts
from ukic.manifests.reader import ChartFolder, Document, Reading

Obj = dict[str, Any]
#: The release namespace when nothing names one: what the manual's commands use.
DEFAULT_NAMESPACE = {"rook-ceph": "rook-ceph", "rook-ceph-cluster": "rook-ceph", "tigera-operator": "tigera-operator"}


@dataclass(frozen=True)
class Rendered:
    obj: Obj
    origin: str


def _source(app: Obj) -> dict[str, Any]:
    return ((app.get("spec") or {}).get("source")) or {}


def chart_folder_of(app: Obj, reading: Reading) -> ChartFolder | None:
    """The repository's chart folder an Application's ``path`` points at, if it holds a Chart.yaml."""
    path = _source(app).get("path")
    if not isinstance(path, str) or _source(app).get("chart"):
        return None
    folder = posixpath.normpath(path.strip("/")) if path.strip("/") else "."
    return reading.charts.get(folder)


def source_type(app: Obj, reading: Reading) -> str:
    """What ArgoCD reports as status.sourceType: Helm for a chart source, explicit helm settings or a
    path holding a Chart.yaml (tool detection); Directory otherwise (Kustomize/Ksonnet are not modelled)."""
    source = _source(app)
    if source.get("chart") or source.get("helm") or chart_folder_of(app, reading) is not None:
        return "Helm"
    return "Directory"


def _modelled(folder: ChartFolder) -> tuple[charts.ChartModel, dict[str, Any] | None, str] | None:
    """The modelled chart a chart folder is (its own values) or wraps as a dependency (values under its key)."""
    model = charts.MODELS.get(folder.name)
    if model is not None:
        return model, folder.values, folder.version
    for dependency in folder.chart.get("dependencies") or []:
        if not isinstance(dependency, dict):
            continue
        model = charts.MODELS.get(str(dependency.get("name")))
        if model is not None:
            key = str(dependency.get("alias") or dependency["name"])
            own = (folder.values or {}).get(key)
            values = charts.merge(model.defaults, own) if isinstance(own, dict) else None
            return model, values, str(dependency.get("version") or "")
    return None


def _app_release(app: Obj, model: charts.ChartModel) -> charts.Release:
    meta = app.get("metadata") or {}
    helm = _source(app).get("helm") or {}
    namespace = ((app.get("spec") or {}).get("destination") or {}).get("namespace") or DEFAULT_NAMESPACE[model.name]
    return charts.Release(str(helm.get("releaseName") or meta.get("name", "")), namespace, f"argocd:{meta.get('name')}")


def _value_files(app: Obj, folder: ChartFolder | None, reading: Reading, where: str, notes: list[str]) -> list[Obj]:
    files = (_source(app).get("helm") or {}).get("valueFiles") or []
    found = []
    for name in files:
        text = None
        if folder is not None and isinstance(name, str):
            text = reading.read_yaml(posixpath.normpath(posixpath.join(folder.folder, name)))
        if isinstance(text, dict):
            found.append(text)
        else:
            notes.append(f"{where}: helm valueFiles {name} not read (not in this repository); the rest is used")
    return found


def from_applications(apps: list[Document], reading: Reading, notes: list[str]) -> Iterator[Rendered]:
    """What each Application over a modelled chart (a chart repository or a chart folder here) applies."""
    for doc in apps:
        app = doc.body
        source = _source(app)
        folder = chart_folder_of(app, reading)
        if folder is not None:
            found = _modelled(folder)
            if found is None:
                notes.append(
                    f"{doc.origin}: Helm chart {folder.name} in {folder.folder}/ is not modelled; not rendered"
                )
                continue
            model, chart_values, version = found
        elif source.get("chart") in charts.MODELS:
            model, chart_values, version = charts.MODELS[source["chart"]], None, str(source.get("targetRevision", ""))
        else:
            continue
        helm = source.get("helm") or {}
        values = charts.values_of(
            model, chart_values, _value_files(app, folder, reading, doc.origin, notes), helm, doc.origin, notes
        )
        for obj in charts.render(model, values, _app_release(app, model), version):
            yield Rendered(obj, f"{doc.origin} via chart {model.name}")


def no_kind_note(doc: Document) -> str:
    """The reader's note for a document without kind (withdrawn when it is a modelled chart's values)."""
    return f"{doc.file}: document {doc.origin.split('#')[1]} has no kind"


def from_helm_installs(referenced: set[str], reading: Reading, notes: list[str]) -> Iterator[Rendered]:
    """Chart folders no Application points at, and values files of a modelled chart: `helm install`."""
    for folder in reading.charts.values():
        if folder.folder in referenced:
            continue
        found = _modelled(folder)
        if found is None:
            continue
        model, values, version = found
        release = charts.Release(posixpath.basename(folder.folder), DEFAULT_NAMESPACE[model.name], "helm")
        notes.append(
            f"{folder.folder}/Chart.yaml: chart {folder.name} read as `helm install {release.name} {folder.folder}` "
            f"in namespace {release.namespace}"
        )
        for obj in charts.render(
            model, charts.values_of(model, values, [], {}, folder.folder, notes), release, version
        ):
            yield Rendered(obj, f"{folder.folder}/ via chart {model.name}")
    for doc in reading.values:
        model = charts.model_for_values(doc.body)
        if model is None:
            continue
        release = charts.Release(model.name, DEFAULT_NAMESPACE[model.name], "helm")
        notes.append(f"{doc.origin}: read as the values of chart {model.name} (helm install ... -f {doc.file})")
        values = charts.values_of(model, None, [doc.body], {}, doc.origin, notes)
        for obj in charts.render(model, values, release):
            yield Rendered(obj, f"{doc.origin} via chart {model.name}")
