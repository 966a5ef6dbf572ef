"""A snapshot of the lab's cluster, as `kubectl get -o yaml` would write it: the facts the host checks compare with."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tests.lab import cri
from tests.lab.site import POD_SUBNET, SERVICE_SUBNET, Machine
from ukic.yamlio import dump

CONTROL_PLANE_LABELS = {"node-role.kubernetes.io/control-plane": "", "node-role.kubernetes.io/master": ""}


def node_object(machine: Machine, control_plane: bool) -> dict[str, object]:
    labels = {"kubernetes.io/hostname": machine.name, **(CONTROL_PLANE_LABELS if control_plane else {})}
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": machine.name, "labels": labels},
        "spec": {"podCIDR": machine.pod_block, "podCIDRs": [machine.pod_block]},
        "status": {
            "addresses": [
                {"type": "InternalIP", "address": machine.address},
                {"type": "Hostname", "address": machine.name},
            ],
            "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady"}],
            "nodeInfo": {"kubeletVersion": "v1.22.0", "containerRuntimeVersion": "cri-o://1.22.0"},
        },
    }


def pod_object(namespace: str, name: str, node: str, labels: dict[str, str]) -> dict[str, object]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": namespace, "labels": labels},
        "spec": {"nodeName": node, "hostNetwork": True},
        "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]},
    }


def lab_pods(nodes: Sequence[Machine], masters: set[str]) -> list[dict[str, object]]:
    """The pods the lab's daemons stand for: etcd on the control-plane nodes, a Rook monitor on every node."""
    etcd = {"component": "etcd", "tier": "control-plane"}
    pods = [pod_object("kube-system", cri.etcd_pod(n.name), n.name, etcd) for n in nodes if n.name in masters]
    pods += [
        pod_object(cri.ROOK_NAMESPACE, cri.mon_pod(n.name), n.name, {"app": "rook-ceph-mon", "mon": n.name})
        for n in nodes
    ]
    return pods


def write_snapshot(folder: Path, nodes: Sequence[Machine], control_plane: Sequence[str] | None = None) -> Path:
    """nodes.yaml (all control-plane unless ``control_plane`` says which), their pods, kubeadm-config, cluster.yaml."""
    folder.mkdir(parents=True, exist_ok=True)
    masters = {n.name for n in nodes} if control_plane is None else set(control_plane)
    items = [node_object(n, n.name in masters) for n in nodes]
    (folder / "nodes.yaml").write_text(dump({"apiVersion": "v1", "kind": "List", "items": items}))
    pods = {"apiVersion": "v1", "kind": "List", "items": lab_pods(nodes, masters)}
    (folder / "pods.yaml").write_text(dump(pods))
    cluster_configuration = dump(
        {
            "apiVersion": "kubeadm.k8s.io/v1beta3",
            "kind": "ClusterConfiguration",
            "kubernetesVersion": "v1.22.0",
            "networking": {"podSubnet": POD_SUBNET, "serviceSubnet": SERVICE_SUBNET},
        }
    )
    kubeadm_config = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "kubeadm-config", "namespace": "kube-system"},
        "data": {"ClusterConfiguration": cluster_configuration},
    }
    (folder / "configmaps.yaml").write_text(dump({"apiVersion": "v1", "kind": "List", "items": [kubeadm_config]}))
    (folder / "cluster.yaml").write_text(dump({"name": "lab", "context": "ukic-lab"}))
    return folder
