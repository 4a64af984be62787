"""Sessions for contributors: ``nox -s tests``, ``nox -s lint``, ``nox -s docs``.

nox creates each session's virtual environment with virtualenv and pip, which
is what installs the pinned CPU build of torch (see pyproject.toml).
"""

from __future__ import annotations

import os

import nox

nox.options.sessions = ["tests", "lint"]
nox.options.reuse_existing_virtualenvs = True
nox.options.default_venv_backend = "virtualenv"

PYTHON = "3.11"
QUIET_FRAMEWORKS = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Run the test suite and the doctests in convlib's docstrings."""
    session.install("-e", ".[test]")
    workers = os.environ.get("CONVLIB_TEST_WORKERS", "2")
    session.run("pytest", "-n", workers, *session.posargs, env=QUIET_FRAMEWORKS)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """ruff (lint and format) and mypy on convlib."""
    session.install("-e", ".[lint]")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")
