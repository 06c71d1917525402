"""Field pages, the year index, the cross-reference index, insights and bibliography."""

from __future__ import annotations

import json
import re

from bs4 import BeautifulSoup

from conftest import warnings_of

PAPER = """\
```{{paper}}
:title: {title}
:year: {year}
:link: https://example.org/{key}
:field: {field}
:key: {key}
```

* a note on {key}
"""

BIB = """
@article{{{key},
  author = {{Doe, Jane}},
  title = {{{title}}},
  journal = {{Journal of Tests}},
  year = {{{year}}}
}}
"""


def page(project, docname: str) -> BeautifulSoup:
    return BeautifulSoup(project.output("html", f"{docname}.html"), "html.parser")


def listed(project, docname: str) -> list[str]:
    """The paper list of a generated page: "lead title" per item."""
    items = page(project, docname).select("ul.paper-list > li")
    return [f"{li.find('strong').get_text()} {li.find('a').get_text()}" for li in items]


def add_paper(project, key: str, title: str, year: int, field: str) -> None:
    project.write(f"papers/{key}.md", PAPER.format(key=key, title=title, year=year, field=field))
    bib = project.read("refs.bib") + BIB.format(key=key, title=title, year=year)
    project.write("refs.bib", bib)


def test_field_page_lists_papers_newest_first_then_by_title_with_count(project):
    basic = project("basic")
    add_paper(basic, "zeta2021", "Zeta Nets", 2021, "Base Model")
    assert warnings_of(basic.build("html")) == ""
    assert listed(basic, "browse/fields/base-model") == [
        "2021 Diverse Branch Block: Building a Convolution as an Inception-like Unit",
        "2021 RepVGG: Making VGG-Style ConvNets Great Again",
        "2021 Zeta Nets",
        "2019 ACNet: Strengthening the Kernel Skeletons for Powerful CNN via Asymmetric "
        "Convolution Blocks",
    ]
    field_page = page(basic, "browse/fields/base-model")
    assert field_page.find("h1").get_text().rstrip("¶#") == "Base Model"
    assert field_page.select_one("p.paper-count").get_text() == "共 4 篇"
    assert "Backbones." in field_page.select_one("section").get_text()


def test_root_toctree_lists_fields_in_configured_order(project):
    basic = project("basic")
    basic.build("html")
    index = page(basic, "index")
    captions = [c.get_text() for c in index.select("div.toctree-wrapper p.caption")]
    assert captions[0].startswith("领域")
    fields = index.select("div.toctree-wrapper")[0].select("li.toctree-l1 > a")
    assert [a.get_text() for a in fields] == ["Base Model", "Video", "LLM"]
    assert [a["href"] for a in fields] == [
        "browse/fields/base-model.html",
        "browse/fields/video.html",
        "browse/fields/llm.html",
    ]


def test_field_pages_are_real_documents_in_search_and_latex(project):
    basic = project("basic")
    app = basic.build("html")
    assert "browse/fields/video" in app.env.found_docs
    search = basic.output("html", "searchindex.js")
    index = json.loads(search[search.index("(") + 1 : search.rindex(")")])
    assert "browse/fields/video" in index["docnames"]
    assert warnings_of(basic.build("latex")) == ""
    tex = basic.output("latex", "basic.tex")
    chapters = re.findall(r"\\chapter\{([^}]*)\}", tex)
    assert chapters[:3] == ["Base Model", "Video", "LLM"]
    # the papers are sections of their field's chapter
    video = tex.index(r"\chapter{Video}")
    assert tex.index(r"\section{RAFT: Recurrent All\sphinxhyphen{}Pairs", video) < tex.index(
        r"\chapter{LLM}"
    )


def test_new_paper_appears_in_its_field_on_the_next_build(project):
    basic = project("basic")
    basic.build("html")
    add_paper(basic, "newllm2024", "A New LLM", 2024, "LLM")
    assert warnings_of(basic.build("html")) == ""
    assert listed(basic, "browse/fields/llm") == ["2024 A New LLM"]


def test_changing_the_field_moves_the_paper_but_keeps_its_url(project):
    basic = project("basic")
    basic.build("html")
    basic.write(
        "papers/raft.md", basic.read("papers/raft.md").replace(":field: Video", ":field: LLM")
    )
    assert warnings_of(basic.build("html")) == ""
    assert listed(basic, "browse/fields/video") == []
    assert listed(basic, "browse/fields/llm") == [
        "2020 RAFT: Recurrent All-Pairs Field Transforms for Optical Flow"
    ]
    link = page(basic, "browse/fields/llm").select_one("ul.paper-list a")
    assert link["href"] == "../../papers/raft.html#paper-teed2020raft"


def test_year_index_lists_every_year_newest_first_across_fields(project):
    basic = project("basic")
    basic.build("html")
    years = page(basic, "browse/years")
    headings = [h.get_text().rstrip("¶#") for h in years.select("section section > h2")]
    assert headings == ["2021", "2020", "2019"]
    assert listed(basic, "browse/years") == [
        "Base Model Diverse Branch Block: Building a Convolution as an Inception-like Unit",
        "Base Model RepVGG: Making VGG-Style ConvNets Great Again",
        "Video RAFT: Recurrent All-Pairs Field Transforms for Optical Flow",
        "Base Model ACNet: Strengthening the Kernel Skeletons for Powerful CNN via Asymmetric "
        "Convolution Blocks",
    ]


def links_index(project) -> dict[str, dict[str, list[str]]]:
    """The cross-reference index as {paper: {label: [papers]}}."""
    out: dict[str, dict[str, list[str]]] = {}
    for item_term in page(project, "browse/references").select("dl.paper-links > dt"):
        rows = {}
        for paragraph in item_term.find_next_sibling("dd").find_all("p"):
            label = paragraph.find("strong").get_text()
            rows[label] = [a.get_text() for a in paragraph.find_all("a")]
        out[item_term.get_text()] = rows
    return out


def test_cross_reference_index_shows_both_directions(project):
    basic = project("basic")
    basic.build("html")
    index = links_index(basic)
    repvgg = "RepVGG: Making VGG-Style ConvNets Great Again"
    dbb = "Diverse Branch Block: Building a Convolution as an Inception-like Unit"
    acnet = (
        "ACNet: Strengthening the Kernel Skeletons for Powerful CNN via Asymmetric "
        "Convolution Blocks"
    )
    assert index[repvgg] == {"引用了": [dbb, acnet], "被以下笔记引用": [dbb], "相关笔记": [dbb]}
    assert index[dbb] == {"引用了": [repvgg], "被以下笔记引用": [repvgg], "相关笔记": [repvgg]}
    # only what there is: no empty rows, and no entry for RAFT, which has no links
    assert index[acnet] == {"被以下笔记引用": [repvgg]}
    assert len(index) == 3


def test_general_index_has_each_paper_by_title_field_and_tag_of_no_topic(project):
    basic = project("basic")
    topic = ("re-parameterization", "重参数化", "Re-parameterization")
    app = basic.build("html", confoverrides={"paper_topics": [topic]})
    entries = app.env.domains["index"].entries["papers/repvgg"]
    names = {entry[1] for entry in entries}
    title = "RepVGG: Making VGG-Style ConvNets Great Again"
    # its year and its topic have pages that list it: the index does not repeat them
    assert names == {title, f"Base Model; {title}", f"VGG; {title}"}
    genindex = basic.output("html", "genindex.html")
    assert "Base Model" in genindex and title in genindex
    assert title in basic.output("html", "browse/years.html")
    assert title in basic.output("html", "browse/topics/re-parameterization.html")


def test_bibliography_entries_link_back_to_their_notes(project):
    basic = project("basic")
    assert warnings_of(basic.build("html")) == ""
    bibliography = page(basic, "browse/bibliography")
    citations = bibliography.select("div.citation")
    assert len(citations) == 4
    for citation in citations:
        back = [a for a in citation.find_all("a") if a.get_text() == "阅读笔记"]
        assert len(back) == 1, citation.get_text()
        assert back[0]["href"].startswith("../papers/")


def test_insights_page_groups_every_insight_by_paper(project):
    basic = project("basic")
    basic.build("html")
    insights = page(basic, "browse/insights")
    assert insights.select_one("p.paper-count").get_text() == "共 2 条想法"
    papers = [r.get_text() for r in insights.select("p.rubric")]
    # in site order: Base Model before Video
    assert papers == [
        "RepVGG: Making VGG-Style ConvNets Great Again",
        "RAFT: Recurrent All-Pairs Field Transforms for Optical Flow",
    ]
    boxes = insights.select("div.admonition.insight")
    assert "RAFT 抛弃了前几年光流估计网络中各种莫名其妙的 trick" in boxes[1].get_text()
    back = boxes[1].select_one("p.insight-source a")
    assert back["href"] == "../papers/raft.html#insight-0"
    # a reference inside a copied insight still points at the right page
    mention = next(a for a in boxes[0].find_all("a") if a.get_text() == "DBB")
    assert mention["href"] == "../papers/dbb.html#paper-ding2021diverse"


def test_index_pages_are_in_the_root_toctree(project):
    basic = project("basic")
    basic.build("html")
    index = page(basic, "index")
    indices = index.select("div.toctree-wrapper")[1].select("li.toctree-l1 > a")
    assert [a["href"] for a in indices] == [
        "browse/years.html",
        "browse/references.html",
        "browse/insights.html",
        "browse/bibliography.html",
    ]
