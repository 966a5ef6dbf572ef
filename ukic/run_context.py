"""What one verification run shares with every step: the profile selection, the source and its state."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ukic.result import ScenarioResult
from ukic.sources.base import Source
from ukic.state import ClusterState

if TYPE_CHECKING:
    from ukic.hosts.spec import HostsSpec
    from ukic.inventory import Cluster
    from ukic.profiles import Selection


@dataclass
class UkicRun:
    """One run: built before the first scenario, filled with results as scenarios finish."""

    selection: Selection
    source: Source
    state: ClusterState
    hosts: HostsSpec | None = None  # None when no hosts were given
    inventory_entry: Cluster | None = None  # the cluster's inventory row, when verified from an inventory
    results: list[ScenarioResult] = field(default_factory=list)
    fatal: Exception | None = None  # a SourceError that stopped the run before any check

    def not_applicable_tags(self) -> dict[str, str]:
        """Scenario tags this run cannot speak to, with the reason shown for them."""
        tags = dict(self.source.not_applicable_tags)
        if self.hosts is None:
            tags.setdefault("hosts", "no hosts given: node and router checks need --host or --host-template")
        return tags
