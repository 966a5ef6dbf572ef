"""What one infrastructure version changed compared with another: rule changes only."""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from ukic.profiles.files import profiles_folder
from ukic.profiles.loader import load_profile
from ukic.profiles.model import METADATA_KEYS, Profile, as_data


class RuleChange(NamedTuple):
    """One rule whose value differs: its dotted key path, the old and the new value."""

    path: str
    old: Any
    new: Any


def diff_profiles(a: str, b: str, directory: Path | None = None) -> list[RuleChange]:
    """Rule changes from version ``a`` to version ``b`` (metadata such as title or notes left out)."""
    folder = profiles_folder(directory)
    return diff_rules(load_profile(a, folder), load_profile(b, folder))


def diff_rules(old: Profile, new: Profile) -> list[RuleChange]:
    """Changed leaves of two merged profiles, in the profiles' key order; lists compare whole."""
    before = flatten(_rules(old))
    after = flatten(_rules(new))
    paths = list(before) + [p for p in after if p not in before]
    return [RuleChange(p, before.get(p), after.get(p)) for p in paths if before.get(p) != after.get(p)]


def _rules(profile: Profile) -> dict[str, Any]:
    return {k: v for k, v in as_data(profile).items() if k not in METADATA_KEYS}


def flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """{'install': {'calico': 'any'}} -> {'install.calico': 'any'}; lists and scalars are leaves."""
    leaves: dict[str, Any] = {}
    for key, value in data.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict) and value:
            leaves.update(flatten(value, path))
        else:
            leaves[path] = value
    return leaves
