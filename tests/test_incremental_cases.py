"""Incremental builds stay correct after anything: each case ends equal to a clean build.

After every change (a renamed page, a page moved to another folder, a
deleted or broken bibliography entry, a page saved in another encoding, a
build interrupted half-way, a changed ``paper_*`` setting) the project is
built incrementally, and a copy of its sources is built from scratch; the
two must agree on every page (main content, and which pages exist), every
download, and every warning.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import Project, warnings_of
from notes_factory import write_notes

COUNT = 24

#: Appended to the projects' conf.py: a build that stops (as with Ctrl-C) after some pages.
INTERRUPTIBLE = """
import os


def setup(app):
    limit = int(os.environ.get("PAPER_TEST_INTERRUPT_AFTER") or 0)
    if limit:
        written = []

        def interrupt(app, pagename, templatename, context, doctree):
            written.append(pagename)
            if len(written) > limit:
                raise KeyboardInterrupt

        app.connect("html-page-context", interrupt)
"""


def site_state(outdir: Path) -> dict[str, str]:
    """The main content of every page, every BibTeX download and papers.json, by path."""
    state = {}
    for path in sorted(outdir.rglob("*.html")):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        main = soup.select_one('div[role="main"]')
        state[path.relative_to(outdir).as_posix()] = str(main) if main is not None else ""
    for path in sorted(outdir.rglob("*.bib")):
        state[path.relative_to(outdir).as_posix()] = path.read_text(encoding="utf-8")
    papers = json.loads((outdir / "papers.json").read_text(encoding="utf-8"))
    state["papers.json"] = json.dumps(papers, indent=1, sort_keys=True)
    return state


def warning_lines(app, srcdir: Path) -> list[str]:
    text = warnings_of(app).replace(str(srcdir), "SRC")
    return sorted(line for line in text.splitlines() if line)


@pytest.fixture
def notes(tmp_path: Path, make_app) -> Project:
    root = tmp_path / "incremental"
    write_notes(root, COUNT)
    with (root / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write(INTERRUPTIBLE)
    project = Project(root, make_app)
    assert warnings_of(project.build("html")) == ""
    return project


def assert_equals_clean_build(project: Project, incremental, tmp_path: Path, name: str) -> None:
    clean_root = tmp_path / f"clean-{name}"
    shutil.copytree(project.srcdir, clean_root, ignore=shutil.ignore_patterns("_build", "browse"))
    clean = Project(clean_root, project._make_app)
    clean_app = clean.build("html", fresh=True)
    incremental_state = site_state(project.builddir / "html")
    clean_state = site_state(clean.builddir / "html")
    assert sorted(incremental_state) == sorted(clean_state), name
    different = [p for p in clean_state if incremental_state[p] != clean_state[p]]
    assert different == [], name
    assert warning_lines(incremental, project.srcdir) == warning_lines(clean_app, clean.srcdir), (
        name
    )


def move(project: Project, old: str, new: str) -> None:
    text = project.read(old)
    project.remove(old)
    project.write(new, text)


def replace_in(project: Project, relative: str, old: str, new: str) -> None:
    text = project.read(relative)
    assert old in text, (relative, old)
    project.write(relative, text.replace(old, new))


def rename_page(p: Project) -> None:
    move(p, "papers/p007.md", "papers/seven-renamed.md")


def move_page_to_another_folder(p: Project) -> None:
    move(p, "papers/p008.md", "papers/archive/2019/p008.md")


def delete_a_bibliography_entry(p: Project) -> None:
    text = p.read("refs.bib")
    entry = re.search(r"@inproceedings\{author005paper,.*?\n\}\n", text, flags=re.S)
    p.write("refs.bib", text.replace(entry.group(0), ""))


def break_a_bibliography_entry(p: Project) -> None:
    # the closing brace of one entry goes missing
    text = p.read("refs.bib")
    entry = re.search(r"@inproceedings\{author006paper,.*?\n\}\n", text, flags=re.S)
    p.write("refs.bib", text.replace(entry.group(0), entry.group(0)[:-2] + "\n"))


def shift_the_broken_entry(p: Project) -> None:
    # still broken, further down the file: the page names the new line
    p.write(
        "refs.bib",
        "@misc{spare1999,\n  title = {Spare},\n  year = {1999}\n}\n\n" + p.read("refs.bib"),
    )


def mend_the_broken_entry(p: Project) -> None:
    text = p.read("refs.bib")
    mended, count = re.subn(r"(year = \{2021\}\n)(\n+@)", r"\1}\n\2", text)
    assert count == 1
    p.write("refs.bib", mended)


def save_a_page_in_latin1(p: Project) -> None:
    text = p.read("papers/p009.md").replace("* 第三条", "* Café, déjà vu")
    (p.srcdir / "papers" / "p009.md").write_text(
        text.encode("utf-8").decode("utf-8").replace("第", "").replace("篇", ""),
        encoding="latin-1",
        errors="replace",
    )


def save_it_again_in_utf8(p: Project) -> None:
    raw = (p.srcdir / "papers" / "p009.md").read_bytes().decode("latin-1")
    p.write("papers/p009.md", raw)


def change_the_fields(p: Project) -> None:
    replace_in(
        p,
        "conf.py",
        "paper_fields = ['LLM', 'Video', 'Low-Level Vision', 'Reinforcement Learning']",
        "paper_fields = ['Video', 'LLM', ('Low-Level Vision', 'low-level'), 'Robotics']",
    )


def change_the_pages_folder(p: Project) -> None:
    p.write("conf.py", p.read("conf.py") + "paper_pages_dir = 'generated'\n")


def split_the_indices(p: Project) -> None:
    p.write("conf.py", p.read("conf.py") + "paper_index_page_max = 10\n")


def add_a_line_to_a_note(p: Project) -> None:
    p.write("papers/p010.md", p.read("papers/p010.md") + "\n* 新加的一条：只是正文\n")


def edit_an_insight(p: Project) -> None:
    replace_in(p, "papers/p011.md", "数据比结构更重要", "结构比数据更重要")


def retitle_a_paper(p: Project) -> None:
    replace_in(p, "papers/p012.md", "Paper 012: A Study of Things", "Paper 012: Retitled")


def retag_a_paper(p: Project) -> None:
    replace_in(p, "papers/p013.md", ":tags: topic3, shared", ":tags: topic1")


def change_a_year(p: Project) -> None:
    replace_in(p, "papers/p015.md", ":year: 2021", ":year: 2019")


def relate_another_paper(p: Project) -> None:
    replace_in(p, "papers/p016.md", ":related: author017paper", ":related: author005paper")


def cite_another_paper(p: Project) -> None:
    p.write("papers/p014.md", p.read("papers/p014.md") + "\n* 又见 {paper}`author020paper`\n")


CASES: list[list[Callable[[Project], None]]] = [
    [
        add_a_line_to_a_note,
        edit_an_insight,
        retitle_a_paper,
        retag_a_paper,
        change_a_year,
        relate_another_paper,
        cite_another_paper,
    ],
    [rename_page],
    [move_page_to_another_folder],
    [delete_a_bibliography_entry],
    [break_a_bibliography_entry, shift_the_broken_entry, mend_the_broken_entry],
    [save_a_page_in_latin1, save_it_again_in_utf8],
    [change_the_fields],
    [change_the_pages_folder],
    [split_the_indices],
]


@pytest.mark.parametrize("steps", CASES, ids=lambda steps: "-then-".join(s.__name__ for s in steps))
def test_an_incremental_build_after_the_change_equals_a_clean_build(notes, tmp_path, steps):
    for step in steps:
        step(notes)
        app = notes.build("html")
        assert_equals_clean_build(notes, app, tmp_path, step.__name__)


def test_a_build_interrupted_half_way_is_recovered_by_the_next(notes, tmp_path, monkeypatch):
    # a change that rewrites many pages: a retitled paper is on its field page,
    # the year index, and the pages that link to it
    replace_in(notes, "papers/p003.md", "Paper 003: A Study", "Paper 003: Retitled")
    rename_page(notes)
    monkeypatch.setenv("PAPER_TEST_INTERRUPT_AFTER", "3")
    with pytest.raises(KeyboardInterrupt):
        notes.build("html")
    monkeypatch.delenv("PAPER_TEST_INTERRUPT_AFTER")
    app = notes.build("html")
    assert_equals_clean_build(notes, app, tmp_path, "interrupted")
