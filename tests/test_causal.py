# ruff: noqa: E501  (the table of refusals keeps one case per line, to be scanned as a table)
"""conv1d(padding="causal") against Keras' Conv1D(padding="causal"); refused elsewhere."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from helpers import EXACT_METHODS, assert_close, random_array, supporting

import convlib

# (kernel, stride, dilation) that Keras accepts: it refuses strides > 1 with dilation_rate > 1.
KERAS_SETTINGS = [(3, 1, 1), (2, 1, 1), (1, 1, 1), (3, 1, 2), (4, 1, 3), (3, 2, 1), (2, 3, 1),
                  (5, 2, 1), (1, 2, 1)]  # fmt: skip


def keras_causal(tf, x_nwc, w_wio, bias, *, stride, dilation):
    """Keras' Conv1D(padding="causal"), channels last, with the given kernel and bias."""
    k, c_in, c_out = w_wio.shape
    layer = tf.keras.layers.Conv1D(
        c_out, k, strides=stride, dilation_rate=dilation, padding="causal", dtype=str(x_nwc.dtype)
    )
    layer.build((None, x_nwc.shape[1], c_in))
    layer.set_weights([w_wio, bias])
    return np.asarray(layer(x_nwc))


@pytest.mark.parametrize("kernel,stride,dilation", KERAS_SETTINGS)
def test_matches_keras_in_both_layouts(tf, rng, kernel, stride, dilation):
    for dtype, length in ((np.float64, 13), (np.float32, 16)):
        x = random_array(rng, (2, length, 3), dtype)  # NWC
        w = random_array(rng, (kernel, 3, 4), dtype)  # Keras' (W, C_in, C_out): "WIO"
        b = random_array(rng, (4,), dtype)
        expected = keras_causal(tf, x, w, b, stride=stride, dilation=dilation)
        assert expected.shape == (2, -(-length // stride), 4)  # ceil(L / s)
        settings = dict(stride=stride, dilation=dilation, padding="causal")
        y = convlib.conv1d(x, w, b, data_format="NWC", **settings)
        assert_close(y, expected, dtype)
        # Channels first: Keras cannot run channels_first on a CPU, so the same data transposed.
        y = convlib.conv1d(x.transpose(0, 2, 1), w.transpose(2, 1, 0), b, data_format="NCW",
                           **settings)  # fmt: skip
        assert_close(y, expected.transpose(0, 2, 1), dtype)


def test_keras_pads_the_time_axis_in_either_format(tf):
    """Keras' channels_first layer pads its time axis (the last) by the same amount."""
    for data_format, axis in (("channels_last", 1), ("channels_first", 2)):
        layer = tf.keras.layers.Conv1D(2, 4, dilation_rate=3, padding="causal",
                                       data_format=data_format)  # fmt: skip
        pads = layer._compute_causal_padding()
        assert pads[axis] == [9, 0] and all(p == [0, 0] for i, p in enumerate(pads) if i != axis)
    assert convlib.normalize_padding("causal", (20,), (4,), (1,), (3,)) == ((9, 0),)


@pytest.mark.parametrize("kernel,stride,dilation", [(3, 2, 2), (2, 3, 2), (4, 2, 3)])
def test_stride_with_dilation_is_the_same_left_padding(rng, kernel, stride, dilation):
    """Keras refuses stride > 1 with dilation > 1; convlib pads the same way, as PyTorch would."""
    x = random_array(rng, (2, 3, 17))
    w = random_array(rng, (4, 3, kernel))
    y = convlib.conv1d(x, w, stride=stride, dilation=dilation, padding="causal")
    xt = F.pad(torch.from_numpy(x), (dilation * (kernel - 1), 0))
    expected = F.conv1d(xt, torch.from_numpy(w), stride=stride, dilation=dilation).numpy()
    assert_close(y, expected, np.float64)
    assert y.shape[-1] == -(-17 // stride)


def test_is_explicit_left_padding_for_every_method_and_groups(rng):
    x = random_array(rng, (2, 4, 12))
    w = random_array(rng, (6, 2, 3))
    pads = ((2 * (3 - 1), 0),)
    for method in ("auto", *supporting(x.shape, w.shape, x.dtype, groups=2, dilation=2,
                                       padding=pads)):  # fmt: skip
        y = convlib.conv1d(x, w, groups=2, dilation=2, padding="causal", method=method)
        assert_close(y, convlib.conv1d(x, w, groups=2, dilation=2, padding=pads), np.float64)


@pytest.mark.parametrize("kernel,stride,dilation", [(3, 1, 1), (4, 1, 2), (2, 1, 5), (3, 2, 1),
                                                    (5, 3, 2)])  # fmt: skip
def test_the_future_never_changes_the_past(rng, kernel, stride, dilation):
    """Changing x[t+1:] leaves every output i with i * stride <= t unchanged, bit for bit."""
    length = 20
    x = random_array(rng, (2, 3, length))
    w = random_array(rng, (2, 3, kernel))
    settings = dict(stride=stride, dilation=dilation, padding="causal")
    methods = supporting(x.shape, w.shape, x.dtype, methods=EXACT_METHODS, **settings)
    assert methods
    for method in methods:
        y = convlib.conv1d(x, w, method=method, **settings)
        for t in range(length):
            changed = x.copy()
            changed[..., t + 1 :] = random_array(rng, changed[..., t + 1 :].shape)
            changed[..., t + 1 :] += 100.0
            y_changed = convlib.conv1d(changed, w, method=method, **settings)
            past = t // stride + 1  # outputs 0 .. t // stride read nothing after t
            np.testing.assert_array_equal(y_changed[..., :past], y[..., :past])
            if past < y.shape[-1]:  # and the next output does read the changed part
                assert not np.array_equal(y_changed[..., past:], y[..., past:])


def test_the_present_counts(rng):
    """Output i reads x[i * stride] through the kernel's last tap."""
    x = np.zeros((1, 1, 9))
    x[0, 0, 6] = 1.0
    y = convlib.conv1d(x, [[[1.0, 2.0, 3.0]]], stride=3, dilation=2, padding="causal")
    np.testing.assert_array_equal(y, [[[0.0, 0.0, 3.0]]])  # window of output 2: x[2], x[4], x[6]


def test_output_size_and_normalize_padding():
    for length, k, s, d in [(10, 3, 1, 1), (11, 3, 2, 2), (7, 1, 3, 1), (5, 5, 1, 1), (4, 3, 2, 3)]:
        assert convlib.conv_output_size(length, k, s, "causal", d) == -(-length // s)
        y = convlib.conv1d(np.ones((1, 1, length)), np.ones((1, 1, k)), stride=s, dilation=d,
                           padding="causal")  # fmt: skip
        assert y.shape == (1, 1, -(-length // s))
        pads = convlib.normalize_padding("causal", (length,), (k,), (s,), (d,))
        assert pads == ((d * (k - 1), 0),)


X2, W2 = np.ones((1, 2, 5, 5)), np.ones((3, 2, 3, 3))
X1, W1 = np.ones((1, 2, 5)), np.ones((2, 3, 3))  # conv_transpose1d's (C_in, C_out, k)
REFUSED = [
    ("conv2d", lambda: convlib.conv2d(X2, W2, padding="causal"), "2 spatial axes"),
    ("conv3d", lambda: convlib.conv3d(np.ones((1, 1, 3, 3, 3)), np.ones((1, 1, 2, 2, 2)), padding="causal"), "3 spatial axes"),
    ("conv_transpose1d", lambda: convlib.conv_transpose1d(X1, W1, padding="causal"), "1-D convolution only"),
    ("conv_transpose2d", lambda: convlib.conv_transpose2d(X2, np.ones((2, 3, 3, 3)), padding="causal"), "2 spatial axes"),
    ("conv_transpose3d", lambda: convlib.conv_transpose3d(np.ones((1, 1, 3, 3, 3)), np.ones((1, 1, 2, 2, 2)), padding="causal"), "3 spatial axes"),
    ("max_pool2d", lambda: convlib.max_pool2d(X2, 2, padding="causal"), "2 spatial axes"),
    ("avg_pool2d", lambda: convlib.avg_pool2d(X2, 2, padding="causal"), "2 spatial axes"),
    ("separable_conv2d", lambda: convlib.separable_conv2d(X2, np.ones((2, 1, 3, 3)), np.ones((3, 2, 1, 1)), padding="causal"), "2 spatial axes"),
    ("conv2d_backward", lambda: convlib.conv2d_backward(X2, W2, np.ones((1, 3, 5, 5)), padding="causal"), "2 spatial axes"),
    ("conv_matrix", lambda: convlib.conv_matrix(W2, (2, 5, 5), padding="causal"), "2 spatial axes"),
    ("conv_transpose_output_size", lambda: convlib.conv_transpose_output_size(5, 3, padding="causal"), "1-D convolution only"),
    ("normalize_padding", lambda: convlib.normalize_padding("causal", (5, 5), (3, 3), (1, 1), (1, 1)), "2 spatial axes"),
]  # fmt: skip


@pytest.mark.parametrize("func,call,why", REFUSED, ids=[r[0] for r in REFUSED])
def test_refused_outside_1d_convolution(func, call, why):
    with pytest.raises(ValueError, match=rf"^{re.escape(func)}: padding='causal' is ") as info:
        call()
    message = str(info.value)
    assert why in message and "use conv1d" in message
    assert type(info.value) is ValueError


def test_unknown_strings_list_causal_only_where_it_is_taken():
    with pytest.raises(
        ValueError, match=r"^conv1d: .*'valid', 'same', 'full', 'causal', got 'Causal'"
    ):
        convlib.conv1d(X1, np.ones((1, 2, 2)), padding="Causal")
    with pytest.raises(ValueError, match=r"^conv2d: .*'valid', 'same', 'full', got 'Causal'"):
        convlib.conv2d(X2, W2, padding="Causal")


def test_any_dilated_kernel_fits():
    """The left padding alone holds every tap but the last: no kernel is too long."""
    y = convlib.conv1d(X1, np.ones((1, 2, 2)), padding="causal", dilation=6)
    np.testing.assert_array_equal(y, np.full((1, 1, 5), 2.0))  # the first tap reads only zeros
