"""Network namespaces joined by a bridge namespace, with IPv6 addresses that are usable at once."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence


def ip(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run one `ip` command; a failure names the command and what ip said."""
    done = subprocess.run(["ip", *args], capture_output=True, text=True, check=False)
    if check and done.returncode != 0:
        raise RuntimeError(f"ip {' '.join(args)}: {done.stderr.strip() or done.returncode}")
    return done


def in_netns(namespace: str, argv: Sequence[str]) -> list[str]:
    """The argv that runs a command inside a namespace."""
    return ["ip", "netns", "exec", namespace, *argv]


def create_namespace(name: str) -> None:
    ip("netns", "add", name)
    ip("-n", name, "link", "set", "lo", "up")


def create_bridge(namespace: str, bridge: str = "br0") -> None:
    ip("-n", namespace, "link", "add", bridge, "type", "bridge")
    ip("-n", namespace, "link", "set", bridge, "up")


def attach(bridge_ns: str, port: str, member_ns: str, address: str, prefix: int, bridge: str = "br0") -> None:
    """A veth from the bridge to ``member_ns`` (named eth0 there) carrying ``address``.

    The address is added with nodad: duplicate address detection would keep it tentative
    (unusable for binding) for a second or two.
    """
    ip("-n", bridge_ns, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", member_ns)
    ip("-n", bridge_ns, "link", "set", port, "master", bridge, "up")
    ip("-n", member_ns, "addr", "add", f"{address}/{prefix}", "dev", "eth0", "nodad")
    ip("-n", member_ns, "link", "set", "eth0", "up")


def set_sysctl(namespace: str, key: str, value: str) -> None:
    """Set a per-namespace sysctl (net.*) inside ``namespace``, through /proc (no procps needed)."""
    path = "/proc/sys/" + key.replace(".", "/")
    done = subprocess.run(
        in_netns(namespace, ["sh", "-c", 'echo "$0" > "$1"', value, path]), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"sysctl {key}={value} in {namespace}: {done.stderr.strip()}")


def namespace_pids(name: str) -> list[int]:
    """Processes still running inside a namespace."""
    done = ip("netns", "pids", name, check=False)
    return [int(word) for word in done.stdout.split() if word.isdigit()]


def delete_namespace(name: str) -> None:
    ip("netns", "del", name, check=False)


def existing_namespaces() -> set[str]:
    done = ip("netns", "list", check=False)
    return {line.split()[0] for line in done.stdout.splitlines() if line.strip()}
