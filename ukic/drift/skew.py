"""Kubelet versions against the API server and against each other.

The Kubernetes version skew policy of the manual's era (1.22; kubernetes.io "Version Skew Policy",
https://kubernetes.io/releases/version-skew-policy/): "kubelet must not be newer than
kube-apiserver, and may be up to two minor versions older" (three since 1.28, for kubelets from 1.25
on; the number is a profile rule). In an HA cluster the oldest kube-apiserver is the one that counts. The policy
speaks of minor versions: a kubelet on v1.22.2 under an API server on v1.22.0 is within it, but
the manual's node listing shows exactly that drift (server23 on v1.22.2, the others on v1.22.0),
which is why versions that differ within the policy are still worth a warning.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

_VERSION = re.compile(r"^v?(\d+)\.(\d+)(?:\.(\d+))?")


@dataclass(frozen=True)
class Version:
    major: int
    minor: int
    patch: int
    text: str

    @property
    def minor_key(self) -> tuple[int, int]:
        return (self.major, self.minor)

    @property
    def key(self) -> tuple[int, int, int]:
        return (self.major, self.minor, self.patch)


def parse_version(text: str) -> Version | None:
    """``v1.22.2`` (also ``1.22``, ``v1.22.2+k3s1``); None when it is no version."""
    match = _VERSION.match(str(text).strip())
    if match is None:
        return None
    return Version(int(match[1]), int(match[2]), int(match[3] or 0), str(text).strip())


def outside_policy(kubelets: Mapping[str, Version], apiserver: Version, max_older: int) -> dict[str, str]:
    """Node -> why the policy does not allow its kubelet with this API server (nodes in order)."""
    problems = {}
    for node, kubelet in sorted(kubelets.items()):
        if kubelet.minor_key > apiserver.minor_key:
            problems[node] = (
                f"node {node}: kubelet {kubelet.text} is newer than the API server {apiserver.text} "
                "(the skew policy allows no newer kubelet)"
            )
        elif kubelet.major != apiserver.major or apiserver.minor - kubelet.minor > max_older:
            behind = apiserver.minor - kubelet.minor if kubelet.major == apiserver.major else "a major version"
            problems[node] = (
                f"node {node}: kubelet {kubelet.text} is {behind} minor versions older than the API server "
                f"{apiserver.text} (the skew policy allows {max_older})"
            )
    return problems


def groups(kubelets: Mapping[str, Version]) -> dict[str, list[str]]:
    """Nodes by kubelet version, versions in order."""
    by_version: dict[str, list[str]] = {}
    ordered = sorted(kubelets.items(), key=lambda item: (*item[1].key, item[0]))
    for node, version in ordered:
        by_version.setdefault(version.text, []).append(node)
    return by_version


def differences(kubelets: Mapping[str, Version], kubeadm: Version | None) -> str | None:
    """One line naming each group when the kubelets differ from each other or from kubeadm's kubernetesVersion."""
    grouped = groups(kubelets)
    if len(grouped) <= 1 and (kubeadm is None or set(grouped) <= {kubeadm.text}):
        return None
    shown = "; ".join(f"{version} on {', '.join(nodes)}" for version, nodes in grouped.items())
    target = f"; kubeadm's kubernetesVersion is {kubeadm.text}" if kubeadm is not None else ""
    return f"kubelets differ: {shown}{target}"
