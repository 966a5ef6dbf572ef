"""SIGINT and SIGTERM end any command within moments: in-flight work is cut short, the exit code is 3.

While :func:`handled` is active (the CLI wraps every command in it), both signals raise
:class:`Interrupted` (a KeyboardInterrupt) in the main thread, after first calling every
callback registered with :func:`on_interrupt`; the HTTP layer registers one that shuts
the sockets of requests in flight, so threads blocked on a silent server wake at once.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

_callbacks: weakref.WeakKeyDictionary[Any, Callable[[Any], None]] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM arrived; ``args[0]`` names the signal."""


class Received:
    """Which signal arrived while :func:`handled` was active (None: none), even if some code swallowed it."""

    signal: int | None = None


def on_interrupt(owner: object, callback: Callable[[Any], None]) -> None:
    """Call ``callback(owner)`` when a signal arrives, for as long as ``owner`` lives."""
    with _lock:
        _callbacks[owner] = callback


def forget(owner: object) -> None:
    with _lock:
        _callbacks.pop(owner, None)


def abort_all() -> None:
    """Run every registered callback (each at most once per signal; errors are ignored)."""
    with _lock:
        pending = list(_callbacks.items())
    for owner, callback in pending:
        with contextlib.suppress(Exception):  # an interrupt must get through whatever a callback does
            callback(owner)


@contextmanager
def handled(on_signal: Callable[[int], None] | None = None, received: Received | None = None) -> Iterator[None]:
    """Turn SIGINT and SIGTERM into Interrupted for the block (main thread only; elsewhere a no-op).

    With ``on_signal``, a signal only calls it (with the signal number): its owner stops when it can.
    ``received`` notes the signal, so a caller knows even when a library turned the exception into another.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, _frame: Any) -> None:
        if received is not None:
            received.signal = signum
        if on_signal is not None:
            on_signal(signum)
            return
        abort_all()
        raise Interrupted(signal.Signals(signum).name)

    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
