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
