"""When each cluster is verified next: every interval (with jitter), and soon after a watched change.

Pure bookkeeping over a clock the caller passes in, so it is tested without waiting. A change
makes its cluster due once things have been quiet for ``quiet`` seconds, but never later than
``max_delay`` after the first change, so a steady trickle of changes cannot postpone the run.
A change seen while the cluster is being verified makes it due again after that run.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable
from dataclasses import dataclass

JITTER = 0.1  # each interval is stretched or shrunk by up to 10 %, so clusters and replicas spread out
QUIET_SECONDS = 2.0
MAX_DELAY_SECONDS = 5.0
_DURATION = re.compile(r"(\d+(?:\.\d+)?)([smhd])")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> float:
    """``90`` or ``90s``, ``15m``, ``1h``, ``1h30m``, ``1d``: seconds; ValueError otherwise."""
    text = text.strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        seconds = float(text)
    else:
        parts = _DURATION.findall(text)
        if not parts or "".join(n + u for n, u in parts) != text:
            raise ValueError(f"not a duration: {text!r} (e.g. 90s, 15m, 1h, 1h30m)")
        seconds = sum(float(n) * _UNITS[u] for n, u in parts)
    if seconds <= 0:
        raise ValueError(f"not a positive duration: {text!r}")
    return seconds


@dataclass
class _Changes:
    first: float
    last: float


class Schedule:
    """Due times of named clusters; every cluster is due at once when the schedule starts."""

    def __init__(
        self,
        names: Iterable[str],
        interval: float,
        now: float,
        *,
        jitter: float = JITTER,
        quiet: float = QUIET_SECONDS,
        max_delay: float = MAX_DELAY_SECONDS,
        rng: random.Random | None = None,
    ) -> None:
        self._interval = interval
        self._jitter = jitter
        self._quiet = quiet
        self._max_delay = max_delay
        self._rng = rng or random.Random()
        self._next = dict.fromkeys(names, now)
        self._changes: dict[str, _Changes] = {}

    def changed(self, name: str, now: float) -> None:
        """Something the cluster's scenarios read changed at ``now``."""
        seen = self._changes.get(name)
        if seen is None:
            self._changes[name] = _Changes(now, now)
        else:
            seen.last = now

    def started(self, name: str, now: float) -> None:
        """A run of the cluster starts: it has seen every change up to now; the next interval begins."""
        self._changes.pop(name, None)
        spread = self._rng.uniform(-self._jitter, self._jitter)
        self._next[name] = now + self._interval * (1 + spread)

    def due_at(self, name: str) -> float:
        """When the cluster should be verified next."""
        at = self._next[name]
        seen = self._changes.get(name)
        if seen is not None:
            at = min(at, seen.last + self._quiet, seen.first + self._max_delay)
        return at

    def due(self, now: float, busy: Iterable[str] = ()) -> list[str]:
        """Clusters due by ``now`` that are not being verified, most overdue first."""
        skip = set(busy)
        ready = [n for n in self._next if n not in skip and self.due_at(n) <= now]
        return sorted(ready, key=self.due_at)

    def next_due(self, busy: Iterable[str] = ()) -> float | None:
        """The earliest due time of a cluster not being verified (None: all are busy)."""
        skip = set(busy)
        times = [self.due_at(n) for n in self._next if n not in skip]
        return min(times) if times else None
