"""Scratch arrays reused from one call to the next.

The fast methods need a few large temporary arrays per call (transformed tiles,
phase images, spectra). Allocating them fresh each time is not free: memory
that the C library returned to the operating system comes back as new pages,
and the first write to each page is a page fault (in a virtual machine, the
faults of a few megabytes can cost more than the arithmetic). Frameworks keep
such "scratchpad" memory between calls; so does convlib, per thread and per
named slot, up to :data:`WORKSPACE_BYTES` in total. Arrays returned to the
caller are never scratch.
"""

from __future__ import annotations

import threading

import numpy as np

__all__ = ["WORKSPACE_BYTES", "release_workspace", "scratch"]

#: Scratch memory kept per thread between calls, in bytes. A request that does
#: not fit is served by a plain allocation (and not kept).
WORKSPACE_BYTES = 256 * 2**20

_local = threading.local()


def scratch(slot: str, shape: tuple[int, ...], dtype: np.dtype | type) -> np.ndarray:
    """An uninitialised array of ``shape`` for ``slot``, reusing that slot's memory.

    The array is valid until the next request for the same slot on this
    thread; two arrays used at the same time need two slot names.
    """
    dtype = np.dtype(dtype)
    nbytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    buffers: dict[str, np.ndarray] = getattr(_local, "buffers", None) or {}
    _local.buffers = buffers
    buffer = buffers.get(slot)
    if buffer is None or buffer.nbytes < nbytes:
        kept = sum(b.nbytes for name, b in buffers.items() if name != slot)
        if kept + nbytes > WORKSPACE_BYTES:
            return np.empty(shape, dtype=dtype)
        buffer = np.empty(nbytes, dtype=np.uint8)
        buffers[slot] = buffer
    return buffer[:nbytes].view(dtype).reshape(shape)


def release_workspace() -> None:
    """Free the scratch memory this thread keeps."""
    _local.buffers = {}
