"""
Upsampling with a transposed convolution
========================================

Decoders, segmentation networks and image generators enlarge feature maps
with transposed convolutions. You will learn why a 3x3 kernel with stride 2
covers the output unevenly, the structural cause of checkerboard artefacts,
while a 4x4 kernel covers it evenly (which removes that cause, though not
every checkerboard a kernel's weights can make), how the right 4x4 kernel
turns :func:`convlib.conv_transpose2d` into exactly the bilinear
interpolation of ``torch.nn.functional.interpolate``, what happens at the
image border, and that ``torch.nn.ConvTranspose2d`` computes the same.
"""

# %%
# Uneven overlap: the checkerboard
# --------------------------------
# With stride 2, every input pixel stamps a copy of the kernel into the output
# (see :doc:`plot_07_sliding_window_animated`). Upsample an image of ones with
# a kernel of ones and the output counts how many stamps cover each pixel. A
# 3x3 kernel at stride 2 overlaps its neighbours by one column on one side
# only: interior pixels are covered unequally often (left), a checkerboard
# even on a perfectly flat input. A 4x4 kernel, whose size the stride
# divides, covers every interior pixel equally often (right).

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib import cbook

import convlib
from convlib import viz

ones = np.ones((1, 1, 6, 6))
coverage = {}
for k in (3, 4):
    counts = convlib.conv_transpose2d(ones, np.ones((1, 1, k, k)), stride=2)
    coverage[k] = counts[0, 0]

fig, axes = plt.subplots(1, 2, figsize=(7.5, 4), layout="constrained")
for ax, (k, counts) in zip(axes, coverage.items()):
    size = f"{counts.shape[0]}x{counts.shape[1]}"
    title = f"{k}x{k} kernel of ones: {size}"
    viz.draw_grid(ax, counts, title=title, cmap="viridis", fontsize=10)
n = ones.shape[2]
fig.suptitle(f"Stride 2 over a {n}x{n} image of ones: kernel copies per pixel")
plt.show()

# %%

# Check: the 4x4 kernel covers the interior evenly, the 3x3 kernel does not
for k, counts in coverage.items():
    interior = sorted({int(v) for v in counts[k:-k, k:-k].ravel()})
    print(f"{k}x{k} kernel, stride 2: output {counts.shape}")
    print(f"    interior pixels covered {interior} times")
assert len(np.unique(coverage[4][4:-4, 4:-4])) == 1  # even: every pixel alike
assert len(np.unique(coverage[3][3:-3, 3:-3])) > 1  # uneven: a checkerboard

# %%
# The rule behind it: at stride ``s`` the copies of a ``k``-wide kernel cover
# the interior evenly exactly when ``s`` divides ``k``. The table checks it
# for several sizes and strides, one axis at a time.

# %%

# Check: even coverage exactly when the stride divides the kernel size
print("stride  kernel  interior coverage")
for stride in (2, 3):
    for k in range(2, 8):
        row = np.ones((1, 1, 1, 12))
        line = convlib.conv_transpose2d(row, np.ones((1, 1, 1, k)), stride=stride)
        interior = np.unique(line[0, 0, 0, k:-k])
        print(f"{stride:6d} {k:7d}  {interior.astype(int)}")
        assert (len(interior) == 1) == (k % stride == 0)

# %%
# Even coverage removes the structural cause, not every checkerboard: the
# kernel's weights matter too. On a flat input each interior output pixel of
# a 4x4, stride-2 kernel receives one of the kernel's four stride-phase sums
# (the taps ``w[p::2, q::2]`` added up, for ``p, q`` in 0, 1); unless the
# four sums are equal, a flat input still comes out as a checkerboard. A
# random 4x4 kernel does that; the bilinear kernel of the next section has
# equal sums and gives a flat output (the check below counts the distinct
# values).

flat = np.ones((1, 1, 8, 8))
random_4x4 = np.random.default_rng(12).random((1, 1, 4, 4))
bilinear_4x4 = np.outer([1, 3, 3, 1], [1, 3, 3, 1])[None, None] / 16

# %%

# Check: unequal phase sums (random kernel) make a checkerboard of a flat input
flat_outputs = {}
for name, w in [("random 4x4", random_4x4), ("bilinear 4x4", bilinear_4x4)]:
    out = convlib.conv_transpose2d(flat, w, stride=2)[0, 0, 4:-4, 4:-4]  # the interior
    phases = np.array([w[0, 0, p::2, q::2].sum() for p in (0, 1) for q in (0, 1)])
    values = np.unique(out.round(12))
    flat_outputs[name] = values
    print(f"{name}: phase sums {phases.round(3)}, ", end="")
    print(f"flat input gives {values.size} value(s)")
    assert (values.size == 1) == np.allclose(phases, phases[0])
assert flat_outputs["random 4x4"].size > 1 and flat_outputs["bilinear 4x4"].size == 1

# %%
# The bilinear kernel
# -------------------
# Take the 4x4 kernel :math:`w = a a^\top` with :math:`a = [1, 3, 3, 1] / 4`,
# stride 2 and ``padding=1`` (which trims one pixel from each border, so the
# output is exactly twice the input's size, printed below). Each output pixel
# then receives two input pixels per axis with weights 3/4 and 1/4: exactly
# the half-pixel bilinear interpolation that
# ``torch.nn.functional.interpolate(..., mode="bilinear", align_corners=False)``
# computes, except on the outermost ring of pixels (checked below).
#
# The input is a crop of the photograph of Grace Hopper that ships with
# Matplotlib, every fourth pixel, in float64, with its three colour channels.
# ``groups=3`` upsamples each channel with its own copy of the kernel; the
# weight layout of a transposed convolution is ``(C_in, C_out / groups, kh,
# kw)`` (printed below).

with cbook.get_sample_data("grace_hopper.jpg") as file:
    photo = plt.imread(file)  # (height, width, 3) uint8
crop = photo[150:342:4, 176:368:4] / 255  # (h, w, 3): every 4th pixel
x = convlib.convert_layout(crop[None], "NHWC", "NCHW").copy()  # (1, 3, h, w): NCHW

a = np.array([1.0, 3.0, 3.0, 1.0]) / 4
bilinear = np.tile(np.outer(a, a), (3, 1, 1, 1))  # (3, 1, 4, 4)
print("weight (C_in, C_out / groups, kh, kw):", bilinear.shape)
up = convlib.conv_transpose2d(x, bilinear, stride=2, padding=1, groups=3)
print("input", x.shape, "-> output", up.shape)

# %%

# Check against torch interpolate: equal inside the outer ring of pixels
np.testing.assert_allclose(bilinear[0], bilinear_4x4[0])  # the kernel above
assert up.shape[2:] == (2 * x.shape[2], 2 * x.shape[3])
interpolate = torch.nn.functional.interpolate
reference = interpolate(
    torch.from_numpy(x), scale_factor=2, mode="bilinear", align_corners=False
).numpy()
gap = np.abs(up - reference)
inside = (..., slice(1, -1), slice(1, -1))  # all but the outer ring
gap_inside = gap[inside].max()
print(f"inside the outer ring: max |convlib - torch| = {gap_inside:.1e}")
print(f"outer ring of pixels:  max |convlib - torch| = {gap.max():.3f}")
assert np.allclose(up[inside], reference[inside], rtol=0, atol=1e-12)
assert gap.max() > 0.01

# %%
# The border
# ----------
# Only the outermost ring of output pixels differs: the difference is zero
# everywhere but on the first row and column of the corner below (and on the
# last ones, at the other corners). There, one of the two input pixels a
# bilinear weight would use lies outside the image: the transposed
# convolution takes it as zero, so the border gets darker, while
# ``interpolate`` repeats the edge pixel.

fig, axes = plt.subplots(1, 3, figsize=(7.5, 2.9), layout="constrained")
pictures = {"input": x, "conv_transpose2d": up, "torch interpolate": reference}
for ax, (title, picture) in zip(axes, pictures.items()):
    rgb = np.clip(picture[0].transpose(1, 2, 0), 0, 1)  # (h, w, 3)
    ax.imshow(rgb, interpolation="nearest")
    ax.set_title(f"{title}, {rgb.shape[0]}x{rgb.shape[1]}", fontsize=10)
    ax.set_axis_off()
plt.show()

# %%
# The differences themselves, over the top-left corner of the output:

corner = gap.max(axis=(0, 1))[:8, :8]  # the largest gap over RGB, top-left corner
fig, ax = plt.subplots(figsize=(4.2, 4.4), layout="constrained")
title = "|convlib - torch|, top-left corner"
viz.draw_grid(ax, corner, title=title, fmt=".2f", cmap="magma", fontsize=10)
plt.show()

# %%
# Repeating the edge by hand, one pixel on every side with
# ``np.pad(..., mode="edge")``, and trimming the two extra output pixels per
# side with ``padding=1 + 2`` makes the two agree everywhere.

# (1, 3, h + 2, w + 2): the edge pixels repeated once on every side
x_edge = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)), mode="edge")
# padding=3: the usual 1, plus the 2 extra output pixels per side
up_edge = convlib.conv_transpose2d(x_edge, bilinear, stride=2, padding=3, groups=3)
print(f"with edge padding: output {up_edge.shape}")

# %%

# Check against torch interpolate: darker on the ring, equal with edge padding
ring = np.ones(up.shape[2:], bool)
ring[1:-1, 1:-1] = False
assert (up[..., ring] <= reference[..., ring] + 1e-12).all()  # darker, never brighter
darker = (reference - up)[..., ring].mean()
print(f"outer ring: conv_transpose2d darker than interpolate by {darker:.3f}", end="")
print(" on average")
edge_gap = np.abs(up_edge - reference).max()
print(f"with edge padding: max |convlib - torch| = {edge_gap:.1e}")
np.testing.assert_allclose(up_edge, reference, rtol=1e-12, atol=1e-12)

# %%
# The same layer in PyTorch
# -------------------------
# A learnable upsampling layer is ``torch.nn.ConvTranspose2d``; fully
# convolutional segmentation networks start its weights at this bilinear
# kernel and let training adjust them. Its weight has the same layout as
# convlib's, so the kernel is copied in unchanged.

# %%

# Check against PyTorch: ConvTranspose2d with the bilinear kernel
layer = torch.nn.ConvTranspose2d(3, 3, 4, 2, padding=1, groups=3, bias=False)
with torch.no_grad():
    layer.weight.copy_(torch.from_numpy(bilinear))
    up_torch = layer.double()(torch.from_numpy(x)).numpy()
layer_gap = np.abs(up - up_torch).max()
print(f"ConvTranspose2d weight {tuple(layer.weight.shape)}")
print(f"max |convlib - torch| = {layer_gap:.1e}")
np.testing.assert_allclose(up, up_torch, rtol=1e-12, atol=1e-12)

# %%
# Sizes
# -----
# The output length of a transposed convolution is
# ``(in - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1``
# (:func:`convlib.conv_transpose_output_size`). For doubling, ``k = 4``,
# ``stride = 2``, ``padding = 1`` gives exactly ``2 * in`` for every input
# size (checked below for a range of sizes, a few printed), while the 3x3
# kernel needs ``padding=1, output_padding=1`` to reach ``2 * in``, and still
# covers pixels unevenly (the first section).

# Check: both settings give 2 * in for every input size from 1 to 100
sizes = range(1, 101)
for size in sizes:
    doubling = {"stride": 2, "padding": 1}
    four = convlib.conv_transpose_output_size(size, 4, **doubling)
    three = convlib.conv_transpose_output_size(size, 3, **doubling, output_padding=1)
    if size in (5, x.shape[2], 100):
        print(f"in {size:3d}: k=4, p=1 -> {four:3d}; ", end="")
        print(f"k=3, p=1, output_padding=1 -> {three:3d}")
    assert four == three == 2 * size
print(f"both give 2 * in for every input size from {sizes[0]} to {sizes[-1]}")

# sphinx_gallery_thumbnail_number = 1
