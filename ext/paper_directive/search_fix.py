"""Make the Chinese search page work on Sphinx releases before 9.1.1.

Sphinx's Chinese search language stems Latin words with the English
stemmer, but its ``language_data.js`` then says
``window.Stemmer = ChineseStemmer``, a class that does not exist: the
search page stays on "正在搜索中" forever, with ``ChineseStemmer is not
defined`` in the browser console.  This registers the same search
language with the English stemmer's code inlined and named correctly,
only where the bug is present.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import sphinx.search
from sphinx.search.zh import SearchChinese

if TYPE_CHECKING:
    from sphinx.application import Sphinx

_MINIFIED_JS = Path(sphinx.search.__file__).resolve().parent / "minified-js"


def _english_stemmer_code() -> str:
    return "\n".join(
        (
            (_MINIFIED_JS / "base-stemmer.js").read_text(encoding="utf-8"),
            (_MINIFIED_JS / "english-stemmer.js").read_text(encoding="utf-8"),
            "window.Stemmer = EnglishStemmer;",
        )
    )


class FixedSearchChinese(SearchChinese):
    """Sphinx's Chinese search, with stemmer code that defines what it names."""

    # Without a raw stemmer file, Sphinx writes this code as it is.
    js_stemmer_rawcode = ""
    js_stemmer_code = _english_stemmer_code()


def has_stemmer_bug() -> bool:
    stemmer = SearchChinese.js_stemmer_rawcode
    return bool(stemmer) and not stemmer.startswith(SearchChinese.language_name.lower())


def register(app: Sphinx) -> None:
    if has_stemmer_bug():
        app.add_search_language(FixedSearchChinese)
