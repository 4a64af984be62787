"""The reference: one explicit loop iteration per output value.

This is the formula written as code, for reading next to it:

.. math::

    y[n, c_o, i, j] = \\sum_{c, p, q} x[n, g\\,C_g + c,\\; i s_h + p d_h,\\; j s_w + q d_w]\\;
    w[c_o, c, p, q]

where ``g = c_o // (C_out / groups)`` is the group of output channel ``c_o``
and ``C_g = C_in / groups`` the number of input channels each group reads.
"""

from __future__ import annotations

import numpy as np

from ..geometry import ConvGeometry
from ..padding import pad_spatial
from .base import Method, MethodCost, counted

__all__ = ["LOOP", "correlate_loop"]


def correlate_loop(x: np.ndarray, weight: np.ndarray, geometry: ConvGeometry) -> np.ndarray:
    """Cross-correlate with explicit loops, one iteration per output value.

    Parameters
    ----------
    x, weight, geometry
        The unpadded input, the kernel and the call's geometry, as every method
        takes them (:class:`~convlib.methods.Method`); returns ``(n, c_out, *out)``.

    Notes
    -----
    One Python iteration per output value, each a product of a window with the
    whole kernel: ``n * c_out * prod(out)`` iterations, about
    ``c_in / groups * prod(kernel)`` multiply-adds each. Slow by design.
    """
    g = geometry
    x = pad_spatial(x, g.pads)
    y = np.zeros(g.y_shape, dtype=g.dtype)
    for b in range(g.n):
        for co in range(g.c_out):
            group = co // g.c_out_g
            channels = slice(group * g.c_in_g, (group + 1) * g.c_in_g)
            for position in np.ndindex(*g.out):
                # The window read by output `position`: start at i*s, step by d.
                window = tuple(
                    slice(i * s, i * s + span, d)
                    for i, s, d, span in zip(position, g.stride, g.dilation, g.spans)
                )
                y[(b, co) + position] = np.sum(x[(b, channels) + window] * weight[co])
    return y


def loop_counts(g: ConvGeometry) -> MethodCost:
    """One Python iteration (several NumPy calls) per output value."""
    return counted(elements=2.0 * g.macs, calls=4.0 * g.positions * g.c_out)


LOOP = Method(
    name="loop",
    run=correlate_loop,
    counts=loop_counts,
    auto=False,
    summary="the reference: one loop iteration per output value, the formula as code",
)
