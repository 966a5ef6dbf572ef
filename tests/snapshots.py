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
