"""Ceph monitors: parse `ceph quorum_status -f json`, and say which monitors are out of quorum.

The manual's cluster types fix the number of storage monitors (development 3, production 5).
"""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class Monitor:
    name: str
    rank: int
    address: str


@dataclass(frozen=True)
class QuorumStatus:
    monitors: tuple[Monitor, ...]  # the monmap, in rank order
    in_quorum: tuple[str, ...]
    leader: str


def parse_quorum_status(text: str) -> QuorumStatus:
    """The monmap and the quorum; ValueError says what is malformed."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"ceph quorum_status: not JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(doc, dict) or not isinstance((doc.get("monmap") or {}).get("mons"), list):
        raise ValueError("ceph quorum_status: no monmap.mons list")
    monitors = []
    for entry in doc["monmap"]["mons"]:
        if not isinstance(entry, dict) or "name" not in entry:
            raise ValueError(f"ceph quorum_status: monitor without name: {entry!r}")
        address = str(entry.get("public_addr") or entry.get("addr") or "").removesuffix("/0")
        monitors.append(Monitor(str(entry["name"]), int(entry.get("rank", -1)), address))
    return QuorumStatus(
        monitors=tuple(sorted(monitors, key=lambda m: m.rank)),
        in_quorum=tuple(str(n) for n in doc.get("quorum_names") or ()),
        leader=str(doc.get("quorum_leader_name") or ""),
    )


def out_of_quorum(status: QuorumStatus) -> list[str]:
    """Monitors of the monmap that are not in quorum."""
    return [
        f"monitor {m.name} ({m.address or 'no address'}) is in the monmap but not in quorum "
        f"(quorum: {', '.join(status.in_quorum) or 'none'})"
        for m in status.monitors
        if m.name not in status.in_quorum
    ]


def count_problems(status: QuorumStatus, expected: int, cluster_type: str) -> list[str]:
    """A monitor count other than the one the cluster type calls for."""
    if len(status.monitors) == expected:
        return []
    names = ", ".join(m.name for m in status.monitors)
    return [f"the monmap has {len(status.monitors)} monitors ({names}); a {cluster_type} cluster has {expected}"]
