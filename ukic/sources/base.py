"""The source contract shared by snapshot, live, manifests and kind sources."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

Obj = dict[str, Any]


class ResourceUnavailable(Exception):
    """A resource's objects cannot be had: not captured, forbidden, not served by this kind of source.

    The reason is one line naming the resource and why; it becomes the scenario's
    *unverifiable* reason (and ``remedy`` its remedy). Absence of data is never read as "none exist".
    """

    def __init__(self, key: str, reason: str, remedy: str = "") -> None:
        super().__init__(f"{key}: {reason}")
        self.key = key
        self.reason = reason
        self.remedy = remedy  # how to make it readable, where the source knows


@dataclass(frozen=True)
class SourceInfo:
    """What a source says about itself and the cluster, for reports and the ledger."""

    kind: str  # snapshot | live | manifests | kind
    location: str  # path, or server URL with context
    cluster_name: str | None = None
    captured_at: str | None = None  # RFC 3339
    server_version: str | None = None
    context: str | None = None
    extra: Mapping[str, str] = field(default_factory=dict)


#: What a source that reads a running cluster (snapshot, live, kind) cannot speak to.
RUNNING_CLUSTER_TAGS: Mapping[str, str] = {
    "repository": "Secrets belong in the cluster; only a configuration repository must hold none",
}


class Source(ABC):
    """Reads cluster objects as plain dicts, the way the API returns them."""

    #: Scenario tags this source cannot speak to, with the not-applicable reason,
    #: e.g. {"runtime": "manifests carry no runtime state"}.
    not_applicable_tags: Mapping[str, str] = RUNNING_CLUSTER_TAGS

    @property
    def notes(self) -> list[str]:
        """Things worth telling the reader about what was read (e.g. files a repository holds that are no objects)."""
        return []

    @abstractmethod
    def info(self) -> SourceInfo:
        """Describe the source and the cluster it reads."""

    @abstractmethod
    def list(self, key: str) -> list[Obj]:
        """All objects of the resource ``key``, or raise ResourceUnavailable.

        Raise ukic.errors.SourceError when the source as a whole cannot be read
        (unreadable file, unreachable server): that ends the run.
        """

    def prefetch(self, keys: Iterable[str]) -> dict[str, list[Obj] | ResourceUnavailable]:
        """Fetch several resources at once; live sources do it concurrently."""
        results: dict[str, list[Obj] | ResourceUnavailable] = {}
        for key in keys:
            try:
                results[key] = self.list(key)
            except ResourceUnavailable as gap:
                results[key] = gap
        return results

    def start_prefetch(self, keys: Iterable[str]) -> None:  # noqa: B027 - only a live source gains by it
        """Begin fetching ``keys`` in the background (e.g. while pytest starts); a later prefetch or
        list waits for what is under way instead of asking again."""

    def close(self) -> None:  # noqa: B027 - most sources hold nothing to release
        """Release connections or files."""
