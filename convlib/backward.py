"""Backpropagation through a convolution, written as convolutions.

For ``y = conv2d(x, w)`` and a loss ``L`` with upstream gradient
``g = dL/dy``:

* ``dL/dx`` is the transposed convolution of ``g`` with ``w`` (a "full"
  correlation with the flipped kernel when the stride and dilation are 1 and
  there is no padding);
* ``dL/dw`` correlates the (padded) input with ``g``: the roles of stride and
  dilation swap, and the batch axis becomes the summed-over channel axis;
* ``dL/db`` sums ``g`` over the batch and the spatial axes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._checks import check_choice, result_dtype
from .conv import METHOD_NAMES
from .geometry import ConvGeometry, TransposeGeometry, check_grad_output, conv_geometry
from .layouts import convert_layout
from .methods.dispatch import check_method, correlate
from .transposed import transpose_correlate

__all__ = ["conv2d_backward"]


def conv2d_backward(
    x: Any,
    weight: Any,
    grad_output: Any,
    *,
    stride: Any = 1,
    padding: Any = 0,
    dilation: Any = 1,
    groups: int = 1,
    data_format: str = "NCHW",
    method: str = "auto",
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of :func:`~convlib.conv2d` with respect to its input, weight and bias.

    With ``y = conv2d(x, w, b)`` (same settings) and ``g = dL/dy``:

    .. math::

        \\frac{\\partial L}{\\partial x} &= \\mathrm{conv\\_transpose2d}(g, w)
        \\quad \\text{(to the shape of } x\\text{)}\\\\
        \\frac{\\partial L}{\\partial w}[c_o, c, p, q] &= \\sum_{n, i, j}
        g[n, c_o, i, j]\\; x_{pad}[n, c, i s_h + p d_h, j s_w + q d_w]\\\\
        \\frac{\\partial L}{\\partial b}[c_o] &= \\sum_{n, i, j} g[n, c_o, i, j]

    Parameters
    ----------
    x : array_like, shape (N, C_in, H, W) or (N, H, W, C_in)
        The forward pass's input.
    weight : array_like, shape (C_out, C_in/groups, kh, kw) or (kh, kw, C_in/groups, C_out)
        The forward pass's kernel: OIHW with ``data_format="NCHW"``, HWIO with ``"NHWC"``.
    grad_output : array_like, shape of ``conv2d(x, weight, ...)``
        Gradient of the loss with respect to the forward output.
    stride, padding, dilation, groups
        The forward pass's settings, as in :func:`~convlib.conv2d`.
    data_format : {"NCHW", "NHWC"}, optional
        Layout of ``x``, ``grad_output`` and ``grad_x``.
    method : str, optional
        The algorithm of the correlations that compute the input and weight
        gradients, as in :func:`~convlib.conv2d`; a method that cannot compute
        one of them is refused, with the reason. ``"auto"`` computes the input
        gradient by scattering (col2im) when a stride is above 1 or the kernel
        holds NaN or inf, and otherwise takes, for each correlation, the
        cheapest method of the cost model (:func:`~convlib.choose_conv_method`).

    Returns
    -------
    grad_x : numpy.ndarray, shape of ``x``
    grad_weight : numpy.ndarray, shape of ``weight``
    grad_bias : numpy.ndarray, shape (C_out,)

    Notes
    -----
    Rows and columns of ``x`` that no window reads get a zero gradient: the
    last ones when the stride does not divide the span, and rows in between
    when the stride steps over them (stride 2 with a 1x1 kernel, or with a
    dilation of 2).

    The formulas of the input and weight gradients have one product per
    output, kernel tap and input channel of its group, as the forward pass:
    ``N * C_out * H_out * W_out * (C_in / groups) * kh * kw`` multiply-adds
    each (:func:`~convlib.conv_cost`). The bias gradient is one sum over
    ``grad_output``, one addition per value. What the computation does depends
    on the method. The scatter does the formula's multiply-adds. The input
    gradient as a correlation (at stride 1, or with an explicit ``method``)
    correlates ``grad_output`` spread and padded with zeros to produce all
    ``H * W`` input positions: a direct method (``"gemm"``) then does
    ``H * W / (H_out * W_out)`` times the formula's multiply-adds. The weight
    gradient's correlation also computes the taps past the kernel's size when
    the stride leaves rows unread, and crops them. The transform methods (FFT,
    Winograd) do other operations; :func:`~convlib.choose_conv_method` counts
    them.

    Examples
    --------
    The weight gradient of a 1x1 kernel is the sum of input times upstream gradient:

    >>> import numpy as np
    >>> x = np.arange(1, 10).reshape(1, 1, 3, 3)
    >>> w, g = np.ones((1, 1, 1, 1), dtype=int), np.ones((1, 1, 3, 3), dtype=int)
    >>> gx, gw, gb = conv2d_backward(x, w, g)
    >>> gw.ravel(), gb, gx.shape
    (array([45]), array([9]), (1, 1, 3, 3))

    With inputs, kernels and upstream gradients of ones every product adds 1:
    the input and weight gradients sum to the forward pass's number of products
    that read an input value (not the padding), whatever the settings:

    >>> from convlib import conv2d
    >>> x, w = np.ones((2, 4, 9, 8), dtype=int), np.ones((6, 2, 3, 3), dtype=int)
    >>> y = conv2d(x, w, stride=2, padding=1, groups=2)
    >>> gx, gw, gb = conv2d_backward(x, w, np.ones_like(y), stride=2, padding=1, groups=2)
    >>> int(y.sum()), int(gx.sum()), int(gw.sum()), int(gb.sum()) == y.size
    (3432, 3432, 3432, True)

    With the 4x4 example of the tutorials, every input pixel's gradient counts
    how often it is read by each kernel tap, with that tap's sign:

    >>> image = np.arange(1, 17).reshape(1, 1, 4, 4)
    >>> kernel = np.array([[[[1, 1], [-1, -1]]]])
    >>> conv2d_backward(image, kernel, np.ones((1, 1, 3, 3), dtype=int))[0][0, 0]
    array([[ 1,  2,  2,  1],
           [ 0,  0,  0,  0],
           [ 0,  0,  0,  0],
           [-1, -2, -2, -1]])
    """
    func = "conv2d_backward"
    x, w, _, geometry = conv_geometry(
        func, 2, x, weight, None, stride, padding, dilation, groups, data_format, None
    )
    data_format = geometry.data_format
    grad = check_grad_output(func, grad_output, geometry, "the forward output's")
    method = check_choice(method, METHOD_NAMES, func, "method")
    compute, returned = result_dtype(func, x, w, grad)
    x = x.astype(compute, copy=False)
    w = w.astype(compute, copy=False)
    g = convert_layout(grad, data_format, "NCHW").astype(compute, copy=False)
    n, c_in, c_out, groups = geometry.n, geometry.c_in, geometry.c_out, geometry.groups
    c_in_g, c_out_g = geometry.c_in_g, geometry.c_out_g
    kernel, stride, dilation, pads = (
        geometry.kernel, geometry.stride, geometry.dilation, geometry.pads
    )  # fmt: skip

    # dL/dx: transposed convolution; output_padding restores rows no window reached.
    extra = tuple(
        size - ((o - 1) * st + d * (k - 1) + 1 - before - after)
        for size, o, st, d, k, (before, after) in zip(
            geometry.spatial, geometry.out, stride, dilation, kernel, pads
        )
    )
    backward = TransposeGeometry(
        n=n, c_in=c_out, c_out=c_in, groups=groups, spatial=geometry.out, kernel=kernel,
        stride=stride, dilation=dilation, pads=pads, output_padding=extra, dtype=compute,
    )  # fmt: skip
    grad_x = transpose_correlate(g, w, backward, method, func, "the input gradient")

    # dL/dw: correlate the padded input with g; the batch is the summed-over axis,
    # the groups become channel groups: (c_in_g, groups * n, H, W) with kernels
    # (groups * c_out_g, n, h_out, w_out); stride and dilation swap roles.
    inputs = x.reshape((n, groups, c_in_g) + x.shape[2:]).transpose(2, 1, 0, 3, 4)
    inputs = inputs.reshape((c_in_g, groups * n) + x.shape[2:])
    kernels = g.reshape((n, groups, c_out_g) + g.shape[2:]).transpose(1, 2, 0, 3, 4)
    kernels = kernels.reshape((groups * c_out_g, n) + g.shape[2:])
    if n == 0:  # no image, no gradient
        grad_w = np.zeros((c_out, c_in_g) + kernel, dtype=compute)
    else:
        weights = ConvGeometry.of_arrays(
            inputs, kernels, stride=dilation, pads=pads, dilation=stride, groups=groups
        )
        check_method(func, method, weights, "the weight gradient")
        r = correlate(inputs, kernels, weights, method)
        r = r[:, :, : kernel[0], : kernel[1]]  # (c_in_g, groups * c_out_g, kh, kw)
        grad_w = r.reshape((c_in_g, c_out) + kernel).swapaxes(0, 1)  # (c_out, c_in_g, kh, kw)

    grad_b = g.sum(axis=(0, 2, 3))
    grad_x = convert_layout(grad_x.astype(returned, copy=False), "NCHW", data_format)
    grad_w = convert_layout(grad_w.astype(returned, copy=False), "OIHW", geometry.kernel_format)
    return (
        np.ascontiguousarray(grad_x),
        np.ascontiguousarray(grad_w),
        grad_b.astype(returned, copy=False),
    )
