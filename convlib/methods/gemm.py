"""im2col + matrix multiply: windows gathered into a matrix, one GEMM per block.

Every output value is the dot product of one window (``c_in/groups * prod(kernel)``
numbers) with one filter. Gathering the windows of a block of output positions
as the rows of a matrix ("im2col") turns all those dot products into one
matrix product with the ``(c_out/groups, c_in/groups * prod(kernel))`` matrix of
filters, which BLAS computes with its blocked, vectorised kernels.
"""

from __future__ import annotations

import math

import numpy as np

from ..geometry import ConvGeometry
from ..padding import pad_spatial
from ..windows import window_view
from ._workspace import scratch
from .base import Method, MethodCost, blas_or_not, counted, gemm_efficiency

__all__ = ["GEMM", "IM2COL_BUFFER_BYTES", "correlate_gemm"]

#: Upper bound, in bytes, of the im2col matrix built for one block.
IM2COL_BUFFER_BYTES = 32 * 2**20


def correlate_gemm(
    x: np.ndarray,
    weight: np.ndarray,
    geometry: ConvGeometry,
    *,
    max_buffer_bytes: int = IM2COL_BUFFER_BYTES,
) -> np.ndarray:
    """Cross-correlate by im2col and matrix products.

    Parameters
    ----------
    x, weight, geometry
        The unpadded input, the kernel and the call's geometry, as every method
        takes them (:class:`~convlib.methods.Method`); returns ``(n, c_out, *out)``.
    max_buffer_bytes : int, optional
        Bound on the im2col matrix of one block; the batch and the first output
        axis are cut into blocks to respect it (one output row at least).

    Notes
    -----
    ``n * prod(out) * c_out * c_in/groups * prod(kernel)`` multiply-adds, as
    the loop, but inside BLAS, one product per image and block, written
    straight into the output. The windows are gathered from a channels-last
    copy of ``x``, where one kernel row of a window is ``kw * c_in/groups``
    contiguous values (for dilation 1), not ``kw``: the gather copies long runs.
    Extra memory, kept as scratch for the next call: that copy (one input) and
    one im2col block of at most ``max(max_buffer_bytes, one output row's
    windows)`` bytes.
    """
    n, c_out, c_in_g, c_out_g, groups = (
        geometry.n, geometry.c_out, geometry.c_in_g, geometry.c_out_g, geometry.groups
    )  # fmt: skip
    kernel, out, dtype = geometry.kernel, geometry.out, geometry.dtype
    x = pad_spatial(x, geometry.pads)
    # Windows read from a channels-last copy of x: in each window, the channels of
    # one kernel row's taps then lie next to each other in memory (``kw * c_in``
    # contiguous values when groups == 1 and dilation == 1), so the gather below
    # copies long runs instead of ``kw`` values at a time.
    x_last = scratch("gemm.x", (n,) + x.shape[2:] + (x.shape[1],), x.dtype)
    np.copyto(x_last, np.moveaxis(x, 1, -1))
    # (n, c_in, *out, *kernel), a view
    windows = window_view(np.moveaxis(x_last, -1, 1), kernel, geometry.stride, geometry.dilation)
    y = np.empty((n, c_out) + out, dtype=dtype)

    taps = c_in_g * math.prod(kernel)  # length of one window, one filter
    row_bytes = taps * math.prod(out[1:]) * dtype.itemsize  # one image, one output row
    rows = max(1, min(out[0], max_buffer_bytes // max(row_bytes, 1)))
    images = max(1, max_buffer_bytes // max(row_bytes * out[0], 1)) if rows == out[0] else 1

    # (groups, c_out_g, *kernel, c_in_g): the filters in the windows' order.
    filters = np.moveaxis(weight.reshape((groups, c_out_g) + weight.shape[1:]), 2, -1)
    filters = np.ascontiguousarray(filters).reshape(groups, c_out_g, taps)
    inner = math.prod(out[1:])  # output positions per output row
    for b0 in range(0, n, images):
        b1 = min(b0 + images, n)
        for r0 in range(0, out[0], rows):
            r1 = min(r0 + rows, out[0])
            for g in range(groups):
                block = windows[b0:b1, g * c_in_g : (g + 1) * c_in_g, r0:r1]
                # (b, c_in_g, r, *out[1:], *kernel) -> (b, r, *out[1:], *kernel, c_in_g)
                block = np.moveaxis(block, 1, -1)
                cols = scratch("gemm.cols", block.shape, dtype)
                np.copyto(cols, block)  # the im2col matrix, gathered
                cols = cols.reshape(b1 - b0, -1, taps)  # (b, r * prod(out[1:]), taps)
                for i in range(b1 - b0):  # one product per image, written straight into y
                    rows_of_y = y[b0 + i].reshape(c_out, -1)[
                        g * c_out_g : (g + 1) * c_out_g, r0 * inner : r1 * inner
                    ]  # (c_out_g, r * prod(out[1:])), a view
                    np.matmul(filters[g], cols[i].T, out=rows_of_y)
    return y


def gemm_counts(g: ConvGeometry) -> MethodCost:
    """A channels-last copy of x, im2col blocks (a gathered copy of every window), one
    product per block."""
    item = g.dtype.itemsize
    x_size, y_size = float(g.n * g.c_in * math.prod(g.padded)), float(g.positions * g.c_out)
    window = g.c_in_g * g.taps
    blocks = max(1.0, g.groups * g.positions * window * item / IM2COL_BUFFER_BYTES)
    return counted(
        blas=float(g.macs),
        efficiency=blas_or_not(gemm_efficiency(window, g.c_out_g), g),
        elements=2 * x_size + 2 * g.positions * window * g.groups + 2 * y_size,
        calls=6 * blocks * g.groups + 12,
        extra_bytes=x_size * item
        + min(g.positions * window * item, IM2COL_BUFFER_BYTES)
        + y_size * item,
    )


GEMM = Method(
    name="gemm",
    run=correlate_gemm,
    counts=gemm_counts,
    summary="im2col: windows gathered into a bounded matrix, one matrix product per block",
)
