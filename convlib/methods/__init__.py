"""Algorithms that compute the same cross-correlation, in canonical layout.

Each algorithm lives in its own module, with a :class:`Method` record that says
how it runs, what it supports (and why not the rest), what it costs in the
model behind ``method="auto"`` and whether it is exact; :data:`~convlib.methods.REGISTRY` lists
the records. They all share one contract: ``run(x, weight, geometry)`` takes the
unpadded channels-first input ``(n, c_in, *spatial)``, the kernel ``(c_out,
c_in // groups, *kernel)`` and the :class:`~convlib.geometry.ConvGeometry` the
public function built, and returns ``(n, c_out, *out)``. Layouts, bias and
dtypes are handled once, in the public functions; :func:`choose_conv_method`
picks a method for ``method="auto"``.

``"loop"`` and ``"einsum"`` are the readable rungs (never chosen by
``"auto"``); ``"gemm"`` and ``"shifted"`` compute every convolution;
``"fft"``, ``"winograd"``, ``"winograd4"`` (3x3 kernels, stride 1) and
``"depthwise"`` (``groups == c_in``) are faster on part of them and refuse the
rest with the reason. :data:`~convlib.methods.TRANSPOSE_REGISTRY` holds ``"scatter"``, the
transposed convolution computed directly.
"""

from __future__ import annotations

from ._workspace import release_workspace
from .base import Method, MethodCost, TransposeMethod
from .choose import choose_conv_method
from .depthwise import correlate_depthwise
from .einsum import correlate_einsum
from .fft import correlate_fft, kernel_spectra_by_products
from .gemm import correlate_gemm
from .loop import correlate_loop
from .registry import REGISTRY, TRANSPOSE_REGISTRY
from .scatter import transpose_scatter
from .shifted import correlate_shifted
from .winograd import correlate_winograd, correlate_winograd4

__all__ = [
    "REGISTRY",
    "TRANSPOSE_REGISTRY",
    "Method",
    "MethodCost",
    "TransposeMethod",
    "choose_conv_method",
    "correlate_depthwise",
    "correlate_einsum",
    "correlate_fft",
    "correlate_gemm",
    "correlate_loop",
    "correlate_shifted",
    "correlate_winograd",
    "correlate_winograd4",
    "kernel_spectra_by_products",
    "release_workspace",
    "transpose_scatter",
]
