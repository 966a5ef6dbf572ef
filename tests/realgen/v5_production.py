"""place10 after the manual's v5 installation, from the configuration repository fixtures/real/repos/v5-production.

kubeadm (v1beta3, Kubernetes 1.22); Calico through the tigera-operator chart v3.20.2 with calicoctl as
a pod; Argo CD v2.1.7 (HA) with Applications over the rook-ceph v1.7.8, argo-workflows 0.7.3 and
kubernetes-secret-generator 3.3.2 charts; the Ceph cluster from rook v1.7.8's cluster.yaml with 5
monitors (v4/v5: "rook is configured via manifests"); an ungleich-certbot Job (tests/realgen/parts.py).
"""

from __future__ import annotations

from tests.realgen import parts
from tests.realgen.model import Cluster
from tests.realgen.parts import REAL, Site

SITE = Site(
    "place10",
    REAL / "repos" / "v5-production",
    "2a0a:e5c0:10",
    (
        ("server63", "2a0a:e5c0:10:1:225:b3ff:fe20:378a", True),
        ("server65", "2a0a:e5c0:10:1:225:b3ff:fe20:375c", True),
        ("server83", "2a0a:e5c0:10:1:3e4a:92ff:fe79:bb98", True),
        ("server64", "2a0a:e5c0:10:1:225:b3ff:fe20:3790", False),
        ("server66", "2a0a:e5c0:10:1:225:b3ff:fe20:37a4", False),
        ("server84", "2a0a:e5c0:10:1:3e4a:92ff:fe79:bc02", False),
        ("server85", "2a0a:e5c0:10:1:3e4a:92ff:fe79:bc1e", False),
        ("server86", "2a0a:e5c0:10:1:3e4a:92ff:fe79:bc40", False),
    ),
)


def build() -> Cluster:
    cluster = parts.start(SITE, calico=parts.calico_operator)
    parts.argocd_with_applications(cluster, SITE)
    # v4/v5: the Ceph cluster from manifests (kubectl apply -f rook/)
    parts.rook_manifests(cluster, SITE.repo / "rook", parts.ROOK_CLUSTER_FILES, parts.ROOK_1_7_8)
    return parts.finish(cluster, SITE.repo)
