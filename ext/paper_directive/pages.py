"""The pages the extension writes into the source tree before every build.

Field pages and the year index carry toctrees and section headings, which
Sphinx collects while reading; in a parallel build no reader sees every
paper, so these pages are written beforehand from a plain scan of the
sources (:mod:`.source_scan`), as ``sphinx.ext.autosummary`` writes its
stubs.  They are real documents: in the toctree, the search index and the
PDF.  A page is rewritten only when its text changes, so an unchanged site
rebuilds nothing.  The lists inside them are placeholders filled from the
domain after reading (:mod:`.transforms`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, cast

from sphinx.project import Project
from sphinx.util import logging

from .bibtex import bibliography_entries
from .directives import plausible_year
from .domain import NO_PAPER, PaperDomain, ScanMemo, _, year_label
from .fields import UNFILED_SLUG, FieldSpec, discovered_fields, listed_field, parse_fields
from .model import ScannedPage, newest_first
from .overview import OVERVIEW, overview_page
from .page_tables import PageTable
from .source_scan import scan_paper_options
from .topics import TopicSpec

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

logger = logging.getLogger(__name__)

#: What the first line of every generated file says; only such files are ever deleted.
GENERATED_NOTE = "This page is written by paper_directive at every build; edits are lost."
#: The first line of a generated page in reStructuredText, and of one in MyST.
GENERATED_MARKER = ".. " + GENERATED_NOTE
GENERATED_MARKER_MYST = "% " + GENERATED_NOTE


def scan_sources(
    srcdir: Path, config: Config, memo: dict[str, ScanMemo] | None = None
) -> list[ScannedPage]:
    """Every page with a ``paper`` directive, read without Sphinx.

    With *memo* (what the last scan read, by each file's modification time
    and size), only files that changed are read again; *memo* is brought up
    to date.  An unchanged site of thousands of notes is then scanned in the
    time it takes to list its files.
    """
    pages_dir = config.paper_pages_dir
    project = Project(srcdir, config.source_suffix)
    excluded = [*config.exclude_patterns, *config.templates_path, f"{pages_dir}/**"]
    found = []
    seen: dict[str, ScanMemo] = {}
    for docname in sorted(project.discover(excluded, config.include_patterns)):
        path = Path(project.doc2path(docname, absolute=True))
        try:
            stat = path.stat()
        except OSError:
            continue  # Sphinx reports unreadable sources itself
        known = memo.get(docname) if memo is not None else None
        if known is not None and known[:2] == (stat.st_mtime_ns, stat.st_size):
            scanned = known[2]
        else:
            scanned = _scan_file(docname, path)
        seen[docname] = (stat.st_mtime_ns, stat.st_size, scanned)
        if scanned is not None:
            found.append(scanned)
    if memo is not None:
        memo.clear()
        memo.update(seen)
    return found


def _scan_file(docname: str, path: Path) -> ScannedPage | None:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None  # Sphinx reports unreadable sources itself
    if "paper" not in text:
        return None
    scanned = scan_paper_options(text, path.suffix)
    if scanned is None:
        return None
    options = scanned.options
    return ScannedPage(
        docname=docname,
        title=options.get("title", "").strip() or docname,
        year=plausible_year(options.get("year", "").strip()),
        field_text=options.get("field", "").strip(),
    )


def _rst_escape(text: str) -> str:
    return re.sub(r"([\\`*_|\[\]<>:])", r"\\\1", text)


def _heading(text: str, underline: str) -> str:
    # East Asian characters are two columns wide: be generous with the underline
    return f"{_rst_escape(text)}\n{underline * max(4, 2 * len(text) + 2)}\n"


def field_page(spec: FieldSpec, papers: list[ScannedPage]) -> str:
    entries = "\n".join(f"   /{page.docname}" for page in papers)
    parts = [
        GENERATED_MARKER,
        "",
        f".. _paper-field-{spec.slug}:",
        "",
        _heading(spec.name, "="),
    ]
    if spec.description:
        parts += [spec.description, ""]
    parts += [
        ".. paper-list::",
        f"   :field: {spec.slug}",
        "",
        ".. paper-graph::",
        f"   :field: {spec.slug}",
        "",
    ]
    if papers:
        parts += [".. toctree::", "   :hidden:", "", entries, ""]
    return "\n".join(parts)


def years_page(pages: list[ScannedPage]) -> str:
    years = sorted({page.year for page in pages}, key=lambda y: (y is None, -(y or 0)))
    parts = [GENERATED_MARKER, "", ":orphan:", "", ".. _paper-years:", ""]
    parts.append(_heading(_("Papers by year"), "="))
    parts += [".. paper-timeline::", ""]
    for year in years:
        label = year_label(year)
        parts += [
            f".. _paper-year-{label}:",
            "",
            _heading(_year_title(label), "-"),
            ".. paper-list::",
            f"   :year: {label}",
            "",
        ]
    return "\n".join(parts)


def topic_pages(topics: tuple[TopicSpec, ...], language: str | None) -> dict[str, str]:
    """The topics index and a page per topic, named in both languages."""
    out = {
        "topics.rst": _index_page(
            "paper-topics",
            _("Topics"),
            [
                ".. paper-topics::",
                "",
                ".. toctree::",
                "   :hidden:",
                "",
                *(f"   topics/{topic.slug}" for topic in topics),
            ],
        )
    }
    for topic in topics:
        body = [_rst_escape(topic.description), ""] if topic.description else []
        body += [".. paper-list::", f"   :topic: {topic.slug}"]
        out[f"topics/{topic.slug}.rst"] = _index_page(
            f"paper-topic-{topic.slug}", topic.label(language), body
        )
    return out


def _index_page(label: str, title: str, body: list[str]) -> str:
    # orphan: a site may leave the indices out of its toctree without a warning
    return "\n".join(
        [GENERATED_MARKER, "", ":orphan:", "", f".. _{label}:", "", _heading(title, "="), *body, ""]
    )


def _toctree(entries: Iterable[str]) -> list[str]:
    return [".. toctree::", "   :maxdepth: 1", "", *(f"   {entry}" for entry in entries), ""]


def _year_labels(pages: list[ScannedPage]) -> list[str]:
    years = sorted({page.year for page in pages}, key=lambda y: (y is None, -(y or 0)))
    return [year_label(year) for year in years]


def _year_title(label: str) -> str:
    return _("Year unknown") if label == "unknown" else label


def bibliography_letter(key: str) -> str:
    """The page of the split bibliography a key is listed on: its first letter, or ``other``."""
    first = key[:1].lower()
    return first if "a" <= first <= "z" else "other"


def _bibliography_filter(letter: str) -> str:
    # sphinxcontrib-bibtex's filter language; its % is a case-blind regex search
    return 'not key % "^[a-z]"' if letter == "other" else f'key % "^{letter}"'


def single_index_pages(pages: list[ScannedPage]) -> dict[str, str]:
    """The year, cross-reference, insight and bibliography pages, one page each."""
    return {
        "years.rst": years_page(pages),
        "references.rst": _index_page(
            "paper-references", _("Cross-references"), [".. paper-links::"]
        ),
        "insights.rst": _index_page("paper-insights", _("Insights"), [".. paper-insights::"]),
        "bibliography.rst": _index_page(
            "paper-bibliography",
            _("Bibliography"),
            [".. paper-downloads::", "", ".. bibliography::", "   :all:"],
        ),
    }


def split_index_pages(pages: list[ScannedPage], bib_keys: Iterable[str]) -> dict[str, str]:
    """The same indices for a large site: a page per year, the bibliography a page per letter.

    Each overview page keeps its name (links to it stay valid) and leads to
    its parts through a toctree, so the sidebar, the PDF and search see them.
    """
    labels = _year_labels(pages)
    out: dict[str, str] = {}
    for name, title, directive, intro in (
        ("years", _("Papers by year"), "paper-list", [".. paper-timeline::", ""]),
        ("references", _("Cross-references"), "paper-links", []),
        (
            "insights",
            _("Insights"),
            "paper-insights",
            [f".. paper-insights::\n   :year: {NO_PAPER}", ""],
        ),
    ):
        out[f"{name}.rst"] = _index_page(
            f"paper-{name}", title, [*intro, *_toctree(f"{name}/{label}" for label in labels)]
        )
        for label in labels:
            out[f"{name}/{label}.rst"] = _index_page(
                f"paper-{name}-{label}",
                _year_title(label),
                [f".. {directive}::", f"   :year: {label}"],
            )
    letters = sorted(
        {bibliography_letter(key) for key in bib_keys},
        key=lambda letter: (letter == "other", letter),
    )
    out["bibliography.rst"] = _index_page(
        "paper-bibliography",
        _("Bibliography"),
        [".. paper-downloads::", "", *_toctree(f"bibliography/{letter}" for letter in letters)],
    )
    for letter in letters:
        prefix = "#" if letter == "other" else letter.upper()
        out[f"bibliography/{letter}.rst"] = _index_page(
            f"paper-bibliography-{letter}",
            _("Other") if letter == "other" else letter.upper(),
            [
                ".. bibliography::",
                f"   :filter: {_bibliography_filter(letter)}",
                f"   :labelprefix: {prefix}",
            ],
        )
    return out


def generated_pages(
    config: Config,
    pages: list[ScannedPage],
    bib_keys: Iterable[str] = (),
    topics: tuple[TopicSpec, ...] = (),
) -> dict[str, str]:
    """Every generated page, by path relative to the pages folder."""
    fields = parse_fields(config.paper_fields)
    members: dict[str, list[ScannedPage]] = {spec.slug: [] for spec in fields}
    members[UNFILED_SLUG] = []
    for page in pages:
        members[listed_field(fields, page.field_text)].append(page)
    for group in members.values():
        group.sort(key=lambda p: newest_first(p.year, p.title, p.docname))

    out = {f"fields/{spec.slug}.rst": field_page(spec, members[spec.slug]) for spec in fields}
    if members[UNFILED_SLUG]:
        unfiled = FieldSpec(_("Unfiled"), UNFILED_SLUG, _("Papers whose field is not configured."))
        out[f"fields/{UNFILED_SLUG}.rst"] = field_page(unfiled, members[UNFILED_SLUG])
    if len(pages) > config.paper_index_page_max:
        out.update(split_index_pages(pages, bib_keys))
    else:
        out.update(single_index_pages(pages))
    if topics:
        out.update(topic_pages(topics, config.language))
    out[OVERVIEW] = overview_page(GENERATED_MARKER_MYST, fields, pages, config.paper_pages_dir)
    return out


def write_pages(root: Path, pages: dict[str, str]) -> list[str]:
    """Write *pages* under *root* where their text changed; remove stale generated pages.

    Returns the paths written, for the log.
    """
    written = []
    for relative, text in pages.items():
        path = root / relative
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(relative)
    if root.is_dir():
        for path in sorted(p for p in root.rglob("*") if p.suffix in (".rst", ".inc")):
            relative = path.relative_to(root).as_posix()
            if relative in pages:
                continue
            with path.open(encoding="utf-8") as file:
                if file.readline().rstrip("\n") in (GENERATED_MARKER, GENERATED_MARKER_MYST):
                    path.unlink()
                    written.append(relative + " (removed)")
                    if path.parent != root and not any(path.parent.iterdir()):
                        path.parent.rmdir()  # a split index joined again
    return written


def derive_fields(app: Sphinx, config: Config) -> None:
    """``config-inited``: without ``paper_fields``, the fields are those the pages name."""
    if not config.paper_fields:
        config.paper_fields = discovered_fields(scan_sources(Path(app.srcdir), config))


def generate(app: Sphinx) -> None:
    """``builder-inited``: bring the generated pages up to date."""
    config = app.config
    # a source_suffix without .rst is warned about by config_check, at conf.py's line
    root = Path(app.srcdir) / config.paper_pages_dir
    domain = cast(PaperDomain, app.env.domains["paper"])
    scanned = scan_sources(Path(app.srcdir), config, domain.data.setdefault("scans", PageTable()))
    # kept for the paper directives, which check that the scan placed them;
    # parallel readers are forked after this and inherit it
    domain.scanned_pages = {page.docname: page for page in scanned}
    bib_keys = bibliography_entries(app.env).keys()
    pages = generated_pages(config, scanned, bib_keys, domain.topics)
    domain.index_split = len(scanned) > config.paper_index_page_max
    if domain.index_split and not config.html_split_index:
        # the general index lists every paper under its title, field and year:
        # a large site's, like its other indices, is split (by letter)
        config.html_split_index = True
    for relative in write_pages(root, pages):
        logger.verbose("paper_directive: wrote %s/%s", config.paper_pages_dir, relative)
