"""Every .py and .ipynb the built site offers runs on a reader's machine.

Each file a page links to (gallery scripts and notebooks, the zipped bundles'
contents, the notebook downloads of executed pages) is copied into an empty
temporary folder and run there: scripts with ``python``, notebooks with nbclient,
with ``PYTHONPATH`` unset so that only the *installed* convlib can be imported,
and offline (a guard refuses every connection that leaves 127.0.0.1).

Files offered twice (a script and the same script inside a zip) run once.
``nox -s browser`` installs convlib as a package and sets
``CONVLIB_REQUIRE_INSTALLED=1``, which makes an import from the repository
an error.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import textwrap
import zipfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from siteinfo import REPO, SITE_DIR

TIMEOUT_S = 300

# Run first in every script and notebook: no connection may leave the machine.
OFFLINE_GUARD = textwrap.dedent(
    """
    import socket as _socket

    def _convlib_offline_guard():
        local = {"127.0.0.1", "::1", "localhost"}
        connect, connect_ex = _socket.socket.connect, _socket.socket.connect_ex

        def refuse(address):
            if isinstance(address, tuple) and address and address[0] not in local:
                raise OSError(f"offline: a connection to {address[0]} was refused")

        def guarded_connect(self, address):
            refuse(address)
            return connect(self, address)

        def guarded_connect_ex(self, address):
            refuse(address)
            return connect_ex(self, address)

        _socket.socket.connect = guarded_connect
        _socket.socket.connect_ex = guarded_connect_ex

    _convlib_offline_guard()
    del _convlib_offline_guard
    """
)

RUN_SCRIPT = OFFLINE_GUARD + textwrap.dedent(
    """
    import os, runpy, sys

    script = os.path.abspath(sys.argv[1])
    sys.argv = [script]
    sys.path[0] = os.path.dirname(script)  # as `python script.py` does
    runpy.run_path(script, run_name="__main__")
    """
)

RUN_NOTEBOOK = textwrap.dedent(
    """
    import os, sys

    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(sys.argv[1], as_version=4)
    notebook.cells.insert(0, nbformat.v4.new_code_cell(sys.argv[2]))
    NotebookClient(
        notebook, timeout=int(sys.argv[3]), kernel_name="python3",
        resources={"metadata": {"path": os.getcwd()}},
    ).execute()
    """
)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def offered_files(site: Path) -> list[Path]:
    """The .py, .ipynb and .zip files that some page of the site links to."""
    found: set[Path] = set()
    for html in site.rglob("*.html"):
        if html.relative_to(site).as_posix().startswith("_static/"):
            continue
        parser = _Links()
        parser.feed(html.read_text(encoding="utf-8"))
        for href in parser.hrefs:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.endswith((".py", ".ipynb", ".zip")):
                continue
            target = (html.parent / unquote(parts.path)).resolve()
            if target.is_file() and target.is_relative_to(site):
                found.add(target)
    return sorted(found)


def runnable_downloads(site: Path) -> dict[str, tuple[str, bytes]]:
    """Every distinct .py and .ipynb offered, zips opened: {id: (file name, content)}."""
    by_hash: dict[str, tuple[str, str, bytes]] = {}
    # Single files first, so that a file also found in a zip is named by its own link.
    for path in sorted(offered_files(site), key=lambda p: (p.suffix == ".zip", p)):
        label = path.relative_to(site).as_posix()
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as bundle:
                members = [
                    (f"{label}!{m}", Path(m).name, bundle.read(m))
                    for m in bundle.namelist()
                    if m.endswith((".py", ".ipynb"))
                ]
        else:
            members = [(label, path.name, path.read_bytes())]
        for member_label, name, content in members:
            digest = hashlib.sha256(content).hexdigest()
            by_hash.setdefault(digest, (member_label, name, content))
    return {label: (name, content) for label, name, content in sorted(by_hash.values())}


DOWNLOADS = runnable_downloads(SITE_DIR) if (SITE_DIR / "index.html").is_file() else {}


def test_site_offers_downloads(site_dir: Path) -> None:
    """Gallery scripts, gallery notebooks, both zips and page notebooks are all offered."""
    offered = [p.relative_to(site_dir).as_posix() for p in offered_files(site_dir)]
    kinds = {
        "gallery script": [p for p in offered if p.endswith(".py")],
        "gallery notebook": [p for p in offered if p.endswith(".ipynb") and "_downloads" in p],
        "zipped bundle": [p for p in offered if p.endswith(".zip")],
        "notebook of an executed page": [p for p in offered if p.startswith("_notebooks/")],
    }
    missing = [kind for kind, files in kinds.items() if not files]
    assert not missing, f"the site offers no {missing}"


def _reader_environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONSTARTUP")}
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    env["MPLBACKEND"] = "Agg"  # plt.show() must not wait for a window
    env["TF_CPP_MIN_LOG_LEVEL"] = "3"
    return env


@pytest.fixture(scope="session")
def installed_convlib() -> str:
    """Where an empty folder imports convlib from: an installed package, not this repository."""
    with tempfile.TemporaryDirectory() as empty:
        result = subprocess.run(
            [sys.executable, "-c", "import convlib; print(convlib.__file__)"],
            cwd=empty,
            env=_reader_environment(),
            capture_output=True,
            text=True,
            check=False,
        )
    assert result.returncode == 0, f"convlib is not installed:\n{result.stderr}"
    location = Path(result.stdout.strip()).resolve()
    if os.environ.get("CONVLIB_REQUIRE_INSTALLED") == "1":
        assert not location.is_relative_to(REPO / "convlib"), (
            f"convlib is imported from the repository ({location}), not from an installed package"
        )
    return str(location)


@pytest.fixture
def empty_folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="convlib-download-") as folder:
        yield Path(folder)


def _short(label: str) -> str:
    """``_downloads/<hash>/x.zip!y.py`` -> ``x.zip!y.py``."""
    return label.split("/", 2)[-1] if label.startswith("_downloads/") else label


@pytest.mark.parametrize("label", sorted(DOWNLOADS), ids=_short)
def test_download_runs_in_an_empty_folder(
    label: str, empty_folder: Path, installed_convlib: str, tmp_path: Path
) -> None:
    name, content = DOWNLOADS[label]
    target = empty_folder / name
    target.write_bytes(content)
    if name.endswith(".py"):
        runner = tmp_path / "run_script.py"
        runner.write_text(RUN_SCRIPT)
        command = [sys.executable, str(runner), str(target)]
    else:
        runner = tmp_path / "run_notebook.py"
        runner.write_text(RUN_NOTEBOOK)
        command = [sys.executable, str(runner), str(target), OFFLINE_GUARD, str(TIMEOUT_S)]
    result = subprocess.run(
        command,
        cwd=empty_folder,
        env=_reader_environment(),
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S + 60,
        check=False,
    )
    assert result.returncode == 0, (
        f"{label} failed in an empty folder (convlib from {installed_convlib}):\n"
        f"{result.stdout[-3000:]}\n{result.stderr[-6000:]}"
    )


def test_the_offline_guard_refuses_the_network(empty_folder: Path, tmp_path: Path) -> None:
    """The guard is real: a script that opens a connection outside fails."""
    script = empty_folder / "reach_out.py"
    script.write_text("import socket\nsocket.create_connection(('192.0.2.1', 80), timeout=5)\n")
    runner = tmp_path / "run_script.py"
    runner.write_text(RUN_SCRIPT)
    result = subprocess.run(
        [sys.executable, str(runner), str(script)],
        cwd=empty_folder,
        env=_reader_environment(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0 and "offline: a connection to 192.0.2.1" in result.stderr
