"""Loading profiles (infrastructure versions), cluster types and the component catalogue.

A version's file names only what changed since the version it ``extends``; loading it
walks the chain to the root, checks each file on its own, then merges root first and
validates every step, so an error always names the file that caused it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec

from ukic.errors import UsageError
from ukic.profiles.files import (
    CLUSTER_TYPES_FILE,
    COMPONENTS_FILE,
    NOT_PROFILES,
    profile_versions,
    profiles_folder,
    read_mapping,
    shown,
)
from ukic.profiles.merge import extend
from ukic.profiles.model import ClusterType, Component, Profile
from ukic.resources import BY_KEY
from ukic.validate import build, check_partial


@dataclass(frozen=True)
class Resolved:
    """A merged profile and the versions it was merged from, root first."""

    profile: Profile
    chain: list[str]


def load_profile(version: str, directory: Path | None = None) -> Profile:
    """The merged profile of one infrastructure version."""
    return resolve(version, directory).profile


def list_profiles(directory: Path | None = None) -> list[Profile]:
    """Every infrastructure version in the folder, merged, oldest first."""
    folder = profiles_folder(directory)
    known = profile_versions(folder)
    components = load_components(folder)
    return [_resolve(folder, version, known, components).profile for version in known]


def resolve(version: str, directory: Path | None = None, *, components: dict[str, Component] | None = None) -> Resolved:
    """The merged profile of ``version`` with its extends chain.

    ``components`` is the already loaded catalogue of the same folder, if the caller has it.
    """
    folder = profiles_folder(directory)
    known = profile_versions(folder)
    if version not in known:
        raise UsageError(f"unknown infrastructure version '{version}' (known: {', '.join(known) or 'none'})")
    return _resolve(folder, version, known, load_components(folder) if components is None else components)


def load_components(directory: Path | None = None) -> dict[str, Component]:
    """The component catalogue: how each component the profiles name shows itself in a cluster."""
    path = profiles_folder(directory) / COMPONENTS_FILE
    where = shown(path)
    catalogue: dict[str, Component] = {}
    for name, body in _named_entries(path).items():
        component = build(Component, body, where, prefix=(name,))
        for key in component.resources:
            if key not in BY_KEY:
                raise UsageError(f"{where}: {name}.resources: ukic does not read resource '{key}'")
        catalogue[name] = component
    return catalogue


def load_cluster_types(directory: Path | None = None) -> dict[str, ClusterType]:
    """The cluster types (development, production) with their numeric minimums."""
    path = profiles_folder(directory) / CLUSTER_TYPES_FILE
    where = shown(path)
    types: dict[str, ClusterType] = {}
    for name, body in _named_entries(path).items():
        if isinstance(body, dict):
            if body.get("name", name) != name:
                raise UsageError(f"{where}: {name}.name is '{body['name']}', expected '{name}' (its key)")
            body = {**body, "name": name}
        types[name] = build(ClusterType, body, where, prefix=(name,))
    return types


def _named_entries(path: Path) -> dict[str, Any]:
    entries = read_mapping(path)
    for name in entries:
        if not isinstance(name, str):
            raise UsageError(f"{shown(path)}: entry names must be text, got {name!r}")
    return entries


def _resolve(folder: Path, version: str, known: list[str], components: dict[str, Component]) -> Resolved:
    files = _read_chain(folder, version, known, components)  # leaf first
    merged: dict[str, Any] = {}
    profile: Profile | None = None
    for name, raw in reversed(files):
        merged = extend(merged, raw) if profile is not None else dict(raw)
        profile = build(Profile, merged, shown(folder / f"{name}.yaml"))
    assert profile is not None  # the chain holds at least the requested version
    profile = msgspec.structs.replace(profile, notes=_chain_notes(profile.notes, files[1:]))
    return Resolved(profile=profile, chain=[name for name, _ in reversed(files)])


def _chain_notes(own: list[str], ancestors: list[tuple[str, dict[str, Any]]]) -> list[str]:
    """A version's own notes, then each ancestor's (nearest first) marked with the version that wrote it.

    What a version inherits it still stands on: v6 extending v5 keeps v5's inferred rules, so the
    reader of a v6 run must still learn that they are inferred.
    """
    inherited = [f"{name}: {note}" for name, raw in ancestors for note in raw.get("notes") or []]
    return [*own, *inherited]


def _read_chain(
    folder: Path, version: str, known: list[str], components: dict[str, Component]
) -> list[tuple[str, dict[str, Any]]]:
    """Each file from ``version`` up its extends chain, checked on its own (leaf first)."""
    files: list[tuple[str, dict[str, Any]]] = []
    current = version
    while True:
        path = folder / f"{current}.yaml"
        raw = read_mapping(path)
        check_partial(Profile, raw, shown(path))
        _check_file(raw, current, path, components)
        files.append((current, raw))
        parent = raw.get("extends")
        if parent is None:
            return files
        visited = [name for name, _ in files]
        if parent in visited:
            cycle = [*visited[visited.index(parent) :], parent]
            raise UsageError(f"{shown(folder / f'{parent}.yaml')}: extends cycle {' -> '.join(cycle)}")
        if parent not in known:
            target = f"{parent}.yaml"
            if target in NOT_PROFILES:
                raise UsageError(f"{shown(path)}: extends '{parent}', but {target} is not a profile")
            raise UsageError(f"{shown(path)}: extends '{parent}' but there is no {shown(folder / target)}")
        current = parent


def _check_file(raw: dict[str, Any], version: str, path: Path, components: dict[str, Component]) -> None:
    """What the models cannot see: the version matches the file name, components are catalogued."""
    where = shown(path)
    stated = raw.get("version")
    if stated is not None and stated != version:
        raise UsageError(f"{where}: version '{stated}' does not match the file name (expected '{version}')")
    rules = raw.get("components") or {}
    both = [name for name in rules.get("require") or [] if name in (rules.get("forbid") or [])]
    if both:
        raise UsageError(f"{where}: components.require and components.forbid both name '{both[0]}'")
    for key in ("require", "forbid"):
        for name in rules.get(key) or []:
            if name not in components:
                raise UsageError(
                    f"{where}: components.{key} names '{name}', which "
                    f"{shown(path.parent / COMPONENTS_FILE)} does not define "
                    f"(known: {', '.join(sorted(components))})"
                )
