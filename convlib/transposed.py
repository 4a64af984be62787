"""Transposed convolution: the adjoint (the gradient) of a strided convolution.

Defined as the stride-1 correlation it equals: spread the input out by
inserting ``stride - 1`` zeros between its elements, pad by
``dilation * (k - 1) - padding`` on each side (crop where that is negative) and
by ``output_padding`` more after, then cross-correlate, at the same dilation,
with the kernel flipped and its two channel axes swapped. That is how stride 1
is computed (by any fast correlation method); with a larger stride most spread
values are zeros, so convlib scatters each input value's contribution instead
(:func:`convlib.methods.scatter.transpose_scatter`), which gives the same result.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._checks import check_bias, check_choice, check_fits, check_groups, int_tuple, result_dtype
from .arithmetic import check_output_padding
from .conv import finish
from .geometry import ConvGeometry, TransposeGeometry, check_conv_inputs
from .layouts import channels_first, convert_layout, data_format_for
from .methods.dispatch import all_finite, check_method, correlate
from .methods.registry import REGISTRY, TRANSPOSE_REGISTRY
from .padding import dilate, normalize_padding

__all__ = ["conv_transpose1d", "conv_transpose2d", "conv_transpose3d"]

METHOD_NAMES = ("auto", *TRANSPOSE_REGISTRY, *REGISTRY)


def spread_for_correlation(
    x: np.ndarray, weight: np.ndarray, geometry: TransposeGeometry
) -> tuple[np.ndarray, np.ndarray, ConvGeometry]:
    """The stride-1 correlation a transposed convolution equals: its input, kernel, geometry.

    Spread ``x`` with ``stride - 1`` zeros, pad by ``d (k - 1) - padding`` (crop
    where that is negative) and ``output_padding`` after; flip the kernel and swap
    its channel axes, group by group.
    """
    g = geometry
    spread = dilate(x, g.stride)
    widths = [(0, 0), (0, 0)]
    crop = [slice(None), slice(None)]
    for k, d, (before, after), extra, size in zip(
        g.kernel, g.dilation, g.pads, g.output_padding, spread.shape[2:]
    ):
        lo, hi = d * (k - 1) - before, d * (k - 1) - after + extra
        widths.append((max(lo, 0), max(hi, 0)))
        crop.append(slice(max(-lo, 0), max(lo, 0) + size + max(hi, 0) - max(-hi, 0)))
    padded = np.pad(spread, widths)[tuple(crop)]
    # (groups * c_in_g, c_out_g, *k) -> (groups * c_out_g, c_in_g, *k), flipped.
    flipped = weight[(slice(None), slice(None)) + (slice(None, None, -1),) * g.nd]
    swapped = flipped.reshape((g.groups, g.c_in_g, g.c_out_g) + g.kernel).swapaxes(1, 2)
    swapped = swapped.reshape((g.groups * g.c_out_g, g.c_in_g) + g.kernel)
    correlation = ConvGeometry.of_arrays(padded, swapped, dilation=g.dilation, groups=g.groups)
    return padded, swapped, correlation


def _spread_shape(geometry: TransposeGeometry) -> tuple[int, ...]:
    """The shape of :func:`spread_for_correlation`'s input, without making it."""
    g = geometry
    return (g.n, g.c_in) + tuple(o + d * (k - 1) for o, d, k in zip(g.out, g.dilation, g.kernel))


def transpose_correlate(
    x: np.ndarray,
    weight: np.ndarray,
    geometry: TransposeGeometry,
    method: str = "auto",
    func: str = "conv_transpose",
    what: str = "the correlation of this transposed convolution",
) -> np.ndarray:
    """Transposed convolution of checked channels-first arrays, in the geometry's dtype.

    ``x`` is ``(n, c_in, *spatial)`` and ``weight`` ``(c_in, c_out // groups, *kernel)``
    (PyTorch's transposed layout). ``method`` is ``"scatter"`` (each input value's
    contribution added into the output), a correlation method (spread the input
    with zeros, then correlate by it) or ``"auto"``: scatter when a stride spreads
    zeros (about ``prod(stride)`` times fewer multiply-adds) or the kernel holds NaN or
    inf (which the spread zeros would turn into NaN), else the correlation.
    """
    if geometry.n == 0:
        return np.zeros(geometry.y_shape, dtype=geometry.dtype)
    if method == "auto":
        # The spread input's zeros, multiplied by an infinite or NaN tap, would make NaN
        # where the transposed convolution itself has none: then scatter, which never
        # multiplies them (nor, with a stride, spends work on them).
        spreads = any(s > 1 for s in geometry.stride)
        method = "scatter" if spreads or not all_finite(weight) else "auto"
    if method in TRANSPOSE_REGISTRY:
        return TRANSPOSE_REGISTRY[method].run(x, weight, geometry)
    padded, swapped, correlation = spread_for_correlation(x, weight, geometry)
    check_method(func, method, correlation, what)
    return correlate(padded, swapped, correlation, method)


def _transpose_cause(stride: tuple[int, ...], dilation: tuple[int, ...]) -> str:
    parts = [f"{name}={value}" for name, value in (("stride", stride), ("dilation", dilation))
             if any(v > 1 for v in value)]  # fmt: skip
    return " and ".join(parts) or "the input and kernel sizes"


def _conv_transpose(
    func: str,
    nd: int,
    x: Any,
    weight: Any,
    bias: Any,
    stride: Any,
    padding: Any,
    output_padding: Any,
    dilation: Any,
    groups: Any,
    data_format: Any,
    method: Any,
) -> np.ndarray:
    data_format = data_format_for(data_format, nd, func)
    x, weight, stride, dilation, groups = check_conv_inputs(
        func, nd, x, weight, stride, dilation, groups,
        x_hint=f"({', '.join(data_format)})", w_hint="(C_in, C_out/groups, *kernel)",
    )  # fmt: skip
    output_padding = int_tuple(output_padding, nd, func, "output_padding", minimum=0)
    x = convert_layout(x, data_format, channels_first(nd))
    c_in = x.shape[1]
    if weight.shape[0] != c_in:
        raise ValueError(
            f"{func}: weight must have shape (C_in, C_out/groups, *kernel) with C_in={c_in} "
            f"(the channels of x), got weight shape {weight.shape}"
        )
    check_groups(groups, c_in, None, func)
    c_out = weight.shape[1] * groups
    kernel = weight.shape[2:]
    pads = normalize_padding(
        padding, x.shape[2:], kernel, stride, dilation, func=func, allow_strings=()
    )
    for size, k, s, (before, after), extra, d in zip(
        x.shape[2:], kernel, stride, pads, output_padding, dilation
    ):
        check_output_padding(extra, s, d, func)
        full = (size - 1) * s + d * (k - 1) + extra + 1
        if before + after >= full:
            raise ValueError(
                f"{func}: padding {before}+{after} removes the whole output of length {full} "
                f"(input length {size}, kernel_size={k}, stride={s}, dilation={d})"
            )
    bias = check_bias(bias, c_out, func)
    method = check_choice(method, METHOD_NAMES, func, "method")
    compute, returned = result_dtype(func, x, weight, bias=bias)
    geometry = TransposeGeometry(
        n=x.shape[0],
        c_in=c_in,
        c_out=c_out,
        groups=groups,
        spatial=x.shape[2:],
        kernel=kernel,
        stride=stride,
        dilation=dilation,
        pads=pads,
        output_padding=output_padding,
        dtype=compute,
        data_format=data_format,
    )
    arrays = [("the output", geometry.y_shape, compute)]
    if method not in TRANSPOSE_REGISTRY and (method != "auto" or all(s == 1 for s in stride)):
        arrays.append(("the spread input", _spread_shape(geometry), compute))
    check_fits(func, arrays, _transpose_cause(stride, dilation))
    y = transpose_correlate(
        x.astype(compute, copy=False), weight.astype(compute, copy=False), geometry, method, func
    )
    return finish(y, bias, geometry, returned)


_METHOD_DOC = """    method : {"auto", "scatter", "loop", "einsum", "gemm", ...}, optional
        ``"scatter"`` adds each input value's contribution, the kernel scaled by
        it, into the output (about ``prod(stride)`` times fewer multiply-adds than
        the alternative, more for small inputs); any method of
        :func:`~convlib.conv2d` computes instead the equal correlation of the
        input spread with ``stride - 1`` zeros and padded with more, by that
        method. A NaN or inf in the kernel times those zeros makes NaN where
        the transposed convolution has none, so ``"auto"`` scatters when the
        kernel holds one, or when the stride is above 1; otherwise it
        correlates by the cheapest method."""


def conv_transpose2d(
    x: Any,
    weight: Any,
    bias: Any = None,
    *,
    stride: Any = 1,
    padding: Any = 0,
    output_padding: Any = 0,
    dilation: Any = 1,
    groups: int = 1,
    data_format: str = "NCHW",
    method: str = "auto",
) -> np.ndarray:
    """2-D transposed convolution, as ``torch.nn.functional.conv_transpose2d``.

    The adjoint of :func:`~convlib.conv2d` with the same settings: every
    input value scatters a scaled copy of the kernel into the output, at
    ``stride`` steps, and overlapping copies add up.

    .. math::

        y[n, c_o, i, j] &= b[c_o] + \\sum_{c, u, v, p, q} x[n, c, u, v]\\; w[c, c_o, p, q] \\\\
        &\\qquad \\cdot\\, [\\,i = u s_h + p d_h - p_t\\,]\\,[\\,j = v s_w + q d_w - p_l\\,]

    (within a group; ``[.]`` is 1 when the condition holds, else 0).

    Parameters
    ----------
    x : array_like, shape (N, C_in, H, W) or (N, H, W, C_in)
        Input batch, laid out as ``data_format`` says.
    weight : array_like, shape (C_in, C_out/groups, kh, kw)
        PyTorch's transposed-convolution layout, whatever ``data_format``.
    bias : array_like, shape (C_out,), optional
        Added to each output channel.
    stride : int or tuple of int, optional
        Stride of the convolution being transposed: the output grows by it.
    padding : int, tuple of int or tuple of (int, int), optional
        Padding of the convolution being transposed: removed from the output's
        borders.
    output_padding : int or tuple of int, optional
        Extra rows/columns after (bottom/right), smaller than stride or dilation.
    dilation : int or tuple of int, optional
        Spacing between kernel taps.
    groups : int, optional
        Independent channel groups.
    data_format : {"NCHW", "NHWC"}, optional
        Layout of ``x`` and of the result.
    {method}

    Returns
    -------
    numpy.ndarray, shape (N, C_out, H_out, W_out) or (N, H_out, W_out, C_out)
        Along each axis ``out = (in - 1) s - p_b - p_a + d (k - 1) + output_padding + 1``
        (:func:`~convlib.conv_transpose_output_size`).

    Notes
    -----
    Equal to "spread the input with ``s - 1`` zeros, pad by ``d (k - 1) - p``
    (and ``output_padding`` after), cross-correlate at dilation ``d`` with the
    flipped kernel, its channel axes swapped", which is how ``"auto"`` computes
    stride 1 (unless the kernel holds NaN or inf). With a larger stride that
    correlation would do ``H_out W_out / (H W)`` times the multiply-adds of the
    scatter (about ``s_h s_w`` for large inputs), most of them with spread
    zeros, so each input value's contribution is scattered instead:
    ``N H W C_in C_out/groups kh kw`` multiply-adds in matrix products (in
    blocks of bounded memory), then one strided add per kernel tap.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[[[1, 2], [3, 4]]]])
    >>> conv_transpose2d(x, np.ones((1, 1, 2, 2), dtype=int), stride=2)[0, 0]
    array([[1, 1, 2, 2],
           [1, 1, 2, 2],
           [3, 3, 4, 4],
           [3, 3, 4, 4]])
    >>> conv_transpose2d(x, np.ones((1, 1, 3, 3), dtype=int))[0, 0]
    array([[ 1,  3,  3,  2],
           [ 4, 10, 10,  6],
           [ 4, 10, 10,  6],
           [ 3,  7,  7,  4]])
    >>> conv_transpose2d(np.ones((1, 4, 5, 5)), np.ones((4, 2, 3, 3)), stride=2, padding=1,
    ...                  output_padding=1).shape
    (1, 2, 10, 10)
    """
    return _conv_transpose(
        "conv_transpose2d", 2, x, weight, bias, stride, padding, output_padding, dilation,
        groups, data_format, method,
    )  # fmt: skip


def conv_transpose1d(
    x: Any,
    weight: Any,
    bias: Any = None,
    *,
    stride: Any = 1,
    padding: Any = 0,
    output_padding: Any = 0,
    dilation: Any = 1,
    groups: int = 1,
    data_format: str = "NCL",
    method: str = "auto",
) -> np.ndarray:
    """1-D transposed convolution, as ``torch.nn.functional.conv_transpose1d``.

    The same operation as :func:`conv_transpose2d` on signals: ``x`` is
    ``(N, C_in, L)`` (or ``(N, L, C_in)`` with ``data_format="NLC"``) and
    ``weight`` ``(C_in, C_out/groups, k)``.

    Parameters
    ----------
    x : array_like, shape (N, C_in, L) or (N, L, C_in)
        Input batch.
    weight : array_like, shape (C_in, C_out/groups, k)
        Kernel in PyTorch's transposed layout.
    bias : array_like, shape (C_out,), optional
        Added to each output channel.
    stride, padding, output_padding, dilation, groups
        As in :func:`conv_transpose2d`, with one value per axis.
    data_format : {"NCL", "NLC"}, optional
        Layout of ``x`` and of the result.
    {method}

    Returns
    -------
    numpy.ndarray, shape (N, C_out, L_out) or (N, L_out, C_out)
        ``L_out = (L - 1) s - p_b - p_a + d (k - 1) + output_padding + 1``.

    Examples
    --------
    >>> conv_transpose1d([[[1, 2, 3]]], [[[1, 1]]], stride=2)
    array([[[1, 1, 2, 2, 3, 3]]])
    """
    return _conv_transpose(
        "conv_transpose1d", 1, x, weight, bias, stride, padding, output_padding, dilation,
        groups, data_format, method,
    )  # fmt: skip


def conv_transpose3d(
    x: Any,
    weight: Any,
    bias: Any = None,
    *,
    stride: Any = 1,
    padding: Any = 0,
    output_padding: Any = 0,
    dilation: Any = 1,
    groups: int = 1,
    data_format: str = "NCDHW",
    method: str = "auto",
) -> np.ndarray:
    """3-D transposed convolution, as ``torch.nn.functional.conv_transpose3d``.

    Parameters
    ----------
    x : array_like, shape (N, C_in, D, H, W) or (N, D, H, W, C_in)
        Input batch.
    weight : array_like, shape (C_in, C_out/groups, kd, kh, kw)
        Kernel in PyTorch's transposed layout.
    bias : array_like, shape (C_out,), optional
        Added to each output channel.
    stride, padding, output_padding, dilation, groups
        As in :func:`conv_transpose2d`, with one value per axis.
    data_format : {"NCDHW", "NDHWC"}, optional
        Layout of ``x`` and of the result.
    {method}

    Returns
    -------
    numpy.ndarray, shape (N, C_out, D_out, H_out, W_out) or (N, D_out, H_out, W_out, C_out)
        Each axis as in :func:`~convlib.conv_transpose_output_size`.

    Examples
    --------
    >>> import numpy as np
    >>> conv_transpose3d(np.ones((1, 1, 2, 2, 2)), np.ones((1, 3, 2, 2, 2)), stride=2).shape
    (1, 3, 4, 4, 4)
    """
    return _conv_transpose(
        "conv_transpose3d", 3, x, weight, bias, stride, padding, output_padding, dilation,
        groups, data_format, method,
    )  # fmt: skip


for _function in (conv_transpose1d, conv_transpose2d, conv_transpose3d):
    _function.__doc__ = (_function.__doc__ or "").replace("    {method}", _METHOD_DOC)
