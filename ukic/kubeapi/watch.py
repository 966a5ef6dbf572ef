"""Watch one collection: ``GET <list path>?watch=1`` from a resourceVersion, events as they arrive.

Only metadata is asked for (PartialObjectMetadata): a watcher needs to know *that* something
changed, not what, and Secrets stay out of the stream. Bookmarks move the resourceVersion on
without a change. A resourceVersion the server no longer keeps ends the stream with
:class:`WatchExpired` (410 Gone, as an HTTP status or as an ERROR event); the caller then
takes a fresh resourceVersion from a LIST (:func:`current_resource_version`) and knows it may
have missed changes. Requests go through :class:`ApiClient`, so they are GET only.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from ukic.errors import SourceError
from ukic.kubeapi.http import ApiClient, ApiStatusError
from ukic.kubeapi.paging import METADATA_ONLY

#: A watch of metadata only (the List form is for LIST requests).
METADATA_WATCH = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1, application/json"
MAX_EVENT_BYTES = 4 * 1024 * 1024  # one metadata-only event is a few KiB
SILENCE_MARGIN = 30.0  # seconds a stream may stay silent beyond its own timeout


class WatchExpired(Exception):
    """410 Gone: the resourceVersion is too old; take a new one from a LIST."""


@dataclass(frozen=True)
class WatchEvent:
    """One event of a watch stream."""

    type: str  # ADDED | MODIFIED | DELETED | BOOKMARK
    resource_version: str | None
    namespace: str | None = None
    name: str | None = None

    def describe(self) -> str:
        where = f"{self.namespace}/{self.name}" if self.namespace else str(self.name)
        return f"{self.type.lower()} {where}"


def current_resource_version(client: ApiClient, path: str) -> str:
    """The collection's resourceVersion now, from a one-item metadata LIST."""
    page = client.get_json(path, query={"limit": 1}, accept=METADATA_ONLY)
    version = (page.get("metadata") or {}).get("resourceVersion")
    if not isinstance(version, str) or not version:
        raise SourceError(f"malformed answer from {client.url(path)}: the list has no resourceVersion")
    return version


class Watch:
    """One watch request; iterate for its events. It ends when the server ends it (``timeout_seconds``),
    after ``timeout_seconds`` + SILENCE_MARGIN at most, or at once when its client is closed."""

    def __init__(self, client: ApiClient, path: str, resource_version: str, *, timeout_seconds: int = 300) -> None:
        self._client = client
        self._path = path
        self._query = {
            "watch": "1",
            "resourceVersion": resource_version,
            "allowWatchBookmarks": "true",
            "timeoutSeconds": str(timeout_seconds),
        }
        self._seconds = timeout_seconds + SILENCE_MARGIN

    def __iter__(self) -> Iterator[WatchEvent]:
        url = self._client.url(self._path, self._query)
        try:
            with self._client.stream("GET", url, headers={"Accept": METADATA_WATCH}, seconds=self._seconds) as chunks:
                for line in _lines(chunks, url):
                    yield _event(line, url)
        except ApiStatusError as exc:
            if exc.status == 410:
                raise WatchExpired(f"GET {self._path}: 410 {exc.message}") from None
            raise


def _lines(chunks: Iterator[bytes], url: str) -> Iterator[bytes]:
    """The newline-delimited JSON lines of a stream, as each arrives."""
    pending = b""
    for chunk in chunks:
        pending += chunk
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            if line.strip():
                yield line
        if len(pending) > MAX_EVENT_BYTES:
            raise SourceError(f"watch of {url}: an event is larger than {MAX_EVENT_BYTES} bytes")
    if pending.strip():
        yield pending


def _event(line: bytes, url: str) -> WatchEvent:
    try:
        data = json.loads(line)
    except ValueError:
        raise SourceError(f"malformed watch event from {url}") from None
    obj = data.get("object") if isinstance(data, dict) else None
    kind = data.get("type") if isinstance(data, dict) else None
    if not isinstance(obj, dict) or not isinstance(kind, str):
        raise SourceError(f"malformed watch event from {url}")
    if kind == "ERROR":
        code, message = obj.get("code"), str(obj.get("message") or "")
        if code == 410:
            raise WatchExpired(f"watch of {url}: {message}")
        raise ApiStatusError(int(code) if isinstance(code, int) else 500, url, message)
    meta = obj.get("metadata") or {}
    version = meta.get("resourceVersion")
    return WatchEvent(
        type=kind,
        resource_version=version if isinstance(version, str) and version else None,
        namespace=meta.get("namespace"),
        name=meta.get("name"),
    )
