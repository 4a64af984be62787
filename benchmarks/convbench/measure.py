"""Timing one layer, the seed loop, the spin of idle threads and the kernel sweep.

Every measurement uses :mod:`convlib.timing`: peers take turns in warm blocks whose first
0.2 s of calls are not timed (:func:`convlib.timing.time_in_turns`), and medians are
reported.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

import convlib
from convlib.methods import REGISTRY
from convlib.methods.dispatch import all_finite
from convlib.timing import time_in_turns, time_warm

from .floors import floor_functions, timed_floors
from .peers import Peers, convlib_conv, scipy_peers, seed_loop
from .suite import SEED_LAYER, SUITE, SWEEP_IMAGE, SWEEP_SIZES, Layer

__all__ = [
    "MATMUL_SIZE",
    "bench_layer",
    "bench_seed",
    "bench_spin",
    "bench_sweep",
    "matmul",
    "relative_error",
]

#: The side of the float32 matrix product that measures the machine's throughput.
MATMUL_SIZE = 2048

#: A method whose modelled cost is this many times the chosen one's is not timed by
#: ``--every-method`` (minutes for nothing).
HOPELESS = 50


def bench_layer(layer: Layer, peers: Peers, repeats: int, every_method: bool) -> dict[str, Any]:
    """convlib's ``auto`` against PyTorch (and TensorFlow, SciPy, the floors) on one layer."""
    x, w = layer.arrays()
    method, costs = convlib.choose_conv_method(layer.x_shape, layer.w_shape, **layer.settings)
    functions: dict[str, Callable[[], Any]] = {
        "convlib": convlib_conv(x, w, layer),
        "torch": peers.torch_conv(x, w, layer),
    }
    tf_run = peers.tf_conv(x, w, layer)
    if tf_run is not None:
        functions["tensorflow"] = tf_run
    if layer.kind == "image":
        functions.update(scipy_peers(x[0, 0], w[0, 0]))
    if layer.kind != "dense" and layer.stride == 1:
        functions.update(floor_functions(x, w, layer, peers.threads))
    if every_method:
        for name, record in REGISTRY.items():
            cost = costs[name]
            # The chosen method is timed as "convlib"; the readable rungs (never chosen by
            # "auto") take minutes on these layers.
            if name == method or not record.auto or cost.reason is not None:
                continue
            if cost.cost > HOPELESS * costs[method].cost:
                continue
            functions[f"method {name}"] = convlib_conv(x, w, layer, method=name)
    if not REGISTRY[method].exact:
        # What "auto" adds when it picks a transform method: one pass over x and w that
        # looks for NaN or inf (then it would run an exact method instead).
        functions["finite check"] = lambda: all_finite(x) and all_finite(w)
    timings = time_in_turns(functions, repeats)
    medians = {peer: timing.median for peer, timing in timings.items()}
    macs = layer.multiply_adds
    return {
        **layer.description(),
        "method": method,
        "times": {peer: list(timing.samples) for peer, timing in timings.items()},
        "median": medians,
        "ratio": medians["convlib"] / medians["torch"],
        "gflops": 2 * macs / medians["convlib"] / 1e9,
        "torch_gflops": 2 * macs / medians["torch"] / 1e9,
        "error": relative_error(x, w, layer, peers.torch),
        "floors": timed_floors(medians),
        # The NaN/inf check's time as a share of the whole auto call (which includes it).
        "finite_check_share": (
            medians["finite check"] / medians["convlib"] if "finite check" in medians else None
        ),
    }


def relative_error(x: np.ndarray, w: np.ndarray, layer: Layer, torch: Any) -> float:
    """convlib's float32 ``auto`` result against a float64 PyTorch reference, over its max."""
    with torch.no_grad():
        reference = torch.nn.functional.conv2d(
            torch.from_numpy(x.astype(np.float64)),
            torch.from_numpy(w.astype(np.float64)),
            **layer.settings,
        ).numpy()
    y = convlib.conv2d(x, w, **layer.settings)
    return float(np.max(np.abs(y - reference)) / np.max(np.abs(reference)))


def bench_seed(peers: Peers, layer: Layer = SEED_LAYER) -> dict[str, Any]:
    """convlib against the 001 seed's loop (one call: it takes seconds) on a 64-channel layer."""
    x, w = layer.arrays()
    x_nhwc, w_ohwi = x.transpose(0, 2, 3, 1).copy(), w.transpose(0, 2, 3, 1).copy()
    start = time.perf_counter()
    looped = seed_loop(x_nhwc, w_ohwi, layer.stride, layer.padding)  # (n, h_out, w_out, c_out)
    seed_seconds = time.perf_counter() - start
    timings = time_in_turns(
        {"convlib": convlib_conv(x, w, layer), "torch": peers.torch_conv(x, w, layer)},
        repeats=9,
    )
    y = convlib.conv2d(x, w, **layer.settings).transpose(0, 2, 3, 1)  # (n, h_out, w_out, c_out)
    if np.max(np.abs(y - looped)) > 1e-4 * np.max(np.abs(looped)):
        raise RuntimeError(f"bench_seed: convlib and the seed loop disagree on {layer.name}")
    convlib_seconds, torch_seconds = timings["convlib"].median, timings["torch"].median
    return {
        "name": layer.name,
        "x_shape": list(layer.x_shape),
        "w_shape": list(layer.w_shape),
        "multiply_adds": layer.multiply_adds,
        "seed_loop": seed_seconds,
        "convlib": convlib_seconds,
        "torch": torch_seconds,
        "speedup": seed_seconds / convlib_seconds,
        "torch_speedup": seed_seconds / torch_seconds,
    }


def bench_spin(peers: Peers, repeats: int = 9, layer: Layer = SUITE[0]) -> dict[str, Any]:
    """PyTorch on the first suite layer, timed settled and right after a NumPy matrix product.

    Shows why every block of :func:`convlib.timing.time_in_turns` starts with untimed
    calls: OpenBLAS's idle threads spin for a while after the product, on the cores
    PyTorch's threads need.
    """
    x, w = layer.arrays()
    run = peers.torch_conv(x, w, layer)
    a = np.random.default_rng(1).standard_normal((1024, 1024), dtype=np.float32)
    settled: list[float] = []
    after: list[float] = []
    for _ in range(repeats):
        settled += time_warm(run, 1).samples  # after 0.2 s of its own calls
        a @ a
        after += time_warm(run, 1, warm_up=0).samples  # right after the product
    return {
        "name": layer.name,
        "settled": float(np.median(settled)),
        "after_matmul": float(np.median(after)),
        "slowdown": float(np.median(after) / np.median(settled)),
    }


def bench_sweep(
    peers: Peers, repeats: int, sizes: tuple[int, ...] = SWEEP_SIZES, image: int = SWEEP_IMAGE
) -> list[dict[str, Any]]:
    """A single-channel image filtered by k x k kernels: convlib against SciPy and torch."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((1, 1, image, image), dtype=np.float32)
    rows = []
    for k in sizes:
        w = rng.standard_normal((1, 1, k, k), dtype=np.float32)
        layer = Layer(f"image {k}x{k}", "image", x.shape, w.shape, 1, k // 2)
        method, _ = convlib.choose_conv_method(x.shape, w.shape, **layer.settings)
        functions = {
            "convlib": convlib_conv(x, w, layer),
            "torch": peers.torch_conv(x, w, layer),
            **scipy_peers(x[0, 0], w[0, 0]),
        }
        for m in ("depthwise", "fft"):  # the direct and the FFT path, for the crossover
            functions[f"method {m}"] = convlib_conv(x, w, layer, method=m)
        timings = time_in_turns(functions, repeats, budget=5.0)
        rows.append(
            {
                "kernel": k,
                "method": method,
                "median": {peer: timing.median for peer, timing in timings.items()},
            }
        )
    return rows


def matmul(size: int = MATMUL_SIZE) -> Callable[[], Any]:
    """A float32 ``size x size`` matrix product: the machine's practical throughput."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((size, size), dtype=np.float32)
    b = rng.standard_normal((size, size), dtype=np.float32)
    return lambda: a @ b
