"""The cost model behind ``method="auto"``: operation and memory-traffic counts.

Every method computes the same numbers; they differ in how much work they do
and in what kind. :func:`choose_conv_method` counts, for each method that can
run a given convolution,

* the multiply-adds done inside BLAS matrix products, and how efficient those
  products can be given their shapes (a product whose inner dimension or
  output width is small cannot reuse data in registers and caches);
* the element visits of NumPy's element-wise passes (copies, re-layouts,
  transforms, multiply and add passes), which are limited by memory traffic;
* the points times ``log2`` of the FFTs;
* the NumPy calls issued from Python, each a fixed overhead;

and weighs them by throughput ratios that hold across current CPUs (not
seconds measured on one machine): a core does about :data:`ELEMENT_COST`
BLAS multiply-adds in the time it streams one array element through an
element-wise pass, about :data:`FFT_COST` per point and ``log2`` of an FFT, and
about :data:`CALL_COST` in the time of one Python-level NumPy call. The unit
of the resulting ``cost`` is one multiply-add in an efficient BLAS product.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from .depthwise import DEPTHWISE_BLOCK_BYTES, depthwise_supports
from .fft import fft_shape, fft_supports, kernel_spectra_multiply_adds, spectrum_shape
from .gemm import IM2COL_BUFFER_BYTES
from .winograd import WINOGRAD_BLOCK_BYTES, winograd_supports

__all__ = [
    "CALL_COST",
    "ELEMENT_COST",
    "FFT_COST",
    "MethodCost",
    "choose_conv_method",
    "method_supports",
]

#: BLAS multiply-adds per element visited by an element-wise NumPy pass. A core's
#: SIMD units do 16-64 multiply-adds per cycle inside a matrix product, while a
#: pass that reads and writes memory moves a few elements per cycle.
ELEMENT_COST = 8.0
#: BLAS multiply-adds per point and per ``log2`` of a real FFT (about 2.5 flops
#: each, but strided, shuffling memory passes with little SIMD reuse).
FFT_COST = 16.0
#: BLAS multiply-adds in the time of one NumPy call from Python (about a
#: microsecond of interpreter and dispatch overhead).
CALL_COST = 1e5
#: Inner dimension and output width at which a matrix product runs at half its
#: best speed (it spends as long moving its output block as multiplying).
GEMM_HALF_K = 16
GEMM_HALF_N = 16

#: Methods that round (floating-point transforms) and so never see integers.
_FLOAT_ONLY = ("fft", "winograd", "winograd4")


class MethodCost(NamedTuple):
    """What one method would do for one convolution (see :func:`choose_conv_method`)."""

    #: Real multiply-adds done inside BLAS matrix products.
    blas_multiply_adds: float
    #: Their expected share of BLAS's best speed (0 to 1], from the product shapes.
    blas_efficiency: float
    #: Array elements read or written by element-wise NumPy passes.
    elements: float
    #: Points times log2(points), summed over the FFTs.
    fft_points_log2: float
    #: NumPy calls issued from Python.
    calls: float
    #: Extra memory the method allocates, in bytes (its stated bound).
    extra_bytes: float
    #: The modelled time, in units of one efficient BLAS multiply-add; inf if it cannot run.
    cost: float
    #: Why the method cannot run this convolution, or None.
    reason: str | None


def _efficiency(k: float, n: float) -> float:
    return (k / (k + GEMM_HALF_K)) * (n / (n + GEMM_HALF_N))


def _cost(
    blas: float = 0.0,
    efficiency: float = 1.0,
    elements: float = 0.0,
    fft: float = 0.0,
    calls: float = 0.0,
    extra_bytes: float = 0.0,
) -> MethodCost:
    cost = blas / efficiency + ELEMENT_COST * elements + FFT_COST * fft + CALL_COST * calls
    return MethodCost(blas, efficiency, elements, fft, calls, extra_bytes, cost, None)


def _unavailable(reason: str) -> MethodCost:
    return MethodCost(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, math.inf, reason)


def method_supports(
    method: str,
    x_shape: Sequence[int],
    w_shape: Sequence[int],
    stride: Sequence[int],
    dilation: Sequence[int],
    groups: int,
    dtype: Any,
) -> str | None:
    """Why ``method`` cannot compute this (padded) correlation, or None when it can."""
    dtype = np.dtype(dtype)
    if method in ("winograd", "winograd4"):
        return winograd_supports(x_shape, w_shape, stride, dilation, dtype)
    if method == "fft":
        return fft_supports(dtype)
    if method == "depthwise":
        return depthwise_supports(x_shape, w_shape, groups)
    return None


def _method_costs(
    x_shape: tuple[int, ...],
    w_shape: tuple[int, ...],
    stride: tuple[int, ...],
    dilation: tuple[int, ...],
    groups: int,
    dtype: np.dtype,
) -> dict[str, MethodCost]:
    """Counts of every method, for a padded channels-first input."""
    n, c_in = x_shape[:2]
    spatial = x_shape[2:]
    c_out, c_in_g = w_shape[:2]
    kernel = w_shape[2:]
    c_out_g = c_out // groups
    item = dtype.itemsize
    out = tuple(
        (size - d * (k - 1) - 1) // s + 1
        for size, k, s, d in zip(spatial, kernel, stride, dilation)
    )
    taps = math.prod(kernel)
    positions = n * math.prod(out)
    macs = float(positions * c_out * c_in_g * taps)
    x_size, y_size = float(n * c_in * math.prod(spatial)), float(positions * c_out)
    integer = dtype.kind != "f"
    # NumPy multiplies integer matrices without BLAS, element by element.
    blas_or_not = (lambda e: 1.0 / ELEMENT_COST) if integer else (lambda e: e)
    costs: dict[str, MethodCost] = {}

    # loop: one Python iteration (several NumPy calls) per output value.
    costs["loop"] = _cost(elements=2 * macs, calls=4 * y_size)

    # gemm: a channels-last copy of x, im2col blocks (a gathered copy of every
    # window), one product per block.
    window = c_in_g * taps
    blocks = max(1.0, groups * positions * window * item / IM2COL_BUFFER_BYTES)
    costs["gemm"] = _cost(
        blas=macs,
        efficiency=blas_or_not(_efficiency(window, c_out_g)),
        elements=2 * x_size + 2 * positions * window * groups + 2 * y_size,
        calls=6 * blocks * groups + 12,
        extra_bytes=x_size * item
        + min(positions * window * item, IM2COL_BUFFER_BYTES)
        + y_size * item,
    )

    # shifted: one product per tap on the padded (phase) grid; re-layout in and out.
    grid = math.prod(-(-size // s) for size, s in zip(spatial, stride))
    if taps == 1:
        shifted_macs, relayout = macs, x_size / math.prod(stride) + y_size
        shifted_calls = groups + 5
    else:
        shifted_macs = float(n * grid * c_out * c_in_g * taps)
        relayout = 2 * x_size + 2 * n * grid * c_out
        shifted_calls = 3 * groups * taps + 15  # a BLAS call through scipy costs a few
    costs["shifted"] = _cost(
        blas=shifted_macs,
        efficiency=blas_or_not(_efficiency(c_in_g, c_out_g)),
        elements=relayout,
        calls=shifted_calls,
        extra_bytes=(x_size + n * grid * c_out) * item,
    )

    # winograd F(m x m, 3x3): tile products plus the three transforms.
    for name, m in (("winograd", 2), ("winograd4", 4)):
        reason = method_supports(name, x_shape, w_shape, stride, dilation, groups, dtype)
        if reason is not None:
            costs[name] = _unavailable(reason)
            continue
        t = m + 2
        tiles = n * math.prod(-(-o // m) for o in out)
        tile_elements = tiles * t * t
        # Images are processed in blocks (WINOGRAD_BLOCK_BYTES of V); each block reads all of U.
        per_image = t * t * c_in * (tiles // n) * item
        blocks_w = math.ceil(n / max(1, min(n, WINOGRAD_BLOCK_BYTES // max(per_image, 1))))
        # t*t products of (c_out_g, c_in_g) @ (c_in_g, tiles): few tiles, narrow products
        products = float(tile_elements * c_out * c_in_g)
        product_efficiency = _efficiency(c_in_g, min(c_out_g, tiles))
        # the transforms, each one product with a Kronecker matrix of t*t (or 9) columns
        transforms = float(
            tile_elements * t * t * c_in
            + tiles * m * m * t * t * c_out
            + t * t * 9 * c_out * c_in_g
        )
        transform_efficiency = t * t / (t * t + GEMM_HALF_K)  # long rows: only K limits them
        costs[name] = _cost(
            blas=products + transforms,
            efficiency=(products + transforms)
            / (products / product_efficiency + transforms / transform_efficiency),
            # gather + transform in; transform + scatter out; U made, then read per block
            elements=2.0 * tile_elements * c_in
            + (tile_elements + 2.0 * tiles * m * m) * c_out
            + (1.0 + blocks_w) * t * t * c_out * c_in_g,
            calls=12 + blocks_w * (13 + groups),  # setup; per block: gather, transforms, scatter
            extra_bytes=t * t * (c_out * c_in_g + tiles * (c_in + c_out)) * item,
        )

    # depthwise: a multiply pass and an add pass per tap over cache-sized blocks.
    reason = method_supports("depthwise", x_shape, w_shape, stride, dilation, groups, dtype)
    if reason is None:
        if all(s == 1 for s in stride):  # on the whole padded grid, then the kept part copied
            grid_points = math.prod(spatial)
            passes = 3.0 * n * c_out * grid_points * taps + 2 * y_size
        else:
            grid_points, passes = math.prod(out), 3.0 * macs
        plane = c_out_g * grid_points * item
        blocks_dw = n * max(1.0, c_in / max(1.0, DEPTHWISE_BLOCK_BYTES / max(plane, 1)))
        costs["depthwise"] = _cost(
            elements=passes,
            calls=2 * taps * blocks_dw + 10,
            extra_bytes=min(DEPTHWISE_BLOCK_BYTES, y_size * item),
        )
    else:
        costs["depthwise"] = _unavailable(reason)

    # fft: forward transforms of the inputs, kernel spectra (transforms for one channel per
    # group, matrix products otherwise), a product per frequency, inverse transforms.
    reason = method_supports("fft", x_shape, w_shape, stride, dilation, groups, dtype)
    if reason is None:
        shape = fft_shape(spatial)
        points = math.prod(shape)
        freqs = math.prod(spectrum_shape(shape))
        log_points = points * math.log2(max(points, 2))
        complex_macs = float(n * c_out * c_in_g * freqs)
        if c_in_g == 1:
            kernel_share = min(1.0, 0.4 + 0.6 * kernel[0] * dilation[0] / shape[0])
            transforms = n * c_in + kernel_share * c_out + n * c_out
            fft_cost = _cost(
                elements=4.0 * complex_macs + 2.0 * n * c_out * freqs,
                fft=transforms * log_points,
                calls=30 + 6 * groups,
                extra_bytes=2 * item * freqs * (n * c_in + 2 * c_out),
            )
        else:  # kernel spectra by matrix products; one small complex product per frequency
            kernel_macs = kernel_spectra_multiply_adds(kernel, shape, c_out * c_in_g)
            product_efficiency = _efficiency(c_in_g, min(n, GEMM_HALF_N) * c_out_g) / 2
            kernel_efficiency = _efficiency(kernel[-1], c_out * c_in_g)
            blas = 4.0 * complex_macs + kernel_macs
            fft_cost = _cost(
                blas=blas,
                efficiency=blas
                / (4.0 * complex_macs / product_efficiency + kernel_macs / kernel_efficiency),
                # complex values count as two elements: the input spectra transposed to
                # frequencies first (read, write) and read by the products; the kernel
                # spectra's first axis (two real products, then copied into a complex
                # array), their full spectra written and read; the product written, then
                # transposed back for the inverse transforms (read, write).
                elements=6.0 * (n * c_in + n * c_out) * freqs
                + 4.0 * c_out * c_in_g * freqs
                + 6.0 * math.prod(kernel[:-1]) * spectrum_shape(shape)[-1] * c_out * c_in_g,
                fft=(n * c_in + n * c_out) * log_points,
                calls=30 + 6 * groups + groups * freqs / 20,
                extra_bytes=2 * item * freqs * (n * c_in + c_out * c_in_g + n * c_out),
            )
        costs["fft"] = fft_cost
    else:
        costs["fft"] = _unavailable(reason)
    return costs


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
    crossovers any choice costs about the same. ``"loop"`` is never chosen,
    and integer inputs never go to ``"fft"`` or Winograd, which round.

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
    from .._checks import check_int, int_tuple
    from ..padding import normalize_padding, padded_shape

    func = "choose_conv_method"
    x_shape = tuple(int(v) for v in x_shape)
    w_shape = tuple(int(v) for v in w_shape)
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
    pads = normalize_padding(padding, x_shape[2:], w_shape[2:], stride, dilation, func=func)
    padded = padded_shape(x_shape, pads)
    method, costs = _choose(padded, w_shape, stride, dilation, groups, np.dtype(dtype))
    return method, dict(costs)


@functools.lru_cache(maxsize=1024)  # a network calls the same few shapes again and again
def _choose(
    x_shape: tuple[int, ...],
    w_shape: tuple[int, ...],
    stride: tuple[int, ...],
    dilation: tuple[int, ...],
    groups: int,
    dtype: np.dtype,
) -> tuple[str, dict[str, MethodCost]]:
    """:func:`choose_conv_method` for an already padded, checked input."""
    costs = _method_costs(x_shape, w_shape, stride, dilation, groups, dtype)
    candidates = {name: c.cost for name, c in costs.items() if name != "loop"}
    if dtype.kind != "f":
        candidates = {name: c for name, c in candidates.items() if name not in _FLOAT_ONLY}
    return min(candidates, key=candidates.__getitem__), costs
