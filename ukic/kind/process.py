"""Running an external tool (kind, docker, helm, kubectl) and keeping what it said."""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Completed:
    """A finished command: exit status and both output streams (text)."""

    argv: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def output(self) -> str:
        """What the command printed, stdout then stderr, trailing blank lines removed."""
        parts = [text.rstrip() for text in (self.stdout, self.stderr) if text.strip()]
        return "\n".join(parts)


class CommandTimeout(Exception):
    """The command ran longer than allowed and was killed."""

    def __init__(self, argv: Sequence[str], seconds: float, output: str) -> None:
        super().__init__(f"{command_line(argv)} timed out after {seconds:.0f}s")
        self.seconds = seconds
        self.output = output


def command_line(argv: Sequence[str]) -> str:
    """The command as a user would type it in a POSIX shell."""
    return shlex.join(argv)


def run(
    argv: Sequence[str],
    *,
    stdin: str | None = None,
    timeout: float | None = None,
    env: Mapping[str, str] | None = None,
) -> Completed:
    """Run ``argv`` without a shell; FileNotFoundError if the program is not on PATH.

    A KeyboardInterrupt while waiting kills the child (subprocess.run does) and propagates.
    """
    merged = {**os.environ, **env} if env else None
    try:
        done = subprocess.run(
            list(argv),
            input=stdin,
            stdin=None if stdin is not None else subprocess.DEVNULL,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=timeout,
            env=merged,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        said = "\n".join(_text(part) for part in (exc.stdout, exc.stderr) if part)
        raise CommandTimeout(argv, timeout or 0, said) from None
    return Completed(tuple(argv), done.returncode, done.stdout or "", done.stderr or "")


def _text(data: str | bytes) -> str:
    return data.decode("utf-8", "replace") if isinstance(data, bytes) else data
