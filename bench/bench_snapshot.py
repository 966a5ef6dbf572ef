"""Benchmark `ukic verify` on a large JSON snapshot against plain `json.load` of the same files.

Issue 15's goals (figures as ratios; the machine is shared):
  - 1,000 nodes / 30,000 pods: verify ÷ json.load <= 1.3, verify peak RSS <= 300 MB
  - 10,000 nodes / 300,000 pods: verify ÷ json.load <= 1.0, verify peak RSS <= 1.0 GB

    .venv/bin/python bench/bench_snapshot.py [--nodes 1000] [--pods 30000] [--pairs 5] [--format json|yaml]
    .venv/bin/python bench/grow_snapshot.py bench/out/large-v5-production-1000n-30000p-json --factor 10 \
        --out bench/out/grown-10x && .venv/bin/python bench/bench_snapshot.py --snapshot bench/out/grown-10x --pairs 2

A is `ukic verify --snapshot S --no-reports` (a fresh process: start, reading, every scenario, exit);
B is a fresh Python process that only `json.load`s every file of S (for YAML: ukic's own YAML reader).
They run in turn, the ratio is taken pair by pair and the median is quoted. The snapshot is made by
bench/generate_large_snapshot.py the first time; the 10,000-node one is grown from the 1,000-node one
(bench/grow_snapshot.py: built whole in memory it needs more than the machine has). json.load of a
3 GB file needs about 11 GB of memory. Figures, not a pass/fail test.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from paired import ROOT, machine, paired

PYTHON = sys.executable

JSON_LOAD = """
import json, sys
from pathlib import Path
for path in sorted(Path(sys.argv[1]).iterdir()):
    if path.suffix == ".json":
        with path.open("rb") as handle:
            json.load(handle)
"""
YAML_LOAD = """
import sys
from pathlib import Path
from ukic.yamlio import load_text
for path in sorted(Path(sys.argv[1]).iterdir()):
    if path.suffix in (".yaml", ".yml"):
        with path.open("rb") as handle:
            load_text(handle, str(path))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=1000)
    parser.add_argument("--pods", type=int, default=30000)
    parser.add_argument("--format", choices=("json", "yaml"), default="json")
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--snapshot", type=Path, help="benchmark this snapshot instead (e.g. a grown one)")
    args = parser.parse_args()

    snapshot = args.snapshot or args.out / f"large-v5-production-{args.nodes}n-{args.pods}p-{args.format}"
    if not snapshot.is_dir():
        subprocess.run(
            [PYTHON, str(ROOT / "bench" / "generate_large_snapshot.py"), "--nodes", str(args.nodes),
             "--pods", str(args.pods), "--format", args.format, "--out", str(snapshot)],
            check=True,
        )  # fmt: skip
    size = sum(p.stat().st_size for p in snapshot.iterdir()) / 1e6
    verify = [PYTHON, "-m", "ukic", "verify", "--snapshot", str(snapshot), "--no-reports"]
    load = [PYTHON, "-c", JSON_LOAD if args.format == "json" else YAML_LOAD, str(snapshot)]
    pairs = paired(verify, load, args.pairs)
    print(f"snapshot {snapshot.name}: {size:.0f} MB; {machine()}")
    reader = "json.load" if args.format == "json" else "ukic.yamlio"
    print(pairs.summary("ukic verify --snapshot S --no-reports", f"{reader} of every file of S, nothing else"))
    print(f"verify exit code: {pairs.a[0].code}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
