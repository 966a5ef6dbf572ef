"""kubeadm configuration files -> the ConfigMap kube-system/kubeadm-config a cluster built from them holds.

kubeadm uploads its ClusterConfiguration to that ConfigMap (key ``ClusterConfiguration``, a YAML
string); the checks read it there, so a repository's bootstrap file is offered the same way.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ukic.errors import UsageError
from ukic.manifests.reader import Document
from ukic.yamlio import dump

GROUP = "kubeadm.k8s.io"
READ_VERSIONS = ("v1beta2", "v1beta3")
KINDS = ("InitConfiguration", "ClusterConfiguration", "JoinConfiguration")
#: What kubeadm fills in when a ClusterConfiguration leaves these out (same in v1beta2 and v1beta3).
DEFAULT_SERVICE_SUBNET = "10.96.0.0/12"
DEFAULT_DNS_DOMAIN = "cluster.local"


@dataclass
class KubeadmConfig:
    """The kubeadm documents of one cluster folder."""

    cluster: Document | None = None
    init: list[Document] = field(default_factory=list)
    join: list[Document] = field(default_factory=list)


def collect(documents: Iterable[Document], notes: list[str]) -> KubeadmConfig:
    """Sort kubeadm documents by kind; two ClusterConfigurations mean two clusters (UsageError)."""
    found = KubeadmConfig()
    for doc in documents:
        version = doc.body["apiVersion"].partition("/")[2]
        kind = doc.body["kind"]
        if version not in READ_VERSIONS:
            notes.append(
                f"{doc.origin}: {doc.body['apiVersion']} {kind} not read (ukic reads {' and '.join(READ_VERSIONS)})"
            )
            continue
        if kind == "ClusterConfiguration":
            if found.cluster is not None:
                raise UsageError(
                    f"manifests: two kubeadm ClusterConfigurations, {found.cluster.file} and {doc.file}: "
                    "each is a cluster; give the folder of one cluster"
                )
            found.cluster = doc
        elif kind == "InitConfiguration":
            found.init.append(doc)
        elif kind == "JoinConfiguration":
            found.join.append(doc)
        else:
            notes.append(f"{doc.origin}: kubeadm kind {kind} not read")
    return found


def cluster_configuration(config: KubeadmConfig, notes: list[str]) -> tuple[dict[str, Any], str] | None:
    """The ClusterConfiguration kubeadm would upload, with kubeadm's networking defaults, and its origin.

    An InitConfiguration without a ClusterConfiguration means kubeadm's defaults throughout;
    join files alone describe no cluster.
    """
    if config.cluster is not None:
        body = copy.deepcopy(config.cluster.body)
        origin = config.cluster.origin
    elif config.init:
        first = config.init[0]
        body = {"apiVersion": first.body["apiVersion"], "kind": "ClusterConfiguration"}
        origin = first.origin
        notes.append(f"{origin}: no kubeadm ClusterConfiguration; kubeadm's defaults apply")
    else:
        return None
    networking = body.get("networking")
    if not isinstance(networking, dict):
        networking = {}
        body["networking"] = networking
    if not networking.get("serviceSubnet"):
        networking["serviceSubnet"] = DEFAULT_SERVICE_SUBNET
        notes.append(
            f"{origin}: ClusterConfiguration sets no networking.serviceSubnet; "
            f"kubeadm's default {DEFAULT_SERVICE_SUBNET} applies"
        )
    networking.setdefault("dnsDomain", DEFAULT_DNS_DOMAIN)
    return body, origin


def kubeadm_config_map(cluster_config: dict[str, Any]) -> dict[str, Any]:
    """ConfigMap kube-system/kubeadm-config holding the ClusterConfiguration as kubeadm stores it."""
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "kubeadm-config", "namespace": "kube-system"},
        "data": {"ClusterConfiguration": dump(cluster_config)},
    }
