"""
The sliding window, animated
============================

Watch the kernel slide over the input and fill the output, one window at a
time, in four animations: zero **padding**, a **stride** of 2, a **dilation**
of 2, and the **transposed** convolution that upsamples. You will learn to
read the output size off the picture and to see why a transposed convolution
makes its output larger.

In every frame the orange cells are the input values the kernel reads, the red
outline is the window's span, the pale grey cells are padding, and the green
cells are the output computed so far (the darker one in this frame); the line
under the grids writes out that output value as a sum of products. The numbers
come from :func:`convlib.conv2d` and :func:`convlib.conv_transpose2d`, drawn by
``convlib.viz.animate_windows``. Each animation loops; a reader whose system
asks for reduced motion sees its last frame, with every output value filled.
"""

# %%
# Setup
# -----
# Small integer grids keep every number readable, and exact: with integer
# inputs convlib computes in ``int64``. The kernel is Sobel's, which responds
# to vertical edges.

import matplotlib.pyplot as plt
import numpy as np

import convlib
from convlib import viz

rng = np.random.default_rng(7)
kernel = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]])  # Sobel: vertical edges
k = kernel.shape[0]


def conv(x, w, **options):
    """convlib.conv2d of one 2-D grid with one 2-D kernel."""
    return convlib.conv2d(x[None, None], w[None, None], **options)[0, 0]


# %%
# Padding: the output keeps the input's size
# ------------------------------------------
# A small input, the 3x3 kernel, one ring of zeros (``padding=1``) and stride
# 1. The grey ring is the padding: the kernel reads it as zeros (pale orange
# where the window covers it).

image = rng.integers(0, 10, size=(4, 4))
n = image.shape[0]
size = convlib.conv_output_size(n, k, stride=1, padding=1)
anim_padding = viz.animate_windows(
    image,
    kernel,
    padding=1,
    title=f"padding=1, stride=1: {n}x{n} in, {size}x{size} out",
)
anim_padding

# %%
# **Reading the size off the picture.** Count the positions the window takes
# along one row: it starts at the left edge of the padded input and stops when
# it touches the right edge, so a row of ``n`` padded cells gives ``n - k + 1``
# positions, and the output has that many columns. Along each axis the general
# rule is
# ``floor((in + p_before + p_after - dilation*(k - 1) - 1) / stride) + 1``,
# which :func:`convlib.conv_output_size` evaluates. With ``k = 3``,
# ``padding=1`` and stride 1 it gives ``in`` again, whatever the input's size.

padded = image.shape[1] + 2
print(f"{padded} padded cells per row - {k} + 1 = {padded - k + 1} window positions")
print("conv_output_size:", size, "per axis; the output:")
print(anim_padding.output)

# %%

# Check: the animation shows conv2d's output, and padding=1 keeps every size
np.testing.assert_array_equal(anim_padding.output, conv(image, kernel, padding=1))
assert anim_padding.output.shape == image.shape == (size, size)
sizes = range(1, 21)
assert all(convlib.conv_output_size(n, k, stride=1, padding=1) == n for n in sizes)
print(f"padding=1, k={k}: out == in for every input size {sizes[0]}..{sizes[-1]}")

# %%
# Stride: the window jumps
# ------------------------
# With ``stride=2`` the window moves two cells at a time. The padding is the
# same as above, which would keep the input's size at stride 1; at stride 2
# only every other position is computed.

image5 = rng.integers(0, 10, size=(5, 5))
n = image5.shape[0]
size = convlib.conv_output_size(n, k, stride=2, padding=1)
anim_stride = viz.animate_windows(
    image5,
    kernel,
    stride=2,
    padding=1,
    title=f"stride=2, padding=1: {n}x{n} in, {size}x{size} out",
)
anim_stride

# %%
# Along a row the window starts at columns 0, 2, 4, ... of the padded input,
# as long as it fits: the count of those starts is the output's width. It is
# the stride-1 count, taken every other position.

size_1 = convlib.conv_output_size(image5.shape[0], k, stride=1, padding=1)
print(f"output size: {size} per axis; at stride 1 it would be {size_1}")
print(anim_stride.output)

# %%

# Check: stride 2 keeps every other value of the stride-1 output
every_other = conv(image5, kernel, padding=1)[::2, ::2]
np.testing.assert_array_equal(anim_stride.output, every_other)
assert anim_stride.output.shape == (size, size) and size_1 == image5.shape[0]
assert size == (size_1 - 1) // 2 + 1

# %%
# Dilation: gaps between the taps
# -------------------------------
# ``dilation=2`` leaves ``dilation - 1`` cells between the kernel's taps: the
# same nine weights now span ``dilation*(k - 1) + 1`` cells per axis (the red
# outline). The orange cells are the ones read. There is no padding here.

dilation = 2
image7 = rng.integers(0, 10, size=(7, 7))
n = image7.shape[0]
size = convlib.conv_output_size(n, k, dilation=dilation)
anim_dilation = viz.animate_windows(
    image7,
    kernel,
    dilation=dilation,
    title=f"dilation={dilation}, no padding: {n}x{n} in, {size}x{size} out",
)
anim_dilation

# %%
# The window is as wide as its span, so it fits ``in - span + 1`` times along
# a row: a dilated kernel shrinks the output as much as a dense kernel of its
# span would, while reading only nine values.

span = dilation * (k - 1) + 1
print(f"span: dilation*(k - 1) + 1 = {dilation}*({k} - 1) + 1 = {span} cells")
print(f"{image7.shape[0]} cells - {span} + 1 = {size} positions per row")
print(anim_dilation.output)

# %%

# Check: the dilated output is conv2d's, of the size the span predicts
np.testing.assert_array_equal(anim_dilation.output, conv(image7, kernel, dilation=2))
assert anim_dilation.output.shape == (size, size) and size == image7.shape[0] - span + 1

# %%
# Transposed convolution: the output grows
# ----------------------------------------
# A transposed convolution runs the other way round: each *input* value
# scales a copy of the kernel and adds it into the output, at positions
# ``stride`` apart; where copies overlap, they add up. With ``stride=2`` an
# input of ``i`` cells per axis grows to ``(i - 1)*stride + k`` cells, which is
# how decoders and generators upsample.
#
# The animation draws the same computation as a sliding window, the form
# convlib computes with: the input is spread out with ``stride - 1`` zeros
# between its values (white cells), padded with ``k - 1`` zeros on each side
# (grey), and the kernel, flipped in both axes, slides over it at stride 1.
# The kernel is the "tent" ``[1, 2, 1]`` times its transpose, which flipping
# leaves unchanged. Reading the size off the picture again: the spread, padded
# row holds ``(i - 1)*stride + 1 + 2(k - 1)`` cells, so the window fits
# ``(i - 1)*stride + k`` times.

tent = np.outer([1, 2, 1], [1, 2, 1])
small = rng.integers(1, 6, size=(2, 2))
i_t, s_t = small.shape[0], 2
size = convlib.conv_transpose_output_size(i_t, k, stride=s_t)
anim_transposed = viz.animate_windows(
    small,
    tent,
    op="transpose",
    stride=s_t,
    title=f"transposed, stride={s_t}: {i_t}x{i_t} in, {size}x{size} out",
)
anim_transposed

# %%

y_transposed = anim_transposed.output
print(f"(i - 1)*stride + k = ({i_t} - 1)*{s_t} + {k} = {(i_t - 1) * s_t + k}")
print("output size:", size, "per axis")
assert y_transposed.shape == (size, size) and size == (i_t - 1) * s_t + k

# %%
# Upsampling by interpolation
# ---------------------------
# Every output cell at an odd row and an odd column holds one input value
# times the kernel's centre weight; a cell between two of them holds each
# neighbour times half that weight, and a cell between four holds each times
# a quarter of it. Divided by the centre weight (right), the output is the
# input interpolated (bi)linearly to twice the resolution, with half-weight
# borders; the orange cells hold the input's own values. That is why this
# kernel is a common starting value for learned upsampling.

centre = tent[1, 1]
holds_input = np.zeros(y_transposed.shape, bool)
holds_input[1::2, 1::2] = True
fig, axes = plt.subplots(1, 2, figsize=(5.5, 2.8), width_ratios=[i_t, size])
viz.draw_grid(axes[0], small, title="input")
scaled = y_transposed / centre
viz.draw_grid(axes[1], scaled, title=f"output / {centre}", highlight=holds_input)
plt.show()

# %%

# Check: the odd cells hold the input, the others the means of their neighbours
np.testing.assert_array_equal(y_transposed[1::2, 1::2], centre * small)
between_rows = y_transposed[2:-2:2, 1::2]
between_columns = y_transposed[1::2, 2:-2:2]
between_four = y_transposed[2:-2:2, 2:-2:2]
np.testing.assert_array_equal(between_rows, centre // 2 * (small[:-1] + small[1:]))
beside = small[:, :-1] + small[:, 1:]
np.testing.assert_array_equal(between_columns, centre // 2 * beside)
corners4 = small[:-1, :-1] + small[:-1, 1:] + small[1:, :-1] + small[1:, 1:]
np.testing.assert_array_equal(between_four, centre // 4 * corners4)
print(
    f"output[1::2, 1::2] / {centre} == input:",
    np.array_equal(y_transposed[1::2, 1::2] // centre, small),
)

# %%
# The sliding form, rebuilt by hand
# ---------------------------------
# The check below spreads the input, pads it with ``k - 1`` zeros and
# cross-correlates it with the flipped kernel using :func:`convlib.conv2d`:
# it gives exactly :func:`convlib.conv_transpose2d`'s output. The tent kernel
# hides the flip; with the asymmetric Sobel kernel the flip matters, and
# without it the sliding form gives a different answer.

# %%

# Check: spread, pad, flip and correlate is conv_transpose2d (and the flip matters)
spread = np.zeros(((i_t - 1) * s_t + 1,) * 2, dtype=small.dtype)
spread[::s_t, ::s_t] = small
padded_spread = np.pad(spread, k - 1)  # dilation*(k - 1) zeros, dilation 1
print(f"spread {spread.shape}, padded by {k - 1} on each side: {padded_spread.shape}")
same = np.array_equal(conv(padded_spread, tent[::-1, ::-1]), y_transposed)
print("tent kernel: sliding form == conv_transpose2d:", same)
assert same

assert np.array_equal(tent[::-1, ::-1], tent)
assert not np.array_equal(kernel[::-1, ::-1], kernel)
y_sobel = convlib.conv_transpose2d(small[None, None], kernel[None, None], stride=s_t)
y_sobel = y_sobel[0, 0]
flipped_ok = np.array_equal(conv(padded_spread, kernel[::-1, ::-1]), y_sobel)
unflipped_ok = np.array_equal(conv(padded_spread, kernel), y_sobel)
print("Sobel, flipped kernel:   equal:", flipped_ok)
print("Sobel, unflipped kernel: equal:", unflipped_ok)
assert flipped_ok and not unflipped_ok

# %%
# What to take away
# -----------------
# * Padding adds cells the kernel reads as zeros; ``padding=1`` with a 3x3
#   kernel and stride 1 keeps the size.
# * Stride skips window positions: the output shrinks by about the stride.
# * Dilation spreads the same weights over a wider span, without more weights.
# * A transposed convolution scatters scaled kernels; with stride 2 its output
#   is about twice as large, and it equals an ordinary convolution on an input
#   spread out with zeros, with the kernel flipped.
# * In every case, the output size is the number of positions the window
#   takes: count them on the picture.
#
# Run as a script, this file computes the animations without showing them:
# ``anim_stride.save("stride.webp")`` writes one to a file, and
# ``anim_stride.show()`` plays it in a window.
