"""convert_layout: every permutation, checked against einsum, and round trips."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import convlib

LAYOUTS = ["NCL", "NCHW", "OIHW", "NCDHW"]


@pytest.mark.parametrize("src", LAYOUTS)
def test_every_permutation_round_trips(rng, src):
    shape = tuple(range(2, 2 + len(src)))  # distinct sizes, so a wrong axis shows
    x = rng.standard_normal(shape)
    for letters in itertools.permutations(src):
        dst = "".join(letters)
        y = convlib.convert_layout(x, src, dst)
        # einsum names axes by letters too: an independent statement of the permutation.
        np.testing.assert_array_equal(y, np.einsum(f"{src}->{dst}", x))
        assert y.shape == tuple(shape[src.index(letter)] for letter in dst)
        np.testing.assert_array_equal(convlib.convert_layout(y, dst, src), x)


def test_framework_layout_pairs():
    x = np.arange(2 * 3 * 4 * 5).reshape(2, 3, 4, 5)
    assert convlib.convert_layout(x, "NCHW", "NHWC")[1, 2, 3, 0] == x[1, 0, 2, 3]
    w = np.arange(8 * 3 * 5 * 5).reshape(8, 3, 5, 5)
    assert convlib.convert_layout(w, "OIHW", "HWIO")[4, 1, 2, 7] == w[7, 2, 4, 1]
    assert convlib.convert_layout(np.zeros((2, 3, 7)), "NCL", "NLC").shape == (2, 7, 3)
    assert convlib.convert_layout(np.zeros((1, 2, 3, 4, 5)), "NCDHW", "NDHWC").shape == (
        1,
        3,
        4,
        5,
        2,
    )


def test_nested_lists():
    assert convlib.convert_layout([[1, 2, 3]], "AB", "BA").tolist() == [[1], [2], [3]]
