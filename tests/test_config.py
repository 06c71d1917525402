"""Settings another researcher changes: the fields, where pages go, the language."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from conftest import warnings_of
from paper_directive.fields import FieldSpec, find_field, parse_fields, slugify


def test_fields_are_read_from_names_tuples_and_mappings():
    assert parse_fields(
        ["LLM", ("Low-Level Vision", "llv", "Restoration"), {"name": "视频", "slug": "video"}]
    ) == (
        FieldSpec("LLM", "llm"),
        FieldSpec("Low-Level Vision", "llv", "Restoration"),
        FieldSpec("视频", "video"),
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (["LLM", "llm"], "two fields share the name"),
        ([{"name": "视频"}], "needs a slug"),
        ([("A", "Bad Slug")], "needs a slug"),
        ([42], "cannot read"),
    ],
)
def test_a_bad_field_list_is_refused_with_the_reason(value, message):
    with pytest.raises(ValueError, match=message):
        parse_fields(value)


def test_a_page_names_its_field_by_name_or_slug_in_any_case():
    fields = parse_fields(["Low-Level Vision"])
    assert find_field(fields, "low-level vision") == find_field(fields, "LOW-LEVEL-VISION")
    assert find_field(fields, "vision") is None
    assert slugify("Reﬂection Removal") == "reflection-removal"


def test_without_paper_fields_the_fields_are_those_the_pages_name(project):
    basic = project("basic")
    basic.write(
        "conf.py",
        basic.read("conf.py").replace("paper_fields = [", "unused_fields = ["),
    )
    app = basic.build("html")
    assert warnings_of(app) == ""
    assert [f.name for f in app.env.domains["paper"].fields] == ["Base Model", "Video"]
    index = BeautifulSoup(basic.output("html", "index.html"), "html.parser")
    fields = index.select("div.toctree-wrapper")[0].select("li.toctree-l1 > a")
    assert [a.get_text() for a in fields] == ["Base Model", "Video"]


def test_generated_pages_can_live_elsewhere(project):
    basic = project("basic")
    app = basic.build("html", confoverrides={"paper_pages_dir": "site-index"})
    assert warnings_of(app) == ""
    assert (basic.builddir / "html" / "site-index" / "fields" / "video.html").is_file()
    assert not (basic.srcdir / "browse").exists()


def test_labels_follow_the_site_language(project):
    basic = project("basic")
    basic.build("html", confoverrides={"language": "en"})
    page = BeautifulSoup(basic.output("html", "papers/raft.html"), "html.parser")
    labels = [dt.get_text().rstrip(":") for dt in page.select("dl.paper-meta > dt")]
    # the year, the field and the venue are badges above the rows on the HTML site
    assert labels[:3] == ["Title", "Authors", "Key"]
    assert page.select_one("p.paper-cite").get_text() == "Cite"
    tabs = page.select("div.paper-cite-tabs label")
    assert [tab.get_text(strip=True) for tab in tabs] == ["BibTeX", "Reference"]


def sidebar_labels(html: str) -> tuple[list[str], list[str]]:
    """Sphinx's own sidebar headings and the extension's toctree captions of a page."""
    page = BeautifulSoup(html, "html.parser")
    navigation = [h3.get_text() for h3 in page.select("div.sphinxsidebar h3")]
    captions = [c.get_text() for c in page.select("p.caption span.caption-text")]
    return navigation, captions


@pytest.mark.parametrize("spelling", ["zh-cn", "zh-CN", "zh_CN"])
def test_read_the_docs_spelling_of_chinese_gives_the_chinese_site(project, spelling):
    # Read the Docs passes -D language=zh-cn for a project set to Simplified Chinese
    basic = project("basic")
    app = basic.build("html", confoverrides={"language": spelling})
    assert warnings_of(app) == ""
    assert app.config.language == "zh_CN"
    navigation, captions = sidebar_labels(basic.output("html", "index.html"))
    assert navigation == ["本页", "快速搜索"]  # Sphinx's catalog
    assert captions == ["领域", "索引"]  # the extension's catalog
    raft = BeautifulSoup(basic.output("html", "papers/raft.html"), "html.parser")
    assert raft.select_one("p.paper-cite").get_text() == "引用"
    assert 'lang="zh-CN"' in basic.output("html", "index.html")


@pytest.mark.parametrize("spelling", ["en", "EN"])
def test_read_the_docs_default_language_gives_the_english_site(project, spelling):
    basic = project("basic")
    app = basic.build("html", confoverrides={"language": spelling})
    assert warnings_of(app) == ""
    navigation, captions = sidebar_labels(basic.output("html", "index.html"))
    assert navigation == ["This Page", "Quick search"]
    assert captions == ["Fields", "Indices"]


def test_languages_are_spelled_as_sphinx_and_as_documents_name_them():
    from paper_directive.language import bcp47_tag, sphinx_language

    assert [sphinx_language(c) for c in ("zh-cn", "pt-br", "nb_no", "ja", "EN")] == [
        "zh_CN",
        "pt_BR",
        "nb_NO",
        "ja",
        "en",
    ]
    assert sphinx_language("sr@latin") == "sr@latin"
    assert [bcp47_tag(c) for c in ("zh_CN", "zh-cn", "en")] == ["zh-CN", "zh-CN", "en"]
