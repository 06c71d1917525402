"""The site's language in Sphinx's spelling, whichever spelling it was given in.

Read the Docs passes the project's language on the command line in its own
spelling, lowercase with a hyphen (``-D language=zh-cn``, ``pt-br``), and so
do people who write a BCP 47 tag (``zh-CN``) in ``conf.py``.  Sphinx 9.0
looks its catalogs up under that exact name, finds none, and writes every
label in English: Sphinx's own (the search box, "Indices"), the theme's and
this extension's.  Here the language is rewritten in Sphinx's spelling
(``zh_CN``) as soon as the configuration is read, and the translations that
were already loaded under the other spelling are loaded again.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx import locale

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
_LANGUAGE_REGION = re.compile(r"^(?P<language>[A-Za-z]{2,3})[-_](?P<region>[A-Za-z]{2})$")


def sphinx_language(code: str) -> str:
    """*code* as Sphinx names its catalogs: ``zh-cn`` → ``zh_CN``, ``EN`` → ``en``.

    Only a language with a two-letter region is rewritten; anything else
    (``en``, ``sr@latin``, ``zh_TW.Big5``) is left as it is, apart from a
    plain language code, which is lowercased.
    """
    match = _LANGUAGE_REGION.match(code)
    if match:
        return f"{match['language'].lower()}_{match['region'].upper()}"
    if re.fullmatch(r"[A-Za-z]{2,3}", code):
        return code.lower()
    return code


def bcp47_tag(code: str) -> str:
    """The language as documents outside Sphinx name it (PDF, EPUB): ``zh_CN`` → ``zh-CN``."""
    return sphinx_language(code).replace("_", "-")


def normalise_language(app: Sphinx, config: Config) -> None:
    """Rewrite ``language`` in Sphinx's spelling and reload what was loaded under the old one.

    Sphinx loads its own catalog (``app.translator``, used by the builders'
    templates) before any extension runs, and this extension loads its own in
    ``setup()``; both are loaded again under the new name.
    ``sphinx.locale.init`` ignores a catalog it failed to find before, so
    loading again replaces the empty fallback it recorded.  (A catalog of
    another extension loaded under the old name stays untranslated; none of
    the extensions this site uses has one.)
    """
    given = config.language
    wanted = sphinx_language(given)
    if wanted == given:
        return
    config.language = wanted
    # Sphinx's own loading, which also compiles the project's locale_dirs
    reload_sphinx_catalog: Any = getattr(app, "_init_i18n", None)
    if reload_sphinx_catalog is not None:
        reload_sphinx_catalog()
    from .domain import CATALOG  # not at the top: the domain's modules import this one

    locale.init([LOCALE_DIR], wanted, CATALOG)


def register(app: Sphinx) -> None:
    # before anything else reads the language at config-inited
    app.connect("config-inited", normalise_language, priority=0)
