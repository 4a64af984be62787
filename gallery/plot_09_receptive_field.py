"""
Receptive field, seen
=====================

A unit deep in a convolutional network looks at a whole patch of the input
image: its **receptive field**. You will learn how that patch grows layer by
layer and why stride, pooling and dilation make it grow faster than stacking
plain 3x3 convolutions; you will compute it for VGG-16 with
:func:`convlib.receptive_field`, see the nested fields on a photograph, and
check the computation against PyTorch's gradients.
"""

# %%
# The recurrence
# --------------
# Along one axis, let layer :math:`l` have kernel size :math:`k_l`, stride
# :math:`s_l`, dilation :math:`d_l` (effective kernel
# :math:`k'_l = d_l (k_l - 1) + 1`) and padding :math:`p_l` before the input.
# The receptive field size :math:`r`, the effective stride :math:`S` (input
# pixels between neighbouring units) and the effective padding :math:`P` obey
#
# .. math::
#
#     r_l = r_{l-1} + (k'_l - 1)\, S_{l-1}, \qquad
#     S_l = S_{l-1}\, s_l, \qquad
#     P_l = P_{l-1} + p_l\, S_{l-1},
#
# starting from :math:`r_0 = S_0 = 1` and :math:`P_0 = 0`. Unit :math:`u` of
# layer :math:`l` sees input pixels :math:`u S_l - P_l` to
# :math:`u S_l - P_l + r_l - 1`. Each layer widens the field by its kernel's
# reach *measured in input pixels*, which is why downsampling early makes every
# later layer count more.

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib import cbook

import convlib
from convlib import Layer, viz
from convlib.networks import PUBLISHED, endpoint_layers, layers

# %%
# Three ways to grow
# ------------------
# Three stacks of the same depth, built from :class:`convlib.Layer` objects:
#
# * plain 3x3 convolutions, stride 1: the field grows by 2 per layer;
# * a 3x3 convolution followed by a 2x2, stride-2 pooling, repeated: each
#   pooling doubles the step of everything after it;
# * 3x3 convolutions whose dilation doubles from layer to layer, 1, 2, 4, ...
#   (as in WaveNet or the context module of Yu and Koltun): exponential growth
#   at full resolution, :math:`r_l = 2^{l+1} - 1`.
#
# The vertical axis is logarithmic, so the dilated stack is close to a
# straight line. The printed sizes are checked against these rules.

depth = 8
stacks = {
    "3x3 convolutions": [Layer(3, padding=1) for _ in range(depth)],
    "3x3 convolution + 2x2 pooling": [Layer(3, padding=1), Layer(2, 2)] * (depth // 2),
    "3x3 convolutions, dilation 1, 2, 4, ...": [
        Layer(3, padding=2**i, dilation=2**i) for i in range(depth)
    ],
}
fig, ax = plt.subplots(figsize=(6.4, 4), layout="constrained")
grown = {}
for (label, stack), marker in zip(stacks.items(), "osD"):
    rf = convlib.receptive_field(stack)
    sizes = [row.size for row in rf.layers]
    strides = [row.stride for row in rf.layers]
    grown[label] = sizes, strides
    print(f"{label}\n    r: {sizes}\n    S: {strides}")
    ax.plot(range(1, len(sizes) + 1), sizes, marker=marker, label=label)
ax.set(xlabel="layer", ylabel="receptive field size r (input pixels)")
ax.set_yscale("log", base=2)
ax.yaxis.set_major_formatter("{x:g}")
ax.set_title("How the receptive field grows")
ax.legend()
plt.show()

# %%

# Check: the sizes follow the three rules
plain, pooled, dilated = grown.values()
assert set(np.diff(plain[0])) == {2} and set(plain[1]) == {1}
# each pooling doubles the stride
assert pooled[1][1::2] == [2 ** (j + 1) for j in range(depth // 2)]
assert dilated[0] == [2 ** (layer + 1) - 1 for layer in range(1, depth + 1)]

# %%
# VGG-16, layer by layer
# ----------------------
# :mod:`convlib.networks` lists the layers of classic networks as TF-Slim
# defines them. VGG-16 is 3x3 "same" convolutions with 2x2 poolings in
# between (counted below), here with its usual input size:

side = 224  # VGG-16's input: side x side pixels
vgg = layers("vgg_16")
n_conv = sum("pool" not in layer.name for layer in vgg)
n_pool = sum("pool" in layer.name for layer in vgg)
print(f"VGG-16: {n_conv} convolutions, {n_pool} poolings, input {side}x{side}")
rf_vgg = convlib.receptive_field(vgg, input_size=side)
print("layer            k  s  out    r   S   P")
for row in rf_vgg.layers:
    name = row.layer.name.removeprefix("vgg_16/")
    k, s = row.layer.kernel_size, row.layer.stride
    print(
        f"{name:15s} {k:2d} {s:2d} {row.output_size:4d} "
        f"{row.size:4d} {row.stride:3d} {row.padding:3d}"
    )

# %%
# Reading the table: ``k`` and ``s`` are the layer's kernel size and stride,
# ``out`` its output size, and ``r``, ``S``, ``P`` the field size, effective
# stride and effective padding after it. Each 3x3 convolution adds ``2 S`` to
# ``r``; each 2x2 pooling adds ``S`` and then doubles ``S``; and ``P`` grows by
# the layer's padding times ``S``, which is why the deepest units' fields start
# far outside the image.
#
# Araujo, Norris and Sim (Distill, 2019) publish these numbers for VGG-16's
# end-points (:data:`convlib.networks.PUBLISHED`); convlib reproduces each of
# them.

# Check against the published numbers of Araujo, Norris and Sim
assert (n_conv, n_pool) == (13, 5)
print(f"{'end-point':16s} {'convlib (r, S, P)':>18s} {'published':>15s}")
for published in PUBLISHED["vgg_16"]:
    stack = endpoint_layers("vgg_16", published.endpoint)
    rf = convlib.receptive_field(stack, input_size=published.input_size)
    ours = (rf.size, rf.stride, rf.padding)
    paper = (published.size, published.stride, published.padding)
    name = published.endpoint.removeprefix("vgg_16/")
    print(f"{name:16s} {ours!s:>18s} {paper!s:>15s}")
    assert ours == paper

# %%
# Nested receptive fields on a photograph
# ---------------------------------------
# Take the unit at the centre of each pooling layer's output and draw the
# input square it sees, on a grey version of the photograph of Grace Hopper
# that ships with Matplotlib, cropped and shrunk to VGG's input size: on the
# left the whole image with the three largest squares, on the right a zoom
# into the ``pool3`` square with the three smallest. After ``pool5`` one unit
# sees nearly the whole image (the sizes are printed below). For units near
# the border, part of the square lies in the zero padding, outside the image:
# the first unit's square starts at a negative index.

with cbook.get_sample_data("grace_hopper.jpg") as file:
    photo = plt.imread(file)  # (height, width, 3) uint8
# a centred (2 side) x (2 side) crop, in grey, averaged over 2x2 blocks
left = (photo.shape[1] - 2 * side) // 2
grey = photo[: 2 * side, left : left + 2 * side] @ np.array([0.299, 0.587, 0.114])
image = grey.reshape(side, 2, side, 2).mean(axis=(1, 3)) / 255  # (side, side)

# the field of each pooling layer: that of the stack up to it
names = [layer.name.split("/")[-1] for layer in vgg]  # "conv1_1", ..., "pool5"
pools = {name: i for i, name in enumerate(names) if name.startswith("pool")}
fields = {n: convlib.receptive_field(vgg[: i + 1], side) for n, i in pools.items()}
centre = {name: (f.layers[-1].output_size - 1) // 2 for name, f in fields.items()}

colors = dict(zip(fields, ["#0077b6", "#2b9348", "#7b2cbf", "#e85d04", "#d00000"]))
fig, axes = plt.subplots(1, 2, figsize=(7.5, 4.1), layout="constrained")
for ax, shown in zip(axes, [["pool3", "pool4", "pool5"], ["pool1", "pool2", "pool3"]]):
    for name in shown:
        field, at = fields[name], (centre[name], centre[name])
        label = f"{name}: {field.size}"
        viz.draw_receptive_field(ax, image, field, at, label=label, color=colors[name])
        ax.images[-1].set_clim(-0.8, 1)  # a lighter photograph, for the colours
first, last = fields["pool3"].span(centre["pool3"])
axes[0].set(title="the whole image", xlim=(-12, side + 12), ylim=(side + 12, -12))
axes[1].set(title="zoomed on the pool3 square", xlim=(first - 6, last + 6))
axes[1].set_ylim(last + 6, first - 6)
fig.suptitle("VGG-16: what the centre unit of each pooling layer sees")
plt.show()

# %%
# Between two poolings the effective stride stays put, so each 3x3
# convolution widens the square by the same amount, twice that stride; each
# pooling doubles the stride for every layer after it. That is why the squares
# grow by ever larger steps, until the last one nearly covers the image.

# %%

# Check: the squares are the table's fields; pool5's reaches outside the image
for name, field in fields.items():
    row = rf_vgg.layers[pools[name]]
    start = centre[name] * row.stride - row.padding  # u S - P
    first, last = field.span(centre[name])
    out, u = row.output_size, centre[name]
    print(f"{name}: output {out}x{out}, unit ({u}, {u}) sees pixels {first}..{last}")
    assert row.layer.name.endswith(name) and (first, last) == (
        start,
        start + row.size - 1,
    )
last_pool = rf_vgg.layers[pools["pool5"]]
last_name, r_last = "pool5", last_pool.size
print(f"after {last_name} one unit sees {r_last}x{r_last} of the {side}x{side} image")
start = -last_pool.padding
print(f"{last_name}'s first unit starts at pixel {start}, outside the image")
assert last_pool.size > 0.9 * side and -last_pool.padding < 0

# %%
# Checking with gradients
# -----------------------
# A unit's receptive field is the set of input pixels that can change it:
# exactly the pixels where its gradient with respect to the input may be
# non-zero. The check below builds a small PyTorch stack with a strided
# pooling and a dilated convolution, sets every weight to 1 (so that no
# contributions cancel), and backpropagates from one unit.
# :func:`convlib.receptive_field` reads the ``torch.nn.Sequential`` directly.
# Average pooling is used because max pooling sends the gradient only to the
# winner of each window, which would hide part of the field (the second
# check).

# %%

# Check against PyTorch: the gradient is non-zero exactly on the field
torch.manual_seed(0)
model = torch.nn.Sequential(
    torch.nn.Conv2d(1, 1, 3, padding=1, bias=False),
    torch.nn.AvgPool2d(2, stride=2),
    torch.nn.Conv2d(1, 1, 3, padding=2, dilation=2, bias=False),
    torch.nn.Conv2d(1, 1, 3, stride=2, padding=1, bias=False),
)
for module in model:
    if isinstance(module, torch.nn.Conv2d):
        torch.nn.init.ones_(module.weight)

size = 48
rf_small = convlib.receptive_field(model, input_size=size)
r, S, P = rf_small.size, rf_small.stride, rf_small.padding
print(f"convlib: r = {r}, S = {S}, P = {P}")

x = torch.rand(1, 1, size, size, dtype=torch.float64, requires_grad=True)
y = model.double()(x)
unit = (y.shape[2] // 2, y.shape[3] // 2)
y[0, 0, unit[0], unit[1]].backward()
grad = x.grad[0, 0].numpy()
rows = np.flatnonzero(np.abs(grad).sum(axis=1))
cols = np.flatnonzero(np.abs(grad).sum(axis=0))
first, last = rf_small.span(unit[0])
print(
    f"output {tuple(y.shape[2:])}, unit {unit}: gradient non-zero on "
    f"rows {rows[0]}..{rows[-1]}, columns {cols[0]}..{cols[-1]}"
)
print(f"convlib: unit {unit[0]} sees input indices {first}..{last}")
assert (rows[0], rows[-1]) == (first, last)
assert (cols[0], cols[-1]) == (first, last)
assert len(rows) == rf_small.size

# %%

# Check against PyTorch: with max pooling, the gradient misses part of the field
with_max = torch.nn.Sequential(model[0], torch.nn.MaxPool2d(2, stride=2), *model[2:])
x_max = x.detach().clone().requires_grad_(True)
with_max(x_max)[0, 0, unit[0], unit[1]].backward()
reached = np.count_nonzero(x_max.grad[0, 0].numpy())
print(f"with max pooling instead: gradient non-zero on {reached} of the {r * r} pixels")
assert reached < r * r

# %%
# The gradient is not uniform inside the field: some pixels reach the unit
# along many more paths than others (the dilated convolution and the strides
# leave a grid pattern), and pixels near the border of the field along few
# (the printed range). The receptive field is the support of this map; the
# part that carries most of the weight, sometimes called the *effective*
# receptive field, is smaller.

fig, ax = plt.subplots(figsize=(5.6, 4.6), layout="constrained")
label, colours = "convlib.receptive_field", {"color": "cyan", "cmap": "magma"}
viz.draw_receptive_field(ax, grad, rf_small, unit, label=label, **colours)
fig.colorbar(ax.images[0], ax=ax, label="d output / d input")
ax.set_title(f"Gradient of unit {unit} with respect to the input")
plt.show()

# %%

# Check: the gradient varies inside the field and is smallest on its border
inside = grad[first : last + 1, first : last + 1]  # the receptive field
ring = np.concatenate([inside[0], inside[-1], inside[1:-1, 0], inside[1:-1, -1]])
print(f"gradient inside the field: {inside.min():.3g} to {inside.max():.3g}; ", end="")
print(f"on its border at most {ring.max():.3g}")
assert inside.min() < inside.max() and ring.max() < inside.max()

# %%
# What to take away
# -----------------
# * A unit's receptive field grows, layer by layer, by each kernel's reach
#   measured in input pixels: ``(k' - 1)`` times the effective stride so far.
# * Plain 3x3 convolutions grow it linearly and slowly; every stride or
#   pooling multiplies the growth of all later layers; doubling dilations grow
#   it exponentially without losing resolution.
# * :func:`convlib.receptive_field` computes it for a list of layers or a
#   PyTorch model; the published VGG-16 numbers and PyTorch's gradients agree.
# * Inside the field the influence is uneven: the centre counts more than the
#   border.

# sphinx_gallery_thumbnail_number = 2
