"""The sidebar: what every page shows of the site, in a size that does not grow with it.

Built with furo (the site's theme) and with Sphinx's own ``basic`` theme and
its ``globaltoc`` sidebar, which both ask the page context's ``toctree()``.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup
from furo.navigation import get_navigation_tree

from conftest import Project, warnings_of
from notes_factory import FIELDS, write_notes


@pytest.fixture
def furo_notes(tmp_path: Path, make_app) -> Callable[..., Project]:
    """A notes project of *count* papers with furo and its default sidebars."""

    def factory(count: int, name: str = "site", **settings: object) -> Project:
        root = tmp_path / name
        write_notes(root, count, theme="furo")
        conf = (root / "conf.py").read_text(encoding="utf-8")
        assert 'html_sidebars = {"**": []}\n' in conf
        conf = conf.replace('html_sidebars = {"**": []}\n', "")
        conf += "".join(f"{key} = {value!r}\n" for key, value in settings.items())
        (root / "conf.py").write_text(conf, encoding="utf-8")
        return Project(root, make_app)

    return factory


def html(project: Project, docname: str) -> BeautifulSoup:
    return BeautifulSoup(project.output("html", f"{docname}.html"), "html.parser")


def sidebar(project: Project, docname: str) -> BeautifulSoup:
    tree = html(project, docname).select_one("div.sidebar-tree")
    assert tree is not None, docname
    return tree


def entries(tree: BeautifulSoup) -> list[str]:
    """Every link of a sidebar as "level: text", in order."""
    out = []
    for item in tree.select("li"):
        level = re.search(r"toctree-l(\d)", " ".join(item["class"])).group(1)
        out.append(f"{level}: {item.find('a').get_text(' ', strip=True)}")
    return out


def current(tree: BeautifulSoup) -> str:
    return tree.select_one("li.current-page > a").get_text(strip=True)


def test_a_paper_page_shows_the_fields_with_counts_the_indices_and_its_field(furo_notes):
    project = furo_notes(12)
    assert warnings_of(project.build("html")) == ""
    tree = sidebar(project, "papers/p005")
    captions = [c.get_text() for c in tree.select("p.caption")]
    assert captions == ["领域", "索引"]
    shown = entries(tree)
    # the four fields with their counts (12 papers spread over four fields)
    assert [e for e in shown if e.startswith("1: ")][:4] == [f"1: {f} 3" for f in FIELDS]
    # p005 is a Video paper (5 % 4 == 1): the Video field is open, with its three papers
    video = tree.select_one("li.toctree-l1.current")
    assert video.find("a").get_text(" ", strip=True) == "Video 3"
    assert len(video.select("li.toctree-l2")) == 3
    assert current(tree) == "Paper 005: A Study of Things"
    assert video.select_one("a.current")["href"] == "#"
    # the other fields stay closed
    assert len(tree.select("li.toctree-l2")) == 3
    # the indices are always there
    assert shown[-4:] == ["1: 按年份浏览", "1: 交叉引用", "1: 想法汇总", "1: 参考文献"]


def test_a_long_field_shows_the_papers_neighbours_and_the_way_to_the_field_page(furo_notes):
    project = furo_notes(40, paper_nav_field_max=6, paper_nav_neighbours=2)
    assert warnings_of(project.build("html")) == ""
    tree = sidebar(project, "papers/p013")
    field = tree.select_one("li.toctree-l1.current")
    papers = field.select("li.toctree-l2")
    # two on either side, the page itself in the middle, then the whole field
    assert len(papers) == 2 * 2 + 1 + 1
    assert [li.get_text(strip=True) for li in papers].index("Paper 013: A Study of Things") == 2
    more = papers[-1]
    assert "paper-nav-more" in more["class"]
    assert more.get_text(strip=True) == "本领域全部 10 篇"
    assert more.find("a")["href"] == "../browse/fields/video.html"
    # the field page lists them all in its body, not in its sidebar
    field_page = sidebar(project, "browse/fields/video")
    assert field_page.select("li.toctree-l2") == []


def test_the_sidebar_does_not_grow_with_the_site(furo_notes):
    small = furo_notes(24, "small", paper_nav_field_max=4, paper_nav_neighbours=2)
    large = furo_notes(96, "large", paper_nav_field_max=4, paper_nav_neighbours=2)
    small.build("html")
    large.build("html")
    small_tree, large_tree = sidebar(small, "papers/p009"), sidebar(large, "papers/p009")
    assert len(entries(large_tree)) == len(entries(small_tree))
    small_page = len(small.output("html", "papers/p009.html"))
    large_page = len(large.output("html", "papers/p009.html"))
    assert large_page < 1.1 * small_page


def test_furo_gets_the_markup_its_own_navigation_code_would_make(furo_notes):
    project = furo_notes(20, paper_nav_field_max=3)
    app = project.build("html")
    navigation = app.env.domains["paper"].navigation
    for docname in ("index", "papers/p004", "browse/fields/llm", "browse/years"):
        plain = navigation.render(docname)
        assert navigation.render(docname, furo=True) == get_navigation_tree(plain), docname
    # and what furo shows is that markup
    shown = str(sidebar(project, "papers/p004"))
    assert navigation.render("papers/p004", furo=True) in shown


def test_other_themes_get_the_bounded_tree_from_toctree(tmp_path, make_app):
    root = tmp_path / "basic"
    write_notes(root, 30)
    conf = (
        (root / "conf.py")
        .read_text(encoding="utf-8")
        .replace('html_sidebars = {"**": []}', 'html_sidebars = {"**": ["globaltoc.html"]}')
    )
    settings = "paper_nav_field_max = 4\npaper_nav_neighbours = 2\n"
    (root / "conf.py").write_text(conf + settings, encoding="utf-8")
    project = Project(root, make_app)
    assert warnings_of(project.build("html")) == ""
    tree = html(project, "papers/p006").select_one("div.sphinxsidebarwrapper")
    links = tree.select("li")
    # four fields, four indices, and the current field's neighbours with the "all" link
    assert len(links) == 4 + 4 + 5 + 1
    assert tree.select_one("a.current").get_text() == "Paper 006: A Study of Things"


def links_from(project: Project, docname: str) -> set[str]:
    """The pages (docnames) a page links to."""
    base = f"https://site/{docname}.html"
    found = set()
    for anchor in html(project, docname).select("a[href]"):
        url = urljoin(base, anchor["href"]).split("#")[0]
        if url.startswith("https://site/") and url.endswith(".html"):
            found.add(url.removeprefix("https://site/").removesuffix(".html"))
    return found


def test_every_note_is_at_most_two_clicks_from_the_landing_page(furo_notes):
    project = furo_notes(60, paper_nav_field_max=4, paper_index_page_max=10)
    project.build("html")
    one_click = links_from(project, "index")
    two_clicks = set().union(*(links_from(project, page) for page in one_click))
    papers = {f"papers/p{n:03d}" for n in range(60)}
    assert papers <= one_click | two_clicks


def sidebars(outdir: Path) -> dict[str, str]:
    out = {}
    for path in sorted(outdir.rglob("*.html")):
        tree = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").select_one(
            "div.sidebar-tree"
        )
        if tree is not None:
            out[path.relative_to(outdir).as_posix()] = str(tree)
    return out


def clean_copy(project: Project, name: str, tmp_path: Path) -> Project:
    root = tmp_path / name
    shutil.copytree(project.srcdir, root, ignore=shutil.ignore_patterns("_build"))
    clean = Project(root, project._make_app)
    clean.build("html", fresh=True)
    return clean


def written(project: Project, before: dict[str, int]) -> set[str]:
    return {page for page, mtime in mtimes(project).items() if before.get(page) != mtime}


def mtimes(project: Project) -> dict[str, int]:
    outdir = project.builddir / "html"
    return {str(p.relative_to(outdir)): p.stat().st_mtime_ns for p in outdir.rglob("*.html")}


def test_a_renamed_paper_is_renamed_in_the_sidebars_that_show_it_and_only_those(
    furo_notes, tmp_path
):
    project = furo_notes(40, paper_nav_field_max=6, paper_nav_neighbours=2)
    project.build("html")
    before = mtimes(project)
    page = project.read("papers/p013.md")
    project.write("papers/p013.md", page.replace("Paper 013: A Study", "Paper 013: Renamed"))
    project.build("html")
    # its neighbours show it (and its field and year pages list it) ...
    assert "Paper 013: Renamed of Things" in str(sidebar(project, "papers/p017"))
    # ... while papers far from it in the same field were left alone
    changed = written(project, before)
    assert {"papers/p013.html", "papers/p017.html"} <= changed
    assert "papers/p009.html" not in changed
    assert len([p for p in changed if p.startswith("papers/")]) < 12
    clean = clean_copy(project, "clean", tmp_path)
    assert sidebars(project.builddir / "html") == sidebars(clean.builddir / "html")


def test_moving_a_paper_updates_every_count_and_both_fields(furo_notes, tmp_path):
    project = furo_notes(20, paper_nav_field_max=4)
    project.build("html")
    text = project.read("papers/p005.md")
    project.write("papers/p005.md", text.replace(":field: Video", ":field: LLM"))
    project.build("html")
    counts = [e for e in entries(sidebar(project, "papers/p002")) if e.startswith("1: ")][:4]
    assert counts == [
        "1: LLM 6",
        "1: Video 4",
        "1: Low-Level Vision 5",
        "1: Reinforcement Learning 5",
    ]
    clean = clean_copy(project, "clean", tmp_path)
    assert sidebars(project.builddir / "html") == sidebars(clean.builddir / "html")


def test_navigation_can_be_turned_off(furo_notes):
    project = furo_notes(12, paper_navigation=False)
    project.build("html")
    # furo's own tree: every paper of every field on every page
    assert len(sidebar(project, "papers/p001").select("li.toctree-l2")) == 12
