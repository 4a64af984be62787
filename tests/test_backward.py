"""conv2d_backward against torch autograd."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from helpers import assert_close, explicit_pads, random_array, torch_pad_widths
from hypothesis import given
from hypothesis import strategies as st

import convlib


def torch_gradients(x, w, b, g, *, stride, pads, dilation, groups):
    """dL/dx, dL/dw, dL/db of L = sum(conv2d(x, w, b) * g), by autograd (NCHW, OIHW)."""
    xt = torch.tensor(x, requires_grad=True)
    wt = torch.tensor(w, requires_grad=True)
    bt = torch.tensor(b, requires_grad=True)
    y = F.conv2d(
        F.pad(xt, torch_pad_widths(pads)), wt, bt, stride=stride, dilation=dilation, groups=groups
    )
    y.backward(torch.tensor(g))
    return xt.grad.numpy(), wt.grad.numpy(), bt.grad.numpy()


@pytest.mark.parametrize("padding", [0, 1, (2, 0), ((0, 2), (1, 0)), "same", "full"], ids=str)
@pytest.mark.parametrize("dilation", [1, 2, 3])
@pytest.mark.parametrize("stride", [1, 2, 3])
def test_matches_autograd(rng, stride, dilation, padding):
    for dtype in (np.float64, np.float32):
        groups = int(rng.choice([1, 2]))
        kernel = ((3, 3), (2, 2), (2, 3), (1, 3))[int(rng.integers(4))]
        # Sizes chosen so that the stride often does not divide the span (unread rows).
        sizes = tuple(int(dilation * (k - 1) + 1 + rng.integers(0, 5)) for k in kernel)
        x = random_array(rng, (2, 4) + sizes, dtype)
        w = random_array(rng, (6, 4 // groups) + kernel, dtype)
        b = random_array(rng, (6,), dtype)
        pads = explicit_pads(padding, sizes, kernel, (stride, stride), (dilation, dilation))
        y = convlib.conv2d(
            x, w, b, stride=stride, padding=padding, dilation=dilation, groups=groups
        )
        g = random_array(rng, y.shape, dtype)
        expected = torch_gradients(
            x, w, b, g, stride=stride, pads=pads, dilation=dilation, groups=groups
        )
        got = convlib.conv2d_backward(
            x, w, g, stride=stride, padding=padding, dilation=dilation, groups=groups
        )
        for actual, reference in zip(got, expected):
            assert_close(actual, reference, dtype)


def test_unread_rows_get_zero_gradient(rng):
    # 8 rows, kernel 3, stride 3: windows read rows 0-2 and 3-5; rows 6 and 7 are never read.
    x = random_array(rng, (1, 1, 8, 8))
    w = random_array(rng, (1, 1, 3, 3))
    g = random_array(rng, (1, 1, 2, 2))
    grad_x = convlib.conv2d_backward(x, w, g, stride=3)[0]
    assert grad_x.shape == x.shape
    assert np.all(grad_x[..., 6:, :] == 0) and np.all(grad_x[..., :, 6:] == 0)
    assert np.any(grad_x[..., :6, :6] != 0)


@pytest.mark.parametrize("groups", [1, 3])
def test_nhwc_with_hwio_weight(rng, groups):
    x = random_array(rng, (2, 3, 7, 6))
    w = random_array(rng, (6, 3 // groups, 3, 2))
    b = np.zeros(6)
    g = random_array(rng, (2, 6, 4, 4))
    pads = ((1, 1), (1, 1))
    gx, gw, gb = torch_gradients(x, w, b, g, stride=2, pads=pads, dilation=1, groups=groups)
    got = convlib.conv2d_backward(
        x.transpose(0, 2, 3, 1), w.transpose(2, 3, 1, 0), g.transpose(0, 2, 3, 1),
        stride=2, padding=1, groups=groups, data_format="NHWC",
    )  # fmt: skip
    assert_close(got[0], gx.transpose(0, 2, 3, 1), np.float64)
    assert_close(got[1], gw.transpose(2, 3, 1, 0), np.float64)
    assert_close(got[2], gb, np.float64)


def test_integer_gradients_are_exact(rng):
    x = rng.integers(-3, 4, size=(2, 2, 5, 5))
    w = rng.integers(-3, 4, size=(2, 2, 3, 3))
    g = rng.integers(-3, 4, size=(2, 2, 2, 2))
    got = convlib.conv2d_backward(x, w, g, stride=2)
    expected = torch_gradients(
        x.astype(float), w.astype(float), np.zeros(2), g.astype(float),
        stride=2, pads=((0, 0), (0, 0)), dilation=1, groups=1,
    )  # fmt: skip
    for actual, reference in zip(got, expected):
        assert actual.dtype == np.int64
        np.testing.assert_array_equal(actual, reference.astype(np.int64))


@given(
    st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.integers(1, 4),
    st.integers(1, 4), st.integers(0, 2), st.integers(0, 6), st.integers(0, 2**32 - 1),
)  # fmt: skip
def test_hypothesis(stride, dilation, groups, kh, kw, pad, extra, seed):
    rng = np.random.default_rng(seed)
    sizes = (dilation * (kh - 1) + 1 + extra, dilation * (kw - 1) + 1 + extra // 2)
    x = random_array(rng, (2, groups * 2) + sizes)
    w = random_array(rng, (groups, 2, kh, kw))
    y = convlib.conv2d(x, w, stride=stride, padding=pad, dilation=dilation, groups=groups)
    g = random_array(rng, y.shape)
    pads = ((pad, pad), (pad, pad))
    expected = torch_gradients(
        x, w, np.zeros(groups), g, stride=stride, pads=pads, dilation=dilation, groups=groups
    )
    got = convlib.conv2d_backward(
        x, w, g, stride=stride, padding=pad, dilation=dilation, groups=groups
    )
    for actual, reference in zip(got, expected):
        assert_close(actual, reference, np.float64)


def test_nested_lists_and_float32():
    gx, gw, gb = convlib.conv2d_backward([[[[1, 2], [3, 4]]]], [[[[1]]]], [[[[1, 1], [1, 1]]]])
    assert gx.tolist() == [[[[1, 1], [1, 1]]]] and gw.tolist() == [[[[10]]]] and gb.tolist() == [4]
    x32 = np.ones((1, 1, 3, 3), np.float32)
    got = convlib.conv2d_backward(
        x32, np.ones((1, 1, 2, 2), np.float32), np.ones((1, 1, 2, 2), np.float32)
    )
    assert [g.dtype for g in got] == [np.float32] * 3
