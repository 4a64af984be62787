"""conv_matrix: M @ x against F.conv2d, M.T @ g against PyTorch's autograd and conv2d_backward."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from helpers import explicit_pads, random_array, torch_pad_widths

import convlib

# (c_in, c_out, (h, w), (kh, kw), stride, padding, dilation): every padding form conv2d takes.
CASES = [
    (1, 1, (5, 5), (3, 3), 1, 0, 1),
    (2, 3, (6, 7), (3, 2), 1, 1, 1),
    (3, 2, (7, 6), (3, 3), 2, (1, 2), 1),
    (2, 4, (8, 9), (2, 3), (2, 3), ((0, 1), (2, 1)), 1),
    (1, 2, (9, 8), (3, 3), 1, "same", 2),
    (3, 1, (7, 8), (4, 4), 2, "same", 1),
    (2, 2, (6, 6), (2, 2), 3, "valid", (1, 2)),
    (1, 3, (4, 5), (3, 2), 1, "full", 1),
    (2, 2, (5, 6), (3, 3), (1, 2), "full", 2),
    (4, 3, (10, 9), (1, 1), 2, 0, 1),
    (2, 1, (3, 3), (5, 5), 1, 2, 1),  # a kernel larger than the image, inside the padding
]


def ids(case):
    c_in, c_out, size, kernel, stride, padding, dilation = case
    return f"c{c_in}->{c_out}-{size}-k{kernel}-s{stride}-p{padding}-d{dilation}"


def torch_forward_and_input_grad(x, w, g, *, stride, pads, dilation):
    """F.conv2d of one image (x padded explicitly) and dL/dx by autograd, for upstream g."""
    xt = torch.from_numpy(x[None]).requires_grad_(True)
    y = F.conv2d(F.pad(xt, torch_pad_widths(pads)), torch.from_numpy(w), stride=stride,
                 dilation=dilation)  # fmt: skip
    y.backward(torch.from_numpy(g[None]))
    return y.detach().numpy()[0], xt.grad.numpy()[0]


def assert_tight(actual, reference, dtype):
    """float64: 1e-12 of the largest magnitude; float32: 1e-5."""
    assert actual.dtype == np.dtype(dtype), (actual.dtype, dtype)
    scale = max(float(np.max(np.abs(reference))), 1.0)
    atol = (1e-12 if np.dtype(dtype) == np.float64 else 1e-5) * scale
    np.testing.assert_allclose(actual, reference, rtol=0, atol=atol)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", CASES, ids=[ids(c) for c in CASES])
def test_matrix_is_the_convolution_and_its_transpose_the_input_gradient(rng, case, dtype):
    c_in, c_out, size, kernel, stride, padding, dilation = case
    x = random_array(rng, (c_in, *size), dtype)
    w = random_array(rng, (c_out, c_in, *kernel), dtype)
    strides = stride if isinstance(stride, tuple) else (stride, stride)
    dilations = dilation if isinstance(dilation, tuple) else (dilation, dilation)
    pads = explicit_pads(padding, size, kernel, strides, dilations)
    settings = dict(stride=stride, padding=padding, dilation=dilation)

    m = convlib.conv_matrix(w, x.shape, **settings)
    y_conv = convlib.conv2d(x[None], w, **settings)[0]
    assert m.shape == (y_conv.size, x.size)
    assert m.dtype == np.dtype(dtype)
    g = random_array(rng, y_conv.shape, dtype)
    y_torch, grad_torch = torch_forward_and_input_grad(
        x, w, g, stride=strides, pads=pads, dilation=dilations
    )
    assert_tight((m @ x.ravel()).reshape(y_torch.shape), y_torch, dtype)
    assert_tight((m.T @ g.ravel()).reshape(x.shape), grad_torch, dtype)
    # ... and what convlib's own backward pass computes.
    grad_x, _, _ = convlib.conv2d_backward(x[None], w, g[None], **settings)
    assert_tight((m.T @ g.ravel()).reshape(x.shape), grad_x[0], dtype)


def test_every_entry_is_a_kernel_tap_or_zero(rng):
    """The formula of the docstring, entry by entry, on a small strided, dilated, padded case."""
    w = random_array(rng, (2, 3, 2, 3))
    (c_out, c_in, kh, kw), (h, wd) = w.shape, (5, 6)
    stride, dilation, (top, left) = (2, 1), (1, 2), (1, 0)
    m = convlib.conv_matrix(w, (c_in, h, wd), stride=stride, padding=(1, 0), dilation=dilation)
    h_out, w_out = 3, 2  # floor((5 + 2 - 2) / 2) + 1, floor((6 - 4 - 1) / 1) + 1
    expected = np.zeros((c_out, h_out, w_out, c_in, h, wd))
    for co, i, j, c, p, q in np.ndindex(c_out, h_out, w_out, c_in, kh, kw):
        row, col = i * stride[0] + p * dilation[0] - top, j * stride[1] + q * dilation[1] - left
        if 0 <= row < h and 0 <= col < wd:
            expected[co, i, j, c, row, col] = w[co, c, p, q]
    np.testing.assert_array_equal(m, expected.reshape(m.shape))


@pytest.mark.parametrize(
    "dtype,expected",
    [
        (np.float16, np.float16),
        (np.float32, np.float32),
        (np.int32, np.int64),
        (np.uint8, np.int64),
    ],
)
def test_dtype_is_the_one_conv2d_returns(dtype, expected):
    w = np.ones((1, 1, 2, 2), dtype=dtype)
    m = convlib.conv_matrix(w, (1, 3, 3))
    assert m.dtype == expected
    assert m.dtype == convlib.conv2d(np.ones((1, 1, 3, 3), dtype=dtype), w).dtype


def test_accepts_lists_and_numpy_integers():
    m = convlib.conv_matrix([[[[1, 2]]]], [np.int64(1), 2, 3], stride=np.int32(1))
    np.testing.assert_array_equal(m, [[1, 2, 0, 0, 0, 0], [0, 1, 2, 0, 0, 0],
                                      [0, 0, 0, 1, 2, 0], [0, 0, 0, 0, 1, 2]])  # fmt: skip


BAD = [
    ("weight ndim", dict(weight=np.ones((2, 3, 3))), ValueError, "weight", "3 dimensions"),
    ("weight strings", dict(weight=np.full((1, 1, 2, 2), "a")), TypeError, "weight", "<U1"),
    ("input_shape int", dict(input_shape=5), TypeError, "input_shape", "5"),
    ("input_shape length", dict(input_shape=(5, 5)), ValueError, "input_shape", "(5, 5)"),
    ("input_shape 0", dict(input_shape=(2, 0, 5)), ValueError, "input_shape", "input_shape=0"),
    ("input_shape float", dict(input_shape=(2, 5.0, 5)), TypeError, "input_shape", "5.0"),
    ("channels", dict(input_shape=(3, 5, 5)), ValueError, "input_shape", "C_in=3"),
    ("stride 0", dict(stride=0), ValueError, "stride", "stride=0"),
    ("dilation float", dict(dilation=1.5), TypeError, "dilation", "1.5"),
    ("padding -1", dict(padding=-1), ValueError, "padding", "-1"),
    ("padding string", dict(padding="SAME"), ValueError, "padding", "'SAME'"),
    ("padding causal", dict(padding="causal"), ValueError, "padding", "1-D only"),
    ("kernel too large", dict(input_shape=(2, 2, 5)), ValueError, "kernel", "in_size=2"),
]  # fmt: skip


@pytest.mark.parametrize("kwargs,error,param,given", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input_is_refused_with_a_message_for_people(kwargs, error, param, given):
    call = dict(weight=np.ones((4, 2, 3, 3)), input_shape=(2, 5, 5)) | kwargs
    with pytest.raises(error, match=rf"^conv_matrix: .*\b{re.escape(param)}") as info:
        convlib.conv_matrix(call.pop("weight"), call.pop("input_shape"), **call)
    assert given in str(info.value)
    assert type(info.value) is error


def test_a_matrix_too_large_for_memory_is_refused_before_allocating():
    # 64 * 1000 * 1000 rows by 3 * 1000 * 1000 columns of float64: about 1.4e6 GiB.
    with pytest.raises(convlib.ConvMemoryError, match=r"^conv_matrix: input_shape=\(3, 1000"):
        convlib.conv_matrix(np.ones((64, 3, 3, 3)), (3, 1000, 1000), padding=1)


def test_the_limit_is_convlib_max_bytes(monkeypatch):
    w = np.ones((2, 1, 3, 3))
    assert convlib.conv_matrix(w, (1, 8, 8)).shape == (72, 64)  # 72 * 64 * 8 bytes = 36 KiB
    monkeypatch.setenv("CONVLIB_MAX_BYTES", "10000")
    with pytest.raises(convlib.ConvMemoryError, match="CONVLIB_MAX_BYTES") as info:
        convlib.conv_matrix(w, (1, 8, 8))
    assert isinstance(info.value, MemoryError) and isinstance(info.value, ValueError)
    assert "the matrix of shape (72, 64)" in str(info.value)
