"""correlate2d and convolve2d against scipy.signal, every mode and boundary."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.signal
from helpers import assert_close
from hypothesis import given
from hypothesis import strategies as st

import convlib

MODES = ["full", "valid", "same"]
BOUNDARIES = ["fill", "wrap", "symm"]
PAIRS = {"correlate2d": scipy.signal.correlate2d, "convolve2d": scipy.signal.convolve2d}


def data(rng, shape, kind):
    if kind == "int":
        return rng.integers(-9, 10, size=shape)
    if kind == "complex":
        return rng.standard_normal(shape) + 1j * rng.standard_normal(shape)
    return rng.standard_normal(shape).astype(kind)


@pytest.mark.parametrize("kind", ["float64", "float32", "int", "complex"])
@pytest.mark.parametrize("boundary", BOUNDARIES)
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", list(PAIRS))
def test_matches_scipy(rng, name, mode, boundary, kind):
    ours = getattr(convlib, name)
    # Odd, even and non-square kernels, and a kernel as large as the image.
    for image_shape, kernel_shape in [((6, 7), (3, 3)), ((6, 7), (2, 4)), ((5, 5), (5, 5)),
                                      ((8, 6), (1, 3)), ((4, 9), (4, 2))]:  # fmt: skip
        image = data(rng, image_shape, kind)
        kernel = data(rng, kernel_shape, kind)
        fillvalue = 2 if boundary == "fill" else 0
        expected = PAIRS[name](image, kernel, mode=mode, boundary=boundary, fillvalue=fillvalue)
        y = ours(image, kernel, mode=mode, boundary=boundary, fillvalue=fillvalue)
        dtype = {"int": np.int64, "complex": np.complex128}.get(kind, kind)
        assert_close(y, expected, dtype)


@pytest.mark.parametrize("kind", ["float64", "complex"])
@pytest.mark.parametrize("name", list(PAIRS))
def test_valid_mode_swaps_a_larger_second_input(rng, name, kind):
    image = data(rng, (3, 2), kind)
    kernel = data(rng, (5, 4), kind)  # larger than in1 in every dimension
    expected = PAIRS[name](image, kernel, mode="valid")
    assert_close(
        getattr(convlib, name)(image, kernel, mode="valid"), expected, np.dtype(expected.dtype)
    )


@given(
    st.integers(1, 7), st.integers(1, 7), st.integers(1, 7), st.integers(1, 7),
    st.sampled_from(MODES), st.sampled_from(BOUNDARIES), st.sampled_from(list(PAIRS)),
    st.integers(0, 2**32 - 1),
)  # fmt: skip
def test_hypothesis(m, n, k, l, mode, boundary, name, seed):  # noqa: E741
    rng = np.random.default_rng(seed)
    image, kernel = rng.standard_normal((m, n)), rng.standard_normal((k, l))
    try:
        expected = PAIRS[name](image, kernel, mode=mode, boundary=boundary)
    except ValueError:
        # SciPy refuses "valid" when neither input is at least as large as the other.
        with pytest.raises(ValueError, match=f"{name}: in 'valid' mode"):
            getattr(convlib, name)(image, kernel, mode=mode, boundary=boundary)
        return
    assert_close(getattr(convlib, name)(image, kernel, mode=mode, boundary=boundary), expected,
                 np.float64)  # fmt: skip


def test_convolution_flips_correlation_does_not(rng):
    image = rng.standard_normal((6, 5))
    kernel = rng.standard_normal((3, 2))
    for mode in MODES:
        assert_close(
            convlib.convolve2d(image, kernel, mode=mode),
            convlib.correlate2d(image, kernel[::-1, ::-1], mode=mode)
            if mode != "same"
            else scipy.signal.convolve2d(image, kernel, mode="same"),
        )
    # Convolution commutes, correlation does not.
    assert_close(convlib.convolve2d(image, kernel), convlib.convolve2d(kernel, image))
    assert not np.allclose(convlib.correlate2d(image, kernel), convlib.correlate2d(kernel, image))


def test_integers_are_exact_where_scipy_overflows():
    image = np.full((3, 3), 200, dtype=np.uint8)
    kernel = np.ones((2, 2), dtype=np.uint8)
    y = convlib.correlate2d(image, kernel, mode="valid")
    assert y.dtype == np.int64
    np.testing.assert_array_equal(y, np.full((2, 2), 800))


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, np.complex64])
def test_float_dtypes_are_kept_with_a_python_fillvalue(dtype):
    image = np.ones((3, 3), dtype=dtype)
    for name in PAIRS:
        y = getattr(convlib, name)(image, image[:2, :2], fillvalue=1)
        assert y.dtype == dtype
        assert y[0, 0] == 4


def test_integer_fillvalue_outside_the_input_type():
    image = np.ones((2, 2), dtype=np.uint8)
    y = convlib.correlate2d(image, image, fillvalue=-300)
    assert y.dtype == np.int64
    assert int(y[0, 0]) == 1 - 3 * 300
    assert convlib.correlate2d(image, image, fillvalue=0.5).dtype == np.float64
