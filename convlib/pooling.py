"""Max and average pooling: a reduction over the same windows convolution reads."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._checks import as_numeric_array, check_bool, int_tuple
from .arithmetic import check_window_fits
from .geometry import ConvGeometry, check_geometry_fits, describe_padding
from .layouts import convert_layout, data_format_for, spatial_names
from .padding import normalize_padding, pad_spatial
from .windows import window_view

__all__ = ["avg_pool2d", "max_pool2d"]


def pool_setup(
    func: str,
    x: Any,
    kernel_size: Any,
    stride: Any,
    padding: Any,
    dilation: Any,
    ceil_mode: Any,
    data_format: Any,
) -> tuple[np.ndarray, ConvGeometry]:
    """Check a pooling call; return the NCHW input and the pooling's geometry.

    Pooling reads the windows a depthwise convolution reads: the geometry has
    ``c_out == c_in == groups``.
    """
    data_format = data_format_for(data_format, 2, func)
    x = as_numeric_array(
        x, func, "x", ndim=4, shape_hint=f"({', '.join(data_format)})", batch_axis=0
    )
    kernel = int_tuple(kernel_size, 2, func, "kernel_size", minimum=1)
    stride = kernel if stride is None else int_tuple(stride, 2, func, "stride", minimum=1)
    dilation = int_tuple(dilation, 2, func, "dilation", minimum=1)
    ceil_mode = check_bool(ceil_mode, func, "ceil_mode")
    x = convert_layout(x, data_format, "NCHW")
    if isinstance(padding, str) and ceil_mode:
        raise ValueError(
            f"{func}: ceil_mode=True goes with integer padding (PyTorch), "
            f"not with padding={padding!r} (TensorFlow)"
        )
    pads = normalize_padding(
        padding, x.shape[2:], kernel, stride, dilation, func=func, allow_strings=("valid", "same")
    )
    if not isinstance(padding, str):
        # PyTorch's rule, on the undilated kernel: padding <= kernel_size // 2.
        for k, (before, after) in zip(kernel, pads):
            if max(before, after) > k // 2:
                raise ValueError(
                    f"{func}: padding must be at most half the kernel size "
                    f"({k // 2} for kernel_size={k}), got padding {max(before, after)}"
                )
    for i, k, p, d, name in zip(x.shape[2:], kernel, pads, dilation, spatial_names(2)):
        check_window_fits(i, k, p, d, func, axis_name=name)
    n, c = x.shape[:2]
    geometry = ConvGeometry(
        n=n, c_in=c, c_out=c, groups=c, spatial=x.shape[2:], kernel=kernel, stride=stride,
        dilation=dilation, pads=pads, dtype=x.dtype, ceil_mode=ceil_mode,
        data_format=data_format,
    )  # fmt: skip
    check_geometry_fits(func, geometry, describe_padding(padding, dilation))
    return x, geometry


def with_overhang(geometry: ConvGeometry) -> tuple[tuple[int, int], ...]:
    """The padding, extended after by what ``ceil_mode`` windows read past it."""
    return tuple((b, a + e) for (b, a), e in zip(geometry.pads, geometry.overhang))


def max_windows(x: np.ndarray, geometry: ConvGeometry) -> np.ndarray:
    """The windows max pooling reads, ``(n, c, h_out, w_out, kh, kw)``, a view.

    ``x`` is padded with ``-inf`` (the smallest integer for integer input), so
    that the padding never wins a window.
    """
    low = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
    padded = pad_spatial(x, with_overhang(geometry), low)
    return window_view(padded, geometry.kernel, geometry.stride, geometry.dilation)


def average_dtype(dtype: np.dtype) -> np.dtype:
    """The dtype average pooling computes and returns: floating, float16 widened to float32."""
    if dtype.kind != "f":
        return np.dtype(np.float64)
    return np.dtype(np.float32) if dtype == np.float16 else np.dtype(dtype)


def average_divisor(geometry: ConvGeometry, count_pad: bool) -> np.ndarray:
    """How many cells each average-pooling window divides by, shape ``(h_out, w_out)``.

    A window counts its cells inside the input and, with ``count_pad``, those
    in the explicit padding; never the overhang that ``ceil_mode`` adds. The
    count is the pooling of a mask that is 1 where a cell counts.
    """
    g = geometry
    counted = np.ones(g.spatial, dtype=average_dtype(g.dtype))
    if count_pad:
        counted = pad_spatial(counted, g.pads, 1)
        counted = pad_spatial(counted, [(0, extra) for extra in g.overhang], 0)
    else:
        counted = pad_spatial(counted, with_overhang(g), 0)
    return window_view(counted, g.kernel, g.stride, g.dilation).sum(axis=(-2, -1))


def max_pool2d(
    x: Any,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    dilation: Any = 1,
    ceil_mode: bool = False,
    data_format: str = "NCHW",
) -> np.ndarray:
    """2-D max pooling, as ``torch.nn.functional.max_pool2d`` (and ``tf.nn.max_pool2d``).

    .. math::

        y[n, c, i, j] = \\max_{p, q}\\; x_{pad}[n, c, i s_h + p d_h, j s_w + q d_w]

    Parameters
    ----------
    x : array_like, shape (N, C, H, W) or (N, H, W, C)
        Input batch, laid out as ``data_format`` says.
    kernel_size : int or (int, int)
        Window size.
    stride : int or (int, int), optional
        Step between windows; None (default) means ``kernel_size``.
    padding : int, (int, int) or {"valid", "same"}, optional
        An int pads every side, a pair each axis on both sides (PyTorch; at
        most ``kernel_size // 2``);
        ``"valid"``/``"same"`` follow TensorFlow. Padding is ``-inf`` (the
        smallest integer for integer input), so it never wins.
    dilation : int or (int, int), optional
        Spacing between window taps.
    ceil_mode : bool, optional
        Round the output size up (PyTorch), keeping a last partial window if it
        starts inside the input or the left padding.
    data_format : {"NCHW", "NHWC"}, optional
        Layout of ``x`` and of the result.

    Returns
    -------
    numpy.ndarray, shape (N, C, H_out, W_out) or (N, H_out, W_out, C)
        Same dtype as ``x``; sizes as :func:`~convlib.conv_output_size` with
        the same ``ceil_mode``.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.arange(16).reshape(1, 1, 4, 4)
    >>> max_pool2d(x, 2)[0, 0]
    array([[ 5,  7],
           [13, 15]])
    >>> max_pool2d(x, 3, stride=2, padding=1)[0, 0]
    array([[ 5,  7],
           [13, 15]])
    >>> max_pool2d(np.ones((1, 1, 5, 5)), 2, ceil_mode=True).shape
    (1, 1, 3, 3)
    """
    func = "max_pool2d"
    x, g = pool_setup(func, x, kernel_size, stride, padding, dilation, ceil_mode, data_format)
    windows = max_windows(x, g)  # (n, c, h_out, w_out, kh, kw)
    y = windows.max(axis=(-2, -1))  # (n, c, h_out, w_out); a NaN wins its window
    return np.ascontiguousarray(convert_layout(y, "NCHW", g.data_format))


def avg_pool2d(
    x: Any,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    data_format: str = "NCHW",
) -> np.ndarray:
    """2-D average pooling, as ``torch.nn.functional.avg_pool2d`` (and ``tf.nn.avg_pool2d``).

    .. math::

        y[n, c, i, j] = \\frac{1}{|W_{ij}|} \\sum_{(p, q) \\in W_{ij}} x_{pad}[n, c, p, q]

    where the divisor ``|W_ij|`` counts the window's cells that are inside the
    input, plus, when ``count_include_pad`` is true, those in the explicit
    zero padding; never the overhang that ``ceil_mode`` adds.

    Parameters
    ----------
    x : array_like, shape (N, C, H, W) or (N, H, W, C)
        Input batch, laid out as ``data_format`` says.
    kernel_size : int or (int, int)
        Window size.
    stride : int or (int, int), optional
        Step between windows; None (default) means ``kernel_size``.
    padding : int, (int, int) or {"valid", "same"}, optional
        An int pads every side with zeros (PyTorch; at most half the kernel);
        with ``"valid"``/``"same"`` (TensorFlow) the padding is never counted,
        whatever ``count_include_pad`` says.
    ceil_mode : bool, optional
        Round the output size up (PyTorch).
    count_include_pad : bool, optional
        Whether zeros of integer padding count in the divisor (PyTorch's default: yes).
    data_format : {"NCHW", "NHWC"}, optional
        Layout of ``x`` and of the result.

    Returns
    -------
    numpy.ndarray, shape (N, C, H_out, W_out) or (N, H_out, W_out, C)
        Floating: float32 and float64 stay as they are, float16 gives
        float32, integers give float64.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> avg_pool2d(x, 2)[0, 0]
    array([[ 2.5,  4.5],
           [10.5, 12.5]])
    >>> avg_pool2d(np.ones((1, 1, 2, 2)), 2, stride=1, padding=1)[0, 0]
    array([[0.25, 0.5 , 0.25],
           [0.5 , 1.  , 0.5 ],
           [0.25, 0.5 , 0.25]])
    >>> avg_pool2d(np.ones((1, 1, 2, 2)), 2, stride=1, padding=1, count_include_pad=False)[0, 0]
    array([[1., 1., 1.],
           [1., 1., 1.],
           [1., 1., 1.]])
    """
    func = "avg_pool2d"
    count_include_pad = check_bool(count_include_pad, func, "count_include_pad")
    x, g = pool_setup(func, x, kernel_size, stride, padding, 1, ceil_mode, data_format)
    x = x.astype(average_dtype(x.dtype), copy=False)
    window_args = (g.kernel, g.stride, g.dilation)
    sums = window_view(pad_spatial(x, with_overhang(g)), *window_args).sum(axis=(-2, -1))
    y = sums / average_divisor(g, count_include_pad and not isinstance(padding, str))
    return np.ascontiguousarray(convert_layout(y, "NCHW", g.data_format))
