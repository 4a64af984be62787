"""The sliding-window view that convolution and pooling share."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ._checks import as_array, check_int, int_tuple
from .arithmetic import check_window_fits, output_length

__all__ = ["sliding_windows"]


def sliding_windows(x: Any, kernel_shape: Any, stride: Any = 1, dilation: Any = 1) -> np.ndarray:
    """A read-only view of every (strided, dilated) window of the trailing axes.

    Parameters
    ----------
    x : array_like, shape ``(..., *spatial)``
        Array whose last ``len(kernel_shape)`` axes are the (already padded)
        spatial axes.
    kernel_shape : int or sequence of int
        Window size, one entry per spatial axis (an int: one axis).
    stride, dilation : int or sequence of int, optional
        One entry per spatial axis, or one for all; 1 (the default) means
        adjacent windows and no gaps.

    Returns
    -------
    numpy.ndarray, shape ``(..., *out, *kernel_shape)``
        ``windows[..., o_0, o_1, k_0, k_1] == x[..., o_0*s_0 + k_0*d_0, o_1*s_1 + k_1*d_1]``
        with ``out_j = (spatial_j - d_j (kernel_j - 1) - 1) // s_j + 1``.

    Notes
    -----
    No data is copied: the view reuses ``x``'s memory with new strides, so it
    costs O(1) memory whatever the kernel size. Operations on it (a product and
    a sum, a max) may copy.

    Examples
    --------
    >>> x = np.arange(16).reshape(4, 4)
    >>> w = sliding_windows(x, (2, 2), (1, 1), (1, 1))
    >>> w.shape
    (3, 3, 2, 2)
    >>> w[0, 1]
    array([[1, 2],
           [5, 6]])
    >>> sliding_windows(x, (2, 2), (2, 2), (1, 1))[1, 1]
    array([[10, 11],
           [14, 15]])
    """
    func = "sliding_windows"
    x = as_array(x, func, "x")
    if isinstance(kernel_shape, (Sequence, np.ndarray)) and not isinstance(kernel_shape, str):
        kernel = tuple(check_int(k, func, "kernel_shape", minimum=1) for k in kernel_shape)
    else:
        kernel = (check_int(kernel_shape, func, "kernel_shape", minimum=1),)
    nd = len(kernel)
    if nd == 0 or nd > x.ndim:
        raise ValueError(
            f"{func}: kernel_shape must have between 1 and x.ndim={x.ndim} entries (one per "
            f"window axis), got {len(kernel)} entries {kernel!r}"
        )
    stride = int_tuple(stride, nd, func, "stride", minimum=1)
    dilation = int_tuple(dilation, nd, func, "dilation", minimum=1)
    for axis, (size, k, d) in enumerate(zip(x.shape[x.ndim - nd :], kernel, dilation)):
        check_window_fits(size, k, (0, 0), d, func, axis_name=f"axis {x.ndim - nd + axis}")
    return window_view(x, kernel, stride, dilation)


def window_view(
    x: np.ndarray,
    kernel_shape: Sequence[int],
    stride: Sequence[int],
    dilation: Sequence[int],
) -> np.ndarray:
    """:func:`sliding_windows` for arguments already checked: the view itself."""
    nd = len(kernel_shape)
    lead = x.shape[: x.ndim - nd]
    spatial = x.shape[x.ndim - nd :]
    out = tuple(
        output_length(size, k, s, (0, 0), d)
        for size, k, s, d in zip(spatial, kernel_shape, stride, dilation)
    )
    lead_strides = x.strides[: x.ndim - nd]
    spatial_strides = x.strides[x.ndim - nd :]
    strides = (
        lead_strides
        + tuple(st * s for st, s in zip(spatial_strides, stride))
        + tuple(st * d for st, d in zip(spatial_strides, dilation))
    )
    return as_strided(x, lead + out + tuple(kernel_shape), strides, writeable=False)
