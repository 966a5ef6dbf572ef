"""Hand-built RunResults for tests of what reads runs back (ledger, diff)."""

from __future__ import annotations

from typing import Any

from ukic.outcome import Outcome
from ukic.result import RunResult, ScenarioResult


def make_run(
    cluster: str,
    outcomes: dict[str, Outcome],
    *,
    started: str,
    finished: str,
    version: str = "v5",
    facts: dict[str, Any] | None = None,
    tags: dict[str, list[str]] | None = None,
) -> RunResult:
    """A run whose scenarios are named by the keys (ids `area.<name>`), each with its outcome (and ``tags``)."""
    tags = tags or {}
    return RunResult(
        cluster=cluster,
        source={"kind": "snapshot", "location": f"/samples/{cluster}"},
        profile={"version": version, "type": "production", "digest": "sha256:abc123", "chain": ["v1", version]},
        harness_version="0.1.0",
        started_at=started,
        finished_at=finished,
        duration=1.0,
        scenarios=[
            ScenarioResult(
                id=f"area.{name}", feature="Area", feature_file="area.feature", name=name, line=line,
                tags=tags.get(name, []), outcome=outcome, reason=f"{name} is {outcome.value}", duration=0.1,
            )
            for line, (name, outcome) in enumerate(outcomes.items(), 1)
        ],
        facts=facts or {},
    )  # fmt: skip
