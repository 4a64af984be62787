"""Threads for the element-wise passes that BLAS does not parallelise.

NumPy's element-wise operations run on one core but release the GIL on large
arrays, so independent blocks (channel blocks) can run on a small pool of
threads; the depthwise method uses it. The pool size is ``CONVLIB_NUM_THREADS``
if set, else the number of CPUs this process may use. BLAS keeps its own
setting (``OPENBLAS_NUM_THREADS``, threadpoolctl).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

__all__ = ["num_threads", "run_blocks"]

_POOL: ThreadPoolExecutor | None = None
_POOL_SIZE = 0


def num_threads() -> int:
    """Threads convlib may use: ``CONVLIB_NUM_THREADS`` or the CPUs available."""
    value = os.environ.get("CONVLIB_NUM_THREADS")
    if value:
        return max(1, int(value))
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def run_blocks(function: Callable[[Any], None], blocks: Iterable[Any]) -> None:
    """Call ``function(block)`` for every block, on up to :func:`num_threads` threads.

    The blocks must write to disjoint parts of the output; exceptions propagate.
    """
    global _POOL, _POOL_SIZE
    blocks = list(blocks)
    threads = num_threads()
    if threads <= 1 or len(blocks) <= 1:
        for block in blocks:
            function(block)
        return
    if _POOL is None or _POOL_SIZE != threads:
        if _POOL is not None:
            _POOL.shutdown(wait=False)
        _POOL = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="convlib")
        _POOL_SIZE = threads
    for future in [_POOL.submit(function, block) for block in blocks]:
        future.result()
