"""Timing several libraries fairly, in one process, on the same cores.

Two effects make a naive timing loop unfair to whichever library runs second.

- **Spinning threads.** After a call, a library's idle threads keep spinning
  for a while (OpenBLAS's, by default, for about 2**28 cycles) on the cores the
  next library's threads need, which slows down a library timed right after
  another one. So every library is
  timed in a *warm block*: calls for :data:`WARM_UP_SECONDS` that are not
  timed, then the timed calls (:func:`time_warm`). Several libraries take
  turns, one block each, in an order that rotates from round to round, so that
  a slow moment of a shared machine falls on all of them
  (:func:`time_in_turns`). Nobody's way of waiting is changed.
- **A fresh allocator.** In a fresh process glibc serves every large array
  with new pages from the kernel, each of which faults on its first write,
  until a large block has been freed. :func:`settle_allocator` frees one
  before anything is timed.

Only the standard library and NumPy are used, so that a downloaded page or a
benchmark can time with nothing more than convlib installed.
"""

from __future__ import annotations

import math
import numbers
import statistics
from collections.abc import Callable, Mapping
from time import perf_counter
from typing import Any, NamedTuple

import numpy as np

from ._checks import check_int

__all__ = [
    "ALLOCATOR_BYTES",
    "BLOCK_CALLS",
    "WARM_UP_SECONDS",
    "Timing",
    "settle_allocator",
    "time_in_turns",
    "time_warm",
]

#: Seconds of untimed calls that start every block: longer than the threads another
#: library leaves spinning keep spinning.
WARM_UP_SECONDS = 0.2
#: Timed calls per block of :func:`time_in_turns`.
BLOCK_CALLS = 3
#: Bytes that :func:`settle_allocator` allocates and frees: just under glibc's largest
#: threshold for serving an allocation from the heap (32 MiB).
ALLOCATOR_BYTES = 30 * 2**20


class Timing(NamedTuple):
    """Seconds per call of one callable."""

    #: The median of ``samples``.
    median: float
    #: Seconds of each timed call, in the order they ran.
    samples: tuple[float, ...]


def settle_allocator(nbytes: int = ALLOCATOR_BYTES) -> None:
    """Put the C allocator in the state a long-running program reaches.

    glibc serves a large allocation with fresh pages from the operating system
    (``mmap``), and every first write to such a page faults, until a freed
    large block raises its threshold (up to 32 MiB); from then on, arrays up to
    that size reuse the heap. A program that has run for a while is in that
    state, a fresh process is not, and its first calls on large arrays pay
    for the page faults. Call this once, before timing anything.

    Parameters
    ----------
    nbytes : int, optional
        Size of the block allocated, written and freed.

    Examples
    --------
    >>> from convlib.timing import settle_allocator
    >>> settle_allocator()
    """
    nbytes = check_int(nbytes, "settle_allocator", "nbytes", minimum=1)
    block = np.ones(nbytes, dtype=np.uint8)  # written: the pages are really taken
    del block


def time_warm(
    function: Callable[[], Any], repeats: int, *, warm_up: float = WARM_UP_SECONDS
) -> Timing:
    """Time ``repeats`` calls of ``function`` after ``warm_up`` seconds of untimed calls.

    Parameters
    ----------
    function : callable
        Called with no arguments.
    repeats : int
        Number of timed calls.
    warm_up : float, optional
        Seconds of untimed calls first (one call at least, even if it takes
        longer); 0 times the first call right away.

    Returns
    -------
    Timing
        ``samples``: the seconds of each of the ``repeats`` timed calls;
        ``median``: their median.

    Examples
    --------
    >>> import statistics
    >>> from convlib.timing import time_warm
    >>> timing = time_warm(lambda: sum(range(1000)), 5, warm_up=0.01)
    >>> len(timing.samples)
    5
    >>> timing.median == statistics.median(timing.samples)
    True
    """
    func = "time_warm"
    _check_callable(function, func, "function")
    repeats = check_int(repeats, func, "repeats", minimum=1)
    warm_up = _check_seconds(warm_up, func, "warm_up")
    return _time_warm(function, repeats, warm_up)


def time_in_turns(
    functions: Mapping[str, Callable[[], Any]],
    repeats: int,
    *,
    block: int = BLOCK_CALLS,
    warm_up: float = WARM_UP_SECONDS,
    budget: float = math.inf,
) -> dict[str, Timing]:
    """Time several callables in warm blocks, taking turns, ``repeats`` calls each.

    Each round gives every callable a block of :func:`time_warm`: untimed
    calls for ``warm_up`` seconds, then up to ``block`` timed calls. The first
    callable of a round moves one place from round to round, so that none
    always runs right after the same other one.

    Parameters
    ----------
    functions : mapping of str to callable
        The peers, by name, each called with no arguments.
    repeats : int
        Timed calls of each.
    block : int, optional
        Timed calls per block.
    warm_up : float, optional
        Seconds of untimed calls that start every block.
    budget : float, optional
        Seconds of timed calls after which a callable gets no more blocks: a
        slow peer keeps the samples it has (one block at least) and does not
        take the whole run.

    Returns
    -------
    dict of str to Timing
        For every name of ``functions``, in the same order, its samples (at
        most ``repeats``) and their median.

    Examples
    --------
    >>> from convlib.timing import time_in_turns
    >>> timings = time_in_turns(
    ...     {"sum": lambda: sum(range(1000)), "max": lambda: max(range(1000))},
    ...     repeats=4, block=2, warm_up=0.01,
    ... )
    >>> list(timings), [len(t.samples) for t in timings.values()]
    (['sum', 'max'], [4, 4])
    """
    func = "time_in_turns"
    if not isinstance(functions, Mapping):
        raise TypeError(
            f"{func}: functions must be a mapping of names to callables, "
            f"got {type(functions).__name__}"
        )
    if not functions:
        raise ValueError(f"{func}: functions must name at least one callable, got none")
    for name, function in functions.items():
        _check_callable(function, func, f"functions[{name!r}]")
    repeats = check_int(repeats, func, "repeats", minimum=1)
    block = check_int(block, func, "block", minimum=1)
    warm_up = _check_seconds(warm_up, func, "warm_up")
    budget = _check_seconds(budget, func, "budget", positive=True)

    names = list(functions)
    samples: dict[str, list[float]] = {name: [] for name in names}
    for round_ in range(math.ceil(repeats / block)):
        first = round_ % len(names)
        for name in names[first:] + names[:first]:
            if sum(samples[name]) > budget:
                continue
            calls = min(block, repeats - len(samples[name]))
            samples[name] += _time_warm(functions[name], calls, warm_up).samples
    return {name: Timing(statistics.median(s), tuple(s)) for name, s in samples.items()}


def _time_warm(function: Callable[[], Any], repeats: int, warm_up: float) -> Timing:
    if warm_up > 0:
        start = perf_counter()
        function()  # untimed: another library's threads may still spin
        while perf_counter() - start < warm_up:
            function()
    samples = []
    for _ in range(repeats):
        start = perf_counter()
        function()
        samples.append(perf_counter() - start)
    return Timing(statistics.median(samples), tuple(samples))


def _check_callable(value: Any, func: str, name: str) -> None:
    if not callable(value):
        raise TypeError(f"{func}: {name} must be callable with no arguments, got {value!r}")


def _check_seconds(value: Any, func: str, name: str, *, positive: bool = False) -> float:
    """A number of seconds: a real number, >= 0 (> 0 if ``positive``), inf allowed."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{func}: {name} must be a number of seconds, got {value!r}")
    seconds = float(value)
    if math.isnan(seconds) or seconds < 0 or (positive and seconds == 0):
        relation = "> 0" if positive else ">= 0"
        raise ValueError(f"{func}: {name} must be {relation} seconds, got {name}={value!r}")
    return seconds
