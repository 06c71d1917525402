"""The real site: docs/ with refs.bib builds with zero warnings."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import REPO, Project, warnings_of


@pytest.fixture
def site(tmp_path: Path, make_app) -> Project:
    """A copy of the repository's docs/ and refs.bib, as a clean checkout has them."""
    shutil.copytree(
        REPO / "docs", tmp_path / "docs", ignore=shutil.ignore_patterns("_build", "browse")
    )
    shutil.copy(REPO / "refs.bib", tmp_path / "refs.bib")
    return Project(tmp_path / "docs", make_app)


def test_the_site_builds_without_warnings(site):
    app = site.build("html", confoverrides={"nitpicky": True})
    assert warnings_of(app) == ""
    papers = sorted(p.stem for p in (site.srcdir / "papers").glob("*.md"))
    assert papers, "the site has no papers"
    for name in papers:
        assert (site.builddir / "html" / "papers" / f"{name}.html").is_file()
