"""Write a kubeconfig pointing at the fake API, the way kubeadm's admin.conf looks."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import yaml


def write_kubeconfig(
    path: Path,
    server: str,
    *,
    token: str | None = "fake-token",
    ca_file: Path | None = None,
    embed_ca: bool = True,
    insecure: bool = False,
    context: str = "fake-admin@fake",
    cluster: str = "fake",
    user: str = "fake-admin",
    current: bool = True,
) -> Path:
    """A one-context kubeconfig; the CA is embedded as certificate-authority-data by default."""
    cluster_body: dict[str, Any] = {"server": server}
    if ca_file is not None:
        if embed_ca:
            cluster_body["certificate-authority-data"] = base64.b64encode(ca_file.read_bytes()).decode()
        else:
            cluster_body["certificate-authority"] = str(ca_file)
    if insecure:
        cluster_body["insecure-skip-tls-verify"] = True
    user_body: dict[str, Any] = {"token": token} if token else {}
    doc: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": cluster, "cluster": cluster_body}],
        "users": [{"name": user, "user": user_body}],
        "contexts": [{"name": context, "context": {"cluster": cluster, "user": user}}],
        "preferences": {},
    }
    if current:
        doc["current-context"] = context
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path
