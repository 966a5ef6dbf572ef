"""Waivers: waived is never passed, expiry is judged by a fixed clock, unused waivers are reported."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from ukic.errors import UsageError
from ukic.outcome import Outcome
from ukic.result import RunResult, ScenarioResult
from ukic.waivers import Waiver, apply_waivers, load_waivers, waivers_for_unknown_clusters

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "waivers.yaml"
CLOCK = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)
MONS = "storage.mon-count"


def scenario(scenario_id: str, name: str, outcome: Outcome, reason: str = "") -> ScenarioResult:
    feature = scenario_id.split(".")[0]
    return ScenarioResult(
        id=scenario_id,
        feature=feature.title(),
        feature_file=f"{feature}.feature",
        name=name,
        line=3,
        tags=[],
        outcome=outcome,
        reason=reason or outcome.value,
        duration=0.01,
    )


def run(cluster: str = "place10") -> RunResult:
    return RunResult(
        cluster=cluster,
        source={"kind": "snapshot", "location": "x"},
        profile={"version": "v5", "type": "production", "digest": "sha256:00"},
        harness_version="0",
        started_at="2026-06-30T12:00:00Z",
        finished_at="2026-06-30T12:00:01Z",
        duration=1.0,
        scenarios=[
            scenario(MONS, "The Ceph cluster runs the type's number of monitors", Outcome.FAILED,
                     "CephCluster rook-ceph/rook-ceph: mon.count 3, production needs 5"),
            scenario("topology.recommended-size", "The recommended node counts are met", Outcome.WARNING,
                     "6 nodes, 8 recommended"),
            scenario("bgp.pools-without-overlay", "IP pools are IPv6 without overlay", Outcome.FAILED,
                     "IPPool default: vxlanMode Always"),
            scenario("ipv6.node-addresses", "Nodes have IPv6 addresses", Outcome.PASSED),
            scenario("storage.ceph-up", "CephCluster reports its health", Outcome.UNVERIFIABLE,
                     "cephclusters not captured"),
        ],
    )  # fmt: skip


def waiver(scenario_ref: str, expires: date, cluster: str = "place10", ticket: str = "OPS-1") -> Waiver:
    return Waiver(cluster=cluster, scenario=scenario_ref, justification="mon 5 being replaced",
                  expires=expires, ticket=ticket)  # fmt: skip


def by_id(result: RunResult) -> dict[str, ScenarioResult]:
    return {s.id: s for s in result.scenarios}


def test_unexpired_waiver_turns_a_failure_into_waived_not_passed() -> None:
    result = run()
    apply_waivers(result, [waiver(MONS, date(2026, 7, 1))], CLOCK)
    mons = by_id(result)[MONS]
    assert mons.outcome is Outcome.WAIVED
    assert mons.waiver == {"ticket": "OPS-1", "justification": "mon 5 being replaced", "expires": "2026-07-01"}
    assert "mon.count 3" in mons.reason  # the reason is kept
    assert result.counts["waived"] == 1
    assert result.counts["passed"] == 1  # waived never counts as passed
    assert result.exit_code == 1  # the unwaived bgp failure still fails the run


def test_waiving_every_failure_lets_the_run_pass_but_reports_waived() -> None:
    result = run()
    result.scenarios = [s for s in result.scenarios if s.outcome is not Outcome.UNVERIFIABLE]
    waivers = [
        waiver(MONS, date(2026, 7, 1)),
        waiver("IP pools are IPv6 without overlay", date(2026, 7, 1), ticket="NET-2"),
    ]
    apply_waivers(result, waivers, CLOCK)
    assert result.exit_code == 0
    assert result.counts["waived"] == 2
    assert by_id(result)["bgp.pools-without-overlay"].waiver["ticket"] == "NET-2"  # matched by its title
    assert result.notes == [
        "waiver NET-2 (cluster place10, scenario 'IP pools are IPv6 without overlay') names the scenario by its "
        "title; write its id instead: scenario: bgp.pools-without-overlay"
    ]


def test_a_waiver_naming_feature_and_title_still_matches_and_names_the_id_to_use() -> None:
    result = run()
    apply_waivers(
        result, [waiver("storage::The Ceph cluster runs the type's number of monitors", date(2026, 7, 1))], CLOCK
    )
    assert by_id(result)[MONS].outcome is Outcome.WAIVED
    assert any("write its id instead: scenario: storage.mon-count" in note for note in result.notes)


def test_waiver_covers_its_expiry_day_and_ends_after_it() -> None:
    last_day = run()
    apply_waivers(last_day, [waiver(MONS, CLOCK.date())], CLOCK)
    assert by_id(last_day)[MONS].outcome is Outcome.WAIVED
    expired = run()
    apply_waivers(expired, [waiver(MONS, CLOCK.date())], CLOCK + timedelta(days=1))
    mons = by_id(expired)[MONS]
    assert mons.outcome is Outcome.FAILED
    assert mons.waiver is None
    assert mons.reason.endswith("(waiver OPS-1 expired on 2026-06-30)")
    assert expired.exit_code == 1


def test_expiry_is_judged_in_utc() -> None:
    # 2026-07-01 01:00 in UTC+02:00 is still 2026-06-30 in UTC: the waiver holds.
    local = datetime(2026, 7, 1, 1, 0, tzinfo=timezone(timedelta(hours=2)))
    result = run()
    apply_waivers(result, [waiver(MONS, date(2026, 6, 30))], local)
    assert by_id(result)[MONS].outcome is Outcome.WAIVED


def test_unexpired_waiver_wins_over_an_expired_one() -> None:
    result = run()
    apply_waivers(result, [waiver(MONS, date(2026, 1, 1), ticket="OLD"), waiver(MONS, date(2026, 12, 1))], CLOCK)
    assert by_id(result)[MONS].waiver["ticket"] == "OPS-1"


def test_warning_can_be_waived_but_unverifiable_cannot() -> None:
    result = run()
    waivers = [
        waiver("topology.recommended-size", date(2026, 7, 1), ticket="HW-3"),
        waiver("storage.ceph-up", date(2026, 7, 1), ticket="CEPH-4"),
    ]
    apply_waivers(result, waivers, CLOCK)
    assert by_id(result)["topology.recommended-size"].outcome is Outcome.WAIVED
    assert by_id(result)["storage.ceph-up"].outcome is Outcome.UNVERIFIABLE
    assert any("CEPH-4" in n and "did not fail" in n for n in result.notes)


def test_waiver_matching_nothing_is_reported_and_other_clusters_are_ignored() -> None:
    result = run()
    waivers = [
        waiver("storage::No such scenario", date(2026, 7, 1), ticket="STALE-1"),
        waiver(MONS, date(2026, 7, 1), cluster="place7", ticket="P7-1"),
        waiver("ipv6.node-addresses", date(2026, 7, 1), ticket="FIXED-1"),
    ]
    apply_waivers(result, waivers, CLOCK)
    assert by_id(result)[MONS].outcome is Outcome.FAILED  # place7's waiver does not apply to place10
    assert result.notes == [
        "waiver STALE-1 (cluster place10, scenario 'storage::No such scenario') matches no scenario of this run",
        "waiver FIXED-1 (cluster place10, scenario 'ipv6.node-addresses') is not needed: the scenario did not fail",
    ]
    assert waivers_for_unknown_clusters(waivers, ["place10"]) == [
        f"waiver P7-1 (cluster place7, scenario {MONS!r}) names a cluster that is not in the inventory"
    ]


def test_load_waivers_reads_the_documented_format(tmp_path: Path) -> None:
    path = tmp_path / "waivers.yaml"
    path.write_text(
        "waivers:\n"
        "  - cluster: place10\n"
        f'    scenario: "{MONS}"\n'
        "    justification: mon 5 being replaced\n"
        "    expires: 2026-07-01\n"
        "    ticket: OPS-1\n",
        encoding="utf-8",
    )
    assert load_waivers(path) == [waiver(MONS, date(2026, 7, 1))]


def test_example_waivers_file_is_valid() -> None:
    assert load_waivers(EXAMPLE)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("waivers:\n  - cluster: p\n    scenario: s\n    justification: j\n    expires: soon\n    ticket: T-1\n",
         "waiver #1 (T-1): expires: Input should be a valid date"),
        ("waivers:\n  - cluster: p\n    scenario: s\n    expires: 2026-01-01\n    ticket: T-1\n",
         "waiver #1 (T-1): missing key 'justification'"),
        ("waivers:\n  - cluster: p\n    scenario: s\n    justification: j\n    expires: 2026-01-01\n    ticket: T\n"
         "    owner: me\n", "waiver #1 (T): unknown key 'owner'"),
        ("waivers:\n  - just text\n", "waiver #1: expected a mapping"),
        ("waivers: {cluster: p}\n", "expected a top-level key 'waivers' holding a list"),
        ("waivers: [\n", "not valid YAML"),
    ],
)  # fmt: skip
def test_malformed_waiver_file_is_one_usage_error_naming_file_and_field(
    tmp_path: Path, body: str, expected: str
) -> None:
    path = tmp_path / "waivers.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(UsageError, match=re.escape(expected)) as caught:
        load_waivers(path)
    assert caught.value.message.startswith(str(path))
    assert caught.value.exit_code == 4
