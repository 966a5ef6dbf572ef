"""What the manual expects of each real case in fixtures/real: the verdicts of a conformant cluster.

Every expectation is the manual's, read against what the upstream releases of the era do (cited beside
it), never what ukic happens to print. The versions differ only where the manual's version sections and
cluster types say so; each set below is built from v5's with those differences named.
"""

from __future__ import annotations

from ukic.outcome import Outcome

P = Outcome.PASSED

#: place10 as the manual's v5 production installation leaves it: everything the manual asks for holds.
V5_CLUSTER = {
    "Nodes are reached over IPv6 only": P,
    # only server63 has a podCIDR (kube-controller-manager's default /64 node mask on a /64 podSubnet)
    "Node pod networks are IPv6 only": P,
    "kubeadm assigns IPv6 pod and service subnets": P,
    "The API service is IPv6 single-stack": P,
    "calico-node runs on every node": P,
    "Nodes form a full BGP mesh": P,
    "The cluster speaks BGP from a private AS number": P,
    "The service network is announced over BGP": P,
    "Upstream peers keep the original next hop": P,
    # default-ipv4-ippool exists (calico-node v3.20.2 creates it) but the operator's CNI config assigns no IPv4
    "IP pools are IPv6 and use no overlay": P,
    "The cluster has at least the minimum number of nodes": P,
    "The cluster has at least the minimum number of control-plane nodes": P,
    "The cluster has at least the minimum number of schedulable workers": P,
    "The cluster meets the recommended size": P,
    "Every node is Ready": P,
    "Every control-plane node runs a stacked etcd member": P,
    "etcd runs on control-plane nodes only": P,
    "The rook operator is running": P,
    "The Ceph cluster asks for the cluster type's number of monitors": P,
    "All requested monitors are running": P,
    "The Ceph cluster is up and reports its health": P,
    "Ceph reports HEALTH_OK": P,
    # rook v1.7.8 csi/rbd and csi/cephfs storageclass.yaml as shipped
    "A storage class serves rbd volumes": P,
    "A storage class serves cephfs volumes": P,
    "Control-plane nodes are kept free of workloads where the cluster type recommends it": P,
    "Required component calico runs": P,
    "Required component rook-operator runs": P,
    # argo-helm names it workflows-argo-workflows-workflow-controller; mittwald's chart
    # secret-generator-kubernetes-secret-generator; the HA Argo CD runs argocd-redis-ha-*
    "Required component argocd runs": P,
    "Required component argo-workflows runs": P,
    "Required component secret-generator runs": P,
    "Required component tigera-operator runs": P,
    "Required component calicoctl runs": P,
    "Required component certbot runs": P,
    # the flux types are not installed: kubectl left empty files
    "Retired component flux is gone": P,
    # v5: operator "still being installed via helm" - through ArgoCD ("managed via argocd") counts
    "The rook operator is installed the way the version prescribes": P,
    "The Ceph cluster is configured the way the version prescribes": P,
    # no ipPools in the chart's values: the operator takes kubeadm's podSubnet, encapsulation None
    "The tigera-operator runs Calico with BGP and without encapsulation": P,
    "The tigera-operator was installed with Helm": P,
    # operations drift (features/operations.feature, storage OSDs, the Calico pin): none on a fresh install
    "No node is left cordoned after maintenance": P,
    "No pod hangs in Terminating": P,
    "Every kubelet is within the Kubernetes version skew policy": P,
    "Every kubelet runs the version kubeadm installed": P,
    # its one release Secret is `calico`, `helm install`ed as the manual prescribes (install.calico: tigera-operator)
    "Helm releases in production are managed by ArgoCD": P,
    "No rook-ceph-osd-prepare pod has failed": P,
    "Every prepared OSD runs": P,
    # calico/node, calico/ctl v3.20.2 and quay.io/tigera/operator v1.20.4, the chart's versions.yml
    "Calico runs the release the manual installs": P,
}

#: Scenarios only the manual's v5 sections (Calico through the tigera-operator chart, calicoctl) ask for.
V5_ONLY = {
    "Required component tigera-operator runs",
    "Required component calicoctl runs",
    "The tigera-operator runs Calico with BGP and without encapsulation",
    "The tigera-operator was installed with Helm",
    "Calico runs the release the manual installs",
}
#: v2: "Replaced fluxv2 from ungleich k8s v1 with argocd", "We are also using argoflow for build flows".
SINCE_V2 = {
    "Required component argocd runs",
    "Required component argo-workflows runs",
    "Retired component flux is gone",
}
#: The cluster types table: "Separation of control plane: recommended" (production, optional for
#: development); "Helm related operations": "In production, they are managed via argocd".
PRODUCTION_ONLY = {
    "Control-plane nodes are kept free of workloads where the cluster type recommends it",
    "Helm releases in production are managed by ArgoCD",
}


def conformant(version: int, production: bool) -> dict:
    """The passed verdicts of a conformant running cluster of that version and cluster type."""
    dropped = set() if version >= 5 else set(V5_ONLY)
    if version < 2:
        dropped |= SINCE_V2
    if not production:
        dropped |= PRODUCTION_ONLY
    expected = {name: outcome for name, outcome in V5_CLUSTER.items() if name not in dropped}
    if version < 2:
        expected["Required component flux runs"] = P  # v1: "flux v2 ... Needed to manage resources automatically"
    return expected
