"""Parallel builds equal serial ones; incremental builds equal clean ones.

A project of 30 papers is built with ``-j 1`` and ``-j 2``, and edited
(add, edit, change field, rename, delete) and rebuilt incrementally; after
every step each page must be exactly what a clean build of the same
sources makes.  Pages are compared by their main content, which is what
the extension controls (themes' navigation bars are Sphinx's business).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import Project, warnings_of
from notes_factory import paper_page, write_notes

COUNT = 30


def bodies(outdir: Path) -> dict[str, str]:
    """The main content of every HTML page, by path."""
    out = {}
    for path in sorted(outdir.rglob("*.html")):
        body = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").select_one(
            'div[role="main"]'
        )
        if body is not None:
            out[path.relative_to(outdir).as_posix()] = str(body)
    return out


def warning_lines(app, srcdir: Path) -> list[str]:
    text = warnings_of(app).replace(str(srcdir), "SRC")
    return sorted(line for line in text.splitlines() if line)


@pytest.fixture
def notes(tmp_path: Path, make_app) -> Callable[[str], Project]:
    def factory(name: str) -> Project:
        root = tmp_path / name
        write_notes(root, COUNT)
        return Project(root, make_app)

    return factory


def test_parallel_build_equals_serial_build(notes):
    serial, parallel = notes("serial"), notes("parallel")
    serial_app = serial.build("html")
    parallel_app = parallel.build("html", parallel=2)
    assert warnings_of(serial_app) == warnings_of(parallel_app) == ""
    serial_pages = bodies(serial.builddir / "html")
    assert len(serial_pages) >= COUNT + 8
    assert bodies(parallel.builddir / "html") == serial_pages


def test_parallel_build_keeps_no_doubled_domain_entries(notes):
    app = notes("parallel").build("html", parallel=2)
    domain = app.env.domains["paper"]
    assert len(domain.papers) == COUNT
    assert sum(len(refs) for refs in domain.references.values()) == COUNT
    assert sum(len(items) for items in domain.insights.values()) == COUNT


def replace_in(project: Project, relative: str, old: str, new: str) -> None:
    text = project.read(relative)
    assert old in text, (relative, old)
    project.write(relative, text.replace(old, new))


def add_paper(p: Project) -> None:
    page = paper_page(100, COUNT).replace(":key: author100paper", ":key: author031paper")
    p.write("papers/p100.md", page)


def edit_title_and_year(p: Project) -> None:
    replace_in(p, "papers/p003.md", "Paper 003: A Study", "Paper 003: A Renamed Study")
    replace_in(p, "papers/p003.md", ":year: 2018", ":year: 2024")


def change_field(p: Project) -> None:
    replace_in(p, "papers/p005.md", ":field: Video", ":field: LLM")


def add_reference_and_insight(p: Project) -> None:
    extra = "\n* 另见 {paper}`author020paper`\n\n```{insight}\n新想法\n```\n"
    p.write("papers/p010.md", p.read("papers/p010.md") + extra)


def rename_paper(p: Project) -> None:
    text = p.read("papers/p007.md")
    p.remove("papers/p007.md")
    p.write("papers/renamed.md", text)


def delete_cited_paper(p: Project) -> None:
    p.remove("papers/p024.md")


def edit_bibliography(p: Project) -> None:
    replace_in(p, "refs.bib", "Author, First and Second, Person", "Author, First and Third, Person")


EDITS: list[Callable[[Project], None]] = [
    add_paper,
    edit_title_and_year,
    change_field,
    add_reference_and_insight,
    rename_paper,
    delete_cited_paper,
    edit_bibliography,
]


def test_incremental_builds_equal_clean_builds(notes, tmp_path):
    project = notes("incremental")
    assert warnings_of(project.build("html")) == ""
    for edit in EDITS:
        name = edit.__name__
        edit(project)
        incremental = project.build("html")
        clean_root = tmp_path / ("clean-" + re.sub(r"\W+", "-", name))
        shutil.copytree(project.srcdir, clean_root, ignore=shutil.ignore_patterns("_build"))
        clean = Project(clean_root, project._make_app)
        clean_app = clean.build("html", fresh=True)
        assert bodies(project.builddir / "html") == bodies(clean.builddir / "html"), name
        assert warning_lines(incremental, project.srcdir) == warning_lines(
            clean_app, clean.srcdir
        ), name


def test_an_unchanged_rebuild_writes_nothing(notes):
    project = notes("unchanged")
    project.build("html")
    app = project.build("html")
    assert "no targets are out of date" in app.status.getvalue()


def test_editing_one_note_rewrites_only_the_pages_that_show_it(notes):
    project = notes("minimal")
    project.build("html")
    # a new list item changes this page only: no derived fact changes
    project.write(
        "papers/p012.md",
        project.read("papers/p012.md").replace("* 第三条", "* 新的一条\n* 第三条"),
    )
    status = re.sub(r"\x1b\[[0-9;]*m", "", project.build("html").status.getvalue())
    assert "0 added, 1 changed, 0 removed" in status
    assert "looking for now-outdated files... none found" in status
    # a new title changes its page, its field page, the year index, the pages
    # that link to it (p011 lists it as related, p027 references it, p013 is
    # related to it), the pages whose sidebar lists it (its field's: LLM) and
    # the field pages whose graph of links shows it, and nothing else
    outdir = project.builddir / "html"
    before = {p: p.stat().st_mtime_ns for p in outdir.rglob("*.html")}
    project.write(
        "papers/p012.md",
        project.read("papers/p012.md").replace("Paper 012: A Study", "Paper 012: Retitled"),
    )
    status = re.sub(r"\x1b\[[0-9;]*m", "", project.build("html").status.getvalue())
    assert "looking for now-outdated files... " in status
    written = {
        p.relative_to(outdir).as_posix().removesuffix(".html")
        for p in outdir.rglob("*.html")
        if before.get(p) != p.stat().st_mtime_ns
    }
    assert {
        "papers/p012",
        "browse/fields/llm",
        "browse/years",
        "papers/p011",
        "papers/p027",
        "papers/p016",
    } <= written
    # papers of other fields that do not link to it are left alone
    assert "papers/p013" in written
    assert not {"papers/p001", "papers/p005", "papers/p009", "papers/p026"} & written
