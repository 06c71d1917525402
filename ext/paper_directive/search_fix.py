"""Make the Chinese search page work on Sphinx releases before 9.1.1.

Sphinx's Chinese search language stems Latin words with the English
stemmer, but its ``language_data.js`` then says
``window.Stemmer = ChineseStemmer``, a class that does not exist: the
search page stays on "正在搜索中" forever, with ``ChineseStemmer is not
defined`` in the browser console.  This registers the same search
language with the stemmer named correctly, only where the bug is present.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sphinx.search.zh import SearchChinese

if TYPE_CHECKING:
    from sphinx.application import Sphinx


class FixedSearchChinese(SearchChinese):
    """Sphinx's Chinese search, pointing its JavaScript at the stemmer it ships."""

    language_name = "English"


def has_stemmer_bug() -> bool:
    stemmer = SearchChinese.js_stemmer_rawcode
    return bool(stemmer) and not stemmer.startswith(SearchChinese.language_name.lower())


def register(app: Sphinx) -> None:
    if has_stemmer_bug():
        app.add_search_language(FixedSearchChinese)
