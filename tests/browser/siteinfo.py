"""Where the built site, Chromium and screenshots are, for the browser tests (see conftest.py)."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[2]

SITE_DIR = Path(os.environ.get("CONVLIB_SITE_DIR", REPO / "docs" / "_build" / "html")).resolve()
SCREENSHOT_DIR = Path(
    os.environ.get("CONVLIB_SCREENSHOT_DIR", REPO / "docs" / "_build" / "screenshots")
).resolve()
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
LOCAL_HOSTS = {"127.0.0.1"}


def chromium_path() -> str:
    configured = os.environ.get("CONVLIB_CHROMIUM")
    if configured:
        return configured
    return shutil.which("chromium") or "/usr/bin/chromium"


def html_pages(site: Path) -> list[str]:
    """Every HTML page of the site, as paths relative to it (POSIX)."""
    skip = ("_static/", "_sources/", "_images/", "_downloads/", "_notebooks/")
    return sorted(
        p.relative_to(site).as_posix()
        for p in site.rglob("*.html")
        if not p.relative_to(site).as_posix().startswith(skip)
    )


@dataclass
class Watch:
    """Everything that went wrong in one browser context."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    bad_responses: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return (
            [f"console error: {m}" for m in self.console_errors]
            + [f"page error: {m}" for m in self.page_errors]
            + [f"failed request: {m}" for m in self.failed_requests]
            + [f"HTTP error: {m}" for m in self.bad_responses]
            + [f"request leaving the machine: {m}" for m in self.outside_requests]
        )

    def clear(self) -> None:
        for name in self.__dataclass_fields__:
            getattr(self, name).clear()

    def assert_clean(self, where: str = "") -> None:
        problems = self.problems()
        assert not problems, f"{where}:\n  " + "\n  ".join(problems)


def watched_context(browser: Any, **options: Any) -> tuple[Any, Watch]:
    """A fresh browser context that records errors and refuses every non-local request."""
    watch = Watch()
    context = browser.new_context(**options)
    context.set_default_timeout(10_000)  # a local site answers fast; fail, don't hang

    def route(route: Any) -> None:
        url = route.request.url
        scheme, host = urlsplit(url).scheme, urlsplit(url).hostname
        if scheme in ("data", "blob", "about") or host in LOCAL_HOSTS:
            route.continue_()
        else:
            watch.outside_requests.append(url)
            route.abort("blockedbyclient")

    context.route("**/*", route)

    def on_page(page: Any) -> None:
        page.on(
            "console",
            lambda msg: (
                watch.console_errors.append(f"{page.url}: {msg.text}")
                if msg.type == "error"
                else None
            ),
        )
        page.on("pageerror", lambda err: watch.page_errors.append(f"{page.url}: {err}"))
        # A missing file is a 404 (below); ERR_ABORTED is a load cut short by the test
        # moving on to the next page, and refused outside requests are counted apart.
        page.on(
            "requestfailed",
            lambda req: (
                None
                if urlsplit(req.url).hostname not in LOCAL_HOSTS
                or req.failure == "net::ERR_ABORTED"
                else watch.failed_requests.append(f"{req.url} ({req.failure})")
            ),
        )
        page.on(
            "response",
            lambda resp: (
                watch.bad_responses.append(f"{resp.url} -> {resp.status}")
                if resp.status >= 400
                else None
            ),
        )

    context.on("page", on_page)
    return context, watch
