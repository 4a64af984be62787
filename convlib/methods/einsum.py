"""One window view and one ``np.einsum``: the whole convolution in two lines.

:func:`~convlib.sliding_windows` views every window of the padded input
without copying, as an array ``(n, c_in, *out, *kernel)``. The correlation is
then one sum of products over the window's channels and taps, which
``np.einsum`` computes (handing it to a matrix product, after copying the
windows into one matrix):

.. math::

    y[n, o, \\mathbf{i}] = \\sum_{c, \\mathbf{p}}
    \\mathrm{windows}[n, c, \\mathbf{i}, \\mathbf{p}]\\; w[o, c, \\mathbf{p}]

(one such sum per channel group). This is the idea of im2col
without its engineering: :mod:`~convlib.methods.gemm` computes the same
product in memory-bounded blocks, from a layout that makes the copy fast.
"""

from __future__ import annotations

import numpy as np

from ..geometry import ConvGeometry
from ..padding import pad_spatial
from ..windows import window_view
from .base import Method, MethodCost, blas_or_not, counted, gemm_efficiency

__all__ = ["EINSUM", "correlate_einsum"]

_LETTERS = "hwdklm"  # spatial output axes, then kernel axes (at most 3 of each)


def correlate_einsum(x: np.ndarray, weight: np.ndarray, geometry: ConvGeometry) -> np.ndarray:
    """Cross-correlate with a sliding-window view and one ``np.einsum``.

    Parameters
    ----------
    x, weight, geometry
        The unpadded input, the kernel and the call's geometry, as every method
        takes them (:class:`~convlib.methods.Method`); returns ``(n, c_out, *out)``.

    Notes
    -----
    ``n * prod(out) * c_out * c_in/groups * prod(kernel)`` multiply-adds, as
    the loop. ``np.einsum(..., optimize=True)`` copies the windows into one
    matrix of ``n * prod(out) * c_in * prod(kernel)`` values (the whole im2col
    matrix: the extra memory grows with the kernel) and multiplies it by the
    filters in BLAS. Exact for integers, which NumPy multiplies without BLAS.
    """
    g = geometry
    windows = window_view(pad_spatial(x, g.pads), g.kernel, g.stride, g.dilation)
    out_axes, kernel_axes = _LETTERS[: g.nd], _LETTERS[3 : 3 + g.nd]
    y = np.empty(g.y_shape, dtype=g.dtype)
    for group in range(g.groups):
        ins = slice(group * g.c_in_g, (group + 1) * g.c_in_g)
        outs = slice(group * g.c_out_g, (group + 1) * g.c_out_g)
        # windows (n, c_in_g, *out, *kernel) . weight (c_out_g, c_in_g, *kernel)
        #   -> (n, c_out_g, *out)
        y[:, outs] = np.einsum(
            f"nc{out_axes}{kernel_axes},oc{kernel_axes}->no{out_axes}",
            windows[:, ins],
            weight[outs],
            optimize=True,
        )
    return y


def einsum_counts(g: ConvGeometry) -> MethodCost:
    """One gathered copy of every window, then one product per group."""
    window = g.c_in_g * g.taps
    im2col = g.positions * window * g.groups
    return counted(
        blas=float(g.macs),
        efficiency=blas_or_not(gemm_efficiency(window, g.c_out_g), g),
        elements=2.0 * im2col + 2.0 * g.positions * g.c_out,
        calls=10.0 + 2 * g.groups,
        extra_bytes=float(im2col * g.dtype.itemsize),
    )


EINSUM = Method(
    name="einsum",
    run=correlate_einsum,
    counts=einsum_counts,
    auto=False,
    summary="a window view and one np.einsum: im2col in two lines, unbounded memory",
)
