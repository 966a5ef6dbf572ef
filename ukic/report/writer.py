"""Write every report of a run into reports/<cluster>/<UTC timestamp>/, all or nothing.

The files are built in a hidden temporary sibling folder (``.tmp-*``), flushed to disk, and
the folder is then renamed to its final name in one step: a reader (the ledger, a CI
artefact upload) sees either the complete report or none. Readers listing a cluster's
runs should ignore names starting with a dot.
"""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from ukic.redact import file_text
from ukic.report.cucumber import render_cucumber
from ukic.report.html_report import render_html
from ukic.report.junit import render_junit
from ukic.report.markdown import render_markdown
from ukic.report.summary_json import render_summary_json
from ukic.result import RunResult
from ukic.staging import staging_folder

#: File name -> renderer, in writing order.
RENDERERS: dict[str, Callable[[RunResult], str]] = {
    "summary.json": render_summary_json,
    "junit.xml": render_junit,
    "cucumber.json": render_cucumber,
    "summary.md": render_markdown,
    "report.html": render_html,
}

TEMP_PREFIX = ".tmp-"
_MAX_SAME_SECOND = 1000


def cluster_folder_name(cluster: str) -> str:
    """A cluster name made safe as one folder name (no separators, no leading dot)."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", cluster).lstrip(".")
    return safe or "unnamed"


def run_folder_name(started_at: str) -> str:
    """``2026-11-26T20:15:00.123+00:00`` -> ``2026-11-26T201500Z`` (the run's start, in UTC)."""
    try:
        moment = datetime.fromisoformat(started_at)
    except (TypeError, ValueError):
        moment = datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H%M%SZ")


def write_report_dir(result: RunResult, root: Path) -> Path:
    """Write summary.json, junit.xml, cucumber.json, summary.md and report.html; return the folder."""
    cluster_dir = Path(root) / cluster_folder_name(result.cluster)
    cluster_dir.mkdir(parents=True, exist_ok=True)
    base = run_folder_name(result.started_at)
    with staging_folder(cluster_dir, f"{TEMP_PREFIX}{base}-") as temp:
        for name, render in RENDERERS.items():
            _write_synced(temp / name, file_text(render(result)))
        _fsync_dir(temp)
        final = _rename_to_free_name(temp, cluster_dir, base)
    _fsync_dir(cluster_dir)
    return final


def _write_synced(path: Path, text: str) -> None:
    with open(path, "wb") as handle:
        handle.write(text.encode("utf-8"))
        handle.flush()
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _rename_to_free_name(temp: Path, cluster_dir: Path, base: str) -> Path:
    """Rename ``temp`` to ``base``, or ``base-2``, ``base-3`` ... when a run already took the name.

    rename(2) refuses to replace a non-empty folder, and a finished report is never empty,
    so two writers racing for one name cannot overwrite each other: the loser moves on.
    """
    for attempt in range(1, _MAX_SAME_SECOND + 1):
        final = cluster_dir / (base if attempt == 1 else f"{base}-{attempt}")
        if final.exists():
            continue
        try:
            os.rename(temp, final)
        except OSError as err:
            if err.errno in (errno.EEXIST, errno.ENOTEMPTY, errno.EISDIR):
                continue
            raise
        return final
    raise FileExistsError(f"{cluster_dir}: more than {_MAX_SAME_SECOND} report folders named {base}*")
