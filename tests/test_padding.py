"""normalize_padding: every accepted form, into (before, after) pairs."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import explicit_pads

import convlib
from convlib.padding import pad_spatial

FORMS = [0, 2, (1, 3), ((0, 1), (2, 0)), [1, (0, 2)], "valid", "same", "full"]


@pytest.mark.parametrize("padding", FORMS, ids=str)
def test_normalize_padding_forms(padding):
    for sizes, kernel, stride, dilation in [((7, 8), (3, 2), (2, 1), (1, 3)),
                                            ((10, 5), (4, 4), (3, 3), (2, 1))]:  # fmt: skip
        got = convlib.normalize_padding(padding, sizes, kernel, stride, dilation)
        assert got == explicit_pads(padding, sizes, kernel, stride, dilation)
        assert all(isinstance(v, int) for pair in got for v in pair)


def test_numpy_integers_and_arrays():
    assert convlib.normalize_padding(np.int64(2), (5,), (3,), (1,), (1,)) == ((2, 2),)
    assert convlib.normalize_padding(np.array([1, 2]), (5, 5), (3, 3), (1, 1), (1, 1)) == (
        (1, 1),
        (2, 2),
    )


def test_same_keeps_the_size_with_stride_one_and_puts_the_odd_element_after():
    for k in range(1, 8):
        for d in (1, 2, 3):
            ((before, after),) = convlib.normalize_padding("same", (20,), (k,), (1,), (d,))
            assert before + after == d * (k - 1)
            assert after - before in (0, 1)


def test_pad_spatial_pads_only_trailing_axes():
    x = np.ones((2, 3, 4, 5))
    y = pad_spatial(x, ((1, 2), (0, 3)), value=-1)
    assert y.shape == (2, 3, 7, 8)
    assert np.all(y[:, :, :1] == -1) and np.all(y[:, :, -2:] == -1) and np.all(y[..., -3:] == -1)
    assert np.all(y[:, :, 1:5, :5] == 1)
    assert pad_spatial(x, ((0, 0), (0, 0))) is x
