"""The kind cluster configuration (kind.x-k8s.io/v1alpha4) a cluster type implies: IPv6 only, no default CNI."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Any

from ukic.errors import UsageError
from ukic.kind.versions import NODE_IMAGE
from ukic.profiles.model import ClusterType

API_VERSION = "kind.x-k8s.io/v1alpha4"
#: kind's own IPv6 defaults; profiles carry no subnets.
DEFAULT_POD_SUBNET = "fd00:10:244::/56"
DEFAULT_SERVICE_SUBNET = "fd00:10:96::/112"
API_SERVER_ADDRESS = "::1"

_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
MAX_NAME_LENGTH = 40  # node containers are named <cluster>-control-plane2 and must stay short


@dataclass(frozen=True)
class KindOptions:
    """What the user may choose beyond the profile: name, node image, subnets, node counts."""

    name: str
    image: str = NODE_IMAGE
    pod_subnet: str = DEFAULT_POD_SUBNET
    service_subnet: str = DEFAULT_SERVICE_SUBNET
    recommended: bool = False  # size for the type's recommended counts instead of the minimums

    def __post_init__(self) -> None:
        check_name(self.name)
        _check_subnet("--pod-subnet", self.pod_subnet)
        _check_subnet("--service-subnet", self.service_subnet)
        if not self.image.strip():
            raise UsageError("--image: empty node image name")


def default_name(version: str, cluster_type: str) -> str:
    return f"ukic-{version}-{cluster_type}"


def check_name(name: str) -> str:
    if not _NAME.match(name) or len(name) > MAX_NAME_LENGTH:
        raise UsageError(
            f"kind cluster name {name!r}: lowercase letters, digits and '-', "
            f"starting and ending with a letter or digit, at most {MAX_NAME_LENGTH} characters"
        )
    return name


def _check_subnet(option: str, value: str) -> None:
    try:
        network = ipaddress.ip_network(value, strict=True)
    except ValueError as exc:
        raise UsageError(f"{option} {value!r}: not a network in CIDR notation ({exc})") from None
    if network.version != 6:
        raise UsageError(f"{option} {value}: must be an IPv6 network (the clusters are IPv6 only)")


def node_counts(cluster_type: ClusterType, recommended: bool = False) -> tuple[int, int]:
    """(control-plane nodes, worker nodes) so the type's node, control-plane and worker counts hold.

    kind keeps the control-plane taint whenever a cluster has workers, so only workers count as
    schedulable: the worker count covers both the schedulable minimum and the rest of the node total.
    """
    if recommended:
        control, schedulable, total = (
            cluster_type.recommended_control_plane,
            cluster_type.recommended_schedulable_workers,
            cluster_type.recommended_nodes,
        )
    else:
        control, schedulable, total = (
            cluster_type.min_control_plane,
            cluster_type.min_schedulable_workers,
            cluster_type.min_nodes,
        )
    control = max(control, 1)
    workers = max(schedulable, total - control, 1)
    return control, workers


def render_config(cluster_type: ClusterType, options: KindOptions) -> dict[str, Any]:
    """The Cluster document for ``kind create cluster --config``."""
    control, workers = node_counts(cluster_type, options.recommended)
    nodes = [_node("control-plane", options.image) for _ in range(control)]
    nodes += [_node("worker", options.image) for _ in range(workers)]
    return {
        "kind": "Cluster",
        "apiVersion": API_VERSION,
        "name": options.name,
        "networking": {
            "ipFamily": "ipv6",
            "apiServerAddress": API_SERVER_ADDRESS,
            "podSubnet": options.pod_subnet,
            "serviceSubnet": options.service_subnet,
            "disableDefaultCNI": True,  # Calico is installed by the plan instead of kindnet
        },
        "nodes": nodes,
    }


def _node(role: str, image: str) -> dict[str, str]:
    return {"role": role, "image": image}
