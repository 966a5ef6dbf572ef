"""Write a large, conforming v5 production snapshot for benchmarks (default 1000 nodes, 30000 pods).

The snapshot is the bundled v5 production sample (place10) grown by fixtures/samplegen:
extra workers server100, server101, ... run the node-wide daemons (calico-node, kube-proxy,
the Ceph CSI plugins) and tenant Deployments whose pods look like real ones (labels, owner,
two containers with ports, env, resources, probes and volume mounts, full status). It still
conforms to v5 production, so verifying it exercises the success path at scale:

    .venv/bin/python bench/generate_large_snapshot.py [--nodes 1000] [--pods 30000]
        [--format yaml|json] [--out bench/out/large-v5-production]
    .venv/bin/ukic verify --snapshot bench/out/large-v5-production --no-reports

Prints the object counts, file sizes and time taken; figures, not a pass/fail test.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fixtures.samplegen.bulk import large_v5  # noqa: E402
from fixtures.samplegen.write import ListWriter, write_snapshot  # noqa: E402


def positive(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} is negative")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=positive, default=1000, help="nodes in all, at least 9 (default 1000)")
    parser.add_argument(
        "--pods", type=positive, default=30000, help="tenant workload pods, on top of the system pods (default 30000)"
    )
    parser.add_argument("--format", choices=("yaml", "json"), default="yaml", help="file format (default yaml)")
    parser.add_argument(
        "--out", type=Path, default=ROOT / "bench" / "out" / "large-v5-production", help="snapshot folder to (re)write"
    )
    args = parser.parse_args(argv)

    started = time.perf_counter()
    try:
        snap = large_v5(args.nodes, args.pods)
    except ValueError as err:
        parser.error(str(err))
    built = time.perf_counter()
    if args.out.exists():
        shutil.rmtree(args.out)
    files = write_snapshot(snap, args.out, writer=ListWriter(args.format))
    written = time.perf_counter()

    sizes = {path.name: path.stat().st_size for path in files}
    pods = snap.items["pods"]
    print(f"snapshot {args.out} ({args.format})")
    print(
        f"  {len(snap.items['nodes'])} nodes, {len(pods)} pods ({args.pods} tenant), "
        f"{len(snap.items['deployments.apps'])} deployments, {len(snap.items['services'])} services"
    )
    for name, size in sorted(sizes.items(), key=lambda kv: -kv[1])[:5]:
        print(f"  {name:<45} {size / 1e6:8.1f} MB")
    print(
        f"  total {sum(sizes.values()) / 1e6:.1f} MB in {len(files)} files; "
        f"{sizes[f'pods.{args.format}'] / max(len(pods), 1):.0f} bytes per pod"
    )
    print(f"  built in {built - started:.1f} s, written in {written - built:.1f} s, total {written - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
