"""Rearranging pixels: channels into space and back (sub-pixel convolution).

:func:`pixel_shuffle` turns each group of ``r * r`` channels into an ``r x r``
block of pixels, so that a convolution computing ``C r^2`` channels at low
resolution yields ``C`` channels at ``r`` times the resolution (ESPCN's
sub-pixel convolution); :func:`pixel_unshuffle` undoes it. Both are a reshape,
a transpose and a reshape: no arithmetic, any dtype.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._checks import as_array, check_int

__all__ = ["pixel_shuffle", "pixel_unshuffle"]


def _images(x: Any, func: str, shape_hint: str) -> np.ndarray:
    """An array of at least three dimensions, read as ``(*, C, H, W)``."""
    x = as_array(x, func, "x")
    if x.ndim < 3:
        raise ValueError(
            f"{func}: x must have at least 3 dimensions {shape_hint}, "
            f"got {x.ndim} dimensions with shape {x.shape}"
        )
    return x


def pixel_shuffle(x: Any, upscale_factor: int) -> np.ndarray:
    """Move channels into space, as ``torch.nn.functional.pixel_shuffle``.

    .. math::

        y[\\ldots, c, h r + i, w r + j] = x[\\ldots, c r^2 + i r + j, h, w]

    Parameters
    ----------
    x : array_like, shape (..., C * r^2, H, W)
        Channels first, with any number of leading (batch) axes; any dtype.
    upscale_factor : int
        The factor ``r`` by which height and width grow.

    Returns
    -------
    numpy.ndarray, shape (..., C, H * r, W * r)
        A new array of ``x``'s dtype; :func:`pixel_unshuffle` with the same
        factor gives ``x`` back.

    Notes
    -----
    One reshape to ``(*, C, r, r, H, W)``, a transpose to
    ``(*, C, H, r, W, r)`` and a reshape: one copy of ``x``, no arithmetic.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.arange(8).reshape(1, 4, 1, 2)        # four channels of 1x2
    >>> y = pixel_shuffle(x, 2)
    >>> y.shape
    (1, 1, 2, 4)
    >>> y[0, 0]                                     # channel 2i + j fills pixel (i, j)
    array([[0, 2, 1, 3],
           [4, 6, 5, 7]])
    >>> np.array_equal(pixel_unshuffle(y, 2), x)
    True
    """
    func = "pixel_shuffle"
    r = check_int(upscale_factor, func, "upscale_factor", minimum=1)
    x = _images(x, func, "(*, C * upscale_factor**2, H, W)")
    *lead, channels, h, w = x.shape
    if channels % (r * r):
        raise ValueError(
            f"{func}: x must have a number of channels (axis -3) divisible by "
            f"upscale_factor**2 = {r * r}, got {channels} channels in shape {x.shape}"
        )
    c = channels // (r * r)
    n = len(lead)
    y = x.reshape(*lead, c, r, r, h, w)  # (*, c, r, r, h, w)
    y = y.transpose(*range(n), n, n + 3, n + 1, n + 4, n + 2)  # (*, c, h, r, w, r)
    return _new(y.reshape(*lead, c, h * r, w * r), x)  # (*, c, h r, w r)


def pixel_unshuffle(x: Any, downscale_factor: int) -> np.ndarray:
    """Move space into channels, as ``torch.nn.functional.pixel_unshuffle``.

    The inverse of :func:`pixel_shuffle`:

    .. math::

        y[\\ldots, c r^2 + i r + j, h, w] = x[\\ldots, c, h r + i, w r + j]

    Parameters
    ----------
    x : array_like, shape (..., C, H * r, W * r)
        Channels first, with any number of leading (batch) axes; any dtype.
    downscale_factor : int
        The factor ``r`` by which height and width shrink; it must divide both.

    Returns
    -------
    numpy.ndarray, shape (..., C * r^2, H, W)
        A new array of ``x``'s dtype; :func:`pixel_shuffle` with the same
        factor gives ``x`` back.

    Notes
    -----
    One reshape to ``(*, C, H, r, W, r)``, a transpose to
    ``(*, C, r, r, H, W)`` and a reshape: one copy of ``x``, no arithmetic.
    An empty ``x`` gets the shape above too; PyTorch's CPU kernel (2.13)
    returns an empty input's own shape instead (pytorch/pytorch#192816).

    Examples
    --------
    >>> import numpy as np
    >>> x = np.arange(16).reshape(1, 1, 4, 4)
    >>> y = pixel_unshuffle(x, 2)
    >>> y.shape
    (1, 4, 2, 2)
    >>> y[0, 0]                                     # every other pixel, from (0, 0)
    array([[ 0,  2],
           [ 8, 10]])
    """
    func = "pixel_unshuffle"
    r = check_int(downscale_factor, func, "downscale_factor", minimum=1)
    x = _images(x, func, "(*, C, H * downscale_factor, W * downscale_factor)")
    *lead, c, height, width = x.shape
    if height % r or width % r:
        raise ValueError(
            f"{func}: x must have a height and width (axes -2 and -1) divisible by "
            f"downscale_factor={r}, got {height}x{width} in shape {x.shape}"
        )
    h, w = height // r, width // r
    n = len(lead)
    y = x.reshape(*lead, c, h, r, w, r)  # (*, c, h, r, w, r)
    y = y.transpose(*range(n), n, n + 2, n + 4, n + 1, n + 3)  # (*, c, r, r, h, w)
    return _new(y.reshape(*lead, c * r * r, h, w), x)  # (*, c r^2, h, w)


def _new(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``y`` as a new contiguous array (a factor of 1 would give a view of ``x``)."""
    if np.may_share_memory(y, x):
        return y.copy()
    return np.ascontiguousarray(y)
