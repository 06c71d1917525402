"""The ``paper`` directive renders a paper's header, and the page takes its title."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from conftest import warnings_of


@pytest.fixture
def built(project):
    basic = project("basic")
    app = basic.build("html")
    assert warnings_of(app) == ""
    return basic


def soup(project, docname: str) -> BeautifulSoup:
    return BeautifulSoup(project.output("html", f"{docname}.html"), "html.parser")


def meta(page: BeautifulSoup) -> dict[str, object]:
    """The paper card's field list as {label: <dd> element}."""
    card = page.select_one("div.paper-card")
    assert card is not None, "the page has no paper card"
    labels = [dt.get_text().rstrip(":").strip() for dt in card.select("dl.paper-meta > dt")]
    return dict(zip(labels, card.select("dl.paper-meta > dd"), strict=True))


def test_page_title_comes_from_the_title_option(built):
    page = soup(built, "papers/repvgg")
    assert (
        page.find("h1").get_text().rstrip("¶#") == "RepVGG: Making VGG-Style ConvNets Great Again"
    )
    assert page.title.get_text().startswith("RepVGG: Making VGG-Style ConvNets Great Again")


def test_header_shows_title_link_year_field_authors_venue(built):
    page = soup(built, "papers/repvgg")
    fields = meta(page)
    title = fields["标题"].find("a")
    assert title.get_text() == "RepVGG: Making VGG-Style ConvNets Great Again"
    assert title["href"].startswith(
        "https://openaccess.thecvf.com/content/CVPR2021/html/Ding_RepVGG"
    )
    # year, field and venue: sphinx-design badges, linked where they name a page
    year, field, venue = page.select("div.paper-card p.paper-badges .sd-badge")
    assert year.name == "a" and year.get_text() == "2021"
    assert year["href"] == "../browse/years.html#paper-year-2021"
    assert field.name == "a" and field.get_text() == "Base Model"
    assert field["href"] == "../browse/fields/base-model.html"
    assert venue.name == "span"
    assert "Computer Vision and Pattern Recognition (CVPR)" in venue.get_text()
    assert fields["作者"].get_text(strip=True) == (
        "Xiaohan Ding, Xiangyu Zhang, Ningning Ma, Jungong Han, Guiguang Ding, Jian Sun"
    )
    # without paper_topics, tags are the author's own words
    assert fields["标签"].get_text(strip=True) == "re-parameterization, VGG"


def test_the_year_badge_leads_to_the_papers_of_that_year(built):
    target = soup(built, "browse/years").find(id="paper-year-2021")
    assert target is not None and target.find("h2").get_text().startswith("2021")


def test_cite_block_shows_the_entry_as_bibtex(built):
    block = soup(built, "papers/repvgg").select_one("div.paper-card div.paper-bibtex pre")
    text = block.get_text()
    assert text.startswith("@inproceedings{ding2021repvgg,")
    assert "title = {{RepVGG}: Making {VGG}-style {ConvNets} Great Again}" in text
    assert "author = {Ding, Xiaohan and Zhang, Xiangyu and Ma, Ningning" in text


def test_backlinks_list_the_notes_that_reference_the_paper(built):
    # dbb.rst names RepVGG with the paper role; repvgg.md names ACNet
    repvgg = meta(soup(built, "papers/repvgg"))
    backlinks = repvgg["被以下笔记引用"].find_all("a")
    assert [a.get_text() for a in backlinks] == [
        "Diverse Branch Block: Building a Convolution as an Inception-like Unit"
    ]
    assert backlinks[0]["href"] == "dbb.html#paper-ding2021diverse"
    acnet = meta(soup(built, "papers/acnet"))
    assert [a.get_text() for a in acnet["被以下笔记引用"].find_all("a")] == [
        "RepVGG: Making VGG-Style ConvNets Great Again"
    ]
    raft = meta(soup(built, "papers/raft"))
    assert "被以下笔记引用" not in raft


def test_related_notes_show_on_both_papers(built):
    repvgg = meta(soup(built, "papers/repvgg"))
    dbb = meta(soup(built, "papers/dbb"))
    assert [a.get_text() for a in repvgg["相关笔记"].find_all("a")] == [
        "Diverse Branch Block: Building a Convolution as an Inception-like Unit"
    ]
    assert [a.get_text() for a in dbb["相关笔记"].find_all("a")] == [
        "RepVGG: Making VGG-Style ConvNets Great Again"
    ]


def test_the_note_text_follows_the_header(built):
    body = soup(built, "papers/repvgg").select_one("section")
    items = [li.get_text() for li in body.select("ul.simple > li")]
    assert items[1] == "技术上一言蔽之，把 resblock 通过重参数化改造后变回 3x3 conv"


@pytest.mark.parametrize("builder", ["html", "latex", "epub", "text"])
def test_every_builder_renders_the_pages_without_warnings(project, builder):
    basic = project("basic")
    app = basic.build(builder)
    assert warnings_of(app) == ""
    if builder == "text":
        text = basic.output("text", "papers/repvgg.txt")
        assert "RepVGG: Making VGG-Style ConvNets Great Again" in text
        assert "Xiaohan Ding, Xiangyu Zhang" in text
        assert "@inproceedings{ding2021repvgg," in text
    if builder == "latex":
        tex = basic.output("latex", "basic.tex")
        assert r"\section{RepVGG: Making VGG\sphinxhyphen{}Style ConvNets Great Again}" in tex
        # the cite block is a highlighted literal block
        assert r"\PYG{n+nl}{ding2021repvgg}" in tex
