"""calicoctl files (projectcalico.org/v3) -> the crd.projectcalico.org/v1 objects Calico stores.

calicoctl writes the same spec into the CRD-backed resource; only apiVersion changes
(and, the resources being cluster-scoped, any namespace is dropped).
"""

from __future__ import annotations

import copy
from typing import Any

CALICOCTL_GROUP = "projectcalico.org"
CRD_API_VERSION = "crd.projectcalico.org/v1"
#: calicoctl kinds whose stored form ukic reads.
MAPPED_KINDS = frozenset({"BGPConfiguration", "BGPPeer", "IPPool"})


def is_calicoctl(body: dict[str, Any]) -> bool:
    return body["apiVersion"].partition("/")[0] == CALICOCTL_GROUP


def to_crd(body: dict[str, Any]) -> dict[str, Any] | None:
    """The stored CRD object for a calicoctl resource ukic reads, else None."""
    if body["kind"] not in MAPPED_KINDS:
        return None
    stored = copy.deepcopy(body)
    stored["apiVersion"] = CRD_API_VERSION
    metadata = stored.get("metadata")
    if isinstance(metadata, dict):
        metadata.pop("namespace", None)
    return stored
