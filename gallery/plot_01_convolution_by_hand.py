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

import matplotlib.pyplot as plt
import numpy as np
import scipy.signal
import torch
from matplotlib.patches import Rectangle

import convlib

image = np.arange(1, 17).reshape(4, 4)
kernel = np.array([[1, 1], [-1, -1]])
print("image:\n", image)
print("kernel:\n", kernel)


def draw_matrix(ax, values, title="", window=None, cmap="Blues"):
    """Draw a matrix with its numbers; outline `window` = (row, col, h, w)."""
    values = np.asarray(values)
    limit = np.abs(values).max() or 1
    shown = ax.imshow(values, cmap=cmap, vmin=-limit if values.min() < 0 else 0, vmax=limit)
    for (r, c), v in np.ndenumerate(values):
        red, green, blue, _ = shown.cmap(shown.norm(v))
        dark = 0.299 * red + 0.587 * green + 0.114 * blue < 0.5
        ax.text(c, r, f"{v:g}", ha="center", va="center", fontsize=11, color="w" if dark else "k")
    if window is not None:
        r, c, h, w = window
        ax.add_patch(Rectangle((c - 0.5, r - 0.5), w, h, fill=False, lw=3, ec="tab:red"))
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title, fontsize=10)


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
# ``k``.) :func:`convlib.conv_output_size` evaluates the formula; here ``i``
# and ``k`` are read off the image and the kernel, with no padding and stride 1.

(i, _), (k, _) = image.shape, kernel.shape
p, s = 0, 1
by_formula = (i + 2 * p - k) // s + 1
print(f"(i + 2p - k) // s + 1 = ({i} + 2*{p} - {k}) // {s} + 1 = {by_formula}")
by_convlib = convlib.conv_output_size(i, k, stride=s, padding=p)
print(f"convlib.conv_output_size({i}, {k}) = {by_convlib}")
assert by_convlib == by_formula

# %%
# Each output cell, step by step
# ------------------------------
#
# Put the kernel on the top-left window, multiply the four overlapping pairs
# of numbers and add the products: that is the top-left output value. Then
# move the window one column to the right, and so on, row by row. The printed
# lines are the sums; the figure shows where each window sits.

h_out = w_out = by_formula
kh, kw = kernel.shape
steps = []
for r in range(h_out):
    for c in range(w_out):
        window = image[r : r + kh, c : c + kw]
        products = window * kernel
        pairs = zip(window.ravel(), kernel.ravel())
        terms = " + ".join(f"{a}*({b})" for a, b in pairs)
        steps.append((r, c, products.sum()))
        print(f"out[{r}, {c}] = {terms} = {products.sum()}")

fig, axes = plt.subplots(h_out, w_out, figsize=(9, 9), layout="constrained")
for r, c, value in steps:
    draw_matrix(axes[r, c], image, f"out[{r}, {c}] = {value}", window=(r, c, kh, kw))
kernel_size, image_size = "x".join(map(str, kernel.shape)), "x".join(map(str, image.shape))
title = f"The {kernel_size} kernel visits every {kernel_size} window of the {image_size} image"
fig.suptitle(f"{title} (red frame)")
plt.show()

# %%
# The window at row ``r`` and column ``c`` holds ``image[r:r+2, c:c+2]``, and
# every value in its bottom row is larger than the value above it by the same
# amount (printed below). The kernel subtracts the bottom row from the top row,
# two columns wide, so all the sums are equal.

steps_down = image[1:] - image[:-1]  # each value minus the one above it
print("bottom row minus top row, everywhere:", np.unique(steps_down))
sums = np.unique([value for _, _, value in steps])
print(f"{len(steps)} sums, distinct values: {sums}")
assert len(np.unique(steps_down)) == 1 and len(sums) == 1

# %%
# One function, many libraries
# ----------------------------
#
# The same loop as a function: for each output position, take the window and
# sum its product with the kernel. This is **cross-correlation**: the kernel is
# used as written.


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


# %%
# **True convolution**, as signal processing defines it, flips the kernel
# upside down and left to right first (so that convolution is commutative and
# associative). For this kernel, flipping it is the same as negating it, so
# the result changes sign:

flipped = kernel[::-1, ::-1]
print("kernel flipped:\n", flipped)
print("flipped kernel == -kernel:", np.array_equal(flipped, -kernel))
assert np.array_equal(flipped, -kernel)


def convolve_by_hand(image, kernel):
    """Valid true convolution: cross-correlation with the flipped kernel."""
    return correlate_by_hand(image, kernel[::-1, ::-1])


# %%
# Now compute both operations with every tool at hand. PyTorch's
# ``conv2d`` (what ``torch.nn.Conv2d`` calls) works on batches of
# multi-channel images, shape ``(N, C, H, W)``, so the image gets two leading
# axes of length one; so does :func:`convlib.conv2d`, which follows PyTorch.
# PyTorch gives the true convolution only when handed the flipped kernel.
# :func:`convlib.correlate2d` and :func:`convlib.convolve2d` take single
# images, like their namesakes in ``scipy.signal``.

x = image[None, None]  # (n, c_in, h, w) = (1, 1, h, w)
w = kernel[None, None]  # (c_out, c_in, kh, kw) = (1, 1, kh, kw)
print("batch x:", x.shape, " kernels w:", w.shape)
x_torch, w_torch = torch.tensor(x), torch.tensor(w)
w_flipped_torch = torch.tensor(flipped[None, None].copy())

correlations = {
    "by hand": correlate_by_hand(image, kernel),
    "convlib.correlate2d": convlib.correlate2d(image, kernel, "valid"),
    "convlib.conv2d": convlib.conv2d(x, w)[0, 0],
    "scipy correlate2d": scipy.signal.correlate2d(image, kernel, "valid"),
    "torch conv2d": torch.nn.functional.conv2d(x_torch, w_torch)[0, 0].numpy(),
}
convolutions = {
    "by hand": convolve_by_hand(image, kernel),
    "convlib.convolve2d": convlib.convolve2d(image, kernel, "valid"),
    "scipy convolve2d": scipy.signal.convolve2d(image, kernel, "valid"),
    "torch, kernel flipped": torch.nn.functional.conv2d(x_torch, w_flipped_torch)[0, 0].numpy(),
}
results = {"cross-correlation": correlations, "true convolution": convolutions}
for operation, by_tool in results.items():
    print(f"{operation}:")
    for tool, result in by_tool.items():
        assert np.array_equal(result, by_tool["by hand"]), (tool, result)
        values = np.unique(result)
        print(f"  {tool:21s} {values} everywhere, shape {result.shape}")
cross = results["cross-correlation"]["by hand"]
true = results["true convolution"]["by hand"]
assert np.array_equal(true, -cross)  # opposite signs
assert not np.array_equal(results["cross-correlation"]["torch conv2d"], true)

# %%
# Integers in, integers out: every tool agrees exactly within each
# operation, and the two operations differ in sign (compare the two printed
# groups; both are asserted). Cross-correlation is what PyTorch computes and what every
# deep-learning framework calls "convolution"; ``scipy.signal.convolve2d``
# computes the flipped, true convolution, so it does **not** reproduce the
# deep-learning result. The same goes for any hand-written loop that flips the
# kernel "for true convolution": it agrees with ``scipy.signal.convolve2d``,
# not with a ``Conv2d`` layer. To get a framework's result from SciPy use
# ``scipy.signal.correlate2d``, or flip the kernel yourself:

by_torch = correlations["torch conv2d"]
scipy_flipped = scipy.signal.convolve2d(image, flipped, "valid")
print("scipy convolve2d with the flipped kernel == torch conv2d:", end=" ")
print(np.array_equal(scipy_flipped, by_torch))
assert np.array_equal(scipy_flipped, by_torch)

# %%
# The two side by side:

fig, axes = plt.subplots(2, 3, figsize=(9, 6), layout="constrained")
draw_matrix(axes[0, 0], image, "image")
draw_matrix(axes[0, 1], kernel, "kernel, as written", cmap="RdBu")
draw_matrix(axes[0, 2], cross, "cross-correlation\n(deep learning's 'convolution')", cmap="RdBu")
draw_matrix(axes[1, 0], image, "image")
draw_matrix(axes[1, 1], flipped, "kernel flipped\n(rows and columns reversed)", cmap="RdBu")
draw_matrix(axes[1, 2], true, "true convolution\n(scipy.signal.convolve2d)", cmap="RdBu")
plt.show()

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
print("correlation:\n", correlation)
print("convolution:\n", convolution)
print("convolution == correlation:", np.array_equal(convolution, correlation))
print("convolution == -correlation:", np.array_equal(convolution, -correlation))
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
print("edge response (cross-correlation):\n", edge_response)
assert np.array_equal(edge_response, correlate_by_hand(edge_image, kernel))
rows = np.arange(edge_response.shape[0])  # window r covers image rows r .. r + kh - 1
straddles = (rows <= edge_row - 1) & (rows + kh - 1 >= edge_row)
assert not edge_response[~straddles].any() and (edge_response[straddles] < 0).all()
upside_down = convlib.correlate2d(edge_image[::-1], kernel, mode="valid")
assert np.array_equal(upside_down, -edge_response[::-1])
print("dark above bright:", np.unique(edge_response[straddles]), end="; ")
print("bright above dark:", np.unique(upside_down[straddles[::-1]]))

fig, axes = plt.subplots(1, 2, figsize=(8, 4), layout="constrained")
draw_matrix(axes[0], edge_image, "image with a horizontal edge", cmap="gray_r")
draw_matrix(axes[1], edge_response, "cross-correlation with the kernel", cmap="RdBu")
plt.show()

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
# below as ``(before, after)``), following TensorFlow's rule, which the
# :ref:`Keras tutorial <sphx_glr_auto_examples_plot_04_keras_conv2d.py>` checks
# against TensorFlow itself.

print(f"{'padding':>8} {'stride':>6} {'formula':>8} {'conv2d shape':>13}")
for padding, stride in [(0, 1), (1, 1), (0, 2), ("same", 1)]:
    size = convlib.conv_output_size(i, k, stride=stride, padding=padding)
    shape = convlib.conv2d(x, w, stride=stride, padding=padding).shape[2:]
    assert shape == (size, size)
    print(f"{padding!s:>8} {stride:>6} {size:>8} {shape!s:>13}")
    if padding == 0:
        assert size < i  # without padding the output is smaller
    if padding == "same":
        assert size == i  # "same" keeps the size
same_pads = convlib.same_padding(i, k)
print("'same' padding (before, after) per axis:", same_pads)
assert sum(same_pads) % 2 == 1 and same_pads[1] == same_pads[0] + 1

# %%
# Where next
# ----------
#
# :ref:`The next tutorial <sphx_glr_auto_examples_plot_02_numpy_from_scratch.py>`
# writes the loop for whole batches of colour images with many filters, with
# stride and padding, and checks it against Keras and PyTorch.

# sphinx_gallery_thumbnail_number = 1
