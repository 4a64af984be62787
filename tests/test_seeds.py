"""The worked examples of the seed drafts, with their errors corrected.

* 002: the 4x4 image and the 2x2 kernel [[1, 1], [-1, -1]]. Cross-correlation (what
  frameworks call convolution) gives -8 everywhere; true convolution flips the kernel and
  gives +8, and so does scipy.signal.convolve2d. The seed claims both give -8.
* 001: a batch of four 9x9 RGB images (NHWC, np.random.seed(1)) and eight 5x5x3 filters
  (OHWI), stride 1, padding 2, against Keras Conv2D(padding="same"), compared with a
  float32 tolerance rather than after rounding; the output has num_filters = 8 channels.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.signal
import torch
import torch.nn.functional as F
from helpers import EXACT_METHODS, supporting

import convlib

IMAGE = np.arange(1, 17).reshape(4, 4)
KERNEL = np.array([[1, 1], [-1, -1]])


def test_002_cross_correlation_gives_minus_eight(tf):
    minus_eight = np.full((3, 3), -8)
    np.testing.assert_array_equal(convlib.correlate2d(IMAGE, KERNEL, mode="valid"), minus_eight)
    for method in ("auto", *EXACT_METHODS):
        y = convlib.conv2d(IMAGE[None, None], KERNEL[None, None], method=method)
        np.testing.assert_array_equal(y[0, 0], minus_eight)
    # What the frameworks compute.
    torch_y = F.conv2d(
        torch.tensor(IMAGE[None, None]).double(), torch.tensor(KERNEL[None, None]).double()
    )
    np.testing.assert_array_equal(torch_y.numpy()[0, 0], minus_eight)
    tf_y = tf.nn.conv2d(
        IMAGE[None, :, :, None].astype(np.float32),
        KERNEL[:, :, None, None].astype(np.float32),
        1,
        "VALID",
    )
    np.testing.assert_array_equal(tf_y.numpy()[0, :, :, 0], minus_eight)


def test_002_true_convolution_gives_plus_eight():
    plus_eight = np.full((3, 3), 8)
    np.testing.assert_array_equal(convlib.convolve2d(IMAGE, KERNEL, mode="valid"), plus_eight)
    # The seed says scipy.signal.convolve2d "produces the same output" as its -8: it does not.
    scipy_y = scipy.signal.convolve2d(IMAGE, KERNEL, mode="valid")
    np.testing.assert_array_equal(scipy_y, plus_eight)
    assert not np.array_equal(scipy_y, np.full((3, 3), -8))
    # Convolution is cross-correlation with the flipped kernel.
    flipped = KERNEL[::-1, ::-1]
    np.testing.assert_array_equal(
        convlib.conv2d(IMAGE[None, None], flipped[None, None])[0, 0], plus_eight
    )


def seed_001_data():
    # The seed's np.random.seed(1) + np.random.randn: the same stream as RandomState(1).
    legacy = np.random.RandomState(1)
    images = legacy.randn(4, 9, 9, 3).astype(np.float32)  # NHWC
    kernel = legacy.randn(8, 5, 5, 3).astype(np.float32)  # OHWI: (num_filters, kh, kw, C)
    return images, kernel


@pytest.mark.parametrize(
    "method", ["auto", *supporting((4, 3, 9, 9), (8, 3, 5, 5), np.float32, padding=2)]
)
def test_001_batch_against_keras(tf, method):
    images, kernel = seed_001_data()
    layer = tf.keras.layers.Conv2D(
        filters=8,
        kernel_size=5,
        strides=1,
        padding="same",
        use_bias=False,
        kernel_initializer=tf.constant_initializer(kernel.transpose(1, 2, 3, 0)),
    )
    expected = layer(tf.constant(images)).numpy()
    y = convlib.conv2d(
        images,
        kernel,
        stride=1,
        padding=2,
        data_format="NHWC",
        kernel_format="OHWI",
        method=method,
    )
    assert y.shape == expected.shape == (4, 9, 9, 8)  # (batch, out_h, out_w, num_filters)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y, expected, rtol=0, atol=1e-4 * np.abs(expected).max())
    # padding=2 for a 5x5 kernel at stride 1 is exactly "same".
    np.testing.assert_array_equal(
        y,
        convlib.conv2d(
            images, kernel, padding="same", data_format="NHWC", kernel_format="OHWI", method=method
        ),
    )


def test_001_output_channels_are_num_filters_not_filter_channels():
    images, kernel = seed_001_data()
    y = convlib.conv2d(images, kernel[:6], padding=2, data_format="NHWC", kernel_format="OHWI")
    assert y.shape[-1] == 6 != kernel.shape[-1]
