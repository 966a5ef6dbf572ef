"""Benchmark: the IPv6 lab's setup and teardown time, and the node/router scenarios' run time on it.

Builds the lab (tests/lab: three nodes with sshd, BIRD, etcd, ceph-mon; one router with BIRD
and sshd) --repeat times, and on each lab runs the node and router scenarios through the real
harness (ukic.run.verify) twice (each run opens its own SSH connections and closes them at
its end, as `ukic verify` does). It also times plain commands through the host pool with and without SSH
connection reuse. Needs root and the lab's Debian packages.

    sudo .venv/bin/python bench/bench_lab.py [--repeat 3]

Figures, not a pass/fail test: the exit code is 0 whatever the times (2 when the lab cannot run).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.lab.site import Lab, lab_prerequisites  # noqa: E402
from tests.lab.snapshot import write_snapshot  # noqa: E402
from ukic.hosts.pool import HostPool  # noqa: E402
from ukic.run import VerifyRequest, verify  # noqa: E402
from ukic.sources.snapshot import SnapshotSource  # noqa: E402

MARKER = "nodes or routers"


def harness_run(lab: Lab, snapshot: Path) -> tuple[float, dict[str, float], set[str]]:
    started = time.perf_counter()
    result = verify(
        VerifyRequest(
            source=SnapshotSource(snapshot),
            version="v5",
            cluster_type="development",
            marker=MARKER,
            hosts=lab.hosts_spec(),
        )
    )
    took = time.perf_counter() - started
    return took, {s.name: s.duration for s in result.scenarios}, {s.outcome.value for s in result.scenarios}


def command_seconds(lab: Lab, multiplex: bool, rounds: int) -> float:
    """Mean seconds per command over ``rounds`` rounds of one command on each node."""
    pool = HostPool(lab.hosts_spec(), multiplex=multiplex)
    hosts = [pool.node(n.name) for n in lab.nodes]
    started = time.perf_counter()
    for i in range(rounds):
        for host in hosts:
            host.run(["echo", str(i)], cache=False)
    took = time.perf_counter() - started
    pool.close()
    return took / (rounds * len(hosts))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="labs to build; medians are reported")
    parser.add_argument("--commands", type=int, default=10, help="rounds of commands for the reuse comparison")
    args = parser.parse_args(argv)
    reason = lab_prerequisites()
    if reason:
        print(f"lab not available: {reason}")
        return 2
    setups, teardowns, runs, outcomes = [], [], [], set()
    per_scenario: dict[str, list[float]] = {}
    reuse = no_reuse = 0.0
    with tempfile.TemporaryDirectory(prefix="ukic-bench-lab-") as tmp:
        for n in range(args.repeat):
            lab = Lab()
            try:
                lab.start()
                setups.append(lab.setup_seconds or 0.0)
                snapshot = write_snapshot(Path(tmp) / f"snap{n}", lab.nodes)
                for _ in range(2):
                    took, scenarios, seen = harness_run(lab, snapshot)
                    runs.append(took)
                    outcomes |= seen
                    for name, seconds in scenarios.items():
                        per_scenario.setdefault(name, []).append(seconds)
                if n == 0:
                    reuse = command_seconds(lab, multiplex=True, rounds=args.commands)
                    no_reuse = command_seconds(lab, multiplex=False, rounds=args.commands)
            finally:
                began = time.perf_counter()
                lab.close()
                teardowns.append(time.perf_counter() - began)

    med = statistics.median
    print(f"{args.repeat} lab(s), {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    print(
        f"lab setup (namespaces, keys, 14 daemons, until all healthy): {med(setups):5.2f} s  (runs: "
        + ", ".join(f"{s:.2f}" for s in setups)
        + ")"
    )
    print(f"lab teardown (pid files, namespace sweep, delete):            {med(teardowns):5.2f} s")
    print(
        f"node+router scenarios ({len(per_scenario)}), one ukic.run.verify:             {med(runs):5.2f} s  "
        f"(min {min(runs):.2f}, max {max(runs):.2f})"
    )
    print(f"scenario outcomes seen: {', '.join(sorted(outcomes))}")
    for name, values in per_scenario.items():
        print(f"  {med(values):5.2f} s  {name}")
    print(
        f"one command over SSH: {reuse * 1000:6.1f} ms with connection reuse, "
        f"{no_reuse * 1000:6.1f} ms without ({no_reuse / reuse:.1f}x)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
