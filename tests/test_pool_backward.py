"""max_pool2d_backward and avg_pool2d_backward against torch autograd.

The reference is ``x.grad`` after ``F.max_pool2d(x, ...).backward(g)`` (or ``F.avg_pool2d``)
on the CPU. Ties of max pooling are probed with integer-valued inputs that repeat few
values: the gradient must go to the cell PyTorch picks (the first maximum of the window in
row-major order; the last NaN when the window holds NaN), not merely to some maximum.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from helpers import random_array, torch_pad_widths
from hypothesis import given
from hypothesis import strategies as st

import convlib

POOL = {"max": F.max_pool2d, "avg": F.avg_pool2d}
BACKWARD = {"max": convlib.max_pool2d_backward, "avg": convlib.avg_pool2d_backward}
FORWARD = {"max": convlib.max_pool2d, "avg": convlib.avg_pool2d}


def torch_grad(kind, x, g, *, pads=None, **settings):
    """dL/dx of L = sum(pool(x) * g) by autograd, NCHW; ``pads`` pads x first (max: -inf)."""
    xt = torch.tensor(x, requires_grad=True)
    inp = xt if pads is None else F.pad(xt, torch_pad_widths(pads), value=-np.inf)
    y = POOL[kind](inp, **settings)
    assert tuple(y.shape) == g.shape, (tuple(y.shape), g.shape)
    y.backward(torch.tensor(g))
    return xt.grad.numpy()


def assert_grad_close(actual, reference, dtype):
    """float32: 1e-5 of the largest magnitude; float64: 1e-12; integers exact."""
    actual = np.asarray(actual)
    assert actual.shape == reference.shape, (actual.shape, reference.shape)
    assert actual.dtype == np.dtype(dtype), (actual.dtype, dtype)
    scale = max(float(np.max(np.abs(reference), initial=0.0)), 1.0)
    rel = {np.dtype(np.float32): 1e-5, np.dtype(np.float64): 1e-12}.get(np.dtype(dtype), 0.0)
    np.testing.assert_allclose(actual, reference, rtol=0, atol=rel * scale)


def out_shape(kind, x, **settings):
    """The pooling's output shape, from convlib's forward pass."""
    return FORWARD[kind](x, **settings).shape


def reads_no_input(**settings):
    """Whether some max-pooling window of a (1, 1, 9, 10)-like input reads only padding.

    Found as the windows whose maximum over an input of zeros is the -inf of the padding.
    """
    return lambda x: bool(np.isneginf(convlib.max_pool2d(np.zeros(x.shape), **settings)).any())


def check_against_torch(kind, x, rng, **settings):
    """convlib's gradient of random g equals torch's, NCHW and NHWC.

    Max pooling with windows that read only padding is not compared: PyTorch writes their
    gradient to a wrong cell or past the array (see test_windows_of_padding_only_give_nothing).
    """
    dtype = x.dtype
    g = random_array(rng, out_shape(kind, x, **settings), dtype)
    if kind == "max" and reads_no_input(**settings)(x):
        assert not convlib.max_pool2d_backward(x, g, **settings).any()
        return
    expected = torch_grad(kind, x, g, **settings)
    assert_grad_close(BACKWARD[kind](x, g, **settings), expected, dtype)
    nhwc = BACKWARD[kind](x.transpose(0, 2, 3, 1), g.transpose(0, 2, 3, 1), data_format="NHWC",
                          **settings)  # fmt: skip
    assert_grad_close(nhwc, expected.transpose(0, 2, 3, 1), dtype)


# --------------------------------------------------------------------------------------
# Max pooling


@pytest.mark.parametrize("ceil_mode", [False, True])
@pytest.mark.parametrize("dilation", [1, 2])
@pytest.mark.parametrize("stride", [None, 1, 2, (1, 3)], ids=str)
@pytest.mark.parametrize("kernel", [2, 3, (3, 2), (1, 4)], ids=str)
def test_max_pool2d_backward_matches_torch(rng, kernel, stride, dilation, ceil_mode):
    kh, kw = (kernel, kernel) if isinstance(kernel, int) else kernel
    for padding in {0, min(kh, kw) // 2, (kh // 2, kw // 2)}:
        settings = dict(kernel_size=kernel, stride=stride, padding=padding,
                        dilation=dilation, ceil_mode=ceil_mode)  # fmt: skip
        for dtype in (np.float64, np.float32):
            check_against_torch("max", random_array(rng, (2, 3, 9, 10), dtype), rng, **settings)
            # Ties: integer values in [0, 2], so most windows hold their maximum several times.
            ties = rng.integers(0, 3, size=(2, 3, 9, 10)).astype(dtype)
            check_against_torch("max", ties, rng, **settings)


NAN, INF = np.nan, np.inf
#: (name, x, settings, the gradient of g = 1): the rule of the docstring, by hand.
TIES = [
    # all equal: the first cell
    ("equal", [[1, 1], [1, 1]], dict(kernel_size=2), [[1, 0], [0, 0]]),
    # three tied maxima: the first in row-major order (top right before bottom left)
    ("three-tied", [[0, 5], [5, 5]], dict(kernel_size=2), [[0, 1], [0, 0]]),
    ("3x3-tied", [[0, 0, 5], [5, 0, 5], [5, 5, 5]], dict(kernel_size=3),
     [[0, 0, 1], [0, 0, 0], [0, 0, 0]]),
    # one cell the maximum of four overlapping windows: the gradients add
    ("overlap-adds", [[0, 0, 0], [0, 9, 0], [0, 0, 0]], dict(kernel_size=2, stride=1),
     [[0, 0, 0], [0, 4, 0], [0, 0, 0]]),
    # overlapping windows of ties: each window gives its first cell
    ("overlap-ties", [[2, 2, 2], [2, 2, 2]], dict(kernel_size=2, stride=1), [[1, 1, 0], [0, 0, 0]]),
    # all -inf: the padding never wins, the first cell inside the input does
    ("all-inf-pad", [[-INF] * 3] * 3, dict(kernel_size=3, stride=1, padding=1),
     [[4, 2, 0], [2, 1, 0], [0, 0, 0]]),
    ("all-inf-ceil", [[-INF] * 3] * 3, dict(kernel_size=2, ceil_mode=True),
     [[1, 0, 1], [0, 0, 0], [1, 0, 1]]),
    # NaN: the last NaN of the window, in row-major order, also past an inf
    ("nan-last", [[1, NAN], [NAN, 2]], dict(kernel_size=2), [[0, 0], [1, 0]]),
    ("nan-past-inf", [[NAN, NAN, 3], [NAN, 2, INF], [1, 1, NAN]], dict(kernel_size=3),
     [[0, 0, 0], [0, 0, 0], [0, 0, 1]]),
    ("nan-overlap", [[NAN, 1, INF], [0, 1, 2]], dict(kernel_size=2, stride=1),
     [[1, 0, 1], [0, 0, 0]]),
]  # fmt: skip


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    ("x", "settings", "expected"), [t[1:] for t in TIES], ids=[t[0] for t in TIES]
)
def test_max_pool2d_backward_tie_rule(x, settings, expected, dtype):
    """The rule the docstring states, checked by hand and against PyTorch."""
    x = np.array(x, dtype=dtype)[None, None]
    g = np.ones(out_shape("max", x, **settings), dtype=dtype)
    grad = convlib.max_pool2d_backward(x, g, **settings)
    np.testing.assert_array_equal(grad[0, 0], np.array(expected, dtype=dtype))
    np.testing.assert_array_equal(grad, torch_grad("max", x, g, **settings))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_max_pool2d_backward_nan_and_inf_like_torch(rng, dtype):
    x = random_array(rng, (2, 3, 9, 7), dtype)
    x[0, 0, 0, 0] = x[0, 1, 4, 3] = x[0, 1, 4, 5] = x[1, 2, 8, 6] = np.nan
    x[0, 1, 4, 4] = x[1, 1, 2, 2] = np.inf
    x[1, 0, 3:6, 3:6] = -np.inf
    for settings in (
        dict(kernel_size=3, stride=2, padding=1),
        dict(kernel_size=3, stride=1, padding=1, dilation=2, ceil_mode=True),
        dict(kernel_size=(2, 3), stride=(1, 2), padding=(1, 1), ceil_mode=True),
    ):
        check_against_torch("max", x, rng, **settings)


def test_max_pool2d_backward_of_integers_is_exact():
    rng = np.random.default_rng(0)
    x = rng.integers(-3, 3, size=(2, 2, 8, 9))
    g = rng.integers(-5, 6, size=out_shape("max", x, kernel_size=3, stride=1, padding=1))
    grad = convlib.max_pool2d_backward(x, g, kernel_size=3, stride=1, padding=1)
    assert grad.dtype == np.int64
    expected = torch_grad("max", x.astype(np.float64), g.astype(np.float64), kernel_size=3,
                          stride=1, padding=1)  # fmt: skip
    np.testing.assert_array_equal(grad, expected.astype(np.int64))
    # int8 values near the bottom of their range: the int8 padding still never wins
    small = np.full((1, 1, 3, 3), -128, dtype=np.int8)
    grad = convlib.max_pool2d_backward(small, np.ones((1, 1, 3, 3), dtype=np.int8),
                                       kernel_size=3, stride=1, padding=1)  # fmt: skip
    np.testing.assert_array_equal(grad[0, 0], [[4, 2, 0], [2, 1, 0], [0, 0, 0]])


@pytest.mark.parametrize("padding", ["same", "valid"])
@pytest.mark.parametrize("stride", [1, 2, 3])
@pytest.mark.parametrize("kernel", [2, 3, (3, 2)], ids=str)
def test_max_pool2d_backward_tensorflow_padding(rng, kernel, stride, padding):
    """TensorFlow's padding strings: torch on the input padded with -inf by the same rule."""
    x = random_array(rng, (2, 3, 8, 7))
    g = random_array(rng, out_shape("max", x, kernel_size=kernel, stride=stride, padding=padding))
    k = (kernel, kernel) if isinstance(kernel, int) else kernel
    pads = convlib.normalize_padding(padding, (8, 7), k, (stride,) * 2, (1, 1))
    expected = torch_grad("max", x, g, pads=pads, kernel_size=kernel, stride=stride)
    grad = convlib.max_pool2d_backward(x, g, kernel_size=kernel, stride=stride, padding=padding)
    assert_grad_close(grad, expected, np.float64)


def test_windows_of_padding_only_give_nothing():
    """A window whose taps all fall in the padding (its output is -inf) gives no gradient.

    PyTorch adds it at the flat index of its first tap past the top-left corner: here the
    first window's reaches the second row, the last one's is past the array
    (pytorch/pytorch#114216 reports the -inf outputs).
    """
    x = np.arange(6.0).reshape(1, 1, 3, 2)
    settings = dict(kernel_size=(1, 2), stride=1, padding=(0, 1), dilation=(1, 3))
    assert np.isneginf(convlib.max_pool2d(x, **settings)).all()
    grad = convlib.max_pool2d_backward(x, np.ones((1, 1, 3, 1)), **settings)
    np.testing.assert_array_equal(grad, np.zeros_like(x))


def test_max_pool2d_backward_sums_to_grad_output(rng):
    """Every window hands all of its gradient to exactly one cell."""
    x = rng.integers(0, 2, size=(2, 3, 11, 9)).astype(np.float64)
    settings = dict(kernel_size=(3, 2), stride=(2, 1), padding=1, dilation=(1, 2), ceil_mode=True)
    g = rng.integers(1, 9, size=out_shape("max", x, **settings)).astype(np.float64)
    grad = convlib.max_pool2d_backward(x, g, **settings)
    assert grad.sum() == g.sum()
    np.testing.assert_array_equal(grad.sum(axis=(2, 3)), g.sum(axis=(2, 3)))


# --------------------------------------------------------------------------------------
# Average pooling


@pytest.mark.parametrize("count_include_pad", [True, False])
@pytest.mark.parametrize("ceil_mode", [False, True])
@pytest.mark.parametrize("stride", [None, 1, 2, (3, 1)], ids=str)
@pytest.mark.parametrize("kernel", [2, 3, (3, 2), 5], ids=str)
def test_avg_pool2d_backward_matches_torch(rng, kernel, stride, ceil_mode, count_include_pad):
    kh, kw = (kernel, kernel) if isinstance(kernel, int) else kernel
    for padding in {0, 1, min(kh, kw) // 2, (kh // 2, kw // 2)}:
        settings = dict(kernel_size=kernel, stride=stride, padding=padding,
                        ceil_mode=ceil_mode, count_include_pad=count_include_pad)  # fmt: skip
        for dtype in (np.float64, np.float32):
            check_against_torch("avg", random_array(rng, (2, 3, 9, 8), dtype), rng, **settings)


@pytest.mark.parametrize(
    "settings",
    [
        dict(kernel_size=3, stride=2, padding=1, ceil_mode=True),
        dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
        dict(kernel_size=(2, 3), stride=(2, 1), padding="same"),
        dict(kernel_size=3, stride=2, padding="valid"),
        dict(kernel_size=(3, 1), stride=(2, 3), padding=(1, 0), count_include_pad=False),
    ],
    ids=["ceil", "ceil-nopad", "same", "valid", "k31-s23"],
)
def test_avg_pool2d_backward_is_the_transpose(rng, settings):
    """avg_pool2d is linear: <avg_pool2d(x), g> == <x, avg_pool2d_backward(x, g)> for any x."""
    x = random_array(rng, (2, 3, 8, 7))
    y = convlib.avg_pool2d(x, **settings)
    g = random_array(rng, y.shape)
    grad = convlib.avg_pool2d_backward(x, g, **settings)
    assert np.isclose(np.vdot(y, g), np.vdot(x, grad), rtol=1e-12, atol=1e-12)


def test_avg_pool2d_backward_ignores_nan_in_x_and_carries_it_from_g(rng):
    """Only x's shape matters (as in PyTorch); a NaN in g reaches every cell of its window."""
    x = random_array(rng, (1, 2, 6, 6))
    x[0, 0, 1, 1] = np.nan
    settings = dict(kernel_size=3, stride=1, padding=1, count_include_pad=False)
    g = random_array(rng, out_shape("avg", x, **settings))
    grad = convlib.avg_pool2d_backward(x, g, **settings)
    assert np.isfinite(grad).all()
    assert_grad_close(grad, torch_grad("avg", x, g, **settings), np.float64)
    g[0, 1, 0, 0] = np.nan
    grad = convlib.avg_pool2d_backward(x, g, **settings)
    assert np.isnan(grad[0, 1, :2, :2]).all() and np.isfinite(grad[0, 1, 2:]).all()
    assert np.array_equal(np.isnan(grad), np.isnan(torch_grad("avg", x, g, **settings)))


# --------------------------------------------------------------------------------------
# Both


@given(
    st.integers(1, 4), st.integers(1, 4), st.integers(1, 3), st.integers(1, 3),
    st.integers(0, 2), st.integers(1, 3), st.booleans(), st.booleans(), st.integers(1, 9),
    st.integers(1, 9), st.integers(0, 2**32 - 1),
)  # fmt: skip
def test_pool_backward_hypothesis(kh, kw, sh, sw, pad, dil, ceil_mode, include, h, w, seed):
    pads = (min(pad, kh // 2), min(pad, kw // 2))
    h = max(h, dil * (kh - 1) + 1 - 2 * pads[0])
    w = max(w, dil * (kw - 1) + 1 - 2 * pads[1])
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 3, size=(1, 2, h, w)).astype(np.float64)  # ties everywhere
    common = dict(kernel_size=(kh, kw), stride=(sh, sw), padding=pads, ceil_mode=ceil_mode)
    check_against_torch("max", x, rng, dilation=dil, **common)
    check_against_torch("avg", x, rng, count_include_pad=include, **common)


@pytest.mark.parametrize("kind", ["max", "avg"])
def test_dtypes(kind):
    """max: conv2d_backward's dtype (float16 stays float16); avg: avg_pool2d's (float32)."""
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    cases = {
        (np.float32, np.float32): {"max": np.float32, "avg": np.float32},
        (np.float16, np.float16): {"max": np.float16, "avg": np.float32},
        (np.int64, np.int32): {"max": np.int64, "avg": np.float64},
        (np.int8, np.float64): {"max": np.float64, "avg": np.float64},
    }
    for (x_dtype, g_dtype), returned in cases.items():
        g = np.ones((1, 1, 2, 2), dtype=g_dtype)
        grad = BACKWARD[kind](x.astype(x_dtype), g, kernel_size=2)
        assert grad.dtype == returned[kind], (x_dtype, g_dtype, grad.dtype)
        assert grad.sum() == 4


@pytest.mark.parametrize("data_format", ["NCHW", "NHWC"])
@pytest.mark.parametrize("kind", ["max", "avg"])
def test_empty_batch_and_inputs_untouched(kind, data_format):
    x = np.zeros((0, 3, 5, 5)) if data_format == "NCHW" else np.zeros((0, 5, 5, 3))
    g = np.zeros((0, 3, 2, 2)) if data_format == "NCHW" else np.zeros((0, 2, 2, 3))
    grad = BACKWARD[kind](x, g, kernel_size=2, data_format=data_format)
    assert grad.shape == x.shape and grad.dtype == np.float64
    x = np.arange(50.0).reshape(1, 2, 5, 5)
    g = np.ones((1, 2, 3, 3))
    x_copy, g_copy = x.copy(), g.copy()
    BACKWARD[kind](x, g, kernel_size=3, stride=2, padding=1)
    np.testing.assert_array_equal(x, x_copy)
    np.testing.assert_array_equal(g, g_copy)


X = np.ones((1, 2, 5, 5))
G = np.ones((1, 2, 2, 2))  # kernel_size=2 on X


@pytest.mark.parametrize("kind", ["max", "avg"])
@pytest.mark.parametrize(
    ("call", "error", "parts"),
    [
        (lambda f: f(X, np.ones((1, 2, 3, 3)), kernel_size=2), ValueError,
         ["grad_output", "output shape (1, 2, 2, 2)", "'NCHW'", "got (1, 2, 3, 3)"]),
        (lambda f: f(X, np.ones((1, 2, 2, 2)), kernel_size=2, ceil_mode=True), ValueError,
         ["grad_output", "(1, 2, 3, 3)", "got (1, 2, 2, 2)"]),
        # channels last: the expected shape is said in NHWC order
        (lambda f: f(np.ones((1, 5, 5, 3)), np.ones((1, 3, 2, 2)), kernel_size=2,
                     data_format="NHWC"), ValueError,
         ["grad_output", "output shape (1, 2, 2, 3) in 'NHWC'", "got (1, 3, 2, 2)"]),
        (lambda f: f(X, np.ones((2, 2, 2)), kernel_size=2), ValueError,
         ["grad_output", "4 dimensions", "3 dimensions"]),
        (lambda f: f(X, np.full((1, 2, 2, 2), "a"), kernel_size=2), TypeError,
         ["grad_output", "<U1"]),
        (lambda f: f(X, np.ones((1, 2, 2, 0)), kernel_size=2), ValueError,
         ["grad_output", "empty", "(1, 2, 2, 0)"]),
        (lambda f: f(X, G, kernel_size=2, data_format="NCWH"), ValueError,
         ["data_format", "'NCWH'"]),
        (lambda f: f(X[0], G, kernel_size=2), ValueError, ["x", "3 dimensions"]),
        (lambda f: f(X, G, kernel_size=0), ValueError, ["kernel_size", "kernel_size=0"]),
        (lambda f: f(X, G, kernel_size=2.0), TypeError, ["kernel_size", "2.0"]),
        (lambda f: f(X, G, kernel_size=2, stride=0), ValueError, ["stride", "stride=0"]),
        (lambda f: f(X, G, kernel_size=2, padding=2), ValueError, ["padding", "padding 2"]),
        (lambda f: f(X, G, kernel_size=2, ceil_mode=1), TypeError, ["ceil_mode", "1"]),
        (lambda f: f(X, G, kernel_size=2, padding="same", ceil_mode=True), ValueError,
         ["ceil_mode", "'same'"]),
        (lambda f: f(X, G, kernel_size=6), ValueError, ["kernel", "6"]),
    ],
    ids=["grad-shape", "grad-shape-ceil", "grad-layout", "grad-ndim",
         "grad-strings", "grad-empty", "data-format", "x-ndim", "kernel-0", "kernel-float",
         "stride-0", "padding-over-half", "ceil-not-bool", "ceil-with-same", "kernel-too-large"],
)  # fmt: skip
def test_bad_input_is_refused_clearly(kind, call, error, parts):
    func = f"{kind}_pool2d_backward"
    with pytest.raises(error, match=f"^{func}: ") as info:
        call(BACKWARD[kind])
    for part in parts:
        assert part in str(info.value), (part, str(info.value))


def test_bad_input_of_one_function():
    with pytest.raises(ValueError, match=re.escape("max_pool2d_backward: dilation must be posit")):
        convlib.max_pool2d_backward(X, G, kernel_size=2, dilation=0)
    with pytest.raises(TypeError, match="avg_pool2d_backward: count_include_pad must be True or"):
        convlib.avg_pool2d_backward(X, G, kernel_size=2, count_include_pad="no")
    with pytest.raises(TypeError, match="dilation"):  # average pooling has no dilation
        convlib.avg_pool2d_backward(X, G, kernel_size=2, dilation=1)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="positional"):  # the settings are keyword-only
        convlib.max_pool2d_backward(X, G, 2)  # type: ignore[misc]
