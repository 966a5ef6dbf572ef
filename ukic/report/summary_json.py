"""summary.json: the machine-readable truth of a run, read back by the ledger and diffs."""

from __future__ import annotations

import json
from typing import Any

from ukic.report.common import json_document
from ukic.result import RunResult

SCHEMA = "ukic.summary/v1"


def summary_dict(result: RunResult) -> dict[str, Any]:
    """The run as plain data, tagged with the schema it follows."""
    return {"schema": SCHEMA, **result.to_dict()}


def render_summary_json(result: RunResult) -> str:
    """JSON, indented, scenarios in the order the run reported them."""
    return json_document(summary_dict(result))


def load_summary(text: str) -> RunResult:
    """Read a summary.json back into a RunResult (the extra computed keys are ignored)."""
    data = json.loads(text)
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        found = data.get("schema") if isinstance(data, dict) else type(data).__name__
        raise ValueError(f"not a {SCHEMA} document (schema: {found!r})")
    return RunResult.from_dict(data)
