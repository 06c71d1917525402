"""``paper-notes import``: write the README's papers as pages of the site.

Import is meant to be run again whenever the author edits the README on
GitHub, so it is careful: a page keeps its file name and citation key once it
has them, a page edited by hand since the last import is left alone unless
forced, nothing is rewritten whose content would not change, and refs.bib is
only ever appended to.

This module also holds what import and export both read from the docs tree:
the site configuration (``conf.py``) and the list of paper pages.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain, count
from pathlib import Path

from paper_directive.fields import FieldSpec, find_field, parse_fields, slugify
from paper_directive.notes.page_format import (
    PageMeta,
    intro_to_page,
    is_pristine,
    render_page,
    replace_intro_section,
)
from paper_directive.notes.readme_format import Paper, ReadmeFormatError, parse_readme
from paper_directive.source_scan import scan_paper_options

#: Slugs are cut to about this many characters, at a word boundary.
SLUG_LENGTH = 40
STUB_NOTE = "Stub written by paper-notes import: complete it from the published record."


class NotesError(Exception):
    """A problem the user must fix (missing file, unreadable conf.py): reported in one line."""


# --------------------------------------------------------------------------
# The docs tree


@dataclass(frozen=True)
class SiteConfig:
    """What import and export need from ``conf.py``."""

    docs_dir: Path
    fields: tuple[FieldSpec, ...]
    bib_files: tuple[Path, ...]

    @property
    def papers_dir(self) -> Path:
        """Where the paper pages live."""
        return self.docs_dir / "papers"


def load_site_config(docs_dir: Path) -> SiteConfig:
    """Read ``paper_fields`` and ``bibtex_bibfiles`` from ``docs_dir/conf.py``.

    The file is executed the way Sphinx executes it, so a conf.py that
    computes its field list works here too.
    """
    from sphinx.config import eval_config_file
    from sphinx.errors import ConfigError
    from sphinx.util.tags import Tags

    conf = docs_dir / "conf.py"
    if not conf.is_file():
        raise NotesError(f"{conf}: no such file (is --docs the Sphinx source directory?)")
    try:
        namespace = eval_config_file(conf.resolve(), Tags())
    except ConfigError as error:
        lines = [line for line in str(error).splitlines() if line.strip()]
        raise NotesError(f"cannot read {conf}: {lines[-1].strip() if lines else error}") from None
    try:
        fields = parse_fields(namespace.get("paper_fields", ()))
    except (TypeError, ValueError) as error:
        raise NotesError(f"{conf}: {error}") from None
    bib_setting = namespace.get("bibtex_bibfiles", ())
    if isinstance(bib_setting, str):
        bib_setting = [bib_setting]
    bib_files = tuple(docs_dir / str(name) for name in bib_setting)
    return SiteConfig(docs_dir, fields, bib_files)


def paper_pages(papers_dir: Path) -> list[Path]:
    """The paper pages (``.md`` and ``.rst``), sorted by name for a stable order."""
    if not papers_dir.is_dir():
        return []
    return sorted(p for p in papers_dir.iterdir() if p.suffix in (".md", ".rst") and p.is_file())


def read_text(path: Path) -> str:
    """A UTF-8 file's text, or a :class:`NotesError` saying why it cannot be read."""
    try:
        return path.read_text(encoding="utf-8-sig")  # as Sphinx reads sources
    except FileNotFoundError:
        raise NotesError(f"{path}: no such file") from None
    except UnicodeDecodeError as error:
        raise NotesError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    except OSError as error:
        raise NotesError(f"{path}: {error.strerror}") from None


def write_if_changed(path: Path, text: str) -> bool:
    """Write *text* unless the file already holds exactly it (so its mtime stays)."""
    if path.is_file() and path.read_bytes() == text.encode("utf-8"):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="")
    return True


# --------------------------------------------------------------------------
# Titles, slugs, keys


def normalise_title(title: str) -> str:
    """A title reduced to what survives formatting: for matching notes to BibTeX.

    LaTeX commands, escapes and braces are dropped, accents are removed
    (so ``Sch\\"{o}lkopf`` and ``Schölkopf`` agree), then NFKC
    (``ﬂ`` → ``fl``), casefold, and only letters and digits are kept, so
    ``{RAFT}: Recurrent`` and ``RAFT: Recurrent`` agree.
    """
    title = _LATEX_MARKUP.sub("", title)
    title = "".join(
        ch for ch in unicodedata.normalize("NFKD", title) if not unicodedata.combining(ch)
    )
    title = unicodedata.normalize("NFKC", title).casefold()
    return "".join(ch for ch in title if ch.isalnum())


_LATEX_MARKUP = re.compile(r"\\[A-Za-z]+\*?|\\.|[{}$]")


def _slug_word(word: str) -> str:
    # "D^2LV" → "d2lv", "ToolChain*" → "toolchain": markers inside a word are not separators.
    return slugify(re.sub(r"[\^*'’]", "", word))


def page_slug(title: str) -> str:
    """The file name (without suffix) for a paper page.

    The short name before the first ``:`` when it has at most three words
    (``RepVGG: Making...`` → ``repvgg``), else the title's first words, cut
    at a word boundary near :data:`SLUG_LENGTH` characters.
    """
    head = title.partition(":")[0]
    if 0 < len(head.split()) <= 3:
        slug = "-".join(filter(None, map(_slug_word, head.split())))
        if slug:
            return slug
    parts: list[str] = []
    for word in title.split():
        part = _slug_word(word)
        if not part:
            continue
        if parts and len("-".join([*parts, part])) > SLUG_LENGTH:
            break
        parts.append(part)
    slug = "-".join(parts)
    if len(slug) > SLUG_LENGTH:  # a single very long word
        cut = slug[:SLUG_LENGTH]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else cut
    return slug.strip("-") or "paper"


def _first_free(candidates: Iterable[str], taken: set[str]) -> str:
    """The first candidate not in *taken* (casefolded), which it is then added to."""
    for candidate in candidates:
        if candidate.casefold() not in taken:
            taken.add(candidate.casefold())
            return candidate
    raise AssertionError("candidates are endless")  # pragma: no cover


def unique_slug(title: str, year: int, taken: set[str]) -> str:
    """A page slug not yet in *taken*: the slug, then with the year, then a number."""
    base = page_slug(title)
    with_year = f"{base}-{year}"
    return _first_free(chain([base, with_year], (f"{with_year}-{n}" for n in count(2))), taken)


def make_key(slug: str, year: int, taken: set[str]) -> str:
    """A new citation key ``<slug without hyphens><year>``, made unique with a letter."""
    base = slug.replace("-", "") + str(year)
    return _first_free(
        chain(
            [base],
            (base + letter for letter in "bcdefghijklmnopqrstuvwxyz"),
            (f"{base}-{n}" for n in count(2)),
        ),
        taken,
    )


# --------------------------------------------------------------------------
# refs.bib

_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "^": r"\^{}",
    "~": r"\~{}",
}
_QUOTED = re.compile(r'"([^"]+)"|“([^”]+)”')


def latex_escape(text: str) -> str:
    """*text* with LaTeX's special characters escaped, for a BibTeX field."""
    return "".join(_LATEX_SPECIALS.get(ch, ch) for ch in text)


def stub_entry(key: str, paper: Paper) -> str:
    """A ``@misc`` entry for a paper refs.bib does not know yet."""
    url = paper.link.replace("{", "%7B").replace("}", "%7D")
    return (
        f"@misc{{{key},\n"
        f"  title = {{{latex_escape(paper.title.strip())}}},\n"
        f"  year = {{{paper.year}}},\n"
        f"  url = {{{url}}},\n"
        f"  note = {{{STUB_NOTE}}}\n"
        "}\n"
    )


@dataclass
class BibIndex:
    """The entries of the site's BibTeX files, by normalised title and by annotation."""

    keys: set[str] = field(default_factory=set)
    by_title: dict[str, str] = field(default_factory=dict)
    by_annote: dict[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, paths: Iterable[Path]) -> BibIndex:
        """Parse each existing file with pybtex."""
        from pybtex.database import parse_string
        from pybtex.exceptions import PybtexError

        index = cls()
        for path in paths:
            if not path.is_file():
                continue
            try:
                data = parse_string(read_text(path), "bibtex")
            except PybtexError as error:
                raise NotesError(f"cannot read {path}: {error}") from None
            for key, entry in data.entries.items():
                index.keys.add(key.casefold())
                title = entry.fields.get("title", "")
                index.by_title.setdefault(normalise_title(title), key)
                for match in _QUOTED.finditer(entry.fields.get("annote", "")):
                    quoted = match.group(1) or match.group(2)
                    index.by_annote.setdefault(normalise_title(quoted), key)
        return index

    def find(self, title: str) -> str | None:
        """The key of the entry for a note titled *title*, if there is one."""
        wanted = normalise_title(title)
        if not wanted:
            return None
        return self.by_title.get(wanted) or self.by_annote.get(wanted)


def append_entries(path: Path, entries: Sequence[str]) -> None:
    """Append *entries* to a BibTeX file, keeping what is there byte for byte."""
    existing = path.read_bytes().decode("utf-8") if path.is_file() else ""
    text = existing
    if text and not text.endswith("\n"):
        text += "\n"
    for entry in entries:
        text += ("\n" if text else "") + entry
    write_if_changed(path, text)


# --------------------------------------------------------------------------
# Existing pages


@dataclass(frozen=True)
class ExistingPage:
    """A page already in ``docs/papers/``, as far as import cares."""

    path: Path
    title: str
    link: str
    key: str


def scan_existing(papers_dir: Path) -> list[ExistingPage]:
    """The paper pages already there, with the options that identify their paper."""
    pages = []
    for path in paper_pages(papers_dir):
        scanned = scan_paper_options(read_text(path), path.suffix)
        options = scanned.options if scanned else {}
        pages.append(
            ExistingPage(
                path, options.get("title", ""), options.get("link", ""), options.get("key", "")
            )
        )
    return pages


def match_existing(
    papers: Sequence[Paper], pages: Sequence[ExistingPage]
) -> list[ExistingPage | None]:
    """For each paper, the existing page that holds it, or None.

    Titles are matched first for every paper, links only afterwards, so a
    paper whose title was edited cannot take the page of another paper that
    happens to share its link.  A page goes to one paper at most.
    """

    def by_title(paper: Paper, page: ExistingPage) -> bool:
        wanted = normalise_title(paper.title)
        return bool(wanted) and normalise_title(page.title) == wanted

    def by_link(paper: Paper, page: ExistingPage) -> bool:
        return bool(paper.link) and page.link == paper.link

    matches: list[ExistingPage | None] = [None] * len(papers)
    claimed: set[Path] = set()
    for same in (by_title, by_link):
        for index, paper in enumerate(papers):
            if matches[index] is not None:
                continue
            page = next((p for p in pages if p.path not in claimed and same(paper, p)), None)
            if page is not None:
                matches[index] = page
                claimed.add(page.path)
    return matches


# --------------------------------------------------------------------------
# Import


@dataclass(frozen=True)
class ImportReport:
    """What an import did, for the command line and for tests.

    ``written``, ``unchanged`` and ``skipped`` are paper pages; the landing
    page is reported apart, as ``index`` and ``index_written``.
    """

    written: tuple[Path, ...] = ()
    unchanged: tuple[Path, ...] = ()
    skipped: tuple[tuple[Path, str], ...] = ()
    stubs: tuple[str, ...] = ()
    bib_path: Path | None = None
    unmentioned: tuple[Path, ...] = ()
    index: Path | None = None
    index_written: bool = False
    messages: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        """One line per event, then a summary line."""
        out = [f"wrote {path}" for path in self.written]
        if self.index_written:
            out.append(f"wrote {self.index}")
        out += [f"skipped {path}: {reason}" for path, reason in self.skipped]
        if self.stubs:
            out.append(f"added stub entries to {self.bib_path}: {', '.join(self.stubs)}")
        out += [f"not in the README, left alone: {path}" for path in self.unmentioned]
        out += list(self.messages)
        out.append(
            f"pages: {len(self.written)} written, {len(self.unchanged)} unchanged, "
            f"{len(self.skipped)} skipped; {len(self.stubs)} stub entries added"
        )
        return out


def import_readme(
    readme_text: str, docs_dir: Path, bib_path: Path | None = None, force: bool = False
) -> ImportReport:
    """Write the README's papers into ``docs_dir/papers`` and its introduction into index.md.

    *bib_path* is the BibTeX file stubs are appended to (default: the first
    of ``bibtex_bibfiles``, else ``docs_dir/refs.bib``); entries are looked up
    in it and in every file ``conf.py`` lists.  With *force*, pages edited by
    hand are overwritten too.
    """
    try:
        readme = parse_readme(readme_text)
    except ReadmeFormatError as error:
        raise NotesError(f"README {error}") from None
    config = load_site_config(docs_dir)
    if bib_path is None:
        bib_path = config.bib_files[0] if config.bib_files else docs_dir / "refs.bib"
    bib = BibIndex.read(dict.fromkeys([bib_path, *config.bib_files]))
    existing = scan_existing(config.papers_dir)

    messages: list[str] = []
    for readme_field in readme.fields:
        if find_field(config.fields, readme_field.name) is None:
            configured = ", ".join(spec.name for spec in config.fields) or "none"
            messages.append(
                f"README field {readme_field.name!r} is not in paper_fields "
                f"(configured: {configured})"
            )

    taken_slugs = {page.path.stem.casefold() for page in existing}
    taken_keys = set(bib.keys) | {page.key.casefold() for page in existing if page.key}
    used_keys: set[str] = set()
    written: list[Path] = []
    unchanged: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    stubs: list[str] = []
    stub_texts: list[str] = []

    papers = readme.papers()
    matches = match_existing([paper for _field, paper in papers], existing)
    for order, ((readme_field, paper), page) in enumerate(zip(papers, matches, strict=True), 1):
        if page is not None:
            path = page.path
            key = page.key
        else:
            path = config.papers_dir / f"{unique_slug(paper.title, paper.year, taken_slugs)}.md"
            key = ""
        if path.suffix != ".md":
            skipped.append((path, "a reStructuredText page: import writes only .md pages"))
            used_keys.add(key.casefold())
            continue
        current = read_text(path) if path.is_file() else None
        if current is not None and not is_pristine(current):
            if not force:
                skipped.append((path, "edited by hand since the last import (use --force)"))
                used_keys.add(key.casefold())  # the page keeps it: no other note may take it
                continue
            messages.append(f"{path}: edited by hand; overwritten (--force)")
        if not key or key.casefold() in used_keys:
            key = bib.find(paper.title) or ""
            if key and key.casefold() in used_keys:
                messages.append(
                    f"{path.name}: refs.bib entry {key!r} is already used by another note"
                )
                key = ""
            if not key:
                key = make_key(path.stem, paper.year, taken_keys)
                stubs.append(key)
                stub_texts.append(stub_entry(key, paper))
        used_keys.add(key.casefold())

        meta = PageMeta(paper.title, paper.year, paper.link, readme_field.name, key, order)
        text = render_page(meta, paper.items)
        if current == text:
            unchanged.append(path)
        else:
            write_if_changed(path, text)
            written.append(path)

    if stub_texts:
        append_entries(bib_path, stub_texts)

    index = docs_dir / "index.md"
    old_index = read_text(index) if index.is_file() else None
    new_index, note = replace_intro_section(old_index, intro_to_page(readme.intro))
    if note:
        messages.append(f"{index}: {note}")
    index_written = write_if_changed(index, new_index)

    return ImportReport(
        written=tuple(written),
        unchanged=tuple(unchanged),
        skipped=tuple(skipped),
        stubs=tuple(stubs),
        bib_path=bib_path,
        unmentioned=tuple(page.path for page in existing if page not in matches),
        index=index,
        index_written=index_written,
        messages=tuple(messages),
    )
