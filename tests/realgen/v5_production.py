"""place10 after the manual's v5 installation, from the configuration repository fixtures/real/repos/v5-production.

What the repository's files declare is applied as written; what controllers and operators add is
written here after their upstream sources (fixtures/real/SOURCES.md names them):
kubeadm (kubeadm-config ConfigMap, etcd static pods), the tigera-operator v1.20.4 (calico-system
workloads, cni-config, the Installation's status.computed), calico-node v3.20.2 (the default IP
pools, IPAM blocks and block affinities), ArgoCD v2.1 (Applications' status, its tracking label on
what it syncs) and rook v1.7.8 (mon/mgr/osd daemons, CSI, the CephCluster status).
"""

from __future__ import annotations

import ipaddress
import json
from pathlib import Path
from typing import Any

import yaml

from tests.realgen.model import Cluster, Node

REAL = Path(__file__).resolve().parents[2] / "fixtures" / "real"
REPO = REAL / "repos" / "v5-production"
UPSTREAM = REAL / "upstream"
RENDERED = REAL / "rendered"
WORKFLOWS_CHART = UPSTREAM / "argo-helm-argo-workflows-0.7.3" / "argo-workflows"
POD_SUBNET = "2a0a:e5c0:10:2::/64"
SERVICE_SUBNET = "2a0a:e5c0:10:3::/108"
CALICO = "v3.20.2"
ROOK = "v1.7.8"
CEPH_IMAGE = "quay.io/ceph/ceph:v16.2.6"

NODES = [
    ("server63", "2a0a:e5c0:10:1:225:b3ff:fe20:378a", True),
    ("server65", "2a0a:e5c0:10:1:225:b3ff:fe20:375c", True),
    ("server83", "2a0a:e5c0:10:1:3e4a:92ff:fe79:bb98", True),
    ("server64", "2a0a:e5c0:10:1:225:b3ff:fe20:3790", False),
    ("server66", "2a0a:e5c0:10:1:225:b3ff:fe20:37a4", False),
    ("server84", "2a0a:e5c0:10:1:3e4a:92ff:fe79:bc02", False),
    ("server85", "2a0a:e5c0:10:1:3e4a:92ff:fe79:bc1e", False),
    ("server86", "2a0a:e5c0:10:1:3e4a:92ff:fe79:bc40", False),
]


def docs(path: Path) -> list[Any]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


def _block(name: str) -> str:
    """A /122 of the pool: calico IPAM picks a pool's blocks in a host-seeded random order."""
    net = ipaddress.IPv6Network(POD_SUBNET)
    index = int.from_bytes(name.encode(), "big") % (1 << 20)
    return str(ipaddress.IPv6Network((int(net.network_address) + index * 64, 122)))


def build() -> Cluster:
    cluster = Cluster("place10", [Node(n, a, cp, _block(n)) for n, a, cp in NODES])
    _nodes(cluster)
    _kubeadm(cluster)
    _calico(cluster)
    _argocd(cluster)
    _rook(cluster)
    cluster.apply(docs(REPO / "certbot" / "job.yaml"), minutes=300)
    _ipam(cluster)  # last: every pod has its address by now
    return cluster


# -- nodes and kubeadm --------------------------------------------------------------------------------
def _nodes(cluster: Cluster) -> None:
    for index, node in enumerate(cluster.nodes):
        labels = {
            "beta.kubernetes.io/arch": "amd64",
            "beta.kubernetes.io/os": "linux",
            "kubernetes.io/arch": "amd64",
            "kubernetes.io/hostname": node.name,
            "kubernetes.io/os": "linux",
        }
        spec: dict[str, Any] = {}
        if node.control_plane:
            labels |= {"node-role.kubernetes.io/control-plane": "", "node-role.kubernetes.io/master": ""}
            spec["taints"] = [{"effect": "NoSchedule", "key": "node-role.kubernetes.io/master"}]
        if index == 0:
            # kube-controller-manager hands out node CIDRs of its default IPv6 mask (/64) from the /64
            # podSubnet: the first node gets all of it, the others none (Calico IPAM does not use them)
            spec |= {"podCIDR": POD_SUBNET, "podCIDRs": [POD_SUBNET]}
        cluster.add(
            {
                "apiVersion": "v1",
                "kind": "Node",
                "metadata": {
                    "name": node.name,
                    "labels": labels,
                    "annotations": {
                        "kubeadm.alpha.kubernetes.io/cri-socket": "/var/run/crio/crio.sock",
                        "node.alpha.kubernetes.io/ttl": "0",
                        "projectcalico.org/IPv6Address": f"{node.address}/64",
                        "volumes.kubernetes.io/controller-managed-attach-detach": "true",
                    },
                },
                "spec": spec,
                "status": {
                    "addresses": [
                        {"address": node.address, "type": "InternalIP"},
                        {"address": node.name, "type": "Hostname"},
                    ],
                    "conditions": [
                        {"type": "NetworkUnavailable", "status": "False", "reason": "CalicoIsUp"},
                        {"type": "MemoryPressure", "status": "False", "reason": "KubeletHasSufficientMemory"},
                        {"type": "DiskPressure", "status": "False", "reason": "KubeletHasNoDiskPressure"},
                        {"type": "PIDPressure", "status": "False", "reason": "KubeletHasSufficientPID"},
                        {"type": "Ready", "status": "True", "reason": "KubeletReady"},
                    ],
                    "nodeInfo": {
                        "architecture": "amd64",
                        "containerRuntimeVersion": "cri-o://1.22.0",
                        "kubeProxyVersion": "v1.22.0",
                        "kubeletVersion": "v1.22.0",
                        "operatingSystem": "linux",
                        "osImage": "Alpine Linux v3.14",
                    },
                },
            },
            minutes=index,
        )


def _kubeadm(cluster: Cluster) -> None:
    """kubeadm uploads its ClusterConfiguration (with its defaults) and runs etcd as static pods."""
    config = next(
        d for d in docs(REPO / "bootstrap" / "place10" / "kubeadm.yaml") if d["kind"] == "ClusterConfiguration"
    )
    config |= {
        "apiServer": {"timeoutForControlPlane": "4m0s"},
        "certificatesDir": "/etc/kubernetes/pki",
        "controllerManager": {},
        "dns": {},
        "imageRepository": "k8s.gcr.io",
        "scheduler": {},
    }
    cluster.add(
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "kubeadm-config", "namespace": "kube-system"},
            "data": {"ClusterConfiguration": yaml.safe_dump(config, sort_keys=True)},
        },
        minutes=2,
    )
    cluster.add(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "kubernetes", "namespace": "default", "labels": {"component": "apiserver"}},
            "spec": {
                "clusterIP": "2a0a:e5c0:10:3::1",
                "clusterIPs": ["2a0a:e5c0:10:3::1"],
                "ipFamilies": ["IPv6"],
                "ipFamilyPolicy": "SingleStack",
                "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}],
                "type": "ClusterIP",
            },
        },
        minutes=2,
    )
    for node in cluster.nodes:
        if not node.control_plane:
            continue
        etcd = {
            "apiVersion": "v1",
            "kind": "Node",
            "metadata": {"name": node.name, "namespace": "kube-system"},
        }
        template = {
            "metadata": {"labels": {"component": "etcd", "tier": "control-plane"}},
            "spec": {
                "hostNetwork": True,
                "priorityClassName": "system-node-critical",
                "containers": [
                    {
                        "name": "etcd",
                        "image": "k8s.gcr.io/etcd:3.5.0-0",
                        "command": [
                            "etcd",
                            f"--advertise-client-urls=https://[{node.address}]:2379",
                            "--data-dir=/var/lib/etcd",
                            f"--initial-advertise-peer-urls=https://[{node.address}]:2380",
                            f"--name={node.name}",
                        ],
                    }
                ],
            },
        }
        pod = cluster.pod(etcd | {"kind": "Node", "apiVersion": "v1"}, f"etcd-{node.name}", node, template, 3)
        pod["metadata"]["ownerReferences"][0] |= {"controller": True, "kind": "Node", "name": node.name}


# -- Calico through the tigera-operator chart -------------------------------------------------------------
HELM = {
    "labels": {"app.kubernetes.io/managed-by": "Helm"},
    "annotations": {"meta.helm.sh/release-name": "calico", "meta.helm.sh/release-namespace": "default"},
}


def _calico(cluster: Cluster) -> None:
    chart = REPO / "charts" / "calico"
    crds = sorted((chart / "crds").rglob("*.yaml"))
    for path in crds:
        cluster.apply(docs(path), minutes=10)
    cluster.apply(docs(RENDERED / "tigera-operator-v3.20.2.yaml"), minutes=10, **HELM)
    cluster.add(
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {
                "name": "sh.helm.release.v1.calico.v1",
                "namespace": "default",
                "labels": {"name": "calico", "owner": "helm", "status": "deployed", "version": "1"},
            },
            "type": "helm.sh/release.v1",
        },
        minutes=10,
    )
    installation = cluster.get("installations.operator.tigera.io", None, "default")
    # tigera/operator v1.20.4 core_controller.go: mergeAndFillDefaults (the pool from kubeadm's podSubnet,
    # IPv6 defaults) and status.computed; status.variant, mtu, imageSet written after the rollout.
    computed = {
        "calicoNetwork": {
            "bgp": "Enabled",
            "hostPorts": "Enabled",
            "ipPools": [
                {
                    "blockSize": 122,
                    "cidr": POD_SUBNET,
                    "encapsulation": "None",
                    "natOutgoing": "Disabled",
                    "nodeSelector": "all()",
                }
            ],
            "linuxDataplane": "Iptables",
            "multiInterfaceMode": "None",
            "nodeAddressAutodetectionV6": {"firstFound": True},
        },
        "cni": {"ipam": {"type": "Calico"}, "type": "Calico"},
        "controlPlaneReplicas": 2,
        "flexVolumePath": "/usr/libexec/kubernetes/kubelet-plugins/volume/exec/",
        "kubernetesProvider": "",
        "nodeUpdateStrategy": {"rollingUpdate": {"maxUnavailable": 1}, "type": "RollingUpdate"},
        "variant": "Calico",
    }
    installation["status"] = {"computed": computed, "mtu": 1440, "variant": "Calico"}
    _calico_system(cluster)
    _calico_resources(cluster)
    cluster.apply([d for d in docs(REPO / "calico" / "calicoctl.yaml") if d["kind"] != "Pod"], minutes=60)
    pod = next(d for d in docs(REPO / "calico" / "calicoctl.yaml") if d["kind"] == "Pod")
    stored = cluster.pod(
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "calicoctl", "namespace": "kube-system"}},
        "calicoctl",
        cluster.nodes[3],
        {"metadata": pod["metadata"], "spec": pod["spec"]},
        60,
    )
    stored["metadata"].pop("ownerReferences")


def _calico_system(cluster: Cluster) -> None:
    """What tigera-operator v1.20.4 renders (pkg/render/node.go, kube-controllers.go, typha.go)."""
    owner = {"apiVersion": "operator.tigera.io/v1", "kind": "Installation", "name": "default", "controller": True}
    cni = (
        '{\n  "name": "k8s-pod-network",\n  "cniVersion": "0.3.1",\n  "plugins": [\n    {\n      "type": "calico",\n'
        '      "datastore_type": "kubernetes",\n      "mtu": 0,\n      "nodename_file_optional": false,\n'
        '      "log_level": "Info",\n      "log_file_path": "/var/log/calico/cni/cni.log",\n'
        '      "ipam": { "type": "calico-ipam", "assign_ipv4" : "false", "assign_ipv6" : "true"},\n'
        '      "container_settings": {\n          "allow_ip_forwarding": false\n      },\n'
        '      "policy": {\n          "type": "k8s"\n      },\n      "kubernetes": {\n'
        '          "kubeconfig": "__KUBECONFIG_FILEPATH__"\n      }\n    },\n    {\n      "type": "bandwidth",\n'
        '      "capabilities": {"bandwidth": true}\n    },\n'
        '    {"type": "portmap", "snat": true, "capabilities": {"portMappings": true}}\n  ]\n}'
    )
    cluster.add(
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "cni-config", "namespace": "calico-system", "ownerReferences": [owner]},
            "data": {"config": cni},
        },
        minutes=11,
    )
    env = [
        {"name": "DATASTORE_TYPE", "value": "kubernetes"},
        {"name": "WAIT_FOR_DATASTORE", "value": "true"},
        {"name": "CLUSTER_TYPE", "value": "k8s,operator,bgp"},
        {"name": "CALICO_DISABLE_FILE_LOGGING", "value": "false"},
        {"name": "FELIX_DEFAULTENDPOINTTOHOSTACTION", "value": "ACCEPT"},
        {"name": "FELIX_HEALTHENABLED", "value": "true"},
        {"name": "IP", "value": "none"},
        {"name": "IP6", "value": "autodetect"},
        {"name": "IP6_AUTODETECTION_METHOD", "value": "first-found"},
        {"name": "CALICO_IPV6POOL_CIDR", "value": POD_SUBNET},
        {"name": "CALICO_IPV6POOL_BLOCK_SIZE", "value": "122"},
        {"name": "CALICO_IPV6POOL_NODE_SELECTOR", "value": "all()"},
        {"name": "FELIX_IPV6SUPPORT", "value": "true"},
        {"name": "CALICO_NETWORKING_BACKEND", "value": "bird"},
    ]
    workloads = [
        (
            "DaemonSet",
            "calico-node",
            {"k8s-app": "calico-node"},
            f"docker.io/calico/node:{CALICO}",
            {"hostNetwork": True, "tolerations": [{"operator": "Exists"}]},
            {"env": env},
            None,
        ),
        ("Deployment", "calico-kube-controllers", {"k8s-app": "calico-kube-controllers"},
         f"docker.io/calico/kube-controllers:{CALICO}", {}, {}, 1),
        ("Deployment", "calico-typha", {"k8s-app": "calico-typha"}, f"docker.io/calico/typha:{CALICO}",
         {"hostNetwork": True}, {}, 3),
    ]  # fmt: skip
    for kind, name, labels, image, pod_extra, container_extra, replicas in workloads:
        spec: dict[str, Any] = {
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "containers": [{"name": name, "image": image, **container_extra}],
                    "serviceAccountName": name,
                    "nodeSelector": {"kubernetes.io/os": "linux"},
                    **pod_extra,
                },
            },
        }
        if replicas is not None:
            spec["replicas"] = replicas
        cluster.apply(
            [
                {
                    "apiVersion": "apps/v1",
                    "kind": kind,
                    "metadata": {
                        "name": name,
                        "namespace": "calico-system",
                        "labels": labels,
                        "ownerReferences": [owner],
                    },
                    "spec": spec,
                }
            ],
            minutes=11,
        )


def _v3_metadata(cluster: Cluster, kind: str, name: str, minutes: float) -> dict[str, str]:
    meta = {"uid": cluster.uid("v3", kind, name), "creationTimestamp": cluster.at(minutes)}
    return {"projectcalico.org/metadata": json.dumps(meta, separators=(",", ":"))}


def _calico_resources(cluster: Cluster) -> None:
    """calico-node v3.20.2 startup.go configureIPPools, and calicoctl's stored form of the BGP files."""
    pools = [
        # from CALICO_IPV6POOL_* of the operator's calico-node
        ("default-ipv6-ippool", {"blockSize": 122, "cidr": POD_SUBNET, "ipipMode": "Never", "natOutgoing": False,
                                 "nodeSelector": "all()", "vxlanMode": "Never"}),
        # no CALICO_IPV4POOL_CIDR, no NO_DEFAULT_POOLS: calico-node's own IPv4 default (CNI assign_ipv4 false)
        ("default-ipv4-ippool", {"blockSize": 26, "cidr": "192.168.0.0/16", "ipipMode": "Never", "natOutgoing": True,
                                 "nodeSelector": "all()", "vxlanMode": "Never"}),
    ]  # fmt: skip
    for name, spec in pools:
        cluster.add(
            {"apiVersion": "crd.projectcalico.org/v1", "kind": "IPPool", "metadata": {"name": name}, "spec": spec},
            minutes=12,
        )
    for doc in docs(REPO / "calico" / "bgp-config.yaml"):
        name = doc["metadata"]["name"]
        cluster.add(
            {
                "apiVersion": "crd.projectcalico.org/v1",
                "kind": doc["kind"],
                "metadata": {"name": name, "annotations": _v3_metadata(cluster, doc["kind"], name, 61)},
                "spec": doc["spec"],
            },
            minutes=61,
        )


def _ipam(cluster: Cluster) -> None:
    """One /122 block per node that hosts pods with Calico addresses (confd announces its confirmed blocks)."""
    for node in cluster.nodes:
        used = cluster.pod_count(node)
        if not used:
            continue
        name = node.block.replace(":", "-").replace("/", "-")
        cluster.add(
            {
                "apiVersion": "crd.projectcalico.org/v1",
                "kind": "BlockAffinity",
                "metadata": {"name": f"{node.name}-{name}"},
                "spec": {"cidr": node.block, "deleted": "false", "node": node.name, "state": "confirmed"},
            },
            minutes=12,
        )
        cluster.add(
            {
                "apiVersion": "crd.projectcalico.org/v1",
                "kind": "IPAMBlock",
                "metadata": {"name": name},
                "spec": {
                    "affinity": f"host:{node.name}",
                    "allocations": [None, *range(used), *([None] * (63 - used))],
                    "attributes": [
                        {"handle_id": f"k8s-pod-network.{cluster.hexid(64, 'handle', node.name, i)}"}
                        for i in range(used)
                    ],
                    "cidr": node.block,
                    "deleted": False,
                    "strictAffinity": False,
                    "unallocated": [0, *range(used + 1, 64)],
                },
            },
            minutes=12,
        )


# -- ArgoCD and what it syncs ------------------------------------------------------------------------
def _argocd(cluster: Cluster) -> None:
    cluster.apply(docs(REPO / "argocd" / "install.yaml"), namespace="argocd", minutes=40)
    admin = {"name": "argocd-initial-admin-secret", "namespace": "argocd"}
    cluster.add({"apiVersion": "v1", "kind": "Secret", "metadata": admin, "type": "Opaque"}, minutes=41)
    synced = {
        "rook-ceph": (
            [*docs(UPSTREAM / "rook-v1.7.8" / "examples" / "crds.yaml"), *docs(RENDERED / "rook-ceph-v1.7.8.yaml")],
            80,
        ),
        "workflows": (
            [
                *(d for p in sorted((WORKFLOWS_CHART / "crds").glob("*.yaml")) for d in docs(p)),
                *docs(RENDERED / "argo-workflows-0.7.3.yaml"),
            ],
            90,
        ),
        "secret-generator": (docs(RENDERED / "kubernetes-secret-generator-v3.3.2.yaml"), 95),
    }  # fmt: skip
    for path in sorted((REPO / "argocd" / "apps").glob("*.yaml")):
        app = docs(path)[0]
        name = app["metadata"]["name"]
        objects, minutes = synced[name]
        namespace = app["spec"]["destination"]["namespace"]
        # ArgoCD <= 2.1 tracks what an Application syncs with the app.kubernetes.io/instance label
        cluster.apply(objects, namespace=namespace, minutes=minutes, labels={"app.kubernetes.io/instance": name})
        source = app["spec"]["source"]
        app["status"] = {
            "health": {"status": "Healthy"},
            "operationState": {"phase": "Succeeded", "finishedAt": cluster.at(minutes + 2)},
            "reconciledAt": cluster.at(74000),
            "sourceType": "Helm",
            "summary": {},
            "sync": {
                "comparedTo": {"destination": app["spec"]["destination"], "source": source},
                "revision": source["targetRevision"],
                "status": "Synced",
            },
        }
        cluster.add(app, minutes=minutes)


# -- Rook: the Ceph cluster from manifests and what the operator makes of it --------------------------------
def _rook(cluster: Cluster) -> None:
    for name in ("cluster.yaml", "filesystem.yaml", "storageclass-rbd.yaml", "storageclass-cephfs.yaml"):
        cluster.apply(docs(REPO / "rook" / name), minutes=100)
    ceph = cluster.get("cephclusters.ceph.rook.io", "rook-ceph", "rook-ceph")
    ceph["status"] = {
        "ceph": {
            "capacity": {"bytesAvailable": 21589423063040, "bytesTotal": 23998410178560, "bytesUsed": 2408987115520,
                         "lastUpdated": cluster.at(74880)},
            "health": "HEALTH_OK",
            "lastChanged": cluster.at(190),
            "lastChecked": cluster.at(74880),
            "previousHealth": "HEALTH_WARN",
            "versions": {"mon": {"ceph version 16.2.6 pacific (stable)": 5}},
        },
        "conditions": [
            {"type": "Ready", "status": "True", "reason": "ClusterCreated", "message": "Cluster created successfully",
             "lastHeartbeatTime": cluster.at(74880), "lastTransitionTime": cluster.at(180)},
        ],
        "message": "Cluster created successfully",
        "phase": "Ready",
        "state": "Created",
        "version": {"image": CEPH_IMAGE, "version": "16.2.6-0"},
    }  # fmt: skip
    workers = [n for n in cluster.nodes if not n.control_plane]
    owner = {"apiVersion": "ceph.rook.io/v1", "kind": "CephCluster", "name": "rook-ceph", "controller": True}
    base = {"rook_cluster": "rook-ceph"}
    daemons = [
        ("mon", m, node, {"mon": m, "mon_cluster": "rook-ceph"}) for m, node in zip("abcde", workers, strict=True)
    ]
    daemons += [("mgr", "a", workers[0], {"mgr": "a"})]
    daemons += [("osd", str(i), node, {"osd": str(i)}) for i, node in enumerate(workers)]
    daemons += [("mds", f"myfs-{x}", workers[i + 1], {"rook_file_system": "myfs"}) for i, x in enumerate("ab")]
    for kind, daemon_id, node, extra in daemons:
        labels = {"app": f"rook-ceph-{kind}", "ceph_daemon_id": daemon_id, "ceph_daemon_type": kind, **base, **extra}
        template = {
            "metadata": {"labels": labels},
            "spec": {
                "nodeSelector": {"kubernetes.io/hostname": node.name},
                "containers": [{"name": kind, "image": CEPH_IMAGE, "command": [f"ceph-{kind}"]}],
                "initContainers": [{"name": "chown-container-data-dir", "image": CEPH_IMAGE, "command": ["chown"]}],
            },
        }
        deployment = {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {
                "name": f"rook-ceph-{kind}-{daemon_id}",
                "namespace": "rook-ceph",
                "labels": {**labels, "rook-version": ROOK, "ceph-version": "16.2.6-0"},
                "ownerReferences": [owner],
            },
            "spec": {"replicas": 1, "selector": {"matchLabels": labels}, "template": template},
        }
        stored = cluster.add(deployment, minutes=120)
        assert stored is not None
        stored["status"] = {"availableReplicas": 1, "readyReplicas": 1, "replicas": 1, "updatedReplicas": 1,
                            "observedGeneration": 1}  # fmt: skip
        cluster.pod(stored, f"rook-ceph-{kind}-{daemon_id}-{cluster.suffix('rs', kind, daemon_id, length=10)}-"
                    f"{cluster.suffix('pod', kind, daemon_id)}", node, template, 121)  # fmt: skip
    for node in workers:
        prepare = {
            "apiVersion": "batch/v1",
            "kind": "Job",
            "metadata": {"name": f"rook-ceph-osd-prepare-{node.name}", "namespace": "rook-ceph",
                         "labels": {"app": "rook-ceph-osd-prepare", **base}, "ownerReferences": [owner]},
            "spec": {"template": {
                "metadata": {"labels": {"app": "rook-ceph-osd-prepare", **base}},
                "spec": {"nodeSelector": {"kubernetes.io/hostname": node.name}, "restartPolicy": "OnFailure",
                         "containers": [{"name": "provision", "image": f"rook/ceph:{ROOK}",
                                         "args": ["ceph", "osd", "provision"]}]},
            }},
        }  # fmt: skip
        stored = cluster.add(prepare, minutes=110)
        assert stored is not None
        stored["status"] = {"succeeded": 1, "completionTime": cluster.at(112), "startTime": cluster.at(110)}
        cluster.pod(stored, f"rook-ceph-osd-prepare-{node.name}-{cluster.suffix('job', node.name)}", node,
                    prepare["spec"]["template"], 110, completed=True)  # fmt: skip
    for plugin in ("rbd", "cephfs"):
        driver = f"rook-ceph.{plugin}.csi.ceph.com"
        for kind, name in (("DaemonSet", f"csi-{plugin}plugin"), ("Deployment", f"csi-{plugin}plugin-provisioner")):
            labels = {"app": name, "contains": f"csi-{plugin}plugin-metrics"}
            spec: dict[str, Any] = {
                "selector": {"matchLabels": {"app": name}},
                "template": {
                    "metadata": {"labels": labels},
                    "spec": {
                        "hostNetwork": kind == "DaemonSet",
                        "containers": [
                            {"name": f"csi-{plugin}plugin", "image": "quay.io/cephcsi/cephcsi:v3.4.0",
                             "args": [f"--drivername={driver}", f"--type={plugin}"]},
                        ],
                    },
                },
            }  # fmt: skip
            if kind == "Deployment":
                spec["replicas"] = 2
            cluster.apply(
                [{"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": name, "namespace": "rook-ceph"},
                  "spec": spec}],
                minutes=105,
            )  # fmt: skip
