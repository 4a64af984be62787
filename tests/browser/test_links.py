"""No broken internal link, anchor or image anywhere in the built HTML.

Every HTML file of the site is parsed with html.parser; every local ``href`` and
``src`` is resolved relative to its file and must name an existing file and, when
it has one, an existing ``#anchor`` (an ``id`` or ``name``) in that file.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

LINK_ATTRIBUTES = {
    "a": ("href",),
    "link": ("href",),
    "img": ("src",),
    "script": ("src",),
    "iframe": ("src",),
    "source": ("src",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "object": ("data",),
    "embed": ("src",),
}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors: set[str] = set()
        self.links: list[tuple[str, int, str]] = []  # (tag, line, url)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("id", "name") if tag in ("a", "map") else ("id",):
            if values.get(name):
                self.anchors.add(values[name] or "")
        for attribute in LINK_ATTRIBUTES.get(tag, ()):
            url = values.get(attribute)
            if url and not (tag == "link" and "preconnect" in (values.get("rel") or "")):
                self.links.append((tag, self.getpos()[0], url))
        if tag in ("img", "source") and values.get("srcset"):
            for candidate in (values["srcset"] or "").split(","):
                if candidate.strip():
                    self.links.append((tag, self.getpos()[0], candidate.split()[0]))


@cache
def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc


def broken_links(site: Path) -> dict[str, list[str]]:
    """For each HTML file, its local links that lead nowhere."""
    broken: dict[str, list[str]] = defaultdict(list)
    for html in sorted(site.rglob("*.html")):
        name = html.relative_to(site).as_posix()
        if name.startswith("_static/"):
            continue  # templates that themes copy along (Jinja, not pages)
        for tag, line, url in _parse(html).links:
            if not _is_local(url):
                continue
            parts = urlsplit(url)
            target = html if not parts.path else (html.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.resolve().is_relative_to(site.resolve()):
                broken[name].append(f"line {line}: <{tag}> {url}: leaves the site")
            elif not target.is_file():
                broken[name].append(f"line {line}: <{tag}> {url}: no such file")
            elif parts.fragment and target.suffix == ".html":
                anchor = unquote(parts.fragment)
                if anchor not in _parse(target).anchors:
                    broken[name].append(f"line {line}: <{tag}> {url}: no #{anchor} there")
    return broken


def test_no_broken_internal_links(site_dir: Path) -> None:
    broken = broken_links(site_dir)
    report = "\n".join(f"{page}:\n  " + "\n  ".join(items) for page, items in broken.items())
    assert not broken, f"{sum(map(len, broken.values()))} broken links\n{report}"


def test_the_link_check_can_fail(tmp_path: Path) -> None:
    """A missing file, a missing anchor and a missing image are all found."""
    (tmp_path / "a.html").write_text(
        '<p id="here"><a href="b.html">b</a> <a href="#here">ok</a> <a href="#gone">x</a>'
        '<img src="_images/none.png"><a href="https://example.org/">out</a></p>'
    )
    (tmp_path / "b.html").write_text('<a href="a.html#here">back</a><a href="a.html#nope">x</a>')
    broken = broken_links(tmp_path)
    assert [len(broken["a.html"]), len(broken["b.html"])] == [2, 1]
