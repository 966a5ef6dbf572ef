"""Requests in flight that can be cut short: a total deadline per request, and an abort for all of them.

A socket read timeout alone does not bound a request: a server that trickles one byte a
second never lets a single read time out. So every request is a :class:`Flight` with a
deadline; one watchdog thread shuts the socket of a flight whose deadline has passed,
which wakes the thread blocked on it at once. :meth:`Flight.cut` does the same on demand
(SIGINT/SIGTERM, see ukic.interrupts). The connection of a flight is found through
connection classes that attach themselves to the flight of the thread using them.
"""

from __future__ import annotations

import heapq
import itertools
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

DEADLINE = "deadline"
ABORTED = "aborted"

_current = threading.local()


class Flight:
    """One request: its deadline, the connection carrying it, and why it was cut (if it was)."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline  # time.monotonic() seconds
        self.connection: Any = None
        self.sock: socket.socket | None = None  # kept: http.client lets go of a connection's socket mid-answer
        self.cut_because: str | None = None
        self._lock = threading.Lock()

    def attach(self, connection: Any) -> None:
        with self._lock:
            self.connection = connection
            self.sock = getattr(connection, "sock", None) or self.sock
            cut = self.cut_because is not None
        if cut:
            _shutdown(self.sock)

    def cut(self, because: str) -> None:
        """Stop the request now: its socket is shut, the thread reading it gets an error at once."""
        with self._lock:
            if self.cut_because is None:
                self.cut_because = because
            sock = self.sock
        _shutdown(sock)


def _shutdown(sock: socket.socket | None) -> None:
    if sock is not None:
        with suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


class _Watchdog:
    """One daemon thread cutting flights whose deadline has passed."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Flight]] = []
        self._order = itertools.count()
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None

    def watch(self, flight: Flight) -> None:
        with self._wake:
            heapq.heappush(self._heap, (flight.deadline, next(self._order), flight))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="ukic-request-deadlines", daemon=True)
                self._thread.start()
            self._wake.notify()

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._heap:
                    self._wake.wait()
                deadline, _, flight = self._heap[0]
                now = time.monotonic()
                if deadline > now:
                    self._wake.wait(deadline - now)
                    continue
                heapq.heappop(self._heap)
            if flight.deadline != float("inf"):  # still flying
                flight.cut(DEADLINE)


_watchdog = _Watchdog()


@contextmanager
def flying(deadline_seconds: float, active: set[Flight], lock: threading.Lock) -> Iterator[Flight]:
    """Run one request as a Flight of this thread, watched for its deadline and listed in ``active``."""
    flight = Flight(time.monotonic() + deadline_seconds)
    _current.flight = flight
    with lock:
        active.add(flight)
    _watchdog.watch(flight)
    try:
        yield flight
    finally:
        flight.deadline = float("inf")  # done: a late watchdog tick must not cut a pooled connection
        flight.connection = flight.sock = None
        _current.flight = None
        with lock:
            active.discard(flight)


def _attach(connection: Any) -> None:
    flight = getattr(_current, "flight", None)
    if flight is not None:
        flight.attach(connection)


class _Tracked:
    """Attaches a connection to the flight of the thread that connects it or sends on it."""

    def connect(self) -> None:
        super().connect()  # type: ignore[misc]
        _attach(self)

    def request(self, *args: Any, **kwargs: Any) -> None:
        _attach(self)
        super().request(*args, **kwargs)  # type: ignore[misc]


class _TrackedHTTPConnection(_Tracked, HTTPConnection):  # type: ignore[misc]
    pass


class _TrackedHTTPSConnection(_Tracked, HTTPSConnection):  # type: ignore[misc]
    pass


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _TrackedHTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _TrackedHTTPSConnection


def track(manager: urllib3.PoolManager) -> urllib3.PoolManager:
    """Make ``manager``'s connections attach themselves to the flight of the thread using them."""
    manager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}
    return manager
