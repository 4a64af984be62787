"""The reference: one explicit loop iteration per output value.

This is the formula written as code, for reading next to it:

.. math::

    y[n, c_o, i, j] = \\sum_{c, p, q} x[n, g\\,C_g + c,\\; i s_h + p d_h,\\; j s_w + q d_w]\\;
    w[c_o, c, p, q]

where ``g = c_o // (C_out / groups)`` is the group of output channel ``c_o``
and ``C_g = C_in / groups`` the number of input channels each group reads.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["correlate_loop"]


def correlate_loop(
    x: np.ndarray,
    weight: np.ndarray,
    stride: Sequence[int],
    dilation: Sequence[int],
    groups: int,
) -> np.ndarray:
    """Cross-correlate an already padded input with explicit loops.

    Parameters
    ----------
    x : numpy.ndarray, shape ``(n, c_in, *spatial)``
        Padded input, channels first.
    weight : numpy.ndarray, shape ``(c_out, c_in // groups, *kernel)``
        Kernel, OIHW order (OIL, OIDHW for 1-D, 3-D).
    stride, dilation : sequence of int
        One entry per spatial axis.
    groups : int
        Number of channel groups.

    Returns
    -------
    numpy.ndarray, shape ``(n, c_out, *out)``
        ``out_j = (spatial_j - dilation_j * (kernel_j - 1) - 1) // stride_j + 1``.

    Notes
    -----
    One Python iteration per output value, each a product of a window with the
    whole kernel: ``n * c_out * prod(out)`` iterations, about
    ``c_in / groups * prod(kernel)`` multiply-adds each. Slow by design.
    """
    n = x.shape[0]
    c_out, c_in_per_group = weight.shape[:2]
    kernel = weight.shape[2:]
    c_out_per_group = c_out // groups
    out_shape = tuple(
        (size - d * (k - 1) - 1) // s + 1
        for size, k, s, d in zip(x.shape[2:], kernel, stride, dilation)
    )
    y = np.zeros((n, c_out) + out_shape, dtype=np.result_type(x, weight))
    for b in range(n):
        for co in range(c_out):
            g = co // c_out_per_group
            channels = slice(g * c_in_per_group, (g + 1) * c_in_per_group)
            for position in np.ndindex(*out_shape):
                # The window read by output `position`: start at i*s, step by d.
                window = tuple(
                    slice(i * s, i * s + d * (k - 1) + 1, d)
                    for i, s, d, k in zip(position, stride, dilation, kernel)
                )
                y[(b, co) + position] = np.sum(x[(b, channels) + window] * weight[co])
    return y
