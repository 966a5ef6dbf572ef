"""Flux v2 as `flux install` of flux2 v0.7.0 emits it, assembled from the upstream files in fixtures/real/upstream.

flux2 v0.7.0 builds its install manifest in two stages, both with kustomize:
- the release workflow (.github/workflows/release.yaml, "Generate manifests tarball") runs
  ``kustomize build`` over each ``manifests/bases/<controller>`` (whose resources are the
  controller repository's ``config/crd`` and ``config/manager`` at the pinned tag, plus the
  ServiceAccount and a JSON patch), ``manifests/rbac`` and ``manifests/policies``, and packs the
  results as manifests.tar.gz;
- ``flux install`` (pkg/manifestgen/install: manifests.go ``generate`` and ``build``, templates.go)
  writes namespace.yaml, labels.yaml (a LabelTransformer: ``app.kubernetes.io/instance`` =
  namespace, ``app.kubernetes.io/version`` = the --version given), node-selector.yaml, a
  kustomization.yaml over the default components with JSON patches setting their first arguments,
  and ``images`` moving ``fluxcd/<controller>`` to ``ghcr.io/fluxcd/<controller>``; the RBAC gets
  the namespace as name suffix (roles/). ``--export`` prints a header and the result between ``---``.

The remote bases (``https://github.com/fluxcd/<controller>/archive/<tag>.zip//...``) are replaced here by
the same folders kept under fixtures/real/upstream; kustomize is the one built into kubectl.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

REAL = Path(__file__).resolve().parents[2] / "fixtures" / "real"
FLUX = "v0.7.0"
#: flux2 v0.7.0 manifests/bases/*/kustomization.yaml: each controller and the tag it pins.
CONTROLLERS = {
    "source-controller": "v0.7.1",
    "kustomize-controller": "v0.7.2",
    "helm-controller": "v0.6.1",
    "notification-controller": "v0.7.1",
}
NAMESPACE = "flux-system"
#: The version the docs' "Generic Git Server" guide of v0.7.0 installs (`flux install --version=latest`).
VERSION_LABEL = "latest"
EVENTS = "http://notification-controller/"
#: install/options.go MakeDefaultOptions; templates.go kustomizationTmpl: which arguments each patch sets.
ARGS = {
    "notification-controller": ("--watch-all-namespaces=true", "--log-level=info"),
    "source-controller": (
        f"--events-addr={EVENTS}",
        "--watch-all-namespaces=true",
        "--log-level=info",
        *[None] * 3,
        "--storage-adv-addr=source-controller.$(RUNTIME_NAMESPACE).svc.cluster.local.",
    ),
}
DEFAULT_ARGS = (f"--events-addr={EVENTS}", "--watch-all-namespaces=true", "--log-level=info")


def _kustomize(kubectl: str, folder: Path) -> str:
    return subprocess.run([kubectl, "kustomize", str(folder)], capture_output=True, check=True, text=True).stdout


def _release_tarball(kubectl: str, work: Path) -> None:
    """What the v0.7.0 release workflow packs into manifests.tar.gz (for the default components)."""
    upstream = REAL / "upstream"
    for controller, tag in CONTROLLERS.items():
        base = work / "bases" / controller
        shutil.copytree(upstream / f"flux2-{FLUX}" / "manifests" / "bases" / controller, base)
        shutil.copytree(upstream / f"{controller}-{tag}" / "config", base / "config")
        text = (base / "kustomization.yaml").read_text()
        prefix = f"https://github.com/fluxcd/{controller}/archive/{tag}.zip//{controller}-{tag.removeprefix('v')}/"
        assert prefix in text, f"{controller}: base no longer pins {tag}"
        (base / "kustomization.yaml").write_text(text.replace(prefix, ""))
        (work / f"{controller}.yaml").write_text(_kustomize(kubectl, base))
    for part in ("rbac", "policies"):
        (work / f"{part}.yaml").write_text(_kustomize(kubectl, upstream / f"flux2-{FLUX}" / "manifests" / part))


def _patches() -> str:
    lines = []
    for controller in CONTROLLERS:
        lines += [
            "- target:",
            "    group: apps",
            "    version: v1",
            "    kind: Deployment",
            f"    name: {controller}",
            "  patch: |-",
        ]
        for index, value in enumerate(ARGS.get(controller, DEFAULT_ARGS)):
            if value is not None:
                lines += [
                    "    - op: replace",
                    f"      path: /spec/template/spec/containers/0/args/{index}",
                    f"      value: {value}",
                ]
    return "\n".join(lines)


def _install_overlay(work: Path) -> None:
    """pkg/manifestgen/install manifests.go generate(): the files `flux install` writes before building."""
    (work / "namespace.yaml").write_text(f"---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: {NAMESPACE}\n")
    (work / "labels.yaml").write_text(
        "---\napiVersion: builtin\nkind: LabelTransformer\nmetadata:\n  name: labels\nlabels:\n"
        f'  app.kubernetes.io/instance: {NAMESPACE}\n  app.kubernetes.io/version: "{VERSION_LABEL}"\n'
        "fieldSpecs:\n  - path: metadata/labels\n    create: true\n"
    )
    (work / "node-selector.yaml").write_text(
        "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: all\nspec:\n  template:\n    spec:\n"
        "      nodeSelector:\n        kubernetes.io/os: linux\n"
    )
    components = "\n".join(f"  - {c}.yaml" for c in CONTROLLERS)
    images = "\n".join(f"  - name: fluxcd/{c}\n    newName: ghcr.io/fluxcd/{c}" for c in CONTROLLERS)
    (work / "kustomization.yaml").write_text(
        "---\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
        f"namespace: {NAMESPACE}\n\ntransformers:\n  - labels.yaml\n\nresources:\n  - namespace.yaml\n"
        f"  - policies.yaml\n  - roles\n{components}\n\npatches:\n- path: node-selector.yaml\n  target:\n"
        f"    kind: Deployment\n\npatchesJson6902:\n{_patches()}\nimages:\n{images}\n"
    )
    roles = work / "roles"
    roles.mkdir()
    (roles / "kustomization.yaml").write_text(
        "---\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n"
        f"  - rbac.yaml\nnameSuffix: -{NAMESPACE}\n"
    )
    shutil.copy(work / "rbac.yaml", roles / "rbac.yaml")


def build(kubectl: str) -> str:
    """The manifest `flux install` of flux2 v0.7.0 applies (install.Generate's output)."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        _release_tarball(kubectl, work)
        _install_overlay(work)
        return _kustomize(kubectl, work)


def export(manifest: str) -> str:
    """What `flux install --version=latest --export` prints around the manifest (cmd/flux/install.go)."""
    return f"---\n# GitOps Toolkit revision {VERSION_LABEL}\n# Components: {','.join(CONTROLLERS)}\n{manifest}---\n"
