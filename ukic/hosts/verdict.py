"""One outcome from many hosts: problems fail the check, hosts that could not answer make it unverifiable."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

from ukic.outcome import Unverifiable, fail_on

if TYPE_CHECKING:  # conclude() serves checks without hosts too (the cluster table): no testinfra pool for them
    from ukic.hosts.pool import HostPool, RemoteHost

T = TypeVar("T")


def gather(
    pool: HostPool, targets: Sequence[RemoteHost | Unverifiable], ask: Callable[[RemoteHost], T]
) -> tuple[list[tuple[RemoteHost, T]], list[Unverifiable]]:
    """``ask`` every reachable target (several at a time): the answers, and every host that gave none."""
    from ukic.hosts.pool import RemoteHost

    hosts = [t for t in targets if isinstance(t, RemoteHost)]
    gaps = [t for t in targets if isinstance(t, Unverifiable)]
    answers: list[tuple[RemoteHost, T]] = []
    for host, answer in zip(hosts, pool.each(hosts, ask), strict=True):
        if isinstance(answer, Unverifiable):
            gaps.append(answer)
        else:
            answers.append((host, answer))
    return answers, gaps


def conclude(problems: Sequence[str], gaps: Sequence[Unverifiable], remedy: str) -> None:
    """Fail on any problem (also naming hosts that could not be checked); else unverifiable on any gap."""
    if problems:
        fail_on([*problems, *(f"not checked: {gap}" for gap in gaps)], remedy=remedy)
    if gaps:
        raise Unverifiable("; ".join(str(gap) for gap in gaps))
