"""The ``insight`` admonition and the ``paper`` role."""

from __future__ import annotations

from bs4 import BeautifulSoup

from conftest import warnings_of


def page(project, docname: str) -> BeautifulSoup:
    return BeautifulSoup(project.output("html", f"{docname}.html"), "html.parser")


def test_insight_is_an_admonition_of_its_own_class_titled_in_chinese(project):
    basic = project("basic")
    assert warnings_of(basic.build("html")) == ""
    box = page(basic, "papers/raft").select_one("div.admonition.insight")
    assert box.select_one("p.admonition-title").get_text() == "想法"
    assert "RAFT 抛弃了前几年光流估计网络中各种莫名其妙的 trick" in box.get_text()
    # it is not a note: readers tell the author's remarks from the paper's content
    assert "note" not in box["class"]


def test_insight_is_titled_insight_in_an_english_site(project):
    basic = project("basic")
    assert warnings_of(basic.build("html", confoverrides={"language": "en"})) == ""
    box = page(basic, "papers/raft").select_one("div.admonition.insight")
    assert box.select_one("p.admonition-title").get_text() == "Insight"


def test_insight_body_is_full_myst(project):
    basic = project("basic")
    basic.build("html")
    box = page(basic, "papers/repvgg").select_one("div.admonition.insight")
    assert box.find("strong").get_text() == "emphasis"
    assert box.select_one("span.math") is not None or box.select_one("div.math") is not None
    assert [li.get_text(strip=True) for li in box.select("ul > li")] == [
        "first point",
        "second point",
    ]
    assert 'print("insight")' in box.select_one("div.highlight-python pre").get_text()


def test_insight_renders_as_a_box_in_latex(project):
    basic = project("basic")
    assert warnings_of(basic.build("latex")) == ""
    tex = basic.output("latex", "basic.tex")
    # a box of its own, not Sphinx's note box, with an anchor for links to it
    # with the document's language (the PDF's metadata) and Chinese labels for a Chinese site
    assert r"\usepackage[zh-CN,chinese]{paperdirective}" in tex
    assert r"\phantomsection\label{\detokenize{papers/raft:insight-0}}" in tex
    assert "\\begin{paperinsight}{想法}" in tex
    assert (basic.builddir / "latex" / "paperdirective.sty").is_file()


def test_role_links_to_the_paper_with_the_authors_words(project):
    basic = project("basic")
    basic.build("html")
    repvgg = page(basic, "papers/repvgg")
    link = next(a for a in repvgg.select("section li a") if a.get_text() == "ACNet")
    assert link["href"] == "acnet.html#paper-ding2019acnet"
    # the same role in reStructuredText
    dbb = page(basic, "papers/dbb")
    link = next(a for a in dbb.select("section li a") if a.get_text() == "RepVGG")
    assert link["href"] == "repvgg.html#paper-ding2021repvgg"


def test_role_without_text_shows_the_papers_title(project):
    basic = project("basic")
    basic.write(
        "papers/raft.md",
        basic.read("papers/raft.md") + "\n* 比较 {paper}`ding2021repvgg`\n",
    )
    assert warnings_of(basic.build("html")) == ""
    raft = page(basic, "papers/raft")
    link = next(a for a in raft.select("section li a") if "repvgg" in a["href"])
    assert link.get_text() == "RepVGG: Making VGG-Style ConvNets Great Again"


def test_every_reference_is_recorded_for_backlinks(project):
    basic = project("basic")
    app = basic.build("html")
    domain = app.env.domains["paper"]
    recorded = sorted((r.docname, r.key) for refs in domain.references.values() for r in refs)
    assert recorded == [
        ("papers/dbb", "ding2021repvgg"),
        ("papers/repvgg", "ding2019acnet"),
        ("papers/repvgg", "ding2021diverse"),  # from inside an insight
    ]


def test_paper_count_role_counts_all_papers_and_one_field(project):
    basic = project("basic")
    basic.build("html")
    text = page(basic, "index").select_one("section p").get_text()
    assert text == "This site holds 4 notes, 3 of them on base models."
