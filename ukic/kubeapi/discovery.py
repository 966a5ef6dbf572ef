"""One discovery pass: which catalogued resources the server serves, in which version, at which path.

Asks ``/api`` and ``/apis`` for aggregated discovery (``apidiscovery.k8s.io`` v2 or v2beta1,
Kubernetes 1.26+): two requests that name every group, version and resource. A server that
does not aggregate answers with the plain APIVersions/APIGroupList instead; then the resource
list of the preferred version of every catalogued group it serves is read too (concurrently).
A resource whose group or version the server does not serve resolves to ``None``: none of its
objects can exist. A group whose discovery itself fails (403, an aggregated API that is down,
or marked stale) makes its resources unavailable, with a reason naming the group.
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


#: Ask for aggregated discovery (newest first), else the plain documents.
AGGREGATED_ACCEPT = ", ".join(
    [f"application/json;g=apidiscovery.k8s.io;v={v};as=APIGroupDiscoveryList" for v in ("v2", "v2beta1")]
    + ["application/json"]
)
AGGREGATED_KIND = "APIGroupDiscoveryList"
EMPTY_LISTING: dict[str, Any] = {"resources": []}


class Discovery:
    """Resolves catalogued resources against the server; the pass runs once, on first use."""

    def __init__(self, client: ApiClient, resources: Iterable[Resource], workers: int = 8) -> None:
        self._client = client
        self._resources = tuple(resources)
        self._workers = max(1, workers)
        self._lock = threading.Lock()
        self._done = False
        self._error: SourceError | None = None  # the server could not be discovered at all
        self._served: dict[str, Served | None] = {}
        self._failed: dict[str, str] = {}  # group -> reason
        self.aggregated = False  # whether the server answered with aggregated discovery

    def resolve(self, resource: Resource) -> Served | None:
        """The served form of ``resource``, None if not served; GroupUnavailable if discovery failed."""
        self.run()
        if resource.group in self._failed:
            raise GroupUnavailable(self._failed[resource.group])
        return self._served.get(resource.key)

    def run(self) -> None:
        """Discover once; a server that could not be discovered fails every later call the same way."""
        with self._lock:
            if self._error is not None:
                raise self._error
            if not self._done:
                try:
                    self._discover()
                except SourceError as exc:
                    self._error = exc
                    raise
                self._done = True

    def _discover(self) -> None:
        with ThreadPoolExecutor(max_workers=self._workers, thread_name_prefix="ukic-discovery") as pool:
            roots = list(pool.map(self._root, ("/api", "/apis")))
            versions_of: dict[str, list[str]] = {}
            listings: dict[str, dict[str, Any] | str] = {}  # group version -> resource list, or why not
            for root, (path, field) in zip(roots, (("/api", "versions"), ("/apis", "groups")), strict=True):
                url = self._client.url(path)
                _expect_list(root, "items" if root.get("kind") == AGGREGATED_KIND else field, url)
                if root.get("kind") == AGGREGATED_KIND:
                    self.aggregated = True
                    _read_aggregated(root, versions_of, listings, self._failed, url)
            if roots[0].get("kind") != AGGREGATED_KIND and "v1" in (roots[0].get("versions") or []):
                versions_of[""] = ["v1"]
            if roots[1].get("kind") != AGGREGATED_KIND:
                versions_of.update(_group_versions(roots[1]))
            wanted = sorted({r.group for r in self._resources if r.group in versions_of})
            missing = [versions_of[g][0] for g in wanted if versions_of[g][0] not in listings]
            listings.update(zip(missing, pool.map(self._resource_list, missing), strict=True))
        for resource in self._resources:
            self._served[resource.key] = None
            if resource.group not in versions_of or resource.group in self._failed:
                continue
            versions = versions_of[resource.group]
            listing = listings[versions[0]]
            if isinstance(listing, str):
                self._failed[resource.group] = listing
                continue
            found = _find(resource, versions[0], listing)
            for other in versions[1:]:
                if found is not None:
                    break
                extra = listings.get(other) or self._resource_list(other)
                if not isinstance(extra, str):
                    found = _find(resource, other, extra)
            self._served[resource.key] = found

    def _root(self, path: str) -> dict[str, Any]:
        try:
            return self._client.get_json(path, accept=AGGREGATED_ACCEPT)
        except ApiStatusError as exc:
            raise SourceError(
                f"API discovery failed at {self._client.server}: GET {path} answered {exc.status} {exc.message}"
            ) from None

    def _resource_list(self, group_version: str) -> dict[str, Any] | str:
        """The APIResourceList of one group version, or a reason it could not be read."""
        path = _prefix(group_version)
        try:
            listing = self._client.get_json(path)
            _expect_list(listing, "resources", self._client.url(path))
            return listing
        except ApiStatusError as exc:
            if exc.status == 404:
                return EMPTY_LISTING
            group = group_version.rpartition("/")[0] or "core"
            return f"discovery of API group {group} failed: GET {path} answered {exc.status} {exc.message}"


def _read_aggregated(
    doc: dict[str, Any],
    versions_of: dict[str, list[str]],
    listings: dict[str, dict[str, Any] | str],
    failed: dict[str, str],
    url: str,
) -> None:
    """Groups, versions (preferred first) and resource lists of an APIGroupDiscoveryList.

    As client-go reads it: a version marked Stale (its aggregated API server did not answer)
    is left out; a group whose every version is stale cannot be discovered.
    """
    for group in doc.get("items") or []:
        if not isinstance(group, dict):
            continue
        name = (group.get("metadata") or {}).get("name") or ""
        versions: list[str] = []
        _expect_list(group, "versions", url)
        for entry in group.get("versions") or []:
            if isinstance(entry, dict):
                _expect_list(entry, "resources", url)
            version = entry.get("version") if isinstance(entry, dict) else None
            if not isinstance(version, str) or not version:
                continue
            if entry.get("freshness") == "Stale":
                failed.setdefault(
                    name, f"discovery of API group {name or 'core'} {version} is stale (its API server did not answer)"
                )
                continue
            group_version = f"{name}/{version}" if name else version
            versions.append(group_version)
            listings[group_version] = {
                "resources": [
                    {"name": r.get("resource"), "namespaced": r.get("scope") == "Namespaced", "verbs": r.get("verbs")}
                    for r in entry.get("resources") or []
                    if isinstance(r, dict)
                ]
            }
        if versions:
            failed.pop(name, None)
            versions_of[name] = versions


def _expect_list(document: dict[str, Any], field: str, url: str) -> None:
    """A discovery document whose list is something else is garbage: exit 2, not 'nothing is served'."""
    value = document.get(field)
    if value is not None and not isinstance(value, list):
        raise SourceError(f"malformed discovery answer from {url}: {field!r} is not a list")


def _group_versions(groups: dict[str, Any]) -> dict[str, list[str]]:
    """group -> served group versions, preferred first, from a plain APIGroupList."""
    served: dict[str, list[str]] = {}
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
