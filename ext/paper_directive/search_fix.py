"""Chinese search that works and starts fast, on the Sphinx releases we support.

Two things in Sphinx's Chinese search language are mended here:

- Before Sphinx 9.1.1 it stems Latin words with the English stemmer but its
  ``language_data.js`` says ``window.Stemmer = ChineseStemmer``, a class that
  does not exist: the search page stays on "正在搜索中" forever, with
  ``ChineseStemmer is not defined`` in the browser console.  Where that bug
  is present, the English stemmer's code is inlined and named correctly.
- Without ``html_search_options["dict"]`` it loads jieba's own main
  dictionary a second time, as a user dictionary: 349,046 words added one
  by one, seconds of every build, for nothing.
- It loads jieba (and the user dictionary) when the search index is set
  up, before it is known whether any page will be indexed: most of a second
  that a rebuild with nothing to write spends for nothing.  Here the
  dictionaries are loaded on the first page indexed.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import jieba
import sphinx.search
from sphinx.search.zh import SearchChinese

if TYPE_CHECKING:
    from sphinx.application import Sphinx

_MINIFIED_JS = Path(sphinx.search.__file__).resolve().parent / "minified-js"


def has_stemmer_bug() -> bool:
    stemmer = SearchChinese.js_stemmer_rawcode
    return bool(stemmer) and not stemmer.startswith(SearchChinese.language_name.lower())


def _english_stemmer_code() -> str:
    return "\n".join(
        (
            (_MINIFIED_JS / "base-stemmer.js").read_text(encoding="utf-8"),
            (_MINIFIED_JS / "english-stemmer.js").read_text(encoding="utf-8"),
            "window.Stemmer = EnglishStemmer;",
        )
    )


class PaperSearchChinese(SearchChinese):
    """Sphinx's Chinese search without the duplicate dictionary load (and stemmer bug)."""

    if has_stemmer_bug():
        # Without a raw stemmer file, Sphinx writes this code as it is.
        js_stemmer_rawcode = ""
        js_stemmer_code = _english_stemmer_code()

    def __init__(self, options: dict[str, str]) -> None:
        # an empty path makes SearchChinese skip loading a user dictionary now;
        # jieba loads its main dictionary itself, on the first cut
        super().__init__({**options, "dict": ""})
        self._user_dict: str | None = options.get("dict") or None

    def split(self, input: str) -> list[str]:
        if self._user_dict is not None:
            path, self._user_dict = self._user_dict, None
            if Path(path).is_file():
                jieba.load_userdict(path)
        return super().split(input)


def register(app: Sphinx) -> None:
    app.add_search_language(PaperSearchChinese)
