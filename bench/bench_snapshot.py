"""Benchmark `ukic verify` on a large snapshot (default 1,000 nodes / 30,000 pods, v5 production).

Reports two figures (issue 2's budget in brackets):
  - wall time of `ukic verify` divided by the time to only parse the same files with the
    same parser (ukic.yamlio, libyaml where available)             [goal <= 2.0]
  - peak RSS of the `ukic verify` process                           [goal <= 400 MB]

    .venv/bin/python bench/bench_snapshot.py [--nodes 1000] [--pods 30000] [--format yaml|json] [--repeat 3]

Each measurement runs in a fresh process (so imports, parsing and peak memory are counted the
way a user sees them); the best of --repeat runs is reported. Figures, not a pass/fail test.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

PARSE_ONLY = """
import sys
from pathlib import Path
from ukic.projection import PROJECTIONS
from ukic.yamlio import load_text
projected = sys.argv[2] == "projected"
for path in sorted(Path(sys.argv[1]).iterdir()):
    if path.suffix in ('.yaml', '.yml', '.json'):
        keep = PROJECTIONS.get(path.stem) if projected else None
        with path.open('rb') as handle:
            load_text(handle, str(path), keep)
"""


def _measure(argv: list[str]) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MB and exit code of one child process."""
    started = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    stderr = child.stderr.read().decode() if child.stderr else ""
    if child.returncode not in (0, 1, 2):
        raise SystemExit(f"{' '.join(argv)} exited {child.returncode}: {stderr.strip()}")
    return wall, usage.ru_maxrss / 1024, child.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=1000)
    parser.add_argument("--pods", type=int, default=30000)
    parser.add_argument("--format", choices=("yaml", "json"), default="yaml")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = parser.parse_args()

    snapshot = args.out / f"large-v5-production-{args.nodes}n-{args.pods}p-{args.format}"
    if not snapshot.is_dir():
        subprocess.run(
            [PYTHON, str(ROOT / "bench" / "generate_large_snapshot.py"), "--nodes", str(args.nodes),
             "--pods", str(args.pods), "--format", args.format, "--out", str(snapshot)],
            check=True,
        )  # fmt: skip
    size = sum(p.stat().st_size for p in snapshot.iterdir()) / 1e6
    print(f"snapshot: {snapshot} ({size:.1f} MB, {args.nodes} nodes, {args.pods} workload pods, {args.format})")

    parse = [_measure([PYTHON, "-c", PARSE_ONLY, str(snapshot), "full"]) for _ in range(args.repeat)]
    parse_projected = [_measure([PYTHON, "-c", PARSE_ONLY, str(snapshot), "projected"]) for _ in range(args.repeat)]
    verify_cmd = [PYTHON, "-m", "ukic", "verify", "--snapshot", str(snapshot), "--no-reports"]
    runs = [_measure(verify_cmd) for _ in range(args.repeat)]
    parse_s = min(w for w, _, _ in parse)
    verify_s = min(w for w, _, _ in runs)
    verify_rss = max(r for _, r, _ in runs)
    projected_s = min(w for w, _, _ in parse_projected)
    parse_rss = max(r for _, r, _ in parse)
    projected_rss = max(r for _, r, _ in parse_projected)
    print(f"parse only     : {parse_s:7.2f} s   peak RSS {parse_rss:6.0f} MB   (every field)")
    print(f"parse as read  : {projected_s:7.2f} s   peak RSS {projected_rss:6.0f} MB   (Pods projected)")
    print(f"ukic verify    : {verify_s:7.2f} s   peak RSS {verify_rss:6.0f} MB   exit {runs[0][2]}")
    print(
        f"ratio verify/parse: {verify_s / parse_s:.2f} (vs every field), "
        f"{verify_s / projected_s:.2f} (vs as read)   (goal <= 2.0)"
    )
    print(f"peak RSS          : {verify_rss:.0f} MB   (goal <= 400 MB)")
    return 0


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    raise SystemExit(main())
