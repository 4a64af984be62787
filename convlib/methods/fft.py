"""Convolution theorem: cross-correlation as a product of Fourier transforms.

Zero-padded to a common size ``L`` (at least the input's size on every axis),
the circular cross-correlation of ``x`` with ``w`` is

.. math::

    x \\star w = \\mathcal{F}^{-1}\\!\\left[\\, \\mathcal{F}[x] \\cdot
    \\overline{\\mathcal{F}[w]} \\,\\right],

and its first ``in - span + 1`` values along each axis (``span = d (k - 1) + 1``)
never wrap around, so they are the "valid" correlation. Across channels the
sum over input channels commutes with the transform: for every frequency
``f``, ``Y[n, :, f] = X[n, :, f] @ conj(W[:, :, f]).T``, a small complex
matrix product. The transforms cost ``O(L log L)`` per channel whatever the
kernel size, which is why this method wins for large kernels. The kernels'
spectra, one per pair of channels, are mostly transforms of zeros; where
channels mix they are computed instead as a few matrix products with the
rows of the DFT matrix that meet the kernel's taps.

Dilation is a kernel with ``d - 1`` zeros between taps; a stride keeps every
``s``-th output of the stride-1 result.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import scipy.fft

from ..geometry import ConvGeometry
from ..padding import dilate
from ._workspace import scratch
from .base import GEMM_HALF_N, Method, MethodCost, counted, gemm_efficiency

__all__ = [
    "FFT",
    "FFT_BLOCK_BYTES",
    "correlate_fft",
    "fft_shape",
    "fft_supports",
    "kernel_spectra_by_products",
    "kernel_spectra_multiply_adds",
    "spectrum_shape",
]

#: Bound, in bytes, of the kernel spectra (and of the output spectra) of one block
#: of output channels.
FFT_BLOCK_BYTES = 64 * 2**20


def fft_supports(geometry: ConvGeometry) -> str | None:
    """Why the FFT method cannot run this correlation, or None when it can."""
    if geometry.dtype.kind != "f":
        return "it rounds (floating-point transforms), so integer inputs would not stay exact"
    return None


def fft_shape(spatial: Sequence[int]) -> tuple[int, ...]:
    """The transform size per axis: the next size at least ``spatial`` that ``scipy.fft`` likes."""
    return tuple(scipy.fft.next_fast_len(int(size), real=True) for size in spatial)


def spectrum_shape(shape: Sequence[int]) -> tuple[int, ...]:
    """The frequencies per axis of ``rfftn`` over ``shape``: the last axis keeps ``L // 2 + 1``."""
    return tuple(shape[:-1]) + (shape[-1] // 2 + 1,)


def _kernel_spectra(weight: np.ndarray, shape: Sequence[int], workers: int) -> np.ndarray:
    """``rfftn(weight, s=shape)`` over the spatial axes, one axis at a time.

    A kernel padded with zeros to the transform size is mostly zeros: transforming
    the last axis first, on the kernel's own rows only, and then each earlier axis
    skips the transforms of rows that are all zeros.
    """
    nd = len(shape)
    spectra = scipy.fft.rfft(weight, n=shape[-1], axis=-1, workers=workers)
    for axis in range(nd - 2, -1, -1):
        spectra = scipy.fft.fft(spectra, n=shape[axis], axis=2 + axis, workers=workers)
    return spectra


def kernel_spectra_by_products(
    weight: np.ndarray, shape: Sequence[int], dilation: Sequence[int]
) -> np.ndarray:
    """``conj(rfftn(weight, s=shape))`` by one matrix product per axis, frequencies first.

    Along an axis of transform size ``L``, a kernel has ``k`` taps, at positions
    ``0, d, ..., (k - 1) d``; all other positions are zeros. Its spectrum there
    is the product of the ``(L, k)`` matrix ``exp(-2 pi i f p d / L)`` with the
    taps: ``k`` multiply-adds per frequency, in BLAS, and no transform of
    zeros. The conjugate (what the correlation needs) flips the sign of the
    exponent. Done axis by axis, last axis first (on real numbers, only its
    ``L // 2 + 1`` frequencies), the result comes out frequencies first, with
    each frequency's ``(c_in_g, c_out)`` matrix contiguous: the layout of the
    per-frequency products.

    Parameters
    ----------
    weight : numpy.ndarray, shape ``(c_out, c_in_g, *kernel)``
        Real kernels, OIHW order.
    shape : sequence of int
        Transform size per spatial axis, at least the dilated kernel's span.
    dilation : sequence of int
        Spacing of the taps per spatial axis.

    Returns
    -------
    numpy.ndarray, shape ``(*freq, c_in_g, c_out)``, complex
        ``freq`` is ``shape`` with its last entry ``L`` replaced by ``L // 2 + 1``.
        complex64 for float32 kernels, complex128 for float64.

    Examples
    --------
    >>> import numpy as np, scipy.fft
    >>> from convlib.methods import kernel_spectra_by_products
    >>> w = np.arange(2 * 3 * 3, dtype=np.float64).reshape(2, 1, 3, 3)
    >>> spectra = kernel_spectra_by_products(w, (8, 8), (1, 1))
    >>> spectra.shape
    (8, 5, 1, 2)
    >>> expected = np.conj(scipy.fft.rfftn(w, s=(8, 8), axes=(2, 3)))
    >>> bool(np.allclose(np.moveaxis(spectra, (-1, -2), (0, 1)), expected))
    True
    """
    nd = len(shape)
    kernel = weight.shape[2:]
    freq = spectrum_shape(shape)
    complex_dtype = np.result_type(weight.dtype, np.complex64)
    matrices = [
        np.exp(2j * np.pi * np.outer(np.arange(f), np.arange(k) * d) / size)
        for f, k, d, size in zip(freq, kernel, dilation, shape)
    ]
    channels = weight.shape[1] * weight.shape[0]
    # (*kernel, c_in_g, c_out); then axis j turns k_j taps into freq_j frequencies.
    spectra: np.ndarray = np.moveaxis(weight, (0, 1), (-1, -2))
    for j in range(nd - 1, -1, -1):
        lead = math.prod(kernel[:j])  # axes still in taps
        rest = math.prod(freq[j + 1 :]) * channels  # axes already in frequencies
        if j == nd - 1:  # real taps: the real and imaginary parts, two real products
            taps = np.ascontiguousarray(spectra).reshape(lead, kernel[j], rest)
            result = np.empty((lead, freq[j], rest), dtype=complex_dtype)
            result.real = np.matmul(matrices[j].real.astype(weight.dtype), taps)
            result.imag = np.matmul(matrices[j].imag.astype(weight.dtype), taps)
            spectra = result
        else:
            spectra = np.matmul(
                matrices[j].astype(complex_dtype), spectra.reshape(lead, kernel[j], rest)
            )
    return spectra.reshape(freq + weight.shape[1::-1])


def kernel_spectra_multiply_adds(kernel: Sequence[int], shape: Sequence[int], channels: int) -> int:
    """Real multiply-adds of :func:`kernel_spectra_by_products` for ``channels`` kernels.

    Axis ``j`` (last first) multiplies a ``(freq_j, k_j)`` matrix into the taps of
    the axes before it times the frequencies of the axes after it: real (two
    real products) on the last axis, complex (four) on the others.
    """
    nd = len(shape)
    freq = spectrum_shape(shape)
    total = 0
    for j in range(nd):
        lead = math.prod(kernel[:j])
        rest = math.prod(freq[j + 1 :]) * channels
        total += (2 if j == nd - 1 else 4) * lead * freq[j] * kernel[j] * rest
    return total


def correlate_fft(x: np.ndarray, weight: np.ndarray, geometry: ConvGeometry) -> np.ndarray:
    """Cross-correlate by real FFTs (``scipy.fft``).

    Parameters
    ----------
    x : numpy.ndarray, shape ``(n, c_in, *spatial)``
        Input, channels first, floating point, not yet padded: the padding's
        zeros are written with ``x`` into the transform's input buffer, which
        saves a padded copy.
    weight : numpy.ndarray, shape ``(c_out, c_in // groups, *kernel)``
        Kernel, OIHW order.
    geometry : ConvGeometry
        Padding, stride, dilation, groups and the output size.

    Returns
    -------
    numpy.ndarray, shape ``(n, c_out, *geometry.out)``

    Raises
    ------
    ValueError
        For integer inputs (the result would be rounded).

    Notes
    -----
    With ``L`` the transform size (``fft_shape`` of the padded input) and
    ``F = prod(L[:-1]) * (L[-1] // 2 + 1)`` frequencies: ``n * c_in`` forward
    and ``n * c_out`` inverse real transforms of about ``2.5 * prod(L) *
    log2(prod(L))`` flops each, plus ``n * c_out * c_in / groups * F`` complex
    multiply-adds. The kernel spectra are ``c_out`` more transforms when each
    group has one input channel; otherwise :func:`kernel_spectra_by_products`
    computes them in BLAS, about ``4 * k_0`` real multiply-adds per frequency
    and kernel in 2-D (``kernel_spectra_multiply_adds`` counts them), the only
    work that grows with the kernel size. A stride
    computes all stride-1 outputs and keeps every ``s``-th (about ``prod(s)`` times the
    needed work, so this method is for stride 1 in practice). The rounding
    error is about float precision times ``log2(prod(L))``, relative to the
    largest output.

    Extra memory: the input spectra (``n * c_in * F`` complex values, about
    the size of the padded input) and, for one block of output channels at a
    time, their kernel spectra and output spectra, each kept under
    ``FFT_BLOCK_BYTES`` (one output channel at least).
    """
    reason = fft_supports(geometry)
    if reason is not None:
        raise ValueError(f"correlate_fft: {reason}")
    n, c_out, c_in_g, c_out_g, groups = (
        geometry.n, geometry.c_out, geometry.c_in_g, geometry.c_out_g, geometry.groups
    )  # fmt: skip
    stride, dilation, pads, nd = geometry.stride, geometry.dilation, geometry.pads, geometry.nd
    axes = tuple(range(2, 2 + nd))
    spans = geometry.spans
    spatial = geometry.padded
    full = tuple(size - span + 1 for size, span in zip(spatial, spans))  # stride-1 outputs
    keep = (slice(None), slice(None)) + tuple(slice(0, f, s) for f, s in zip(full, stride))
    shape = fft_shape(spatial)
    if any(b or a for b, a in pads):  # x at its padded place in a zeroed, transform-sized buffer
        buffer = scratch("fft.x", x.shape[:2] + shape, x.dtype)
        buffer.fill(0)
        inside = tuple(slice(b, b + size) for (b, _), size in zip(pads, x.shape[2:]))
        buffer[(slice(None), slice(None)) + inside] = x
        x = buffer
    # One worker: scipy.fft's threads were measured slower here, 2-4x on 56x56 to 512x512
    # transforms (they compete with BLAS's threads, which spin for a while after each call).
    workers = 1

    spectra = scipy.fft.rfftn(x, s=shape, axes=axes, workers=workers)  # (n, c_in, *freq)
    freq = spectra.shape[2:]
    n_freq = math.prod(freq)
    item = spectra.itemsize
    spectra = spectra.reshape(n, groups, c_in_g, n_freq)
    y = np.empty((n, groups, c_out_g) + tuple(math.ceil(f / s) for f, s in zip(full, stride)),
                 dtype=x.dtype)  # fmt: skip

    if c_in_g == 1:  # one input channel per group: an element-wise product per channel
        weight = dilate(weight, dilation)  # the taps spread out: (c_out, 1, *spans)
        # Kernel spectra of whole groups, as many at once as the memory bound allows.
        per_block = max(1, FFT_BLOCK_BYTES // max(n_freq * item * c_out_g, 1)) * c_out_g
        for o0 in range(0, c_out, per_block):
            o1 = min(o0 + per_block, c_out)
            w_spec = _kernel_spectra(weight[o0:o1], shape, workers).reshape(o1 - o0, n_freq)
            np.conjugate(w_spec, out=w_spec)
            for g in range(o0 // c_out_g, o1 // c_out_g):
                filters = w_spec[g * c_out_g - o0 : (g + 1) * c_out_g - o0]  # (c_out_g, F)
                product = spectra[:, g, 0][:, None] * filters[None]  # (n, c_out_g, F)
                product = product.reshape((n, c_out_g) + freq)
                y[:, g] = scipy.fft.irfftn(product, s=shape, axes=axes, workers=workers)[keep]
        return y.reshape((n, c_out) + y.shape[3:])

    # Frequencies first: one small (n, c_in_g) @ (c_in_g, block) product per frequency.
    spectra_f = np.ascontiguousarray(spectra.transpose(3, 1, 0, 2))  # (F, groups, n, c_in_g)
    # Output channels of a group, a block at a time: kernel spectra (F, c_in_g, block).
    block = max(1, min(c_out_g, FFT_BLOCK_BYTES // max(n_freq * item * max(c_in_g, n), 1)))
    for g in range(groups):
        for o0 in range(0, c_out_g, block):
            o1 = min(o0 + block, c_out_g)
            w_block = weight[g * c_out_g + o0 : g * c_out_g + o1]
            w_spec = kernel_spectra_by_products(w_block, shape, dilation)
            product = np.matmul(spectra_f[:, g], w_spec.reshape(n_freq, c_in_g, o1 - o0))
            product = np.ascontiguousarray(product.transpose(1, 2, 0))  # (n, block, F)
            product = product.reshape((n, o1 - o0) + freq)
            result = scipy.fft.irfftn(product, s=shape, axes=axes, workers=workers)
            if groups == 1 and o1 - o0 == c_out:  # one block: the kept outputs are the result
                return result[keep]
            y[:, g, o0:o1] = result[keep]
    return y.reshape((n, c_out) + y.shape[3:])


def fft_counts(g: ConvGeometry) -> MethodCost:
    """Forward transforms of the inputs, kernel spectra (transforms for one channel per
    group, matrix products otherwise), a product per frequency, inverse transforms."""
    item = g.dtype.itemsize
    n, c_in, c_out, c_in_g, c_out_g, groups = g.n, g.c_in, g.c_out, g.c_in_g, g.c_out_g, g.groups
    shape = fft_shape(g.padded)
    points = math.prod(shape)
    freqs = math.prod(spectrum_shape(shape))
    log_points = points * math.log2(max(points, 2))
    complex_macs = float(n * c_out * c_in_g * freqs)
    if c_in_g == 1:
        # The kernel spectra skip the transforms of all-zero rows (_kernel_spectra): along
        # the first axis, about the share of rows the dilated kernel covers.
        kernel_rows = g.kernel[0] * g.dilation[0] / shape[0]
        kernel_share = min(1.0, KERNEL_ROWS_FIXED + (1 - KERNEL_ROWS_FIXED) * kernel_rows)
        transforms = n * c_in + kernel_share * c_out + n * c_out
        return counted(
            elements=4.0 * complex_macs + 2.0 * n * c_out * freqs,
            fft=transforms * log_points,
            calls=30 + 6 * groups,
            extra_bytes=2 * item * freqs * (n * c_in + 2 * c_out),
        )
    # Kernel spectra by matrix products; one small complex product per frequency.
    kernel_macs = kernel_spectra_multiply_adds(g.kernel, shape, c_out * c_in_g)
    # A complex product is four real ones on interleaved data: half a real product's speed.
    product_efficiency = gemm_efficiency(c_in_g, min(n, GEMM_HALF_N) * c_out_g) / 2
    kernel_efficiency = gemm_efficiency(g.kernel[-1], c_out * c_in_g)
    blas = 4.0 * complex_macs + kernel_macs
    return counted(
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
        + 6.0 * math.prod(g.kernel[:-1]) * spectrum_shape(shape)[-1] * c_out * c_in_g,
        fft=(n * c_in + n * c_out) * log_points,
        calls=30 + 6 * groups + groups * freqs / FREQUENCIES_PER_CALL,
        extra_bytes=2 * item * freqs * (n * c_in + c_out * c_in_g + n * c_out),
    )


#: Share of a kernel's transform that does not shrink with the kernel (the last axis's
#: transforms and the bookkeeping), in the model of the one-channel-per-group path.
KERNEL_ROWS_FIXED = 0.4
#: Frequencies whose small per-frequency products cost about one NumPy call (np.matmul
#: loops over them in C, each a tiny product with its own dispatch).
FREQUENCIES_PER_CALL = 20


FFT = Method(
    name="fft",
    run=correlate_fft,
    counts=fft_counts,
    supports=fft_supports,
    exact=False,
    summary="the convolution theorem: real FFTs, a product per frequency; for large kernels",
)
