"""Counting a convolution's parameters and multiply-accumulates (MACs)."""

from __future__ import annotations

import math
from typing import Any, NamedTuple

from ._checks import check_bool, check_groups, check_int, int_tuple
from .arithmetic import _output_length
from .padding import normalize_padding

__all__ = ["ConvCost", "conv_cost"]


class ConvCost(NamedTuple):
    """What :func:`conv_cost` returns."""

    #: Number of weights plus biases.
    params: int
    #: Multiply-accumulates for the whole batch.
    macs: int
    #: Spatial size of the output, one entry per axis.
    output_size: tuple[int, ...]


def conv_cost(
    input_size: Any,
    in_channels: int,
    out_channels: int,
    kernel_size: Any,
    *,
    stride: Any = 1,
    padding: Any = 0,
    dilation: Any = 1,
    groups: int = 1,
    bias: bool = True,
    batch_size: int = 1,
) -> ConvCost:
    """Parameters and multiply-accumulates of a convolution layer.

    Parameters
    ----------
    input_size : int or tuple of int
        Spatial size of the input: one int per axis (``(H, W)`` for 2-D), or
        one int for a square 2-D input.
    in_channels, out_channels : int
        ``C_in`` and ``C_out``.
    kernel_size : int or tuple of int
        Kernel size, one per axis or one for all.
    stride, padding, dilation
        As in :func:`~convlib.conv2d`.
    groups : int, optional
        Channel groups (``groups == in_channels`` is depthwise).
    bias : bool, optional
        Whether the layer has a bias.
    batch_size : int, optional
        Number of images the MACs count covers.

    Returns
    -------
    ConvCost
        ``params = C_out * (C_in / groups) * prod(k) + C_out * bias`` and
        ``macs = batch_size * prod(out) * C_out * (C_in / groups) * prod(k)``,
        with ``out`` from :func:`~convlib.conv_output_size`.

    Examples
    --------
    A 3x3 convolution, 32 -> 64 channels, on a 112x112 map, against its
    depthwise-separable replacement (MobileNet):

    >>> dense = conv_cost(112, 32, 64, 3, padding=1, bias=False)
    >>> depthwise = conv_cost(112, 32, 32, 3, padding=1, groups=32, bias=False)
    >>> pointwise = conv_cost(112, 32, 64, 1, bias=False)
    >>> dense.params, depthwise.params + pointwise.params
    (18432, 2336)
    >>> dense.macs, depthwise.macs + pointwise.macs
    (231211008, 29302784)
    """
    func = "conv_cost"
    if isinstance(input_size, (list, tuple)):
        sizes = tuple(check_int(v, func, "input_size", minimum=1) for v in input_size)
        if not sizes:
            raise ValueError(f"{func}: input_size must name at least one axis, got {input_size!r}")
    else:
        sizes = (check_int(input_size, func, "input_size", minimum=1),) * 2
    nd = len(sizes)
    c_in = check_int(in_channels, func, "in_channels", minimum=1)
    c_out = check_int(out_channels, func, "out_channels", minimum=1)
    kernel = int_tuple(kernel_size, nd, func, "kernel_size", minimum=1)
    strides = int_tuple(stride, nd, func, "stride", minimum=1)
    dilations = int_tuple(dilation, nd, func, "dilation", minimum=1)
    groups = check_int(groups, func, "groups", minimum=1)
    batch_size = check_int(batch_size, func, "batch_size", minimum=1)
    bias = check_bool(bias, func, "bias")
    check_groups(groups, c_in, c_out, func, names=("in_channels", "out_channels"))
    pads = normalize_padding(padding, sizes, kernel, strides, dilations, func=func)
    out = tuple(
        _output_length(i, k, s, p, d, False, func)
        for i, k, s, p, d in zip(sizes, kernel, strides, pads, dilations)
    )
    weights = c_out * (c_in // groups) * math.prod(kernel)
    params = weights + (c_out if bias else 0)
    macs = batch_size * math.prod(out) * weights
    return ConvCost(params=params, macs=macs, output_size=out)
