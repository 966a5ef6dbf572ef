"""Command-line options that give a run its hosts, for `ukic verify` (argparse) and plain pytest.

`--ssh-config` is taken by testinfra's own pytest plugin, so ours is `--hosts-ssh-config`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ukic.errors import UsageError

if TYPE_CHECKING:  # the spec loads only when hosts are given: `ukic --help` stays quick
    from ukic.hosts.spec import HostsSpec


@dataclass(frozen=True)
class _Option:
    flag: str
    dest: str
    metavar: str
    help: str
    repeat: bool = False
    type: Callable[[str], Any] = str


OPTIONS: tuple[_Option, ...] = (
    _Option(
        "--host",
        "ukic_host",
        "NAME=URL",
        "a node and its host URL, e.g. server63=ssh://root@server63 (repeatable; overrides --host-template)",
        repeat=True,
    ),
    _Option(
        "--host-template",
        "ukic_host_template",
        "URL",
        "host URL for every cluster node, e.g. 'ssh://root@{node}' ({node} is the node name)",
    ),
    _Option("--router", "ukic_router", "NAME=URL", "an upstream router and its host URL (repeatable)", repeat=True),
    _Option("--hosts-ssh-config", "ukic_ssh_config", "FILE", "ssh client configuration for the hosts"),
    _Option(
        "--ssh-timeout", "ukic_ssh_timeout", "SECONDS", "seconds to wait for an SSH connection (default 10)", type=int
    ),
    _Option(
        "--etcd-endpoint",
        "ukic_etcd_endpoint",
        "URL",
        "etcd client URL on a control-plane node (default https://[::1]:2379)",
    ),
    _Option(
        "--etcd-pki",
        "ukic_etcd_pki",
        "DIR",
        "folder with etcd's ca.crt, server.crt, server.key (default /etc/kubernetes/pki/etcd; {node} allowed)",
    ),
    _Option(
        "--admin-conf",
        "ukic_admin_conf",
        "PATH",
        "admin.conf on the control-plane nodes (default /etc/kubernetes/admin.conf; {node} allowed)",
    ),
    _Option("--ceph-conf", "ukic_ceph_conf", "PATH", "ceph.conf for `ceph quorum_status` (default: ceph's own)"),
    _Option(
        "--ceph-host",
        "ukic_ceph_host",
        "NAME|URL",
        "node, router or host URL to run `ceph` on (default: the control-plane nodes, then the monitors' nodes)",
    ),
    _Option(
        "--ceph-admin-socket",
        "ukic_ceph_admin_socket",
        "PATH",
        "a monitor's admin socket inside its container, used where a host has no ceph.conf "
        "(default /run/ceph/ceph-mon.{mon}.asok, as Rook mounts it; {mon} is the monitor's id)",
    ),
    _Option("--birdc-socket", "ukic_birdc_socket", "PATH", "BIRD control socket on the routers ({router} allowed)"),
)

_HOST_FLAGS = ("ukic_host", "ukic_host_template", "ukic_router")


def add_options(group: Any) -> None:
    """Add the host options to a pytest option group or an argparse parser/group."""
    add = getattr(group, "addoption", None) or group.add_argument
    for option in OPTIONS:
        kwargs: dict[str, Any] = {"dest": option.dest, "metavar": option.metavar, "help": option.help}
        if option.repeat:
            kwargs.update(action="append", default=[])
        elif option.type is not str:
            kwargs["type"] = option.type
        add(option.flag, **kwargs)


def add_cli_arguments(parser: Any) -> None:
    """Add the host options to an argparse parser (``ukic verify``), in their own help group."""
    add_options(parser.add_argument_group("node and router checks over SSH"))


def spec_from_options(config: Any) -> HostsSpec | None:
    """The HostsSpec a pytest run was given, or None when it names no host."""
    return spec_from_values(lambda dest: config.getoption(dest))


def spec_from_args(args: Any) -> HostsSpec | None:
    """The HostsSpec of parsed argparse arguments, or None when they name no host."""
    return spec_from_values(lambda dest: getattr(args, dest, None))


def spec_from_values(get: Callable[[str], Any]) -> HostsSpec | None:
    """Build the spec; UsageError names the option that is wrong."""
    values = {o.dest: get(o.dest) for o in OPTIONS}
    if not any(values[d] for d in _HOST_FLAGS):
        given = [o.flag for o in OPTIONS if values[o.dest] not in (None, [])]
        if given:
            raise UsageError(f"{given[0]} needs hosts to apply to: add --host-template, --host or --router")
        return None
    data: dict[str, Any] = {
        "nodes": _pairs(values["ukic_host"], "--host"),
        "routers": _pairs(values["ukic_router"], "--router"),
        "node_template": values["ukic_host_template"],
        "ssh_config": values["ukic_ssh_config"],
        "connect_timeout": values["ukic_ssh_timeout"],
        "admin_conf": values["ukic_admin_conf"],
        "birdc_socket": values["ukic_birdc_socket"],
        "etcd": {"endpoint": values["ukic_etcd_endpoint"], "pki": values["ukic_etcd_pki"]},
        "ceph": {
            "conf": values["ukic_ceph_conf"],
            "host": values["ukic_ceph_host"],
            "admin_socket": values["ukic_ceph_admin_socket"],
        },
    }
    import msgspec

    from ukic.hosts.spec import HostsSpec
    from ukic.validate import convert, locate

    data = _without_none(data)
    try:
        return convert(data, HostsSpec, strict=False)
    except msgspec.ValidationError as exc:
        at, problem = locate(exc, HostsSpec, data)
        raise UsageError(f"{_flag([str(part) for part in at])}: {problem}") from None


def _pairs(items: list[str] | None, flag: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for item in items or []:
        name, sep, url = item.partition("=")
        if not sep or not name.strip() or not url.strip():
            raise UsageError(f"{flag} {item!r}: expected NAME=URL, e.g. server63=ssh://root@server63")
        if name.strip() in pairs:
            raise UsageError(f"{flag} {name.strip()}: given twice")
        pairs[name.strip()] = url.strip()
    return pairs


def _without_none(data: dict[str, Any]) -> dict[str, Any]:
    cleaned = {}
    for key, value in data.items():
        if isinstance(value, dict) and key in ("etcd", "ceph"):
            value = {k: v for k, v in value.items() if v is not None}
        if value is not None:
            cleaned[key] = value
    return cleaned


_FLAG_OF = {
    "nodes": "--host",
    "routers": "--router",
    "node_template": "--host-template",
    "ssh_config": "--hosts-ssh-config",
    "connect_timeout": "--ssh-timeout",
    "admin_conf": "--admin-conf",
    "birdc_socket": "--birdc-socket",
    "etcd.endpoint": "--etcd-endpoint",
    "etcd.pki": "--etcd-pki",
    "ceph.conf": "--ceph-conf",
    "ceph.host": "--ceph-host",
    "ceph.admin_socket": "--ceph-admin-socket",
}


def _flag(at: list[str]) -> str:
    """The option that gave the value at this key path."""
    key = ".".join(at[:2]) if at[:1] in (["etcd"], ["ceph"]) else (at[0] if at else "")
    return _FLAG_OF.get(key, key or "hosts")
