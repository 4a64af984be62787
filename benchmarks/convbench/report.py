"""A run's targets, its table, its JSON file, and two runs side by side (``--compare``).

A run is the dictionary written as JSON: ``machine``, ``commit`` and ``methods_sha256``
(absent in runs older than these fields), ``layers``, ``sgemm_gflops`` and, for a whole
suite, ``seed``, ``spin`` and ``sweep``; :func:`summarize` adds ``summary``. The
Benchmarks page of the site (docs/benchmarks.md) reads these files.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .suite import SWEEP_IMAGE, TARGETS

__all__ = ["compare", "geometric_mean", "load_run", "print_table", "summarize", "write_run"]


def geometric_mean(values: Iterable[float]) -> float:
    """The geometric mean, NaN for no values."""
    values = list(values)
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else math.nan


def summarize(run: dict[str, Any]) -> dict[str, Any]:
    """The targets of the issue, each with its figure and whether it is met."""
    layers = run["layers"]
    checks = []
    gm = geometric_mean(layer["ratio"] for layer in layers)
    checks.append(("geometric mean of the ratios", gm, "<= 1.0", gm <= 1.0))
    for layer in layers:
        limit = TARGETS[layer["kind"]]
        checks.append((layer["name"], layer["ratio"], f"<= {limit}", layer["ratio"] <= limit))
    if run.get("seed"):
        speedup = run["seed"]["speedup"]
        checks.append(("speed-up over the 001 seed's loop", speedup, ">= 1000", speedup >= 1000))
    for row in run.get("sweep", []):
        med = row["median"]
        ratio = med["convlib"] / min(med["scipy.signal"], med["scipy.ndimage"])
        checks.append(
            (f"image {row['kernel']}x{row['kernel']} vs best of SciPy", ratio, "< 1", ratio < 1)
        )
    worst_error = max(layer["error"] for layer in layers)
    checks.append(
        ("largest float32 error / max |output|", worst_error, "<= 1e-4", worst_error <= 1e-4)
    )
    # Each floor as a ratio to torch: the best ratio that method could reach on the layer.
    floor_ratios = {
        layer["name"]: {
            floor: seconds / layer["median"]["torch"]
            for floor, seconds in layer.get("floors", {}).items()
        }
        for layer in layers
    }
    return {
        "geometric_mean": gm,
        "checks": [{"target": t, "value": v, "bound": b, "met": bool(m)} for t, v, b, m in checks],
        "floor_ratios": floor_ratios,
    }


def print_table(run: dict[str, Any]) -> None:
    """The run as text: a line per layer, then the seed, the spin, the sweep and the targets."""
    sgemm = run["sgemm_gflops"]
    print(
        f"\nNumPy float32 matmul (2048^3): {sgemm:.0f} GFLOP/s "
        f"({run['machine'].get('blas_architecture', '?')} kernels), {run['machine']['threads']} "
        f"threads, load average {run['machine'].get('load_average')}"
    )
    header = (
        f"{'layer':36s} {'auto':>10s} {'convlib':>9s} {'torch':>9s} {'ratio':>6s} "
        f"{'TF':>6s} {'GFLOP/s':>8s} {'%mm':>4s} {'error':>8s}"
    )
    print(header)
    print("-" * len(header))
    for layer in run["layers"]:
        med = layer["median"]
        tf_ratio = med["tensorflow"] / med["torch"] if "tensorflow" in med else math.nan
        print(
            f"{layer['name'][:36]:36s} {layer['method']:>10s} {med['convlib'] * 1e3:8.2f}m "
            f"{med['torch'] * 1e3:8.2f}m {layer['ratio']:6.2f} {tf_ratio:6.2f} "
            f"{layer['gflops']:8.1f} {100 * layer['gflops'] / sgemm:4.0f} {layer['error']:8.1e}"
        )
        others = {k.removeprefix("method "): v for k, v in med.items() if k.startswith("method ")}
        if others:
            text = ", ".join(f"{m} {v / med['torch']:.2f}" for m, v in others.items())
            print(f"{'':36s}   other methods (ratio): {text}")
        if layer.get("finite_check_share") is not None:
            share = 100 * layer["finite_check_share"]
            print(f"{'':36s}   NaN/inf check before {layer['method']}: {share:.1f}% of the call")
        layer_floors = run["summary"]["floor_ratios"].get(layer["name"], {})
        if layer_floors and layer["kind"] != "dense":
            text = ", ".join(f"{f} {r:.2f}" for f, r in layer_floors.items())
            print(f"{'':36s}   floors (ratio): {text}")
    if run.get("seed"):
        seed = run["seed"]
        print(
            f"\n{seed['name']}: seed loop {seed['seed_loop']:.2f} s, convlib "
            f"{seed['convlib'] * 1e3:.2f} ms -> {seed['speedup']:.0f}x faster "
            f"(torch: {seed['torch'] * 1e3:.2f} ms, {seed['seed_loop'] / seed['torch']:.0f}x)"
        )
        needed = 2 * seed["multiply_adds"] * 1000 / seed["seed_loop"] / 1e9
        print(
            f"1000x faster would take {needed:.0f} GFLOP/s ({needed / sgemm:.1f}x NumPy's matmul)"
        )
    if run.get("spin"):
        spin = run["spin"]
        print(
            f"torch on {spin['name']}: {spin['settled'] * 1e3:.2f} ms settled, "
            f"{spin['after_matmul'] * 1e3:.2f} ms right after a NumPy matmul "
            f"({spin['slowdown']:.2f}x)"
        )
    if run.get("sweep"):
        print(f"\nsingle-channel {SWEEP_IMAGE}x{SWEEP_IMAGE} image, times in ms:")
        peers = list(run["sweep"][0]["median"])
        print(f"{'k':>3s} {'auto':>10s} " + " ".join(f"{p:>15s}" for p in peers))
        for row in run["sweep"]:
            print(
                f"{row['kernel']:3d} {row['method']:>10s} "
                + " ".join(f"{row['median'][p] * 1e3:15.2f}" for p in peers)
            )
    print("\ntargets:")
    for check in run["summary"]["checks"]:
        mark = "met" if check["met"] else "NOT MET"
        print(f"  {check['target'][:48]:48s} {check['value']:10.3g} {check['bound']:>8s}  {mark}")


def compare(path_a: str | Path, path_b: str | Path) -> None:
    """Two runs side by side: each layer's ratio in both, and how it changed."""
    a, b = load_run(path_a), load_run(path_b)
    for label, path, run in (("A", path_a, a), ("B", path_b, b)):
        commit = (run.get("commit") or "unknown")[:12]
        sources = (run.get("methods_sha256") or "unknown")[:12]
        print(f"{label}: {path} ({run['machine']['time']}, commit {commit}, methods {sources})")
    by_name = {layer["name"]: layer for layer in b["layers"]}
    print(f"{'layer':36s} {'A ratio':>8s} {'B ratio':>8s} {'B / A':>6s}  methods")
    changes = []
    for layer in a["layers"]:
        other = by_name.get(layer["name"])
        if other is None:
            continue
        changes.append(other["ratio"] / layer["ratio"])
        print(
            f"{layer['name'][:36]:36s} {layer['ratio']:8.2f} {other['ratio']:8.2f} "
            f"{changes[-1]:6.2f}  {layer['method']} -> {other['method']}"
        )
    print(
        f"{'geometric mean':36s} {a['summary']['geometric_mean']:8.2f} "
        f"{b['summary']['geometric_mean']:8.2f} {geometric_mean(changes):6.2f}  "
        f"(of all {len(a['layers'])} and {len(b['layers'])} layers; B / A of the "
        f"{len(changes)} in both)"
    )


def load_run(path: str | Path) -> dict[str, Any]:
    """A run written by :func:`write_run` (or by the benchmark before it was a package)."""
    return json.loads(Path(path).read_text())


def write_run(run: dict[str, Any], path: Path) -> None:
    """The run as indented JSON at ``path``, its folder made if needed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(run, indent=1))
