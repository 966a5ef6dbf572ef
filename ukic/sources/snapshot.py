"""Offline snapshot source: a folder (or .tar.gz) of `kubectl get <resource> -A -o yaml` files.

File present with an empty list means "none exist"; file missing means "not captured".
"""

from __future__ import annotations

import tarfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from ukic.errors import SourceError, UsageError
from ukic.projection import PROJECTIONS
from ukic.redact import strip_secret_payload
from ukic.sources.base import Obj, ResourceUnavailable, Source, SourceInfo
from ukic.yamlio import ParseError, load_text

SUFFIXES = (".yaml", ".yml", ".json")
CLUSTER_FILE = "cluster"
CLUSTER_KEYS = {"name", "capturedAt", "serverVersion", "context"}


class SnapshotSource(Source):
    """Reads a snapshot folder or archive; each file is parsed at most once."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not self.path.exists():
            raise UsageError(f"snapshot {self.path}: no such file or folder")
        if self.path.is_dir():
            self._files, self._open = _folder_files(self.path)
        elif tarfile.is_tarfile(self.path):
            self._files, self._open = _archive_files(self.path)
        else:
            raise UsageError(f"snapshot {self.path}: neither a folder nor a .tar.gz archive")
        self._cluster = self._load_cluster_file()

    def info(self) -> SourceInfo:
        c = self._cluster
        return SourceInfo(
            kind="snapshot",
            location=str(self.path),
            cluster_name=c.get("name"),
            captured_at=_text(c.get("capturedAt")),
            server_version=_text(c.get("serverVersion")),
            context=c.get("context"),
        )

    def list(self, key: str) -> list[Obj]:
        name = self._files.get(key)
        if name is None:
            raise ResourceUnavailable(key, f"not captured in snapshot {self.path} (no {key}.yaml)")
        doc = self._parse(name, PROJECTIONS.get(key))
        items = _items_of(doc, self._where(name))
        if key == "secrets":
            items = [strip_secret_payload(item) for item in items]
        return items

    def _where(self, name: str) -> str:
        return f"{self.path}/{name}" if self.path.is_dir() else f"{self.path}:{name}"

    def _parse(self, name: str, keep: Callable[[Obj], Obj] | None = None) -> object:
        try:
            with self._open(name) as handle:  # streamed: a large file is never held whole as text
                return load_text(handle, self._where(name), keep)
        except ParseError as exc:
            raise SourceError(f"snapshot file {exc}") from None
        except OSError as exc:
            raise SourceError(f"snapshot file {self._where(name)}: {exc.strerror or exc}") from None

    def _load_cluster_file(self) -> dict[str, object]:
        name = self._files.pop(CLUSTER_FILE, None)
        if name is None:
            return {}
        doc = self._parse(name)
        if doc is None:
            return {}
        if not isinstance(doc, dict):
            raise SourceError(f"snapshot file {self._where(name)}: expected a mapping of {sorted(CLUSTER_KEYS)}")
        unknown = sorted(set(doc) - CLUSTER_KEYS)
        if unknown:
            raise SourceError(
                f"snapshot file {self._where(name)}: unknown key {unknown[0]!r} "
                f"(allowed: {', '.join(sorted(CLUSTER_KEYS))})"
            )
        return doc


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _key_of(file_name: str) -> str | None:
    for suffix in SUFFIXES:
        if file_name.endswith(suffix):
            return file_name[: -len(suffix)]
    return None


def _index(names: list[str], where: Path) -> dict[str, str]:
    files: dict[str, str] = {}
    for name in sorted(names):
        key = _key_of(PurePosixPath(name).name)
        if key is None:
            continue
        if key in files:
            raise UsageError(f"snapshot {where}: both {files[key]} and {name} hold {key}")
        files[key] = name
    return files


Opener = Callable[[str], AbstractContextManager[BinaryIO]]


def _folder_files(folder: Path) -> tuple[dict[str, str], Opener]:
    names = [p.name for p in folder.iterdir() if p.is_file()]
    return _index(names, folder), lambda name: (folder / name).open("rb")


def _archive_files(archive: Path) -> tuple[dict[str, str], Opener]:
    """Index the archive's members; files may sit at the top or inside one top-level folder."""
    try:
        with tarfile.open(archive) as tar:
            members = [m for m in tar.getmembers() if m.isfile()]
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise SourceError(f"snapshot {archive}: unreadable archive ({exc})") from None
    by_base: dict[str, str] = {}
    for member in members:
        parts = PurePosixPath(member.name).parts
        if len(parts) == 1 or (len(parts) == 2 and parts[0] not in ("", "..")):
            by_base[member.name] = member.name
    files = _index(list(by_base), archive)

    @contextmanager
    def open_member(name: str) -> Iterator[BinaryIO]:
        with tarfile.open(archive) as tar:
            handle = tar.extractfile(name)
            if handle is None:
                raise OSError(f"{name} is not a regular file")
            with handle:
                yield handle

    return files, open_member


def _items_of(doc: object, where: str) -> list[Obj]:
    """The items of a kubectl List; anything else is a clear error naming the file."""
    if not isinstance(doc, dict) or not isinstance(doc.get("items", None), list):
        kind = doc.get("kind") if isinstance(doc, dict) else type(doc).__name__
        raise SourceError(
            f"snapshot file {where}: expected a List with 'items' (as `kubectl get -A -o yaml` writes), "
            f"found {kind or 'no kind'}"
        )
    items = doc["items"]
    bad = next((i for i, item in enumerate(items) if not isinstance(item, dict)), None)
    if bad is not None:
        raise SourceError(f"snapshot file {where}: item {bad} is not an object")
    return items
