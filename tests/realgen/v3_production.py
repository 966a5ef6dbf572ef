"""place12 after the manual's v3 installation (2021-07), from fixtures/real/repos/v3-production.

kubeadm (v1beta3, Kubernetes 1.22); Calico from its manifest (IPv6 only); Argo CD v2.1.7 with
Applications over the rook-ceph chart (the operator) and the rook-ceph-cluster chart kept in the
repository (v3: "rook is now installed via helm via argocd", 5 monitors by helm.parameters), the
argo-workflows and secret generator charts; an ungleich-certbot Job (tests/realgen/parts.py).
"""

from __future__ import annotations

from datetime import UTC, datetime

from tests.realgen import parts
from tests.realgen.model import Cluster
from tests.realgen.parts import REAL, Site, docs

SITE = Site(
    "place12",
    REAL / "repos" / "v3-production",
    "2a0a:e5c0:13",
    (
        ("server67", "2a0a:e5c0:13:1:225:b3ff:fe20:6701", True),
        ("server69", "2a0a:e5c0:13:1:225:b3ff:fe20:6901", True),
        ("server71", "2a0a:e5c0:13:1:225:b3ff:fe20:7101", True),
        ("server68", "2a0a:e5c0:13:1:225:b3ff:fe20:6801", False),
        ("server70", "2a0a:e5c0:13:1:225:b3ff:fe20:7001", False),
        ("server72", "2a0a:e5c0:13:1:225:b3ff:fe20:7201", False),
        ("server73", "2a0a:e5c0:13:1:225:b3ff:fe20:7301", False),
        ("server74", "2a0a:e5c0:13:1:225:b3ff:fe20:7401", False),
    ),
    captured_at=datetime(2021, 10, 5, 16, 0, tzinfo=UTC),  # the manual's "last verified" of its clusters
)


def build() -> Cluster:
    cluster = SITE.cluster()
    parts.nodes(cluster, SITE)
    parts.kubeadm(cluster, SITE)
    parts.calico_manifest(cluster, SITE)
    parts.argocd_with_applications(cluster, SITE)
    parts.rook_cluster(cluster, parts.ROOK_1_7_8)
    cluster.apply(docs(SITE.repo / "certbot" / "job.yaml"), minutes=300)
    parts.ipam(cluster)  # last: every pod has its address by now
    return cluster
