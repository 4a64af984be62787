"""What ran where: the machine, the library versions, the commit and convlib's method sources."""

from __future__ import annotations

import hashlib
import os
import platform
import subprocess
import time
from pathlib import Path
from typing import Any

import numpy as np

import convlib
import convlib.methods

__all__ = ["git_commit", "machine_info", "methods_sha256"]

#: Environment variables that change how fast the peers run, recorded with each run.
RECORDED_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "CONVLIB_NUM_THREADS",
    "OMP_WAIT_POLICY",
    "OPENBLAS_CORETYPE",
)


def machine_info(threads: int) -> dict[str, Any]:
    """The machine, the versions of every peer and the thread settings, for a run's JSON."""
    import scipy
    import torch

    info: dict[str, Any] = {
        "platform": platform.platform(),
        "processor": platform.processor(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "threads": threads,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "torch": torch.__version__,
        "convlib": convlib.__version__,
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "environment": {name: os.environ.get(name) for name in RECORDED_VARIABLES},
    }
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        info["load_average"] = os.getloadavg()
    except OSError:
        pass
    try:
        import tensorflow as tf

        info["tensorflow"] = tf.__version__
    except ImportError:
        pass
    try:  # the kernels OpenBLAS runs (OPENBLAS_CORETYPE can force older ones)
        from threadpoolctl import threadpool_info

        for pool in threadpool_info():
            if pool.get("internal_api") == "openblas":
                info["blas_architecture"] = pool.get("architecture")
    except ImportError:
        pass
    config = np.show_config(mode="dicts") if hasattr(np, "show_config") else None
    if isinstance(config, dict):
        blas = config.get("Build Dependencies", {}).get("blas", {})
        info["blas"] = f"{blas.get('name', '?')} {blas.get('version', '')}".strip()
    return info


def git_commit(folder: Path = Path(__file__).parent) -> str | None:
    """``git rev-parse HEAD`` in ``folder``; None outside a repository or without git."""
    try:
        result = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=folder, capture_output=True, text=True, check=False
        )
    except OSError:  # no git
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def methods_sha256(folder: Path = Path(convlib.methods.__file__).parent) -> str:
    """sha256 of the sources of the convlib that ran, under ``convlib/methods/``.

    For every ``*.py`` file, sorted by its path relative to ``folder`` (with ``/``),
    the digest takes the path, a zero byte, the file's bytes and a zero byte. Two
    runs with the same value ran the same algorithms, whatever the commit says
    (the working tree may differ from it).
    """
    digest = hashlib.sha256()
    files = {path.relative_to(folder).as_posix(): path for path in folder.rglob("*.py")}
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name].read_bytes() + b"\0")
    return digest.hexdigest()
