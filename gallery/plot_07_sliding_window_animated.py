"""
The sliding window, animated
============================

Watch the kernel slide over the input and fill the output, one window at a
time, in four animations: zero **padding**, a **stride** of 2, a **dilation**
of 2, and the **transposed** convolution that upsamples. Every frame labels
which grid is the input (with its padding drawn differently) and which is the
output, and every number drawn comes from :func:`convlib.conv2d` and
:func:`convlib.conv_transpose2d`. You will learn to read the output size off
the picture and to see why a transposed convolution makes its output larger.

Press play under each animation (or run the script, which opens one window per
animation).
"""

# %%
# Setup
# -----
# Small integer grids keep every value readable. Integer inputs make convlib
# compute exactly in ``int64``, so the animations show exact numbers. This cell
# and the next hold the drawing code; the first animation follows them.

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.animation import FuncAnimation
from matplotlib.collections import PatchCollection, PathCollection
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Rectangle
from matplotlib.textpath import TextPath
from matplotlib.transforms import Affine2D, IdentityTransform

import convlib

rng = np.random.default_rng(7)
# Sobel kernel: responds to vertical edges
kernel = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]])
print(f"kernel {kernel.shape}:")
print(kernel)

# Colours used in every animation.
PAD_FACE = "#cfcfcf"  # padding: grey, value 0 in grey italics
WINDOW_FACE = "#ffb74d"  # input cells read in this frame
WINDOW_PAD_FACE = "#ffe0b2"  # padding cells read in this frame
DONE_FACE = "#cfe3f7"  # output cells already computed
CURRENT_FACE = "#ff7043"  # output cell computed in this frame
OUTLINE = {"fill": False, "edgecolor": "#d84315", "linewidth": 3}
MONO = {"ha": "center", "fontsize": 10, "family": "monospace"}


# half the height of a digit, in points: numbers are centred on it
zero = TextPath((0, 0), "0", prop=FontProperties(size=10)).get_extents()
DIGIT_MIDDLE = (zero.y0 + zero.y1) / 2


def number_shapes(ax, values, hidden=None, pad_mask=None):
    """Draw the numbers of a grid as one collection of shapes; return it.

    Each animation frame redraws the whole figure; one collection of number
    shapes draws several times faster than one text object per cell.
    ``hidden`` cells get no number.
    """
    shape = values.shape
    hidden = np.zeros(shape, bool) if hidden is None else hidden
    pad_mask = np.zeros(shape, bool) if pad_mask is None else pad_mask
    paths, centres, colours = [], [], []
    for (i, j), value in np.ndenumerate(values):
        style = "italic" if pad_mask[i, j] else "normal"
        font = FontProperties(size=10, style=style)
        path = TextPath((0, 0), f"{value:g}", prop=font)
        box = path.get_extents()
        # centre the number on the cell (in points)
        shift = Affine2D().translate(-(box.x0 + box.x1) / 2, -DIGIT_MIDDLE)
        paths.append(shift.transform_path(path))
        centres.append((j + 0.5, i + 0.5))
        colour = "#777" if pad_mask[i, j] else "black"
        colours.append("none" if hidden[i, j] else colour)
    # offsets in data coordinates, shapes in points (sizes=1: no scaling)
    numbers = PathCollection(
        paths,
        sizes=[1.0],
        offsets=centres,
        offset_transform=ax.transData,
        facecolors=colours,
        edgecolors="none",
        transform=IdentityTransform(),
    )
    ax.add_collection(numbers, autolim=False)
    return numbers


def draw_grid(ax, values, title, pad_mask=None, hidden=None):
    """Draw ``values`` as a grid of numbered cells; return cells and numbers.

    ``cells`` is one collection of squares, row by row, whose colours the
    animations change with ``cells.set_facecolor``.
    """
    rows, cols = values.shape
    pad_mask = np.zeros(values.shape, bool) if pad_mask is None else pad_mask
    squares = [Rectangle((j, i), 1, 1) for i, j in np.ndindex(rows, cols)]
    cells = PatchCollection(squares, edgecolors="#555")
    cells.set_facecolor(np.where(pad_mask, PAD_FACE, "white").ravel())
    ax.add_collection(cells)
    numbers = number_shapes(ax, values, hidden, pad_mask)
    ax.set_xlim(-0.1, cols + 0.1)
    ax.set_ylim(rows + 0.1, -0.1)  # row 0 on top, as in an array
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_title(title, fontsize=11)
    return cells, numbers


def three_panels(widths):
    """A figure for kernel, input and output grids of the given widths."""
    return plt.subplots(1, 3, figsize=(8, 3.8), dpi=90, width_ratios=widths)


# %%
# One function animates any convolution
# -------------------------------------
# :func:`convlib.normalize_padding` turns the padding argument into explicit
# ``(before, after)`` pairs, so the padded input can be drawn.
# :func:`convlib.sliding_windows` gives the window under every output cell,
# exactly the cells highlighted in each frame; the function checks that each
# window times the kernel, summed, is the value :func:`convlib.conv2d` returns.


def animate_conv(x, w, *, stride=1, padding=0, dilation=1, headline=""):
    """Animate ``conv2d(x, w)`` for one 2-D image and one kernel."""
    strides, dilations = (stride, stride), (dilation, dilation)
    pads = convlib.normalize_padding(
        padding,
        x.shape,
        w.shape,
        strides,
        dilations,
    )
    x_pad = np.pad(x, pads)
    pad_mask = np.pad(np.zeros(x.shape, bool), pads, constant_values=True)
    y = convlib.conv2d(
        x[None, None],
        w[None, None],
        stride=stride,
        padding=padding,
        dilation=dilation,
    )[0, 0]
    # (h_out, w_out, kh, kw): the window of the padded input under each
    # output cell
    windows = convlib.sliding_windows(x_pad, w.shape, strides, dilations)
    assert windows.shape[:2] == y.shape
    np.testing.assert_array_equal((windows * w).sum(axis=(-2, -1)), y)

    kh, kw = w.shape
    h_out, w_out = y.shape
    h_pad, w_pad = x_pad.shape
    fig, (ax_k, ax_in, ax_out) = three_panels([kw, w_pad, max(w_out, 3)])
    draw_grid(ax_k, w, "kernel")
    in_title = f"input (padded by {pads[0][0]}), {h_pad}x{w_pad}"
    in_cells, _ = draw_grid(ax_in, x_pad, in_title, pad_mask)
    out_title = f"output, {h_out}x{w_out}"
    no_numbers = np.ones(y.shape, bool)
    out_cells, _ = draw_grid(ax_out, y, out_title, hidden=no_numbers)
    # the output's numbers after each frame: the cells computed so far
    order = np.arange(h_out * w_out).reshape(y.shape)
    shown = [number_shapes(ax_out, y, order > k) for k in range(order.size)]
    fig.suptitle(headline, fontsize=12)
    fig.subplots_adjust(top=0.84, bottom=0.12)
    formula = fig.text(0.5, 0.04, "", **MONO)
    outline = Rectangle((0, 0), 1, 1, **OUTLINE)
    ax_in.add_patch(outline)
    span_h, span_w = dilation * (kh - 1) + 1, dilation * (kw - 1) + 1

    def update(frame):
        i, j = divmod(frame, w_out)
        top, left = i * stride, j * stride
        faces = np.where(pad_mask, PAD_FACE, "white").astype(object)
        terms = []
        for p in range(kh):
            for q in range(kw):
                r, c = top + p * dilation, left + q * dilation
                is_pad = pad_mask[r, c]
                faces[r, c] = WINDOW_PAD_FACE if is_pad else WINDOW_FACE
                terms.append(f"{x_pad[r, c]:g}*{w[p, q]:g}")
        in_cells.set_facecolor(faces.ravel())
        outline.set_bounds(left, top, span_w, span_h)
        faces = np.where(order <= frame, DONE_FACE, "white").astype(object)
        faces[i, j] = CURRENT_FACE
        out_cells.set_facecolor(faces.ravel())
        for k, numbers in enumerate(shown):
            numbers.set_visible(k == frame)
        sum_text = " + ".join(terms)
        formula.set_text(f"output[{i}, {j}] = {sum_text} = {y[i, j]:g}")
        return []

    frames = h_out * w_out
    animation = FuncAnimation(fig, update, frames=frames, interval=700)
    update(0)
    return animation, y


# %%
# Padding: the output keeps the input's size
# ------------------------------------------
# A small input, the 3x3 kernel, one ring of zeros (``padding=1``) and stride
# 1. The grey ring is the padding: the kernel reads it as zeros (pale orange
# where the window covers it). Along each axis the output has
# ``floor((in + p_before + p_after - dilation*(k - 1) - 1) / stride) + 1``
# cells; :func:`convlib.conv_output_size` evaluates it. With ``k = 3``,
# ``padding=1`` and stride 1 that is ``in`` again, whatever the input's size
# (checked below for a range of sizes).

image = rng.integers(0, 10, size=(4, 4))
k = kernel.shape[0]
size = convlib.conv_output_size(image.shape[0], k, stride=1, padding=1)
anim_padding, y_padding = animate_conv(
    image,
    kernel,
    padding=1,
    headline=f"padding=1, stride=1: a {image.shape[0]}x{image.shape[1]} input "
    f"gives a {size}x{size} output",
)
print("output size:", size, "per axis")
print(y_padding)
assert y_padding.shape == image.shape == (size, size)
sizes = range(1, 21)
assert all(convlib.conv_output_size(n, k, stride=1, padding=1) == n for n in sizes)
print(f"padding=1, stride 1, k={k}: output size == input size for inputs {sizes[0]} to {sizes[-1]}")

# %%
# Stride: the window jumps
# ------------------------
# With ``stride=2`` the window moves two cells at a time. With ``padding=1``
# the input would keep its size at stride 1; at stride 2 only every other
# position is computed (both sizes are printed below).

image5 = rng.integers(0, 10, size=(5, 5))
size = convlib.conv_output_size(image5.shape[0], k, stride=2, padding=1)
size_1 = convlib.conv_output_size(image5.shape[0], k, stride=1, padding=1)
anim_stride, y_stride = animate_conv(
    image5,
    kernel,
    stride=2,
    padding=1,
    headline=f"stride=2, padding=1: a {image5.shape[0]}x{image5.shape[1]} input "
    f"gives a {size}x{size} output",
)
print("output size:", size, "per axis; at stride 1 it would be", size_1)
print(y_stride)
assert y_stride.shape == (size, size) and size_1 == image5.shape[0]
assert size == (size_1 - 1) // 2 + 1  # every other position of the stride-1 output

# %%
# Dilation: gaps between the taps
# -------------------------------
# ``dilation=2`` leaves ``dilation - 1`` cells between the kernel's taps: the
# same weights now span ``dilation*(k - 1) + 1`` cells per axis (printed
# below). The orange cells are the ones read; the outline shows the span. No
# padding here, so the output is the input's size minus the span, plus one.

dilation = 2
span = dilation * (k - 1) + 1
print(f"span: dilation*(k - 1) + 1 = {dilation}*({k} - 1) + 1 = {span} cells")
image7 = rng.integers(0, 10, size=(7, 7))
size = convlib.conv_output_size(image7.shape[0], k, dilation=dilation)
anim_dilation, y_dilation = animate_conv(
    image7,
    kernel,
    dilation=dilation,
    headline=f"dilation={dilation}, no padding: a {image7.shape[0]}x{image7.shape[1]} input "
    f"gives a {size}x{size} output",
)
print("output size:", size, "per axis")
print(y_dilation)
assert y_dilation.shape == (size, size) and size == image7.shape[0] - span + 1

# %%
# Transposed convolution: each input value stamps the kernel
# ----------------------------------------------------------
# A transposed convolution runs the other way round. Each *input* value
# scales a copy of the kernel and adds it into the output, at positions
# ``stride`` apart; where copies overlap, they add up. With ``stride=2`` an
# input of ``i`` cells per axis grows to ``(i - 1)*stride + k`` cells
# (evaluated below), which is how decoders and generators upsample.
#
# The kernel here is the "tent" ``[1, 2, 1]`` times its transpose. Each frame
# shows the running sum after one more input value has been stamped: the
# transposed convolution of the input with the later values set to zero,
# computed by :func:`convlib.conv_transpose2d`. Its weight layout is
# ``(C_in, C_out, kh, kw)`` and its input ``(N, C_in, H, W)``, so a single
# 2-D grid ``g`` goes in as ``g[None, None]``.


def conv_t(x, w, stride):
    """conv_transpose2d of one 2-D grid with one 2-D kernel."""
    y = convlib.conv_transpose2d(x[None, None], w[None, None], stride=stride)
    return y[0, 0]


def animate_conv_transpose(x, w, *, stride, headline=""):
    """Animate ``conv_transpose2d(x, w)`` as input values stamping kernels."""
    kh, kw = w.shape
    h_in, w_in = x.shape
    y = conv_t(x, w, stride)
    partial, covered = [], []
    for frame in range(h_in * w_in):
        mask = (np.arange(h_in * w_in) <= frame).reshape(x.shape)
        partial.append(conv_t(x * mask, w, stride))
        # output cells reached by some stamp so far
        covered.append(conv_t(mask.astype(int), np.ones_like(w), stride) > 0)
    np.testing.assert_array_equal(partial[-1], y)

    h_out, w_out = y.shape
    fig, (ax_k, ax_in, ax_out) = three_panels([kw, max(w_in, 4), w_out])
    draw_grid(ax_k, w, "kernel")
    in_cells, _ = draw_grid(ax_in, x, f"input, {h_in}x{w_in}")
    out_title = f"output (running sum), {h_out}x{w_out}"
    no_numbers = np.ones(y.shape, bool)
    out_cells, _ = draw_grid(ax_out, y, out_title, hidden=no_numbers)
    # the running sums after each frame, on the cells reached so far
    shown = []
    for sums, reached in zip(partial, covered):
        shown.append(number_shapes(ax_out, sums, hidden=~reached))
    fig.suptitle(headline, fontsize=12)
    fig.subplots_adjust(top=0.84, bottom=0.12)
    caption = fig.text(0.5, 0.04, "", **MONO)
    outline = Rectangle((0, 0), kw, kh, **OUTLINE)
    ax_out.add_patch(outline)
    order = np.arange(h_in * w_in).reshape(x.shape)

    def update(frame):
        u, v = divmod(frame, w_in)
        faces = np.where(order < frame, DONE_FACE, "white").astype(object)
        faces[u, v] = CURRENT_FACE
        in_cells.set_facecolor(faces.ravel())
        top, left = u * stride, v * stride
        faces = np.where(covered[frame], DONE_FACE, "white").astype(object)
        faces[top : top + kh, left : left + kw] = WINDOW_FACE
        out_cells.set_facecolor(faces.ravel())
        for k, numbers in enumerate(shown):
            numbers.set_visible(k == frame)
        outline.set_xy((left, top))
        rows = f"{top}-{top + kh - 1}"
        cols = f"{left}-{left + kw - 1}"
        caption.set_text(
            f"input[{u}, {v}] = {x[u, v]:g}: adds {x[u, v]:g} * kernel "
            f"to output rows {rows}, columns {cols}"
        )
        return []

    frames = h_in * w_in
    animation = FuncAnimation(fig, update, frames=frames, interval=900)
    update(0)
    return animation, y


tent = np.outer([1, 2, 1], [1, 2, 1])
small = rng.integers(1, 6, size=(3, 3))
i_t, k_t, s_t = small.shape[0], tent.shape[0], 2
size = convlib.conv_transpose_output_size(i_t, k_t, stride=s_t)
anim_transposed, y_transposed = animate_conv_transpose(
    small,
    tent,
    stride=s_t,
    headline=f"transposed, stride={s_t}: a {i_t}x{i_t} input gives a {size}x{size} output",
)
print("input:")
print(small)
print(f"(i - 1)*stride + k = ({i_t} - 1)*{s_t} + {k_t} = {(i_t - 1) * s_t + k_t}")
print("output size:", size, "per axis")
print(y_transposed)
assert y_transposed.shape == (size, size) and size == (i_t - 1) * s_t + k_t

# %%
# Every output cell at an odd row and an odd column holds an input value
# times the kernel's centre weight, a cell between two of them holds each
# neighbour times half that weight, and a cell between four holds each times
# a quarter of it: divided by the centre weight, the output is the input
# interpolated (bi)linearly to twice the resolution (with half-weight
# borders). That is why this kernel is a common starting value for learned
# upsampling.

centre = tent[1, 1]
print("the kernel's centre weight:", centre)
centres = y_transposed[1::2, 1::2]
between = y_transposed[2:-2:2, 1::2]
between_columns = y_transposed[1::2, 2:-2:2]
between_four = y_transposed[2:-2:2, 2:-2:2]
np.testing.assert_array_equal(centres, 4 * small)
np.testing.assert_array_equal(centres, centre * small)
np.testing.assert_array_equal(between, 2 * (small[:-1] + small[1:]))
np.testing.assert_array_equal(between_columns, centre // 2 * (small[:, :-1] + small[:, 1:]))
corners4 = small[:-1, :-1] + small[:-1, 1:] + small[1:, :-1] + small[1:, 1:]
np.testing.assert_array_equal(between_four, centre // 4 * corners4)
print(f"output[1::2, 1::2] / {centre} == input:", np.array_equal(centres // centre, small))

# %%
# The same transposed convolution as a sliding window
# ---------------------------------------------------
# Stamping has an equivalent sliding-window form, the one convlib computes
# with: spread the input by inserting ``stride - 1`` zeros between its values,
# pad it with ``dilation*(k - 1)`` zeros on each side (printed below), and
# cross-correlate with the kernel flipped in both axes. The figure shows that
# spread, padded input; :func:`convlib.conv2d` on it gives exactly the output
# of the animation.

spread_size = (i_t - 1) * s_t + 1
spread = np.zeros((spread_size, spread_size), dtype=small.dtype)
spread[::s_t, ::s_t] = small
border_width = 1 * (k_t - 1)  # dilation*(k - 1), dilation 1
padded_spread = np.pad(spread, border_width)
print(f"spread {spread.shape}, padded by {border_width} on each side: {padded_spread.shape}")


def correlate(x, w):
    """conv2d (a cross-correlation) of one 2-D grid with one 2-D kernel."""
    return convlib.conv2d(x[None, None], w[None, None])[0, 0]


def sliding_form(w):
    """The spread, padded input correlated with the flipped kernel."""
    return correlate(padded_spread, w[::-1, ::-1])


same = np.array_equal(sliding_form(tent), y_transposed)
print("tent kernel: sliding form == conv_transpose2d:", same)
assert same

# %%
# The tent kernel is symmetric, so the flip is invisible in it. With the
# asymmetric Sobel kernel the flip matters: without it the sliding form
# gives a different answer.

assert np.array_equal(tent[::-1, ::-1], tent) and not np.array_equal(kernel[::-1, ::-1], kernel)
y_sobel = conv_t(small, kernel, stride=2)
flipped_ok = np.array_equal(sliding_form(kernel), y_sobel)
unflipped_ok = np.array_equal(correlate(padded_spread, kernel), y_sobel)
print("Sobel, flipped kernel:   equal:", flipped_ok)
print("Sobel, unflipped kernel: equal:", unflipped_ok)
assert flipped_ok and not unflipped_ok

inserted = np.ones(spread.shape, dtype=bool)
inserted[::s_t, ::s_t] = False
inserted = np.pad(inserted, border_width)  # the zeros inserted between input values
border = np.pad(np.zeros(spread.shape, dtype=bool), border_width, constant_values=True)
by_conv2d = sliding_form(tent)
fig, (ax_k, ax_in, ax_out) = three_panels([k_t, padded_spread.shape[1], by_conv2d.shape[1]])
draw_grid(ax_k, tent[::-1, ::-1], "kernel, flipped")
title = f"input (spread and padded), {padded_spread.shape[0]}x{padded_spread.shape[1]}"
cells, _ = draw_grid(ax_in, padded_spread, title, border)
faces = np.where(border, PAD_FACE, "white").astype(object)
faces[inserted] = "#fff3c4"
cells.set_facecolor(faces.ravel())
draw_grid(ax_out, by_conv2d, f"output of conv2d, {by_conv2d.shape[0]}x{by_conv2d.shape[1]}")
fig.suptitle(
    "Transposed convolution = convolution of a spread, padded input",
    fontsize=12,
)
note = f"grey: padding (k - 1 = {border_width} cells); "
note += f"yellow: inserted zeros (stride - 1 = {s_t - 1} each)"
fig.text(0.5, 0.04, note, ha="center", fontsize=10)
fig.subplots_adjust(top=0.84, bottom=0.12)

# %%
# What to take away
# -----------------
# * Padding adds cells the kernel reads as zeros; ``padding=1`` with a 3x3
#   kernel and stride 1 keeps the size.
# * Stride skips window positions: the output shrinks by about the stride.
# * Dilation spreads the same weights over a wider span, without more weights.
# * A transposed convolution scatters scaled kernels; with stride 2 its output
#   is about twice as large, and it equals an ordinary convolution on an input
#   spread out with zeros.
#
# Running this file as a script opens all the figures; each animation loops.

plt.show()

# sphinx_gallery_thumbnail_number = 2
