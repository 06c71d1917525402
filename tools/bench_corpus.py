"""Synthetic notes sites for the benchmark, shaped like the real notes.

Every synthetic note is one of the 52 real notes (``docs/papers``) with new
metadata: its body (Chinese list items, insights) is the real body, its
field is the real note's field, its title is the real title (numbered from
the second round on), and it gets a year over ten years, a key, a
``refs.bib`` entry, ``{paper}`` references and ``:related:`` links to other
synthetic notes.  At 52 notes the corpus is the real site with made-up
bibliographic records.

Three flavours of the same notes are written:

- ``site``: the project's own site (``docs/conf.py``, its landing and guide
  pages, furo, the extension), papers in ``docs/papers``, ``refs.bib``
  beside ``docs``;
- ``floor``: the same notes as plain MyST (directives turned into text),
  the ``basic`` theme, no sidebar, no extension: what any Sphinx build of
  these notes costs;
- ``stock``: the plain notes with stock furo and no extension.
"""

from __future__ import annotations

import random
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"

#: What the pages of the real site are copied without.
_NOT_COPIED = ("papers", "_build", "browse")

_ROLE = re.compile(r"\{paper\}`(?P<text>[^`<]*?)\s*<(?P<key>[^`>]+)>`|\{paper\}`(?P<bare>[^`]+)`")
_OPTION = re.compile(r"^:(?P<name>[a-z]+):\s*(?P<value>.*)$")

YEARS = 10
FIRST_YEAR = 2015

_GIVEN = "Wei Jun Li Ming Hao Xin Yu Lei Anna Maria David Sarah Jonas Emma Kenji Priya Omar Lucas"
_FAMILY = "Zhang Wang Chen Liu Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo Lin He Gao Smith Müller Kim"
_VENUES = (
    (
        "inproceedings",
        "booktitle",
        "Proceedings of the IEEE/CVF Conference on Computer Vision "
        "and Pattern Recognition ({CVPR})",
    ),
    ("inproceedings", "booktitle", "Advances in Neural Information Processing Systems"),
    ("inproceedings", "booktitle", "International Conference on Learning Representations"),
    ("inproceedings", "booktitle", "European Conference on Computer Vision ({ECCV})"),
    ("article", "journal", "Transactions on Machine Learning Research"),
    ("misc", "howpublished", "arXiv preprint"),
)


@dataclass(frozen=True)
class RealNote:
    """What a synthetic note borrows from a real one."""

    title: str
    field: str
    #: The topics of ``:tags:`` (slugs of docs/conf.py's paper_topics).
    tags: str
    #: The note's text after the paper directive, references turned into plain text.
    body: str


@dataclass(frozen=True)
class Note:
    number: int
    title: str
    year: int
    field: str
    #: In the file's style: first author's family name, year, first word of the title.
    key: str
    #: "Family, Given" names, in order.
    authors: tuple[str, ...]
    link: str
    related: tuple[str, ...]
    #: (words, key) of a ``{paper}`` reference the note makes, if any.
    reference: tuple[str, str] | None
    tags: str
    body: str


def real_notes(papers: Path = DOCS / "papers") -> list[RealNote]:
    """The real notes, in file order."""
    notes = []
    for path in sorted(papers.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        start = next(i for i, line in enumerate(lines) if line.startswith("```{paper}"))
        end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("```"))
        options = {}
        for line in lines[start + 1 : end]:
            match = _OPTION.match(line)
            if match:
                options[match["name"]] = match["value"].strip().strip('"')
        body = "\n".join(lines[end + 1 :]).strip("\n")
        body = _ROLE.sub(lambda m: (m["text"] or m["bare"] or m["key"]).strip(), body)
        notes.append(RealNote(options["title"], options["field"], options.get("tags", ""), body))
    return notes


def make_notes(count: int, seed: int = 7) -> list[Note]:
    """*count* synthetic notes, the same for the same arguments."""
    pool = real_notes()
    rng = random.Random(seed)
    notes: list[Note] = []
    keys: list[str] = []
    by_field: dict[str, list[int]] = {}
    given, families = _GIVEN.split(), _FAMILY.split()
    for number in range(count):
        real = pool[number % len(pool)]
        round_ = number // len(pool)
        title = real.title if round_ == 0 else f"{real.title} ({round_ + 1})"
        year = FIRST_YEAR + (number * 7) % YEARS
        authors = tuple(
            f"{rng.choice(families)}, {rng.choice(given)}" for _ in range(rng.randint(1, 6))
        )
        keys.append(_unique_key(authors[0], year, title, set(keys)))
        related: tuple[str, ...] = ()
        family = by_field.setdefault(real.field, [])
        if family and rng.random() < 0.55:
            chosen = rng.sample(family[-30:], k=min(len(family[-30:]), rng.randint(1, 3)))
            related = tuple(keys[n] for n in sorted(chosen))
        reference = None
        if number and rng.random() < 0.35:
            reference = ("前作", keys[rng.randrange(number)])
        notes.append(
            Note(
                number=number,
                title=title,
                year=year,
                field=real.field,
                key=keys[-1],
                authors=authors,
                link=f"https://example.org/papers/{number}",
                related=related,
                reference=reference,
                tags=real.tags,
                body=real.body,
            )
        )
        family.append(number)
    return notes


def _unique_key(first_author: str, year: int, title: str, taken: set[str]) -> str:
    family = re.sub(r"[^a-z]", "", first_author.split(",")[0].lower().replace("ü", "u"))
    word = next((w for w in re.findall(r"[a-z0-9]+", title.lower()) if len(w) > 2), "paper")
    key = f"{family}{year}{word}"
    suffix = 1
    while key in taken:
        suffix += 1
        key = f"{family}{year}{word}{suffix}"
    return key


def paper_page(note: Note) -> str:
    """The note in the project's page format."""
    options = [
        f":title: {note.title}",
        f":year: {note.year}",
        f":link: {note.link}",
        f":field: {note.field}",
        f":key: {note.key}",
    ]
    if note.related:
        options.append(f":related: {', '.join(note.related)}")
    if note.tags:
        options.append(f":tags: {note.tags}")
    lines = ["```{paper}", *options, "```", ""]
    if note.reference:
        words, key = note.reference
        lines += [f"* 与 {{paper}}`{words} <{key}>` 相比，这篇的做法更直接", ""]
    lines.append(note.body)
    return "\n".join(lines) + "\n"


def plain_page(note: Note) -> str:
    """The same note as plain MyST: what the floor builds."""
    lines = [
        f"# {note.title}",
        "",
        f"{note.year} · {note.field} · <{note.link}> · `{note.key}`",
        "",
    ]
    if note.related:
        lines += [f"相关：{', '.join(note.related)}", ""]
    if note.tags:
        lines += [f"主题：{note.tags}", ""]
    if note.reference:
        lines += [f"* 与{note.reference[0]}相比，这篇的做法更直接", ""]
    lines.append(_plain_body(note.body))
    return "\n".join(lines) + "\n"


def _plain_body(body: str) -> str:
    out: list[str] = []
    in_insight = False
    for line in body.splitlines():
        if line.startswith("```{insight}"):
            in_insight = True
            out.append("> **想法**")
            out.append(">")
            continue
        if in_insight and line.startswith("```"):
            in_insight = False
            continue
        out.append(f"> {line}" if in_insight else line)
    return "\n".join(out)


def bib_entry(note: Note) -> str:
    authors = " and ".join(note.authors)
    kind, venue_field, venue = _VENUES[note.number % len(_VENUES)]
    title = note.title.replace("{", "").replace("}", "")
    lines = [
        f"@{kind}{{{note.key},",
        f"  author = {{{authors}}},",
        f"  title = {{{title}}},",
        f"  {venue_field} = {{{venue}}},",
        f"  year = {{{note.year}}},",
    ]
    if note.number % 3 == 0:
        arxiv = f"{note.year % 100:02d}{(note.number % 12) + 1:02d}.{note.number:05d}"
        lines += [f"  eprint = {{{arxiv}}},", "  archiveprefix = {arXiv},"]
    lines.append(f"  url = {{{note.link}}}")
    return "\n".join(lines) + "\n}\n"


def write_bib(path: Path, notes: list[Note]) -> None:
    path.write_text("\n".join(bib_entry(note) for note in notes), encoding="utf-8")


def page_name(note: Note) -> str:
    """The page's file name: numbered, so that a benchmark can name the same page at every size."""
    return f"p{note.number:05d}"


FLOOR_CONF = """\
project = "notes"
author = "bench"
copyright = "2026, bench"
version = release = "1"
language = "zh_CN"
extensions = ["myst_parser"]
source_suffix = {{".md": "markdown"}}
exclude_patterns = ["_build"]
html_theme = {theme!r}
{sidebars}html_search_language = "zh"
html_search_options = {{"dict": {dict!r}}}
"""

PLAIN_INDEX = """\
# 论文阅读笔记

```{toctree}
:maxdepth: 1
:glob:

papers/*
```
"""


def write_site(root: Path, count: int, flavour: str = "site") -> Path:
    """Write a site of *count* notes under *root*; returns its source folder.

    *flavour* is ``site`` (the project's site), ``floor`` or ``stock``.
    """
    notes = make_notes(count)
    if root.exists():
        shutil.rmtree(root)
    srcdir = root / "docs"
    if flavour == "site":
        shutil.copytree(DOCS, srcdir, ignore=lambda d, names: _ignored(Path(d), names))
        (srcdir / "papers").mkdir()
        for note in notes:
            (srcdir / "papers" / f"{page_name(note)}.md").write_text(
                paper_page(note), encoding="utf-8"
            )
        write_bib(root / "refs.bib", notes)
        return srcdir
    theme = "basic" if flavour == "floor" else "furo"
    sidebars = 'html_sidebars = {"**": []}\n' if flavour == "floor" else ""
    (srcdir / "papers").mkdir(parents=True)
    search_dict = DOCS / "_search" / "jieba_dict.txt"
    (srcdir / "conf.py").write_text(
        FLOOR_CONF.format(theme=theme, sidebars=sidebars, dict=str(search_dict)), encoding="utf-8"
    )
    (srcdir / "index.md").write_text(PLAIN_INDEX, encoding="utf-8")
    for note in notes:
        (srcdir / "papers" / f"{page_name(note)}.md").write_text(plain_page(note), encoding="utf-8")
    return srcdir


def _ignored(folder: Path, names: list[str]) -> list[str]:
    return [name for name in names if folder == DOCS and name in _NOT_COPIED]
