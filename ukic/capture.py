"""Write a snapshot of a cluster in the format the snapshot source reads (see DESIGN.md).

One kubectl ``List`` per catalogued resource, ``<plural>[.<group>].json`` as `kubectl get -A -o json`
lays it out (the layout ukic.jsonlist reads fastest), items carrying
``apiVersion``/``kind``; a resource the server does not serve is an empty List (none
exist); one that cannot be read (forbidden) gets no file, so it reads as "not captured".
``cluster.yaml`` records name, capture time, server version and context, never credentials.
Secrets are metadata only. The snapshot appears under its final name whole or not at all.
"""

from __future__ import annotations

import os
import tarfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ukic.errors import SourceError, UsageError
from ukic.jsonlist import kubectl_json
from ukic.redact import strip_secret_payload
from ukic.resources import BY_KEY, CATALOG
from ukic.sources.base import Obj, ResourceUnavailable, Source
from ukic.staging import staging_folder
from ukic.yamlio import dump

ARCHIVE_SUFFIXES = (".tar.gz", ".tgz")


@dataclass
class CaptureSummary:
    """What a capture wrote."""

    path: Path
    resources: int = 0
    objects: int = 0
    not_captured: dict[str, str] = field(default_factory=dict)  # key -> reason


def is_archive(path: Path) -> bool:
    return path.name.endswith(ARCHIVE_SUFFIXES)


def check_output(output: Path) -> None:
    """Refuse to overwrite: the output must not exist (an empty folder is fine)."""
    if output.is_dir() and not any(output.iterdir()) and not is_archive(output):
        return
    if output.exists() or output.is_symlink():
        raise UsageError(f"capture output {output} already exists; choose a new name or remove it first")


def capture(
    source: Source,
    output: Path,
    *,
    name: str | None = None,
    warn: Callable[[str], None] = lambda line: None,
) -> CaptureSummary:
    """List every catalogued resource from ``source`` and write the snapshot to ``output``."""
    output = Path(output)
    check_output(output)
    info = source.info()
    results = source.prefetch(r.key for r in CATALOG)
    summary = CaptureSummary(path=output)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        with staging_folder(output.parent, f".{output.name}.", ".partial") as staging:
            folder = staging / _folder_name(output) if is_archive(output) else staging
            folder.mkdir(exist_ok=True)
            for key, value in results.items():
                if isinstance(value, ResourceUnavailable):
                    summary.not_captured[key] = value.reason
                    warn(f"not captured: {key}: {value.reason}")
                    continue
                _write(folder / f"{key}.json", kubectl_list([_clean(key, item) for item in value]))
                summary.resources += 1
                summary.objects += len(value)
            cluster = {
                "name": name or info.cluster_name or info.context or "cluster",
                "capturedAt": info.captured_at,
                "serverVersion": info.server_version,
                "context": info.context,
            }
            _write(folder / "cluster.yaml", cluster)
            _publish(staging, folder, output)
    except OSError as exc:  # disk full, read-only: nothing appears under the final name
        raise UsageError(f"capture output {output}: cannot write ({exc.strerror or exc}); nothing was kept") from None
    return summary


def _publish(staging: Path, folder: Path, output: Path) -> None:
    """Put what ``staging`` holds under the final name: a folder renamed, or an archive of ``folder``."""
    if is_archive(output):
        archive = staging / "snapshot.tar.gz"
        with tarfile.open(archive, "w:gz") as tar:
            tar.add(folder, arcname=folder.name)
        os.replace(archive, output)
        return
    if output.is_dir():
        output.rmdir()  # empty (check_output): rename needs the name free on every platform
    os.rename(staging, output)


def kubectl_list(items: list[Obj]) -> dict[str, Any]:
    """The document `kubectl get <resource> -A -o json` prints, members in its order."""
    return {"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}}


def _clean(key: str, item: Obj) -> Obj:
    """What kubectl shows by default: no managedFields; a Secret only as metadata."""
    if BY_KEY[key].metadata_only:
        return strip_secret_payload(item)
    if not isinstance(item, dict):
        return item  # kept as the server sent it: verifying the snapshot names the malformed item
    metadata = item.get("metadata")
    if isinstance(metadata, dict) and "managedFields" in metadata:
        item = {**item, "metadata": {k: v for k, v in metadata.items() if k != "managedFields"}}
    return item


def _folder_name(archive: Path) -> str:
    for suffix in ARCHIVE_SUFFIXES:
        if archive.name.endswith(suffix):
            return archive.name[: -len(suffix)] or "snapshot"
    return archive.name


def _write(path: Path, data: Any) -> None:
    """JSON in kubectl's layout for the resource Lists, YAML for cluster.yaml."""
    try:
        if path.suffix == ".json":
            path.write_bytes(kubectl_json(data))
            return
        text = dump(data)
    except RecursionError:
        raise SourceError(f"capture: an object of {path.stem} is nested too deeply to write") from None
    path.write_text(text, encoding="utf-8", errors="replace")
