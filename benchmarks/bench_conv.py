"""Benchmark convlib's convolution methods against PyTorch, TensorFlow and SciPy.

Run ``nox -s bench`` or ``python benchmarks/bench_conv.py``. Every peer gets
the same number of threads (``--threads``, 2 by default): PyTorch through
``torch.set_num_threads``, TensorFlow through ``tf.config.threading``, BLAS and
OpenMP through environment variables set before NumPy is imported (and
threadpoolctl when it is installed), convlib through ``CONVLIB_NUM_THREADS``.

For each layer of the suite, the peers are timed in one process, in rounds:
each round gives every peer (in an order that rotates) a block of calls in a
row, whose first 0.2 s of calls are not timed. The rounds spread a slow moment
of a shared machine over every peer. The untimed calls keep each library out of
the next one's timings: all peers run on the same few cores, and a library's
idle threads spin for a while after its call (OpenBLAS's for about 2**28
cycles) on the cores the next library's threads need. Timed right after a NumPy
matrix product, PyTorch's convolutions ran several times slower (the run
records this as ``spin``). Every library keeps its own default way of waiting.
Before anything is timed, one large block of memory is allocated and freed (see
``settle_malloc``). The median of each peer is reported; the ratio of a layer
is ``convlib time / torch time``. The table is printed and the run written to
``benchmarks/results/<name>.json`` with the machine's description;
``--compare a.json b.json`` prints two runs side by side.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _early_threads(argv: list[str]) -> int:
    """``--threads`` read before NumPy is imported (BLAS reads its variables at load time)."""
    for i, arg in enumerate(argv):
        if arg == "--threads" and i + 1 < len(argv):
            return int(argv[i + 1])
        if arg.startswith("--threads="):
            return int(arg.split("=", 1)[1])
    return 2


if __name__ == "__main__":
    _threads = str(_early_threads(sys.argv))
    for _name in (
        "OMP_NUM_THREADS",
        "OPENBLAS_NUM_THREADS",
        "MKL_NUM_THREADS",
        "CONVLIB_NUM_THREADS",
    ):
        os.environ[_name] = _threads
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

import convlib  # noqa: E402
from convlib.methods import ALL_METHODS, choose_conv_method, method_supports  # noqa: E402

RESULTS = Path(__file__).parent / "results"

#: The suite: (name, kind, x shape NCHW, w shape OIHW, stride, padding, groups).
#: kind "dense" are GEMM-shaped layers, "depthwise" one channel per group, "large" large
#: kernels; "image" single-channel image filters (also timed against SciPy).
SUITE: list[tuple[str, str, tuple[int, ...], tuple[int, ...], int, int, int]] = [
    ("resnet 3x3, 56x56, 64 ch", "dense", (8, 64, 56, 56), (64, 64, 3, 3), 1, 1, 1),
    ("resnet 3x3, 28x28, 128 ch", "dense", (8, 128, 28, 28), (128, 128, 3, 3), 1, 1, 1),
    ("resnet 3x3, 14x14, 256 ch", "dense", (8, 256, 14, 14), (256, 256, 3, 3), 1, 1, 1),
    ("resnet 3x3, 7x7, 512 ch", "dense", (8, 512, 7, 7), (512, 512, 3, 3), 1, 1, 1),
    ("3x3 stride 2, 56->28, 64->128", "dense", (8, 64, 56, 56), (128, 64, 3, 3), 2, 1, 1),
    ("1x1, 56x56, 64->256", "dense", (8, 64, 56, 56), (256, 64, 1, 1), 1, 0, 1),
    ("1x1 stride 2, 56->28, 256->512", "dense", (8, 256, 56, 56), (512, 256, 1, 1), 2, 0, 1),
    ("7x7 stride-2 stem, 224x224, 3->64", "dense", (8, 3, 224, 224), (64, 3, 7, 7), 2, 3, 1),
    ("depthwise 3x3, 56x56, 128 ch", "depthwise", (8, 128, 56, 56), (128, 1, 3, 3), 1, 1, 128),
    ("depthwise 7x7, 56x56, 96 ch", "depthwise", (8, 96, 56, 56), (96, 1, 7, 7), 1, 3, 96),
    ("dense 15x15, 64x64, 32 ch", "large", (4, 32, 64, 64), (32, 32, 15, 15), 1, 7, 1),
    ("depthwise 31x31, 56x56, 128 ch", "large", (1, 128, 56, 56), (128, 1, 31, 31), 1, 15, 128),
    ("image 15x15, 512x512", "image", (1, 1, 512, 512), (1, 1, 15, 15), 1, 7, 1),
    ("image 31x31, 512x512", "image", (1, 1, 512, 512), (1, 1, 31, 31), 1, 15, 1),
]

#: The 64-channel layer on which convlib is compared with the 001 seed's Python loop.
SEED_LAYER = ("seed loop layer, 3x3, 56x56, 64 ch", (1, 64, 56, 56), (64, 64, 3, 3), 1, 1)

#: Kernel sizes of the single-channel sweep against scipy.signal and scipy.ndimage.
SWEEP_SIZES = (3, 5, 7, 9, 11, 15, 21, 31, 41, 51, 63)
SWEEP_IMAGE = 512

#: The targets of the fast-convolution issue, by kind: the largest ratio allowed.
TARGETS = {"dense": 1.5, "depthwise": 3.0, "large": 0.2, "image": 0.2}


# --- Timing ------------------------------------------------------------------------------


#: Timed calls of one peer in a row, within a round.
BLOCK = 3

#: Seconds of untimed calls that start each block: longer than the threads the
#: previous library leaves spinning keep spinning (OpenBLAS's, about 2**28 cycles).
SETTLE = 0.2


def time_interleaved(
    functions: dict[str, Callable[[], Any]],
    repeats: int,
    budget: float = 20.0,
    block: int = BLOCK,
    settle: float = SETTLE,
) -> dict[str, list[float]]:
    """Seconds per call of each function, ``repeats`` calls each, in alternating blocks.

    Each round gives every function, in an order that rotates from round to
    round, a block: untimed calls for ``settle`` seconds (one at least), then
    ``block`` timed calls. The rounds spread a slow moment of a shared machine
    over every peer. The untimed calls keep one library's idle threads, which
    spin for a while after its last call on the cores the next library needs,
    out of the next library's timings, without changing how any library waits
    (and without leaving the cores idle, which slows the calls after). A
    function whose calls have used up ``budget`` seconds is not called again (a
    slow peer must not take the whole run; it keeps the samples it has, one at
    least).
    """
    for function in functions.values():  # warm-up: imports, plans, caches
        function()
    names = list(functions)
    times: dict[str, list[float]] = {name: [] for name in names}
    for r in range(math.ceil(repeats / block)):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            if sum(times[name]) > budget:
                continue
            start = time.perf_counter()
            functions[name]()  # untimed: the other library's threads may still spin
            while time.perf_counter() - start < settle and sum(times[name]) <= budget:
                functions[name]()
            for _ in range(min(block, repeats - len(times[name]))):
                start = time.perf_counter()
                functions[name]()
                times[name].append(time.perf_counter() - start)
    return times


def settle_malloc() -> None:
    """Put the C allocator in the state a long-running program reaches.

    glibc serves a large allocation with fresh pages from the operating system
    (``mmap``), and every first write to a page then faults, until a freed large
    block raises its threshold (up to 32 MiB): from then on, arrays up to that
    size reuse the heap. A program that has run for a while is in that state; a
    fresh process is not, and its first layers would pay the faults of every
    output array (PyTorch's time on the first suite layer was measured 5 times
    longer). One large block allocated and freed at the start settles it, for
    every peer alike.
    """
    block = np.empty(30 * 2**20, dtype=np.uint8)
    del block


def sgemm_gflops(size: int = 2048) -> Callable[[], Any]:
    """A float32 ``size x size`` matrix product: the machine's practical throughput."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((size, size), dtype=np.float32)
    b = rng.standard_normal((size, size), dtype=np.float32)
    return lambda: a @ b


# --- Peers -------------------------------------------------------------------------------


def seed_loop(images: np.ndarray, kernels: np.ndarray, stride: int, pad: int) -> np.ndarray:
    """The 001 seed's batched convolution: Python loops over images, filters and positions.

    ``images`` is NHWC and ``kernels`` (num_filters, kh, kw, C), as in the seed;
    each output value is ``np.sum(patch * kernel)``, the seed's ``conv_step``.
    """
    n, h, w, _ = images.shape
    filters, kh, kw, _ = kernels.shape
    padded = np.pad(images, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    h_out = (h - kh + 2 * pad) // stride + 1
    w_out = (w - kw + 2 * pad) // stride + 1
    out = np.zeros((n, h_out, w_out, filters), dtype=images.dtype)
    for i in range(n):
        for f in range(filters):
            for r in range(h_out):
                for c in range(w_out):
                    patch = padded[i, r * stride : r * stride + kh, c * stride : c * stride + kw]
                    out[i, r, c, f] = np.sum(patch * kernels[f])
    return out


class Peers:
    """The frameworks, imported once, with their thread counts set."""

    def __init__(self, threads: int, use_tf: bool = True) -> None:
        import torch

        torch.set_num_threads(threads)
        self.threads = threads
        self.torch = torch
        self.tf = None
        if use_tf:
            try:
                import tensorflow as tf

                tf.config.threading.set_intra_op_parallelism_threads(threads)
                tf.config.threading.set_inter_op_parallelism_threads(1)
                self.tf = tf
            except Exception as error:  # TensorFlow is optional here
                print(f"TensorFlow not timed: {error}", file=sys.stderr)
        try:
            from threadpoolctl import threadpool_limits

            self._limits = threadpool_limits(threads)
        except ImportError:
            self._limits = None

    def torch_conv(self, x, w, stride, padding, groups) -> Callable[[], Any]:
        xt, wt = self.torch.from_numpy(x), self.torch.from_numpy(w)
        conv = self.torch.nn.functional.conv2d

        def run():
            with self.torch.no_grad():
                return conv(xt, wt, stride=stride, padding=padding, groups=groups)

        return run

    def tf_conv(self, x, w, stride, padding, groups) -> Callable[[], Any] | None:
        """tf.nn.conv2d (depthwise_conv2d for one channel per group), NHWC as TF prefers."""
        if self.tf is None:
            return None
        tf = self.tf
        xt = tf.constant(np.ascontiguousarray(x.transpose(0, 2, 3, 1)))
        pads = [[0, 0], [padding, padding], [padding, padding], [0, 0]]
        if groups == 1:
            wt = tf.constant(np.ascontiguousarray(w.transpose(2, 3, 1, 0)))  # HWIO
            run = lambda: tf.nn.conv2d(xt, wt, strides=stride, padding=pads)  # noqa: E731
        elif groups == x.shape[1] and w.shape[0] == groups:
            wt = tf.constant(np.ascontiguousarray(w.transpose(2, 3, 0, 1)))  # (kh, kw, C, 1)
            strides = [1, stride, stride, 1]
            run = lambda: tf.nn.depthwise_conv2d(xt, wt, strides=strides, padding=pads)  # noqa: E731
        else:
            return None
        try:
            run()
        except Exception as error:  # an op TF's CPU kernels lack
            print(f"TensorFlow skipped: {error}", file=sys.stderr)
            return None
        return run


def scipy_peers(image: np.ndarray, kernel: np.ndarray) -> dict[str, Callable[[], Any]]:
    """scipy.signal.correlate (its own method choice) and scipy.ndimage.correlate, zero-padded."""
    import scipy.ndimage
    import scipy.signal

    return {
        "scipy.signal": lambda: scipy.signal.correlate(image, kernel, mode="same"),
        "scipy.ndimage": lambda: scipy.ndimage.correlate(image, kernel, mode="constant"),
    }


# --- The suite ----------------------------------------------------------------------------


def relative_error(x, w, stride, padding, groups, torch) -> float:
    """convlib's float32 ``auto`` result against a float64 PyTorch reference."""
    with torch.no_grad():
        reference = torch.nn.functional.conv2d(
            torch.from_numpy(x.astype(np.float64)),
            torch.from_numpy(w.astype(np.float64)),
            stride=stride,
            padding=padding,
            groups=groups,
        ).numpy()
    y = convlib.conv2d(x, w, stride=stride, padding=padding, groups=groups)
    return float(np.max(np.abs(y - reference)) / np.max(np.abs(reference)))


def floor_functions(x, w, padding: int, groups: int, threads: int) -> dict[str, Callable[[], Any]]:
    """Work that a method cannot skip on this layer, timed: lower bounds of its time.

    ``"floor fft"``: the FFT method's transforms alone (inputs, kernels and
    outputs, computed as the method computes them, the FFTs on one thread and on
    ``threads``; the faster counts), without the product between them. ``"floor passes"``
    (one channel per group only): one multiply pass over the output per kernel
    tap, reading a contiguous array, in blocks of about 1 MiB on convlib's
    threads, without the adds: any element-wise direct method makes at least
    these passes (the depthwise method makes them and as many adds). Only for
    stride 1, where the FFT method needs no more than its transforms.
    """
    import scipy.fft

    from convlib.methods._threads import run_blocks
    from convlib.methods.fft import (
        _kernel_spectra,
        fft_shape,
        kernel_spectra_by_products,
        spectrum_shape,
    )

    n, c_in = x.shape[:2]
    c_out = w.shape[0]
    pads = ((0, 0), (0, 0)) + ((padding, padding),) * 2
    padded = np.pad(x, pads)
    shape = fft_shape(padded.shape[2:])
    out_hw = tuple(s - k + 1 for s, k in zip(padded.shape[2:], w.shape[2:]))
    out_spectra = np.zeros((n, c_out) + spectrum_shape(shape), dtype=np.complex64)

    def transforms(workers: int) -> Callable[[], Any]:
        def run():
            scipy.fft.rfftn(padded, s=shape, axes=(2, 3), workers=workers)
            if w.shape[1] == 1:
                _kernel_spectra(w, shape, workers)
            else:
                kernel_spectra_by_products(w, shape, (1, 1))
            scipy.fft.irfftn(out_spectra, s=shape, axes=(2, 3), workers=workers)

        return run

    functions = {"floor fft": transforms(1), "floor fft threads": transforms(threads)}
    if groups == c_in and w.shape[1] == 1:
        taps = math.prod(w.shape[2:])
        source = np.ones((n, c_out) + out_hw, dtype=np.float32)
        result = np.empty_like(source)
        scale = np.ones((c_out, 1, 1), dtype=np.float32)
        per_block = max(1, min(c_out, 2**20 // (4 * math.prod(out_hw))))
        blocks = [
            (b, slice(c, c + per_block)) for b in range(n) for c in range(0, c_out, per_block)
        ]

        def passes(block) -> None:
            b, channels = block
            for _ in range(taps):
                np.multiply(source[b, channels], scale[channels], out=result[b, channels])

        functions["floor passes"] = lambda: run_blocks(passes, blocks)
    return functions


def bench_layer(layer, peers: Peers, repeats: int, every_method: bool) -> dict[str, Any]:
    name, kind, x_shape, w_shape, stride, padding, groups = layer
    rng = np.random.default_rng(0)
    x = rng.standard_normal(x_shape, dtype=np.float32)
    w = rng.standard_normal(w_shape, dtype=np.float32)
    method, counts = choose_conv_method(
        x_shape, w_shape, stride=stride, padding=padding, groups=groups
    )
    settings = dict(stride=stride, padding=padding, groups=groups)
    functions: dict[str, Callable[[], Any]] = {
        "convlib": lambda: convlib.conv2d(x, w, **settings),
        "torch": peers.torch_conv(x, w, stride, padding, groups),
    }
    tf_run = peers.tf_conv(x, w, stride, padding, groups)
    if tf_run is not None:
        functions["tensorflow"] = tf_run
    if kind == "image":
        functions.update(scipy_peers(x[0, 0], w[0, 0]))
    if kind != "dense" and stride == 1:
        functions.update(floor_functions(x, w, padding, groups, peers.threads))
    if every_method:
        padded = x_shape[:2] + tuple(s + 2 * padding for s in x_shape[2:])
        for m in ALL_METHODS:
            if m in ("loop", method) or method_supports(
                m, padded, w_shape, (stride,) * 2, (1, 1), groups, np.float32
            ):
                continue
            if counts[m].cost > 50 * counts[method].cost:  # hopeless: minutes for nothing
                continue
            functions[f"method {m}"] = lambda m=m: convlib.conv2d(x, w, method=m, **settings)
    times = time_interleaved(functions, repeats)
    medians = {peer: float(np.median(t)) for peer, t in times.items()}
    out_hw = [(s + 2 * padding - k) // stride + 1 for s, k in zip(x_shape[2:], w_shape[2:])]
    macs = x_shape[0] * w_shape[0] * math.prod(out_hw) * math.prod(w_shape[1:])
    return {
        "name": name,
        "kind": kind,
        "x_shape": list(x_shape),
        "w_shape": list(w_shape),
        "stride": stride,
        "padding": padding,
        "groups": groups,
        "multiply_adds": macs,
        "method": method,
        "times": times,
        "median": medians,
        "ratio": medians["convlib"] / medians["torch"],
        "gflops": 2 * macs / medians["convlib"] / 1e9,
        "torch_gflops": 2 * macs / medians["torch"] / 1e9,
        "error": relative_error(x, w, stride, padding, groups, peers.torch),
        "floors": floors(medians),
    }


def floors(medians: dict[str, float]) -> dict[str, float]:
    """The timed floors of a layer (seconds): ``fft`` (the faster thread count) and ``passes``."""
    found = {}
    fft = [medians[k] for k in ("floor fft", "floor fft threads") if k in medians]
    if fft:
        found["fft"] = min(fft)
    if "floor passes" in medians:
        found["passes"] = medians["floor passes"]
    return found


def bench_seed(peers: Peers) -> dict[str, Any]:
    """convlib against the 001 seed's loop (one call: it takes seconds) on a 64-channel layer."""
    name, x_shape, w_shape, stride, padding = SEED_LAYER
    rng = np.random.default_rng(0)
    x = rng.standard_normal(x_shape, dtype=np.float32)
    w = rng.standard_normal(w_shape, dtype=np.float32)
    x_nhwc, w_ohwi = x.transpose(0, 2, 3, 1).copy(), w.transpose(0, 2, 3, 1).copy()
    start = time.perf_counter()
    looped = seed_loop(x_nhwc, w_ohwi, stride, padding)
    seed_seconds = time.perf_counter() - start
    times = time_interleaved(
        {
            "convlib": lambda: convlib.conv2d(x, w, stride=stride, padding=padding),
            "torch": peers.torch_conv(x, w, stride, padding, 1),
        },
        repeats=9,
    )
    y = convlib.conv2d(x, w, stride=stride, padding=padding).transpose(0, 2, 3, 1)
    assert np.max(np.abs(y - looped)) <= 1e-4 * np.max(np.abs(looped))
    convlib_seconds = float(np.median(times["convlib"]))
    out_hw = [(s + 2 * padding - k) // stride + 1 for s, k in zip(x_shape[2:], w_shape[2:])]
    return {
        "name": name,
        "x_shape": list(x_shape),
        "w_shape": list(w_shape),
        "multiply_adds": x_shape[0] * w_shape[0] * math.prod(out_hw) * math.prod(w_shape[1:]),
        "seed_loop": seed_seconds,
        "convlib": convlib_seconds,
        "torch": float(np.median(times["torch"])),
        "speedup": seed_seconds / convlib_seconds,
        "torch_speedup": seed_seconds / float(np.median(times["torch"])),
    }


def bench_spin(peers: Peers, repeats: int = 9) -> dict[str, Any]:
    """PyTorch on the first suite layer, timed settled and right after a NumPy matrix product.

    Shows why the blocks of :func:`time_interleaved` start with untimed calls:
    OpenBLAS's idle threads spin for a while after the product, on the cores
    PyTorch's threads need.
    """
    name, _, x_shape, w_shape, stride, padding, groups = SUITE[0]
    rng = np.random.default_rng(0)
    x = rng.standard_normal(x_shape, dtype=np.float32)
    w = rng.standard_normal(w_shape, dtype=np.float32)
    run = peers.torch_conv(x, w, stride, padding, groups)
    a = rng.standard_normal((1024, 1024), dtype=np.float32)
    settled, after = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        while time.perf_counter() - start < SETTLE:
            run()
        start = time.perf_counter()
        run()
        settled.append(time.perf_counter() - start)
        a @ a
        start = time.perf_counter()
        run()
        after.append(time.perf_counter() - start)
    return {
        "name": name,
        "settled": float(np.median(settled)),
        "after_matmul": float(np.median(after)),
        "slowdown": float(np.median(after) / np.median(settled)),
    }


def bench_sweep(peers: Peers, repeats: int, sizes=SWEEP_SIZES, image=SWEEP_IMAGE) -> list[dict]:
    """A single-channel image filtered by k x k kernels: convlib against SciPy and torch."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((1, 1, image, image), dtype=np.float32)
    rows = []
    for k in sizes:
        w = rng.standard_normal((1, 1, k, k), dtype=np.float32)
        p = k // 2
        method, _ = choose_conv_method(x.shape, w.shape, padding=p)
        functions = {
            "convlib": lambda w=w, p=p: convlib.conv2d(x, w, padding=p),
            "torch": peers.torch_conv(x, w, 1, p, 1),
            **scipy_peers(x[0, 0], w[0, 0]),
        }
        for m in ("depthwise", "fft"):  # the direct and the FFT path, for the crossover
            functions[f"method {m}"] = lambda m=m, w=w, p=p: convlib.conv2d(
                x, w, padding=p, method=m
            )
        times = time_interleaved(functions, repeats, budget=5.0)
        rows.append(
            {
                "kernel": k,
                "method": method,
                "median": {peer: float(np.median(t)) for peer, t in times.items()},
            }
        )
    return rows


def machine_info(threads: int) -> dict[str, Any]:
    import scipy
    import torch

    info: dict[str, Any] = {
        "platform": platform.platform(),
        "processor": platform.processor(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "threads": threads,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "torch": torch.__version__,
        "convlib": convlib.__version__,
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "environment": {
            name: os.environ.get(name)
            for name in (
                "OMP_NUM_THREADS",
                "OPENBLAS_NUM_THREADS",
                "CONVLIB_NUM_THREADS",
                "OMP_WAIT_POLICY",
                "OPENBLAS_CORETYPE",
            )
        },
    }
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        info["load_average"] = os.getloadavg()
    except OSError:
        pass
    try:
        import tensorflow as tf

        info["tensorflow"] = tf.__version__
    except ImportError:
        pass
    try:  # the kernels OpenBLAS runs (OPENBLAS_CORETYPE can force older ones)
        from threadpoolctl import threadpool_info

        for pool in threadpool_info():
            if pool.get("internal_api") == "openblas":
                info["blas_architecture"] = pool.get("architecture")
    except ImportError:
        pass
    config = np.show_config(mode="dicts") if hasattr(np, "show_config") else None
    if isinstance(config, dict):
        blas = config.get("Build Dependencies", {}).get("blas", {})
        info["blas"] = f"{blas.get('name', '?')} {blas.get('version', '')}".strip()
    return info


def geometric_mean(values) -> float:
    values = list(values)
    return float(np.exp(np.mean(np.log(values)))) if values else float("nan")


def summarize(run: dict[str, Any]) -> dict[str, Any]:
    """The targets of the issue, each with its figure and whether it is met."""
    layers = run["layers"]
    checks = []
    gm = geometric_mean(layer["ratio"] for layer in layers)
    checks.append(("geometric mean of the ratios", gm, "<= 1.0", gm <= 1.0))
    for layer in layers:
        limit = TARGETS[layer["kind"]]
        checks.append((layer["name"], layer["ratio"], f"<= {limit}", layer["ratio"] <= limit))
    if run.get("seed"):
        speedup = run["seed"]["speedup"]
        checks.append(("speed-up over the 001 seed's loop", speedup, ">= 1000", speedup >= 1000))
    for row in run.get("sweep", []):
        med = row["median"]
        best_scipy = min(med["scipy.signal"], med["scipy.ndimage"])
        ratio = med["convlib"] / best_scipy
        checks.append(
            (f"image {row['kernel']}x{row['kernel']} vs best of SciPy", ratio, "< 1", ratio < 1)
        )
    worst_error = max(layer["error"] for layer in layers)
    checks.append(
        ("largest float32 error / max |output|", worst_error, "<= 1e-4", worst_error <= 1e-4)
    )
    # Each floor as a ratio to torch: the best ratio that method could reach on the layer.
    floor_ratios = {
        layer["name"]: {
            floor: seconds / layer["median"]["torch"]
            for floor, seconds in layer.get("floors", {}).items()
        }
        for layer in layers
    }
    return {
        "geometric_mean": gm,
        "checks": [{"target": t, "value": v, "bound": b, "met": bool(m)} for t, v, b, m in checks],
        "floor_ratios": floor_ratios,
    }


# --- Output ----------------------------------------------------------------------------------


def print_table(run: dict[str, Any]) -> None:
    sgemm = run["sgemm_gflops"]
    print(
        f"\nNumPy float32 matmul (2048^3): {sgemm:.0f} GFLOP/s "
        f"({run['machine'].get('blas_architecture', '?')} kernels), {run['machine']['threads']} "
        f"threads, load average {run['machine'].get('load_average')}"
    )
    header = (
        f"{'layer':36s} {'auto':>10s} {'convlib':>9s} {'torch':>9s} {'ratio':>6s} "
        f"{'TF':>6s} {'GFLOP/s':>8s} {'%mm':>4s} {'error':>8s}"
    )
    print(header)
    print("-" * len(header))
    for layer in run["layers"]:
        med = layer["median"]
        tf_ratio = med["tensorflow"] / med["torch"] if "tensorflow" in med else float("nan")
        print(
            f"{layer['name'][:36]:36s} {layer['method']:>10s} {med['convlib'] * 1e3:8.2f}m "
            f"{med['torch'] * 1e3:8.2f}m {layer['ratio']:6.2f} {tf_ratio:6.2f} "
            f"{layer['gflops']:8.1f} {100 * layer['gflops'] / sgemm:4.0f} {layer['error']:8.1e}"
        )
        others = {k[7:]: v for k, v in med.items() if k.startswith("method ")}
        if others:
            text = ", ".join(f"{m} {v / med['torch']:.2f}" for m, v in others.items())
            print(f"{'':36s}   other methods (ratio): {text}")
        layer_floors = run["summary"]["floor_ratios"].get(layer["name"], {})
        if layer_floors and layer["kind"] != "dense":
            text = ", ".join(f"{f} {r:.2f}" for f, r in layer_floors.items())
            print(f"{'':36s}   floors (ratio): {text}")
    if run.get("seed"):
        seed = run["seed"]
        print(
            f"\n{seed['name']}: seed loop {seed['seed_loop']:.2f} s, convlib "
            f"{seed['convlib'] * 1e3:.2f} ms -> {seed['speedup']:.0f}x faster "
            f"(torch: {seed['torch'] * 1e3:.2f} ms, {seed['seed_loop'] / seed['torch']:.0f}x)"
        )
        needed = 2 * seed["multiply_adds"] * 1000 / seed["seed_loop"] / 1e9
        print(
            f"1000x faster would take {needed:.0f} GFLOP/s ({needed / sgemm:.1f}x NumPy's matmul)"
        )
    if run.get("spin"):
        spin = run["spin"]
        print(
            f"torch on {spin['name']}: {spin['settled'] * 1e3:.2f} ms settled, "
            f"{spin['after_matmul'] * 1e3:.2f} ms right after a NumPy matmul "
            f"({spin['slowdown']:.2f}x)"
        )
    if run.get("sweep"):
        print(f"\nsingle-channel {SWEEP_IMAGE}x{SWEEP_IMAGE} image, times in ms:")
        peers = list(run["sweep"][0]["median"])
        print(f"{'k':>3s} {'auto':>10s} " + " ".join(f"{p:>15s}" for p in peers))
        for row in run["sweep"]:
            print(
                f"{row['kernel']:3d} {row['method']:>10s} "
                + " ".join(f"{row['median'][p] * 1e3:15.2f}" for p in peers)
            )
    print("\ntargets:")
    for check in run["summary"]["checks"]:
        mark = "met" if check["met"] else "NOT MET"
        print(f"  {check['target'][:48]:48s} {check['value']:10.3g} {check['bound']:>8s}  {mark}")


def compare(path_a: str, path_b: str) -> None:
    a, b = (json.loads(Path(p).read_text()) for p in (path_a, path_b))
    print(f"A: {path_a} ({a['machine']['time']})\nB: {path_b} ({b['machine']['time']})")
    by_name = {layer["name"]: layer for layer in b["layers"]}
    print(f"{'layer':36s} {'A ratio':>8s} {'B ratio':>8s} {'B / A':>6s}  methods")
    for layer in a["layers"]:
        other = by_name.get(layer["name"])
        if other is None:
            continue
        change = other["ratio"] / layer["ratio"]
        print(
            f"{layer['name'][:36]:36s} {layer['ratio']:8.2f} {other['ratio']:8.2f} "
            f"{change:6.2f}  {layer['method']} -> {other['method']}"
        )
    print(
        f"{'geometric mean':36s} {a['summary']['geometric_mean']:8.2f} "
        f"{b['summary']['geometric_mean']:8.2f}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=2, help="threads for every peer")
    parser.add_argument("--repeats", type=int, default=12, help="timed calls per peer and layer")
    parser.add_argument("--name", default=None, help="results/<name>.json (default: a timestamp)")
    parser.add_argument("--only", default=None, help="only layers whose name contains this")
    parser.add_argument("--no-tf", action="store_true", help="do not time TensorFlow")
    parser.add_argument("--no-sweep", action="store_true", help="skip the SciPy kernel sweep")
    parser.add_argument("--no-seed", action="store_true", help="skip the seed loop")
    parser.add_argument(
        "--every-method", action="store_true", help="also time each applicable convlib method"
    )
    parser.add_argument("--compare", nargs=2, metavar=("A.json", "B.json"))
    args = parser.parse_args(argv)
    if args.compare:
        compare(*args.compare)
        return 0

    settle_malloc()
    peers = Peers(args.threads, use_tf=not args.no_tf)
    suite = [layer for layer in SUITE if args.only is None or args.only in layer[0]]
    run: dict[str, Any] = {"machine": machine_info(args.threads), "layers": []}
    mm = sgemm_gflops()
    sgemm_times = []
    for layer in suite:
        print(f"{layer[0]} ...", file=sys.stderr, flush=True)
        run["layers"].append(bench_layer(layer, peers, args.repeats, args.every_method))
        sgemm_times += time_interleaved({"mm": mm}, 3)["mm"]
    run["sgemm_gflops"] = 2 * 2048**3 / float(np.median(sgemm_times or [math.inf])) / 1e9
    for layer in run["layers"]:  # a dense layer's direct operations at NumPy's matmul speed
        if layer["groups"] == 1:
            layer["floors"]["matmul"] = 2 * layer["multiply_adds"] / (run["sgemm_gflops"] * 1e9)
    if not args.no_seed and args.only is None:
        print("seed loop ...", file=sys.stderr, flush=True)
        run["seed"] = bench_seed(peers)
    if args.only is None:
        run["spin"] = bench_spin(peers)
    if not args.no_sweep and args.only is None:
        print("kernel sweep ...", file=sys.stderr, flush=True)
        run["sweep"] = bench_sweep(peers, args.repeats)
    run["summary"] = summarize(run)
    print_table(run)
    RESULTS.mkdir(exist_ok=True)
    name = args.name or time.strftime("%Y%m%d-%H%M%S")
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(run, indent=1))
    print(f"\nwritten: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
