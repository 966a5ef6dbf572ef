"""report.html in a real headless Chromium: no console errors, no fetches, right counts, working filters."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.cdp import Browser, find_chromium
from tests.browser.report_runs import REALISTIC_COUNTS, realistic_run, run, scenario
from ukic.outcome import Outcome
from ukic.report.html_report import render_html

CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not installed (apt-get install chromium): report.html's script is not run here",
)

TOTAL = sum(REALISTIC_COUNTS.values())

VISIBLE_ROWS = """[...document.querySelectorAll('article.scenario')]
  .filter(el => el.getClientRects().length > 0).map(el => el.dataset.outcome)"""
VISIBLE_FEATURES = """[...document.querySelectorAll('section.feature')]
  .filter(el => el.getClientRects().length > 0).map(el => el.dataset.feature)"""


def _slug(outcome: str) -> str:
    return outcome.replace(" ", "-")


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> Browser:
    pytest.importorskip("websocket", reason="websocket-client (test extra) is needed to drive chromium")
    work = tmp_path_factory.mktemp("browser")
    report = work / "report.html"
    report.write_text(render_html(realistic_run()), encoding="utf-8")
    browser = Browser(CHROMIUM, work)
    try:
        browser.open(report.as_uri())
        browser.report_uri = report.as_uri()  # type: ignore[attr-defined]
        yield browser
    finally:
        browser.close()


def test_page_loads_without_errors_or_fetches(page: Browser) -> None:
    assert page.evaluate("document.title") == "ukic · place10 · NOT CONFORMANT"
    assert page.problems() == []
    urls = page.requested_urls()
    assert urls, "the page load itself should be seen"
    assert all(url.startswith(("file:", "data:")) for url in urls), urls


def test_counts_shown_match_the_run(page: Browser) -> None:
    shown = page.evaluate(
        "Object.fromEntries([...document.querySelectorAll('[data-count]')]"
        ".map(el => [el.dataset.count, el.textContent.trim()]))"
    )
    expected = {_slug(k): str(v) for k, v in REALISTIC_COUNTS.items()} | {"all": str(TOTAL)}
    assert shown == expected
    rows = page.evaluate(VISIBLE_ROWS)
    assert len(rows) == TOTAL
    assert {slug: rows.count(slug) for slug in set(rows)} == {_slug(k): v for k, v in REALISTIC_COUNTS.items()}
    assert page.evaluate("document.getElementById('showing').textContent") == f"showing {TOTAL} of {TOTAL}"
    assert page.evaluate("document.getElementById('verdict').textContent") == "NOT CONFORMANT"


def test_unverifiable_looks_different_from_passed(page: Browser) -> None:
    style = page.evaluate(
        "Object.fromEntries(['passed', 'unverifiable', 'failed'].map(o => {"
        " const s = getComputedStyle(document.querySelector('.badge.o-' + o));"
        " return [o, [s.color, s.backgroundColor, s.backgroundImage, s.borderStyle]]; }))"
    )
    assert style["unverifiable"] != style["passed"]
    assert style["unverifiable"][0] != style["passed"][0]  # text colour differs too
    assert style["failed"] != style["passed"]


def test_filter_buttons_show_only_that_outcome(page: Browser) -> None:
    page.click('button[data-filter="failed"]')
    assert page.evaluate(VISIBLE_ROWS) == ["failed"]
    assert page.evaluate(VISIBLE_FEATURES) == ["bgp"]
    assert page.evaluate("document.getElementById('showing').textContent") == f"showing 1 of {TOTAL}"
    assert page.evaluate("document.querySelector('button[data-filter=failed]').getAttribute('aria-pressed')") == (
        "true"
    )
    assert page.evaluate("location.hash") == "#outcome=failed"

    page.click('button[data-filter="unverifiable"]')
    assert page.evaluate(VISIBLE_ROWS) == ["unverifiable", "unverifiable"]
    assert page.evaluate(VISIBLE_FEATURES) == ["bgp", "storage"]

    page.click('button[data-filter="not-applicable"]')
    assert page.evaluate(VISIBLE_ROWS) == ["not-applicable"] * REALISTIC_COUNTS["not applicable"]

    page.click('button[data-filter="all"]')
    assert len(page.evaluate(VISIBLE_ROWS)) == TOTAL
    assert page.evaluate("document.getElementById('showing').textContent") == f"showing {TOTAL} of {TOTAL}"
    assert page.problems() == []


def test_steps_are_collapsed_until_opened(page: Browser) -> None:
    selector = "article.o-failed details.steps"
    assert page.evaluate(f"document.querySelector('{selector}').open") is False
    page.click(f"{selector} summary")
    assert page.evaluate(f"document.querySelector('{selector}').open") is True
    text = page.evaluate(f"document.querySelector('{selector}').innerText")
    assert "keepOriginalNextHop is false" in text


def test_filter_from_the_address(page: Browser) -> None:
    page.send("Page.navigate", url=page.report_uri + "?outcome=waived")  # type: ignore[attr-defined]
    page.wait_for("Page.loadEventFired")
    assert page.evaluate(VISIBLE_ROWS) == ["waived"]
    page.evaluate("location.hash = 'outcome=warning'")
    page.drain(0.1)
    assert page.evaluate(VISIBLE_ROWS) == ["warning"]
    page.evaluate("location.hash = 'outcome=nonsense'")
    page.drain(0.1)
    assert len(page.evaluate(VISIBLE_ROWS)) == TOTAL
    assert page.problems() == []


def test_an_empty_filter_says_so(tmp_path: Path, page: Browser) -> None:
    conformant = run([scenario("x.feature", "X", f"check {n}", Outcome.PASSED) for n in range(3)])
    other = tmp_path / "conformant.html"
    other.write_text(render_html(conformant), encoding="utf-8")
    page.send("Page.navigate", url=other.as_uri())
    page.wait_for("Page.loadEventFired")
    assert page.evaluate("document.getElementById('verdict').textContent") == "CONFORMANT"
    assert page.evaluate("document.getElementById('empty').hidden") is True
    dimmed = page.evaluate("[...document.querySelectorAll('button.filter.zero')].map(b => b.dataset.filter)")
    assert dimmed == ["failed", "unverifiable", "warning", "waived", "not-applicable"]
    page.click('button[data-filter="failed"]')
    assert page.evaluate(VISIBLE_ROWS) == []
    assert page.evaluate(VISIBLE_FEATURES) == []
    assert page.evaluate("document.getElementById('empty').hidden") is False
    assert page.evaluate("document.getElementById('showing').textContent") == "showing 0 of 3"
    assert page.problems() == []
