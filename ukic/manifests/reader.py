"""Find the YAML files of a configuration repository and split them into Kubernetes objects and notes."""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ukic.errors import SourceError, UsageError
from ukic.yamlio import ParseError, load_all_text, load_text

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


@dataclass(frozen=True)
class ChartFolder:
    """A Helm chart kept in the repository: its Chart.yaml and its values.yaml (None when absent)."""

    folder: str  # relative POSIX path, "." for the root
    chart: dict[str, Any]
    values: dict[str, Any] | None

    @property
    def name(self) -> str:
        return str(self.chart.get("name") or Path(self.folder).name)

    @property
    def version(self) -> str:
        return str(self.chart.get("version") or "")


@dataclass
class Reading:
    """What a folder holds: objects, kept charts, values files, and one note per file or document that is
    not an object."""

    documents: list[Document] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    files: int = 0
    root: Path = Path(".")
    charts: dict[str, ChartFolder] = field(default_factory=dict)
    values: list[Document] = field(default_factory=list)  # documents without kind: candidate values files

    def read_yaml(self, rel: str) -> Any:
        """One YAML file of the repository by relative path (None when missing or not a single document)."""
        path = self._inside(rel)
        if path is None:
            return None
        try:
            return load_text(path.read_bytes(), rel)
        except (OSError, ParseError):
            return None

    def read_yaml_documents(self, rel: str) -> list[Any] | None:
        """Every document of one YAML file of the repository (None when missing or not YAML)."""
        path = self._inside(rel)
        if path is None:
            return None
        try:
            return [d for d in load_all_text(path.read_text(encoding="utf-8"), rel) if d is not None]
        except (OSError, UnicodeDecodeError, ParseError):
            return None

    def _inside(self, rel: str) -> Path | None:
        path = self.root / rel
        if not path.is_file() or not path.resolve().is_relative_to(self.root.resolve()):
            return None
        return path


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
    reading = Reading(root=root)
    files = manifest_files(root)
    charts = _chart_folders(files)
    for folder in charts:
        rel = f"{folder}/Chart.yaml" if folder != "." else "Chart.yaml"
        chart = reading.read_yaml(rel)
        values = reading.read_yaml(f"{folder}/values.yaml" if folder != "." else "values.yaml")
        if isinstance(chart, dict):
            reading.charts[folder] = ChartFolder(folder, chart, values if isinstance(values, dict) else None)
    in_charts: dict[str, int] = {}
    for rel in files:
        reading.files += 1
        chart = _chart_of(rel, charts)
        if chart is not None:
            if Path(rel).name not in ("Chart.yaml", "values.yaml"):
                in_charts[chart or "."] = in_charts.get(chart or ".", 0) + 1
            continue
        _read_file(root, rel, reading)
    for chart, count in sorted(in_charts.items()):
        reading.ignored.append(
            f"{chart}/: {count} template and CRD file(s) of a Helm chart, not read as manifests "
            "(the charts ukic models are rendered from their values)"
        )
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
            if isinstance(doc, dict) and "kind" not in doc:
                reading.values.append(Document(where, doc))  # maybe a chart's values file; mapping decides
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
