"""Finding and reading the files of a profiles folder, with one-line errors naming the file."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ukic import paths
from ukic.errors import UsageError
from ukic.yamlio import read_user_file

COMPONENTS_FILE = "components.yaml"
CLUSTER_TYPES_FILE = "cluster-types.yaml"
#: Files in a profiles folder that are not infrastructure versions.
NOT_PROFILES = frozenset({COMPONENTS_FILE, CLUSTER_TYPES_FILE})


def profiles_folder(directory: Path | None) -> Path:
    """The folder to read: the given one (which must exist) or the bundled profiles."""
    folder = paths.profiles_dir() if directory is None else Path(directory)
    if not folder.is_dir():
        raise UsageError(f"profiles folder {shown(folder)} does not exist")
    return folder


def shown(path: Path) -> str:
    """A path as the user should read it: relative to the working directory where it lies below it."""
    if path.is_absolute():
        try:
            return str(path.resolve().relative_to(Path.cwd().resolve()))
        except ValueError:
            return str(path)
    return str(path)


def version_sort_key(version: str) -> tuple[Any, ...]:
    """Natural order, so v10 follows v9."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", version))


def profile_versions(folder: Path) -> list[str]:
    """Every infrastructure version in the folder: each *.yaml file that is not a catalogue."""
    names = (p.name for p in folder.glob("*.yaml") if p.is_file())
    return sorted((n[: -len(".yaml")] for n in names if n not in NOT_PROFILES), key=version_sort_key)


def read_mapping(path: Path) -> dict[str, Any]:
    """Parse a YAML file whose top level must be a mapping."""
    data = read_user_file(path, shown(path))
    if data is None:
        raise UsageError(f"{shown(path)}: the file is empty")
    if not isinstance(data, dict):
        raise UsageError(f"{shown(path)}: expected a mapping of keys at the top level, got {_kind(data)}")
    return data


def _kind(value: Any) -> str:
    return {list: "a list", str: "a string", int: "a number", float: "a number", bool: "a boolean"}.get(
        type(value), type(value).__name__
    )
