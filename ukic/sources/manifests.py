"""Configuration-repository source: the objects a folder of manifests declares, as a cluster would serve them.

A repository states everything it manages, so a resource it holds nothing of is an empty
list ("none declared"). It holds no runtime state: scenarios tagged @runtime are not
applicable, and nodes, which no repository declares, cannot be listed.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar

from ukic.manifests.mapping import SOURCE_ANNOTATION, RepositoryState, map_reading, origin
from ukic.manifests.reader import read_folder
from ukic.resources import BY_KEY
from ukic.sources.base import Obj, ResourceUnavailable, Source, SourceInfo

__all__ = ["SOURCE_ANNOTATION", "ManifestsSource", "origin"]

RUNTIME_REASON = "manifests carry no runtime state"
#: Catalogued resources a repository never declares: only a running cluster has them.
RUNTIME_ONLY = frozenset({"nodes"})


class ManifestsSource(Source):
    """Reads every *.yaml/*.yml under a folder (one cluster's configuration) once, at construction.

    Raises UsageError for a missing folder or two clusters in one folder, SourceError for a
    file that is not valid YAML (naming file and line).
    """

    not_applicable_tags: ClassVar[Mapping[str, str]] = {"runtime": RUNTIME_REASON}

    def __init__(self, path: str | Path, cluster_name: str | None = None, location: str | None = None) -> None:
        self.path = Path(path)
        self._cluster_name = cluster_name or self.path.resolve().name
        self._location = location or str(self.path)
        reading = read_folder(self.path)
        self._files = reading.files
        self._state: RepositoryState = map_reading(reading)
        self.ignored: list[str] = list(self._state.ignored)

    @property
    def notes(self) -> list[str]:
        """Everything worth telling the reader: ignored files and documents, kubeadm defaults applied,
        objects written twice. A superset of ``ignored``."""
        return list(self._state.notes)

    def info(self) -> SourceInfo:
        extra = {
            "files": str(self._files),
            "objects": str(sum(len(v) for v in self._state.objects.values())),
            "ignored": str(len(self.ignored)),
        }
        if self._state.kubernetes_version:
            extra["kubernetesVersion"] = self._state.kubernetes_version
        return SourceInfo(kind="manifests", location=self._location, cluster_name=self._cluster_name, extra=extra)

    def list(self, key: str) -> list[Obj]:
        if key not in BY_KEY:
            raise ResourceUnavailable(key, "not a resource ukic reads")
        if key in RUNTIME_ONLY:
            raise ResourceUnavailable(key, f"{RUNTIME_REASON} (a configuration repository declares no {key})")
        return list(self._state.objects.get(key, []))
