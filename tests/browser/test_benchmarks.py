"""The Benchmarks page in Chromium, the way a reader meets it.

It is in the site's navigation and linked from the fast-convolution page; it opens with
a summary in prose, shows its tables of results, and reports each measured ratio plainly:
no column or cell that scores a result as passed or failed.
"""

from __future__ import annotations

import re
from typing import Any

# Words that would turn a table of measurements into a scorecard.
SCORECARD_HEADERS = {"met", "pass", "passed", "fail", "failed", "status", "reachable", "ok"}
SCORECARD_WORDS = r"\b(PASS|PASSED|FAIL|FAILED|NOT MET)\b|\bnot met\b"

# The element right after the title, and the text of the paragraphs before the first section.
OPENING = """
() => {
  const heading = document.querySelector('article h1');
  const first = heading && heading.nextElementSibling;
  if (!first) return null;
  const summary = [];
  for (let el = first; el && el.tagName !== 'SECTION'; el = el.nextElementSibling) {
    if (el.tagName === 'P') summary.push(el.textContent.trim());
  }
  return {tag: first.tagName, summary: summary.join(' ')};
}
"""

TABLES = """
() => [...document.querySelectorAll('article table')].map(table => ({
  headers: [...table.querySelectorAll('thead th')].map(th => th.textContent.trim()),
  rows: table.querySelectorAll('tbody tr').length,
  text: table.textContent,
}))
"""


def test_benchmarks_page(watched: Any, base_url: str) -> None:
    page, watch = watched()
    page.goto(base_url + "index.html", wait_until="load")
    # The header's navbar (the theme repeats it in the primary sidebar for narrow screens).
    link = page.locator("header .bd-navbar-elements a.nav-link", has_text="Benchmarks")
    assert link.count() == 1, "no Benchmarks entry in the navbar"
    link.click()
    page.wait_for_load_state("load")
    assert page.url.endswith("benchmarks.html"), page.url
    assert page.locator("article h1").first.inner_text().strip().startswith("Benchmarks")

    opening = page.evaluate(OPENING)
    assert opening and opening["tag"] == "P", f"the page does not open with prose: {opening}"
    summary = opening["summary"]
    for peer in ("PyTorch", "TensorFlow", "SciPy"):
        assert peer in summary, f"the summary does not name {peer}: {summary[:200]!r}"
    assert re.search(r"\d\.\d\d", summary), f"the summary states no ratio: {summary[:200]!r}"

    tables = page.evaluate(TABLES)
    assert len(tables) >= 4, f"{len(tables)} tables on the Benchmarks page"
    assert all(table["rows"] > 0 for table in tables), "a table without rows"
    for table in tables:
        scoring = {h for h in table["headers"] if h.lower() in SCORECARD_HEADERS}
        assert not scoring, f"a scorecard column: {scoring} in {table['headers']}"
        assert not re.search(SCORECARD_WORDS, table["text"]), table["headers"]
    article = page.locator("article").first.inner_text()
    assert not re.search(SCORECARD_WORDS, article), "pass/fail words on the page"
    assert page.locator("article img").count() >= 2, "the results' plots are missing"
    watch.assert_clean("benchmarks page")


def test_fast_convolution_links_to_benchmarks(watched: Any, base_url: str) -> None:
    page, watch = watched()
    page.goto(base_url + "concepts/fast-convolution.html", wait_until="load")
    assert page.locator('article a[href$="benchmarks.html"]').count() >= 1
    watch.assert_clean("fast-convolution page")
