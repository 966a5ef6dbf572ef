"""The ukic program counts SIGINT and SIGTERM as exit 3 from its first moment, while its modules load."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest

#: Runs the program as the console script does, with the signal sent while ukic.cli is being imported
#: (before the command line installs its own handlers).
SIGNAL_WHILE_LOADING = """
import builtins, os, sys
real_import = builtins.__import__

def importing(name, *args, **kwargs):
    if name == "ukic.cli":
        os.kill(os.getpid(), {signum})
    return real_import(name, *args, **kwargs)

builtins.__import__ = importing
sys.argv = ["ukic", "verify", "--no-reports"]
from ukic.program import run
run()
"""


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_while_the_program_loads_is_exit_3(signum: int) -> None:
    done = subprocess.run(
        [sys.executable, "-c", SIGNAL_WHILE_LOADING.format(signum=int(signum))],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (done.returncode, done.stderr, done.stdout) == (3, "ukic: interrupted\n", "")


def test_the_console_script_and_python_m_start_the_program() -> None:
    from importlib.metadata import entry_points

    [script] = [e for e in entry_points(group="console_scripts") if e.name == "ukic"]
    assert script.value == "ukic.program:run"
    done = subprocess.run([sys.executable, "-m", "ukic", "--version"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith("ukic ")
