"""
Image filters on a real photograph
==================================

Apply classic image filters, edge detectors (Laplacian, Sobel) and a blur, to a
real photograph, once with ``scipy.ndimage.convolve`` and once with convlib,
and see that the two agree to the last bits. You will learn what each kernel
does to an image, why a symmetric kernel gives the same result whether or not
it is flipped while an antisymmetric one (Sobel) changes sign, why the pixels
at the border depend on how the image is extended beyond its edges (the
boundary mode), with a picture of exactly where the results differ, and which
boundary modes of ``scipy.ndimage`` convlib reproduces directly.
"""

# %%
# A photograph in grayscale
# -------------------------
#
# Matplotlib ships a portrait of the computer scientist Grace Hopper with its
# sample data, so it is on every machine that has matplotlib and needs no
# download. A weighted sum of the red, green and blue channels (the weights
# describe how bright each colour looks) turns it into one grayscale channel
# with values between 0 and 1.

import inspect

import matplotlib.pyplot as plt
import numpy as np
import scipy.ndimage
from matplotlib.cbook import get_sample_data

import convlib

with get_sample_data("grace_hopper.jpg") as file:
    photo = plt.imread(file)  # (h, w, 3), uint8
gray = photo @ np.array([0.299, 0.587, 0.114]) / 255.0  # (h, w), float64 in [0, 1]
print("photo:", photo.shape, photo.dtype, " grayscale:", gray.shape, gray.dtype)

# %%
# Four kernels
# ------------
#
# * The **Laplacian** adds the four neighbours and subtracts four times the
#   centre: zero where the image is flat or changes at a constant rate, large
#   where brightness changes abruptly, in any direction.
# * The two **Sobel** kernels compare the left and right columns (``sobel_x``)
#   or the top and bottom rows (``sobel_y``) of a 3x3 window: brightness
#   changes across, and along, the image. Combined as
#   ``sqrt(gx**2 + gy**2)`` they give the strength of an edge in any direction.
# * The **box blur** replaces each pixel by the mean of a 5x5 window: each
#   weight is 1/25 and the weights add up to one, so flat regions keep their
#   brightness while details are averaged away.

laplacian = np.array(
    [
        [0.0, 1.0, 0.0],
        [1.0, -4.0, 1.0],
        [0.0, 1.0, 0.0],
    ]
)
sobel_x = np.array(
    [
        [1.0, 0.0, -1.0],
        [2.0, 0.0, -2.0],
        [1.0, 0.0, -1.0],
    ]
)
sobel_y = sobel_x.T
box_blur = np.full((5, 5), 1 / 25)
kernels = {
    "laplacian": laplacian,
    "sobel_x": sobel_x,
    "sobel_y": sobel_y,
    "box_blur": box_blur,
}
for name, kernel in kernels.items():
    print(f"{name}: shape {kernel.shape}, weights sum to {kernel.sum():g}")
    print(kernel.round(2))
assert np.isclose(box_blur.sum(), 1) and np.ptp(box_blur) == 0

# %%
# The Laplacian's claim, checked on an image that changes at a constant rate
# in both directions (a linear ramp): away from the border it gives zero.

ramp = np.add.outer(np.arange(6.0), 2 * np.arange(6.0))  # (6, 6)
on_ramp = convlib.correlate2d(ramp, laplacian, mode="valid")
print("Laplacian of a linear ramp, away from the border:", np.unique(on_ramp))
assert not on_ramp.any()

# %%
# SciPy and convlib, side by side
# -------------------------------
#
# ``scipy.ndimage.convolve`` computes a true convolution (the kernel flipped),
# returns an image of the input's size, and by default extends the image past
# its border by mirroring it (``mode="reflect"``: the edge pixel is repeated,
# ``... c b a | a b c ...``). convlib's :func:`convlib.convolve2d` computes the
# same convolution with ``mode="same"`` (output of the input's size) and
# ``boundary="symm"``, SciPy-signal's name for the same mirroring.

default_mode = inspect.signature(scipy.ndimage.convolve).parameters["mode"].default
print("scipy.ndimage.convolve's default mode:", repr(default_mode))
assert default_mode == "reflect"
by_scipy, by_convlib = {}, {}
for name, k in kernels.items():
    by_scipy[name] = scipy.ndimage.convolve(gray, k)
    by_convlib[name] = convlib.convolve2d(gray, k, mode="same", boundary="symm")
    assert by_scipy[name].shape == gray.shape

for name in kernels:
    ours, theirs = by_convlib[name], by_scipy[name]
    difference = np.abs(ours - theirs).max()
    scale = np.abs(theirs).max()
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12 * scale)
    print(f"{name:9s} max |scipy - convlib| = {difference:.1e}  (largest {scale:.2f})")

# %%
# The differences are zero or at the level of float64 rounding: the same
# numbers, summed in a different order. The filtered images:

edges = np.hypot(by_convlib["sobel_x"], by_convlib["sobel_y"])  # edge strength


def show(ax, picture, title, cmap="gray", symmetric=False):
    """Show an image, clipped to the 99.5th percentile of its magnitude."""
    limit = np.percentile(np.abs(picture), 99.5)
    low = -limit if symmetric else (0 if picture.min() >= 0 else -limit)
    ax.imshow(picture, cmap=cmap, vmin=low, vmax=limit)
    ax.set_title(title, fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])


fig, axes = plt.subplots(2, 3, figsize=(11, 8.5), layout="constrained")
show(axes[0, 0], gray, "grayscale photograph")
show(axes[0, 1], by_convlib["laplacian"], "Laplacian", cmap="RdBu", symmetric=True)
show(axes[0, 2], edges, "Sobel edge strength\nsqrt(gx² + gy²)", cmap="gray_r")
show(axes[1, 0], by_convlib["sobel_x"], "sobel_x: changes from left to right", "RdBu", True)
show(axes[1, 1], by_convlib["sobel_y"], "sobel_y: changes from top to bottom", "RdBu", True)
show(axes[1, 2], by_convlib["box_blur"], "5x5 box blur")
plt.show()

# %%
# The edge detectors are near zero (white) on the smooth background and on
# the face, and strong along the outlines of the cap, the collar and the
# insignia. The blur keeps the picture but loses its fine detail; the crop
# below, around the eyes, makes that visible.

rows, cols = slice(150, 250), slice(180, 330)
fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), layout="constrained")
show(axes[0], gray[rows, cols], "original (crop)")
show(axes[1], by_convlib["box_blur"][rows, cols], "5x5 box blur (same crop)")
plt.show()

# %%
# Flipped or not: convolution and the layers of a CNN
# ---------------------------------------------------
#
# A CNN layer (:func:`convlib.conv2d`, which
# :ref:`the first tutorial <sphx_glr_auto_examples_plot_01_convolution_by_hand.py>`
# checks against PyTorch's ``conv2d``) does not flip the kernel: it computes
# cross-correlation. Flipping changes nothing for a kernel
# that is symmetric under a half-turn, like the Laplacian and the blur; it
# negates the Sobel kernels, which are antisymmetric. The check, with zeros
# around the image (``padding=1`` for the layer, ``mode="constant"`` for
# SciPy) so that both treat the border alike:

print(f"{'kernel':9s} {'same if flipped':>15} {'layer == conv':>14} {'layer == -conv':>15}")
for name in ("laplacian", "sobel_x", "box_blur"):
    k = kernels[name]
    pad = k.shape[0] // 2
    x, w = gray[None, None], k[None, None]  # (n, c, h, w) and (c_out, c_in, kh, kw)
    layer = convlib.conv2d(x, w, padding=pad)[0, 0]  # (h, w)
    true_conv = scipy.ndimage.convolve(gray, k, mode="constant", cval=0.0)
    same = np.allclose(layer, true_conv, rtol=1e-12, atol=1e-12)
    negated = np.allclose(layer, -true_conv, rtol=1e-12, atol=1e-12)
    flip_invariant = np.array_equal(k[::-1, ::-1], k)
    print(f"{name:9s} {flip_invariant!s:>15} {same!s:>14} {negated!s:>15}")
    antisymmetric = np.array_equal(k[::-1, ::-1], -k)
    assert same == flip_invariant and negated == antisymmetric
    assert flip_invariant != antisymmetric  # each of these kernels is one or the other

# %%
# Boundary modes: why the edges differ
# ------------------------------------
#
# Near the border, part of every window lies outside the image, and something
# must stand in for the missing pixels. ``scipy.ndimage.convolve`` mirrors the
# image by default; a CNN layer pads with zeros. The two agree everywhere
# except in a band along the border as wide as half the kernel (the printed
# band widths), because only there does a window reach outside.

for name in ("laplacian", "box_blur"):
    k = kernels[name]
    mirrored = scipy.ndimage.convolve(gray, k, mode="reflect")
    zero_filled = scipy.ndimage.convolve(gray, k, mode="constant", cval=0.0)
    differs = ~np.isclose(mirrored, zero_filled, rtol=0, atol=1e-12)  # (h, w) of bool
    r, c = np.indices(gray.shape)
    h, w = gray.shape
    to_border = np.minimum.reduce([r, c, h - 1 - r, w - 1 - c])  # (h, w)
    band = to_border[differs].max() + 1  # how deep into the image they differ
    print(f"{name:9s} {k.shape}: {differs.sum()} pixels differ, all within {band} of the border")
    assert not differs[band:-band, band:-band].any()
    assert band == k.shape[0] // 2  # half the kernel, rounded down

# %%
# With zeros outside, the image seems to drop to black just past its border,
# a large jump in brightness that the edge detector reports as a strong edge
# (dark red in the enlargement below) all along the border. Mirroring
# continues the image smoothly, so the border shows only the photograph's own
# edges. Along the top row, away from the corners, the Laplacian with zeros
# outside is exactly the mirrored one minus the border pixel itself (the
# neighbour above it is 0 instead of a copy of it), so the effect is largest
# where the image is bright at its border. The code finds the brightest
# stretch of the top edge (a white part of the flag) and enlarges it:

mirrored = by_convlib["laplacian"]
zero_filled = convlib.convolve2d(gray, laplacian, "same", boundary="fill")
by_scipy_zero = scipy.ndimage.convolve(gray, laplacian, mode="constant")
np.testing.assert_allclose(zero_filled, by_scipy_zero, rtol=1e-12, atol=1e-12)
top_gap = (zero_filled - mirrored)[0, 1:-1]
np.testing.assert_allclose(top_gap, -gray[0, 1:-1], rtol=0, atol=1e-12)
stretch = 30  # pixels
top_row_means = np.convolve(gray[0], np.ones(stretch) / stretch, mode="valid")
left = int(np.argmax(top_row_means))
mean = top_row_means[left]
last = left + stretch - 1
print(f"brightest top-edge stretch: columns {left}-{last}, mean {mean:.2f}")
corner = (slice(0, stretch), slice(left, left + stretch))
differs = ~np.isclose(zero_filled[corner], mirrored[corner], rtol=0, atol=1e-12)
print("rows of the enlargement where the two differ:", np.flatnonzero(differs.any(axis=1)))
assert differs[0].all() and not differs[1:].any()  # the top border row only
limit = np.abs(zero_filled[corner]).max()
fig, axes = plt.subplots(1, 3, figsize=(12, 4.2), layout="constrained")
panels = [
    (mirrored[corner], 'mirrored border\n(ndimage "reflect", convlib "symm")'),
    (zero_filled[corner], 'zeros outside\n(ndimage "constant", convlib "fill", CNN padding)'),
    (zero_filled[corner] - mirrored[corner], "zeros minus mirrored:\nonly the border row differs"),
]
for ax, (picture, title) in zip(axes, panels):
    ax.imshow(picture, cmap="RdBu", vmin=-limit, vmax=limit)
    ax.set_title(title, fontsize=10)
    ax.set_xticks([0, 10, 20], [left, left + 10, left + 20])
    ax.set_yticks([0, 10, 20])
fig.suptitle(f"Laplacian of rows 0-{stretch - 1}, columns {left}-{last}: the top border, enlarged")
plt.show()

# %%
# Which boundary modes have a counterpart?
# ----------------------------------------
#
# ``scipy.signal`` and convlib know three boundaries (``"fill"``, ``"wrap"``,
# ``"symm"``); ``scipy.ndimage`` knows more modes. The code tries every mode
# against every boundary on the photograph, with a random 5x5 kernel, and
# lists the boundaries that reproduce it:

rng = np.random.default_rng(3)
probe = rng.standard_normal((5, 5))  # no symmetry, reaches 2 pixels past the edge
ndimage_modes = ["reflect", "grid-mirror", "mirror", "nearest"]
ndimage_modes += ["wrap", "grid-wrap", "constant", "grid-constant"]
boundaries = ["fill", "wrap", "symm"]
counterparts = {}
for ndimage_mode in ndimage_modes:
    a = scipy.ndimage.convolve(gray, probe, mode=ndimage_mode)
    tolerance = 1e-12 * np.abs(a).max()
    found = []
    for boundary in boundaries:
        b = convlib.convolve2d(gray, probe, mode="same", boundary=boundary)
        if np.allclose(b, a, rtol=0, atol=tolerance):
            found.append(boundary)
    counterparts[ndimage_mode] = found
    print(f'ndimage mode="{ndimage_mode}":'.ljust(29), "convlib boundary", found or "none")
assert counterparts == {
    "reflect": ["symm"],
    "grid-mirror": ["symm"],
    "mirror": [],
    "nearest": [],
    "wrap": ["wrap"],
    "grid-wrap": ["wrap"],
    "constant": ["fill"],
    "grid-constant": ["fill"],
}

# %%
# ``"mirror"`` (mirror about the edge pixel, not repeating it) and
# ``"nearest"`` (repeat the edge pixel) have none. Both are one
# :func:`numpy.pad` away: pad the image by half the kernel yourself and keep
# the ``"valid"`` part. Beware the names, printed here on a short row:
# NumPy's ``"reflect"`` is ndimage's ``"mirror"``, and NumPy's
# ``"symmetric"`` is ndimage's ``"reflect"`` (and convlib's ``"symm"``).

np_pad_modes = {
    "reflect": "symmetric",
    "mirror": "reflect",
    "nearest": "edge",
    "wrap": "wrap",
    "constant": "constant",
}
half = probe.shape[0] // 2
row = np.array([1, 2, 3, 4])
for ndimage_mode, np_mode in np_pad_modes.items():
    padded = np.pad(gray, half, mode=np_mode)
    ours = convlib.convolve2d(padded, probe, mode="valid")
    theirs = scipy.ndimage.convolve(gray, probe, mode=ndimage_mode)
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12 * np.abs(theirs).max())
    shown = np.pad(row, half, mode=np_mode)
    print(f'ndimage "{ndimage_mode}" == np.pad "{np_mode}":'.ljust(42), shown)

# %%
# A 3x3 kernel borrows only one pixel past the edge, and one pixel mirrored
# with the edge repeated is the edge pixel itself: with such a kernel
# ``"nearest"`` and ``"reflect"`` give the same result, so a test with a 3x3
# kernel cannot tell them apart (hence the 5x5 kernel above).

with_3x3 = [scipy.ndimage.convolve(gray, sobel_x, mode=m) for m in ("nearest", "reflect")]
print('3x3 kernel: "nearest" == "reflect":', np.array_equal(*with_3x3))
assert np.array_equal(*with_3x3)

# %%
# The three pairs, once more with the Sobel kernel:

pairs = [("reflect", "symm"), ("wrap", "wrap"), ("constant", "fill")]
for ndimage_mode, boundary in pairs:
    a = scipy.ndimage.convolve(gray, sobel_x, mode=ndimage_mode)
    b = convlib.convolve2d(gray, sobel_x, mode="same", boundary=boundary)
    np.testing.assert_allclose(b, a, rtol=1e-12, atol=1e-12)
    print(f'ndimage mode="{ndimage_mode}" == convlib boundary="{boundary}"')

# sphinx_gallery_thumbnail_number = 1
