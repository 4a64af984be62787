"""The interactive explorer (docs/explorer.md) in Chromium.

Settings are typed into the page's fields, as a reader would, and the output
size it shows is compared with convlib's own arithmetic; bad values must give a
message in the page, never a JavaScript error, a blank grid or a stale text.
Padding is read as convlib reads it, and the numbers the explorer shows for a
small example are convlib's.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import numpy as np
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
    page.uncheck("#explorer-values")
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
    assert explorer.get_by_role("button", name="Pause", exact=True).is_visible()
    explorer.click("#explorer-play")  # pause
    assert explorer.get_by_role("button", name="Play", exact=True).is_visible()


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


# Every text the explorer derives from the settings (ids of the elements that hold one).
DERIVED = [
    "explorer-output-shape",
    "explorer-padding-read",
    "explorer-window",
    "explorer-sum",
    "explorer-formula",
    "explorer-unread",
    "explorer-frameworks",
    "explorer-input-caption",
    "explorer-output-caption",
    "explorer-too-large",
]


def _derived(page: Any) -> dict[str, str]:
    """The derived texts a reader sees (hidden elements count as empty)."""
    return page.evaluate(
        """(ids) => Object.fromEntries(ids.map(id => {
            const el = document.getElementById(id);
            return [id, el.offsetParent === null ? '' : el.innerText.trim()];
        }))""",
        DERIVED,
    )


@pytest.mark.parametrize(
    ("field", "value"), [("in_size", "abc"), ("padding", "(1, 2, 3)"), ("dilation", "9")]
)
def test_bad_value_leaves_no_stale_text(explorer: Any, field: str, value: str) -> None:
    """After a bad value, no "(9x9 input -> 3x3 output)" stays next to "Output size: —"."""
    typist = Typist(explorer)
    typist.set(in_size=9, kernel_size=3, stride=3, padding=0, dilation=1)
    before = _derived(explorer)
    assert "9×9 input → 3×3 output" in before["explorer-output-shape"]
    assert before["explorer-formula"] and before["explorer-frameworks"]
    typist.set(**{field: value})
    assert typist.output() == "—" and typist.message()
    stale = {k: v for k, v in _derived(explorer).items() if v}
    assert not stale, stale
    # And the texts come back, updated, with a good value.
    typist.set(**{field: {"in_size": 9, "padding": 0, "dilation": 1}[field]})
    assert _derived(explorer)["explorer-output-shape"] == "(9×9 input → 3×3 output)"


def _grid_shape(page: Any, grid: str) -> tuple[int, int]:
    cells = page.locator(f"#explorer-{grid}-grid rect.cx-cell").all()
    rows = {int(c.get_attribute("data-r")) for c in cells}
    cols = {int(c.get_attribute("data-c")) for c in cells}
    return len(rows), len(cols)


# (typed padding, (top, bottom), (left, right)): the forms convlib.normalize_padding
# takes per axis, and a bare pair read as one axis's (before, after) for both axes, as
# convlib.conv_output_size reads it.
PADDINGS = [
    ("(1, 2)", (1, 2), (1, 2)),
    ("1, 2", (1, 2), (1, 2)),
    ("[0, 1]", (0, 1), (0, 1)),
    ("((0, 1), (2, 0))", (0, 1), (2, 0)),
    ("(1, (0, 2))", (1, 1), (0, 2)),
    ("((2, 2), (1, 1))", (2, 2), (1, 1)),
]


@pytest.mark.parametrize(("typed", "rows", "cols"), PADDINGS)
def test_before_after_padding(explorer: Any, typed: str, rows: tuple, cols: tuple) -> None:
    """(before, after) padding: sizes, drawn grids and the PyTorch call agree with convlib."""
    size, k, s = 7, 3, 2
    Typist(explorer).set(in_size=size, kernel_size=k, stride=s, padding=typed, dilation=1)
    out_r = convlib.conv_output_size(size, k, s, rows)
    out_c = convlib.conv_output_size(size, k, s, cols)
    y = convlib.conv2d(np.ones((1, 1, size, size)), np.ones((1, 1, k, k)), stride=s,
                       padding=(rows, cols))  # fmt: skip
    assert y.shape[-2:] == (out_r, out_c)
    want = str(out_r) if out_r == out_c else f"{out_r} × {out_c}"
    assert tuple(Typist(explorer).shown()) == (want, None)
    assert _grid_shape(explorer, "input") == (size + sum(rows), size + sum(cols))
    assert _grid_shape(explorer, "output") == (out_r, out_c)
    read = explorer.inner_text("#explorer-padding-read").replace("\xa0", " ")
    said = f"{rows} on rows, {cols} on columns"
    if rows == cols:
        said = f"{rows} on rows and on columns"
    assert said in read, read
    frameworks = explorer.inner_text("#explorer-frameworks")
    if rows[0] != rows[1] or cols[0] != cols[1]:
        # PyTorch's Conv2d pads both sides alike: F.pad (last axis first), then padding=0.
        assert f"F.pad(x, ({cols[0]}, {cols[1]}, {rows[0]}, {rows[1]}))" in frameworks
        assert f"padding=({rows}, {cols})".replace(" ", "") in frameworks.replace(" ", "")
    else:
        assert f"padding=({rows[0]}, {cols[0]})" in frameworks
    if typed in ("(1, 2)", "1, 2"):
        # conv2d and PyTorch read padding=(1, 2) as (rows, columns): the page says so.
        assert "as 1 on rows and 2 on columns" in read


def test_before_after_padding_transposed(explorer: Any) -> None:
    explorer.check("#explorer-transposed")
    Typist(explorer).set(in_size=4, kernel_size=3, stride=2, padding="((1, 0), (0, 2))", dilation=1)
    out_r = convlib.conv_transpose_output_size(4, 3, 2, (1, 0))
    out_c = convlib.conv_transpose_output_size(4, 3, 2, (0, 2))
    assert tuple(Typist(explorer).shown()) == (f"{out_r} × {out_c}", None)
    assert _grid_shape(explorer, "output") == (out_r, out_c)
    assert f"y[:, :, 1:{out_r + 1}, 0:{out_c}]" in explorer.inner_text("#explorer-frameworks")


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("(1, 2, 3)", "3 entries"),
        ("(0, 1, 0, 1)", "((0, 1), (0, 1))"),  # F.pad's order, rewritten as (rows, columns)
        ("((1, 2, 3), 0)", "rows"),
        ("(1, -2)", "0 or more"),
        ("(1, 2", "Padding must be"),
        ("(1; 2)", "Padding must be"),
    ],
)
def test_bad_padding_text(explorer: Any, typed: str, says: str) -> None:
    typist = Typist(explorer)
    typist.set(padding=typed)
    message = typist.message()
    assert message and says in message, message
    assert typist.output() == "—"
    assert explorer.locator("#explorer-grids").is_hidden()


def _values(page: Any, grid: str, kind: str = "") -> np.ndarray:
    """The numbers of one grid's cells (of one kind, e.g. "cx-in"), as a matrix."""
    cells = page.evaluate(
        """([grid, kind]) => [...document.querySelectorAll(
                '#explorer-' + grid + '-grid rect.cx-cell' + (kind ? '.' + kind : ''))]
            .map(r => [+r.dataset.r, +r.dataset.c, +r.dataset.v])""",
        [grid, kind],
    )
    rows = sorted({r for r, _, _ in cells})
    cols = sorted({c for _, c, _ in cells})
    out = np.zeros((len(rows), len(cols)))
    for r, c, v in cells:
        out[rows.index(r), cols.index(c)] = v
    return out


def _sum_of_products(page: Any) -> tuple[list[tuple[int, int]], int]:
    """The selected output's products (input, weight) and the value after "=" ."""
    text = page.inner_text("#explorer-sum").replace("−", "-")
    _, rest = text.split(") = ", 1)
    products, value = rest.rsplit(" = ", 1)
    pairs = [
        (int(a), int(b.strip("()")))
        for a, b in (term.split("×") for term in products.split(" + "))
    ]  # fmt: skip
    return pairs, int(value.split()[0])


def test_values_mode_sums_equal_convlib(explorer: Any) -> None:
    """Numbers mode: every output shown is convlib's, and a cell's sum of products is its value."""
    size, k, s, d, pads = 6, 3, 2, 1, ((1, 0), (0, 1))
    Typist(explorer).set(in_size=size, kernel_size=k, stride=s, padding=str(pads), dilation=d)
    explorer.check("#explorer-values")
    x = _values(explorer, "input", "cx-in")
    w = _values(explorer, "kernel")
    y = _values(explorer, "output")
    assert x.shape == (size, size) and w.shape == (k, k)
    assert x.min() >= 0 and x.max() <= 4 and w.min() >= -1 and w.max() <= 2  # small integers
    want = convlib.conv2d(x[None, None], w[None, None], stride=s, padding=pads, dilation=d)[0, 0]
    np.testing.assert_array_equal(y, want)
    explorer.hover('#explorer-output-grid rect[data-r="1"][data-c="2"]')
    pairs, value = _sum_of_products(explorer)
    assert len(pairs) == k * k
    assert sum(a * b for a, b in pairs) == value == want[1, 2]
    padded = np.pad(x, pads)
    window = padded[1 * s : 1 * s + k, 2 * s : 2 * s + k]  # rows 2-4, columns 4-6 of the padded
    assert [a for a, _ in pairs] == window.ravel().tolist()
    assert [b for _, b in pairs] == w.ravel().tolist()
    # The numbers are seeded: the same after a reload of the settings, others on request.
    Typist(explorer).set(stride=1)
    np.testing.assert_array_equal(_values(explorer, "input", "cx-in"), x)
    explorer.click("#explorer-reseed")
    assert not np.array_equal(_values(explorer, "input", "cx-in"), x)


def test_values_mode_transposed(explorer: Any) -> None:
    """Transposed: the kernel shown is the one applied (flipped); outputs are convlib's."""
    explorer.check("#explorer-transposed")
    Typist(explorer).set(in_size=3, kernel_size=2, stride=2, padding=0, dilation=1)
    explorer.check("#explorer-values")
    x = _values(explorer, "input", "cx-in")
    flipped = _values(explorer, "kernel")
    y = _values(explorer, "output")
    want = convlib.conv_transpose2d(x[None, None], flipped[::-1, ::-1][None, None], stride=2)
    np.testing.assert_array_equal(y, want[0, 0])
    explorer.hover('#explorer-output-grid rect[data-r="2"][data-c="1"]')
    pairs, value = _sum_of_products(explorer)
    assert sum(a * b for a, b in pairs) == value == y[2, 1]


def test_values_toggle_only_for_small_grids(explorer: Any) -> None:
    typist = Typist(explorer)
    typist.set(in_size=11)
    assert explorer.locator("#explorer-values").is_disabled()
    assert "up to 10×10" in explorer.inner_text("#explorer-values-reason")
    typist.set(in_size=10)
    assert explorer.locator("#explorer-values").is_enabled()
    explorer.check("#explorer-values")
    assert explorer.locator("#explorer-kernel-grid svg").is_visible()
    typist.set(in_size=30)  # too large: the numbers go, with the reason
    assert explorer.locator("#explorer-values").is_disabled()
    assert explorer.locator("#explorer-kernel-figure").is_hidden()
    assert explorer.locator("#explorer-sum").is_hidden()


def test_controls_are_named_as_they_read(explorer: Any) -> None:
    """Buttons' accessible names are their visible text; every field has a label."""
    explorer.check("#explorer-values")  # shows the New numbers button
    for name in ("Previous cell", "Play", "Next cell", "New numbers"):
        button = explorer.get_by_role("button", name=name, exact=True)
        assert button.count() == 1, name
        assert button.get_attribute("aria-label") is None, name
    for button in explorer.locator("#explorer button").all():
        if button.is_visible():
            shown = button.inner_text().replace("◀", "").replace("▶", "").strip()
            assert explorer.get_by_role("button", name=shown, exact=True).count() == 1, shown
    unlabelled = explorer.evaluate(
        """() => [...document.querySelectorAll('#explorer input')]
            .filter(i => i.labels.length === 0).map(i => i.id)"""
    )
    assert not unlabelled, unlabelled


def test_checks_are_folded_below_the_prose(explorer_page: Any) -> None:
    """The page's proof cells are folded (hide-cell), after the explorer and the prose."""
    page, _ = explorer_page
    layout = page.evaluate(
        """() => {
            const section = document.getElementById('checked-against-the-frameworks');
            const cells = [...document.querySelectorAll('div.cell')];
            const explorer = document.getElementById('explorer');
            return {
                section: !!section,
                cells: cells.length,
                outside: cells.filter(c => !section || !section.contains(c)).length,
                unfolded: cells.filter(c => !c.classList.contains('tag_hide-cell')).length,
                open: cells.filter(c => c.querySelector('details[open]')).length,
                visibleCode: cells.filter(c => {
                    const code = c.querySelector('.cell_input');
                    return code && code.checkVisibility();
                }).length,
                prompts: cells.map(c => c.querySelector('summary').innerText.trim()),
                explorerFirst: cells.every(c =>
                    explorer.compareDocumentPosition(c) & Node.DOCUMENT_POSITION_FOLLOWING),
                prose: section ? section.querySelectorAll(':scope > p').length : 0,
            };
        }"""
    )
    assert layout["section"], "no section 'Checked against the frameworks'"
    assert layout["cells"] >= 5
    assert layout["outside"] == 0 and layout["unfolded"] == 0, layout
    assert layout["open"] == 0 and layout["visibleCode"] == 0, layout
    assert all(p.startswith("Show the") for p in layout["prompts"]), layout["prompts"]
    assert layout["explorerFirst"] and layout["prose"] >= layout["cells"] - 1, layout


def test_previous_and_next_follow_the_reading_order(explorer_page: Any) -> None:
    """The explorer sits after the concepts: its Previous is the last concept page, not the API."""
    page, _ = explorer_page
    previous, following = page.evaluate(
        """() => ['a.left-prev', 'a.right-next'].map(
            s => document.querySelector(s)?.getAttribute('href') ?? '')"""
    )
    assert previous.startswith("concepts/") and "api/" not in previous, previous
    assert following == "howto/index.html", following
