"""The ledger (reports/ledger.json): per cluster the last run, the last date it was verified
conformant (and how much that run covered), the last fully verified date, when each scenario
last passed, and a bounded history.

Every change is read-modify-write under a file lock (``ledger.json.lock`` beside it) and
lands with an atomic replace of a fsynced temporary file, so concurrent audits and an
interrupted one never leave a torn file nor drop a finished cluster's entry.

Layout::

    {"format": "ukic-ledger/1", "updated_at": "...",
     "clusters": {"place10": {"last_run": {...}, "last_verified": "2026-05-01",
                              "last_verified_at": "2026-05-01T10:00:03Z", "last_verified_checked": ["api"],
                              "last_fully_verified": "2026-04-20", "last_fully_verified_at": "...",
                              "scenarios": {"<scenario id>": {"last_passed": "2026-05-01", ...}},
                              "history": [...]}}}

A run entry holds time, version, type, counts, verdict, exit code, report folder, profile
digest, source kind, the families of checks it evaluated (``checked``: api, nodes, routers;
see ukic.coverage) and (last run only) the facts the manual's table shows: control-plane
node names and whether ArgoCD and Rook are present. ``null`` facts mean "not known".
A conformant run moves ``last_verified``; only one that also checked nodes and routers moves
``last_fully_verified``.
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ukic import coverage
from ukic.errors import UsageError
from ukic.redact import file_text
from ukic.result import RunResult
from ukic.timestamps import format_rfc3339, parse_rfc3339
from ukic.yamlio import ParseError, load_text

FORMAT = "ukic-ledger/1"
LEDGER_FILE = "ledger.json"
HISTORY_LIMIT = 50
LOCK_TIMEOUT = 60.0
_LOCK_POLL = 0.05  # seconds between two tries for a lock another ukic holds


# -- reading and writing ----------------------------------------------------------------------
def ledger_path(report_dir: str | Path) -> Path:
    return Path(report_dir) / LEDGER_FILE


def empty_ledger() -> dict[str, Any]:
    return {"format": FORMAT, "updated_at": None, "clusters": {}}


def load_ledger(path: str | Path) -> dict[str, Any]:
    """The ledger, or an empty one when the file does not exist yet."""
    file = Path(path)
    try:
        text = file.read_bytes()
    except FileNotFoundError:
        return empty_ledger()
    except OSError as exc:
        raise UsageError(f"{file}: cannot read ({exc.strerror})") from None
    try:
        data = load_text(text, str(file))
    except ParseError as exc:
        raise UsageError(f"{exc}; not touching it (move it aside to start a new ledger)") from None
    if not (isinstance(data, dict) and data.get("format") == FORMAT and isinstance(data.get("clusters"), dict)):
        raise UsageError(f"{file}: not a ukic ledger (expected format {FORMAT!r})")
    for cluster, entry in data["clusters"].items():
        damage = _damaged(entry, f"clusters.{cluster}")
        if damage:
            raise UsageError(f"{file}: {damage}; not touching it (move it aside to start a new ledger)")
    return data


def _damaged(value: Any, where: str) -> str | None:
    """The first timestamp (``time`` or ``*_at``) that is no RFC 3339 time, or an entry that is no mapping."""
    if not isinstance(value, dict):
        return f"{where} is not a mapping"
    for key, item in value.items():
        if (key == "time" or key.endswith("_at")) and item is not None:
            try:
                _parse_time(item)
            except (TypeError, ValueError):
                return f"{where}.{key}: {str(item)[:40]!r} is not an RFC 3339 time"
        elif isinstance(item, dict) and key != "facts":
            found = _damaged(item, f"{where}.{key}")
            if found:
                return found
        elif isinstance(item, list):
            for index, element in enumerate(item):
                found = _damaged(element, f"{where}.{key}[{index}]") if isinstance(element, dict) else None
                if found:
                    return found
    return None


def record(ledger_file: str | Path, result: RunResult, report_path: str | Path | None) -> None:
    """Add one finished run to the ledger (called by `ukic verify` and by each audited cluster)."""
    entry = run_entry(result, report_path, Path(ledger_file).parent)
    entry["facts"] = dict(result.facts)
    seen = [(s.id, s.outcome.value) for s in result.scenarios]
    _add(ledger_file, result.cluster, entry, conformant=result.exit_code == 0, scenarios=seen)


def record_failure(ledger_file: str | Path, cluster: str, entry: dict[str, Any]) -> None:
    """Add a run that could not verify the cluster at all (``entry`` from :func:`failure_entry`).
    It never counts as a verification."""
    _add(ledger_file, cluster, entry, conformant=False)


def failure_entry(
    version: str,
    cluster_type: str,
    error: str,
    exit_code: int,
    when: datetime | None = None,
    verdict: str = "could not verify",
) -> dict[str, Any]:
    """The run entry of a run that could not verify its cluster at all (unreachable, unreadable; for an
    UNUSED cluster that is as declared: ``verdict`` says so)."""
    return {
        "time": format_rfc3339(when or datetime.now(UTC)),
        "version": version,
        "type": cluster_type,
        "counts": None,
        "verdict": verdict,
        "exit_code": exit_code,
        "error": error,
        "report": None,
        "digest": None,
        "source": None,
        "checked": [],
        "facts": {},
    }


def run_entry(result: RunResult, report_path: str | Path | None, ledger_dir: Path) -> dict[str, Any]:
    return {
        "time": result.finished_at,
        "version": result.profile.get("version"),
        "type": result.profile.get("type"),
        "counts": result.counts,
        "verdict": result.verdict,
        "exit_code": result.exit_code,
        "error": None,
        "report": _relative(report_path, ledger_dir),
        "digest": result.profile.get("digest"),
        "source": result.source.get("kind"),
        "checked": coverage.checked_families(result.scenarios),
        "selected": result.selected,
    }


def _add(
    ledger_file: str | Path,
    cluster: str,
    entry: dict[str, Any],
    *,
    conformant: bool,
    scenarios: Iterable[tuple[str, str]] = (),
) -> None:
    def change(ledger: dict[str, Any]) -> None:
        _merge(ledger, cluster, entry, conformant=conformant)
        _merge_scenarios(ledger["clusters"][cluster], entry["time"], scenarios)

    _update(ledger_file, change)


def merge_ledger(ledger_file: str | Path, other: Mapping[str, Any]) -> list[str]:
    """Add every run another ledger recorded (one already here is skipped); returns the clusters it had.

    The runs' report folders must already be beside ``ledger_file`` (`ukic ledger --merge` copies them)."""

    def change(ledger: dict[str, Any]) -> None:
        for name, theirs in (other.get("clusters") or {}).items():
            ours = ledger["clusters"].get(name) or {}
            known = {_run_key(e) for e in ours.get("history") or []}
            last = theirs.get("last_run")
            runs = [e for e in theirs.get("history") or [] if not last or _run_key(e) != _run_key(last)]
            for entry in [*runs, *([last] if last else [])]:  # the last run last: it alone carries facts
                if _run_key(entry) not in known:
                    _merge(ledger, name, dict(entry), conformant=entry.get("verdict") == "conformant")
            cluster_entry = ledger["clusters"].get(name)
            for scenario_id, seen in (theirs.get("scenarios") or {}).items():
                if cluster_entry is not None and seen.get("last_seen_at"):
                    _merge_scenarios(cluster_entry, seen["last_seen_at"], [(scenario_id, seen.get("last_outcome"))])
                if cluster_entry is not None and seen.get("last_passed_at"):
                    _merge_scenarios(cluster_entry, seen["last_passed_at"], [(scenario_id, "passed")])

    _update(ledger_file, change)
    return sorted(other.get("clusters") or {})


def _run_key(entry: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(entry.get(k) for k in ("time", "verdict", "digest", "report", "error"))


def _update(ledger_file: str | Path, change: Callable[[dict[str, Any]], None]) -> None:
    """Read, change and write the ledger under its lock (the old file stays whole if writing fails)."""
    path = Path(ledger_file)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with _locked(Path(f"{path}.lock"), LOCK_TIMEOUT):
            ledger = load_ledger(path)
            change(ledger)
            ledger["updated_at"] = format_rfc3339(datetime.now(UTC))
            atomic_write_text(path, json.dumps(ledger, indent=2, sort_keys=False) + "\n")
    except _StillLocked:
        raise UsageError(f"{path}: still locked by another ukic after {LOCK_TIMEOUT:.0f} s") from None
    except OSError as exc:  # disk full, read-only: the old ledger stays as it was (atomic_write_text)
        raise UsageError(f"{path}: cannot update the ledger ({exc.strerror or exc}); it was left as it was") from None


class _StillLocked(Exception):
    pass


@contextmanager
def _locked(lock_file: Path, timeout: float) -> Iterator[None]:
    """Hold the exclusive lock on ``lock_file`` (flock, as every ukic process asks for it), waiting at most
    ``timeout`` seconds for it. The kernel drops the lock when the file is closed, also when a process dies;
    the file itself stays (removing it would let two processes lock two different files)."""
    fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise _StillLocked from None
                time.sleep(_LOCK_POLL)
        yield
    finally:
        os.close(fd)


def _merge(ledger: dict[str, Any], cluster: str, entry: dict[str, Any], *, conformant: bool) -> None:
    """Put the entry into the cluster's history (ordered by time) and refresh the summary fields."""
    cluster_entry = ledger["clusters"].setdefault(
        cluster,
        {
            "last_run": None,
            "last_verified": None,
            "last_verified_at": None,
            "last_verified_checked": None,
            "last_verified_source": None,
            "last_verified_selected": None,
            "last_fully_verified": None,
            "last_fully_verified_at": None,
            "history": [],
        },
    )
    history = [{k: v for k, v in old.items() if k != "facts"} for old in cluster_entry.get("history") or []]
    history.append({k: v for k, v in entry.items() if k != "facts"})
    history.sort(key=lambda e: _parse_time(e.get("time")))
    cluster_entry["history"] = history[-HISTORY_LIMIT:]
    last = cluster_entry.get("last_run")
    if last is None or _parse_time(entry["time"]) >= _parse_time(last.get("time")):
        cluster_entry["last_run"] = entry
    if not conformant:
        return
    when = _parse_time(entry["time"])
    if when >= _parse_time(cluster_entry.get("last_verified_at")):
        cluster_entry["last_verified_at"] = entry["time"]
        cluster_entry["last_verified"] = when.date().isoformat()
        cluster_entry["last_verified_checked"] = entry.get("checked")
        cluster_entry["last_verified_source"] = entry.get("source")
        cluster_entry["last_verified_selected"] = entry.get("selected")
    full = coverage.is_full(entry.get("checked"), entry.get("selected"))
    if full and when >= _parse_time(cluster_entry.get("last_fully_verified_at")):
        cluster_entry["last_fully_verified_at"] = entry["time"]
        cluster_entry["last_fully_verified"] = when.date().isoformat()


def _merge_scenarios(cluster_entry: dict[str, Any], time: str, seen: Iterable[tuple[str, str]]) -> None:
    """Per scenario id: its latest outcome and when it last passed (a run recorded late changes neither back)."""
    known = cluster_entry.setdefault("scenarios", {})
    when = _parse_time(time)
    for scenario_id, outcome in seen:
        state = known.setdefault(scenario_id, {"last_passed": None, "last_passed_at": None})
        if when >= _parse_time(state.get("last_seen_at")):
            state["last_seen_at"] = time
            state["last_outcome"] = outcome
        if outcome == "passed" and when >= _parse_time(state.get("last_passed_at")):
            state["last_passed_at"] = time
            state["last_passed"] = when.date().isoformat()


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write a file so readers see the old or the new content, never a part."""
    target = Path(path)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(file_text(text))
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    _fsync_folder(target.parent)


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# -- rendering --------------------------------------------------------------------------------
TABLE_HEADERS = (
    "Cluster",
    "Purpose/Setup",
    "Maintainer",
    "Master(s)",
    "argo",
    "rook",
    "v4 proxy",
    "last verified",
)


def table_rows(
    ledger: Mapping[str, Any], inventory: Any = None, ledger_dir: Path | None = None
) -> list[dict[str, Any]]:
    """One row per cluster: inventory order first (when given), then clusters known only to the ledger.

    ``ledger_dir`` (the ledger's folder) turns the last run's report folder into the path of its report.html.
    """
    known = ledger.get("clusters", {})
    entries = list(inventory.clusters) if inventory is not None else []
    extra = sorted(n for n in known if inventory is None or inventory.get(n) is None)
    names = [c.name for c in entries] + extra
    rows = []
    for name in names:
        cluster = inventory.get(name) if inventory is not None else None
        state = known.get(name) or {}
        last = state.get("last_run") or {}
        facts = last.get("facts") or {}
        rows.append(
            {
                "cluster": name,
                "purpose": cluster.purpose if cluster else None,
                "setup": cluster.setup if cluster else None,
                "unused": cluster.unused if cluster else None,
                "maintainer": cluster.maintainer if cluster else None,
                "masters": facts.get("masters"),
                "argo": facts.get("argo"),
                "rook": facts.get("rook"),
                "v4_proxy": cluster.v4_proxy if cluster else None,
                "last_verified": state.get("last_verified"),
                "last_verified_checked": state.get("last_verified_checked"),
                "last_verified_source": state.get("last_verified_source"),
                "last_verified_selected": state.get("last_verified_selected"),
                "last_fully_verified": state.get("last_fully_verified"),
                "last_run": last.get("time"),
                "last_run_checked": last.get("checked"),
                "last_verdict": last.get("verdict"),
                "declared_version": cluster.version if cluster else last.get("version"),
                "report": _report_page(last.get("report"), ledger_dir),
                "scenarios": {
                    scenario: {"last_passed": seen.get("last_passed"), "last_outcome": seen.get("last_outcome")}
                    for scenario, seen in sorted((state.get("scenarios") or {}).items())
                },
            }
        )
    return rows


def render_markdown(rows: Iterable[Mapping[str, Any]]) -> str:
    """The manual's cluster table; facts not known are shown as ``?``, never as a guess."""
    from ukic.report.markdown import markdown_text

    lines = ["| " + " | ".join(TABLE_HEADERS) + " |", "|" + "|".join("---" for _ in TABLE_HEADERS) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(markdown_text(c) for c in table_cells(row)) + " |")
    return "\n".join(lines) + "\n"


def table_cells(row: Mapping[str, Any]) -> list[str]:
    """The texts of one row of the manual's table, in TABLE_HEADERS order (Markdown and `ukic serve` alike)."""
    purpose = " ".join(str(row[k]) for k in ("purpose", "setup") if row.get(k))
    if row.get("unused"):
        purpose += " (UNUSED)"
    masters = row.get("masters")
    return [
        row["cluster"],
        purpose,
        row.get("maintainer") or "",
        "?" if masters is None else " ".join(masters),
        _mark(row.get("argo")),
        _mark(row.get("rook")),
        _mark(row.get("v4_proxy")),
        verified_cell(row),
    ]


def verified_cell(row: Mapping[str, Any]) -> str:
    """The date of the last conformant run with what it covered: `2026-11-30`, `2026-11-30 (API only)`."""
    date = row.get("last_verified")
    if not date:
        return "never"
    covered = coverage.label(
        row.get("last_verified_checked"), row.get("last_verified_source"), row.get("last_verified_selected")
    )
    return f"{date} {covered}" if covered else str(date)


def _report_page(report: str | None, ledger_dir: Path | None) -> str | None:
    if not report:
        return None
    return str((ledger_dir or Path()) / report / "report.html")


def _mark(value: bool | None) -> str:
    return "?" if value is None else ("x" if value else "")


def _parse_time(stamp: str | None) -> datetime:
    if not stamp:
        return datetime.min.replace(tzinfo=UTC)
    if not isinstance(stamp, str):
        raise TypeError(f"not a time: {stamp!r}")
    parsed = parse_rfc3339(stamp)
    if parsed is None:
        raise ValueError(f"not an RFC 3339 time: {stamp!r}")
    return parsed


def _relative(report_path: str | Path | None, ledger_dir: Path) -> str | None:
    """The report folder relative to the ledger's folder when it lies below it (moves with it)."""
    if report_path is None:
        return None
    report = Path(report_path)
    try:
        return report.resolve().relative_to(ledger_dir.resolve()).as_posix()
    except ValueError:
        return str(report)
