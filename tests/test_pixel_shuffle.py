# ruff: noqa: E501  (the table of bad inputs keeps one case per line, to be scanned as a table)
"""pixel_shuffle and pixel_unshuffle against torch.nn.functional, round trips, bad input."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from helpers import random_array

import convlib

# (leading axes, channels per output, h, w, r): batches of any rank, as PyTorch allows.
SHAPES = [((), 1, 3, 4, 2), ((2,), 3, 2, 5, 3), ((2, 3), 2, 4, 1, 2), ((1,), 4, 3, 3, 1),
          ((2, 1, 2), 1, 2, 2, 4), ((0,), 2, 3, 3, 2)]  # fmt: skip


@pytest.mark.parametrize("lead,c,h,w,r", SHAPES, ids=str)
def test_shuffle_and_unshuffle_match_torch(rng, lead, c, h, w, r):
    x = random_array(rng, (*lead, c * r * r, h, w))
    y = convlib.pixel_shuffle(x, r)
    expected = F.pixel_shuffle(torch.from_numpy(x), r).numpy()
    assert y.shape == (*lead, c, h * r, w * r) == expected.shape
    np.testing.assert_array_equal(y, expected)

    z = random_array(rng, (*lead, c, h * r, w * r))
    unshuffled = convlib.pixel_unshuffle(z, r)
    if z.size == 0:
        # PyTorch's CPU kernel returns an empty input's own shape (pytorch/pytorch#192816);
        # its shape function, on the meta device, gives the documented one, as convlib does.
        expected_shape = F.pixel_unshuffle(torch.from_numpy(z).to("meta"), r).shape
        assert unshuffled.shape == (*lead, c * r * r, h, w) == tuple(expected_shape)
        return
    expected = F.pixel_unshuffle(torch.from_numpy(z), r).numpy()
    assert unshuffled.shape == (*lead, c * r * r, h, w) == expected.shape
    np.testing.assert_array_equal(unshuffled, expected)


@pytest.mark.parametrize("lead,c,h,w,r", SHAPES, ids=str)
def test_round_trips(rng, lead, c, h, w, r):
    x = random_array(rng, (*lead, c * r * r, h, w))
    np.testing.assert_array_equal(convlib.pixel_unshuffle(convlib.pixel_shuffle(x, r), r), x)
    z = random_array(rng, (*lead, c, h * r, w * r))
    np.testing.assert_array_equal(convlib.pixel_shuffle(convlib.pixel_unshuffle(z, r), r), z)


def test_channel_block_becomes_pixel_block():
    """Channel c r^2 + i r + j of pixel (h, w) lands at (h r + i, w r + j): the formula."""
    r, c, h, w = 3, 2, 2, 3
    x = np.arange(c * r * r * h * w).reshape(c * r * r, h, w)
    y = convlib.pixel_shuffle(x, r)
    for cc, i, j, hh, ww in np.ndindex(c, r, r, h, w):
        assert y[cc, hh * r + i, ww * r + j] == x[cc * r * r + i * r + j, hh, ww]


@pytest.mark.parametrize("dtype", [np.float32, np.int8, np.bool_, np.complex64, object])
def test_any_dtype_is_kept(dtype):
    x = np.ones((1, 4, 2, 2), dtype=dtype)
    assert convlib.pixel_shuffle(x, 2).dtype == np.dtype(dtype)
    assert convlib.pixel_unshuffle(x, 2).dtype == np.dtype(dtype)


def test_results_are_new_contiguous_arrays(rng):
    x = random_array(rng, (2, 4, 3, 3))
    for y in (convlib.pixel_shuffle(x, 1), convlib.pixel_unshuffle(x, 1),
              convlib.pixel_shuffle(x, 2), convlib.pixel_unshuffle(x[..., :2, :2], 2)):  # fmt: skip
        assert y.flags.c_contiguous and not np.shares_memory(y, x)
    assert convlib.pixel_shuffle(x.tolist(), 2).shape == (2, 1, 6, 6)  # nested lists


S, U = convlib.pixel_shuffle, convlib.pixel_unshuffle
BAD = [
    ("shuffle channels", lambda: S(np.ones((1, 6, 2, 2)), 2), ValueError, "pixel_shuffle", "x", "6 channels"),
    ("shuffle factor 0", lambda: S(np.ones((1, 4, 2, 2)), 0), ValueError, "pixel_shuffle", "upscale_factor", "upscale_factor=0"),
    ("shuffle factor -2", lambda: S(np.ones((1, 4, 2, 2)), -2), ValueError, "pixel_shuffle", "upscale_factor", "-2"),
    ("shuffle factor float", lambda: S(np.ones((1, 4, 2, 2)), 2.0), TypeError, "pixel_shuffle", "upscale_factor", "2.0"),
    ("shuffle factor bool", lambda: S(np.ones((1, 4, 2, 2)), True), TypeError, "pixel_shuffle", "upscale_factor", "True"),
    ("shuffle factor None", lambda: S(np.ones((1, 4, 2, 2)), None), TypeError, "pixel_shuffle", "upscale_factor", "None"),
    ("shuffle 2-D", lambda: S(np.ones((4, 4)), 2), ValueError, "pixel_shuffle", "x", "(4, 4)"),
    ("shuffle ragged", lambda: S([[[1, 2], [3]]], 1), ValueError, "pixel_shuffle", "x", "ragged"),
    ("unshuffle height", lambda: U(np.ones((1, 1, 5, 4)), 2), ValueError, "pixel_unshuffle", "x", "5x4"),
    ("unshuffle width", lambda: U(np.ones((1, 1, 4, 3)), 2), ValueError, "pixel_unshuffle", "x", "4x3"),
    ("unshuffle factor 0", lambda: U(np.ones((1, 1, 4, 4)), 0), ValueError, "pixel_unshuffle", "downscale_factor", "downscale_factor=0"),
    ("unshuffle factor str", lambda: U(np.ones((1, 1, 4, 4)), "2"), TypeError, "pixel_unshuffle", "downscale_factor", "'2'"),
    ("unshuffle 1-D", lambda: U(np.ones(4), 2), ValueError, "pixel_unshuffle", "x", "1 dimensions"),
]  # fmt: skip


@pytest.mark.parametrize(
    "call,error,func,param,given", [b[1:] for b in BAD], ids=[b[0] for b in BAD]
)
def test_bad_input_is_refused_with_a_message_for_people(call, error, func, param, given):
    with pytest.raises(error, match=rf"^{re.escape(func)}: .*\b{re.escape(param)}") as info:
        call()
    assert given in str(info.value)
    assert type(info.value) is error


def test_torch_refuses_what_convlib_refuses():
    """The same inputs are errors in PyTorch too (so convlib refuses no call torch accepts)."""
    for call in (lambda: F.pixel_shuffle(torch.ones(1, 6, 2, 2), 2),
                 lambda: F.pixel_unshuffle(torch.ones(1, 1, 5, 4), 2),
                 lambda: F.pixel_shuffle(torch.ones(4, 4), 2),
                 lambda: F.pixel_shuffle(torch.ones(1, 4, 2, 2), 0)):  # fmt: skip
        with pytest.raises((RuntimeError, ValueError)):
            call()
