"""Runs plan steps one by one, saying what it does; a failing step stops the run with its command and output."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Mapping, Sequence

from ukic.errors import SourceError
from ukic.kind.plan import Step
from ukic.kind.process import CommandTimeout, Completed, run

Report = Callable[[str], None]
MAX_OUTPUT_IN_MESSAGE = 600  # characters of the failing command's output kept in the one-line error
RETRY_INTERVAL = 5.0


def to_stderr(line: str) -> None:
    """Progress goes to stderr so stdout stays clean for results."""
    print(line, file=sys.stderr, flush=True)


class StepFailed(SourceError):
    """A plan step failed: the cluster could not be set up, so nothing could be verified (exit 2)."""

    def __init__(self, number: int, total: int, step: Step, problem: str, output: str) -> None:
        self.step = step
        self.command = step.command
        self.output = output
        said = _squeeze(output)
        super().__init__(
            f"kind step {number}/{total} ({step.title}) failed: `{step.command}` {problem}"
            + (f": {said}" if said else " without output")
        )


class Runner:
    """Executes steps with progress lines; ``env`` adds variables (the kind provider) to every command."""

    def __init__(
        self,
        report: Report = to_stderr,
        env: Mapping[str, str] | None = None,
        retry_interval: float = RETRY_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.report = report
        self.env = dict(env or {})
        self.retry_interval = retry_interval
        self.clock = clock

    def run_all(self, steps: Sequence[Step]) -> None:
        total = len(steps)
        for number, step in enumerate(steps, 1):
            self.run_step(step, number, total)

    def run_step(self, step: Step, number: int = 1, total: int = 1) -> Completed:
        self.report(f"[{number}/{total}] {step.title}")
        self.report(f"      $ {step.command}")
        started = self.clock()
        deadline = started + step.retry_for
        attempt = 1
        while True:
            try:
                done = run(step.argv, stdin=step.stdin, timeout=step.timeout, env=self.env)
            except CommandTimeout as exc:
                self._show_output(exc.output)
                raise StepFailed(number, total, step, f"timed out after {exc.seconds:.0f}s", exc.output) from None
            except OSError as exc:
                raise StepFailed(number, total, step, f"could not start ({exc.strerror or exc})", "") from None
            if done.ok:
                self.report(f"      done in {self.clock() - started:.1f}s")
                return done
            if self.clock() + self.retry_interval >= deadline:
                self._show_output(done.output)
                tries = f" (after {attempt} attempts)" if attempt > 1 else ""
                raise StepFailed(number, total, step, f"exited with {done.returncode}{tries}", done.output)
            attempt += 1
            self.report(f"      not yet (exit {done.returncode}); retrying in {self.retry_interval:.0f}s")
            time.sleep(self.retry_interval)

    def _show_output(self, output: str) -> None:
        """The full output of a failing command, indented, before the one-line error."""
        for line in output.splitlines():
            self.report(f"      | {line}")


def _squeeze(output: str) -> str:
    """Output on one line: lines joined with ' | ', the end kept when too long (errors come last)."""
    text = " | ".join(line.strip() for line in output.splitlines() if line.strip())
    if len(text) > MAX_OUTPUT_IN_MESSAGE:
        text = "…" + text[-(MAX_OUTPUT_IN_MESSAGE - 1) :]
    return text
