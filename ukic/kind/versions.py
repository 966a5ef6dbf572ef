"""Pinned upstream releases the kind install plan uses: the manual's era (2021, Kubernetes 1.22).

Change them here; nothing else in the plan names a version.
"""

from __future__ import annotations

#: Kubernetes 1.22 as in the manual. The charts below ship PodSecurityPolicy objects, which
#: Kubernetes removed in 1.25: a newer node image makes the Calico and Rook steps fail.
NODE_IMAGE = "kindest/node:v1.22.17"

CALICO_CHART_REPO = ("projectcalico", "https://docs.tigera.io/calico/charts")
CALICO_CHART_VERSION = "v3.20.2"  # "Calico Installation": tigera-operator chart v3.20.2 (operator v1.20.4)
CALICOCTL_IMAGE = "calico/ctl:v3.20.2"

FLUX_VERSION = "v0.15.0"  # Flux v2 of v1's time; the first release known here to publish install.yaml
FLUX_INSTALL_URL = f"https://github.com/fluxcd/flux2/releases/download/{FLUX_VERSION}/install.yaml"

ARGOCD_VERSION = "v2.1.7"
ARGOCD_INSTALL_URL = f"https://raw.githubusercontent.com/argoproj/argo-cd/{ARGOCD_VERSION}/manifests/install.yaml"

ARGO_WORKFLOWS_VERSION = "v3.1.13"
ARGO_WORKFLOWS_INSTALL_URL = (
    f"https://github.com/argoproj/argo-workflows/releases/download/{ARGO_WORKFLOWS_VERSION}/install.yaml"
)

SECRET_GENERATOR_CHART_REPO = ("mittwald", "https://helm.mittwald.de")
SECRET_GENERATOR_CHART_VERSION = "3.3.4"

ROOK_CHART_REPO = ("rook-release", "https://charts.rook.io/release")
ROOK_VERSION = "v1.7.11"
_ROOK_EXAMPLES = f"https://raw.githubusercontent.com/rook/rook/{ROOK_VERSION}/cluster/examples/kubernetes/ceph"
ROOK_OPERATOR_MANIFESTS = tuple(f"{_ROOK_EXAMPLES}/{name}.yaml" for name in ("crds", "common", "operator"))
