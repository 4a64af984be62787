"""Max and average pooling: a reduction over the same windows convolution reads."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._checks import as_numeric_array, int_tuple
from .arithmetic import _output_length
from .layouts import convert_layout, data_format_for
from .padding import normalize_padding, pad_spatial
from .windows import sliding_windows

__all__ = ["avg_pool2d", "max_pool2d"]


def _pool_setup(
    func: str,
    x: Any,
    kernel_size: Any,
    stride: Any,
    padding: Any,
    dilation: Any,
    ceil_mode: Any,
    data_format: Any,
) -> tuple[np.ndarray, dict[str, Any]]:
    """Check a pooling call; return the NCHW input and the per-axis settings."""
    data_format = data_format_for(data_format, 2, func)
    x = as_numeric_array(x, func, "x", ndim=4, shape_hint=f"({', '.join(data_format)})")
    kernel = int_tuple(kernel_size, 2, func, "kernel_size", minimum=1)
    stride = kernel if stride is None else int_tuple(stride, 2, func, "stride", minimum=1)
    dilation = int_tuple(dilation, 2, func, "dilation", minimum=1)
    if not isinstance(ceil_mode, (bool, np.bool_)):
        raise TypeError(f"{func}: ceil_mode must be True or False, got {ceil_mode!r}")
    x = convert_layout(x, data_format, "NCHW")
    tf_padding = isinstance(padding, str)
    if tf_padding and ceil_mode:
        raise ValueError(
            f"{func}: ceil_mode=True goes with integer padding (PyTorch), "
            f"not with padding={padding!r} (TensorFlow)"
        )
    pads = normalize_padding(
        padding, x.shape[2:], kernel, stride, dilation, func=func, allow_strings=("valid", "same")
    )
    if not tf_padding:
        # PyTorch's rule, on the undilated kernel: padding <= kernel_size // 2.
        for k, (before, after) in zip(kernel, pads):
            if max(before, after) > k // 2:
                raise ValueError(
                    f"{func}: padding must be at most half the kernel size "
                    f"({k // 2} for kernel_size={k}), got padding {max(before, after)}"
                )
    out = tuple(
        _output_length(i, k, s, p, d, bool(ceil_mode), func, axis_name=name)
        for i, k, s, p, d, name in zip(x.shape[2:], kernel, stride, pads, dilation, ("H", "W"))
    )
    # ceil_mode: windows may run past the padded input; extend it (the overhang is not counted).
    overhang = tuple(
        max((o - 1) * s + d * (k - 1) + 1 - (i + before + after), 0)
        for o, s, d, k, i, (before, after) in zip(out, stride, dilation, kernel, x.shape[2:], pads)
    )
    settings = {
        "kernel": kernel,
        "stride": stride,
        "dilation": dilation,
        "pads": pads,
        "overhang": overhang,
        "tf_padding": tf_padding,
        "data_format": data_format,
    }
    return x, settings


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
        An int pads every side (PyTorch; at most ``kernel_size // 2``);
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
    x, s = _pool_setup(func, x, kernel_size, stride, padding, dilation, ceil_mode, data_format)
    if x.dtype.kind == "f":
        low: float = -np.inf
    else:
        low = np.iinfo(x.dtype).min
    pads = tuple((b, a + extra) for (b, a), extra in zip(s["pads"], s["overhang"]))
    windows = sliding_windows(pad_spatial(x, pads, low), s["kernel"], s["stride"], s["dilation"])
    y = windows.max(axis=(-2, -1))  # (n, c, h_out, w_out)
    return np.ascontiguousarray(convert_layout(y, "NCHW", s["data_format"]))


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
        Floating: float32 stays float32, integers give float64.

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
    if not isinstance(count_include_pad, (bool, np.bool_)):
        raise TypeError(
            f"{func}: count_include_pad must be True or False, got {count_include_pad!r}"
        )
    x, s = _pool_setup(func, x, kernel_size, stride, padding, 1, ceil_mode, data_format)
    if x.dtype.kind != "f":
        x = x.astype(np.float64)
    elif x.dtype == np.float16:
        x = x.astype(np.float32)
    pads = tuple((b, a + extra) for (b, a), extra in zip(s["pads"], s["overhang"]))
    window_args = (s["kernel"], s["stride"], s["dilation"])
    sums = sliding_windows(pad_spatial(x, pads), *window_args).sum(axis=(-2, -1))
    # The divisor: pool a mask that is 1 where a cell counts.
    counted = np.ones(x.shape[2:], dtype=x.dtype)
    if count_include_pad and not s["tf_padding"]:
        counted = pad_spatial(counted, s["pads"], 1)
        counted = pad_spatial(counted, [(0, extra) for extra in s["overhang"]], 0)
    else:
        counted = pad_spatial(counted, pads, 0)
    divisor = sliding_windows(counted, *window_args).sum(axis=(-2, -1))  # (h_out, w_out)
    y = sums / divisor
    return np.ascontiguousarray(convert_layout(y, "NCHW", s["data_format"]))
