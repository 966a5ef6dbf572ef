"""Which hosts a run may reach: options (ukic verify and pytest), the inventory block, the connection pool."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import pytest

from ukic.errors import UsageError
from ukic.hosts.options import add_cli_arguments, spec_from_args, spec_from_options
from ukic.hosts.pool import HostPool, display_url
from ukic.hosts.spec import HostsSpec
from ukic.inventory import Cluster, hosts_spec
from ukic.outcome import Unverifiable

CLOSED_PORT = "ssh://root@127.0.0.1:1"  # nothing listens on port 1: ssh is refused at once
NEEDS_TIMEOUT = pytest.mark.skipif(
    shutil.which("timeout") is None, reason="local:// runs commands under coreutils' timeout, which is not on PATH"
)
NEEDS_SSH = pytest.mark.skipif(shutil.which("ssh") is None, reason="needs the ssh client (Debian openssh-client)")


def parse(*argv: str) -> HostsSpec | None:
    parser = argparse.ArgumentParser()
    add_cli_arguments(parser)
    return spec_from_args(parser.parse_args(list(argv)))


def test_no_host_option_means_no_hosts() -> None:
    assert parse() is None


def test_hosts_from_options_explicit_nodes_override_the_template(tmp_path: Path) -> None:
    config = tmp_path / "ssh_config"
    config.write_text("Host *\n  User root\n")
    spec = parse(
        "--host-template", "ssh://root@{node}.place10",
        "--host", "server63=ssh://admin@[2a0a::63]",
        "--router", "router1=ssh://root@router1",
        "--hosts-ssh-config", str(config),
        "--etcd-pki", "/srv/{node}/pki",
        "--ssh-timeout", "3",
    )  # fmt: skip
    assert spec is not None
    assert spec.node_url("server63") == "ssh://admin@[2a0a::63]"
    assert spec.node_url("server65") == "ssh://root@server65.place10"
    assert spec.routers == {"router1": "ssh://root@router1"}
    assert spec.ssh_config == config and spec.connect_timeout == 3
    assert spec.node_path(spec.etcd.pki, "server63") == "/srv/server63/pki"
    assert spec.etcd.endpoint == "https://[::1]:2379" and spec.admin_conf == "/etc/kubernetes/admin.conf"


def test_routers_alone_reach_no_node() -> None:
    spec = parse("--router", "r1=ssh://root@r1")
    assert spec is not None and not spec.reaches_nodes and spec.node_url("server63") is None


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--etcd-pki", "/x"], "--etcd-pki needs hosts to apply to: add --host-template, --host or --router"),
        (["--host", "server63"], "--host 'server63': expected NAME=URL, e.g. server63=ssh://root@server63"),
        (["--host", "a=ssh://a", "--host", "a=ssh://b"], "--host a: given twice"),
        (["--host-template", "ssh://root@server"], "--host-template: 'ssh://root@server' must contain {node}"),
        (["--host-template", "ssh://{node}.{site}"], "--host-template: 'ssh://{node}.{site}' may only use {node}"),
        (["--router", "r=ftp://r"], "--router: 'ftp://r': unknown connection 'ftp'"),
        (["--router", "r=router1"], "--router: 'router1' is not a host URL (e.g. ssh://root@server63)"),
        (["--router", "r=ssh://r", "--hosts-ssh-config", "/nonexistent/cfg"],
         "--hosts-ssh-config: /nonexistent/cfg: no such file"),
        (["--router", "r=ssh://r", "--admin-conf", "/x/{host}"],
         "--admin-conf: '/x/{host}' may only use {node}, not {host}"),
        (["--router", "r=ssh://r", "--ceph-host", "nope://x"], "--ceph-host: 'nope://x': unknown connection 'nope'"),
        (["--router", "r=ssh://r", "--ceph-admin-socket", "/run/ceph/{node}.asok"],
         "--ceph-admin-socket: '/run/ceph/{node}.asok' may only use {mon}, not {node}"),
    ],
)  # fmt: skip
def test_bad_options_are_one_line_naming_the_option(argv: list[str], message: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse(*argv)
    assert caught.value.message.startswith(message)
    assert "\n" not in caught.value.message


def test_pytest_options_are_registered_and_read(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.main(["--help", "-p", "no:cacheprovider"])
    shown = capsys.readouterr().out
    assert "--host-template=URL" in shown and "--hosts-ssh-config=FILE" in shown

    class Config:
        def getoption(self, dest: str) -> object:
            return {"ukic_host_template": "ssh://root@{node}", "ukic_host": [], "ukic_router": []}.get(dest)

    spec = spec_from_options(Config())
    assert spec is not None and spec.node_template == "ssh://root@{node}"


def _cluster(hosts: dict) -> Cluster:
    return Cluster(
        name="place10", purpose="production", setup="HW", maintainer="Nico", version="v5", type="production",
        v4_proxy=True, source={"snapshot": "snap"}, hosts=hosts,
    )  # fmt: skip


def test_inventory_hosts_block_becomes_a_spec() -> None:
    spec = hosts_spec(
        _cluster(
            {
                "node_template": "ssh://root@{node}",
                "routers": {"router1": "ssh://root@router1"},
                "ceph": {"host": "server63"},
            }
        )
    )
    assert isinstance(spec, HostsSpec)
    assert spec.ceph.host == "server63" and spec.node_url("server65") == "ssh://root@server65"


@pytest.mark.parametrize(
    ("hosts", "message"),
    [
        ({"node_template": "ssh://root@{node}", "nodez": {}}, "unknown key 'nodez'"),
        ({"etcd": {"endpoint": "https://[::1]:2379"}}, "names no host"),
        ({"nodes": {"server63": "server63"}}, "'server63' is not a host URL"),
    ],
)
def test_inventory_hosts_errors_name_the_cluster_and_key(hosts: dict, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        hosts_spec(_cluster(hosts))
    assert caught.value.message.startswith("cluster 'place10': hosts: ")
    assert message in caught.value.message


def test_passwords_never_reach_messages() -> None:
    assert display_url("ssh://root:s3cret@server63") == "ssh://root@server63"
    assert display_url("ssh://root@server63") == "ssh://root@server63"


# -- the pool: real commands through testinfra's local backend, and a real refused ssh ---------------
@NEEDS_TIMEOUT
def test_local_host_runs_commands_once_per_run() -> None:
    pool = HostPool(HostsSpec(nodes={"n1": "local://"}, command_timeout=5))
    host = pool.node("n1")
    first = host.run(["/bin/sh", "-c", "echo $$"])
    assert first.rc == 0 and first.stdout.strip().isdigit()
    assert host.run(["/bin/sh", "-c", "echo $$"]) is first  # cached: the same command is asked once per run
    assert host.run(["/bin/sh", "-c", "exit 3"]).rc == 3
    assert pool.node("n1") is host
    pool.close()


@NEEDS_TIMEOUT
def test_missing_command_and_timeout_are_unverifiable_naming_the_host() -> None:
    pool = HostPool(HostsSpec(nodes={"n1": "local://"}, command_timeout=1))
    host = pool.node("n1")
    with pytest.raises(Unverifiable, match=r"^node n1 \(local://\): no-such-tool-ukic is not installed"):
        host.run(["no-such-tool-ukic", "--version"])
    with pytest.raises(Unverifiable, match=r"^node n1 \(local://\): `/bin/sleep 5` did not finish within 1 s"):
        host.run(["/bin/sleep", "5"])


@NEEDS_SSH
def test_refused_ssh_is_unverifiable_naming_the_host() -> None:
    pool = HostPool(HostsSpec(nodes={"n1": CLOSED_PORT}, connect_timeout=3))
    with pytest.raises(Unverifiable) as caught:
        pool.node("n1").run(["true"])
    assert str(caught.value).startswith(f"node n1 ({CLOSED_PORT}): cannot reach over SSH: ")
    assert "refused" in str(caught.value)
    control = pool._control_dir
    assert control is not None and control.is_dir()
    pool.close()
    assert not control.exists()


def test_a_node_without_a_url_is_unverifiable_and_says_how_to_give_one() -> None:
    pool = HostPool(HostsSpec(nodes={"n1": "local://"}))
    with pytest.raises(Unverifiable, match=r"node n2: no host given \(add --host n2=URL or --host-template\)"):
        pool.node("n2")


@NEEDS_TIMEOUT
def test_each_asks_hosts_concurrently_and_keeps_their_order() -> None:
    spec = HostsSpec(nodes={f"n{i}": f"local://?sudo=false&x={i}" for i in range(4)})
    pool = HostPool(spec)
    hosts = [pool.node(f"n{i}") for i in range(4)]

    def ask(host):
        if host.name == "n2":
            raise Unverifiable("n2 is away")
        return host.run(["/bin/echo", host.name]).stdout.strip()

    answers = pool.each(hosts, ask)
    assert answers[:2] == ["n0", "n1"] and answers[3] == "n3"
    assert isinstance(answers[2], Unverifiable)


def test_the_monitor_admin_socket_defaults_to_where_rook_puts_it() -> None:
    spec = parse("--host-template", "ssh://root@{node}")
    assert spec is not None and spec.ceph.admin_socket == "/run/ceph/ceph-mon.{mon}.asok"
    spec = parse("--host-template", "ssh://root@{node}", "--ceph-admin-socket", "/var/run/ceph/ceph-mon.{mon}.asok")
    assert spec is not None and spec.ceph.admin_socket == "/var/run/ceph/ceph-mon.{mon}.asok"
