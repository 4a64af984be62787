"""The interactive explorer (docs/explorer.md) in Chromium.

Settings are typed into the page's fields, as a reader would, and the output
size it shows is compared with convlib's own arithmetic; bad values must give a
message in the page, never a JavaScript error or a blank grid.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest
from siteinfo import watched_context

import convlib

FIELDS = {
    "in_size": "#explorer-input-size",
    "kernel_size": "#explorer-kernel-size",
    "stride": "#explorer-stride",
    "padding": "#explorer-padding",
    "dilation": "#explorer-dilation",
}


GOOD = {"in_size": 7, "kernel_size": 3, "stride": 1, "padding": 0, "dilation": 1}


@pytest.fixture(scope="module")
def explorer_page(browser: Any, base_url: str) -> Any:
    """One explorer page for the module (loading it is the slow part)."""
    context, watch = watched_context(
        browser, viewport={"width": 1280, "height": 900}, color_scheme="light"
    )
    page = context.new_page()
    page.goto(base_url + "explorer.html", wait_until="load")
    page.locator("#explorer.cx-ready").wait_for()
    yield page, watch
    context.close()


@pytest.fixture
def explorer(explorer_page: Any) -> Any:
    """The explorer back at its plain settings; no JavaScript exception during the test."""
    page, watch = explorer_page
    page.mouse.move(0, 0)  # away from the output grid, where it would select a cell
    page.check("#explorer-transposed")
    page.fill("#explorer-output-padding", "0")
    page.uncheck("#explorer-transposed")
    for name, value in GOOD.items():
        page.fill(FIELDS[name], str(value))
    watch.clear()
    yield page
    # Console messages of the page as a whole are test_site.py's business; here: no
    # JavaScript exception and no failed request, whatever was typed.
    problems = watch.page_errors + watch.failed_requests + watch.bad_responses
    assert not problems, problems


class Typist:
    """Types settings into the explorer, touching only the fields that change."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.current: dict[str, str] = {}

    def set(self, **values: Any) -> None:
        for name, value in values.items():
            text = str(value)
            if self.current.get(name) != text:
                selector = FIELDS.get(name, f"#explorer-{name.replace('_', '-')}")
                self.page.fill(selector, text)
                self.current[name] = text

    def shown(self) -> tuple[str, str | None]:
        """The output size shown, and the message if one is visible."""
        return self.page.evaluate(
            """() => {
                const box = document.getElementById('explorer-message');
                const size = document.getElementById('explorer-output-size').innerText.trim();
                return [size, box.offsetParent === null ? null : box.innerText.trim()];
            }"""
        )

    def output(self) -> str:
        return self.shown()[0]

    def message(self) -> str | None:
        return self.shown()[1]


def expected_size(function: Any, **settings: Any) -> int | None:
    try:
        return function(**settings)
    except ValueError:
        return None


def compare(typist: Typist, function: Any, settings: dict[str, Any]) -> str | None:
    """Type one setting; describe the disagreement with convlib, if any."""
    typist.set(**settings)
    want = expected_size(function, **settings)
    shown, message = typist.shown()
    if want is None:
        if message and not shown.isdigit():
            return None
        return f"{settings}: convlib refuses, the explorer shows {shown!r} (message {message!r})"
    if shown == str(want) and message is None:
        return None
    return f"{settings}: convlib {want}, the explorer {shown!r} (message {message!r})"


def test_output_size_agrees_with_convlib(explorer: Any) -> None:
    """480 settings, refused ones included, typed in: same size as conv_output_size."""
    typist = Typist(explorer)
    grid = itertools.product(
        (1, 4, 7, 10), (1, 2, 3, 5), (1, 2, 3), (0, 1, "same", "valid", "full"), (1, 2)
    )
    disagreements, refused = [], 0
    for in_size, kernel_size, stride, padding, dilation in grid:
        settings = dict(
            in_size=in_size, kernel_size=kernel_size, stride=stride, padding=padding,
            dilation=dilation,
        )  # fmt: skip
        refused += expected_size(convlib.conv_output_size, **settings) is None
        problem = compare(typist, convlib.conv_output_size, settings)
        if problem:
            disagreements.append(problem)
    assert not disagreements, f"{len(disagreements)} of 480 disagree:\n" + "\n".join(
        disagreements[:20]
    )
    assert 0 < refused < 480  # both kinds of settings were exercised


def test_transposed_output_size_agrees_with_convlib(explorer: Any) -> None:
    """Transposed mode, 216 settings: same size as conv_transpose_output_size."""
    explorer.check("#explorer-transposed")
    typist = Typist(explorer)
    grid = itertools.product((1, 3, 5), (1, 2, 4), (1, 2, 3), (0, 1, 2), (1, 2), (0, 1))
    disagreements = []
    for in_size, kernel_size, stride, padding, dilation, output_padding in grid:
        settings = dict(
            in_size=in_size, kernel_size=kernel_size, stride=stride, padding=padding,
            dilation=dilation, output_padding=output_padding,
        )  # fmt: skip
        problem = compare(typist, convlib.conv_transpose_output_size, settings)
        if problem:
            disagreements.append(problem)
    assert not disagreements, "\n".join(disagreements[:20])


BAD_VALUES = [
    ("in_size", "0", "Input size"),
    ("in_size", "-3", "Input size"),
    ("in_size", "abc", "Input size"),
    ("in_size", "", "Input size"),
    ("kernel_size", "0", "Kernel size"),
    ("kernel_size", "2.5", "Kernel size"),
    ("stride", "0", "Stride"),
    ("stride", "-1", "Stride"),
    ("padding", "-1", "Padding"),
    ("padding", "half", "Padding"),
    ("dilation", "0", "Dilation"),
    ("dilation", "x", "Dilation"),
    ("kernel_size", "12", "kernel does not fit"),
    ("dilation", "9", "kernel does not fit"),
]


@pytest.mark.parametrize(("field", "value", "says"), BAD_VALUES)
def test_bad_value_shows_a_message(explorer: Any, field: str, value: str, says: str) -> None:
    typist = Typist(explorer)
    typist.set(**GOOD)
    assert typist.output() == "5"
    typist.set(**{field: value})
    message = typist.message()
    assert message and says in message, message
    assert not typist.output().isdigit()
    assert explorer.locator("#explorer-grids").is_hidden()
    # Fixing the value brings the grids back.
    typist.set(**{field: GOOD[field]})
    assert typist.message() is None and typist.output() == "5"
    assert explorer.locator("#explorer-grids").is_visible()


def test_transposed_refuses_string_padding(explorer: Any) -> None:
    explorer.check("#explorer-transposed")
    Typist(explorer).set(padding="same")
    assert "number" in (Typist(explorer).message() or "")


def _taps(page: Any) -> list[tuple[int, int]]:
    cells = page.locator("#explorer-input-grid rect.cx-tap").all()
    return sorted((int(c.get_attribute("data-r")), int(c.get_attribute("data-c"))) for c in cells)


def _selected(page: Any) -> tuple[int, int]:
    cell = page.locator("#explorer-output-grid rect.cx-current")
    return int(cell.get_attribute("data-r")), int(cell.get_attribute("data-c"))


def test_hover_highlights_the_window_with_dilation_gaps(explorer: Any) -> None:
    """Output (1, 2) of a 3x3 kernel, dilation 2, stride 2, padding 1: padded rows 2, 4, 6."""
    Typist(explorer).set(in_size=9, kernel_size=3, stride=2, padding=1, dilation=2)
    explorer.hover('#explorer-output-grid rect[data-r="1"][data-c="2"]')
    assert _selected(explorer) == (1, 2)
    rows, cols = [2, 4, 6], [4, 6, 8]  # padded positions o * stride + t * dilation
    assert _taps(explorer) == [(r, c) for r in rows for c in cols]
    text = explorer.inner_text("#explorer-window")
    assert "input rows 1, 3, 5" in text and "input columns 3, 5, 7" in text


def test_keyboard_and_play_move_the_window(explorer: Any) -> None:
    Typist(explorer).set(in_size=6, kernel_size=3, stride=1, padding=0, dilation=1)
    explorer.focus("#explorer-output-grid svg")
    explorer.keyboard.press("Home")
    assert _selected(explorer) == (0, 0)
    explorer.keyboard.press("ArrowRight")
    explorer.keyboard.press("ArrowDown")
    assert _selected(explorer) == (1, 1)
    assert _taps(explorer) == [(r, c) for r in (1, 2, 3) for c in (1, 2, 3)]
    explorer.keyboard.press("End")
    assert _selected(explorer) == (3, 3)
    explorer.click("#explorer-next")  # wraps around to the first cell
    assert _selected(explorer) == (0, 0)
    explorer.click("#explorer-play")
    explorer.wait_for_function(
        "() => document.querySelector('#explorer-output-grid rect.cx-current')"
        ".getAttribute('data-c') !== '0'",
        timeout=5000,
    )
    explorer.click("#explorer-play")  # pause
    assert explorer.get_attribute("#explorer-play", "aria-pressed") == "false"


def test_never_read_rows_and_formula(explorer: Any) -> None:
    """Stride 3 over 7 cells with a 3-cell kernel never reads the last input row."""
    Typist(explorer).set(in_size=7, kernel_size=3, stride=3, padding=0, dilation=1)
    assert re.search(r"never read: 6\b", explorer.inner_text("#explorer-unread"))
    assert explorer.locator("#explorer-input-grid rect.cx-unread").count() == 13  # row 6 + column 6
    formula = explorer.inner_text("#explorer-formula")
    assert "(7 + 0 + 0 − 1·(3 − 1) − 1) / 3" in formula and "= 2" in formula


def test_framework_names(explorer: Any) -> None:
    """ "same" with stride 2 is TensorFlow's alone; PyTorch's padding="same" refuses it."""
    typist = Typist(explorer)
    typist.set(in_size=10, kernel_size=3, stride=2, padding="same", dilation=1)
    text = explorer.inner_text("#explorer-frameworks")
    assert "REFUSED" in text.upper() and "F.pad(x, (0, 1, 0, 1))" in text
    assert 'padding="same"' in text
    typist.set(stride=1)
    assert "REFUSED" not in explorer.inner_text("#explorer-frameworks").upper()


def test_phone_screen(watched: Any, base_url: str) -> None:
    """On a 390-pixel-wide screen nothing overflows sideways and the grids are drawn."""
    page, watch = watched(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page.goto(base_url + "explorer.html", wait_until="load")
    page.locator("#explorer.cx-ready").wait_for()
    for settings in ({}, {"in_size": 20, "kernel_size": 5, "padding": "full"}):
        Typist(page).set(**settings)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        box = page.locator("#explorer-input-grid svg").bounding_box()
        assert box and box["width"] > 100 and box["x"] + box["width"] <= 390
    page.tap('#explorer-output-grid rect[data-r="0"][data-c="1"]')
    assert _selected(page) == (0, 1)
    assert not watch.page_errors, watch.page_errors


def test_large_settings_keep_the_numbers(explorer: Any) -> None:
    """Too many cells to draw: the size is still exact, and the page says why no grid is drawn."""
    Typist(explorer).set(in_size=224, kernel_size=7, stride=2, padding=3, dilation=1)
    assert Typist(explorer).output() == str(convlib.conv_output_size(224, 7, 2, 3))
    assert explorer.locator("#explorer-too-large").is_visible()
    assert "drawn up to" in explorer.inner_text("#explorer-too-large")
