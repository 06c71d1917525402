"""The user's 52 notes: every word on the site, every paper in its place, a complete bibliography.

The site is built once for the session (``conftest.site``), from a copy of
``docs/`` and ``refs.bib`` as a clean checkout has them.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pybtex.errors
from bs4 import BeautifulSoup
from pybtex.database import parse_file

from conftest import REPO, warnings_of
from paper_directive.notes.exporter import export_readme
from paper_directive.notes.readme_format import canonical_readme, parse_readme

FIELD_COUNTS = {
    "llm": 13,
    "base-model": 6,
    "video": 14,
    "low-level-vision": 6,
    "reinforcement-learning": 8,
    "image-generation": 2,
    "others": 3,
}


def page(outdir: Path, docname: str) -> BeautifulSoup:
    return BeautifulSoup((outdir / f"{docname}.html").read_text(encoding="utf-8"), "html.parser")


def squash(text: str) -> str:
    """Whitespace as a browser shows it: runs of blanks and newlines are one space."""
    return re.sub(r"\s+", " ", text).strip()


def test_the_site_builds_with_zero_warnings(site):
    app, _outdir = site
    assert warnings_of(app) == ""


def test_every_item_and_insight_of_the_seed_is_on_its_papers_page(site, seed_text):
    app, outdir = site
    domain = app.env.domains["paper"]
    docname_of = {record.title: docname for docname, record in domain.papers.items()}
    items = insights = 0
    for _field, paper in parse_readme(seed_text).papers():
        body = page(outdir, docname_of[paper.title.strip()]).select_one("section")
        notes = [squash(li.get_text()) for li in body.select(":scope > ul > li")]
        remarks = [
            squash(" ".join(p.get_text() for p in box.select(":scope > :not(.admonition-title)")))
            for box in body.select(":scope > div.admonition.insight")
        ]
        for item in paper.items:
            text = squash("\n".join(item.lines))
            if item.is_insight:
                insights += 1
                assert text in remarks, (paper.title, text)
            else:
                items += 1
                assert text in notes, (paper.title, text)
    assert (items + insights, insights) == (264, 30)


def test_fifty_two_paper_pages_in_seven_fields_with_the_authors_years(site, seed_text):
    app, outdir = site
    domain = app.env.domains["paper"]
    assert len(domain.papers) == 52
    counts = Counter(record.field for record in domain.papers.values())
    assert counts == FIELD_COUNTS
    years = {record.title: record.year for record in domain.papers.values()}
    for field, paper in parse_readme(seed_text).papers():
        assert years[paper.title.strip()] == paper.year
        record = next(r for r in domain.papers.values() if r.title == paper.title.strip())
        assert domain.fields[[f.slug for f in domain.fields].index(record.field)].name == field.name
    for slug, count in FIELD_COUNTS.items():
        field_page = page(outdir, f"browse/fields/{slug}")
        assert len(field_page.select("ul.paper-list > li")) == count
        assert field_page.select_one("p.paper-count").get_text() == f"共 {count} 篇"


def test_year_index_bibliography_and_insights_pages(site):
    _app, outdir = site
    years = page(outdir, "browse/years")
    assert len(years.select("ul.paper-list > li")) == 52
    bibliography = page(outdir, "browse/bibliography")
    citations = bibliography.select("div.citation")
    assert len(citations) == 52
    assert all(any(a.get_text() == "阅读笔记" for a in c.find_all("a")) for c in citations)
    insights = page(outdir, "browse/insights")
    assert len(insights.select("div.admonition.insight")) == 30
    assert insights.select_one("p.paper-count").get_text() == "共 30 条想法"


def test_cross_reference_index_shows_every_link_in_both_directions(site):
    app, outdir = site
    domain = app.env.domains["paper"]
    title = {r.key: r.title for r in domain.papers.values()}
    index: dict[str, dict[str, set[str]]] = {}
    for term in page(outdir, "browse/references").select("dl.paper-links > dt"):
        rows = {}
        for paragraph in term.find_next_sibling("dd").find_all("p"):
            rows[paragraph.find("strong").get_text()] = {a.get_text() for a in paragraph("a")}
        index[term.get_text()] = rows
    references = [(d, r.key) for d, refs in domain.references.items() for r in refs]
    assert len(references) >= 6
    related = [(r.title, title[k]) for r in domain.papers.values() for k in r.related]
    linked = {domain.papers[d].title for d, _key in references} | {title[k] for _d, k in references}
    linked |= {one for pair in related for one in pair}
    # every paper with a link either way, and no other
    assert set(index) == linked
    for docname, key in references:
        source = domain.papers[docname].title
        assert title[key] in index[source]["引用了"]
        assert source in index[title[key]]["被以下笔记引用"]
    assert len(related) >= 40
    for one, other in related:
        assert other in index[one]["相关笔记"]
        assert one in index[other]["相关笔记"]


def test_the_required_references_are_there(site):
    app, _outdir = site
    domain = app.env.domains["paper"]
    key = {r.title.split(":")[0]: r.key for r in domain.papers.values()}
    named = {(domain.papers[d].key, r.key) for d, refs in domain.references.items() for r in refs}
    assert {
        (key["Diverse Branch Block"], key["RepVGG"]),
        (key["RepVGG"], key["ACNet"]),
        (key["Disentangling Architecture and Training for Optical Flow"], key["RAFT"]),
        (
            key["Real-Time Intermediate Flow Estimation for Video Frame Interpolation"],
            key["Depth-Aware Video Frame Interpolation"],
        ),
        (
            key["Depth-Aware Video Frame Interpolation"],
            key["Real-Time Intermediate Flow Estimation for Video Frame Interpolation"],
        ),
        (
            key["One-Shot Adaptation of GAN in Just One CLIP"],
            key["Splicing ViT Features for Semantic Appearance Transfer"],
        ),
    } <= named
    # the "OPT" of the DMVFN note is a video prediction method, not the language model
    dmvfn = key["A Dynamic Multi-Scale Voxel Flow Network for Video Prediction"]
    assert (dmvfn, key["OPT"]) not in named


def test_export_of_the_site_gives_the_seed_back(seed_text):
    readme, messages = export_readme(REPO / "docs")
    assert messages == []
    assert readme == canonical_readme(seed_text)


def test_refs_bib_is_complete_and_every_key_resolves(site):
    app, _outdir = site
    strict = pybtex.errors.strict
    pybtex.errors.set_strict_mode(True)  # any warning of the parser raises
    try:
        bib = parse_file(str(REPO / "refs.bib"), bib_format="bibtex")
    finally:
        pybtex.errors.set_strict_mode(strict)
    assert len(bib.entries) == 52
    keys = {record.key for record in app.env.domains["paper"].papers.values()}
    assert keys == set(bib.entries), "every page's key resolves and no entry is unused"
    for key, entry in bib.entries.items():
        assert entry.persons.get("author"), key
        assert {"title", "year"} <= set(entry.fields), key
        assert {"booktitle", "journal"} & set(entry.fields), key
        assert re.fullmatch(r"\d{4}", entry.fields["year"]), key
        if "eprint" in entry.fields:
            assert re.fullmatch(r"\d{4}\.\d{4,5}", entry.fields["eprint"]), key
            assert entry.fields["archiveprefix"] == "arXiv", key


def test_a_note_whose_title_or_year_differs_from_the_record_says_so(site):
    app, _outdir = site
    bib = parse_file(str(REPO / "refs.bib"))
    for record in app.env.domains["paper"].papers.values():
        entry = bib.entries[record.key]
        official = re.sub(r"[{}$]", "", entry.fields["title"]).casefold()
        same_title = re.sub(r"\W", "", official) == re.sub(r"\W", "", record.title.casefold())
        same_year = str(record.year) == entry.fields["year"]
        if not (same_title and same_year):
            assert f'"{record.title}"' in entry.fields.get("annote", ""), record.key
