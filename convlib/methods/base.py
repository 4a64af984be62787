"""What every method is: one record, with the same contract for all.

A :class:`Method` says how an algorithm runs, which convolutions it can
compute (and why not the others), what it costs in the model behind
``method="auto"``, and whether it is exact. Each algorithm's module under
:mod:`convlib.methods` defines its record next to its code;
:mod:`convlib.methods.registry` lists them.

The contract of ``run(x, weight, geometry)``: ``x`` is the *unpadded*
channels-first input ``(n, c_in, *spatial)`` and ``weight`` the kernel
``(c_out, c_in // groups, *kernel)``, both already in ``geometry.dtype``; the
result is ``(n, c_out, *geometry.out)`` in the same dtype. Padding is
``geometry.pads``: most methods call :func:`~convlib.padding.pad_spatial`
first; ``"fft"`` writes the zeros straight into its transform buffer.

The cost model counts, for each method, the multiply-adds done inside BLAS
matrix products and how efficient those products can be given their shapes;
the element visits of NumPy's element-wise passes; the points times ``log2``
of the FFTs; and the NumPy calls issued from Python. It weighs them by
throughput ratios meant to hold across CPUs (not seconds measured on one
machine): a core does about :data:`ELEMENT_COST` BLAS multiply-adds in the
time it streams one array element through an element-wise pass, about
:data:`FFT_COST` per point and ``log2`` of an FFT, and about :data:`CALL_COST`
in the time of one Python-level NumPy call. The unit of the resulting
``cost`` is one multiply-add in an efficient BLAS product.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from ..geometry import ConvGeometry, TransposeGeometry

__all__ = [
    "CALL_COST",
    "ELEMENT_COST",
    "FFT_COST",
    "GEMM_HALF_K",
    "GEMM_HALF_N",
    "Method",
    "MethodCost",
    "TransposeMethod",
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


def gemm_efficiency(k: float, n: float) -> float:
    """Share of BLAS's best speed of a product with inner dimension ``k``, output width ``n``."""
    return (k / (k + GEMM_HALF_K)) * (n / (n + GEMM_HALF_N))


def counted(
    blas: float = 0.0,
    efficiency: float = 1.0,
    elements: float = 0.0,
    fft: float = 0.0,
    calls: float = 0.0,
    extra_bytes: float = 0.0,
) -> MethodCost:
    """A method's counts, and the modelled cost they add up to."""
    cost = blas / efficiency + ELEMENT_COST * elements + FFT_COST * fft + CALL_COST * calls
    return MethodCost(blas, efficiency, elements, fft, calls, extra_bytes, cost, None)


def unavailable(reason: str) -> MethodCost:
    """The counts of a method that cannot run: infinite cost, and why."""
    return MethodCost(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, math.inf, reason)


def blas_or_not(efficiency: float, geometry: ConvGeometry) -> float:
    """NumPy multiplies integer matrices without BLAS, element by element."""
    return 1.0 / ELEMENT_COST if geometry.dtype.kind != "f" else efficiency


def supports_everything(geometry: ConvGeometry) -> str | None:
    return None


@dataclass(frozen=True)
class Method:
    """One algorithm that cross-correlates: how it runs, what it supports, what it costs.

    Every method's ``run(x, weight, geometry)`` takes the *unpadded*
    channels-first input ``x`` of shape ``(n, c_in, *spatial)`` and the kernel
    ``weight`` of shape ``(c_out, c_in // groups, *kernel)``, both already in
    ``geometry.dtype``, and the call's :class:`~convlib.geometry.ConvGeometry`;
    it returns ``(n, c_out, *geometry.out)`` in the same dtype.
    """

    #: The name ``method=`` takes.
    name: str
    #: ``run(x, weight, geometry) -> y``, with the contract of this module.
    run: Callable[[np.ndarray, np.ndarray, ConvGeometry], np.ndarray]
    #: The model's counts for a convolution the method supports.
    counts: Callable[[ConvGeometry], MethodCost]
    #: Why the method cannot compute a convolution, or None when it can.
    supports: Callable[[ConvGeometry], str | None] = supports_everything
    #: Whether it computes the formula's products and sums one by one: exact for
    #: integers, and NaN or inf exactly where the formula puts them. Methods
    #: that transform (FFT, Winograd) round, and mix every value of a tile or
    #: of the whole input: they refuse integers, and ``"auto"`` does not pick
    #: them for input with NaN or inf.
    exact: bool = True
    #: Whether ``method="auto"`` may pick it.
    auto: bool = True
    #: One line for the documentation's table of methods.
    summary: str = ""

    def why_not(self, geometry: ConvGeometry) -> str | None:
        """Why this method cannot compute ``geometry``, or None when it can."""
        reason = self.supports(geometry)
        if reason is None and not self.exact and geometry.dtype.kind != "f":
            reason = "it rounds (floating-point transforms), so integer inputs would not stay exact"
        return reason

    def cost(self, geometry: ConvGeometry) -> MethodCost:
        """The model's counts and cost, or an infinite cost with the reason."""
        reason = self.why_not(geometry)
        return unavailable(reason) if reason is not None else self.counts(geometry)


@dataclass(frozen=True)
class TransposeMethod:
    """An algorithm for the transposed convolution itself (not by spreading zeros)."""

    name: str
    #: ``run(x, weight, geometry) -> y`` for a :class:`~convlib.geometry.TransposeGeometry`,
    #: with ``weight`` in PyTorch's ``(c_in, c_out // groups, *kernel)`` layout.
    run: Callable[[np.ndarray, np.ndarray, TransposeGeometry], np.ndarray]
    summary: str = ""
