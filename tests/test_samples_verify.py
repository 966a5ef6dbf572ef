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
from ukic.result import RunResult
from ukic.run import VerifyRequest, verify
from ukic.sources.snapshot import SnapshotSource

NA, FAILED, WARNING, UNVERIFIABLE = (
    Outcome.NOT_APPLICABLE,
    Outcome.FAILED,
    Outcome.WARNING,
    Outcome.UNVERIFIABLE,
)
SEPARATION_RECOMMENDED = "topology::Control-plane nodes are kept free of workloads where the cluster type recommends it"
SEPARATION_REQUIRED = "topology::Control-plane nodes are kept free of workloads where the cluster type requires it"
RECOMMENDED_SIZE = "topology::The cluster meets the recommended size"
TIGERA = (
    "calico_operator::The tigera-operator runs Calico with BGP and without encapsulation",
    "calico_operator::The tigera-operator was installed with Helm",
)


def required(*names: str) -> set[str]:
    return {f"components::Required component {n} runs" for n in names}


#: Per conforming sample: (version, type) and every scenario that is not simply passed.
CONFORMING: dict[str, tuple[str, str, dict[str, Outcome]]] = {
    "v1-development": (
        "v1",
        "development",
        {
            SEPARATION_RECOMMENDED: NA,
            SEPARATION_REQUIRED: NA,
            **dict.fromkeys(required("argocd", "argo-workflows", "tigera-operator", "calicoctl"), NA),
            "components::Retired component flux is gone": NA,
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
            **dict.fromkeys(required("flux", "tigera-operator", "calicoctl"), NA),
            **dict.fromkeys(TIGERA, NA),
        },
    ),
    "v3-production": (
        "v3",
        "production",
        {
            SEPARATION_REQUIRED: NA,
            **dict.fromkeys(required("flux", "tigera-operator", "calicoctl"), NA),
            **dict.fromkeys(TIGERA, NA),
        },
    ),
    "v4-production": (
        "v4",
        "production",
        {
            SEPARATION_REQUIRED: NA,
            **dict.fromkeys(required("flux", "tigera-operator", "calicoctl"), NA),
            **dict.fromkeys(TIGERA, NA),
        },
    ),
    "v5-production": ("v5", "production", {SEPARATION_REQUIRED: NA, **dict.fromkeys(required("flux"), NA)}),
}

#: Per variant of v5-production: the scenarios that change, their outcome and a piece of the reason.
VARIANTS: dict[str, dict[str, tuple[Outcome, str]]] = {
    "broken-ipv4-node-address": {
        "ipv6::Nodes are reached over IPv6 only": (FAILED, "node server63: InternalIP 10.0.0.5 is IPv4")
    },
    "broken-ipv4-service-subnet": {
        "ipv6::kubeadm assigns IPv6 pod and service subnets": (
            FAILED,
            "networking.serviceSubnet 10.96.0.0/12 is not IPv6",
        ),
    },
    "broken-node-mesh-off": {
        "bgp::Nodes form a full BGP mesh": (FAILED, "BGPConfiguration default: nodeToNodeMeshEnabled is false")
    },
    "broken-public-asn": {
        "bgp::The cluster speaks BGP from a private AS number": (FAILED, "asNumber 213081 is not a private")
    },
    "broken-no-service-announcement": {
        "bgp::The service network is announced over BGP": (FAILED, "serviceClusterIPs (nothing) do not cover")
    },
    "broken-peer-next-hop": {
        "bgp::Upstream peers keep the original next hop": (
            FAILED,
            "BGPPeer router1-place10 (2a0a:e5c0:10:1::50): keepOriginalNextHop is false",
        )
    },
    "broken-ipip-pool": {
        "bgp::IP pools are IPv6 and use no overlay": (FAILED, "IPPool default-ipv6-ippool: ipipMode Always")
    },
    "broken-calico-node-missing": {
        "bgp::calico-node runs on every node": (FAILED, "node server25: no calico-node pod")
    },
    "broken-too-few-control-plane": {
        "topology::The cluster has at least the minimum number of control-plane nodes": (
            FAILED,
            "control-plane nodes: 1 (server63); a production cluster's minimum is 3",
        ),
        RECOMMENDED_SIZE: (WARNING, "control-plane nodes: 1 (server63)"),
    },
    "broken-node-not-ready": {"topology::Every node is Ready": (FAILED, "node server24: not Ready")},
    "broken-etcd-on-worker": {
        "control_plane::etcd runs on control-plane nodes only": (
            FAILED,
            "etcd-server22 runs on server22, which is not a control-plane node",
        )
    },
    "broken-mon-count": {
        "storage::The Ceph cluster asks for the cluster type's number of monitors": (
            FAILED,
            "CephCluster rook-ceph/rook-ceph: spec.mon.count is 3; a production cluster runs 5 storage monitors",
        )
    },
    "broken-mon-pod-down": {
        "storage::All requested monitors are running": (FAILED, "4 of 5 monitor pods running in rook-ceph")
    },
    "broken-no-cephfs-class": {
        "storage::A storage class serves cephfs volumes": (
            FAILED,
            "no StorageClass on provisioner rook-ceph.cephfs.csi.ceph.com",
        )
    },
    "broken-flux-leftover": {
        "components::Retired component flux is gone": (
            FAILED,
            "Flux v2 left over: Deployment flux-system/source-controller",
        )
    },
    "broken-argocd-missing": {
        "components::Required component argocd runs": (FAILED, "no Deployment argocd/argocd-repo-server")
    },
    "broken-rook-operator-manifests": {
        "rook_install::The rook operator is installed the way the version prescribes": (
            FAILED,
            "Deployment rook-ceph/rook-ceph-operator: installed by manifests",
        )
    },
    "broken-no-calicoctl": {"components::Required component calicoctl runs": (FAILED, "no Pod kube-system/calicoctl")},
    "broken-tigera-vxlan": {TIGERA[0]: (FAILED, "encapsulation VXLAN")},
    "warn-control-plane-untainted": {
        SEPARATION_RECOMMENDED: (WARNING, "control-plane node server63 has no NoSchedule taint")
    },
    "warn-ceph-health-warn": {"storage::Ceph reports HEALTH_OK": (WARNING, "ceph health HEALTH_WARN")},
    "missing-bgppeers": {
        "bgp::Upstream peers keep the original next hop": (UNVERIFIABLE, "bgppeers.crd.projectcalico.org: not captured")
    },
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


@pytest.mark.parametrize("sample", sorted(CONFORMING))
def test_conforming_sample(sample: str) -> None:
    version, cluster_type, special = CONFORMING[sample]
    result = _run(sample, version, cluster_type)
    got = {s.id: s.outcome for s in result.scenarios}
    want = {s.id: special.get(s.id, _expected_default(s.tags)) for s in result.scenarios}
    assert got == want
    assert set(special) <= set(got), "an expectation names a scenario that no longer exists"
    assert result.exit_code == 0


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
    outcomes = {o for o, _ in changes.values()}
    assert result.exit_code == (1 if FAILED in outcomes else 2 if UNVERIFIABLE in outcomes else 0)
