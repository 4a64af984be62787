"""How the pages read: lessons first, proofs folded, nothing a reader should not see.

Measured in Chromium at 1366x900 on the built site, as a reader meets each page:

- **Code share**: of the text a reader sees without opening anything, the share that is
  code (source code blocks; cell outputs count on neither side). At most 35% on every
  concept and how-to page, at most 50% on every gallery example. Folded cells (MyST-NB's
  ``hide-cell``/``hide-input``, the gallery's folded checks) are not seen until opened.
- **Pictures first**: every concept page shows a figure or an animation before its first
  visible code block, and at least two of them; every gallery example shows its first
  picture before its third visible code block.
- **Nothing a reader should not see**, on every page: object reprs (``Text(0.5, ...)``,
  ``<... object at 0x...>``, ``np.int64(28)``), words about how the site was made, code
  lines cut off by the column, tables wider than the column.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from siteinfo import SITE_DIR, html_pages

PAGES = html_pages(SITE_DIR) if (SITE_DIR / "index.html").is_file() else ["index.html"]
CONCEPTS = [p for p in PAGES if p.startswith("concepts/") and not p.endswith("index.html")]
HOWTOS = [p for p in PAGES if p.startswith("howto/") and not p.endswith("index.html")]
HOWTOS += [p for p in PAGES if p == "benchmarks.html"]
EXAMPLES = [p for p in PAGES if re.fullmatch(r"auto_examples/plot_\w+\.html", p)]
LESSONS = CONCEPTS + HOWTOS + EXAMPLES
MAX_CODE_SHARE = {"concepts": 0.35, "howto": 0.35, "benchmarks.html": 0.35}
MAX_CODE_SHARE_EXAMPLES = 0.50
VIEWPORT = {"width": 1366, "height": 900}

# What a reader sees of a page, measured in the page. An element is seen if it is rendered
# (not inside a closed <details>, not display:none).
MEASURE = """
() => {
  const article = document.querySelector('article.bd-article') || document.body;
  const seen = el => el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true});
  const squash = t => t.replace(/\\s+/g, ' ').trim().length;
  const isOutput = el => el.closest('.cell_output, .sphx-glr-script-out, .output');
  const codeBlocks = [...article.querySelectorAll('div.highlight pre')]
    .filter(pre => !isOutput(pre) && !pre.closest('.highlight-none, .highlight-text'));
  const visibleCode = codeBlocks.filter(seen);
  const code = visibleCode.reduce((n, pre) => n + squash(pre.textContent), 0);
  const proseSelector = 'p, li, dt, dd, th, td, h1, h2, h3, h4, h5, h6, figcaption, caption';
  const prose = [...article.querySelectorAll(proseSelector)]
    .filter(el => seen(el) && !isOutput(el) && !el.closest('pre, .highlight'))
    // a list item or cell holding paragraphs is counted through its paragraphs
    .filter(el => !el.querySelector('p'))
    .reduce((n, el) => n + squash(el.textContent), 0);
  const pictures = [...article.querySelectorAll('img, svg.figure, canvas')]
    .filter(el => seen(el) && !el.closest('.headerlink') && el.getBoundingClientRect().width > 60);
  const firstCode = visibleCode[0];
  const before = node => firstCode && (node.compareDocumentPosition(firstCode)
    & Node.DOCUMENT_POSITION_FOLLOWING);
  const thirdCode = visibleCode[2];
  const picturesBeforeThird = pictures.filter(p => !thirdCode ||
    (p.compareDocumentPosition(thirdCode) & Node.DOCUMENT_POSITION_FOLLOWING)).length;
  const clippedCode = visibleCode.filter(pre => pre.scrollWidth > pre.clientWidth + 1)
    .map(pre => pre.textContent.split('\\n').reduce((a, b) => (b.length > a.length ? b : a), ''));
  const column = article.getBoundingClientRect().width;
  const wideTables = [...article.querySelectorAll('table')].filter(seen)
    .filter(t => t.getBoundingClientRect().width > column + 1)
    .map(t => t.textContent.replace(/\\s+/g, ' ').slice(0, 60));
  return {
    code, prose, pictures: pictures.length,
    pictureBeforeCode: !firstCode || pictures.some(before),
    picturesBeforeThird, clippedCode, wideTables,
  };
}
"""

# Text of the whole article, folded parts included: reprs and history words are wrong
# wherever they are, opened or not.
ARTICLE_TEXT = """
() => (document.querySelector('article.bd-article') || document.body).textContent
"""
# Prose only (no code, no outputs): words about how the site was made are a fault of prose.
PROSE_TEXT = """
() => {
  const article = document.querySelector('article.bd-article') || document.body;
  const parts = [];
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (el.closest('pre, .highlight, .cell_output, .sphx-glr-script-out, script, style')) continue;
    parts.push(walker.currentNode.textContent);
  }
  return parts.join(' ');
}
"""
REPRS = re.compile(
    r"<[\w.]+ object at 0x[0-9a-fA-F]+>|\bText\(-?\d[^)]*\)|\[<matplotlib\.[^\]]*\]"
    r"|<Figure size \d+x\d+ with \d+ Axes>|<(?:matplotlib\.)?[\w.]*Axes[\w]*:"
)
# NumPy 2's scalar repr, which a number glued into the prose shows unless made a Python int
# (looked for in the prose only: code may well call np.int64(...)).
NUMPY_SCALAR = re.compile(r"\bnp\.(?:u?int|float|complex|bool_)\d*\([^)]*\)")
HISTORY = re.compile(r"\b(seeds?|drafts?|issues?|acceptance|targets?)\b", re.IGNORECASE)


def _limit(path: str) -> float:
    if path in EXAMPLES:
        return MAX_CODE_SHARE_EXAMPLES
    return MAX_CODE_SHARE.get(path, MAX_CODE_SHARE.get(path.split("/", 1)[0], 0.35))


@pytest.fixture(scope="module")
def reader(browser: Any, base_url: str) -> Any:
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(20_000)
    page = context.new_page()

    def open_page(path: str) -> Any:
        page.goto(base_url + path, wait_until="load")
        return page

    yield open_page
    context.close()


def test_every_kind_of_lesson_is_measured() -> None:
    """The checks below are not vacuous: the site has its concept, how-to and example pages."""
    assert len(CONCEPTS) >= 12, CONCEPTS
    assert len(HOWTOS) >= 3, HOWTOS
    assert len(EXAMPLES) >= 12, EXAMPLES


@pytest.mark.parametrize("path", LESSONS)
def test_lessons_first(reader: Any, path: str) -> None:
    """Little visible code, pictures early, no code line or table cut off by the column."""
    page = reader(path)
    seen = page.evaluate(MEASURE)
    problems = []
    share = seen["code"] / max(seen["code"] + seen["prose"], 1)
    if share > _limit(path):
        problems.append(
            f"{share:.0%} of what a reader sees is code (at most {_limit(path):.0%}): "
            f"{seen['code']} characters of code, {seen['prose']} of prose"
        )
    if path in CONCEPTS:
        if not seen["pictureBeforeCode"]:
            problems.append("no figure or animation before the first visible code block")
        if seen["pictures"] < 2:
            problems.append(f"{seen['pictures']} figures or animations (at least 2)")
    if path in EXAMPLES and seen["picturesBeforeThird"] < 1:
        problems.append("no picture before the third visible code block")
    problems += [
        f"code line cut off by the column: {line.strip()[:90]!r}" for line in seen["clippedCode"]
    ]
    problems += [f"table wider than the column: {text!r}" for text in seen["wideTables"]]
    assert not problems, f"{path}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("path", PAGES)
def test_nothing_a_reader_should_not_see(reader: Any, path: str) -> None:
    """No object reprs in any output, no words about how the site was made in the prose."""
    if path.startswith(("api/generated/backreferences", "genindex", "search", "py-modindex")):
        pytest.skip("an index, not prose")
    page = reader(path)
    problems = [f"object repr: {m!r}" for m in REPRS.findall(page.evaluate(ARTICLE_TEXT))]
    prose = page.evaluate(PROSE_TEXT)
    problems += [f"NumPy scalar repr in the prose: {m!r}" for m in NUMPY_SCALAR.findall(prose)]
    words = sorted({m.lower() for m in HISTORY.findall(prose)})
    problems += [f"the word {w!r} (about how the site was made?)" for w in words]
    assert not problems, f"{path}:\n  " + "\n  ".join(problems)
