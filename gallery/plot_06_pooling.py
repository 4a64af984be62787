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
# and half as wide (rounded down, for an odd size: a last row or column that
# fills no window is dropped).

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
import torch
import torch.nn.functional as F
from matplotlib.cbook import get_sample_data
from matplotlib.patches import Rectangle

import convlib

rng = np.random.default_rng(6)


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


image = rng.integers(0, 10, size=(4, 4))
max_pooled = pool_by_hand(image, size=2, stride=2, reduce=np.max)
avg_pooled = pool_by_hand(image, size=2, stride=2, reduce=np.mean)
print("image:\n", image)
print("max pooling, 2x2 windows, stride 2:\n", max_pooled)
print("average pooling, 2x2 windows, stride 2:\n", avg_pooled)
assert max_pooled.shape == (image.shape[0] // 2, image.shape[1] // 2)
odd = pool_by_hand(np.arange(5 * 7).reshape(5, 7), size=2, stride=2)
print("a (5, 7) image gives", odd.shape)
assert odd.shape == (5 // 2, 7 // 2)

# %%
# convlib works on batches of multi-channel images, ``(N, C, H, W)`` as in
# PyTorch, and its stride defaults to the window size, as PyTorch's
# ``max_pool2d`` and Keras's ``MaxPooling2D`` layer do (Keras works on
# ``(N, H, W, C)``):

x = image[None, None]  # (n, c, h, w) = (1, 1, h, w)
by_convlib = convlib.max_pool2d(x, 2)[0, 0]
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


def draw_pooling(ax_in, ax_out, image, out, size, stride, title):
    """The image with each window in a colour, and the output in the same."""
    for axis, values in ((ax_in, image), (ax_out, out)):
        axis.imshow(np.zeros_like(values, dtype=float), cmap="Greys", vmin=0, vmax=1)
        for (r, c), v in np.ndenumerate(values):
            axis.text(c, r, f"{v:g}", ha="center", va="center", fontsize=12)
        axis.set_xticks([])
        axis.set_yticks([])
    for (r, c), _ in np.ndenumerate(out):
        colour = f"C{(r * out.shape[1] + c) % 10}"
        top, left = r * stride, c * stride
        ax_in.add_patch(
            Rectangle((left - 0.45, top - 0.45), size - 0.1, size - 0.1, fc=colour, alpha=0.3)
        )
        ax_out.add_patch(Rectangle((c - 0.45, r - 0.45), 0.9, 0.9, fc=colour, alpha=0.3))
    ax_in.set_title("input, windows coloured", fontsize=10)
    ax_out.set_title(title, fontsize=10)


fig, axes = plt.subplots(1, 3, figsize=(10, 3.8), layout="constrained")
draw_pooling(axes[0], axes[1], image, max_pooled, 2, 2, "max pooling")
draw_pooling(axes[0], axes[2], image, avg_pooled, 2, 2, "average pooling")
fig.suptitle("2x2 pooling with stride 2: each window becomes one output value")
plt.show()

# %%
# Window size, stride and padding
# -------------------------------
#
# Pooling windows follow the same output-size formula as convolution,
# ``floor((i + 2p - k) / s) + 1``, so :func:`convlib.conv_output_size` applies.
# A stride smaller than the window makes windows overlap (the classic 3x3,
# stride 2 pooling of AlexNet); padding adds room around the border. For a
# square input of the printed size:

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
# with minus infinity, which never wins. The check, on an all-negative image,
# against PyTorch, against a loop over a copy padded with minus infinity, and
# against a loop over a zero-padded copy: there every window that reaches into
# the padding returns the 0, and only the windows inside the image are right.

negative = -1.0 - rng.random((1, 1, 5, 5))  # values between -2 and -1
ours = convlib.max_pool2d(negative, 3, stride=2, padding=1)
by_torch = F.max_pool2d(torch.from_numpy(negative), 3, stride=2, padding=1)
minus_inf_padded = np.pad(negative[0, 0], 1, constant_values=-np.inf)
by_loop = pool_by_hand(minus_inf_padded, size=3, stride=2)
zero_padded = pool_by_hand(np.pad(negative[0, 0], 1), size=3, stride=2)
np.testing.assert_array_equal(ours, by_torch.numpy())
np.testing.assert_array_equal(ours[0, 0], by_loop)
print("convlib == PyTorch == loop padded with -inf:\n", ours[0, 0].round(3))
print("zero padding instead (wrong):\n", zero_padded.round(3))
starts = np.arange(zero_padded.shape[0]) * 2 - 1  # first input row of each window
reaches_pad = (starts < 0) | (starts + 3 > negative.shape[2])  # same for the columns
border = reaches_pad[:, None] | reaches_pad[None, :]  # windows that touch the padding
print(f"{border.sum()} of {border.size} windows touch the padding")
assert (ours < 0).all()  # minus infinity never wins
assert (zero_padded[border] == 0).all()  # the padding's zero wins every border window
np.testing.assert_array_equal(zero_padded[~border], ours[0, 0][~border])

# %%
# Average pooling: is the padding counted?
# ----------------------------------------
#
# For average pooling, zeros in the padding do change the result, and the two
# frameworks disagree on whether they count. PyTorch's ``avg_pool2d`` divides
# by the whole window, padding included (``count_include_pad=True`` by
# default); TensorFlow's ``padding="SAME"`` divides only by the number of real
# pixels in the window. On an image of ones, with 3x3 windows and stride 2
# (sizes in the figure's title), TensorFlow pads one pixel on every side, as
# ``padding=1`` does in PyTorch (the printed padding), so the windows are the
# same and only the divisor differs:

side = 5
tf_pads = convlib.same_padding(side, 3, stride=2)
print("TensorFlow 'SAME' padding:", tf_pads)
assert tf_pads == (1, 1)
print("PyTorch count_include_pad default:", torch.nn.AvgPool2d(3).count_include_pad)
assert torch.nn.AvgPool2d(3).count_include_pad
ones = np.ones((1, 1, side, side), dtype=np.float32)  # NCHW
ones_nhwc = ones.transpose(0, 2, 3, 1)
torch_avg = F.avg_pool2d(torch.from_numpy(ones), 3, stride=2, padding=1)
tf_avg = tf.nn.avg_pool2d(ones_nhwc, ksize=3, strides=2, padding="SAME")
torch_avg = torch_avg.numpy()[0, 0]
tf_avg = tf_avg.numpy()[0, :, :, 0]
print("PyTorch (padding counted):\n", torch_avg)
print("TensorFlow (padding not counted):\n", tf_avg)

# %%
# A corner window covers a few pixels of the image and the rest is padding
# (counted below). PyTorch divides the sum by the whole window, TensorFlow by
# the pixels that are really there. convlib does either: integer padding
# follows PyTorch (and ``count_include_pad=False`` turns the counting off),
# ``padding="same"`` follows TensorFlow.

corner = np.pad(np.ones((side, side)), 1)[:3, :3]  # top-left window, padded image
print(f"top-left window: {corner.sum():g} image pixels out of {corner.size}")
assert np.isclose(torch_avg[0, 0], corner.sum() / corner.size)  # PyTorch: whole window
np.testing.assert_array_equal(tf_avg, 1)  # TensorFlow: real pixels only

like_torch = convlib.avg_pool2d(ones, 3, 2, padding=1)
like_tf = convlib.avg_pool2d(ones, 3, 2, padding="same")
not_counted = convlib.avg_pool2d(ones, 3, 2, padding=1, count_include_pad=False)
np.testing.assert_allclose(like_torch[0, 0], torch_avg, rtol=1e-6)
np.testing.assert_allclose(like_tf[0, 0], tf_avg, rtol=1e-6)
np.testing.assert_allclose(not_counted[0, 0], tf_avg, rtol=1e-6)
print("convlib matches PyTorch (padding=1) and TensorFlow (padding='same')")

fig, axes = plt.subplots(1, 2, figsize=(8, 3.8), layout="constrained")
for ax, values, title in [
    (axes[0], torch_avg, "PyTorch avg_pool2d, padding=1\n(zeros counted)"),
    (axes[1], tf_avg, "TensorFlow avg_pool2d, 'SAME'\n(zeros not counted)"),
]:
    ax.imshow(values, cmap="viridis", vmin=0, vmax=1)
    for (r, c), v in np.ndenumerate(values):
        colour = "w" if v < 0.6 else "k"
        ax.text(c, r, f"{v:.3f}", ha="center", va="center", color=colour)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title, fontsize=10)
fig.suptitle(f"Average pooling of a {side}x{side} image of ones, 3x3 windows, stride 2")
plt.show()

# %%
# Checked against both frameworks
# -------------------------------
#
# The same comparisons on a random float32 batch of multi-channel images (its
# shape is printed below), for several window sizes, strides and paddings. Maxima are copied, never
# computed, so max pooling must agree exactly; averages agree to float32
# rounding (tolerance ``1e-4`` of the largest value).

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
# the titles). Max pooling keeps the brightest
# pixel of each window, so thin bright details (the white collar, the stars)
# survive and grow; average pooling blurs them into their surroundings.

with get_sample_data("grace_hopper.jpg") as file:
    photo = plt.imread(file)
gray = photo @ np.array([0.299, 0.587, 0.114], dtype=np.float32) / 255  # (h, w)
pool = 4
pooled_max = convlib.max_pool2d(gray[None, None], pool)[0, 0]
pooled_avg = convlib.avg_pool2d(gray[None, None], pool)[0, 0]
assert pooled_max.shape == (gray.shape[0] // pool, gray.shape[1] // pool)
g = torch.from_numpy(gray[None, None])
torch_max = F.max_pool2d(g, pool)[0, 0].numpy()
torch_mean = F.avg_pool2d(g, pool)[0, 0].numpy()
report(f"photo: torch max {pool}x{pool}", pooled_max, torch_max, exact=True)
report(f"photo: torch avg {pool}x{pool}", pooled_avg, torch_mean, exact=False)

fig, axes = plt.subplots(1, 3, figsize=(12, 5.2), layout="constrained")
for ax, picture, title in [
    (axes[0], gray, f"photograph {gray.shape}"),
    (axes[1], pooled_max, f"{pool}x{pool} max pooling {pooled_max.shape}"),
    (axes[2], pooled_avg, f"{pool}x{pool} average pooling {pooled_avg.shape}"),
]:
    ax.imshow(picture, cmap="gray", vmin=0, vmax=1)
    ax.set_title(title, fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])
plt.show()

# sphinx_gallery_thumbnail_number = 1
