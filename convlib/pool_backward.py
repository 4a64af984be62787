"""Backpropagation through max and average pooling, as PyTorch's autograd computes it.

For ``y = pool(x)`` and a loss ``L`` with upstream gradient ``g = dL/dy``,
every window hands its ``g`` back to the input cells it read:

* max pooling gives all of it to the one cell that won the window;
* average pooling gives each cell of the window ``g / divisor``, the divisor
  being the one the forward pass divided by.

Windows overlap when the stride is smaller than the (dilated) kernel, so a
cell collects the sum over every window that hands it something. Both
gradients are computed one kernel tap at a time: for a fixed tap ``(p, q)``
the windows read distinct cells, ``x_pad[..., i s_h + p d_h, j s_w + q d_w]``,
so each tap adds one strided slice of the padded gradient, with no loop over
the output.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from ._checks import check_bool, check_fits, result_dtype
from .geometry import ConvGeometry, check_grad_output, describe_padding
from .layouts import convert_layout
from .pooling import average_divisor, average_dtype, max_windows, pool_setup, with_overhang

__all__ = ["avg_pool2d_backward", "max_pool2d_backward"]


def _grad_output(func: str, grad_output: Any, geometry: ConvGeometry) -> np.ndarray:
    """Check ``grad_output`` against the pooling's output; return it channels first."""
    grad = check_grad_output(func, grad_output, geometry, "the pooling's output")
    return convert_layout(grad, geometry.data_format, "NCHW")


def _taps(geometry: ConvGeometry) -> list[tuple[int, int, tuple[slice, slice]]]:
    """Each kernel tap ``(p, q)``, row-major, with the cells of the padded input it reads.

    The slices index the input padded by :func:`~convlib.pooling.with_overhang`:
    tap ``(p, q)`` of window ``(i, j)`` reads row ``i s_h + p d_h`` and column
    ``j s_w + q d_w``.
    """
    (sh, sw), (dh, dw), (h_out, w_out) = geometry.stride, geometry.dilation, geometry.out
    return [
        (p, q, (slice(p * dh, p * dh + sh * (h_out - 1) + 1, sh),
                slice(q * dw, q * dw + sw * (w_out - 1) + 1, sw)))
        for p in range(geometry.kernel[0])
        for q in range(geometry.kernel[1])
    ]  # fmt: skip


def _padded_shape(geometry: ConvGeometry) -> tuple[int, ...]:
    """``(n, c, *padded)``: the input with its padding and the ``ceil_mode`` overhang."""
    size = tuple(i + b + a for i, (b, a) in zip(geometry.spatial, with_overhang(geometry)))
    return (geometry.n, geometry.c_in) + size


def _scatter(geometry: ConvGeometry, pieces: Iterable[np.ndarray], dtype: np.dtype) -> np.ndarray:
    """Sum each tap's ``(n, c, h_out, w_out)`` piece into the cells it read; crop the padding.

    ``pieces`` holds one piece per tap, in :func:`_taps` order.
    """
    grad = np.zeros(_padded_shape(geometry), dtype=dtype)  # (n, c, *padded)
    for (_, _, cells), piece in zip(_taps(geometry), pieces):
        grad[(..., *cells)] += piece
    (top, _), (left, _) = geometry.pads
    h, w = geometry.spatial
    return grad[..., top : top + h, left : left + w]  # (n, c, h, w)


def max_pool2d_backward(
    x: Any,
    grad_output: Any,
    *,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    dilation: Any = 1,
    ceil_mode: bool = False,
    data_format: str = "NCHW",
) -> np.ndarray:
    """Gradient of :func:`~convlib.max_pool2d` with respect to its input, as PyTorch's autograd.

    With ``y = max_pool2d(x)`` (same settings) and ``g = dL/dy``, each window
    gives its whole gradient to the one input cell that won it, and a cell
    that wins several overlapping windows collects the sum:

    .. math::

        \\frac{\\partial L}{\\partial x}[n, c, h, w] = \\sum_{i, j\\,:\\;
        \\mathrm{win}(n, c, i, j) = (h, w)} g[n, c, i, j]

    The winner of a window is, as in ``torch.nn.functional.max_pool2d`` on
    the CPU (float32 and float64 alike):

    * without NaN, the **first** cell, in row-major order of the window's
      taps, that equals the maximum: of tied cells, the one with the
      smallest row, then the smallest column;
    * with NaN, the **last** NaN in that order (NaN is the window's maximum);
    * never the padding, nor the cells past the input that ``ceil_mode``
      windows reach: a window whose cells are all ``-inf`` hands its
      gradient to its first cell inside the input.

    A window that reads no cell of the input at all (with a dilation above 1
    its taps can all fall in the padding; its output is ``-inf``, which does
    not depend on ``x``) hands its gradient to no cell. PyTorch adds it at the
    flat index of the window's first tap at or past the input's top-left
    corner: a cell of another row, or past the end of the array
    (pytorch/pytorch#114216 reports the ``-inf`` output).

    Parameters
    ----------
    x : array_like, shape (N, C, H, W) or (N, H, W, C)
        The forward pass's input, laid out as ``data_format`` says.
    grad_output : array_like, shape of ``max_pool2d(x, ...)``
        Gradient of the loss with respect to the pooling's output, in the same layout.
    kernel_size, stride, padding, dilation, ceil_mode
        The forward pass's settings, as in :func:`~convlib.max_pool2d`.
    data_format : {"NCHW", "NHWC"}, optional
        Layout of ``x``, ``grad_output`` and the result.

    Returns
    -------
    numpy.ndarray, shape of ``x``
        ``dL/dx``, in ``data_format``; dtype as :func:`~convlib.conv2d_backward`
        gives it for ``x`` and ``grad_output`` (float32 stays float32, integers
        give int64, exactly). Cells that win no window get 0.

    Notes
    -----
    Two passes over the kernel taps, each of ``N * C * H_out * W_out``
    element-wise operations: the first finds every window's winner from the
    forward pass's maxima, the second adds each window's gradient to its
    winner. Memory: the padded input and the padded gradient, plus one index
    per output.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> g = np.ones((1, 1, 2, 2))
    >>> max_pool2d_backward(x, g, kernel_size=2)[0, 0]
    array([[0., 0., 0., 0.],
           [0., 1., 0., 1.],
           [0., 0., 0., 0.],
           [0., 1., 0., 1.]])

    Ties go to the first maximum in row-major order:

    >>> max_pool2d_backward(np.ones((1, 1, 2, 2)), np.ones((1, 1, 1, 1)), kernel_size=2)[0, 0]
    array([[1., 0.],
           [0., 0.]])

    Overlapping windows add: the 9 is the maximum of all four 3x3 windows.

    >>> x = np.zeros((1, 1, 4, 4), dtype=int)
    >>> x[0, 0, 1, 1] = 9
    >>> max_pool2d_backward(x, np.ones((1, 1, 2, 2), dtype=int), kernel_size=3, stride=1)[0, 0]
    array([[0, 0, 0, 0],
           [0, 4, 0, 0],
           [0, 0, 0, 0],
           [0, 0, 0, 0]])
    """
    func = "max_pool2d_backward"
    x, geometry = pool_setup(
        func, x, kernel_size, stride, padding, dilation, ceil_mode, data_format
    )
    grad = _grad_output(func, grad_output, geometry)
    compute, returned = result_dtype(func, x, grad)
    padded = _padded_shape(geometry)
    check_fits(func, [
        ("the padded input", padded, x.dtype),
        ("the padded gradient", padded, compute),
        ("the winners", geometry.y_shape, np.intp),
    ], describe_padding(padding, geometry.dilation))  # fmt: skip
    g = grad.astype(compute, copy=False)
    windows = max_windows(x, geometry)  # (n, c, h_out, w_out, kh, kw), a view
    y = windows.max(axis=(-2, -1))  # (n, c, h_out, w_out); NaN where a window holds one
    (top, _), (left, _) = geometry.pads
    h, w = geometry.spatial
    taps = _taps(geometry)

    # The winner of each window: the index of its tap, in row-major order.
    winner = np.full(y.shape, -1, dtype=np.intp)  # (n, c, h_out, w_out)
    for t, (p, q, (rows, cols)) in enumerate(taps):
        tap = windows[..., p, q]  # (n, c, h_out, w_out): the cells this tap reads
        row = np.arange(rows.start, rows.stop, rows.step)
        col = np.arange(cols.start, cols.stop, cols.step)
        inside = ((row >= top) & (row < top + h))[:, None] & ((col >= left) & (col < left + w))
        first = (winner < 0) & (tap == y) & inside  # (n, c, h_out, w_out); NaN == NaN is False
        winner[first] = t
        if tap.dtype.kind == "f":
            winner[np.isnan(tap)] = t  # a later NaN takes over: the last NaN wins

    # Each window's gradient goes to its winner.
    pieces = (np.where(winner == t, g, 0) for t in range(len(taps)))
    grad_x = _scatter(geometry, pieces, compute)
    grad_x = convert_layout(grad_x.astype(returned, copy=False), "NCHW", geometry.data_format)
    return np.ascontiguousarray(grad_x)


def avg_pool2d_backward(
    x: Any,
    grad_output: Any,
    *,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    data_format: str = "NCHW",
) -> np.ndarray:
    """Gradient of :func:`~convlib.avg_pool2d` with respect to its input, as PyTorch's autograd.

    Average pooling is linear in ``x``; its gradient is its transpose. With
    ``y = avg_pool2d(x)`` (same settings) and ``g = dL/dy``, every cell of
    window ``W_ij`` inside the input receives ``g / |W_ij|``, with the divisor
    of the forward pass, and a cell in several windows collects the sum:

    .. math::

        \\frac{\\partial L}{\\partial x}[n, c, h, w] = \\sum_{i, j\\,:\\;
        (h, w) \\in W_{ij}} \\frac{g[n, c, i, j]}{|W_{ij}|}

    ``|W_ij|`` counts the window's cells inside the input plus, when
    ``count_include_pad`` is true and ``padding`` an integer, those in the
    zero padding; never the overhang that ``ceil_mode`` adds: PyTorch's
    divisors at the borders. The gradient does not depend on the values of
    ``x``, only on its shape (a NaN in ``x`` does not reach it).

    Parameters
    ----------
    x : array_like, shape (N, C, H, W) or (N, H, W, C)
        The forward pass's input, laid out as ``data_format`` says.
    grad_output : array_like, shape of ``avg_pool2d(x, ...)``
        Gradient of the loss with respect to the pooling's output, in the same layout.
    kernel_size, stride, padding, ceil_mode, count_include_pad
        The forward pass's settings, as in :func:`~convlib.avg_pool2d`.
    data_format : {"NCHW", "NHWC"}, optional
        Layout of ``x``, ``grad_output`` and the result.

    Returns
    -------
    numpy.ndarray, shape of ``x``
        ``dL/dx``, in ``data_format``. Floating, as :func:`~convlib.avg_pool2d`
        returns for ``x`` and ``grad_output`` together: float32 and float64
        stay as they are, float16 gives float32, integers give float64. Cells
        that no window reads get 0.

    Notes
    -----
    One pass over the kernel taps, each adding ``N * C * H_out * W_out``
    values; memory: the padded gradient.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.zeros((1, 1, 4, 4))
    >>> avg_pool2d_backward(x, np.arange(1.0, 5.0).reshape(1, 1, 2, 2), kernel_size=2)[0, 0]
    array([[0.25, 0.25, 0.5 , 0.5 ],
           [0.25, 0.25, 0.5 , 0.5 ],
           [0.75, 0.75, 1.  , 1.  ],
           [0.75, 0.75, 1.  , 1.  ]])

    At the border, the padding takes its share of the divisor unless
    ``count_include_pad`` is false; then each cell is alone in one window,
    with one other cell in two windows and with all four in the last:
    ``1 + 1/2 + 1/2 + 1/4``.

    >>> x, g = np.zeros((1, 1, 2, 2)), np.ones((1, 1, 3, 3))
    >>> avg_pool2d_backward(x, g, kernel_size=2, stride=1, padding=1)[0, 0]
    array([[1., 1.],
           [1., 1.]])
    >>> avg_pool2d_backward(x, g, kernel_size=2, stride=1, padding=1,
    ...                     count_include_pad=False)[0, 0]
    array([[2.25, 2.25],
           [2.25, 2.25]])
    """
    func = "avg_pool2d_backward"
    count_include_pad = check_bool(count_include_pad, func, "count_include_pad")
    x, geometry = pool_setup(func, x, kernel_size, stride, padding, 1, ceil_mode, data_format)
    grad = _grad_output(func, grad_output, geometry)
    dtype = average_dtype(np.result_type(x, grad))
    padded = [("the padded gradient", _padded_shape(geometry), dtype)]
    check_fits(func, padded, describe_padding(padding, geometry.dilation))
    divisor = average_divisor(geometry, count_include_pad and not isinstance(padding, str))
    share = grad.astype(dtype, copy=False) / divisor.astype(dtype)  # (n, c, h_out, w_out)
    grad_x = _scatter(geometry, (share for _ in _taps(geometry)), dtype)
    return np.ascontiguousarray(convert_layout(grad_x, "NCHW", geometry.data_format))
