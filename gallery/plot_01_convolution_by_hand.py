"""
Convolution by hand
===================

Work through one 2-D convolution with pencil-and-paper steps: a 4x4 image, a 2x2
kernel, no padding, stride 1. You will learn how each output value is the sum of
products over one window of the image, how to compute the size of the output
before computing anything else, and the difference between the
*cross-correlation* that deep-learning layers compute and the *true convolution*
of signal processing (the kernel flipped), which here give results of opposite
sign. Every result is checked four ways: by hand, with convlib, with
``scipy.signal`` and with PyTorch.
"""

# %%
# The image and the kernel
# ------------------------
#
# The image holds the numbers 1 to 16, row by row. The kernel adds the two
# values of a window's top row and subtracts the two of its bottom row, so it
# responds to a change from one row to the next: a horizontal edge.
#
# The animation below is the whole computation. The kernel sits on the
# top-left 2x2 window of the image; the four overlapping pairs of numbers are
# multiplied and the products added, which gives the top-left output value
# (the sum is written under the grids). Then the window moves one column to
# the right, and so on, row by row, until every output value is filled in.

import matplotlib.pyplot as plt
import numpy as np

import convlib
from convlib import viz

image = np.arange(1, 17).reshape(4, 4)
kernel = np.array([[1, 1], [-1, -1]])
viz.animate_windows(image, kernel)

# %%
# How big is the output?
# ----------------------
#
# A window of ``k`` values fits into ``i + 2p`` values (the input plus ``p``
# padding values on each side) at a number of positions that, with a step
# (stride) of ``s``, is
#
# .. math::
#
#     o = \left\lfloor \frac{i + 2p - k}{s} \right\rfloor + 1 .
#
# (With a dilation ``d`` the kernel spans ``d (k - 1) + 1`` values instead of
# ``k``.) Here ``i = 4`` and ``k = 2``, with no padding and stride 1, so the
# kernel fits at 3 positions along each axis, as in the animation.
# :func:`convlib.conv_output_size` evaluates the formula:

(i, _), (k, _) = image.shape, kernel.shape
p, s = 0, 1
by_formula = (i + 2 * p - k) // s + 1
by_convlib = convlib.conv_output_size(i, k, stride=s, padding=p)
print(f"({i} + 2*{p} - {k}) // {s} + 1 = {by_formula}; convlib says {by_convlib}")
assert by_convlib == by_formula

# %%
# The loop
# --------
#
# Written as a function, the animation is two loops over the output
# positions: take the window, multiply it by the kernel element by element,
# add everything up. This is **cross-correlation**: the kernel is used as
# written, not flipped.


def correlate_by_hand(image, kernel):
    """Valid cross-correlation of a 2-D image with a 2-D kernel, by loops."""
    kh, kw = kernel.shape
    h_out = image.shape[0] - kh + 1
    w_out = image.shape[1] - kw + 1
    out = np.zeros((h_out, w_out), dtype=np.result_type(image, kernel))
    for r in range(h_out):
        for c in range(w_out):
            out[r, c] = np.sum(image[r : r + kh, c : c + kw] * kernel)
    return out


cross = correlate_by_hand(image, kernel)
print("cross-correlation:\n", cross)

# %%
# Every value is the same. The window at row ``r`` and column ``c`` holds
# ``image[r:r+2, c:c+2]``, and every value of the image is larger than the
# value above it by the same step (printed below). The kernel subtracts the
# bottom row of the window from the top row, two columns wide, so every sum
# is minus twice that step.

steps_down = np.unique(image[1:] - image[:-1])  # each value minus the one above
print("each value minus the one above it:", steps_down)
assert len(steps_down) == 1 and np.all(cross == -2 * steps_down[0])

# %%
# Cross-correlation and true convolution
# --------------------------------------
#
# **True convolution**, as signal processing defines it, flips the kernel
# upside down and left to right first (so that convolution is commutative and
# associative). For this kernel, flipping it is the same as negating it, so
# the result changes sign:

flipped = kernel[::-1, ::-1]
print("flipped kernel == -kernel:", np.array_equal(flipped, -kernel))


def convolve_by_hand(image, kernel):
    """Valid true convolution: cross-correlation with the flipped kernel."""
    return correlate_by_hand(image, kernel[::-1, ::-1])


true = convolve_by_hand(image, kernel)
assert np.array_equal(true, -cross)  # opposite signs

fig, axes = plt.subplots(2, 2, figsize=(5.2, 4.4), width_ratios=[2, 3])
kernel_face, output_face = viz.COLORS["kernel"], viz.COLORS["output"]
viz.draw_grid(axes[0, 0], kernel, title="kernel, as written", face=kernel_face)
viz.draw_grid(axes[0, 1], cross, title="cross-correlation", face=output_face)
viz.draw_grid(axes[1, 0], flipped, title="kernel flipped", face=kernel_face)
viz.draw_grid(axes[1, 1], true, title="true convolution", face=output_face)
plt.show()

# %%
# Cross-correlation is what PyTorch computes and what every deep-learning
# framework calls "convolution". ``scipy.signal.convolve2d`` computes the
# flipped, true convolution, so it does **not** reproduce the deep-learning
# result; the same goes for any hand-written loop that flips the kernel "for
# true convolution": it agrees with ``scipy.signal.convolve2d``, not with a
# ``Conv2d`` layer. To get a framework's result from SciPy, use
# ``scipy.signal.correlate2d``, or flip the kernel yourself.
#
# The check computes both operations with every tool at hand. PyTorch's
# ``conv2d`` (what ``torch.nn.Conv2d`` calls) works on batches of
# multi-channel images, shape ``(N, C, H, W)``, so the image gets two leading
# axes of length one; so does :func:`convlib.conv2d`, which follows PyTorch.
# :func:`convlib.correlate2d` and :func:`convlib.convolve2d` take single
# images, like their namesakes in ``scipy.signal``. Integers in, integers
# out: every tool agrees exactly within each operation.

# %%

# Check against SciPy and PyTorch: both operations, every tool
import scipy.signal
import torch
import torch.nn.functional as F

x = image[None, None]  # (n, c_in, h, w) = (1, 1, h, w)
w = kernel[None, None]  # (c_out, c_in, kh, kw) = (1, 1, kh, kw)
x_torch, w_torch = torch.tensor(x), torch.tensor(w)
w_flipped_torch = torch.tensor(flipped[None, None].copy())
correlations = {
    "by hand": cross,
    "convlib.correlate2d": convlib.correlate2d(image, kernel, "valid"),
    "convlib.conv2d": convlib.conv2d(x, w)[0, 0],
    "scipy correlate2d": scipy.signal.correlate2d(image, kernel, "valid"),
    "torch conv2d": F.conv2d(x_torch, w_torch)[0, 0].numpy(),
}
convolutions = {
    "by hand": true,
    "convlib.convolve2d": convlib.convolve2d(image, kernel, "valid"),
    "scipy convolve2d": scipy.signal.convolve2d(image, kernel, "valid"),
    "torch, kernel flipped": F.conv2d(x_torch, w_flipped_torch)[0, 0].numpy(),
}
results = {"cross-correlation": correlations, "true convolution": convolutions}
for operation, by_tool in results.items():
    print(f"{operation}:")
    for tool, result in by_tool.items():
        assert np.array_equal(result, by_tool["by hand"]), (tool, result)
        print(f"  {tool:21s} {np.unique(result)} everywhere, shape {result.shape}")
assert not np.array_equal(correlations["torch conv2d"], true)

# %%

# Check: SciPy's convolve2d with the flipped kernel gives PyTorch's conv2d
scipy_flipped = scipy.signal.convolve2d(image, flipped, "valid")
print("scipy convolve2d, flipped kernel == torch conv2d:", end=" ")
print(np.array_equal(scipy_flipped, correlations["torch conv2d"]))
assert np.array_equal(scipy_flipped, correlations["torch conv2d"])

# %%
# When flipping matters more than the sign
# ----------------------------------------
#
# For a kernel with no symmetry the flip changes more than the sign: the two
# operations weigh different neighbours. With a kernel that weighs one corner
# of the window most, correlation and convolution differ, and neither is the
# negative of the other:

lopsided = np.array([[0, 1], [2, 3]])
correlation = convlib.correlate2d(image, lopsided, mode="valid")
convolution = convlib.convolve2d(image, lopsided, mode="valid")
print("correlation:\n", correlation, "\nconvolution:\n", convolution)
assert not np.array_equal(convolution, correlation)
assert not np.array_equal(convolution, -correlation)

# %%
# An image with an edge
# ---------------------
#
# On the ramp the kernel gives the same answer everywhere. On an image with
# a real horizontal edge, a dark top half above a bright bottom half, the
# response is zero in flat regions and large only where the window straddles
# the edge; its sign says which way the brightness changes (turning the image
# upside down flips it).

edge_image = np.zeros((6, 6), dtype=int)
edge_row = 3  # the first bright row
edge_image[edge_row:] = 9  # bright bottom half
edge_response = convlib.correlate2d(edge_image, kernel, mode="valid")
upside_down = convlib.correlate2d(edge_image[::-1], kernel, mode="valid")

fig, axes = plt.subplots(1, 2, figsize=(7, 3.7), layout="constrained")
viz.draw_grid(axes[0], edge_image, title="dark above bright", cmap="gray")
viz.draw_grid(axes[1], edge_response, title="cross-correlation", cmap="Reds_r")
plt.show()

# %%

# Check: zero where flat, negative where the window straddles the edge
assert np.array_equal(edge_response, correlate_by_hand(edge_image, kernel))
rows = np.arange(edge_response.shape[0])  # window r covers image rows r, r + 1
straddles = (rows <= edge_row - 1) & (rows + k - 1 >= edge_row)
assert not edge_response[~straddles].any() and (edge_response[straddles] < 0).all()
assert np.array_equal(upside_down, -edge_response[::-1])
print("dark above bright:", np.unique(edge_response[straddles]), end="; ")
print("bright above dark:", np.unique(upside_down[straddles[::-1]]))

# %%
# Padding keeps the size
# ----------------------
#
# Without padding the output is smaller than the input, but that is a choice,
# not a law: padding with zeros so that ``o = i`` ("same" padding) keeps the
# size, and a stride larger than one shrinks it further. The table checks the
# formula against the shape :func:`convlib.conv2d` returns for several
# settings. For this even-sized kernel ``"same"`` needs an odd amount of
# padding, and convlib puts the extra row and column after the image (printed
# below as ``(before, after)``), as TensorFlow does; the
# :doc:`padding page <../concepts/padding>` shows where the frameworks differ.

x, w = image[None, None], kernel[None, None]  # (n, c_in, h, w), (c_out, c_in, kh, kw)
print(f"{'padding':>8} {'stride':>6} {'formula':>8} {'conv2d shape':>13}")
for padding, stride in [(0, 1), (1, 1), (0, 2), ("same", 1)]:
    size = convlib.conv_output_size(i, k, stride=stride, padding=padding)
    shape = convlib.conv2d(x, w, stride=stride, padding=padding).shape[2:]
    print(f"{padding!s:>8} {stride:>6} {size:>8} {shape!s:>13}")
    assert shape == (size, size)
same_pads = convlib.same_padding(i, k)
print("'same' padding (before, after) per axis:", same_pads)

# %%

# Check: no padding shrinks, "same" keeps the size, the odd row goes after
assert convlib.conv_output_size(i, k) < i
assert convlib.conv_output_size(i, k, padding="same") == i
assert sum(same_pads) % 2 == 1 and same_pads[1] == same_pads[0] + 1

# %%
# Where next
# ----------
#
# :ref:`The next tutorial <sphx_glr_auto_examples_plot_02_numpy_from_scratch.py>`
# writes the loop for whole batches of colour images with many filters, with
# stride and padding, and checks it against Keras and PyTorch.

# sphinx_gallery_thumbnail_number = 1
