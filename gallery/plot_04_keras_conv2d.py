"""
Conv2D in TensorFlow / Keras
============================

Build a Keras ``Conv2D`` layer, look inside it, and compute exactly what it
computes with convlib. You will learn how Keras lays out images
(``(batch, height, width, channels)``, "NHWC") and kernels
(``(height, width, in_channels, filters)``, "HWIO"), what ``filters``,
``kernel_size``, ``strides`` and ``padding="same"`` do to the output's shape,
where the bias goes, and what ``padding="same"`` means with a stride of 2: the
padding can become lopsided, which matters when you move a layer to another
framework.
"""

# %%
# A layer and a batch of one image
# --------------------------------
#
# The input is a batch of one small square image with one channel (its shape
# is printed below). Its values are random: this example is about shapes and
# about matching numbers exactly, not about what the picture shows (see the
# image-filter example for that). Fixing the random generators first makes the
# layer's random initial weights the same on every run.

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from matplotlib.patches import Rectangle

import convlib

tf.keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)

# (batch, height, width, channels): "NHWC"
x = rng.standard_normal((1, 10, 10, 1), dtype=np.float32)
conv_layer = tf.keras.layers.Conv2D(
    filters=1,
    kernel_size=(3, 3),
    strides=(1, 1),
    padding="same",
)
y = conv_layer(x).numpy()
print("input shape: ", x.shape)
print("output shape:", y.shape)
assert y.shape[1:3] == x.shape[1:3]  # "same", stride 1: same height and width

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
initial_bias = conv_layer.bias.numpy()
print("bias initializer:", type(conv_layer.bias_initializer).__name__, end="; ")
print("initial bias:", initial_bias)
assert not initial_bias.any()  # Keras's default bias: all zeros
conv_layer.bias.assign([0.5])
bias = conv_layer.bias.numpy()  # (filters,)
print("kernel shape:", kernel.shape, " bias:", bias)
print("kernel[:, :, 0, 0] =\n", kernel[:, :, 0, 0])
y = conv_layer(x).numpy()

# %%
# Reproduced with convlib
# -----------------------
#
# :func:`convlib.conv2d` follows PyTorch's layout by default; with
# ``data_format="NHWC"`` it takes Keras's layout and then expects the kernel in
# Keras's HWIO. It computes the same cross-correlation (the kernel is not
# flipped) with the same padding. Both work in float32, each adding up the
# products in its own order, so the results agree to float32 rounding; the
# check allows ``1e-4`` of the largest output value.


def check_close(name, result, reference):
    """Assert float32 agreement to 1e-4 of the reference's largest magnitude."""
    tolerance = 1e-4 * np.abs(reference).max()
    difference = np.abs(result - reference).max()
    print(f"{name}: max |diff| {difference:.1e} (tolerance {tolerance:.1e})")
    np.testing.assert_allclose(result, reference, rtol=0, atol=tolerance)


ours = convlib.conv2d(x, kernel, bias, padding="same", data_format="NHWC")
print("convlib output:", ours.shape, ours.dtype)
check_close("Keras vs convlib, 1 filter", ours, y)

# %%
# The output, the bias and the zeros around the border, in pictures:

fig, axes = plt.subplots(1, 4, figsize=(13, 3.6), layout="constrained")
h, w = x.shape[1:3]
kh, kw = kernel.shape[:2]
panels = [
    (x[0, :, :, 0], f"input x[0, :, :, 0]\n(random, {h}x{w})"),
    (kernel[:, :, 0, 0], f"kernel[:, :, 0, 0]\n({kh}x{kw}, HWIO)"),
    (y[0, :, :, 0], f"Keras output (bias {bias[0]:g})\n{y.shape}"),
    (y[0, :, :, 0] - ours[0, :, :, 0], "Keras minus convlib"),
]
for ax, (values, title) in zip(axes, panels):
    limit = max(np.abs(values).max(), 1e-6)
    image = ax.imshow(values, cmap="RdBu", vmin=-limit, vmax=limit)
    fig.colorbar(image, ax=ax, shrink=0.8)
    ax.set_title(title, fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])
plt.show()

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
n_params = layer8.count_params()
print("parameters:", n_params, "=", kernel8.size, "+", bias8.size)
assert kernel8.shape == (*kernel.shape[:2], x3.shape[-1], y8.shape[-1])
assert bias8.shape == (y8.shape[-1],)
assert n_params == kernel8.size + bias8.size
ours8 = convlib.conv2d(x3, kernel8, bias8, padding="same", data_format="NHWC")
check_close("Keras vs convlib, 8 filters", ours8, y8)

# %%
# Stride 2 with ``padding="same"``
# --------------------------------
#
# With ``strides=2``, ``"same"`` no longer means "same size": the output has
# ``ceil(input / stride)`` rows and columns, and TensorFlow pads just enough
# for that. Here the windows start every 2 pixels and the last one reaches
# past the image (the printed window starts). TensorFlow splits the missing
# zeros between the two sides and puts the odd one **after** the image (at
# the bottom and on the right); here there is just one, so none goes before.
# :func:`convlib.same_padding` computes this padding.

layer_s2 = tf.keras.layers.Conv2D(
    filters=8,
    kernel_size=3,
    strides=2,
    padding="same",
)
layer_s2.build(x3.shape)
layer_s2.set_weights([kernel8, bias8])
y_s2 = layer_s2(x3).numpy()
size, k, stride = x3.shape[1], kernel8.shape[0], 2
pads = convlib.same_padding(size, k, stride=stride)
n_out = -(-size // stride)  # ceil(size / stride)
starts = [j * stride - pads[0] for j in range(n_out)]
print("stride 2, 'same': output", y_s2.shape)
print(f"axis of {size} pixels, kernel {k}: windows start at {starts}, ", end="")
print(f"the last covers pixels {starts[-1]}..{starts[-1] + k - 1}")
print("padding (before, after) on each axis:", pads)
print(f"ceil({size} / {stride}) =", n_out)
print(
    f"conv_output_size({size}, {k}, {stride}, pads) =",
    convlib.conv_output_size(size, k, stride, pads),
)
assert y_s2.shape[1:3] == (n_out, n_out)
assert pads[1] >= pads[0]
assert pads == (0, 1)  # here: one zero, after the image

# %%
# convlib reproduces it with ``padding="same"``, or with the padding spelled
# out as ``(before, after)`` pairs. Padding one zero on **both** sides, as
# PyTorch's ``padding=1`` does (checked in the PyTorch example), gives an
# output of the same shape but different values (the printed difference is of
# the size of the outputs themselves): every window sits one pixel further up
# and left, as the last check shows by padding one more zero before the image
# and one fewer after.

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
check_close(
    "padding=1 vs windows moved",
    symmetric,
    convlib.conv2d(x3, kernel8, bias8, padding=(moved, moved), **nhwc),
)

# %%
# Where the windows fall, along one axis of the image, for the three
# paddings (gray cells are padding zeros, numbered cells the input's pixels,
# each bar one window, i.e. one output value):


def draw_windows(ax, size, k, stride, pads, title):
    """Draw the padded axis as a row of cells, each window as a bar below."""
    before, after = pads
    for pos in range(-before, size + after):
        inside = 0 <= pos < size
        colour, label = ("white", str(pos)) if inside else ("0.8", "0")
        ax.add_patch(Rectangle((pos, 0), 1, 1, fc=colour, ec="k"))
        ax.text(pos + 0.5, 0.5, label, ha="center", va="center")
    n_out = convlib.conv_output_size(size, k, stride, pads)
    for j in range(n_out):
        start = -before + j * stride
        y = -1.0 - 0.8 * j
        ax.add_patch(Rectangle((start + 0.1, y), k - 0.2, 0.6, fc=f"C{j % 10}"))
        ax.text(start + k + 0.2, y + 0.3, f"out {j}", va="center", fontsize=9)
    ax.set_xlim(-2.5, size + 3.5)
    ax.set_ylim(-1.2 - 0.8 * n_out, 1.2)
    ax.set_axis_off()
    ax.set_title(f"{title}: pads {pads}, {n_out} outputs", fontsize=10)


fig, axes = plt.subplots(3, 1, figsize=(8, 9.5), layout="constrained")
pads_s1 = convlib.same_padding(size, k, stride=1)
draw_windows(axes[0], size, k, 1, pads_s1, "stride 1, 'same'")
draw_windows(axes[1], size, k, stride, pads, "stride 2, 'same' (TensorFlow)")
draw_windows(axes[2], size, k, stride, (1, 1), "stride 2, padding=1 (PyTorch)")
plt.show()

# %%
# With TensorFlow's padding here the first window starts on the first pixel
# and the last one covers the extra zero after the image; with symmetric
# padding every window starts one pixel earlier, so a layer moved between the
# frameworks must pad explicitly, with the ``(before, after)`` pairs that
# :func:`convlib.same_padding` gives for its input size. The PyTorch example
# next does exactly that.
#
# The same rule holds at stride 1 for a kernel of even size: the padding then
# has an odd total, and TensorFlow puts the odd zero after the image.

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

# sphinx_gallery_thumbnail_number = 2
