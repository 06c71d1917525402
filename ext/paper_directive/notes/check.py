"""``paper-notes check``: every problem a build would warn about, without building.

It reads the settings the build reads (``conf.py``, run as Sphinx runs it),
finds the pages Sphinx would find, and applies the build's own rules to
them: the option checks of :mod:`.paper_rules`, the bibliography loader of
:mod:`.bibliography_loader`, the page decoding of :mod:`.unreadable_pages`,
the settings checks of :mod:`.config_check`, the scan the field pages are
written from (:mod:`.source_scan`).  What the build learns by reading a
page, this learns from :mod:`.page_reading`, MyST's own tokeniser without
docutils.  A test holds its report and a real build's warnings to the same
list on a corpus of malformed notes.

It is meant for CI and editors: one line per problem, ``path:line: message
[paper.subtype]``, or ``--format json``; exit status 1 when there is any
problem.  It takes a fraction of a build's time because it never starts
Sphinx.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from ..bibliography_loader import bibliography_paths, load_bibliography
from ..config_check import (
    read_bibfiles_setting,
    read_fields_setting,
    setting_line,
    source_suffix_finding,
    source_suffixes,
)
from ..fields import FieldSpec, discovered_fields, listed_field, parse_fields
from ..paper_rules import (
    body_in_paper,
    duplicate_key,
    missing_entry,
    paper_list_target,
    read_paper_options,
    second_paper,
    unknown_reference,
    unknown_related,
    unknown_topic,
    unsafe_link,
    unsafe_scheme,
    unscanned_paper,
)
from ..problems import Finding, Problem, is_suppressed
from ..source_scan import scan_paper_options
from ..topics import TopicSpec, parse_topics
from ..unreadable_pages import decode_page
from ..unused_entries import unused_problems
from .page_reading import PageFacts, myst_parser, read_myst, read_rst

#: The shape of ``--format json`` (its ``version``).
JSON_VERSION = 1


class CheckError(Exception):
    """The site cannot be checked at all (no conf.py, or one that does not run)."""


class _Page(NamedTuple):
    docname: str
    path: Path
    suffix: str
    text: str


class _Registered(NamedTuple):
    """A page's paper as the build registers it: the first ``paper`` directive it reads."""

    docname: str
    path: Path
    line: int
    key: str
    related: tuple[str, ...]


def read_conf(srcdir: Path) -> dict[str, Any]:
    """Run ``conf.py`` as Sphinx runs it; its names and values."""
    conf = srcdir / "conf.py"
    if not conf.is_file():
        raise CheckError(f"{conf}: no conf.py here; give the Sphinx source folder with --docs")
    from sphinx.config import eval_config_file
    from sphinx.errors import ConfigError

    try:
        return eval_config_file(conf, tags=_Tags())  # type: ignore[arg-type]
    except ConfigError as error:
        # Sphinx's message carries conf.py's traceback; its last line says what failed
        lines = [line for line in str(error).splitlines() if line.strip()]
        raise CheckError(f"{conf}: conf.py does not run: {lines[-1].strip()}") from error


class _Tags:
    """The ``tags`` object conf.py may ask about, without any tag set (a plain build)."""

    def has(self, tag: str) -> bool:
        return False

    def __contains__(self, tag: str) -> bool:
        return False

    def add(self, tag: str) -> None:
        pass

    def remove(self, tag: str) -> None:
        pass


def discover_pages(srcdir: Path, conf: dict[str, Any]) -> list[tuple[str, Path]]:
    """The documents Sphinx would find, as (docname, path), in name order.

    The pages the extension generates are left out: they are written from
    the sources, and a clean checkout does not have them.
    """
    from sphinx.project import Project

    suffixes = source_suffixes(conf.get("source_suffix", {".rst": "restructuredtext"}))
    if "myst_parser" in conf.get("extensions", []):
        suffixes.setdefault(".md", "markdown")
    excluded = [
        *conf.get("exclude_patterns", []),
        *conf.get("templates_path", []),
        *conf.get("html_static_path", []),
        *conf.get("html_extra_path", []),
        f"{conf.get('paper_pages_dir', 'browse')}/**",
    ]
    project = Project(srcdir, suffixes)
    docnames = project.discover(excluded, conf.get("include_patterns", ["**"]))
    return [(name, Path(project.doc2path(name, absolute=True))) for name in sorted(docnames)]


class SiteCheck:
    """The checks of one site, in the order a build makes them."""

    def __init__(self, srcdir: Path) -> None:
        self.srcdir = srcdir.resolve()
        self.conf_path = self.srcdir / "conf.py"
        self.conf = read_conf(self.srcdir)
        self.problems: list[Problem] = []

    def add(self, path: Path | str, line: int, finding: Finding) -> None:
        self.problems.append(Problem.at(str(path), line, finding))

    def run(self) -> list[Problem]:
        conf = self.conf
        self._check_settings()
        bibfiles = self._bibfiles()
        pages = self._read_pages()
        scanned = {page.docname: self._scan(page) for page in pages}
        fields = self._fields(scanned)
        topics = self._topics()
        md = None
        registered: dict[str, _Registered] = {}
        references: list[tuple[_Page, int, str]] = []
        cited: set[str] = set()
        file_types = self._file_types()
        for page in pages:
            if file_types.get(page.suffix) == "markdown":
                md = md or myst_parser(conf)
                facts = read_myst(page.text, md)
            else:
                facts = read_rst(page.text)
            paper = self._check_papers(page, facts, fields, topics, scanned.get(page.docname))
            if paper is not None:
                registered[page.docname] = paper
            references.extend((page, line, key) for line, key in facts.references)
            for line, options in facts.lists:
                _target, finding = paper_list_target(
                    options.get("field", ""),
                    options.get("year", ""),
                    options.get("topic", ""),
                    fields,
                    topics,
                )
                if finding is not None:
                    self.add(page.path, line, finding)
            for line, address in facts.links:
                if unsafe_scheme(address) is not None:
                    self.add(page.path, line, unsafe_link(address))
            cited.update(facts.cited)
        self._check_duplicates(registered)
        self._check_bibliography(registered, bibfiles, cited)
        by_key: dict[str, _Registered] = {}
        for docname in sorted(registered):
            paper = registered[docname]
            if paper.key:
                by_key.setdefault(paper.key, paper)
        for paper in registered.values():
            for key in paper.related:
                if key not in by_key:
                    self.add(paper.path, paper.line, unknown_related(key))
        for page, line, key in references:
            if key not in by_key:
                self.add(page.path, line, unknown_reference(key))
        suppressed = conf.get("suppress_warnings", [])
        return sorted(
            (p for p in self.problems if not is_suppressed(p.subtype, suppressed)),
            key=lambda p: (p.path, p.line, p.subtype, p.message),
        )

    # --- settings ----------------------------------------------------------

    def _check_settings(self) -> None:
        conf = self.conf
        for name, reader in (
            ("paper_fields", read_fields_setting),
            ("bibtex_bibfiles", read_bibfiles_setting),
        ):
            usable, findings = reader(conf.get(name, [] if name == "paper_fields" else None))
            for finding in findings:
                self.add(self.conf_path, setting_line(self.conf_path, name), finding)
            if usable is not None:
                conf[name] = usable
        suffix_problem = source_suffix_finding(list(source_suffixes(conf.get("source_suffix"))))
        if suffix_problem is not None:
            line = setting_line(self.conf_path, "source_suffix")
            self.add(self.conf_path, line, suffix_problem)

    def _file_types(self) -> dict[str, str]:
        """Each source suffix's file type, as the build's parsers register them."""
        types = source_suffixes(self.conf.get("source_suffix"))
        if "myst_parser" in self.conf.get("extensions", []):
            types.setdefault(".md", "markdown")  # MyST adds it when conf.py does not
        return types

    def _bibfiles(self) -> list[str]:
        return [str(name) for name in self.conf.get("bibtex_bibfiles") or []]

    def _fields(self, scanned: dict[str, str | None]) -> tuple[FieldSpec, ...]:
        value = self.conf.get("paper_fields") or []
        if not value:
            from ..model import ScannedPage

            pages = [ScannedPage(d, "", None, text) for d, text in scanned.items() if text]
            value = discovered_fields(pages)
        return parse_fields(value)

    def _topics(self) -> tuple[TopicSpec, ...]:
        try:
            return parse_topics(self.conf.get("paper_topics") or [])
        except ValueError:
            return ()  # the build leaves the topics out too, and says so

    # --- pages -------------------------------------------------------------

    def _read_pages(self) -> list[_Page]:
        encoding = str(self.conf.get("source_encoding", "utf-8-sig"))
        pages = []
        for docname, path in discover_pages(self.srcdir, self.conf):
            try:
                data = path.read_bytes()
            except OSError:
                continue  # Sphinx itself ignores what it cannot open ("Ignored unreadable")
            text, line, finding = decode_page(data, encoding)
            if finding is not None or text is None:
                if finding is not None:
                    self.add(path, line, finding)
                continue
            pages.append(_Page(docname, path, path.suffix, text))
        return pages

    @staticmethod
    def _scan(page: _Page) -> str | None:
        """The ``:field:`` the scan before a build reads from the page (None: no paper found)."""
        if "paper" not in page.text:
            return None
        scanned = scan_paper_options(page.text, page.suffix)
        return scanned.options.get("field", "").strip() if scanned is not None else None

    def _check_papers(
        self,
        page: _Page,
        facts: PageFacts,
        fields: Sequence[FieldSpec],
        topics: Sequence[TopicSpec],
        scanned_field: str | None,
    ) -> _Registered | None:
        registered: _Registered | None = None
        for paper in facts.papers:
            values, findings = read_paper_options(paper.options, fields, page.docname)
            for finding in findings:
                self.add(page.path, paper.line, finding)
            if registered is None:
                registered = _Registered(
                    page.docname, page.path, paper.line, values.key, values.related
                )
                listed_in = (
                    listed_field(fields, scanned_field) if scanned_field is not None else None
                )
                if listed_in != values.field:
                    self.add(page.path, paper.line, unscanned_paper())
                for tag in values.tags:
                    topic_finding = unknown_topic(tag, topics)
                    if topic_finding is not None:
                        self.add(page.path, paper.line, topic_finding)
            else:
                self.add(page.path, paper.line, second_paper(values.title))
            if paper.has_body:
                self.add(page.path, paper.line, body_in_paper())
        return registered

    def _check_duplicates(self, registered: dict[str, _Registered]) -> None:
        first: dict[str, _Registered] = {}
        for docname in sorted(registered):
            paper = registered[docname]
            if not paper.key:
                continue
            if paper.key in first:
                first_page = first[paper.key].path.relative_to(self.srcdir).as_posix()
                self.add(paper.path, paper.line, duplicate_key(paper.key, first_page))
            else:
                first[paper.key] = paper

    # --- the bibliography --------------------------------------------------

    def _check_bibliography(
        self, registered: dict[str, _Registered], bibfiles: list[str], cited: set[str]
    ) -> None:
        encoding = str(self.conf.get("bibtex_encoding", "utf-8-sig"))
        where = (str(self.conf_path), setting_line(self.conf_path, "bibtex_bibfiles"))
        loaded = load_bibliography(bibliography_paths(self.srcdir, bibfiles), encoding, where)
        self.problems.extend(loaded.problems)
        for paper in registered.values():
            if paper.key:
                finding = missing_entry(paper.key, loaded.data.entries, loaded.rejected, bibfiles)
                if finding is not None:
                    self.add(paper.path, paper.line, finding)
        used = {paper.key for paper in registered.values() if paper.key} | cited
        self.problems.extend(unused_problems(loaded.places, used))
        if used:  # as the build: an empty bibliography matters once a page names a key
            self.problems.extend(loaded.empty)


def check_site(srcdir: Path) -> list[Problem]:
    """Every problem of the site whose ``conf.py`` is in *srcdir*, in file and line order."""
    from sphinx.locale import init_console

    from ..i18n import CATALOG

    # log messages in the language of the user's locale, as Sphinx's console shows them
    init_console(Path(__file__).resolve().parent / "locale", CATALOG)
    return SiteCheck(srcdir).run()


def _shown_path(path: str) -> str:
    """A path as a terminal user wants it: relative to the working folder when inside it."""
    try:
        return os.path.relpath(path) if not os.path.relpath(path).startswith("..") else path
    except ValueError:  # another drive
        return path


def format_text(problems: Iterable[Problem]) -> str:
    return "".join(problem.as_line(_shown_path(problem.path)) + "\n" for problem in problems)


def format_json(problems: Sequence[Problem]) -> str:
    return (
        json.dumps(
            {
                "version": JSON_VERSION,
                "problems": [
                    {
                        "path": _shown_path(problem.path),
                        "line": problem.line,
                        "type": f"paper.{problem.subtype}",
                        "message": problem.message,
                    }
                    for problem in problems
                ],
            },
            ensure_ascii=False,
            indent=2,
        )
        + "\n"
    )
