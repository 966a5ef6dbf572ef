"""Offline snapshot source: a folder (or .tar.gz) of `kubectl get <resource> -A -o yaml` files.

File present with an empty list means "none exist"; file missing means "not captured".

Bounded: a snapshot file may hold at most MAX_FILE bytes, an archive is decompressed once,
as a stream, and at most MAX_ARCHIVE bytes of it; a decompression bomb, a truncated archive
or a file that is a device or FIFO is one line naming it (exit 2).
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import stat
import tarfile
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from ukic.errors import SourceError, UsageError
from ukic.projection import PROJECTIONS, Projection, ShapeError
from ukic.redact import strip_secret_payload
from ukic.resources import BY_KEY
from ukic.sources.base import Obj, ResourceUnavailable, Source, SourceInfo
from ukic.yamlio import ParseError, load_text

SUFFIXES = (".yaml", ".yml", ".json")
CLUSTER_FILE = "cluster"
CLUSTER_KEYS = {"name", "capturedAt", "serverVersion", "context"}
MAX_FILE = 256 << 20  # bytes of one snapshot file (30,000 pods as YAML are about 100 MB)
MAX_ARCHIVE = 512 << 20  # decompressed bytes of a whole archive
#: First bytes of the compressions an archive may have, and how to undo them.
_COMPRESSIONS: tuple[tuple[bytes, Callable[[BinaryIO], BinaryIO]], ...] = (
    (b"\x1f\x8b", lambda raw: gzip.GzipFile(fileobj=raw)),  # type: ignore[arg-type, return-value]
    (b"BZh", lambda raw: bz2.BZ2File(raw)),  # type: ignore[return-value]
    (b"\xfd7zXZ\x00", lambda raw: lzma.LZMAFile(raw)),  # type: ignore[return-value]  # noqa: SIM115
)


class SnapshotSource(Source):
    """Reads a snapshot folder or archive; each file is parsed at most once."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not self.path.exists():
            raise UsageError(f"snapshot {self.path}: no such file or folder")
        if self.path.is_dir():
            self._files, self._open = _folder_files(self.path)
        elif self.path.is_file() and _looks_like_archive(self.path):
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
            raise ResourceUnavailable(
                key,
                f"not captured in snapshot {self.path} (no {key}.yaml)",
                remedy=f"capture it: kubectl get {key} -A -o yaml > {self.path}/{key}.yaml (or ukic capture)",
            )
        try:
            doc = self._parse(name, PROJECTIONS.get(key))
        except ShapeError as exc:  # one malformed object: this resource cannot be read, the others can
            raise ResourceUnavailable(key, f"snapshot file {self._where(name)}: an item is {exc}") from None
        items = _items_of(doc, self._where(name))
        if key == "secrets":
            items = [strip_secret_payload(item) for item in items]
        return items

    def _where(self, name: str) -> str:
        return f"{self.path}/{name}" if self.path.is_dir() else f"{self.path}:{name}"

    def _parse(self, name: str, keep: Projection | None = None) -> object:
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


Opener = Callable[[str], AbstractContextManager[BinaryIO] | BinaryIO]


def _folder_files(folder: Path) -> tuple[dict[str, str], Opener]:
    names = [p.name for p in folder.iterdir() if not p.is_dir()]

    def open_file(name: str) -> BinaryIO:
        path = folder / name
        info = path.stat()  # before opening: opening a FIFO would block
        if not stat.S_ISREG(info.st_mode):
            raise OSError(f"{name} is not a regular file")
        if info.st_size > MAX_FILE:
            raise OSError(
                f"{name} is {info.st_size >> 20} MiB, more than a snapshot file may hold ({MAX_FILE >> 20} MiB)"
            )
        return path.open("rb")

    return _index(names, folder), open_file


def _looks_like_archive(path: Path) -> bool:
    with path.open("rb") as handle:
        head = handle.read(512)
    return any(head.startswith(magic) for magic, _ in _COMPRESSIONS) or head[257:262] == b"ustar"


class _Capped(io.RawIOBase):
    """A reader that refuses to hand out more than ``limit`` bytes in total."""

    def __init__(self, inner: BinaryIO, limit: int) -> None:
        self.inner = inner
        self.limit = limit
        self.count = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        want = self.limit - self.count + 1 if size is None or size < 0 else min(size, self.limit - self.count + 1)
        data = self.inner.read(want)
        self.count += len(data)
        if self.count > self.limit:
            raise _TooLarge
        return data


#: The files a snapshot source ever reads; an archive's other members are skipped, not kept.
_READ_KEYS = frozenset(BY_KEY) | {CLUSTER_FILE}


class _TooLarge(Exception):
    pass


def _archive_files(archive: Path) -> tuple[dict[str, str], Opener]:
    """Read the archive once, as a stream: every snapshot file in it (at the top or inside one
    top-level folder) is kept in memory; sizes are checked before anything is decompressed."""
    contents: dict[str, bytes] = {}
    try:
        with archive.open("rb") as raw:
            head = raw.peek(8) if hasattr(raw, "peek") else b""
            stream: BinaryIO = raw
            for magic, opener in _COMPRESSIONS:
                if head.startswith(magic):
                    stream = opener(raw)
            capped = _Capped(stream, MAX_ARCHIVE)
            with tarfile.open(fileobj=capped, mode="r|", bufsize=1 << 20) as tar:  # type: ignore[call-overload]
                for member in tar:
                    if member.size > MAX_FILE:
                        raise SourceError(
                            f"snapshot {archive}: {member.name} is {member.size >> 20} MiB, more than a snapshot "
                            f"file may hold ({MAX_FILE >> 20} MiB)"
                        )
                    parts = PurePosixPath(member.name).parts
                    top_or_one_down = len(parts) == 1 or (len(parts) == 2 and parts[0] not in ("", "..", "/"))
                    if member.isfile() and top_or_one_down and _key_of(parts[-1]) in _READ_KEYS:
                        handle = tar.extractfile(member)
                        contents[member.name] = handle.read() if handle is not None else b""
    except _TooLarge:
        raise SourceError(
            f"snapshot {archive}: unpacks to more than {MAX_ARCHIVE >> 20} MiB, more than a snapshot may hold"
        ) from None
    except (tarfile.TarError, OSError, EOFError, lzma.LZMAError, ValueError) as exc:
        raise SourceError(f"snapshot {archive}: unreadable archive ({_archive_problem(exc)})") from None
    files = _index(list(contents), archive)
    return files, lambda name: io.BytesIO(contents[name])


def _archive_problem(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    if isinstance(exc, EOFError) or "unexpected end" in text or "truncated" in text:
        return "it ends too early: truncated?"
    return text.splitlines()[0][:200]


def _items_of(doc: object, where: str) -> list[Obj]:
    """The items of a kubectl List; anything else is a clear error naming the file."""
    if not isinstance(doc, dict) or not isinstance(doc.get("items", None), list):
        kind = doc.get("kind") if isinstance(doc, dict) else type(doc).__name__
        raise SourceError(
            f"snapshot file {where}: expected a List with 'items' (as `kubectl get -A -o yaml` writes), "
            f"found {kind or 'no kind'}"
        )
    return doc["items"]  # an item that is no object is named by ukic.shapes
