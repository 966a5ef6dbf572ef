"""Which machines a run may reach, and where on them the facts live.

A HostsSpec comes from command-line options (``ukic verify --host ...``, or the same options
on a plain pytest run) or from a cluster's ``hosts:`` block in the inventory::

    hosts:
      node_template: ssh://root@{node}       # a testinfra URL per cluster node name
      nodes: {server63: ssh://root@[2a0a:e5c0:10:1::63]}   # overrides the template
      routers: {router1: ssh://root@router1.place10}
      ssh_config: ~/.ssh/config
      etcd: {endpoint: "https://[::1]:2379", pki: /etc/kubernetes/pki/etcd}
      admin_conf: /etc/kubernetes/admin.conf
      ceph: {conf: /etc/ceph/ceph.conf, host: server63, admin_socket: "/run/ceph/ceph-mon.{mon}.asok"}
      birdc_socket: /run/bird/bird.ctl

Paths may say ``{node}`` (node paths) or ``{router}`` (router paths): it becomes the host's
name, for sites (and the test lab) where each host keeps its files in its own folder. The
monitor admin socket says ``{mon}``: the monitor's id.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

from msgspec import Meta, field
from msgspec.structs import force_setattr

from ukic.hosts.urls import check_url
from ukic.validate import FieldError, Model

DEFAULT_ETCD_ENDPOINT = "https://[::1]:2379"  # as the manual's etcdctl commands
DEFAULT_ETCD_PKI = "/etc/kubernetes/pki/etcd"  # kubeadm: ca.crt, server.crt, server.key
DEFAULT_ADMIN_CONF = "/etc/kubernetes/admin.conf"  # "On the masters of each cluster ..."
# Inside a Rook monitor's container: rook v1.7's liveness probe runs `ceph --admin-daemon
# /run/ceph/ceph-mon.<id>.asok mon_status` (pkg/operator/ceph/config/livenessprobe.go).
DEFAULT_MON_ADMIN_SOCKET = "/run/ceph/ceph-mon.{mon}.asok"


def _placeholders(text: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as exc:
        raise ValueError(f"{text!r}: {exc}") from None


def _only_placeholder(text: str, allowed: str) -> str:
    extra = _placeholders(text) - {allowed}
    if extra:
        shown = ", ".join("{" + p + "}" for p in sorted(extra))
        raise ValueError(f"{text!r} may only use {{{allowed}}}, not {shown}")
    return text


def _template(value: str) -> None:
    if "{node}" not in value:
        raise ValueError(f"{value!r} must contain {{node}}, the cluster's node name")
    _only_placeholder(value, "node")
    check_url(value.replace("{node}", "node"))


def _check(key: str, check: Callable[..., object], *args: str) -> None:
    """Run a check on one key's value; its ValueError becomes that key's problem."""
    try:
        check(*args)
    except ValueError as exc:
        raise FieldError(key, str(exc)) from None


class EtcdAccess(Model, kw_only=True):
    """How etcdctl reaches etcd on a control-plane node."""

    endpoint: str = DEFAULT_ETCD_ENDPOINT
    pki: str = DEFAULT_ETCD_PKI  # folder with ca.crt, server.crt, server.key; {node} allowed

    def __post_init__(self) -> None:
        _check("pki", _only_placeholder, self.pki, "node")


class CephAccess(Model, kw_only=True):
    """Where `ceph quorum_status` runs: a host that reaches the storage cluster; where a host has no
    ceph.conf, a monitor's admin socket inside its container."""

    conf: str | None = None  # ceph.conf on that host (default: ceph's own)
    host: str | None = None  # a node or router name, or a host URL (default: control plane)
    admin_socket: str = DEFAULT_MON_ADMIN_SOCKET  # a monitor's admin socket; {mon} is its id

    def __post_init__(self) -> None:
        if self.host is not None and "://" in self.host:
            _check("host", check_url, self.host)
        _check("admin_socket", _only_placeholder, self.admin_socket, "mon")


class HostsSpec(Model, kw_only=True):
    """The nodes and routers to reach, how, and where their facts are."""

    nodes: dict[str, str] = field(default_factory=dict)  # node name -> host URL
    routers: dict[str, str] = field(default_factory=dict)  # router name -> host URL
    node_template: str | None = None  # host URL for a node, e.g. ssh://root@{node}
    ssh_config: Path | None = None
    connect_timeout: Annotated[int, Meta(ge=1, le=300)] = 10  # seconds to wait for an SSH connection
    command_timeout: Annotated[int, Meta(ge=1, le=3600)] = 30  # seconds a command on a host may take
    admin_conf: str = DEFAULT_ADMIN_CONF
    birdc_socket: str | None = None  # BIRD control socket on the routers; {router} allowed
    etcd: EtcdAccess = field(default_factory=EtcdAccess)
    ceph: CephAccess = field(default_factory=CephAccess)

    def __post_init__(self) -> None:
        """The keys' own checks in the order of the keys, then that the spec names a host at all."""
        for key in ("nodes", "routers"):
            for name, url in getattr(self, key).items():
                if not name or name != name.strip():
                    raise FieldError(key, f"{name!r} is not a host name")
                _check(key, check_url, url)
        if self.node_template is not None:
            _check("node_template", _template, self.node_template)
        if self.ssh_config is not None:
            ssh_config = self.ssh_config.expanduser()
            if not ssh_config.is_file():
                raise FieldError("ssh_config", f"{ssh_config}: no such file")
            force_setattr(self, "ssh_config", ssh_config)
        _check("admin_conf", _only_placeholder, self.admin_conf, "node")
        if self.birdc_socket is not None:
            _check("birdc_socket", _only_placeholder, self.birdc_socket, "router")
        if not (self.nodes or self.routers or self.node_template):
            raise ValueError("names no host: give nodes, node_template or routers")

    # -- answers ---------------------------------------------------------------------------
    @property
    def reaches_nodes(self) -> bool:
        return bool(self.nodes or self.node_template)

    def node_url(self, name: str) -> str | None:
        """The URL for a cluster node: given explicitly, else from the template, else None."""
        if name in self.nodes:
            return self.nodes[name]
        return self.node_template.replace("{node}", name) if self.node_template else None

    def node_path(self, template: str, node: str) -> str:
        return template.replace("{node}", node)

    def router_path(self, template: str, router: str) -> str:
        return template.replace("{router}", router)

    def describe(self) -> str:
        """One line for reports: which hosts, never credentials (URLs carry no secrets we add)."""
        parts = []
        if self.node_template:
            parts.append(f"nodes {self.node_template}")
        if self.nodes:
            parts.append(f"{len(self.nodes)} node host(s)")
        if self.routers:
            parts.append(f"routers {', '.join(sorted(self.routers))}")
        return "; ".join(parts)
