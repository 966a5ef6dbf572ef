"""What a run checks against: one merged profile, one cluster type, the component catalogue."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ukic.errors import UsageError
from ukic.profiles.files import profiles_folder
from ukic.profiles.loader import load_cluster_types, load_components, resolve
from ukic.profiles.model import ClusterType, Component, Profile, as_data


@dataclass(frozen=True)
class Selection:
    """The rules of one run. ``digest`` identifies them exactly (reports record it)."""

    profile: Profile
    cluster_type: ClusterType
    components: dict[str, Component]  # the whole catalogue
    chain: list[str]  # versions merged into the profile, root first
    digest: str  # sha256 over the canonical JSON of profile + cluster type + catalogue

    @property
    def required(self) -> dict[str, Component]:
        """The components the profile requires, in the profile's order."""
        return {name: self.components[name] for name in self.profile.components.require}

    @property
    def forbidden(self) -> dict[str, Component]:
        """The components the profile says must be gone, in the profile's order."""
        return {name: self.components[name] for name in self.profile.components.forbid}


def select(version: str, cluster_type: str, directory: Path | None = None) -> Selection:
    """The selection for an infrastructure version and a cluster type; UsageError if either is unknown."""
    folder = profiles_folder(directory)
    components = load_components(folder)
    resolved = resolve(version, folder, components=components)
    types = load_cluster_types(folder)
    if cluster_type not in types:
        raise UsageError(f"unknown cluster type '{cluster_type}' (known: {', '.join(sorted(types))})")
    chosen = types[cluster_type]
    return Selection(
        profile=resolved.profile,
        cluster_type=chosen,
        components=components,
        chain=resolved.chain,
        digest=digest_of(
            {
                "profile": as_data(resolved.profile),
                "cluster_type": as_data(chosen),
                "components": {name: as_data(c) for name, c in components.items()},
            }
        ),
    )


def profile_digest(profile: Profile) -> str:
    """The digest of a merged profile alone (no cluster type, no catalogue)."""
    return digest_of(as_data(profile))


def digest_of(data: Any) -> str:
    """sha256 over canonical JSON: sorted keys, no whitespace, UTF-8."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()
