"""The geometry of one convolution, checked once and read by everything after.

A public function checks its arguments, translates layouts and padding, and
builds one frozen :class:`ConvGeometry` (or :class:`TransposeGeometry`): the
sizes of every axis, the explicit ``(before, after)`` padding, stride,
dilation, groups, the output size and the dtype to compute in. The methods in
:mod:`convlib.methods`, the cost model, pooling, the transposed convolution
and the backward pass read their sizes from it; the output-size formulas
(``output_length`` and ``transpose_output_length`` in ``convlib.arithmetic``)
are evaluated here, once per call.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ._checks import (
    as_numeric_array,
    check_bias,
    check_fits,
    check_groups,
    check_int,
    int_tuple,
    result_dtype,
)
from .arithmetic import check_window_fits, output_length, transpose_output_length
from .layouts import (
    channels_first,
    convert_layout,
    data_format_for,
    kernel_first,
    kernel_format_for,
    spatial_names,
)
from .padding import normalize_padding

__all__ = ["ConvGeometry", "TransposeGeometry", "conv_geometry"]

Pads = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class _Channels:
    """What both geometries hold of batch, channels, sizes and settings, and derive from it."""

    n: int
    c_in: int
    c_out: int
    groups: int
    spatial: tuple[int, ...]
    kernel: tuple[int, ...]
    stride: tuple[int, ...]
    dilation: tuple[int, ...]
    pads: Pads
    #: The output's spatial size, computed when the object is made.
    out: tuple[int, ...] = field(init=False)

    @property
    def nd(self) -> int:
        """Number of spatial axes."""
        return len(self.spatial)

    @property
    def c_in_g(self) -> int:
        """Input channels per group."""
        return self.c_in // self.groups

    @property
    def c_out_g(self) -> int:
        """Output channels per group."""
        return self.c_out // self.groups

    @property
    def y_shape(self) -> tuple[int, ...]:
        """The output's shape, channels first: ``(n, c_out, *out)``."""
        return (self.n, self.c_out) + self.out


@dataclass(frozen=True)
class ConvGeometry(_Channels):
    """Sizes and settings of one cross-correlation, in channels-first order.

    The input is ``(n, c_in, *spatial)`` before padding, the kernel
    ``(c_out, c_in // groups, *kernel)`` and the output ``(n, c_out, *out)``;
    ``out`` is computed from the others when the object is made. Pooling uses
    the same geometry with ``c_out == c_in == groups`` and, if asked,
    ``ceil_mode``.
    """

    dtype: np.dtype
    ceil_mode: bool = False
    #: The caller's layouts, to translate the result back.
    data_format: str = ""
    kernel_format: str = ""

    def __post_init__(self) -> None:
        out = tuple(
            output_length(i, k, s, p, d, self.ceil_mode)
            for i, k, s, p, d in zip(
                self.spatial, self.kernel, self.stride, self.pads, self.dilation
            )
        )
        object.__setattr__(self, "out", out)
        object.__setattr__(self, "dtype", np.dtype(self.dtype))
        nd = len(self.spatial)
        if not self.data_format:
            object.__setattr__(self, "data_format", channels_first(nd))
        if not self.kernel_format:
            object.__setattr__(self, "kernel_format", kernel_first(nd))

    @classmethod
    def of_shapes(
        cls,
        x_shape: tuple[int, ...],
        w_shape: tuple[int, ...],
        dtype: Any,
        *,
        stride: tuple[int, ...] | None = None,
        pads: Pads | None = None,
        dilation: tuple[int, ...] | None = None,
        groups: int = 1,
        data_format: str = "",
        kernel_format: str = "",
    ) -> ConvGeometry:
        """The geometry of correlating a ``(n, c_in, *spatial)`` input with an OI... kernel.

        For arguments already checked to fit; stride, padding and dilation
        default to none.
        """
        nd = len(x_shape) - 2
        return cls(
            n=x_shape[0],
            c_in=x_shape[1],
            c_out=w_shape[0],
            groups=groups,
            spatial=tuple(x_shape[2:]),
            kernel=tuple(w_shape[2:]),
            stride=stride or (1,) * nd,
            dilation=dilation or (1,) * nd,
            pads=pads or ((0, 0),) * nd,
            dtype=dtype,
            data_format=data_format,
            kernel_format=kernel_format,
        )

    @classmethod
    def of_arrays(cls, x: np.ndarray, weight: np.ndarray, **settings: Any) -> ConvGeometry:
        """:meth:`of_shapes` of two channels-first arrays, in their result dtype.

        For compositions inside convlib whose arguments are already known to
        fit (the backward pass, transposed convolution, the SciPy API).
        """
        return cls.of_shapes(x.shape, weight.shape, np.result_type(x, weight), **settings)

    @property
    def padded(self) -> tuple[int, ...]:
        """Spatial sizes after padding."""
        return tuple(i + b + a for i, (b, a) in zip(self.spatial, self.pads))

    @property
    def spans(self) -> tuple[int, ...]:
        """Extent of the dilated kernel along each axis, ``d (k - 1) + 1``."""
        return tuple(d * (k - 1) + 1 for k, d in zip(self.kernel, self.dilation))

    @property
    def overhang(self) -> tuple[int, ...]:
        """Elements past the padded input that ``ceil_mode`` windows reach (0 without it)."""
        return tuple(
            max((o - 1) * s + span - size, 0)
            for o, s, span, size in zip(self.out, self.stride, self.spans, self.padded)
        )

    @property
    def taps(self) -> int:
        """Kernel taps per channel, ``prod(kernel)``."""
        return math.prod(self.kernel)

    @property
    def positions(self) -> int:
        """Output positions over the batch, ``n * prod(out)``."""
        return self.n * math.prod(self.out)

    @property
    def macs(self) -> int:
        """Multiply-adds of the direct method, ``n * prod(out) * c_out * c_in_g * taps``."""
        return self.positions * self.c_out * self.c_in_g * self.taps

    @property
    def unpadded(self) -> ConvGeometry:
        """The same convolution of an input already padded (pads all zero)."""
        return replace(self, spatial=self.padded, pads=((0, 0),) * self.nd)


@dataclass(frozen=True)
class TransposeGeometry(_Channels):
    """Sizes and settings of one transposed convolution, channels first.

    The input is ``(n, c_in, *spatial)``, the kernel PyTorch's
    ``(c_in, c_out // groups, *kernel)`` and the output ``(n, c_out, *out)``, with
    ``out = (in - 1) s - p_b - p_a + d (k - 1) + output_padding + 1``.
    """

    output_padding: tuple[int, ...]
    dtype: np.dtype
    data_format: str = ""

    def __post_init__(self) -> None:
        out = tuple(
            transpose_output_length(i, k, s, p, e, d)
            for i, k, s, p, e, d in zip(
                self.spatial, self.kernel, self.stride, self.pads, self.output_padding,
                self.dilation,
            )
        )  # fmt: skip
        object.__setattr__(self, "out", out)
        object.__setattr__(self, "dtype", np.dtype(self.dtype))
        if not self.data_format:
            object.__setattr__(self, "data_format", channels_first(len(self.spatial)))

    @property
    def uncropped(self) -> tuple[int, ...]:
        """The output before the padding is cropped: ``(in - 1) s + d (k - 1) + 1``."""
        return tuple(
            (i - 1) * s + d * (k - 1) + 1
            for i, s, d, k in zip(self.spatial, self.stride, self.dilation, self.kernel)
        )


def describe_padding(padding: Any, dilation: tuple[int, ...]) -> str:
    """The padding argument as the caller gave it, for a memory error's message."""
    if isinstance(padding, str) and any(d > 1 for d in dilation):
        return f"padding={padding!r} with dilation={dilation}"
    return f"padding={padding!r}"


def check_conv_inputs(
    func: str,
    nd: int,
    x: Any,
    weight: Any,
    stride: Any,
    dilation: Any,
    groups: Any,
    *,
    x_hint: str,
    w_hint: str,
) -> tuple[np.ndarray, np.ndarray, tuple[int, ...], tuple[int, ...], int]:
    """The checks every convolution makes of its arrays, stride, dilation and groups."""
    x = as_numeric_array(x, func, "x", ndim=nd + 2, shape_hint=x_hint, batch_axis=0)
    weight = as_numeric_array(weight, func, "weight", ndim=nd + 2, shape_hint=w_hint)
    stride = int_tuple(stride, nd, func, "stride", minimum=1)
    dilation = int_tuple(dilation, nd, func, "dilation", minimum=1)
    groups = check_int(groups, func, "groups", minimum=1)
    return x, weight, stride, dilation, groups


def conv_geometry(
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
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, ConvGeometry]:
    """Check a convolution call; return channels-first x, OI... weight, bias and the geometry.

    The geometry's dtype is the one to compute in, as ``result_dtype`` gives it.
    Refuses, before anything is allocated, a call whose padded input and output
    cannot fit in memory.
    """
    data_format = data_format_for(data_format, nd, func)
    kernel_format = kernel_format_for(kernel_format, data_format, nd, func)
    x, weight, stride, dilation, groups = check_conv_inputs(
        func, nd, x, weight, stride, dilation, groups,
        x_hint=f"({', '.join(data_format)}) for {data_format!r}",
        w_hint=f"({', '.join(kernel_format)})",
    )  # fmt: skip
    x = convert_layout(x, data_format, channels_first(nd))
    weight = convert_layout(weight, kernel_format, kernel_first(nd))
    c_in = x.shape[1]
    c_out, c_in_per_group = weight.shape[:2]
    check_groups(groups, c_in, c_out, func, out_axis=f"the 'O' axis of weight in {kernel_format!r}")
    if c_in_per_group * groups != c_in:
        raise ValueError(
            f"{func}: weight reads {c_in_per_group} input channels per group (its 'I' axis in "
            f"{kernel_format!r}), but x has c_in={c_in} channels and groups={groups}, which needs "
            f"{c_in // groups}"
        )
    bias = check_bias(bias, c_out, func)
    spatial = x.shape[2:]
    kernel = weight.shape[2:]
    pads = normalize_padding(padding, spatial, kernel, stride, dilation, func=func)
    for i, k, p, d, name in zip(spatial, kernel, pads, dilation, spatial_names(nd)):
        check_window_fits(i, k, p, d, func, axis_name=name)
    geometry = ConvGeometry.of_shapes(
        x.shape, weight.shape,
        result_dtype(func, x, weight, bias=bias)[0],
        stride=stride, pads=pads, dilation=dilation, groups=groups,
        data_format=data_format, kernel_format=kernel_format,
    )  # fmt: skip
    check_geometry_fits(func, geometry, describe_padding(padding, dilation))
    return x, weight, bias, geometry


def check_geometry_fits(func: str, geometry: ConvGeometry, cause: str) -> None:
    """Refuse a convolution whose padded input and output cannot fit in memory."""
    arrays = [("the output", geometry.y_shape, geometry.dtype)]
    if any(b or a for b, a in geometry.pads) or geometry.ceil_mode:
        padded = (geometry.n, geometry.c_in) + tuple(
            p + o for p, o in zip(geometry.padded, geometry.overhang)
        )
        arrays.append(("the padded input", padded, geometry.dtype))
    check_fits(func, arrays, cause)


def check_grad_output(func: str, grad_output: Any, geometry: ConvGeometry, of: str) -> np.ndarray:
    """``grad_output`` checked against the output ``geometry`` describes, in its layout.

    ``of`` names that output in the message, e.g. "the forward output's".
    """
    data_format = geometry.data_format
    grad = as_numeric_array(
        grad_output,
        func,
        "grad_output",
        ndim=len(data_format),
        shape_hint=f"({', '.join(data_format)})",
        batch_axis=0,
    )
    channels_first = "NC" + data_format.replace("N", "").replace("C", "")
    expected = tuple(geometry.y_shape[channels_first.index(letter)] for letter in data_format)
    if grad.shape != expected:
        raise ValueError(
            f"{func}: grad_output must have {of} shape {expected} in {data_format!r}, "
            f"got {grad.shape}"
        )
    return grad
