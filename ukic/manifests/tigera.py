"""A tigera-operator Installation -> the crd.projectcalico.org/v1 IPPools Calico creates from it.

Under the operator, the IP pools are not written by hand: ``spec.calicoNetwork.ipPools`` of the
Installation becomes ``default-ipv4-ippool`` / ``default-ipv6-ippool``. A repository holding only
the Installation therefore declares those pools, and the IP pool checks read them.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from ukic.manifests.calico import CRD_API_VERSION

#: Installation encapsulation -> (ipipMode, vxlanMode) of the created pool.
ENCAPSULATION_MODES = {
    "None": ("Never", "Never"),
    "IPIP": ("Always", "Never"),
    "IPIPCrossSubnet": ("CrossSubnet", "Never"),
    "VXLAN": ("Never", "Always"),
    "VXLANCrossSubnet": ("Never", "CrossSubnet"),
}


def ip_pools(installation: dict[str, Any]) -> list[dict[str, Any]]:
    """The IPPools the operator derives from an Installation's calicoNetwork.ipPools."""
    network = (installation.get("spec") or {}).get("calicoNetwork") or {}
    pools: list[dict[str, Any]] = []
    names: set[str] = set()
    for entry in network.get("ipPools") or []:
        if not isinstance(entry, dict):
            continue
        cidr = str(entry.get("cidr", ""))
        family = _family(cidr)
        name = entry.get("name") or f"default-ipv{family or 4}-ippool"
        if name in names:
            name = f"{name}-{len(names)}"
        names.add(name)
        spec: dict[str, Any] = {"cidr": cidr, "nodeSelector": entry.get("nodeSelector") or "all()"}
        encapsulation = entry.get("encapsulation") or _default_encapsulation(family)
        modes = ENCAPSULATION_MODES.get(encapsulation)
        if modes is not None:
            spec["ipipMode"], spec["vxlanMode"] = modes
        else:
            spec["encapsulation"] = encapsulation  # unknown value: keep it visible, claim no mode
        if "blockSize" in entry:
            spec["blockSize"] = entry["blockSize"]
        if "natOutgoing" in entry:
            spec["natOutgoing"] = entry["natOutgoing"] == "Enabled"
        pools.append({"apiVersion": CRD_API_VERSION, "kind": "IPPool", "metadata": {"name": name}, "spec": spec})
    return pools


def _family(cidr: str) -> int | None:
    try:
        return ipaddress.ip_network(cidr, strict=False).version
    except ValueError:
        return None


def _default_encapsulation(family: int | None) -> str:
    """The operator defaults an IPv4 pool to IP-in-IP; IP-in-IP cannot carry IPv6, so v6 pools get none."""
    return "None" if family == 6 else "IPIP"
