"""A snapshot of the lab's cluster, as `kubectl get -o yaml` would write it: the facts the host checks compare with."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tests.lab import cri
from tests.lab.site import POD_SUBNET, SERVICE_SUBNET, Machine
from ukic.yamlio import dump

CONTROL_PLANE_LABELS = {"node-role.kubernetes.io/control-plane": "", "node-role.kubernetes.io/master": ""}


def node_object(machine: Machine, control_plane: bool, pod_cidr: str | None) -> dict[str, object]:
    labels = {"kubernetes.io/hostname": machine.name, **(CONTROL_PLANE_LABELS if control_plane else {})}
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": machine.name, "labels": labels},
        "spec": {"podCIDR": pod_cidr, "podCIDRs": [pod_cidr]} if pod_cidr else {},
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


def block_affinity(node: str, cidr: str) -> dict[str, object]:
    """A BlockAffinity as Calico IPAM stores it (name: node and CIDR with ':' and '/' as '-')."""
    name = f"{node}-{cidr.replace(':', '-').replace('/', '-')}"
    spec = {"cidr": cidr, "deleted": "false", "node": node, "state": "confirmed"}
    return {"apiVersion": "crd.projectcalico.org/v1", "kind": "BlockAffinity", "metadata": {"name": name}, "spec": spec}


def ipam_block(node: str, cidr: str) -> dict[str, object]:
    name = cidr.replace(":", "-").replace("/", "-")
    spec = {
        "affinity": f"host:{node}",
        "allocations": [0, *([None] * 63)],
        "attributes": [{"handle_id": f"k8s-pod-network.{name}", "secondary": {"node": node}}],
        "cidr": cidr,
        "deleted": False,
        "strictAffinity": False,
        "unallocated": list(range(1, 64)),
    }
    return {"apiVersion": "crd.projectcalico.org/v1", "kind": "IPAMBlock", "metadata": {"name": name}, "spec": spec}


def write_snapshot(folder: Path, nodes: Sequence[Machine], control_plane: Sequence[str] | None = None) -> Path:
    """nodes.yaml (all control-plane unless ``control_plane`` says which), their pods, Calico's IPAM blocks and
    affinities, kubeadm-config, cluster.yaml.

    As kube-controller-manager leaves them with the /64 podSubnet and its default IPv6 node mask
    (/64), only the first node has a podCIDR, and it is not where Calico IPAM takes addresses from.
    """
    folder.mkdir(parents=True, exist_ok=True)
    masters = {n.name for n in nodes} if control_plane is None else set(control_plane)
    items = [node_object(n, n.name in masters, POD_SUBNET if i == 0 else None) for i, n in enumerate(nodes)]
    (folder / "nodes.yaml").write_text(dump({"apiVersion": "v1", "kind": "List", "items": items}))
    pods = {"apiVersion": "v1", "kind": "List", "items": lab_pods(nodes, masters)}
    (folder / "pods.yaml").write_text(dump(pods))
    for key, make in (
        ("blockaffinities.crd.projectcalico.org", block_affinity),
        ("ipamblocks.crd.projectcalico.org", ipam_block),
    ):
        objects = [make(n.name, block) for n in nodes for block in n.pod_blocks]
        (folder / f"{key}.yaml").write_text(dump({"apiVersion": "v1", "kind": "List", "items": objects}))
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
