"""Small Sphinx helpers for the convlib site.

* Every executed text notebook (a MyST-NB ``.md`` page with a ``kernelspec``)
  is also offered as a Jupyter notebook: the page's source is converted with
  jupytext into ``_notebooks/<page>.ipynb`` in the HTML output, and the
  ``page-downloads.html`` sidebar component links to it and to the ``.md``.
  A page's ``from myst_nb import glue`` becomes an import with a do-nothing
  fallback there, so the notebook runs without MyST-NB, and data files the
  page reads from the repository (``Path("../../x.json").read_text()``) are
  embedded as strings, so the notebook runs in an empty folder.
* A page that reads such data files is re-read when they change, and its cached
  execution is not reused: a hidden cell holding a hash of the files' contents
  is appended to the page before MyST-NB sees it (MyST-NB keys its cache on the
  code of the cells, not on what they read).
* Likewise, a page that computes ``methods_sha256()`` (the hash of
  ``convlib/methods/**/*.py`` that the benchmark records with a run, to say
  whether a run measured the code being documented) is re-read and re-executed
  when a file of ``convlib/methods`` changes.
* Images a page's output embeds as ``data:`` URIs (the animations of
  ``convlib.viz``) are written to ``_images/`` and linked, so pages stay light.
* In a gallery script, a code block whose first line is a ``# Check...`` comment
  is shown folded (``<details>``), its comment as the summary.
* ``convlib-cards`` lists pages as cards, each with a thumbnail of its first
  picture.
* References to a public name through its private module path, such as
  ``convlib.padding.normalize_padding`` (or a bare ``choose_conv_method`` in a
  docstring of ``convlib.methods``), resolve to the documented
  ``convlib.normalize_padding``; references to convlib's modules resolve to
  the package.
* The build warns (an error with ``-W``) when a name in ``convlib.__all__`` is
  missing from ``api/index.md``.
* The ``convlib-methods-table`` directive (in MyST: a ``{convlib-methods-table}``
  fence) renders the table of algorithms from ``convlib.methods.REGISTRY`` and
  ``TRANSPOSE_REGISTRY``: one row per record, with its name, summary, whether
  it is exact and whether ``method="auto"`` may pick it. A page that shows it
  is re-read when a method's module changes.
* ``reset_gallery_state`` is given to sphinx-gallery (by its dotted name, so the
  configuration stays picklable) to reseed the random generators before every
  example.
"""

from __future__ import annotations

import base64
import hashlib
import inspect
import json
import random
import re
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

NOTEBOOK_DIR = "_notebooks"


def reset_gallery_state(gallery_conf: dict[str, Any], fname: str) -> None:
    """Seed Python's and NumPy's global random generators before each example."""
    import numpy as np

    random.seed(0)
    np.random.seed(0)  # noqa: NPY002 (the legacy global state is what needs resetting)


def _is_text_notebook(source: Path) -> bool:
    if source.suffix != ".md" or not source.is_file():
        return False
    head = source.read_text(encoding="utf-8")[:2000]
    return head.startswith("---") and "kernelspec:" in head.split("\n---", 1)[0]


GLUE_IMPORT = "from myst_nb import glue"
GLUE_FALLBACK = """try:
    from myst_nb import glue
except ImportError:  # outside the site's build: nothing to glue into
    def glue(name, value, display=True):
        return value if display else None"""


# A repository file a page reads, e.g. Path("../../benchmarks/results/suite.json").read_text()
READ_DATA_FILE = re.compile(r'Path\("([^"]+\.json)"\)\.read_text\(\)')


def _data_file(folder: Path, name: str) -> Path | None:
    """The repository file a page in ``folder`` reads as ``Path(name)``, or None."""
    path = (folder / name).resolve()
    return path if path.is_file() else None


def _embed_data_files(code: str, folder: Path) -> str:
    """Replace reads of JSON files next to the page's source by the files' contents."""

    def embed(match: re.Match[str]) -> str:
        path = _data_file(folder, match.group(1))
        if path is None:
            return match.group(0)  # not a repository file: leave the reader's code alone
        compact = json.dumps(json.loads(path.read_text(encoding="utf-8")), separators=(",", ":"))
        return f"(\n    {compact!r}  # {match.group(1)}, embedded in this download\n)"

    return READ_DATA_FILE.sub(embed, code)


#: A page that compares benchmark runs with the current ``convlib/methods`` calls this.
METHODS_HASH_CALL = "methods_sha256("


def _methods_sources() -> dict[str, Path]:
    """The ``*.py`` files of ``convlib/methods`` by relative path, as the benchmark hashes them."""
    import convlib.methods

    folder = Path(convlib.methods.__file__).parent
    return {path.relative_to(folder).as_posix(): path for path in folder.rglob("*.py")}


def _track_methods_sources(app: Sphinx, docname: str, source: list[str]) -> None:
    """Make a page that hashes ``convlib/methods`` depend on those files (see the module notes)."""
    text = source[0]
    if METHODS_HASH_CALL not in text:
        return
    digest = hashlib.sha256()  # the benchmark's methods_sha256
    files = _methods_sources()
    for name in sorted(files):
        app.env.note_dependency(str(files[name]))
        digest.update(name.encode() + b"\0" + files[name].read_bytes() + b"\0")
    source[0] = text + (
        "\n\n```{code-cell} ipython3\n:tags: [remove-cell]\n\n"
        f"# convlib/methods, by content: {digest.hexdigest()[:16]}\n```\n"
    )


def _track_data_files(app: Sphinx, docname: str, source: list[str]) -> None:
    """Make a page depend on the repository data files its cells read (see the module notes)."""
    text = source[0]
    folder = Path(app.env.doc2path(docname)).parent
    found = (_data_file(folder, name) for name in READ_DATA_FILE.findall(text))
    paths = sorted({path for path in found if path is not None})
    if not paths:
        return
    digest = hashlib.sha256()
    for path in paths:
        app.env.note_dependency(str(path))
        digest.update(path.read_bytes())
    source[0] = text + (
        "\n\n```{code-cell} ipython3\n:tags: [remove-cell]\n\n"
        f"# the data files this page reads, by content: {digest.hexdigest()[:16]}\n```\n"
    )


def _write_notebook(app: Sphinx, pagename: str, source: Path) -> str:
    import jupytext

    notebook = jupytext.read(source, fmt="md:myst")
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        # A reader's Jupyter may not have MyST-NB; the page's glue() calls then do nothing.
        if GLUE_IMPORT in cell.source.splitlines():
            cell.source = "\n".join(
                GLUE_FALLBACK if line == GLUE_IMPORT else line for line in cell.source.splitlines()
            )
        cell.source = _embed_data_files(cell.source, source.parent)
    target = Path(app.outdir, NOTEBOOK_DIR, pagename + ".ipynb")
    target.parent.mkdir(parents=True, exist_ok=True)
    jupytext.write(notebook, target, fmt="ipynb")
    return f"{NOTEBOOK_DIR}/{pagename}.ipynb"


def _page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    if doctree is None or pagename not in app.env.found_docs:
        return
    source = Path(app.env.doc2path(pagename))
    if _is_text_notebook(source):
        context["convlib_ipynb"] = _write_notebook(app, pagename, source)


def _public_alias(
    app: Sphinx, env: BuildEnvironment, node: pending_xref, contnode: nodes.TextElement
) -> nodes.Node | None:
    target = node.get("reftarget", "")
    in_convlib = str(node.get("py:module") or "").startswith("convlib")
    if node.get("refdomain") != "py" or not (target.startswith("convlib.") or in_convlib):
        return None
    import convlib

    if node.get("reftype") == "mod" and target.startswith("convlib."):
        # convlib's modules are an implementation detail: their names point to the package.
        public = "convlib"
    else:
        name = target.rsplit(".", 1)[-1]
        if name not in convlib.__all__:
            return None
        public = f"convlib.{name}"
    if public == target:
        return None
    domain = env.get_domain("py")
    node = node.deepcopy()
    node["reftarget"] = public
    return domain.resolve_xref(
        env, node["refdoc"], app.builder, node["reftype"], node["reftarget"], node, contnode
    )


def _check_api_index(app: Sphinx) -> None:
    """Warn if a public name of convlib is missing from the API reference."""
    import convlib

    index = Path(app.srcdir, "api", "index.md").read_text(encoding="utf-8")
    listed = {line.strip() for line in index.splitlines()}
    for name in convlib.__all__:
        if name not in listed:
            logger.warning("convlib.%s is public but not listed in api/index.md", name)


METHODS_TABLE_HEADER = ("method", "what it does", "exact", "chosen by auto")
METHODS_TABLE_WIDTHS = (18, 56, 12, 14)
#: How ``conv_transpose*`` picks its own methods (see ``transpose_correlate``).
TRANSPOSE_AUTO = "when a stride is above 1, or the kernel holds NaN or inf"


def _cell(content: str | nodes.Node) -> nodes.entry:
    paragraph = nodes.paragraph()
    paragraph += content if isinstance(content, nodes.Node) else nodes.Text(content)
    entry = nodes.entry()
    entry += paragraph
    return entry


def _exact(exact: bool) -> str:
    return "yes" if exact else "no (it rounds)"


def _row(*cells: str | nodes.Node) -> nodes.row:
    row = nodes.row()
    for cell in cells:
        row += _cell(cell)
    return row


class MethodsTable(SphinxDirective):
    """The table of convlib's algorithms, one row per registry record."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        from convlib.methods import REGISTRY, TRANSPOSE_REGISTRY, registry

        rows = [
            _row(
                nodes.literal(text=f'"{name}"'),
                method.summary,
                _exact(method.exact),
                "yes" if method.auto else "no",
            )
            for name, method in REGISTRY.items()
        ]
        for name, transpose in TRANSPOSE_REGISTRY.items():
            label = nodes.inline()
            label += nodes.literal(text=f'"{name}"')
            label += nodes.Text(" (conv_transpose* only)")
            # A TransposeMethod has no ``exact`` field: its algorithms do the formula's
            # products and sums, without transforms.
            exact = getattr(transpose, "exact", True)
            rows.append(_row(label, transpose.summary, _exact(exact), TRANSPOSE_AUTO))

        # The table shows what the method modules say: re-read the page when one changes.
        runs = [m.run for m in (*REGISTRY.values(), *TRANSPOSE_REGISTRY.values())]
        for source in {inspect.getsourcefile(registry), *map(inspect.getsourcefile, runs)}:
            if source:
                self.env.note_dependency(source)

        tgroup = nodes.tgroup(cols=len(METHODS_TABLE_HEADER))
        for width in METHODS_TABLE_WIDTHS:
            tgroup += nodes.colspec(colwidth=width)
        thead = nodes.thead()
        thead += _row(*METHODS_TABLE_HEADER)
        tbody = nodes.tbody()
        tbody.extend(rows)
        tgroup += thead
        tgroup += tbody
        # "colwidths-given": the HTML writer then keeps the widths of the colspecs.
        table = nodes.table(classes=["convlib-methods-table", "colwidths-given"])
        table += tgroup
        return [table]


# An image a page's output embeds as a data: URI (convlib.viz animations and their still
# pictures, which a notebook needs inline): on the site it becomes a file, so that the page's
# HTML stays light and the browser can cache the picture.
INLINE_IMAGE = re.compile(r'(src|srcset)="data:image/(webp|png|gif|jpeg);base64,([A-Za-z0-9+/=]+)"')


def _extract_inline_images(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    body = context.get("body")
    if not body or "data:image/" not in body:
        return
    folder = Path(app.outdir, "_images")
    folder.mkdir(parents=True, exist_ok=True)

    def to_file(match: re.Match[str]) -> str:
        attribute, kind, payload = match.groups()
        data = base64.b64decode(payload)
        name = f"inline-{hashlib.sha256(data).hexdigest()[:20]}.{kind}"
        target = folder / name
        if not target.exists():
            target.write_bytes(data)
        return f'{attribute}="{context["pathto"]("_images/" + name, 1)}"'

    context["body"] = INLINE_IMAGE.sub(to_file, body)


class fold(nodes.General, nodes.Element):
    """A folded block: ``<details>`` whose summary is ``node["summary"]``."""


def _visit_fold_html(self: Any, node: fold) -> None:
    self.body.append('<details class="convlib-fold">')
    self.body.append(f"<summary>{self.encode(node['summary'])}</summary>")


def _depart_fold_html(self: Any, node: fold) -> None:
    self.body.append("</details>")


def _skip_fold(self: Any, node: fold) -> None:
    pass


#: In a gallery script, a code block whose first line is a comment starting with "# Check"
#: holds a check against a framework: the site shows it folded, with that comment as the
#: summary (it still runs, and downloaded scripts keep it as it is).
CHECK_COMMENT = re.compile(r"#\s*(Check\b.*)")


def _fold_gallery_checks(app: Sphinx, doctree: nodes.document) -> None:
    docname = app.env.docname
    if not docname.startswith("auto_examples/"):
        return
    for block in list(doctree.findall(nodes.literal_block)):
        if block.get("language", "").lower() not in ("python", "python3", "ipython3"):
            continue
        first = block.astext().lstrip("\n").split("\n", 1)[0].strip()
        match = CHECK_COMMENT.fullmatch(first)
        if not match:
            continue
        wrapper = fold(summary=match.group(1).rstrip(":"))
        block.replace_self(wrapper)
        wrapper += block


class cards(nodes.General, nodes.Element):
    """Placeholder for a grid of page cards, filled in once every page has been read."""


class PageCards(SphinxDirective):
    """Cards for pages, in the order given: each ``page: one line about it``.

    Each card shows the page's title, the line, and a thumbnail of the page's first
    picture (a figure, or the still of an animation) as the build made it.
    """

    has_content = True

    def run(self) -> list[nodes.Node]:
        entries = []
        for line in self.content:
            if not line.strip():
                continue
            page, sep, about = line.partition(":")
            if not sep:
                raise self.error(f"convlib-cards: expected 'page: one line', got {line!r}")
            entries.append((page.strip(), about.strip()))
            # a card shows the page's first picture: rebuild the cards when the page changes
            self.env.note_dependency(page.strip() + ".md")
        return [cards(entries=entries, source_doc=self.env.docname)]


STILL_URI = re.compile(r'srcset="data:image/png;base64,([A-Za-z0-9+/=]+)"')
THUMB_SIZE = (480, 300)


def _first_picture(app: Sphinx, docname: str) -> bytes | None:
    """The bytes of the first picture a page shows (PNG or JPEG), if it has one."""
    doctree = app.env.get_doctree(docname)
    for node in doctree.findall(lambda n: isinstance(n, (nodes.image, nodes.raw))):
        if isinstance(node, nodes.raw):
            match = STILL_URI.search(node.astext())
            if match:
                return base64.b64decode(match.group(1))
            continue
        uri = node.get("candidates", {}).get("*") or node.get("uri", "")
        if uri.startswith("data:") or not uri.lower().endswith((".png", ".jpg", ".jpeg")):
            continue
        # MyST-NB's outputs are named from the source folder, other images from the page's
        for path in (Path(app.srcdir, uri), Path(app.env.relfn2path(uri, docname)[1])):
            if path.is_file():
                return path.read_bytes()
    return None


def _thumbnail(app: Sphinx, docname: str) -> str | None:
    """Write a thumbnail of the page's first picture under _images/; its path there."""
    import io

    from PIL import Image

    data = _first_picture(app, docname)
    if data is None:
        return None
    with Image.open(io.BytesIO(data)) as picture:
        picture = picture.convert("RGB")
        # the whole picture, fitted into the card's proportions on white
        picture.thumbnail(THUMB_SIZE, Image.Resampling.LANCZOS)
        card = Image.new("RGB", THUMB_SIZE, "white")
        card.paste(
            picture,
            ((THUMB_SIZE[0] - picture.width) // 2, (THUMB_SIZE[1] - picture.height) // 2),
        )
        buffer = io.BytesIO()
        card.save(buffer, "PNG", optimize=True)
    name = f"thumb-{docname.replace('/', '-')}.png"
    folder = Path(app.outdir, "_images")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(buffer.getvalue())
    return f"_images/{name}"


def _fill_cards(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    from html import escape

    for placeholder in list(doctree.findall(cards)):
        html = ['<div class="convlib-cards">']
        for page, about in placeholder["entries"]:
            target = str(Path(docname).parent / page) if "/" in docname else page
            target = target.removeprefix("./")
            if target not in app.env.found_docs:
                logger.warning("convlib-cards: no page %r", page, location=placeholder)
                continue
            title = app.env.titles[target].astext()
            href = app.builder.get_relative_uri(docname, target)
            thumb = _thumbnail(app, target) if app.builder.format == "html" else None
            html.append(f'<a class="convlib-card" href="{escape(href)}">')
            if thumb:
                depth = "../" * docname.count("/")
                html.append(
                    f'<img src="{depth}{thumb}" alt="" width="{THUMB_SIZE[0] // 2}" '
                    f'height="{THUMB_SIZE[1] // 2}" loading="lazy">'
                )
            html.append(f'<span class="convlib-card-title">{escape(title)}</span>')
            html.append(f'<span class="convlib-card-text">{escape(about)}</span></a>')
        html.append("</div>")
        placeholder.replace_self(nodes.raw("", "\n".join(html), format="html"))


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_node(cards)
    app.add_directive("convlib-cards", PageCards)
    app.connect("doctree-resolved", _fill_cards)
    app.add_node(
        fold,
        html=(_visit_fold_html, _depart_fold_html),
        text=(_skip_fold, _skip_fold),
        latex=(_skip_fold, _skip_fold),
    )
    app.connect("doctree-read", _fold_gallery_checks)
    app.connect("html-page-context", _extract_inline_images)
    app.connect("builder-inited", _check_api_index)
    app.connect("source-read", _track_data_files)
    app.connect("source-read", _track_methods_sources)
    app.connect("html-page-context", _page_context)
    app.connect("missing-reference", _public_alias)
    app.add_directive("convlib-methods-table", MethodsTable)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
