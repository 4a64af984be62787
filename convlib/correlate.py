"""Single-image correlation and convolution with the contract of ``scipy.signal``."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._checks import as_numeric_array, check_choice, check_fits
from .arithmetic import output_length
from .geometry import ConvGeometry
from .methods.dispatch import correlate

__all__ = ["convolve2d", "correlate2d"]

MODES = ("full", "valid", "same")
BOUNDARIES = ("fill", "wrap", "symm")
_NP_PAD_MODES = {"wrap": "wrap", "symm": "symmetric"}


def _correlate2d(
    func: str, in1: Any, in2: Any, mode: Any, boundary: Any, fillvalue: Any, flip: bool
) -> np.ndarray:
    in1 = as_numeric_array(in1, func, "in1", ndim=2, allow_complex=True)
    in2 = as_numeric_array(in2, func, "in2", ndim=2, allow_complex=True)
    mode = check_choice(mode, MODES, func, "mode")
    boundary = check_choice(boundary, BOUNDARIES, func, "boundary")
    if np.ndim(fillvalue) != 0:
        raise ValueError(f"{func}: fillvalue must be a single number, got {fillvalue!r}")
    if not isinstance(np.asarray(fillvalue).item(), (int, float, complex)):
        raise TypeError(f"{func}: fillvalue must be a number, got {fillvalue!r}")

    swapped = False
    if mode == "valid":
        bigger1 = all(a >= b for a, b in zip(in1.shape, in2.shape))
        bigger2 = all(b >= a for a, b in zip(in1.shape, in2.shape))
        if not (bigger1 or bigger2):
            raise ValueError(
                f"{func}: in 'valid' mode one input must be at least as large as the other "
                f"in every dimension, got shapes {in1.shape} and {in2.shape}"
            )
        swapped = not bigger1
        if swapped:
            in1, in2 = in2, in1

    dtype = np.result_type(in1, in2)
    if dtype.kind in "iu":
        dtype = np.dtype(np.int64)
    # A Python number is "weak" (NEP 50): fillvalue=0 keeps float32 float32, 0.5 makes ints float.
    dtype = returned = np.result_type(dtype, fillvalue)
    if dtype == np.float16:
        dtype = np.dtype(np.float32)  # accumulate float16 in float32, return float16
    kernel = in2[::-1, ::-1] if flip else np.conj(in2)
    pads = []
    for k in in2.shape:
        if mode == "full":
            pads.append((k - 1, k - 1))
        elif mode == "valid":
            pads.append((0, 0))
        else:  # "same": centred on in1; the odd element falls differently with the flip
            before = k // 2 if flip else (k - 1) // 2
            pads.append((before, k - 1 - before))
    padded = tuple(size + before + after for size, (before, after) in zip(in1.shape, pads))
    result = tuple(output_length(i, k, 1, p, 1) for i, k, p in zip(in1.shape, in2.shape, pads))
    check_fits(
        func,
        [("the padded in1", padded, dtype), ("the result", result, dtype)],
        f"mode={mode!r} with in1 of shape {in1.shape} and in2 of shape {in2.shape}",
    )
    image = in1.astype(dtype, copy=False)
    if boundary == "fill":
        image = np.pad(image, pads, mode="constant", constant_values=fillvalue)
    else:
        image = np.pad(image, pads, mode=_NP_PAD_MODES[boundary])  # type: ignore[call-overload]
    image, kernel = image[None, None], kernel.astype(dtype)[None, None]
    out = correlate(image, kernel, ConvGeometry.of_arrays(image, kernel))[0, 0]
    if swapped and not flip:
        out = out[::-1, ::-1]
    return np.ascontiguousarray(out.astype(returned, copy=False))


def correlate2d(
    in1: Any, in2: Any, mode: str = "full", boundary: str = "fill", fillvalue: Any = 0
) -> np.ndarray:
    """Cross-correlate two 2-D arrays, as ``scipy.signal.correlate2d``.

    .. math::

        z[i, j] = \\sum_{p, q} \\tilde x[i + p - o_h,\\, j + q - o_w]\\; \\overline{k[p, q]}

    where ``x = in1``, ``k = in2`` (conjugated if complex), ``x~`` is ``in1``
    extended beyond its borders as ``boundary`` says, and the offsets
    ``o`` depend on ``mode``. The kernel is *not* flipped: this is what
    deep-learning layers compute (see :func:`~convlib.conv2d`).

    Parameters
    ----------
    in1 : array_like, shape (M, N)
        The image.
    in2 : array_like, shape (K, L)
        The kernel.
    mode : {"full", "valid", "same"}, optional
        ``"full"``: every overlap, shape ``(M + K - 1, N + L - 1)``;
        ``"valid"``: only full overlaps, ``(M - K + 1, N - L + 1)`` (the inputs
        are swapped, and the result reversed, if ``in2`` is the larger);
        ``"same"``: the centre of ``"full"``, shape ``(M, N)``.
    boundary : {"fill", "wrap", "symm"}, optional
        How ``in1`` continues past its edges: the constant ``fillvalue``,
        periodically, or mirrored (the edge value repeated).
    fillvalue : scalar, optional
        The constant for ``boundary="fill"``.

    Returns
    -------
    numpy.ndarray
        Shape as ``mode`` says. Integer inputs give exact int64 (``scipy``
        keeps the input's integer type and can overflow); floats keep their
        precision.

    Examples
    --------
    >>> import numpy as np
    >>> image = np.arange(1, 17).reshape(4, 4)
    >>> kernel = np.array([[1, 1], [-1, -1]])
    >>> correlate2d(image, kernel, mode="valid")
    array([[-8, -8, -8],
           [-8, -8, -8],
           [-8, -8, -8]])
    >>> correlate2d(image, kernel, mode="same").shape
    (4, 4)
    """
    return _correlate2d("correlate2d", in1, in2, mode, boundary, fillvalue, flip=False)


def convolve2d(
    in1: Any, in2: Any, mode: str = "full", boundary: str = "fill", fillvalue: Any = 0
) -> np.ndarray:
    """Convolve two 2-D arrays, as ``scipy.signal.convolve2d``: the kernel is flipped.

    .. math::

        z[i, j] = \\sum_{p, q} \\tilde x[i - p + o_h,\\, j - q + o_w]\\; k[p, q]

    the same as :func:`correlate2d` with ``in2[::-1, ::-1]``. Convolution is
    commutative; correlation is not.

    Parameters
    ----------
    in1, in2, mode, boundary, fillvalue
        The image, the kernel and the options, as in :func:`correlate2d`
        (``mode="same"`` is centred as SciPy centres a convolution).

    Returns
    -------
    numpy.ndarray
        Shape as ``mode`` says; int64 for integer inputs.

    Examples
    --------
    True convolution of the 4x4 example flips the kernel, and the sign:

    >>> import numpy as np
    >>> image = np.arange(1, 17).reshape(4, 4)
    >>> kernel = np.array([[1, 1], [-1, -1]])
    >>> convolve2d(image, kernel, mode="valid")
    array([[8, 8, 8],
           [8, 8, 8],
           [8, 8, 8]])
    """
    return _correlate2d("convolve2d", in1, in2, mode, boundary, fillvalue, flip=True)
