"""How an object got into the cluster: plain manifests, Helm directly, or a chart rendered by ArgoCD.

Evidence: ``meta.helm.sh/release-name`` (helm >= 3.2 on everything it installs) means helm; the
ArgoCD tracking label ``app.kubernetes.io/instance=<application>`` (ArgoCD <= 2.1) leads to the
Application, which renders Helm when its source names a ``chart``, carries ``helm`` settings, or its
path holds a Chart.yaml - ArgoCD reports that as ``status.sourceType: Helm`` (argo-cd v2.1.7
reposerver/repository/repository.go GetAppSourceType, util/app/discovery/discovery.go).
"""

from __future__ import annotations

from dataclasses import dataclass

from ukic import kube
from ukic.sources.base import Obj
from ukic.state import ClusterState

APPLICATIONS = "applications.argoproj.io"
#: A profile method and the methods that satisfy it. The manual's v4 "the rook operator is still being
#: installed via helm" is met by a chart ArgoCD renders as well ("In production, they [helm charts] are
#: managed via argocd"); "via helm via argocd" (v3) needs ArgoCD; "via manifests" needs no chart at all.
SATISFIES = {"helm": {"helm", "argocd-helm"}, "argocd-helm": {"argocd-helm"}, "manifests": {"manifests"}}


@dataclass(frozen=True)
class Evidence:
    method: str  # manifests | helm | argocd-helm
    because: str
    owner: str = ""  # the Helm release name, or the ArgoCD Application ("Application ns/name"), that put it there

    def satisfies(self, wanted: str) -> bool:
        return self.method in SATISFIES.get(wanted, {wanted})


def _application(state: ClusterState, name: str) -> Obj | None:
    return next((a for a in state.list(APPLICATIONS) if kube.name_of(a) == name), None)


def _source(app: Obj) -> dict:
    return (app.get("spec") or {}).get("source") or {}


def renders_helm(app: Obj) -> str | None:
    """Why an Application renders a Helm chart, or None when it applies plain manifests."""
    source = _source(app)
    if source.get("chart"):
        return f"renders chart {source['chart']}"
    if (app.get("status") or {}).get("sourceType") == "Helm":
        return f"renders the Helm chart at path {source.get('path', '.')} (sourceType Helm)"
    if source.get("helm"):
        return f"renders path {source.get('path', '.')} with Helm settings"
    return None


def application_for_chart(state: ClusterState, chart: str) -> Obj | None:
    """An ArgoCD Application that renders the given Helm chart from a chart repository."""
    return next((a for a in state.list(APPLICATIONS) if _source(a).get("chart") == chart), None)


def classify(state: ClusterState, obj: Obj) -> Evidence:
    """Read the install method off an object's Helm and ArgoCD markers."""
    release = kube.annotations(obj).get(kube.HELM_RELEASE_ANNOTATION)
    if release:
        return Evidence("helm", f"annotation {kube.HELM_RELEASE_ANNOTATION}={release}", release)
    instance = kube.labels(obj).get(kube.ARGOCD_INSTANCE_LABEL)
    app = _application(state, instance) if instance else None
    if app is not None:
        owner = kube.ref(app, "Application")
        why = renders_helm(app)
        if why:
            return Evidence("argocd-helm", f"{owner} {why}", owner)
        return Evidence("manifests", f"{owner} applies path {_source(app).get('path', '.')}", owner)
    return Evidence("manifests", "no Helm release annotation and no ArgoCD Helm application")
