"""Input checking shared by every public function.

Each helper takes the name of the calling public function (``func``) and of the
parameter it checks (``name``), so that every message says who complained,
about what, what was expected and what was given, e.g.
``conv2d: groups=3 must divide the input channels c_in=4``.
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = [
    "ConvMemoryError",
    "as_array",
    "as_numeric_array",
    "check_axis",
    "check_bias",
    "check_bool",
    "check_choice",
    "check_fits",
    "check_groups",
    "check_int",
    "int_tuple",
    "memory_limit",
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
    batch_axis: int | None = None,
) -> np.ndarray:
    """Convert an array-like to a non-empty real (or complex) NumPy array.

    Raises TypeError for non-numeric data (strings, objects, booleans) and
    ValueError for ragged nested lists, a wrong number of dimensions or an
    empty array. With ``batch_axis``, that axis alone may have length 0 (an
    empty batch, which gives an empty result, as in PyTorch).
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
        others = [size for axis, size in enumerate(array.shape) if axis != batch_axis]
        if batch_axis is None or array.ndim == 0 or 0 in others:
            why = ""
            if batch_axis is not None:
                why = " (only the batch axis may be empty: there is nothing to convolve)"
            raise ValueError(f"{func}: {name} must not be empty{why}, got shape {array.shape}")
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


def check_axis(
    in_size: Any, kernel_size: Any, stride: Any, dilation: Any, func: str
) -> tuple[int, int, int, int]:
    """The four positive integers that describe a convolution along one axis."""
    return (
        check_int(in_size, func, "in_size", minimum=1),
        check_int(kernel_size, func, "kernel_size", minimum=1),
        check_int(stride, func, "stride", minimum=1),
        check_int(dilation, func, "dilation", minimum=1),
    )


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


def check_bool(value: Any, func: str, name: str) -> bool:
    """Check that ``value`` is True or False (a Python or NumPy bool)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{func}: {name} must be True or False, got {value!r}")
    return bool(value)


def check_groups(
    groups: int,
    c_in: int,
    c_out: int | None,
    func: str,
    *,
    out_axis: str = "",
    names: tuple[str, str] = ("the input channels c_in", "the output channels c_out"),
) -> None:
    """Check that ``groups`` divides the input channels (and the output channels, if given).

    ``names`` say what the two counts are called in the caller's parameters.
    """
    if c_in % groups:
        raise ValueError(f"{func}: groups={groups} must divide {names[0]}={c_in}")
    if c_out is not None and c_out % groups:
        where = f" ({out_axis})" if out_axis else ""
        raise ValueError(f"{func}: groups={groups} must divide {names[1]}={c_out}{where}")


def check_bias(bias: Any, c_out: int, func: str) -> np.ndarray | None:
    """None, or a numeric array of shape ``(c_out,)``: one value per output channel."""
    if bias is None:
        return None
    bias = as_numeric_array(bias, func, "bias", ndim=1, shape_hint="(C_out,)")
    if bias.shape[0] != c_out:
        raise ValueError(
            f"{func}: bias must have one value per output channel (c_out={c_out}), "
            f"got shape {bias.shape}"
        )
    return bias


class ConvMemoryError(MemoryError, ValueError):
    """A request whose arrays cannot fit in memory, refused before anything is allocated.

    Every function computes, before it allocates, the bytes of its output and of
    any padded or spread copy of its input, and refuses a call whose total is
    above the limit: the ``CONVLIB_MAX_BYTES`` environment variable (bytes) if
    set, else the machine's physical memory. The message names the function,
    the parameter that made the arrays large and their size in GiB. It is both
    a MemoryError and a ValueError, so that either ``except`` catches it.

    Examples
    --------
    >>> import numpy as np, convlib
    >>> try:
    ...     convlib.conv2d(np.ones((1, 1, 4, 4)), np.ones((1, 1, 3, 3)), padding=10**6)
    ... except convlib.ConvMemoryError as error:
    ...     print(str(error)[:37])
    conv2d: padding=1000000 needs 59604.
    """


def memory_limit() -> int:
    """Bytes one call may allocate: ``CONVLIB_MAX_BYTES`` if set, else the machine's memory.

    A request larger than the machine's physical memory can never succeed; on a
    system that overcommits memory, trying can get the process killed instead of
    raising, so convlib refuses it up front.
    """
    value = os.environ.get("CONVLIB_MAX_BYTES")
    if value:
        return int(float(value))
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):  # not a POSIX system: no limit known
        return 2**62


def _gib(nbytes: float) -> str:
    return f"{nbytes / 2**30:.1f} GiB"


def check_fits(func: str, arrays: Sequence[tuple[str, Sequence[int], Any]], cause: str) -> None:
    """Refuse, before allocating, arrays whose total size exceeds :func:`memory_limit`.

    ``arrays`` lists ``(what, shape, dtype)`` of the arrays a call will allocate;
    ``cause`` names the parameter(s) that made them large, for the message.
    """
    sizes = [
        (what, math.prod(shape) * np.dtype(dtype).itemsize, shape) for what, shape, dtype in arrays
    ]
    total = sum(nbytes for _, nbytes, _ in sizes)
    limit = memory_limit()
    if total <= limit:
        return
    what, nbytes, shape = max(sizes, key=lambda item: item[1])
    source = "CONVLIB_MAX_BYTES" if os.environ.get("CONVLIB_MAX_BYTES") else "this machine's memory"
    raise ConvMemoryError(
        f"{func}: {cause} needs {_gib(total)}, more than the limit of {_gib(limit)} "
        f"({source}; CONVLIB_MAX_BYTES sets it): the largest array, {what} of shape "
        f"{tuple(shape)}, is {_gib(nbytes)}"
    )


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
