"""Watch support for the fake API: a resourceVersion clock, a bounded event history and the streams.

As the real API server does (watch cache semantics of Kubernetes 1.22):
- every change bumps one cluster-wide resourceVersion; LIST answers carry the current one;
- ``GET <collection>?watch=1&resourceVersion=RV`` streams, as newline-delimited JSON, every
  ADDED/MODIFIED/DELETED event after RV and then new ones as they happen, until
  ``timeoutSeconds`` passes or the server stops;
- with ``allowWatchBookmarks=true`` it sends BOOKMARK events (the object holds only
  ``metadata.resourceVersion``) while nothing changes;
- a resourceVersion older than the kept history gets an ERROR event holding a 410 Status
  ("too old resource version") on a 200 stream; ``resourceVersion`` absent or "0" first sends
  an ADDED event for every existing object.
"""

from __future__ import annotations

import copy
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

Obj = dict[str, Any]


@dataclass(frozen=True)
class Event:
    """One change of one object."""

    resource_version: int
    key: str
    type: str  # ADDED | MODIFIED | DELETED
    object: Obj


class WatchHistory:
    """The resourceVersion clock and the events watchers may resume from."""

    def __init__(self, start: int = 4242, limit: int = 1000) -> None:
        self._rv = start
        self._oldest = start  # events after this resourceVersion are kept
        self._events: list[Event] = []
        self._limit = limit
        self._changed = threading.Condition()
        self.generation = 0  # bumped by expire(): streams of an older generation end

    @property
    def current(self) -> int:
        with self._changed:
            return self._rv

    def record(self, key: str, kind: str, obj: Obj) -> int:
        """Note a change (the object as it is now, or as it was when deleted); returns its resourceVersion."""
        with self._changed:
            self._rv += 1
            obj.setdefault("metadata", {})["resourceVersion"] = str(self._rv)
            self._events.append(Event(self._rv, key, kind, copy.deepcopy(obj)))
            if len(self._events) > self._limit:
                dropped = self._events[: -self._limit]
                self._events = self._events[-self._limit :]
                self._oldest = dropped[-1].resource_version
            self._changed.notify_all()
            return self._rv

    def compact(self) -> None:
        """Forget every event so far, as etcd compaction does: older resourceVersions answer 410."""
        with self._changed:
            self._events.clear()
            self._oldest = self._rv
            self._changed.notify_all()

    def expire(self) -> None:
        """End every open stream and forget the history, as an API server restart after compaction
        does: watchers resuming from any resourceVersion they hold get 410 Gone."""
        with self._changed:
            self._rv += 1
            self._events.clear()
            self._oldest = self._rv
            self.generation += 1
            self._changed.notify_all()

    def bookmark(self, generation: int, last: int) -> int | None:
        """The resourceVersion a BOOKMARK carries now; None when the stream's generation has ended."""
        with self._changed:
            return None if generation != self.generation else max(last, self._rv)

    def too_old(self, resource_version: int) -> bool:
        with self._changed:
            return resource_version < self._oldest

    def after(self, key: str, resource_version: int) -> list[Event]:
        with self._changed:
            return [e for e in self._events if e.key == key and e.resource_version > resource_version]

    def wait(self, seconds: float) -> None:
        """Block until something changes or ``seconds`` pass."""
        with self._changed:
            self._changed.wait(seconds)


@dataclass
class WatchRequest:
    """What one watch asks for."""

    key: str
    resource_version: int | None  # None: start with the current state (absent or "0")
    timeout: float | None
    bookmarks: bool
    matches: Callable[[Obj], bool]  # namespace and selectors
    render: Callable[[Obj], Obj]  # the object as the client asked for it (typed or metadata only)
    bookmark_object: Obj  # kind and apiVersion of a BOOKMARK's object


def stream(
    history: WatchHistory,
    request: WatchRequest,
    existing: Callable[[], list[Obj]],
    stopping: threading.Event,
    bookmark_interval: float,
) -> Iterator[bytes]:
    """The event lines of one watch, until its timeout, the server's stop, or a 410."""
    deadline = None if request.timeout is None else time.monotonic() + request.timeout
    generation = history.generation
    yield b""  # the status line and headers go out at once, as the API server sends them
    if request.resource_version is None:
        last = history.current
        for obj in existing():
            if request.matches(obj):
                yield _line("ADDED", request.render(obj))
    elif history.too_old(request.resource_version):
        yield _line("ERROR", _gone(request.resource_version, history.current))
        return
    else:
        last = request.resource_version
    last_sent = time.monotonic()
    while not stopping.is_set() and history.generation == generation:
        for event in history.after(request.key, last):
            last = event.resource_version
            if request.matches(event.object):
                last_sent = time.monotonic()
                yield _line(event.type, request.render(event.object))
        now = time.monotonic()
        if deadline is not None and now >= deadline:
            return
        if request.bookmarks and now - last_sent >= bookmark_interval:
            version = history.bookmark(generation, last)
            if version is None:
                return
            last = version
            mark = copy.deepcopy(request.bookmark_object)
            mark["metadata"] = {"resourceVersion": str(last)}
            last_sent = now
            yield _line("BOOKMARK", mark)
        wait = bookmark_interval if request.bookmarks else 1.0
        if deadline is not None:
            wait = min(wait, max(0.0, deadline - now))
        history.wait(min(wait, 0.5))


def _line(kind: str, obj: Obj) -> bytes:
    return json.dumps({"type": kind, "object": obj}).encode() + b"\n"


def _gone(asked: int, current: int) -> Obj:
    return {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": f"too old resource version: {asked} ({current})",
        "reason": "Expired",
        "code": 410,
    }
