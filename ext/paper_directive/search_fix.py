"""Chinese search that works and starts fast, on the Sphinx releases we support.

Several things in Sphinx's Chinese search language are mended here:

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
- It stems every Latin word of every page with the pure-Python Snowball
  stemmer, remembering the stems of one page only: the same few thousand
  words of a site were stemmed again on every page, 3 s of a 2,000-note
  build (and of its main process, which indexes alone in a parallel
  build).  Here a stem is remembered for the whole build.
- It cuts every text of every page with jieba, again on every page: the
  labels, headings, venues, names and titles every paper page repeats
  (参考文献格式, BibTeX, a venue's name) were cut two thousand times in a
  2,000-note build.  Here the cut of a short text is remembered for the
  build (1.3 s of the 2,000-note benchmark; the notes' own sentences are
  longer and cut as before).
- jieba's search mode keeps a long known word whole and adds the words of
  two and three characters inside it, not those of four: a page that says
  离线强化学习 was not found by a search for 强化学习.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import jieba
import sphinx.search
from sphinx.search.zh import SearchChinese

if TYPE_CHECKING:
    from sphinx.application import Sphinx

_MINIFIED_JS = Path(sphinx.search.__file__).resolve().parent / "minified-js"
#: The key of ``html_search_options`` that carries words jieba must keep whole.
WORDS_OPTION = "paper_words"
#: Texts up to this many characters are cut once per build (labels, venues, titles).
REMEMBERED_LENGTH = 40


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

    def __init__(self, options: dict[str, Any]) -> None:
        # an empty path makes SearchChinese skip loading a user dictionary now;
        # jieba loads its main dictionary itself, on the first cut
        super().__init__({**options, "dict": ""})
        self._user_dict: str | None = options.get("dict") or None
        self._words: list[str] | None = list(options.get(WORDS_OPTION, ()))
        self.stemmer = RememberingStemmer(self.stemmer)
        self._cuts: dict[str, tuple[str, ...]] = {}

    def split(self, input: str) -> list[str]:
        if len(input) > REMEMBERED_LENGTH:
            return self._cut(input)
        cut = self._cuts.get(input)
        if cut is None:
            cut = self._cuts[input] = tuple(self._cut(input))
        return list(cut)

    def _cut(self, text: str) -> list[str]:
        if self._words is not None:
            self._load_words()
        terms = super().split(text)
        return terms + [word for term in terms if len(term) > 4 for word in _inner_words(term)]

    def _load_words(self) -> None:
        path, self._user_dict = self._user_dict, None
        if path and Path(path).is_file():
            jieba.load_userdict(path)
        for word in self._words or ():
            jieba.add_word(word)
        self._words = None


class RememberingStemmer:
    """A stemmer that stems each word once per build.

    Stemming is a pure function of the word; what Sphinx decides from the
    stem (keep short acronyms whole) it still decides on every call.
    """

    def __init__(self, stemmer: Any) -> None:
        self._stemmer = stemmer
        self._stems: dict[str, str] = {}

    def stemWord(self, word: str) -> str:  # snowballstemmer's name
        stem = self._stems.get(word)
        if stem is None:
            stem = self._stems[word] = self._stemmer.stemWord(word)
        return stem


def _inner_words(term: str) -> list[str]:
    """The known words of four characters inside a longer word.

    jieba's search mode adds the known words of two and three characters
    inside a long word, not those of four: 离线强化学习 and 基于模型的强化学习
    would hide 强化学习 from a search.
    """
    known = jieba.dt.FREQ
    return [term[i : i + 4] for i in range(len(term) - 3) if known.get(term[i : i + 4])]


def add_topic_words(app: Sphinx) -> None:
    """``builder-inited``: the topics' Chinese names are words, whole in the index.

    jieba cuts a name it does not know (结构重参数化) into pieces a search for
    the name never matches; the search language adds them to jieba's words.
    """
    from .domain import PaperDomain

    domain = cast(PaperDomain, app.env.domains["paper"])
    words = sorted({topic.zh for topic in domain.topics})
    if words:
        app.config.html_search_options = {**app.config.html_search_options, WORDS_OPTION: words}


def register(app: Sphinx) -> None:
    app.add_search_language(PaperSearchChinese)
    app.connect("builder-inited", add_topic_words)
