"""separable_conv2d against tf.nn.separable_conv2d and against two PyTorch convolutions."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import assert_close, explicit_pads, random_array, torch_conv

import convlib


def tf_filters_to_convlib(depthwise_tf, pointwise_tf):
    """TF's (kh, kw, C, m) and (1, 1, C*m, C_out) filters as convlib's OIHW kernels.

    Written out by hand: TF's depthwise output channel ``c * m + j`` is channel ``c``
    filtered by ``depthwise_tf[:, :, c, j]``.
    """
    kh, kw, c, m = depthwise_tf.shape
    depthwise = depthwise_tf.reshape(kh, kw, c * m).transpose(2, 0, 1)[:, None]
    pointwise = pointwise_tf[0, 0].T[:, :, None, None]
    return depthwise, pointwise


@pytest.mark.parametrize("multiplier", [1, 2])
@pytest.mark.parametrize("padding", ["same", "valid"])
@pytest.mark.parametrize("stride,dilation", [(1, 1), (2, 1), (1, 2), (1, 3)])
def test_matches_tensorflow(tf, rng, stride, dilation, padding, multiplier):
    for dtype in (np.float32, np.float64):
        x = random_array(rng, (2, 9, 8, 3), dtype)  # NHWC
        depthwise_tf = random_array(rng, (3, 2, 3, multiplier), dtype)
        pointwise_tf = random_array(rng, (1, 1, 3 * multiplier, 5), dtype)
        expected = tf.nn.separable_conv2d(
            tf.constant(x), depthwise_tf, pointwise_tf, strides=[1, stride, stride, 1],
            padding=padding.upper(), dilations=[dilation, dilation],
        ).numpy()  # fmt: skip
        depthwise, pointwise = tf_filters_to_convlib(depthwise_tf, pointwise_tf)
        y = convlib.separable_conv2d(
            x, depthwise, pointwise, stride=stride, padding=padding, dilation=dilation,
            data_format="NHWC",
        )  # fmt: skip
        assert_close(y, expected, dtype)


@pytest.mark.parametrize("padding", [0, 1, (1, 2), "same"], ids=str)
def test_matches_two_torch_convolutions(rng, padding):
    x = random_array(rng, (2, 4, 7, 9))
    depthwise = random_array(rng, (8, 1, 3, 3))
    pointwise = random_array(rng, (6, 8, 1, 1))
    bias = random_array(rng, (6,))
    pads = explicit_pads(padding, (7, 9), (3, 3), (2, 2), (1, 1))
    hidden = torch_conv(x, depthwise, stride=2, pads=pads, groups=4)
    expected = torch_conv(hidden, pointwise, bias, pads=((0, 0), (0, 0)))
    y = convlib.separable_conv2d(x, depthwise, pointwise, bias, stride=2, padding=padding)
    assert_close(y, expected, np.float64)
    y_last = convlib.separable_conv2d(
        x.transpose(0, 2, 3, 1), depthwise, pointwise, bias, stride=2, padding=padding,
        data_format="NHWC",
    )  # fmt: skip
    assert_close(y_last, expected.transpose(0, 2, 3, 1), np.float64)


def test_dtypes():
    x = np.arange(2 * 5 * 5).reshape(1, 2, 5, 5)
    y = convlib.separable_conv2d(x, np.ones((2, 1, 3, 3), int), np.ones((1, 2, 1, 1), int))
    assert y.dtype == np.int64
    assert int(y[0, 0, 0, 0]) == int(x[0, :, :3, :3].sum())
    x32 = x.astype(np.float32)
    assert (
        convlib.separable_conv2d(
            x32, np.ones((2, 1, 3, 3), np.float32), np.ones((1, 2, 1, 1), np.float32)
        ).dtype
        == np.float32
    )


def test_nested_lists():
    y = convlib.separable_conv2d([[[[1, 2], [3, 4]]]], [[[[1, 1], [1, 1]]]], [[[[2]]]])
    assert y.tolist() == [[[[20]]]]
