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


DOCS_BUILD = "docs/_build"
# Folders the docs build writes into docs/: watching them would rebuild forever.
DOCS_GENERATED = [
    "docs/_build",
    "docs/auto_examples",
    "docs/api/generated",
    "docs/jupyter_execute",
    "docs/sg_execution_times.rst",
]


@nox.session(python=PYTHON)
def docs(session: nox.Session) -> None:
    """Build the site strictly into docs/_build/html (executes every page and example).

    Executed pages are cached in docs/_build/.jupyter_cache, so a rebuild re-runs only what
    changed. ``CONVLIB_DOCS_NO_EXEC=1 nox -s docs`` builds without executing anything (quick
    text edits); ``CONVLIB_GALLERY_PATTERN=plot_0[1-3] nox -s docs`` executes only the
    gallery scripts whose path matches. Extra arguments go to sphinx-build, e.g.
    ``nox -s docs -- -E`` to re-read every page, or ``nox -s docs -- -j auto`` to execute
    pages in parallel (faster, but a failing cell is then reported by page only, without
    the cell and its traceback, so the default stays serial).
    """
    session.install("-e", ".[docs]")
    session.run(
        "sphinx-build",
        "-W",
        "--keep-going",
        "-n",
        "-b",
        "html",
        "docs",
        f"{DOCS_BUILD}/html",
        "-d",
        f"{DOCS_BUILD}/doctrees",
        *session.posargs,
        env=QUIET_FRAMEWORKS,
    )


@nox.session(name="docs-live", python=PYTHON)
def docs_live(session: nox.Session) -> None:
    """Serve the site on 127.0.0.1:8000, rebuilding when docs/, gallery/ or convlib/ change.

    Takes the same environment variables as ``docs`` (``CONVLIB_DOCS_NO_EXEC=1`` is the
    quickest way to edit text); extra arguments go to sphinx-autobuild.
    """
    session.install("-e", ".[docs]")
    ignores = [arg for path in DOCS_GENERATED for arg in ("--ignore", path)]
    session.run(
        "sphinx-autobuild",
        "--host",
        "127.0.0.1",
        "--watch",
        "convlib",
        "--watch",
        "gallery",
        *ignores,
        "--re-ignore",
        r"\.ipynb_checkpoints|__pycache__",
        "-n",
        "--keep-going",
        "docs",
        f"{DOCS_BUILD}/html",
        "-d",
        f"{DOCS_BUILD}/doctrees",
        *session.posargs,
        env=QUIET_FRAMEWORKS,
    )


@nox.session(python=PYTHON)
def browser(session: nox.Session) -> None:
    """The built site in headless Chromium, its downloads run outside the repository.

    Needs Chromium (Debian: ``apt-get install chromium``; another executable through
    ``CONVLIB_CHROMIUM``). Tests the site in ``CONVLIB_SITE_DIR`` (default
    docs/_build/html), building it first when it has no index.html. convlib is installed
    as a package, not editable, so the downloaded examples import it the way a reader
    does. Screenshots go to docs/_build/screenshots (``CONVLIB_SCREENSHOT_DIR``). Extra
    arguments go to pytest, e.g. ``nox -s browser -- -k explorer``.
    """
    session.install(".[browser,test,docs]")
    site = os.environ.get("CONVLIB_SITE_DIR", f"{DOCS_BUILD}/html")
    if not os.path.isfile(os.path.join(site, "index.html")):
        session.log(f"no built site in {site}: building it")
        session.run(
            "sphinx-build", "-W", "--keep-going", "-n", "-b", "html", "docs", site,
            "-d", f"{DOCS_BUILD}/doctrees", env=QUIET_FRAMEWORKS,
        )  # fmt: skip
    workers = os.environ.get("CONVLIB_TEST_WORKERS", "2")
    env = {
        **QUIET_FRAMEWORKS,
        "CONVLIB_BROWSER_TESTS": "1",
        "CONVLIB_SITE_DIR": os.path.abspath(site),
        "CONVLIB_REQUIRE_INSTALLED": "1",
    }
    session.run("pytest", "-n", workers, "tests/browser", *session.posargs, env=env)


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Time convlib against PyTorch, TensorFlow and SciPy (benchmarks/bench_conv.py).

    Arguments after ``--`` go to the script, e.g. ``nox -s bench -- --name mine``
    or ``nox -s bench -- --compare a.json b.json``. TensorFlow keeps its oneDNN
    kernels here (its fastest CPU path), unlike in the other sessions.
    """
    session.install("-e", ".[frameworks]")
    session.run(
        "python", "benchmarks/bench_conv.py", *session.posargs, env={"TF_CPP_MIN_LOG_LEVEL": "3"}
    )
