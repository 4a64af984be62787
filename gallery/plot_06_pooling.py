"""
Pooling from scratch
====================

Write max pooling and average pooling as loops, then use convlib's
:func:`convlib.max_pool2d` and :func:`convlib.avg_pool2d` and check them
against PyTorch and TensorFlow. You will learn how pooling slides a window
like convolution does but reduces it with a maximum or a mean instead of a
weighted sum, how kernel size, stride and padding set the output size, why
max pooling pads with minus infinity rather than zero, and why PyTorch and
TensorFlow give different averages next to the border for what looks like the
same layer.
"""

# %%
# Max pooling by hand
# -------------------
#
# A pooling window has no weights. Max pooling keeps the largest value in each
# window, average pooling their mean. With a 2x2 window and a stride of 2 the
# windows tile the image without overlapping, and the output is half as high
# and half as wide: here each of the four windows of a 4x4 image gives one
# value of a 2x2 output. Each frame of the animation outlines one window and
# writes its largest value into the output.

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.cbook import get_sample_data

import convlib
from convlib import viz

rng = np.random.default_rng(6)
image = rng.integers(0, 10, size=(4, 4))
viz.animate_windows(image, 2, op="max", stride=2)

# %%
# The loop visits the windows ``stride`` pixels apart and reduces each one.
# For an odd size the output is rounded down: a last row or column that fills
# no window is dropped.


def pool_by_hand(image, size, stride, reduce=np.max):
    """Pool a 2-D image with size x size windows, stride apart, no padding."""
    h_out = (image.shape[0] - size) // stride + 1
    w_out = (image.shape[1] - size) // stride + 1
    out = np.zeros((h_out, w_out), dtype=np.result_type(image, float))
    for r in range(h_out):
        for c in range(w_out):
            top, left = r * stride, c * stride
            window = image[top : top + size, left : left + size]
            out[r, c] = reduce(window)
    return out


max_pooled = pool_by_hand(image, size=2, stride=2, reduce=np.max)
avg_pooled = pool_by_hand(image, size=2, stride=2, reduce=np.mean)

windows = np.kron(np.eye(2), np.ones((2, 2))) > 0  # windows (0, 0) and (1, 1)
fig, axes = plt.subplots(1, 3, figsize=(7, 2.7), width_ratios=[2, 1, 1])
viz.draw_grid(axes[0], image, title="input", highlight=windows)
viz.draw_grid(axes[1], max_pooled, title="max", highlight=windows[::2, ::2])
viz.draw_grid(axes[2], avg_pooled, title="average", highlight=windows[::2, ::2])
plt.show()

# %%
# Each window (orange or blue) becomes the output value of the same colour.
# convlib works on batches of multi-channel images, ``(N, C, H, W)`` as in
# PyTorch, and its stride defaults to the window size, as PyTorch's
# ``max_pool2d`` and Keras's ``MaxPooling2D`` layer do (Keras works on
# ``(N, H, W, C)``):

x = image[None, None]  # (n, c, h, w) = (1, 1, h, w)
by_convlib = convlib.max_pool2d(x, 2)[0, 0]
print("convlib.max_pool2d(x, 2):\n", by_convlib)

# %%

# Check against PyTorch and Keras: the loop, convlib and both frameworks agree
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # before TensorFlow is imported
import tensorflow as tf
import torch
import torch.nn.functional as F

assert max_pooled.shape == (image.shape[0] // 2, image.shape[1] // 2)
odd = pool_by_hand(np.arange(5 * 7).reshape(5, 7), size=2, stride=2)
print("a (5, 7) image gives", odd.shape)
assert odd.shape == (5 // 2, 7 // 2)  # rounded down
by_torch = F.max_pool2d(torch.tensor(x), 2)[0, 0].numpy()
keras_pool = tf.keras.layers.MaxPooling2D(pool_size=2)
by_keras = keras_pool(x.transpose(0, 2, 3, 1).astype(np.float32))[0, :, :, 0]
for name, result in [("convlib", by_convlib), ("PyTorch", by_torch)]:
    np.testing.assert_array_equal(result, max_pooled)
    print(f"{name}: max pooling with default stride == loop")
np.testing.assert_array_equal(by_keras.numpy(), max_pooled)
print("Keras MaxPooling2D(pool_size=2) == loop")
mean_by_convlib = convlib.avg_pool2d(x, 2)[0, 0]
np.testing.assert_allclose(mean_by_convlib, avg_pooled, rtol=1e-12)
print("convlib.avg_pool2d == loop")

# %%
# Window size, stride and padding
# -------------------------------
#
# Pooling windows follow the same output-size formula as convolution,
# ``floor((i + 2p - k) / s) + 1``, so :func:`convlib.conv_output_size` applies.
# A stride smaller than the window makes windows overlap (the classic 3x3,
# stride 2 pooling of AlexNet); padding adds room around the border. For a
# square input of the printed size, the formula and the shape that
# :func:`convlib.max_pool2d` returns:

side = 6
print(f"input {side}x{side}")
print(f"{'window':>6} {'stride':>6} {'padding':>7} {'output':>6}")
for k, s, p in [(2, 2, 0), (3, 2, 0), (3, 2, 1), (3, 1, 1)]:
    size = convlib.conv_output_size(side, k, stride=s, padding=p)
    pooled = convlib.max_pool2d(np.zeros((1, 1, side, side)), k, s, p)
    assert pooled.shape[2:] == (size, size)
    print(f"{k:>6} {s:>6} {p:>7} {size:>6}")

# %%
# Max pooling pads with minus infinity
# ------------------------------------
#
# Padding a convolution with zeros is harmless: a zero adds nothing to a sum.
# For a maximum it is not: on an image whose values are all negative, a zero
# in the padding would win every border window. Max pooling therefore pads
# with minus infinity, which never wins. The animation pools an all-negative
# image with 3x3 windows, stride 2 and padding 1; the padding cells hold -∞.
# Eight of its nine windows reach into the padding, yet every output value is
# one of the image's own values, never -∞: each window holds at least one
# real pixel.

negative = -rng.integers(1, 10, size=(5, 5)).astype(float)  # every value below 0
viz.animate_windows(negative, 3, op="max", stride=2, padding=1)

# %%
# Against a loop over a zero-padded copy: there every window that reaches
# into the padding returns the 0, and only the window inside the image is
# right.

ours = convlib.max_pool2d(negative[None, None], 3, stride=2, padding=1)[0, 0]
zero_padded = pool_by_hand(np.pad(negative, 1), size=3, stride=2)
print("convlib (padding holds -inf):\n", ours)
print("zero padding instead (wrong):\n", zero_padded)

# %%

# Check against PyTorch and a loop padded with -inf; zeros win every border window
by_torch = F.max_pool2d(torch.from_numpy(negative[None, None]), 3, stride=2, padding=1)
minus_inf_padded = np.pad(negative, 1, constant_values=-np.inf)
by_loop = pool_by_hand(minus_inf_padded, size=3, stride=2)
np.testing.assert_array_equal(ours, by_torch.numpy()[0, 0])
np.testing.assert_array_equal(ours, by_loop)
print("convlib == PyTorch == loop padded with -inf")
starts = np.arange(zero_padded.shape[0]) * 2 - 1  # first input row of each window
reaches_pad = (starts < 0) | (starts + 3 > negative.shape[0])  # same for the columns
border = reaches_pad[:, None] | reaches_pad[None, :]  # windows that touch the padding
print(f"{border.sum()} of {border.size} windows touch the padding")
assert (ours < 0).all()  # minus infinity never wins
assert (zero_padded[border] == 0).all()  # the padding's zero wins every border window
np.testing.assert_array_equal(zero_padded[~border], ours[~border])

# %%
# Average pooling: is the padding counted?
# ----------------------------------------
#
# For average pooling, zeros in the padding do change the result, and the two
# frameworks disagree on whether they count. PyTorch's ``avg_pool2d`` divides
# by the whole window, padding included (``count_include_pad=True`` by
# default); TensorFlow's ``padding="SAME"`` divides only by the number of real
# pixels in the window. On an image of ones, with 3x3 windows and stride 2,
# TensorFlow pads one pixel on every side, as ``padding=1`` does in PyTorch,
# so the windows are the same and only the divisor differs. convlib does
# either: integer padding follows PyTorch (and ``count_include_pad=False``
# turns the counting off), ``padding="same"`` follows TensorFlow.

side = 5
ones = np.ones((1, 1, side, side), dtype=np.float32)  # NCHW
like_torch = convlib.avg_pool2d(ones, 3, 2, padding=1)[0, 0]
like_tf = convlib.avg_pool2d(ones, 3, 2, padding="same")[0, 0]

fig, axes = plt.subplots(1, 2, figsize=(7, 3.3), layout="constrained")
viz.draw_grid(axes[0], like_torch, title="padding=1: zeros counted", fmt=".3f")
viz.draw_grid(axes[1], like_tf, title='"same": zeros not counted', fmt=".3f")
fig.suptitle(f"Average of a {side}x{side} image of ones, 3x3 windows, stride 2")
plt.show()

# %%
# A corner window covers 4 pixels of the image, and the rest is padding:
# PyTorch's rule divides their sum by 9, TensorFlow's by 4. A window along an
# edge covers 6 pixels, so PyTorch gives 6/9 there; only the centre window,
# inside the image, gets 1 from both. A layer moved between the frameworks
# keeps its shape, but its border averages change unless the rule is set to
# match (``count_include_pad=False`` in PyTorch).

# %%

# Check against PyTorch and TensorFlow: padding counted, and not counted
corner = np.pad(np.ones((side, side)), 1)[:3, :3]  # top-left window, padded image
print(f"top-left window: {corner.sum():g} image pixels out of {corner.size}")
tf_pads = convlib.same_padding(side, 3, stride=2)
print("TensorFlow 'SAME' padding:", tf_pads)
assert tf_pads == (1, 1)
print("PyTorch count_include_pad default:", torch.nn.AvgPool2d(3).count_include_pad)
assert torch.nn.AvgPool2d(3).count_include_pad
ones_nhwc = ones.transpose(0, 2, 3, 1)
torch_avg = F.avg_pool2d(torch.from_numpy(ones), 3, stride=2, padding=1)
tf_avg = tf.nn.avg_pool2d(ones_nhwc, ksize=3, strides=2, padding="SAME")
torch_avg = torch_avg.numpy()[0, 0]
tf_avg = tf_avg.numpy()[0, :, :, 0]
print("PyTorch (padding counted):\n", torch_avg)
print("TensorFlow (padding not counted):\n", tf_avg)
assert np.isclose(torch_avg[0, 0], corner.sum() / corner.size)  # PyTorch: whole window
np.testing.assert_array_equal(tf_avg, 1)  # TensorFlow: real pixels only
not_counted = convlib.avg_pool2d(ones, 3, 2, padding=1, count_include_pad=False)
np.testing.assert_allclose(like_torch, torch_avg, rtol=1e-6)
np.testing.assert_allclose(like_tf, tf_avg, rtol=1e-6)
np.testing.assert_allclose(not_counted[0, 0], tf_avg, rtol=1e-6)
print("convlib matches PyTorch (padding=1) and TensorFlow (padding='same')")

# %%
# Checked against both frameworks
# -------------------------------
#
# The same comparisons on a random float32 batch of multi-channel images
# (its shape is printed below), for several window sizes, strides and
# paddings. Maxima are copied, never computed, so max pooling must agree
# exactly; averages agree to float32 rounding (tolerance ``1e-4`` of the
# largest value).

# %%

# Check against PyTorch and TensorFlow on a random batch, several settings
batch = rng.standard_normal((2, 3, 9, 9), dtype=np.float32)  # NCHW
batch_nhwc = np.ascontiguousarray(batch.transpose(0, 2, 3, 1))  # for TF
print("batch (n, c, h, w):", batch.shape)


def report(name, ours, reference, exact):
    """Assert equality (exact, or to 1e-4 of the largest value); print it."""
    difference = np.abs(ours - reference).max()
    if exact:
        np.testing.assert_array_equal(ours, reference)
    else:
        tolerance = 1e-4 * np.abs(reference).max()
        np.testing.assert_allclose(ours, reference, rtol=0, atol=tolerance)
    print(f"{name:28s} {ours.shape!s:14s} max |diff| {difference:.1e}")


t = torch.from_numpy(batch)
for k, s, p in [(2, 2, 0), (3, 2, 1), (3, 1, 1)]:
    name = f"k={k} s={s} p={p}"
    max_ours = convlib.max_pool2d(batch, k, s, p)
    avg_ours = convlib.avg_pool2d(batch, k, s, p)
    report(f"torch max {name}", max_ours, F.max_pool2d(t, k, s, p).numpy(), True)
    report(f"torch avg {name}", avg_ours, F.avg_pool2d(t, k, s, p).numpy(), False)
for k, s, p in [(2, 2, "VALID"), (3, 2, "SAME"), (3, 1, "SAME")]:
    name = f"k={k} s={s} {p}"
    max_ref = tf.nn.max_pool2d(batch_nhwc, k, s, p).numpy()
    avg_ref = tf.nn.avg_pool2d(batch_nhwc, k, s, p).numpy()
    settings = {"stride": s, "padding": p.lower(), "data_format": "NHWC"}
    max_ours = convlib.max_pool2d(batch_nhwc, k, **settings)
    avg_ours = convlib.avg_pool2d(batch_nhwc, k, **settings)
    report(f"tf max {name}", max_ours, max_ref, True)
    report(f"tf avg {name}", avg_ours, avg_ref, False)

# %%
# Pooling a photograph
# --------------------
#
# On a real image, the portrait of Grace Hopper that ships with matplotlib,
# 4x4 pooling shrinks each side four times (rounded down; the shapes are in
# the titles). Max pooling keeps the brightest pixel of each window, so thin
# bright details (the white collar, the stars) survive and grow; average
# pooling blurs them into their surroundings.

with get_sample_data("grace_hopper.jpg") as file:
    photo = plt.imread(file)
gray = photo @ np.array([0.299, 0.587, 0.114], dtype=np.float32) / 255  # (h, w)
pool = 4
pooled_max = convlib.max_pool2d(gray[None, None], pool)[0, 0]
pooled_avg = convlib.avg_pool2d(gray[None, None], pool)[0, 0]

titles = [f"photograph {gray.shape}", f"max pooling {pooled_max.shape}"]
titles.append(f"average pooling {pooled_avg.shape}")
_ = viz.show_images([gray, pooled_max, pooled_avg], titles)
plt.show()

# %%

# Check against PyTorch on the photograph
assert pooled_max.shape == (gray.shape[0] // pool, gray.shape[1] // pool)
g = torch.from_numpy(gray[None, None])
torch_max = F.max_pool2d(g, pool)[0, 0].numpy()
torch_mean = F.avg_pool2d(g, pool)[0, 0].numpy()
report(f"photo: torch max {pool}x{pool}", pooled_max, torch_max, exact=True)
report(f"photo: torch avg {pool}x{pool}", pooled_avg, torch_mean, exact=False)

# sphinx_gallery_thumbnail_number = 1
