"""Depthwise convolution (``groups == c_in``): one multiply-add pass per kernel tap.

When every input channel has its own filters, there is no sum over channels
to hand to a matrix product: each output value is a ``kh * kw`` dot product
of one channel's window with one small filter. The matrix-product methods
would multiply by ``c_out x 1`` matrices, which BLAS does no faster than plain
array arithmetic. So this method loops over the kernel taps instead and, for
each tap, adds ``w[c, tap] * x[c, shifted window]`` to the output of every
channel at once:

.. math::

    y[n, c m + j] \\mathrel{+}= w[c m + j, 0, p, q]\\;
    x[n, c, p d_h : p d_h + s_h h_{out} : s_h,\\; q d_w : q d_w + s_w w_{out} : s_w]

With stride 1, flattening each padded channel makes every tap a constant
shift (as in the shifted method): the passes run on the whole padded grid, one
contiguous slice per tap, and the outputs that wrap past a row's end are cut
away after. Blocks of channels about the size of a core's L2 cache are
processed independently, on a few threads.
"""

from __future__ import annotations

import math

import numpy as np

from ..geometry import ConvGeometry
from ..padding import pad_spatial
from ._threads import run_blocks
from ._workspace import scratch
from .base import Method, MethodCost, counted

__all__ = ["DEPTHWISE", "DEPTHWISE_BLOCK_BYTES", "correlate_depthwise", "depthwise_supports"]

#: Target size, in bytes, of the output block one thread accumulates at a time
#: (with its product buffer and input, about one core's L2 cache).
DEPTHWISE_BLOCK_BYTES = 2**20


def depthwise_supports(geometry: ConvGeometry) -> str | None:
    """Why the depthwise method cannot run this correlation, or None when it can."""
    if geometry.groups != geometry.c_in or geometry.c_in_g != 1:
        return (
            f"it needs groups == c_in (one input channel per group), "
            f"got groups={geometry.groups}, c_in={geometry.c_in}"
        )
    return None


def correlate_depthwise(x: np.ndarray, weight: np.ndarray, geometry: ConvGeometry) -> np.ndarray:
    """Cross-correlate channel by channel (``groups == c_in``).

    Parameters
    ----------
    x : numpy.ndarray, shape ``(n, c_in, *spatial)``
        Input, channels first, not yet padded.
    weight : numpy.ndarray, shape ``(c_in * m, 1, *kernel)``
        ``m`` filters per input channel (the depth multiplier), OIHW order.
    geometry : ConvGeometry
        Padding, stride, dilation, the output size; ``groups`` must equal ``c_in``.

    Returns
    -------
    numpy.ndarray, shape ``(n, c_in * m, *geometry.out)``

    Raises
    ------
    ValueError
        If ``groups != c_in``.

    Notes
    -----
    ``n * c_in * m * prod(out) * prod(kernel)`` multiply-adds, as the loop,
    done as ``prod(kernel)`` multiply passes and as many add passes over each
    output block. Exact for integers. With stride 1 the passes run over the
    padded input's whole grid, flattened, where each tap reads one contiguous
    shifted slice (``prod(spatial) / prod(out)`` times the work, ``spatial``
    being the padded sizes: a few percent more for large images, in long
    SIMD-friendly runs); the kept outputs are copied
    out after.

    Extra memory: per thread, one product buffer and (stride 1) one grid
    buffer, each of one block (``DEPTHWISE_BLOCK_BYTES``, or one image and
    channel if that is larger).
    """
    reason = depthwise_supports(geometry)
    if reason is not None:
        raise ValueError(f"correlate_depthwise: {reason}")
    n, c_in, c_out, nd = geometry.n, geometry.c_in, geometry.c_out, geometry.nd
    mult = c_out // c_in
    kernel, stride, dilation, out = (
        geometry.kernel,
        geometry.stride,
        geometry.dilation,
        geometry.out,
    )
    dtype = geometry.dtype
    x = pad_spatial(x, geometry.pads)
    y = np.empty((n, c_in, mult) + out, dtype=dtype)  # the first tap writes every value
    # (c_in, mult, taps) -> (taps, c_in, mult, 1, ..., 1): one filter value per channel and tap
    taps = list(np.ndindex(*kernel))
    w_taps = (
        weight.reshape(c_in, mult, len(taps))
        .transpose(2, 0, 1)
        .reshape((len(taps), c_in, mult) + (1,) * nd)
        .astype(dtype)
    )

    # With stride 1, the passes run on the padded input's whole grid, flattened: tap t
    # reads the contiguous slice at offset(t) (long inner loops); the kept outputs are
    # cut from the grid after.
    on_grid = all(s == 1 for s in stride)
    spatial = x.shape[2:]
    points = math.prod(spatial)
    row_strides = [math.prod(spatial[j + 1 :]) for j in range(nd)]
    offsets = [sum(i * d * r for i, d, r in zip(tap, dilation, row_strides)) for tap in taps]
    length = points - max(offsets)  # every kept output position is below this
    kept = (slice(None), slice(None)) + tuple(slice(0, o) for o in out)

    # Blocks: (image, channel range), each a cache-sized piece of the output.
    plane = mult * (points if on_grid else math.prod(out)) * dtype.itemsize
    per_block = max(1, min(c_in, DEPTHWISE_BLOCK_BYTES // max(plane, 1)))
    blocks = [
        (b, slice(c0, min(c0 + per_block, c_in)))
        for b in range(n)
        for c0 in range(0, c_in, per_block)
    ]

    def accumulate_strided(block: tuple[int, slice]) -> None:
        b, channels = block
        y_block = y[b, channels]  # (cb, mult, *out)
        product = scratch("depthwise.product", y_block.shape, dtype)
        for t, tap in enumerate(taps):
            window = tuple(
                slice(i * d, i * d + s * (o - 1) + 1, s)
                for i, d, s, o in zip(tap, dilation, stride, out)
            )
            x_tap = x[(b, channels) + window][:, None]  # (cb, 1, *out)
            if t == 0:
                np.multiply(x_tap, w_taps[t, channels], out=y_block)
                continue
            np.multiply(x_tap, w_taps[t, channels], out=product)
            y_block += product

    x_flat = np.ascontiguousarray(x).reshape(n, c_in, 1, points) if on_grid else x
    w_flat = w_taps.reshape(len(taps), c_in, mult, 1)

    def accumulate_on_grid(block: tuple[int, slice]) -> None:
        b, channels = block
        cb = channels.stop - channels.start
        grid = scratch("depthwise.grid", (cb, mult, points), dtype)
        sums = grid[..., :length]  # (cb, mult, length)
        product = scratch("depthwise.product", sums.shape, dtype)
        for t, offset in enumerate(offsets):
            x_tap = x_flat[b, channels, :, offset : offset + length]  # (cb, 1, length)
            if t == 0:
                np.multiply(x_tap, w_flat[t, channels], out=sums)
                continue
            np.multiply(x_tap, w_flat[t, channels], out=product)
            sums += product
        y[b, channels] = grid.reshape((cb, mult) + spatial)[kept]

    accumulate = accumulate_on_grid if on_grid else accumulate_strided
    if y.size >= 2**18:  # threads pay off on large outputs only
        run_blocks(accumulate, blocks)
    else:
        for block in blocks:
            accumulate(block)
    return y.reshape((n, c_out) + out)


def depthwise_counts(g: ConvGeometry) -> MethodCost:
    """A multiply pass and an add pass per tap over cache-sized blocks."""
    item = g.dtype.itemsize
    y_size = float(g.positions * g.c_out)
    if all(s == 1 for s in g.stride):  # on the whole padded grid, then the kept part copied
        grid_points = math.prod(g.padded)
        passes = 3.0 * g.n * g.c_out * grid_points * g.taps + 2 * y_size
    else:
        grid_points, passes = math.prod(g.out), 3.0 * g.macs
    plane = g.c_out_g * grid_points * item
    blocks = g.n * max(1.0, g.c_in / max(1.0, DEPTHWISE_BLOCK_BYTES / max(plane, 1)))
    return counted(
        elements=passes,
        calls=2 * g.taps * blocks + 10,
        extra_bytes=min(DEPTHWISE_BLOCK_BYTES, y_size * item),
    )


DEPTHWISE = Method(
    name="depthwise",
    run=correlate_depthwise,
    counts=depthwise_counts,
    supports=depthwise_supports,
    summary="groups == c_in: one multiply-add pass per kernel tap, over cache-sized blocks",
)
