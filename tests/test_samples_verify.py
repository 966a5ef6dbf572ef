"""Every feature against every bundled sample, asserting the exact outcome of every scenario.

Conforming samples pass everything their profile calls for; each broken variant fails exactly
the one scenario it breaks, with a reason naming the culprit; warn-* variants only warn;
missing-* variants are unverifiable where the missing file is needed.
"""

from __future__ import annotations

from functools import cache

import pytest

from ukic import paths
from ukic.outcome import Outcome
from ukic.profiles import select
from ukic.result import RunResult
from ukic.run import VerifyRequest, verify
from ukic.sources.snapshot import SnapshotSource

NA, FAILED, WARNING, UNVERIFIABLE = (
    Outcome.NOT_APPLICABLE,
    Outcome.FAILED,
    Outcome.WARNING,
    Outcome.UNVERIFIABLE,
)
SEPARATION_RECOMMENDED = "topology.control-plane-tainted-recommended"
SEPARATION_REQUIRED = "topology.control-plane-tainted-required"
RECOMMENDED_SIZE = "topology.recommended-size"
TIGERA = (
    "calico_operator.bgp-without-encapsulation",
    "calico_operator.installed-with-helm",
)
CALICO_RELEASE = "calico_operator.documented-calico-release"  # pinned by v5 only
HELM_THROUGH_ARGOCD = "operations.helm-releases-through-argocd"  # a production rule
SECRETS_IN_GIT = "operations.no-secrets-in-git"  # a configuration repository's check
KUBELETS_AGREE = "operations.kubelet-versions-agree"


#: Per conforming sample: (version, type) and every scenario that is not simply passed.
CONFORMING: dict[str, tuple[str, str, dict[str, Outcome]]] = {
    "v1-development": (
        "v1",
        "development",
        {
            SEPARATION_RECOMMENDED: NA,
            SEPARATION_REQUIRED: NA,
            **dict.fromkeys((*TIGERA, CALICO_RELEASE, HELM_THROUGH_ARGOCD, SECRETS_IN_GIT), NA),
        },
    ),
    "v2-development": (
        "v2",
        "development",
        {
            RECOMMENDED_SIZE: WARNING,  # 3 nodes: the minimum, not the recommended 4
            SEPARATION_RECOMMENDED: NA,
            SEPARATION_REQUIRED: NA,
            **dict.fromkeys((*TIGERA, CALICO_RELEASE, HELM_THROUGH_ARGOCD, SECRETS_IN_GIT), NA),
        },
    ),
    "v3-production": (
        "v3",
        "production",
        {
            SEPARATION_REQUIRED: NA,
            **dict.fromkeys((*TIGERA, CALICO_RELEASE, SECRETS_IN_GIT), NA),
        },
    ),
    "v4-production": (
        "v4",
        "production",
        {
            SEPARATION_REQUIRED: NA,
            **dict.fromkeys((*TIGERA, CALICO_RELEASE, SECRETS_IN_GIT), NA),
        },
    ),
    # The manual's own node listing: server23's kubelet is v1.22.2, the others' v1.22.0 (within the skew policy).
    "v5-production": ("v5", "production", {SEPARATION_REQUIRED: NA, SECRETS_IN_GIT: NA, KUBELETS_AGREE: WARNING}),
}

#: Per variant of v5-production: the scenarios that change, their outcome and a piece of the reason.
VARIANTS: dict[str, dict[str, tuple[Outcome, str]]] = {
    "broken-ipv4-node-address": {"ipv6.node-addresses": (FAILED, "node server63: InternalIP 10.0.0.5 is IPv4")},
    "broken-ipv4-service-subnet": {
        "ipv6.kubeadm-subnets": (
            FAILED,
            "networking.serviceSubnet 10.96.0.0/12 is not IPv6",
        ),
    },
    "broken-node-mesh-off": {"bgp.node-mesh": (FAILED, "BGPConfiguration default: nodeToNodeMeshEnabled is false")},
    "broken-public-asn": {"bgp.private-asn": (FAILED, "asNumber 213081 is not a private")},
    "broken-no-service-announcement": {
        "bgp.service-network-announced": (FAILED, "serviceClusterIPs (nothing) do not cover")
    },
    "broken-peer-next-hop": {
        "bgp.peer-keeps-next-hop": (
            FAILED,
            "BGPPeer router1-place10 (2a0a:e5c0:10:1::50): keepOriginalNextHop is false",
        )
    },
    "broken-ipip-pool": {"bgp.pools-without-overlay": (FAILED, "IPPool default-ipv6-ippool: ipipMode Always")},
    "broken-calico-node-missing": {"bgp.calico-node-everywhere": (FAILED, "node server25: no calico-node pod")},
    "broken-too-few-control-plane": {
        "topology.min-control-plane": (
            FAILED,
            "control-plane nodes: 1 (server63); a production cluster's minimum is 3",
        ),
        RECOMMENDED_SIZE: (WARNING, "control-plane nodes: 1 (server63)"),
    },
    "broken-node-not-ready": {"topology.nodes-ready": (FAILED, "node server24: not Ready")},
    "broken-etcd-on-worker": {
        "control_plane.etcd-only-on-control-plane": (
            FAILED,
            "etcd-server22 runs on server22, which is not a control-plane node",
        )
    },
    "broken-mon-count": {
        "storage.mon-count": (
            FAILED,
            "CephCluster rook-ceph/rook-ceph: spec.mon.count is 3; a production cluster runs 5 storage monitors",
        )
    },
    "broken-mon-pod-down": {"storage.mon-pods-running": (FAILED, "4 of 5 monitor pods running in rook-ceph")},
    "broken-no-cephfs-class": {
        "storage.cephfs-class": (
            FAILED,
            "no StorageClass on provisioner rook-ceph.cephfs.csi.ceph.com",
        )
    },
    "broken-flux-leftover": {
        "components.flux-gone": (
            FAILED,
            "Flux v2 left over: Deployment flux-system/source-controller",
        )
    },
    "broken-argocd-missing": {"components.argocd-runs": (FAILED, "no Deployment argocd/argocd-repo-server")},
    "broken-rook-operator-manifests": {
        "rook_install.rook-operator-install-method": (
            FAILED,
            "Deployment rook-ceph/rook-ceph-operator: installed by manifests",
        )
    },
    "broken-no-calicoctl": {"components.calicoctl-runs": (FAILED, "no Pod kube-system/calicoctl")},
    "broken-tigera-vxlan": {TIGERA[0]: (FAILED, "encapsulation VXLAN")},
    "warn-control-plane-untainted": {
        SEPARATION_RECOMMENDED: (WARNING, "control-plane node server63 has no NoSchedule taint")
    },
    "warn-ceph-health-warn": {"storage.ceph-health-ok": (WARNING, "ceph health HEALTH_WARN")},
    "missing-bgppeers": {"bgp.peer-keeps-next-hop": (UNVERIFIABLE, "bgppeers.crd.projectcalico.org: not captured")},
    "warn-node-cordoned": {
        "operations.node-cordoned": (WARNING, "node server26 is cordoned (SchedulingDisabled)"),
        RECOMMENDED_SIZE: (
            WARNING,
            "dedicated workers: 4 (server22, server23, server24, server25); a production "
            "cluster's recommendation is 5; not counted because cordoned: server26, server27",
        ),
    },
    "warn-pod-stuck-terminating": {
        "operations.pod-stuck-terminating": (
            WARNING,
            "pod certbot/certbot-bgrzjcnx7j-4d57m on server24 is Terminating since 2021-11-06T19:35:00Z, "
            "grace period 30 s (2 h 15 min past its deadline); the profile allows 15 min",
        )
    },
    "broken-osd-prepare-crash-loop": {
        "storage.osd-prepare-succeeds": (
            FAILED,
            "osd-prepare pod rook-ceph/rook-ceph-osd-prepare-server25-mn5qk on node server25 is",
        )
    },
    "broken-osd-down": {
        "storage.prepared-osds-run": (FAILED, "5 of 6 prepared OSDs running: osd.3 on node server25"),
    },
    "broken-kubelet-skew": {
        "operations.kubelet-skew-policy": (
            FAILED,
            "node server24: kubelet v1.19.16 is 3 minor versions older than the API server v1.22.0 "
            "(the skew policy allows 2)",
        ),
    },
    "warn-calico-version-drift": {
        CALICO_RELEASE: (WARNING, "calicoctl runs calico/ctl:v3.19.1 (kube-system/calicoctl), not v3.20.2")
    },
    "warn-helm-release-unmanaged": {
        HELM_THROUGH_ARGOCD: (
            WARNING,
            "Helm release monitoring/grafana (revision 3, deployed; Secret sh.helm.release.v1.grafana.v3) "
            "is managed by no ArgoCD Application",
        )
    },
}

#: The whole remedy some drift checks show, with the objects filled in (the manual's commands).
CHECK_REMEDIES: dict[tuple[str, str], str] = {
    ("warn-pod-stuck-terminating", "operations.pod-stuck-terminating"):
        "kubectl delete pod certbot-bgrzjcnx7j-4d57m --grace-period=0 --force --namespace certbot",
    ("broken-osd-prepare-crash-loop", "storage.osd-prepare-succeeds"):
        "read the prepare logs: kubectl -n rook-ceph logs -f rook-ceph-osd-prepare-server25-mn5qk; after fixing "
        "the cause (disk, node), trigger a re-scan: kubectl -n rook-ceph delete pods -l app=rook-ceph-operator "
        "(the operator recreates the rook-ceph-osd-prepare jobs)",
    ("broken-kubelet-skew", "operations.kubelet-skew-policy"):
        "upgrade the kubelet of server24 to the API server's minor version 1.22, one node at a time: "
        "kubectl drain --delete-emptydir-data --ignore-daemonsets server24, change it, kubectl uncordon server24",
    # server23's v1.22.2 is ahead of kubeadm's v1.22.0: "upgrade it to v1.22.0" would be the wrong way round
    ("v5-production", KUBELETS_AGREE):
        "downgrade the kubelet of server23 to v1.22.0 (or bring the control plane and the other kubelets to "
        "its version: kubeadm upgrade apply), one node at a time: "
        "kubectl drain --delete-emptydir-data --ignore-daemonsets server23, change it, kubectl uncordon server23",
    ("broken-kubelet-skew", KUBELETS_AGREE):
        "upgrade the kubelet of server24 to v1.22.0; downgrade the kubelet of server23 to v1.22.0 (or bring the "
        "control plane and the other kubelets to its version: kubeadm upgrade apply), one node at a time: "
        "kubectl drain --delete-emptydir-data --ignore-daemonsets server24, change it, kubectl uncordon server24",
}  # fmt: skip


#: Per variant: a piece of the remedy of what it breaks (the manual's command with the objects filled in).
REMEDIES: dict[str, str] = {
    "broken-argocd-missing": "kubectl create namespace argocd; kubectl apply -n argocd -f https://",
    "broken-calico-node-missing": "does not run on server25",
    "broken-etcd-on-worker": "remove /etc/kubernetes/manifests/etcd.yaml on server22",
    "broken-flux-leftover": "flux uninstall --namespace=flux-system",
    "broken-ipip-pool": "calicoctl patch ippool default-ipv6-ippool",
    "broken-ipv4-node-address": "kubelet on server63 its IPv6 address as --node-ip",
    "broken-ipv4-service-subnet": "networking.serviceSubnet to an IPv6 network",
    "broken-mon-count": "set spec.mon.count: 5 in the manifest of CephCluster rook-ceph/rook-ceph",
    "broken-mon-pod-down": "kubectl -n rook-ceph delete pods -l app=rook-ceph-operator",
    "broken-no-calicoctl": "kubectl apply -f https://docs.projectcalico.org/manifests/calicoctl.yaml",
    "broken-no-cephfs-class": "provisioner: rook-ceph.cephfs.csi.ceph.com",
    "broken-no-service-announcement": "serviceClusterIPs: [{cidr: 2a0a:e5c0:10:3::/108}]",
    "broken-node-mesh-off": "nodeToNodeMeshEnabled: true in BGPConfiguration default",
    "broken-node-not-ready": "journalctl -u kubelet on server24",
    "broken-peer-next-hop": "keepOriginalNextHop: true in BGPPeer router1-place10 in bgp-config-this-cluster.yaml, "
    "then calicoctl apply -f - < bgp-config-this-cluster.yaml",
    "broken-public-asn": "asNumber to a private AS number",
    "broken-rook-operator-manifests": "helm upgrade --install rook-ceph rook-release/rook-ceph --namespace rook-ceph",
    "broken-tigera-vxlan": "helm upgrade --install calico projectcalico/tigera-operator --version v3.20.2",
    "broken-too-few-control-plane": "--control-plane --certificate-key CERTKEY",
    "warn-control-plane-untainted": "kubectl taint nodes server63 node-role.kubernetes.io/master=:NoSchedule",
    "warn-ceph-health-warn": "ceph health detail",
    "missing-bgppeers": "capture it: kubectl get bgppeers.crd.projectcalico.org -A -o yaml",
    "warn-node-cordoned": "kubectl uncordon server26",
    "warn-pod-stuck-terminating": "kubectl delete pod certbot-bgrzjcnx7j-4d57m --grace-period=0 --force",
    "broken-osd-prepare-crash-loop": "kubectl -n rook-ceph logs -f rook-ceph-osd-prepare-server25-mn5qk",
    "broken-osd-down": "kubectl -n rook-ceph get pods -l app=rook-ceph-osd-prepare",
    "broken-kubelet-skew": "kubectl drain --delete-emptydir-data --ignore-daemonsets server24",
    "warn-calico-version-drift": "helm upgrade --install calico projectcalico/tigera-operator --version v3.20.2",
    "warn-helm-release-unmanaged": "kubectl -n monitoring delete secret -l owner=helm,name=grafana",
}


@cache
def _run(sample: str, version: str, cluster_type: str) -> RunResult:
    return verify(VerifyRequest(SnapshotSource(paths.samples_dir() / sample), version, cluster_type))


def _expected_default(tags: list[str]) -> Outcome:
    # node/router checks need SSH hosts; the cluster table's need the cluster's inventory row
    return NA if {"hosts", "cluster_table"} & set(tags) else Outcome.PASSED


def test_every_sample_is_covered() -> None:
    on_disk = {p.name for p in paths.samples_dir().iterdir() if p.is_dir()}
    assert on_disk == set(CONFORMING) | set(VARIANTS)
    assert set(REMEDIES) == set(VARIANTS)


@pytest.mark.parametrize("sample", sorted(CONFORMING))
def test_conforming_sample(sample: str) -> None:
    version, cluster_type, special = CONFORMING[sample]
    result = _run(sample, version, cluster_type)
    got = {s.id: s.outcome for s in result.scenarios}
    want = {s.id: special.get(s.id, _expected_default(s.tags)) for s in result.scenarios}
    assert got == want
    assert set(special) <= set(got), "an expectation names a scenario that no longer exists"
    assert result.exit_code == 0


@pytest.mark.parametrize("sample", sorted(CONFORMING))
def test_component_scenarios_are_those_the_profile_names(sample: str) -> None:
    version, cluster_type, _ = CONFORMING[sample]
    rules = select(version, cluster_type).profile.components
    result = _run(sample, version, cluster_type)
    generated = [s.id for s in result.scenarios if s.id.startswith("components.")]
    assert generated == [f"components.{n}-runs" for n in rules.require] + [f"components.{n}-gone" for n in rules.forbid]


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_variant_changes_exactly_what_it_breaks(variant: str) -> None:
    base = {s.id: s.outcome for s in _run("v5-production", "v5", "production").scenarios}
    result = _run(variant, "v5", "production")
    changes = VARIANTS[variant]
    got = {s.id: s.outcome for s in result.scenarios}
    assert got == {**base, **{sid: outcome for sid, (outcome, _) in changes.items()}}
    reasons = {s.id: s.reason for s in result.scenarios}
    for sid, (_, culprit) in changes.items():
        assert culprit in reasons[sid]
    remedies = {s.id: s.remedy for s in result.scenarios}
    assert all(REMEDIES[variant] in remedies[sid] for sid in changes), remedies
    needing = [s for s in result.scenarios if s.outcome in (FAILED, WARNING)]
    assert all(s.remedy for s in needing), "every failure and warning says how to put it right"
    outcomes = {o for o, _ in changes.values()}
    assert result.exit_code == (1 if FAILED in outcomes else 2 if UNVERIFIABLE in outcomes else 0)


@pytest.mark.parametrize(("sample", "scenario"), sorted(CHECK_REMEDIES), ids=lambda v: v)
def test_the_remedy_is_the_manuals_command_with_the_objects_filled_in(sample: str, scenario: str) -> None:
    version, cluster_type = CONFORMING[sample][:2] if sample in CONFORMING else ("v5", "production")
    remedy = {s.id: s.remedy for s in _run(sample, version, cluster_type).scenarios}[scenario]
    assert remedy == CHECK_REMEDIES[(sample, scenario)]


def test_a_pod_within_its_grace_period_and_margin_is_not_named() -> None:
    result = _run("warn-pod-stuck-terminating", "v5", "production")
    reason = {s.id: s.reason for s in result.scenarios}["operations.pod-stuck-terminating"]
    assert reason.count("pod certbot/") == 1 and "server25" not in reason  # the pod deleted a minute ago
