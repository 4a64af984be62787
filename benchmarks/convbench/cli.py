"""Benchmark convlib's convolution methods against PyTorch, TensorFlow and SciPy.

Every peer gets the same number of threads (``--threads``, 2 by default): PyTorch
through ``torch.set_num_threads``, TensorFlow through ``tf.config.threading``, BLAS
and OpenMP through environment variables set before NumPy is imported (and
threadpoolctl when it is installed), convlib through ``CONVLIB_NUM_THREADS``.

For each layer of the suite, the peers are timed in one process with
:func:`convlib.timing.time_in_turns`: in rounds, each giving every peer (in an order
that rotates) a block of calls in a row whose first 0.2 s of calls are not timed. The
rounds spread a slow moment of a shared machine over every peer; the untimed calls
keep each library's spinning idle threads out of the next one's timings (the run
records the effect as ``spin``). Before anything is timed, one large block of memory
is allocated and freed (:func:`convlib.timing.settle_allocator`). The median of each
peer is reported; the ratio of a layer is ``convlib time / torch time``. The table is
printed and the run written to ``benchmarks/results/<name>.json`` (or ``--output``)
with the machine's description, the commit and a digest of convlib's method sources;
``--compare a.json b.json`` prints two runs side by side.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from .threads import DEFAULT_THREADS

RESULTS = Path(__file__).resolve().parents[1] / "results"


def parser() -> argparse.ArgumentParser:
    """The command line of ``benchmarks/bench_conv.py``."""
    parser = argparse.ArgumentParser(
        prog="bench_conv.py",
        description=__doc__.split("\n\n")[0],
        epilog="Quick check: --only 1x1 --repeats 3 --output /tmp/quick.json "
        "(two layers, no seed loop, spin or sweep).",
    )
    parser.add_argument(
        "--threads", type=int, default=DEFAULT_THREADS, help="threads for every peer"
    )
    parser.add_argument("--repeats", type=int, default=12, help="timed calls per peer and layer")
    parser.add_argument("--name", default=None, help="results/<name>.json (default: a timestamp)")
    parser.add_argument(
        "--output", type=Path, default=None, help="write the run to this file instead"
    )
    parser.add_argument(
        "--only",
        default=None,
        help="only layers whose name contains this (then no seed loop, spin or sweep)",
    )
    parser.add_argument("--no-tf", action="store_true", help="do not time TensorFlow")
    parser.add_argument("--no-sweep", action="store_true", help="skip the SciPy kernel sweep")
    parser.add_argument("--no-seed", action="store_true", help="skip the seed loop")
    parser.add_argument(
        "--every-method", action="store_true", help="also time each applicable convlib method"
    )
    parser.add_argument("--compare", nargs=2, metavar=("A.json", "B.json"))
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark (or ``--compare`` two runs); 0 on success."""
    args = parser().parse_args(argv)
    # Imported here: ``--help`` and ``--compare`` need neither NumPy nor the frameworks.
    from . import report

    if args.compare:
        report.compare(*args.compare)
        return 0
    run = benchmark(args)
    report.print_table(run)
    path = args.output or RESULTS / f"{args.name or time.strftime('%Y%m%d-%H%M%S')}.json"
    report.write_run(run, path)
    print(f"\nwritten: {path}")
    return 0


def benchmark(args: argparse.Namespace) -> dict[str, Any]:
    """Time what ``args`` select; the run, with its summary."""
    from convlib.timing import settle_allocator, time_warm

    from . import machine, measure, report
    from .floors import matmul_floor
    from .peers import Peers
    from .suite import SUITE

    suite = [layer for layer in SUITE if args.only is None or args.only in layer.name]
    if not suite:
        sys.exit(f"bench_conv.py: no layer's name contains --only={args.only!r}")
    settle_allocator()
    peers = Peers(args.threads, use_tf=not args.no_tf)
    run: dict[str, Any] = {
        "machine": machine.machine_info(args.threads),
        "commit": machine.git_commit(),
        "methods_sha256": machine.methods_sha256(),
        "layers": [],
    }
    matmul = measure.matmul()
    matmul_times: list[float] = []
    for layer in suite:
        print(f"{layer.name} ...", file=sys.stderr, flush=True)
        run["layers"].append(measure.bench_layer(layer, peers, args.repeats, args.every_method))
        matmul_times += time_warm(matmul, 3).samples  # between layers, as the load changes
    run["sgemm_gflops"] = 2 * measure.MATMUL_SIZE**3 / statistics.median(matmul_times) / 1e9
    for layer in run["layers"]:  # a dense layer's direct operations at NumPy's matmul speed
        if layer["groups"] == 1:
            layer["floors"]["matmul"] = matmul_floor(layer["multiply_adds"], run["sgemm_gflops"])
    whole_suite = args.only is None
    if whole_suite and not args.no_seed:
        print("seed loop ...", file=sys.stderr, flush=True)
        run["seed"] = measure.bench_seed(peers)
    if whole_suite:
        run["spin"] = measure.bench_spin(peers)
    if whole_suite and not args.no_sweep:
        print("kernel sweep ...", file=sys.stderr, flush=True)
        run["sweep"] = measure.bench_sweep(peers, args.repeats)
    run["summary"] = report.summarize(run)
    return run
