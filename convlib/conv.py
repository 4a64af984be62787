"""Convolution layers as frameworks compute them: cross-correlation.

The public functions translate layouts and padding at the edge, then call one
algorithm from :mod:`convlib.methods` on channels-first arrays.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ._checks import as_numeric_array, check_choice, check_int, int_tuple, result_dtype
from .arithmetic import _output_length
from .layouts import convert_layout, data_format_for, kernel_format_for
from .methods import ALL_METHODS
from .methods.choose import _choose, method_supports
from .padding import normalize_padding, pad_spatial, padded_shape

__all__ = ["conv1d", "conv2d", "conv3d"]

METHOD_NAMES = ("auto", *ALL_METHODS)
_SPATIAL_NAMES = {1: ("L",), 2: ("H", "W"), 3: ("D", "H", "W")}


def _choose_method(
    x_shape: tuple[int, ...],
    w_shape: tuple[int, ...],
    stride: Sequence[int],
    dilation: Sequence[int],
    groups: int,
    dtype: np.dtype,
) -> str:
    """The algorithm ``method="auto"`` runs on a padded input: the cheapest in the cost model.

    See :func:`convlib.choose_conv_method`, which exposes the model's counts.
    """
    return _choose(x_shape, w_shape, tuple(stride), tuple(dilation), groups, dtype)[0]


def correlate(
    x: np.ndarray,
    weight: np.ndarray,
    stride: Sequence[int],
    pads: Sequence[tuple[int, int]],
    dilation: Sequence[int],
    groups: int,
    method: str = "auto",
) -> np.ndarray:
    """Pad and cross-correlate channels-first arrays whose arguments are already checked.

    ``x`` is ``(n, c_in, *spatial)``, ``weight`` ``(c_out, c_in // groups, *kernel)``
    and ``pads`` one ``(before, after)`` pair per spatial axis. The dtypes must
    already be the ones to compute in.
    """
    stride, dilation = tuple(stride), tuple(dilation)
    if method == "auto":
        padded = padded_shape(x.shape, pads)
        dtype = np.result_type(x, weight)
        method = _choose_method(padded, weight.shape, stride, dilation, groups, dtype)
    if method == "fft":  # zero-pads straight into its transform buffer: one copy less
        return ALL_METHODS[method](x, weight, stride, dilation, groups, pads=pads)
    x = pad_spatial(x, pads)
    return ALL_METHODS[method](x, weight, stride, dilation, groups)


def check_conv_args(
    func: str,
    nd: int,
    x: Any,
    weight: Any,
    bias: Any,
    stride: Any,
    padding: Any,
    dilation: Any,
    groups: Any,
    data_format: Any,
    kernel_format: Any,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, dict[str, Any]]:
    """Check a convolution call; return channels-first x, OI... weight, bias and settings."""
    first, last = {1: ("NCL", "NLC"), 2: ("NCHW", "NHWC"), 3: ("NCDHW", "NDHWC")}[nd]
    data_format = data_format_for(data_format, nd, func)
    kernel_format = kernel_format_for(kernel_format, data_format, nd, func)
    x = as_numeric_array(
        x, func, "x", ndim=nd + 2, shape_hint=f"({', '.join(data_format)}) for {data_format!r}"
    )
    weight = as_numeric_array(
        weight, func, "weight", ndim=nd + 2, shape_hint=f"({', '.join(kernel_format)})"
    )
    stride = int_tuple(stride, nd, func, "stride", minimum=1)
    dilation = int_tuple(dilation, nd, func, "dilation", minimum=1)
    groups = check_int(groups, func, "groups", minimum=1)

    x = convert_layout(x, data_format, first)
    weight = convert_layout(weight, kernel_format, first.replace("N", "O").replace("C", "I"))
    c_in = x.shape[1]
    c_out, c_in_per_group = weight.shape[:2]
    if c_in % groups:
        raise ValueError(f"{func}: groups={groups} must divide the input channels c_in={c_in}")
    if c_out % groups:
        raise ValueError(
            f"{func}: groups={groups} must divide the output channels c_out={c_out} "
            f"(the 'O' axis of weight in {kernel_format!r})"
        )
    if c_in_per_group * groups != c_in:
        raise ValueError(
            f"{func}: weight reads {c_in_per_group} input channels per group (its 'I' axis in "
            f"{kernel_format!r}), but x has c_in={c_in} channels and groups={groups}, which needs "
            f"{c_in // groups}"
        )
    if bias is not None:
        bias = as_numeric_array(bias, func, "bias", ndim=1, shape_hint="(C_out,)")
        if bias.shape[0] != c_out:
            raise ValueError(
                f"{func}: bias must have one value per output channel (c_out={c_out}), "
                f"got shape {bias.shape}"
            )
    spatial = x.shape[2:]
    kernel = weight.shape[2:]
    pads = normalize_padding(padding, spatial, kernel, stride, dilation, func=func)
    out = tuple(
        _output_length(i, k, s, p, d, False, func, axis_name=name)
        for i, k, s, p, d, name in zip(spatial, kernel, stride, pads, dilation, _SPATIAL_NAMES[nd])
    )
    settings = {
        "stride": stride,
        "pads": pads,
        "dilation": dilation,
        "groups": groups,
        "data_format": data_format,
        "kernel_format": kernel_format,
        "out": out,
        "first": first,
        "last": last,
    }
    return x, weight, bias, settings


def _conv(
    func: str,
    nd: int,
    x: Any,
    weight: Any,
    bias: Any,
    stride: Any,
    padding: Any,
    dilation: Any,
    groups: Any,
    data_format: Any,
    kernel_format: Any,
    method: Any,
) -> np.ndarray:
    """Shared body of conv1d, conv2d and conv3d."""
    x, weight, bias, s = check_conv_args(
        func, nd, x, weight, bias, stride, padding, dilation, groups, data_format, kernel_format
    )
    method = check_choice(method, METHOD_NAMES, func, "method")
    compute, returned = result_dtype(func, x, weight, bias=bias)
    if method != "auto":
        padded = padded_shape(x.shape, s["pads"])
        reason = method_supports(
            method, padded, weight.shape, s["stride"], s["dilation"], s["groups"], compute
        )
        if reason is not None:
            raise ValueError(f"{func}: method={method!r} cannot compute this convolution: {reason}")
    y = correlate(
        x.astype(compute, copy=False),
        weight.astype(compute, copy=False),
        s["stride"],
        s["pads"],
        s["dilation"],
        s["groups"],
        method,
    )
    if bias is not None:
        y += bias.astype(compute, copy=False).reshape((-1,) + (1,) * nd)
    y = convert_layout(y.astype(returned, copy=False), s["first"], s["data_format"])
    return np.ascontiguousarray(y)


_COMMON_PARAMS = """
    bias : array_like, shape (C_out,), optional
        Added to every value of each output channel.
    stride : int or tuple of int, optional
        Step between windows, one per spatial axis or one for all.
    padding : int, tuple or {{"valid", "same", "full"}}, optional
        Zeros added around the input: an int for every side, one int per axis
        (both sides), one ``(before, after)`` pair per axis, ``"valid"`` (none),
        ``"same"`` (TensorFlow's rule, output ``ceil(in / stride)``, the odd
        extra element after) or ``"full"`` (``dilation * (k - 1)`` on both
        sides). See :func:`~convlib.padding.normalize_padding`.
    dilation : int or tuple of int, optional
        Spacing between kernel taps; 1 means no gaps (as in PyTorch and TensorFlow).
    groups : int, optional
        Split the channels into ``groups`` independent convolutions; ``groups ==
        C_in`` with ``C_out == m * C_in`` is a depthwise convolution.
    data_format : {data_formats}, optional
        Layout of ``x`` and of the result.
    kernel_format : {kernel_formats} or None, optional
        Layout of ``weight``. None means ``{kernel_default_first!r}`` with
        ``{data_default_first!r}`` (PyTorch) and ``{kernel_default_last!r}`` with
        ``{data_default_last!r}`` (TensorFlow).
    method : {{"auto", "loop", "gemm", "shifted", "fft", "winograd", "winograd4", "depthwise"}}, \
        optional
        Algorithm (:mod:`convlib.methods`): ``"loop"`` is the readable reference
        (one loop iteration per output value), ``"gemm"`` gathers windows into
        a matrix and multiplies (im2col), ``"shifted"`` sums one matrix product
        per kernel tap, ``"fft"`` multiplies Fourier transforms, ``"winograd"``
        and ``"winograd4"`` are Winograd's F(2x2, 3x3) and F(4x4, 3x3) (3x3
        kernels, stride 1, dilation 1), ``"depthwise"`` handles ``groups ==
        C_in``. ``"auto"`` picks the cheapest by the cost model of
        :func:`~convlib.choose_conv_method`. All give the same result up to
        float rounding (about 1e-5 of the largest output in float32 for
        ``"winograd4"``, less for the others); integers stay exact, and
        ``"fft"`` and Winograd, which round, refuse them."""


def conv2d(
    x: Any,
    weight: Any,
    bias: Any = None,
    *,
    stride: Any = 1,
    padding: Any = 0,
    dilation: Any = 1,
    groups: int = 1,
    data_format: str = "NCHW",
    kernel_format: str | None = None,
    method: str = "auto",
) -> np.ndarray:
    """2-D cross-correlation of a batch of images, as ``torch.nn.functional.conv2d`` computes it.

    Deep-learning frameworks call this "convolution" but do not flip the kernel:

    .. math::

        y[n, c_o, i, j] &= b[c_o] + \\sum_{c=0}^{C_g-1} \\sum_{p=0}^{k_h-1} \\sum_{q=0}^{k_w-1}
        w[c_o, c, p, q] \\\\
        &\\qquad \\cdot\\, x_{pad}[n,\\, g C_g + c,\\, i s_h + p d_h,\\, j s_w + q d_w]

    with ``C_g = C_in / groups`` and ``g = c_o // (C_out / groups)``. For a
    true (flipped) convolution pass ``weight[..., ::-1, ::-1]`` in OIHW.

    Parameters
    ----------
    x : array_like, shape (N, C_in, H, W) or (N, H, W, C_in)
        Input batch, laid out as ``data_format`` says.
    weight : array_like, shape (C_out, C_in/groups, kh, kw) in OIHW
        Kernel, laid out as ``kernel_format`` says.
    {common}

    Returns
    -------
    numpy.ndarray, shape (N, C_out, H_out, W_out) or (N, H_out, W_out, C_out)
        Float32 for float32 input, float64 for float64, int64 (exact) for
        integers. Along each axis, with total padding ``p_b + p_a``,
        ``out = floor((in + p_b + p_a - d (k - 1) - 1) / s) + 1``.

    Notes
    -----
    ``N * C_out * H_out * W_out * (C_in / groups) * kh * kw`` multiply-adds,
    whatever the method.

    Examples
    --------
    The 4x4 image and 2x2 kernel of the "convolution by hand" example:

    >>> import numpy as np
    >>> image = np.arange(1, 17).reshape(1, 1, 4, 4)
    >>> kernel = np.array([[[[1, 1], [-1, -1]]]])
    >>> conv2d(image, kernel).shape
    (1, 1, 3, 3)
    >>> conv2d(image, kernel)[0, 0]
    array([[-8, -8, -8],
           [-8, -8, -8],
           [-8, -8, -8]])

    TensorFlow's layouts and ``"same"`` padding with stride 2:

    >>> x = np.ones((1, 10, 10, 3), dtype=np.float32)          # NHWC
    >>> w = np.ones((3, 3, 3, 8), dtype=np.float32)            # HWIO
    >>> y = conv2d(x, w, stride=2, padding="same", data_format="NHWC")
    >>> y.shape, y.dtype
    ((1, 5, 5, 8), dtype('float32'))
    """
    return _conv(
        "conv2d", 2, x, weight, bias, stride, padding, dilation, groups, data_format,
        kernel_format, method,
    )  # fmt: skip


def conv1d(
    x: Any,
    weight: Any,
    bias: Any = None,
    *,
    stride: Any = 1,
    padding: Any = 0,
    dilation: Any = 1,
    groups: int = 1,
    data_format: str = "NCL",
    kernel_format: str | None = None,
    method: str = "auto",
) -> np.ndarray:
    """1-D cross-correlation of a batch of signals, as ``torch.nn.functional.conv1d``.

    .. math::

        y[n, c_o, i] = b[c_o] + \\sum_{c, p} x_{pad}[n,\\, g C_g + c,\\, i s + p d]\\; w[c_o, c, p]

    Parameters
    ----------
    x : array_like, shape (N, C_in, L) or (N, L, C_in)
        Input batch, laid out as ``data_format`` says.
    weight : array_like, shape (C_out, C_in/groups, k) in OIL
        Kernel, laid out as ``kernel_format`` says (TensorFlow's ``(k, C_in, C_out)`` is "LIO").
    {common}

    Returns
    -------
    numpy.ndarray, shape (N, C_out, L_out) or (N, L_out, C_out)
        ``L_out = floor((L + p_b + p_a - d (k - 1) - 1) / s) + 1``.

    Examples
    --------
    >>> import numpy as np
    >>> signal = np.array([[[0, 0, 1, 1, 1, 0, 0]]])
    >>> conv1d(signal, [[[-1, 1]]])        # a difference filter marks the edges
    array([[[ 0,  1,  0,  0, -1,  0]]])
    >>> conv1d(np.ones((2, 3, 16)), np.ones((4, 3, 5)), stride=2, padding="same").shape
    (2, 4, 8)
    """
    return _conv(
        "conv1d", 1, x, weight, bias, stride, padding, dilation, groups, data_format,
        kernel_format, method,
    )  # fmt: skip


def conv3d(
    x: Any,
    weight: Any,
    bias: Any = None,
    *,
    stride: Any = 1,
    padding: Any = 0,
    dilation: Any = 1,
    groups: int = 1,
    data_format: str = "NCDHW",
    kernel_format: str | None = None,
    method: str = "auto",
) -> np.ndarray:
    """3-D cross-correlation of a batch of volumes, as ``torch.nn.functional.conv3d``.

    .. math::

        y[n, c_o, t, i, j] &= b[c_o] + \\sum_{c, r, p, q} w[c_o, c, r, p, q] \\\\
        &\\qquad \\cdot\\, x_{pad}[n,\\, g C_g + c,\\, t s_d + r d_d,\\,
        i s_h + p d_h,\\, j s_w + q d_w]

    Parameters
    ----------
    x : array_like, shape (N, C_in, D, H, W) or (N, D, H, W, C_in)
        Input batch, laid out as ``data_format`` says.
    weight : array_like, shape (C_out, C_in/groups, kd, kh, kw) in OIDHW
        Kernel, laid out as ``kernel_format`` says.
    {common}

    Returns
    -------
    numpy.ndarray, shape (N, C_out, D_out, H_out, W_out) or (N, D_out, H_out, W_out, C_out)
        Each spatial size follows the formula of :func:`conv_output_size`.

    Examples
    --------
    >>> import numpy as np
    >>> volume = np.ones((1, 1, 4, 4, 4))
    >>> conv3d(volume, np.ones((1, 1, 2, 2, 2)))[0, 0, 0]
    array([[8., 8., 8.],
           [8., 8., 8.],
           [8., 8., 8.]])
    """
    return _conv(
        "conv3d", 3, x, weight, bias, stride, padding, dilation, groups, data_format,
        kernel_format, method,
    )  # fmt: skip


def _fill_docstring(function: Any, nd: int) -> None:
    from .layouts import DATA_FORMATS, KERNEL_FORMATS

    data_formats, kernel_formats = DATA_FORMATS[nd], KERNEL_FORMATS[nd]
    common = _COMMON_PARAMS.format(
        data_formats="{" + ", ".join(map(repr, data_formats)) + "}",
        kernel_formats="{" + ", ".join(map(repr, kernel_formats)) + "}",
        kernel_default_first=kernel_formats[0],
        kernel_default_last=kernel_formats[1],
        data_default_first=data_formats[0],
        data_default_last=data_formats[1],
    ).strip("\n")
    function.__doc__ = function.__doc__.replace("    {common}", common)


for _function, _nd in ((conv1d, 1), (conv2d, 2), (conv3d, 3)):
    _fill_docstring(_function, _nd)
