"""Work that a method cannot skip on a layer, timed: lower bounds of the method's time.

A floor divided by PyTorch's time is the best ratio that method could reach on the layer;
where every floor is above the target, no arrangement of these methods in NumPy meets it
on the machine. The floors are timed with the peers, in the same turns (their names start
with ``"floor "``), and reported by :func:`timed_floors`; the matmul floor is computed
from NumPy's measured matrix-product speed (:func:`matmul_floor`).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import scipy.fft

from convlib.methods.fft import fft_shape, kernel_spectra_by_products, spectrum_shape

from .suite import Layer

__all__ = ["floor_functions", "matmul_floor", "timed_floors"]


def floor_functions(
    x: np.ndarray, w: np.ndarray, layer: Layer, threads: int
) -> dict[str, Callable[[], Any]]:
    """The floors of a stride-1 layer, as callables to time.

    ``"floor fft"`` and ``"floor fft threads"``: the FFT method's transforms alone
    (inputs, kernels and outputs, computed as the method computes them), on one
    thread and on ``threads``, without the products between them; the faster
    counts. ``"floor passes"`` (one channel per group only): one multiply pass
    over the output per kernel tap, reading a contiguous array, in blocks of about
    1 MiB on ``threads`` threads, without the adds: any element-wise direct method
    makes at least these passes (the depthwise method makes them and as many
    adds). Only for stride 1, where the FFT method needs no more than its
    transforms.
    """
    n, c_in = x.shape[:2]
    c_out = w.shape[0]
    padding = layer.padding
    padded = np.pad(x, ((0, 0), (0, 0)) + ((padding, padding),) * 2)  # (n, c_in, h_pad, w_pad)
    shape = fft_shape(padded.shape[2:])
    out_hw = tuple(s - k + 1 for s, k in zip(padded.shape[2:], w.shape[2:]))
    out_spectra = np.zeros((n, c_out) + spectrum_shape(shape), dtype=np.complex64)

    def transforms(workers: int) -> Callable[[], Any]:
        def run():
            scipy.fft.rfftn(padded, s=shape, axes=(2, 3), workers=workers)
            if w.shape[1] == 1:
                kernel_transforms(w, shape, workers)
            else:
                kernel_spectra_by_products(w, shape, (1, 1))
            scipy.fft.irfftn(out_spectra, s=shape, axes=(2, 3), workers=workers)

        return run

    functions = {"floor fft": transforms(1), "floor fft threads": transforms(threads)}
    if layer.groups == c_in and w.shape[1] == 1:
        taps = math.prod(w.shape[2:])
        source = np.ones((n, c_out) + out_hw, dtype=np.float32)  # (n, c_out, h_out, w_out)
        result = np.empty_like(source)
        scale = np.ones((c_out, 1, 1), dtype=np.float32)
        per_block = max(1, min(c_out, 2**20 // (4 * math.prod(out_hw))))
        blocks = [
            (b, slice(c, c + per_block)) for b in range(n) for c in range(0, c_out, per_block)
        ]

        def passes(block: tuple[int, slice]) -> None:
            b, channels = block
            for _ in range(taps):
                np.multiply(source[b, channels], scale[channels], out=result[b, channels])

        functions["floor passes"] = lambda: on_threads(passes, blocks, threads)
    return functions


def kernel_transforms(w: np.ndarray, shape: Sequence[int], workers: int) -> np.ndarray:
    """``rfftn(w, s=shape)`` over the last two axes, as the FFT method computes it.

    For one input channel per group the method transforms each kernel's own rows
    along the last axis first, then the first axis, which skips the transforms of
    rows of zeros. convlib's helper for it is private, so it is written out here.
    Returns ``(c_out, 1, shape[0], shape[1] // 2 + 1)``.
    """
    spectra = scipy.fft.rfft(w, n=shape[-1], axis=-1, workers=workers)  # (c_out, 1, kh, f_w)
    return scipy.fft.fft(spectra, n=shape[0], axis=2, workers=workers)


def on_threads(function: Callable[[Any], None], blocks: list[Any], threads: int) -> None:
    """``function(block)`` for every block, on ``threads`` threads, as convlib runs its passes.

    The depthwise method spreads its element-wise passes over a pool of
    ``CONVLIB_NUM_THREADS`` threads (which the benchmark sets to ``--threads``);
    that pool is private to convlib, so the floor uses a pool of its own.
    """
    if threads <= 1 or len(blocks) <= 1:
        for block in blocks:
            function(block)
        return
    for _ in thread_pool(threads).map(function, blocks):  # re-raises a block's exception
        pass


@functools.cache
def thread_pool(threads: int) -> ThreadPoolExecutor:
    """One pool per thread count, kept for the whole run (starting threads costs time)."""
    return ThreadPoolExecutor(max_workers=threads, thread_name_prefix="floor")


def timed_floors(medians: dict[str, float]) -> dict[str, float]:
    """The timed floors of a layer (seconds): ``fft`` (the faster thread count) and ``passes``."""
    found = {}
    fft = [medians[k] for k in ("floor fft", "floor fft threads") if k in medians]
    if fft:
        found["fft"] = min(fft)
    if "floor passes" in medians:
        found["passes"] = medians["floor passes"]
    return found


def matmul_floor(multiply_adds: int, sgemm_gflops: float) -> float:
    """Seconds of a layer's direct multiply-adds at the speed of NumPy's float32 matmul."""
    return 2 * multiply_adds / (sgemm_gflops * 1e9)
