"""
Convolution from scratch with NumPy
===================================

Write the forward pass of a convolution layer yourself, with plain Python
loops over NumPy arrays, in three steps: one grayscale image with stride and
padding; one colour (RGB) image with one filter, where a 3-D filter slides in
two directions and gives one output channel; and a batch of colour images with
many filters, which gives one output channel per filter. You will learn how
the output's shape follows from those settings, and how to check a home-made
convolution against Keras ``Conv2D`` and PyTorch ``Conv2d`` properly: with a
tolerance suited to float32, not by rounding.
"""

# %%
# What the loop will do
# ---------------------
#
# A small test image, a bright bar on a dark background, and a kernel that
# responds to a change from left to right (a Sobel kernel). The image is
# padded with one row and column of zeros on every side (grey, in italics),
# and the kernel visits every other window (stride 2). At each window it
# multiplies the window by the kernel element by element and adds everything
# up: one output value per window, the sum written under the grids.

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.cbook import get_sample_data

import convlib
from convlib import viz

rng = np.random.default_rng(1)

image = np.zeros((7, 7))
image[1:6, 2:5] = 1.0  # the bright bar
sobel_x = np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]])
viz.animate_windows(image, sobel_x, stride=2, padding=1)

# %%
# One window: the convolution step
# --------------------------------
#
# Everything rests on one small function: multiply a patch of the image by the
# kernel, element by element, and add everything up: the sum written under
# the grids in each frame of the animation. It is an ordinary function
# defined here, not a module to import.


def conv_step(patch, kernel):
    """Sum of the element-wise product of a patch and a same-shaped kernel."""
    return np.sum(patch * kernel)


# %%
# One grayscale image, with stride and padding
# --------------------------------------------
#
# Pad the image with ``pad`` zeros on every side, then visit the windows
# ``stride`` pixels apart. The number of windows along an axis is
# ``(i + 2 * pad - k) // stride + 1``; integer division drops a last window
# that would hang over the edge.


def convolution_2d(image, kernel, stride=1, pad=0):
    """Image (h, w) and kernel (kh, kw) -> (h_out, w_out), as a CNN layer."""
    h, w = image.shape
    kh, kw = kernel.shape
    padded = np.pad(image, pad, mode="constant", constant_values=0)
    h_out = (h + 2 * pad - kh) // stride + 1
    w_out = (w + 2 * pad - kw) // stride + 1
    out = np.zeros((h_out, w_out), dtype=np.result_type(image, kernel))
    for r in range(h_out):
        top = r * stride
        for c in range(w_out):
            left = c * stride
            patch = padded[top : top + kh, left : left + kw]
            out[r, c] = conv_step(patch, kernel)
    return out


# %%
# For the bar image, 7 pixels wide, with a 3-pixel kernel, padding 1 and
# stride 2, that is ``(7 + 2 - 3) // 2 + 1 = 4`` windows along each axis: the
# 4x4 output of the animation. Stride 1 without padding gives
# ``(7 - 3) // 1 + 1 = 5``, and stride 1 with padding 1 gives back 7. Three
# settings, three output sizes (the cells are drawn at one size, so the grids
# compare):

outputs = {}
for stride, pad in [(1, 0), (1, 1), (2, 1)]:
    outputs[stride, pad] = convolution_2d(image, sobel_x, stride=stride, pad=pad)

fig, axes = plt.subplots(2, 2, figsize=(6.5, 6.8), layout="constrained")
viz.draw_grid(axes[0, 0], image, title=f"image {image.shape}", cmap="gray")
for ax, ((stride, pad), out) in zip(axes.flat[1:], outputs.items()):
    title = f"stride={stride}, pad={pad}: {out.shape}"
    viz.draw_grid(ax, out, title=title, cmap="RdBu")
    ax.set(xlim=(-0.05, 7.05), ylim=(7.05, -0.05))  # cells as large as the image's
plt.show()

# %%
# The kernel subtracts the right column of each window from the left one
# (with weights 1, 2, 1), so it gives negative values where the brightness
# rises from left to right (the bar's left edge, red), positive values where
# it falls (its right edge, blue), and zero where the image is flat. Padding
# by one keeps the image's size for a 3x3 kernel; a stride of 2 then keeps
# every other window, the 4x4 output of the animation.

# %%

# Check: convlib.conv2d agrees, and the signs sit on the bar's edges
x = image[None, None]  # convlib.conv2d takes batches: (n, c_in, h, w)
w = sobel_x[None, None]  # and stacks of kernels: (c_out, c_in, kh, kw)
for (stride, pad), ours in outputs.items():
    theirs = convlib.conv2d(x, w, stride=stride, padding=pad)[0, 0]
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)
    print(f"stride={stride}, pad={pad}: output {ours.shape}, same as convlib")
assert len({out.shape for out in outputs.values()}) == 3  # three output sizes
assert outputs[1, 1].shape == image.shape

valid = outputs[1, 0]  # window (r, c) covers image columns c .. c + 2
bar_left, *_, bar_right = np.flatnonzero(image.any(axis=0))  # the bar's columns
starts = np.arange(valid.shape[1])
rises = (starts < bar_left) & (starts + 2 >= bar_left)  # window holds the left edge
falls = (starts <= bar_right) & (starts + 2 > bar_right)  # ... the right edge
print("column sums of the unpadded output:", valid.sum(axis=0))
assert (valid[:, rises] <= 0).all() and (valid[:, rises] < 0).any()
assert (valid[:, falls] >= 0).all() and (valid[:, falls] > 0).any()
assert not valid[:, ~(rises | falls)].any()  # flat in every other window

# %%
# The three cases above use small whole numbers. On random data, with more
# settings, the loop still matches :func:`convlib.conv2d` to float64 rounding:

# %%

# Check against convlib.conv2d on random data: 9 strides and paddings
noise = rng.standard_normal((11, 9))
kern = rng.standard_normal((4, 3))
for stride in (1, 2, 3):
    for pad in (0, 1, 2):
        ours = convolution_2d(noise, kern, stride, pad)
        x, w = noise[None, None], kern[None, None]
        theirs = convlib.conv2d(x, w, stride=stride, padding=pad)[0, 0]
        scale = np.abs(theirs).max()
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12 * scale)
print(f"9 stride/pad settings, {noise.shape} image, {kern.shape} kernel: all equal")

# %%
# One colour image, one filter
# ----------------------------
#
# A colour image has three channels, stored here as ``(height, width,
# channels)``. A filter for it has the same depth: ``(kh, kw, channels)``. It
# still slides in only two directions, height and width; at each position the
# convolution step multiplies the whole ``kh x kw x 3`` block and adds it up,
# so the result is **one** number per position: one output channel. That is
# why this is called a 2-D convolution although the data and the filter are
# 3-D. The filter must have as many channels as the image; the function
# refuses anything else, with a message that names both numbers.


def convolution_rgb(image, kernel, stride=1, pad=0):
    """Image (h, w, c) and one filter (kh, kw, c) -> one channel (h_out, w_out)."""
    h, w, c = image.shape
    kh, kw, kc = kernel.shape
    if kc != c:
        raise ValueError(f"filter has {kc} channels, image {c}: they must match")
    padded = np.pad(image, ((pad, pad), (pad, pad), (0, 0)))  # not the channels
    h_out = (h + 2 * pad - kh) // stride + 1
    w_out = (w + 2 * pad - kw) // stride + 1
    out = np.zeros((h_out, w_out), dtype=np.result_type(image, kernel))
    for r in range(h_out):
        for col in range(w_out):
            top, left = r * stride, col * stride
            patch = padded[top : top + kh, left : left + kw, :]  # (kh, kw, c)
            out[r, col] = conv_step(patch, kernel)  # sums over all three axes
    return out


# %%
# A real colour photograph makes the channels visible: matplotlib ships a
# portrait of Grace Hopper, read here and shrunk to every eighth pixel. The
# filter is the Sobel kernel on each channel, weighted by how much each
# colour contributes to brightness, so the one filter turns the colours into
# gray and detects vertical edges at the same time. Its three slices:

with get_sample_data("grace_hopper.jpg") as file:
    photo = plt.imread(file)[::8, ::8] / 255.0  # (h, w, 3), values in [0, 1]
brightness = np.array([0.299, 0.587, 0.114])  # weights of red, green, blue
rgb_filter = sobel_x[:, :, None] * brightness  # (3, 3, 3): (kh, kw, channels)

fig, axes = plt.subplots(1, 3, figsize=(7, 2.8), layout="constrained")
for ch, name in enumerate(["red", "green", "blue"]):
    title = f"filter[:, :, {ch}] ({name})"
    viz.draw_grid(axes[ch], rgb_filter[:, :, ch], title=title, fmt=".2f", cmap="RdBu")
plt.show()

# %%
# The 3-D step is the sum of three 2-D steps, one per channel: convolving each
# channel with its slice of the filter and adding the three maps gives the
# one output channel (red where the brightness rises from left to right, blue
# where it falls).

feature_map = convolution_rgb(photo, rgb_filter, stride=1, pad=1)  # (h, w)
channels = photo.transpose(2, 0, 1)  # (3, h, w): red, green, blue
slices = rgb_filter.transpose(2, 0, 1)  # (3, kh, kw): the filter's slice for each
per_channel = [convolution_2d(c, s, stride=1, pad=1) for c, s in zip(channels, slices)]

gray = photo @ brightness  # the same weights, as one gray image
titles = ["red", "green", "blue", "gray (weighted sum)"]
titles += [f"{name} response" for name in titles[:3]] + ["sum: one channel"]
pictures = [*channels, gray, *per_channel, feature_map]
fig, axes = viz.show_images(pictures, titles, ncols=4)
limit = np.percentile(np.abs(feature_map), 99)  # clip a few very strong edges
for ax in axes[1]:
    ax.images[0].set(cmap="RdBu", clim=(-limit, limit))
plt.show()

# %%
# The green response is the strongest and the blue the weakest: the channels
# themselves look much alike, but the filter's slices carry the brightness
# weights, green's the largest and blue's the smallest. Their sum is also the
# Sobel response of the gray image (top right): convolution is linear, so
# mixing the channels first and filtering after gives the same numbers.
#
# convlib computes the same with the layouts named: ``data_format="NHWC"``
# for a batch of ``(h, w, c)`` images and ``kernel_format="OHWI"`` for a
# stack of ``(kh, kw, c)`` filters.

# %%

# Check: three 2-D steps == the 3-D step == convlib.conv2d (NHWC, OHWI)
np.testing.assert_allclose(sum(per_channel), feature_map, rtol=1e-12, atol=1e-12)
gray_edges = convolution_2d(gray, sobel_x, 1, 1)  # gray first, then Sobel
np.testing.assert_allclose(gray_edges, feature_map, rtol=1e-12, atol=1e-12)
layouts = {"data_format": "NHWC", "kernel_format": "OHWI"}
by_convlib = convlib.conv2d(photo[None], rgb_filter[None], padding=1, **layouts)
print("convlib output:", by_convlib.shape)  # (1, h, w, 1)
np.testing.assert_allclose(by_convlib[0, :, :, 0], feature_map, rtol=1e-12, atol=1e-12)
print("sum of the three per-channel maps == the 3-D step == convlib.conv2d")

# %%
# A batch of colour images, many filters
# --------------------------------------
#
# A convolution layer applies ``num_filters`` filters to every image of a
# batch. Each filter gives one output channel, so the output is ``(batch,
# out_h, out_w, num_filters)``: its last axis counts the **filters**, not the
# filters' channels (which must equal the input's channels and are summed
# away). Here a batch of random RGB images meets a stack of 5x5x3 filters,
# with padding 2 and stride 1 (the shapes are printed below).


def convolution_batch(images, kernels, stride=1, pad=0):
    """Images (n, h, w, c), filters (num_filters, kh, kw, c) -> (n, h_out, w_out,
    num_filters): one output channel per filter."""
    outputs = []
    for image in images:
        maps = [convolution_rgb(image, k, stride, pad) for k in kernels]
        outputs.append(np.stack(maps, axis=-1))  # (h_out, w_out, num_filters)
    return np.stack(outputs)


images = rng.standard_normal((4, 9, 9, 3), dtype=np.float32)  # (n, h, w, c)
kernels = rng.standard_normal((8, 5, 5, 3), dtype=np.float32)  # "OHWI"
ours = convolution_batch(images, kernels, stride=1, pad=2)
print("images (n, h, w, c):", images.shape, " filters:", kernels.shape)
print("output (n, h_out, w_out, num_filters):", ours.shape)
assert ours.shape[-1] == kernels.shape[0]

# %%
# Two images of the batch, four of their eight output channels: each panel is
# what one filter makes of one image. The images and the filters are random,
# so the maps are noise; what matters is where they go. Image ``b`` and
# filter ``f`` give ``ours[b, :, :, f]``, so the filters, not their three
# channels, make the last axis of the output.

maps = [ours[b, :, :, f] for b in range(2) for f in range(4)]
titles = [f"image {b}, filter {f}" for b in range(2) for f in range(4)]
_ = viz.show_images(maps, titles, cmap="RdBu", symmetric=True, ncols=4)
plt.show()

# %%
# Checking against Keras and PyTorch
# ----------------------------------
#
# Both frameworks compute the same thing but store it differently. Keras
# works on ``(batch, h, w, channels)`` like the loop, and wants the filters as
# ``(kh, kw, channels, num_filters)`` ("HWIO"). PyTorch wants the images as
# ``(batch, channels, h, w)`` ("NCHW") and the filters as ``(num_filters,
# channels, kh, kw)`` ("OIHW"). :func:`convlib.convert_layout` reorders the
# axes by name. Keras's ``padding="same"`` is the 2 pixels of padding here
# (for a 5x5 kernel with stride 1); PyTorch takes ``padding=2`` directly.
#
# float32 arithmetic rounds every product and sum, and each library adds the
# 5x5x3 products of a window in its own order, so the results differ in the
# last bits. Compare them with a tolerance scaled to the size of the values:
# here ``1e-4`` times the largest output, far above float32's rounding unit
# (its machine epsilon, about ``1.2e-7``) and far below any real mistake. The
# loop passes against both frameworks, and against convlib:

# %%

# Check against Keras Conv2D and PyTorch Conv2d, to float32 rounding
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # before TensorFlow is imported
import tensorflow as tf
import torch


def check_close(name, result, reference):
    """Assert float32 agreement to 1e-4 of the reference's largest magnitude."""
    tolerance = 1e-4 * np.abs(reference).max()
    difference = np.abs(result - reference).max()
    print(f"{name:22s} max |diff| {difference:.1e}, tolerance {tolerance:.1e}")
    np.testing.assert_allclose(result, reference, rtol=0, atol=tolerance)


print("float32 rounding unit (machine epsilon):", np.finfo(np.float32).eps)
num_filters, _, k_size, _ = kernels.shape
assert convlib.same_padding(images.shape[1], k_size) == (2, 2)
keras_layer = tf.keras.layers.Conv2D(
    filters=num_filters, kernel_size=k_size, padding="same", use_bias=False
)
keras_layer.build(images.shape)
keras_layer.set_weights([convlib.convert_layout(kernels, "OHWI", "HWIO")])
by_keras = keras_layer(images).numpy()

torch_layer = torch.nn.Conv2d(3, num_filters, k_size, padding=2, bias=False)
weight_oihw = convlib.convert_layout(kernels, "OHWI", "OIHW")
images_nchw = convlib.convert_layout(images, "NHWC", "NCHW").copy()
with torch.no_grad():
    torch_layer.weight.copy_(torch.from_numpy(weight_oihw))
    out_nchw = torch_layer(torch.from_numpy(images_nchw)).numpy()
by_torch = convlib.convert_layout(out_nchw, "NCHW", "NHWC")
by_convlib = convlib.conv2d(images, kernels, padding=2, **layouts)

check_close("loop vs Keras Conv2D", ours, by_keras)
check_close("loop vs PyTorch Conv2d", ours, by_torch)
check_close("loop vs convlib.conv2d", ours, by_convlib)

# %%
# Why not round to two decimals?
# ------------------------------
#
# Rounding both results to two decimals and then demanding equality is a
# tempting check, but it tests the wrong thing. Two numbers that agree to
# float32 precision can round to different values if they sit on either side
# of a rounding boundary, and two numbers that differ by far more than
# rounding error can round to the same value. Both failures, with the same
# ``np.allclose`` call on rounded values:

almost_equal = np.float32([1.0049999]), np.float32([1.0050001])
clearly_different = np.float32([1.001]), np.float32([1.004])
for (a, b), agree in [(almost_equal, True), (clearly_different, False)]:
    a2, b2 = np.round(a, 2), np.round(b, 2)  # rounded to 2 decimals
    rounded = np.allclose(a2, b2, rtol=1e-5, atol=1e-8)
    tolerance = np.allclose(a, b, rtol=0, atol=1e-4 * np.abs(b).max())
    print(f"{a[0]:.7f} vs {b[0]:.7f} (difference {abs(b[0] - a[0]):.1e})")
    print(f"    equal by the rounded check: {rounded}, by the tolerance: {tolerance}")
    assert tolerance == agree and rounded != agree  # rounding gets both wrong

# %%
# The rounded check fails the pair that agrees and passes the pair that does
# not; the tolerance check gets both right. With thousands of outputs, some
# are likely to sit close to a rounding boundary, so the rounded check can
# fail on results that agree to float32 precision. Applied to the batch above,
# against the two frameworks (the counts are from this run; another machine
# may round elsewhere):

# %%

# Check: how many of the batch's values the rounded check gets wrong
for name, reference in [("Keras", by_keras), ("PyTorch", by_torch)]:
    a2, b2 = np.round(ours, 2), np.round(reference, 2)
    differ = ~np.isclose(a2, b2, rtol=1e-5, atol=1e-8)
    print(f"{name}: {differ.sum()} of {ours.size} values round differently")

# sphinx_gallery_thumbnail_number = 3
