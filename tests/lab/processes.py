"""Daemons started inside namespaces, each remembered by a pid file so cleanup never guesses."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from tests.lab.netns import in_netns


@dataclass
class Daemon:
    """One foreground daemon in a namespace; `ip netns exec` execs it, so the pid is the daemon's."""

    name: str  # e.g. "bird-node1"
    namespace: str
    argv: Sequence[str]
    run_dir: Path
    log_dir: Path
    _process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def pid_file(self) -> Path:
        return self.run_dir / f"{self.name}.pid"

    @property
    def log_file(self) -> Path:
        return self.log_dir / f"{self.name}.log"

    def start(self) -> None:
        with self.log_file.open("ab") as log:
            self._process = subprocess.Popen(
                in_netns(self.namespace, self.argv),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.pid_file.write_text(f"{self._process.pid}\n")

    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def stop(self, grace: float = 3.0) -> None:
        """SIGTERM, then SIGKILL after ``grace`` seconds; forget the pid file."""
        pid = read_pid(self.pid_file)
        if pid is not None:
            kill_pid(pid, grace, self._process)
        elif self._process is not None and self._process.poll() is None:
            kill_pid(self._process.pid, grace, self._process)
        self.pid_file.unlink(missing_ok=True)
        self._process = None

    def log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


def kill_pid(pid: int, grace: float, process: subprocess.Popen[bytes] | None = None) -> None:
    """Stop one process we started; reap it when it is our child."""
    with suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        if not _alive(pid, process):
            return
        time.sleep(0.02)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    if process is not None:
        process.wait(timeout=5)


def _alive(pid: int, process: subprocess.Popen[bytes] | None) -> bool:
    if process is not None and process.pid == pid:
        return process.poll() is None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def wait_until(what: str, check: Callable[[], bool], timeout: float, interval: float = 0.1) -> None:
    """Poll ``check`` until it holds; TimeoutError names what the lab was waiting for."""
    deadline = time.monotonic() + timeout
    while True:
        if check():
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"lab: {what} not reached within {timeout:.0f} s")
        time.sleep(interval)


def run(argv: Sequence[str], what: str, timeout: float = 30) -> str:
    """Run a setup command; a failure names it and shows its output."""
    done = subprocess.run(list(argv), capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"lab: {what} failed ({' '.join(argv)}): {(done.stderr or done.stdout).strip()}")
    return done.stdout
