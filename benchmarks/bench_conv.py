"""Benchmark convlib's convolution methods against PyTorch, TensorFlow and SciPy.

Run ``nox -s bench`` or ``python benchmarks/bench_conv.py`` (``--help`` for the options;
``--compare a.json b.json`` prints two runs side by side). The benchmark is the package
``benchmarks/convbench/`` (the command line and the method of timing are described in
``convbench/cli.py``); this file is its entry point. It sets the thread count of every
peer in the environment first, because BLAS reads it when NumPy is imported.
"""

from __future__ import annotations

import sys


def run(argv: list[str]) -> int:
    """Set the threads from ``--threads``, then run the benchmark's command line."""
    from convbench.threads import set_thread_variables, threads_from_argv

    set_thread_variables(threads_from_argv(argv))  # before anything imports NumPy
    from convbench.cli import main

    return main(argv)


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
