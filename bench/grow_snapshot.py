"""Grow a JSON snapshot N-fold for benchmarks, in bounded memory: every tenant worker node (and every
pod on it) is cloned N-1 times under a new name; everything else is kept once.

    .venv/bin/python bench/grow_snapshot.py SNAPSHOT --factor 10 --out bench/out/large-...-10000n

bench/generate_large_snapshot.py builds a snapshot in memory, which at 10,000 nodes and 300,000
pods needs more than this machine can spare; growing its 1,000-node output item by item does not.
The clones are the originals' twins (node server100 becomes server100, server100-c1, ...), so the
grown cluster still conforms to v5 production and verifying it exercises the success path.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ukic.jsonlist import read_list  # noqa: E402

FIRST_TENANT_WORKER = 100  # generate_large_snapshot.py names the extra workers server100, server101, ...


def tenant_worker(name: str) -> bool:
    return name.startswith("server") and name[6:].isdigit() and int(name[6:]) >= FIRST_TENANT_WORKER


def clone_node(node: dict[str, Any], copy: int) -> dict[str, Any]:
    name = f"{node['metadata']['name']}-c{copy}"
    text = json.dumps(node).replace(f'"{node["metadata"]["name"]}"', f'"{name}"')
    return json.loads(text)


def clone_pod(pod: dict[str, Any], copy: int) -> dict[str, Any]:
    clone = json.loads(json.dumps(pod))
    clone["metadata"]["name"] = f"{pod['metadata']['name']}-c{copy}"
    clone["spec"]["nodeName"] = f"{pod['spec']['nodeName']}-c{copy}"
    return clone


def grown(items: list[dict[str, Any]], key: str, factor: int) -> Iterator[dict[str, Any]]:
    for item in items:
        yield item
        if key == "nodes" and tenant_worker(item["metadata"]["name"]):
            yield from (clone_node(item, copy) for copy in range(1, factor))
        elif key == "pods" and tenant_worker((item.get("spec") or {}).get("nodeName") or ""):
            yield from (clone_pod(item, copy) for copy in range(1, factor))


def write_list(path: Path, doc: dict[str, Any], items: Iterator[dict[str, Any]]) -> int:
    """kubectl's JSON layout (what json.dumps(doc, indent=4) gives), item by item."""
    count = 0
    with path.open("w", encoding="utf-8") as out:
        out.write('{\n    "apiVersion": "v1",\n    "items": [')
        for item in items:
            text = json.dumps(item, indent=4, ensure_ascii=False).replace("\n", "\n        ")
            out.write(("," if count else "") + "\n        " + text)
            count += 1
        rest = {k: v for k, v in doc.items() if k not in ("apiVersion", "items")}
        tail = json.dumps(rest, indent=4, ensure_ascii=False)[1:]  # "\n    "kind": ... }"
        out.write(("\n    ]," if count else "],") + tail + "\n")
    return count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("snapshot", type=Path, help="a JSON snapshot from bench/generate_large_snapshot.py")
    parser.add_argument("--factor", type=int, default=10)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    if args.out.exists():
        shutil.rmtree(args.out)
    args.out.mkdir(parents=True)
    for path in sorted(args.snapshot.iterdir()):
        if path.stem in ("nodes", "pods"):
            with path.open("rb") as handle:
                doc = read_list(handle)
            count = write_list(args.out / path.name, doc, grown(doc.pop("items"), path.stem, args.factor))
            print(f"{path.name}: {count} items")
        else:
            shutil.copy(path, args.out / path.name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
