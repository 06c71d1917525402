"""BibTeX that readers cite from, checked with real ``bibtex``; papers.json for tools."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
from bs4 import BeautifulSoup
from pybtex.database import parse_file

from conftest import REPO, need_tool
from paper_directive.bibtex import protect_case


def bibtex(workdir: Path, bibfile: Path, keys: list[str], style: str) -> tuple[str, str]:
    """Run real bibtex on *bibfile* citing *keys* in *style*; return (.bbl, .blg)."""
    need_tool(shutil.which("bibtex") is not None, "bibtex is not installed (TeX Live)")
    workdir.mkdir(parents=True, exist_ok=True)
    shutil.copy(bibfile, workdir / "refs.bib")
    citations = "".join(f"\\citation{{{key}}}\n" for key in keys)
    (workdir / "main.aux").write_text(
        f"{citations}\\bibstyle{{{style}}}\n\\bibdata{{refs}}\n", encoding="utf-8"
    )
    run = subprocess.run(
        ["bibtex", "main"], cwd=workdir, capture_output=True, text=True, timeout=60
    )
    blg = (workdir / "main.blg").read_text(encoding="utf-8")
    assert run.returncode == 0, blg
    return (workdir / "main.bbl").read_text(encoding="utf-8"), blg


def keys_of(bibfile: Path) -> list[str]:
    return list(parse_file(str(bibfile)).entries)


def warnings_in(blg: str) -> list[str]:
    return [line for line in blg.splitlines() if line.startswith("Warning--")]


def test_site_offers_every_bibtex_file(site):
    app, outdir = site
    keys = {record.key for record in app.env.domains["paper"].papers.values()}
    assert set(keys_of(outdir / "refs.bib")) == keys
    assert {p.stem for p in (outdir / "bib").glob("*.bib")} == keys
    fields = {p.stem for p in (outdir / "bib" / "fields").glob("*.bib")}
    assert fields == {spec.slug for spec in app.env.domains["paper"].fields}


def test_generated_refs_bib_is_sorted_and_normalised(site):
    _app, outdir = site
    text = (outdir / "refs.bib").read_text(encoding="utf-8")
    keys = re.findall(r"^@\w+\{([^,]+),$", text, flags=re.M)
    assert keys == sorted(keys) and len(keys) == 52
    assert text.isascii(), "non-ASCII letters are written as LaTeX accents"
    assert "annote" not in text, "the project's own remarks stay out of readers' BibTeX"
    for line in text.splitlines():
        if line.startswith("  "):
            assert re.fullmatch(r"  [a-z]+ = \{.*\},?", line), line


@pytest.mark.parametrize("style", ["plain", "plainnat"])
def test_bibtex_reads_every_key_of_the_site_without_a_warning(site, tmp_path, style):
    _app, outdir = site
    keys = keys_of(outdir / "refs.bib")
    bbl, blg = bibtex(tmp_path / style, outdir / "refs.bib", keys, style)
    assert warnings_in(blg) == []
    assert bbl.count("\\bibitem") == 52


def test_titles_keep_the_case_of_their_acronyms(site, tmp_path):
    _app, outdir = site
    entries = parse_file(str(outdir / "refs.bib")).entries
    bbl, _blg = bibtex(tmp_path, outdir / "refs.bib", list(entries), "plain")
    flat = re.sub(r"\s+", " ", bbl)
    protected = 0
    for entry in entries.values():
        for word in re.findall(r"\{([^{}]+)\}", protect_case(entry.fields["title"])):
            assert "{" + word + "}" in flat, word
            protected += 1
    assert protected > 40
    # and the style really lowercases what is not protected
    assert "{RAFT}: Recurrent all-pairs field transforms for optical flow" in flat


def test_each_single_entry_and_field_file_is_valid_on_its_own(site, tmp_path):
    _app, outdir = site
    files = sorted((outdir / "bib").rglob("*.bib"))
    assert len(files) == 52 + 7
    for number, bibfile in enumerate(files):
        keys = keys_of(bibfile)
        assert keys, bibfile
        bbl, blg = bibtex(tmp_path / str(number), bibfile, keys, "plainnat")
        assert warnings_in(blg) == [], bibfile
        assert bbl.count("\\bibitem") == len(keys)


def test_pages_link_their_downloads(site):
    _app, outdir = site
    raft = BeautifulSoup(
        (outdir / "papers" / "raft.html").read_text(encoding="utf-8"), "html.parser"
    )
    link = raft.select_one("div.paper-card p.paper-download a")
    assert link["href"] == "../bib/teed2020raft.bib"
    assert (outdir / "papers" / link["href"]).resolve().is_file()
    field = BeautifulSoup(
        (outdir / "browse" / "fields" / "video.html").read_text(encoding="utf-8"), "html.parser"
    )
    assert field.select_one("p.paper-download a")["href"] == "../../bib/fields/video.bib"
    bibliography = (outdir / "browse" / "bibliography.html").read_text(encoding="utf-8")
    assert 'href="../refs.bib"' in bibliography and 'href="../papers.json"' in bibliography


def test_papers_json_follows_its_schema_and_agrees_with_the_site(site):
    _app, outdir = site
    data = json.loads((outdir / "papers.json").read_text(encoding="utf-8"))
    schema = json.loads((REPO / "docs" / "_schema" / "papers.schema.json").read_text())
    jsonschema.validate(data, schema)
    assert len(data["papers"]) == 52
    assert [f["count"] for f in data["fields"]] == [13, 6, 14, 6, 8, 2, 3]
    for paper in data["papers"]:
        assert (outdir / paper["url"].split("#")[0]).is_file()
        assert (outdir / paper["record"]["bibtex_url"]).is_file()
    raft = next(p for p in data["papers"] if p["key"] == "teed2020raft")
    assert raft["record"]["authors"] == ["Zachary Teed", "Jia Deng"]
    assert raft["record"]["arxiv"] == "2003.12039"
    assert raft["link"] == "https://discourse.brainpp.cn/t/topic/50779"
    assert "sun2022disentangling" in raft["referenced_by"]
