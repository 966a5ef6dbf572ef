"""Keep Secret payloads out of everything ukic stores or prints."""

from __future__ import annotations

from typing import Any

#: Annotations that can carry a Secret's full content (kubectl apply records it there).
_SENSITIVE_ANNOTATIONS = ("kubectl.kubernetes.io/last-applied-configuration",)


def strip_secret_payload(secret: dict[str, Any]) -> dict[str, Any]:
    """A Secret reduced to its metadata: no data, no stringData, no last-applied copy."""
    metadata = dict(secret.get("metadata") or {})
    annotations = {k: v for k, v in (metadata.get("annotations") or {}).items() if k not in _SENSITIVE_ANNOTATIONS}
    if annotations:
        metadata["annotations"] = annotations
    else:
        metadata.pop("annotations", None)
    metadata.pop("managedFields", None)
    kept = {"metadata": metadata}
    for field in ("apiVersion", "kind", "type"):
        if field in secret:
            kept[field] = secret[field]
    return kept
