"""Run `ukic serve` as a real process for tests: its log, its URL, GET helpers, a timed SIGTERM."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from prometheus_client.parser import text_string_to_metric_families

T = TypeVar("T")
UKIC = [sys.executable, "-m", "ukic"]


class Serving:
    """A running `ukic serve` with its stderr collected line by line."""

    def __init__(self, args: list[str], cwd: Path) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            [*UKIC, "serve", *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.url = self.wait_for(self._listening, timeout=30, what="the listening line")

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))

    def _listening(self) -> str | None:
        for line in self.lines:
            found = re.search(r"listening on (http://\S+/)", line)
            if found:
                return found.group(1)
        return None

    @property
    def log(self) -> str:
        return "\n".join(self.lines)

    def wait_for(self, probe: Callable[[], T | None], timeout: float, what: str) -> T:
        """Poll ``probe`` until it returns something true; fail naming ``what`` and the log."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = probe()
            if found:
                return found
            if self.process.poll() is not None:
                time.sleep(0.2)  # let the reader take the last lines
                raise AssertionError(f"ukic serve exited ({self.process.returncode}) waiting for {what}:\n{self.log}")
            time.sleep(0.2)
        raise AssertionError(f"no {what} within {timeout} s:\n{self.log}")

    def get(self, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
        request = urllib.request.Request(self.url.rstrip("/") + path, method=method)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as err:
            return err.code, dict(err.headers), err.read()

    def metric(self, name: str, **labels: str) -> float | None:
        """The value of one sample on /metrics (labels given must match; None when absent)."""
        status, _, body = self.get("/metrics")
        if status != 200:
            return None
        for family in text_string_to_metric_families(body.decode()):
            for sample in family.samples:
                if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                    return sample.value
        return None

    def terminate(self, timeout: float = 10) -> tuple[int, float]:
        """SIGTERM; (exit code, seconds until it exited)."""
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=timeout)
        took = time.monotonic() - started
        self._reader.join(timeout=5)
        return code, took

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@contextmanager
def serving(args: list[str], cwd: Path) -> Iterator[Serving]:
    """`ukic serve ARGS` on a free loopback port, stopped (killed if need be) afterwards."""
    served = Serving(["--listen", "127.0.0.1:0", *args], cwd)
    try:
        yield served
    finally:
        served.kill()
