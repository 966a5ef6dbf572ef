"""How to put a failure right: the manual's own commands with the objects filled in.

Each function returns one line for a scenario's ``remedy``. Where the manual has a command it is
used as the manual writes it (quoted sections below); otherwise the line names the concrete
field and value to set. Checks pass the objects they found, so the line can be pasted.
"""

from __future__ import annotations

from collections.abc import Iterable

#: "Calico configuration": "the last step of the installation is usually: calicoctl create -f - < ..."
BGP_CONFIG_FILE = "bgp-config-this-cluster.yaml"
#: "Calico Installation": `helm install calico projectcalico/tigera-operator --version v3.20.2` (v5 pins it
#: as the profile rule calico.version; a remedy outside v5's checks quotes the manual).
MANUAL_CALICO_VERSION = "v3.20.2"
#: "How to fix etcd does not start ...": etcdctl inside a working etcd pod, with the kubeadm certificates.
ETCDCTL = (
    "etcdctl --endpoints '[::1]:2379' --cacert /etc/kubernetes/pki/etcd/ca.crt "
    "--cert /etc/kubernetes/pki/etcd/server.crt --key /etc/kubernetes/pki/etcd/server.key"
)
ROOK_NAMESPACE = "rook-ceph"
#: "Installing a new k8s cluster", the typical init procedure.
KUBEADM_INIT = "set the cluster up as the manual does: kubeadm init --config bootstrap/XXX/kubeadm.yaml"


def names(items: Iterable[str]) -> str:
    return " ".join(items)


def calicoctl_create() -> str:
    """The manual's last step of a Calico installation, for a BGP configuration that is missing."""
    return f"calicoctl create -f - < {BGP_CONFIG_FILE}"


def calicoctl_set(what: str) -> str:
    """A change to the cluster's BGP file, applied with calicoctl (create refuses objects that exist)."""
    return f"set {what} in {BGP_CONFIG_FILE}, then calicoctl apply -f - < {BGP_CONFIG_FILE}"


def announce_services(cidrs: Iterable[str], configuration: str = "BGPConfiguration default") -> str:
    """Announce the service network over BGP: serviceClusterIPs in the BGP configuration."""
    listed = ", ".join(f"{{cidr: {cidr}}}" for cidr in cidrs) or "{cidr: SERVICESUBNET}"
    return calicoctl_set(f"serviceClusterIPs: [{listed}] in {configuration}")


def calico_helm(values: str = "", version: str = MANUAL_CALICO_VERSION) -> str:
    """ "Calico Installation" in the upgrade --install form, optionally with values to set."""
    return f"helm upgrade --install calico projectcalico/tigera-operator --version {version} {values}".strip()


def uncordon(nodes: Iterable[str]) -> str:
    """ "Readding a node after draining": kubectl uncordon serverXX."""
    return "; ".join(f"kubectl uncordon {node}" for node in nodes)


def force_delete_pod(name: str, namespace: str) -> str:
    """ "Deleting a pod that is hanging in terminating state"."""
    return f"kubectl delete pod {name} --grace-period=0 --force --namespace {namespace}"


def drain(node: str) -> str:
    """ "Removing / draining a node", the aggressive form."""
    return f"kubectl drain --delete-emptydir-data --ignore-daemonsets {node}"


def etcd_member_remove(etcd_pod: str, member_id: str) -> str:
    """The manual's fix for a control-plane node whose old etcd member blocks its re-join."""
    return f"kubectl exec -n kube-system -ti {etcd_pod} -- {ETCDCTL} member remove {member_id}"


def etcd_member_list(etcd_pod: str) -> str:
    return f"kubectl exec -n kube-system -ti {etcd_pod} -- {ETCDCTL} member list"


def join_workers(count: int) -> str:
    """ "(Re-)joining worker nodes": a fresh join command from a control-plane node."""
    nodes = "node" if count == 1 else f"{count} nodes"
    return f"join {nodes}: kubeadm token create --print-join-command (on a control-plane node), then run it on each"


def join_control_plane(count: int) -> str:
    """ "(Re-)joining control plane nodes": token, uploaded certificates, --control-plane."""
    nodes = "a control-plane node" if count == 1 else f"{count} control-plane nodes"
    return (
        f"join {nodes}: kubeadm token create --print-join-command and kubeadm init phase upload-certs "
        "--upload-certs (on a control-plane node), then on each: JOINCOMMAND --control-plane --certificate-key CERTKEY"
    )


def rook_rescan(namespace: str = ROOK_NAMESPACE) -> str:
    """ "Triggering server prepare": restarting the operator makes it reconcile (and re-scan) everything."""
    return f"kubectl -n {namespace} delete pods -l app=rook-ceph-operator"


def osd_prepare_pods(namespace: str = ROOK_NAMESPACE) -> str:
    """ "Inspecting the logs of a specific server": the prepare pods, one per storage node."""
    return f"kubectl -n {namespace} get pods -l app=rook-ceph-osd-prepare"


def pod_logs(pod: str, namespace: str = ROOK_NAMESPACE) -> str:
    """ "Inspect the logs of a specific pod"."""
    return f"kubectl -n {namespace} logs -f {pod}"


def align_kubelets(older: Iterable[str], newer: Iterable[str], target: str) -> str:
    """Bring kubelets to a version one node at a time, with the manual's drain and uncordon around it: older
    ones are upgraded; newer ones go back, unless the cluster should move up to them (kubeadm upgrades the
    control plane first, then the kubelets)."""
    behind, ahead = sorted(older), sorted(newer)
    steps = [f"upgrade the kubelet of {', '.join(behind)} to {target}"] if behind else []
    if ahead:
        steps.append(
            f"downgrade the kubelet of {', '.join(ahead)} to {target} (or bring the control plane and the other "
            "kubelets to its version: kubeadm upgrade apply)"
        )
    first = (behind or ahead or ["NODE"])[0]
    what = "; ".join(steps) or f"bring each kubelet to {target}"
    return f"{what}, one node at a time: {drain(first)}, change it, {uncordon([first])}"


def forget_helm_release(release: str, namespace: str) -> str:
    """Once an ArgoCD Application manages a release's objects, helm's own record of it can go (objects stay)."""
    return f"kubectl -n {namespace} delete secret -l owner=helm,name={release}"


def helm_upgrade(release: str, chart: str, namespace: str) -> str:
    """ "Installing a helm chart": the upgrade --install form, which also repairs an existing release."""
    return f"helm upgrade --install {release} {chart} --namespace {namespace}"


def set_field(field: str, value: object, obj_ref: str, method: str, owner: str, chart_key: str) -> str:
    """Change one field where the object comes from, so nothing puts the old value back: its manifest
    (then kubectl apply, or ArgoCD's sync when an Application applies it), the Helm release's values, or
    the values of the ArgoCD Application that renders the chart (``chart_key``: the chart's value path)."""
    if method == "helm":
        return (
            f"helm upgrade {owner} <chart> --reuse-values --set {chart_key}={value} (the release that made {obj_ref})"
        )
    if method == "argocd-helm":
        return f"set {chart_key}: {value} in the Helm values of {owner} and let ArgoCD sync it"
    if owner:
        return f"set {field}: {value} in the manifest of {obj_ref} in the path {owner} applies, and let ArgoCD sync it"
    return f"set {field}: {value} in the manifest of {obj_ref}, then kubectl apply it"


def taint_control_plane(nodes: Iterable[str]) -> str:
    """Keep ordinary pods off control-plane nodes (the taint kubeadm sets; 1.20-1.23 name it master)."""
    return "; ".join(f"kubectl taint nodes {node} node-role.kubernetes.io/master=:NoSchedule" for node in nodes)
