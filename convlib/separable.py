"""Depthwise-separable convolution: a per-channel spatial filter, then a 1x1 mix."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._checks import as_numeric_array, check_bias, check_fits, result_dtype
from .conv import finish
from .geometry import ConvGeometry, conv_geometry
from .layouts import data_format_for
from .methods.dispatch import correlate

__all__ = ["separable_conv2d"]


def separable_conv2d(
    x: Any,
    depthwise: Any,
    pointwise: Any,
    bias: Any = None,
    *,
    stride: Any = 1,
    padding: Any = 0,
    dilation: Any = 1,
    data_format: str = "NCHW",
) -> np.ndarray:
    """Depthwise-separable convolution, as ``tf.nn.separable_conv2d`` (MobileNet's two convs).

    A depthwise convolution (``groups = C``: each input channel filtered by its
    own ``m`` kernels, no mixing between channels) followed by a pointwise
    (1x1) convolution that mixes the ``C * m`` channels into ``C_out``.

    Parameters
    ----------
    x : array_like, shape (N, C, H, W) or (N, H, W, C)
        Input batch, laid out as ``data_format`` says.
    depthwise : array_like, shape (C * m, 1, kh, kw)
        Depthwise kernel in OIHW (PyTorch's ``groups=C`` weight). Output channel
        ``c * m + j`` is input channel ``c`` filtered by its ``j``-th kernel.
        TensorFlow's ``(kh, kw, C, m)`` filter converts with
        ``convert_layout(f, "HWIO", "IOHW").reshape(C * m, 1, kh, kw)``.
    pointwise : array_like, shape (C_out, C * m, 1, 1)
        Pointwise kernel in OIHW.
    bias : array_like, shape (C_out,), optional
        Added after the pointwise step.
    stride, padding, dilation
        Of the depthwise step, as in :func:`~convlib.conv2d`.
    data_format : {"NCHW", "NHWC"}, optional
        Layout of ``x`` and of the result; the kernels are always OIHW.

    Returns
    -------
    numpy.ndarray, shape (N, C_out, H_out, W_out) or (N, H_out, W_out, C_out)

    Notes
    -----
    Multiply-adds per output position: ``C m kh kw`` (depthwise) plus
    ``C m C_out`` (pointwise), against ``C kh kw C_out`` for the dense
    convolution with the same kernel size, stride, padding and dilation,
    which has as many output positions: a ratio of exactly
    ``m (1 / C_out + 1 / (kh kw))``, the same for the parameters (without
    biases). See :func:`~convlib.conv_cost`.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.ones((1, 3, 5, 5))
    >>> dw = np.ones((3, 1, 3, 3))                     # m = 1: one 3x3 kernel per channel
    >>> pw = np.ones((4, 3, 1, 1))                     # mix 3 channels into 4
    >>> y = separable_conv2d(x, dw, pw, padding="same")
    >>> y.shape
    (1, 4, 5, 5)
    >>> y[0, 0]
    array([[12., 18., 18., 18., 12.],
           [18., 27., 27., 27., 18.],
           [18., 27., 27., 27., 18.],
           [18., 27., 27., 27., 18.],
           [12., 18., 18., 18., 12.]])

    The cost against the dense 3x3 convolution, 3 -> 4 channels:

    >>> from fractions import Fraction
    >>> from convlib import conv_cost
    >>> dense = conv_cost(5, 3, 4, 3, padding=1, bias=False)
    >>> depth = conv_cost(5, 3, 3, 3, padding=1, groups=3, bias=False)
    >>> point = conv_cost(5, 3, 4, 1, bias=False)
    >>> Fraction(depth.macs + point.macs, dense.macs) == Fraction(1, 4) + Fraction(1, 9)
    True
    >>> Fraction(depth.params + point.params, dense.params) == Fraction(1, 4) + Fraction(1, 9)
    True
    """
    func = "separable_conv2d"
    # The checks that name separable_conv2d's own parameters come first; the depthwise
    # step's geometry is then that of a groups=C convolution whose weight is depthwise.
    data_format = data_format_for(data_format, 2, func)
    x_arr = as_numeric_array(
        x, func, "x", ndim=4, shape_hint="(N, C, H, W) or (N, H, W, C)", batch_axis=0
    )
    depthwise = as_numeric_array(
        depthwise, func, "depthwise", ndim=4, shape_hint="(C*m, 1, kh, kw)"
    )
    pointwise = as_numeric_array(
        pointwise, func, "pointwise", ndim=4, shape_hint="(C_out, C*m, 1, 1)"
    )
    channels = x_arr.shape[data_format.index("C")]
    if depthwise.shape[1] != 1 or depthwise.shape[0] % channels:
        raise ValueError(
            f"{func}: depthwise must have shape (C*m, 1, kh, kw) with C={channels} input "
            f"channels, got {depthwise.shape}"
        )
    if pointwise.shape[1:] != (depthwise.shape[0], 1, 1):
        raise ValueError(
            f"{func}: pointwise must have shape (C_out, C*m={depthwise.shape[0]}, 1, 1), "
            f"got {pointwise.shape}"
        )
    bias = check_bias(bias, pointwise.shape[0], func)
    x_cf, dw, _, spatial = conv_geometry(
        func, 2, x_arr, depthwise, None, stride, padding, dilation, channels, data_format,
        "OIHW",
    )  # fmt: skip

    # 1. depthwise: channels-first, in the depthwise step's dtype (as conv2d would return it)
    hidden = correlate(
        x_cf.astype(spatial.dtype, copy=False), dw.astype(spatial.dtype, copy=False), spatial
    )
    hidden = hidden.astype(result_dtype(func, x_cf, dw)[1], copy=False)
    # 2. pointwise: a 1x1 convolution of the hidden channels, still channels first
    compute, returned = result_dtype(func, hidden, pointwise, bias=bias)
    mixing = ConvGeometry(
        n=spatial.n, c_in=spatial.c_out, c_out=pointwise.shape[0], groups=1,
        spatial=spatial.out, kernel=(1, 1), stride=(1, 1), dilation=(1, 1),
        pads=((0, 0), (0, 0)), dtype=compute, data_format=data_format,
    )  # fmt: skip
    check_fits(func, [("the output", mixing.y_shape, compute)], "pointwise's C_out")
    y = correlate(hidden.astype(compute, copy=False), pointwise.astype(compute, copy=False), mixing)
    return finish(y, bias, mixing, returned)
