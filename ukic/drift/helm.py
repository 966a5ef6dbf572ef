"""Helm releases in a cluster, and whether an ArgoCD Application stands behind each.

The manual: "We use helm charts extensively. In production, they are managed via argocd. In
development, helm chart can de developed and deployed manually using the helm utility."
`helm install` keeps each release revision in a Secret `sh.helm.release.v1.<release>.v<revision>`
in the release's namespace, labelled owner=helm, name=<release>, status, version=<revision>
(helm v3 pkg/storage/driver/secrets.go, newSecretsObject); ArgoCD renders charts with `helm
template` and leaves no such Secret. The labels are metadata: ukic never reads a release's data.
In v1 Flux v2 deploys the charts: helm-controller installs each HelmRelease as a Helm release of its
own, named ``spec.releaseName``, else ``<targetNamespace>-<name>`` when a target namespace is set,
else the HelmRelease's name, in the target namespace or the HelmRelease's own (helm-controller
v0.6.1 api/v2beta1/helmrelease_types.go GetReleaseName, GetReleaseNamespace); the profile rule
install.helm_charts says which tool manages production charts.
Two releases the manual itself installs with helm directly are expected where the profile says
so: the rook operator ("still being installed via helm", install.rook_operator: helm) and
Calico's tigera-operator ("helm install calico projectcalico/tigera-operator", install.calico:
tigera-operator).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ukic import kube

RELEASE_PREFIX = "sh.helm.release.v1."
#: Set with meta.helm.sh/release-name on every object helm >= 3.2 installs (helm v3 pkg/action/validate.go).
RELEASE_NAMESPACE_ANNOTATION = "meta.helm.sh/release-namespace"
#: Release statuses of a release that is not installed (helm v3 pkg/release/status.go).
GONE = frozenset({"uninstalled", "superseded"})
#: Profile rule value -> the Deployment a direct `helm install` of that version puts in the cluster.
PRESCRIBED = {
    ("install.rook_operator", "helm"): "rook-ceph-operator",
    ("install.calico", "tigera-operator"): "tigera-operator",
}


@dataclass(frozen=True)
class Release:
    namespace: str
    name: str
    revision: int
    status: str
    secret: str

    def describe(self) -> str:
        return (
            f"Helm release {self.namespace}/{self.name} (revision {self.revision}, {self.status}; Secret {self.secret})"
        )


def releases(secrets: Iterable[Mapping[str, Any]]) -> list[Release]:
    """The latest revision of each installed release, from the release Secrets' metadata."""
    latest: dict[tuple[str, str], Release] = {}
    for secret in secrets:
        name, labels = kube.name_of(secret), kube.labels(secret)
        if not name.startswith(RELEASE_PREFIX) or labels.get("owner") != "helm":
            continue
        release_name = labels.get("name") or name.removeprefix(RELEASE_PREFIX).rsplit(".v", 1)[0]
        try:
            revision = int(labels.get("version") or name.rsplit(".v", 1)[1])
        except (ValueError, IndexError):
            revision = 0
        found = Release(kube.namespace_of(secret) or "default", release_name, revision, labels.get("status", "?"), name)
        key = (found.namespace, found.name)
        if key not in latest or latest[key].revision < revision:
            latest[key] = found
    return sorted((r for r in latest.values() if r.status not in GONE), key=lambda r: (r.namespace, r.name))


def managing_application(release: Release, applications: Iterable[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """An Application deploying into the release's namespace under the release's name (ArgoCD names a Helm
    release after the Application unless spec.source.helm.releaseName says otherwise: argo-cd v2.0.5
    reposerver/repository/repository.go, helmTemplate)."""
    for app in applications:
        spec = app.get("spec") or {}
        source = spec.get("source") or {}
        named = (source.get("helm") or {}).get("releaseName") or kube.name_of(app)
        if named == release.name and (spec.get("destination") or {}).get("namespace") == release.namespace:
            return app
    return None


def managing_helmrelease(release: Release, helmreleases: Iterable[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The Flux HelmRelease whose helm-controller release this is, if any."""
    for hr in helmreleases:
        spec = hr.get("spec") or {}
        target = spec.get("targetNamespace")
        name = spec.get("releaseName") or (f"{target}-{kube.name_of(hr)}" if target else kube.name_of(hr))
        if name == release.name and (target or kube.namespace_of(hr)) == release.namespace:
            return hr
    return None


def prescribing_rule(
    release: Release, deployments: Iterable[Mapping[str, Any]], rules: Mapping[str, str]
) -> str | None:
    """The profile rule that prescribes installing this release with helm directly, if any."""
    installed = {
        kube.name_of(d)
        for d in deployments
        if kube.annotations(d).get(kube.HELM_RELEASE_ANNOTATION) == release.name
        and kube.annotations(d).get(RELEASE_NAMESPACE_ANNOTATION, kube.namespace_of(d)) == release.namespace
    }
    for (key, value), deployment in PRESCRIBED.items():
        if rules.get(key) == value and deployment in installed:
            return f"{key}: {value}"
    return None
