"""Convolution as a matrix: one image's 2-D cross-correlation written out as ``M @ x``.

A convolution layer is linear in its input, so for one image it is a matrix:
each row holds one output position's window, the kernel's taps placed in the
columns of the pixels they read. The transpose of that matrix carries the
output's gradient back to the input, which is why the layer that undoes a
convolution's shapes is called a transposed convolution.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ._checks import as_numeric_array, check_fits, check_int, int_tuple, result_dtype
from .arithmetic import check_window_fits, output_length
from .padding import normalize_padding

__all__ = ["conv_matrix"]


def _input_shape(value: Any, func: str) -> tuple[int, int, int]:
    """``(C_in, H, W)``: a sequence of three positive integers."""
    if not isinstance(value, (Sequence, np.ndarray)) or isinstance(value, str):
        raise TypeError(
            f"{func}: input_shape must be a sequence of 3 integers (C_in, H, W), got {value!r}"
        )
    items = tuple(value)
    if len(items) != 3:
        raise ValueError(
            f"{func}: input_shape must be (C_in, H, W), one image's shape, "
            f"got {len(items)} values {items!r}"
        )
    c_in, h, w = (check_int(v, func, "input_shape", minimum=1) for v in items)
    return c_in, h, w


def _reads(
    size: int, kernel: int, stride: int, dilation: int, before: int, out: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Along one axis: (output index, tap, input index) of every tap that lands on the input.

    Output ``o``'s tap ``t`` reads the padded input at ``o * stride + t * dilation``,
    the input at that minus ``before``; taps in the padding read zeros and are left out.
    """
    position = np.arange(out)[:, None] * stride + np.arange(kernel) * dilation - before
    inside = (position >= 0) & (position < size)  # (out, kernel)
    outs, taps = np.nonzero(inside)
    return outs, taps, position[inside]


def conv_matrix(
    weight: Any,
    input_shape: Any,
    *,
    stride: Any = 1,
    padding: Any = 0,
    dilation: Any = 1,
) -> np.ndarray:
    """The dense matrix ``M`` of one image's 2-D cross-correlation: ``y = M @ x``.

    ``M @ x.ravel()`` equals ``conv2d(x[None], weight, stride=stride,
    padding=padding, dilation=dilation).ravel()`` for an image ``x`` of shape
    ``input_shape``, and ``M.T @ g.ravel()`` is the gradient of a loss with
    respect to ``x``, given its gradient ``g`` with respect to the output (the
    input gradient of :func:`~convlib.conv2d_backward`, and a transposed
    convolution of ``g``).

    Parameters
    ----------
    weight : array_like, shape (C_out, C_in, kh, kw) in OIHW
        Kernel, PyTorch's layout; one group (``groups=1``).
    input_shape : sequence of int, (C_in, H, W)
        Shape of the one image the matrix applies to, channels first.
    stride : int or tuple of int, optional
        Step between windows, one per spatial axis or one for both.
    padding : int, tuple or {"valid", "same", "full"}, optional
        As :func:`~convlib.conv2d` accepts it (see
        :func:`~convlib.padding.normalize_padding`). Padded positions hold
        zeros, so they need no column: ``M`` reads the unpadded image.
    dilation : int or tuple of int, optional
        Spacing between kernel taps; 1 means no gaps.

    Returns
    -------
    numpy.ndarray, shape (C_out * H_out * W_out, C_in * H * W)
        Rows in the order of ``y.ravel()`` for ``y`` of shape
        ``(C_out, H_out, W_out)``, columns in the order of ``x.ravel()``; each
        output size is ``floor((in + p_b + p_a - d (k - 1) - 1) / s) + 1``, as
        for :func:`~convlib.conv2d`. With padding ``p_t`` on top and ``p_l`` on
        the left,

        .. math::

            M[(c_o, i, j),\\, (c, h, v)] = w[c_o, c, p, q]
            \\quad\\text{where}\\quad h = i s_h + p d_h - p_t,\\;
            v = j s_w + q d_w - p_l

        and 0 elsewhere. The dtype is the one ``conv2d`` returns for ``weight``:
        float32 stays float32, float64 float64, float16 float16; integers give
        int64.

    Raises
    ------
    ConvMemoryError
        If the matrix would not fit in memory (see :class:`~convlib.ConvMemoryError`).

    Notes
    -----
    The matrix has ``C_out H_out W_out C_in H W`` entries, of which at most
    ``C_out H_out W_out C_in kh kw``, one per multiply-add of the convolution,
    are not zero: it is a teaching and testing tool, quadratic in the image
    size, not a way to compute convolutions. It is built without a loop: the
    taps that land inside the image are found per axis, then written into the
    zeros in one indexed assignment.

    Examples
    --------
    >>> import numpy as np
    >>> from convlib import conv2d
    >>> weight = np.array([[[[1.0, 2.0], [3.0, 4.0]]]])       # (1, 1, 2, 2)
    >>> m = conv_matrix(weight, (1, 3, 3))
    >>> m.shape
    (4, 9)
    >>> m
    array([[1., 2., 0., 3., 4., 0., 0., 0., 0.],
           [0., 1., 2., 0., 3., 4., 0., 0., 0.],
           [0., 0., 0., 1., 2., 0., 3., 4., 0.],
           [0., 0., 0., 0., 1., 2., 0., 3., 4.]])
    >>> x = np.arange(9.0).reshape(1, 1, 3, 3)
    >>> np.array_equal(m @ x.ravel(), conv2d(x, weight).ravel())
    True

    Its transpose spreads the output's gradient back over the input: with
    ``g`` all ones (the loss ``sum(y)``), each pixel gets the sum of the taps
    that read it.

    >>> (m.T @ np.ones(4)).reshape(3, 3)
    array([[ 1.,  3.,  2.],
           [ 4., 10.,  6.],
           [ 3.,  7.,  4.]])

    Padding adds rows, not columns:

    >>> conv_matrix(weight, (1, 3, 3), padding=1).shape
    (16, 9)
    """
    func = "conv_matrix"
    weight = as_numeric_array(
        weight, func, "weight", ndim=4, shape_hint="(C_out, C_in, kh, kw) in OIHW"
    )
    c_in, h_in, w_in = _input_shape(input_shape, func)
    c_out, c_in_w, kh, kw = weight.shape
    if c_in_w != c_in:
        raise ValueError(
            f"{func}: weight reads {c_in_w} input channels (its 'I' axis, shape {weight.shape}), "
            f"but input_shape={(c_in, h_in, w_in)} has C_in={c_in}"
        )
    stride = int_tuple(stride, 2, func, "stride", minimum=1)
    dilation = int_tuple(dilation, 2, func, "dilation", minimum=1)
    spatial, kernel = (h_in, w_in), (kh, kw)
    pads = normalize_padding(padding, spatial, kernel, stride, dilation, func=func)
    for i, k, p, d, name in zip(spatial, kernel, pads, dilation, "HW"):
        check_window_fits(i, k, p, d, func, axis_name=name)
    h_out, w_out = (
        output_length(i, k, s, p, d)
        for i, k, s, p, d in zip(spatial, kernel, stride, pads, dilation)
    )
    dtype = result_dtype(func, weight)[1]
    rows, cols = c_out * h_out * w_out, c_in * h_in * w_in
    # The kernel values gathered for the one assignment: at most one per window and pixel.
    placed = (h_out * min(kh, h_in), w_out * min(kw, w_in), c_out, c_in)
    check_fits(
        func,
        [("the matrix", (rows, cols), dtype), ("the kernel values placed in it", placed, dtype)],
        f"input_shape={(c_in, h_in, w_in)} with weight of shape {weight.shape}",
    )
    i_out, p_tap, h_read = _reads(h_in, kh, stride[0], dilation[0], pads[0][0], h_out)
    j_out, q_tap, w_read = _reads(w_in, kw, stride[1], dilation[1], pads[1][0], w_out)
    matrix = np.zeros((c_out, h_out, w_out, c_in, h_in, w_in), dtype=dtype)
    # Spatial axes first, in a view of the same memory: (h_out, w_out, h_in, w_in, c_out, c_in).
    spatial_first = matrix.transpose(1, 2, 4, 5, 0, 3)
    taps = weight.astype(dtype, copy=False).transpose(2, 3, 0, 1)  # (kh, kw, c_out, c_in)
    # Each (output row, input row) pair has one tap (likewise for columns): no sums needed.
    spatial_first[i_out[:, None], j_out, h_read[:, None], w_read] = taps[p_tap[:, None], q_tap]
    return matrix.reshape(rows, cols)  # (c_out * h_out * w_out, c_in * h_in * w_in)
