"""place7 after the manual's v2 installation (2021-05), from fixtures/real/repos/v2-development.

kubeadm (v1beta2, Kubernetes 1.21, three control-plane nodes); Calico from its manifest (IPv6 only);
Argo CD v2.0.3 with Applications over the argo-workflows and kubernetes-secret-generator charts; rook
v1.5.11 from manifests (v1/v2: "directly via manifests", 3 monitors for development); an
ungleich-certbot Job (tests/realgen/parts.py).
"""

from __future__ import annotations

from datetime import UTC, datetime

from tests.realgen import parts
from tests.realgen.model import Cluster
from tests.realgen.parts import REAL, Site

SITE = Site(
    "place7",
    REAL / "repos" / "v2-development",
    "2a0a:e5c0:12",
    parts.servers("2a0a:e5c0:12", control_plane=(47, 53, 54), workers=(48, 49, 50)),
    kubernetes="v1.21.1",
    etcd_image="k8s.gcr.io/etcd:3.4.13-0",  # kubeadm 1.21's etcd (cmd/kubeadm/app/constants)
    runtime="cri-o://1.21.0",
    os_image="Alpine Linux v3.13",
    captured_at=datetime(2021, 6, 25, 14, 10, tzinfo=UTC),  # v2's time, before v3 (2021-07)
)


def build() -> Cluster:
    cluster = parts.start(SITE)
    parts.argocd_with_applications(cluster, SITE)
    rook_files = (*parts.ROOK_OPERATOR_FILES, *parts.ROOK_CLUSTER_FILES)
    parts.rook_manifests(cluster, SITE.repo / "rook", rook_files, parts.ROOK_1_5_11)
    return parts.finish(cluster, SITE.repo)
