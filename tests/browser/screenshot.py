"""Render the realistic sample run to report.html and screenshot it: a look at the page as users see it.

Usage (from the checkout): .venv/bin/python -m tests.browser.screenshot [PNG]
(default PNG: bench/out/report.png; the HTML is written next to it).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from tests.browser.cdp import find_chromium, screenshot
from tests.browser.report_runs import realistic_run
from ukic.report.html_report import render_html


def main(argv: list[str]) -> int:
    png = Path(argv[0] if argv else "bench/out/report.png").resolve()
    binary = find_chromium()
    if binary is None:
        print("chromium is not installed (apt-get install chromium)", file=sys.stderr)
        return 2
    page = png.with_suffix(".html")
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(render_html(realistic_run()), encoding="utf-8")
    with tempfile.TemporaryDirectory() as work:
        screenshot(binary, page, png, Path(work))
    print(png)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
