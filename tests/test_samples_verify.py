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


#: Per conforming sample: (version, type) and every scenario that is not simply passed.
CONFORMING: dict[str, tuple[str, str, dict[str, Outcome]]] = {
    "v1-development": (
        "v1",
        "development",
        {
            SEPARATION_RECOMMENDED: NA,
            SEPARATION_REQUIRED: NA,
            **dict.fromkeys(TIGERA, NA),
        },
    ),
    "v2-development": (
        "v2",
        "development",
        {
            RECOMMENDED_SIZE: WARNING,  # 3 nodes: the minimum, not the recommended 4
            SEPARATION_RECOMMENDED: NA,
            SEPARATION_REQUIRED: NA,
            **dict.fromkeys(TIGERA, NA),
        },
    ),
    "v3-production": (
        "v3",
        "production",
        {
            SEPARATION_REQUIRED: NA,
            **dict.fromkeys(TIGERA, NA),
        },
    ),
    "v4-production": (
        "v4",
        "production",
        {
            SEPARATION_REQUIRED: NA,
            **dict.fromkeys(TIGERA, NA),
        },
    ),
    "v5-production": ("v5", "production", {SEPARATION_REQUIRED: NA}),
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
}


#: Per variant: a piece of the remedy of what it breaks (the manual's command with the objects filled in).
REMEDIES: dict[str, str] = {
    "broken-argocd-missing": "kubectl create namespace argocd; kubectl apply -n argocd -f https://",
    "broken-calico-node-missing": "does not run on server25",
    "broken-etcd-on-worker": "remove /etc/kubernetes/manifests/etcd.yaml on server22",
    "broken-flux-leftover": "flux uninstall --namespace=flux-system",
    "broken-ipip-pool": "calicoctl patch ippool default-ipv6-ippool",
    "broken-ipv4-node-address": "kubelet on server63 its IPv6 address as --node-ip",
    "broken-ipv4-service-subnet": "networking.serviceSubnet to an IPv6 network",
    "broken-mon-count": "set spec.mon.count: 5 in CephCluster rook-ceph/rook-ceph",
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
