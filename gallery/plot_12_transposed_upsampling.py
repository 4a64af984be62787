"""
Upsampling with a transposed convolution
========================================

Decoders, segmentation networks and image generators enlarge feature maps
with transposed convolutions. You will learn why a 3x3 kernel with stride 2
leaves a checkerboard pattern while a 4x4 kernel does not, how the right 4x4
kernel turns :func:`convlib.conv_transpose2d` into exactly the bilinear
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
# only: pixels are covered 1, 2 or 4 times, a checkerboard even on a
# perfectly flat input. A 4x4 kernel, whose size the stride divides, covers
# every interior pixel equally often.

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib import cbook

import convlib

ones = np.ones((1, 1, 6, 6))
coverage = {}
for k in (3, 4):
    counts = convlib.conv_transpose2d(ones, np.ones((1, 1, k, k)), stride=2)
    coverage[k] = counts[0, 0]
    interior = sorted({int(v) for v in coverage[k][k:-k, k:-k].ravel()})
    print(f"{k}x{k} kernel, stride 2: output {coverage[k].shape}")
    print(f"    interior pixels covered {interior} times")

CELL_TEXT = {"ha": "center", "va": "center", "fontsize": 7}
fig, axes = plt.subplots(1, 2, figsize=(8, 4), layout="constrained")
fig.suptitle("Transposed convolution of a 6x6 image of ones")
for ax, (k, counts) in zip(axes, coverage.items()):
    shown = ax.imshow(counts, cmap="viridis", vmin=0, vmax=4)
    for (i, j), value in np.ndenumerate(counts):
        color = "white" if value < 3 else "black"
        ax.text(j, i, f"{value:g}", color=color, **CELL_TEXT)
    size = f"{counts.shape[0]}x{counts.shape[1]}"
    ax.set_title(f"{k}x{k} kernel of ones, stride 2: {size}")
    ax.set_axis_off()
label = "kernel copies covering the pixel"
fig.colorbar(shown, ax=axes, label=label, shrink=0.8)

# %%
# The bilinear kernel
# -------------------
# Take the 4x4 kernel :math:`w = a a^\top` with :math:`a = [1, 3, 3, 1] / 4`,
# stride 2 and ``padding=1`` (which trims one pixel from each border, so a
# 48x48 input becomes 96x96). Each output pixel then receives two input
# pixels per axis with weights 3/4 and 1/4: exactly the half-pixel bilinear
# interpolation that ``torch.nn.functional.interpolate(..., mode="bilinear",
# align_corners=False)`` computes.
#
# The input is a 48x48 crop of the photograph of Grace Hopper that ships with
# Matplotlib, in float64, with its three colour channels. ``groups=3`` upsamples
# each channel with its own copy of the kernel; the weight layout of a
# transposed convolution is ``(C_in, C_out / groups, kh, kw)`` = (3, 1, 4, 4).

with cbook.get_sample_data("grace_hopper.jpg") as file:
    photo = plt.imread(file)  # (600, 512, 3) uint8
crop = photo[150:342:4, 176:368:4] / 255  # (48, 48, 3): every 4th pixel
# (1, 3, 48, 48): NCHW
x = convlib.convert_layout(crop[None], "NHWC", "NCHW").copy()

a = np.array([1.0, 3.0, 3.0, 1.0]) / 4
bilinear = np.tile(np.outer(a, a), (3, 1, 1, 1))  # (3, 1, 4, 4)
up = convlib.conv_transpose2d(x, bilinear, stride=2, padding=1, groups=3)
print("input", x.shape, "-> output", up.shape)

interpolate = torch.nn.functional.interpolate
reference = interpolate(
    torch.from_numpy(x),
    scale_factor=2,
    mode="bilinear",
    align_corners=False,
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
# Only the outermost ring of output pixels differs. There, one of the two
# input pixels a bilinear weight would use lies outside the image: the
# transposed convolution takes it as zero (the border gets darker), while
# ``interpolate`` repeats the edge pixel. Repeating the edge by hand, one pixel
# on every side with ``np.pad(..., mode="edge")``, and trimming the two extra
# output pixels per side with ``padding=1 + 2`` makes the two agree everywhere.

# (1, 3, 50, 50): the edge pixels repeated once on every side
x_edge = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)), mode="edge")
# padding=3: the usual 1, plus the 2 extra output pixels per side
options = {"stride": 2, "padding": 3, "groups": 3}
up_edge = convlib.conv_transpose2d(x_edge, bilinear, **options)
edge_gap = np.abs(up_edge - reference).max()
print(f"with edge padding: output {up_edge.shape}")
print(f"max |convlib - torch| = {edge_gap:.1e}")
np.testing.assert_allclose(up_edge, reference, rtol=1e-12, atol=1e-12)

fig, axes = plt.subplots(1, 4, figsize=(10, 3.1), layout="constrained")
fig.suptitle("Transposed convolution = bilinear upsampling but at the border")
panels = [
    (crop, "input, 48x48"),
    (up[0].transpose(1, 2, 0), "conv_transpose2d, 96x96"),
    (reference[0].transpose(1, 2, 0), "torch interpolate, 96x96"),
]
for ax, (image, title) in zip(axes, panels):
    ax.imshow(np.clip(image, 0, 1), interpolation="nearest")
    ax.set_title(title, fontsize=10)
worst = gap.max(axis=(0, 1))  # (96, 96): largest gap over the channels
shown = axes[3].imshow(worst, cmap="magma", interpolation="nearest")
axes[3].set_title("|difference|, max over RGB", fontsize=10)
fig.colorbar(shown, ax=axes[3], shrink=0.8)
for ax in axes:
    ax.set_axis_off()

# %%
# The same layer in PyTorch
# -------------------------
# A learnable upsampling layer is ``torch.nn.ConvTranspose2d``; fully
# convolutional segmentation networks start its weights at this bilinear
# kernel and let training adjust them. Its weight has the same layout as
# convlib's, so the kernel is copied in unchanged.

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
# size, while the 3x3 kernel needs ``padding=1, output_padding=1`` to reach
# ``2 * in``, and still covers pixels unevenly.

for size in (5, 48, 100):
    four = convlib.conv_transpose_output_size(size, 4, stride=2, padding=1)
    three = convlib.conv_transpose_output_size(
        size,
        3,
        stride=2,
        padding=1,
        output_padding=1,
    )
    print(f"in {size:3d}: k=4, p=1 -> {four:3d}; ", end="")
    print(f"k=3, p=1, output_padding=1 -> {three:3d}")
    assert four == three == 2 * size

plt.show()

# sphinx_gallery_thumbnail_number = 2
