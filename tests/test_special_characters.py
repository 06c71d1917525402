"""One paper whose title, tags, field and bibliography entry hold every special character.

HTML, LaTeX and BibTeX special characters (``< > & % $ # _ { } ~ ^ \\``),
quotes, an emoji and Chinese go through every output: the HTML pages, the
PDF (real xelatex), the BibTeX downloads (real ``bibtex``, then typeset),
papers.json and the EPUB (epubcheck).  Each must come out as written: no
markup made of the text, nothing lost, and a title that tries LaTeX commands
(``\\input``, ``\\write18``) printed as text.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import unicodedata
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pybtex.database import parse_file
from test_downloads import bibtex
from test_pdf_epub import EPUBCHECK, tools_for_pdf

from conftest import ROOTS, Project, need_tool, warnings_of

TITLE = (
    "<script>alert(1)</script> <b>Bold</b> & Co: 100% of $5, C# a_b {c} ~d ^e \\f "
    "\"quoted\" 'single' Wow! mail@x a|b 😀 中文标题 \\input{/etc/passwd} \\write18{ls}"
)
LINK = "https://example.org/a_b?x=1&y=100%25#frag"
TAGS = ["<em>tag</em>", "100%", "a_b", "C#", "{braces}", "~tilde", "^caret", "\\back", "中文", "😀"]
FIELD = "Q&A <Tests> 100% $5 a_b"
#: The entry's title as text: its LaTeX escapes read, its TeX quotes typographic.
BIB_TITLE = (
    "<b>Bold</b> & Co: 100% of $5, C# and a_b with {braces}, ~d, ^e, \\f, “quoted” 😀 中文标题"
)
AUTHORS = ["Jörg Müller", "Seán O'Brien", "小明 王"]
VENUE = "Proceedings of & <Tests>"


def build(tmp_path_factory, make_app, builder: str) -> Project:
    root = tmp_path_factory.mktemp(builder) / "special"
    shutil.copytree(ROOTS / "test-special", root)
    project = Project(root, make_app)
    app = project.build(builder)
    assert warnings_of(app) == ""
    return project


@pytest.fixture
def html(tmp_path_factory, make_app) -> Path:
    return build(tmp_path_factory, make_app, "html").builddir / "html"


def page(html: Path, relative: str) -> BeautifulSoup:
    return BeautifulSoup((html / relative).read_text(encoding="utf-8"), "html.parser")


def test_html_shows_every_character_as_text_and_makes_no_markup_of_it(html):
    soup = page(html, "papers/special.html")
    main = soup.select_one('div[role="main"]')
    assert main.select("script, b") == []
    assert [em.get_text() for em in main.select("em") if "tag" in em.get_text()] == []
    card = main.select_one("div.paper-card")
    title = card.select_one("a.reference.external")
    assert title.get_text() == TITLE
    assert title["href"] == LINK
    text = card.get_text()
    assert ", ".join(TAGS) in text
    assert ", ".join(AUTHORS) in text and VENUE in text and FIELD in text
    # the page's own title (its heading and the browser's tab) is the paper's title
    assert main.select_one("h1").get_text().rstrip("¶#") == TITLE
    assert soup.title.get_text().startswith(TITLE)
    # the cite block is the BibTeX download, character for character
    block = card.select_one("div.paper-bibtex, pre").get_text()
    assert block.strip() == (html / "bib" / "special2020.bib").read_text(encoding="utf-8").strip()


def test_html_lists_and_the_bibliography_show_the_characters_as_text(html):
    field = page(html, "browse/fields/qa.html").select_one('div[role="main"]')
    assert field.select("script, b") == []
    assert TITLE in field.get_text() and FIELD in field.get_text()
    years = page(html, "browse/years.html").select_one('div[role="main"]')
    assert TITLE in years.get_text()
    bibliography = page(html, "browse/bibliography.html").select_one('div[role="main"]')
    assert bibliography.select("script, b") == []
    text = bibliography.get_text()
    # sphinxcontrib-bibtex formats the entry itself (its plain style lowercases
    # the title); what pybtex reads of \$, \{, \} and \^{} is not checked here
    for part in ("<b>Bold</b> & co: 100% of", "c# and a_b", "~d", "\\f", "“quoted” 😀 中文标题"):
        assert part in text, part
    assert VENUE in text and "Jörg Müller" in text


def test_papers_json_holds_the_characters_as_written(html):
    data = json.loads((html / "papers.json").read_text(encoding="utf-8"))
    paper = next(p for p in data["papers"] if p["key"] == "special2020")
    assert paper["title"] == TITLE
    assert paper["tags"] == TAGS
    assert paper["link"] == LINK
    assert paper["field"]["name"] == FIELD
    assert paper["record"]["title"] == BIB_TITLE
    assert paper["record"]["authors"] == AUTHORS
    assert paper["record"]["venue"] == VENUE
    assert paper["record"]["url"] == LINK


def test_the_bibtex_download_compiles_with_bibtex_and_typesets_as_written(html, tmp_path):
    download = html / "bib" / "special2020.bib"
    original = parse_file(str(ROOTS / "test-special" / "refs.bib")).entries["special2020"]
    again = parse_file(str(download)).entries["special2020"]
    assert again.fields["booktitle"] == original.fields["booktitle"]
    assert [str(p) for p in again.persons["author"]] == [str(p) for p in original.persons["author"]]
    bbl, blg = bibtex(tmp_path, download, ["special2020"], "plain")
    assert [line for line in blg.splitlines() if line.startswith("Warning--")] == []
    flat = re.sub(r"\s+", " ", bbl)
    # (the plain style lowercases a title, but for what braces protect)
    for part in ("{<b>Bold</b>} \\& co: 100\\% of \\$5", "a\\_b with \\{braces\\}", "😀 中文标题"):
        assert part in flat, part
    # typeset with xelatex, as a reader citing the paper would
    need_tool(shutil.which("xelatex") is not None, "xelatex is not installed (see .ci/run)")
    need_tool(shutil.which("pdftotext") is not None, "pdftotext is not installed")
    (tmp_path / "cite.tex").write_text(
        "\\documentclass{article}\n\\usepackage{fontspec}\n\\setmainfont{FreeSerif}\n"
        "\\usepackage{xeCJK}\n\\setCJKmainfont{Noto Serif CJK SC}\n"
        "\\usepackage{hyperref}\n\\usepackage{paperdirective}\n"
        "\\begin{document}\n\\nocite{special2020}\n\\bibliographystyle{plain}\n"
        "\\bibliography{refs}\n\\end{document}\n",
        encoding="utf-8",
    )
    style = Path(__file__).parents[1] / "ext" / "paper_directive" / "latex" / "paperdirective.sty"
    shutil.copy(style, tmp_path)
    shutil.copy(tmp_path / "main.bbl", tmp_path / "cite.bbl")  # what bibtex made above
    run = subprocess.run(
        ["xelatex", "-interaction=nonstopmode", "-halt-on-error", "cite.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    log = (tmp_path / "cite.log").read_text(encoding="utf-8", errors="replace")
    assert run.returncode == 0, log[-3000:]
    assert "Missing character" not in log
    text = pdf_text(tmp_path / "cite.pdf")
    for part in ("<b>Bold</b>&co:100%of$5", "a_bwith{braces}", "~d,^e,\\f", "😀中文标题"):
        assert part in text, part


def comparable(text: str) -> str:
    """Text as a PDF gives it back: no whitespace, TeX's typographic quotes made straight."""
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(str.maketrans({"”": '"', "“": '"', "’": "'", "‘": "'"}))
    return re.sub(r"\s+", "", text)


def pdf_text(pdf: Path) -> str:
    run = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    return comparable(run.stdout)


def test_the_pdf_prints_every_character_and_runs_no_command_of_the_title(
    tmp_path_factory, make_app
):
    tools_for_pdf()
    project = build(tmp_path_factory, make_app, "latex")
    outdir = project.builddir / "latex"
    run = subprocess.run(
        ["make", "all-pdf", "LATEXMKOPTS=-interaction=nonstopmode -halt-on-error"],
        cwd=outdir,
        capture_output=True,
        text=True,
        timeout=600,
    )
    log = (outdir / "special.log").read_text(encoding="utf-8", errors="replace")
    assert run.returncode == 0, run.stdout[-3000:] + log[-3000:]
    assert "Missing character" not in log
    assert not re.search(r"^! ", log, flags=re.M)
    text = pdf_text(outdir / "special.pdf")
    assert comparable(TITLE) in text  # \input and \write18 printed, not run
    for part in [*TAGS, FIELD, VENUE, *AUTHORS[:2], "小明王"]:
        assert comparable(part) in text, part


def test_the_epub_carries_every_character_and_passes_epubcheck(tmp_path_factory, make_app):
    need_tool(
        shutil.which("java") is not None and EPUBCHECK.is_file(), "epubcheck is not installed"
    )
    project = build(tmp_path_factory, make_app, "epub")
    epub = next((project.builddir / "epub").glob("*.epub"))
    run = subprocess.run(
        ["java", "-jar", str(EPUBCHECK), str(epub)], capture_output=True, text=True, timeout=300
    )
    report = run.stdout + run.stderr
    assert re.search(r"Messages: 0 fatals / 0 errors", report), report[-3000:]
    with zipfile.ZipFile(epub) as book:
        name = next(n for n in book.namelist() if n.endswith("papers/special.xhtml"))
        soup = BeautifulSoup(book.read(name).decode("utf-8"), "html.parser")
    card = soup.select_one("div.paper-card")
    assert card.select("script, b") == []
    assert TITLE in card.get_text()
    assert ", ".join(TAGS) in card.get_text()
