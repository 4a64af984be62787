"""Convolution layers as frameworks compute them: cross-correlation.

The public functions translate layouts and padding at the edge, then call one
algorithm from :mod:`convlib.methods` on channels-first arrays.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._checks import check_choice, result_dtype
from .geometry import conv_geometry
from .layouts import DATA_FORMATS, KERNEL_FORMATS, convert_layout
from .methods.dispatch import check_method, correlate
from .methods.registry import REGISTRY

__all__ = ["conv1d", "conv2d", "conv3d"]

METHOD_NAMES = ("auto", *REGISTRY)


def finish(y: np.ndarray, bias: np.ndarray | None, geometry: Any, returned: np.dtype) -> np.ndarray:
    """Add the bias, cast to the returned dtype, and lay the result out as the caller's data.

    ``y`` is channels first in the compute dtype; ``geometry`` is the call's
    :class:`~convlib.geometry.ConvGeometry` or
    :class:`~convlib.geometry.TransposeGeometry` (its ``data_format``).
    """
    if bias is not None:
        y += bias.astype(y.dtype, copy=False).reshape((-1,) + (1,) * (y.ndim - 2))
    first = DATA_FORMATS[y.ndim - 2][0]
    y = convert_layout(y.astype(returned, copy=False), first, geometry.data_format)
    return np.ascontiguousarray(y)


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
    x, weight, bias, geometry = conv_geometry(
        func, nd, x, weight, bias, stride, padding, dilation, groups, data_format, kernel_format
    )
    method = check_choice(method, METHOD_NAMES, func, "method")
    check_method(func, method, geometry)
    returned = result_dtype(func, x, weight, bias=bias)[1]
    y = correlate(
        x.astype(geometry.dtype, copy=False),
        weight.astype(geometry.dtype, copy=False),
        geometry,
        method,
    )
    return finish(y, bias, geometry, returned)


_COMMON_PARAMS = """
    bias : array_like, shape (C_out,), optional
        Added to every value of each output channel.
    stride : int or tuple of int, optional
        Step between windows, one per spatial axis or one for all.
    padding : int, tuple or {padding_strings}, optional
        Zeros added around the input: an int for every side, one int per axis
        (both sides), one ``(before, after)`` pair per axis, ``"valid"`` (none),
        ``"same"`` (TensorFlow's rule, output ``ceil(in / stride)``, the odd
        extra element after){causal}``"full"`` (``dilation * (k - 1)`` on both
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
    method : {method_names}, optional
        Algorithm (:mod:`convlib.methods`); ``"auto"`` picks the cheapest by the
        cost model of :func:`~convlib.choose_conv_method`:

{method_list}

        All give the same result up to float rounding: in float32, on a
        64-channel 3x3 layer, within 1e-4 of the largest output (within 1e-5
        for ``"gemm"``, ``"shifted"`` and ``"depthwise"``).
        The exact methods (all but ``"fft"`` and Winograd) compute each product
        and sum of the formula: integers stay exact, and NaN and inf land
        where the formula puts them. ``"fft"`` and Winograd round, refuse
        integers, and mix every value of a tile or image: one NaN or inf in
        their input makes NaN of many outputs; ``"auto"`` does not pick them
        for such input."""


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
        Float32 for float32 input, float64 for float64 (or a mix with it),
        float16 for float16 (computed in float32), int64 (exact) for
        integers. Along each axis, with total padding ``p_b + p_a``,
        ``out = floor((in + p_b + p_a - d (k - 1) - 1) / s) + 1``.

    Notes
    -----
    The formula has ``N * C_out * H_out * W_out * (C_in / groups) * kh * kw``
    multiply-adds; the direct methods do that many, FFT and Winograd fewer
    multiplications (see :func:`~convlib.choose_conv_method` for each
    method's counts).

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
        ``L_out = floor((L + p_b + p_a - d (k - 1) - 1) / s) + 1``; with
        ``padding="causal"``, ``L_out = ceil(L / s)``.

    Notes
    -----
    ``padding="causal"`` pads ``d (k - 1)`` zeros before the signal and none
    after, as Keras' ``Conv1D(padding="causal")`` does, in either data format
    and with any stride: output ``i`` reads inputs ``i s - d (k - 1)`` to
    ``i s`` only, so changing the signal after time ``t`` changes no output
    ``i`` with ``i s <= t``.

    Examples
    --------
    >>> import numpy as np
    >>> signal = np.array([[[0, 0, 1, 1, 1, 0, 0]]])
    >>> conv1d(signal, [[[-1, 1]]])        # a difference filter marks the edges
    array([[[ 0,  1,  0,  0, -1,  0]]])
    >>> conv1d(np.ones((2, 3, 16)), np.ones((4, 3, 5)), stride=2, padding="same").shape
    (2, 4, 8)

    Causal padding: each output sums the current value and the two before it.

    >>> x = np.arange(1, 6).reshape(1, 1, 5)
    >>> conv1d(x, [[[1, 1, 1]]], padding="causal")
    array([[[ 1,  3,  6,  9, 12]]])
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


def _padding_doc(nd: int) -> dict[str, str]:
    """The padding strings of the docstrings: ``"causal"`` for conv1d alone."""
    if nd == 1:
        causal = (
            ',\n        ``"causal"`` (``dilation * (k - 1)`` before and none after, as Keras\'\n'
            '        ``Conv1D(padding="causal")``: output ``t`` reads no input after\n'
            "        ``t * stride``) or "
        )
        return {"padding_strings": '{"valid", "same", "full", "causal"}', "causal": causal}
    return {"padding_strings": '{"valid", "same", "full"}', "causal": " or "}


def _fill_docstring(function: Any, nd: int) -> None:
    data_formats, kernel_formats = DATA_FORMATS[nd], KERNEL_FORMATS[nd]
    method_list = "\n".join(
        f"        * ``{name!r}``: {record.summary}" for name, record in REGISTRY.items()
    )
    common = _COMMON_PARAMS.format(
        data_formats="{" + ", ".join(map(repr, data_formats)) + "}",
        kernel_formats="{" + ", ".join(map(repr, kernel_formats)) + "}",
        kernel_default_first=kernel_formats[0],
        kernel_default_last=kernel_formats[1],
        data_default_first=data_formats[0],
        data_default_last=data_formats[1],
        method_names="{" + ", ".join(map(repr, METHOD_NAMES)) + "}",
        method_list=method_list,
        **_padding_doc(nd),
    ).strip("\n")
    function.__doc__ = function.__doc__.replace("    {common}", common)


for _function, _nd in ((conv1d, 1), (conv2d, 2), (conv3d, 3)):
    _fill_docstring(_function, _nd)
