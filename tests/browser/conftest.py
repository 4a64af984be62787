"""Fixtures of the browser tests: the built site, served on 127.0.0.1, opened in Chromium.

These tests run over a *built* site and need Chromium, so the plain ``pytest`` of
``nox -s tests`` does not collect them. ``nox -s browser`` (or
``CONVLIB_BROWSER_TESTS=1 pytest tests/browser``) runs them; then a missing site is
an error, not a skip.

Environment variables:

CONVLIB_BROWSER_TESTS=1
    Collect and run these tests.
CONVLIB_SITE_DIR
    The built HTML (default ``docs/_build/html``).
CONVLIB_CHROMIUM
    The Chromium executable (default: ``chromium`` on the PATH, else ``/usr/bin/chromium``).
CONVLIB_SCREENSHOT_DIR
    Where screenshots are written (default ``docs/_build/screenshots``).
"""

from __future__ import annotations

import functools
import os
import sys
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from siteinfo import CHROMIUM_ARGS, SITE_DIR, Watch, chromium_path, watched_context

if os.environ.get("CONVLIB_BROWSER_TESTS", "") in ("", "0"):
    collect_ignore_glob = ["test_*.py"]


@pytest.fixture(scope="session")
def site_dir() -> Path:
    """The built site; its absence fails the run."""
    if not (SITE_DIR / "index.html").is_file():
        pytest.fail(
            f"no built site at {SITE_DIR} (no index.html): build it with `nox -s docs`, "
            "or point CONVLIB_SITE_DIR at a built site",
            pytrace=False,
        )
    return SITE_DIR


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # A browser that stops reading (navigating away mid-download) is not an error.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


@pytest.fixture(scope="session")
def base_url(site_dir: Path) -> Iterator[str]:
    """The site served by http.server from a thread, on a free port of 127.0.0.1."""
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    if not Path(executable).exists():
        pytest.fail(
            f"Chromium not found at {executable}: `apt-get install chromium`, "
            "or set CONVLIB_CHROMIUM",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def watched(browser: Any) -> Iterator[Any]:
    """Factory of watched pages: ``page, watch = watched()`` (desktop) or with context options."""
    contexts = []

    def make(**options: Any) -> tuple[Any, Watch]:
        options.setdefault("viewport", {"width": 1280, "height": 900})
        options.setdefault("color_scheme", "light")
        context, watch = watched_context(browser, **options)
        contexts.append(context)
        return context.new_page(), watch

    yield make
    for context in contexts:
        context.close()
