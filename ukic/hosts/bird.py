"""BIRD 2 as the upstream router sees the cluster: parse `birdc show protocols all` and `show route all`,
and say which node sessions are down and which pod blocks are reached via the wrong node.

The manual: "We keep the original next hop so that only the server with the pod is announcing
it (instead of ecmp)" — every route the router learns for a node's pod block must lead to that
node's own address, whichever node relayed it.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

_PROTOCOL = re.compile(r"^(?P<name>\S+)\s+(?P<proto>\S+)\s+(?P<table>\S+)\s+(?P<state>\S+)\s*(?P<rest>.*)$")
_DETAIL = re.compile(r"^\s+(?P<key>[A-Za-z][A-Za-z /-]*?):\s+(?P<value>.*)$")
_PREFIX = re.compile(r"^(?P<prefix>[0-9A-Fa-f:.]+/\d+)\s*$")
_ROUTE = re.compile(
    r"^(?P<prefix>[0-9A-Fa-f:.]+/\d+)?\s*(?P<kind>[a-z]+)\s+\[(?P<proto>\S+)\s+(?P<since>[^\]]*?)"
    r"(?:\s+from\s+(?P<from>\S+))?\]\s*(?P<best>\*)?\s*\((?P<pref>\d+)"
)
_VIA = re.compile(r"^\s+via\s+(?P<gw>\S+)(?:\s+on\s+(?P<iface>\S+))?")
_ATTR = re.compile(r"^\s+(?P<key>BGP\.[a-z_]+|Type):\s*(?P<value>.*)$")


@dataclass(frozen=True)
class BgpProtocol:
    """One BGP protocol (session) of a BIRD instance."""

    name: str
    state: str  # up | start | down ...
    bgp_state: str  # Established | Active | Connect | Idle ...
    neighbor_address: str
    neighbor_as: str = ""
    last_error: str = ""

    @property
    def established(self) -> bool:
        return self.bgp_state == "Established"

    def describe(self) -> str:
        error = f", last error: {self.last_error}" if self.last_error else ""
        return f"BGP session {self.name} is {self.bgp_state or self.state}{error}"


@dataclass(frozen=True)
class Route:
    """One route of `show route all`; ``best`` is BIRD's `*` mark."""

    prefix: str
    kind: str
    protocol: str
    best: bool
    gateways: tuple[str, ...] = ()
    learned_from: str = ""  # "from X" when the announcing peer is not the next hop
    attributes: dict[str, str] = field(default_factory=dict, compare=False)


def parse_protocols(text: str) -> list[BgpProtocol]:
    """The BGP protocols of `birdc show protocols all`."""
    protocols: list[BgpProtocol] = []
    current: dict[str, str] | None = None

    def flush() -> None:
        if current is not None and current["proto"] == "BGP":
            protocols.append(
                BgpProtocol(
                    name=current["name"],
                    state=current["state"],
                    bgp_state=current.get("BGP state", ""),
                    neighbor_address=current.get("Neighbor address", ""),
                    neighbor_as=current.get("Neighbor AS", ""),
                    last_error=current.get("Last error", ""),
                )
            )

    for line in text.splitlines():
        if not line.strip() or line.startswith(("BIRD ", "Name ")):
            continue
        if not line[0].isspace():
            flush()
            match = _PROTOCOL.match(line)
            current = dict(match.groupdict()) if match else None
            continue
        detail = _DETAIL.match(line)
        if current is not None and detail is not None:
            current.setdefault(detail["key"].strip(), detail["value"].strip())
    flush()
    return protocols


def parse_routes(text: str) -> list[Route]:
    """Every route of `birdc show route all` (BIRD 2.0 layout, and the later one with the prefix on its own line)."""
    routes: list[Route] = []
    prefix = ""
    current: dict[str, object] | None = None

    def flush() -> None:
        if current is not None:
            routes.append(Route(**current))  # type: ignore[arg-type]

    for line in text.splitlines():
        if not line.strip() or line.startswith(("BIRD ", "Table ")):
            continue
        header = _ROUTE.match(line)
        if header is not None:
            flush()
            prefix = header["prefix"] or prefix
            current = {
                "prefix": prefix,
                "kind": header["kind"],
                "protocol": header["proto"],
                "best": bool(header["best"]),
                "gateways": (),
                "learned_from": header["from"] or "",
                "attributes": {},
            }
            continue
        alone = _PREFIX.match(line)
        if alone is not None:
            flush()
            current, prefix = None, alone["prefix"]
            continue
        if current is None:
            continue
        via = _VIA.match(line)
        if via is not None:
            current["gateways"] = (*current["gateways"], via["gw"])  # type: ignore[misc]
            continue
        attr = _ATTR.match(line)
        if attr is not None:
            current["attributes"][attr["key"]] = attr["value"].strip()  # type: ignore[index]
    flush()
    return routes


# -- what the router should see -------------------------------------------------------------------
@dataclass(frozen=True)
class ClusterNode:
    """A node as the router should know it: its addresses and the Calico IPAM blocks it announces."""

    name: str
    addresses: tuple[str, ...]
    pod_blocks: tuple[str, ...] = ()


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.split("%")[0])
    except ValueError:
        return None


def _network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None


def _node_of(address: str, nodes: Iterable[ClusterNode]) -> ClusterNode | None:
    wanted = _address(address)
    return next((n for n in nodes if wanted is not None and wanted in {_address(a) for a in n.addresses}), None)


def session_problems(router: str, protocols: Sequence[BgpProtocol], nodes: Sequence[ClusterNode]) -> list[str]:
    """Nodes without an Established BGP session on this router."""
    problems = []
    for node in nodes:
        sessions = [p for p in protocols if _node_of(p.neighbor_address, [node]) is not None]
        if not sessions:
            problems.append(f"router {router} has no BGP session with node {node.name} ({', '.join(node.addresses)})")
        elif not any(s.established for s in sessions):
            shown = "; ".join(f"{s.describe()} (peer {s.neighbor_address})" for s in sessions)
            problems.append(f"router {router}: no Established session with node {node.name}: {shown}")
    return problems


def _announcer(route: Route, protocols: Sequence[BgpProtocol], nodes: Sequence[ClusterNode]) -> str:
    protocol = next((p for p in protocols if p.name == route.protocol), None)
    node = _node_of(protocol.neighbor_address, nodes) if protocol else None
    return f"node {node.name}" if node else f"protocol {route.protocol}"


def next_hop_problems(
    router: str, routes: Sequence[Route], protocols: Sequence[BgpProtocol], nodes: Sequence[ClusterNode]
) -> list[str]:
    """Pod blocks the router has no route for, or reaches via a node other than the one hosting them."""
    problems = []
    for node in nodes:
        own = {_address(a) for a in node.addresses}
        for block in node.pod_blocks:
            network = _network(block)
            found = [r for r in routes if network is not None and _network(r.prefix) == network]
            if not found:
                problems.append(f"router {router} has no route for pod block {block} of node {node.name}")
                continue
            wrong = [r for r in found if not r.gateways or not {_address(g) for g in r.gateways} <= own]
            if not wrong:
                continue
            shown = ", ".join(
                f"via {'/'.join(r.gateways) or r.kind} from {_announcer(r, protocols, nodes)}"
                + (" (best route)" if r.best else "")
                for r in sorted(wrong, key=lambda r: not r.best)
            )
            problems.append(
                f"router {router}: pod block {block} of node {node.name} is routed {shown}, not via "
                f"{node.name}'s own {'/'.join(node.addresses)}: the original next hop was not kept"
            )
    return problems


def service_problems(
    router: str,
    routes: Sequence[Route],
    protocols: Sequence[BgpProtocol],
    nodes: Sequence[ClusterNode],
    service_networks: Sequence[str],
) -> list[str]:
    """Service networks the router learns from no node."""
    from_nodes = [r for r in routes if _announcer(r, protocols, nodes).startswith("node ")]
    problems = []
    for text in service_networks:
        wanted = _network(text)
        covering = [
            r
            for r in from_nodes
            if wanted is not None
            and (n := _network(r.prefix)) is not None
            and n.version == wanted.version
            and wanted.subnet_of(n)  # type: ignore[arg-type]
        ]
        if not covering:
            problems.append(f"router {router} has no route for the service network {text} announced by a node")
    return problems
