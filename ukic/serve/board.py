"""What `ukic serve` knows right now: each cluster's status from its last run in this process.

The loop writes it after every run; the web side reads it at every request. A cluster that
has not been verified by this process yet has no status: nothing is carried over from an
older process, so nothing stale is ever served as current.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ukic.metrics import ClusterStatus


class Board:
    """Thread-safe per-cluster statuses, plus where reports and the ledger live."""

    def __init__(self, names: Iterable[str], report_dir: Path, inventory: Any = None) -> None:
        self.names = list(names)
        self.report_dir = Path(report_dir)
        self.inventory = inventory
        self._statuses: dict[str, ClusterStatus] = {}
        self._lock = threading.Lock()

    def update(self, status: ClusterStatus) -> None:
        with self._lock:
            self._statuses[status.cluster] = status

    def status(self, name: str) -> ClusterStatus | None:
        with self._lock:
            return self._statuses.get(name)

    def statuses(self) -> list[ClusterStatus]:
        """Every cluster verified so far, in configured order."""
        with self._lock:
            return [self._statuses[n] for n in self.names if n in self._statuses]

    def waiting(self) -> list[str]:
        """Clusters whose first run has not finished yet."""
        with self._lock:
            return [n for n in self.names if n not in self._statuses]
