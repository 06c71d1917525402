"""``paper-notes new``: add a paper to the notes from its BibTeX, arXiv id or DOI.

The page is written with the ``paper`` directive filled in from the entry
(title, year, link) and the site (the field, given or asked; the key the
entry has in ``refs.bib``).  The entry goes into ``refs.bib`` in the file's
normalised form under a key in the file's style, unless the file already
has the paper, whose entry and key are then reused.  The page's path is the
one line written to standard output, so ``$EDITOR "$(paper-notes new ...)"``
opens it; everything else goes to standard error.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

from pybtex.database import Entry

from paper_directive.bibtex import format_stored_entry, latex_to_text
from paper_directive.fields import FieldSpec, find_field
from paper_directive.notes.bibfile import BibFile, key_style, new_key, parse_bibtex
from paper_directive.notes.command import Command
from paper_directive.notes.importer import (
    NotesError,
    append_entries,
    load_site_config,
    normalise_title,
    read_text,
    scan_existing,
    unique_slug,
    write_if_changed,
)
from paper_directive.notes.lookup import Record, look_up, parse_identifier
from paper_directive.notes.page_format import format_option_value

#: Fields that describe where an entry was copied from, not the paper: left out of refs.bib.
BOOKKEEPING_FIELDS = frozenset(
    {
        "timestamp",
        "biburl",
        "bibsource",
        "file",
        "urldate",
        "abstract",
        "keywords",
        "mendeley-groups",
    }
)
#: Fields that hold addresses, whose LaTeX escapes (DBLP's ``\_``) are undone.
_ADDRESS_FIELDS = frozenset({"url", "doi"})
PAGE_HINT = (
    "% Your notes: a list of points (* ...), and {insight} blocks for your own remarks; "
    "see the guide."
)

Ask = Callable[[str], str]


# --------------------------------------------------------------------------
# The entry


def clean_entry(entry: Entry) -> tuple[Entry, list[str]]:
    """*entry* without bookkeeping fields, with plain addresses; and the fields left out."""
    fields: dict[str, str] = {}
    dropped: list[str] = []
    for name, value in entry.fields.items():
        lower = name.lower()
        if lower in BOOKKEEPING_FIELDS:
            dropped.append(lower)
            continue
        if lower in _ADDRESS_FIELDS:
            value = re.sub(r"\\([_%&#~])", r"\1", value).strip()
        fields[lower] = " ".join(value.split())
    persons = {role: list(people) for role, people in entry.persons.items()}
    return Entry(entry.type.lower(), fields=fields, persons=persons), sorted(dropped)


def entry_from_bibtex(text: str, where: str) -> Record:
    """The one entry of a BibTeX text (a file, or what was pasted)."""
    data = parse_bibtex(text, where)
    if not data.entries:
        raise NotesError(
            f"{where}: no BibTeX entry in it (expected one, like @article{{key, ...}})"
        )
    if len(data.entries) > 1:
        raise NotesError(f"{where}: {len(data.entries)} entries; add one paper at a time")
    (entry,) = data.entries.values()
    if "crossref" in entry.fields:
        raise NotesError(
            f"{where}: the entry takes its venue from another entry "
            f"(crossref = {entry.fields['crossref']}); copy the BibTeX that writes it out "
            "(on DBLP: the 'standard' BibTeX)"
        )
    cleaned, dropped = clean_entry(entry)
    record = Record(cleaned)
    if dropped:
        record.notes.append(
            "left out of refs.bib, as the site the entry came from keeps them: "
            + ", ".join(dropped)
        )
    return record


def read_source(source: str, stdin: TextIO) -> Record:
    """The paper *source* names: a BibTeX file, ``-`` (BibTeX on stdin), an arXiv id or a DOI."""
    if source == "-":
        return entry_from_bibtex(stdin.read(), "standard input")
    path = Path(source)
    if path.is_file():
        return entry_from_bibtex(read_text(path), str(path))
    identifier = parse_identifier(source)
    if identifier is not None:
        return look_up(identifier)
    if path.suffix or "/" in source or "\\" in source:
        raise NotesError(f"{source}: no such file")
    raise NotesError(f"{source!r} is not a BibTeX file, an arXiv id or a DOI")


def note_facts(entry: Entry, link: str | None) -> tuple[str, int, str]:
    """The title, year and link the page takes from *entry* (*link* overrides its own).

    The link is "" when the entry has none: the caller says so once it has
    checked that the paper is not in the notes already.
    """
    title = " ".join(latex_to_text(entry.fields.get("title", "")).split())
    if not title:
        raise NotesError("the entry has no title")
    year_text = latex_to_text(entry.fields.get("year", "")).strip()
    if not re.fullmatch(r"\d{4}", year_text):
        raise NotesError(f"the entry's year is {year_text!r}, not a 4-digit year")
    if link is None:
        link = _entry_link(entry)
    return title, int(year_text), link


def _entry_link(entry: Entry) -> str:
    url = latex_to_text(entry.fields.get("url", "")).strip()
    if url.startswith(("http://", "https://")):
        return url
    doi = latex_to_text(entry.fields.get("doi", "")).strip()
    if doi:
        return doi if doi.startswith("http") else f"https://doi.org/{doi}"
    if entry.fields.get("archiveprefix", "").lower() == "arxiv" and entry.fields.get("eprint"):
        return f"https://arxiv.org/abs/{entry.fields['eprint'].strip()}"
    return ""


# --------------------------------------------------------------------------
# The field


def choose_field(fields: tuple[FieldSpec, ...], given: str | None, ask: Ask | None) -> str:
    """The field's name: *given* (a name or slug), else asked; an unknown one is refused."""
    names = ", ".join(spec.name for spec in fields)
    if given is None:
        if ask is None:
            wanted = f" (one of: {names})" if fields else ""
            raise NotesError(f"pass --field FIELD{wanted}: there is no terminal to ask on")
        return _ask_field(fields, ask)
    if not fields:
        return given.strip()
    spec = find_field(fields, given)
    if spec is None:
        raise NotesError(f"--field {given!r} is not in paper_fields (one of: {names})")
    return spec.name


def _ask_field(fields: tuple[FieldSpec, ...], ask: Ask) -> str:
    if not fields:
        answer = ask("Field of the paper: ").strip()
        if not answer:
            raise NotesError("no field given")
        return answer
    menu = "  ".join(f"{number}) {spec.name}" for number, spec in enumerate(fields, 1))
    for _attempt in range(3):
        answer = ask(f"Field of the paper: {menu}\n> ").strip()
        if answer.isdigit() and 1 <= int(answer) <= len(fields):
            return fields[int(answer) - 1].name
        spec = find_field(fields, answer) if answer else None
        if spec is not None:
            return spec.name
    raise NotesError("no field chosen: pass --field FIELD")


@contextlib.contextmanager
def terminal_prompt(source_is_stdin: bool) -> Iterator[Ask | None]:
    """A way to ask the user on the terminal, or None when there is none.

    Standard input is the terminal unless the BibTeX was piped into it;
    then the terminal itself (``/dev/tty``) is asked, if there is one.
    Prompts go to standard error, so standard output keeps only the path.
    """
    if not source_is_stdin and sys.stdin.isatty():

        def ask_stdin(prompt: str) -> str:
            sys.stderr.write(prompt)
            sys.stderr.flush()
            return sys.stdin.readline()

        yield ask_stdin
        return
    try:
        tty = open("/dev/tty", "r+", encoding="utf-8")  # noqa: SIM115 (closed below)
    except OSError:
        yield None
        return
    with tty:

        def ask_tty(prompt: str) -> str:
            tty.write(prompt)
            tty.flush()
            return tty.readline()

        yield ask_tty


# --------------------------------------------------------------------------
# The page and refs.bib


def render_new_page(title: str, year: int, link: str, field: str, key: str) -> str:
    """A new paper's page: the ``paper`` directive, and a hint where the notes go."""
    options = [
        ("title", title),
        ("year", str(year)),
        ("link", link),
        ("field", field),
        ("key", key),
    ]
    lines = ["```{paper}", *(f":{name}: {format_option_value(v)}" for name, v in options), "```"]
    return "\n".join([*lines, "", PAGE_HINT]) + "\n"


def add_paper(
    record: Record,
    docs: Path,
    bib_path: Path | None,
    field: str | None,
    link: str | None,
    ask: Ask | None,
) -> tuple[Path, list[str]]:
    """Write the page and the refs.bib entry; the page's path and what to tell the user."""
    config = load_site_config(docs)
    if bib_path is None:
        bib_path = config.bib_files[0] if config.bib_files else docs / "refs.bib"
    bib = BibFile.read(dict.fromkeys([bib_path, *config.bib_files]))
    entry = record.entry
    title, year, link = note_facts(entry, link)

    known_key = bib.same_paper(entry)
    pages = scan_existing(config.papers_dir)
    for page in pages:
        same_key = known_key is not None and page.key.casefold() == known_key.casefold()
        same_title = normalise_title(page.title) == normalise_title(title)
        if same_key or same_title or (page.link and page.link == link):
            raise NotesError(f"the notes already have this paper: {page.path}")

    if not re.match(r"https?://", link):
        raise NotesError(
            "the entry has no address (url, doi or arXiv eprint): pass --link with the paper's page"
        )
    field_name = choose_field(config.fields, field, ask)
    messages = list(record.notes)
    if known_key is None:
        taken = bib.keys | {page.key.casefold() for page in pages if page.key}
        key = new_key(entry, key_style(bib.entries.items()), taken)
        append_entries(bib_path, [format_stored_entry(key, entry)])
        messages.append(f"added @{entry.type}{{{key}, ...}} to {os.path.normpath(bib_path)}")
    else:
        key = known_key
        where = os.path.normpath(bib_path)
        messages.append(f"{where} already has this paper: its entry {key} is reused")

    taken_slugs = {page.path.stem.casefold() for page in pages}
    path = config.papers_dir / f"{unique_slug(title, year, taken_slugs)}.md"
    write_if_changed(path, render_new_page(title, year, link, field_name, key))
    return path, messages


# --------------------------------------------------------------------------
# The command


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "source",
        nargs="?",
        default="-",
        metavar="SOURCE",
        help="a BibTeX file, - for BibTeX on standard input (the default), "
        "an arXiv id (2003.12039) or a DOI (10.18653/v1/2024.acl-long.367)",
    )
    parser.add_argument("--field", help="the paper's field (name or slug); asked if not given")
    parser.add_argument("--link", help="the address the title links to (default: from the entry)")
    parser.add_argument(
        "--docs", type=Path, default=Path("docs"), help="the Sphinx source directory (docs)"
    )
    parser.add_argument(
        "--bib",
        type=Path,
        default=None,
        help="BibTeX file to add the entry to (default: first of bibtex_bibfiles)",
    )


def _run(args: argparse.Namespace) -> int:
    record = read_source(args.source, sys.stdin)
    with contextlib.ExitStack() as stack:
        # the terminal is only opened when there is something to ask
        ask = None if args.field else stack.enter_context(terminal_prompt(args.source == "-"))
        path, messages = add_paper(record, args.docs, args.bib, args.field, args.link, ask)
    for message in messages:
        print(message, file=sys.stderr)
    print(path)
    return 0


COMMAND = Command(
    name="new",
    help="add a paper: its page and its refs.bib entry, from BibTeX, an arXiv id or a DOI",
    description="Add a paper to the notes: write its page in DOCS/papers/ with the paper "
    "directive filled in, and its entry in refs.bib (normalised, under a key in the file's "
    "style; an entry already there for the same paper is reused).  Prints the page's path.  "
    "An arXiv id is looked up with arXiv's API, a DOI with Crossref; offline, pass the "
    "BibTeX instead.",
    configure=_configure,
    run=_run,
)
