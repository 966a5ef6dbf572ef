"""Run the real `ukic` program against one fault and collect everything it leaves behind.

Each case gets its own world: a working folder (the process's cwd, where reports land), an
empty TMPDIR and HOME, and a PATH holding nothing but the venv. After the run every byte of
stdout, stderr and every file in the world is searched for the planted secrets.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

#: Secrets planted in kubeconfigs and clusters; none may appear in any output or leftover file.
TOKEN = "ukic-planted-token-7c41e9d2"
PROXY_PASSWORD = "planted-proxy-pass-93b1"
URL_PASSWORD = "planted-url-pass-5d20"


@dataclass
class World:
    """The folders one case runs in."""

    root: Path

    @property
    def work(self) -> Path:
        return self.root / "work"

    @property
    def tmp(self) -> Path:
        return self.root / "tmp"

    @property
    def home(self) -> Path:
        return self.root / "home"

    @property
    def inputs(self) -> Path:
        """Where a case writes its inputs (kubeconfigs, snapshots): planted secrets may live here only."""
        return self.root / "inputs"

    def make(self) -> World:
        for folder in (self.work, self.tmp, self.home, self.inputs):
            folder.mkdir(parents=True, exist_ok=True)
        return self


@dataclass
class Observed:
    code: int
    stdout: str
    stderr: str
    seconds: float
    secrets_found: list[str] = field(default_factory=list)
    tmp_left: list[str] = field(default_factory=list)


def run_ukic(
    world: World,
    argv: list[str],
    *,
    timeout: float,
    interrupt: tuple[int, Callable[[], bool]] | None = None,
    stdout_path: Path | None = None,
    path: list[str] | None = None,
) -> Observed:
    """Run ``python -m ukic ARGV`` in the world; ``interrupt`` = (signal, ready) sends the signal once ready()."""
    env = {
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), *(path or [])]),
        "HOME": str(world.home),
        "TMPDIR": str(world.tmp),
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    out = stdout_path.open("wb") if stdout_path else subprocess.PIPE
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "ukic", *argv], cwd=world.work, env=env, stdout=out, stderr=subprocess.PIPE
    )
    signalled_at = None
    try:
        if interrupt is not None:
            sig, ready = interrupt
            deadline = started + timeout
            while not ready() and time.monotonic() < deadline and process.poll() is None:
                time.sleep(0.02)
            time.sleep(0.2)  # let it settle into the blocking call
            signalled_at = time.monotonic()
            process.send_signal(sig)
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, stderr = process.communicate()
        raise AssertionError(f"ukic {' '.join(argv)} ran longer than {timeout} s") from None
    finally:
        if stdout_path:
            out.close()  # type: ignore[union-attr]
    seconds = time.monotonic() - (signalled_at or started)
    return Observed(
        code=process.returncode,
        stdout=(stdout or b"").decode("utf-8", "replace"),
        stderr=stderr.decode("utf-8", "replace"),
        seconds=seconds,
    )


def search_secrets(world: World, observed: Observed, secrets: list[bytes]) -> None:
    """Record every planted secret found in stdout, stderr or any file outside the inputs, and what TMPDIR
    and HOME kept (both must stay empty)."""
    places = [("stdout", observed.stdout.encode()), ("stderr", observed.stderr.encode())]
    for folder in (world.work, world.tmp, world.home):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.is_symlink():
                places.append((str(path.relative_to(world.root)), path.read_bytes()))
    for where, data in places:
        for secret in secrets:
            if secret and secret in data:
                observed.secrets_found.append(f"{secret[:12]!r}... in {where}")
    observed.tmp_left = sorted(str(p.relative_to(world.root)) for p in (*world.tmp.rglob("*"), *world.home.rglob("*")))


SIGNALS = {"SIGINT": signal.SIGINT, "SIGTERM": signal.SIGTERM}
__all__ = [
    "PROXY_PASSWORD",
    "SIGNALS",
    "TOKEN",
    "URL_PASSWORD",
    "Observed",
    "World",
    "os",
    "run_ukic",
    "search_secrets",
]
