"""The list of methods.

Every algorithm has a :class:`~convlib.methods.base.Method` record in its own
module; this registry lists them, one line each, in the order the pages teach
them. ``method=`` takes these names, :func:`~convlib.choose_conv_method` costs
them, and the documentation's table of methods is made from them. Adding a
method is one module with its record, and one line here.
"""

from __future__ import annotations

from .base import Method, TransposeMethod
from .depthwise import DEPTHWISE
from .einsum import EINSUM
from .fft import FFT
from .gemm import GEMM
from .loop import LOOP
from .scatter import SCATTER
from .shifted import SHIFTED
from .winograd import WINOGRAD, WINOGRAD4

__all__ = ["REGISTRY", "TRANSPOSE_REGISTRY"]

#: Every algorithm that cross-correlates, by the name ``method=`` takes.
REGISTRY: dict[str, Method] = {
    method.name: method
    for method in (LOOP, EINSUM, GEMM, SHIFTED, FFT, WINOGRAD, WINOGRAD4, DEPTHWISE)
}

#: Algorithms for the transposed convolution itself. ``conv_transpose*`` also takes
#: every name of :data:`REGISTRY`: spread the input with zeros, then correlate by it.
TRANSPOSE_REGISTRY: dict[str, TransposeMethod] = {SCATTER.name: SCATTER}
