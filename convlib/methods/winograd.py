"""Winograd's minimal filtering algorithms F(2x2, 3x3) and F(4x4, 3x3) (Lavin & Gray, 2016).

A 3x3 correlation computes each ``m x m`` block of outputs from an
``(m + 2) x (m + 2)`` tile of input. Directly that is ``9 m^2`` multiplications;
Winograd's algorithm needs ``(m + 2)^2``, one per element of the tile:

.. math::

    Y = A^T \\left[ (G\\, g\\, G^T) \\odot (B^T d\\, B) \\right] A

with ``g`` the 3x3 kernel, ``d`` the input tile and ``Y`` the output block.
The transforms ``B``, ``G`` and ``A`` are small constant matrices (for m = 2
they hold only 0, +-1 and +-1/2). Across channels, the element-wise product
summed over input channels becomes, for each tile element ``xi``, one matrix
product ``M[xi] = U[xi] @ V[xi]`` with ``U[xi]`` of shape ``(c_out, c_in)`` and
``V[xi]`` of shape ``(c_in, tiles)``. The multiply-adds of those GEMMs are
``(m + 2)^2 / (9 m^2)`` of the direct method's: 1/2.25 for F(2x2, 3x3), 1/4 for
F(4x4, 3x3), whose larger transform entries (up to 8) cost some accuracy.
"""

from __future__ import annotations

import functools
import math

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..geometry import ConvGeometry
from ..padding import pad_spatial
from ._workspace import scratch
from .base import GEMM_HALF_K, Method, MethodCost, counted, gemm_efficiency

__all__ = [
    "WINOGRAD",
    "WINOGRAD4",
    "WINOGRAD_TRANSFORMS",
    "correlate_winograd",
    "correlate_winograd4",
    "winograd_supports",
]

#: ``(B^T, G, A^T)`` of F(m x m, 3x3) for output tile size ``m``: interpolation
#: points 0, 1, -1, infinity (m = 2) and 0, 1, -1, 2, -2, infinity (m = 4).
WINOGRAD_TRANSFORMS = {
    2: (
        np.array([[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]], dtype=float),
        np.array([[1, 0, 0], [1 / 2, 1 / 2, 1 / 2], [1 / 2, -1 / 2, 1 / 2], [0, 0, 1]]),
        np.array([[1, 1, 1, 0], [0, 1, -1, -1]], dtype=float),
    ),
    4: (
        np.array(
            [
                [4, 0, -5, 0, 1, 0],
                [0, -4, -4, 1, 1, 0],
                [0, 4, -4, -1, 1, 0],
                [0, -2, -1, 2, 1, 0],
                [0, 2, -1, -2, 1, 0],
                [0, 4, 0, -5, 0, 1],
            ],
            dtype=float,
        ),
        np.array(
            [
                [1 / 4, 0, 0],
                [-1 / 6, -1 / 6, -1 / 6],
                [-1 / 6, 1 / 6, -1 / 6],
                [1 / 24, 1 / 12, 1 / 6],
                [1 / 24, -1 / 12, 1 / 6],
                [0, 0, 1],
            ]
        ),
        np.array(
            [[1, 1, 1, 1, 1, 0], [0, 1, -1, 2, -2, 0], [0, 1, 1, 4, 4, 0], [0, 1, -1, 8, -8, 1]],
            dtype=float,
        ),
    ),
}

#: Target size, in bytes, of the transformed input of one block of images.
WINOGRAD_BLOCK_BYTES = 4 * 2**20


def winograd_supports(geometry: ConvGeometry) -> str | None:
    """Why Winograd's F(m x m, 3x3) cannot run this correlation, or None when it can."""
    if geometry.nd != 2:
        return f"it is 2-D only, got {geometry.nd} spatial axes"
    if geometry.kernel != (3, 3):
        return f"it needs a 3x3 kernel, got {geometry.kernel}"
    if geometry.stride != (1, 1) or geometry.dilation != (1, 1):
        return (
            f"it needs stride 1 and dilation 1, got stride={geometry.stride}, "
            f"dilation={geometry.dilation}"
        )
    if geometry.dtype.kind != "f":
        return "its transforms have fractions, so integer inputs would not stay exact"
    return None


def _correlate(x: np.ndarray, weight: np.ndarray, geometry: ConvGeometry, m: int) -> np.ndarray:
    x = pad_spatial(x, geometry.pads)
    n, c_in, h, w = x.shape
    c_out, c_in_g, c_out_g, groups = (
        geometry.c_out, geometry.c_in_g, geometry.c_out_g, geometry.groups
    )  # fmt: skip
    dtype = geometry.dtype
    # Each 2-D transform P X Q^T of a tile is one product with the Kronecker product:
    # vec(P X Q^T) = (P kron Q) vec(X). One matrix product per transform, one pass over
    # memory (two products with P and Q would make two).
    b_t, g_mat, a_t = (np.kron(mat, mat).astype(dtype) for mat in WINOGRAD_TRANSFORMS[m])
    t = m + 2  # input tile size
    h_out, w_out = h - 2, w - 2
    th, tw = -(-h_out // m), -(-w_out // m)  # tiles per column, per row
    if m * th + 2 > h or m * tw + 2 > w:  # outputs not a multiple of m: zero rows / columns
        x = np.pad(x, ((0, 0), (0, 0), (0, m * th + 2 - h), (0, m * tw + 2 - w)))

    # Kernel transform U = G g G^T for every filter: (9, c_out * c_in_g) -> (t*t, groups, ...).
    u = scratch("winograd.u", (t * t, c_out * c_in_g), dtype)
    np.matmul(g_mat, weight.reshape(c_out * c_in_g, 9).T, out=u)
    u = u.reshape(t * t, groups, c_out_g, c_in_g)

    y = np.empty((n, c_out, m * th, m * tw), dtype=dtype)
    per_image = t * t * c_in * th * tw * dtype.itemsize
    images = max(1, min(n, WINOGRAD_BLOCK_BYTES // per_image))
    s = x.strides
    for n0 in range(0, n, images):
        nb = min(images, n - n0)
        # Every t x t tile, tiles m apart (they overlap by 2): (t, t, c_in, nb, th, tw).
        tiles = as_strided(
            x[n0 : n0 + nb], (t, t, c_in, nb, th, tw), (s[2], s[3], s[1], s[0], m * s[2], m * s[3])
        )
        d = scratch("winograd.d", tiles.shape, dtype)
        np.copyto(d, tiles)
        v = scratch("winograd.v", (t * t, c_in, nb * th * tw), dtype)
        np.matmul(b_t, d.reshape(t * t, -1), out=v.reshape(t * t, -1))  # V = B^T d B
        prod = scratch("winograd.m", (t * t, c_out, nb * th * tw), dtype)
        for g in range(groups):  # one GEMM per tile element: M[xi] = U[xi] @ V[xi]
            np.matmul(
                u[:, g],  # (t*t, c_out_g, c_in_g)
                v[:, g * c_in_g : (g + 1) * c_in_g],  # (t*t, c_in_g, tiles)
                out=prod[:, g * c_out_g : (g + 1) * c_out_g],
            )
        out = scratch("winograd.y", (m * m, c_out * nb * th * tw), dtype)
        np.matmul(a_t, prod.reshape(t * t, -1), out=out)  # Y = A^T M A
        # (m, m, c_out, nb, th, tw) -> (nb, c_out, th, m, tw, m): tile rows, then rows within
        out = out.reshape(m, m, c_out, nb, th, tw).transpose(3, 2, 4, 0, 5, 1)
        np.copyto(y[n0 : n0 + nb].reshape(nb, c_out, th, m, tw, m), out)
    return y[:, :, :h_out, :w_out]


_DOC = """Cross-correlate an already padded input with a 3x3 kernel by Winograd F({m}x{m}, 3x3).

    Parameters
    ----------
    x : numpy.ndarray, shape (n, c_in, h, w)
        Input, channels first, floating point, not yet padded.
    weight : numpy.ndarray, shape (c_out, c_in // groups, 3, 3)
        Kernel, OIHW order.
    geometry : ConvGeometry
        Padding, groups and the output size; stride and dilation must be ``(1, 1)``.

    Returns
    -------
    numpy.ndarray, shape (n, c_out, h_p - 2, w_p - 2)
        For the padded input's ``h_p x w_p``.

    Raises
    ------
    ValueError
        For another kernel size, stride, dilation or number of axes, or integers.

    Notes
    -----
    With ``T = n * ceil((h - 2) / {m}) * ceil((w - 2) / {m})`` tiles:
    ``{tt} * T * c_out * c_in / groups`` multiply-adds in BLAS ({ratio} times fewer
    than the direct method when {m} divides the output size; tiles that overhang
    the output add the rest), plus the transforms, each one matrix product with
    a Kronecker matrix (``vec(P X Q^T) = (P kron Q) vec(X)``): ``{tt} * {tt}``
    multiply-adds per tile and input channel (``B^T d B``), ``{mm} * {tt}`` per
    tile and output channel (``A^T M A``) and ``{tt} * 9`` per filter (``G g
    G^T``). That is more multiply-adds than two small products per transform,
    but one pass over memory instead of two.

    Extra memory (scratch, reused between calls): ``U``, ``{tt} * c_out * c_in /
    groups`` values; and, for one block of images at a time, ``V`` and ``M``,
    ``{tt} / {mm}`` times the block's input and output (a block's ``V`` is kept
    near ``WINOGRAD_BLOCK_BYTES``, one image at least).
"""


def correlate_winograd(x: np.ndarray, weight: np.ndarray, geometry: ConvGeometry) -> np.ndarray:
    reason = winograd_supports(geometry)
    if reason is not None:
        raise ValueError(f"correlate_winograd: F(2x2, 3x3) cannot run here: {reason}")
    return _correlate(x, weight, geometry, 2)


def correlate_winograd4(x: np.ndarray, weight: np.ndarray, geometry: ConvGeometry) -> np.ndarray:
    reason = winograd_supports(geometry)
    if reason is not None:
        raise ValueError(f"correlate_winograd4: F(4x4, 3x3) cannot run here: {reason}")
    return _correlate(x, weight, geometry, 4)


correlate_winograd.__doc__ = _DOC.format(m=2, mm=4, tt=16, ratio=2.25)
correlate_winograd4.__doc__ = _DOC.format(m=4, mm=16, tt=36, ratio=4)


def winograd_counts(g: ConvGeometry, m: int) -> MethodCost:
    """F(m x m, 3x3): tile products plus the three transforms."""
    item = g.dtype.itemsize
    n, c_in, c_out, c_in_g, c_out_g = g.n, g.c_in, g.c_out, g.c_in_g, g.c_out_g
    t = m + 2
    tiles = n * math.prod(-(-o // m) for o in g.out)
    tile_elements = tiles * t * t
    # Images are processed in blocks (WINOGRAD_BLOCK_BYTES of V); each block reads all of U.
    per_image = t * t * c_in * (tiles // n) * item
    blocks = math.ceil(n / max(1, min(n, WINOGRAD_BLOCK_BYTES // max(per_image, 1))))
    # t*t products of (c_out_g, c_in_g) @ (c_in_g, tiles): few tiles, narrow products
    products = float(tile_elements * c_out * c_in_g)
    product_efficiency = gemm_efficiency(c_in_g, min(c_out_g, tiles))
    # the transforms, each one product with a Kronecker matrix of t*t (or 9) columns
    transforms = float(
        tile_elements * t * t * c_in + tiles * m * m * t * t * c_out + t * t * 9 * c_out * c_in_g
    )
    transform_efficiency = t * t / (t * t + GEMM_HALF_K)  # long rows: only K limits them
    return counted(
        blas=products + transforms,
        efficiency=(products + transforms)
        / (products / product_efficiency + transforms / transform_efficiency),
        # gather + transform in; transform + scatter out; U made, then read per block
        elements=2.0 * tile_elements * c_in
        + (tile_elements + 2.0 * tiles * m * m) * c_out
        + (1.0 + blocks) * t * t * c_out * c_in_g,
        calls=12 + blocks * (13 + g.groups),  # setup; per block: gather, transforms, scatter
        extra_bytes=t * t * (c_out * c_in_g + tiles * (c_in + c_out)) * item,
    )


WINOGRAD, WINOGRAD4 = (
    Method(
        name=name,
        run=run,
        counts=functools.partial(winograd_counts, m=m),
        supports=winograd_supports,
        exact=False,
        summary=summary,
    )
    for name, run, m, summary in (
        ("winograd", correlate_winograd, 2,
         "Winograd's F(2x2, 3x3): 2.25 times fewer multiplications (3x3, stride 1)"),
        ("winograd4", correlate_winograd4, 4,
         "Winograd's F(4x4, 3x3): 4 times fewer multiplications, a little less accurate"),
    )
)  # fmt: skip
