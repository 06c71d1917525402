"""Pages that are not text in the source encoding: reported, and left out of the build.

Sphinx decodes a page when it reads it and ends the whole build with a
``UnicodeDecodeError`` traceback on the first page saved in another
encoding.  Here every page about to be read is decoded first
(``env-get-outdated``); one that cannot be, or that holds NUL bytes (a
binary file), is reported with its path and the line of the first bad byte,
taken out of the set of documents, and every other page is built.  Once
fixed it is found again on the next build, like a new page.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .i18n import __
from .problems import Finding, Problem, report

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment


def encoding_name(encoding: str) -> str:
    """How to name an encoding to a person: ``UTF-8`` rather than ``utf-8-sig``."""
    import codecs

    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return encoding
    return "UTF-8" if name in ("utf-8", "utf-8-sig") else name


def decode_page(data: bytes, encoding: str) -> tuple[str | None, int, Finding | None]:
    """The text of a page's bytes; or None, the line of the first bad byte, and why."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        return (
            None,
            line,
            Finding(
                "unreadable",
                __(
                    "this page is not %s text (byte 0x%02x in line %d), so it is left out of "
                    "the site; save it as %s"
                )
                % (encoding_name(encoding), data[error.start], line, encoding_name(encoding)),
            ),
        )
    except LookupError:
        return None, 1, Finding("unreadable", __("unknown source_encoding %r") % encoding)
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        return (
            None,
            line,
            Finding(
                "unreadable",
                __(
                    "this page holds NUL bytes (line %d): it is not a text file, so it is left "
                    "out of the site"
                )
                % line,
            ),
        )
    return text, 0, None


def read_page(path: Path, encoding: str) -> tuple[str | None, Problem | None]:
    """A page's text, or the problem that keeps it from being read."""
    try:
        data = path.read_bytes()
    except OSError as error:
        finding = Finding(
            "unreadable",
            __("this page cannot be read (%s), so it is left out of the site") % error.strerror,
        )
        return None, Problem.at(str(path), 1, finding)
    text, line, problem = decode_page(data, encoding)
    if problem is not None:
        return None, Problem.at(str(path), line, problem)
    return text, None


def leave_out_unreadable(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """``env-get-outdated``: report the pages about to be read that cannot be, and drop them.

    Only new and changed pages are decoded: an unchanged page was read last time.
    """
    encoding = app.config.source_encoding
    for docname in sorted(added | changed):
        _text, problem = read_page(Path(env.doc2path(docname)), encoding)
        if problem is None:
            continue
        report(problem)
        added.discard(docname)
        changed.discard(docname)
        env.project.docnames.discard(docname)
        if docname in env.all_docs:
            removed.add(docname)  # it was readable before: its old page goes
    return []


def register(app: Sphinx) -> None:
    # before the handler that remembers which documents were removed (500)
    app.connect("env-get-outdated", leave_out_unreadable, priority=400)
