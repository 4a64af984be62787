"""convlib.viz: the pictures compute what convlib computes, stay light, and refuse bad input."""

from __future__ import annotations

import itertools
import subprocess
import sys

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import convlib  # noqa: E402
from convlib import viz  # noqa: E402

RNG = np.random.default_rng(2026)
SOBEL = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]])


def small_ints(*shape: int) -> np.ndarray:
    return RNG.integers(-3, 4, size=shape)


@pytest.mark.parametrize(
    ("kernel", "stride", "padding", "dilation"),
    [
        (SOBEL, 1, 0, 1),
        (SOBEL[:, :2], 1, ((0, 1), (1, 0)), 1),
        (SOBEL, 2, 1, 1),
        (SOBEL, 2, "same", 1),
        (SOBEL[:2, 1:], 1, "full", 1),
        (SOBEL, 1, ((1, 1), (1, 0)), 2),
        (SOBEL, 2, ((1, 0), (0, 1)), 1),
    ],
)
def test_conv_animation_fills_conv2d_output(kernel, stride, padding, dilation):
    x = small_ints(3, 4)
    anim = viz.animate_windows(x, kernel, stride=stride, padding=padding, dilation=dilation)
    expected = convlib.conv2d(
        x[None, None], kernel[None, None], stride=stride, padding=padding, dilation=dilation
    )[0, 0]
    np.testing.assert_array_equal(anim.output, expected)
    assert len(anim.frames) == expected.size
    # the window moves: no two consecutive frames are the same picture
    pictures = [np.asarray(frame) for frame in anim.frames]
    assert all(not np.array_equal(a, b) for a, b in itertools.pairwise(pictures))
    assert anim.still is anim.frames[-1]


@pytest.mark.parametrize(("stride", "padding"), [(1, 0), (2, 0), (2, 1), (3, ((1, 0), (0, 2)))])
def test_transposed_animation_fills_conv_transpose2d_output(stride, padding):
    x = small_ints(2, 2)
    w = small_ints(3, 2)
    anim = viz.animate_windows(x, w, op="transpose", stride=stride, padding=padding)
    expected = convlib.conv_transpose2d(
        x[None, None], w[None, None], stride=stride, padding=padding
    )[0, 0]
    np.testing.assert_array_equal(anim.output, expected)
    assert len(anim.frames) == expected.size
    assert "transposed convolution" in anim.alt


@pytest.mark.parametrize(("op", "pool"), [("max", convlib.max_pool2d), ("avg", convlib.avg_pool2d)])
@pytest.mark.parametrize(("size", "stride", "padding"), [(2, 2, 0), (3, 2, 1), ((2, 3), 2, 0)])
def test_pooling_animation_fills_pool_output(op, pool, size, stride, padding):
    x = RNG.normal(size=(5, 6))
    anim = viz.animate_windows(x, size, op=op, stride=stride, padding=padding)
    expected = pool(x[None, None], size, stride=stride, padding=padding)[0, 0]
    np.testing.assert_allclose(anim.output, expected, rtol=1e-12)
    assert len(anim.frames) == expected.size


def test_shape_only_animation_draws_no_numbers_and_says_what_it_shows():
    anim = viz.animate_windows((5, 5), 3, stride=2, padding=1)
    assert anim.output.shape == (3, 3)
    assert anim.alt == (
        "A 3x3 kernel slides over a 5x5 input with stride 2 and padding 1, "
        "filling a 3x3 output one element per frame."
    )
    custom = viz.animate_windows((4, 4), 3, alt="Valid padding.")
    assert custom.alt == "Valid padding."


def test_animation_is_light_hidpi_and_accessible():
    anim = viz.animate_windows(small_ints(3, 3), SOBEL, padding=1)
    webp = anim.to_bytes()
    assert webp[:4] == b"RIFF" and webp[8:12] == b"WEBP"
    assert len(webp) <= 300_000
    assert anim.to_bytes("png")[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = anim.size
    assert anim.still.size == (2 * width, 2 * height)  # drawn at twice the shown size
    html = anim._repr_html_()
    assert html.startswith('<picture class="convlib-animation">')
    assert 'media="(prefers-reduced-motion: reduce)"' in html
    assert 'srcset="data:image/png;base64,' in html
    assert f'width="{width}" height="{height}"' in html
    assert 'alt="A 3x3 kernel slides over a 3x3 input' in html


def test_save_picks_the_format_from_the_suffix(tmp_path):
    anim = viz.animate_windows((3, 3), 2)
    assert anim.save(tmp_path / "a.webp").read_bytes()[8:12] == b"WEBP"
    assert anim.save(tmp_path / "a.png").read_bytes()[:4] == b"\x89PNG"
    assert anim.save(tmp_path / "a.gif").read_bytes()[:6] == b"GIF89a"
    with pytest.raises(ValueError, match=r"to_bytes: format must be 'webp', 'gif' or 'png'"):
        anim.to_bytes("bmp")


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (((4, 4), 3), {"op": "dilate"}, r"animate_windows: op must be one of"),
        (((4, 4), 5), {}, r"animate_windows: the kernel spans 5x5 elements but the padded"),
        (((4, 4), 2), {"op": "avg", "dilation": 2}, r"average pooling has no dilation"),
        (((4, 4), 0), {}, r"animate_windows: kernel must be positive"),
        (((4, 4), 3), {"stride": 1.5}, r"animate_windows: stride must be a positive int"),
        ((np.zeros((2, 2, 2)), SOBEL), {}, r"animate_windows: x must be a non-empty 2-D array"),
        ((np.zeros((30, 30)), SOBEL), {}, r"animate_windows: x must have at most 400 elements"),
        (
            (np.ones((2, 2)), SOBEL),
            {"op": "transpose", "padding": 3},
            r"animate_windows: conv_transpose2d: padding 3\+3 removes",
        ),
    ],
)
def test_bad_settings_are_refused_clearly(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        viz.animate_windows(*args, **kwargs)


def test_draw_grid_marks_padding_and_highlight():
    fig, ax = plt.subplots()
    mask = np.zeros((4, 4), bool)
    mask[1, 1] = True
    cells = viz.draw_grid(ax, np.arange(16).reshape(4, 4), pads=1, highlight=mask)
    faces = cells.get_facecolors().reshape(4, 4, 4)
    to_rgba = matplotlib.colors.to_rgba
    np.testing.assert_allclose(faces[0, 0], to_rgba(viz.COLORS["padding"]))
    np.testing.assert_allclose(faces[1, 1], to_rgba(viz.COLORS["window"]))
    np.testing.assert_allclose(faces[2, 2], to_rgba(viz.COLORS["input"]))
    assert ax.get_ylim()[0] > ax.get_ylim()[1]  # row 0 on top
    with pytest.raises(ValueError, match=r"draw_grid: highlight must have the shape"):
        viz.draw_grid(ax, np.ones((2, 2)), highlight=np.ones((3, 3), bool))
    with pytest.raises(ValueError, match=r"draw_grid: pads must be an int or"):
        viz.draw_grid(ax, np.ones((2, 2)), pads="wide")
    with pytest.raises(TypeError, match=r"draw_grid: values must hold numbers"):
        viz.draw_grid(ax, np.array([["a"]]))
    plt.close(fig)


def test_show_images_lays_out_rows_and_checks_titles():
    fig, axes = viz.show_images([np.eye(3)] * 5, [str(n) for n in range(5)], ncols=3)
    assert axes.shape == (2, 3)
    assert fig.get_size_inches()[0] == pytest.approx(7.5)
    plt.close(fig)
    with pytest.raises(ValueError, match=r"show_images: titles must have one title per image"):
        viz.show_images([np.eye(2)], ["a", "b"])
    with pytest.raises(ValueError, match=r"show_images: images must hold at least one"):
        viz.show_images([])
    with pytest.raises(ValueError, match=r"show_images: images\[0\] \(2-D, or \(H, W, 3\)"):
        viz.show_images([np.zeros((2, 2, 2))])
    fig, axes = viz.show_images([np.ones((4, 4, 3)) * 2, np.eye(4)])
    assert axes[0].images[0].get_array().max() == 1.0  # colour clipped to [0, 1]
    plt.close(fig)


def test_draw_receptive_field_outlines_the_field_of_one_unit():
    layers = [convlib.Layer(3, stride=2, padding=1), convlib.Layer(3)]
    field = convlib.receptive_field(layers)
    fig, ax = plt.subplots()
    box = viz.draw_receptive_field(ax, np.zeros((16, 16)), field, (3, 4))
    top, _ = field.span(3)
    left, _ = field.span(4)
    assert box.get_xy() == (left - 0.5, top - 0.5)
    assert box.get_width() == box.get_height() == field.size
    with pytest.raises(TypeError, match=r"draw_receptive_field: field must be what"):
        viz.draw_receptive_field(ax, np.zeros((4, 4)), (3, 1), (0, 0))
    plt.close(fig)


def test_convlib_alone_does_not_import_matplotlib():
    code = "import sys, convlib; convlib.conv2d([[[[1.0]]]], [[[[1.0]]]]); "
    code += "print('matplotlib' in sys.modules, 'PIL' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "False"]


def test_grids_can_share_one_colour_scale_and_fields_can_share_one_image():
    fig, (left, right) = plt.subplots(1, 2)
    a = viz.draw_grid(left, [[0, 1]], cmap="viridis", vmin=0, vmax=2)
    b = viz.draw_grid(right, [[1, 2]], cmap="viridis", vmin=0, vmax=2)
    # the value 1 has one colour in both grids
    np.testing.assert_allclose(a.get_facecolors()[1], b.get_facecolors()[0])
    field = convlib.receptive_field([convlib.Layer(3)])
    ax = fig.add_subplot()
    viz.draw_receptive_field(ax, np.zeros((6, 6)), field, (1, 1), label="")
    viz.draw_receptive_field(ax, np.zeros((6, 6)), field, (3, 3), draw_image=False)
    assert len(ax.images) == 1 and len(ax.patches) == 2
    assert [t.get_text() for t in ax.texts] == ["3x3 field"]
    plt.close(fig)
