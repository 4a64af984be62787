"""max_pool2d and avg_pool2d against PyTorch and TensorFlow."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from helpers import assert_close, random_array
from hypothesis import given
from hypothesis import strategies as st

import convlib


def torch_pool(kind, x, **settings):
    xt = torch.from_numpy(np.ascontiguousarray(x))
    pool = F.max_pool2d if kind == "max" else F.avg_pool2d
    return pool(xt, **settings).numpy()


@pytest.mark.parametrize("ceil_mode", [False, True])
@pytest.mark.parametrize("dilation", [1, 2, 3])
@pytest.mark.parametrize("stride", [None, 1, 2, 3])
@pytest.mark.parametrize("kernel", [2, 3, (3, 2), (1, 4)], ids=str)
def test_max_pool2d_matches_torch(rng, kernel, stride, dilation, ceil_mode):
    kh, kw = (kernel, kernel) if isinstance(kernel, int) else kernel
    for padding in {0, min(kh, kw) // 2, (kh // 2, kw // 2)}:
        for dtype in (np.float64, np.float32):
            x = random_array(rng, (2, 3, 9, 10), dtype)
            settings = dict(kernel_size=kernel, stride=stride, padding=padding,
                            dilation=dilation, ceil_mode=ceil_mode)  # fmt: skip
            expected = torch_pool("max", x, **settings)
            assert_close(convlib.max_pool2d(x, **settings), expected, dtype)


@pytest.mark.parametrize("count_include_pad", [True, False])
@pytest.mark.parametrize("ceil_mode", [False, True])
@pytest.mark.parametrize("stride", [None, 1, 2, 3])
@pytest.mark.parametrize("kernel", [2, 3, (3, 2), 5], ids=str)
def test_avg_pool2d_matches_torch(rng, kernel, stride, ceil_mode, count_include_pad):
    kh, kw = (kernel, kernel) if isinstance(kernel, int) else kernel
    for padding in {0, 1, min(kh, kw) // 2, (kh // 2, kw // 2)}:
        for dtype in (np.float64, np.float32):
            x = random_array(rng, (2, 3, 9, 8), dtype)
            settings = dict(kernel_size=kernel, stride=stride, padding=padding,
                            ceil_mode=ceil_mode, count_include_pad=count_include_pad)  # fmt: skip
            expected = torch_pool("avg", x, **settings)
            assert_close(convlib.avg_pool2d(x, **settings), expected, dtype)


@given(
    st.integers(1, 4), st.integers(1, 4), st.integers(1, 3), st.integers(1, 3),
    st.integers(0, 2), st.integers(1, 3), st.booleans(), st.booleans(), st.integers(1, 9),
    st.integers(1, 9), st.integers(0, 2**32 - 1),
)  # fmt: skip
def test_pooling_hypothesis(kh, kw, sh, sw, pad, dil, ceil_mode, include, h, w, seed):
    pads = (min(pad, kh // 2), min(pad, kw // 2))
    h = max(h, dil * (kh - 1) + 1 - 2 * pads[0])
    w = max(w, dil * (kw - 1) + 1 - 2 * pads[1])
    x = random_array(np.random.default_rng(seed), (1, 2, h, w))
    common = dict(kernel_size=(kh, kw), stride=(sh, sw), padding=pads, ceil_mode=ceil_mode)
    assert_close(
        convlib.max_pool2d(x, dilation=dil, **common),
        torch_pool("max", x, dilation=dil, **common),
    )
    if dil * (kh - 1) + 1 <= h + 2 * pads[0] and dil * (kw - 1) + 1 <= w + 2 * pads[1]:
        # avg_pool2d has no dilation; the kernel fits since dil >= 1.
        assert_close(
            convlib.avg_pool2d(x, count_include_pad=include, **common),
            torch_pool("avg", x, count_include_pad=include, **common),
        )


def test_max_pool_of_integers_is_exact_and_pads_never_win():
    x = -np.arange(1, 17, dtype=np.int64).reshape(1, 1, 4, 4)  # all negative
    y = convlib.max_pool2d(x, 3, stride=1, padding=1)
    assert y.dtype == np.int64
    expected = torch_pool("max", x.astype(np.float64), kernel_size=3, stride=1, padding=1)
    np.testing.assert_array_equal(y, expected.astype(np.int64))
    assert convlib.max_pool2d(x.astype(np.int8), 2).dtype == np.int8


def test_avg_pool_of_integers_is_float64():
    x = np.arange(16).reshape(1, 1, 4, 4)
    y = convlib.avg_pool2d(x, 2)
    assert y.dtype == np.float64
    np.testing.assert_array_equal(y[0, 0], [[2.5, 4.5], [10.5, 12.5]])
    assert convlib.avg_pool2d(x.astype(np.float32), 2).dtype == np.float32


@pytest.mark.parametrize("padding", ["same", "valid"])
@pytest.mark.parametrize("stride", [1, 2, 3])
@pytest.mark.parametrize("kernel", [2, 3, (3, 2)], ids=str)
def test_pooling_matches_tensorflow(tf, rng, kernel, stride, padding):
    for size in (7, 8):
        for dtype in (np.float32, np.float64):
            x = random_array(rng, (2, size, size + 1, 3), dtype)  # NHWC
            settings = dict(ksize=kernel, strides=stride, padding=padding.upper())
            # An explicit tensor: tf.nn.max_pool2d turns a float64 NumPy array into float32.
            xt = tf.constant(x, dtype=tf.as_dtype(dtype))
            expected_max = tf.nn.max_pool2d(xt, **settings).numpy()
            expected_avg = tf.nn.avg_pool2d(xt, **settings).numpy()
            assert expected_max.dtype == expected_avg.dtype == dtype
            common = dict(stride=stride, padding=padding, data_format="NHWC")
            assert_close(convlib.max_pool2d(x, kernel, **common), expected_max, dtype)
            assert_close(convlib.avg_pool2d(x, kernel, **common), expected_avg, dtype)


def test_nhwc_matches_nchw(rng):
    x = random_array(rng, (2, 3, 8, 7))
    for pool in (convlib.max_pool2d, convlib.avg_pool2d):
        y = pool(x, 3, stride=2, padding=1, ceil_mode=True)
        y_last = pool(x.transpose(0, 2, 3, 1), 3, stride=2, padding=1, ceil_mode=True,
                      data_format="NHWC")  # fmt: skip
        assert_close(y_last, y.transpose(0, 2, 3, 1), np.float64)


def test_nested_lists():
    x = [[[[1, 2], [3, 4]]]]
    assert convlib.max_pool2d(x, 2).tolist() == [[[[4]]]]
    assert convlib.avg_pool2d(x, 2).tolist() == [[[[2.5]]]]
