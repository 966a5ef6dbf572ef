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
from tests.realgen.parts import REAL, Site

SITE = Site(
    "place12",
    REAL / "repos" / "v3-production",
    "2a0a:e5c0:13",
    parts.servers("2a0a:e5c0:13", control_plane=(67, 69, 71), workers=(68, 70, 72, 73, 74)),
    captured_at=datetime(2021, 10, 5, 16, 0, tzinfo=UTC),  # the manual's "last verified" of its clusters
)


def build() -> Cluster:
    cluster = parts.start(SITE)
    parts.argocd_with_applications(cluster, SITE)  # the rook-ceph and rook-ceph-cluster charts among them
    parts.rook_cluster(cluster, parts.ROOK_1_7_8)
    return parts.finish(cluster, SITE.repo)
