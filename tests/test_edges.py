"""convlib at the edges: non-finite values, empty batches, impossible sizes, helpers, inputs.

Five groups of tests:

1. NaN and inf. The exact methods (``REGISTRY[name].exact``) and ``method="auto"``
   put NaN, +inf and -inf exactly where PyTorch's ``torch.nn.functional`` does
   (``scipy.signal`` for ``correlate2d`` / ``convolve2d``); the transform methods
   (``"fft"``, Winograd) may spread a NaN over their tile or image, so of them we
   only ask that every value PyTorch makes non-finite is non-finite too. Max
   pooling lets NaN win its window and average pooling propagates it, as PyTorch.
2. An empty batch (N = 0) gives an empty result of PyTorch's shape and dtype; an
   empty channel or spatial axis stays an error.
3. A request whose arrays cannot fit in memory is refused at once, before anything
   is allocated, with a :class:`convlib._checks.ConvMemoryError` (both a
   MemoryError and a ValueError) that names the function, the parameter that made
   it large and the size; ``CONVLIB_MAX_BYTES`` lowers the limit.
4. ``choose_conv_method`` and ``sliding_windows`` check their arguments.
5. No public function modifies its input arrays.

The methods are read from ``convlib.methods.REGISTRY`` when the tests are collected,
so a method added there is covered without editing this file.
"""

from __future__ import annotations

import math
import re
import time
import tracemalloc

import numpy as np
import pytest
import scipy.signal
import torch
import torch.nn.functional as F
from helpers import assert_close, explicit_pads, random_array, torch_conv

import convlib
from convlib._checks import ConvMemoryError
from convlib.methods import REGISTRY, TRANSPOSE_REGISTRY

#: Methods that compute each product and sum of the formula (NaN and inf land exactly).
EXACT = tuple(name for name, record in REGISTRY.items() if record.exact)
#: Methods that transform (FFT, Winograd): they may spread a NaN or inf over many outputs.
TRANSFORMS = tuple(name for name, record in REGISTRY.items() if not record.exact)
#: What ``method=`` of the convolutions takes.
EVERY_METHOD = ("auto", *REGISTRY)
#: The convolutions' data layouts by number of spatial axes: channels first, channels last.
LAYOUTS = {1: ("NCL", "NLC"), 2: ("NCHW", "NHWC"), 3: ("NCDHW", "NDHWC")}
CONV = {1: convlib.conv1d, 2: convlib.conv2d, 3: convlib.conv3d}
CONV_TRANSPOSE = {
    1: convlib.conv_transpose1d,
    2: convlib.conv_transpose2d,
    3: convlib.conv_transpose3d,
}
TORCH_CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
TORCH_CONV_TRANSPOSE = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}

#: NaN and inf in the data make NumPy warn ("invalid value encountered in multiply"):
#: expected here, so silenced for the tests of section 1 and 5.
nonfinite_warnings = pytest.mark.filterwarnings(
    "ignore:invalid value encountered:RuntimeWarning",
    "ignore:overflow encountered:RuntimeWarning",
)


# --------------------------------------------------------------------------------------
# Shared checks
# --------------------------------------------------------------------------------------


def to_torch(array):
    return torch.from_numpy(np.ascontiguousarray(array))


def torch_call(function, *arrays, **settings) -> np.ndarray:
    """A ``torch.nn.functional`` function of NumPy arrays (None stays None), as NumPy."""
    tensors = [None if a is None else to_torch(a) for a in arrays]
    with torch.no_grad():
        return function(*tensors, **settings).numpy()


def _index(position) -> tuple[int, ...]:
    return tuple(int(i) for i in position)


def _first_difference(a: np.ndarray, b: np.ndarray) -> str:
    where = np.argwhere(a != b)
    return f"{len(where)} positions differ, first at {_index(where[0])}" if len(where) else ""


def assert_same_nonfinite(actual, reference, dtype=None) -> None:
    """NaN, +inf and -inf at exactly the reference's positions; finite values close."""
    actual, reference = np.asarray(actual), np.asarray(reference)
    assert actual.shape == reference.shape, (actual.shape, reference.shape)
    if dtype is not None:
        assert actual.dtype == np.dtype(dtype), (actual.dtype, dtype)
    for name, mask in (("NaN", np.isnan), ("+inf", np.isposinf), ("-inf", np.isneginf)):
        got, want = mask(actual), mask(reference)
        assert np.array_equal(got, want), (
            f"{name} positions differ: {int(got.sum())} in the result, {int(want.sum())} in "
            f"the reference; {_first_difference(got, want)}"
        )
    finite = np.isfinite(reference)
    assert_close(actual[finite], reference[finite], dtype)


def assert_covers_nonfinite(actual, reference, dtype=None) -> None:
    """Every position the reference makes NaN or inf is NaN or inf in ``actual`` too."""
    actual, reference = np.asarray(actual), np.asarray(reference)
    assert actual.shape == reference.shape, (actual.shape, reference.shape)
    if dtype is not None:
        assert actual.dtype == np.dtype(dtype), (actual.dtype, dtype)
    missed = ~np.isfinite(reference) & np.isfinite(actual)
    assert not missed.any(), (
        f"{int(missed.sum())} of the reference's {int((~np.isfinite(reference)).sum())} "
        f"non-finite positions are finite in the result, first at {_index(np.argwhere(missed)[0])}"
    )


def run_if_supported(function, *args, method, **settings):
    """``function(..., method=method)``, or None when the method refuses the case."""
    try:
        return function(*args, method=method, **settings)
    except ValueError as error:
        if "cannot compute" in str(error):
            return None
        raise


def check_against_reference(method, actual, reference, dtype=None) -> None:
    """Exact methods and "auto": identical non-finite masks; transforms: a superset."""
    if method in TRANSFORMS:
        assert_covers_nonfinite(actual, reference, dtype)
    else:
        assert_same_nonfinite(actual, reference, dtype)


# --------------------------------------------------------------------------------------
# 1. NaN and inf
# --------------------------------------------------------------------------------------


@nonfinite_warnings
@pytest.mark.parametrize("method", ("auto", *EXACT))
def test_one_nan_reaches_the_nine_windows_that_read_it(method):
    """The bug report: one NaN under a 3x3 kernel gives exactly 9 NaNs, as in PyTorch."""
    x = np.zeros((1, 1, 8, 8))
    x[0, 0, 3, 3] = np.nan
    w = np.ones((1, 1, 3, 3))
    y = convlib.conv2d(x, w, padding=1, method=method)
    assert int(np.isnan(y).sum()) == 9
    assert np.isnan(y[0, 0, 2:5, 2:5]).all()
    assert_same_nonfinite(y, torch_call(F.conv2d, x, w, padding=1), np.float64)


@nonfinite_warnings
@pytest.mark.parametrize("value", [np.inf, -np.inf], ids=["+inf", "-inf"])
@pytest.mark.parametrize("method", ("auto", *EXACT))
def test_one_inf_reaches_the_nine_windows_that_read_it(method, value):
    """One +inf (-inf) under a 3x3 kernel of ones gives exactly 9 of them, as in PyTorch."""
    x = np.zeros((1, 1, 8, 8))
    x[0, 0, 3, 3] = value
    y = convlib.conv2d(x, np.ones((1, 1, 3, 3)), padding=1, method=method)
    assert int((y == value).sum()) == 9
    assert (y[0, 0, 2:5, 2:5] == value).all()
    assert_same_nonfinite(y, torch_call(F.conv2d, x, np.ones((1, 1, 3, 3)), padding=1))


@nonfinite_warnings
@pytest.mark.parametrize(
    "where,value",
    [("x", np.nan), ("x", np.inf), ("x", -np.inf), ("weight", np.inf), ("weight", np.nan)],
    ids=["x-nan", "x-inf", "x-neginf", "weight-inf", "weight-nan"],
)
def test_auto_where_fft_is_cheapest_keeps_nonfinite_local(rng, where, value):
    """A 13x13 kernel on 48x48, where auto picks "fft" for finite data, matches PyTorch."""
    x_shape, w_shape = (1, 1, 48, 48), (1, 1, 13, 13)
    assert convlib.choose_conv_method(x_shape, w_shape, padding=6, dtype="float64")[0] == "fft"
    x, w = random_array(rng, x_shape), random_array(rng, w_shape)
    if where == "x":
        x[0, 0, 20, 31] = value
    else:
        w[0, 0, 4, 9] = value
    y = convlib.conv2d(x, w, padding=6)
    assert_same_nonfinite(y, torch_call(F.conv2d, x, w, padding=6), np.float64)


@nonfinite_warnings
def test_auto_where_winograd_is_cheapest_keeps_nonfinite_local(rng):
    """64 channels and a 3x3 kernel, where auto picks Winograd for finite data, match PyTorch."""
    x_shape, w_shape = (2, 64, 28, 28), (64, 64, 3, 3)
    chosen = convlib.choose_conv_method(x_shape, w_shape, padding=1, dtype="float32")[0]
    assert chosen.startswith("winograd"), chosen
    x, w = random_array(rng, x_shape, np.float32), random_array(rng, w_shape, np.float32)
    x[0, 5, 10, 10] = np.nan
    x[1, 60, 0, 27] = np.inf
    x[1, 3, 14, 0] = -np.inf
    y = convlib.conv2d(x, w, padding=1)
    reference = torch_call(F.conv2d, x, w, padding=1)
    assert 0 < int(np.isnan(reference).sum()) < reference.size  # the case is not trivial
    assert_same_nonfinite(y, reference, np.float32)


@nonfinite_warnings
@pytest.mark.parametrize("mode", ["same", "full", "valid"])
@pytest.mark.parametrize("name", ["correlate2d", "convolve2d"])
def test_scipy_api_with_one_nan_matches_scipy(rng, name, mode):
    """A 64x64 image with one NaN and a 15x15 kernel: NaN where scipy.signal puts it (225)."""
    image, kernel = random_array(rng, (64, 64)), random_array(rng, (15, 15))
    image[30, 21] = np.nan
    y = getattr(convlib, name)(image, kernel, mode=mode)
    reference = getattr(scipy.signal, name)(image, kernel, mode=mode)
    if mode in ("same", "full"):
        assert int(np.isnan(y).sum()) == 225
    assert_same_nonfinite(y, reference, np.float64)


def with_groups(methods) -> list:
    """``(method, groups)`` pairs: dense (groups 1) and depthwise (groups == channels).

    The "depthwise" method computes only the second; every other method both.
    """
    return [
        pytest.param(method, groups, id=f"{method}-groups{groups}")
        for method in methods
        for groups in (1, 2)
        if not (method == "depthwise" and groups == 1)
    ]


@nonfinite_warnings
@pytest.mark.parametrize("method,groups", with_groups(("auto", *EXACT)))
def test_nonfinite_weight_matches_torch(rng, method, groups):
    """NaN, +inf and -inf in the weight, times the zeros of the padding too, as in PyTorch."""
    x, w = random_array(rng, (2, 2, 9, 8)), random_array(rng, (4, 2 // groups, 3, 3))
    bias = random_array(rng, (4,))
    w[0, 0, 0, 0], w[1, 0, 2, 1], w[3, 0, 1, 2] = np.nan, np.inf, -np.inf
    settings = dict(stride=(1, 2), padding=2, dilation=(2, 1), groups=groups)
    y = convlib.conv2d(x, w, bias, method=method, **settings)
    reference = torch_call(F.conv2d, x, w, bias, **settings)
    assert np.isposinf(reference).any() and np.isneginf(reference).any()
    assert_same_nonfinite(y, reference, np.float64)


@nonfinite_warnings
@pytest.mark.parametrize("stride", [1, 2])
@pytest.mark.parametrize("method,groups", with_groups(("auto", *TRANSPOSE_REGISTRY, *EXACT)))
def test_conv_transpose2d_nonfinite_input_matches_torch(rng, method, groups, stride):
    """NaN and inf in x of conv_transpose2d land where torch's conv_transpose2d puts them."""
    x, w = random_array(rng, (2, 2, 5, 6)), random_array(rng, (2, 2 // groups, 3, 3))
    x[0, 1, 2, 3], x[1, 0, 0, 5], x[1, 1, 4, 0] = np.nan, np.inf, -np.inf
    settings = dict(stride=stride, padding=1, output_padding=stride - 1, groups=groups)
    y = convlib.conv_transpose2d(x, w, method=method, **settings)
    reference = torch_call(F.conv_transpose2d, x, w, **settings)
    assert_same_nonfinite(y, reference, np.float64)


@nonfinite_warnings
@pytest.mark.parametrize("stride", [1, 2])
@pytest.mark.parametrize("method", ["auto", *TRANSPOSE_REGISTRY])
def test_conv_transpose2d_nonfinite_weight_matches_torch(rng, method, stride):
    """NaN and inf in the weight of conv_transpose2d: only the products of the formula."""
    x, w = random_array(rng, (1, 2, 5, 5)), random_array(rng, (2, 3, 3, 3))
    w[0, 1, 0, 2], w[1, 0, 2, 2], w[1, 2, 1, 1] = np.inf, np.nan, -np.inf
    y = convlib.conv_transpose2d(x, w, stride=stride, padding=1, method=method)
    reference = torch_call(F.conv_transpose2d, x, w, stride=stride, padding=1)
    assert np.isfinite(reference).any()  # the kernel's inf does not reach every output
    assert_same_nonfinite(y, reference, np.float64)


@pytest.mark.parametrize("method", TRANSFORMS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_transform_methods_match_torch_on_finite_input(rng, method, dtype):
    """Asked for explicitly, "fft" and Winograd still match PyTorch on finite input."""
    x, w = random_array(rng, (2, 3, 17, 14), dtype), random_array(rng, (4, 3, 3, 3), dtype)
    y = convlib.conv2d(x, w, padding=1, method=method)
    assert_close(y, torch_call(F.conv2d, x, w, padding=1), dtype)


def test_fft_matches_torch_on_a_large_finite_kernel(rng):
    """method="fft" on the large-kernel case, finite input, to float64 tolerance."""
    x, w = random_array(rng, (1, 2, 48, 48)), random_array(rng, (3, 2, 13, 13))
    y = convlib.conv2d(x, w, padding=6, method="fft")
    assert_close(y, torch_call(F.conv2d, x, w, padding=6), np.float64)


def random_nonfinite_case(rng: np.random.Generator) -> dict:
    """A random small convolution, with NaN, +inf and -inf in x (and sometimes in w)."""
    nd = int(rng.integers(1, 4))
    dtype = np.dtype(rng.choice(["float32", "float64"]))
    kind = rng.choice(["dense", "grouped", "depthwise"])
    if kind == "dense":
        groups, c_in_g, c_out_g = 1, int(rng.integers(1, 4)), int(rng.integers(1, 4))
    elif kind == "grouped":
        groups, c_in_g, c_out_g = 2, int(rng.integers(1, 3)), int(rng.integers(1, 3))
    else:
        groups, c_in_g, c_out_g = int(rng.integers(1, 4)), 1, int(rng.integers(1, 3))
    if nd == 2 and rng.random() < 0.35:  # the transforms' case: 3x3, stride 1, no dilation
        kernel, stride, dilation = (3, 3), (1, 1), (1, 1)
    else:
        kernel = tuple(int(k) for k in rng.integers(1, 5 if nd < 3 else 4, nd))
        stride = tuple(int(s) for s in rng.integers(1, 4, nd))
        dilation = tuple(int(d) for d in rng.integers(1, 3, nd))
    spans = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
    spatial = tuple(span + int(rng.integers(0, 6 if nd == 1 else 4)) for span in spans)
    form = int(rng.integers(0, 5))
    if form == 0:
        padding = int(rng.integers(0, 3))
    elif form == 1:
        padding = tuple((int(rng.integers(0, 4)), int(rng.integers(0, 4))) for _ in range(nd))
    else:
        padding = ("valid", "same", "full")[form - 2]
    n = int(rng.integers(1, 3))
    x = random_array(rng, (n, groups * c_in_g, *spatial), dtype)
    w = random_array(rng, (groups * c_out_g, c_in_g, *kernel), dtype)
    for value in (np.nan, np.inf, -np.inf):
        x.flat[rng.integers(0, x.size, size=int(rng.integers(1, 3)))] = value
    if rng.random() < 0.35:
        w.flat[rng.integers(0, w.size)] = rng.choice([np.nan, np.inf, -np.inf])
    bias = random_array(rng, (w.shape[0],), dtype) if rng.random() < 0.5 else None
    settings = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
    pads = explicit_pads(padding, spatial, kernel, stride, dilation)
    return dict(nd=nd, x=x, w=w, bias=bias, settings=settings, pads=pads, dtype=dtype)


@nonfinite_warnings
@pytest.mark.parametrize("case", range(40))
def test_random_nonfinite_input_matches_torch(rng, case):
    """40 random 1-D/2-D/3-D convolutions with NaN and inf: every method against PyTorch."""
    c = random_nonfinite_case(rng)
    s = c["settings"]
    reference = torch_conv(
        c["x"], c["w"], c["bias"], stride=s["stride"], pads=c["pads"],
        dilation=s["dilation"], groups=s["groups"],
    )  # fmt: skip
    ran = []
    for method in EVERY_METHOD:
        y = run_if_supported(CONV[c["nd"]], c["x"], c["w"], c["bias"], method=method, **s)
        if y is None:
            continue
        ran.append(method)
        try:
            check_against_reference(method, y, reference, c["dtype"])
        except AssertionError as error:
            raise AssertionError(f"method={method!r}, {c['nd']}-D, {s}: {error}") from None
    assert {"auto", "loop", "gemm"} <= set(ran), ran


@nonfinite_warnings
@pytest.mark.parametrize("data_format", ["NCHW", "NHWC"])
@pytest.mark.parametrize(
    "settings",
    [
        dict(kernel_size=3, stride=2, padding=1),
        dict(kernel_size=3, stride=2, padding=1, ceil_mode=True),
        dict(kernel_size=2, stride=2, ceil_mode=True),
        dict(kernel_size=3, stride=1, padding=1, dilation=2),
        dict(kernel_size=(2, 3), stride=(1, 2), padding=(1, 1), dilation=(2, 1), ceil_mode=True),
    ],
    ids=["k3s2p1", "k3s2p1-ceil", "k2s2-ceil", "k3p1d2", "k23-s12-d21-ceil"],
)
def test_max_pool2d_nan_wins_its_window(rng, settings, data_format):
    """A NaN is the maximum of every window it is in (also with +inf there), as in PyTorch."""
    x = random_array(rng, (2, 3, 9, 7))
    x[0, 0, 0, 0] = x[0, 1, 4, 3] = x[1, 2, 8, 6] = x[1, 0, 5, 0] = np.nan
    x[0, 1, 4, 4] = np.inf  # shares windows with the NaN at (4, 3): NaN wins
    x[1, 2, 2, 2], x[1, 1, 2, 2] = np.inf, -np.inf
    reference = torch_call(F.max_pool2d, x, **settings)
    assert np.isnan(reference).any() and np.isposinf(reference).any()
    data = convlib.convert_layout(x, "NCHW", data_format)
    y = convlib.max_pool2d(data, **settings, data_format=data_format)
    assert_same_nonfinite(convlib.convert_layout(y, data_format, "NCHW"), reference, np.float64)


@nonfinite_warnings
@pytest.mark.parametrize("data_format", ["NCHW", "NHWC"])
@pytest.mark.parametrize(
    "settings",
    [
        dict(kernel_size=3, stride=2, padding=1),
        dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
        dict(kernel_size=2, stride=2, ceil_mode=True),
        dict(kernel_size=(3, 2), stride=(1, 2), padding=(1, 0), count_include_pad=False),
    ],
    ids=["k3s2p1", "k3s2p1-ceil-nopad", "k2s2-ceil", "k32-s12-nopad"],
)
def test_avg_pool2d_nan_propagates(rng, settings, data_format):
    """Average pooling: NaN and inf propagate to every window that holds them, as in PyTorch."""
    x = random_array(rng, (2, 3, 9, 7))
    x[0, 0, 0, 0] = x[0, 1, 4, 3] = x[1, 2, 8, 6] = np.nan
    x[0, 2, 4, 4], x[1, 1, 2, 2] = np.inf, -np.inf
    x[1, 0, 6, 1], x[1, 0, 6, 2] = np.inf, -np.inf  # share windows: inf - inf = NaN
    reference = torch_call(F.avg_pool2d, x, **settings)
    data = convlib.convert_layout(x, "NCHW", data_format)
    y = convlib.avg_pool2d(data, **settings, data_format=data_format)
    assert_same_nonfinite(convlib.convert_layout(y, data_format, "NCHW"), reference, np.float64)


# --------------------------------------------------------------------------------------
# 2. Empty batch
# --------------------------------------------------------------------------------------


def assert_empty_like(actual, reference) -> None:
    """An empty array of the reference's shape and dtype."""
    assert isinstance(actual, np.ndarray), type(actual)
    assert actual.shape == reference.shape, (actual.shape, reference.shape)
    assert actual.dtype == reference.dtype, (actual.dtype, reference.dtype)
    assert actual.size == 0


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("with_bias", [False, True], ids=["no-bias", "bias"])
@pytest.mark.parametrize("layout", [0, 1], ids=["channels-first", "channels-last"])
@pytest.mark.parametrize("nd", [1, 2, 3])
def test_conv_of_an_empty_batch_is_empty(nd, layout, with_bias, dtype):
    """conv1d/2d/3d of N=0: an empty result of PyTorch's shape and dtype, by every method."""
    x = np.ones((0, 3) + (8,) * nd, dtype=dtype)
    w = np.ones((4, 3) + (3,) * nd, dtype=dtype)
    bias = np.ones(4, dtype=dtype) if with_bias else None
    settings = dict(stride=2, padding=1)
    reference = torch_call(TORCH_CONV[nd], x, w, bias, **settings)
    first, data_format = LAYOUTS[nd][0], LAYOUTS[nd][layout]
    data = convlib.convert_layout(x, first, data_format)
    kernel_format = "OI" + first[2:]
    ran = []
    for method in EVERY_METHOD:
        y = run_if_supported(
            CONV[nd], data, w, bias, method=method, data_format=data_format,
            kernel_format=kernel_format, **settings,
        )  # fmt: skip
        if y is None:
            continue
        ran.append(method)
        assert_empty_like(convlib.convert_layout(y, data_format, first), reference)
    assert "auto" in ran


def test_conv2d_of_an_empty_batch_example():
    """The example of the request: (0, 3, 8, 8) by (4, 3, 3, 3) gives (0, 4, 6, 6) float64."""
    y = convlib.conv2d(np.ones((0, 3, 8, 8)), np.ones((4, 3, 3, 3)))
    assert y.shape == (0, 4, 6, 6)
    assert y.dtype == np.float64


@pytest.mark.parametrize("stride", [1, 2])
@pytest.mark.parametrize("layout", [0, 1], ids=["channels-first", "channels-last"])
@pytest.mark.parametrize("nd", [1, 2, 3])
def test_conv_transpose_of_an_empty_batch_is_empty(nd, layout, stride):
    """conv_transpose1d/2d/3d of N=0: an empty result of PyTorch's shape and dtype."""
    x = np.ones((0, 3) + (4,) * nd)
    w = np.ones((3, 2) + (3,) * nd)
    bias = np.ones(2)
    settings = dict(stride=stride, padding=1, output_padding=stride - 1)
    reference = torch_call(TORCH_CONV_TRANSPOSE[nd], x, w, bias, **settings)
    first, data_format = LAYOUTS[nd][0], LAYOUTS[nd][layout]
    data = convlib.convert_layout(x, first, data_format)
    y = CONV_TRANSPOSE[nd](data, w, bias, data_format=data_format, **settings)
    assert_empty_like(convlib.convert_layout(y, data_format, first), reference)


@pytest.mark.parametrize("data_format", ["NCHW", "NHWC"])
@pytest.mark.parametrize("kind", ["max", "avg"])
def test_pooling_of_an_empty_batch_is_empty(kind, data_format):
    """max_pool2d / avg_pool2d of N=0: an empty result of PyTorch's shape and dtype."""
    x = np.ones((0, 3, 9, 8), dtype=np.float32)
    settings = dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)
    reference = torch_call(F.max_pool2d if kind == "max" else F.avg_pool2d, x, **settings)
    pool = convlib.max_pool2d if kind == "max" else convlib.avg_pool2d
    y = pool(convlib.convert_layout(x, "NCHW", data_format), **settings, data_format=data_format)
    assert_empty_like(convlib.convert_layout(y, data_format, "NCHW"), reference)


@pytest.mark.parametrize("groups", [1, 3])
@pytest.mark.parametrize("data_format", ["NCHW", "NHWC"])
def test_conv2d_backward_of_an_empty_batch(data_format, groups):
    """conv2d_backward of N=0: grads of x's and weight's shapes, zero weight and bias grads."""
    x = torch.ones((0, 3, 8, 8), dtype=torch.float64, requires_grad=True)
    w = torch.ones((6, 3 // groups, 3, 3), dtype=torch.float64, requires_grad=True)
    b = torch.ones(6, dtype=torch.float64, requires_grad=True)
    y = F.conv2d(x, w, b, stride=2, padding=1, groups=groups)
    y.backward(torch.ones_like(y))
    kernel_format = "OIHW" if data_format == "NCHW" else "HWIO"
    gx, gw, gb = convlib.conv2d_backward(
        convlib.convert_layout(x.detach().numpy(), "NCHW", data_format),
        convlib.convert_layout(w.detach().numpy(), "OIHW", kernel_format),
        convlib.convert_layout(np.ones(tuple(y.shape)), "NCHW", data_format),
        stride=2, padding=1, groups=groups, data_format=data_format,
    )  # fmt: skip
    assert_empty_like(convlib.convert_layout(gx, data_format, "NCHW"), x.grad.numpy())
    gw = convlib.convert_layout(gw, kernel_format, "OIHW")
    assert gw.shape == w.shape and gw.dtype == np.float64
    np.testing.assert_array_equal(gw, w.grad.numpy())  # zeros, as autograd gives
    assert gb.shape == (6,) and gb.dtype == np.float64
    np.testing.assert_array_equal(gb, b.grad.numpy())
    assert not gw.any() and not gb.any()


@pytest.mark.parametrize("data_format", ["NCHW", "NHWC"])
def test_separable_conv2d_of_an_empty_batch_is_empty(data_format):
    """separable_conv2d of N=0: the empty result of PyTorch's depthwise then pointwise."""
    x = np.ones((0, 3, 8, 8), dtype=np.float32)
    dw, pw = np.ones((6, 1, 3, 3), np.float32), np.ones((5, 6, 1, 1), np.float32)
    bias = np.ones(5, np.float32)
    hidden = torch_call(F.conv2d, x, dw, stride=2, padding=1, groups=3)
    reference = torch_call(F.conv2d, hidden, pw, bias)
    y = convlib.separable_conv2d(
        convlib.convert_layout(x, "NCHW", data_format), dw, pw, bias,
        stride=2, padding=1, data_format=data_format,
    )  # fmt: skip
    assert_empty_like(convlib.convert_layout(y, data_format, "NCHW"), reference)


EMPTY_AXIS_CASES = [
    ("conv2d no channels", lambda: convlib.conv2d(np.ones((1, 0, 8, 8)), np.ones((4, 0, 3, 3)))),
    ("conv2d no rows", lambda: convlib.conv2d(np.ones((1, 3, 0, 8)), np.ones((4, 3, 1, 1)))),
    ("conv2d empty batch, no width",
     lambda: convlib.conv2d(np.ones((0, 3, 8, 0)), np.ones((4, 3, 1, 1)))),
    ("conv2d no output channels",
     lambda: convlib.conv2d(np.ones((1, 3, 8, 8)), np.ones((0, 3, 3, 3)))),
    ("conv1d no length", lambda: convlib.conv1d(np.ones((2, 3, 0)), np.ones((4, 3, 1)))),
    ("conv3d no depth", lambda: convlib.conv3d(np.ones((1, 1, 0, 4, 4)), np.ones((1, 1, 1, 1, 1)))),
    ("conv_transpose2d no rows",
     lambda: convlib.conv_transpose2d(np.ones((1, 3, 0, 4)), np.ones((3, 2, 3, 3)))),
    ("max_pool2d no channels", lambda: convlib.max_pool2d(np.ones((1, 0, 4, 4)), 2)),
    ("avg_pool2d no width", lambda: convlib.avg_pool2d(np.ones((1, 1, 4, 0)), 1)),
    ("separable_conv2d no rows", lambda: convlib.separable_conv2d(
        np.ones((1, 2, 0, 5)), np.ones((2, 1, 1, 1)), np.ones((3, 2, 1, 1)))),
    ("conv2d_backward no rows", lambda: convlib.conv2d_backward(
        np.ones((1, 1, 0, 4)), np.ones((1, 1, 1, 1)), np.ones((1, 1, 0, 4)))),
    ("correlate2d empty image", lambda: convlib.correlate2d(np.ones((0, 4)), np.ones((2, 2)))),
]  # fmt: skip


@pytest.mark.parametrize("call", [pytest.param(call, id=name) for name, call in EMPTY_AXIS_CASES])
def test_an_empty_channel_or_spatial_axis_is_refused(call):
    """Only the batch may be empty: zero channels or zero spatial size stay a ValueError."""
    with pytest.raises(ValueError, match="must not be empty"):
        call()


# --------------------------------------------------------------------------------------
# 3. Requests that cannot fit in memory
# --------------------------------------------------------------------------------------

IMAGE = np.ones((1, 1, 4, 4))
KERNEL = np.ones((1, 1, 3, 3))


def huge(id, call, func, param):
    """A case of the table below: the call, the function and parameter its message names."""
    return pytest.param(call, func, param, id=id)


HUGE_CASES = [
    huge("conv2d padding", lambda: convlib.conv2d(IMAGE, KERNEL, padding=100000),
         "conv2d", "padding"),
    huge("conv2d full dilation",
         lambda: convlib.conv2d(IMAGE, KERNEL, padding="full", dilation=100000),
         "conv2d", "dilation"),
    huge("conv1d padding",
         lambda: convlib.conv1d(np.ones((1, 1, 4)), np.ones((1, 1, 3)), padding=10**11),
         "conv1d", "padding"),
    huge("conv3d padding",
         lambda: convlib.conv3d(np.ones((1, 1, 4, 4, 4)), np.ones((1, 1, 3, 3, 3)), padding=10000),
         "conv3d", "padding"),
    huge("conv_transpose2d stride", lambda: convlib.conv_transpose2d(IMAGE, KERNEL, stride=100000),
         "conv_transpose2d", "stride"),
    huge("conv_transpose1d dilation",
         lambda: convlib.conv_transpose1d(np.ones((1, 1, 4)), np.ones((1, 1, 3)), dilation=10**10),
         "conv_transpose1d", "dilation"),
    huge("max_pool2d padding",
         lambda: convlib.max_pool2d(IMAGE, kernel_size=200001, padding=100000),
         "max_pool2d", "padding"),
    huge("avg_pool2d padding",
         lambda: convlib.avg_pool2d(IMAGE, kernel_size=200001, padding=100000),
         "avg_pool2d", "padding"),
    huge("separable_conv2d padding",
         lambda: convlib.separable_conv2d(IMAGE, KERNEL, np.ones((2, 1, 1, 1)), padding=100000),
         "separable_conv2d", "padding"),
    huge("correlate2d full",
         lambda: convlib.correlate2d(np.ones((100000, 1)), np.ones((1, 100000))),
         "correlate2d", "mode"),
    huge("convolve2d full",
         lambda: convlib.convolve2d(np.ones((100000, 1)), np.ones((1, 100000))),
         "convolve2d", "mode"),
    huge("conv2d_backward padding",
         lambda: convlib.conv2d_backward(IMAGE, KERNEL, np.ones((1, 1, 2, 2)), padding=100000),
         "conv2d_backward", "padding"),
]  # fmt: skip


def refusal(call) -> tuple[ConvMemoryError, float, int]:
    """The error ``call`` raises, the seconds it took and the peak bytes traced meanwhile."""
    tracemalloc.start()
    try:
        start = time.perf_counter()
        with pytest.raises(ConvMemoryError) as info:
            call()
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return info.value, seconds, peak


@pytest.mark.parametrize("call,func,param", HUGE_CASES)
def test_a_request_that_cannot_fit_is_refused_before_allocating(monkeypatch, call, func, param):
    """Refused at once, allocating nothing, by an error that names who, why and how much."""
    monkeypatch.delenv("CONVLIB_MAX_BYTES", raising=False)
    error, seconds, peak = refusal(call)
    assert isinstance(error, MemoryError) and isinstance(error, ValueError)
    message = str(error)
    assert message.startswith(f"{func}:"), message
    assert re.search(rf"\b{param}\b", message), message
    assert re.search(r"\d GiB", message), message
    assert seconds < 1.0, f"took {seconds:.2f} s"
    assert peak < 50 * 2**20, f"allocated {peak / 2**20:.0f} MiB before refusing"


def test_convlib_max_bytes_lowers_the_limit(monkeypatch):
    """CONVLIB_MAX_BYTES=1e6 refuses an 8 MiB output that passes without it (or above it)."""
    x, w = np.ones((1, 1, 1024, 1024)), np.full((1, 1, 1, 1), 2.0)  # output: 8 MiB of float64
    monkeypatch.delenv("CONVLIB_MAX_BYTES", raising=False)
    np.testing.assert_array_equal(convlib.conv2d(x, w), 2 * x)
    monkeypatch.setenv("CONVLIB_MAX_BYTES", "1000000")
    with pytest.raises(ConvMemoryError, match=r"^conv2d:.*GiB"):
        convlib.conv2d(x, w)
    with pytest.raises(MemoryError):
        convlib.max_pool2d(x, 1)
    monkeypatch.setenv("CONVLIB_MAX_BYTES", str(64 * 2**20))
    np.testing.assert_array_equal(convlib.conv2d(x, w), 2 * x)


# --------------------------------------------------------------------------------------
# 4. Helpers check their arguments
# --------------------------------------------------------------------------------------

CHOOSE_CASES = [
    ("kernel larger than input", ((1, 1, 5, 5), (1, 1, 7, 7)), {}, ValueError, "dilated kernel"),
    ("x_shape a string", ("abc", (1, 1, 3, 3)), {}, TypeError, "x_shape"),
    ("x_shape with a float", ((1, 1, 5.5, 5), (1, 1, 3, 3)), {}, TypeError, "x_shape"),
    ("w_shape with a float", ((1, 1, 5, 5), (1, 1, 3.0, 3)), {}, TypeError, "w_shape"),
    ("complex dtype", ((1, 1, 5, 5), (1, 1, 3, 3)), {"dtype": complex}, TypeError, "dtype"),
]


@pytest.mark.parametrize(
    "args,kwargs,error,fragment", [c[1:] for c in CHOOSE_CASES], ids=[c[0] for c in CHOOSE_CASES]
)
def test_choose_conv_method_checks_its_arguments(args, kwargs, error, fragment):
    """choose_conv_method refuses what conv2d would refuse, and never truncates a float."""
    with pytest.raises(error, match=rf"^choose_conv_method:.*{re.escape(fragment)}"):
        convlib.choose_conv_method(*args, **kwargs)


def test_choose_conv_method_accepts_a_kernel_that_just_fits():
    """The control case: a kernel as large as the input is a valid request."""
    method, counts = convlib.choose_conv_method((1, 1, 7, 7), (1, 1, 7, 7))
    assert method in REGISTRY
    assert set(counts) == set(REGISTRY)
    assert math.isfinite(counts[method].cost)


SLIDING_CASES = [
    ("window larger than input", ((5, 5), 1, 1), ValueError, "kernel"),
    ("dilated window larger than input", ((2, 2), 1, 5), ValueError, "kernel"),
    ("stride 0", ((2, 2), 0, 1), ValueError, "stride"),
    ("dilation 0", ((2, 2), 1, 0), ValueError, "dilation"),
    ("negative stride", ((2, 2), (1, -1), 1), ValueError, "stride"),
    ("nested kernel_shape", ([[2, 2]], 1, 1), TypeError, "kernel_shape"),
    ("float kernel_shape", ((2.5, 2), 1, 1), TypeError, "kernel_shape"),
]


@pytest.mark.parametrize(
    "arguments,error,fragment", [c[1:] for c in SLIDING_CASES], ids=[c[0] for c in SLIDING_CASES]
)
def test_sliding_windows_checks_its_arguments(arguments, error, fragment):
    """sliding_windows refuses bad windows itself, never with NumPy's "negative dimensions"."""
    kernel_shape, stride, dilation = arguments
    with pytest.raises(error, match=rf"^sliding_windows:.*{fragment}") as info:
        convlib.sliding_windows(np.ones((4, 4)), kernel_shape, stride, dilation)
    assert "negative dimensions" not in str(info.value)


def test_sliding_windows_of_a_window_that_just_fits():
    """The control case: a dilated window exactly as large as the input is one window."""
    x = np.arange(25.0).reshape(5, 5)
    windows = convlib.sliding_windows(x, (3, 2), 1, (2, 4))
    assert windows.shape == (1, 1, 3, 2)
    np.testing.assert_array_equal(windows[0, 0], x[::2, ::4])


# --------------------------------------------------------------------------------------
# 5. No input array is modified
# --------------------------------------------------------------------------------------


def _conv2d_every_method():
    cases = []
    for method in EVERY_METHOD:
        call = lambda x, w, b, method=method: convlib.conv2d(  # noqa: E731
            x, w, b, padding=1, groups=2, method=method
        )
        cases.append((f"conv2d {method}", call, [(1, 2, 6, 6), (2, 1, 3, 3), (2,)]))
    return cases


#: (id, call taking the arrays, shapes of the arrays)
UNMODIFIED_CASES = [
    *_conv2d_every_method(),
    ("conv2d dense stride", lambda x, w, b: convlib.conv2d(x, w, b, stride=2, padding="same"),
     [(2, 3, 7, 6), (4, 3, 3, 2), (4,)]),
    ("conv2d 1x1 NHWC", lambda x, w, b: convlib.conv2d(x, w, b, data_format="NHWC"),
     [(2, 5, 4, 3), (1, 1, 3, 3), (3,)]),
    ("conv1d", lambda x, w, b: convlib.conv1d(x, w, b, padding=2, dilation=2),
     [(2, 3, 9), (4, 3, 3), (4,)]),
    ("conv3d", lambda x, w, b: convlib.conv3d(x, w, b, padding=1, stride=(1, 2, 1)),
     [(1, 2, 4, 5, 4), (3, 2, 2, 2, 2), (3,)]),
    ("conv_transpose1d", lambda x, w, b: convlib.conv_transpose1d(x, w, b, stride=2),
     [(2, 3, 5), (3, 2, 3), (2,)]),
    ("conv_transpose2d stride 1", lambda x, w, b: convlib.conv_transpose2d(x, w, b, padding=1),
     [(1, 2, 5, 5), (2, 3, 3, 3), (3,)]),
    ("conv_transpose2d stride 2 NHWC",
     lambda x, w, b: convlib.conv_transpose2d(x, w, b, stride=2, data_format="NHWC"),
     [(1, 5, 5, 2), (2, 3, 3, 3), (3,)]),
    ("conv_transpose3d", lambda x, w, b: convlib.conv_transpose3d(x, w, b, stride=2, padding=1),
     [(1, 2, 3, 3, 3), (2, 2, 3, 3, 3), (2,)]),
    ("max_pool2d", lambda x: convlib.max_pool2d(x, 3, stride=2, padding=1, ceil_mode=True),
     [(2, 3, 7, 8)]),
    ("max_pool2d NHWC", lambda x: convlib.max_pool2d(x, 2, data_format="NHWC"), [(2, 6, 6, 3)]),
    ("avg_pool2d", lambda x: convlib.avg_pool2d(x, 3, stride=1, padding=1), [(2, 3, 7, 8)]),
    ("avg_pool2d NHWC", lambda x: convlib.avg_pool2d(x, 2, padding="same", data_format="NHWC"),
     [(2, 5, 5, 3)]),
    ("conv2d_backward", lambda x, w, g: convlib.conv2d_backward(x, w, g, stride=2, padding=1),
     [(2, 2, 7, 7), (3, 2, 3, 3), (2, 3, 4, 4)]),
    ("conv2d_backward NHWC",
     lambda x, w, g: convlib.conv2d_backward(x, w, g, padding=1, data_format="NHWC"),
     [(1, 5, 5, 2), (3, 3, 2, 4), (1, 5, 5, 4)]),
    ("separable_conv2d", lambda x, d, p, b: convlib.separable_conv2d(x, d, p, b, padding=1),
     [(2, 3, 6, 6), (6, 1, 3, 3), (4, 6, 1, 1), (4,)]),
    ("correlate2d full", lambda a, b: convlib.correlate2d(a, b), [(9, 8), (3, 4)]),
    ("correlate2d valid swapped", lambda a, b: convlib.correlate2d(a, b, mode="valid"),
     [(3, 4), (9, 8)]),
    ("correlate2d same wrap", lambda a, b: convlib.correlate2d(a, b, "same", "wrap"),
     [(9, 8), (3, 3)]),
    ("convolve2d same symm", lambda a, b: convlib.convolve2d(a, b, "same", "symm"),
     [(9, 8), (4, 3)]),
    ("convolve2d large kernel", lambda a, b: convlib.convolve2d(a, b, "same"),
     [(40, 40), (15, 15)]),
    ("sliding_windows", lambda x: convlib.sliding_windows(x, (2, 3), 2, 1), [(2, 7, 8)]),
]  # fmt: skip


@nonfinite_warnings
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(
    "call,shapes", [c[1:] for c in UNMODIFIED_CASES], ids=[c[0] for c in UNMODIFIED_CASES]
)
def test_no_input_array_is_modified(rng, call, shapes, dtype):
    """Writeable float inputs holding NaN (and inf) are unchanged after the call."""
    arrays = []
    for shape in shapes:
        array = random_array(rng, shape, dtype)
        array.flat[rng.integers(0, array.size)] = np.nan
        if array.size > 4:
            array.flat[rng.integers(0, array.size)] = np.inf
        assert array.flags.writeable
        arrays.append(array)
    copies = [array.copy() for array in arrays]
    result = call(*arrays)
    for array in result if isinstance(result, tuple) else (result,):
        assert isinstance(array, np.ndarray)
    for i, (array, copy) in enumerate(zip(arrays, copies)):
        assert np.array_equal(array, copy, equal_nan=True), f"argument {i} was modified"
        assert array.flags.writeable, f"argument {i} was made read-only"
