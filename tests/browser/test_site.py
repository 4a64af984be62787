"""The built site in Chromium, the way a reader meets it.

Every page loads without a console error, a page error, a failed or refused
request (nothing may leave 127.0.0.1: math, fonts, scripts and search are all
served by the site); math is typeset; every image loads; every animation loads,
with alt text and a still picture for reduced motion; search, synced tabs and
dark mode work. Screenshots of the main pages are
written for a human to look at.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from siteinfo import SCREENSHOT_DIR, SITE_DIR, html_pages

PAGES = html_pages(SITE_DIR) if (SITE_DIR / "index.html").is_file() else ["index.html"]

# Raw TeX that escaped MathJax: "$$", or a "$...$" holding a TeX command.
RAW_TEX = r"\$\$|\$[^$\s][^$]*\\[A-Za-z]+[^$]*\$|\\begin\{"

CHECK_MATH = """
async () => {
  const maths = [...document.querySelectorAll('.math')];
  if (maths.length === 0) return {count: 0};
  if (!window.MathJax || !MathJax.startup) return {count: maths.length, loaded: false};
  await MathJax.startup.promise;
  const unrendered = maths.filter(m => !m.querySelector('mjx-container'))
    .map(m => m.textContent.trim().slice(0, 80));
  const errors = [...document.querySelectorAll('mjx-merror')]
    .map(e => e.getAttribute('data-mjx-error') || e.textContent.slice(0, 80));
  return {count: maths.length, loaded: true, unrendered, errors};
}
"""

VISIBLE_TEXT = """
() => {
  const skip = new Set(['PRE', 'CODE', 'SCRIPT', 'STYLE', 'TEXTAREA', 'MJX-CONTAINER']);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
    acceptNode(node) {
      for (let el = node.parentElement; el; el = el.parentElement) {
        if (skip.has(el.tagName)) return NodeFilter.FILTER_REJECT;
      }
      return NodeFilter.FILTER_ACCEPT;
    }
  });
  const parts = [];
  while (walker.nextNode()) parts.push(walker.currentNode.textContent);
  return parts.join(' ');
}
"""

CHECK_IMAGES = """
async () => {
  const images = [...document.images];
  images.forEach(img => { img.loading = 'eager'; });
  const broken = [];
  await Promise.all(images.map(img => img.decode().then(
    () => { if (img.naturalWidth === 0) broken.push(img.currentSrc || img.src); },
    () => broken.push(img.currentSrc || img.src))));
  return {count: images.length, broken};
}
"""


def _goto(page: Any, url: str) -> None:
    page.goto(url, wait_until="load")


@pytest.mark.parametrize("path", PAGES)
def test_page(watched: Any, base_url: str, path: str) -> None:
    """The page loads cleanly and offline, its math is typeset and its images load."""
    page, watch = watched()
    _goto(page, base_url + path)
    math = page.evaluate(CHECK_MATH)
    images = page.evaluate(CHECK_IMAGES)
    page.wait_for_load_state("networkidle")
    problems = watch.problems()
    if math["count"]:
        if not math["loaded"]:
            problems.append(f"{math['count']} math elements but MathJax is not loaded")
        else:
            problems += [f"math not typeset: {t!r}" for t in math["unrendered"]]
            problems += [f"MathJax error: {e!r}" for e in math["errors"]]
    raw = re.findall(RAW_TEX, page.evaluate(VISIBLE_TEXT))
    problems += [f"raw TeX in the text: {r[:80]!r}" for r in raw]
    problems += [f"image does not load: {src}" for src in images["broken"]]
    assert not problems, f"{path}:\n  " + "\n  ".join(problems)


def _pages_containing(marker: str) -> list[str]:
    return [p for p in PAGES if marker in (SITE_DIR / p).read_text(encoding="utf-8")]


def test_site_has_math_and_images() -> None:
    """The checks above are not vacuous: the site has math and figures to check."""
    assert _pages_containing('class="math'), "no page has math"
    assert _pages_containing("<img"), "no page has an image"


ANIMATION_PAGE = "auto_examples/plot_07_sliding_window_animated.html"
#: How many animations that page shows (padding, stride, dilation, transposed).
ANIMATIONS_ON_PAGE = 4
MAX_FRAMES = 40  # an animation shows one output element per frame: keep them few
MAX_BYTES = 300_000

INSPECT_ANIMATIONS = """
async () => Promise.all([...document.querySelectorAll('picture.convlib-animation')].map(
  async (picture) => {
    const img = picture.querySelector('img');
    const source = picture.querySelector('source');
    if (!img) return {img: false};
    img.loading = 'eager';
    let decoded = true;
    try { await img.decode(); } catch (error) { decoded = false; }
    return {
      img: true, decoded, src: img.getAttribute('src') || '', url: img.src,
      shown: img.currentSrc, alt: img.getAttribute('alt') || '',
      width: img.naturalWidth,
      media: source ? source.getAttribute('media') : null,
      srcset: source ? source.getAttribute('srcset') || '' : '',
    };
  }))
"""


def _site_file(url: str, base_url: str) -> Path:
    return SITE_DIR / url.removeprefix(base_url).split("?")[0].split("#")[0]


def test_animations(watched: Any, base_url: str) -> None:
    """Every convlib.viz animation is a looping image with alt text and a still picture.

    It is an <img> inside <picture class="convlib-animation">, served as a file under
    _images/ (not a data: URI), with a <source> that shows a still PNG to readers who
    ask for reduced motion. The animated WebP has a few frames and stays light.
    """
    pages = _pages_containing('class="convlib-animation"')
    assert ANIMATION_PAGE in pages, f"{ANIMATION_PAGE} has no convlib.viz animation"
    checked = 0
    for motion in ("no-preference", "reduce"):
        page, watch = watched(reduced_motion=motion)
        for path in pages:
            _goto(page, base_url + path)
            found = page.evaluate(INSPECT_ANIMATIONS)
            if path == ANIMATION_PAGE:
                assert len(found) == ANIMATIONS_ON_PAGE, f"{path}: {len(found)} animations"
            for n, info in enumerate(found):
                where = f"{path}, animation {n} ({motion})"
                assert info["img"], f"{where}: no <img> in the <picture>"
                assert info["decoded"] and info["width"] > 0, f"{where}: does not load"
                assert len(info["alt"]) > 20, f"{where}: alt text {info['alt']!r}"
                assert info["media"] == "(prefers-reduced-motion: reduce)", where
                for name, value in (("src", info["src"]), ("srcset", info["srcset"])):
                    assert not value.startswith("data:"), f"{where}: {name} is a data: URI"
                    assert "_images/" in value, f"{where}: {name} {value!r} not in _images/"
                assert info["src"].endswith(".webp"), f"{where}: src {info['src']!r}"
                assert info["srcset"].endswith(".png"), f"{where}: srcset {info['srcset']!r}"
                shown = info["shown"].split("?")[0]
                expected = ".png" if motion == "reduce" else ".webp"
                assert shown.endswith(expected), f"{where}: shows {shown}"
                if motion == "reduce":
                    continue
                moving = _site_file(info["url"], base_url)
                assert moving.stat().st_size <= MAX_BYTES, f"{where}: {moving.stat().st_size} B"
                with Image.open(moving) as image:
                    frames = getattr(image, "n_frames", 1)
                assert 1 < frames <= MAX_FRAMES, f"{where}: {frames} frames"
                checked += 1
        watch.assert_clean(f"animations ({motion})")
    assert checked >= ANIMATIONS_ON_PAGE


def test_search_finds_dilation(watched: Any, base_url: str) -> None:
    page, watch = watched()
    _goto(page, base_url + "search.html?q=dilation")
    results = page.locator("ul.search li a")
    results.first.wait_for(timeout=15000)
    hrefs = [a.get_attribute("href") or "" for a in results.all()]
    assert any("dilation" in href for href in hrefs), hrefs
    watch.assert_clean("search")


def _tab_state(page: Any, sync_id: str) -> list[bool]:
    """For each synced tab set that offers `sync_id`: is that tab the selected one?"""
    return page.evaluate(
        """(id) => [...document.querySelectorAll('label.sd-tab-label[data-sync-id="' + id + '"]')]
            .map(label => document.getElementById(label.getAttribute('for')).checked)""",
        sync_id,
    )


def test_tabs_switch_and_stay_in_sync(watched: Any, base_url: str) -> None:
    """Choosing TensorFlow in one tab set selects it in every set, on this page and the next."""
    pages = _pages_containing('data-sync-id="tensorflow"')
    assert pages, "no page has synced PyTorch | TensorFlow | convlib tabs"
    first, second = pages[0], pages[-1]
    page, watch = watched()
    for choice, start, then in (("tensorflow", first, second), ("pytorch", second, first)):
        _goto(page, base_url + start)
        page.locator(f'label.sd-tab-label[data-sync-id="{choice}"]').first.click()
        assert all(_tab_state(page, choice)), f"{start}: not every tab set shows {choice}"
        _goto(page, base_url + then)
        assert all(_tab_state(page, choice)), f"{then}: {choice} not kept from {start}"
    watch.assert_clean("tabs")


def test_dark_mode(watched: Any, base_url: str) -> None:
    """The theme switcher turns the site dark, and the choice persists across pages."""
    page, watch = watched()
    _goto(page, base_url + "index.html")
    assert page.get_attribute("html", "data-theme") == "light"
    page.locator(".theme-switch-button").first.click()
    page.locator('.theme-change-button[data-mode="dark"]').first.click()
    assert page.get_attribute("html", "data-theme") == "dark"
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    _goto(page, base_url + "explorer.html")
    assert page.get_attribute("html", "data-theme") == "dark"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == background
    rgb = [int(v) for v in re.findall(r"\d+", background)[:3]]
    assert sum(rgb) < 3 * 100, f"dark mode background is not dark: {background}"
    watch.assert_clean("dark mode")


MAIN_PAGES = [
    "index.html",
    "explorer.html",
    "auto_examples/index.html",
    "auto_examples/plot_01_convolution_by_hand.html",
    "auto_examples/plot_07_sliding_window_animated.html",
    "concepts/index.html",
    "concepts/output-shape.html",
    "concepts/padding.html",
    "concepts/receptive-field.html",
    "howto/index.html",
    "howto/same-padding-in-pytorch.html",
    "api/index.html",
    "api/generated/convlib.conv2d.html",
]


def test_screenshots(watched: Any, base_url: str) -> None:
    """Full-page screenshots of the main pages (desktop, phone, dark) for a human to look at."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    present = [p for p in MAIN_PAGES if (SITE_DIR / p).is_file()]
    missing = [p for p in MAIN_PAGES if p not in present]
    shots: list[Path] = []
    layouts = {
        "desktop": {"viewport": {"width": 1280, "height": 900}},
        "phone": {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2},
        "dark": {"viewport": {"width": 1280, "height": 900}, "color_scheme": "dark"},
    }
    for layout, options in layouts.items():
        page, _ = watched(**options)
        if layout == "dark":
            page.add_init_script("localStorage.setItem('mode', 'dark');")
        targets = present if layout == "desktop" else ["index.html", "explorer.html"]
        for path in targets:
            _goto(page, base_url + path)
            page.evaluate("() => window.MathJax?.startup?.promise")
            name = path.removesuffix(".html").replace("/", "__")
            shot = SCREENSHOT_DIR / f"{layout}--{name}.png"
            page.screenshot(path=str(shot), full_page=True)
            shots.append(shot)
    assert all(shot.stat().st_size > 0 for shot in shots)
    assert not missing, f"main pages missing from the site: {missing}"
