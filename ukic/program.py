"""The `ukic` program: SIGINT and SIGTERM mean exit 3 from its first moment, then the command line runs.

The command line (ukic.cli) installs the real handlers once its modules are imported; a signal
that arrives while they load has nothing to clean up yet, so it ends the process at once.
"""

from __future__ import annotations

import os
import signal
from typing import Any, NoReturn

from ukic.errors import ExitCode


def _interrupted_early(_signum: int, _frame: Any) -> None:
    os.write(2, b"ukic: interrupted\n")
    os._exit(ExitCode.INTERRUPTED)


def run() -> NoReturn:
    """The console script and `python -m ukic`."""
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _interrupted_early)
    from ukic.cli import run as run_command_line

    run_command_line()
