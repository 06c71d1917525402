"""``paper-notes init DIR``: start a notes site for another researcher.

It writes what this repository has, reduced to what a new site needs:
``docs/conf.py`` with the researcher's fields and language, a landing page,
an empty ``refs.bib``, a ``noxfile.py``, a ``.readthedocs.yaml``, the
requirements both build from, and a README with the two commands of the
daily work.  The site builds without a warning at once (no paper yet) and
after each ``paper-notes new``.  Nothing that exists is overwritten.

The files are templates shipped in the package (``notes/templates/``); what
depends on the language (Chinese search and fonts, EPUB's language tag, the
landing page's words) is filled in here.
"""

from __future__ import annotations

import argparse
import datetime
import json
import string
import sys
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from paper_directive.fields import FieldSpec, parse_fields, slugify
from paper_directive.notes.command import Command
from paper_directive.notes.importer import NotesError, latex_escape

LANGUAGES = ("zh_CN", "en")

#: The files of a new site: where each goes, from which template.
SITE_FILES = (
    ("docs/conf.py", "conf.py.tmpl"),
    ("docs/index.md", "index.md.tmpl"),
    ("refs.bib", None),
    ("noxfile.py", "noxfile.py.tmpl"),
    (".readthedocs.yaml", "readthedocs.yaml.tmpl"),
    ("requirements.txt", "requirements.txt.tmpl"),
    (".gitignore", "gitignore.tmpl"),
    ("README.md", "README.md.tmpl"),
)

#: What a Chinese site adds: Chinese search (jieba) and CJK fonts in the PDF.
_CHINESE_HTML = """html_search_language = "zh"
"""
_CHINESE_PREAMBLE = r"""
% The notes are Chinese whatever language the labels are in (Read the Docs
% builds with -D language=en when its project is left at English).
\usepackage{xeCJK}
% Noto CJK where installed (Read the Docs, Debian's fonts-noto-cjk),
% otherwise TeX Live's Fandol fonts.
\IfFontExistsTF{Noto Serif CJK SC}{%
  \setCJKmainfont{Noto Serif CJK SC}[BoldFont={Noto Serif CJK SC Bold}]%
  \setCJKsansfont{Noto Sans CJK SC}[BoldFont={Noto Sans CJK SC Bold}]%
  \setCJKmonofont{Noto Sans Mono CJK SC}%
}{}
"""

_WORDS = {
    "zh_CN": {
        "intro": "论文阅读笔记：每篇论文一页，按领域与年份浏览，共 {paper-count}`all` 篇。",
        "intro_readme": "论文阅读笔记，用 paper-notes 写成：每篇论文一页，按领域与年份浏览。",
        "readthedocs": "Simplified Chinese (zh-cn)",
    },
    "en": {
        "intro": "Paper-reading notes: one page per paper, by field and year; "
        "{paper-count}`all` so far.",
        "intro_readme": "Paper-reading notes written with paper-notes: one page per paper, "
        "by field and year.",
        "readthedocs": "English (en), Read the Docs' default",
    },
}


@dataclass(frozen=True)
class SiteSettings:
    """What a new site is made of."""

    title: str
    author: str
    language: str
    fields: tuple[FieldSpec, ...]


def parse_field_option(values: list[str]) -> tuple[FieldSpec, ...]:
    """``--field NAME`` or ``--field NAME=slug`` options as fields (a Chinese name needs a slug)."""
    items = []
    for value in values:
        name, _, slug = value.partition("=")
        items.append((name.strip(), slug.strip()))
    try:
        return parse_fields(items)
    except ValueError as error:
        message = str(error).removeprefix("paper_fields: ")
        raise NotesError(f"--field: {message} (write it as --field 'NAME=slug')") from None


def _template(name: str) -> string.Template:
    text = files("paper_directive.notes").joinpath("templates", name).read_text(encoding="utf-8")
    return string.Template(text)


def _requirement() -> str:
    from paper_directive import __version__

    if "unknown" in __version__:  # run from a source tree: no released version to pin
        return "paper-notes[docs]"
    return f"paper-notes[docs]=={__version__}"


def _python(value: object) -> str:
    """*value* as a Python literal in the house style (double quotes, Chinese kept)."""
    return json.dumps(value, ensure_ascii=False)


def _python_fields(fields: tuple[FieldSpec, ...]) -> str:
    if not fields:
        return "[]  # none yet: the fields the pages name, alphabetically"
    lines = [f"    {_python({'name': spec.name, 'slug': spec.slug})}," for spec in fields]
    return "[\n" + "\n".join(lines) + "\n]"


def render_site(settings: SiteSettings) -> dict[str, str]:
    """The new site's files, by path relative to its folder."""
    chinese = settings.language == "zh_CN"
    words = _WORDS[settings.language]
    year = datetime.date.today().year
    values = {
        "title_comment": settings.title,
        "project": _python(settings.title),
        "author": _python(settings.author),
        "copyright": _python(f"{year}, {settings.author}"),
        "language": _python(settings.language),
        "fields": _python_fields(settings.fields),
        "title": _python(settings.title),
        "html_language": _CHINESE_HTML if chinese else "",
        "tex_file": _python(f"{slugify(settings.title) or 'notes'}.tex"),
        "tex_title": _python(latex_escape(settings.title)),
        "tex_author": _python(latex_escape(settings.author)),
        "latex_preamble": _CHINESE_PREAMBLE if chinese else "",
        "epub_language": _python("zh-CN" if chinese else "en"),
        "heading": settings.title,
        "intro": words["intro"],
        "intro_readme": words["intro_readme"],
        "readthedocs_language": words["readthedocs"],
        "requirement": _requirement(),
        "first_field": settings.fields[0].name if settings.fields else "FIELD",
    }
    site: dict[str, str] = {}
    for path, template in SITE_FILES:
        site[path] = "" if template is None else _template(template).substitute(values)
    return site


def init_site(folder: Path, settings: SiteSettings) -> list[Path]:
    """Write a new site into *folder* (new or empty); the files written."""
    if folder.exists() and not folder.is_dir():
        raise NotesError(f"{folder}: not a folder")
    if folder.is_dir() and any(folder.iterdir()):
        raise NotesError(f"{folder}: not empty; init starts a site in a new or empty folder")
    written = []
    for relative, text in render_site(settings).items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    (folder / "docs" / "papers").mkdir(exist_ok=True)
    return written


# --------------------------------------------------------------------------
# The command


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", type=Path, metavar="DIR", help="the new site's folder")
    parser.add_argument("--title", help="the site's title (default: the folder's name)")
    parser.add_argument("--author", help="whose notes these are (default: the title)")
    parser.add_argument(
        "--language",
        choices=LANGUAGES,
        default="zh_CN",
        help="the language of the site's labels (default: zh_CN)",
    )
    parser.add_argument(
        "--field",
        action="append",
        default=[],
        metavar="NAME[=slug]",
        help="a field, in order (repeat the option); a name that is not ASCII needs a slug: "
        "--field '视频=video'",
    )


def _run(args: argparse.Namespace) -> int:
    folder: Path = args.folder
    title = args.title or folder.resolve().name
    settings = SiteSettings(
        title=title,
        author=args.author or title,
        language=args.language,
        fields=parse_field_option(args.field),
    )
    written = init_site(folder, settings)
    for path in written:
        print(f"wrote {path}", file=sys.stderr)
    print(folder)
    return 0


COMMAND = Command(
    name="init",
    help="start a new notes site in DIR: conf.py, landing page, refs.bib, noxfile, Read the Docs",
    description="Start a site of paper-reading notes in DIR (new or empty): docs/conf.py with "
    "the fields and the language, docs/index.md, an empty refs.bib, noxfile.py, "
    ".readthedocs.yaml, requirements.txt and a README.  It builds at once; add papers with "
    "'paper-notes new'.",
    configure=_configure,
    run=_run,
)
