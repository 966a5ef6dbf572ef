"""A stand-in for crictl on the lab's nodes: no CRI runtime (CRI-O, containerd) can run on this machine.

The process boundary under test is ukic running `crictl ps` and `crictl exec` over SSH and reading
what the real etcdctl and ceph print. The stand-in answers those two commands the way crictl v1.22
does (cmd/crictl/container.go, exec.go) from a per-node registry of "containers": each is one of the
lab's real daemons (its etcd, its ceph-mon), running while that daemon runs. `exec` runs the command
on the node with the container's own bin folder first on PATH, so an etcdctl that the node itself
lacks is still there "inside the container", as in kubeadm's etcd image.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

POD_NAMESPACE = "io.kubernetes.pod.namespace"
POD_NAME = "io.kubernetes.pod.name"
CONTAINER_NAME = "io.kubernetes.container.name"


ROOK_NAMESPACE = "rook-ceph"


def etcd_pod(node: str) -> str:
    """kubeadm's static etcd pod on ``node``."""
    return f"etcd-{node}"


def mon_pod(node: str) -> str:
    """The Rook monitor pod the lab's monitor on ``node`` stands for (its mon id is the node name)."""
    return f"rook-ceph-mon-{node}-{hashlib.sha256(node.encode()).hexdigest()[:5]}"


@dataclass(frozen=True)
class LabContainer:
    namespace: str
    pod: str
    name: str
    pid_file: str  # the lab daemon behind it: running while this pid lives
    bin: str = ""  # the container's own programs, first on PATH for `exec`
    labels: Mapping[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return hashlib.sha256(f"{self.namespace}/{self.pod}/{self.name}".encode()).hexdigest()

    def record(self) -> dict[str, object]:
        kubelet = {POD_NAMESPACE: self.namespace, POD_NAME: self.pod, CONTAINER_NAME: self.name}
        return {**asdict(self), "id": self.id, "labels": {**kubelet, **self.labels}}


def install(bin_dir: Path, registry: Path, containers: list[LabContainer]) -> Path:
    """Write the registry and the crictl script reading it into ``bin_dir``; returns the script."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    registry.write_text(json.dumps([c.record() for c in containers], indent=1))
    python = "/usr/bin/python3" if Path("/usr/bin/python3").exists() else sys.executable
    script = bin_dir / "crictl"
    script.write_text(f"#!{python}\n" + _SCRIPT.replace("@REGISTRY@", json.dumps(str(registry))))
    script.chmod(0o755)
    return script


def container_bin(folder: Path, *programs: str) -> Path:
    """A container's own bin folder holding these host programs (hard links where possible: a copy
    of the program, unaffected when the node's own path to it is hidden)."""
    folder.mkdir(parents=True, exist_ok=True)
    for program in programs:
        source = Path(shutil.which(program) or program).resolve()
        target = folder / program
        if target.exists():
            continue
        try:
            os.link(source, target)
        except OSError:
            shutil.copy2(source, target)
    return folder


_SCRIPT = r'''"""Lab stand-in for crictl: `ps` and `exec` over the lab's container registry (see tests/lab/cri.py)."""
import json
import os
import subprocess
import sys

REGISTRY = @REGISTRY@


def running(container):
    try:
        with open(container["pid_file"]) as handle:
            os.kill(int(handle.read().strip()), 0)
        return True
    except (OSError, ValueError):
        return False


def ps(args):
    labels, quiet, every = {}, False, False
    while args:
        arg = args.pop(0)
        if arg == "--label":
            key, _, value = args.pop(0).partition("=")
            labels[key] = value
        elif arg in ("-q", "--quiet"):
            quiet = True
        elif arg in ("-a", "--all"):
            every = True
        else:
            sys.exit(f"crictl stand-in: ps {arg}: not supported")
    for container in json.load(open(REGISTRY)):
        if not every and not running(container):
            continue
        if all(container["labels"].get(k) == v for k, v in labels.items()):
            print(container["id"] if quiet else f"{container['id'][:13]}  {container['name']}  {container['pod']}")


def exec_(args):
    while args and args[0].startswith("-"):
        flag = args.pop(0)
        if flag == "--timeout":
            args.pop(0)
    if len(args) < 2:
        sys.exit("crictl stand-in: exec CONTAINER-ID COMMAND [ARG...]")
    wanted, command = args[0], args[1:]
    found = [c for c in json.load(open(REGISTRY)) if c["id"].startswith(wanted)]
    if not found or not running(found[0]):
        sys.exit(f'FATA[0000] execing command in container: could not find container "{wanted}"')
    env = dict(os.environ, PATH=found[0]["bin"] + ":" + os.environ.get("PATH", "/usr/bin:/bin"))
    done = subprocess.run(command, env=env)
    if done.returncode != 0:
        sys.exit(f"FATA[0000] execing command in container: command terminated with exit code {done.returncode}")


command, rest = (sys.argv[1], sys.argv[2:]) if len(sys.argv) > 1 else ("", [])
if command == "ps":
    ps(rest)
elif command == "exec":
    exec_(rest)
else:
    sys.exit(f"crictl stand-in: {command or '(no command)'}: only ps and exec are stood in for")
'''
