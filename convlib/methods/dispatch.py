"""The one function that runs a method: ``method="auto"`` resolved, edge cases first."""

from __future__ import annotations

import numpy as np

from ..geometry import ConvGeometry
from .choose import choose
from .registry import REGISTRY

__all__ = ["all_finite", "check_method", "correlate"]


def check_method(func: str, method: str, geometry: ConvGeometry, what: str = "") -> None:
    """Raise ValueError if ``method`` (a registered name) cannot compute ``geometry``."""
    if method == "auto":
        return
    reason = REGISTRY[method].why_not(geometry)
    if reason is not None:
        target = what or "this convolution"
        raise ValueError(f"{func}: method={method!r} cannot compute {target}: {reason}")


def all_finite(array: np.ndarray) -> bool:
    """Whether every value is finite; one pass, no temporary array.

    A NaN or an infinity anywhere makes the sum NaN or infinite. So can finite
    values whose sum overflows: then this says no, and the caller only takes the
    safe path it did not need.
    """
    return array.dtype.kind != "f" or bool(np.isfinite(np.sum(array)))


def correlate(
    x: np.ndarray, weight: np.ndarray, geometry: ConvGeometry, method: str = "auto"
) -> np.ndarray:
    """Cross-correlate checked channels-first arrays, already in ``geometry.dtype``.

    ``x`` is ``(n, c_in, *spatial)`` before padding and ``weight`` ``(c_out,
    c_in // groups, *kernel)``. ``method="auto"`` runs the cheapest method of the
    cost model; when that one transforms (FFT, Winograd), which would mix a NaN
    or an infinity into every output of its tile or image, and the input holds
    one, it runs the cheapest exact method instead, so that the result has NaN
    and inf exactly where the formula puts them. That check is one pass over
    ``x`` and ``weight``, made only when a transform method was chosen.
    """
    if geometry.n == 0:  # an empty batch: an empty result, as in PyTorch
        return np.zeros(geometry.y_shape, dtype=geometry.dtype)
    if method == "auto":
        method = choose(geometry)[0]
        if not REGISTRY[method].exact and not (all_finite(x) and all_finite(weight)):
            method = choose(geometry, exact_only=True)[0]
    return REGISTRY[method].run(x, weight, geometry)
