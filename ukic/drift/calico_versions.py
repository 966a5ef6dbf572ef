"""Calico's running images against the release the manual installs.

The manual: `helm install calico projectcalico/tigera-operator --version v3.20.2`. That release
(projectcalico/calico v3.20.2, _data/versions.yml) runs calico/node and calico/ctl v3.20.2 and the
operator image quay.io/tigera/operator v1.20.4; both versions are profile rules. The tag of each
running container image says which release a pod runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ukic import kube

#: Image repositories of the three parts the manual installs, and which rule pins each.
PARTS = (
    ("calico-node", "calico/node", "calico.version"),
    ("calicoctl", "calico/ctl", "calico.version"),
    ("tigera-operator", "tigera/operator", "calico.operator_version"),
)


def running_tags(pods: Iterable[Mapping[str, Any]], repository: str) -> dict[str, list[str]]:
    """Tag -> pods (namespace/name) whose containers run the repository's image."""
    tags: dict[str, list[str]] = {}
    for pod in pods:
        if (pod.get("status") or {}).get("phase") != "Running":
            continue
        for image in kube.images(pod):
            repo = kube.image_repository(image)
            if repo == repository or repo.endswith("/" + repository):
                where = f"{kube.namespace_of(pod)}/{kube.name_of(pod)}"
                tags.setdefault(kube.image_tag(image), []).append(where)
    return {tag: sorted(set(names)) for tag, names in sorted(tags.items())}


def _pods(names: list[str]) -> str:
    return ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")


def problems(pods: list[Mapping[str, Any]], wanted: Mapping[str, str]) -> list[str]:
    """Each part whose running tags are not exactly its pinned version (parts that differ from each
    other differ from the one release they all pin to). A part that runs nowhere is the components'
    concern, not a version's.

    ``wanted`` maps a rule key (calico.version, calico.operator_version) to its version.
    """
    found: list[str] = []
    for part, repository, rule in PARTS:
        tags = running_tags(pods, repository)
        found += [
            f"{part} runs {repository}:{tag} ({_pods(names)}), not {wanted[rule]}"
            for tag, names in tags.items()
            if tag != wanted[rule]
        ]
    return found
