"""Algorithms that compute the same cross-correlation, in canonical layout.

Each takes an already padded channels-first input ``x`` of shape
``(n, c_in, *spatial)``, a kernel of shape ``(c_out, c_in // groups, *kernel)``,
per-axis ``stride`` and ``dilation`` and ``groups``, and returns
``(n, c_out, *out)``. Padding, layouts, bias and dtype handling happen once, in
:mod:`convlib.conv`.
"""

from __future__ import annotations

from .gemm import correlate_gemm
from .loop import correlate_loop

__all__ = ["METHODS", "correlate_gemm", "correlate_loop"]

#: The algorithms selectable with ``method=``.
METHODS = {
    "loop": correlate_loop,
    "gemm": correlate_gemm,
}
