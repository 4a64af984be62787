"""The cost model behind method="auto" (convlib.methods.choose): its choices and its counts."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from helpers import assert_close, random_array, torch_conv

import convlib
from convlib.methods import REGISTRY, choose_conv_method

CLEAR_WINNERS = [
    # A large kernel on a single-channel image: O(L log L) against O(L k^2).
    ((1, 1, 512, 512), (1, 1, 31, 31), dict(padding=15), "fft"),
    ((1, 128, 56, 56), (128, 1, 31, 31), dict(padding=15, groups=128), "fft"),
    # ResNet's 3x3 layers: Winograd's 4x fewer multiplications in BLAS.
    ((8, 64, 56, 56), (64, 64, 3, 3), dict(padding=1), "winograd4"),
    ((8, 256, 14, 14), (256, 256, 3, 3), dict(padding=1), "winograd4"),
    # A 1x1 kernel is one matrix product: no window to gather.
    ((8, 64, 56, 56), (256, 64, 1, 1), dict(), "shifted"),
    # One channel per group: no matrix product worth calling.
    ((8, 128, 56, 56), (128, 1, 3, 3), dict(padding=1, groups=128), "depthwise"),
    # Three input channels: one tap's product (K = 3) wastes BLAS; im2col's K = 147 does not.
    ((8, 3, 224, 224), (64, 3, 7, 7), dict(padding=3, stride=2), "gemm"),
]


@pytest.mark.parametrize("x_shape", [(1, 1, 9, 9), (1, 2, 6, 6), (2, 1, 12, 12)])
def test_auto_skips_transform_methods_on_tiny_inputs(x_shape):
    """On a few dozen outputs, call overhead rules: Winograd's and the FFT's setup is twice
    a direct method's time (measured 120 us against 52 us on 9x9), and they round."""
    chosen, _ = choose_conv_method(x_shape, (1, x_shape[1], 3, 3), dtype="float64")
    assert chosen in ("gemm", "shifted", "depthwise")


@pytest.mark.parametrize("x_shape,w_shape,settings,winner", CLEAR_WINNERS)
def test_auto_picks_the_clear_winner(x_shape, w_shape, settings, winner):
    method, counts = choose_conv_method(x_shape, w_shape, **settings)
    assert method == winner
    assert set(counts) == set(REGISTRY)
    runner_up = min(c.cost for name, c in counts.items() if name != winner and REGISTRY[name].auto)
    assert counts[winner].cost < runner_up
    assert counts["loop"].cost > 10 * counts[winner].cost


@pytest.mark.parametrize("x_shape,w_shape,settings,winner", CLEAR_WINNERS)
def test_integers_never_go_to_rounding_methods(x_shape, w_shape, settings, winner):
    for dtype in ("int64", "int32", "uint8"):
        method, counts = choose_conv_method(x_shape, w_shape, dtype=dtype, **settings)
        assert method in ("gemm", "shifted", "depthwise")
        assert counts["fft"].reason is not None


def test_auto_runs_the_chosen_method(monkeypatch, rng):
    calls = []
    original = REGISTRY["fft"]

    def spy(*args, **kwargs):
        calls.append("fft")
        return original.run(*args, **kwargs)

    monkeypatch.setitem(REGISTRY, "fft", dataclasses.replace(original, run=spy))
    x = random_array(rng, (1, 1, 64, 64), np.float32)
    w = random_array(rng, (1, 1, 21, 21), np.float32)
    assert choose_conv_method(x.shape, w.shape, padding=10)[0] == "fft"
    y = convlib.conv2d(x, w, padding=10)
    assert calls == ["fft"]
    expected = torch_conv(x, w, pads=((10, 10), (10, 10)))
    assert_close(y, expected, np.float32)


def test_counts_are_the_operation_counts():
    _, counts = choose_conv_method((2, 8, 10, 10), (4, 8, 3, 3), padding=1)
    direct = 2 * 4 * 10 * 10 * 8 * 9
    assert counts["gemm"].blas_multiply_adds == direct
    # F(2x2, 3x3): 16 products per 2x2 outputs instead of 36; F(4x4, 3x3): 36 per 16 (+ overhang).
    # Plus the transforms, each a product with a Kronecker matrix: t*t per value of V (input
    # tiles), of Y (output tiles) and t*t * 9 per filter for U.
    for name, m, tiles, products in (
        ("winograd", 2, 2 * 5 * 5, direct * 16 / 36),
        ("winograd4", 4, 2 * 3 * 3, 2 * 9 * 36 * 4 * 8),
    ):
        t = m + 2
        transforms = tiles * t * t * (t * t * 8) + tiles * m * m * (t * t * 4) + t * t * 9 * 4 * 8
        assert counts[name].blas_multiply_adds == products + transforms
    assert counts["depthwise"].reason is not None and counts["depthwise"].cost == np.inf


def test_choose_conv_method_checks_its_arguments():
    with pytest.raises(ValueError, match=r"choose_conv_method: w_shape=.*groups=2"):
        choose_conv_method((1, 3, 8, 8), (4, 3, 3, 3), groups=2)
    with pytest.raises(ValueError, match="choose_conv_method: x_shape must be"):
        choose_conv_method((8, 8), (3, 3))
    with pytest.raises(ValueError, match="choose_conv_method: stride must be positive"):
        choose_conv_method((1, 1, 8, 8), (1, 1, 3, 3), stride=0)
