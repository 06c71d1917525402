"""What readers and tools take away from the HTML site: BibTeX files and papers.json.

Every file is derived from the domain and the bibliography after each
build, so a download can never disagree with the page that links to it:

- ``refs.bib``: every paper of the site, normalised (:func:`.bibtex.format_entry`);
- ``bib/fields/<slug>.bib``: the papers of one field, linked from its page;
- ``bib/<key>.bib``: one paper, linked from its cite block;
- ``papers.json``: note metadata and bibliographic record of every paper
  (its shape is ``docs/papers.schema.json``).

Links are placeholders until the page is written, because only the builder
knows how a page's URL relates to the site's root.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from docutils import nodes
from sphinx.util.osutil import relative_uri

from .bibtex import (
    entry_authors,
    entry_fingerprint,
    format_entry,
    latex_to_text,
)
from .domain import PaperDomain
from .fields import UNFILED_SLUG, FieldSpec
from .paper_rules import is_web_link

if TYPE_CHECKING:
    from pybtex.database import Entry
    from sphinx.application import Sphinx

BIB_DIR = "bib"
ALL_BIB = "refs.bib"
PAPERS_JSON = "papers.json"
JSON_VERSION = 1


class download_link(nodes.General, nodes.Element):
    """A link to a file at ``path`` under the site's root, resolved per page."""


def paper_bib_path(key: str) -> str:
    return f"{BIB_DIR}/{key}.bib"


def field_bib_path(slug: str) -> str:
    return f"{BIB_DIR}/fields/{slug}.bib"


def makes_downloads(app: Sphinx) -> bool:
    """Only the HTML site carries downloads; an EPUB or a PDF has no place for them."""
    return app.builder.format == "html" and not app.builder.name.startswith("epub")


def _fields(domain: PaperDomain) -> list[FieldSpec]:
    fields = list(domain.fields)
    if domain.field_papers(UNFILED_SLUG):
        fields.append(FieldSpec("Unfiled", UNFILED_SLUG))
    return fields


def formatted_entries(domain: PaperDomain) -> dict[str, str]:
    """The normalised BibTeX of every paper's entry, by key: formatted once, used by every file."""
    entries = domain.bib_entries()
    keys = {s.key for s in domain.all_papers() if s.key in entries}
    return {key: format_entry(key, entries[key]) for key in sorted(keys)}


def bibtex_files(domain: PaperDomain, formatted: Mapping[str, str] | None = None) -> dict[str, str]:
    """Every BibTeX download, by path under the site's root."""
    texts = formatted_entries(domain) if formatted is None else formatted

    def joined(keys: Iterable[str]) -> str:
        # sorted by key, separated by blank lines
        return "\n".join(texts[key] for key in sorted(set(keys)) if key in texts)

    files = {ALL_BIB: joined(texts)}
    for spec in _fields(domain):
        files[field_bib_path(spec.slug)] = joined(s.key for s in domain.field_papers(spec.slug))
    for key, text in texts.items():
        files[paper_bib_path(key)] = text
    return files


def papers_record(
    app: Sphinx, domain: PaperDomain, formatted: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The content of papers.json."""
    builder = app.builder
    entries = domain.bib_entries()
    texts = formatted_entries(domain) if formatted is None else formatted
    fields = {spec.slug: spec for spec in _fields(domain)}
    papers = []
    for summary in domain.all_papers():
        record = domain.papers[summary.docname]
        links = domain.links(summary.docname)
        entry = entries.get(record.key) if record.key else None
        spec = fields.get(record.field)
        papers.append(
            {
                "key": record.key or None,
                "title": record.title,
                "year": record.year,
                "link": record.link or None,
                "field": {"name": spec.name, "slug": spec.slug} if spec else None,
                "tags": list(record.tags),
                "related": list(record.related),
                "references": [s.key for s in links.cites] if links else [],
                "referenced_by": [s.key for s in links.cited_by] if links else [],
                "insights": len(domain.insights.get(summary.docname, ())),
                "url": builder.get_target_uri(summary.docname) + "#" + record.node_id,
                "record": _bib_record(record.key, entry, texts.get(record.key))
                if entry is not None
                else None,
            }
        )
    return {
        "version": JSON_VERSION,
        "generator": f"paper_directive {app.extensions['paper_directive'].version}",
        "project": app.config.project,
        "language": app.config.language,
        "fields": [
            {
                "name": spec.name,
                "slug": spec.slug,
                "description": spec.description,
                "url": builder.get_target_uri(domain.field_docname(spec.slug)),
                "count": len(domain.field_papers(spec.slug)),
                "bibtex_url": field_bib_path(spec.slug),
            }
            for spec in fields.values()
        ],
        "papers": papers,
    }


def _bib_record(key: str, entry: Entry, bibtex: str | None) -> dict[str, Any]:
    fields = entry.fields

    def plain(name: str) -> str | None:
        return latex_to_text(fields[name]) if name in fields else None

    venue = next((plain(n) for n in ("booktitle", "journal", "howpublished") if n in fields), None)
    return {
        "type": entry.type.lower(),
        "title": plain("title"),
        "authors": list(entry_authors(entry)),
        "venue": venue,
        "year": plain("year"),
        "doi": fields.get("doi"),
        "arxiv": fields.get("eprint")
        if fields.get("archiveprefix", "").lower() == "arxiv"
        else None,
        # an address that is not http(s) is warned about and shown as text (safe_links)
        "url": fields.get("url") if is_web_link(fields.get("url", "")) else None,
        "bibtex": bibtex if bibtex is not None else format_entry(key, entry),
        "bibtex_url": paper_bib_path(key),
    }


def _write_if_changed(path: Path, text: str) -> None:
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


#: Where the digest of what the downloads were last written from is kept.
SIGNATURE = f"{BIB_DIR}/.inputs.sha256"


def inputs_signature(app: Sphinx, domain: PaperDomain) -> str:
    """A digest of everything the downloads are made from.

    Formatting every entry three times (the whole file, its field's, its
    own) costs more than anything else an unchanged rebuild does; with
    this digest unchanged, the files on disk are already right.
    """
    sha = hashlib.sha256()
    config = app.config
    extension = app.extensions["paper_directive"].version
    sha.update(repr((app.builder.name, config.project, config.language, extension)).encode())
    # the field pages' addresses in papers.json
    sha.update(repr(config.paper_pages_dir).encode())
    sha.update(repr(domain.fields).encode())
    for docname in sorted(domain.papers):
        sha.update(repr(domain.papers[docname]).encode())
    for docname in sorted(domain.references):
        sha.update(repr((docname, [r.key for r in domain.references[docname]])).encode())
    for docname in sorted(domain.insights):
        sha.update(repr((docname, len(domain.insights[docname]))).encode())
    for key, entry in sorted(domain.bib_entries().items()):
        sha.update(repr((key, entry_fingerprint(entry))).encode())
    return sha.hexdigest()


def write_downloads(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: write the downloads; drop those of deleted papers."""
    if exception is not None or not makes_downloads(app):
        return
    domain = cast(PaperDomain, app.env.domains["paper"])
    outdir = Path(app.outdir)
    signature = inputs_signature(app, domain)
    stamp = outdir / SIGNATURE
    if (outdir / PAPERS_JSON).is_file() and stamp.is_file() and stamp.read_text() == signature:
        return
    formatted = formatted_entries(domain)
    files = bibtex_files(domain, formatted)
    record = papers_record(app, domain, formatted)
    files[PAPERS_JSON] = json.dumps(record, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    for relative, text in files.items():
        _write_if_changed(outdir / relative, text)
    bib_dir = outdir / BIB_DIR
    if bib_dir.is_dir():
        for path in bib_dir.rglob("*.bib"):
            if path.relative_to(outdir).as_posix() not in files:
                path.unlink()
    _write_if_changed(stamp, signature)


def resolve_download_links(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: point the links at the files, or drop them outside HTML."""
    for node in list(doctree.findall(download_link)):
        if not makes_downloads(app):
            node.parent.remove(node)
            continue
        uri = relative_uri(app.builder.get_target_uri(docname), str(node["path"]))
        paragraph = nodes.paragraph(classes=["paper-download"])
        paragraph += nodes.reference(str(node["text"]), str(node["text"]), refuri=uri)
        node.replace_self(paragraph)


def _skip(translator: Any, node: nodes.Node) -> None:
    raise nodes.SkipNode


def register(app: Sphinx) -> None:
    skip = (_skip, None)
    app.add_node(download_link, html=skip, latex=skip, text=skip, man=skip, texinfo=skip)
    app.connect("doctree-resolved", resolve_download_links)
    app.connect("build-finished", write_downloads)
