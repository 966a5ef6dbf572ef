"""place6 after the manual's v1 installation (2021-01), from fixtures/real/repos/v1-development.

kubeadm (v1beta2, Kubernetes 1.20); Calico from its manifest (IPv6 only); Flux v2 (flux2 v0.7.0's
`flux install` output and sync objects), which applies clusters/place6: rook v1.5.5 from manifests
(3 monitors for development), the mittwald secret generator through a HelmRelease, an ungleich-certbot
Job (tests/realgen/parts.py).
"""

from __future__ import annotations

from datetime import UTC, datetime

from tests.realgen import parts
from tests.realgen.model import Cluster
from tests.realgen.parts import REAL, RENDERED, Site, docs

SITE = Site(
    "place6",
    REAL / "repos" / "v1-development",
    "2a0a:e5c0:11",
    (
        ("server31", "2a0a:e5c0:11:1:225:b3ff:fe20:3101", True),
        ("server32", "2a0a:e5c0:11:1:225:b3ff:fe20:3102", False),
        ("server33", "2a0a:e5c0:11:1:225:b3ff:fe20:3103", False),
        ("server34", "2a0a:e5c0:11:1:225:b3ff:fe20:3104", False),
    ),
    kubernetes="v1.20.2",
    etcd_image="k8s.gcr.io/etcd:3.4.13-0",  # kubeadm 1.20's etcd (cmd/kubeadm/app/constants)
    runtime="cri-o://1.20.0",
    os_image="Alpine Linux v3.13",
    captured_at=datetime(2021, 4, 20, 9, 30, tzinfo=UTC),  # v1's last weeks, before v2 (2021-05)
)
#: The repository's revision Flux applied (source-controller: "<branch>/<commit>").
REVISION = "master/2f6c0b9d8e4a7c1b3f5e9d2a6c8b0e4f1a3d5c7b"


def build() -> Cluster:
    cluster = parts.start(SITE)
    flux = SITE.repo / "clusters" / SITE.name
    parts.flux_install(cluster, flux / "flux-system", REVISION)
    marks = parts.flux_marks(REVISION)
    release = next(d for d in docs(flux / "secret-generator" / "helmrelease.yaml") if d["kind"] == "HelmRelease")
    chart = docs(RENDERED / "kubernetes-secret-generator-v3.3.2-flux.yaml")
    parts.flux_helm_release(cluster, release, chart, REVISION, minutes=95)
    rook_files = (*parts.ROOK_OPERATOR_FILES, *parts.ROOK_CLUSTER_FILES)
    parts.rook_manifests(cluster, flux / "rook", rook_files, parts.ROOK_1_5_5, **marks)
    return parts.finish(cluster, flux, **marks)
