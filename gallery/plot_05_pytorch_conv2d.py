"""
Conv2d in PyTorch, and moving a layer to Keras
==============================================

Build a PyTorch ``Conv2d`` layer, look at its weight and bias, and compute
exactly what it computes with convlib. Then move a layer between PyTorch and
Keras, in both directions, and check that the outputs stay the same. You will
learn PyTorch's layouts (images ``(batch, channels, height, width)``, "NCHW";
weights ``(out_channels, in_channels, height, width)``, "OIHW"), how to
transpose weights between "OIHW" and Keras's "HWIO", and how to pad in PyTorch
so that a stride-2 layer gives the same output as Keras's ``padding="same"``.
"""

# %%
# A layer and a batch of one image
# --------------------------------
#
# PyTorch puts the channels before height and width. The input is one random
# square image with one channel, used for shapes and for matching numbers.
# ``padding=1`` adds one row or column of zeros on every side, so a 3x3 kernel
# with stride 1 keeps the input's size (both shapes are printed below). Fixing
# PyTorch's random generator first makes the layer's random initial weights
# the same on every run.

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # before TensorFlow is imported

import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
import torch
from matplotlib.cbook import get_sample_data

import convlib
from convlib import viz

torch.manual_seed(0)
tf.keras.utils.set_random_seed(0)

x = torch.randn(1, 1, 10, 10)  # (batch, channels, height, width)
conv_layer = torch.nn.Conv2d(in_channels=1, out_channels=1, kernel_size=3, padding=1)
with torch.no_grad():
    y = conv_layer(x).numpy()
print("input shape: ", tuple(x.shape))
print("output shape:", y.shape)

# %%
# Inside the layer
# ----------------
#
# ``weight[o, i, p, q]`` multiplies input channel ``i`` at offset ``(p, q)`` of
# the window for output channel ``o``: the "OIHW" layout.

weight = conv_layer.weight.detach().numpy()  # (c_out, c_in, kh, kw): OIHW
bias = conv_layer.bias.detach().numpy()  # (c_out,)
print("weight shape:", weight.shape, " bias:", bias)

titles = ["input x[0, 0]", "weight[0, 0]", "output y[0, 0]"]
pictures = [x[0, 0].numpy(), weight[0, 0], y[0, 0]]
_ = viz.show_images(pictures, titles, cmap="RdBu", symmetric=True, colorbar=True)
plt.show()

# %%
# The output has the input's size, and each of its pixels is the weighted sum
# of the 3x3 neighbourhood of the same pixel of the input, plus the bias.
# Unlike Keras, PyTorch starts the bias at a small random value rather than
# zero: drawn uniformly between :math:`\pm 1/\sqrt{\mathrm{fan\_in}}`, with
# ``fan_in = in_channels * kh * kw`` (for ``groups=1``), as its documentation
# says. The check draws a wider layer, ``Conv2d(3, 64, 3)``, whose 64 biases
# show the range better than the one bias above, and checks the Keras
# default alongside.

# %%

# Check: PyTorch's biases are random within 1/sqrt(fan_in); Keras's are zero
wide = torch.nn.Conv2d(in_channels=3, out_channels=64, kernel_size=3)
wide_bias = wide.bias.detach().numpy()
fan_in = wide.in_channels * wide.kernel_size[0] * wide.kernel_size[1]
bound = 1 / np.sqrt(fan_in)
print(f"PyTorch Conv2d(3, 64, 3): fan_in {fan_in}, bound 1/sqrt(fan_in) = {bound:.4f}")
print(f"    bias from {wide_bias.min():.4f} to {wide_bias.max():.4f}, ", end="")
print(f"{np.count_nonzero(wide_bias)} of {wide_bias.size} non-zero")
assert wide_bias.any() and bias.any()  # not all zero
assert np.abs(wide_bias).max() <= bound
assert np.abs(bias).max() <= 1 / np.sqrt(weight[0].size)
keras_wide = tf.keras.layers.Conv2D(filters=64, kernel_size=3)
keras_wide.build((None, 10, 10, 3))
keras_bias = keras_wide.bias.numpy()
print(f"Keras Conv2D(64, 3): {np.count_nonzero(keras_bias)} of 64 non-zero")
assert not keras_bias.any()  # Keras: all zeros

# %%
# Reproduced with convlib
# -----------------------
#
# :func:`convlib.conv2d` uses PyTorch's layouts and padding convention by
# default, so the call reads like the layer's definition:

ours = convlib.conv2d(x.numpy(), weight, bias, stride=1, padding=1)

# %%
# Both compute in float32 and add the products in their own order, so the
# checks allow ``1e-4`` of the largest output value.

# %%

# Check against PyTorch: the same output, to float32 rounding


def check_close(name, result, reference):
    """Assert float32 agreement to 1e-4 of the reference's largest magnitude."""
    tolerance = 1e-4 * np.abs(reference).max()
    difference = np.abs(result - reference).max()
    print(f"{name}: max |diff| {difference:.1e} (tolerance {tolerance:.1e})")
    np.testing.assert_allclose(result, reference, rtol=0, atol=tolerance)


assert y.shape == tuple(x.shape)
check_close("PyTorch vs convlib", ours, y)

# %%
# Moving a layer from PyTorch to Keras
# ------------------------------------
#
# To see feature maps that mean something, use a real colour photograph (the
# portrait of Grace Hopper that ships with matplotlib, every eighth pixel) and
# a layer with 3 input channels and 8 filters. A Keras layer with the same
# weights needs two changes:
#
# * the weight transposed from "OIHW" to "HWIO" (:func:`convlib.convert_layout`
#   reads the permutation off the two strings), the bias unchanged;
# * the image in "NHWC" instead of "NCHW", and the output transposed back.
#
# With stride 1 and a 3x3 kernel, PyTorch's ``padding=1`` and Keras's
# ``padding="same"`` add the same zeros.

with get_sample_data("grace_hopper.jpg") as file:
    photo = plt.imread(file)[::8, ::8].astype(np.float32) / 255.0  # (h, w, 3)
image_nchw = convlib.convert_layout(photo[None], "NHWC", "NCHW").copy()  # (1, 3, h, w)

torch_layer = torch.nn.Conv2d(3, 8, kernel_size=3, padding=1)
with torch.no_grad():
    by_torch = torch_layer(torch.from_numpy(image_nchw)).numpy()
w_oihw = torch_layer.weight.detach().numpy()
b = torch_layer.bias.detach().numpy()

keras_layer = tf.keras.layers.Conv2D(filters=8, kernel_size=3, padding="same")
keras_layer.build((None, *photo.shape))
keras_layer.set_weights([convlib.convert_layout(w_oihw, "OIHW", "HWIO"), b])
by_keras_nhwc = keras_layer(photo[None]).numpy()  # (1, h, w, 8)
by_keras = convlib.convert_layout(by_keras_nhwc, "NHWC", "NCHW")
print("PyTorch weight", w_oihw.shape, "-> Keras", keras_layer.kernel.shape)

# %%
# Four of the eight output channels, from each framework: the same maps. Each
# channel is one filter's response. The filters are random, so each mixes the
# three colours and the nine offsets in its own way: some respond mostly to
# the colour of whole regions (the background, the face), others to the
# outlines of the cap, the collar and the insignia, where neighbouring pixels
# differ most.

maps = [*by_torch[0, :4], *by_keras[0, :4]]
titles = [f"{name}, channel {f}" for name in ("PyTorch", "Keras") for f in range(4)]
_ = viz.show_images(maps, titles, cmap="RdBu", symmetric=True, ncols=4)
plt.show()

# %%

# Check: Keras with the transposed weights gives PyTorch's output, as does convlib
check_close("PyTorch vs Keras, same weights", by_keras, by_torch)
by_convlib = convlib.conv2d(image_nchw, w_oihw, b, padding=1)
check_close("PyTorch vs convlib            ", by_convlib, by_torch)

# %%
# From Keras to PyTorch, with stride 2
# ------------------------------------
#
# The other direction is the same transpose, "HWIO" to "OIHW". But with
# ``strides=2`` Keras's ``padding="same"`` pads according to the input's
# size, and may put more zeros after the image than before it; PyTorch
# refuses ``padding="same"`` with a stride, and its symmetric ``padding=1``
# gives the right shape with other values. The
# :doc:`padding page <../concepts/padding>` explains why. The recipe: ask
# :func:`convlib.same_padding` for Keras's ``(before, after)`` padding along
# each axis (printed below), pad with ``torch.nn.functional.pad``, which takes
# the amounts for the last axis first, ``(left, right, top, bottom)``, and
# convolve without padding.

keras_s2 = tf.keras.layers.Conv2D(filters=8, kernel_size=3, strides=2, padding="same")
keras_s2.build((None, *photo.shape))
h, w = photo.shape[:2]
pad_h = convlib.same_padding(h, 3, stride=2)
pad_w = convlib.same_padding(w, 3, stride=2)
print(f"height {h}: Keras pads {pad_h}; width {w}: Keras pads {pad_w}")

kernel, bias_k = keras_s2.get_weights()
w_s2 = convlib.convert_layout(kernel, "HWIO", "OIHW").copy()
torch_s2 = torch.nn.Conv2d(3, 8, kernel_size=3, stride=2, padding=0)
with torch.no_grad():
    torch_s2.weight.copy_(torch.from_numpy(w_s2))
    torch_s2.bias.copy_(torch.from_numpy(bias_k))
    image_t = torch.from_numpy(image_nchw)
    padded = torch.nn.functional.pad(image_t, (*pad_w, *pad_h))
    by_torch_s2 = torch_s2(padded).numpy()

# %%

# Check: F.pad then no padding gives Keras's output; PyTorch refuses "same" here
by_keras_s2 = convlib.convert_layout(keras_s2(photo[None]).numpy(), "NHWC", "NCHW")
print("Keras output", by_keras_s2.shape, " PyTorch output", by_torch_s2.shape)
check_close("Keras 'same' vs PyTorch with F.pad", by_torch_s2, by_keras_s2)
s2_same = {"stride": 2, "padding": "same"}
by_convlib_s2 = convlib.conv2d(image_nchw, w_s2, bias_k, **s2_same)
check_close("Keras vs convlib 'same'           ", by_convlib_s2, by_keras_s2)
torch.nn.Conv2d(3, 8, kernel_size=3, stride=1, padding="same")  # accepted
try:
    torch.nn.Conv2d(3, 8, kernel_size=3, stride=2, padding="same")
except ValueError as error:
    print("stride 2, padding='same': ValueError:", error)
else:
    raise AssertionError("PyTorch accepted padding='same' with stride 2")

# %%
# The tempting ``padding=1`` instead: the same shape, but along the axis
# where Keras pads after the image only, every window one pixel back.

# %%

# Check: padding=1 differs from Keras, and equals Keras's windows moved by one
with torch.no_grad():
    torch_s2.padding = (1, 1)  # the tempting symmetric version
    by_torch_sym = torch_s2(image_t).numpy()
off_by = np.abs(by_torch_sym - by_keras_s2).max()
print(f"padding=1: {by_torch_sym.shape}, max |diff| from Keras {off_by:.2f}")
assert by_torch_sym.shape == by_keras_s2.shape
assert off_by > 1e-4 * np.abs(by_keras_s2).max()
symmetric = convlib.conv2d(image_nchw, w_s2, bias_k, stride=2, padding=((1, 1), (1, 1)))
check_close("PyTorch padding=1 vs (1, 1) per axis", by_torch_sym, symmetric)
moved = [p if p[0] == p[1] else (p[0] + 1, p[1] - 1) for p in (pad_h, pad_w)]
print("Keras's padding with the lopsided axes moved by one pixel:", moved)
by_moved = convlib.conv2d(image_nchw, w_s2, bias_k, stride=2, padding=moved)
check_close("PyTorch padding=1 vs windows moved ", by_torch_sym, by_moved)

# sphinx_gallery_thumbnail_number = 2
