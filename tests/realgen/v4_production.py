"""place11 after the manual's v4 installation (2021-09), from fixtures/real/repos/v4-production.

kubeadm (v1beta3, Kubernetes 1.22.1); Calico from its manifest (IPv6 only); the rook operator by
`helm install rook-ceph charts/rook-ceph` (v4: "still being installed via helm"; helm's markers and
release Secret), the Ceph cluster from rook v1.7.8's cluster.yaml with 5 monitors (v4: "configured via
manifests"); Argo CD v2.1.7 (HA) with the argo-workflows and secret generator chart Applications; an
ungleich-certbot Job (tests/realgen/parts.py).
"""

from __future__ import annotations

from datetime import UTC, datetime

from tests.realgen import parts
from tests.realgen.model import Cluster
from tests.realgen.parts import REAL, RENDERED, UPSTREAM, Site, docs

SITE = Site(
    "place11",
    REAL / "repos" / "v4-production",
    "2a0a:e5c0:14",
    parts.servers("2a0a:e5c0:14", control_plane=(87, 88, 89), workers=(90, 91, 92, 93, 94)),
    kubernetes="v1.22.1",
    captured_at=datetime(2021, 10, 5, 15, 0, tzinfo=UTC),  # the manual's "last verified" of its clusters
)


def build() -> Cluster:
    cluster = parts.start(SITE)
    parts.argocd_with_applications(cluster, SITE)
    # the chart's templates/resources.yaml holds rook's CRDs (kept here as examples/crds.yaml)
    operator = [*docs(UPSTREAM / "rook-v1.7.8" / "examples" / "crds.yaml"), *docs(RENDERED / "rook-ceph-v1.7.8.yaml")]
    parts.helm_install(cluster, "rook-ceph", "rook-ceph", operator, minutes=80)
    parts.rook_manifests(cluster, SITE.repo / "rook", parts.ROOK_CLUSTER_FILES, parts.ROOK_1_7_8)
    return parts.finish(cluster, SITE.repo)
