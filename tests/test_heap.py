"""The collector pause around reading, and leaving the process without its teardown."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import textwrap

from ukic.heap import collector_paused


def test_the_collector_is_paused_inside_and_back_after_the_outermost_block() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # an inner block does not resume it
    assert gc.isenabled()
    gc.unfreeze()


def test_the_collector_comes_back_when_reading_fails() -> None:
    try:
        with collector_paused():
            raise ValueError("unreadable")
    except ValueError:
        pass
    assert gc.isenabled()
    gc.unfreeze()


def run_leaving(body: str) -> subprocess.CompletedProcess[str]:
    script = "import atexit, sys, threading, time\nfrom ukic.heap import leave\n" + textwrap.dedent(body)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # keep output in the buffer
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, env=env)


def test_leave_flushes_runs_exit_handlers_and_waits_for_threads() -> None:
    done = run_leaving(
        """
        atexit.register(lambda: print("exit handler ran"))
        worker = threading.Thread(target=lambda: (time.sleep(0.2), print("thread finished")))
        worker.start()
        sys.stdout.write("unflushed line")  # no newline: still in the buffer
        leave(3)
        """
    )
    assert done.returncode == 3
    assert done.stdout.splitlines() == ["unflushed linethread finished", "exit handler ran"]


def test_leave_never_reports_success_when_output_is_lost() -> None:
    done = run_leaving(
        """
        import os
        print("report")
        os.close(1)  # stdout vanished (a closed pipe): the buffered report cannot be written
        leave(0)
        """
    )
    assert done.returncode == 120
