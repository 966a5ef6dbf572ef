"""python -m tests.realgen [--render]: rebuild fixtures/real/clusters/ with a real kubectl."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.realgen import capture, flux
from tests.realgen.cases import CLUSTERS

REAL = Path(__file__).resolve().parents[2] / "fixtures" / "real"
#: (rendered file, release, chart folder under fixtures/real/upstream, namespace[, --set values]) for `helm template`
CHARTS: tuple[tuple[str, ...], ...] = (
    ("argo-workflows-0.7.3.yaml", "workflows", "argo-helm-argo-workflows-0.7.3/argo-workflows", "argo"),
    (
        "kubernetes-secret-generator-v3.3.2.yaml",
        "secret-generator",
        "kubernetes-secret-generator-v3.3.2/kubernetes-secret-generator",
        "secret-generator",
    ),
    (
        "kubernetes-secret-generator-v3.3.2-flux.yaml",
        "secret-generator-kubernetes-secret-generator",  # a Flux HelmRelease's release name (tests/realgen/parts.py)
        "kubernetes-secret-generator-v3.3.2/kubernetes-secret-generator",
        "secret-generator",
    ),
    ("rook-ceph-v1.7.8.yaml", "rook-ceph", "rook-v1.7.8/rook-ceph", "rook-ceph"),
    (
        # v3-production's Application rook-ceph-cluster over the chart path, with its helm.parameters
        "rook-ceph-cluster-v1.7.8.yaml",
        "rook-ceph-cluster",
        "rook-v1.7.8/rook-ceph-cluster",
        "rook-ceph",
        "cephClusterSpec.mon.count=5",
        "cephClusterSpec.network.ipFamily=IPv6",
    ),
    ("tigera-operator-v3.20.2.yaml", "calico", "calico-v3.20.2/tigera-operator", "default"),
    ("calico-v3.20.2.yaml", "calico", "calico-v3.20.2/calico", "default"),
)


def render(helm: str) -> None:
    for name, release, chart, namespace, *values in CHARTS:
        sets = [arg for value in values for arg in ("--set", value)]
        done = subprocess.run(
            [helm, "template", release, str(REAL / "upstream" / chart), "--namespace", namespace, *sets],
            capture_output=True,
            check=True,
        )
        (REAL / "rendered" / name).write_bytes(done.stdout)


def main(argv: list[str]) -> int:
    if "--render" in argv:
        helm = shutil.which("helm")
        if helm is None:
            print("--render needs helm on PATH", file=sys.stderr)
            return 2
        render(helm)
    binary = capture.kubectl()
    if binary is None:
        print("needs kubectl on PATH (Debian: kubectl)", file=sys.stderr)
        return 2
    if "--render" in argv:
        (REAL / "rendered" / f"flux2-{flux.FLUX}.yaml").write_text(flux.build(binary))
    for name, build in CLUSTERS.items():
        folder = REAL / "clusters" / name
        shutil.rmtree(folder, ignore_errors=True)
        print(f"# {name}")
        for line in capture.write(build(), folder, binary):
            print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
