"""
Conv2D in TensorFlow / Keras
============================

Build a Keras ``Conv2D`` layer, look inside it, and compute exactly what it
computes with convlib. You will learn how Keras lays out images
(``(batch, height, width, channels)``, "NHWC") and kernels
(``(height, width, in_channels, filters)``, "HWIO"), what ``filters``,
``kernel_size``, ``strides`` and ``padding="same"`` do to the output's shape,
where the bias goes, and what ``padding="same"`` gives with a stride of 2:
padding that can be lopsided, which matters when you move a layer to another
framework.
"""

# %%
# A layer and a batch of one image
# --------------------------------
#
# The input is a batch of one small square image with one channel (its shape
# is printed below). Its values are random: this example is about shapes and
# about matching numbers exactly, not about what the picture shows (the
# :ref:`image-filter example <sphx_glr_auto_examples_plot_03_image_filters.py>`
# is about that). Fixing the random generators first makes the layer's random
# initial weights the same on every run.

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # before TensorFlow is imported

import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

import convlib
from convlib import viz

tf.keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)

x = rng.standard_normal((1, 10, 10, 1), dtype=np.float32)  # (batch, h, w, c): NHWC
conv_layer = tf.keras.layers.Conv2D(filters=1, kernel_size=(3, 3), padding="same")
y = conv_layer(x).numpy()
print("input shape: ", x.shape)
print("output shape:", y.shape)

# %%
# ``padding="same"`` adds just enough zeros around the image that, with stride
# 1, the output has the input's height and width. ``filters=1`` asks for one
# output channel.
#
# Inside the layer
# ----------------
#
# The layer holds a kernel and a bias. The kernel's axes are (kernel height,
# kernel width, input channels, filters): ``kernel[p, q, c, f]`` multiplies
# input channel ``c`` at offset ``(p, q)`` in the window, for output channel
# ``f``. The bias holds one number per filter, added to every value of that
# output channel; Keras starts it at zero (its initializer and initial values
# are printed below), so give it a value to see it at work.

kernel = conv_layer.kernel.numpy()  # (kh, kw, c_in, filters): HWIO
print("bias initializer:", type(conv_layer.bias_initializer).__name__, end="; ")
initial_bias = conv_layer.bias.numpy()
print("initial bias:", initial_bias)
conv_layer.bias.assign([0.5])
bias = conv_layer.bias.numpy()  # (filters,)
print("kernel shape:", kernel.shape, " bias:", bias)
y = conv_layer(x).numpy()

titles = ["input x[0, :, :, 0]", "kernel[:, :, 0, 0]", f"output, bias {bias[0]:g}"]
pictures = [x[0, :, :, 0], kernel[:, :, 0, 0], y[0, :, :, 0]]
_ = viz.show_images(pictures, titles, cmap="RdBu", symmetric=True, colorbar=True)
plt.show()

# %%
# Reproduced with convlib
# -----------------------
#
# :func:`convlib.conv2d` follows PyTorch's layout by default; with
# ``data_format="NHWC"`` it takes Keras's layout and then expects the kernel in
# Keras's HWIO. It computes the same cross-correlation (the kernel is not
# flipped) with the same padding:

ours = convlib.conv2d(x, kernel, bias, padding="same", data_format="NHWC")
print("convlib output:", ours.shape, ours.dtype)

# %%
# Both work in float32, each adding up the products in its own order, so the
# results agree to float32 rounding; the checks allow ``1e-4`` of the largest
# output value.

# %%

# Check against Keras: the same output, to float32 rounding


def check_close(name, result, reference):
    """Assert float32 agreement to 1e-4 of the reference's largest magnitude."""
    tolerance = 1e-4 * np.abs(reference).max()
    difference = np.abs(result - reference).max()
    print(f"{name}: max |diff| {difference:.1e} (tolerance {tolerance:.1e})")
    np.testing.assert_allclose(result, reference, rtol=0, atol=tolerance)


assert y.shape[1:3] == x.shape[1:3]  # "same", stride 1: same height and width
assert not initial_bias.any()  # Keras's default bias: all zeros
check_close("Keras vs convlib, 1 filter", ours, y)

# %%
# More channels, more filters
# ---------------------------
#
# With a colour-like input of 3 channels and ``filters=8`` the kernel gains
# the input channels and the filters as its last two axes, ``(kh, kw, c_in,
# filters)``: one ``kh x kw x c_in`` filter per output channel, and one bias
# each. The layer's parameter count is the kernel's size plus the bias's.

x3 = rng.standard_normal((1, 10, 10, 3)).astype(np.float32)
layer8 = tf.keras.layers.Conv2D(filters=8, kernel_size=3, padding="same")
layer8.build(x3.shape)  # creates the kernel and the bias for 3 input channels
layer8.bias.assign(rng.standard_normal(8).astype(np.float32))
y8 = layer8(x3).numpy()
kernel8, bias8 = layer8.kernel.numpy(), layer8.bias.numpy()
print("input", x3.shape, "-> output", y8.shape)
print("kernel", kernel8.shape, " bias", bias8.shape)
print("parameters:", layer8.count_params(), "=", kernel8.size, "+", bias8.size)

# %%

# Check: the shapes follow the layer's settings, and convlib gives Keras's output
assert kernel8.shape == (*kernel.shape[:2], x3.shape[-1], y8.shape[-1])
assert bias8.shape == (y8.shape[-1],)
assert layer8.count_params() == kernel8.size + bias8.size
ours8 = convlib.conv2d(x3, kernel8, bias8, padding="same", data_format="NHWC")
check_close("Keras vs convlib, 8 filters", ours8, y8)

# %%
# Stride 2 with ``padding="same"``
# --------------------------------
#
# With ``strides=2``, ``"same"`` no longer means "same size": the output has
# ``ceil(input / stride)`` rows and columns, and TensorFlow pads just enough
# for that, putting an odd zero **after** the image (printed below as
# ``(before, after)``, from :func:`convlib.same_padding`). convlib's
# ``padding="same"`` follows that rule; PyTorch's symmetric ``padding=1``
# gives the same shape with other values. The
# :doc:`padding page <../concepts/padding>` shows why, and the
# :ref:`PyTorch tutorial <sphx_glr_auto_examples_plot_05_pytorch_conv2d.py>`
# moves such a layer across.

layer_s2 = tf.keras.layers.Conv2D(filters=8, kernel_size=3, strides=2, padding="same")
layer_s2.build(x3.shape)
layer_s2.set_weights([kernel8, bias8])
y_s2 = layer_s2(x3).numpy()
pads = convlib.same_padding(x3.shape[1], 3, stride=2)
print("stride 2, 'same': output", y_s2.shape, " padding (before, after):", pads)

# %%

# Check: convlib reproduces TensorFlow's padding; a symmetric padding=1 does not
size, k, stride = x3.shape[1], kernel8.shape[0], 2
n_out = -(-size // stride)  # ceil(size / stride)
assert y_s2.shape[1:3] == (n_out, n_out)
assert convlib.conv_output_size(size, k, stride, pads) == n_out
assert pads == (0, 1)  # here: one zero, after the image
nhwc = {"stride": 2, "data_format": "NHWC"}
same = convlib.conv2d(x3, kernel8, bias8, padding="same", **nhwc)
explicit = convlib.conv2d(x3, kernel8, bias8, padding=(pads, pads), **nhwc)
symmetric = convlib.conv2d(x3, kernel8, bias8, padding=1, **nhwc)
check_close("padding='same'          ", same, y_s2)
check_close("padding=((0, 1), (0, 1))", explicit, y_s2)
off_by = np.abs(symmetric - y_s2).max()
print(f"padding=1: shape {symmetric.shape}, max |diff| from Keras {off_by:.2f}")
assert off_by > 1e-4 * np.abs(y_s2).max()
assert symmetric.shape == y_s2.shape
moved = (pads[0] + 1, pads[1] - 1)  # every window one pixel earlier
by_moved = convlib.conv2d(x3, kernel8, bias8, padding=(moved, moved), **nhwc)
check_close("padding=1 vs windows moved", symmetric, by_moved)

# %%
# The same rule holds at stride 1 for a kernel of even size: the padding then
# has an odd total, and TensorFlow puts the odd zero after the image.

# %%

# Check: a 2x2 kernel at stride 1, "same": the odd zero goes after the image
x_even = rng.standard_normal((1, 7, 7, 1), dtype=np.float32)
layer_even = tf.keras.layers.Conv2D(filters=1, kernel_size=2, padding="same")
y_even = layer_even(x_even).numpy()
kernel_even, bias_even = layer_even.get_weights()
pads_even = convlib.same_padding(x_even.shape[1], kernel_even.shape[0])
print("2x2 kernel, stride 1, 'same': padding (before, after) =", pads_even)
assert pads_even[1] == pads_even[0] + 1
after_only = convlib.conv2d(
    x_even, kernel_even, bias_even, padding=(pads_even, pads_even), data_format="NHWC"
)
check_close("Keras 'same', 2x2 kernel", after_only, y_even)
assert y_even.shape == x_even.shape

# sphinx_gallery_thumbnail_number = 1
