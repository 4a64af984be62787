"""
Depthwise-separable convolution
===============================

MobileNet replaced almost every 3x3 convolution with a *depthwise-separable*
one: a 3x3 filter per input channel (depthwise), then a 1x1 convolution that
mixes the channels (pointwise). You will learn how much that saves in
parameters and multiply-accumulates (:func:`convlib.conv_cost`), how Keras's
``SeparableConv2D`` stores its two kernels and how to convert them (a common
trap), and that :func:`convlib.separable_conv2d`, Keras and a PyTorch
``groups=C`` convolution followed by a 1x1 convolution give the same output on
a real image.
"""

# %%
# Counting the cost
# -----------------
# A dense 3x3 convolution from :math:`C_{in}` to :math:`C_{out}` channels
# spends :math:`9\, C_{in} C_{out}` multiply-accumulates (MACs) per output
# pixel. The separable version spends :math:`9\, C_{in}` on the depthwise step
# and :math:`C_{in} C_{out}` on the pointwise step, a ratio of
# :math:`1/C_{out} + 1/9`. Here are MobileNet v1's separable blocks for its
# usual input size, with ``"same"`` padding: the stride-2 blocks halve the map.
# (With a stride, "same" pads more after than before, following TensorFlow's
# rule; :doc:`../concepts/padding` explains it.)

import os

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib import cbook

import convlib
from convlib import viz

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import tensorflow as tf

# (input channels, output channels, stride) of MobileNet v1's separable blocks
blocks = [(32, 64, 1), (64, 128, 2), (128, 128, 1), (128, 256, 2)]
blocks += [(256, 256, 1), (256, 512, 2)] + [(512, 512, 1)] * 5
blocks += [(512, 1024, 2), (1024, 1024, 1)]
same = {"padding": "same", "bias": False}

side = 224  # MobileNet v1's input: side x side pixels
# the first layer: an ordinary 3x3 stride-2 convolution, 3 -> 32 channels
first = convlib.conv_cost(side, 3, 32, 3, stride=2, **same)
size = first.output_size[0]
rows = []  # (dense, depthwise, pointwise) costs of each block
for c_in, c_out, stride in blocks:
    options = {"stride": stride, **same}
    dense = convlib.conv_cost(size, c_in, c_out, 3, **options)
    # one 3x3 filter per channel: groups = C_in
    depthwise = convlib.conv_cost(size, c_in, c_in, 3, groups=c_in, **options)
    size = depthwise.output_size[0]
    pointwise = convlib.conv_cost(size, c_in, c_out, 1, bias=False)
    rows.append((dense, depthwise, pointwise))

# %%

# Check: each block's ratio is 1/C_out + 1/9; "same" at stride 2 halves the map
print(f"{len(blocks)} separable blocks, input {side}x{side}")
print("block  output  C_in C_out    dense MACs  separable MACs  ratio")
size = first.output_size[0]
for index, ((dense, dw, pw), (c_in, c_out, stride)) in enumerate(zip(rows, blocks), 1):
    out, sep_macs = dw.output_size[0], dw.macs + pw.macs
    ratio = sep_macs / dense.macs
    print(
        f"{index:5d} {out:3d}x{out:<3d} {c_in:5d} {c_out:5d} "
        f"{dense.macs:13,d} {sep_macs:15,d} {ratio:6.3f}"
    )
    assert np.isclose(ratio, 1 / c_out + 1 / 9)
    assert out == -(-size // stride)  # ceil(size / stride)
    size = out

# %%
# Whole-network totals add the first convolution and the final 1024 -> 1000
# fully connected layer. Howard et al. (2017, Table 4) report the mult-adds
# and parameters of MobileNet and of the same network built with dense
# convolutions (printed next to convlib's counts). The counts from
# :func:`convlib.conv_cost` agree with all four: within 0.1 % for the
# mult-adds and within the paper's rounding (one decimal) for the parameters.

# Check against Howard et al. (2017), Table 4: mult-adds and parameters
fc_macs, fc_params = 1024 * 1000, 1024 * 1000 + 1000


def total(costs):
    """Million MACs and million parameters of the network made of these blocks."""
    macs = sum(cost.macs for cost in costs) + first.macs + fc_macs
    params = sum(cost.params for cost in costs) + first.params + fc_params
    return macs / 1e6, params / 1e6


totals = {
    "separable": total([cost for _, dw, pw in rows for cost in (dw, pw)]),
    "dense": total([dense for dense, _, _ in rows]),
}

published = {"separable": (569, 4.2), "dense": (4866, 29.3)}  # (millions, millions)
for name, (macs, params) in totals.items():
    paper_macs, paper_params = published[name]
    print(
        f"{name:9s}: {macs:6.1f} M MACs (paper {paper_macs}), "
        f"{params:5.2f} M parameters (paper {paper_params})"
    )
    assert abs(macs / paper_macs - 1) < 1e-3
    assert abs(params / paper_params - 1) < 0.01
    assert round(params, 1) == paper_params  # equal at the paper's one decimal
macs_saved = totals["dense"][0] / totals["separable"][0]
params_saved = totals["dense"][1] / totals["separable"][1]
print(f"savings: {macs_saved:.1f}x fewer MACs, {params_saved:.1f}x fewer parameters")

# %%
# The separable network needs several times less arithmetic and several times
# fewer parameters than the dense one (printed above). Per block (the bars, on
# a logarithmic scale, where each step up is a factor of ten), the dense 3x3
# convolution costs nine times the pointwise step (nine taps against one), and
# the depthwise step costs far less again: most of the separable cost is in
# the 1x1 step, in every block (the share is printed below), because the
# depthwise step never mixes channels. On a linear scale its bars would be too
# thin to see.

steps = {"dense 3x3": 0, "pointwise 1x1": 2, "depthwise 3x3": 1}  # index in a row
number = np.arange(1, len(rows) + 1)
fig, ax = plt.subplots(figsize=(7.2, 4), layout="constrained")
for offset, (label, step) in zip((-0.27, 0, 0.27), steps.items()):
    ax.bar(number + offset, [row[step].macs / 1e6 for row in rows], 0.27, label=label)
ax.set(yscale="log", ylim=(0.1, 1e4), xticks=number, xlabel="MobileNet v1 block")
ax.set(ylabel="million MACs", title=f"Cost per block ({side}x{side} input)")
ax.legend(ncols=3, loc="upper center")
plt.show()

# %%

# Check: the 1x1 step is most of the separable cost in every block
share = [pw.macs / (dw.macs + pw.macs) for _, dw, pw in rows]
print(f"pointwise share of the separable MACs: {min(share):.0%} to {max(share):.0%}")
assert min(share) > 0.5

# %%
# Keras ``SeparableConv2D``: two kernels and their layouts
# --------------------------------------------------------
# The input is a crop of the photograph of Grace Hopper that ships with
# Matplotlib, every second pixel, as a float32 NHWC batch with its 3 colour
# channels (shape printed below). The depthwise step filters each of these
# channels on its own. The layer has a depth multiplier :math:`m = 2` (two 3x3
# filters per input channel) and 4 output channels.

with cbook.get_sample_data("grace_hopper.jpg") as file:
    photo = plt.imread(file)  # (height, width, 3) uint8
crop = photo[160:288:2, 190:318:2] / np.float32(255)  # (h, w, 3)
x = crop[None].astype(np.float32)  # (1, h, w, 3): NHWC
print("input x (NHWC):", x.shape)
channels, multiplier, c_out = 3, 2, 4
fig, _ = viz.show_images(crop.transpose(2, 0, 1), ["red", "green", "blue"])
plt.show()

# %%
# These are the three planes the depthwise step filters, each with its own
# two 3x3 filters and never with another plane's. Keras creates the layer's
# weights at random the first time it is called; its ``weights`` are then the
# depthwise kernel, the pointwise kernel and the bias, in that order, with the
# shapes printed below.

tf.keras.utils.set_random_seed(0)
# a random, non-zero bias (Keras's default is zeros), so that it is checked too
layer = tf.keras.layers.SeparableConv2D(
    c_out,
    3,
    depth_multiplier=multiplier,
    padding="same",
    bias_initializer="glorot_uniform",
)
y_keras = layer(x).numpy()
depthwise_tf, pointwise_tf, bias = (weight.numpy() for weight in layer.weights)
print("Keras output:", y_keras.shape)
print("depthwise_kernel:", depthwise_tf.shape, "= (kh, kw, C, m)")
print("pointwise_kernel:", pointwise_tf.shape, "= (1, 1, C*m, C_out)")

# %%
# convlib (like PyTorch) wants the depthwise kernel as ``(C*m, 1, kh, kw)``
# with output channel ``c*m + j`` holding the ``j``-th filter of input channel
# ``c``: the two filters of one channel must be neighbours. Keras's axes are
# ``(kh, kw, C, m)``: move ``C`` and ``m`` to the front **in that order**
# (layout ``"IOHW"`` when the depthwise kernel is read as HWIO with
# ``I = C`` and ``O = m``), then merge them. The pointwise kernel is an
# ordinary 1x1 kernel: HWIO to OIHW.

c_m = channels * multiplier
# (C, m, 3, 3), then (C*m, 1, 3, 3)
depthwise = convlib.convert_layout(depthwise_tf, "HWIO", "IOHW")
depthwise = depthwise.reshape(c_m, 1, 3, 3)
# (C_out, C*m, 1, 1)
pointwise = convlib.convert_layout(pointwise_tf, "HWIO", "OIHW")
nhwc = {"padding": "same", "data_format": "NHWC"}
y_convlib = convlib.separable_conv2d(x, depthwise, pointwise, bias, **nhwc)

# %%

# Check against Keras: the converted kernels give SeparableConv2D's output
tolerance = 1e-4 * np.abs(y_keras).max()
difference = np.abs(y_convlib - y_keras).max()
print(f"convlib vs Keras: max |difference| = {difference:.2e}")
print(f"tolerance: {tolerance:.1e}")
np.testing.assert_allclose(y_convlib, y_keras, rtol=0, atol=tolerance)

# %%
# The trap: converting the depthwise kernel as if it were an ordinary HWIO
# kernel (to OIHW, which gives ``(m, C, kh, kw)``) and merging the first two
# axes puts the filters in the order ``j*C + c``. With :math:`m = 1` that is
# harmless (the two orders coincide, checked below); with :math:`m = 2` it
# hands channels the wrong filters.

wrong = convlib.convert_layout(depthwise_tf, "HWIO", "OIHW")  # (m, C, 3, 3)
wrong = wrong.reshape(c_m, 1, 3, 3)
y_wrong = convlib.separable_conv2d(x, wrong, pointwise, bias, **nhwc)
wrong_gap = np.abs(y_wrong - y_keras).max()
print(f"with the OIHW conversion: max |difference| = {wrong_gap:.2f}")

# %%

# Check: the OIHW conversion is wrong for m = 2 and harmless for m = 1
assert not np.allclose(y_wrong, y_keras, atol=tolerance)
one_each = np.random.default_rng(0).standard_normal((3, 3, channels, 1))  # m = 1
right_m1 = convlib.convert_layout(one_each, "HWIO", "IOHW").reshape(channels, 1, 3, 3)
wrong_m1 = convlib.convert_layout(one_each, "HWIO", "OIHW").reshape(channels, 1, 3, 3)
same_m1 = np.array_equal(right_m1, wrong_m1)
print("m = 1: both conversions give the same kernel:", same_m1)
assert same_m1

# %%
# PyTorch: a ``groups=C`` convolution, then a 1x1 convolution
# -----------------------------------------------------------
# PyTorch has no separable layer; the same block is two ``Conv2d`` layers. The
# first has ``groups=C`` (each input channel gets its own ``m`` filters) and
# takes the depthwise kernel unchanged; the second is the 1x1 mix.

# %%

# Check against PyTorch: Conv2d(groups=C), then a 1x1 Conv2d, gives the same
model = torch.nn.Sequential(
    torch.nn.Conv2d(channels, c_m, 3, padding=1, groups=channels, bias=False),
    torch.nn.Conv2d(c_m, c_out, 1),
)
with torch.no_grad():
    model[0].weight.copy_(torch.from_numpy(depthwise))
    model[1].weight.copy_(torch.from_numpy(pointwise))
    model[1].bias.copy_(torch.from_numpy(bias))
    x_nchw = convlib.convert_layout(x, "NHWC", "NCHW").copy()
    y_torch = model(torch.from_numpy(x_nchw)).numpy()  # (1, C_out, h, w)
y_torch_nhwc = convlib.convert_layout(y_torch, "NCHW", "NHWC")
torch_gap = np.abs(y_convlib - y_torch_nhwc).max()
print(f"convlib vs PyTorch: max |difference| = {torch_gap:.2e}")
np.testing.assert_allclose(y_convlib, y_torch_nhwc, rtol=0, atol=tolerance)

# %%
# The four output channels of the block, with these random weights: each
# mixes edges and colours of the three input channels. convlib, Keras and
# PyTorch compute the same maps (the checks above).

titles = [f"output channel {k}" for k in range(c_out)]
outputs = [y_convlib[0, :, :, k] for k in range(c_out)]
fig, _ = viz.show_images(outputs, titles, cmap="RdBu_r", symmetric=True)
plt.show()

# %%
# A separable convolution is a dense convolution with a constrained kernel
# ------------------------------------------------------------------------
# Multiplying out the two steps gives one dense 3x3 kernel,
# :math:`W[o, c] = \sum_j P[o, c m + j]\, D[c m + j]`. Every dense kernel
# can be written this way only if, for each input channel, its :math:`C_{out}`
# 3x3 slices span at most :math:`m` dimensions: that is what the savings buy
# (the printed ranks). :func:`convlib.conv2d` with the merged kernel gives the
# same output.
#
# In the ``einsum`` below, ``P[o, c, j]`` is the pointwise weight from the
# ``j``-th filter of input channel ``c`` to output channel ``o``, and
# ``D[c, j, p, q]`` is tap ``(p, q)`` of that filter; summing over ``j``
# leaves one 3x3 kernel per pair of output and input channels.

P = pointwise[:, :, 0, 0].reshape(c_out, channels, multiplier)  # (C_out, C, m)
D = depthwise.reshape(channels, multiplier, 3, 3)  # (C, m, 3, 3)
merged = np.einsum("ocj,cjpq->ocpq", P, D)  # (C_out, C, 3, 3)
y_dense = convlib.conv2d(x, merged, bias, kernel_format="OIHW", **nhwc)
print(f"merged dense kernel {merged.shape}")

# %%

# Check: the merged kernel gives Keras's output; its slices have rank <= m


def slice_ranks(kernel):
    """Rank of the C_out 3x3 slices of each input channel of an OIHW kernel."""
    flat = kernel.reshape(len(kernel), kernel.shape[1], -1)  # (C_out, C, 9)
    return [int(np.linalg.matrix_rank(flat[:, c])) for c in range(kernel.shape[1])]


ranks = slice_ranks(merged)
print(f"rank of each input channel's {c_out} slices: {ranks} (m = {multiplier})")
dense_ranks = slice_ranks(np.random.default_rng(1).standard_normal(merged.shape))
print(f"a random dense kernel of that shape: ranks {dense_ranks}")
dense_gap = np.abs(y_dense - y_keras).max()
print(f"merged kernel: max |difference| from Keras = {dense_gap:.2e}")
np.testing.assert_allclose(y_dense, y_keras, rtol=0, atol=tolerance)
assert max(ranks) <= multiplier
assert min(dense_ranks) > multiplier  # not expressible as a separable one

# %%
# What to take away
# -----------------
# * A depthwise-separable convolution filters each input channel on its own
#   (``groups=C``), then mixes the channels with a 1x1 convolution: it costs
#   :math:`1/C_{out} + 1/9` of a dense 3x3 convolution, and most of what it
#   costs is the 1x1 step.
# * Keras stores the depthwise kernel as ``(kh, kw, C, m)``; convlib and
#   PyTorch want ``(C*m, 1, kh, kw)`` with each channel's ``m`` filters next to
#   each other. Convert with ``"HWIO" -> "IOHW"``, not ``"OIHW"``: the wrong
#   order goes unnoticed while :math:`m = 1`.
# * The two steps multiply out to a dense kernel whose slices have rank at
#   most :math:`m` per input channel: the savings come from that constraint.

# sphinx_gallery_thumbnail_number = 1
