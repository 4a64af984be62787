"""conv_cost against PyTorch's parameter counts and the output shapes it produces."""

from __future__ import annotations

import itertools
import math

import pytest
import torch
from torch import nn

import convlib

MODULES = {1: nn.Conv1d, 2: nn.Conv2d, 3: nn.Conv3d}


@pytest.mark.parametrize("nd", [1, 2, 3])
def test_params_and_macs_match_torch(nd):
    sizes = {1: (17,), 2: (11, 9), 3: (7, 6, 5)}[nd]
    for c_in, c_out, groups, kernel, stride, padding, dilation, bias in itertools.product(
        (4, 6), (6, 12), (1, 2), (1, 3), (1, 2), (0, 1), (1, 2), (True, False)
    ):
        module = MODULES[nd](c_in, c_out, kernel, stride, padding, dilation, groups, bias)
        with torch.no_grad():
            out = module(torch.zeros((2, c_in) + sizes)).shape[2:]
        cost = convlib.conv_cost(
            sizes, c_in, c_out, kernel, stride=stride, padding=padding, dilation=dilation,
            groups=groups, bias=bias, batch_size=2,
        )  # fmt: skip
        assert cost.params == sum(p.numel() for p in module.parameters())
        assert cost.output_size == tuple(out)
        # One multiply-add per output value per weight of its group's filter.
        assert cost.macs == 2 * math.prod(out) * c_out * (c_in // groups) * kernel**nd


def test_square_input_shorthand_and_strings():
    assert convlib.conv_cost(32, 3, 8, 3) == convlib.conv_cost((32, 32), 3, 8, 3)
    same = convlib.conv_cost((15, 16), 3, 8, (3, 2), stride=2, padding="same")
    assert same.output_size == (8, 8)
    assert convlib.conv_cost(8, 1, 1, 3, padding="full").output_size == (10, 10)


def test_depthwise_separable_saving():
    """MobileNet's point: the separable pair costs about 1/C_out + 1/k^2 of the dense layer."""
    dense = convlib.conv_cost(56, 128, 128, 3, padding=1, bias=False)
    dw = convlib.conv_cost(56, 128, 128, 3, padding=1, groups=128, bias=False)
    pw = convlib.conv_cost(56, 128, 128, 1, bias=False)
    ratio = (dw.macs + pw.macs) / dense.macs
    assert ratio == pytest.approx(1 / 128 + 1 / 9)
