"""Paired, interleaved process timings for the benchmarks: A, B, A, B, ... with the ratio taken pair by
pair, so a shared machine whose speed drifts still gives a fair ratio. Medians are what to quote.

Each run is a fresh process (imports, reading and exit are counted as a user sees them); wall time
comes from Python's own clock, CPU time and peak memory from the kernel's accounting (wait4).
Children run with bytecode caching on, as an installed ukic does.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


@dataclass
class Run:
    wall: float  # seconds
    cpu: float  # user + system seconds
    peak_mb: float  # peak resident memory of the process, MB
    code: int


def run(argv: Sequence[str], ok: Sequence[int] = (0,)) -> Run:
    """One process to its end; its output is discarded."""
    started = time.perf_counter()
    child = subprocess.Popen(argv, cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    errors = child.stderr.read().decode(errors="replace") if child.stderr else ""
    if code not in ok:
        raise SystemExit(f"{' '.join(map(str, argv))} exited {code}: {errors.strip()[-2000:]}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, code)


@dataclass
class Pairs:
    a: list[Run] = field(default_factory=list)
    b: list[Run] = field(default_factory=list)

    def ratios(self, what: str = "wall") -> list[float]:
        return [getattr(x, what) / getattr(y, what) for x, y in zip(self.a, self.b, strict=True)]

    def median(self, side: str, what: str) -> float:
        return statistics.median(getattr(r, what) for r in getattr(self, side))

    def summary(self, label_a: str, label_b: str) -> str:
        wall, cpu = self.ratios("wall"), self.ratios("cpu")
        return "\n".join(
            [
                f"A = {label_a}",
                f"B = {label_b}",
                f"pairs: {len(self.a)} (after one warm-up pair), medians quoted",
                f"A wall {self.median('a', 'wall'):7.2f} s   cpu {self.median('a', 'cpu'):7.2f} s   "
                f"peak {self.median('a', 'peak_mb'):7.0f} MB (max {max(r.peak_mb for r in self.a):.0f})",
                f"B wall {self.median('b', 'wall'):7.2f} s   cpu {self.median('b', 'cpu'):7.2f} s   "
                f"peak {self.median('b', 'peak_mb'):7.0f} MB",
                f"A/B wall median {statistics.median(wall):.2f} (min {min(wall):.2f}, max {max(wall):.2f});"
                f" cpu median {statistics.median(cpu):.2f}",
            ]
        )


def paired(a: Sequence[str], b: Sequence[str], pairs: int, ok_a: Sequence[int] = (0,)) -> Pairs:
    """A and B in turn, ``pairs`` times, after one warm-up pair that is not counted."""
    run(a, ok_a), run(b)
    result = Pairs()
    for _ in range(pairs):
        result.a.append(run(a, ok_a))
        result.b.append(run(b))
    return result


def machine() -> str:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"{os.cpu_count()} CPUs, load average {load} (other work on a shared machine widens the spread)"
