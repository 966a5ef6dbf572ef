"""The commands each check runs on a host, and the facts read from their output.

Every function raises Unverifiable naming the host when the host cannot be reached, the
command is missing, or its output makes no sense; a clean answer is parsed by the pure
modules (etcd, bird, ceph).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from ukic.hosts import bird, ceph, cri, etcd
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
    via: str = "etcdctl on the node"

    @property
    def etcd_pod(self) -> str:
        """kubeadm's static etcd pod of the node that answered, where the manual's commands run."""
        return f"{ETCD_POD_PREFIX}{self.host.name}"


#: kubeadm's stacked etcd: static pod `etcd-<node>` in kube-system, container `etcd`
#: (cmd/kubeadm/app/constants: Etcd = "etcd"; the manual lists them with component=etcd,tier=control-plane).
ETCD_POD_PREFIX = "etcd-"
ETCD_NAMESPACE = "kube-system"
ETCD_CONTAINER = "etcd"


def etcdctl(pool: HostPool, node: str, *args: str) -> list[str]:
    """etcdctl with the node's certificates, as the manual runs it (kubeadm's server pair).

    The same paths hold inside kubeadm's etcd container: its static pod mounts the host's
    /etc/kubernetes/pki/etcd at the same place (the manual's `kubectl exec ETCDPODNAME -- etcdctl
    --cacert /etc/kubernetes/pki/etcd/ca.crt ...` relies on it).
    """
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


def etcd_runner(host: RemoteHost) -> tuple[Callable[[list[str]], list[str]], str]:
    """How etcdctl runs on this node: its own, else inside its etcd container (crictl exec)."""
    if cri.has_command(host, "etcdctl"):
        return list, "etcdctl on the node"
    try:
        container = cri.find_container(host, ETCD_NAMESPACE, ETCD_CONTAINER)
    except Unverifiable as gap:
        why = str(gap).removeprefix(f"{host.label}: ")
        raise Unverifiable(f"{host.label}: no etcdctl on the node, and no etcd container to run it in: {why}") from None
    return container.argv, f"etcdctl in {container.describe()}"


def etcd_membership(pool: HostPool, control_plane: Sequence[str]) -> EtcdMembership:
    """Ask the control-plane nodes in turn until one's etcd answers the member list."""
    attempts: list[str] = []
    for node in control_plane:
        try:
            host = pool.node(node)
            inside, via = etcd_runner(host)
            listed = host.run(inside(etcdctl(pool, node, "member", "list", "-w", "json")))
            if listed.rc != 0:
                attempts.append(f"{host.label}: {via}: member list: {listed.last_error_line()}")
                continue
            members = _parsed(host, "etcdctl member list", etcd.parse_member_list, listed)
            endpoints = etcd.client_endpoints(members)
            health: dict[str, etcd.EndpointHealth] = {}
            if endpoints:
                probed = host.run(
                    inside(
                        etcdctl(pool, node, "endpoint", "health", f"--endpoints={','.join(endpoints)}", "-w", "json")
                    )
                )
                if not probed.stdout.strip():
                    raise Unverifiable(f"{host.label}: {via}: endpoint health: {probed.last_error_line()}")
                health = _parsed(host, "etcdctl endpoint health", etcd.parse_endpoint_health, probed)
            return EtcdMembership(host, members, health, via)
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
#: ceph's own default configuration file (`/etc/ceph/$cluster.conf`, cluster "ceph").
DEFAULT_CEPH_CONF = "/etc/ceph/ceph.conf"
#: Rook's monitor container (rook v1.7 pkg/operator/ceph/cluster/mon/spec.go: container "mon").
MON_CONTAINER = "mon"


@dataclass(frozen=True)
class MonitorPod:
    """A Rook monitor pod as the API shows it: where it runs and which monitor it is."""

    namespace: str
    name: str
    node: str
    mon: str  # the monitor's id, Rook's `mon` label (a, b, c, ...)


@dataclass(frozen=True)
class CephView:
    """The quorum as read on one host, and how."""

    host: RemoteHost
    status: ceph.QuorumStatus
    via: str


def ceph_hosts(pool: HostPool, control_plane: Sequence[str]) -> list[Callable[[], RemoteHost]]:
    """Where to run `ceph`: the one host the spec names, else the given nodes in turn."""
    chosen = pool.spec.ceph.host
    if chosen is None:
        return [lambda node=node: pool.node(node) for node in control_plane]
    if "://" in chosen:
        return [lambda: pool.host("ceph host", chosen, chosen)]
    if chosen in pool.spec.routers:
        return [lambda: pool.router(chosen)]
    return [lambda: pool.node(chosen)]


def ceph_quorum(pool: HostPool, nodes: Sequence[str], monitors: Sequence[MonitorPod] = ()) -> CephView:
    """The quorum from the first host that can say: `ceph quorum_status` where the host has a ceph.conf,
    else the admin socket of a monitor running on it (inside its container, through crictl).

    A monitor outside the quorum only knows its own state; the next one is asked, and its view is
    used only when no monitor in the quorum answers.
    """
    access = pool.spec.ceph
    conf = access.conf or DEFAULT_CEPH_CONF
    argv = ["ceph", *(["--conf", access.conf] if access.conf else []), "--connect-timeout", "10"]
    attempts: list[str] = []
    outside: CephView | None = None
    for reach in ceph_hosts(pool, nodes):
        try:
            host = reach()
            if file_present(host, conf):
                out = host.run([*argv, "quorum_status", "-f", "json"])
                if out.rc != 0:
                    attempts.append(f"{host.label}: ceph quorum_status: {out.last_error_line()}")
                    continue
                status = _parsed(host, "ceph quorum_status", ceph.parse_quorum_status, out)
                return CephView(host, status, f"ceph quorum_status with {conf}")
            here = [m for m in monitors if m.node == host.name]
            if not here:
                attempts.append(f"{host.label}: no {conf} and no monitor runs on it")
                continue
            for mon in here:
                view = _monitor_view(pool, host, mon)
                if view.status.current:
                    return view
                attempts.append(f"{host.label}: monitor {mon.mon} is {view.status.asked_state}, outside the quorum")
                outside = outside or view
        except Unverifiable as gap:
            attempts.append(str(gap))
    if outside is not None:
        return outside
    if not attempts:
        raise Unverifiable("no node to run `ceph` on (give --ceph-host)")
    raise Unverifiable("no host could read the Ceph quorum: " + "; ".join(attempts))


def _monitor_view(pool: HostPool, host: RemoteHost, mon: MonitorPod) -> CephView:
    """One monitor's `mon_status` through its admin socket, inside its container."""
    container = cri.find_container(host, mon.namespace, MON_CONTAINER, mon.name)
    socket = pool.spec.ceph.admin_socket.replace("{mon}", mon.mon)
    out = host.run(container.argv(["ceph", "--admin-daemon", socket, "mon_status"]))
    if out.rc != 0:
        raise Unverifiable(f"{host.label}: monitor {mon.mon}: ceph --admin-daemon {socket}: {out.last_error_line()}")
    status = _parsed(host, f"monitor {mon.mon}'s mon_status", ceph.parse_mon_status, out)
    return CephView(host, status, f"monitor {mon.mon}'s admin socket in {container.describe()}")


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
