"""Read the Docs: the configuration is valid, and the site builds with its own command lines.

Read the Docs runs neither nox nor Sphinx's Makefile; the builds here run its
command lines (``tools/readthedocs_build.py``), with the language spelled
as it passes it.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import REPO, copy_site, need_tool

SCHEMA = REPO.parent / "shared" / "specs" / "readthedocs-config-v2.schema.json"


def config() -> dict:
    return yaml.safe_load((REPO / ".readthedocs.yaml").read_text(encoding="utf-8"))


def test_config_validates_against_the_published_schema():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validate(config(), schema)


def test_config_builds_html_pdf_and_epub_from_conf_py_failing_on_warnings():
    rtd = config()
    assert rtd["version"] == 2
    assert rtd["sphinx"] == {
        "configuration": "docs/conf.py",
        "builder": "html",
        "fail_on_warning": True,
    }
    assert sorted(rtd["formats"]) == ["epub", "pdf"]
    assert rtd["python"]["install"] == [
        {"method": "pip", "path": ".", "extra_requirements": ["docs"]}
    ]


def test_an_invalid_config_is_rejected():
    # the check above means something: the schema does reject a bad config
    bad = config() | {"formats": ["pdf", "docx"]}
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    try:
        jsonschema.validate(bad, schema)
    except jsonschema.ValidationError:
        return
    raise AssertionError("the schema accepted an unknown format")


def test_docs_dependencies_are_pinned():
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    docs = project["project"]["optional-dependencies"]["docs"]
    assert docs and all("==" in requirement for requirement in docs), docs


# --------------------------------------------------------------------------
# The site built with Read the Docs' own command lines (tools/readthedocs_build.py)

BUILD_SCRIPT = REPO / "tools" / "readthedocs_build.py"
SLUG = "brief-paper-reading"
EPUBCHECK = Path("/usr/share/java/epubcheck.jar")


def readthedocs_tools() -> None:
    for tool in ("xelatex", "latexmk", "xindy", "pdftotext", "pdfinfo"):
        need_tool(shutil.which(tool) is not None, f"{tool} is not installed (see .ci/run)")


def build_as_readthedocs(root: Path, *args: str) -> tuple[Path, str]:
    """Run the script on a copy of the site; its output folder and what it printed."""
    docs = copy_site(root)
    out = root / "out"
    command = [sys.executable, str(BUILD_SCRIPT), "--docs", str(docs), "--output", str(out)]
    run = subprocess.run(
        [*command, *args],
        capture_output=True,
        text=True,
        timeout=1200,
    )
    log = run.stdout + run.stderr
    assert run.returncode == 0, log[-4000:]
    return root / "out", log


@pytest.fixture(scope="module")
def chinese_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """html, epub and PDF as Read the Docs builds a project set to Simplified Chinese."""
    readthedocs_tools()
    return build_as_readthedocs(tmp_path_factory.mktemp("rtd-zh"))


def test_readthedocs_command_lines_are_run_exactly(chinese_build):
    out, log = chinese_build
    commands = [line for line in log.splitlines() if line.startswith("$ ")]
    python = shlex.quote(sys.executable)
    docs = out.parent / "docs"
    assert commands == [
        f"$ (cd {docs} && {python} -m sphinx -T -W --keep-going -b html -d _build/doctrees "
        f"-D language=zh-cn . {out}/html)",
        f"$ (cd {docs} && {python} -m sphinx -T -W --keep-going -b epub -d _build/doctrees "
        f"-D language=zh-cn . {out}/epub)",
        f"$ (cd {docs} && {python} -m sphinx -T -E -b latex -d _build/doctrees "
        f"-D language=zh-cn . {out}/pdf)",
        f"$ (cd {out}/pdf && latexmk -r latexmkrc -pdf -f -dvi- -ps- -jobname={SLUG} "
        "-interaction=nonstopmode)",
    ]
    assert "latexmk exited 0" in log


def test_readthedocs_html_is_chinese_with_zh_cn(chinese_build):
    out, _log = chinese_build
    index = BeautifulSoup((out / "html" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert index.html["lang"] == "zh-CN"
    # furo's search box is Sphinx's catalog; the captions are the extension's
    assert index.select_one("input[name=q]")["placeholder"] == "搜索"
    captions = [c.get_text() for c in index.select("p.caption span.caption-text")]
    assert "领域" in captions and "索引" in captions and "Fields" not in captions
    raft = (out / "html" / "papers" / "raft.html").read_text(encoding="utf-8")
    assert "引用" in raft and ">Cite<" not in raft


def test_readthedocs_epub_passes_epubcheck(chinese_build):
    need_tool(
        shutil.which("java") is not None and EPUBCHECK.is_file(), "epubcheck is not installed"
    )
    out, _log = chinese_build
    (epub,) = (out / "epub").glob("*.epub")
    run = subprocess.run(
        ["java", "-jar", str(EPUBCHECK), str(epub)], capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, (run.stdout + run.stderr)[-3000:]


def pdf_pages(pdf: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")


def test_readthedocs_pdf_is_whole_with_its_index(chinese_build):
    out, log = chinese_build
    pdf = out / "pdf" / f"{SLUG}.pdf"
    assert pdf.is_file()
    assert "LANG/GENERAL/LATIN9-LANG.XDY has no value" not in log
    # xindy ran: the index has an entry per paper, and it is the PDF's last chapter
    index = (out / "pdf" / f"{SLUG}.ind").read_text(encoding="utf-8")
    assert index.count(r"\item ") >= 52
    pages = [page for page in pdf_pages(pdf) if page.strip()]
    tail = "\n".join(pages[-6:])
    assert "索引" in tail
    assert re.search(r"RAFT: Recurrent All-Pairs Field\s+Transforms for Optical Flow, \d+", tail)


def test_readthedocs_pdf_carries_title_author_and_language(chinese_build):
    from pypdf import PdfReader

    out, _log = chinese_build
    pdf = out / "pdf" / f"{SLUG}.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert re.search(r"^Title:\s+论文阅读笔记$", info, flags=re.M), info
    assert re.search(r"^Author:\s+brief_paper_reading$", info, flags=re.M), info
    assert PdfReader(pdf).trailer["/Root"]["/Lang"] == "zh-CN"


def test_readthedocs_default_language_gives_the_english_site(tmp_path):
    # a project left at Read the Docs' default language: -D language=en
    readthedocs_tools()
    out, log = build_as_readthedocs(tmp_path, "--language", "en", "--formats", "html", "pdf")
    index = BeautifulSoup((out / "html" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert index.html["lang"] == "en"
    assert index.select_one("input[name=q]")["placeholder"] == "Search"
    captions = [c.get_text() for c in index.select("p.caption span.caption-text")]
    assert "Fields" in captions and "Indices" in captions
    # the PDF builds too (the notes' Chinese text still set with xeCJK), labels in English
    assert "latexmk exited 0" in log
    pages = [page for page in pdf_pages(out / "pdf" / f"{SLUG}.pdf") if page.strip()]
    text = "\n".join(pages)
    assert re.search(r"^Chapter 1", text, flags=re.M) and "第 1 章" not in text
    assert re.search(r"^Index$", "\n".join(pages[-6:]), flags=re.M)
    from pypdf import PdfReader

    assert PdfReader(out / "pdf" / f"{SLUG}.pdf").trailer["/Root"]["/Lang"] == "en"
