"""Sphinx configuration of the convlib site.

Environment variables (all optional):

CONVLIB_DOCS_NO_EXEC=1
    Build without executing anything: MyST-NB pages keep no outputs and the
    sphinx-gallery scripts are rendered without running them. For quick text edits.
CONVLIB_DOCS_CACHE=<dir>
    Where MyST-NB caches executed notebooks (default ``docs/_build/.jupyter_cache``).
    A page is re-executed only when its code changes.
CONVLIB_GALLERY_PATTERN=<regex>
    Which gallery scripts to execute, matched against their path
    (default: every ``plot_*.py``), e.g. ``plot_0[1-3]``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS / "_ext"))

import convlib

# TensorFlow is imported by executed pages and examples; keep its C++ logging out of the outputs.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

NO_EXEC = os.environ.get("CONVLIB_DOCS_NO_EXEC", "") not in ("", "0")

project = "convlib"
author = "the convlib contributors"
copyright = "2026, the convlib contributors"
release = convlib.__version__
version = release

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "sphinx_design",
    "sphinx_copybutton",
    "convlib_docs",
]

root_doc = "index"
templates_path = ["_templates"]
exclude_patterns = [
    "_build",
    "jupyter_execute",
    "**.ipynb_checkpoints",
    "Thumbs.db",
    ".DS_Store",
    # sphinx-gallery writes a .py, an .ipynb and zips next to each generated .rst:
    # they are downloads, not pages (MyST-NB would otherwise read the .ipynb too).
    "auto_examples/**.ipynb",
    "auto_examples/**.py",
    "auto_examples/**.zip",
    "auto_examples/**.md5",
    "auto_examples/**.json",
]

# Strict: every reference must resolve (the build runs with -W).
nitpicky = True
# Names of other projects: there is no intersphinx (the build is offline), so references
# to them stay unlinked text instead of failing.
nitpick_ignore_regex = [
    (r"py:.*", r"(numpy|np|scipy|torch|tensorflow|tf|keras|matplotlib|plt|jax)(\..*)?"),
]
# Without execution, pages have no outputs to glue and no kernel to name their lexer.
suppress_warnings = ["mystnb.glue", "myst-nb.lexer"] if NO_EXEC else []

# -- MyST and MyST-NB ---------------------------------------------------------

myst_enable_extensions = [
    "amsmath",
    "colon_fence",
    "deflist",
    "dollarmath",
    "substitution",
]
myst_heading_anchors = 3

nb_execution_mode = "off" if NO_EXEC else "cache"
nb_execution_cache_path = os.environ.get(
    "CONVLIB_DOCS_CACHE", str(DOCS / "_build" / ".jupyter_cache")
)
nb_execution_timeout = 180
# A failing cell fails the build, naming the page and the cell, with the traceback.
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_merge_streams = True
# Folded cells: one wording for the toggles a page does not name itself.
nb_code_prompt_show = "Show the code"
nb_code_prompt_hide = "Hide the code"
# Markdown that a cell displays (a table built by code, say) is parsed as MyST: tables, math.
nb_render_markdown_format = "myst"
# No widgets on this site: keep MyST-NB from adding require.js from a CDN.
nb_ipywidgets_js: dict[str, dict[str, str]] = {}

# -- API reference --------------------------------------------------------------

autosummary_generate = True
autosummary_imported_members = True
autodoc_typehints = "none"  # the numpydoc type lines state types and shapes
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
numpydoc_validation_checks: set[str] = set()

# -- sphinx-gallery -------------------------------------------------------------

sphinx_gallery_conf = {
    "examples_dirs": ["../gallery"],
    "gallery_dirs": ["auto_examples"],
    "filename_pattern": os.environ.get("CONVLIB_GALLERY_PATTERN", r"/plot_"),
    "plot_gallery": "False" if NO_EXEC else "True",
    "within_subsection_order": "FileNameSortKey",
    "download_all_examples": True,
    "doc_module": ("convlib",),
    "backreferences_dir": "api/generated/backreferences",
    "reset_modules": ("matplotlib", "convlib_docs.reset_gallery_state"),
    "reset_modules_order": "before",
    "remove_config_comments": True,
    "show_memory": False,
    "min_reported_time": 1,
    "image_srcset": [],
    # Its timing page loads jQuery and DataTables from CDNs; the site must work offline.
    "write_computation_times": False,
}

# -- HTML -----------------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = "convlib"
html_static_path = ["_static"]
html_css_files = ["convlib.css"]
html_theme_options = {
    "navbar_align": "left",
    "header_links_before_dropdown": 7,
    "navbar_end": ["theme-switcher", "navbar-icon-links"],
    "secondary_sidebar_items": {
        "**": ["page-toc", "page-downloads"],
        "index": [],
        "explorer": [],
    },
    "show_toc_level": 2,
    "show_prev_next": True,
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_sidebars = {"index": [], "explorer": []}
html_context = {"default_mode": "auto"}  # light or dark as the reader's system says
html_favicon = "_static/favicon.svg"

# MathJax 3 is served from the site (docs/_static/mathjax, from the npm package
# mathjax@3, Apache-2.0), so the built folder works offline.
mathjax_path = "mathjax/tex-chtml-full.js"

# Copy buttons copy the code without Python, shell or IPython prompts.
copybutton_prompt_text = r">>> |\.\.\. |\$ |In \[\d*\]: | {2,5}\.\.\.: | {5,8}: "
copybutton_prompt_is_regexp = True
copybutton_only_copy_prompt_lines = True
