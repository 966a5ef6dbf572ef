"""How an object got into the cluster: plain manifests, Helm directly, or a chart rendered by ArgoCD."""

from __future__ import annotations

from dataclasses import dataclass

from ukic import kube
from ukic.sources.base import Obj
from ukic.state import ClusterState

APPLICATIONS = "applications.argoproj.io"


@dataclass(frozen=True)
class Evidence:
    method: str  # manifests | helm | argocd-helm
    because: str


def _application(state: ClusterState, name: str) -> Obj | None:
    return next((a for a in state.list(APPLICATIONS) if kube.name_of(a) == name), None)


def _source(app: Obj) -> dict:
    return (app.get("spec") or {}).get("source") or {}


def application_for_chart(state: ClusterState, chart: str) -> Obj | None:
    """An ArgoCD Application that renders the given Helm chart."""
    return next((a for a in state.list(APPLICATIONS) if _source(a).get("chart") == chart), None)


def classify(state: ClusterState, obj: Obj) -> Evidence:
    """Read the install method off an object's Helm and ArgoCD markers."""
    release = kube.annotations(obj).get(kube.HELM_RELEASE_ANNOTATION)
    if release:
        return Evidence("helm", f"annotation {kube.HELM_RELEASE_ANNOTATION}={release}")
    instance = kube.labels(obj).get(kube.ARGOCD_INSTANCE_LABEL)
    app = _application(state, instance) if instance else None
    if app is not None:
        source = _source(app)
        if source.get("chart"):
            return Evidence("argocd-helm", f"{kube.ref(app, 'Application')} renders chart {source['chart']}")
        return Evidence("manifests", f"{kube.ref(app, 'Application')} applies path {source.get('path', '.')}")
    return Evidence("manifests", "no Helm release annotation and no ArgoCD chart application")
