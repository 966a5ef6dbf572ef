"""The RunResult of a finished run, and writing its reports."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from ukic import __version__
from ukic.cluster_table import facts_from_state
from ukic.errors import UkicError
from ukic.redact import as_text
from ukic.result import RunResult
from ukic.run_context import UkicRun
from ukic.timestamps import format_rfc3339


def result_of(run: UkicRun, started: datetime | None, cluster: str | None = None) -> RunResult:
    """The RunResult of a finished run."""
    finished = datetime.now(UTC)
    started = started or finished
    info = run.source.info()
    selection = run.selection
    return RunResult(
        cluster=as_text(cluster or info.cluster_name or Path(info.location).name or "cluster"),
        source={
            "kind": info.kind,
            "location": info.location,
            "cluster_name": info.cluster_name,
            "captured_at": info.captured_at,
            "server_version": info.server_version,
            "context": info.context,
            **dict(info.extra),
        },
        profile={
            "version": selection.profile.version,
            "type": selection.cluster_type.name,
            "digest": selection.digest,
            "chain": list(selection.chain),
            "notes": list(selection.profile.notes),  # e.g. v5 is inferred: shown with every report
        },
        harness_version=__version__,
        started_at=format_rfc3339(started),
        finished_at=format_rfc3339(finished),
        duration=(finished - started).total_seconds(),
        scenarios=list(run.results),
        notes=list(run.source.notes),
        facts=facts_from_state(run.state, selection.components),
    )


def write_reports(result: RunResult, report_root: Path) -> Path:
    """Write every report for the run; returns the report folder."""
    from ukic.report.writer import write_report_dir

    try:
        return write_report_dir(result, report_root)
    except OSError as exc:
        raise UkicError(f"cannot write reports under {report_root}: {exc.strerror or exc}") from None
