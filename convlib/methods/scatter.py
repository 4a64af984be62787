"""Transposed convolution by scattering (col2im): no zeros spread into the input.

A transposed convolution sends every input value ``x[n, c, i]`` to the outputs
``i * s + p * d`` (minus the padding), scaled by the kernel taps
``w[c, :, p]``. Computing it as "spread the input with ``s - 1`` zeros, then
correlate" multiplies those zeros too: about ``prod(s)`` times the needed work. This
method does only the needed work, as two steps:

1. one matrix product gives every input position's contribution to every tap,
   ``cols[(t, o), i] = sum_c w[c, o, t] x[c, i]`` (the transpose of im2col);
2. for each tap ``t``, one strided add puts ``cols[t]`` at its output positions
   ``i * s + t * d`` ("col2im").
"""

from __future__ import annotations

import math

import numpy as np

from ..geometry import TransposeGeometry
from .base import TransposeMethod

__all__ = ["SCATTER", "SCATTER_BUFFER_BYTES", "transpose_scatter"]

#: Bound, in bytes, of the matrix of contributions of one block (one image and tap at least).
SCATTER_BUFFER_BYTES = 32 * 2**20


def transpose_scatter(x: np.ndarray, weight: np.ndarray, geometry: TransposeGeometry) -> np.ndarray:
    """Transposed convolution of checked channels-first arrays, by products and strided adds.

    Parameters
    ----------
    x : numpy.ndarray, shape ``(n, c_in, *spatial)``
        Input, channels first.
    weight : numpy.ndarray, shape ``(c_in, c_out // groups, *kernel)``
        PyTorch's transposed-convolution layout.
    geometry : TransposeGeometry
        Stride, dilation, groups, the padding (cropped from the output) and
        ``output_padding`` (added after).

    Returns
    -------
    numpy.ndarray, shape ``(n, c_out, *geometry.out)``
        ``out = (in - 1) * stride - before - after + dilation * (k - 1) + output_padding + 1``.

    Notes
    -----
    ``n * prod(spatial) * c_in * c_out / groups * prod(kernel)`` multiply-adds in
    BLAS (the transposed convolution's own count, about ``prod(stride)`` times
    fewer than correlating the zero-spread input), plus ``prod(kernel)`` strided add
    passes of ``n * c_out * prod(spatial)`` values. Exact for integers.

    Extra memory: the uncropped output and one block of contributions, at most
    ``SCATTER_BUFFER_BYTES`` (or one image's contributions to one tap, if larger).
    """
    g = geometry
    n, c_out, c_in_g, c_out_g, groups = g.n, g.c_out, g.c_in_g, g.c_out_g, g.groups
    spatial, kernel, stride, dilation, pads, out = (
        g.spatial, g.kernel, g.stride, g.dilation, g.pads, g.out
    )  # fmt: skip
    taps = list(np.ndindex(*kernel))
    dtype = g.dtype
    full = g.uncropped
    size = tuple(max(f, b + o) for f, (b, _), o in zip(full, pads, out))
    z = np.zeros((n, c_out) + size, dtype=dtype)

    positions = math.prod(spatial)
    # (groups, taps, c_out_g, c_in_g): each tap's (c_out_g, c_in_g) matrix, per group.
    w_taps = np.ascontiguousarray(
        weight.reshape(groups, c_in_g, c_out_g, len(taps)).transpose(0, 3, 2, 1)
    )
    x_g = x.reshape(n, groups, c_in_g, positions)
    per_tap = c_out_g * positions * dtype.itemsize  # one image, one tap
    taps_per_block = max(1, min(len(taps), SCATTER_BUFFER_BYTES // max(per_tap, 1)))
    images = max(1, SCATTER_BUFFER_BYTES // max(per_tap * len(taps), 1))
    images = min(images, n) if taps_per_block == len(taps) else 1
    for n0 in range(0, n, images):
        n1 = min(n0 + images, n)
        for group in range(groups):
            z_g = z[n0:n1, group * c_out_g : (group + 1) * c_out_g]
            for t0 in range(0, len(taps), taps_per_block):
                t1 = min(t0 + taps_per_block, len(taps))
                # ((t1 - t0) * c_out_g, c_in_g) @ (images, c_in_g, positions)
                w_block = w_taps[group, t0:t1].reshape(-1, c_in_g)
                cols = np.matmul(w_block, x_g[n0:n1, group])  # (images, (t1-t0) * c_out_g, ...)
                cols = cols.reshape((n1 - n0, t1 - t0, c_out_g) + spatial)
                for t in range(t0, t1):
                    where = tuple(
                        slice(p * d, p * d + s * (i - 1) + 1, s)
                        for p, d, s, i in zip(taps[t], dilation, stride, spatial)
                    )
                    z_g[(slice(None), slice(None)) + where] += cols[:, t - t0]
    crop = tuple(slice(b, b + o) for (b, _), o in zip(pads, out))
    return z[(slice(None), slice(None)) + crop]


SCATTER = TransposeMethod(
    name="scatter",
    run=transpose_scatter,
    summary="transposed convolution by one product and one strided add per tap (col2im)",
)
