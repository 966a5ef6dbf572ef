"""What each installation step of the manual leaves in a cluster, shared by the modelled clusters.

Each function applies a configuration repository's files as written and adds what the controllers and
operators of the release make of them, after their upstream sources (fixtures/real/SOURCES.md):
kubeadm (its kubeadm-config ConfigMap, the API service, etcd static pods), Calico from its manifest or
the tigera-operator v1.20.4 (workloads, default IP pools from calico-node v3.20.2's startup, IPAM blocks
and affinities), calicoctl's stored BGP objects, Argo CD (Applications' status, its tracking label),
Helm (release markers and release Secrets), Flux v2 (kustomize-controller's labels, helm-controller's
releases, the objects' status) and rook (mon/mgr/osd/mds daemons, osd-prepare jobs, CSI, the
CephCluster status).
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from fixtures.samplegen.calico import installation_defaults
from fixtures.samplegen.kube import kubelet_labels, node_annotations
from tests.realgen.model import CAPTURED_AT, Cluster, Node

REAL = Path(__file__).resolve().parents[2] / "fixtures" / "real"
UPSTREAM = REAL / "upstream"
RENDERED = REAL / "rendered"
Obj = dict[str, Any]
WORKFLOWS_CHART = UPSTREAM / "argo-helm-argo-workflows-0.7.3" / "argo-workflows"


def docs(path: Path) -> list[Any]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


@dataclass(frozen=True)
class Site:
    """One cluster of the manual: its name, repository, address plan, nodes and Kubernetes release."""

    name: str
    repo: Path
    prefix: str  # the cluster's /48: <prefix>:1::/64 nodes, :2::/64 pods, :3::/108 services
    nodes: tuple[tuple[str, str, bool], ...]  # (name, address, control plane)
    kubernetes: str = "v1.22.0"
    etcd_image: str = "k8s.gcr.io/etcd:3.5.0-0"
    runtime: str = "cri-o://1.22.0"
    os_image: str = "Alpine Linux v3.14"
    captured_at: datetime = CAPTURED_AT

    @property
    def pod_subnet(self) -> str:
        return f"{self.prefix}:2::/64"

    @property
    def service_subnet(self) -> str:
        return f"{self.prefix}:3::/108"

    def block(self, node: str) -> str:
        """A /122 of the pool: calico IPAM picks a pool's blocks in a host-seeded random order."""
        net = ipaddress.IPv6Network(self.pod_subnet)
        index = int.from_bytes(node.encode(), "big") % (1 << 20)
        return str(ipaddress.IPv6Network((int(net.network_address) + index * 64, 122)))

    def cluster(self) -> Cluster:
        return Cluster(
            self.name,
            [Node(n, a, cp, self.block(n)) for n, a, cp in self.nodes],
            captured_at=self.captured_at,
            server_version=self.kubernetes,
        )


def servers(prefix: str, control_plane: Iterable[int], workers: Iterable[int]) -> tuple[tuple[str, str, bool], ...]:
    """A site's nodes ``server<N>``, control plane first, each at ``<prefix>:1:225:b3ff:fe20:<N>01``."""
    named = [(n, True) for n in control_plane] + [(n, False) for n in workers]
    return tuple((f"server{n}", f"{prefix}:1:225:b3ff:fe20:{n}01", cp) for n, cp in named)


# -- the order of the manual's installation ---------------------------------------------------------------
def start(site: Site, calico: Callable[[Cluster, Site], None] | None = None) -> Cluster:
    """The nodes joined by kubeadm, then Calico (from its manifest unless ``calico`` says otherwise)."""
    cluster = site.cluster()
    nodes(cluster, site)
    kubeadm(cluster, site)
    (calico or calico_manifest)(cluster, site)
    return cluster


def finish(cluster: Cluster, apps: Path, **marks: Any) -> Cluster:
    """The ungleich-certbot Job of the ``apps`` folder, then IPAM last: every pod has its address by now."""
    cluster.apply(docs(apps / "certbot" / "job.yaml"), minutes=300, **marks)
    ipam(cluster)
    return cluster


# -- nodes and kubeadm --------------------------------------------------------------------------------
def nodes(cluster: Cluster, site: Site) -> None:
    for index, node in enumerate(cluster.nodes):
        labels = kubelet_labels(node.name)
        spec: dict[str, Any] = {}
        if node.control_plane:
            # kubeadm 1.20-1.23 labels both roles and taints master only (facts.md)
            labels |= {"node-role.kubernetes.io/control-plane": "", "node-role.kubernetes.io/master": ""}
            spec["taints"] = [{"effect": "NoSchedule", "key": "node-role.kubernetes.io/master"}]
        if index == 0:
            # kube-controller-manager hands out node CIDRs of its default IPv6 mask (/64) from the /64
            # podSubnet: the first node gets all of it, the others none (Calico IPAM does not use them)
            spec |= {"podCIDR": site.pod_subnet, "podCIDRs": [site.pod_subnet]}
        cluster.add(
            {
                "apiVersion": "v1",
                "kind": "Node",
                "metadata": {
                    "name": node.name,
                    "labels": labels,
                    "annotations": node_annotations(node.address),
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
                        "containerRuntimeVersion": site.runtime,
                        "kubeProxyVersion": site.kubernetes,
                        "kubeletVersion": site.kubernetes,
                        "operatingSystem": "linux",
                        "osImage": site.os_image,
                    },
                },
            },
            minutes=index,
        )


#: What kubeadm stores for the ClusterConfiguration fields a file leaves out (its defaulting of the era):
#: v1beta3 (1.22) as v1beta2, less the DNS type (CoreDNS the only choice from 1.22 on).
KUBEADM_DEFAULTS = {
    "v1beta3": {
        "apiServer": {"timeoutForControlPlane": "4m0s"},
        "certificatesDir": "/etc/kubernetes/pki",
        "controllerManager": {},
        "dns": {},
        "imageRepository": "k8s.gcr.io",
        "scheduler": {},
    },
    "v1beta2": {
        "apiServer": {"timeoutForControlPlane": "4m0s"},
        "certificatesDir": "/etc/kubernetes/pki",
        "controllerManager": {},
        "dns": {"type": "CoreDNS"},
        "imageRepository": "k8s.gcr.io",
        "scheduler": {},
    },
}


def kubeadm(cluster: Cluster, site: Site) -> None:
    """kubeadm uploads its ClusterConfiguration (with its defaults) and runs etcd as static pods.

    kubeadm up to 1.21 (v1beta2) also keeps a ClusterStatus with each control-plane node's API
    endpoint in the ConfigMap; 1.22 dropped it (kubeadm v1beta3 release notes)."""
    kubeadm_file = site.repo / "bootstrap" / site.name / "kubeadm.yaml"
    config = next(d for d in docs(kubeadm_file) if d["kind"] == "ClusterConfiguration")
    api = config["apiVersion"].partition("/")[2]
    if api == "v1beta3":
        config |= KUBEADM_DEFAULTS[api]
    else:
        config = {**KUBEADM_DEFAULTS[api], **config}
    data = {"ClusterConfiguration": yaml.safe_dump(config, sort_keys=True)}
    if api == "v1beta2":
        endpoints = {
            n.name: {"advertiseAddress": n.address, "bindPort": 6443} for n in cluster.nodes if n.control_plane
        }
        status = {"apiEndpoints": endpoints, "apiVersion": config["apiVersion"], "kind": "ClusterStatus"}
        data["ClusterStatus"] = yaml.safe_dump(status, sort_keys=True)
    cluster.add(
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "kubeadm-config", "namespace": "kube-system"},
            "data": data,
        },
        minutes=2,
    )
    first = str(ipaddress.IPv6Network(site.service_subnet).network_address + 1)
    cluster.add(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "kubernetes", "namespace": "default", "labels": {"component": "apiserver"}},
            "spec": {
                "clusterIP": first,
                "clusterIPs": [first],
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
                        "image": site.etcd_image,
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


# -- Helm ---------------------------------------------------------------------------------------------
def helm_marks(release: str, namespace: str) -> dict[str, dict[str, str]]:
    """What helm >= 3.2 puts on everything it installs (facts.md)."""
    return {
        "labels": {"app.kubernetes.io/managed-by": "Helm"},
        "annotations": {"meta.helm.sh/release-name": release, "meta.helm.sh/release-namespace": namespace},
    }


def release_secret(release: str, namespace: str) -> Obj:
    """helm's record of a release: Secret sh.helm.release.v1.<release>.v1 (type helm.sh/release.v1), as listed."""
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {
            "name": f"sh.helm.release.v1.{release}.v1",
            "namespace": namespace,
            "labels": {"name": release, "owner": "helm", "status": "deployed", "version": "1"},
        },
        "type": "helm.sh/release.v1",
    }


def helm_release_secret(cluster: Cluster, release: str, namespace: str, minutes: float) -> None:
    cluster.add(release_secret(release, namespace), minutes=minutes)


def helm_install(cluster: Cluster, release: str, namespace: str, objects: Iterable[Any], minutes: float) -> None:
    """`helm install <release> <chart> -n <namespace>`: the rendered chart with helm's marks and record."""
    cluster.apply(objects, namespace=namespace, minutes=minutes, **helm_marks(release, namespace))
    helm_release_secret(cluster, release, namespace, minutes)


# -- Calico -------------------------------------------------------------------------------------------
def calico_operator(cluster: Cluster, site: Site) -> None:
    """`helm install calico charts/calico` (the tigera-operator chart v3.20.2) and what the operator makes."""
    chart = site.repo / "charts" / "calico"
    crds = sorted((chart / "crds").rglob("*.yaml"))
    for path in crds:
        cluster.apply(docs(path), minutes=10)
    cluster.apply(docs(RENDERED / "tigera-operator-v3.20.2.yaml"), minutes=10, **helm_marks("calico", "default"))
    helm_release_secret(cluster, "calico", "default", minutes=10)
    installation = cluster.get("installations.operator.tigera.io", None, "default")
    # status.computed: the spec the operator filled in; status.variant, mtu, imageSet written after the rollout
    computed = installation_defaults(site.pod_subnet) | {"kubernetesProvider": ""}
    installation["status"] = {"computed": computed, "mtu": 1440, "variant": "Calico"}
    _calico_system(cluster, site)
    # calico-node v3.20.2 startup.go configureIPPools, from the CALICO_IPV6POOL_* the operator sets
    default_pools(cluster, site, v4_ipip="Never")
    calicoctl_resources(cluster, site)
    calicoctl_pod(cluster, site)


def calicoctl_pod(cluster: Cluster, site: Site) -> None:
    """`kubectl apply -f calico/calicoctl.yaml` (the manual's "Installing calicoctl")."""
    path = site.repo / "calico" / "calicoctl.yaml"
    cluster.apply([d for d in docs(path) if d["kind"] != "Pod"], minutes=60)
    pod = next(d for d in docs(path) if d["kind"] == "Pod")
    stored = cluster.pod(
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "calicoctl", "namespace": "kube-system"}},
        "calicoctl",
        cluster.nodes[3],
        {"metadata": pod["metadata"], "spec": pod["spec"]},
        60,
    )
    stored["metadata"].pop("ownerReferences")


def _calico_system(cluster: Cluster, site: Site) -> None:
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
        {"name": "CALICO_IPV6POOL_CIDR", "value": site.pod_subnet},
        {"name": "CALICO_IPV6POOL_BLOCK_SIZE", "value": "122"},
        {"name": "CALICO_IPV6POOL_NODE_SELECTOR", "value": "all()"},
        {"name": "FELIX_IPV6SUPPORT", "value": "true"},
        {"name": "CALICO_NETWORKING_BACKEND", "value": "bird"},
    ]
    version = "v3.20.2"
    workloads = [
        (
            "DaemonSet",
            "calico-node",
            {"k8s-app": "calico-node"},
            f"docker.io/calico/node:{version}",
            {"hostNetwork": True, "tolerations": [{"operator": "Exists"}]},
            {"env": env},
            None,
        ),
        ("Deployment", "calico-kube-controllers", {"k8s-app": "calico-kube-controllers"},
         f"docker.io/calico/kube-controllers:{version}", {}, {}, 1),
        ("Deployment", "calico-typha", {"k8s-app": "calico-typha"}, f"docker.io/calico/typha:{version}",
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


def calico_manifest(cluster: Cluster, site: Site, **marks: Any) -> None:
    """`kubectl apply -f calico/calico.yaml` (Calico v3.20.2's manifest install) and what calico-node creates."""
    cluster.apply(docs(site.repo / "calico" / "calico.yaml"), minutes=10, **marks)
    # calico.yaml keeps CALICO_IPV4POOL_IPIP "Always" for the IPv4 default pool calico-node still creates
    default_pools(cluster, site, v4_ipip="Always")
    calicoctl_resources(cluster, site)


def default_pools(cluster: Cluster, site: Site, v4_ipip: str) -> None:
    """calico-node v3.20.2 startup.go configureIPPools: a default pool per family that has none (ukic.calico_pools)."""
    pools = [
        # CALICO_IPV6POOL_CIDR or else kubeadm's podSubnet; IPIP and VXLAN Never
        ("default-ipv6-ippool", {"blockSize": 122, "cidr": site.pod_subnet, "ipipMode": "Never", "natOutgoing": False,
                                 "nodeSelector": "all()", "vxlanMode": "Never"}),
        # no CALICO_IPV4POOL_CIDR, no NO_DEFAULT_POOLS: calico-node's own IPv4 default (CNI assign_ipv4 false)
        ("default-ipv4-ippool", {"blockSize": 26, "cidr": "192.168.0.0/16", "ipipMode": v4_ipip, "natOutgoing": True,
                                 "nodeSelector": "all()", "vxlanMode": "Never"}),
    ]  # fmt: skip
    for name, spec in pools:
        cluster.add(
            {"apiVersion": "crd.projectcalico.org/v1", "kind": "IPPool", "metadata": {"name": name}, "spec": spec},
            minutes=12,
        )


def _v3_metadata(cluster: Cluster, kind: str, name: str, minutes: float) -> dict[str, str]:
    meta = {"uid": cluster.uid("v3", kind, name), "creationTimestamp": cluster.at(minutes)}
    return {"projectcalico.org/metadata": json.dumps(meta, separators=(",", ":"))}


def calicoctl_resources(cluster: Cluster, site: Site) -> None:
    """`calicoctl create -f - < calico/bgp-config.yaml`: calicoctl's stored form of the BGP objects."""
    for doc in docs(site.repo / "calico" / "bgp-config.yaml"):
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


def ipam(cluster: Cluster) -> None:
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


# -- ArgoCD ---------------------------------------------------------------------------------------------
def argocd(cluster: Cluster, install: Path, minutes: float = 40) -> None:
    """`kubectl create namespace argocd; kubectl apply -n argocd -f install.yaml`; the admin Secret Argo CD makes."""
    cluster.apply(docs(install), namespace="argocd", minutes=minutes)
    admin = {"name": "argocd-initial-admin-secret", "namespace": "argocd"}
    cluster.add({"apiVersion": "v1", "kind": "Secret", "metadata": admin, "type": "Opaque"}, minutes=minutes + 1)


def chart_applications() -> dict[str, tuple[list, int]]:
    """What each chart Application of the repositories syncs (the rendered chart, its CRDs), and when."""
    return {
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
        # v3: the chart kept at charts/rook-ceph-cluster, with the Application's helm.parameters
        "rook-ceph-cluster": (docs(RENDERED / "rook-ceph-cluster-v1.7.8.yaml"), 100),
    }


def argocd_with_applications(cluster: Cluster, site: Site) -> None:
    """Argo CD from the repository's argocd/install.yaml, then each chart Application of argocd/apps/ synced."""
    argocd(cluster, site.repo / "argocd" / "install.yaml")
    synced = chart_applications()
    for path in sorted((site.repo / "argocd" / "apps").glob("*.yaml")):
        app = docs(path)[0]
        objects, minutes = synced[app["metadata"]["name"]]
        argocd_application(cluster, app, objects, minutes, "Helm")


def argocd_application(cluster: Cluster, app: Obj, objects: list[Any], minutes: float, source_type: str) -> None:
    """An Application synced and healthy, and what it applied (ArgoCD <= 2.1 tracks it by the
    app.kubernetes.io/instance label; status.sourceType as its tool detection reports it)."""
    name = app["metadata"]["name"]
    namespace = app["spec"]["destination"]["namespace"]
    cluster.apply(objects, namespace=namespace, minutes=minutes, labels={"app.kubernetes.io/instance": name})
    source = app["spec"]["source"]
    app["status"] = {
        "health": {"status": "Healthy"},
        "operationState": {"phase": "Succeeded", "finishedAt": cluster.at(minutes + 2)},
        "reconciledAt": cluster.at(74000),
        "sourceType": source_type,
        "summary": {},
        "sync": {
            "comparedTo": {"destination": app["spec"]["destination"], "source": source},
            "revision": source["targetRevision"],
            "status": "Synced",
        },
    }
    cluster.add(app, minutes=minutes)


# -- Flux v2 ---------------------------------------------------------------------------------------------
FLUX_KUSTOMIZE = "kustomize.toolkit.fluxcd.io"


def flux_marks(revision: str, kustomization: str = "flux-system") -> dict[str, dict[str, str]]:
    """kustomize-controller v0.7.2 (controllers/kustomization_gc.go gcLabels, kustomization_generator.go): the
    labels it puts on everything a Kustomization applies, the checksum standing for the applied revision."""
    return {
        "labels": {
            f"{FLUX_KUSTOMIZE}/checksum": hashlib.sha1(revision.encode()).hexdigest(),
            f"{FLUX_KUSTOMIZE}/name": kustomization,
            f"{FLUX_KUSTOMIZE}/namespace": "flux-system",
        }
    }


def _ready(cluster: Cluster, reason: str, message: str, minutes: float) -> dict[str, str]:
    """The Ready condition every toolkit controller reports (fluxcd/pkg/apis/meta)."""
    return {
        "lastTransitionTime": cluster.at(minutes),
        "message": message,
        "reason": reason,
        "status": "True",
        "type": "Ready",
    }


def flux_install(cluster: Cluster, folder: Path, revision: str, minutes: float = 20) -> None:
    """`kubectl apply -f gotk-components.yaml`, then the flux-system GitRepository and Kustomization of
    gotk-sync.yaml, which re-apply the folder (and so mark it) at the repository's revision."""
    marks = flux_marks(revision)
    cluster.apply(docs(folder / "gotk-components.yaml"), minutes=minutes, **marks)
    for doc in docs(folder / "gotk-sync.yaml"):
        name = doc["metadata"]["name"]
        artifact = f"gitrepository/flux-system/{name}/{revision.split('/')[-1]}.tar.gz"
        url = "http://source-controller.flux-system.svc.cluster.local./"
        if doc["kind"] == "GitRepository":
            # source-controller v0.7.1 gitrepository_controller.go: "Fetched revision: <branch>/<sha>"
            doc["status"] = {
                "artifact": {
                    "checksum": hashlib.sha1(artifact.encode()).hexdigest(),
                    "lastUpdateTime": cluster.at(minutes + 1),
                    "path": artifact,
                    "revision": revision,
                    "url": url + artifact,
                },
                "conditions": [_ready(cluster, "GitOperationSucceed", f"Fetched revision: {revision}", minutes + 1)],
                "observedGeneration": 1,
                "url": f"{url}gitrepository/flux-system/{name}/latest.tar.gz",
            }
        else:
            # kustomize-controller v0.7.2 kustomization_controller.go: "Applied revision: <revision>"
            doc["status"] = {
                "conditions": [
                    _ready(cluster, "ReconciliationSucceeded", f"Applied revision: {revision}", minutes + 2)
                ],
                "lastAppliedRevision": revision,
                "lastAttemptedRevision": revision,
                "observedGeneration": 1,
            }
        cluster.apply([doc], minutes=minutes + 1, **marks)


def flux_helm_release(cluster: Cluster, release: Obj, objects: Iterable[Any], revision: str, minutes: float) -> None:
    """A HelmRelease the helm-controller v0.6.1 installed: the chart under its release name
    (api/v2beta1 GetReleaseName: <targetNamespace>-<name>) with helm's marks and record, and its status
    (HelmReleaseReady "Release reconciliation succeeded", condition Released "Helm install succeeded")."""
    spec = release["spec"]
    namespace = spec.get("targetNamespace") or release["metadata"]["namespace"]
    name = spec.get("releaseName") or (
        f"{spec['targetNamespace']}-{release['metadata']['name']}"
        if spec.get("targetNamespace")
        else release["metadata"]["name"]
    )
    helm_install(cluster, name, namespace, objects, minutes)
    version = spec["chart"]["spec"]["version"]
    release["status"] = {
        "conditions": [
            _ready(cluster, "ReconciliationSucceeded", "Release reconciliation succeeded", minutes + 1),
            {
                "lastTransitionTime": cluster.at(minutes + 1),
                "message": "Helm install succeeded",
                "reason": "InstallSucceeded",
                "status": "True",
                "type": "Released",
            },
        ],
        "helmChart": f"flux-system/flux-system-{release['metadata']['name']}",
        "lastAppliedRevision": version,
        "lastAttemptedRevision": version,
        "lastReleaseRevision": 1,
        "observedGeneration": 1,
    }
    cluster.apply([release], minutes=minutes, **flux_marks(revision))


# -- Rook ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Rook:
    """What a rook release runs: its operator image tag, the Ceph and CSI images of its examples."""

    version: str
    ceph_image: str
    ceph_version: str  # as `ceph version` prints it
    csi_image: str


#: The rook releases of the corpus: the Ceph image of examples/cluster.yaml, the cephcsi image the
#: operator deploys by default (operator.yaml's commented ROOK_CSI_CEPH_IMAGE).
ROOK_1_5_5 = Rook(
    "v1.5.5", "ceph/ceph:v15.2.8", "ceph version 15.2.8 octopus (stable)", "quay.io/cephcsi/cephcsi:v3.2.0"
)
ROOK_1_5_11 = Rook(
    "v1.5.11", "ceph/ceph:v15.2.11", "ceph version 15.2.11 octopus (stable)", "quay.io/cephcsi/cephcsi:v3.2.2"
)
ROOK_1_7_8 = Rook(
    "v1.7.8", "quay.io/ceph/ceph:v16.2.6", "ceph version 16.2.6 pacific (stable)", "quay.io/cephcsi/cephcsi:v3.4.0"
)


#: rook's example manifests for the operator (v1/v2 apply them) and for the Ceph cluster (v1, v2, v4, v5).
ROOK_OPERATOR_FILES = ("crds", "common", "operator")
ROOK_CLUSTER_FILES = ("cluster", "filesystem", "storageclass-rbd", "storageclass-cephfs")


def rook_manifests(cluster: Cluster, folder: Path, names: Iterable[str], rook: Rook, **marks: Any) -> None:
    """`kubectl apply` of rook's ``<name>.yaml`` files in ``folder``, and what the operator makes of them."""
    for name in names:
        cluster.apply(docs(folder / f"{name}.yaml"), minutes=100, **marks)
    rook_cluster(cluster, rook)


def rook_cluster(cluster: Cluster, rook: Rook, minutes: float = 100) -> None:
    """What the operator makes of the CephCluster: status, mon/mgr/osd/mds daemons, osd-prepare jobs, CSI."""
    from ukic.rook import mon_count

    ceph = next(iter(cluster.objects["cephclusters.ceph.rook.io"]))
    mons = mon_count(ceph)
    short = rook.ceph_version.split()[2]
    ceph["status"] = {
        "ceph": {
            "capacity": {"bytesAvailable": 21589423063040, "bytesTotal": 23998410178560, "bytesUsed": 2408987115520,
                         "lastUpdated": cluster.at(74880)},
            "health": "HEALTH_OK",
            "lastChanged": cluster.at(minutes + 90),
            "lastChecked": cluster.at(74880),
            "previousHealth": "HEALTH_WARN",
            "versions": {"mon": {rook.ceph_version: mons}},
        },
        "conditions": [
            {"type": "Ready", "status": "True", "reason": "ClusterCreated", "message": "Cluster created successfully",
             "lastHeartbeatTime": cluster.at(74880), "lastTransitionTime": cluster.at(minutes + 80)},
        ],
        "message": "Cluster created successfully",
        "phase": "Ready",
        "state": "Created",
        "version": {"image": rook.ceph_image, "version": f"{short}-0"},
    }  # fmt: skip
    namespace = ceph["metadata"]["namespace"]
    workers = [n for n in cluster.nodes if not n.control_plane]
    owner = {"apiVersion": "ceph.rook.io/v1", "kind": "CephCluster", "name": ceph["metadata"]["name"],
             "controller": True}  # fmt: skip
    base = {"rook_cluster": namespace}
    daemons = [
        ("mon", m, node, {"mon": m, "mon_cluster": namespace})
        for m, node in zip("abcdefghi"[:mons], workers, strict=False)
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
                "containers": [{"name": kind, "image": rook.ceph_image, "command": [f"ceph-{kind}"]}],
                "initContainers": [{"name": "chown-container-data-dir", "image": rook.ceph_image,
                                    "command": ["chown"]}],
            },
        }  # fmt: skip
        deployment = {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {
                "name": f"rook-ceph-{kind}-{daemon_id}",
                "namespace": namespace,
                "labels": {**labels, "rook-version": rook.version, "ceph-version": f"{short}-0"},
                "ownerReferences": [owner],
            },
            "spec": {"replicas": 1, "selector": {"matchLabels": labels}, "template": template},
        }
        stored = cluster.add(deployment, minutes=minutes + 20)
        assert stored is not None
        stored["status"] = {"availableReplicas": 1, "readyReplicas": 1, "replicas": 1, "updatedReplicas": 1,
                            "observedGeneration": 1}  # fmt: skip
        cluster.pod(stored, f"rook-ceph-{kind}-{daemon_id}-{cluster.suffix('rs', kind, daemon_id, length=10)}-"
                    f"{cluster.suffix('pod', kind, daemon_id)}", node, template, minutes + 21)  # fmt: skip
    for node in workers:
        prepare = {
            "apiVersion": "batch/v1",
            "kind": "Job",
            "metadata": {"name": f"rook-ceph-osd-prepare-{node.name}", "namespace": namespace,
                         "labels": {"app": "rook-ceph-osd-prepare", **base}, "ownerReferences": [owner]},
            "spec": {"template": {
                "metadata": {"labels": {"app": "rook-ceph-osd-prepare", **base}},
                "spec": {"nodeSelector": {"kubernetes.io/hostname": node.name}, "restartPolicy": "OnFailure",
                         "containers": [{"name": "provision", "image": f"rook/ceph:{rook.version}",
                                         "args": ["ceph", "osd", "provision"]}]},
            }},
        }  # fmt: skip
        stored = cluster.add(prepare, minutes=minutes + 10)
        assert stored is not None
        stored["status"] = {"succeeded": 1, "completionTime": cluster.at(minutes + 12),
                            "startTime": cluster.at(minutes + 10)}  # fmt: skip
        cluster.pod(stored, f"rook-ceph-osd-prepare-{node.name}-{cluster.suffix('job', node.name)}", node,
                    prepare["spec"]["template"], minutes + 10, completed=True)  # fmt: skip
    for plugin in ("rbd", "cephfs"):
        driver = f"{namespace}.{plugin}.csi.ceph.com"
        for kind, name in (("DaemonSet", f"csi-{plugin}plugin"), ("Deployment", f"csi-{plugin}plugin-provisioner")):
            labels = {"app": name, "contains": f"csi-{plugin}plugin-metrics"}
            spec: dict[str, Any] = {
                "selector": {"matchLabels": {"app": name}},
                "template": {
                    "metadata": {"labels": labels},
                    "spec": {
                        "hostNetwork": kind == "DaemonSet",
                        "containers": [
                            {"name": f"csi-{plugin}plugin", "image": rook.csi_image,
                             "args": [f"--drivername={driver}", f"--type={plugin}"]},
                        ],
                    },
                },
            }  # fmt: skip
            if kind == "Deployment":
                spec["replicas"] = 2
            cluster.apply(
                [{"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": name, "namespace": namespace},
                  "spec": spec}],
                minutes=minutes + 5,
            )  # fmt: skip
