"""Checks on the machines themselves (nodes and routers), run through testinfra over SSH.

``HostsSpec`` says which hosts a run may reach; ``HostPool`` holds their connections for the
run; the pure modules (etcd, bird, ceph) turn command output into facts and problems.
The spec loads on first use and testinfra only when a run reaches a host, so
`ukic --help` pays for neither.
"""

from __future__ import annotations

from typing import Any

__all__ = ["NO_NODE_HOSTS", "NO_ROUTERS", "HostsSpec"]

NO_NODE_HOSTS = "no node hosts given: node checks need --host NAME=URL or --host-template"
NO_ROUTERS = "no routers given: router checks need --router NAME=URL"


def __getattr__(name: str) -> Any:
    if name == "HostsSpec":
        from ukic.hosts.spec import HostsSpec

        return HostsSpec
    raise AttributeError(f"module 'ukic.hosts' has no attribute {name!r}")
