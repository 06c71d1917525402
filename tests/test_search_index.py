"""The Chinese search index: built from jieba's dictionary, with a stemmer that exists.

The browser tests show the search page working; these show why, without a browser.
"""

from __future__ import annotations

import json
import re

from conftest import warnings_of


def search_index(project) -> dict:
    text = project.output("html", "searchindex.js")
    return json.loads(text[text.index("(") + 1 : text.rindex(")")])


def test_chinese_terms_are_indexed_without_a_user_dictionary(project):
    basic = project("basic")
    assert warnings_of(basic.build("html")) == ""
    terms = search_index(basic)["terms"]
    assert "光流" in terms  # from the RAFT note, cut by jieba's own dictionary
    assert "repvgg" in terms or "RepVGG" in terms


def test_language_data_names_a_stemmer_it_defines(project):
    basic = project("basic")
    basic.build("html")
    language_data = basic.output("html", "_static/language_data.js")
    named = re.search(r"window\.Stemmer = (\w+);", language_data).group(1)
    assert re.search(
        rf"\bvar {named}\s*=|\bfunction {named}\b|\b{named}\s*=\s*function", language_data
    ), named


def test_a_label_every_paper_page_shows_is_cut_into_words_once_per_build(project, monkeypatch):
    """jieba is pure Python: the texts every paper page repeats are cut once, not once a page."""
    import sphinx.search.zh

    cut: list[str] = []
    real_cut = sphinx.search.zh.cut_for_search

    def counting(text: str, *args: object, **kwargs: object) -> object:
        cut.append(text)
        return real_cut(text, *args, **kwargs)

    monkeypatch.setattr(sphinx.search.zh, "cut_for_search", counting)
    basic = project("basic")
    basic.build("html")
    label = "参考文献格式"  # the cite block's tab on every paper page
    pages = list((basic.builddir / "html" / "papers").glob("*.html"))
    assert len(pages) > 1 and all(label in p.read_text(encoding="utf-8") for p in pages)
    assert cut.count(label) == 1
    # a note's own sentences are cut as before, and found
    terms = search_index(basic)["terms"]
    assert "参考" in terms and isinstance(terms["参考"], list) and len(terms["参考"]) > 1


def test_each_latin_word_is_stemmed_once_per_build(project, monkeypatch):
    """The Snowball stemmer is pure Python: the site's words are stemmed once, not once a page."""
    import snowballstemmer
    import sphinx.search.zh

    stemmed: list[str] = []
    real_stemmer = snowballstemmer.stemmer

    class Counting:
        def __init__(self) -> None:
            self._real = real_stemmer("english")

        def stemWord(self, word: str) -> str:
            stemmed.append(word)
            return self._real.stemWord(word)

    monkeypatch.setattr(sphinx.search.zh.snowballstemmer, "stemmer", lambda name: Counting())
    basic = project("basic")
    basic.build("html")
    assert stemmed, "the pages' Latin words go through the stemmer"
    assert len(stemmed) == len(set(stemmed))
    terms = search_index(basic)["terms"]
    # stems, as Sphinx's own Chinese search writes them, and found on several pages
    assert "proceed" in terms and "proceedings" not in terms  # the venues' "Proceedings"
    assert isinstance(terms["proceed"], list) and len(terms["proceed"]) > 1
