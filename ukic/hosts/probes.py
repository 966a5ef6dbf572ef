"""The commands each check runs on a host, and the facts read from their output.

Every function raises Unverifiable naming the host when the host cannot be reached, the
command is missing, or its output makes no sense; a clean answer is parsed by the pure
modules (etcd, bird, ceph).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from ukic.hosts import bird, ceph, etcd
from ukic.hosts.pool import HostPool, Output, RemoteHost
from ukic.outcome import Unverifiable

T = TypeVar("T")
IPV6_FORWARDING = "net.ipv6.conf.all.forwarding"


def _parsed(host: RemoteHost, what: str, parse: Callable[[str], T], output: Output) -> T:
    try:
        return parse(output.stdout)
    except ValueError as exc:
        raise Unverifiable(f"{host.label}: {what}: {exc}") from None


# -- etcd ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class EtcdMembership:
    """The member list and each member's health, as one control-plane node saw them."""

    host: RemoteHost
    members: list[etcd.EtcdMember]
    health: dict[str, etcd.EndpointHealth]


def etcdctl(pool: HostPool, node: str, *args: str) -> list[str]:
    """etcdctl with the node's certificates, as the manual runs it (kubeadm's server pair)."""
    access = pool.spec.etcd
    pki = pool.spec.node_path(access.pki, node)
    return [
        "etcdctl",
        f"--endpoints={access.endpoint}",
        f"--cacert={pki}/ca.crt",
        f"--cert={pki}/server.crt",
        f"--key={pki}/server.key",
        "--dial-timeout=2s",
        "--command-timeout=5s",
        *args,
    ]


def etcd_membership(pool: HostPool, control_plane: Sequence[str]) -> EtcdMembership:
    """Ask the control-plane nodes in turn until one's etcd answers the member list."""
    attempts: list[str] = []
    for node in control_plane:
        try:
            host = pool.node(node)
            listed = host.run(etcdctl(pool, node, "member", "list", "-w", "json"))
            if listed.rc != 0:
                attempts.append(f"{host.label}: etcdctl member list: {listed.last_error_line()}")
                continue
            members = _parsed(host, "etcdctl member list", etcd.parse_member_list, listed)
            endpoints = etcd.client_endpoints(members)
            health: dict[str, etcd.EndpointHealth] = {}
            if endpoints:
                probed = host.run(
                    etcdctl(pool, node, "endpoint", "health", f"--endpoints={','.join(endpoints)}", "-w", "json")
                )
                if not probed.stdout.strip():
                    raise Unverifiable(f"{host.label}: etcdctl endpoint health: {probed.last_error_line()}")
                health = _parsed(host, "etcdctl endpoint health", etcd.parse_endpoint_health, probed)
            return EtcdMembership(host, members, health)
        except Unverifiable as gap:
            attempts.append(str(gap))
    if not attempts:
        raise Unverifiable("no control-plane node in the cluster's Node objects: nowhere to ask etcd")
    raise Unverifiable("no control-plane node answered for etcd: " + "; ".join(attempts))


# -- node files and settings -----------------------------------------------------------------------
def ipv6_forwarding(host: RemoteHost) -> str:
    """The node's net.ipv6.conf.all.forwarding ("1" when on)."""
    out = host.run(["cat", "/proc/sys/" + IPV6_FORWARDING.replace(".", "/")])
    if out.rc != 0:
        raise Unverifiable(f"{host.label}: cannot read {IPV6_FORWARDING}: {out.last_error_line()}")
    return out.stdout.strip()


def file_present(host: RemoteHost, path: str) -> bool:
    """A regular, non-empty file (its content is never read: admin.conf holds credentials)."""
    out = host.run(["test", "-f", path, "-a", "-s", path])
    if out.rc not in (0, 1):
        raise Unverifiable(f"{host.label}: cannot look for {path}: {out.last_error_line()}")
    return out.rc == 0


# -- ceph ------------------------------------------------------------------------------------------
def ceph_hosts(pool: HostPool, control_plane: Sequence[str]) -> list[Callable[[], RemoteHost]]:
    """Where to run `ceph`: the one host the spec names, else the control-plane nodes in turn."""
    chosen = pool.spec.ceph.host
    if chosen is None:
        return [lambda node=node: pool.node(node) for node in control_plane]
    if "://" in chosen:
        return [lambda: pool.host("ceph host", chosen, chosen)]
    if chosen in pool.spec.routers:
        return [lambda: pool.router(chosen)]
    return [lambda: pool.node(chosen)]


def ceph_quorum(pool: HostPool, control_plane: Sequence[str]) -> tuple[RemoteHost, ceph.QuorumStatus]:
    conf = pool.spec.ceph.conf
    argv = ["ceph", *(["--conf", conf] if conf else []), "--connect-timeout", "10", "quorum_status", "-f", "json"]
    attempts: list[str] = []
    for reach in ceph_hosts(pool, control_plane):
        try:
            host = reach()
            out = host.run(argv)
            if out.rc != 0:
                attempts.append(f"{host.label}: ceph quorum_status: {out.last_error_line()}")
                continue
            return host, _parsed(host, "ceph quorum_status", ceph.parse_quorum_status, out)
        except Unverifiable as gap:
            attempts.append(str(gap))
    if not attempts:
        raise Unverifiable("no control-plane node to run `ceph` on (give --ceph-host)")
    raise Unverifiable("no host could read the Ceph quorum: " + "; ".join(attempts))


# -- routers ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RouterView:
    """What one router's BIRD holds."""

    host: RemoteHost
    protocols: list[bird.BgpProtocol]
    routes: list[bird.Route]


def birdc(pool: HostPool, router: str, *command: str) -> list[str]:
    socket = pool.spec.birdc_socket
    return ["birdc", *(["-s", pool.spec.router_path(socket, router)] if socket else []), *command]


def router_view(pool: HostPool, host: RemoteHost) -> RouterView:
    def ask(*command: str) -> Output:
        out = host.run(birdc(pool, host.name, *command))
        if out.rc != 0:
            raise Unverifiable(f"{host.label}: birdc {' '.join(command)}: {out.last_error_line()}")
        return out

    protocols = bird.parse_protocols(ask("show", "protocols", "all").stdout)
    routes = bird.parse_routes(ask("show", "route", "all").stdout)
    return RouterView(host, protocols, routes)
