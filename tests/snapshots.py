"""Small hand-written snapshots for tests that need one fact changed, not a whole sample."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


def write_snapshot(folder: Path, resources: dict[str, list[dict[str, Any]]], name: str = "mini") -> Path:
    """Write kubectl-style List files (one per resource key) and a cluster.yaml."""
    folder.mkdir(parents=True, exist_ok=True)
    for key, items in resources.items():
        (folder / f"{key}.yaml").write_text(yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": items}))
    (folder / "cluster.yaml").write_text(yaml.safe_dump({"name": name}))
    return folder


def as_json_snapshot(sample: Path, target: Path) -> Path:
    """The snapshot with every file written as kubectl's JSON instead of YAML (cluster.yaml stays)."""
    from ukic.jsonlist import kubectl_json
    from ukic.yamlio import load_text

    target.mkdir(parents=True)
    for file in sample.iterdir():
        with file.open("rb") as handle:
            doc = load_text(handle, file.name)
        if file.stem == "cluster":
            (target / file.name).write_bytes(file.read_bytes())
        else:
            (target / f"{file.stem}.json").write_bytes(kubectl_json(doc))
    return target


def node(name: str, ip: str, *, control_plane: bool = False, tainted: bool = False, ready: bool = True) -> dict:
    labels = (
        {"node-role.kubernetes.io/control-plane": "", "node-role.kubernetes.io/master": ""} if control_plane else {}
    )
    taints = [{"key": "node-role.kubernetes.io/master", "effect": "NoSchedule"}] if tainted else []
    return {
        "metadata": {"name": name, "labels": labels},
        "spec": {"podCIDR": "2a0a:e5c0:10:2:1::/80", "taints": taints},
        "status": {
            "addresses": [{"type": "InternalIP", "address": ip}, {"type": "Hostname", "address": name}],
            "conditions": [{"type": "Ready", "status": "True" if ready else "False", "reason": "KubeletReady"}],
        },
    }
