"""Watch every collection a cluster's run read, and say when one of them changes.

One thread per collection keeps a metadata-only watch open (ukic.kubeapi.watch), starting
from the resourceVersion of the run's own LIST, so nothing that changed after the run read
it goes unnoticed. Bookmarks move the resourceVersion on; a stream that ends is resumed from
the last one; 410 Gone takes a fresh resourceVersion from a LIST and counts as a change
(events may have been missed). A watch the account may not do (403) stops with one line
naming the permission; the interval still verifies the cluster.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping

from ukic.errors import UkicError
from ukic.kubeapi.http import ApiClient, ApiStatusError
from ukic.kubeapi.watch import Watch, WatchExpired, current_resource_version
from ukic.resources import lookup
from ukic.sources.live import WatchPoint

WATCH_SECONDS = 300  # each watch request asks the server to end it after this long; it is then resumed
MAX_BACKOFF = 60.0

Notify = Callable[[str], None]  # a one-line description of what changed or went wrong


class CollectionWatcher(threading.Thread):
    """Keeps one watch on one collection open until closed."""

    def __init__(
        self, client: ApiClient, key: str, point: WatchPoint, changed: Notify, problem: Notify, *, seconds: int
    ) -> None:
        super().__init__(name=f"ukic-watch-{key}", daemon=True)
        self.key = key
        self._client = client
        self._path = point.path
        self._version: str | None = point.resource_version
        self._changed = changed
        self._problem = problem
        self._seconds = seconds
        self._closed = threading.Event()

    def close(self) -> None:
        """Stop after the current stream (closing the client ends that one at once)."""
        self._closed.set()

    def run(self) -> None:
        backoff = 1.0
        while not self._closed.is_set():
            try:
                if self._version is None:
                    self._version = current_resource_version(self._client, self._path)
                    self._changed(f"{self.key}: watch relisted after 410 Gone (changes may have been missed)")
                for event in Watch(self._client, self._path, self._version, timeout_seconds=self._seconds):
                    self._version = event.resource_version or self._version
                    if event.type != "BOOKMARK":
                        self._changed(f"{self.key}: {event.describe()}")
                backoff = 1.0
            except WatchExpired:
                self._version = None
            except ApiStatusError as exc:
                if exc.status == 403:
                    resource = lookup(self.key)
                    self._problem(
                        f"watch of {self.key} forbidden (RBAC: needs watch on {resource.plural} in group "
                        f"{resource.group or 'core'}); changes to it are seen at the next interval only"
                    )
                    return
                self._problem(f"watch of {self.key}: {exc.status} {exc.message}; retrying in {backoff:.0f} s")
                backoff = self._pause(backoff)
            except UkicError as exc:
                self._problem(f"watch of {self.key}: {exc.message}; retrying in {backoff:.0f} s")
                backoff = self._pause(backoff)

    def _pause(self, backoff: float) -> float:
        self._closed.wait(backoff)
        return min(backoff * 2, MAX_BACKOFF)


class ClusterWatchers:
    """The watchers of one cluster, one per collection its runs read."""

    def __init__(self, client: ApiClient, changed: Notify, problem: Notify, *, seconds: int = WATCH_SECONDS) -> None:
        self._client = client
        self._changed = changed
        self._problem = problem
        self._seconds = seconds
        self._watchers: dict[str, CollectionWatcher] = {}

    @property
    def keys(self) -> list[str]:
        return sorted(k for k, w in self._watchers.items() if w.is_alive())

    def ensure(self, points: Mapping[str, WatchPoint]) -> list[str]:
        """Start watching the collections not watched yet, from the run's resourceVersions; returns them."""
        started = []
        for key, point in sorted(points.items()):
            if key in self._watchers:
                continue
            watcher = CollectionWatcher(self._client, key, point, self._changed, self._problem, seconds=self._seconds)
            self._watchers[key] = watcher
            watcher.start()
            started.append(key)
        return started

    def close(self) -> None:
        for watcher in self._watchers.values():
            watcher.close()
        self._client.close()  # cuts every stream in flight
