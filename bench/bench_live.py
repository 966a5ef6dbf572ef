"""Live verify behind a slow API: a whole `ukic verify --kubeconfig` process against one sequential pass
over the same requests.

Issue 15's goal: with 100 ms added to every response, the verify's wall time is at most 0.45 of the
time the same GETs take one after another.

    .venv/bin/python bench/bench_live.py [--sample DIR] [--latency 0.1] [--pairs 5] [--subset EXPR]

The sample (default: the bundled v5 production sample) is served by the fake API of tests/fakeapi
with LATENCY seconds added to every answer. A is a fresh `ukic verify --kubeconfig K --no-reports`
process (start, discovery, lists, every scenario, exit); B replays exactly the requests A made, one
after another on one connection. They alternate; the ratio is taken pair by pair and the median quoted.
A -m subset run shows the request count is discovery plus one request per needed resource and page.
Figures, not a pass/fail test.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from paired import machine, run  # noqa: E402

from tests.fakeapi import FakeKubeAPI, Recorded, write_kubeconfig  # noqa: E402
from ukic import paths  # noqa: E402
from ukic.kubeapi.http import ApiClient  # noqa: E402
from ukic.kubeapi.kubeconfig import load_target  # noqa: E402

DISCOVERY_PATHS = ("/version", "/api", "/apis")
VERIFY_EXITS = (0, 1, 2)


def is_discovery(record: Recorded) -> bool:
    parts = [p for p in record.path.split("/") if p]
    return (
        record.path in DISCOVERY_PATHS
        or (parts[:2] == ["api", "v1"] and len(parts) == 2)
        or (parts[:1] == ["apis"] and len(parts) <= 3)
    )


def replay_sequentially(config: Path, requests: list[Recorded]) -> float:
    """The same GETs (path, query, Accept), one after another on one connection."""
    client = ApiClient(load_target(config, None).endpoint, pool_size=1)
    started = time.perf_counter()
    for record in requests:
        path = record.path + (f"?{record.query}" if record.query else "")
        client.request("GET", client.url(path), headers={"Accept": record.accept or "application/json"})
    elapsed = time.perf_counter() - started
    client.close()
    return elapsed


def describe(requests: list[Recorded]) -> str:
    discovery = [r for r in requests if is_discovery(r)]
    lists = Counter(r.path for r in requests if not is_discovery(r))
    return (
        f"{len(requests)} requests = {len(discovery)} discovery + {sum(lists.values())} list pages "
        f"over {len(lists)} resources (multi-page: {sum(1 for n in lists.values() if n > 1)})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample", type=Path, default=paths.default_sample())
    parser.add_argument("--latency", type=float, default=0.1, help="seconds added to every response (0.1)")
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--subset", default="bgp", help="-m expression for the subset run (bgp)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, FakeKubeAPI.from_snapshot(args.sample) as api:
        config = write_kubeconfig(Path(tmp) / "kubeconfig", api.url)
        verify = [sys.executable, "-m", "ukic", "verify", "--kubeconfig", str(config), "--no-reports"]
        run(verify, VERIFY_EXITS)  # warm-up: bytecode, page cache
        api.latency = args.latency
        walls, sequential, ratios, first, last = [], [], [], [], []
        requests: list[Recorded] = []
        for _ in range(args.pairs):
            api.clear_log()
            started = time.perf_counter()
            walls.append(run(verify, VERIFY_EXITS).wall)
            requests = list(api.requests)
            first.append(min(r.at for r in requests) - started)
            last.append(max(r.at for r in requests) + args.latency - started)
            sequential.append(replay_sequentially(config, requests))
            ratios.append(walls[-1] / sequential[-1])
        api.clear_log()
        run([*verify, "-m", args.subset], VERIFY_EXITS)
        subset = list(api.requests)
        methods = {r.method for r in requests + subset}

    print(f"sample {args.sample.name}, {args.latency * 1000:.0f} ms added to every response; {machine()}")
    print(f"full set      : {describe(requests)}")
    print(f"-m {args.subset:<10} : {describe(subset)}")
    print(f"A = ukic verify --kubeconfig K --no-reports (whole process)   median {statistics.median(walls):6.2f} s")
    print(
        f"B = the same GETs one after another                           median {statistics.median(sequential):6.2f} s"
    )
    print(
        f"A/B wall median {statistics.median(ratios):.2f} (min {min(ratios):.2f}, max {max(ratios):.2f}), "
        f"{args.pairs} pairs (goal <= 0.45)"
    )
    print(
        f"inside A (medians): first request {statistics.median(first):.2f} s after the start, last answer at "
        f"{statistics.median(last):.2f} s; the rest is start-up, checks and exit"
    )
    print(f"methods seen by the server: {sorted(methods)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
