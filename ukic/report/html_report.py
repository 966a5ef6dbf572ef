"""report.html: one self-contained page (inline CSS and JS, nothing fetched) to read a run in a browser.

Every piece of text from the run is escaped; a Content-Security-Policy forbids any fetch,
so the file shows the same offline as on a CI artefact server. Counts are rendered here;
the script only filters rows by outcome.
"""

from __future__ import annotations

from html import escape

from ukic.outcome import OUTCOME_ORDER, Outcome
from ukic.report.common import (
    FeatureGroup,
    format_duration,
    group_by_feature,
    profile_name,
    profile_notes,
    short_digest,
    source_line,
    tag_label,
    waiver_ticket,
)
from ukic.result import RunResult, ScenarioResult, StepResult

_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"

_ICONS = {
    Outcome.PASSED: "✓",
    Outcome.FAILED: "✗",
    Outcome.WARNING: "!",
    Outcome.UNVERIFIABLE: "?",
    Outcome.NOT_APPLICABLE: "–",
    Outcome.WAIVED: "≈",
}


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def outcome_slug(outcome: Outcome) -> str:
    """``not applicable`` -> ``not-applicable`` (for classes and data attributes)."""
    return outcome.value.replace(" ", "-")


def render_html(result: RunResult) -> str:
    """The run as one HTML document."""
    verdict_slug = result.verdict.replace(" ", "-")
    title = f"ukic · {result.cluster} · {result.verdict.upper()}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        f'<body data-verdict="{_e(verdict_slug)}">',
        _header(result, verdict_slug),
        _filters(result),
        "<main>",
        *(_feature(group) for group in group_by_feature(result)),
        '<p class="empty" id="empty" hidden>No scenario has this outcome.</p>',
        "</main>",
        _notes(result),
        f"<script>{_JS}</script>",
        "</body>",
        "</html>",
    ]
    return "\n".join(part for part in parts if part) + "\n"


def _header(result: RunResult, verdict_slug: str) -> str:
    profile = result.profile
    digest = str(profile.get("digest") or "")
    chain = profile.get("chain") or []
    source = result.source
    profile_html = _e(profile_name(profile))
    if digest:
        profile_html += f' · digest <code title="{_e(digest)}">{_e(short_digest(digest, 16))}</code>'
    if chain:
        profile_html += f' <span class="muted">(chain {_e(" → ".join(map(str, chain)))})</span>'
    facts = [
        ("Profile", profile_html),
        *(("Profile note", _e(note)) for note in profile_notes(profile)),
        ("Source", _e(source_line(source))),
        ("Harness", f"ukic {_e(result.harness_version)}"),
        (
            "Run",
            f"{_e(result.started_at)} → {_e(result.finished_at)} "
            f'<span class="muted">({_e(format_duration(result.duration))})</span>',
        ),
    ]
    rows = "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in facts)
    return (
        f'<header class="top v-{_e(verdict_slug)}">'
        f'<div class="verdict"><span id="verdict">{_e(result.verdict.upper())}</span>'
        f' <span class="exit">exit {result.exit_code}</span></div>'
        f'<h1>Cluster <span id="cluster">{_e(result.cluster)}</span></h1>'
        f'<dl class="facts">{rows}</dl>'
        "</header>"
    )


def _filters(result: RunResult) -> str:
    counts = result.counts
    total = len(result.scenarios)
    buttons = [
        '<button type="button" class="filter all" data-filter="all" aria-pressed="true">'
        f'All <span class="n" data-count="all">{total}</span></button>'
    ]
    for outcome in OUTCOME_ORDER:
        slug = outcome_slug(outcome)
        buttons.append(
            f'<button type="button" class="filter o-{slug}{" zero" if not counts[outcome.value] else ""}"'
            f' data-filter="{slug}" aria-pressed="false">'
            f'<span class="icon">{_ICONS[outcome]}</span> {_e(outcome.value)} '
            f'<span class="n" data-count="{slug}">{counts[outcome.value]}</span></button>'
        )
    return (
        '<nav class="filters" aria-label="Show scenarios by outcome">'
        + "".join(buttons)
        + f'<span class="showing" id="showing">showing {total} of {total}</span>'
        + "</nav>"
    )


def _feature(group: FeatureGroup) -> str:
    mini = "".join(
        f'<span class="mini o-{outcome_slug(o)}" title="{_e(o.value)}">{_ICONS[o]} {group.count(o)}</span>'
        for o in OUTCOME_ORDER
        if group.count(o)
    )
    description = f'<p class="desc">{_e(group.description.strip())}</p>' if group.description.strip() else ""
    rows = "".join(_scenario(s) for s in group.scenarios)
    return (
        f'<section class="feature" data-feature="{_e(group.stem)}">'
        f'<h2><span class="ftitle">{_e(group.title)}</span> <span class="file">{_e(group.file)}</span>'
        f'<span class="minis">{mini}</span></h2>{description}'
        f'<div class="scenarios">{rows}</div></section>'
    )


def _scenario(scenario: ScenarioResult) -> str:
    slug = outcome_slug(scenario.outcome)
    reason = scenario.reason.strip()
    if scenario.outcome is Outcome.WAIVED:
        waiver = scenario.waiver or {}
        extra = "".join(
            f"; {key} {value}" for key, value in waiver.items() if key != "ticket" and value not in (None, "")
        )
        reason = f"waived (ticket {waiver_ticket(scenario)}{extra}): {reason}"
    tags = "".join(f'<span class="tag">{_e(tag_label(tag))}</span>' for tag in scenario.tags)
    steps = _steps(scenario.steps)
    return (
        f'<article class="scenario o-{slug}" data-outcome="{slug}" data-id="{_e(scenario.id)}">'
        f'<div class="row"><span class="badge o-{slug}"><span class="icon">{_ICONS[scenario.outcome]}</span>'
        f" {_e(scenario.outcome.label)}</span>"
        f'<div class="body"><div class="title">{_e(scenario.name)} <code class="sid">{_e(scenario.id)}</code></div>'
        + (f'<div class="reason">{_e(reason)}</div>' if reason else "")
        + (
            f'<div class="remedy"><span class="rlabel">remedy</span> <code>{_e(scenario.remedy)}</code></div>'
            if scenario.remedy and scenario.outcome is not Outcome.PASSED
            else ""
        )
        + (f'<div class="tags">{tags}</div>' if tags else "")
        + f'</div><span class="dur">{_e(format_duration(scenario.duration))}</span></div>'
        f"{steps}</article>"
    )


def _steps(steps: list[StepResult]) -> str:
    if not steps:
        return '<p class="nosteps">no step ran: the outcome was decided before the first step</p>'
    items = []
    for step in steps:
        state = outcome_slug(step.outcome) if step.ran else "not-run"
        label = step.outcome.value if step.ran else "not run"
        message = f'<div class="smsg">{_e(step.message)}</div>' if step.message else ""
        items.append(
            f'<li class="step s-{state}"><span class="sstate">{_e(label)}</span>'
            f'<span class="kw">{_e(step.keyword.strip())}</span> {_e(step.text)}'
            f'<span class="sdur">{_e(format_duration(step.duration))}</span>{message}</li>'
        )
    summary = f"<summary>steps ({len(steps)})</summary>"
    return f'<details class="steps">{summary}<ol>{"".join(items)}</ol></details>'


def _notes(result: RunResult) -> str:
    if not result.notes:
        return ""
    items = "".join(f"<li>{_e(note)}</li>" for note in result.notes)
    return f'<footer class="notes"><h2>Notes</h2><ul>{items}</ul></footer>'


_CSS = """
:root{--passed:#1a7f37;--passed-bg:#dafbe1;--failed:#cf222e;--failed-bg:#ffebe9;
--warning:#9a6700;--warning-bg:#fff8c5;--unverifiable:#8250df;--unverifiable-bg:#f3e8ff;
--na:#57606a;--na-bg:#eaeef2;--waived:#0969da;--waived-bg:#ddf4ff;--line:#d0d7de;--muted:#57606a}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;
color:#1f2328;background:#f6f8fa}
code{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:12px}
.muted{color:var(--muted)}
header.top{padding:18px 28px 14px;border-bottom:4px solid var(--na);background:#fff}
header.v-conformant{border-color:var(--passed)}
header.v-not-conformant{border-color:var(--failed)}
header.v-could-not-verify{border-color:var(--unverifiable)}
.verdict{display:inline-block;font-weight:700;font-size:15px;letter-spacing:.04em;padding:3px 12px;
border-radius:4px;color:#fff;background:var(--na)}
.v-conformant .verdict{background:var(--passed)}
.v-not-conformant .verdict{background:var(--failed)}
.v-could-not-verify .verdict{background:var(--unverifiable)}
.verdict .exit{font-weight:400;opacity:.85;font-size:12px;margin-left:6px}
h1{margin:8px 0 10px;font-size:22px}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:0;font-size:13px}
dl.facts dt{color:var(--muted)}
dl.facts dd{margin:0;word-break:break-word}
nav.filters{position:sticky;top:0;z-index:2;display:flex;flex-wrap:wrap;gap:8px;align-items:center;
padding:10px 28px;background:#fffffff0;border-bottom:1px solid var(--line)}
button.filter{font:inherit;cursor:pointer;border:1px solid var(--line);background:#fff;border-radius:16px;
padding:3px 12px;color:#1f2328}
button.filter .n{font-weight:700;margin-left:4px}
button.filter.zero{opacity:.5}
button.filter[aria-pressed=true]{outline:2px solid #1f2328;outline-offset:1px}
button.filter.o-passed{border-color:var(--passed);background:var(--passed-bg)}
button.filter.o-failed{border-color:var(--failed);background:var(--failed-bg)}
button.filter.o-warning{border-color:var(--warning);background:var(--warning-bg)}
button.filter.o-unverifiable{border-color:var(--unverifiable);border-style:dashed;background:var(--unverifiable-bg)}
button.filter.o-not-applicable{border-color:var(--na);background:var(--na-bg)}
button.filter.o-waived{border-color:var(--waived);background:var(--waived-bg)}
.showing{margin-left:auto;color:var(--muted);font-size:12px}
main{padding:6px 28px 28px}
section.feature{margin:18px 0;background:#fff;border:1px solid var(--line);border-radius:6px;overflow:hidden}
section.feature h2{display:flex;gap:10px;align-items:baseline;flex-wrap:wrap;margin:0;padding:10px 14px;
font-size:16px;background:#f6f8fa;border-bottom:1px solid var(--line)}
h2 .file{font:12px ui-monospace,"DejaVu Sans Mono",monospace;color:var(--muted)}
.minis{margin-left:auto;display:flex;gap:6px}
.mini{font-size:12px;font-weight:600;padding:0 7px;border-radius:9px}
.desc{margin:8px 14px;color:var(--muted);white-space:pre-line}
article.scenario{border-left:5px solid var(--na);border-top:1px solid #eaeef2;padding:8px 14px 6px}
article.scenario:first-child{border-top:0}
.row{display:flex;gap:12px;align-items:flex-start}
.badge{flex:0 0 152px;text-align:center;font-size:12px;font-weight:700;letter-spacing:.03em;padding:2px 6px;
border-radius:4px;border:1px solid transparent;white-space:nowrap}
.body{flex:1;min-width:0}
.title{font-weight:600}
.reason{margin-top:2px;word-break:break-word}
.sid{color:var(--muted);font-weight:400}
.remedy{margin-top:3px;word-break:break-word}
.remedy .rlabel{font-size:11px;font-weight:700;text-transform:uppercase;color:var(--muted);margin-right:4px}
.tags{margin-top:4px;display:flex;flex-wrap:wrap;gap:4px}
.tag{font:11px ui-monospace,"DejaVu Sans Mono",monospace;color:var(--muted);background:#f6f8fa;
border:1px solid var(--line);border-radius:3px;padding:0 4px}
.dur{flex:0 0 auto;color:var(--muted);font-size:12px;font-variant-numeric:tabular-nums}
.o-passed{--c:var(--passed);--bg:var(--passed-bg)}
.o-failed{--c:var(--failed);--bg:var(--failed-bg)}
.o-warning{--c:var(--warning);--bg:var(--warning-bg)}
.o-unverifiable{--c:var(--unverifiable);--bg:var(--unverifiable-bg)}
.o-not-applicable{--c:var(--na);--bg:var(--na-bg)}
.o-waived{--c:var(--waived);--bg:var(--waived-bg)}
.badge,.mini{color:var(--c);background:var(--bg);border-color:var(--c)}
article.scenario{border-left-color:var(--c)}
article.o-failed{background:#fff8f7}
article.o-unverifiable{background:repeating-linear-gradient(135deg,#fff 0 10px,#faf5ff 10px 20px)}
.badge.o-unverifiable{border-style:dashed;
background:repeating-linear-gradient(135deg,#f3e8ff 0 5px,#e9d5ff 5px 10px)}
.badge.o-failed{color:#fff;background:var(--failed)}
.reason{color:#1f2328}
article.o-failed .reason{color:var(--failed)}
article.o-unverifiable .reason{color:#6639ba}
article.o-not-applicable .title,article.o-not-applicable .reason{color:var(--muted)}
details.steps{margin:4px 0 2px 164px}
details.steps summary{cursor:pointer;color:var(--muted);font-size:12px}
details.steps ol{margin:4px 0;padding-left:20px}
li.step{margin:2px 0}
.sstate{display:inline-block;min-width:92px;font-size:11px;font-weight:700;text-transform:uppercase;
color:var(--muted)}
.kw{font-weight:700;margin-right:2px}
.sdur{margin-left:8px;color:var(--muted);font-size:11px}
.smsg{margin:2px 0 4px 92px;font:12px ui-monospace,"DejaVu Sans Mono",monospace;white-space:pre-wrap;
word-break:break-word}
.s-passed .sstate{color:var(--passed)}
.s-failed .sstate,.s-failed .smsg{color:var(--failed)}
.s-unverifiable .sstate,.s-unverifiable .smsg{color:var(--unverifiable)}
.s-not-run{color:var(--muted)}
.nosteps{margin:2px 0 2px 164px;color:var(--muted);font-size:12px}
.empty{color:var(--muted);text-align:center;padding:30px}
footer.notes{margin:0 28px 28px;padding:10px 14px;background:#fff;border:1px solid var(--line);
border-radius:6px}
footer.notes h2{font-size:15px;margin:0 0 6px}
[hidden]{display:none!important}
@media print{nav.filters{display:none}details.steps{display:block}}
"""

_JS = """
(function () {
  "use strict";
  var buttons = Array.prototype.slice.call(document.querySelectorAll("button.filter"));
  var rows = Array.prototype.slice.call(document.querySelectorAll("article.scenario"));
  var features = Array.prototype.slice.call(document.querySelectorAll("section.feature"));
  var showing = document.getElementById("showing");
  var empty = document.getElementById("empty");
  var known = buttons.map(function (b) { return b.getAttribute("data-filter"); });

  function apply(filter) {
    if (known.indexOf(filter) < 0) { filter = "all"; }
    var shown = 0;
    rows.forEach(function (row) {
      var visible = filter === "all" || row.getAttribute("data-outcome") === filter;
      row.hidden = !visible;
      if (visible) { shown += 1; }
    });
    features.forEach(function (section) {
      section.hidden = section.querySelector("article.scenario:not([hidden])") === null;
    });
    buttons.forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-filter") === filter));
    });
    showing.textContent = "showing " + shown + " of " + rows.length;
    empty.hidden = shown !== 0;
    document.body.setAttribute("data-filter", filter);
  }

  function fromLocation() {
    var pattern = /(?:^|[?#&])outcome=([a-z-]+)/;
    var match = pattern.exec(location.hash) || pattern.exec(location.search);
    return match ? match[1] : "all";
  }

  buttons.forEach(function (b) {
    b.addEventListener("click", function () {
      var filter = b.getAttribute("data-filter");
      apply(filter);
      try {
        history.replaceState(null, "", filter === "all" ? location.pathname + location.search
                                                       : "#outcome=" + filter);
      } catch (ignored) {
        // Some browsers refuse history changes on file:// pages; filtering still works.
      }
    });
  });
  window.addEventListener("hashchange", function () { apply(fromLocation()); });
  apply(fromLocation());
})();
"""
