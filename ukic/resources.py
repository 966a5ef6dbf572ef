"""The catalogue of every Kubernetes resource ukic may read, and which feature areas read which.

A resource is named by its key, ``<plural>[.<group>]``, which is also its snapshot file name
(``nodes.yaml``, ``bgppeers.crd.projectcalico.org.yaml``). Live sources resolve the served
version through discovery; ``version`` here is the one the manual's era used, for capture
and RBAC. Nothing outside this catalogue is ever requested from a cluster.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Resource:
    """One listable API resource."""

    plural: str
    group: str
    version: str
    kind: str
    namespaced: bool
    metadata_only: bool = False  # Secrets: listed as PartialObjectMetadata, never with data
    short_names: tuple[str, ...] = ()  # kubectl's short names (`kubectl api-resources`)

    @property
    def key(self) -> str:
        return f"{self.plural}.{self.group}" if self.group else self.plural

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def builtin(self) -> bool:
        """Served by every Kubernetes API server (no CustomResourceDefinition needed)."""
        return self.group in BUILTIN_GROUPS

    @property
    def names(self) -> tuple[str, ...]:
        """Every name kubectl accepts for it, which is also what a user names its file after."""
        return (self.key, self.plural, self.kind.lower(), *self.short_names)


BUILTIN_GROUPS = frozenset({"", "apps", "batch", "storage.k8s.io", "apiextensions.k8s.io"})


CATALOG: tuple[Resource, ...] = (
    Resource("nodes", "", "v1", "Node", namespaced=False, short_names=("no",)),
    Resource("pods", "", "v1", "Pod", namespaced=True, short_names=("po",)),
    Resource("services", "", "v1", "Service", namespaced=True, short_names=("svc",)),
    Resource("configmaps", "", "v1", "ConfigMap", namespaced=True, short_names=("cm",)),
    Resource("secrets", "", "v1", "Secret", namespaced=True, metadata_only=True),
    Resource("deployments", "apps", "v1", "Deployment", namespaced=True, short_names=("deploy",)),
    Resource("daemonsets", "apps", "v1", "DaemonSet", namespaced=True, short_names=("ds",)),
    Resource("statefulsets", "apps", "v1", "StatefulSet", namespaced=True, short_names=("sts",)),
    Resource("jobs", "batch", "v1", "Job", namespaced=True),
    Resource("cronjobs", "batch", "v1", "CronJob", namespaced=True, short_names=("cj",)),
    Resource("storageclasses", "storage.k8s.io", "v1", "StorageClass", namespaced=False, short_names=("sc",)),
    Resource(
        "customresourcedefinitions",
        "apiextensions.k8s.io",
        "v1",
        "CustomResourceDefinition",
        namespaced=False,
        short_names=("crd", "crds"),
    ),
    Resource("bgpconfigurations", "crd.projectcalico.org", "v1", "BGPConfiguration", namespaced=False),
    Resource("bgppeers", "crd.projectcalico.org", "v1", "BGPPeer", namespaced=False),
    Resource("ippools", "crd.projectcalico.org", "v1", "IPPool", namespaced=False),
    Resource("blockaffinities", "crd.projectcalico.org", "v1", "BlockAffinity", namespaced=False),
    Resource("ipamblocks", "crd.projectcalico.org", "v1", "IPAMBlock", namespaced=False),
    Resource("installations", "operator.tigera.io", "v1", "Installation", namespaced=False),
    Resource("cephclusters", "ceph.rook.io", "v1", "CephCluster", namespaced=True),
    Resource("applications", "argoproj.io", "v1alpha1", "Application", namespaced=True),
    Resource("kustomizations", "kustomize.toolkit.fluxcd.io", "v1beta1", "Kustomization", namespaced=True),
    Resource("helmreleases", "helm.toolkit.fluxcd.io", "v2beta1", "HelmRelease", namespaced=True),
    Resource("gitrepositories", "source.toolkit.fluxcd.io", "v1beta1", "GitRepository", namespaced=True),
)

BY_KEY: dict[str, Resource] = {r.key: r for r in CATALOG}


def _by_name() -> dict[str, Resource]:
    """Every kubectl name of a catalogued resource that names exactly one of them."""
    seen: dict[str, list[Resource]] = {}
    for resource in CATALOG:
        for name in dict.fromkeys(resource.names):
            seen.setdefault(name, []).append(resource)
    return {name: found[0] for name, found in seen.items() if len(found) == 1}


BY_NAME: dict[str, Resource] = _by_name()

#: Which resources the scenarios of each feature area read (feature-level tag -> keys).
#: Sources prefetch the union for the selected scenarios in one concurrent pass; anything
#: read beyond it is still fetched once, lazily. tests/test_resources.py keeps this honest.
AREA_READS: dict[str, tuple[str, ...]] = {
    "cluster_table": ("nodes", "deployments.apps"),
    "ipv6": ("nodes", "configmaps", "services"),
    "bgp": (
        "nodes",
        "pods",
        "configmaps",
        "bgpconfigurations.crd.projectcalico.org",
        "bgppeers.crd.projectcalico.org",
        "ippools.crd.projectcalico.org",
        "installations.operator.tigera.io",
    ),
    "topology": ("nodes",),
    "control_plane": ("nodes", "pods"),
    "storage": ("deployments.apps", "pods", "cephclusters.ceph.rook.io", "storageclasses.storage.k8s.io"),
    "components": (
        "deployments.apps",
        "daemonsets.apps",
        "statefulsets.apps",
        "jobs.batch",
        "cronjobs.batch",
        "pods",
        "customresourcedefinitions.apiextensions.k8s.io",
        "kustomizations.kustomize.toolkit.fluxcd.io",
        "helmreleases.helm.toolkit.fluxcd.io",
        "gitrepositories.source.toolkit.fluxcd.io",
    ),
    "rook_install": (
        "deployments.apps",
        "cephclusters.ceph.rook.io",
        "applications.argoproj.io",
        "secrets",
    ),
    "calico_operator": (
        "installations.operator.tigera.io",
        "deployments.apps",
        "pods",
        "configmaps",
        "applications.argoproj.io",
    ),
    "operations": (
        "nodes",
        "pods",
        "configmaps",
        "secrets",
        "deployments.apps",
        "applications.argoproj.io",
        "helmreleases.helm.toolkit.fluxcd.io",
    ),
    "nodes": ("nodes", "pods"),
    "routers": (
        "nodes",
        "configmaps",
        "bgpconfigurations.crd.projectcalico.org",
        "blockaffinities.crd.projectcalico.org",
        "ipamblocks.crd.projectcalico.org",
    ),
}


def lookup(key: str) -> Resource:
    """The catalogue entry for a key; KeyError names the key if ukic does not read it."""
    try:
        return BY_KEY[key]
    except KeyError:
        raise KeyError(f"ukic does not read resource {key!r}") from None


def early_reads(marker: str | None) -> set[str]:
    """What a run can start reading before its scenarios are collected: everything any area reads
    when all scenarios run; nothing yet when a -m expression picks some (discovery still starts)."""
    return set() if marker else {key for keys in AREA_READS.values() for key in keys}


def reads_for_tags(tags: Iterable[str]) -> set[str]:
    """Resource keys the scenarios carrying these tags read."""
    return {key for tag in tags for key in AREA_READS.get(tag, ())}
