"""Reference implementations and comparison helpers shared by the test modules.

A plain module (imported as ``from helpers import ...``) rather than conftest.py, so that
the name cannot collide with other conftest.py files under tests/ (tests/browser has one).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
import torch.nn.functional as F

import convlib.methods

#: Every algorithm registered in convlib.methods, read when the tests are collected, so
#: a method added to the registry is compared against the loop without editing the tests.
METHODS = tuple(convlib.methods.REGISTRY)
#: Those that compute the formula's sums one by one: exact for integers, NaN where it is.
EXACT_METHODS = tuple(name for name, m in convlib.methods.REGISTRY.items() if m.exact)


def supporting(x_shape, w_shape, dtype, methods=METHODS, **settings) -> list[str]:
    """The registered methods that can compute this convolution, asked of the registry.

    ``x_shape`` and ``w_shape`` are channels first (NC..., OI...); ``settings`` are
    conv2d's stride, padding, dilation and groups.
    """
    compute = np.result_type(dtype)
    if compute.kind in "iu":
        compute = np.dtype(np.int64)
    elif compute == np.float16:
        compute = np.dtype(np.float32)
    _, counts = convlib.choose_conv_method(x_shape, w_shape, dtype=compute, **settings)
    return [name for name in methods if counts[name].reason is None]


#: The letters of channels-first data and kernel layouts, by number of spatial axes.
FIRST = {1: "NCL", 2: "NCHW", 3: "NCDHW"}
KERNEL_FIRST = {1: "OIL", 2: "OIHW", 3: "OIDHW"}


def tolerance(reference: np.ndarray, dtype) -> float:
    """Absolute tolerance for comparing a result of ``dtype`` with ``reference``.

    float64: 1e-12 relative to the largest magnitude; float32 (and float16 computed
    in float32): 1e-4 relative; integers: exact.
    """
    dtype = np.dtype(dtype)
    scale = max(float(np.max(np.abs(reference))) if np.size(reference) else 0.0, 1.0)
    if dtype.kind in "iu":
        return 0.0
    if dtype == np.float64 or dtype == np.complex128:
        return 1e-12 * scale
    return 1e-4 * scale


def assert_close(actual, reference, dtype=None) -> None:
    """Assert shape, dtype (if given) and values, with :func:`tolerance`."""
    actual = np.asarray(actual)
    reference = np.asarray(reference)
    assert actual.shape == reference.shape, (actual.shape, reference.shape)
    if dtype is not None:
        assert actual.dtype == np.dtype(dtype), (actual.dtype, dtype)
    kind_dtype = dtype if dtype is not None else actual.dtype
    atol = tolerance(reference, kind_dtype)
    if atol == 0.0:
        np.testing.assert_array_equal(actual, reference)
    else:
        np.testing.assert_allclose(actual, reference, rtol=0, atol=atol)


def random_array(rng: np.random.Generator, shape: Sequence[int], dtype=np.float64) -> np.ndarray:
    """Standard-normal floats, or small integers in [-4, 4] for integer dtypes."""
    dtype = np.dtype(dtype)
    if dtype.kind in "iu":
        return rng.integers(-4, 5, size=shape).astype(dtype)
    return rng.standard_normal(shape).astype(dtype)


def torch_pad_widths(pads: Sequence[tuple[int, int]]) -> list[int]:
    """``F.pad``'s argument: (before, after) pairs, last axis first."""
    widths: list[int] = []
    for before, after in reversed(list(pads)):
        widths += [before, after]
    return widths


def same_pads(sizes, kernel, stride, dilation) -> tuple[tuple[int, int], ...]:
    """TensorFlow's "SAME" rule, written out here independently of convlib."""
    pads = []
    for i, k, s, d in zip(sizes, kernel, stride, dilation):
        out = -(-i // s)
        total = max((out - 1) * s + d * (k - 1) + 1 - i, 0)
        pads.append((total // 2, total - total // 2))
    return tuple(pads)


def explicit_pads(padding, sizes, kernel, stride, dilation) -> tuple[tuple[int, int], ...]:
    """Any padding form the tests use, as (before, after) pairs (independent of convlib)."""
    nd = len(sizes)
    if padding == "valid":
        return ((0, 0),) * nd
    if padding == "same":
        return same_pads(sizes, kernel, stride, dilation)
    if padding == "full":
        return tuple((d * (k - 1), d * (k - 1)) for k, d in zip(kernel, dilation))
    if isinstance(padding, int):
        return ((padding, padding),) * nd
    return tuple((p, p) if isinstance(p, int) else tuple(p) for p in padding)


def torch_conv(x, weight, bias=None, *, stride=1, pads, dilation=1, groups=1) -> np.ndarray:
    """PyTorch's convolution of channels-first NumPy arrays, explicit (before, after) pads.

    Integer arrays are computed in float64 (exact for the small values the tests use).
    """
    nd = x.ndim - 2
    dtype = x.dtype if x.dtype.kind == "f" else np.float64
    xt = torch.from_numpy(np.ascontiguousarray(x, dtype=dtype))
    wt = torch.from_numpy(np.ascontiguousarray(weight, dtype=dtype))
    bt = None if bias is None else torch.from_numpy(np.ascontiguousarray(bias, dtype=dtype))
    xt = F.pad(xt, torch_pad_widths(pads))
    conv = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[nd]
    with torch.no_grad():
        y = conv(xt, wt, bt, stride=stride, dilation=dilation, groups=groups)
    return y.numpy()
