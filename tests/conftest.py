"""Fixtures and Hypothesis settings for the test suite.

The references are the frameworks themselves: PyTorch (``torch.nn.functional``)
for every function, TensorFlow (``tf.nn``, Keras) where it has the operation,
SciPy for ``correlate2d`` / ``convolve2d``; the shared helpers live in
tests/helpers.py. Both frameworks are required test dependencies. TensorFlow is
slow to import, so it is imported once per test session (per xdist worker)
through the ``tf`` fixture.
"""

from __future__ import annotations

import os
import zlib

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, settings

torch.set_num_threads(1)

# pyproject's --doctest-modules imports every .py file under tests/ as a module; the two
# conftest.py files (here and in tests/browser/) would then clash under the one name
# "conftest". They hold no doctests, so they are left out of that collection.
collect_ignore = ["conftest.py", "browser/conftest.py"]

settings.register_profile(
    "convlib",
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)
# A longer search for local bug hunting: CONVLIB_HYPOTHESIS=hunt pytest tests/...
settings.register_profile(
    "hunt", parent=settings.get_profile("convlib"), max_examples=1000, derandomize=False
)
settings.load_profile(os.environ.get("CONVLIB_HYPOTHESIS", "convlib"))


@pytest.fixture(scope="session")
def tf():
    """TensorFlow, imported once per session (per xdist worker)."""
    import tensorflow

    return tensorflow


@pytest.fixture
def rng(request):
    """A NumPy generator seeded from the test's name, so each test has its own fixed data."""
    seed = zlib.crc32(request.node.nodeid.encode())
    return np.random.default_rng(seed)
