"""Every report format renders hand-built RunResults; none shows unverifiable as passed."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from tests.browser.report_runs import HOSTILE, all_outcomes_run, realistic_run, run, scenario, step
from ukic.outcome import Outcome
from ukic.report.common import source_line
from ukic.report.cucumber import SYNTHETIC_NAME, render_cucumber
from ukic.report.html_report import render_html
from ukic.report.junit import render_junit
from ukic.report.markdown import render_markdown
from ukic.report.summary_json import SCHEMA, load_summary, render_summary_json
from ukic.report.terminal import render_terminal
from ukic.result import RunResult

# --------------------------------------------------------------------------- summary.json


def test_summary_json_carries_schema_and_round_trips() -> None:
    result = all_outcomes_run()
    text = render_summary_json(result)
    data = json.loads(text)
    assert data["schema"] == SCHEMA
    assert data["verdict"] == "not conformant" and data["exit_code"] == 1
    assert data["counts"] == {
        "failed": 1,
        "unverifiable": 2,
        "warning": 1,
        "waived": 1,
        "passed": 1,
        "not applicable": 1,
    }
    assert [s["name"] for s in data["scenarios"]] == [s.name for s in result.scenarios]
    assert text.startswith('{\n  "schema"')  # indent 2, schema first

    back = load_summary(text)
    assert back == result
    assert back.scenarios[2].steps[1].ran is False
    assert back.scenarios[5].waiver == {
        "ticket": "OPS-1234",
        "justification": "mons move to new hosts",
        "expires": "2027-01-31",
    }
    assert "ünïcødé ✓ 日本" in text  # unicode kept as written, not \\u-escaped


def test_summary_json_refuses_other_documents() -> None:
    with pytest.raises(ValueError, match=r"ukic\.summary/v1"):
        load_summary('{"schema": "something/else"}')
    with pytest.raises(ValueError, match=r"ukic\.summary/v1"):
        load_summary("[]")


# --------------------------------------------------------------------------- junit.xml


def _cases(root: ET.Element) -> dict[str, ET.Element]:
    return {case.get("name"): case for case in root.iter("testcase")}


def _property(case: ET.Element, name: str) -> str | None:
    for prop in case.iter("property"):
        if prop.get("name") == name:
            return prop.get("value")
    return None


def _outcome_property(case: ET.Element) -> str | None:
    return _property(case, "ukic.outcome")


def test_junit_parses_and_maps_every_outcome() -> None:
    result = all_outcomes_run()
    root = ET.fromstring(render_junit(result).encode("utf-8"))
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [
        "Calico BGP routing without overlay",
        "Rook-Ceph persistent storage",
    ]
    bgp, storage = suites
    assert (bgp.get("tests"), bgp.get("failures"), bgp.get("errors"), bgp.get("skipped")) == (
        "4",
        "1",
        "2",
        "0",
    )
    assert (storage.get("tests"), storage.get("failures"), storage.get("errors"), storage.get("skipped")) == (
        "3",
        "0",
        "0",
        "2",
    )
    assert root.get("tests") == "7" and root.get("errors") == "2"

    cases = _cases(root)  # test cases are named by the declared id
    by_outcome = {s.outcome: cases[s.id] for s in result.scenarios}
    for s in result.scenarios:
        case = cases[s.id]
        assert _property(case, "ukic.title") == s.name
        assert case.get("classname") == s.feature_file.removesuffix(".feature")
        assert _outcome_property(case) == s.outcome.value
        assert float(case.get("time")) == pytest.approx(s.duration, abs=0.001)

    passed = by_outcome[Outcome.PASSED]
    assert [child.tag for child in passed] == ["properties"]

    failure = by_outcome[Outcome.FAILED].find("failure")
    assert failure is not None and failure.get("type") == "failed"
    assert failure.get("message") == f"bgppeer router-a: keepOriginalNextHop is false {HOSTILE}"
    remedy = f"set keepOriginalNextHop: true in BGPPeer router-a, then calicoctl apply -f - {HOSTILE}"
    assert _property(by_outcome[Outcome.FAILED], "ukic.remedy") == remedy
    assert failure.text.endswith(f"remedy: {remedy}")

    for s in result.scenarios:
        if s.outcome is Outcome.UNVERIFIABLE:
            error = cases[s.id].find("error")
            assert error is not None and error.get("type") == "unverifiable"
            assert error.get("message") == f"unverifiable: {s.reason}"
            assert cases[s.id].find("failure") is None

    skipped = by_outcome[Outcome.NOT_APPLICABLE].find("skipped")
    assert skipped.get("type") == "not-applicable"
    assert skipped.get("message") == "a snapshot of manifests carries no runtime state"

    waived = by_outcome[Outcome.WAIVED].find("skipped")
    assert waived.get("type") == "waived"
    assert (
        waived.get("message")
        == "waived (ticket OPS-1234): cephcluster rook-ceph/rook-ceph: mon.count 3, production needs 5"
    )

    warning = by_outcome[Outcome.WARNING]
    assert warning.find("failure") is None and warning.find("error") is None and warning.find("skipped") is None
    assert warning.find("system-out").text.startswith("warning: cephcluster rook-ceph/rook-ceph reports HEALTH_WARN")


def test_junit_survives_characters_xml_cannot_carry() -> None:
    result = run([scenario("x.feature", "X", "bell \x07 and nul \x00", Outcome.FAILED, "esc \x1b[31m red")])
    root = ET.fromstring(render_junit(result))
    case = root.find("testsuite/testcase")
    assert "\x07" not in case.get("name") and "bell" in case.get("name")
    assert case.find("failure").get("message").startswith("esc ")


# --------------------------------------------------------------------------- cucumber.json


def _elements(features: list[dict]) -> dict[str, dict]:
    return {el["name"]: el for feature in features for el in feature["elements"]}


def test_cucumber_json_structure() -> None:
    features = json.loads(render_cucumber(all_outcomes_run()))
    assert [f["uri"] for f in features] == ["bgp.feature", "storage.feature"]
    bgp = features[0]
    assert bgp["keyword"] == "Feature" and bgp["name"] == "Calico BGP routing without overlay"
    assert bgp["description"].startswith("Calico peers")
    for feature in features:
        ids = [el["id"] for el in feature["elements"]]
        assert len(ids) == len(set(ids))
        for el in feature["elements"]:
            assert el["keyword"] == "Scenario" and el["type"] == "scenario"
            assert isinstance(el["line"], int)
            assert all(tag["name"].startswith("@") and isinstance(tag["line"], int) for tag in el["tags"])
            for st in el["steps"]:
                assert st["keyword"].endswith(" ") and isinstance(st["line"], int)
                assert isinstance(st["result"]["duration"], int) and st["result"]["duration"] >= 0
                assert st["result"]["status"] in {"passed", "failed", "skipped", "pending", "undefined"}
    mesh = _elements(features)["Nodes form a full BGP mesh"]
    assert mesh["tags"] == [{"name": "@bgp", "line": 12}, {"name": "@v1", "line": 12}]
    assert mesh["steps"][0] == {
        "keyword": "Given ",
        "name": 'the BGP configuration "default"',
        "line": 14,
        "result": {"status": "passed", "duration": 1_200_000},
    }


def test_cucumber_maps_outcomes_to_statuses() -> None:
    result = all_outcomes_run()
    elements = _elements(json.loads(render_cucumber(result)))
    statuses = {
        s.outcome: [(st["result"]["status"], st["result"].get("error_message", "")) for st in elements[s.name]["steps"]]
        for s in result.scenarios
    }
    for s in result.scenarios:
        assert elements[s.name]["ukic_outcome"] == s.outcome.value

    assert statuses[Outcome.PASSED] == [("passed", ""), ("passed", "")]
    assert statuses[Outcome.FAILED][-1] == (
        "failed",
        f"bgppeer router-a: keepOriginalNextHop is false {HOSTILE}",
    )
    assert statuses[Outcome.WARNING][-1] == ("skipped", "warning (recommended, not met): HEALTH_WARN")
    status, message = statuses[Outcome.WAIVED][-1]
    assert status == "skipped" and message.startswith("waived: ") and "OPS-1234" in message
    assert statuses[Outcome.NOT_APPLICABLE] == [
        ("skipped", "not applicable: a snapshot of manifests carries no runtime state")
    ]
    ip_pools = elements["IP pools are IPv6 and use no overlay"]["steps"]
    assert [st["result"]["status"] for st in ip_pools] == ["pending", "skipped"]
    assert (
        ip_pools[0]["result"]["error_message"]
        == "unverifiable: ippools.crd.projectcalico.org: not captured in the snapshot"
    )


def test_cucumber_gives_stepless_scenarios_a_synthetic_step() -> None:
    elements = _elements(json.loads(render_cucumber(all_outcomes_run())))
    steps = elements["The service network is announced over BGP"]["steps"]
    assert steps == [
        {
            "keyword": "Then ",
            "name": SYNTHETIC_NAME,
            "line": 20,
            "result": {
                "status": "pending",
                "duration": 0,
                "error_message": "unverifiable: bgpconfigurations.crd.projectcalico.org: forbidden (403)",
            },
        }
    ]


def test_cucumber_shows_the_outcome_even_when_recorded_steps_all_passed() -> None:
    """A scenario made unverifiable after its steps (e.g. by a hook) must not read as all passed."""
    result = run(
        [
            scenario(
                "x.feature",
                "X",
                "late",
                Outcome.UNVERIFIABLE,
                "hosts: ssh to server63 timed out",
                steps=[step("Given", "a", 3), step("Then", "b", 4)],
            ),
            scenario(
                "x.feature",
                "X",
                "late failure",
                Outcome.FAILED,
                "teardown found drift",
                steps=[step("Given", "a", 7)],
            ),
        ]
    )
    elements = _elements(json.loads(render_cucumber(result)))
    assert elements["late"]["steps"][-1]["name"] == SYNTHETIC_NAME
    assert elements["late"]["steps"][-1]["result"]["status"] == "pending"
    assert elements["late failure"]["steps"][-1]["result"]["status"] == "failed"


@pytest.mark.parametrize("build", [all_outcomes_run, realistic_run])
def test_no_unverifiable_scenario_has_all_steps_passed(build) -> None:
    result = build()
    elements = _elements(json.loads(render_cucumber(result)))
    unverifiable = [s for s in result.scenarios if s.outcome is Outcome.UNVERIFIABLE]
    assert unverifiable
    for s in unverifiable:
        statuses = [st["result"]["status"] for st in elements[s.name]["steps"]]
        assert statuses and set(statuses) != {"passed"}
        assert "pending" in statuses
    for s in result.scenarios:
        if s.outcome is not Outcome.PASSED:
            assert any(st["result"]["status"] != "passed" for st in elements[s.name]["steps"]), s.name


# --------------------------------------------------------------------------- summary.md


def test_markdown_summary() -> None:
    md = render_markdown(all_outcomes_run())
    lines = md.splitlines()
    assert lines[0] == "# ukic: place10 — NOT CONFORMANT"
    assert "v5 production (digest 9f2c4e1a7b3d)" in md
    assert "snapshot fixtures/samples/v5-production" in md
    assert "ukic 0.1.0" in md and "2026-11-26T20:15:00.250000+00:00" in md
    assert "1 passed, 1 failed, 1 warning, 2 unverifiable, 1 not applicable, 1 waived" in md
    assert "## Calico BGP routing without overlay" in md and "## Rook-Ceph persistent storage" in md
    assert md.count("| Outcome | Scenario | Id | Reason | Remedy |") == 2
    assert "| bgp.nodes-form-a-full-bgp-mesh |" in md
    assert "set keepOriginalNextHop: true in BGPPeer router-a" in md
    rows = [line for line in lines if line.startswith("| **UNVERIFIABLE** |")]
    assert len(rows) == 2 and "not captured in the snapshot" in rows[0]
    assert "| WAIVED |" in md and "ticket OPS-1234" in md
    assert "| N/A |" in md and "| WARNING |" in md
    # Hostile text cannot become HTML or break the table.
    assert "<script>" not in md
    for line in lines:
        if line.startswith("| ") and "keepOriginalNextHop" in line:
            assert len(re.findall(r"(?<!\\)\|", line)) == 6


# --------------------------------------------------------------------------- shared lines


def test_source_line_names_kind_location_details_and_extras() -> None:
    source = {
        "kind": "manifests",
        "location": "fixtures/repos/v5-production",
        "cluster_name": "v5-production",
        "captured_at": None,
        "server_version": None,
        "context": None,
        "files": "16",
        "ignored": "2",
    }
    assert source_line(source) == "manifests fixtures/repos/v5-production (files 16, ignored 2)"
    nested = {"kind": "live", "location": "https://[2a0a::1]:6443", "context": "admin@p10", "extra": {"pages": "3"}}
    assert source_line(nested) == "live https://[2a0a::1]:6443 (context admin@p10, pages 3)"
    assert source_line({}) == "unknown source"


# --------------------------------------------------------------------------- terminal


def test_terminal_plain() -> None:
    result = realistic_run()
    text = render_terminal(result, color=False)
    assert "\x1b" not in text
    assert text.rstrip().splitlines()[-1] == (
        "v5 production on place10: 41 passed, 1 failed, 1 warning, 2 unverifiable, 12 not applicable,"
        " 1 waived -> NOT CONFORMANT (exit 1)"
    )
    lines = text.splitlines()
    assert "Calico BGP routing without overlay  (bgp.feature)" in lines
    failed = lines.index("  FAILED        Upstream peers keep the original next hop")
    assert lines[failed + 1].strip() == "bgppeer router-b (2a0a:e5c0:2:12::1): keepOriginalNextHop is false"
    unverifiable = [line for line in lines if line.startswith("  UNVERIFIABLE  ")]
    assert len(unverifiable) == 2
    labels = {line[2:14].strip() for line in lines if re.match(r"  [A-Z/]{3,12} +\S", line)}
    assert labels == {"PASSED", "FAILED", "WARNING", "UNVERIFIABLE", "N/A", "WAIVED"}
    passed = lines.index("  PASSED        Nodes form a full BGP mesh")
    assert not lines[passed + 1].startswith("                ")  # no reason line for a pass
    assert "waived (ticket OPS-2211): node server63" in text


def test_terminal_color_and_control_characters() -> None:
    result = run(
        [
            scenario("x.feature", "X", "ok", Outcome.PASSED),
            scenario("x.feature", "X", "u", Outcome.UNVERIFIABLE, "evil \x1b[2J clear"),
        ]
    )
    colored = render_terminal(result, color=True)
    assert "\x1b[1;35mUNVERIFIABLE\x1b[0m" in colored
    assert "\x1b[32mPASSED" in colored
    assert "\x1b[2J" not in colored  # cluster text cannot drive the terminal
    plain = render_terminal(result, color=False)
    assert "-> COULD NOT VERIFY (exit 2)" in plain
    assert "evil \\x1b[2J clear" in plain


def test_terminal_conformant_summary() -> None:
    result = run(
        [
            scenario("x.feature", "X", "ok", Outcome.PASSED),
            scenario("x.feature", "X", "w", Outcome.WARNING, "r"),
        ]
    )
    last = render_terminal(result, color=False).rstrip().splitlines()[-1]
    assert last.endswith(
        ": 1 passed, 0 failed, 1 warning, 0 unverifiable, 0 not applicable, 0 waived -> CONFORMANT (exit 0)"
    )


# --------------------------------------------------------------------------- report.html


class _Collector(HTMLParser):
    """Collects tags, attributes and script text of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def _parse(page: str) -> _Collector:
    collector = _Collector()
    collector.feed(page)
    return collector


def test_html_is_self_contained() -> None:
    page = render_html(realistic_run())
    parsed = _parse(page)
    for tag, attrs in parsed.tags:
        for name in ("src", "href", "action", "data", "poster"):
            value = attrs.get(name)
            assert value is None or not re.match(r"\s*(https?:)?//", value), (tag, name, value)
        assert tag not in {"link", "iframe", "img", "object", "embed"}, tag
    assert "@import" not in page and "url(" not in page
    assert not re.search(r"https?://", page)
    assert "fetch(" not in page and "XMLHttpRequest" not in page
    csp = [a for t, a in parsed.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in csp[0]["content"]


def test_html_escapes_all_text() -> None:
    result = all_outcomes_run()
    page = render_html(result)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &#34;quoted&#34; ünïcødé ✓ 日本" in page  # escaped
    parsed = _parse(page)
    assert len([t for t, _ in parsed.tags if t == "script"]) == 1  # only the page's own script
    assert all("alert(" not in script for script in parsed.scripts)


def test_html_header_counts_and_rows() -> None:
    result = all_outcomes_run()
    page = render_html(result)
    assert "NOT CONFORMANT" in page and "place10" in page
    assert "v5 production" in page and "9f2c4e1a7b3d5f60" in page
    assert "sha256:9f2c4e1a7b3d5f60818293a4b5c6d7e8f9a0b1c2d3e4f5061728394a5b6c7d8e" in page  # as a tooltip
    assert "snapshot fixtures/samples/v5-production" in page and "ukic 0.1.0" in page
    assert "2026-11-26T20:15:00.250000+00:00" in page
    parsed = _parse(page)
    rows = [a for t, a in parsed.tags if t == "article"]
    assert [a["data-outcome"] for a in rows] == [s.outcome.value.replace(" ", "-") for s in result.scenarios]
    counts = dict(re.findall(r'data-count="([a-z-]+)">(\d+)<', page))
    assert counts == {
        "all": "7",
        "failed": "1",
        "unverifiable": "2",
        "warning": "1",
        "waived": "1",
        "passed": "1",
        "not-applicable": "1",
    }
    buttons = [a["data-filter"] for t, a in parsed.tags if t == "button"]
    assert buttons == ["all", "failed", "unverifiable", "warning", "waived", "passed", "not-applicable"]
    assert page.count("<details") == 6  # one scenario recorded no steps
    assert "UNVERIFIABLE" in page and "o-unverifiable" in page


def test_html_gives_every_outcome_its_own_colour() -> None:
    page = render_html(all_outcomes_run())
    colours = dict(re.findall(r"--(passed|failed|warning|unverifiable|na|waived):(#[0-9a-f]{6})", page))
    assert len(colours) == 6 and len(set(colours.values())) == 6
    assert colours["unverifiable"] != colours["passed"]


def test_reports_handle_an_empty_run() -> None:
    result = RunResult(
        cluster="empty",
        source={},
        profile={},
        harness_version="0.1.0",
        started_at="",
        finished_at="",
        duration=0.0,
    )
    assert json.loads(render_cucumber(result)) == []
    assert ET.fromstring(render_junit(result)).get("tests") == "0"
    assert "0 passed" in render_terminal(result, color=False)
    assert "# ukic: empty — CONFORMANT" in render_markdown(result)
    assert "showing 0 of 0" in render_html(result)
    assert load_summary(render_summary_json(result)) == result


def test_remedy_and_id_in_every_format() -> None:
    result = all_outcomes_run()
    failed = next(s for s in result.scenarios if s.outcome is Outcome.FAILED)
    assert failed.remedy
    lines = render_terminal(result, color=False).splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("FAILED"))
    assert lines[at + 1].strip().startswith("bgppeer router-a: keepOriginalNextHop is false")
    assert lines[at + 2].strip() == f"remedy: {failed.remedy}"  # under the reason
    data = json.loads(render_summary_json(result))
    assert [(s["id"], s["remedy"]) for s in data["scenarios"]] == [(s.id, s.remedy) for s in result.scenarios]
    page = render_html(result)
    assert "set keepOriginalNextHop: true in BGPPeer router-a" in page and failed.id in page
    assert "<script>alert" not in page.split("<script>", 1)[0]  # the remedy's hostile text is escaped too
    cucumber = json.loads(render_cucumber(result))
    elements = {e["id"]: e for f in cucumber for e in f["elements"]}
    assert set(elements) == {s.id for s in result.scenarios}
    assert elements[failed.id]["ukic_remedy"] == failed.remedy


def test_profile_notes_are_in_every_report() -> None:
    result = all_outcomes_run()
    result.profile["notes"] = [f"Inferred, not stated {HOSTILE}"]
    assert "profile note: Inferred, not stated <script>" in render_terminal(result, color=False).splitlines()[2]
    assert "- **Profile note:** Inferred, not stated" in render_markdown(result)
    assert "Inferred, not stated &lt;script&gt;" in render_html(result)
    assert json.loads(render_summary_json(result))["profile"]["notes"] == result.profile["notes"]
    root = ET.fromstring(render_junit(result).encode("utf-8"))
    for suite in root.findall("testsuite"):
        notes = [p.get("value") for p in suite.find("properties").findall("property")]
        assert notes == result.profile["notes"]
    assert all(f["ukic_profile_notes"] == result.profile["notes"] for f in json.loads(render_cucumber(result)))
