"""Benchmark how quickly ukic starts and finishes on a tiny cluster, and what `ukic --help` imports.

Issue 15's goals:
  - tiny sample: `ukic verify` ÷ `python -c "import pytest, pytest_bdd"` <= 2.0
  - `ukic --help` imports neither kubernetes nor pydantic

    .venv/bin/python bench/bench_start.py [--pairs 7]

A is `ukic verify` of the bundled v5 production sample, writing its reports and ledger into a temporary
folder; B only imports pytest and pytest-bdd. They run in turn as fresh processes; the ratio is taken
pair by pair and the median quoted. Figures, not a pass/fail test.

A third pairing shows where the time goes: the floor (bench/start_floor.py) is pytest-bdd running the
same scenarios with steps that do nothing, started as ukic starts pytest; ukic's own work is what a
verify costs beyond it.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from paired import ENV, ROOT, machine, paired
from start_floor import RUN, RUN_ARGS, write_floor

PYTHON = sys.executable
IMPORTS_ONLY = 'python -c "import pytest, pytest_bdd"'
HEAVY = ("kubernetes", "pydantic", "rich", "filelock", "testinfra", "pytest", "yaml")
HELP_MODULES = """
import sys
from ukic.cli import main
try:
    main(["--help"])
except SystemExit:
    pass
sys.stderr.write(" ".join(sorted({m.split(".")[0] for m in sys.modules})))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=7)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="ukic-bench-") as reports,
        tempfile.TemporaryDirectory(prefix="ukic-floor-") as floor_dir,
    ):
        verify = [PYTHON, "-m", "ukic", "verify", "--report-dir", reports, "--color", "never"]
        imports = [PYTHON, "-c", "import pytest, pytest_bdd"]
        pairs = paired(verify, imports, args.pairs)
        scenarios = write_floor(Path(floor_dir))
        floor = [PYTHON, "-c", RUN, floor_dir, *RUN_ARGS]
        floor_pairs = paired(floor, imports, args.pairs)
        over_floor = paired(verify, floor, args.pairs)
        helping = paired([PYTHON, "-m", "ukic", "--help"], [PYTHON, "-c", "pass"], args.pairs)
    loaded = subprocess.run(
        [PYTHON, "-c", HELP_MODULES], cwd=ROOT, env=ENV, capture_output=True, text=True, check=True
    ).stderr.split()
    print(f"tiny sample (bundled v5-production); {machine()}")
    print(
        pairs.summary(
            "ukic verify (bundled sample, reports and ledger written)", 'python -c "import pytest, pytest_bdd"'
        )
    )
    print()
    print(f"the floor: pytest-bdd running the same {scenarios} scenarios with do-nothing steps")
    print(floor_pairs.summary("the floor", 'python -c "import pytest, pytest_bdd"'))
    print()
    print(over_floor.summary("ukic verify (as above)", "the floor"))
    print()
    print(helping.summary("ukic --help", 'python -c "pass"'))
    print(f"`ukic --help` imports of {', '.join(HEAVY)}: {[p for p in HEAVY if p in loaded] or 'none'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
