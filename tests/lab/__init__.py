"""A miniature ungleich site in IPv6 network namespaces, for testing the node and router checks.

Three nodes and one upstream router on one bridge: every node runs sshd, BIRD (iBGP full mesh
in AS 65534, eBGP to the router in AS 213081), a TLS etcd member and a ceph-mon; the router
runs BIRD and sshd. Everything listens on addresses inside namespaces the lab made, and
everything it starts is stopped by pid file before its namespaces are deleted.
"""

from tests.lab.site import Lab, LabUnavailable, lab_prerequisites

__all__ = ["Lab", "LabUnavailable", "lab_prerequisites"]
