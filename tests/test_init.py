"""``paper-notes init``: a new researcher's site that builds at once, and after ``new``."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp

from conftest import REPO, TESTS, warnings_of
from paper_directive.notes.cli import main

SCHEMA = REPO.parent / "shared" / "specs" / "readthedocs-config-v2.schema.json"
DBLP_ENTRY = TESTS / "recorded" / "dblp-vaswani2017attention.bib"
FIELDS = ["--field", "LLM", "--field", "Computer Vision", "--field", "视频=video"]


def build(site: Path, builder: str) -> SphinxTestApp:
    docs = site / "docs"
    app = SphinxTestApp(builder, srcdir=docs, builddir=docs / "_build")
    try:
        app.build()
    finally:
        app.cleanup()
    return app


def init(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["init", *argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture
def chinese_site(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    site = tmp_path / "notes"
    status, out, err = init(
        capsys, str(site), "--title", "读论文", "--author", "Zhang San", *FIELDS
    )
    assert status == 0, err
    assert out == f"{site}\n"
    return site


def test_init_writes_the_files_of_a_site(chinese_site):
    files = sorted(str(p.relative_to(chinese_site)) for p in chinese_site.rglob("*") if p.is_file())
    assert files == [
        ".gitignore",
        ".readthedocs.yaml",
        "README.md",
        "docs/conf.py",
        "docs/index.md",
        "noxfile.py",
        "refs.bib",
        "requirements.txt",
    ]
    assert (chinese_site / "docs" / "papers").is_dir()
    assert (chinese_site / "refs.bib").read_text(encoding="utf-8") == ""
    for python in ("docs/conf.py", "noxfile.py"):
        ast.parse((chinese_site / python).read_text(encoding="utf-8"))
    conf: dict[str, object] = {}
    exec((chinese_site / "docs" / "conf.py").read_text(encoding="utf-8"), conf)
    assert conf["language"] == "zh_CN" and conf["project"] == "读论文"
    assert conf["paper_fields"] == [
        {"name": "LLM", "slug": "llm"},
        {"name": "Computer Vision", "slug": "computer-vision"},
        {"name": "视频", "slug": "video"},
    ]
    assert conf["epub_language"] == "zh-CN" and conf["html_search_language"] == "zh"


def test_the_readme_gives_the_two_commands(chinese_site):
    readme = (chinese_site / "README.md").read_text(encoding="utf-8")
    assert 'paper-notes new paper.bib --field "LLM"' in readme
    assert "nox -s docs" in readme
    assert "paper-notes[docs]" in (chinese_site / "requirements.txt").read_text(encoding="utf-8")


def test_the_read_the_docs_config_is_valid(chinese_site):
    config = yaml.safe_load((chinese_site / ".readthedocs.yaml").read_text(encoding="utf-8"))
    jsonschema.validate(config, json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert config["sphinx"]["configuration"] == "docs/conf.py"
    assert config["sphinx"]["fail_on_warning"] is True
    assert sorted(config["formats"]) == ["epub", "pdf"]
    assert config["python"]["install"] == [{"requirements": "requirements.txt"}]


def test_a_new_site_builds_without_warnings_then_after_new(chinese_site, capsys):
    app = build(chinese_site, "html")
    assert warnings_of(app) == ""
    index = BeautifulSoup(
        (chinese_site / "docs/_build/html/index.html").read_text("utf-8"), "html.parser"
    )
    assert index.select_one("h1").get_text().rstrip("#¶") == "读论文"
    assert "共 0 篇" in index.get_text()
    captions = [c.get_text() for c in index.select("p.caption span.caption-text")]
    assert set(captions) == {"领域", "索引"}  # the sidebar and the page
    assert warnings_of(build(chinese_site, "latex")) == ""

    status = main(["new", str(DBLP_ENTRY), "--docs", str(chinese_site / "docs"), "--field", "llm"])
    assert status == 0, capsys.readouterr().err
    app = build(chinese_site, "html")
    assert warnings_of(app) == ""
    field = (chinese_site / "docs/_build/html/browse/fields/llm.html").read_text("utf-8")
    assert "Attention is All you Need" in field
    page = (chinese_site / "docs/_build/html/papers/attention-is-all-you-need.html").read_text(
        "utf-8"
    )
    assert "Ashish Vaswani" in page
    assert warnings_of(build(chinese_site, "latex")) == ""


def test_an_english_site_has_english_labels(tmp_path, capsys):
    site = tmp_path / "notes"
    status, _out, err = init(capsys, str(site), "--language", "en", "--field", "Vision")
    assert status == 0, err
    conf = (site / "docs" / "conf.py").read_text(encoding="utf-8")
    assert 'language = "en"' in conf and "xeCJK" not in conf
    assert main(["new", str(DBLP_ENTRY), "--docs", str(site / "docs"), "--field", "vision"]) == 0
    app = build(site, "html")
    assert warnings_of(app) == ""
    index = BeautifulSoup((site / "docs/_build/html/index.html").read_text("utf-8"), "html.parser")
    assert index.select_one("h1").get_text().rstrip("#¶") == "notes"  # the folder's name
    captions = [c.get_text() for c in index.select("p.caption span.caption-text")]
    assert set(captions) == {"Fields", "Indices"}
    assert "1 so far" in index.get_text()


def test_init_never_overwrites(tmp_path, capsys):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "conf.py").write_text("# mine\n", encoding="utf-8")
    status, out, err = init(capsys, str(tmp_path / "notes"))
    assert (status, out) == (1, "")
    assert err == (
        f"paper-notes: error: {tmp_path / 'notes'}: not empty; "
        "init starts a site in a new or empty folder\n"
    )
    assert (tmp_path / "notes" / "conf.py").read_text(encoding="utf-8") == "# mine\n"


def test_a_field_without_an_ascii_slug_is_refused_with_the_way_out(tmp_path, capsys):
    status, _out, err = init(capsys, str(tmp_path / "notes"), "--field", "视频")
    assert status == 1
    assert err.startswith("paper-notes: error: --field: field '视频' needs a slug")
    assert "--field 'NAME=slug'" in err and err.count("\n") == 1
    assert not (tmp_path / "notes").exists()
