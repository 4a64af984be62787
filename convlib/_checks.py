"""Input checking shared by every public function.

Each helper takes the name of the calling public function (``func``) and of the
parameter it checks (``name``), so that every message says who complained,
about what, what was expected and what was given, e.g.
``conv2d: groups=3 must divide the input channels c_in=4``.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = [
    "as_array",
    "as_numeric_array",
    "check_choice",
    "check_int",
    "int_tuple",
    "result_dtype",
]


def _describe(value: Any) -> str:
    """A short, readable rendering of a bad value for an error message."""
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} (type {type(value).__name__})"


def as_array(value: Any, func: str, name: str) -> np.ndarray:
    """``np.asarray``, with a message for people when nested lists are ragged."""
    try:
        return np.asarray(value)
    except ValueError as error:  # ragged nested sequences
        raise ValueError(
            f"{func}: {name} must be a rectangular array, got a ragged sequence ({error})"
        ) from None


def as_numeric_array(
    value: Any,
    func: str,
    name: str,
    *,
    ndim: int | tuple[int, ...] | None = None,
    shape_hint: str = "",
    allow_complex: bool = False,
) -> np.ndarray:
    """Convert an array-like to a non-empty real (or complex) NumPy array.

    Raises TypeError for non-numeric data (strings, objects, booleans) and
    ValueError for ragged nested lists, a wrong number of dimensions or an
    empty array.
    """
    array = as_array(value, func, name)
    kinds = "iuf" + ("c" if allow_complex else "")
    if array.dtype.kind not in kinds:
        expected = "real or complex numbers" if allow_complex else "real numbers"
        raise TypeError(
            f"{func}: {name} must hold {expected} (integer or floating dtype), "
            f"got dtype {array.dtype}"
        )
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else ndim
        if array.ndim not in allowed:
            wanted = " or ".join(str(n) for n in allowed)
            hint = f" {shape_hint}" if shape_hint else ""
            raise ValueError(
                f"{func}: {name} must have {wanted} dimensions{hint}, "
                f"got {array.ndim} dimensions with shape {array.shape}"
            )
    if array.size == 0:
        raise ValueError(f"{func}: {name} must not be empty, got shape {array.shape}")
    return array


def result_dtype(
    func: str, *arrays: np.ndarray, bias: np.ndarray | None = None
) -> tuple[np.dtype, np.dtype]:
    """The dtype to compute in and the dtype to return.

    Floating inputs keep their precision (float32 stays float32, float64 stays
    float64); float16 is accumulated in float32 and returned as float16.
    Integer inputs (signed or unsigned, any width) are computed and returned as
    int64, so results are exact (as long as they fit in 64 bits).

    A ``bias`` does not raise the precision of floating inputs (a float64 or
    integer bias added to float32 data gives float32, as a layer's bias is
    cast to its weights' dtype), but a floating bias makes an integer result
    floating rather than being truncated.
    """
    if all(array.dtype.kind in "iu" for array in arrays):
        out = np.dtype(np.int64)
        if bias is not None and bias.dtype.kind == "f":
            out = np.result_type(out, bias)
    else:
        out = np.result_type(*arrays)
    if out.kind in "iu":
        return np.dtype(np.int64), np.dtype(np.int64)
    if out == np.float16:
        return np.dtype(np.float32), np.dtype(np.float16)
    return out, out


def check_int(value: Any, func: str, name: str, *, minimum: int | None = None) -> int:
    """Check that ``value`` is a Python or NumPy integer (not a bool) >= minimum."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{func}: {name} must be an integer, got {_describe(value)}")
    value = int(value)
    if minimum is not None and value < minimum:
        relation = "positive" if minimum == 1 else f">= {minimum}"
        raise ValueError(f"{func}: {name} must be {relation}, got {name}={value}")
    return value


def int_tuple(
    value: Any, n: int, func: str, name: str, *, minimum: int | None = None
) -> tuple[int, ...]:
    """Expand an int or a length-``n`` sequence of ints into an ``n``-tuple."""
    if isinstance(value, (Sequence, np.ndarray)) and not isinstance(value, str):
        items = list(value)
        if len(items) != n:
            raise ValueError(
                f"{func}: {name} must be an integer or a sequence of {n} integers, "
                f"got {len(items)} values {tuple(items)!r}"
            )
        return tuple(check_int(v, func, name, minimum=minimum) for v in items)
    return (check_int(value, func, name, minimum=minimum),) * n


def check_choice(value: Any, choices: Sequence[str], func: str, name: str) -> str:
    """Check that ``value`` is one of a closed set of option strings."""
    if not isinstance(value, str):
        raise TypeError(
            f"{func}: {name} must be one of {', '.join(map(repr, choices))}, got {_describe(value)}"
        )
    if value not in choices:
        raise ValueError(
            f"{func}: {name} must be one of {', '.join(map(repr, choices))}, got {value!r}"
        )
    return value
