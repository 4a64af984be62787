"""Padding, normalised once; and zeros spread between elements.

The public functions accept padding in the forms frameworks use (an int, one
int per axis, explicit ``(before, after)`` pairs, or, where a function allows
them, the strings ``"valid"``, ``"same"`` and ``"full"``, and ``"causal"`` on one
axis) and turn it, here and only here, into one explicit ``(before, after)`` pair
per spatial axis.

Zeros *between* elements are the other half of the same bookkeeping:
:func:`dilate` spreads an array out, as a dilated kernel spreads its taps and
a transposed convolution its input.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ._checks import check_axis, check_int, int_tuple

__all__ = ["dilate", "normalize_padding", "pad_spatial", "same_padding"]

PADDING_STRINGS = ("valid", "same", "full", "causal")


def same_padding(
    in_size: int, kernel_size: int, stride: int = 1, dilation: int = 1
) -> tuple[int, int]:
    """Padding ``(before, after)`` of TensorFlow's ``padding="SAME"`` on one axis.

    TensorFlow chooses the total padding so that the output has
    ``ceil(in_size / stride)`` elements, and puts the odd element, if any,
    after (at the bottom or on the right).

    Parameters
    ----------
    in_size : int
        Length of the input along the axis.
    kernel_size : int
        Length of the kernel (before dilation).
    stride : int, optional
        Step between windows.
    dilation : int, optional
        Spacing between kernel taps; 1 means no gaps.

    Returns
    -------
    (before, after) : tuple of int
        With ``out = ceil(in_size / stride)`` and the dilated kernel
        ``k_eff = dilation * (kernel_size - 1) + 1``, the total is
        ``max((out - 1) * stride + k_eff - in_size, 0)``, ``before = total // 2``
        and ``after = total - before``.

    Examples
    --------
    >>> same_padding(10, 3)
    (1, 1)
    >>> same_padding(10, 3, stride=2)   # odd total: the extra row goes after
    (0, 1)
    >>> same_padding(7, 4)
    (1, 2)
    """
    func = "same_padding"
    in_size, kernel_size, stride, dilation = check_axis(
        in_size, kernel_size, stride, dilation, func
    )
    out_size = -(-in_size // stride)  # ceil(in_size / stride)
    k_eff = dilation * (kernel_size - 1) + 1
    total = max((out_size - 1) * stride + k_eff - in_size, 0)
    return total // 2, total - total // 2


def _pair(value: Any, func: str, name: str) -> tuple[int, int]:
    """One axis' padding: an int (both sides) or a ``(before, after)`` pair."""
    if isinstance(value, (Sequence, np.ndarray)) and not isinstance(value, str):
        items = list(value)
        if len(items) != 2:
            raise ValueError(
                f"{func}: {name} for one axis must be an int or a (before, after) pair, "
                f"got {tuple(items)!r}"
            )
        before, after = (check_int(v, func, name, minimum=0) for v in items)
        return before, after
    amount = check_int(value, func, name, minimum=0)
    return amount, amount


def normalize_padding(
    padding: Any,
    in_sizes: Sequence[int],
    kernel_sizes: Sequence[int],
    strides: Sequence[int],
    dilations: Sequence[int],
    *,
    func: str = "normalize_padding",
    allow_strings: Sequence[str] = PADDING_STRINGS,
) -> tuple[tuple[int, int], ...]:
    """Turn any accepted padding into one ``(before, after)`` pair per axis.

    Parameters
    ----------
    padding : int, sequence or str
        One of

        * an int ``p``: ``p`` on both sides of every axis;
        * one entry per axis, each an int or a ``(before, after)`` pair, e.g.
          ``(1, 2)`` (1 on top and bottom, 2 left and right) or
          ``((0, 1), (0, 1))``;
        * ``"valid"``: no padding;
        * ``"same"``: TensorFlow's rule (see :func:`same_padding`);
        * ``"full"``: ``dilation * (kernel_size - 1)`` on both sides, so that
          every window that overlaps the input by at least one tap is computed;
        * ``"causal"`` (one spatial axis only): ``dilation * (kernel_size - 1)``
          before and none after, as Keras' ``Conv1D(padding="causal")``, so that
          output ``t`` reads no input after ``t * stride``.
    in_sizes, kernel_sizes, strides, dilations : sequence of int
        One entry per spatial axis.
    func : str, optional
        Name of the public function, for error messages.
    allow_strings : sequence of str, optional
        The padding strings the caller accepts. ``"causal"`` is refused with a
        message of its own where it is not allowed or where there is more than
        one spatial axis.

    Returns
    -------
    tuple of (int, int)
        ``((before_0, after_0), (before_1, after_1), ...)``.

    Examples
    --------
    >>> normalize_padding(1, (5, 5), (3, 3), (1, 1), (1, 1))
    ((1, 1), (1, 1))
    >>> normalize_padding((1, (0, 2)), (5, 5), (3, 3), (1, 1), (1, 1))
    ((1, 1), (0, 2))
    >>> normalize_padding("same", (10, 10), (3, 3), (2, 2), (1, 1))
    ((0, 1), (0, 1))
    >>> normalize_padding("full", (5,), (3,), (1,), (2,))
    ((4, 4),)
    >>> normalize_padding("causal", (5,), (3,), (1,), (2,))
    ((4, 0),)
    """
    n = len(in_sizes)
    if isinstance(padding, str):
        if padding == "causal" and ("causal" not in allow_strings or n != 1):
            raise ValueError(_causal_refusal(func, n))
        if padding not in allow_strings:
            strings = [s for s in allow_strings if s != "causal" or n == 1]
            if strings:
                expected = f"an int, a sequence or one of {', '.join(map(repr, strings))}"
            else:
                expected = "an int or a sequence of ints or (before, after) pairs (no strings)"
            raise ValueError(f"{func}: padding must be {expected}, got {padding!r}")
        if padding == "valid":
            return ((0, 0),) * n
        if padding == "same":
            return tuple(
                same_padding(i, k, s, d)
                for i, k, s, d in zip(in_sizes, kernel_sizes, strides, dilations)
            )
        if padding == "causal":
            return ((dilations[0] * (kernel_sizes[0] - 1), 0),)
        return tuple((d * (k - 1), d * (k - 1)) for k, d in zip(kernel_sizes, dilations))
    if isinstance(padding, (Sequence, np.ndarray)):
        items = list(padding)
        if len(items) != n:
            raise ValueError(
                f"{func}: padding must have one entry per spatial axis ({n}), "
                f"got {len(items)} entries {tuple(items)!r}"
            )
        return tuple(_pair(item, func, "padding") for item in items)
    amount = int_tuple(padding, 1, func, "padding", minimum=0)[0]
    return ((amount, amount),) * n


def _causal_refusal(func: str, n: int) -> str:
    """The message for ``padding="causal"`` where it has no meaning."""
    if n != 1:
        why = f"padding='causal' is 1-D only and {func} has {n} spatial axes"
    else:
        why = "padding='causal' is for 1-D convolution only (Keras' Conv1D)"
    return f"{func}: {why}: use conv1d for a causal convolution, or give explicit padding"


def pad_spatial(x: np.ndarray, pads: Sequence[tuple[int, int]], value: float = 0) -> np.ndarray:
    """Pad the trailing ``len(pads)`` axes of a channels-first array with a constant."""
    if all(before == 0 and after == 0 for before, after in pads):
        return x
    widths = [(0, 0)] * (x.ndim - len(pads)) + [tuple(p) for p in pads]
    return np.pad(x, widths, mode="constant", constant_values=value)


def dilate(x: np.ndarray, factors: Sequence[int]) -> np.ndarray:
    """Insert ``factor - 1`` zeros between neighbouring elements of the trailing axes.

    One factor per trailing axis; an axis of length ``L`` becomes ``(L - 1) * f + 1``
    long, with ``x``'s values at every ``f``-th position. A dilated kernel is its
    taps dilated; a strided transposed convolution correlates its dilated input.
    Returns ``x`` itself when every factor is 1.

    Examples
    --------
    >>> dilate(np.array([1, 2, 3]), (2,))
    array([1, 0, 2, 0, 3])
    >>> dilate(np.ones((2, 2), dtype=int), (1, 3))
    array([[1, 0, 0, 1],
           [1, 0, 0, 1]])
    """
    if all(f == 1 for f in factors):
        return x
    lead = x.ndim - len(factors)
    shape = x.shape[:lead] + tuple((s - 1) * f + 1 for s, f in zip(x.shape[lead:], factors))
    spread = np.zeros(shape, dtype=x.dtype)
    spread[(slice(None),) * lead + tuple(slice(None, None, f) for f in factors)] = x
    return spread
