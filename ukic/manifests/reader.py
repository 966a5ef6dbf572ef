"""Find the YAML files of a configuration repository and split them into Kubernetes objects and notes."""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ukic.errors import SourceError, UsageError
from ukic.yamlio import ParseError, load_all_text

MANIFEST_SUFFIXES = (".yaml", ".yml")
MAX_MANIFEST = 64 << 20  # bytes of one manifest file; anything bigger is no hand-kept configuration
SKIPPED_DIRS = frozenset({".git"})
TEMPLATE_MARK = "{{"


@dataclass(frozen=True)
class Document:
    """One Kubernetes object as written in the repository, with where it was written."""

    origin: str  # "<file relative to the root>#<document number>", list items "...#2.items[0]"
    body: dict[str, Any]

    @property
    def file(self) -> str:
        return self.origin.split("#", 1)[0]


@dataclass
class Reading:
    """What a folder holds: objects, and one note per file or document that is not an object."""

    documents: list[Document] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    files: int = 0


def is_manifest_file(name: str) -> bool:
    """True for the file names the repository reader parses."""
    return name.endswith(MANIFEST_SUFFIXES)


def manifest_files(root: Path) -> list[str]:
    """Relative POSIX paths of every YAML file under root, sorted, never descending into .git."""
    found: list[str] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
        rel = Path(folder).relative_to(root)
        found.extend((rel / name).as_posix() for name in files if is_manifest_file(name))
    return sorted(found)


def read_folder(root: Path) -> Reading:
    """Parse every manifest file under root; a YAML syntax error ends the reading (SourceError)."""
    if not root.is_dir():
        raise UsageError(f"manifests {root}: no such folder")
    reading = Reading()
    files = manifest_files(root)
    charts = _chart_folders(files)
    for rel in files:
        reading.files += 1
        chart = _chart_of(rel, charts)
        if chart is not None:
            reading.ignored.append(f"{rel}: part of the Helm chart in {chart or '.'}/ (charts are not rendered)")
            continue
        _read_file(root, rel, reading)
    return reading


def _read_file(root: Path, rel: str, reading: Reading) -> None:
    path = root / rel
    try:
        if path.is_symlink() and not path.resolve().is_relative_to(root.resolve()):
            reading.ignored.append(f"{rel}: a symlink leading outside the repository, not read")
            return
        info = path.stat()  # before opening: a FIFO would block the open, a device would never end
        if not stat.S_ISREG(info.st_mode):
            raise SourceError(f"manifests {rel}: not a regular file")
        if info.st_size > MAX_MANIFEST:
            raise SourceError(f"manifests {rel}: {info.st_size >> 20} MiB, larger than a manifest may be")
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise SourceError(f"manifests {rel}: not UTF-8 text") from None
    except OSError as exc:
        raise SourceError(f"manifests {rel}: {exc.strerror or exc}") from None
    templated = TEMPLATE_MARK in text
    try:
        docs = list(load_all_text(text, rel))
    except ParseError as exc:
        if templated:
            reading.ignored.append(f"{rel}: Helm template (contains '{{{{'), not rendered")
            return
        raise SourceError(f"manifests {exc}") from None
    if templated and any(_templated_identity(doc) for doc in docs):
        reading.ignored.append(f"{rel}: Helm template (contains '{{{{'), not rendered")
        return
    objects: list[Document] = []
    for number, doc in enumerate(docs, start=1):
        if doc is None:
            continue  # an empty document between separators
        where = f"{rel}#{number}"
        problem = _not_an_object(doc)
        if problem:
            reading.ignored.append(f"{rel}: document {number} {problem}")
            continue
        objects.extend(_expand(where, doc, reading))
    reading.documents.extend(objects)


def _not_an_object(doc: Any) -> str | None:
    if not isinstance(doc, dict):
        return f"is a {type(doc).__name__}, not a Kubernetes object"
    if "kind" not in doc:
        return "has no kind"
    if not isinstance(doc["kind"], str) or not doc["kind"]:
        return "has an empty or non-text kind"
    if not isinstance(doc.get("apiVersion"), str) or not doc["apiVersion"]:
        return f"(kind {doc['kind']}) has no apiVersion"
    return None


def _expand(where: str, doc: dict[str, Any], reading: Reading) -> list[Document]:
    """A List (or <Kind>List) becomes its items; anything else is one object."""
    items = doc.get("items")
    if not (doc["kind"] == "List" or doc["kind"].endswith("List")) or not isinstance(items, list):
        return [Document(where, doc)]
    found: list[Document] = []
    for index, item in enumerate(items):
        problem = _not_an_object(item)
        if problem:
            reading.ignored.append(f"{where.split('#')[0]}: {doc['kind']} item {index} {problem}")
            continue
        found.append(Document(f"{where}.items[{index}]", item))
    return found


def _templated_identity(doc: Any) -> bool:
    """A document whose apiVersion, kind or metadata holds a template expression is a template."""
    if not isinstance(doc, dict):
        return False
    identity = [doc.get("apiVersion"), doc.get("kind"), doc.get("metadata")]
    return TEMPLATE_MARK in json.dumps(identity, default=str)


def _chart_folders(files: list[str]) -> list[str]:
    """Relative folders holding a Chart.yaml (Helm charts kept in the repository)."""
    return sorted({Path(rel).parent.as_posix() for rel in files if Path(rel).name == "Chart.yaml"})


def _chart_of(rel: str, charts: list[str]) -> str | None:
    """The chart folder a file belongs to (its Chart.yaml, values files, templates), if any."""
    for chart in charts:
        prefix = "" if chart == "." else f"{chart}/"
        if rel.startswith(prefix):
            return chart if chart != "." else ""
    return None
