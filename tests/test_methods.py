"""Every convolution algorithm against the loop and PyTorch; the cost model's choices."""

from __future__ import annotations

import threading

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from helpers import EXACT_METHODS, assert_close, random_array, supporting, torch_conv

import convlib
from convlib.geometry import ConvGeometry, TransposeGeometry
from convlib.methods import REGISTRY

CONV = {1: convlib.conv1d, 2: convlib.conv2d, 3: convlib.conv3d}
FAST = [name for name in REGISTRY if name != "loop"]


def random_setting(rng, nd, method, attempts=200):
    """Random sizes, stride, dilation, groups and padding that ``method`` supports, or None.

    Settings are drawn until the registry says ``method`` can compute one; half the draws
    use 3x3 kernels with stride and dilation 1 and half one input channel per group, so
    that methods restricted to those (Winograd, depthwise) find theirs quickly.
    """
    for _ in range(attempts):
        if rng.random() < 0.5:
            kernel, stride, dilation = (3,) * nd, (1,) * nd, (1,) * nd
        else:
            kernel = tuple(int(k) for k in rng.integers(1, 5, size=nd))
            stride = tuple(int(s) for s in rng.integers(1, 4, size=nd))
            dilation = tuple(int(d) for d in rng.integers(1, 3, size=nd))
        groups = int(rng.choice([1, 2, 3]))
        c_in_g = 1 if rng.random() < 0.5 else int(rng.integers(1, 4))
        c_out = groups * int(rng.integers(1, 4))
        padding = tuple(int(p) for p in rng.integers(0, 3, size=nd))
        sizes = tuple(
            int(d * (k - 1) + 1 + rng.integers(0, 8)) for k, d in zip(kernel, dilation)
        )  # at least the dilated kernel
        batch = int(rng.integers(1, 3))
        case = dict(
            x_shape=(batch, groups * c_in_g) + sizes,
            w_shape=(c_out, c_in_g) + kernel,
            settings=dict(stride=stride, padding=padding, dilation=dilation, groups=groups),
        )
        if method in supporting(case["x_shape"], case["w_shape"], np.float64, **case["settings"]):
            return case
    return None


def dtypes_for(method):
    if REGISTRY[method].exact:
        return (np.float64, np.float32, np.int64)
    return (np.float64, np.float32)


@pytest.mark.parametrize("method", FAST)
@pytest.mark.parametrize("nd", [1, 2, 3])
def test_every_method_matches_the_loop(rng, method, nd):
    """Seeded grids of shapes, strides, dilations, groups and paddings, per dtype."""
    for _ in range(12 if nd == 2 else 5):
        case = random_setting(rng, nd, method)
        if case is None:  # every method computes some 2-D convolutions
            assert nd != 2, f"no 2-D setting that {method!r} supports"
            pytest.skip(f"{method!r} computes no {nd}-D convolution (its record says why)")
        for dtype in dtypes_for(method):
            x = random_array(rng, case["x_shape"], dtype)
            w = random_array(rng, case["w_shape"], dtype)
            reference = CONV[nd](x, w, method="loop", **case["settings"])
            result = CONV[nd](x, w, method=method, **case["settings"])
            assert_close(result, reference, reference.dtype)


@pytest.mark.parametrize("method", FAST)
def test_every_method_matches_torch(rng, method):
    """Larger layers, float32 and float64, against torch.nn.functional.conv2d."""
    layers = [
        ((2, 16, 15, 13), (24, 16, 3, 3), dict(padding=1)),
        ((2, 8, 20, 20), (8, 1, 5, 5), dict(padding=2, groups=8)),
        ((1, 6, 23, 19), (4, 3, 3, 3), dict(padding=(1, 0), groups=2)),
        ((2, 4, 33, 31), (6, 4, 7, 7), dict(padding=3, stride=2)),
        ((1, 3, 40, 40), (2, 3, 9, 9), dict(padding=8, dilation=2)),
        ((1, 12, 9, 9), (12, 1, 3, 3), dict(padding=1, groups=12)),
        ((3, 32, 6, 6), (40, 32, 1, 1), dict()),
    ]
    checked = 0
    for x_shape, w_shape, settings in layers:
        stride = (settings.get("stride", 1),) * 2
        dilation = (settings.get("dilation", 1),) * 2
        groups = settings.get("groups", 1)
        padding = settings.get("padding", 0)
        pad = padding if isinstance(padding, tuple) else (padding, padding)
        if method not in supporting(x_shape, w_shape, np.float32, **settings):
            continue
        for dtype in (np.float32, np.float64):
            x = random_array(rng, x_shape, dtype)
            w = random_array(rng, w_shape, dtype)
            expected = torch_conv(
                x, w, stride=stride, pads=((pad[0],) * 2, (pad[1],) * 2), dilation=dilation,
                groups=groups,
            )  # fmt: skip
            assert_close(convlib.conv2d(x, w, method=method, **settings), expected, dtype)
        checked += 1
    assert checked >= 2


@pytest.mark.parametrize("method", FAST)
def test_float32_error_is_within_the_target(rng, method):
    """Max abs error <= 1e-4 of the largest output of a float64 reference, on a real layer."""
    x64 = rng.standard_normal((2, 64, 20, 20))
    groups = 64 if method == "depthwise" else 1
    w64 = rng.standard_normal((64, 64 // groups, 3, 3)) / 8
    reference = F.conv2d(torch.from_numpy(x64), torch.from_numpy(w64), padding=1, groups=groups)
    reference = reference.numpy()
    y = convlib.conv2d(
        x64.astype(np.float32), w64.astype(np.float32), padding=1, groups=groups, method=method
    )
    error = np.max(np.abs(y - reference)) / np.max(np.abs(reference))
    assert error <= 1e-4
    # The direct methods only reorder float32 sums: far below the bound.
    if method in ("gemm", "shifted", "depthwise"):
        assert error <= 1e-5


def test_integers_beyond_float64_stay_exact_with_every_exact_method():
    x = np.full((1, 1, 3, 3), 2**26, dtype=np.int64)
    w = np.full((1, 1, 2, 2), 2**26, dtype=np.int64)
    w[0, 0, 1, 1] = 1
    expected = 3 * 2**52 + 2**26  # not representable in float64
    for method in ("auto", *EXACT_METHODS):
        assert int(convlib.conv2d(x, w, method=method)[0, 0, 0, 0]) == expected
    xd = np.full((1, 2, 3, 3), 2**26, dtype=np.int64)
    wd = np.concatenate([w, w])
    assert int(convlib.conv2d(xd, wd, groups=2, method="depthwise")[0, 1, 0, 0]) == expected


@pytest.mark.parametrize(
    "method,kwargs,message",
    [
        ("winograd", dict(w_shape=(2, 2, 5, 5)), "needs a 3x3 kernel, got \\(5, 5\\)"),
        ("winograd4", dict(stride=2), "needs stride 1 and dilation 1"),
        ("winograd", dict(dilation=2), "needs stride 1 and dilation 1"),
        ("winograd", dict(dtype=np.int64), "integer inputs would not stay exact"),
        ("fft", dict(dtype=np.int32), "integer inputs would not stay exact"),
        ("depthwise", dict(), "needs groups == c_in"),
    ],
)
def test_specialised_methods_refuse_what_they_cannot_do(method, kwargs, message):
    w_shape = kwargs.pop("w_shape", (2, 2, 3, 3))
    dtype = kwargs.pop("dtype", np.float32)
    x = np.ones((1, 2, 9, 9), dtype=dtype)
    w = np.ones(w_shape, dtype=dtype)
    with pytest.raises(ValueError, match=f"conv2d: method='{method}' cannot compute.*{message}"):
        convlib.conv2d(x, w, method=method, **kwargs)
    with pytest.raises(ValueError, match="correlate_"):
        stride = (kwargs.get("stride", 1),) * 2
        dilation = (kwargs.get("dilation", 1),) * 2
        REGISTRY[method].run(x, w, ConvGeometry.of_arrays(x, w, stride=stride, dilation=dilation))


def test_results_do_not_share_scratch_memory(rng):
    """The workspace is reused between calls; results handed out must not be."""
    for method in FAST:
        groups = 4 if method == "depthwise" else 1
        x1, x2 = random_array(rng, (2, 4, 10, 10), np.float32), random_array(rng, (2, 4, 10, 10))
        w = random_array(rng, (4, 4 // groups, 3, 3), np.float32)
        y1 = convlib.conv2d(x1, w, groups=groups, method=method)
        kept = y1.copy()
        convlib.conv2d(x2.astype(np.float32), w, groups=groups, method=method)
        np.testing.assert_array_equal(y1, kept)


def test_scratch_memory_is_bounded(rng, monkeypatch):
    """Requests beyond WORKSPACE_BYTES get plain arrays; the kept scratch stays under it."""
    from convlib.methods import _workspace

    monkeypatch.setattr(_workspace, "WORKSPACE_BYTES", 2**20)
    _workspace.release_workspace()
    x = random_array(rng, (2, 8, 40, 40), np.float32)
    w = random_array(rng, (8, 8, 3, 3), np.float32)
    expected = convlib.conv2d(x, w, padding=1, method="loop")
    for method in ("gemm", "shifted", "winograd", "winograd4", "fft"):
        assert_close(convlib.conv2d(x, w, padding=1, method=method), expected, np.float32)
        kept = sum(b.nbytes for b in _workspace._local.buffers.values())
        assert kept <= 2**20
    _workspace.release_workspace()


def test_threads_give_the_same_result(rng, monkeypatch):
    x = random_array(rng, (2, 8, 30, 30), np.float32)
    w = random_array(rng, (8, 1, 3, 3), np.float32)
    results = {}
    for threads in ("1", "2"):
        monkeypatch.setenv("CONVLIB_NUM_THREADS", threads)
        results[threads] = [
            convlib.conv2d(x, w, groups=8, padding=1, method=m) for m in ("depthwise", "fft")
        ]
    for one, two in zip(results["1"], results["2"]):
        np.testing.assert_array_equal(one, two)


def test_methods_run_concurrently_from_threads(rng):
    """Per-thread scratch: two threads convolving at once do not corrupt each other."""
    x = random_array(rng, (2, 16, 24, 24), np.float32)
    w = random_array(rng, (16, 16, 3, 3), np.float32)
    expected = convlib.conv2d(x, w, padding=1, method="gemm")
    failures = []

    def work():
        for _ in range(5):
            y = convlib.conv2d(x, w, padding=1, method="winograd4")
            if np.max(np.abs(y - expected)) > 1e-4 * np.max(np.abs(expected)):
                failures.append(True)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures


# --- The FFT's kernel spectra and the transposed scatter ------------------------------------


@pytest.mark.parametrize("nd", [1, 2, 3])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_kernel_spectra_by_products_match_numpy_fft(rng, nd, dtype):
    """The DFT-by-matrix kernel spectra equal conj(rfftn) of the spread, zero-padded kernel."""
    from convlib.methods.fft import kernel_spectra_by_products

    for _ in range(5):
        kernel = tuple(int(k) for k in rng.integers(1, 6, size=nd))
        dilation = tuple(int(d) for d in rng.integers(1, 4, size=nd))
        spans = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))
        shape = tuple(int(s + rng.integers(0, 9)) for s in spans)
        w = random_array(rng, (3, 2) + kernel, dtype)
        spread = np.zeros((3, 2) + spans)
        spread[(slice(None), slice(None)) + tuple(slice(None, None, d) for d in dilation)] = w
        expected = np.conj(np.fft.rfftn(spread, s=shape, axes=tuple(range(2, 2 + nd))))
        got = kernel_spectra_by_products(w, shape, dilation)
        assert got.dtype == np.result_type(dtype, np.complex64)
        assert got.shape == expected.shape[2:] + (2, 3)  # frequencies first, (c_in_g, c_out)
        got = np.moveaxis(got, (-1, -2), (0, 1))
        scale = np.abs(expected).max()
        tolerance = 1e-12 if dtype == np.float64 else 1e-6
        assert np.abs(got - expected).max() <= tolerance * scale


def test_fft_blocks_of_output_channels_give_the_same_result(rng, monkeypatch):
    """With a tiny FFT_BLOCK_BYTES, both branches (dense, one channel per group) run in blocks."""
    from convlib.methods import fft

    cases = [((2, 6, 12, 12), (10, 3, 4, 4), 2), ((2, 4, 12, 12), (8, 1, 5, 5), 4)]
    for x_shape, w_shape, groups in cases:
        x = random_array(rng, x_shape, np.float64)
        w = random_array(rng, w_shape, np.float64)
        expected = convlib.conv2d(x, w, groups=groups, dilation=(1, 2), padding=2, method="loop")
        monkeypatch.setattr(fft, "FFT_BLOCK_BYTES", 1)
        got = convlib.conv2d(x, w, groups=groups, dilation=(1, 2), padding=2, method="fft")
        monkeypatch.undo()
        assert_close(got, expected, np.float64)


@pytest.mark.parametrize("nd", [1, 2, 3])
def test_transposed_scatter_matches_spreading_zeros(rng, nd):
    """The strided transposed convolution skips the spread zeros; same result, exact for ints."""
    from convlib.methods.scatter import transpose_scatter

    for _ in range(15):
        groups = int(rng.integers(1, 4))
        kernel = tuple(int(k) for k in rng.integers(1, 5, size=nd))
        stride = tuple(int(s) for s in rng.integers(1, 4, size=nd))
        dilation = tuple(int(d) for d in rng.integers(1, 3, size=nd))
        sizes = tuple(int(v) for v in rng.integers(1, 6, size=nd))
        output_padding = tuple(int(rng.integers(0, max(s, d))) for s, d in zip(stride, dilation))
        pads = tuple((int(rng.integers(0, 2)), int(rng.integers(0, 2))) for _ in range(nd))
        x = random_array(rng, (2, groups * 2) + sizes, np.int64)
        w = random_array(rng, (groups * 2, 3) + kernel, np.int64)
        # The definition: spread with zeros, pad, correlate with the flipped, swapped kernel.
        spread = np.zeros((2, groups * 2) + tuple((i - 1) * s + 1 for i, s in zip(sizes, stride)))
        spread[(slice(None), slice(None)) + tuple(slice(None, None, s) for s in stride)] = x
        widths = [(0, 0), (0, 0)] + [
            (d * (k - 1), d * (k - 1) + e) for k, d, e in zip(kernel, dilation, output_padding)
        ]
        flipped = w[(slice(None), slice(None)) + (slice(None, None, -1),) * nd]
        swapped = flipped.reshape((groups, 2, 3) + kernel).swapaxes(1, 2)
        swapped = swapped.reshape((groups * 3, 2) + kernel)
        full = CONV[nd](
            np.pad(spread, widths).astype(np.int64), swapped, dilation=dilation, groups=groups,
            method="loop",
        )  # fmt: skip
        crop = tuple(slice(b, full.shape[2 + i] - a) for i, (b, a) in enumerate(pads))
        expected = full[(slice(None), slice(None)) + crop]
        geometry = TransposeGeometry(
            n=2, c_in=groups * 2, c_out=groups * 3, groups=groups, spatial=sizes, kernel=kernel,
            stride=stride, dilation=dilation, pads=pads, output_padding=output_padding,
            dtype=np.int64,
        )  # fmt: skip
        got = transpose_scatter(x, w, geometry)
        np.testing.assert_array_equal(got, expected)


def test_transposed_and_backward_use_the_fast_methods(rng):
    """conv_transpose2d and conv2d_backward go through auto; check them on a large kernel."""
    x = random_array(rng, (1, 2, 40, 40), np.float32)
    w = random_array(rng, (2, 3, 15, 15), np.float32)
    y = convlib.conv_transpose2d(x, w, padding=7)
    expected = F.conv_transpose2d(torch.from_numpy(x), torch.from_numpy(w), padding=7).numpy()
    assert_close(y, expected, np.float32)
    y = convlib.conv_transpose2d(x, w[:, :, :4, :4], stride=2, padding=1)  # a scatter
    expected = F.conv_transpose2d(
        torch.from_numpy(x), torch.from_numpy(w[:, :, :4, :4]), stride=2, padding=1
    ).numpy()
    assert_close(y, expected, np.float32)
    wf = random_array(rng, (3, 2, 15, 15), np.float32)
    g = random_array(rng, (1, 3, 40, 40), np.float32)
    xt = torch.from_numpy(x).requires_grad_()
    wt = torch.from_numpy(wf).requires_grad_()
    F.conv2d(xt, wt, padding=7).backward(torch.from_numpy(g))
    gx, gw, _ = convlib.conv2d_backward(x, wf, g, padding=7)
    assert_close(gx, xt.grad.numpy(), np.float32)
    assert_close(gw, wt.grad.numpy(), np.float32)
