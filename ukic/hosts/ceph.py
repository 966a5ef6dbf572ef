"""Ceph monitors: parse `ceph quorum_status -f json` (or one monitor's `mon_status` from its admin socket),
and say which monitors are out of quorum.

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


#: The states of a monitor that is part of the quorum (Monitor::get_state_name: probing, synchronizing,
#: electing, leader, peon, shutdown); any other state means its own view of the quorum is not current.
QUORUM_STATES = ("leader", "peon")


@dataclass(frozen=True)
class QuorumStatus:
    monitors: tuple[Monitor, ...]  # the monmap, in rank order
    in_quorum: tuple[str, ...]
    leader: str
    asked: str = ""  # the monitor whose admin socket answered ("" for `ceph quorum_status`)
    asked_state: str = ""  # its state: leader, peon, probing, electing, ...

    @property
    def current(self) -> bool:
        """The view of a monitor in the quorum (or of the cluster, through `ceph quorum_status`)."""
        return not self.asked or self.asked_state in QUORUM_STATES


def _document(text: str, what: str) -> dict:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{what}: not JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(doc, dict) or not isinstance((doc.get("monmap") or {}).get("mons"), list):
        raise ValueError(f"{what}: no monmap.mons list")
    return doc


def _monmap(doc: dict, what: str) -> tuple[Monitor, ...]:
    monitors = []
    for entry in doc["monmap"]["mons"]:
        if not isinstance(entry, dict) or "name" not in entry:
            raise ValueError(f"{what}: monitor without name: {entry!r}")
        address = str(entry.get("public_addr") or entry.get("addr") or "").removesuffix("/0")
        monitors.append(Monitor(str(entry["name"]), int(entry.get("rank", -1)), address))
    return tuple(sorted(monitors, key=lambda m: m.rank))


def parse_quorum_status(text: str) -> QuorumStatus:
    """The monmap and the quorum; ValueError says what is malformed."""
    what = "ceph quorum_status"
    doc = _document(text, what)
    return QuorumStatus(
        monitors=_monmap(doc, what),
        in_quorum=tuple(str(n) for n in doc.get("quorum_names") or ()),
        leader=str(doc.get("quorum_leader_name") or ""),
    )


def parse_mon_status(text: str) -> QuorumStatus:
    """The quorum as one monitor sees it, from `ceph --admin-daemon <socket> mon_status`.

    A Pacific (16.2) monitor's admin socket has no `quorum_status` command (it answers "no valid
    command found"); `mon_status` is what it offers, and what Rook's own liveness probe runs
    (rook v1.7 pkg/operator/ceph/config/livenessprobe.go). It lists the quorum by rank.
    """
    what = "ceph mon_status"
    doc = _document(text, what)
    monitors = _monmap(doc, what)
    ranks = doc.get("quorum")
    if not isinstance(ranks, list):
        raise ValueError(f"{what}: no quorum list")
    by_rank = {m.rank: m.name for m in monitors}
    in_quorum = tuple(by_rank.get(int(r), f"rank {r}") for r in ranks)
    return QuorumStatus(
        monitors=monitors,
        in_quorum=in_quorum,
        leader=str(doc.get("name") or "") if doc.get("state") == "leader" else "",
        asked=str(doc.get("name") or ""),
        asked_state=str(doc.get("state") or ""),
    )


def out_of_quorum(status: QuorumStatus) -> list[str]:
    """Monitors of the monmap that are not in quorum (only the asked one when it is itself outside)."""
    if not status.current:
        return [
            f"monitor {status.asked} is {status.asked_state or 'in no state'}, outside the quorum "
            "(its own admin socket says so; no monitor in the quorum answered)"
        ]
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
