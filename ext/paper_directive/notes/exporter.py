"""``paper-notes export-readme``: the site's pages written back as the README.

The author may prefer to keep editing the README on GitHub, so the site must
give it back.  Export reads what a Sphinx build reads (the ``paper`` options,
through the same option parser, and the items of each page), so the README
it writes is the site's content, sorted the way the site sorts it: by the
configured field order, newest year first, then the README order recorded in
``:order:``, then title.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from paper_directive.fields import find_field
from paper_directive.notes.importer import SiteConfig, load_site_config, paper_pages, read_text
from paper_directive.notes.page_format import intro_from_page, parse_page, read_intro_section
from paper_directive.notes.readme_format import Field, Item, Paper, Readme, render_readme
from paper_directive.source_scan import scan_paper_options

#: Papers without ``:order:`` (written by hand) come after the imported ones of their year.
_NO_ORDER = 10**9


@dataclass(frozen=True)
class _Entry:
    """One exported paper with what it sorts by."""

    field: str
    rank: tuple[int, str]
    order: int
    paper: Paper

    def sort_key(self) -> tuple[tuple[int, str], int, int, str]:
        return (self.rank, -self.paper.year, self.order, self.paper.title)


def export_readme(docs_dir: Path) -> tuple[str, list[str]]:
    """The README text for the site in *docs_dir*, and messages about what did not fit.

    Every message names the page (and line) it is about.  A page that cannot
    be exported (no title, year or field) is left out and reported.
    """
    config = load_site_config(docs_dir)
    messages: list[str] = []
    texts = {path: read_text(path) for path in paper_pages(config.papers_dir)}
    titles = _titles_by_key(texts)

    entries: list[_Entry] = []
    for path, text in texts.items():
        if path.suffix == ".rst":
            scanned = scan_paper_options(text, ".rst")
            options = dict(scanned.options) if scanned else {}
            items: tuple[Item, ...] = ()
            messages.append(
                f"{path}: a reStructuredText page: only its options are exported, not its notes"
            )
        else:
            content = parse_page(text, str(path), titles)
            options, items = dict(content.options), content.items
            messages.extend(content.messages)
        entry = _entry(path, options, items, config, messages)
        if entry is not None:
            entries.append(entry)

    entries.sort(key=_Entry.sort_key)
    fields: list[Field] = []
    for entry in entries:
        if not fields or fields[-1].name != entry.field:
            fields.append(Field(entry.field))
        fields[-1] = Field(entry.field, (*fields[-1].papers, entry.paper))

    intro = _intro(docs_dir / "index.md", messages)
    readme = Readme(tuple(intro_from_page(intro, len(entries))), tuple(fields))
    return render_readme(readme), messages


def _titles_by_key(texts: dict[Path, str]) -> dict[str, str]:
    """Citation key → title, for references written as ``{paper}`key```."""
    titles: dict[str, str] = {}
    for path, text in texts.items():
        scanned = scan_paper_options(text, path.suffix)
        if scanned and scanned.options.get("key"):
            titles[scanned.options["key"]] = scanned.options.get("title", "")
    return titles


def _entry(
    path: Path,
    options: dict[str, str],
    items: tuple[Item, ...],
    config: SiteConfig,
    messages: list[str],
) -> _Entry | None:
    """The exported paper of one page, or None (reported) if it lacks what a heading needs."""
    missing = [name for name in ("title", "year", "field") if not options.get(name, "").strip()]
    if missing:
        names = ", ".join(f":{name}:" for name in missing)
        messages.append(f"{path}: NOT exported: the paper directive has no {names}")
        return None
    year_text = options["year"].strip()
    if not (year_text.isascii() and year_text.isdigit() and len(year_text) == 4):
        messages.append(f"{path}: NOT exported: :year: {year_text!r} is not a four-digit year")
        return None
    if not options.get("link", "").strip():
        messages.append(f"{path}: no :link:, exported with an empty link")
    order_text = options.get("order", "").strip()
    order = int(order_text) if order_text.isascii() and order_text.isdigit() else _NO_ORDER

    spec = find_field(config.fields, options["field"])
    if spec is not None:
        field, rank = spec.name, (config.fields.index(spec), "")
    else:
        field = options["field"].strip()
        rank = (len(config.fields), field.casefold())
        messages.append(f"{path}: field {field!r} is not in paper_fields; exported after them")
    paper = Paper(int(year_text), options["title"], options.get("link", "").strip(), items)
    return _Entry(field, rank, order, paper)


def _intro(index: Path, messages: list[str]) -> list[str]:
    """The README introduction kept on the landing page, or nothing (reported)."""
    if not index.is_file():
        messages.append(f"{index}: no such file; the README has no introduction")
        return []
    section = read_intro_section(read_text(index))
    if section is None:
        messages.append(f"{index}: no README introduction markers; the README has no introduction")
        return []
    return section
