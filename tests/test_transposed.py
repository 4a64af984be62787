"""conv_transpose1d/2d/3d against PyTorch, and as the adjoint of the convolution."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from helpers import assert_close, random_array
from hypothesis import given
from hypothesis import strategies as st

import convlib

TRANSPOSE = {1: convlib.conv_transpose1d, 2: convlib.conv_transpose2d, 3: convlib.conv_transpose3d}
TORCH_TRANSPOSE = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}


def torch_transpose(x, w, b=None, **settings):
    nd = x.ndim - 2
    to = lambda a: None if a is None else torch.from_numpy(np.ascontiguousarray(a))  # noqa: E731
    with torch.no_grad():
        return TORCH_TRANSPOSE[nd](to(x), to(w), to(b), **settings).numpy()


@pytest.mark.parametrize("groups", [1, 2, 4])
@pytest.mark.parametrize("dilation", [1, 2, 3])
@pytest.mark.parametrize("stride", [1, 2, 3])
def test_conv_transpose2d_matches_torch(rng, stride, dilation, groups):
    for dtype in (np.float64, np.float32):
        x = random_array(rng, (2, 4, 5, 4), dtype)
        kernel = ((3, 3), (2, 2), (2, 3))[int(rng.integers(3))]
        w = random_array(rng, (4, 3, *kernel), dtype)  # (C_in, C_out / groups, kh, kw)
        b = random_array(rng, (3 * groups,), dtype)
        padding = (int(rng.integers(0, 2)), int(rng.integers(0, 3)))
        output_padding = (
            int(rng.integers(0, max(stride, dilation))),
            int(rng.integers(0, max(stride, dilation))),
        )
        settings = dict(
            stride=stride, padding=padding, output_padding=output_padding, dilation=dilation,
            groups=groups,
        )  # fmt: skip
        expected = torch_transpose(x, w, b, **settings)
        assert_close(convlib.conv_transpose2d(x, w, b, **settings), expected, dtype)


def test_asymmetric_padding_crops_like_torch_then_slicing(rng):
    x = random_array(rng, (1, 2, 4, 5))
    w = random_array(rng, (2, 3, 3, 3))
    full = torch_transpose(x, w, stride=2)
    y = convlib.conv_transpose2d(x, w, stride=2, padding=((1, 0), (0, 2)))
    assert_close(y, full[:, :, 1:, : full.shape[3] - 2], np.float64)


def test_conv_transpose2d_nhwc(rng):
    x = random_array(rng, (2, 3, 5, 4))
    w = random_array(rng, (3, 2, 3, 2))
    expected = torch_transpose(x, w, stride=2, padding=1, output_padding=1)
    y = convlib.conv_transpose2d(
        x.transpose(0, 2, 3, 1), w, stride=2, padding=1, output_padding=1, data_format="NHWC"
    )
    assert_close(y, expected.transpose(0, 2, 3, 1), np.float64)


@pytest.mark.parametrize("nd", [1, 3])
@pytest.mark.parametrize("stride,padding,output_padding,dilation", [
    (1, 0, 0, 1), (2, 1, 1, 1), (3, 0, 2, 1), (2, 1, 0, 2), (1, 2, 1, 2),
])  # fmt: skip
def test_conv_transpose1d_3d_match_torch(rng, nd, stride, padding, output_padding, dilation):
    x = random_array(rng, (2, 4) + (4,) * nd)
    w = random_array(rng, (4, 3) + (3,) * nd)
    b = random_array(rng, (6,))
    settings = dict(
        stride=stride, padding=padding, output_padding=output_padding, dilation=dilation, groups=2
    )
    assert_close(
        TRANSPOSE[nd](x, w, b, **settings), torch_transpose(x, w, b, **settings), np.float64
    )


def test_integer_inputs_are_exact(rng):
    x = rng.integers(-5, 6, size=(1, 2, 3, 3))
    w = rng.integers(-5, 6, size=(2, 2, 2, 2))
    y = convlib.conv_transpose2d(x, w, stride=2)
    assert y.dtype == np.int64
    expected = torch_transpose(x.astype(np.float64), w.astype(np.float64), stride=2)
    np.testing.assert_array_equal(y, expected.astype(np.int64))
    assert convlib.conv_transpose2d(x.astype(np.float32), w.astype(np.float32)).dtype == np.float32


@st.composite
def adjoint_cases(draw):
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    kernel = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    groups = draw(st.integers(1, 3))
    pads = tuple((draw(st.integers(0, 2)), draw(st.integers(0, 2))) for _ in range(2))
    sizes = tuple(
        draw(st.integers(max(1, d * (k - 1) + 1 - sum(p)), d * (k - 1) + 8))
        for d, k, p in zip(dilation, kernel, pads)
    )
    c_in, c_out = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    seed = draw(st.integers(0, 2**32 - 1))
    return stride, dilation, kernel, groups, pads, sizes, c_in, c_out, seed


@given(adjoint_cases())
def test_adjoint_identity(case):
    """<conv2d(x, w), y> = <x, conv_transpose2d(y, w)>, with output_padding restoring x's size."""
    stride, dilation, kernel, groups, pads, sizes, c_in, c_out, seed = case
    rng = np.random.default_rng(seed)
    x = random_array(rng, (2, c_in) + sizes)
    w = random_array(rng, (c_out, c_in // groups) + kernel)
    conv = convlib.conv2d(x, w, stride=stride, padding=pads, dilation=dilation, groups=groups)
    y = random_array(rng, conv.shape)
    # The rows a stride-s convolution never reads come back through output_padding.
    output_padding = tuple(
        size + sum(p) - ((o - 1) * s + d * (k - 1) + 1)
        for size, p, o, s, d, k in zip(sizes, pads, conv.shape[2:], stride, dilation, kernel)
    )
    back = convlib.conv_transpose2d(
        y, w, stride=stride, padding=pads, output_padding=output_padding, dilation=dilation,
        groups=groups,
    )  # fmt: skip
    assert back.shape == x.shape
    lhs, rhs = np.vdot(conv, y), np.vdot(x, back)
    assert abs(lhs - rhs) <= 1e-10 * max(1.0, np.abs(conv).sum() * np.abs(y).max())


@pytest.mark.parametrize("stride", [1, 2, 3])
@pytest.mark.parametrize("kernel", [(3, 3), (2, 2), (4, 3)], ids=str)
def test_conv_transpose2d_matches_tensorflow(tf, rng, kernel, stride):
    """tf.nn.conv2d_transpose for "VALID" and "SAME", as convlib padding and output_padding."""
    x = random_array(rng, (2, 4, 5, 3))  # NHWC
    filters = random_array(rng, kernel + (2, 3))  # TF: (kh, kw, C_out, C_in)
    weight = filters.transpose(3, 2, 0, 1)  # (C_in, C_out, kh, kw)
    kh, kw = kernel
    # VALID: the full output, plus stride - 1 rows/columns picked by output_shape.
    for extra in range(stride):
        shape = (2, 3 * stride + kh + extra, 4 * stride + kw + extra, 2)
        expected = tf.nn.conv2d_transpose(tf.constant(x), filters, shape, stride, "VALID")
        y = convlib.conv_transpose2d(
            x, weight, stride=stride, output_padding=extra, data_format="NHWC"
        )
        assert_close(y, expected.numpy(), np.float64)
    # SAME: the transpose of a "same" convolution from (4 * stride, 5 * stride).
    expected = tf.nn.conv2d_transpose(tf.constant(x), filters, (2, 4 * stride, 5 * stride, 2),
                                      stride, "SAME").numpy()  # fmt: skip
    pads = [convlib.same_padding(n * stride, k, stride) for n, k in ((4, kh), (5, kw))]
    output_padding = [n * stride - ((n - 1) * stride - sum(p) + k) for n, p, k in
                      ((4, pads[0], kh), (5, pads[1], kw))]  # fmt: skip
    y = convlib.conv_transpose2d(
        x, weight, stride=stride, padding=pads, output_padding=output_padding, data_format="NHWC"
    )
    assert_close(y, expected, np.float64)


def test_nested_lists():
    y = convlib.conv_transpose2d([[[[1, 2], [3, 4]]]], [[[[1, 1], [1, 1]]]], stride=2)
    assert isinstance(y, np.ndarray) and y.dtype == np.int64
    assert y.sum() == 4 * (1 + 2 + 3 + 4)
