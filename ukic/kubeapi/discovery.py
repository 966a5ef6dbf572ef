"""One discovery pass: which catalogued resources the server serves, in which version, at which path.

Reads ``/api`` and ``/apis``, then the resource list of the preferred version of every
catalogued group the server serves (concurrently). A resource whose group or version the
server does not serve resolves to ``None``: none of its objects can exist. A group whose
discovery itself fails (403, an aggregated API that is down) makes its resources
unavailable, with a reason naming the group.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from ukic.errors import SourceError
from ukic.kubeapi.http import ApiClient, ApiStatusError
from ukic.resources import Resource


@dataclass(frozen=True)
class Served:
    """A catalogued resource as this server serves it."""

    resource: Resource
    group_version: str  # "v1", "apps/v1"
    namespaced: bool

    @property
    def list_path(self) -> str:
        return f"{_prefix(self.group_version)}/{self.resource.plural}"


class GroupUnavailable(Exception):
    """Discovery of one API group failed; its resources cannot be read."""


def _prefix(group_version: str) -> str:
    return "/api/v1" if group_version == "v1" else f"/apis/{group_version}"


class Discovery:
    """Resolves catalogued resources against the server; the pass runs once, on first use."""

    def __init__(self, client: ApiClient, resources: Iterable[Resource], workers: int = 8) -> None:
        self._client = client
        self._resources = tuple(resources)
        self._workers = max(1, workers)
        self._lock = threading.Lock()
        self._done = False
        self._served: dict[str, Served | None] = {}
        self._failed: dict[str, str] = {}  # group -> reason

    def resolve(self, resource: Resource) -> Served | None:
        """The served form of ``resource``, None if not served; GroupUnavailable if discovery failed."""
        self.run()
        if resource.group in self._failed:
            raise GroupUnavailable(self._failed[resource.group])
        return self._served.get(resource.key)

    def run(self) -> None:
        with self._lock:
            if not self._done:
                self._discover()
                self._done = True

    def _discover(self) -> None:
        with ThreadPoolExecutor(max_workers=self._workers, thread_name_prefix="ukic-discovery") as pool:
            core, groups = pool.map(self._root, ("/api", "/apis"))
            versions_of = _group_versions(core, groups)
            wanted = sorted({r.group for r in self._resources if r.group in versions_of})
            preferred = {g: versions_of[g][0] for g in wanted}
            lists = dict(zip(wanted, pool.map(self._resource_list, preferred.values()), strict=True))
        for resource in self._resources:
            self._served[resource.key] = None
            if resource.group not in versions_of:
                continue
            listing = lists[resource.group]
            if isinstance(listing, str):
                self._failed[resource.group] = listing
                continue
            found = _find(resource, preferred[resource.group], listing)
            for other in versions_of[resource.group][1:]:
                if found is not None:
                    break
                extra = self._resource_list(other)
                if not isinstance(extra, str):
                    found = _find(resource, other, extra)
            self._served[resource.key] = found

    def _root(self, path: str) -> dict[str, Any]:
        try:
            return self._client.get_json(path)
        except ApiStatusError as exc:
            raise SourceError(
                f"API discovery failed at {self._client.server}: GET {path} answered {exc.status} {exc.message}"
            ) from None

    def _resource_list(self, group_version: str) -> dict[str, Any] | str:
        """The APIResourceList of one group version, or a reason it could not be read."""
        path = _prefix(group_version)
        try:
            return self._client.get_json(path)
        except ApiStatusError as exc:
            if exc.status == 404:
                return {"resources": []}
            group = group_version.rpartition("/")[0] or "core"
            return f"discovery of API group {group} failed: GET {path} answered {exc.status} {exc.message}"


def _group_versions(core: dict[str, Any], groups: dict[str, Any]) -> dict[str, list[str]]:
    """group -> served group versions, preferred first ("" is the core group)."""
    served: dict[str, list[str]] = {}
    if "v1" in (core.get("versions") or []):
        served[""] = ["v1"]
    for group in groups.get("groups") or []:
        if not isinstance(group, dict) or not group.get("name"):
            continue
        versions = [v.get("groupVersion") for v in group.get("versions") or [] if isinstance(v, dict)]
        versions = [v.strip("/") for v in versions if isinstance(v, str) and v]
        preferred = (group.get("preferredVersion") or {}).get("groupVersion")
        if isinstance(preferred, str) and preferred.strip("/") in versions:
            versions.remove(preferred.strip("/"))
            versions.insert(0, preferred.strip("/"))
        if versions:
            served[group["name"]] = versions
    return served


def _find(resource: Resource, group_version: str, listing: dict[str, Any]) -> Served | None:
    for entry in listing.get("resources") or []:
        if isinstance(entry, dict) and entry.get("name") == resource.plural:
            verbs = entry.get("verbs")
            if isinstance(verbs, list) and "list" not in verbs:
                return None
            return Served(resource, group_version, bool(entry.get("namespaced", resource.namespaced)))
    return None
