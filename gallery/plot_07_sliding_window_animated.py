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
from matplotlib.patches import Rectangle

import convlib

rng = np.random.default_rng(7)
kernel = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]])  # Sobel: responds to vertical edges
print("kernel (3x3):")
print(kernel)

# Colours used in every animation.
PAD_FACE = "#cfcfcf"  # padding cells: grey, value 0 in grey italics
WINDOW_FACE = "#ffb74d"  # input cells the kernel reads in this frame
WINDOW_PAD_FACE = "#ffe0b2"  # padding cells the kernel reads in this frame
DONE_FACE = "#cfe3f7"  # output cells already computed
CURRENT_FACE = "#ff7043"  # the output cell computed in this frame


def draw_grid(ax, values, title, pad_mask=None):
    """Draw ``values`` as a grid of labelled cells; return the cell patches and texts."""
    rows, cols = values.shape
    patches, texts = {}, {}
    for i in range(rows):
        for j in range(cols):
            is_pad = pad_mask is not None and pad_mask[i, j]
            patch = Rectangle(
                (j, i),
                1,
                1,
                facecolor=PAD_FACE if is_pad else "white",
                edgecolor="#555555",
                linewidth=1,
            )
            ax.add_patch(patch)
            text = ax.text(
                j + 0.5,
                i + 0.5,
                f"{values[i, j]:g}",
                ha="center",
                va="center",
                fontsize=10,
                color="#777777" if is_pad else "black",
                style="italic" if is_pad else "normal",
            )
            patches[i, j], texts[i, j] = patch, text
    ax.set_xlim(-0.1, cols + 0.1)
    ax.set_ylim(rows + 0.1, -0.1)  # row 0 on top, as in an array
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_title(title, fontsize=11)
    return patches, texts


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
    pads = convlib.normalize_padding(padding, x.shape, w.shape, (stride,) * 2, (dilation,) * 2)
    x_pad = np.pad(x, pads)
    pad_mask = np.pad(np.zeros(x.shape, dtype=bool), pads, constant_values=True)
    y = convlib.conv2d(
        x[None, None], w[None, None], stride=stride, padding=padding, dilation=dilation
    )[0, 0]
    windows = convlib.sliding_windows(x_pad, w.shape, (stride,) * 2, (dilation,) * 2)
    # (h_out, w_out, kh, kw): one window of the padded input per output cell
    assert windows.shape[:2] == y.shape
    np.testing.assert_array_equal((windows * w).sum(axis=(-2, -1)), y)

    kh, kw = w.shape
    h_out, w_out = y.shape
    fig, (ax_k, ax_in, ax_out) = plt.subplots(
        1,
        3,
        figsize=(8, 3.8),
        dpi=90,
        gridspec_kw={"width_ratios": [kw, x_pad.shape[1], max(w_out, 3)]},
    )
    draw_grid(ax_k, w, "kernel")
    in_patches, _ = draw_grid(
        ax_in, x_pad, f"input (padded by {pads[0][0]}), {x_pad.shape[0]}x{x_pad.shape[1]}", pad_mask
    )
    out_patches, out_texts = draw_grid(ax_out, y, f"output, {h_out}x{w_out}")
    for text in out_texts.values():
        text.set_visible(False)
    fig.suptitle(headline, fontsize=12)
    fig.subplots_adjust(top=0.84, bottom=0.12)
    formula = fig.text(0.5, 0.04, "", ha="center", fontsize=10, family="monospace")
    outline = Rectangle((0, 0), 1, 1, fill=False, edgecolor="#d84315", linewidth=3)
    ax_in.add_patch(outline)
    original_faces = {key: patch.get_facecolor() for key, patch in in_patches.items()}

    def update(frame):
        i, j = divmod(frame, w_out)
        top, left = i * stride, j * stride
        for key, patch in in_patches.items():
            patch.set_facecolor(original_faces[key])
        terms = []
        for p in range(kh):
            for q in range(kw):
                r, c = top + p * dilation, left + q * dilation
                in_patches[r, c].set_facecolor(WINDOW_PAD_FACE if pad_mask[r, c] else WINDOW_FACE)
                terms.append(f"{x_pad[r, c]:g}*{w[p, q]:g}")
        span = dilation * (kh - 1) + 1
        outline.set_bounds(left, top, dilation * (kw - 1) + 1, span)
        for (a, b), patch in out_patches.items():
            done = a * w_out + b <= frame
            patch.set_facecolor(
                CURRENT_FACE if (a, b) == (i, j) else DONE_FACE if done else "white"
            )
            out_texts[a, b].set_visible(done)
        formula.set_text(f"output[{i}, {j}] = {' + '.join(terms)} = {y[i, j]:g}")
        return []

    animation = FuncAnimation(fig, update, frames=h_out * w_out, interval=700, repeat=True)
    update(0)
    return animation, y


# %%
# Padding: the output keeps the input's size
# ------------------------------------------
# A 4x4 input, a 3x3 kernel, one ring of zeros (``padding=1``) and stride 1.
# The grey ring is the padding: the kernel reads it as zeros (pale orange
# where the window covers it). Along
# each axis the output has
# ``floor((in + p_before + p_after - dilation*(k - 1) - 1) / stride) + 1``
# cells; :func:`convlib.conv_output_size` evaluates it.

image = rng.integers(0, 10, size=(4, 4))
anim_padding, y_padding = animate_conv(
    image, kernel, padding=1, headline="padding=1, stride=1: a 4x4 input gives a 4x4 output"
)
print("output size:", convlib.conv_output_size(4, 3, stride=1, padding=1), "per axis")
print(y_padding)

# %%
# Stride: the window jumps
# ------------------------
# With ``stride=2`` the window moves two cells at a time. A 5x5 input with
# ``padding=1`` would give 5x5 outputs at stride 1; at stride 2 only every
# other position is computed, a 3x3 output.

image5 = rng.integers(0, 10, size=(5, 5))
anim_stride, y_stride = animate_conv(
    image5,
    kernel,
    stride=2,
    padding=1,
    headline="stride=2, padding=1: a 5x5 input gives a 3x3 output",
)
print("output size:", convlib.conv_output_size(5, 3, stride=2, padding=1), "per axis")
print("at stride 1 it would be:", convlib.conv_output_size(5, 3, stride=1, padding=1))
print(y_stride)

# %%
# Dilation: gaps between the taps
# -------------------------------
# ``dilation=2`` leaves one cell between the kernel's taps: the same nine
# weights now span 5x5 cells (``dilation*(k - 1) + 1 = 5``). The orange cells
# are the ones read; the outline shows the span. No padding here, so a 7x7
# input gives a 3x3 output.

image7 = rng.integers(0, 10, size=(7, 7))
anim_dilation, y_dilation = animate_conv(
    image7, kernel, dilation=2, headline="dilation=2, no padding: a 7x7 input gives a 3x3 output"
)
print("output size:", convlib.conv_output_size(7, 3, dilation=2), "per axis")
print(y_dilation)

# %%
# Transposed convolution: each input value stamps the kernel
# ----------------------------------------------------------
# A transposed convolution runs the other way round. Each *input* value
# scales a copy of the kernel and adds it into the output, at positions
# ``stride`` apart; where copies overlap, they add up. With ``stride=2`` a
# 3x3 input grows to ``(3 - 1)*2 + 3 = 7`` cells per axis, which is how decoders
# and generators upsample.
#
# The kernel here is the "tent" ``[1, 2, 1]`` times its transpose. Each frame
# shows the running sum after one more input value has been stamped: the
# transposed convolution of the input with the later values set to zero,
# computed by :func:`convlib.conv_transpose2d` (its weight layout is
# ``(C_in, C_out, kh, kw)``, so one 3x3 kernel is ``tent[None, None]``).


def animate_conv_transpose(x, w, *, stride, headline=""):
    """Animate ``conv_transpose2d(x, w)`` as input values stamping scaled kernels."""
    kh, kw = w.shape
    h_in, w_in = x.shape
    y = convlib.conv_transpose2d(x[None, None], w[None, None], stride=stride)[0, 0]
    partial, covered = [], []
    for frame in range(h_in * w_in):
        mask = (np.arange(h_in * w_in) <= frame).reshape(x.shape)
        partial.append(
            convlib.conv_transpose2d((x * mask)[None, None], w[None, None], stride=stride)[0, 0]
        )
        # output cells reached by some stamp so far
        reach = convlib.conv_transpose2d(
            mask[None, None].astype(int), np.ones((1, 1, kh, kw), int), stride=stride
        )
        covered.append(reach[0, 0] > 0)
    np.testing.assert_array_equal(partial[-1], y)

    fig, (ax_k, ax_in, ax_out) = plt.subplots(
        1,
        3,
        figsize=(8, 3.8),
        dpi=90,
        gridspec_kw={"width_ratios": [kw, max(w_in, 4), y.shape[1]]},
    )
    draw_grid(ax_k, w, "kernel")
    in_patches, _ = draw_grid(ax_in, x, f"input, {h_in}x{w_in}")
    out_patches, out_texts = draw_grid(
        ax_out, y, f"output (running sum), {y.shape[0]}x{y.shape[1]}"
    )
    fig.suptitle(headline, fontsize=12)
    fig.subplots_adjust(top=0.84, bottom=0.12)
    caption = fig.text(0.5, 0.04, "", ha="center", fontsize=10, family="monospace")
    outline = Rectangle((0, 0), kw, kh, fill=False, edgecolor="#d84315", linewidth=3)
    ax_out.add_patch(outline)

    def update(frame):
        u, v = divmod(frame, w_in)
        for (a, b), patch in in_patches.items():
            done = a * w_in + b < frame
            patch.set_facecolor(
                CURRENT_FACE if (a, b) == (u, v) else DONE_FACE if done else "white"
            )
        top, left = u * stride, v * stride
        for (a, b), patch in out_patches.items():
            inside = top <= a < top + kh and left <= b < left + kw
            reached = covered[frame][a, b]
            patch.set_facecolor(WINDOW_FACE if inside else DONE_FACE if reached else "white")
            out_texts[a, b].set_text(f"{partial[frame][a, b]:g}")
            out_texts[a, b].set_visible(bool(reached))
        outline.set_xy((left, top))
        caption.set_text(
            f"input[{u}, {v}] = {x[u, v]:g}: adds {x[u, v]:g} * kernel to output rows "
            f"{top}-{top + kh - 1}, columns {left}-{left + kw - 1}"
        )
        return []

    animation = FuncAnimation(fig, update, frames=h_in * w_in, interval=900, repeat=True)
    update(0)
    return animation, y


tent = np.outer([1, 2, 1], [1, 2, 1])
small = rng.integers(1, 6, size=(3, 3))
anim_transposed, y_transposed = animate_conv_transpose(
    small, tent, stride=2, headline="transposed, stride=2: a 3x3 input gives a 7x7 output"
)
print("input:")
print(small)
print("output size:", convlib.conv_transpose_output_size(3, 3, stride=2), "per axis")
print(y_transposed)

# %%
# Every odd output cell holds 4 times an input value, and the cells between two
# of them hold 2 times each neighbour: divided by 4, the output is the input
# interpolated linearly to twice the resolution (with half-weight borders).
# That is why this kernel is a common starting value for learned upsampling.

np.testing.assert_array_equal(y_transposed[1::2, 1::2], 4 * small)
np.testing.assert_array_equal(y_transposed[2:-2:2, 1::2], 2 * (small[:-1] + small[1:]))
print("output[1::2, 1::2] / 4 == input:", np.array_equal(y_transposed[1::2, 1::2] // 4, small))

# %%
# The same transposed convolution as a sliding window
# ---------------------------------------------------
# Stamping has an equivalent sliding-window form, the one convlib computes
# with: spread the input by inserting ``stride - 1`` zeros between its values,
# pad it with ``dilation*(k - 1) = 2`` zeros on each side, and cross-correlate
# with the kernel flipped in both axes. The figure shows that spread, padded
# input; :func:`convlib.conv2d` on it gives exactly the output of the
# animation.

spread = np.zeros((5, 5), dtype=small.dtype)
spread[::2, ::2] = small
padded_spread = np.pad(spread, 2)


def sliding_form(w):
    """conv2d of the spread, padded input with the flipped kernel."""
    return convlib.conv2d(padded_spread[None, None], w[::-1, ::-1][None, None])[0, 0]


np.testing.assert_array_equal(sliding_form(tent), y_transposed)
print(
    "tent kernel: sliding form == conv_transpose2d:",
    np.array_equal(sliding_form(tent), y_transposed),
)

# %%
# The tent kernel is symmetric, so the flip is invisible in it. With the
# asymmetric Sobel kernel the flip matters: without it the sliding form
# gives a different answer.

y_sobel = convlib.conv_transpose2d(small[None, None], kernel[None, None], stride=2)[0, 0]
unflipped = convlib.conv2d(padded_spread[None, None], kernel[None, None])[0, 0]
print("Sobel, flipped kernel:   equal:", np.array_equal(sliding_form(kernel), y_sobel))
print("Sobel, unflipped kernel: equal:", np.array_equal(unflipped, y_sobel))
assert np.array_equal(sliding_form(kernel), y_sobel)
assert not np.array_equal(unflipped, y_sobel)

inserted = np.ones((5, 5), dtype=bool)
inserted[::2, ::2] = False
inserted = np.pad(inserted, 2)  # the zeros inserted between input values
border = np.pad(np.zeros((5, 5), dtype=bool), 2, constant_values=True)
fig, (ax_k, ax_in, ax_out) = plt.subplots(
    1, 3, figsize=(8, 3.8), gridspec_kw={"width_ratios": [3, 9, 7]}
)
draw_grid(ax_k, tent[::-1, ::-1], "kernel, flipped")
patches, _ = draw_grid(ax_in, padded_spread, "input (spread and padded), 9x9", border)
for (a, b), patch in patches.items():
    if inserted[a, b]:
        patch.set_facecolor("#fff3c4")
draw_grid(ax_out, sliding_form(tent), "output of conv2d, 7x7")
fig.suptitle("Transposed convolution = convolution of a spread, padded input", fontsize=12)
fig.text(
    0.5,
    0.04,
    "grey: padding (k - 1 = 2 cells); yellow: inserted zeros (stride - 1 = 1 each)",
    ha="center",
    fontsize=10,
)
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
