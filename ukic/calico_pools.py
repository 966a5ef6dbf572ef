"""Calico's IP pools as the installers of the manual's era create them, and which of them hand out addresses.

Sources:
- tigera/operator v1.20.4 pkg/controller/installation/core_controller.go: mergeAndFillDefaults /
  mergePlatformPodCIDRs - an Installation whose ``calicoNetwork.ipPools`` is unset gets one pool per
  family from kubeadm's ``podSubnet`` (ConfigMap kube-system/kubeadm-config), else 192.168.0.0/16;
  an explicit empty list means "no pools". fillDefaults - an IPv6 pool without ``encapsulation``
  gets ``None`` (IPv4: IPIP), natOutgoing Disabled (IPv4: Enabled), nodeSelector ``all()``,
  blockSize 122 (IPv4: 26). The computed spec is written back to ``status.computed``.
  pkg/render/node.go: calico-node gets CALICO_IPV6POOL_* for the v6 pool, NO_DEFAULT_POOLS only when
  there is no pool at all, and a CNI config with ``assign_ipv4`` "true" only when a v4 pool exists.
- calico v3.20.2 (node) pkg/lifecycle/startup/startup.go configureIPPools / createIPPool: calico-node
  creates ``default-ipv4-ippool`` (CALICO_IPV4POOL_CIDR, else kubeadm's podSubnet, else
  192.168.0.0/16; IPIP from CALICO_IPV4POOL_IPIP) and ``default-ipv6-ippool`` (CALICO_IPV6POOL_CIDR,
  else kubeadm's podSubnet, else a random ULA /48; IPIP and VXLAN Never; blockSize 122) for each family
  that has no pool yet, unless NO_DEFAULT_POOLS is "true". The IPv4 pool is created on IPv6-only
  clusters too; it hands out nothing while the CNI config says ``assign_ipv4: "false"`` (calico v3.20.2
  networking/ipv6.md, "Enable IPv6 only").
- calico/cni-plugin v3.20.2 pkg/install/install.go writeCNIConfig: the manifest's ``cni_network_config``
  is a template, not JSON - install-cni replaces ``__CNI_MTU__`` (unquoted, default 1500), the log file
  sizes and the quoted ``__NAME__`` placeholders before writing the node's conflist.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from ukic.outcome import Unverifiable
from ukic.state import ClusterState

CRD_API_VERSION = "crd.projectcalico.org/v1"
OPERATOR_DEFAULT_V4 = "192.168.0.0/16"
#: Installation encapsulation -> (ipipMode, vxlanMode) of the pool calico-node creates from it.
ENCAPSULATION_MODES = {
    "None": ("Never", "Never"),
    "IPIP": ("Always", "Never"),
    "IPIPCrossSubnet": ("CrossSubnet", "Never"),
    "VXLAN": ("Never", "Always"),
    "VXLANCrossSubnet": ("Never", "CrossSubnet"),
}
_MODES = {"": "Never", "off": "Never", "never": "Never", "crosssubnet": "CrossSubnet", "cross-subnet": "CrossSubnet"}


def family(cidr: object) -> int | None:
    try:
        return ipaddress.ip_network(str(cidr).strip(), strict=False).version
    except ValueError:
        return None


def _first_per_family(cidrs: Sequence[str]) -> dict[int, str]:
    found: dict[int, str] = {}
    for cidr in cidrs:
        fam = family(cidr)
        if fam is not None and fam not in found:
            found[fam] = cidr.strip()
    return found


def kubeadm_pod_subnets(pod_subnet: str | None) -> dict[int, str]:
    """kubeadm's podSubnet, first CIDR per family (dual stack separates them with a comma)."""
    return _first_per_family(str(pod_subnet).split(",")) if pod_subnet else {}


# -- tigera-operator --------------------------------------------------------------------------------
def installation_pools(installation: Mapping[str, Any], pod_subnet: str | None) -> list[dict[str, Any]]:
    """The Installation's ipPools with the operator's defaults: ``status.computed`` when the operator
    wrote it back, else derived from the spec and kubeadm's podSubnet as mergeAndFillDefaults does."""
    computed = ((installation.get("status") or {}).get("computed") or {}).get("calicoNetwork")
    if isinstance(computed, Mapping) and isinstance(computed.get("ipPools"), list):
        return [dict(p) for p in computed["ipPools"] if isinstance(p, Mapping)]
    spec = installation.get("spec") or {}
    network = spec.get("calicoNetwork") or {}
    ipam = (((spec.get("cni") or {}).get("ipam")) or {}).get("type", "Calico")
    pools = network.get("ipPools")
    if pools is None:
        if ipam != "Calico":
            return []  # "only default IP pools if we're using Calico IPAM"
        platform = kubeadm_pod_subnets(pod_subnet)
        pools = [{"cidr": cidr} for _, cidr in sorted(platform.items())] or [{"cidr": OPERATOR_DEFAULT_V4}]
    filled = []
    for pool in pools:
        if not isinstance(pool, Mapping):
            continue
        fam = family(pool.get("cidr"))
        defaults = {
            "encapsulation": "None" if fam == 6 else "IPIP",
            "natOutgoing": "Disabled" if fam == 6 else "Enabled",
            "nodeSelector": "all()",
            "blockSize": 122 if fam == 6 else 26,
        }
        filled.append({**defaults, **{k: v for k, v in pool.items() if v not in (None, "")}})
    return filled


def ippools_from_installation(installation: Mapping[str, Any], pod_subnet: str | None) -> list[dict[str, Any]]:
    """The crd.projectcalico.org IPPools calico-node creates when the operator runs it for this Installation."""
    pools = installation_pools(installation, pod_subnet)
    if not pools:
        return []  # NO_DEFAULT_POOLS
    by_family = {family(p.get("cidr")): p for p in reversed(pools)}  # GetIPv4Pool/GetIPv6Pool take the first
    created = []
    for fam in (4, 6):
        pool = by_family.get(fam)
        if pool is None:
            continue  # calico-node's own dormant IPv4 default: see dormant_ipv4_reason
        encapsulation = str(pool.get("encapsulation"))
        ipip, vxlan = ENCAPSULATION_MODES.get(encapsulation, ("Always", "Never"))
        created.append(
            _pool(fam, str(pool["cidr"]), ipip, vxlan, pool.get("blockSize"), pool.get("natOutgoing") == "Enabled")
        )
    return created


# -- calico-node from the manifest --------------------------------------------------------------------
def ippools_from_calico_node(env: Mapping[str, str], pod_subnet: str | None) -> list[dict[str, Any]]:
    """The default pools calico-node (manifest install) creates from its container environment.

    The IPv4 pool is derived only when the environment or kubeadm names an IPv4 range: on an IPv6-only
    cluster calico-node's 192.168.0.0/16 fallback is the dormant pool dormant_ipv4_reason explains, and
    a repository cannot show whether the CNI assigns from it.
    """
    if env.get("NO_DEFAULT_POOLS", "").lower() == "true":
        return []
    platform = kubeadm_pod_subnets(pod_subnet)
    v4 = env.get("CALICO_IPV4POOL_CIDR") or platform.get(4)
    v6 = env.get("CALICO_IPV6POOL_CIDR") or platform.get(6)
    pools = []
    if v4:
        pools.append(
            _pool(
                4,
                v4,
                _MODES.get(env.get("CALICO_IPV4POOL_IPIP", "").lower(), "Always"),
                _MODES.get(env.get("CALICO_IPV4POOL_VXLAN", "").lower(), "Always"),
                env.get("CALICO_IPV4POOL_BLOCK_SIZE") or 26,
                env.get("CALICO_IPV4POOL_NAT_OUTGOING", "true").lower() == "true",
            )
        )
    if env.get("FELIX_IPV6SUPPORT", "").lower() == "true":  # ipv6Supported()
        # without CALICO_IPV6POOL_CIDR or a kubeadm podSubnet calico-node picks a random ULA /48
        pools.append(
            _pool(
                6,
                v6 or "fd00::/48 (a random ULA prefix)",
                "Never",
                "Never",
                env.get("CALICO_IPV6POOL_BLOCK_SIZE") or 122,
                env.get("CALICO_IPV6POOL_NAT_OUTGOING", "false").lower() == "true",
            )
        )
    return pools


def _pool(
    fam: int, cidr: str, ipip: str, vxlan: str = "Never", block_size: object = None, nat: bool | None = None
) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "cidr": cidr,
        "ipipMode": ipip,
        "vxlanMode": vxlan,
        "natOutgoing": (fam == 4) if nat is None else nat,
        "nodeSelector": "all()",
        "blockSize": int(str(block_size)) if block_size else (122 if fam == 6 else 26),
    }
    name = f"default-ipv{fam}-ippool"
    return {"apiVersion": CRD_API_VERSION, "kind": "IPPool", "metadata": {"name": name}, "spec": spec}


# -- which pools hand out addresses ------------------------------------------------------------------
#: install-cni's defaults for the placeholders that stand unquoted in the template (numbers): the getEnv
#: fallbacks of writeCNIConfig (calico/cni-plugin v3.20.2 pkg/install/install.go).
_NUMERIC_PLACEHOLDERS = {
    "CNI_MTU": "1500",
    "LOG_FILE_MAX_SIZE": "100",
    "LOG_FILE_MAX_AGE": "30",
    "LOG_FILE_MAX_COUNT": "10",
}
_UNQUOTED_PLACEHOLDER = re.compile(r'(?<!")__([A-Z_]+)__(?!")')


def _cni_config(text: str) -> dict[str, Any] | None:
    """The CNI config as install-cni writes it from the template (numbers filled in), or None if no JSON."""
    filled = _UNQUOTED_PLACEHOLDER.sub(lambda m: _NUMERIC_PLACEHOLDERS.get(m[1], "0"), text)
    try:
        config = json.loads(filled)
    except ValueError:
        return None
    return config if isinstance(config, dict) else None


def cni_assigns_ipv4(state: ClusterState) -> tuple[bool | None, str]:
    """Whether Calico's CNI hands out IPv4 addresses, and the evidence; None when nothing says."""
    for namespace, name, key in (
        ("kube-system", "calico-config", "cni_network_config"),  # calico.yaml (manifest install)
        ("calico-system", "cni-config", "config"),  # written by the tigera-operator
    ):
        try:
            cm = state.get("configmaps", namespace, name)
        except Unverifiable:
            return None, ""
        text = ((cm or {}).get("data") or {}).get(key)
        config = _cni_config(text) if isinstance(text, str) else None
        if config is None:
            continue
        for plugin in config.get("plugins") or [config]:
            ipam = (plugin or {}).get("ipam") or {}
            if ipam.get("type") == "calico-ipam":
                assign = str(ipam.get("assign_ipv4", "true")).lower() == "true"
                return assign, f"ConfigMap {namespace}/{name} {key}: assign_ipv4 {json.dumps(ipam.get('assign_ipv4'))}"
    return None, ""


def dormant_ipv4_reason(state: ClusterState) -> str | None:
    """Why IPv4 pools hand out no address (the CNI never asks for IPv4), or None when they may."""
    assigns, evidence = cni_assigns_ipv4(state)
    if assigns is False:
        return evidence
    if assigns is None:
        try:
            installations = state.list("installations.operator.tigera.io")
        except Unverifiable:
            installations = []
        kubeadm = state.kubeadm_cluster_configuration()
        subnet = kubeadm.networking("podSubnet") if kubeadm else None
        for installation in installations:
            pools = installation_pools(installation, subnet)
            if pools and all(family(p.get("cidr")) == 6 for p in pools):
                return "the Installation has no IPv4 pool, so the operator's CNI config sets assign_ipv4 false"
    return None
