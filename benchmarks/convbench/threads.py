"""The thread count every peer gets, set in the environment before NumPy is imported.

BLAS and OpenMP read their variables when they are loaded, so ``--threads`` is read
from the command line by hand, before argparse and before anything imports NumPy.
This module imports only the standard library.
"""

from __future__ import annotations

import os

__all__ = ["DEFAULT_THREADS", "THREAD_VARIABLES", "set_thread_variables", "threads_from_argv"]

DEFAULT_THREADS = 2

#: The variables that set the threads of BLAS, OpenMP (PyTorch's intra-op pool) and convlib.
THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "CONVLIB_NUM_THREADS",
)


def threads_from_argv(argv: list[str]) -> int:
    """``--threads N`` or ``--threads=N`` in ``argv``; the default when absent or not a number.

    A value that is not a number is left for argparse to report.
    """
    value = None
    for i, arg in enumerate(argv):
        if arg == "--threads" and i + 1 < len(argv):
            value = argv[i + 1]
        elif arg.startswith("--threads="):
            value = arg.split("=", 1)[1]
    try:
        return int(value) if value is not None else DEFAULT_THREADS
    except ValueError:
        return DEFAULT_THREADS


def set_thread_variables(threads: int) -> None:
    """Give BLAS, OpenMP and convlib ``threads`` threads, and quiet TensorFlow's logging."""
    for name in THREAD_VARIABLES:
        os.environ[name] = str(threads)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
