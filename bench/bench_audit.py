"""Benchmark: `ukic audit` over N live clusters behind the fake API vs one cluster.

Each cluster is a fake Kubernetes API server (tests/fakeapi) serving the bundled v5
production sample with added latency per request (default 100 ms). The audit runs as a
real `ukic audit` process, so the figures include interpreter start, the worker processes
and writing reports and ledger. Goal: N=8 clusters take at most twice the wall time of one.

    .venv/bin/python bench/bench_audit.py [--clusters 8] [--latency 0.1] [--repeat 3]

Figures, not a pass/fail test: the exit code is 0 whatever the ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakeapi import FakeKubeAPI, write_kubeconfig  # noqa: E402
from ukic import paths  # noqa: E402

#: parallel -> [(CPU seconds of the audit process tree as reaped, CPU seconds of the fake API servers)]
CPU_SPENT: dict[int, list[tuple[float, float]]] = {}


def write_inventory(path: Path, kubeconfigs: list[Path]) -> Path:
    lines = ["clusters:"]
    for i, kubeconfig in enumerate(kubeconfigs):
        lines += [
            f"  - name: bench{i + 1}",
            "    purpose: Bench",
            "    setup: VM",
            "    maintainer: bench",
            "    version: v5",
            "    type: production",
            "    v4_proxy: false",
            f"    source: {{kubeconfig: {kubeconfig}}}",
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def audit_seconds(inventory: Path, reports: Path, parallel: int) -> tuple[float, int]:
    """Wall time of one `ukic audit` process and its exit code; CPU figures go to CPU_SPENT."""
    command = [sys.executable, "-m", "ukic", "audit", str(inventory), "--report-dir", str(reports)]
    command += ["--parallel", str(parallel)]
    started = time.perf_counter()
    children, servers = resource.getrusage(resource.RUSAGE_CHILDREN), time.process_time()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env={**os.environ, "COLUMNS": "200"})
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU_SPENT.setdefault(parallel, []).append(
        (
            after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime,
            time.process_time() - servers,
        )
    )
    if done.returncode not in (0, 1, 2):
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"ukic audit failed with exit {done.returncode}")
    return elapsed, done.returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clusters", type=int, default=8)
    parser.add_argument("--latency", type=float, default=0.1, help="seconds added to every API request")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each audit; the median is reported")
    parser.add_argument("--sample", type=Path, default=paths.samples_dir() / "v5-production")
    args = parser.parse_args(argv)

    with ExitStack() as stack, tempfile.TemporaryDirectory(prefix="ukic-bench-") as tmp:
        work = Path(tmp)
        servers = [
            stack.enter_context(FakeKubeAPI.from_snapshot(args.sample, latency=args.latency))
            for _ in range(args.clusters)
        ]
        kubeconfigs = [
            write_kubeconfig(work / f"kubeconfig-{i + 1}", s.url, context=f"admin@bench{i + 1}")
            for i, s in enumerate(servers)
        ]
        one = write_inventory(work / "one.yaml", kubeconfigs[:1])
        many = write_inventory(work / "many.yaml", kubeconfigs)
        single, several = [], []
        for n in range(args.repeat):
            single.append(audit_seconds(one, work / f"reports-one-{n}", parallel=1))
            several.append(audit_seconds(many, work / f"reports-many-{n}", parallel=args.clusters))
        t1 = statistics.median(t for t, _ in single)
        tn = statistics.median(t for t, _ in several)
        ledger = json.loads((work / "reports-many-0" / "ledger.json").read_text())
        verdicts = sorted({c["last_run"]["verdict"] for c in ledger["clusters"].values()})
        requests = [len(s.requests) for s in servers]

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"sample: {args.sample.name}, latency {args.latency * 1000:.0f} ms per request, {os.cpu_count()} CPUs")
    print(f"load average at the end: {load} (other work on the machine inflates both figures)")
    print(f"audit of 1 cluster:  {t1:6.2f} s  (exit {single[0][1]})")
    print(f"audit of {args.clusters} clusters: {tn:6.2f} s  (exit {several[0][1]}, --parallel {args.clusters})")
    print(f"ratio: {tn / t1:.2f}x  (goal <= 2.00x)")
    for parallel, label in ((1, "1 cluster"), (args.clusters, f"{args.clusters} clusters")):
        audit_cpu = statistics.median(a for a, _ in CPU_SPENT[parallel])
        server_cpu = statistics.median(b for _, b in CPU_SPENT[parallel])
        print(f"CPU for {label}: audit processes {audit_cpu:.2f} s, fake API servers {server_cpu:.2f} s")
    print(f"ledger entries: {len(ledger['clusters'])}, verdicts: {', '.join(verdicts)}")
    print(f"API requests per cluster (all runs): {min(requests)}..{max(requests)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
