"""Shifted matrix products: one matrix multiply per kernel tap, no im2col matrix.

Lay the input out channels-last and flatten (batch, rows, columns) into one
axis of "positions". With stride 1, output position ``o`` reads input position
``o + t * d`` for kernel tap ``t``; in the flattened order that is a constant
shift, ``offset(t) = t_h d_h W + t_w d_w`` for an input ``W`` columns wide. So
the whole convolution is a sum of ``kh * kw`` ordinary matrix products,

.. math::

    Y[o, :] = \\sum_t X[o + \\mathrm{offset}(t), :]\\; W_t,
    \\qquad W_t = w[:, :, t]^T \\in \\mathbb{R}^{C_{in} \\times C_{out}},

each reading a contiguous slice of ``X``; BLAS adds every product into ``Y``
in place (``beta = 1``). Output positions are computed on the padded input's
whole grid: the ones whose window runs off the right or bottom edge (or into
the next image) are cut away at the end.

A stride ``s`` is handled by splitting the input into its ``s`` phases per axis
(``x[a::s]``, the "polyphase" or space-to-depth decomposition): tap ``t`` reads
phase ``(t d) mod s`` shifted by ``(t d) div s``, so every tap is again one
shifted product, on an input ``s`` times smaller per axis.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.linalg import blas

from ..geometry import ConvGeometry
from ..padding import pad_spatial
from ._workspace import scratch
from .base import Method, MethodCost, blas_or_not, counted, gemm_efficiency

__all__ = ["SHIFTED", "correlate_shifted"]


def correlate_shifted(x: np.ndarray, weight: np.ndarray, geometry: ConvGeometry) -> np.ndarray:
    """Cross-correlate by one matrix product per kernel tap.

    Parameters
    ----------
    x, weight, geometry
        The unpadded input, the kernel and the call's geometry, as every method
        takes them (:class:`~convlib.methods.Method`); returns ``(n, c_out, *out)``.

    Notes
    -----
    ``prod(kernel) * groups`` matrix products of ``(L, c_in/groups) @
    (c_in/groups, c_out/groups)``, with ``L = n * prod(ceil(spatial / stride))``
    positions (``spatial``: the padded input's sizes): the multiply-adds of the
    direct method times ``prod(ceil(spatial / stride)) / prod(out)``, the ratio
    of positions computed to positions kept (close to 1 for large images, large
    for tiny ones). Integers are multiplied
    exactly by NumPy's own (non-BLAS) matrix product.

    Extra memory (scratch, reused between calls): the input re-laid out
    channels-last (the stride phases that the taps read, at most ``n * c_in *
    prod(ceil(spatial / stride) * stride)`` values) and one output buffer of ``n
    * c_out * prod(ceil(spatial / stride))`` values, i.e. about one input and one
    output. No buffer grows with the
    kernel size. A 1x1 kernel skips the re-layout: it is one matrix product
    per image, directly in channels-first order.
    """
    n, c_out, c_in_g, c_out_g, groups = (
        geometry.n, geometry.c_out, geometry.c_in_g, geometry.c_out_g, geometry.groups
    )  # fmt: skip
    kernel, stride, dilation, out = (
        geometry.kernel,
        geometry.stride,
        geometry.dilation,
        geometry.out,
    )
    x = pad_spatial(x, geometry.pads)
    spatial = x.shape[2:]
    if math.prod(kernel) == 1:
        return _pointwise(x, weight, geometry)

    # Which stride phase, and which shift within it, each kernel tap reads.
    taps = list(np.ndindex(*kernel))
    phase_of = [tuple(t * d % s for t, d, s in zip(tap, dilation, stride)) for tap in taps]
    shift_of = [tuple(t * d // s for t, d, s in zip(tap, dilation, stride)) for tap in taps]
    phases = sorted(set(phase_of))
    grid = tuple(-(-size // s) for size, s in zip(spatial, stride))  # ceil(spatial / stride)

    # Channels-last phase images, channel groups apart: (phases, groups, n, *grid, c_in_g).
    xs = scratch("shifted.x", (len(phases), groups, n) + grid + (c_in_g,), x.dtype)
    xs.fill(0)  # where a phase image is shorter than the grid
    for i, phase in enumerate(phases):
        every = tuple(slice(a, None, s) for a, s in zip(phase, stride))
        part = x[(slice(None), slice(None)) + every]  # (n, c_in, *sub)
        part = part.reshape((n, groups, c_in_g) + part.shape[2:])  # (n, groups, c_in_g, *sub)
        target = xs[(i, slice(None), slice(None)) + tuple(slice(0, m) for m in part.shape[3:])]
        target[...] = np.moveaxis(part, 2, -1).swapaxes(0, 1)  # (groups, n, *sub, c_in_g)
    positions = n * math.prod(grid)
    xs = xs.reshape(len(phases), groups, positions, c_in_g)

    # A tap's shift, in flattened positions.
    row_strides = [math.prod(grid[j + 1 :]) for j in range(len(grid))]
    offsets = [sum(s * r for s, r in zip(shift, row_strides)) for shift in shift_of]
    length = positions - max(offsets)  # every kept output position is below this
    # (groups, taps, c_in_g, c_out_g): W_t for each group, ready for X @ W_t.
    w_taps = np.ascontiguousarray(
        weight.reshape(groups, c_out_g, c_in_g, len(taps)).transpose(0, 3, 2, 1)
    )
    y = scratch("shifted.y", (groups, positions, c_out_g), np.result_type(x, weight))
    gemm = {np.dtype(np.float32): blas.sgemm, np.dtype(np.float64): blas.dgemm}.get(y.dtype)
    for g in range(groups):
        y_g = y[g, :length]  # (length, c_out_g)
        for t, (phase, offset) in enumerate(zip(phase_of, offsets)):
            x_t = xs[phases.index(phase), g, offset : offset + length]  # (length, c_in_g)
            if gemm is not None:
                # Fortran view of the same memory: Y^T (c_out_g, length) += W_t^T @ X_t^T.
                gemm(1.0, w_taps[g, t].T, x_t.T, beta=float(t > 0), c=y_g.T, overwrite_c=True)
            elif t == 0:
                np.matmul(x_t, w_taps[g, t], out=y_g)
            else:
                y_g += x_t @ w_taps[g, t]
    y = y.reshape((groups, n) + grid + (c_out_g,))
    kept = tuple(slice(0, o) for o in out)
    y = y[(slice(None), slice(None)) + kept]  # (groups, n, *out, c_out_g)
    y = np.moveaxis(y, -1, 2).swapaxes(0, 1)  # (n, groups, c_out_g, *out)
    return np.array(y, order="C").reshape((n, c_out) + out)  # a copy: y is scratch


def _pointwise(x: np.ndarray, weight: np.ndarray, geometry: ConvGeometry) -> np.ndarray:
    """A 1x1 kernel on a padded input: ``y[n] = W @ x[n]`` per group, channels first."""
    n, c_out, c_in_g, c_out_g, groups = (
        geometry.n, geometry.c_out, geometry.c_in_g, geometry.c_out_g, geometry.groups
    )  # fmt: skip
    out, stride = geometry.out, geometry.stride
    picked = x[(slice(None), slice(None)) + tuple(slice(0, o * s, s) for o, s in zip(out, stride))]
    picked = picked.reshape(n, groups, c_in_g, math.prod(out))  # (n, groups, c_in_g, positions)
    filters = weight.reshape(groups, c_out_g, c_in_g)
    y = np.empty((n, groups, c_out_g, math.prod(out)), dtype=np.result_type(x, weight))
    for g in range(groups):
        np.matmul(filters[g], picked[:, g], out=y[:, g])  # (n, c_out_g, positions)
    return y.reshape((n, c_out) + out)


def shifted_counts(g: ConvGeometry) -> MethodCost:
    """One product per tap on the padded (phase) grid; re-layout in and out."""
    item = g.dtype.itemsize
    x_size, y_size = float(g.n * g.c_in * math.prod(g.padded)), float(g.positions * g.c_out)
    grid = math.prod(-(-size // s) for size, s in zip(g.padded, g.stride))
    if g.taps == 1:
        macs, relayout = float(g.macs), x_size / math.prod(g.stride) + y_size
        calls = g.groups + 5
    else:
        macs = float(g.n * grid * g.c_out * g.c_in_g * g.taps)
        relayout = 2 * x_size + 2 * g.n * grid * g.c_out
        calls = 3 * g.groups * g.taps + 15  # a BLAS call through scipy costs a few
    return counted(
        blas=macs,
        efficiency=blas_or_not(gemm_efficiency(g.c_in_g, g.c_out_g), g),
        elements=relayout,
        calls=calls,
        extra_bytes=(x_size + g.n * grid * g.c_out) * item,
    )


SHIFTED = Method(
    name="shifted",
    run=correlate_shifted,
    counts=shifted_counts,
    summary="one matrix product per kernel tap on the flattened grid, no im2col",
)
