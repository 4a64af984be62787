"""The cost model behind ``method="auto"``: operation and memory-traffic counts.

Every method computes the same numbers; they differ in how much work they do
and in what kind. Each method's record (:mod:`convlib.methods.base`) counts,
for a convolution it can run, the multiply-adds inside BLAS matrix products and
their efficiency, the element visits of NumPy's element-wise passes, the FFT
points and the NumPy calls; :func:`choose_conv_method` adds them up with the
weights of :mod:`convlib.methods.base` and picks the cheapest.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence
from typing import Any

import numpy as np

from .._checks import check_int, int_tuple
from ..arithmetic import check_window_fits
from ..geometry import ConvGeometry
from ..layouts import spatial_names
from ..padding import normalize_padding
from .base import MethodCost
from .registry import REGISTRY

__all__ = ["MethodCost", "choose", "choose_conv_method"]


def choose_conv_method(
    x_shape: Sequence[int],
    w_shape: Sequence[int],
    *,
    stride: Any = 1,
    padding: Any = 0,
    dilation: Any = 1,
    groups: int = 1,
    dtype: Any = "float32",
) -> tuple[str, dict[str, MethodCost]]:
    """The method ``method="auto"`` runs for a convolution, and the counts behind the choice.

    Parameters
    ----------
    x_shape : sequence of int, ``(N, C_in, *spatial)``
        Input shape, channels first (1, 2 or 3 spatial axes).
    w_shape : sequence of int, ``(C_out, C_in/groups, *kernel)``
        Kernel shape, OIHW order.
    stride, padding, dilation, groups
        As in :func:`convlib.conv2d`.
    dtype : dtype-like, optional
        Dtype of the computation: floating point, or an integer dtype (then
        only exact methods are candidates).

    Returns
    -------
    method : str
        The cheapest method in the model.
    counts : dict of str to MethodCost
        For every method: BLAS multiply-adds and their efficiency, element
        visits, FFT points, NumPy calls, extra bytes, the modelled ``cost`` (in
        units of one BLAS multiply-add) and, for methods that cannot run, the
        ``reason``.

    Notes
    -----
    The model is coarse on purpose: it is right when one method is clearly
    cheaper (a large kernel for ``"fft"``, a 3x3 kernel with many channels for
    Winograd, one channel per group for ``"depthwise"``) and near the
    crossovers any choice costs about the same. ``"loop"`` and ``"einsum"``
    (the readable rungs) are never chosen, and integer inputs never go to
    ``"fft"`` or Winograd, which round. The choice assumes finite input: a
    convolution function whose input holds NaN or inf replaces a transform
    method by the cheapest exact one.

    Examples
    --------
    >>> method, counts = choose_conv_method((1, 1, 512, 512), (1, 1, 31, 31), padding=15)
    >>> method
    'fft'
    >>> counts["fft"].cost < counts["shifted"].cost / 10
    True
    >>> choose_conv_method((8, 64, 56, 56), (64, 64, 3, 3), padding=1)[0]
    'winograd4'
    >>> choose_conv_method((8, 64, 56, 56), (64, 64, 3, 3), padding=1, dtype="int64")[0]
    'gemm'
    >>> choose_conv_method((8, 128, 56, 56), (128, 1, 3, 3), padding=1, groups=128)[0]
    'depthwise'
    >>> print(counts["winograd"].reason)
    it needs a 3x3 kernel, got (31, 31)
    """
    func = "choose_conv_method"
    x_shape = _shape(x_shape, func, "x_shape")
    w_shape = _shape(w_shape, func, "w_shape")
    nd = len(x_shape) - 2
    if nd not in (1, 2, 3) or len(w_shape) != nd + 2:
        raise ValueError(
            f"{func}: x_shape must be (N, C_in, *spatial) with 1 to 3 spatial axes and w_shape "
            f"(C_out, C_in/groups, *kernel) with as many, got x_shape={x_shape}, w_shape={w_shape}"
        )
    stride = int_tuple(stride, nd, func, "stride", minimum=1)
    dilation = int_tuple(dilation, nd, func, "dilation", minimum=1)
    groups = check_int(groups, func, "groups", minimum=1)
    if x_shape[1] != w_shape[1] * groups or w_shape[0] % groups:
        raise ValueError(
            f"{func}: w_shape={w_shape} does not fit x_shape={x_shape} with groups={groups} "
            f"(need C_in == w_shape[1] * groups and groups dividing C_out)"
        )
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{func}: dtype must be a NumPy dtype, got {dtype!r}") from None
    if dtype.kind not in "iuf":
        raise TypeError(
            f"{func}: dtype must be a real floating or integer dtype, got {dtype} "
            f"(convlib's convolutions take real numbers)"
        )
    spatial, kernel = x_shape[2:], w_shape[2:]
    pads = normalize_padding(padding, spatial, kernel, stride, dilation, func=func)
    for i, k, p, d, name in zip(spatial, kernel, pads, dilation, spatial_names(nd)):
        check_window_fits(i, k, p, d, func, axis_name=name)
    geometry = ConvGeometry.of_shapes(
        x_shape, w_shape, dtype, stride=stride, pads=pads, dilation=dilation, groups=groups
    )
    method, costs = choose(geometry)
    return method, dict(costs)


def _shape(value: Any, func: str, name: str) -> tuple[int, ...]:
    """A shape: a sequence of positive integers."""
    if isinstance(value, str) or not isinstance(value, (Sequence, np.ndarray)):
        raise TypeError(f"{func}: {name} must be a sequence of integers, got {value!r}")
    return tuple(check_int(v, func, name, minimum=1) for v in value)


def _canonical(geometry: ConvGeometry) -> ConvGeometry:
    """The geometry with what the costs do not depend on (the padding's split, the caller's
    layouts) left out."""
    return dataclasses.replace(geometry.unpadded, data_format="", kernel_format="")


@functools.lru_cache(maxsize=1024)  # a network calls the same few shapes again and again
def choose(geometry: ConvGeometry, exact_only: bool = False) -> tuple[str, dict[str, MethodCost]]:
    """The cheapest method for ``geometry`` (among the exact ones, if asked), and every cost."""
    return _choose(_canonical(geometry), exact_only)


@functools.lru_cache(maxsize=1024)  # geometries that differ only in layouts share their costs
def _choose(geometry: ConvGeometry, exact_only: bool) -> tuple[str, dict[str, MethodCost]]:
    """:func:`choose` of a canonical geometry: every method costed, the cheapest picked."""
    costs = {name: method.cost(geometry) for name, method in REGISTRY.items()}
    candidates = {
        name: costs[name].cost
        for name, method in REGISTRY.items()
        if method.auto and (method.exact or not exact_only)
    }
    return min(candidates, key=candidates.__getitem__), costs
