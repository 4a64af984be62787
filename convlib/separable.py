"""Depthwise-separable convolution: a per-channel spatial filter, then a 1x1 mix."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._checks import as_numeric_array, int_tuple
from .arithmetic import _output_length
from .conv import conv2d
from .layouts import data_format_for
from .padding import normalize_padding

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
    """Depthwise-separable convolution, as ``tf.nn.separable_conv2d`` (MobileNet's block).

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
    ``C m C_out`` (pointwise), against ``C kh kw C_out`` for a dense
    convolution with the same receptive field: a ratio of about
    ``m (1 / C_out + 1 / (kh kw))``. See :func:`~convlib.conv_cost`.

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
    """
    func = "separable_conv2d"
    # Every check happens here, so that errors name separable_conv2d and its parameters
    # rather than the conv2d calls below.
    data_format = data_format_for(data_format, 2, func)
    x_arr = as_numeric_array(x, func, "x", ndim=4, shape_hint="(N, C, H, W) or (N, H, W, C)")
    depthwise = as_numeric_array(
        depthwise, func, "depthwise", ndim=4, shape_hint="(C*m, 1, kh, kw)"
    )
    pointwise = as_numeric_array(
        pointwise, func, "pointwise", ndim=4, shape_hint="(C_out, C*m, 1, 1)"
    )
    strides = int_tuple(stride, 2, func, "stride", minimum=1)
    dilations = int_tuple(dilation, 2, func, "dilation", minimum=1)
    channels = x_arr.shape[1] if data_format == "NCHW" else x_arr.shape[3]
    spatial = x_arr.shape[2:] if data_format == "NCHW" else x_arr.shape[1:3]
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
    if bias is not None:
        bias = as_numeric_array(bias, func, "bias", ndim=1, shape_hint="(C_out,)")
        if bias.shape[0] != pointwise.shape[0]:
            raise ValueError(
                f"{func}: bias must have one value per output channel "
                f"(C_out={pointwise.shape[0]}), got shape {bias.shape}"
            )
    kernel = depthwise.shape[2:]
    pads = normalize_padding(padding, spatial, kernel, strides, dilations, func=func)
    for i, k, s, p, d, name in zip(spatial, kernel, strides, pads, dilations, ("H", "W")):
        _output_length(i, k, s, p, d, False, func, axis_name=name)
    hidden = conv2d(
        x_arr,
        depthwise,
        stride=strides,
        padding=pads,
        dilation=dilations,
        groups=channels,
        data_format=data_format,
        kernel_format="OIHW",
    )
    return conv2d(hidden, pointwise, bias, data_format=data_format, kernel_format="OIHW")
