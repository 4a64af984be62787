"""The sliding-window view that convolution and pooling share."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.lib.stride_tricks import as_strided

__all__ = ["sliding_windows"]


def sliding_windows(
    x: np.ndarray,
    kernel_shape: Sequence[int],
    stride: Sequence[int],
    dilation: Sequence[int],
) -> np.ndarray:
    """A read-only view of every (strided, dilated) window of the trailing axes.

    Parameters
    ----------
    x : numpy.ndarray, shape ``(..., *spatial)``
        Array whose last ``len(kernel_shape)`` axes are the (already padded)
        spatial axes.
    kernel_shape, stride, dilation : sequence of int
        One entry per spatial axis.

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
    nd = len(kernel_shape)
    lead = x.shape[: x.ndim - nd]
    spatial = x.shape[x.ndim - nd :]
    out = tuple(
        (size - d * (k - 1) - 1) // s + 1
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
