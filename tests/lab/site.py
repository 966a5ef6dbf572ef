"""The lab itself: build, wait until healthy, inject faults and undo them, tear down."""

from __future__ import annotations

import json
import os
import re
import secrets
import shlex
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.lab import configs, cri, netns, pki
from tests.lab.processes import Daemon, kill_pid, run, wait_until
from ukic.hosts.spec import HostsSpec
from ukic.validate import convert

SUBNET_PREFIX = 64
POD_SUBNET = "fd00:10:244::/64"
#: Calico IPAM blocks (/122, the IPv6 default blockSize) each node has affinity for. Calico picks a
#: pool's blocks in a host-seeded random order, so they are scattered, and a busy node holds several.
IPAM_BLOCKS = {
    "node1": ("fd00:10:244::e2c0/122", "fd00:10:244::1:8f40/122"),
    "node2": ("fd00:10:244::4d80/122",),
    "node3": ("fd00:10:244::b300/122",),
}
SERVICE_SUBNET = "fd00:10:96::/108"
BINARIES = (
    "ip",
    "nc",
    "openssl",
    "ssh",
    "ssh-keygen",
    "/usr/sbin/sshd",
    "bird",
    "birdc",
    "etcd",
    "etcdctl",
    "ceph-mon",
    "ceph",
    "ceph-authtool",
    "monmaptool",
)


#: Where each node's sessions find the crictl stand-in: a folder on root's PATH that Debian leaves
#: empty, bound over only inside that node's sshd mount namespace.
SESSION_BIN = Path("/usr/local/sbin")


class LabUnavailable(Exception):
    """The lab cannot run on this machine; the message says why (becomes the skip reason)."""


@dataclass(frozen=True)
class Machine:
    """One lab machine: a node (runs everything) or the router (BIRD and sshd)."""

    name: str
    namespace: str
    address: str
    router_id: str
    pod_blocks: tuple[str, ...] = ()  # nodes only: the Calico IPAM blocks affine to it
    node: bool = False

    @property
    def is_node(self) -> bool:
        return self.node


def lab_prerequisites() -> str | None:
    """Why the lab cannot run here, or None when it can."""
    if os.geteuid() != 0:
        return "the IPv6 lab needs root to create network namespaces"
    missing = [b for b in BINARIES if shutil.which(b) is None]
    if missing:
        return (
            f"the IPv6 lab needs {', '.join(missing)} "
            "(Debian: openssh-server openssh-client bird2 etcd-server etcd-client ceph-mon ceph-common iproute2 "
            "netcat-openbsd openssl)"
        )
    probe = f"ukl-probe-{secrets.token_hex(3)}"
    done = subprocess.run(["ip", "netns", "add", probe], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return f"network namespaces cannot be created here (ip netns add: {done.stderr.strip()})"
    netns.delete_namespace(probe)
    return None


class Lab:
    """Three nodes (node1..node3, all control-plane) and router1 on fd00:5eed::/64."""

    NODES = ("node1", "node2", "node3")
    ROUTER = "router1"

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="ukic-lab-"))
        token = secrets.token_hex(2)
        self.bridge_ns = f"ukl-{token}-br"
        self.machines: dict[str, Machine] = {}
        for index, name in enumerate(self.NODES, start=1):
            self.machines[name] = Machine(
                name,
                f"ukl-{token}-{name}",
                f"fd00:5eed::1{index}",
                f"10.255.0.1{index}",
                pod_blocks=IPAM_BLOCKS[name],
                node=True,
            )
        self.machines[self.ROUTER] = Machine(self.ROUTER, f"ukl-{token}-{self.ROUTER}", "fd00:5eed::50", "10.255.0.50")
        self.daemons: dict[str, Daemon] = {}
        self._namespaces: list[str] = []
        for sub in ("run", "log", "ssh", "etcd", "ceph/run", "ceph/mon"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        self.hidden: dict[str, tuple[str, ...]] = {}  # per node: paths its SSH sessions do not see
        self.setup_seconds: float | None = None
        self.broken: str | None = None  # set when a fault could not be undone
        self.run_seconds: list[float] = []  # how long each harness run on the lab took

    # -- where things are --------------------------------------------------------------
    @property
    def nodes(self) -> list[Machine]:
        return [m for m in self.machines.values() if m.is_node]

    @property
    def router(self) -> Machine:
        return self.machines[self.ROUTER]

    @property
    def ssh_config(self) -> Path:
        return self.root / "ssh" / "config"

    @property
    def ceph_conf(self) -> Path:
        return self.root / "ceph" / "ceph.conf"

    def node_dir(self, name: str) -> Path:
        return self.root / "nodes" / name

    def etcd_pki(self, name: str) -> Path:
        return self.node_dir(name) / "pki" / "etcd"

    def admin_conf(self, name: str) -> Path:
        return self.node_dir(name) / "kubernetes" / "admin.conf"

    def mon_socket(self, mon: str) -> Path:
        """A monitor's admin socket (ceph.conf: admin socket = <run dir>/$cluster-$name.asok)."""
        return self.root / "ceph" / "run" / f"ceph-mon.{mon}.asok"

    def bird_socket(self, name: str) -> Path:
        return self.root / "run" / f"bird-{name}.ctl"

    def bird_conf(self, name: str) -> Path:
        return self.root / "run" / f"bird-{name}.conf"

    def hosts_spec(self, **changes: Any) -> HostsSpec:
        """How the checks reach the lab: nodes by name through the lab's ssh config, files in per-node folders."""
        data: dict[str, Any] = {
            "node_template": "ssh://root@{node}",
            "routers": {self.ROUTER: f"ssh://root@{self.ROUTER}"},
            "ssh_config": str(self.ssh_config),
            "connect_timeout": 5,
            "etcd": {"pki": str(self.root / "nodes" / "{node}" / "pki" / "etcd")},
            "admin_conf": str(self.root / "nodes" / "{node}" / "kubernetes" / "admin.conf"),
            "ceph": {
                "conf": str(self.ceph_conf),
                "admin_socket": str(self.root / "ceph" / "run" / "ceph-mon.{mon}.asok"),
            },
            "birdc_socket": str(self.root / "run" / "bird-{router}.ctl"),
        }
        data.update(changes)
        return convert(data, HostsSpec, strict=False)

    # -- life cycle --------------------------------------------------------------------
    def __enter__(self) -> Lab:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        """Build everything and wait until every daemon is healthy; on failure, clean up and raise."""
        began = time.monotonic()
        try:
            with ThreadPoolExecutor(max_workers=4) as pool:
                keys = pool.submit(self._make_keys)
                ceph = pool.submit(self._make_ceph)
                self._make_network()
                keys.result()
                ceph.result()
            self._write_configs()
            for machine in self.machines.values():
                self._add_daemons(machine)
            for daemon in self.daemons.values():
                daemon.start()
            self.wait_healthy(timeout=30)
        except BaseException:
            self.close()
            raise
        self.setup_seconds = time.monotonic() - began

    def close(self) -> None:
        """Stop every daemon by its pid file, sweep what is left in our namespaces, delete them."""
        with ThreadPoolExecutor(max_workers=8) as pool:
            for daemon in self.daemons.values():
                pool.submit(daemon.stop, 2)
        for namespace in self._namespaces:
            for pid in netns.namespace_pids(namespace):
                with suppress(Exception):
                    kill_pid(pid, grace=1)
            netns.delete_namespace(namespace)
        self._namespaces.clear()
        if not os.environ.get("UKIC_LAB_KEEP"):
            shutil.rmtree(self.root, ignore_errors=True)

    # -- building ----------------------------------------------------------------------
    def _make_network(self) -> None:
        netns.create_namespace(self.bridge_ns)
        self._namespaces.append(self.bridge_ns)
        netns.create_bridge(self.bridge_ns)
        for machine in self.machines.values():
            netns.create_namespace(machine.namespace)
            self._namespaces.append(machine.namespace)
            netns.attach(self.bridge_ns, f"v-{machine.name}", machine.namespace, machine.address, SUBNET_PREFIX)
            if machine.is_node:
                netns.set_sysctl(machine.namespace, "net.ipv6.conf.all.forwarding", "1")

    def _make_keys(self) -> None:
        ssh = self.root / "ssh"
        pki.ssh_key(ssh / "host_ed25519", "ukic-lab-host")
        pki.ssh_key(ssh / "client_ed25519", "ukic-lab-client")
        (ssh / "authorized_keys").write_text((ssh / "client_ed25519.pub").read_text())
        ca = self.root / "etcd-ca"
        pki.etcd_ca(ca)
        for node in self.nodes:
            pki.etcd_member_cert(ca, self.etcd_pki(node.name), node.name, [node.address, "::1"])
            self.admin_conf(node.name).parent.mkdir(parents=True, exist_ok=True)
            self.admin_conf(node.name).write_text(configs.ADMIN_CONF_PLACEHOLDER)

    def _make_ceph(self) -> None:
        folder = self.root / "ceph"
        monitors = {n.name: n.address for n in self.nodes}
        self.ceph_conf.write_text(configs.ceph_conf(str(uuid.uuid4()), monitors, folder, self.root / "log"))
        mon_key, admin_key = str(folder / "mon.keyring"), str(folder / "admin.keyring")
        run(
            ["ceph-authtool", "--create-keyring", mon_key, "--gen-key", "-n", "mon.", "--cap", "mon", "allow *"],
            "mon keyring",
        )
        run(
            [
                "ceph-authtool",
                "--create-keyring",
                admin_key,
                "--gen-key",
                "-n",
                "client.admin",
                "--cap",
                "mon",
                "allow *",
                "--cap",
                "osd",
                "allow *",
                "--cap",
                "mgr",
                "allow *",
            ],
            "admin keyring",
        )
        run(["ceph-authtool", mon_key, "--import-keyring", admin_key], "mon keyring import")
        fsid = re.search(r"fsid = (\S+)", self.ceph_conf.read_text())
        assert fsid is not None
        monmap = str(folder / "monmap")
        add = [a for name, addr in monitors.items() for a in ("--addv", name, f"[v2:[{addr}]:3300,v1:[{addr}]:6789]")]
        run(["monmaptool", "--create", "--fsid", fsid.group(1), *add, monmap], "monmap")
        with ThreadPoolExecutor(max_workers=3) as pool:
            for done in [
                pool.submit(
                    run,
                    [
                        "ceph-mon",
                        "--mkfs",
                        "-i",
                        name,
                        "-c",
                        str(self.ceph_conf),
                        "--monmap",
                        monmap,
                        "--keyring",
                        mon_key,
                    ],
                    f"ceph-mon --mkfs {name}",
                )
                for name in monitors
            ]:
                done.result()

    def _write_configs(self) -> None:
        ssh = self.root / "ssh"
        hosts = {m.name: (m.namespace, m.address) for m in self.machines.values()}
        self.ssh_config.write_text(configs.ssh_client_config(hosts, ssh / "client_ed25519"))
        for machine in self.machines.values():
            (ssh / f"sshd-{machine.name}.conf").write_text(
                configs.sshd_config(
                    machine.address,
                    ssh / "host_ed25519",
                    ssh / "authorized_keys",
                    self.root / "run" / f"sshd-{machine.name}.sshd-pid",
                )
            )
            self.write_bird_conf(machine.name)
        self._install_crictl()

    def _install_crictl(self) -> None:
        """Each node's crictl stand-in, and the containers it shows: the node's etcd and ceph-mon."""
        etcd_bin = cri.container_bin(self.root / "containers" / "etcd" / "bin", "etcdctl")
        mon_bin = cri.container_bin(self.root / "containers" / "mon" / "bin", "ceph")
        for node in self.nodes:
            pid = self.root / "run"
            containers = [
                cri.LabContainer("kube-system", cri.etcd_pod(node.name), "etcd", str(pid / f"etcd-{node.name}.pid"),
                                 str(etcd_bin), {"component": "etcd", "tier": "control-plane"}),
                cri.LabContainer(cri.ROOK_NAMESPACE, cri.mon_pod(node.name), "mon", str(pid / f"mon-{node.name}.pid"),
                                 str(mon_bin), {"app": "rook-ceph-mon", "mon": node.name}),
            ]  # fmt: skip
            cri.install(self.node_dir(node.name) / "bin", self.node_dir(node.name) / "cri.json", containers)

    def write_bird_conf(self, name: str, next_hop: str = "keep") -> None:
        machine = self.machines[name]
        if machine.is_node:
            mesh = {n.name: n.address for n in self.nodes if n.name != name}
            text = configs.bird_node(
                machine.router_id,
                machine.address,
                machine.pod_blocks,
                [SERVICE_SUBNET],
                mesh,
                self.router.address,
                next_hop=next_hop,
            )
        else:
            text = configs.bird_router(machine.router_id, machine.address, {n.name: n.address for n in self.nodes})
        self.bird_conf(name).write_text(text)

    def _add_daemons(self, machine: Machine) -> None:
        def add(kind: str, argv: Sequence[str]) -> None:
            name = f"{kind}-{machine.name}"
            self.daemons[name] = Daemon(name, machine.namespace, argv, self.root / "run", self.root / "log")

        Path("/run/sshd").mkdir(exist_ok=True)  # sshd's privilege-separation folder
        add("sshd", self.sshd_argv(machine.name))
        add(
            "bird",
            [
                "bird",
                "-f",
                "-c",
                str(self.bird_conf(machine.name)),
                "-s",
                str(self.bird_socket(machine.name)),
                "-P",
                str(self.root / "run" / f"bird-{machine.name}.bird-pid"),
            ],
        )
        if machine.is_node:
            add("etcd", self.etcd_argv(machine.name, "new"))
            add("mon", ["ceph-mon", "-f", "-i", machine.name, "-c", str(self.ceph_conf)])

    def sshd_argv(self, name: str) -> list[str]:
        """sshd in its own mount namespace (the one `ip netns exec` makes): sessions get a clean root home
        (bash reads ~/.bashrc for every ssh command), nodes the crictl stand-in on PATH, and the
        paths hidden from this machine (`node_without`) covered by /dev/null."""
        home = self.root / "home"
        home.mkdir(exist_ok=True)
        mounts = [f"mount --bind {shlex.quote(str(home))} /root"]
        if self.machines[name].is_node:
            mounts.append(f"mount --bind {shlex.quote(str(self.node_dir(name) / 'bin'))} {SESSION_BIN}")
        mounts += [f"mount --bind /dev/null {shlex.quote(path)}" for path in self.hidden.get(name, ())]
        config = self.root / "ssh" / f"sshd-{name}.conf"
        return ["sh", "-c", " && ".join([*mounts, f"exec /usr/sbin/sshd -D -e -f {shlex.quote(str(config))}"])]

    def etcd_argv(self, name: str, state: str) -> list[str]:
        machine = self.machines[name]
        folder = self.etcd_pki(name)
        cluster = ",".join(f"{n.name}=https://[{n.address}]:2380" for n in self.nodes)
        tls = [str(folder / f) for f in ("ca.crt", "server.crt", "server.key")]
        return [
            "etcd",
            "--name",
            name,
            "--data-dir",
            str(self.root / "etcd" / name),
            "--listen-client-urls",
            f"https://[{machine.address}]:2379,https://[::1]:2379",
            "--advertise-client-urls",
            f"https://[{machine.address}]:2379",
            "--listen-peer-urls",
            f"https://[{machine.address}]:2380",
            "--initial-advertise-peer-urls",
            f"https://[{machine.address}]:2380",
            "--initial-cluster",
            cluster,
            "--initial-cluster-state",
            state,
            "--initial-cluster-token",
            "ukic-lab",
            "--client-cert-auth",
            "--trusted-ca-file",
            tls[0],
            "--cert-file",
            tls[1],
            "--key-file",
            tls[2],
            "--peer-client-cert-auth",
            "--peer-trusted-ca-file",
            tls[0],
            "--peer-cert-file",
            tls[1],
            "--peer-key-file",
            tls[2],
            "--heartbeat-interval",
            "50",
            "--election-timeout",
            "500",
            "--logger",
            "zap",
            "--log-level",
            "warn",
        ]

    # -- looking at the lab (independently of the checks under test) ---------------------
    def in_ns(self, name: str, argv: Sequence[str], timeout: float = 15) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            netns.in_netns(self.machines[name].namespace, argv),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def birdc(self, name: str, *command: str) -> str:
        done = subprocess.run(
            ["birdc", "-s", str(self.bird_socket(name)), *command], capture_output=True, text=True, check=False
        )
        return done.stdout

    def etcdctl(self, node: str, *args: str) -> subprocess.CompletedProcess[str]:
        folder = self.etcd_pki(node)
        return self.in_ns(
            node,
            [
                "etcdctl",
                "--endpoints",
                "https://[::1]:2379",
                "--cacert",
                str(folder / "ca.crt"),
                "--cert",
                str(folder / "server.crt"),
                "--key",
                str(folder / "server.key"),
                "--dial-timeout",
                "1s",
                "--command-timeout",
                "3s",
                *args,
            ],
        )

    def quorum(self, node: str = "node1") -> list[str]:
        done = self.in_ns(
            node, ["ceph", "-c", str(self.ceph_conf), "--connect-timeout", "5", "quorum_status", "-f", "json"]
        )
        if done.returncode != 0:
            return []
        return sorted(json.loads(done.stdout).get("quorum_names", []))

    def sshd_listening(self, name: str) -> bool:
        return self.in_ns(name, ["nc", "-z", self.machines[name].address, "22"], timeout=5).returncode == 0

    def sessions_established(self) -> int:
        return self.birdc(self.ROUTER, "show", "protocols").count("Established")

    def session_established(self, node: str) -> bool:
        text = self.birdc(self.ROUTER, "show", "protocols", node)
        return "Established" in text

    def next_hops(self, prefix: str) -> list[str]:
        """The gateways of every route the router holds for ``prefix``."""
        text = self.birdc(self.ROUTER, "show", "route", "for", prefix, "all")
        return re.findall(r"via (\S+) on ", text)

    def routes_converged(self) -> bool:
        """Every IPAM block reaches the router from every node, always via the node it is affine to."""
        for node in self.nodes:
            for block in node.pod_blocks:
                hops = self.next_hops(block)
                if len(hops) != len(self.nodes) or set(hops) != {node.address}:
                    return False
        return len(self.next_hops(SERVICE_SUBNET)) == len(self.nodes)

    def etcd_healthy(self) -> bool:
        done = self.etcdctl("node1", "endpoint", "health", "--cluster")
        # etcdctl 3.4 writes the health lines to stderr
        return done.returncode == 0 and (done.stdout + done.stderr).count("is healthy") == len(self.nodes)

    def wait_healthy(self, timeout: float = 30) -> None:
        checks = {
            "sshd listening on every machine": lambda: all(self.sshd_listening(m) for m in self.machines),
            "every BGP session of the router Established": lambda: self.sessions_established() == len(self.nodes),
            "every pod block at the router via its own node": self.routes_converged,
            "every etcd member healthy": self.etcd_healthy,
            "every ceph-mon in quorum": lambda: self.quorum() == sorted(self.NODES),
        }
        deadline = time.monotonic() + timeout
        for what, check in checks.items():
            check = self._unless_a_daemon_died(check)
            try:
                wait_until(what, check, max(deadline - time.monotonic(), 0.5), interval=0.1)
            except TimeoutError as exc:
                raise TimeoutError(f"{exc}\n{self._daemon_report()}") from None

    def _unless_a_daemon_died(self, check: Callable[[], bool]) -> Callable[[], bool]:
        def guarded() -> bool:
            dead = [d.name for d in self.daemons.values() if d.pid_file.exists() and not d.running()]
            if dead:
                raise RuntimeError(f"lab: {', '.join(dead)} exited\n{self._daemon_report()}")
            return check()

        return guarded

    def _daemon_report(self) -> str:
        return "\n".join(
            f"--- {d.name} ({'running' if d.running() else 'stopped'}):\n{d.log_tail(8)}" for d in self.daemons.values()
        )

    # -- faults: each mutates the lab and restores it afterwards --------------------------
    @contextmanager
    def _restoring(self, what: str) -> Iterator[None]:
        """Remember a restore that failed, so later tests do not run on a broken lab."""
        try:
            yield
        except BaseException as exc:
            self.broken = f"restoring {what} failed: {exc}"
            raise

    def etcd_members(self) -> list[dict[str, Any]]:
        done = self.etcdctl("node1", "member", "list", "-w", "json")
        return json.loads(done.stdout)["members"] if done.returncode == 0 else []

    @contextmanager
    def stale_etcd_member(self, name: str = "node3") -> Iterator[dict[str, Any]]:
        """Kill a member and wipe its data; yields its (hex) ID and peer URL. Restores with the manual's remedy."""
        member = next(m for m in self.etcd_members() if m.get("name") == name)
        self.daemons[f"etcd-{name}"].stop()
        shutil.rmtree(self.root / "etcd" / name)
        try:
            yield {"id": f"{member['ID']:x}", "peer_url": member["peerURLs"][0]}
        finally:
            with self._restoring(f"etcd member {name}"):
                self._rejoin_etcd_member(name, member["ID"])

    def _rejoin_etcd_member(self, name: str, old_id: int) -> None:
        """The manual's remedy, then a fresh start: member remove, member add, start with an empty data dir."""
        peer = f"https://[{self.machines[name].address}]:2380"
        alive = next(n for n in self.NODES if n != name)  # ask a member that still runs
        removed = self.etcdctl(alive, "member", "remove", f"{old_id:x}")
        if removed.returncode != 0:
            raise RuntimeError(f"lab: etcdctl member remove {old_id:x}: {removed.stderr.strip()}")
        wait_until(
            f"etcd member add {name}",
            lambda: self.etcdctl(alive, "member", "add", name, f"--peer-urls={peer}").returncode == 0,
            timeout=15,
            interval=0.5,
        )
        daemon = self.daemons[f"etcd-{name}"]
        daemon.argv = self.etcd_argv(name, "existing")
        daemon.start()
        wait_until("etcd healthy again", self.etcd_healthy, timeout=20)

    @contextmanager
    def next_hop_self(self, name: str = "node1") -> Iterator[None]:
        """``name`` announces to the router with `next hop self`, as a peer without keepOriginalNextHop."""
        own = self.machines[name].address
        others = [b for n in self.nodes if n.name != name for b in n.pod_blocks]
        self._reconfigure_bird(name, "self")
        try:
            wait_until(
                f"router learning other blocks via {name}",
                lambda: all(own in self.next_hops(p) for p in others),
                timeout=15,
            )
            yield
        finally:
            with self._restoring(f"BIRD of {name}"):
                self._reconfigure_bird(name, "keep")
                wait_until("routes converged again", self.routes_converged, timeout=15)

    def _reconfigure_bird(self, name: str, next_hop: str) -> None:
        self.write_bird_conf(name, next_hop=next_hop)
        out = self.birdc(name, "configure")
        if "Reconfigur" not in out:
            raise RuntimeError(f"lab: birdc configure on {name}: {out.strip()}")

    @contextmanager
    def stopped(self, *daemons: str) -> Iterator[None]:
        """Stop daemons (e.g. "bird-node2", "mon-node3", "sshd-router1"), start them again afterwards."""
        for daemon in daemons:
            self.daemons[daemon].stop()
            if daemon.startswith("sshd-"):
                self._end_ssh_sessions(daemon.removeprefix("sshd-"))
        try:
            yield
        finally:
            with self._restoring(", ".join(daemons)):
                for daemon in daemons:
                    self.daemons[daemon].start()
                self.wait_healthy(timeout=30)

    @contextmanager
    def stopped_bird(self, node: str) -> Iterator[None]:
        """A node's BIRD is down; yields once the router has noticed."""
        with self.stopped(f"bird-{node}"):
            wait_until(f"router losing its session with {node}", lambda: not self.session_established(node), 15)
            yield

    @contextmanager
    def stopped_monitor(self, node: str) -> Iterator[None]:
        """A node's ceph-mon is down; yields once the other monitors formed a quorum without it."""
        with self.stopped(f"mon-{node}"):
            wait_until(f"quorum without {node}", lambda: (q := self.quorum()) != [] and node not in q, 30, 0.3)
            yield

    def _end_ssh_sessions(self, name: str) -> None:
        """Sessions forked by the stopped sshd would still serve multiplexed connections."""
        for pid in netns.namespace_pids(self.machines[name].namespace):
            with suppress(OSError):
                if Path(f"/proc/{pid}/comm").read_text().strip() == "sshd":
                    kill_pid(pid, grace=1)

    @contextmanager
    def node_without(self, name: str, *programs: str, ceph_conf: bool = False) -> Iterator[None]:
        """SSH sessions on ``name`` find none of ``programs`` (e.g. etcdctl) and, with ``ceph_conf``, no
        ceph.conf, as on a node that runs them only in containers; its daemons keep theirs."""
        paths = [shutil.which(p) or p for p in programs] + ([str(self.ceph_conf)] if ceph_conf else [])
        self._restart_sshd(name, tuple(paths))
        try:
            yield
        finally:
            with self._restoring(f"what {name}'s sessions see"):
                self._restart_sshd(name, ())

    def _restart_sshd(self, name: str, hidden: tuple[str, ...]) -> None:
        daemon = self.daemons[f"sshd-{name}"]
        daemon.stop()
        self._end_ssh_sessions(name)
        self.hidden[name] = hidden
        daemon.argv = self.sshd_argv(name)
        daemon.start()
        wait_until(f"sshd on {name} listening again", lambda: self.sshd_listening(name), timeout=10)

    @contextmanager
    def forwarding_off(self, name: str) -> Iterator[None]:
        netns.set_sysctl(self.machines[name].namespace, "net.ipv6.conf.all.forwarding", "0")
        try:
            yield
        finally:
            with self._restoring(f"IPv6 forwarding on {name}"):
                netns.set_sysctl(self.machines[name].namespace, "net.ipv6.conf.all.forwarding", "1")

    @contextmanager
    def admin_conf_missing(self, name: str) -> Iterator[None]:
        path = self.admin_conf(name)
        aside = path.with_suffix(".aside")
        path.rename(aside)
        try:
            yield
        finally:
            with self._restoring(f"admin.conf of {name}"):
                aside.rename(path)
