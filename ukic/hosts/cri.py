"""Commands inside a pod's container on a node, through crictl, where the node itself lacks the tool.

The manual reaches etcd with `kubectl exec ... ETCDPODNAME -- etcdctl ...`; ukic stays GET-only towards
the API, so it does the same on the node over SSH: crictl (cri-tools, the CLI of the CRI runtime the
nodes run, CRI-O in the manual's clusters) finds the container and runs the command in it.

crictl v1.22 (cmd/crictl/container.go, exec.go): `crictl ps` lists running containers only (``-a``
adds the rest), ``--label key=value`` filters (repeatable), ``-q`` prints only the IDs; `crictl exec
CONTAINER-ID COMMAND [ARG...]` streams the command's stdout and stderr apart and exits non-zero when
the command does. The kubelet labels every container it starts with its pod's namespace and name and
the container's name (pkg/kubelet/types/labels.go: io.kubernetes.pod.namespace, io.kubernetes.pod.name,
io.kubernetes.container.name).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ukic.hosts.pool import RemoteHost
from ukic.outcome import Unverifiable

POD_NAMESPACE = "io.kubernetes.pod.namespace"
POD_NAME = "io.kubernetes.pod.name"
CONTAINER_NAME = "io.kubernetes.container.name"


@dataclass(frozen=True)
class Container:
    """A running container on a host, as crictl names it."""

    host: RemoteHost
    id: str
    what: str  # e.g. "container etcd of kube-system/etcd-server63"

    def argv(self, command: Sequence[str]) -> list[str]:
        """``command`` run inside the container."""
        return ["crictl", "exec", self.id, *command]

    def describe(self) -> str:
        return f"{self.what} ({self.id[:13]}) through crictl exec"


def has_command(host: RemoteHost, name: str) -> bool:
    """Whether the host's own PATH has ``name`` (the shell's `command -v`)."""
    out = host.run(["sh", "-c", 'command -v "$1" >/dev/null || exit 1', "sh", name])
    if out.rc not in (0, 1):
        raise Unverifiable(f"{host.label}: cannot look for {name}: {out.last_error_line()}")
    return out.rc == 0


def find_container(host: RemoteHost, namespace: str, container: str, pod: str | None = None) -> Container:
    """The running container ``container`` of a pod in ``namespace`` (of pod ``pod`` when given)."""
    labels = {POD_NAMESPACE: namespace, **({POD_NAME: pod} if pod else {}), CONTAINER_NAME: container}
    argv = ["crictl", "ps", "-q", *(arg for k, v in labels.items() for arg in ("--label", f"{k}={v}"))]
    out = host.run(argv)
    what = f"container {container} of {namespace}/{pod or '*'}"
    if out.rc != 0:
        raise Unverifiable(f"{host.label}: crictl ps: {out.last_error_line()}")
    ids = out.stdout.split()
    if not ids:
        raise Unverifiable(f"{host.label}: no running {what} (crictl ps shows none)")
    return Container(host, ids[0], what)
