"""RFC 3339 times as the Kubernetes API and ukic's own files write them (`2021-11-06T21:50:00Z`)."""

from __future__ import annotations

from datetime import UTC, datetime


def parse_rfc3339(text: object) -> datetime | None:
    """The time, in UTC when it names no zone; None when absent or not such a time."""
    if not isinstance(text, str) or not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def format_rfc3339(moment: datetime) -> str:
    """The moment in UTC to the second, as the API writes it: `2021-11-06T21:50:00Z`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
