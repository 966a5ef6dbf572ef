"""The catalogue's AREA_READS names everything each feature area reads, so a live run fetches it all
in its one concurrent pass; and every key a check reads is in the catalogue (and so in the RBAC role)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ukic import paths
from ukic.resources import AREA_READS, BY_KEY
from ukic.run import VerifyRequest, verify
from ukic.sources.base import Obj
from ukic.sources.snapshot import SnapshotSource

#: What the run reads after the scenarios, for the manual-table facts (masters, argo, rook).
FACT_READS = {"nodes", "deployments.apps"}
HOST_AREAS = {"nodes", "routers"}  # they need SSH hosts; without them they read nothing


class RecordingSnapshot(SnapshotSource):
    """Remembers which resources were read inside the prefetch pass and which lazily after it."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.prefetched: set[str] = set()
        self.lazy: set[str] = set()
        self._in_prefetch = False

    def prefetch(self, keys):  # type: ignore[no-untyped-def]
        self._in_prefetch = True
        try:
            return super().prefetch(keys)
        finally:
            self._in_prefetch = False

    def list(self, key: str) -> list[Obj]:
        (self.prefetched if self._in_prefetch else self.lazy).add(key)
        return super().list(key)


@pytest.mark.parametrize("area", sorted(set(AREA_READS) - HOST_AREAS))
def test_each_area_reads_only_what_it_declares(area: str) -> None:
    source = RecordingSnapshot(paths.samples_dir() / "v5-production")
    verify(VerifyRequest(source, "v5", "production", marker=area))
    assert source.prefetched == set(AREA_READS[area])
    assert source.lazy - FACT_READS == set(), f"{area} reads {sorted(source.lazy - FACT_READS)} without declaring it"


def test_every_declared_key_is_catalogued() -> None:
    assert {key for keys in AREA_READS.values() for key in keys} <= set(BY_KEY)
