"""Sphinx configuration of plax's documentation (build: ``python3 -m nox -s docs``).

Prose is MyST Markdown; the API reference is generated at build time from each public
module's ``__all__`` by ``_ext/plax_api.py``. The build is offline: no intersphinx.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "_ext"))
os.environ.setdefault("PLAX_PLATFORMS", "cpu")  # importing plax must not look for GPUs

project = "plax"
author = "the plax authors"
copyright = "the plax authors"  # noqa: A001 (Sphinx's name)
release = version = "0.1.0"

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "plax_api",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "_ext", "tests"]

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

autodoc_default_options = {}
autodoc_typehints = "none"          # signatures stay readable; the docstrings say the types
autodoc_member_order = "bysource"
add_module_names = False
napoleon_google_docstring = True
napoleon_numpy_docstring = True
suppress_warnings = []

html_theme = "furo"
html_title = "plax"
html_show_sourcelink = False
html_static_path = ["_static"]
html_favicon = "_static/plax.svg"  # also spares browsers a 404 on /favicon.ico
