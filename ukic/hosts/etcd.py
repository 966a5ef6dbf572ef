"""etcd membership: parse `etcdctl member list -w json` and `endpoint health -w json`, find stale and down members.

The manual's re-join trouble: a control-plane node that is wiped and joins again cannot start
etcd while its old member is still listed; the remedy is to remove that member. Removing a
member is only right for a member that no current control-plane node stands behind (or that
never started): a member of a current control-plane node that does not answer is *down* and
must be looked at before anyone removes it (removing a live node's member breaks its etcd).
Member IDs are shown in hex, as etcdctl's table output and `member remove` use them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from ukic import remedies

STALE = "stale — remove it"
DOWN = "down — check before removing: its node is a current control-plane node"
#: How to look at a silent member of a current control-plane node (the manual's etcd pod listing).
LOOK = "kubectl -n kube-system get pods -l component=etcd,tier=control-plane, then that node's etcd pod logs"


class Finding(NamedTuple):
    """One way the membership differs from the control plane, and what to do about it."""

    problem: str
    remedy: str


@dataclass(frozen=True)
class EtcdMember:
    id: int
    name: str
    peer_urls: tuple[str, ...]
    client_urls: tuple[str, ...]
    is_learner: bool = False

    @property
    def id_hex(self) -> str:
        return f"{self.id:x}"

    @property
    def started(self) -> bool:
        """A member added but never started has no name and no client URLs."""
        return bool(self.name) and bool(self.client_urls)

    @property
    def peer_url(self) -> str:
        return ", ".join(self.peer_urls) or "no peer URL"

    def describe(self) -> str:
        named = f"{self.name}, " if self.name else ""
        return f"etcd member {self.id_hex} ({named}peer {self.peer_url})"


@dataclass(frozen=True)
class EndpointHealth:
    endpoint: str
    healthy: bool
    error: str = ""


def _json(text: str, what: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{what}: not JSON ({exc.msg} at line {exc.lineno})") from None


def _id(value: object) -> int:
    """IDs are JSON numbers from etcdctl and decimal strings from the HTTP gateway."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"member ID {value!r} is not a number")
    return int(value)


def parse_member_list(text: str) -> list[EtcdMember]:
    """Members from `etcdctl member list -w json`; ValueError says what is malformed."""
    doc = _json(text, "etcdctl member list")
    if not isinstance(doc, dict) or not isinstance(doc.get("members"), list):
        raise ValueError("etcdctl member list: no 'members' list")
    members = []
    for entry in doc["members"]:
        if not isinstance(entry, dict) or "ID" not in entry:
            raise ValueError(f"etcdctl member list: member without ID: {entry!r}")
        members.append(
            EtcdMember(
                id=_id(entry["ID"]),
                name=str(entry.get("name") or ""),
                peer_urls=tuple(entry.get("peerURLs") or ()),
                client_urls=tuple(entry.get("clientURLs") or ()),
                is_learner=bool(entry.get("isLearner", False)),
            )
        )
    return members


def parse_endpoint_health(text: str) -> dict[str, EndpointHealth]:
    """Health per endpoint from `etcdctl endpoint health -w json` (printed even when some fail)."""
    doc = _json(text, "etcdctl endpoint health")
    if not isinstance(doc, list):
        raise ValueError("etcdctl endpoint health: expected a list")
    health = {}
    for entry in doc:
        if isinstance(entry, dict) and "endpoint" in entry:
            health[entry["endpoint"]] = EndpointHealth(
                str(entry["endpoint"]), entry.get("health") is True, str(entry.get("error") or "")
            )
    return health


def client_endpoints(members: Iterable[EtcdMember]) -> list[str]:
    return [url for m in members if m.started for url in m.client_urls]


def membership_problems(
    members: Sequence[EtcdMember],
    control_plane: Sequence[str],
    health: Mapping[str, EndpointHealth],
    etcd_pod: str = "ETCDPODNAME",
) -> list[Finding]:
    """What makes the membership differ from "exactly the control-plane nodes, all started and answering".

    ``etcd_pod`` is the working etcd pod the manual's remove command runs in (the one that answered).
    """
    problems = []
    names = {m.name for m in members if m.name}
    for node in control_plane:
        if node not in names:
            problems.append(Finding(f"control-plane node {node} is not an etcd member", remedies.join_control_plane(1)))
    wanted = set(control_plane)
    for member in members:
        remove = remedies.etcd_member_remove(etcd_pod, member.id_hex)
        if not member.started:
            text = f"{member.describe()} was added but never started (no name or client URLs): {STALE}"
            problems.append(Finding(text, remove))
            continue
        if member.name not in wanted:
            problems.append(Finding(f"{member.describe()} is not a current control-plane node: {STALE}", remove))
            continue
        answers = [health[url] for url in member.client_urls if url in health]
        if not any(h.healthy for h in answers):
            why = next((h.error for h in answers if h.error), "no answer")
            text = f"{member.describe()} does not answer on {', '.join(member.client_urls)} ({why}): {DOWN}"
            problems.append(Finding(text, LOOK))
    return problems
