"""
Stacking it up: a tiny CNN
==========================

A convolutional network is a stack of the operations the earlier examples
took apart: convolution, a pointwise non-linearity, pooling, and convolution
again. You will learn how shapes change through such a stack, build it twice
(once from convlib functions, once as a PyTorch ``nn.Sequential`` with the
same weights), check that the two agree after every layer within float32
rounding, and look at the feature maps each layer produces on a real
photograph.
"""

# %%
# The image
# ---------
# The photograph of Grace Hopper that ships with Matplotlib, cropped to a
# square, averaged over 4x4 blocks and stored as a float32 NCHW batch of one
# RGB image (its shape is printed below).

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib import cbook

import convlib
from convlib import viz

with cbook.get_sample_data("grace_hopper.jpg") as file:
    photo = plt.imread(file)  # (height, width, 3) uint8
n = min(photo.shape[:2]) // 4  # a square crop, averaged over 4x4 blocks: n x n
image = (photo[: 4 * n, : 4 * n] / 255).reshape(n, 4, n, 4, 3).mean(axis=(1, 3))
image = image.astype(np.float32)  # (n, n, 3)
x = convlib.convert_layout(image[None], "NHWC", "NCHW").copy()  # (1, 3, n, n): NCHW
print("input x:", x.shape, x.dtype)

fig, ax = plt.subplots(figsize=(3.2, 3.4), layout="constrained")
ax.imshow(image)
ax.set(title=f"input, {n}x{n} RGB", xticks=[], yticks=[])
plt.show()

# %%
# The network and its weights
# ---------------------------
# Four layers: a 3x3 convolution from 3 to 6 channels (padding 1), ReLU, a 2x2
# max pooling with stride 2, and a 3x3 convolution from 6 to 4 channels. The
# PyTorch model holds the weights: ``Conv2d`` draws them at random when it is
# created (repeatably: the random generator is fixed first), as for a network
# that has not been trained yet.

torch.manual_seed(0)
model = torch.nn.Sequential(
    torch.nn.Conv2d(3, 6, 3, padding=1),
    torch.nn.ReLU(),
    torch.nn.MaxPool2d(2, stride=2),
    torch.nn.Conv2d(6, 4, 3),
)

# %%
# So that the first feature maps mean something, the first layer's six
# filters are then chosen by hand: horizontal and vertical Sobel edges and a
# Laplacian (each applied to the brightness, the same weights on R, G and B),
# a 3x3 blur, and two colour-opponent filters (red minus green, blue minus
# yellow). Each filter is a colour weighting times a 3x3 spatial pattern, so
# it has the ``(c_in, kh, kw) = (3, 3, 3)`` shape that one output channel of
# the layer needs. The second layer keeps its random weights, as an untrained
# network would.

sobel = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]) / 4
laplacian = np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]]) / 2
centre = np.zeros((3, 3))
centre[1, 1] = 1
grey = np.ones(3) / 3  # the same weight on R, G and B
# (colour weights, 3x3 spatial pattern) of each filter
recipes = {
    "edge, left to right": (grey, sobel),
    "edge, top to bottom": (grey, sobel.T),
    "Laplacian": (grey, laplacian),  # spots and thin lines
    "blur": (grey, np.ones((3, 3)) / 9),
    "red - green": ([1, -1, 0], centre),
    "blue - yellow": ([-0.5, -0.5, 1], centre),
}
names = list(recipes)
# each filter (3, 3, 3) = colour weights times spatial pattern
filters = [np.einsum("c,pq->cpq", rgb, xy) for rgb, xy in recipes.values()]
# (c_out, c_in, kh, kw) = (6, 3, 3, 3): OIHW
filters = np.stack(filters).astype(np.float32)

with torch.no_grad():
    model[0].weight.copy_(torch.from_numpy(filters))
    model[0].bias.zero_()

# %%
# Every weight is then copied out of the PyTorch model, so that convlib gets
# the same numbers. The names are PyTorch's: the layer's index in the
# ``Sequential``, then ``weight`` (OIHW: output channels, input channels,
# kernel height and width) or ``bias`` (one per output channel). The ReLU and
# the pooling, indices 1 and 2, have no weights.

state = model.state_dict()
weights = {name: value.detach().numpy() for name, value in state.items()}
for name, value in weights.items():
    print(f"{name:9s} {value.shape}")

# %%
# The forward pass, twice
# -----------------------
# convlib's functions take NCHW arrays and OIHW weights, the PyTorch
# conventions, so the weights go in unchanged. ReLU has no convlib function: it
# is ``np.maximum(h, 0)``. Each layer is a function from one NCHW array to the
# next, listed in the order of the ``Sequential``; the forward pass applies
# them in turn and keeps every intermediate output, for the pictures below
# (and, for training, the backward pass would need them too).

w1, b1 = weights["0.weight"], weights["0.bias"]
w2, b2 = weights["3.weight"], weights["3.bias"]
convlib_layers = [
    ("conv1", lambda h: convlib.conv2d(h, w1, b1, padding=1)),
    ("relu", lambda h: np.maximum(h, 0)),
    ("maxpool", lambda h: convlib.max_pool2d(h, 2, stride=2)),
    ("conv2", lambda h: convlib.conv2d(h, w2, b2)),
]

h = x
outputs = {}  # each layer's output, by name
for name, layer in convlib_layers:
    h = layer(h)
    outputs[name] = h

# %%
# PyTorch runs the same four layers from the same weights; after every layer
# the two agree within float32 rounding (the table: the largest difference
# against a tolerance of 1e-4 times the layer's largest value).

# Check against PyTorch: the same output after every layer, within float32 rounding
h_torch = torch.from_numpy(x)
print("layer       output shape    dtype  max |convlib - torch|  tolerance")
with torch.no_grad():
    for (name, _), torch_layer in zip(convlib_layers, model):
        h_convlib = outputs[name]
        h_torch = torch_layer(h_torch)
        reference = h_torch.numpy()
        difference = np.abs(h_convlib - reference).max()
        tolerance = 1e-4 * np.abs(reference).max()
        shape, dtype = str(h_convlib.shape), str(h_convlib.dtype)
        gap = f"{difference:22.2e} {tolerance:10.1e}"
        print(f"{name:8s} {shape:>16s} {dtype:>8s} {gap}")
        assert h_convlib.shape == reference.shape
        assert h_convlib.dtype == np.float32
        gap_ok = np.allclose(h_convlib, reference, rtol=0, atol=tolerance)
        assert gap_ok, f"{name}: convlib and torch differ by {difference}"

# %%
# The padded first convolution keeps the size, the pooling halves it and the
# unpadded second convolution removes a ring of pixels (the sizes are printed
# below). Every value of the last layer sees a square patch of the image, as
# :func:`convlib.receptive_field` reads off the model, and the whole stack has
# few parameters but many multiply-accumulates (:func:`convlib.conv_cost`).

sizes = [x.shape[2]] + [outputs[name].shape[2] for name in outputs]
print("height after each layer:", " -> ".join(map(str, sizes)))

rf = convlib.receptive_field(model, input_size=x.shape[2])
print(f"receptive field of conv2: {rf.size}x{rf.size} pixels")
print(f"effective stride: {rf.stride} pixels")
cost1 = convlib.conv_cost(x.shape[2], 3, 6, 3, padding=1)
cost2 = convlib.conv_cost(sizes[3], 6, 4, 3)
params = cost1.params + cost2.params
macs = cost1.macs + cost2.macs
print(f"parameters: {cost1.params} + {cost2.params} = {params}")
print(f"multiply-accumulates: {cost1.macs:,} + {cost2.macs:,} = {macs:,}")

# %%
# Where these numbers come from: the receptive field follows the recurrence of
# :doc:`plot_09_receptive_field`, ``3 + (2 - 1) * 1 + (3 - 1) * 2``: the first
# 3x3 window, one more pixel for the 2x2 pooling, and two steps of the second
# 3x3 window, each two input pixels wide once the pooling has halved the map.
# The multiply-accumulates are each layer's weights times the output pixels
# they are used at: the first layer's at every pixel of the full-size map, the
# second layer's at every pixel of the smaller one. The weights are shared
# across positions; the arithmetic is not.

# %%

# Check: the sizes, the parameters and the cost agree with the network
_, after_conv1, after_relu, after_pool, after_conv2 = sizes
assert after_conv1 == after_relu == x.shape[2]  # padded conv keeps the size
assert after_pool == after_relu // 2  # pooling halves it
assert after_conv2 == after_pool - 2  # unpadded 3x3 removes a ring
assert rf.size == 3 + (2 - 1) * 1 + (3 - 1) * 2  # the recurrence, layer by layer
assert cost2.output_size == outputs["conv2"].shape[2:]
assert cost1.macs == w1.size * x.shape[2] * x.shape[3]  # weights x output pixels
assert params == sum(value.size for value in weights.values())
assert macs > 1000 * params

# %%
# Feature maps of the first layer
# -------------------------------
# After the ReLU, each channel keeps only the positive responses of its
# filter: the left-to-right edge map lights up where the image gets brighter
# from left to right, while the opposite edges give negative values, which the
# ReLU sets to zero. The colour-opponent maps separate the reddish skin from
# the blue background (their mean responses on a patch of each are printed
# below). The darker frame around the blur map is the zero
# padding: at the border, a third or more of each 3x3 average is padding
# (counted below). The max pooling (last panel) keeps the strongest response
# in each 2x2 block, at half the resolution.

titles = [f"{k}: {name}" for k, name in enumerate(names)]
pooled = outputs["maxpool"][0, 0]
titles.append(f"maxpool of 0, {pooled.shape[0]}x{pooled.shape[1]}")
maps = [*outputs["relu"][0], pooled]
fig, _ = viz.show_images(maps, titles, cmap="magma", ncols=4)
fig.suptitle(f"Layer 1: {len(names)} hand-made filters, after ReLU (by convlib)")
plt.show()

# %%

# Check: a third or more of a border pixel's window is padding; the opponent maps
inside = np.pad(np.ones(x.shape[2:]), 1)  # 1 on the image, 0 on the padding
windows = convlib.sliding_windows(inside, (3, 3), (1, 1), (1, 1))  # (h, w, 3, 3)
padding_share = 1 - windows.mean(axis=(-2, -1))  # (h, w)
on_border = np.ones(padding_share.shape, bool)
on_border[1:-1, 1:-1] = False
low, high = padding_share[on_border].min(), padding_share[on_border].max()
print(f"share of padding in a border pixel's 3x3 window: {low:.3f} to {high:.3f}")

conv1 = outputs["conv1"][0]
n_px = x.shape[2]


def part(start, stop):
    """Rows or columns from fraction ``start`` to ``stop`` of the image side."""
    return slice(round(start * n_px), round(stop * n_px))


background = (part(0, 0.3), part(0.75, 1))  # the sky-blue top right corner
face = (part(0.43, 0.55), part(0.43, 0.59))  # below the glasses
red_green, blue_yellow = names.index("red - green"), names.index("blue - yellow")
for k in (red_green, blue_yellow):
    on_face, on_background = conv1[k][face].mean(), conv1[k][background].mean()
    print(f"{names[k]}: mean {on_face:+.2f} on the face, ", end="")
    print(f"{on_background:+.2f} on the background")
assert np.isclose(low, 1 / 3) and not padding_share[~on_border].any()
relu = outputs["relu"][0]
assert conv1[0].min() < 0 and relu[0].min() == 0  # opposite edges: < 0, then zeroed
assert conv1[red_green][face].mean() > 0 > conv1[red_green][background].mean()
assert conv1[blue_yellow][background].mean() > 0 > conv1[blue_yellow][face].mean()

# %%
# Feature maps of the second layer
# --------------------------------
# The second convolution mixes all the pooled channels with random weights;
# its output maps are combinations of edges, blobs and colours at half the
# resolution. Training would shape these filters; here the point is that
# convlib and PyTorch compute the same maps.

conv2 = outputs["conv2"][0]  # (4, h, w)
titles = [f"channel {k}" for k in range(len(conv2))]
fig, _ = viz.show_images(list(conv2), titles, cmap="RdBu_r", symmetric=True)
size = f"{conv2.shape[1]}x{conv2.shape[2]}"
fig.suptitle(f"Layer 2 ({size}): random 3x3 filters over {w2.shape[1]} channels")
plt.show()

# %%
# What to take away
# -----------------
# * A convolutional network is a list of functions applied in turn; convlib's
#   ``conv2d`` and ``max_pool2d`` with PyTorch's weights compute what
#   ``torch.nn.Sequential`` computes, layer after layer.
# * Shapes follow the output-size rule at each layer: padding 1 keeps the
#   size through a 3x3 convolution, a stride-2 pooling halves it, and an
#   unpadded 3x3 convolution removes a ring of pixels.
# * A handful of parameters can cost millions of multiply-accumulates: each
#   weight is used once per output pixel.
# * Feature maps show what each filter responds to; the ReLU keeps the
#   positive responses only, and zero padding darkens the borders.
#
# Training comes next: :doc:`plot_13_training_a_cnn` trains a network of this
# shape to read handwritten digits, with convlib's backward functions.

# sphinx_gallery_thumbnail_number = 2
