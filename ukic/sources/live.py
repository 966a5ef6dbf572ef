"""Live source: a running cluster through its API, read-only.

One discovery pass, then one paged LIST per resource (all namespaces), fetched
concurrently by :meth:`LiveSource.prefetch` and kept for the rest of the run. Raw JSON
becomes plain dicts; each item gets the ``apiVersion``/``kind`` the API leaves out of
lists. A resource the server does not serve has no objects (empty list); a forbidden one
is unavailable with a reason naming the permission. Secrets are requested as metadata only
and stripped again whatever comes back.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

from ukic.errors import SourceError
from ukic.heap import collector_paused
from ukic.kubeapi.credentials import EXEC_TIMEOUT
from ukic.kubeapi.discovery import Discovery, GroupUnavailable, Served
from ukic.kubeapi.http import ApiClient, ApiStatusError, RetryPolicy
from ukic.kubeapi.kubeconfig import load_target
from ukic.kubeapi.paging import list_collection
from ukic.projection import PROJECTIONS, ShapeError
from ukic.redact import strip_secret_payload
from ukic.resources import CATALOG, Resource, lookup
from ukic.sources.base import Obj, ResourceUnavailable, Source, SourceInfo
from ukic.timestamps import format_rfc3339


@dataclass(frozen=True)
class WatchPoint:
    """A collection a run listed: its path and the list's resourceVersion (a watch resumes there)."""

    path: str
    resource_version: str


class LiveSource(Source):
    """Reads a cluster through the Kubernetes API (GET only)."""

    def __init__(
        self,
        kubeconfig: Path | str | None,
        context: str | None,
        *,
        connect_timeout: float = 5,
        read_timeout: float = 30,
        retries: int = 3,
        concurrency: int = len(CATALOG),
        project: bool = True,
        exec_timeout: float = EXEC_TIMEOUT,
    ) -> None:
        """``concurrency``: requests in flight at once; by default every catalogued list goes out in
        one wave. ``project``: keep only the fields checks read of bulky objects (ukic.projection), page by page;
        `ukic capture` turns it off to write objects as the API returns them."""
        self._project = project
        self._target = load_target(kubeconfig, context, exec_timeout=exec_timeout)
        self._concurrency = max(1, concurrency)
        self._client = ApiClient(
            self._target.endpoint,
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            retry=RetryPolicy(retries=max(0, retries)),
            pool_size=self._concurrency,
        )
        self._discovery = Discovery(self._client, CATALOG, workers=self._concurrency)
        self._cache: dict[str, list[Obj] | ResourceUnavailable | SourceError] = {}
        self._started: set[str] = set()  # keys a background prefetch was started for ("" for discovery)
        self._listed: dict[str, WatchPoint] = {}
        self._key_locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()
        self._info: SourceInfo | None = None
        self._version: str | None = None
        self._version_asked = False
        self._date: datetime | None = None
        self._version_lock = threading.Lock()

    @property
    def server(self) -> str:
        return self._client.server

    @property
    def context(self) -> str | None:
        """The kubeconfig context in use (None with the in-cluster service account)."""
        return self._target.context

    def info(self) -> SourceInfo:
        if self._info is None:
            target = self._target
            where = "" if target.context else " (in-cluster service account)"
            self._info = SourceInfo(
                kind="live",
                location=f"{self._client.server}{where}",
                cluster_name=target.cluster_name,
                captured_at=self._server_clock(),
                server_version=self._server_version(),
                context=target.context,
            )
        return self._info

    def list(self, key: str) -> list[Obj]:
        resource = lookup(key)
        with self._lock_for(key):
            cached = self._cache.get(key)
            if cached is None:
                try:
                    cached = self._fetch(resource)
                except (ResourceUnavailable, SourceError) as failed:
                    cached = failed  # a failed list is not sent again (after the early fetch, by the real one)
                self._cache[key] = cached
        if isinstance(cached, ResourceUnavailable):
            raise ResourceUnavailable(cached.key, cached.reason, cached.remedy)
        if isinstance(cached, SourceError):
            raise SourceError(cached.message)
        return cached

    def prefetch(self, keys: Iterable[str]) -> dict[str, list[Obj] | ResourceUnavailable]:
        """List ``keys`` concurrently (after one discovery pass); SourceError if the server fails us."""
        wanted = list(dict.fromkeys(keys))
        for key in wanted:
            lookup(key)
        results: dict[str, list[Obj] | ResourceUnavailable] = {}
        workers = max(1, min(self._concurrency, len(wanted) + 1))
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ukic-list")
        try:
            version = pool.submit(self._server_version)  # alongside discovery, not after it
            self._discovery.run()
            version.result()
            futures = {key: pool.submit(self.list, key) for key in wanted}
            for key, future in futures.items():
                try:
                    results[key] = future.result()
                except ResourceUnavailable as gap:
                    results[key] = gap
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
        return results

    def start_prefetch(self, keys: Iterable[str]) -> None:
        wanted = [key for key in keys if key not in self._started]
        if self._started and not wanted:
            return  # under way already
        self._started.update(wanted)
        self._started.add("")  # discovery
        threading.Thread(target=self._prefetch_quietly, args=(wanted,), name="ukic-early-fetch", daemon=True).start()

    def _prefetch_quietly(self, keys: list[str]) -> None:
        """A head start only: whatever goes wrong is met again (and reported) by the real prefetch."""
        with contextlib.suppress(Exception), collector_paused():
            self.prefetch(keys)

    def watch_points(self) -> dict[str, WatchPoint]:
        """Where and from which resourceVersion each resource read so far can be watched."""
        with self._lock:
            return dict(self._listed)

    def close(self) -> None:
        self._client.close()

    def _lock_for(self, key: str) -> threading.Lock:
        with self._lock:
            return self._key_locks.setdefault(key, threading.Lock())

    def _server_version(self) -> str | None:
        """gitVersion from /version, asked once (its Date header is the cluster's clock)."""
        with self._version_lock:
            if not self._version_asked:
                headers: dict[str, str] = {}
                try:
                    text = self._client.get_json("/version", headers_out=headers).get("gitVersion")
                except ApiStatusError:
                    text = None  # /version is public on every cluster we know; its absence is not fatal
                self._version = text if isinstance(text, str) else None
                self._date = _http_date(headers)
                self._version_asked = True
        return self._version

    def _server_clock(self) -> str:
        """When the facts were read, by the API server's own clock (the clock its timestamps use, e.g. a pod's
        deletionTimestamp); this machine's clock when the server sent no Date header."""
        self._server_version()
        return format_rfc3339(self._date or datetime.now(UTC))

    def _fetch(self, resource: Resource) -> list[Obj]:
        try:
            served = self._discovery.resolve(resource)
        except GroupUnavailable as exc:
            raise ResourceUnavailable(resource.key, str(exc)) from None
        if served is None:
            return []  # the server does not serve this resource: none exist
        where = self._client.url(served.list_path)
        keep = PROJECTIONS.get(resource.key) if self._project else None

        def each(item: object) -> Obj:
            typed = _typed(item, served)
            return keep(typed) if keep and isinstance(typed, dict) else typed

        try:
            items, version = list_collection(
                self._client, served.list_path, metadata_only=resource.metadata_only, each=each
            )
        except ShapeError as exc:
            raise ResourceUnavailable(resource.key, f"malformed answer from {where}: an item is {exc}") from None
        except ApiStatusError as exc:
            if exc.status == 404:
                return []
            if exc.status == 403:
                raise ResourceUnavailable(resource.key, forbidden_reason(resource), remedy=RBAC_REMEDY) from None
            tries = f" after {exc.attempts} attempts" if exc.attempts > 1 else ""
            raise ResourceUnavailable(
                resource.key,
                f"cannot list {resource.key}: {self._client.server} answered {exc.status} {exc.message}{tries}",
            ) from None
        if version is not None:
            with self._lock:
                self._listed[resource.key] = WatchPoint(served.list_path, version)
        return items


#: ukic's own least-privilege account grants get/list on everything it reads (README, "Live clusters").
RBAC_REMEDY = "ukic rbac | kubectl apply -f - (then use the ukic ServiceAccount's kubeconfig)"


def forbidden_reason(resource: Resource) -> str:
    """Why a 403 leaves a resource unverifiable, naming the RBAC permission that is missing."""
    group = f"group {resource.group}" if resource.group else 'the core API group ("")'
    return f"forbidden: cannot list {resource.key} (RBAC: needs get/list on {resource.plural} in {group})"


def _http_date(headers: Mapping[str, str]) -> datetime | None:
    """The HTTP Date header (RFC 9110 IMF-fixdate) as a UTC time; None when absent or unreadable."""
    text = next((v for k, v in headers.items() if k.lower() == "date"), None)
    if not text:
        return None
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _typed(item: object, served: Served) -> Obj:
    """An item as kubectl shows it: apiVersion and kind set; a Secret reduced to its metadata."""
    if not isinstance(item, dict):
        return item  # type: ignore[return-value]  # malformed: ukic.shapes names it, its resource is unverifiable
    resource = served.resource
    if resource.metadata_only:
        typed = {**item, "apiVersion": served.group_version, "kind": resource.kind}
        return strip_secret_payload(typed)
    if "apiVersion" in item and "kind" in item:
        return item
    return {"apiVersion": served.group_version, "kind": resource.kind, **item}
