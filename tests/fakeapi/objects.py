"""A tiny cluster for tests that need objects but not a whole sample."""

from __future__ import annotations

import copy
from typing import Any

Obj = dict[str, Any]

SECRET_VALUE = "c3VwZXItc2VjcmV0LXZhbHVl"  # base64 of a value that must never leave the fake server


def _node(name: str, address: str, control_plane: bool) -> Obj:
    labels = {"kubernetes.io/hostname": name}
    if control_plane:
        labels["node-role.kubernetes.io/control-plane"] = ""
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name, "labels": labels},
        "spec": {"podCIDR": "2a0a:e5c0:10:1::/64", "podCIDRs": ["2a0a:e5c0:10:1::/64"]},
        "status": {
            "addresses": [{"type": "InternalIP", "address": address}],
            "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady"}],
        },
    }


_TINY: dict[str, list[Obj]] = {
    "nodes": [
        _node("server1", "2a0a:e5c0:2:1::1", True),
        _node("server2", "2a0a:e5c0:2:1::2", False),
    ],
    "pods": [
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": f"calico-node-{i}", "namespace": "kube-system", "labels": {"k8s-app": "calico-node"}},
            "spec": {
                "nodeName": f"server{i}",
                "containers": [{"name": "calico-node", "image": "docker.io/calico/node:v3.28.0"}],
            },
            "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]},
        }
        for i in (1, 2)
    ],
    "services": [],
    "configmaps": [
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "kube-root-ca.crt", "namespace": "default"}}
    ],
    "secrets": [
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "type": "helm.sh/release.v1",
            "metadata": {
                "name": "sh.helm.release.v1.rook-ceph.v1",
                "namespace": "rook-ceph",
                "labels": {"owner": "helm", "name": "rook-ceph"},
                "annotations": {"kubectl.kubernetes.io/last-applied-configuration": SECRET_VALUE},
            },
            "data": {"release": SECRET_VALUE},
        }
    ],
    "deployments.apps": [],
    "storageclasses.storage.k8s.io": [],
    "bgpconfigurations.crd.projectcalico.org": [
        {
            "apiVersion": "crd.projectcalico.org/v1",
            "kind": "BGPConfiguration",
            "metadata": {"name": "default"},
            "spec": {"nodeToNodeMeshEnabled": True, "asNumber": 65533},
        }
    ],
    "bgppeers.crd.projectcalico.org": [
        {
            "apiVersion": "crd.projectcalico.org/v1",
            "kind": "BGPPeer",
            "metadata": {"name": "router1"},
            "spec": {"peerIP": "2a0a:e5c0:2:1::fe", "asNumber": 65534, "keepOriginalNextHop": True},
        }
    ],
    "ippools.crd.projectcalico.org": [
        {
            "apiVersion": "crd.projectcalico.org/v1",
            "kind": "IPPool",
            "metadata": {"name": "default-ipv6-ippool"},
            "spec": {"cidr": "2a0a:e5c0:10::/56", "ipipMode": "Never", "vxlanMode": "Never"},
        }
    ],
}


def tiny_cluster() -> dict[str, list[Obj]]:
    """A fresh copy of two nodes, calico pods, a Helm release Secret (with data) and Calico BGP objects."""
    return copy.deepcopy(_TINY)
