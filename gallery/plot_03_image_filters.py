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

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.cbook import get_sample_data

import convlib
from convlib import viz

laplacian = np.array([[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]])
sobel_x = np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]])
sobel_y = sobel_x.T
box_blur = np.full((5, 5), 1 / 25)
kernels = {"laplacian": laplacian, "sobel_x": sobel_x, "sobel_y": sobel_y}
kernels["box_blur"] = box_blur

fig = plt.figure(figsize=(7.5, 2.5), layout="constrained")
axes = fig.subplots(1, 4, width_ratios=[3, 3, 3, 5])  # cells of one size
for ax, (name, kernel) in zip(axes, kernels.items()):
    viz.draw_grid(ax, kernel, title=name, face=viz.COLORS["kernel"], fontsize=10)
plt.show()

# %%
# The Laplacian's claim, checked on an image that changes at a constant rate
# in both directions (a linear ramp): away from the border it gives zero.

ramp = np.add.outer(np.arange(6.0), 2 * np.arange(6.0))  # (6, 6)
on_ramp = convlib.correlate2d(ramp, laplacian, mode="valid")
print("Laplacian of a linear ramp, away from the border:", np.unique(on_ramp))
assert not on_ramp.any()

# %%
# A photograph, filtered
# ----------------------
#
# Matplotlib ships a portrait of the computer scientist Grace Hopper with its
# sample data, so it is on every machine that has matplotlib and needs no
# download. A weighted sum of the red, green and blue channels (the weights
# describe how bright each colour looks) turns it into one grayscale channel
# with values between 0 and 1.
#
# ``scipy.ndimage.convolve`` computes a true convolution (the kernel flipped),
# returns an image of the input's size, and by default extends the image past
# its border by mirroring it (``mode="reflect"``: the edge pixel is repeated,
# ``... c b a | a b c ...``). convlib's :func:`convlib.convolve2d` computes the
# same convolution with ``mode="same"`` (output of the input's size) and
# ``boundary="symm"``, SciPy-signal's name for the same mirroring.

with get_sample_data("grace_hopper.jpg") as file:
    photo = plt.imread(file)  # (h, w, 3), uint8
gray = photo @ np.array([0.299, 0.587, 0.114]) / 255.0  # (h, w), float64 in [0, 1]
filtered = {}
for name, kernel in kernels.items():
    filtered[name] = convlib.convolve2d(gray, kernel, mode="same", boundary="symm")
edges = np.hypot(filtered["sobel_x"], filtered["sobel_y"])  # edge strength

titles = ["grayscale photograph", "Sobel edge strength", "5x5 box blur"]
fig, axes = viz.show_images([gray, edges, filtered["box_blur"]], titles)
axes[1].images[0].set_clim(0, np.percentile(edges, 99.5))  # a few strongest clipped
plt.show()

# %%
# The edge strength is near zero (black) on the smooth background and on the
# face, and bright along the outlines of the cap, the collar and the insignia.
# The responses of the Laplacian and of the two Sobel kernels have both signs
# (red negative, blue positive, white zero): ``sobel_x`` marks changes from
# left to right, ``sobel_y`` changes from top to bottom.

names = ["laplacian", "sobel_x", "sobel_y"]
fig, axes = viz.show_images([filtered[n] for n in names], names, cmap="RdBu")
for ax, name in zip(axes, names):  # centred on zero, a few strongest edges clipped
    limit = np.percentile(np.abs(filtered[name]), 99.5)
    ax.images[0].set_clim(-limit, limit)
plt.show()

# %%
# The blur keeps the picture but loses its fine detail; the crop around the
# eyes makes that visible.

crop = (slice(150, 250), slice(180, 330))
crops = [gray[crop], filtered["box_blur"][crop]]
_ = viz.show_images(crops, ["original (crop)", "5x5 box blur (same crop)"], width=7)
plt.show()

# %%
# The same numbers as SciPy: the differences are zero or at the level of
# float64 rounding (the same products, summed in a different order).

# %%

# Check against scipy.ndimage.convolve, whose default mode is "reflect"
import inspect

import scipy.ndimage

default_mode = inspect.signature(scipy.ndimage.convolve).parameters["mode"].default
print("scipy.ndimage.convolve's default mode:", repr(default_mode))
assert default_mode == "reflect"
for name, kernel in kernels.items():
    ours, theirs = filtered[name], scipy.ndimage.convolve(gray, kernel)
    assert theirs.shape == gray.shape
    difference = np.abs(ours - theirs).max()
    scale = np.abs(theirs).max()
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12 * scale)
    print(f"{name:9s} max |scipy - convlib| = {difference:.1e}  (largest {scale:.2f})")
assert np.isclose(box_blur.sum(), 1) and np.ptp(box_blur) == 0

# %%
# Flipped or not: convolution and the layers of a CNN
# ---------------------------------------------------
#
# A CNN layer (:func:`convlib.conv2d`, which
# :ref:`the first tutorial <sphx_glr_auto_examples_plot_01_convolution_by_hand.py>`
# checks against PyTorch's ``conv2d``) does not flip the kernel: it computes
# cross-correlation. Flipping changes nothing for a kernel that is symmetric
# under a half-turn, like the Laplacian and the blur; it negates the Sobel
# kernels, which are antisymmetric. The check compares the layer with SciPy's
# true convolution, with zeros around the image (``padding=1`` for the layer,
# ``mode="constant"`` for SciPy) so that both treat the border alike:

# %%

# Check: the layer equals the true convolution, or its negative for Sobel
header = f"{'kernel':9s} {'same if flipped':>15} {'layer == conv':>14}"
print(header, f"{'layer == -conv':>15}")
for name in ("laplacian", "sobel_x", "box_blur"):
    k = kernels[name]
    x, w = gray[None, None], k[None, None]  # (n, c, h, w) and (c_out, c_in, kh, kw)
    layer = convlib.conv2d(x, w, padding=k.shape[0] // 2)[0, 0]  # (h, w)
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

# %%

# Check: mirrored and zero-filled differ only within half a kernel of the border
r, c = np.indices(gray.shape)
h, w = gray.shape
to_border = np.minimum.reduce([r, c, h - 1 - r, w - 1 - c])  # (h, w)
for name in ("laplacian", "box_blur"):
    k = kernels[name]
    mirrored = scipy.ndimage.convolve(gray, k, mode="reflect")
    zero_filled = scipy.ndimage.convolve(gray, k, mode="constant", cval=0.0)
    differs = ~np.isclose(mirrored, zero_filled, rtol=0, atol=1e-12)  # (h, w) of bool
    band = to_border[differs].max() + 1  # how deep into the image they differ
    print(f"{name:9s} {k.shape}: {differs.sum()} pixels differ, ", end="")
    print(f"all within {band} of the border")
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
# stretch of the top edge (a white part of the flag) and enlarges it. On the
# left, the mirrored border (ndimage's ``"reflect"``, convlib's ``"symm"``);
# in the middle, zeros outside (ndimage's ``"constant"``, convlib's
# ``"fill"``, a CNN's padding); on the right, their difference.

mirrored = filtered["laplacian"]
zero_filled = convlib.convolve2d(gray, laplacian, "same", boundary="fill")
stretch = 30  # pixels
top_row_means = np.convolve(gray[0], np.ones(stretch) / stretch, mode="valid")
left = int(np.argmax(top_row_means))  # the brightest 30 pixels of the top row
corner = (slice(0, stretch), slice(left, left + stretch))
pictures = [mirrored[corner], zero_filled[corner], (zero_filled - mirrored)[corner]]
titles = ["mirrored border", "zeros outside", "zeros minus mirrored"]
fig, axes = viz.show_images(pictures, titles, cmap="RdBu")
for ax in axes:  # one colour scale for the three
    ax.images[0].set_clim(-np.abs(pictures[1]).max(), np.abs(pictures[1]).max())
last = left + stretch - 1
fig.suptitle(f"Laplacian, rows 0-{stretch - 1}, columns {left}-{last}", fontsize=11)
plt.show()

# %%

# Check: only the top row differs, by exactly the border pixel
by_scipy_zero = scipy.ndimage.convolve(gray, laplacian, mode="constant")
np.testing.assert_allclose(zero_filled, by_scipy_zero, rtol=1e-12, atol=1e-12)
top_gap = (zero_filled - mirrored)[0, 1:-1]
np.testing.assert_allclose(top_gap, -gray[0, 1:-1], rtol=0, atol=1e-12)
mean = top_row_means[left]
print(f"brightest top-edge stretch: columns {left}-{last}, mean {mean:.2f}")
differs = ~np.isclose(zero_filled[corner], mirrored[corner], rtol=0, atol=1e-12)
rows_differing = np.flatnonzero(differs.any(axis=1))
print("rows of the enlargement where the two differ:", rows_differing)
assert differs[0].all() and not differs[1:].any()  # the top border row only

# %%
# Which boundary modes have a counterpart?
# ----------------------------------------
#
# ``scipy.signal`` and convlib know three boundaries (``"fill"``, ``"wrap"``,
# ``"symm"``); ``scipy.ndimage`` knows more modes. The check tries every mode
# against every boundary on the photograph, with a random 5x5 kernel (no
# symmetry, and it reaches 2 pixels past the edge), and lists the boundaries
# that reproduce it: ``"reflect"`` is ``"symm"``, ``"wrap"`` is ``"wrap"``,
# ``"constant"`` is ``"fill"``, and so are their ``grid-`` variants.

# %%

# Check against every scipy.ndimage mode: which convlib boundary reproduces it
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
    label = f'ndimage mode="{ndimage_mode}":'.ljust(29)
    print(label, "convlib boundary", found or "none")
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

# %%

# Check: each ndimage mode is np.pad, then convlib's "valid" convolution
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
# kernel cannot tell them apart (hence the 5x5 kernel above). The three
# pairs, once more with the Sobel kernel:

# %%

# Check: a 3x3 kernel cannot tell "nearest" from "reflect"; the pairs with Sobel
nearest = scipy.ndimage.convolve(gray, sobel_x, mode="nearest")
reflect = scipy.ndimage.convolve(gray, sobel_x, mode="reflect")
print('3x3 kernel: "nearest" == "reflect":', np.array_equal(nearest, reflect))
assert np.array_equal(nearest, reflect)
pairs = [("reflect", "symm"), ("wrap", "wrap"), ("constant", "fill")]
for ndimage_mode, boundary in pairs:
    a = scipy.ndimage.convolve(gray, sobel_x, mode=ndimage_mode)
    b = convlib.convolve2d(gray, sobel_x, mode="same", boundary=boundary)
    np.testing.assert_allclose(b, a, rtol=1e-12, atol=1e-12)
    print(f'ndimage mode="{ndimage_mode}" == convlib boundary="{boundary}"')

# sphinx_gallery_thumbnail_number = 2
