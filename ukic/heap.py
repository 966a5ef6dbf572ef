"""How ukic treats its heap: the garbage collector is paused while objects are read, and the
process leaves without tearing them all down again.

Reading a large cluster builds millions of dicts, lists and strings, none of them garbage;
CPython's cyclic collector would walk them over and over while they are built. What is read
lives for the whole run, so it is moved out of the collector's sight (``gc.freeze``) once read.
At the end, freeing every object one by one only delays the exit: :func:`leave` flushes
what was written, runs the exit handlers and ends the process.
"""

from __future__ import annotations

import atexit
import gc
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

_pauses = 0  # blocks currently reading, in any thread
_pauses_lock = threading.Lock()


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic collection while the block builds objects; when the last such block (in any
    thread) ends, what they built is frozen (it lives for the run) and collection resumes."""
    global _pauses
    with _pauses_lock:
        ours = _pauses > 0 or gc.isenabled()  # else someone else keeps the collector off: leave it to them
        if ours:
            _pauses += 1
            gc.disable()
    try:
        yield
    finally:
        if ours:
            with _pauses_lock:
                _pauses -= 1
                if _pauses == 0:
                    gc.freeze()
                    gc.enable()


def leave(code: int) -> NoReturn:
    """End the process with ``code`` once everything it wrote is out, skipping the interpreter's teardown.

    It does what the interpreter does before its teardown, in the same order: wait for the other
    (non-daemon) threads, run the ``atexit`` handlers (temporary folders are removed, logs flushed),
    flush standard output and error (a failed flush exits 120, as Python does); only the freeing of
    every object is left out.
    """
    threading._shutdown()  # type: ignore[attr-defined]  # what Py_FinalizeEx calls first
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            code = 120
    os._exit(code)
