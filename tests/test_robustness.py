"""No input kills the build: each malformed input is a located warning, every valid page is built.

The corpus ``tests/roots/test-malformed`` holds one mistake per file (and a
bibliography with one broken entry of each kind); each is expected below
with its file, line, subtype and the words that tell the author what to do.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import REPO, build_site, copy_site, warnings_of
from malformed_corpus import MALFORMED

WARNING = re.compile(
    r"^(?P<path>\S+?):(?P<line>\d+): WARNING: (?P<text>.*) \[paper\.(?P<sub>\w+)\]$"
)


def conf_line(srcdir: Path, name: str) -> int:
    """The line of conf.py that sets *name*."""
    lines = (srcdir / "conf.py").read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if line.startswith(name + " ="))


def paper_warnings(app, srcdir: Path) -> list[tuple[str, int, str, str]]:
    """The build's ``paper.*`` warnings as (file, line, subtype, text); anything else fails."""
    out = []
    for line in warnings_of(app).replace(str(srcdir) + "/", "").splitlines():
        match = WARNING.match(line)
        assert match, f"not a located paper warning: {line}"
        out.append((match["path"], int(match["line"]), match["sub"], match["text"]))
    return sorted(out)


def test_the_corpus_has_twenty_malformed_inputs_at_least():
    assert len({(path, line) for path, line, _s, _t in MALFORMED}) >= 20


@pytest.mark.parametrize("parallel", [0, 2])
def test_each_malformed_input_is_warned_at_its_file_and_line(project, parallel):
    corpus = project("malformed")
    app = corpus.build("html", parallel=parallel)
    found = paper_warnings(app, corpus.srcdir)
    assert [(p, ln, s) for p, ln, s, _t in found] == sorted(
        (p, ln, s) for p, ln, s, _t in MALFORMED
    )
    for path, line, subtype, words in MALFORMED:
        texts = [t for p, ln, s, t in found if (p, ln, s) == (path, line, subtype)]
        assert any(words in text for text in texts), (path, line, subtype, texts)


def test_every_readable_page_of_the_corpus_is_built(project):
    corpus = project("malformed")
    corpus.build("html")
    html = corpus.builddir / "html"
    built = {p.relative_to(html / "papers").as_posix() for p in (html / "papers").rglob("*.html")}
    sources = {
        p.relative_to(corpus.srcdir / "papers").with_suffix(".html").as_posix()
        for p in (corpus.srcdir / "papers").rglob("*.*")
    }
    unreadable = {"image.html", "latin1.html", "nul.html"}
    assert built == sources - unreadable
    # what the author wrote is shown, not dropped
    assert "These words belong below the directive." in corpus.output(
        "html", "papers/body-in-paper.html"
    )
    assert "this note is inside the directive" in corpus.output(
        "html", "papers/unclosed-fence.html"
    )
    assert "Second Of Two" in corpus.output("html", "papers/two-papers.html")


def test_a_page_whose_entry_is_broken_says_so(project):
    corpus = project("malformed")
    corpus.build("html")
    page = BeautifulSoup(corpus.output("html", "papers/broken-entry.html"), "html.parser")
    note = page.select_one("div.paper-card p.paper-bib-missing")
    assert note is not None
    assert "(refs.bib, line 138) cannot be read" in note.get_text()
    missing = BeautifulSoup(corpus.output("html", "papers/not-in-bib.html"), "html.parser")
    assert "is not in the bibliography" in missing.select_one("p.paper-bib-missing").get_text()
    # the entries around the broken ones still load: the paper before them has its authors
    good = BeautifulSoup(corpus.output("html", "papers/bad-order.html"), "html.parser")
    assert "Jane Doe" in good.select_one("div.paper-card").get_text()
    # and the first of two entries with one key is the one used
    dup = corpus.output("html", "papers/dup-first.html")
    assert "Entry dup2020" in dup and "The same key again" not in dup


def test_the_warnings_come_again_on_an_unchanged_rebuild(project):
    corpus = project("malformed")
    corpus.build("html")
    again = corpus.build("html")
    found = {(p, ln, s) for p, ln, s, _t in paper_warnings(again, corpus.srcdir)}
    # the bibliography and the unreadable pages are not mended by building again
    assert ("refs.bib", 138, "bibtex") in found
    assert ("papers/latin1.md", 4, "unreadable") in found
    assert ("conf.py", 10, "config") in found


def test_a_mended_page_and_entry_come_back_on_the_next_build(project):
    corpus = project("malformed")
    corpus.build("html")
    raw = (corpus.srcdir / "papers" / "latin1.md").read_bytes()
    corpus.write("papers/latin1.md", raw.decode("latin-1"))
    bib = (corpus.srcdir / "refs.bib").read_bytes().decode("latin-1")
    corpus.write("refs.bib", bib + "}\n")
    app = corpus.build("html")
    found = {(p, ln, s) for p, ln, s, _t in paper_warnings(app, corpus.srcdir)}
    assert ("papers/latin1.md", 4, "unreadable") not in found
    assert ("refs.bib", 138, "bibtex") not in found
    assert "Café In Latin-1" in corpus.output("html", "papers/latin1.html")
    page = BeautifulSoup(corpus.output("html", "papers/broken-entry.html"), "html.parser")
    assert page.select_one("p.paper-bib-missing") is None
    assert "Jane Doe" in page.select_one("div.paper-card").get_text()


def test_a_page_that_became_unreadable_leaves_the_site(project):
    basic = project("basic")
    basic.build("html")
    assert (basic.builddir / "html" / "papers" / "raft.html").is_file()
    text = basic.read("papers/raft.md")
    (basic.srcdir / "papers" / "raft.md").write_bytes(text.encode("utf-16"))
    app = basic.build("html")
    assert "papers/raft.md:1: WARNING: this page is not UTF-8 text" in warnings_of(app)
    assert not (basic.builddir / "html" / "papers" / "raft.html").exists()


# --- the real site, as a new user breaks it --------------------------------


def test_the_site_with_a_broken_entry_and_a_latin1_page_builds_to_the_end(tmp_path):
    docs = copy_site(tmp_path)
    bib = tmp_path / "refs.bib"
    # one unbalanced entry at the end of refs.bib: a missing closing brace
    lines = bib.read_text(encoding="utf-8").rstrip().splitlines()
    assert lines[-1] == "}"
    bib.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    last_entry = max(i for i, line in enumerate(lines, 1) if line.startswith("@"))
    last_key = re.match(r"@\w+\{([^,]+),", lines[last_entry - 1]).group(1)
    # one page saved in Latin-1 by another editor
    (docs / "papers" / "latin1-note.md").write_bytes(
        "# Une note\n\nCafé, déjà vu.\n".encode("latin-1")
    )
    app = build_site(tmp_path, "html")
    warnings = warnings_of(app).replace(str(tmp_path) + "/", "").splitlines()
    paper_of_key = next(
        record for record in app.env.domains["paper"].papers.values() if record.key == last_key
    )
    assert sorted(warnings) == sorted(
        [
            f"refs.bib:{last_entry}: WARNING: bibliography entry {last_key!r} cannot be read: "
            "a brace or quote opened in it is never closed; it is left out until it is fixed "
            "[paper.bibtex]",
            "docs/papers/latin1-note.md:3: WARNING: this page is not UTF-8 text (byte 0xe9 "
            "in line 3), so it is left out of the site; save it as UTF-8 [paper.unreadable]",
            f"docs/{paper_of_key.docname}.md:{paper_of_key.line}: WARNING: the bibliography "
            f"entry of paper key "
            f"{last_key!r} (refs.bib, line {last_entry}) cannot be read: a brace or quote "
            "opened in it is never closed; the header shows no authors, venue or cite block "
            "until it is fixed [paper.bib]",
        ]
    )
    outdir = Path(app.outdir)
    notes = sorted((REPO / "docs" / "papers").glob("*.md"))
    assert len(notes) == 52
    for note in notes:
        assert (outdir / "papers" / f"{note.stem}.html").is_file(), note.name
    assert not (outdir / "papers" / "latin1-note.html").exists()
    others = [r for r in app.env.domains["paper"].papers.values() if r.key != last_key]
    assert len(others) == 51
    for record in others:
        card = BeautifulSoup(
            (outdir / f"{record.docname}.html").read_text(encoding="utf-8"), "html.parser"
        ).select_one("div.paper-card")
        assert card.select_one("pre, div.highlight"), f"{record.docname} lost its cite block"


# --- settings of the wrong shape -------------------------------------------


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("LLM, Video", "paper_fields must be a list of field names"),
        ({"LLM": "Language models"}, "paper_fields must be a list"),
        ([42], "cannot read 42"),
        (["Video", "video"], "repeats the name or slug of an earlier one"),
        ([("Video", "video", "blurb", "extra")], "cannot read"),
    ],
)
def test_paper_fields_of_the_wrong_shape_is_warned_and_the_site_builds(project, value, words):
    basic = project("basic")
    basic.write("conf.py", basic.read("conf.py") + f"paper_fields = {value!r}\n")
    app = basic.build("html")
    lines = warnings_of(app).replace(str(basic.srcdir) + "/", "").splitlines()
    config = [line for line in lines if line.endswith("[paper.config]")]
    last_line = len(basic.read("conf.py").splitlines())
    assert len(config) == 1 and config[0].startswith(f"conf.py:{last_line}: WARNING: ")
    assert words in config[0]
    for page in ("raft", "repvgg", "acnet", "dbb"):
        assert (basic.builddir / "html" / "papers" / f"{page}.html").is_file()


def test_without_bibtex_bibfiles_the_site_builds_with_a_warning(project):
    basic = project("basic")
    conf = basic.read("conf.py").replace('bibtex_bibfiles = ["refs.bib"]\n', "")
    basic.write("conf.py", conf)
    app = basic.build("html")
    lines = warnings_of(app).replace(str(basic.srcdir) + "/", "").splitlines()
    assert "conf.py:1: WARNING: bibtex_bibfiles is not set" in lines[0]
    assert sum(line.endswith("[paper.bib]") for line in lines) == 4
    assert (basic.builddir / "html" / "papers" / "raft.html").is_file()


@pytest.mark.parametrize("content", ["", "% only a comment\n", "@comment{nothing here}\n"])
def test_an_empty_bibliography_is_warned_about_once(project, content):
    basic = project("basic")
    basic.write("refs.bib", content)
    app = basic.build("html")
    lines = warnings_of(app).replace(str(basic.srcdir) + "/", "").splitlines()
    assert [line for line in lines if "[paper.bibfile]" in line] == [
        "refs.bib:1: WARNING: this bibliography file holds no entries; "
        "add an @type{key, ...} entry for each paper [paper.bibfile]"
    ]
    assert sum(line.endswith("[paper.bib]") for line in lines) == 4


def test_a_missing_bibliography_is_warned_about_at_the_setting(project):
    basic = project("basic")
    basic.remove("refs.bib")
    app = basic.build("html")
    lines = warnings_of(app).splitlines()
    where = conf_line(basic.srcdir, "bibtex_bibfiles")
    assert lines[0] == (
        f"{basic.srcdir}/conf.py:{where}: WARNING: bibliography file {basic.srcdir}/refs.bib "
        "does not exist; "
        "create it or correct bibtex_bibfiles in conf.py (papers show no authors, venue or "
        "cite block) [paper.bibfile]"
    )


def test_every_warning_of_the_corpus_can_be_silenced_by_subtype(project):
    corpus = project("malformed")
    subtypes = sorted({s for _p, _l, s, _t in MALFORMED})
    app = corpus.build(
        "html", confoverrides={"suppress_warnings": [f"paper.{s}" for s in subtypes]}
    )
    assert warnings_of(app) == ""


def test_the_corpus_is_left_as_committed():
    """The corpus's broken files are meant to be broken: nothing may mend them by accident."""
    root = Path(__file__).parent / "roots" / "test-malformed"
    assert b"\xe9" in (root / "papers" / "latin1.md").read_bytes()
    assert b"\x00" in (root / "papers" / "nul.md").read_bytes()
    assert (root / "refs.bib").read_bytes().rstrip().splitlines()[-1] == b"  year = {2020}"


def test_a_source_suffix_without_rst_is_warned_at_its_line(project):
    basic = project("basic")
    basic.write("conf.py", basic.read("conf.py") + 'source_suffix = {".md": "markdown"}\n')
    app = basic.build("html")
    lines = warnings_of(app).replace(str(basic.srcdir) + "/", "").splitlines()
    last_line = len(basic.read("conf.py").splitlines())
    assert (
        f"conf.py:{last_line}: WARNING: paper_directive writes its field and index pages as "
        "reStructuredText; add '.rst' to source_suffix [paper.config]"
    ) in lines
    assert (basic.builddir / "html" / "papers" / "raft.html").is_file()
