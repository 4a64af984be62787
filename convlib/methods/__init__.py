"""Algorithms that compute the same cross-correlation, in canonical layout.

Each takes an already padded channels-first input ``x`` of shape
``(n, c_in, *spatial)``, a kernel of shape ``(c_out, c_in // groups, *kernel)``,
per-axis ``stride`` and ``dilation`` and ``groups``, and returns
``(n, c_out, *out)``. Padding, layouts, bias and dtype handling happen once, in
:mod:`convlib.conv`; :func:`choose_conv_method` picks one for ``method="auto"``.

:data:`METHODS` compute every convolution (any kernel, stride, dilation,
groups and dtype). :data:`SPECIALISED_METHODS` are faster on part of them and
raise ValueError elsewhere (:func:`method_supports` says why): ``"fft"`` for
floating point, the two Winograd methods for 3x3 kernels with stride 1,
``"depthwise"`` for ``groups == c_in``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ._workspace import release_workspace
from .choose import MethodCost, choose_conv_method, method_supports
from .depthwise import correlate_depthwise
from .fft import correlate_fft, kernel_spectra_by_products
from .gemm import correlate_gemm
from .loop import correlate_loop
from .shifted import correlate_shifted
from .winograd import correlate_winograd, correlate_winograd4

__all__ = [
    "ALL_METHODS",
    "METHODS",
    "SPECIALISED_METHODS",
    "MethodCost",
    "choose_conv_method",
    "correlate_depthwise",
    "correlate_fft",
    "correlate_gemm",
    "correlate_loop",
    "correlate_shifted",
    "correlate_winograd",
    "correlate_winograd4",
    "kernel_spectra_by_products",
    "method_supports",
    "release_workspace",
]

#: The algorithms that compute every convolution, exactly for integers.
METHODS = {
    "loop": correlate_loop,
    "gemm": correlate_gemm,
    "shifted": correlate_shifted,
}

#: The algorithms for part of the convolutions (see :func:`method_supports`).
SPECIALISED_METHODS = {
    "fft": correlate_fft,
    "winograd": correlate_winograd,
    "winograd4": correlate_winograd4,
    "depthwise": correlate_depthwise,
}

#: Every algorithm selectable with ``method=``.
ALL_METHODS: dict[str, Callable[..., np.ndarray]] = {**METHODS, **SPECIALISED_METHODS}
