"""Serve a modelled cluster on loopback (tests/fakeapi) and let a real `kubectl` write the snapshot files.

The commands are the ones a user runs, in the shapes kubectl really writes (ukic.sources.kubectl_output):
``-A -o yaml`` Lists, ``-o json``, ``--raw`` typed lists without item kinds, a single object, a short
resource name, and empty files for the types the cluster does not have.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import yaml

from tests.fakeapi.kubeconfig import write_kubeconfig
from tests.fakeapi.server import FakeKubeAPI
from tests.realgen.model import Cluster
from ukic.resources import CATALOG

#: (file, kubectl arguments) in the order a user would type them; every command ends in `> file`.
COMMANDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("nodes.yaml", ("get", "nodes", "-o", "yaml")),
    ("pods.json", ("get", "--raw", "/api/v1/pods")),
    ("services.yaml", ("get", "services", "-A", "-o", "yaml")),
    ("configmaps.yaml", ("get", "configmaps", "-A", "-o", "yaml")),
    ("secrets.yaml", ("get", "secrets", "-A", "-o", "yaml")),
    ("deployments.apps.json", ("get", "deployments.apps", "-A", "-o", "json")),
    ("daemonsets.apps.yaml", ("get", "daemonsets.apps", "-A", "-o", "yaml")),
    ("statefulsets.apps.yaml", ("get", "statefulsets.apps", "-A", "-o", "yaml")),
    ("jobs.batch.yaml", ("get", "jobs.batch", "-A", "-o", "yaml")),
    ("cronjobs.batch.yaml", ("get", "cronjobs.batch", "-A", "-o", "yaml")),
    ("storageclasses.yaml", ("get", "storageclasses", "-o", "yaml")),
    ("customresourcedefinitions.apiextensions.k8s.io.yaml", ("get", "customresourcedefinitions", "-o", "yaml")),
    *(
        (f"{key}.yaml", ("get", key, "-A", "-o", "yaml"))
        for key in (
            "bgpconfigurations.crd.projectcalico.org",
            "bgppeers.crd.projectcalico.org",
            "ippools.crd.projectcalico.org",
            "blockaffinities.crd.projectcalico.org",
            "ipamblocks.crd.projectcalico.org",
            "cephclusters.ceph.rook.io",
            "applications.argoproj.io",
            "kustomizations.kustomize.toolkit.fluxcd.io",
            "helmreleases.helm.toolkit.fluxcd.io",
            "gitrepositories.source.toolkit.fluxcd.io",
        )
    ),
    ("installations.operator.tigera.io.yaml", ("get", "installations.operator.tigera.io", "default", "-o", "yaml")),
)


def kubectl() -> str | None:
    return shutil.which("kubectl")


def served_objects(cluster: Cluster) -> dict[str, list[dict]]:
    """What the fake API serves: every built-in type, and each custom type whose CRD is installed."""
    crds = {c["metadata"]["name"] for c in cluster.objects.get("customresourcedefinitions.apiextensions.k8s.io", [])}
    objects = {key: list(items) for key, items in cluster.objects.items()}
    for resource in CATALOG:
        if resource.builtin or resource.key in crds:
            objects.setdefault(resource.key, [])
        elif resource.key in objects and not objects[resource.key]:
            del objects[resource.key]
    return objects


def write(cluster: Cluster, folder: Path, binary: str) -> list[str]:
    """Write the snapshot into ``folder``; returns the commands as a user would type them."""
    folder.mkdir(parents=True, exist_ok=True)
    typed = []
    with (
        FakeKubeAPI(served_objects(cluster), token=None, server_version=cluster.server_version) as api,
        tempfile.TemporaryDirectory() as tmp,
    ):
        context = cluster.context or f"kubernetes-admin@{cluster.name}"
        config = write_kubeconfig(Path(tmp) / "config", api.url, token=None, context=context)
        env = {"PATH": os.environ.get("PATH", ""), "HOME": tmp, "KUBECONFIG": str(config)}
        for name, args in COMMANDS:
            with (folder / name).open("wb") as out:
                subprocess.run([binary, *args], stdout=out, stderr=subprocess.DEVNULL, env=env, check=False, timeout=60)
            typed.append(f"kubectl {' '.join(args)} > {name}")
    cluster_file = {
        "name": cluster.name,
        "capturedAt": cluster.captured_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "serverVersion": cluster.server_version,
        "context": context,
    }
    (folder / "cluster.yaml").write_text(yaml.safe_dump(cluster_file, sort_keys=False))
    return typed
