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
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ukic.hosts.urls import check_url

DEFAULT_ETCD_ENDPOINT = "https://[::1]:2379"  # as the manual's etcdctl commands
DEFAULT_ETCD_PKI = "/etc/kubernetes/pki/etcd"  # kubeadm: ca.crt, server.crt, server.key
DEFAULT_ADMIN_CONF = "/etc/kubernetes/admin.conf"  # "On the masters of each cluster ..."
# Inside a Rook monitor's container: rook v1.7's liveness probe runs `ceph --admin-daemon
# /run/ceph/ceph-mon.<id>.asok mon_status` (pkg/operator/ceph/config/livenessprobe.go).
DEFAULT_MON_ADMIN_SOCKET = "/run/ceph/ceph-mon.{mon}.asok"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


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


class EtcdAccess(_Strict):
    """How etcdctl reaches etcd on a control-plane node."""

    endpoint: str = DEFAULT_ETCD_ENDPOINT
    pki: str = Field(DEFAULT_ETCD_PKI, description="folder with ca.crt, server.crt, server.key; {node} allowed")

    @field_validator("pki")
    @classmethod
    def _pki(cls, value: str) -> str:
        return _only_placeholder(value, "node")


class CephAccess(_Strict):
    """Where `ceph quorum_status` runs: a host that reaches the storage cluster; where a host has no
    ceph.conf, a monitor's admin socket inside its container."""

    conf: str | None = Field(None, description="ceph.conf on that host (default: ceph's own)")
    host: str | None = Field(None, description="a node or router name, or a host URL (default: control plane)")
    admin_socket: str = Field(DEFAULT_MON_ADMIN_SOCKET, description="a monitor's admin socket; {mon} is its id")

    @field_validator("admin_socket")
    @classmethod
    def _admin_socket(cls, value: str) -> str:
        return _only_placeholder(value, "mon")

    @field_validator("host")
    @classmethod
    def _host(cls, value: str | None) -> str | None:
        if value is not None and "://" in value:
            check_url(value)
        return value


class HostsSpec(_Strict):
    """The nodes and routers to reach, how, and where their facts are."""

    nodes: dict[str, str] = Field(default_factory=dict, description="node name -> host URL")
    routers: dict[str, str] = Field(default_factory=dict, description="router name -> host URL")
    node_template: str | None = Field(None, description="host URL for a node, e.g. ssh://root@{node}")
    ssh_config: Path | None = None
    connect_timeout: int = Field(10, ge=1, le=300, description="seconds to wait for an SSH connection")
    command_timeout: int = Field(30, ge=1, le=3600, description="seconds a command on a host may take")
    admin_conf: str = DEFAULT_ADMIN_CONF
    birdc_socket: str | None = Field(None, description="BIRD control socket on the routers; {router} allowed")
    etcd: EtcdAccess = Field(default_factory=EtcdAccess)
    ceph: CephAccess = Field(default_factory=CephAccess)

    @field_validator("nodes", "routers")
    @classmethod
    def _urls(cls, value: dict[str, str]) -> dict[str, str]:
        for name, url in value.items():
            if not name or name != name.strip():
                raise ValueError(f"{name!r} is not a host name")
            check_url(url)
        return value

    @field_validator("node_template")
    @classmethod
    def _template(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if "{node}" not in value:
            raise ValueError(f"{value!r} must contain {{node}}, the cluster's node name")
        _only_placeholder(value, "node")
        check_url(value.replace("{node}", "node"))
        return value

    @field_validator("admin_conf")
    @classmethod
    def _admin_conf(cls, value: str) -> str:
        return _only_placeholder(value, "node")

    @field_validator("birdc_socket")
    @classmethod
    def _birdc_socket(cls, value: str | None) -> str | None:
        return None if value is None else _only_placeholder(value, "router")

    @field_validator("ssh_config")
    @classmethod
    def _ssh_config(cls, value: Path | None) -> Path | None:
        if value is None:
            return None
        value = value.expanduser()
        if not value.is_file():
            raise ValueError(f"{value}: no such file")
        return value

    @model_validator(mode="after")
    def _names_someone(self) -> HostsSpec:
        if not (self.nodes or self.routers or self.node_template):
            raise ValueError("names no host: give nodes, node_template or routers")
        return self

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
