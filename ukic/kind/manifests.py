"""Objects and Helm values the install plan sends on stdin, rendered from the profile's rules.

Only kind-specific choices live here (a placeholder upstream peer, NAT for pod egress); everything
the manual states (BGP mesh, private AS, no overlay, service network announced) comes from the profile.
"""

from __future__ import annotations

from typing import Any

from ukic.kind import versions
from ukic.profiles.model import Profile
from ukic.yamlio import dump

Doc = dict[str, Any]

#: The manual's sample configuration uses 65534; any private AS satisfies "We use private ASNs".
CLUSTER_AS = 65534
#: kind has no upstream router: a peer on the documentation prefix (RFC 3849) that never establishes.
PLACEHOLDER_PEER = ("kind-placeholder-upstream", "2001:db8::1", 65533)
IPV6_BLOCK_SIZE = 122  # the operator's IPv6 default


def stream(docs: list[Doc]) -> str:
    """A multi-document YAML stream for ``kubectl apply -f -``."""
    return "---\n".join(dump(doc) for doc in docs)


def calico_values(pod_subnet: str, profile: Profile) -> Doc:
    """tigera-operator chart values: one IPv6 pool, BGP enabled, no encapsulation."""
    encapsulation = "VXLAN" if profile.network.overlay else "None"
    return {
        "installation": {
            "enabled": True,
            "cni": {"type": "Calico"},
            "calicoNetwork": {
                "bgp": "Enabled",
                "ipPools": [
                    {
                        "cidr": pod_subnet,
                        "blockSize": IPV6_BLOCK_SIZE,
                        "encapsulation": encapsulation,
                        # kind's pod network is not routed by any upstream router: NAT lets pods
                        # (Argo CD fetching charts, for one) reach out through the node.
                        "natOutgoing": "Enabled",
                        "nodeSelector": "all()",
                    }
                ],
            },
        }
    }


def bgp_objects(profile: Profile, service_subnet: str) -> list[Doc]:
    """The cluster's BGPConfiguration and the placeholder upstream BGPPeer."""
    rules = profile.bgp
    spec: Doc = {
        "logSeverityScreen": "Info",
        "nodeToNodeMeshEnabled": rules.node_to_node_mesh,
        "asNumber": CLUSTER_AS,
    }
    if rules.announce_service_network:
        spec["serviceClusterIPs"] = [{"cidr": service_subnet}]
    name, peer_ip, peer_as = PLACEHOLDER_PEER
    return [
        {
            "apiVersion": "crd.projectcalico.org/v1",
            "kind": "BGPConfiguration",
            "metadata": {"name": "default"},
            "spec": spec,
        },
        {
            "apiVersion": "crd.projectcalico.org/v1",
            "kind": "BGPPeer",
            "metadata": {"name": name},
            "spec": {
                "peerIP": peer_ip,
                "asNumber": peer_as,
                "keepOriginalNextHop": rules.keep_original_next_hop,
            },
        },
    ]


def calicoctl_objects() -> list[Doc]:
    """calicoctl as a long-running pod in kube-system, with the rights it needs for Calico's resources."""
    name, namespace = "calicoctl", "kube-system"
    return [
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": name, "namespace": namespace}},
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRole",
            "metadata": {"name": name},
            "rules": [
                {"apiGroups": ["crd.projectcalico.org"], "resources": ["*"], "verbs": ["*"]},
                {
                    "apiGroups": [""],
                    "resources": ["nodes", "namespaces", "pods", "serviceaccounts", "services", "endpoints"],
                    "verbs": ["get", "list", "watch"],
                },
            ],
        },
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRoleBinding",
            "metadata": {"name": name},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": name},
            "subjects": [{"kind": "ServiceAccount", "name": name, "namespace": namespace}],
        },
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": name, "namespace": namespace, "labels": {"app": name}},
            "spec": {
                "hostNetwork": True,
                "serviceAccountName": name,
                "containers": [
                    {
                        "name": name,
                        "image": versions.CALICOCTL_IMAGE,
                        "command": ["/calicoctl"],
                        "args": ["version", "--poll=1m"],
                        "env": [{"name": "DATASTORE_TYPE", "value": "kubernetes"}],
                    }
                ],
            },
        },
    ]


def rook_operator_application() -> Doc:
    """An Argo CD Application rendering the rook-ceph operator chart (install method argocd-helm)."""
    _, repo_url = versions.ROOK_CHART_REPO
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Application",
        "metadata": {"name": "rook-ceph", "namespace": "argocd"},
        "spec": {
            "project": "default",
            "source": {"repoURL": repo_url, "chart": "rook-ceph", "targetRevision": versions.ROOK_VERSION},
            "destination": {"server": "https://kubernetes.default.svc", "namespace": "rook-ceph"},
            "syncPolicy": {"automated": {}, "syncOptions": ["CreateNamespace=true"]},
        },
    }
