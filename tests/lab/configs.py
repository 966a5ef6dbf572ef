"""Configuration texts for the lab's daemons and for the SSH client that reaches them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

NODE_AS = 65534  # the cluster's private AS, as in the manual's BGPConfiguration
ROUTER_AS = 213081  # the upstream router's AS, as in the manual's BGPPeer


def sshd_config(address: str, host_key: Path, authorized_keys: Path, pid_file: Path) -> str:
    return "\n".join(
        [
            "Port 22",
            f"ListenAddress {address}",
            f"HostKey {host_key}",
            f"PidFile {pid_file}",
            f"AuthorizedKeysFile {authorized_keys}",
            "PermitRootLogin prohibit-password",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "UsePAM no",
            "StrictModes no",
            "UseDNS no",
            "PrintMotd no",
            "MaxSessions 50",
            "MaxStartups 50",
            "",
        ]
    )


def ssh_client_config(hosts: Mapping[str, tuple[str, str]], identity: Path) -> str:
    """One Host block per lab host: its address, reached through `nc` inside its namespace.

    ``hosts`` maps a host name to (namespace, address).
    """
    blocks = [
        f"Host {name}\n  HostName {address}\n  ProxyCommand ip netns exec {namespace} nc %h %p\n"
        for name, (namespace, address) in hosts.items()
    ]
    common = "\n".join(
        [
            "Host *",
            "  User root",
            f"  IdentityFile {identity}",
            "  IdentitiesOnly yes",
            "  StrictHostKeyChecking no",
            "  UserKnownHostsFile /dev/null",
            "  BatchMode yes",
            "  LogLevel ERROR",
            "",
        ]
    )
    return "\n".join([*blocks, common])


_BGP_TIMERS = "  connect delay time 1;\n  connect retry time 1;\n  error wait time 1, 4;\n"


def bird_node(
    router_id: str,
    address: str,
    blocks: Sequence[str],
    announced: Sequence[str],
    mesh: Mapping[str, str],
    router_address: str,
    next_hop: str = "keep",
) -> str:
    """A node's BIRD as calico-node's confd writes it: the IPAM blocks affine to this host as blackhole
    routes ("IP blocks for this host", bird6_aggr.cfg.template), the service network, the iBGP mesh,
    eBGP upstream.

    Towards the router a node exports everything it knows, its mesh-learned blocks
    included, as Calico does for an external peer; ``next_hop`` "keep" is keepOriginalNextHop,
    "self" is what a peer without it announces.
    """
    routes = "".join(f"  route {prefix} blackhole;\n" for prefix in blocks)
    routes += "".join(f"  route {prefix} unreachable;\n" for prefix in announced)
    peers = "".join(
        f"protocol bgp {_ident(name)} from mesh {{ neighbor {peer} as {NODE_AS}; }}\n" for name, peer in mesh.items()
    )
    return (
        f"router id {router_id};\n"
        "protocol device { scan time 10; }\n"
        f"protocol static announced {{\n  ipv6;\n{routes}}}\n"
        "template bgp mesh {\n"
        f"  local {address} as {NODE_AS};\n  direct;\n{_BGP_TIMERS}"
        "  ipv6 { import all; export where source = RTS_STATIC; gateway direct; };\n"
        "}\n"
        f"{peers}"
        "protocol bgp upstream {\n"
        f"  local {address} as {NODE_AS};\n"
        f"  neighbor {router_address} as {ROUTER_AS};\n{_BGP_TIMERS}"
        f"  ipv6 {{ import none; export all; next hop {next_hop}; }};\n"
        "}\n"
    )


def bird_router(router_id: str, address: str, nodes: Mapping[str, str]) -> str:
    """The upstream router: one eBGP session per node, importing what the nodes announce."""
    peers = "".join(
        f"protocol bgp {_ident(name)} from nodes {{ neighbor {peer} as {NODE_AS}; }}\n" for name, peer in nodes.items()
    )
    return (
        f"router id {router_id};\n"
        "protocol device { scan time 10; }\n"
        "template bgp nodes {\n"
        f"  local {address} as {ROUTER_AS};\n{_BGP_TIMERS}"
        "  ipv6 { import all; export none; };\n"
        "}\n"
        f"{peers}"
    )


def _ident(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name)


def ceph_conf(fsid: str, monitors: Mapping[str, str], folder: Path, log_dir: Path) -> str:
    """A cluster of monitors only; short election timeout so quorum forms in seconds."""
    hosts = ",".join(f"[v2:[{a}]:3300,v1:[{a}]:6789]" for a in monitors.values())
    return "\n".join(
        [
            "[global]",
            f"fsid = {fsid}",
            f"mon host = {hosts}",
            f"mon initial members = {', '.join(monitors)}",
            "ms bind ipv6 = true",
            "ms bind ipv4 = false",
            f"keyring = {folder / 'admin.keyring'}",
            f"run dir = {folder / 'run'}",
            f"admin socket = {folder / 'run'}/$cluster-$name.asok",
            f"log file = {log_dir}/ceph-$name.log",
            f"mon cluster log file = {log_dir}/ceph-cluster.log",
            "log to stderr = false",
            "err to stderr = true",
            "mon election timeout = 1",
            "mon lease = 1",
            "mon data avail warn = 2",
            "mon data avail crit = 1",
            "",
            "[mon]",
            f"mon data = {folder / 'mon'}/$cluster-$id",
            "",
        ]
    )


ADMIN_CONF_PLACEHOLDER = (
    "# lab stand-in for kubeadm's admin.conf: the check only looks for the file, never reads it\n"
    "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n"
)
