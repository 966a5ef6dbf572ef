"""Checks on the machines themselves (nodes and routers), run through testinfra over SSH.

``HostsSpec`` says which hosts a run may reach; ``HostPool`` holds their connections for the
run; the pure modules (etcd, bird, ceph) turn command output into facts and problems.
testinfra itself is imported only when a run reaches a host.
"""

from ukic.hosts.spec import HostsSpec

__all__ = ["HostsSpec"]
