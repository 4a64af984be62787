"""Output sizes and "same" padding against the shapes PyTorch and TensorFlow produce."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import convlib

GRID = list(itertools.product(range(1, 13), range(1, 6), range(1, 4), range(1, 4)))  # i, k, s, d


def torch_length(i, k, s, d, pads):
    x = torch.zeros(1, 1, i)
    return F.conv1d(F.pad(x, list(pads)), torch.zeros(1, 1, k), stride=s, dilation=d).shape[-1]


def test_conv_output_size_matches_torch_shapes():
    checked = 0
    for i, k, s, d in GRID:
        for pads in ((0, 0), (1, 1), (2, 2), (0, 2), (3, 1)):
            if d * (k - 1) + 1 > i + sum(pads):
                with pytest.raises(ValueError, match="conv_output_size: the dilated kernel"):
                    convlib.conv_output_size(i, k, s, pads, d)
                continue
            expected = torch_length(i, k, s, d, pads)
            assert convlib.conv_output_size(i, k, s, pads, d) == expected, (i, k, s, d, pads)
            if pads[0] == pads[1]:
                assert convlib.conv_output_size(i, k, s, pads[0], d) == expected
            checked += 1
    assert checked > 1000


def test_full_padding_size():
    for i, k, s, d in GRID:
        full = torch_length(i, k, s, d, (d * (k - 1), d * (k - 1)))
        assert convlib.conv_output_size(i, k, s, "full", d) == full
        if s == 1:
            assert full == i + d * (k - 1)


def test_ceil_mode_matches_torch_max_pool():
    for i, k, s, d in GRID:
        for p in range(k // 2 + 1):
            if d * (k - 1) + 1 > i + 2 * p:
                continue
            for ceil_mode in (False, True):
                y = F.max_pool1d(torch.zeros(1, 1, i), k, s, p, d, ceil_mode=ceil_mode)
                got = convlib.conv_output_size(i, k, s, p, d, ceil_mode=ceil_mode)
                assert got == y.shape[-1], (i, k, s, p, d, ceil_mode)


def test_same_and_valid_match_tensorflow_shapes(tf):
    for i, k, s, d in GRID:
        x = np.zeros((1, i, 1), np.float32)
        w = np.zeros((k, 1, 1), np.float32)
        same = tf.nn.conv1d(x, w, stride=s, padding="SAME", dilations=d).shape[1]
        assert convlib.conv_output_size(i, k, s, "same", d) == same == -(-i // s)
        if d * (k - 1) + 1 <= i:
            valid = tf.nn.conv1d(x, w, stride=s, padding="VALID", dilations=d).shape[1]
            assert convlib.conv_output_size(i, k, s, "valid", d) == valid


def test_same_padding_is_where_tensorflow_puts_it(tf):
    """Read TF's padding off its output, with kernels that keep a single tap ``t``.

    With input 1..i, output ``j`` is ``x_pad[j * s + t * d]``: the input value
    ``j * s + t * d - before + 1``, or 0 in the padding. The first non-zero output, for the
    first tap that reaches the input at all, gives ``before``.
    """
    for i, k, s, d in GRID:
        x = np.arange(1, i + 1, dtype=np.float64).reshape(1, i, 1)
        for t in range(k):
            w = np.zeros((k, 1, 1))
            w[t] = 1
            y = tf.nn.conv1d(x, w, stride=s, padding="SAME", dilations=d).numpy().ravel()
            if np.any(y):
                break
        else:
            # Dilation skips over the whole (short) input: then no tap may land inside it.
            before = convlib.same_padding(i, k, s, d)[0]
            reached = {j * s + t * d - before for j in range(len(y)) for t in range(k)}
            assert not reached & set(range(i)), (i, k, s, d)
            continue
        j = int(np.flatnonzero(y)[0])
        before = j * s + t * d - (int(y[j]) - 1)
        total = max((len(y) - 1) * s + d * (k - 1) + 1 - i, 0)
        assert convlib.same_padding(i, k, s, d) == (before, total - before), (i, k, s, d)


def test_conv_transpose_output_size_matches_torch():
    for i, k, s, d in GRID:
        for p in range(3):
            for output_padding in range(max(s, d)):
                expected = (i - 1) * s - 2 * p + d * (k - 1) + output_padding + 1
                if expected < 1:
                    with pytest.raises(ValueError, match="conv_transpose_output_size: padding"):
                        convlib.conv_transpose_output_size(i, k, s, p, output_padding, d)
                    continue
                y = F.conv_transpose1d(
                    torch.zeros(1, 1, i), torch.zeros(1, 1, k), stride=s, padding=p,
                    output_padding=output_padding, dilation=d,
                )  # fmt: skip
                got = convlib.conv_transpose_output_size(i, k, s, p, output_padding, d)
                assert got == y.shape[-1] == expected


def test_transpose_inverts_the_output_size():
    """A stride-s convolution maps s input lengths to one output; output_padding picks one."""
    for i, k, s, d in GRID:
        if d * (k - 1) + 1 > i:
            continue
        o = convlib.conv_output_size(i, k, s, 0, d)
        span = i - (d * (k - 1) + 1)
        back = convlib.conv_transpose_output_size(o, k, s, 0, span % s, d)
        assert back == i


def test_integer_types_accepted():
    assert convlib.conv_output_size(np.int64(10), np.int32(3), stride=np.int16(2)) == 4
    assert convlib.same_padding(np.int64(10), 3, np.uint8(2)) == (0, 1)
