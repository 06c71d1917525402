"""The PDF (LaTeX through xelatex and latexmk) and the EPUB of the real site.

Both run the real toolchains: TeX Live, poppler's pdftotext/pdffonts/pdftoppm,
and epubcheck; the EPUB's pages are opened in Chromium, as an e-reader's
engine opens them.  Without these tools the tests skip, except under
``CI=true``, where ``.ci/run`` installs them and a skip would hide a broken PDF.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import unicodedata
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PIL import Image

from chromium import launched, need_a_browser
from conftest import SEED, build_site, copy_site, need_tool, warnings_of
from paper_directive.notes.readme_format import parse_readme

if TYPE_CHECKING:
    from playwright.sync_api import Page

PDF_NAME = "brief_paper_reading"
EPUBCHECK = Path("/usr/share/java/epubcheck.jar")


def tools_for_pdf() -> None:
    for tool in ("xelatex", "latexmk", "xindy", "make", "pdftotext", "pdffonts", "pdftoppm"):
        need_tool(shutil.which(tool) is not None, f"{tool} is not installed (see .ci/run)")


@pytest.fixture(scope="module")
def pdf(tmp_path_factory) -> Path:
    """The site's PDF, made as ``nox -s pdf`` makes it."""
    tools_for_pdf()
    root = tmp_path_factory.mktemp("pdf")
    copy_site(root)
    app = build_site(root, "latex")
    assert warnings_of(app) == ""
    outdir = Path(app.outdir)
    env = os.environ | {"LATEXMKOPTS": "-interaction=nonstopmode -halt-on-error"}
    run = subprocess.run(
        ["make", "all-pdf"], cwd=outdir, env=env, capture_output=True, text=True, timeout=900
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return outdir / f"{PDF_NAME}.pdf"


def pdf_text(pdf: Path, first: int | None = None, last: int | None = None) -> str:
    pages = [*(["-f", str(first)] if first else []), *(["-l", str(last)] if last else [])]
    run = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", *pages, str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return run.stdout


RUNNING_MARK = re.compile(r"^(\d+(\.\d+)*\.\s.*|[0-9ivxlc]+|论文阅读笔记, 版本 .*)$")


def body_text(pdf: Path) -> str:
    """The PDF's text without running heads and page numbers, which cut sentences in two."""
    pages = []
    for page in pdf_text(pdf).split("\f"):
        lines = page.strip("\n").split("\n")
        if lines and RUNNING_MARK.match(lines[0]):
            lines = lines[1:]
        while lines and (not lines[-1].strip() or RUNNING_MARK.match(lines[-1])):
            lines = lines[:-1]
        pages.append("\n".join(lines))
    return "\n".join(pages)


def comparable(text: str) -> str:
    """Text as the PDF may break it: no whitespace, no hyphens, ligatures unfolded."""
    return re.sub(r"[\s\-‐]", "", unicodedata.normalize("NFKC", text))


def test_latex_log_has_no_error_and_no_missing_character(pdf):
    log = pdf.with_suffix(".log").read_text(encoding="utf-8", errors="replace")
    assert "Missing character" not in log
    assert not re.search(r"^! ", log, flags=re.M)
    assert "There were undefined references" not in log
    assert not re.search(r"Hyper reference .* undefined", log)


def test_pdf_has_every_title_and_the_chinese_text_of_the_notes(pdf):
    text = comparable(body_text(pdf))
    readme = parse_readme(SEED.read_text(encoding="utf-8"))
    runs = 0
    for _field, paper in readme.papers():
        assert comparable(paper.title) in text, paper.title
        for item in paper.items:
            for run in re.findall(r"[\u4e00-\u9fff]{2,}", "".join(item.lines)):
                assert run in text, (paper.title, run)
                runs += 1
    assert runs > 500


def test_pdf_embeds_every_font(pdf):
    listing = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert listing, "no fonts listed"
    for line in listing:
        # columns: name type encoding emb sub uni object ID
        assert re.search(r"\s(yes)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$", line), line
    assert any("CJK" in line for line in listing), "the Chinese text has a CJK font"


def test_title_page_contents_and_labels_are_chinese(pdf):
    title_page = pdf_text(pdf, 1, 1)
    assert "论文阅读笔记" in title_page and "brief_paper_reading" in title_page
    text = pdf_text(pdf)
    assert "目录" in text and re.search(r"第\s*1\s*章", text)
    # babel's English labels are gone
    assert not re.search(r"^(Contents|Index|Bibliography)$", text, flags=re.M)
    assert not re.search(r"^(CHAPTER|Chapter)\s+\d+", text, flags=re.M)


def test_fields_are_chapters_in_order_with_bibliography_and_index_at_the_end(pdf):
    text = pdf_text(pdf)
    body = text[re.search(r"第\s*1\s*章", text).start() :]
    # the configured field order is the README's
    order = [field.name for field in parse_readme(SEED.read_text(encoding="utf-8")).fields]
    positions = [
        re.search(rf"第\s*{n}\s*章\s+{name}\n", body).start() for n, name in enumerate(order, 1)
    ]
    assert positions == sorted(positions)
    tail = text[-len(text) // 5 :]
    assert "参考文献" in tail and "索引" in tail


def page_with(pdf: Path, pattern: str) -> int:
    pages = int(
        re.search(
            r"Pages:\s+(\d+)",
            subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout,
        ).group(1)
    )
    for number in range(1, pages + 1):
        if re.search(pattern, pdf_text(pdf, number, number)):
            return number
    raise AssertionError(f"{pattern!r} is on no page")


def test_a_rendered_page_shows_chinese_a_chapter_and_an_insight_box(pdf, tmp_path):
    number = page_with(pdf, r"第\s*3\s*章")  # Video: its first papers carry insights
    last = number + 4  # a chapter page, then the first paper's header and note
    text = pdf_text(pdf, number, last)
    assert "想法" in text and "光流" in text
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            str(number),
            "-l",
            str(last),
            str(pdf),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    images = sorted(tmp_path.glob("page-*.png"))
    assert images
    # the insight box's purple rule (paperdirective.sty: RGB 130,80,223) is drawn
    purple = 0
    for image in images:
        pixels = Image.open(image).convert("RGB").getdata()
        purple += sum(
            1 for r, g, b in pixels if abs(r - 130) < 25 and abs(g - 80) < 25 and abs(b - 223) < 25
        )
    assert purple > 50


@pytest.fixture(scope="module")
def epub(tmp_path_factory) -> Path:
    """The site's EPUB, made as ``nox -s epub`` makes it."""
    root = tmp_path_factory.mktemp("epub")
    copy_site(root)
    app = build_site(root, "epub")
    assert warnings_of(app) == ""
    return Path(app.outdir) / f"{PDF_NAME}.epub"


def test_epub_builds_without_warnings_and_passes_epubcheck(epub):
    need_tool(
        shutil.which("java") is not None and EPUBCHECK.is_file(), "epubcheck is not installed"
    )
    run = subprocess.run(
        ["java", "-jar", str(EPUBCHECK), str(epub)], capture_output=True, text=True, timeout=300
    )
    report = run.stdout + run.stderr
    assert re.search(r"Messages: 0 fatals / 0 errors", report), report[-3000:]
    assert run.returncode == 0


#: An e-reader's page: narrower than the longest line of a cite block.
READER_WIDTH = 600


@pytest.fixture(scope="module")
def epub_page(epub, tmp_path_factory) -> Iterator[Page]:
    """RAFT's page as the book holds it, unpacked from the zip and opened in Chromium.

    Chromium stands in for an e-reader's engine (most are WebKit or Blink):
    what is checked is what the book's own stylesheets make of its pages.
    """
    need_a_browser()
    book = tmp_path_factory.mktemp("book")
    with zipfile.ZipFile(epub) as archive:
        assert archive.read("mimetype") == b"application/epub+zip"
        archive.extractall(book)
    with launched() as browser:
        tab = browser.new_page(viewport={"width": READER_WIDTH, "height": 900})
        tab.goto((book / "papers" / "raft.xhtml").as_uri())
        yield tab


LABELS = """() => [...document.querySelectorAll('div.paper-card dl.paper-meta > dt')].map(dt => {
  const after = getComputedStyle(dt, '::after').content;
  // what a reader sees: the label's text and what the stylesheets add after it
  return dt.textContent + (after.startsWith('"') ? JSON.parse(after) : '');
})"""


def test_the_epub_paper_header_labels_carry_one_colon(epub_page):
    labels = epub_page.evaluate(LABELS)
    # the header as rows: the EPUB has no badges
    assert labels[:3] == ["标题:", "年份:", "领域:"]
    assert "相关笔记:" in labels
    assert all(label.count(":") == 1 and label.endswith(":") for label in labels), labels


CITE_BLOCKS = """() => [...document.querySelectorAll(
  'div.paper-card div.paper-bibtex pre, div.paper-card div.paper-reference pre'
)].map(pre => ({
  text: pre.textContent,
  whiteSpace: getComputedStyle(pre).whiteSpace,
  overflow: pre.scrollWidth - pre.clientWidth,
}))"""


def test_the_epub_cite_blocks_wrap_within_the_page(epub_page):
    bibtex, reference = epub_page.evaluate(CITE_BLOCKS)
    assert bibtex["text"].startswith("@inproceedings{teed2020raft,")
    assert reference["text"].startswith("Zachary Teed and Jia Deng. ")
    # both have lines longer than the page is wide; they wrap, and nothing runs off its edge
    assert max(len(line) for line in reference["text"].splitlines()) > 100
    for block in (bibtex, reference):
        assert block["whiteSpace"] == "pre-wrap"
        assert block["overflow"] <= 0, block["text"][:60]


def test_an_epub_built_again_after_an_edit_keeps_its_pictures(project):
    # graphviz draws a picture once: finding its PNG drawn already, it reads the image map
    # it wrote beside it, which the EPUB's packing leaves out (the format knows no such file)
    need_tool(shutil.which("dot") is not None, "graphviz is not installed (see .ci/run)")
    basic = project("basic")
    assert warnings_of(basic.build("epub")) == ""
    years = basic.output("epub", "browse/years.xhtml")
    (timeline,) = re.findall(r'src="(\.\./_images/graphviz-[0-9a-f]+\.png)"', years)
    # a new title: the years page lists it, its timeline (papers per year) stays the same
    raft = basic.read("papers/raft.md")
    basic.write("papers/raft.md", raft.replace("RAFT: Recurrent", "RAFT, renamed: Recurrent"))
    assert warnings_of(basic.build("epub")) == ""
    # the picture's page was written again, and still shows it
    assert "RAFT, renamed" in basic.output("epub", "browse/years.xhtml")
    assert timeline in basic.output("epub", "browse/years.xhtml")
    with zipfile.ZipFile(basic.builddir / "epub" / "basic.epub") as book:
        names = book.namelist()
    assert timeline.removeprefix("../") in names
    assert not [name for name in names if name.endswith(".map")]
    # and after the doctrees are deleted, the output left as it is
    shutil.rmtree(basic.builddir / "doctrees")
    assert warnings_of(basic.build("epub")) == ""
    assert timeline in basic.output("epub", "browse/years.xhtml")
    assert (basic.builddir / "epub" / timeline.removeprefix("../")).is_file()
