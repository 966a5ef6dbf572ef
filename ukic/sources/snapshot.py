"""Offline snapshot source: a folder (or .tar.gz) of `kubectl get <resource> -A -o yaml` files.

A file is named after the resource as kubectl names it (`storageclasses.storage.k8s.io.yaml`,
`storageclasses.yaml`, `sc.yaml`) and holds what kubectl wrote (see ukic.sources.kubectl_output).
File present with an empty list means "none exist"; file missing means "not captured", unless the
captured CustomResourceDefinitions show that the resource's CRD is not installed: then none exist.
An empty file is what `kubectl get <type the server lacks> > file` leaves: none exist for a custom
resource whose CRD is not known to be installed; for a built-in resource, or a custom one whose CRD
is installed, kubectl would have written a List, so the capture failed and the file proves nothing.

Bounded: a snapshot file may hold at most MAX_FILE bytes (a JSON List in kubectl's layout, read in
pieces, MAX_JSON_FILE), an archive is decompressed once,
as a stream, and at most MAX_ARCHIVE bytes and MAX_MEMBERS files of it; a decompression bomb, a truncated archive
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
from ukic.resources import BY_KEY, BY_NAME, lookup
from ukic.sources.base import Obj, ResourceUnavailable, Source, SourceInfo
from ukic.sources.kubectl_output import items_of
from ukic.yamlio import ParseError, load_documents, load_text

SUFFIXES = (".yaml", ".yml", ".json")
CLUSTER_FILE = "cluster"
CLUSTER_KEYS = {"name", "capturedAt", "serverVersion", "context"}
CRDS = "customresourcedefinitions.apiextensions.k8s.io"
MAX_FILE = 256 << 20  # bytes of one snapshot file read whole (30,000 pods as YAML are about 100 MB)
#: A JSON List laid out as kubectl writes it is read in pieces (ukic.jsonlist), in bounded memory:
#: 300,000 pods are about 3 GB. JSON in any other layout is read whole, so MAX_FILE holds for it.
MAX_JSON_FILE = 8 << 30
MAX_ARCHIVE = 512 << 20  # decompressed bytes of a whole archive
#: Members of an archive: a snapshot holds one file per resource; headers alone (512 bytes each) fill
#: MAX_ARCHIVE with a million members, which take minutes to walk through.
MAX_MEMBERS = 10_000
#: First bytes of the compressions an archive may have, and how to undo them.
_COMPRESSIONS: tuple[tuple[bytes, Callable[[BinaryIO], BinaryIO]], ...] = (
    (b"\x1f\x8b", lambda raw: gzip.GzipFile(fileobj=raw)),  # type: ignore[arg-type, return-value]
    (b"BZh", lambda raw: bz2.BZ2File(raw)),  # type: ignore[return-value]
    (b"\xfd7zXZ\x00", lambda raw: lzma.LZMAFile(raw)),  # type: ignore[return-value]  # noqa: SIM115
)


class SnapshotSource(Source):
    """Reads a snapshot folder or archive; each file is parsed at most once."""

    def __init__(self, path: str | Path, *, project: bool = True) -> None:
        """``project``: keep only the fields checks read of bulky objects (ukic.projection); off, the
        objects are plain dicts as the files hold them (the fake API serves them so)."""
        self.path = Path(path)
        self._project = project
        if not self.path.exists():
            raise UsageError(f"snapshot {self.path}: no such file or folder")
        if self.path.is_dir():
            self._files, self._open = _folder_files(self.path)
        elif self.path.is_file() and _looks_like_archive(self.path):
            self._files, self._open = _archive_files(self.path)
        else:
            raise UsageError(f"snapshot {self.path}: neither a folder nor a .tar.gz archive")
        self._cluster = self._load_cluster_file()
        self._crds: list[Obj] | None = None

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
        if key == CRDS and self._crds is not None:
            return self._crds  # already read to learn which CRDs are installed
        return self._read(key)

    def _read(self, key: str) -> list[Obj]:
        try:
            resource = lookup(key)
        except KeyError:
            raise ResourceUnavailable(key, "not a resource ukic reads") from None
        name = self._files.get(key)
        if name is None:
            if self._crd_known_absent(key):
                return []
            raise ResourceUnavailable(
                key,
                f"not captured in snapshot {self.path} (no {key}.yaml)",
                remedy=f"capture it: kubectl get {key} -A -o yaml > {self.path}/{key}.yaml (or ukic capture)",
            )
        try:
            documents = self._parse_all(name, PROJECTIONS.get(key) if self._project else None)
        except ShapeError as exc:  # one malformed object: this resource cannot be read, the others can
            raise ResourceUnavailable(key, f"snapshot file {self._where(name)}: an item is {exc}") from None
        if not documents:
            self._empty_file(key, name)
            return []
        items = items_of(documents, resource, self._where(name))
        if key == "secrets":
            items = [strip_secret_payload(item) for item in items]
        return items

    def _crd_installed(self, key: str) -> bool | None:
        """Whether the captured CRDs include the resource's own; None when CRDs were not captured."""
        if CRDS not in self._files or key == CRDS:
            return None
        if self._crds is None:
            try:
                self._crds = self._read(CRDS)
            except ResourceUnavailable:
                return None
        return any((crd.get("metadata") or {}).get("name") == key for crd in self._crds)

    def _crd_known_absent(self, key: str) -> bool:
        return not lookup(key).builtin and self._crd_installed(key) is False

    def _empty_file(self, key: str, name: str) -> None:
        """An empty file means none exist only where kubectl leaves one for a type the server lacks."""
        where = self._where(name)
        if lookup(key).builtin:
            raise ResourceUnavailable(
                key, f"{where} is empty: kubectl writes a List for a built-in type, so the capture failed"
            )
        if self._crd_installed(key):
            raise ResourceUnavailable(
                key, f"{where} is empty although CRD {key} is installed: the capture failed (forbidden or unreachable?)"
            )

    def _parse_all(self, name: str, keep: Projection | None) -> list[object]:
        return self._parse(name, keep, load_documents)  # type: ignore[return-value]

    def _where(self, name: str) -> str:
        return f"{self.path}/{name}" if self.path.is_dir() else f"{self.path}:{name}"

    def _parse(self, name: str, keep: Projection | None = None, reader: Callable[..., object] = load_text) -> object:
        """``reader`` (load_text: one document; load_documents: all of them) over the streamed file."""
        try:
            with self._open(name) as handle:  # streamed: a large file is never held whole as text
                return reader(handle, self._where(name), keep, whole_limit=MAX_FILE)
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
    """Resource key -> file; a file may be named by any name kubectl gives the resource."""
    files: dict[str, str] = {}
    for name in sorted(names):
        key = _key_of(PurePosixPath(name).name)
        if key is None:
            continue
        resource = BY_NAME.get(key)
        key = resource.key if resource is not None else key
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
        limit = MAX_JSON_FILE if name.endswith(".json") else MAX_FILE
        if info.st_size > limit:
            raise OSError(f"{name} is {info.st_size >> 20} MiB, more than a snapshot file may hold ({limit >> 20} MiB)")
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
_READ_KEYS = frozenset(BY_KEY) | frozenset(BY_NAME) | {CLUSTER_FILE}


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
                for count, member in enumerate(tar, 1):
                    if count > MAX_MEMBERS:
                        raise SourceError(
                            f"snapshot {archive}: holds more than {MAX_MEMBERS} files, more than a snapshot may hold"
                        )
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
