"""Live verify against the fake API with added latency: concurrency pays, request count is fixed.

Serves a sample snapshot (default: the bundled v5 production sample) through tests/fakeapi
with LATENCY seconds added to every response, then

1. times a live `verify` of the full scenario set (concurrent fetches, the real thing);
2. replays exactly the requests it made, one after another, and times that;
3. repeats the verify with a -m subset, to show the request count is discovery plus one
   request per needed resource and page, whatever the number of scenarios.

A script that prints figures, not a timed unit test:

    .venv/bin/python bench/bench_live.py [--sample DIR] [--latency 0.1] [--subset EXPR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakeapi import FakeKubeAPI, Recorded, write_kubeconfig  # noqa: E402
from ukic import paths  # noqa: E402
from ukic.kubeapi.http import ApiClient  # noqa: E402
from ukic.kubeapi.kubeconfig import load_target  # noqa: E402
from ukic.run import VerifyRequest, verify  # noqa: E402
from ukic.sources.live import LiveSource  # noqa: E402

DISCOVERY_PATHS = ("/version", "/api", "/apis")


def is_discovery(record: Recorded) -> bool:
    parts = [p for p in record.path.split("/") if p]
    return (
        record.path in DISCOVERY_PATHS
        or (parts[:2] == ["api", "v1"] and len(parts) == 2)
        or (parts[:1] == ["apis"] and len(parts) <= 3)
    )


class TimedLiveSource(LiveSource):
    """A LiveSource that remembers how long its fetching took (discovery and every LIST)."""

    fetching = 0.0

    def prefetch(self, keys):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return super().prefetch(keys)
        finally:
            self.fetching += time.perf_counter() - started


def live_verify(api: FakeKubeAPI, config: Path, marker: str | None) -> tuple[float, float, list[Recorded], int]:
    """Whole-run time, fetch time, the requests the server saw, the number of scenarios."""
    api.clear_log()
    source = TimedLiveSource(config, None)
    started = time.perf_counter()
    result = verify(VerifyRequest(source=source, version="v5", cluster_type="production", marker=marker))
    elapsed = time.perf_counter() - started
    source.close()
    return elapsed, source.fetching, list(api.requests), len(result.scenarios)


def replay_sequentially(config: Path, requests: list[Recorded]) -> float:
    """The same GETs (path, query, Accept), one after another on one connection."""
    client = ApiClient(load_target(config, None).endpoint, pool_size=1)
    started = time.perf_counter()
    for record in requests:
        path = record.path + (f"?{record.query}" if record.query else "")
        client.request("GET", client.url(path), headers={"Accept": record.accept or "application/json"})
    return time.perf_counter() - started


def describe(requests: list[Recorded]) -> str:
    discovery = [r for r in requests if is_discovery(r)]
    lists = Counter(r.path for r in requests if not is_discovery(r))
    pages = sum(lists.values())
    return (
        f"{len(requests)} requests = {len(discovery)} discovery + {pages} list pages "
        f"over {len(lists)} resources (multi-page: {sum(1 for n in lists.values() if n > 1)})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample", type=Path, default=paths.default_sample())
    parser.add_argument("--latency", type=float, default=0.1, help="seconds added to every response (0.1)")
    parser.add_argument("--subset", default="bgp", help="-m expression for the subset run (bgp)")
    args = parser.parse_args()
    if not args.sample.is_dir():
        print(f"no sample at {args.sample}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp, FakeKubeAPI.from_snapshot(args.sample) as api:
        config = write_kubeconfig(Path(tmp) / "kubeconfig", api.url)
        live_verify(api, config, None)  # warm-up: imports, feature parsing
        api.latency = args.latency
        t_live, t_fetch, requests, scenarios = live_verify(api, config, None)
        t_seq = replay_sequentially(config, requests)
        t_subset, _, subset_requests, subset_scenarios = live_verify(api, config, args.subset)
        methods = {r.method for r in requests + subset_requests}

    print(f"sample {args.sample.name}, {args.latency * 1000:.0f} ms added to every response")
    print(f"full set      : {scenarios:3d} scenarios, {describe(requests)}")
    print(f"-m {args.subset:<10} : {subset_scenarios:3d} scenarios, {describe(subset_requests)}")
    print(f"the same {len(requests)} GETs one after another : {t_seq:6.2f} s")
    print(f"live fetching (concurrent)        : {t_fetch:6.2f} s   ratio {t_fetch / t_seq:.2f} (goal <= 0.25)")
    print(f"live verify, whole run            : {t_live:6.2f} s   ratio {t_live / t_seq:.2f} (includes running")
    print(f"                                             {scenarios} scenarios, which no network speed changes)")
    print(f"-m {args.subset} verify, whole run      : {t_subset:6.2f} s")
    print(f"methods seen by the server        : {sorted(methods)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
