"""Waivers: known deviations an operator records with a ticket and an end date.

waivers.yaml::

    waivers:
      - cluster: place10
        scenario: storage.mon-count    # the scenario's id (its @id tag)
        justification: mon 5 is being replaced, see ticket
        expires: 2026-07-01
        ticket: OPS-1234

A failed (or warning) scenario matching an unexpired waiver becomes *waived*: never
passed, and it does not fail the run. A waiver covers its ``expires`` day (UTC) and ends
after it; an expired waiver leaves the failure in place and says so in the reason. A
waiver that matches nothing, or only scenarios that did not fail, is reported in the
run's notes so stale waivers get removed. A waiver naming its scenario the way runs did before
scenarios had declared ids (``"storage::<title>"`` or the bare title) still matches, and the
notes tell the id to write instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path

from ukic.errors import UsageError
from ukic.outcome import Outcome
from ukic.result import RunResult, ScenarioResult
from ukic.validate import Model, Text, build
from ukic.yamlio import read_user_file

#: Outcomes a waiver may turn into WAIVED. Unverifiable stays unverifiable: an unknown
#: cannot be waived, only a known deviation can.
WAIVABLE = (Outcome.FAILED, Outcome.WARNING)


class Waiver(Model, kw_only=True):
    """One recorded deviation."""

    cluster: Text
    scenario: Text  # the scenario's id; older files: "<feature stem>::<title>" or the title
    justification: Text
    expires: date
    ticket: Text

    def matches(self, scenario: ScenarioResult) -> bool:
        return self.scenario == scenario.id or self.by_title(scenario)

    def by_title(self, scenario: ScenarioResult) -> bool:
        """True when the waiver names the scenario by its title, as before scenarios had declared ids."""
        return self.scenario in (scenario.title_key, scenario.name)

    def expired(self, today: date) -> bool:
        """True once the ``expires`` day is over."""
        return today > self.expires

    def record(self) -> dict[str, str]:
        """What a waived ScenarioResult carries."""
        return {
            "ticket": self.ticket,
            "justification": self.justification,
            "expires": self.expires.isoformat(),
        }

    def label(self) -> str:
        return f"waiver {self.ticket} (cluster {self.cluster}, scenario {self.scenario!r})"


def load_waivers(path: str | Path) -> list[Waiver]:
    """Read and validate a waivers file; any problem is one UsageError naming the file and field."""
    where = str(path)
    doc = read_user_file(Path(path))
    if doc is None:
        return []
    if isinstance(doc, dict) and set(doc) == {"waivers"}:
        doc = doc["waivers"] or []
    if not isinstance(doc, list):
        raise UsageError(f"{where}: expected a top-level key 'waivers' holding a list of waivers")
    waivers = []
    for index, entry in enumerate(doc):
        label = f"waiver #{index + 1}"
        if isinstance(entry, dict) and isinstance(entry.get("ticket"), str):
            label += f" ({entry['ticket']})"
        if not isinstance(entry, dict):
            raise UsageError(
                f"{where}: {label}: expected a mapping of cluster, scenario, justification, expires, ticket"
            )
        waivers.append(build(Waiver, entry, f"{where}: {label}", strict=False))
    return waivers


def apply_waivers(result: RunResult, waivers: Iterable[Waiver], now: datetime) -> None:
    """Waive the run's failures the cluster's waivers cover; note expired and unused waivers."""
    today = _utc_date(now)
    mine = [w for w in waivers if w.cluster == result.cluster]
    used: set[Waiver] = set()
    matched: set[Waiver] = set()
    for scenario in result.scenarios:
        candidates = [w for w in mine if w.matches(scenario)]
        matched.update(candidates)
        result.notes += [
            f"{w.label()} names the scenario by its title; write its id instead: scenario: {scenario.id}"
            for w in candidates
            if w.by_title(scenario)
        ]
        if not candidates or scenario.outcome not in WAIVABLE:
            continue
        active = [w for w in candidates if not w.expired(today)]
        if active:
            waiver = max(active, key=lambda w: w.expires)
            scenario.outcome = Outcome.WAIVED
            scenario.waiver = waiver.record()
            used.add(waiver)
        else:
            waiver = max(candidates, key=lambda w: w.expires)
            ended = waiver.expires.isoformat()
            scenario.reason = f"{scenario.reason} (waiver {waiver.ticket} expired on {ended})"
            used.add(waiver)
    for waiver in mine:
        if waiver not in matched:
            result.notes.append(f"{waiver.label()} matches no scenario of this run")
        elif waiver not in used:
            result.notes.append(f"{waiver.label()} is not needed: the scenario did not fail")


def waivers_for_unknown_clusters(waivers: Iterable[Waiver], clusters: Iterable[str]) -> list[str]:
    """Notes for waivers naming a cluster outside the given set (an audit's inventory)."""
    known = set(clusters)
    return [f"{w.label()} names a cluster that is not in the inventory" for w in waivers if w.cluster not in known]


def _utc_date(now: datetime) -> date:
    return (now.astimezone(UTC) if now.tzinfo else now).date()
