"""The same page in MyST and in reStructuredText gives the same doctree."""

from __future__ import annotations

import re

from conftest import warnings_of


def doctree_text(project, name: str) -> str:
    app = project(name).build("html")
    assert warnings_of(app) == ""
    doctree = app.env.get_doctree("papers/raft")
    text = doctree.pformat()
    # where each node came from differs by design; nothing else may
    return re.sub(r' (source|line)="[^"]*"', "", text)


def test_myst_and_rst_pages_give_the_same_doctree(project):
    myst = doctree_text(project, "myst-page")
    rst = doctree_text(project, "rst-page")
    assert "paper_card" in myst and "insight" in myst
    assert myst == rst
