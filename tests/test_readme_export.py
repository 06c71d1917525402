"""README export: the round trip, literal escaping, hand-edited pages, the command line."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import pytest
from docutils.parsers.rst import Directive, directives
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.directives import parse_directive_text
from myst_parser.parsers.mdit import create_md_parser
from test_readme_import import SEED, make_docs, seed_text

from paper_directive.notes.cli import main
from paper_directive.notes.exporter import export_readme
from paper_directive.notes.importer import import_readme
from paper_directive.notes.page_format import markdown_escape, markdown_unescape, parse_page
from paper_directive.notes.readme_format import canonical_readme, parse_readme

MD = create_md_parser(MdParserConfig(enable_extensions={"dollarmath", "colon_fence"}), RendererHTML)

#: Strings that would turn into markup if written unescaped.
NASTY = [
    "1. a", "1) a", "12. a", "1.", "# x", "#x", "> q", "- a", "-", "+ a", "* a", "*",
    "```x", "~~~", ":::{note}", "% comment", "(label)=", "$$", "$x$", "a $b$ c", "+++", "++ +",
    "---", "===", "- - -", "___", "***", "a | b", "--- | ---", "|-|-|", ":--|--:",
    "[a](b)", "[a][b]", "[a]: b", "[^1]", "[^note]: x", "![i](x)", "[a [b](c)]", "[x", "x]( y",
    "<div>", "</p>", "<!-- x", "<?php", "<http://x.org>", "<a@b.c>", "&amp;", "&#123;",
    "&#x1F;", "&copy", "a_b_", "_a_", "__a__", "a__b", "中_文", "x_", "`code`", "``",
    "\\", "a\\", "a\\*b", "\\\\", "\\_", "C:\\path", "a*b*", "**bold**", "{paper}`key`",
    "{paper}`RepVGG <ding2021repvgg>`", "a  b", ":title: x", "--- x", "<2 and >8",
    "grid_sample", "[来自知乎] 自BERT", "[想法] 文字", "512*384 A*", "a\tb",
]  # fmt: skip
_ATOMS = [*"\\`*_$<>&#[]()!?:;-+=.|~%^{}/ 1a中\"'", "&amp;", "&#12;", "http://x.y", "<a>",
          "1.", "2)", "[^", "](", "{paper}", "```", ":::", "~~~", "+++", "---", "$$", "a_b",
          "_a", "x", "中_文", "(x)=", ":x:"]  # fmt: skip


def seed_lines() -> list[str]:
    return [line.strip() for line in seed_text().split("\n") if line.strip()]


def random_strings(count: int = 3000) -> list[str]:
    rng = random.Random(20240229)
    strings = ("".join(rng.choice(_ATOMS) for _ in range(rng.randint(1, 10))) for _ in range(count))
    return [s.strip() for s in strings if s.strip()]


def inline_text(tokens: list[Token]) -> str:
    """The text a reader sees, failing on any markup (links, emphasis, math, html...)."""
    text = []
    for token in tokens:
        if token.type != "inline":
            continue
        for child in token.children or []:
            if child.type == "text":
                text.append(child.content)
            elif child.type == "softbreak":
                text.append("\n")
            else:
                text.append(f"<<{child.type}>>")
    return "".join(text)


def block_types(tokens: list[Token]) -> list[str]:
    return [token.type for token in tokens if token.type != "inline"]


class _Insight(Directive):
    """The insight directive's signature: no arguments, a body, ``class`` and ``name``."""

    has_content = True
    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {
        "class": directives.class_option,
        "name": directives.unchanged,
    }


# --------------------------------------------------------------------------
# The round trip


def test_export_gives_back_the_canonical_readme(tmp_path: Path) -> None:
    docs = make_docs(tmp_path)
    import_readme(seed_text(), docs, docs / "refs.bib")
    text, messages = export_readme(docs)
    assert messages == []
    assert text == canonical_readme(seed_text())


def test_export_of_an_edited_site_imports_back_to_the_same_pages(tmp_path: Path) -> None:
    docs = make_docs(tmp_path)
    import_readme(seed_text(), docs, docs / "refs.bib")
    text, _ = export_readme(docs)
    report = import_readme(text, docs, docs / "refs.bib")
    assert report.written == () and len(report.unchanged) == 52


# --------------------------------------------------------------------------
# Escaping


@pytest.mark.parametrize("at_line_start", [True, False])
def test_escaping_round_trips(at_line_start: bool) -> None:
    for text in [*seed_lines(), *NASTY, *random_strings()]:
        escaped = markdown_escape(text, at_line_start)
        assert markdown_unescape(escaped) == text, (text, escaped)
        assert markdown_escape(markdown_unescape(escaped), at_line_start) == escaped


def test_readable_text_is_not_escaped() -> None:
    for text in ["[来自知乎] 自BERT", "[想法] 文字", "<2 和 >8", "grid_sample", "lcs_score",
                 "core/corr.py", "(x,y)", "Vicuna > LLama", "88.33%", "f=g+h", "“a”"]:  # fmt: skip
        assert markdown_escape(text) == text
    assert markdown_escape("1. 特征提取") == "1\\. 特征提取"
    assert markdown_escape("A* 512*384") == "A\\* 512\\*384"


def test_escaped_text_renders_as_the_original_text() -> None:
    paragraph = ["paragraph_open", "paragraph_close"]
    in_list = ["bullet_list_open", "list_item_open", *paragraph, "list_item_close",
               "bullet_list_close"]  # fmt: skip
    for text in [*seed_lines(), *NASTY, *random_strings()]:
        escaped = markdown_escape(text)
        tokens = MD.parse(escaped)
        assert (inline_text(tokens), block_types(tokens)) == (text, paragraph), escaped
        # as an item, and as a continuation line of an item, indented or not
        tokens = MD.parse(f"* {escaped}")
        assert (inline_text(tokens), block_types(tokens)) == (text, in_list), escaped
        for indent in ("", "  ", "     "):
            tokens = MD.parse(f"* first\n{markdown_escape(indent + text)}")
            assert (inline_text(tokens), block_types(tokens)) == (f"first\n{text}", in_list)


def test_escaped_text_is_an_insight_body_not_options() -> None:
    for text in [*NASTY, *random_strings(1000)]:
        first = markdown_escape(text, body_start=True)
        parsed = parse_directive_text(_Insight, "", f"{first}\n{markdown_escape(text)}")
        assert parsed.options == {} and not parsed.warnings, text
        assert parsed.body == [first, markdown_escape(text)]
        tokens = MD.parse("\n".join(parsed.body))
        assert inline_text(tokens) == f"{text}\n{text}"


def test_pages_render_the_notes_literally(tmp_path: Path) -> None:
    docs = make_docs(tmp_path)
    import_readme(seed_text(), docs, docs / "refs.bib")
    readme = parse_readme(seed_text())
    for order, (_field, paper) in enumerate(readme.papers(), start=1):
        page = next(
            p
            for p in (docs / "papers").glob("*.md")
            if f"\n:order: {order}\n" in p.read_text("utf-8")
        )
        tokens = MD.parse(page.read_text(encoding="utf-8"))
        seen = []
        for token in tokens:
            if token.type == "fence" and token.info == "{insight}":
                seen.append(("insight", inline_text(MD.parse(token.content))))
            elif token.type == "list_item_open":
                seen.append(("item", ""))
            elif token.type == "inline" and seen and seen[-1] == ("item", ""):
                seen[-1] = ("item", inline_text([token]))
        expected = [
            (
                "insight" if item.is_insight else "item",
                "\n".join([item.text, *(line.lstrip() for line in item.continuation)]),
            )
            for item in paper.items
        ]
        assert seen == expected, page.name


# --------------------------------------------------------------------------
# Pages edited by hand


HAND_PAGE = """\
```{paper}
:title: Hand Written
:year: 2021
:link: https://example.org/hand
:field: Video
:key: hand2021
:related: ding2021repvgg
:tags: flow, video
```

- builds on {paper}`RepVGG <ding2021repvgg>` and {paper}`ding2021repvgg`
- price: 5\\$

A paragraph
on two lines.

## A heading

```{note}
Careful.
```

```{insight}
:class: wide
mine
```
"""


def test_hand_edited_page_is_read_without_losing_anything() -> None:
    content = parse_page(HAND_PAGE, "papers/hand.md", {"ding2021repvgg": "RepVGG: Making VGG"})
    assert content.options["related"] == "ding2021repvgg"
    texts = [(item.is_insight, item.lines) for item in content.items]
    assert texts == [
        (False, ("builds on RepVGG and RepVGG: Making VGG",)),
        (False, ("price: 5$",)),
        (False, ("A paragraph", "on two lines.")),
        (False, ("A heading",)),
        (False, ("```{note}", "Careful.", "```")),
        (True, ("mine",)),
    ]
    assert content.messages == (
        "papers/hand.md:14: paragraph outside a list exported as an ordinary item",
        "papers/hand.md:17: heading exported as an ordinary item",
        "papers/hand.md:19: directive {note} exported as an item, as written",
        "papers/hand.md:23: options of the insight directive are not exported",
    )


def test_export_of_hand_pages(tmp_path: Path) -> None:
    docs = make_docs(tmp_path)
    papers = docs / "papers"
    papers.mkdir()
    (papers / "hand.md").write_text(HAND_PAGE, encoding="utf-8")
    (papers / "repvgg.md").write_text(
        "```{paper}\n:title: RepVGG: Making VGG\n:year: 2021\n:link: https://r\n"
        ":field: base model\n:key: ding2021repvgg\n```\n\n* fast\n",
        encoding="utf-8",
    )
    (papers / "older.rst").write_text(
        ".. paper::\n   :title: Older\n   :year: 2019\n   :link: https://o\n   :field: Video\n\n"
        "Some reST notes.\n",
        encoding="utf-8",
    )
    (papers / "misc.md").write_text(
        "```{paper}\n:title: Misc\n:year: 2020\n:link: https://m\n:field: Zoo\n```\n", "utf-8"
    )
    (papers / "broken.md").write_text("```{paper}\n:title: No Year\n```\n", encoding="utf-8")
    (docs / "index.md").write_text(
        "% paper-notes: README introduction (written by paper-notes import, read by "
        "paper-notes export-readme)\n# Notes\nTotal Count：{paper-count}`all`\n"
        "% paper-notes: end of README introduction\n",
        encoding="utf-8",
    )
    text, messages = export_readme(docs)
    assert text == (
        "# Notes\nTotal Count：4\n"
        "## Base Model\n### 2021 - [RepVGG: Making VGG](https://r)\n  * fast\n"
        "## Video\n### 2021 - [Hand Written](https://example.org/hand)\n"
        "  * builds on RepVGG and RepVGG: Making VGG\n  * price: 5$\n"
        "  * A paragraph\non two lines.\n  * A heading\n  * ```{note}\nCareful.\n```\n"
        "  * [想法] mine\n"
        "### 2019 - [Older](https://o)\n"
        "## Zoo\n### 2020 - [Misc](https://m)\n"
    )
    assert any("older.rst: a reStructuredText page" in m for m in messages)
    assert any("broken.md: NOT exported" in m and ":year:" in m for m in messages)
    assert any("misc.md: field 'Zoo' is not in paper_fields" in m for m in messages)
    assert any(m.endswith("hand.md:14: paragraph outside a list exported as an ordinary item")
               for m in messages)  # fmt: skip


def test_total_count_follows_the_pages(tmp_path: Path) -> None:
    docs = make_docs(tmp_path)
    import_readme(seed_text(), docs, docs / "refs.bib")
    (docs / "papers" / "raft.md").unlink()
    text, _ = export_readme(docs)
    assert "Total Count：51\n" in text
    assert "RAFT" not in text.split("## Video")[1].split("## Low-Level")[0].split("\n")[0]


# --------------------------------------------------------------------------
# The command line


def test_cli_import_then_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs = make_docs(tmp_path)
    assert main(["import", str(SEED), "--docs", str(docs)]) == 0
    out = capsys.readouterr().out
    assert "pages: 52 written, 0 unchanged, 0 skipped; 49 stub entries added" in out

    assert main(["import", str(SEED), "--docs", str(docs)]) == 0
    assert "pages: 0 written, 52 unchanged" in capsys.readouterr().out

    assert main(["export-readme", "--docs", str(docs)]) == 0
    assert capsys.readouterr().out == canonical_readme(seed_text())

    output = tmp_path / "README.md"
    assert main(["export-readme", "--docs", str(docs), "-o", str(output)]) == 0
    assert output.read_text(encoding="utf-8") == canonical_readme(seed_text())


def test_cli_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs = make_docs(tmp_path)
    main(["import", str(SEED), "--docs", str(docs)])
    raft = docs / "papers" / "raft.md"
    raft.write_text(raft.read_text(encoding="utf-8") + "\nmy own line\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["import", str(SEED), "--docs", str(docs)]) == 0
    assert f"skipped {raft}: edited by hand" in capsys.readouterr().out
    assert main(["import", str(SEED), "--docs", str(docs), "--force"]) == 0
    assert f"wrote {raft}" in capsys.readouterr().out
    assert "my own line" not in raft.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("setup", "argv", "expected"),
    [
        ("docs", ["import", "{tmp}/missing.md", "--docs", "{docs}"], "missing.md: no such file"),
        ("none", ["import", "{seed}", "--docs", "{tmp}/nowhere"], "conf.py: no such file"),
        ("broken", ["import", "{seed}", "--docs", "{docs}"], "RuntimeError: boom"),
        ("broken", ["export-readme", "--docs", "{docs}"], "RuntimeError: boom"),
        ("badreadme", ["import", "{tmp}/bad.md", "--docs", "{docs}"], "README line 2: expected"),
        ("docs", ["import", "{tmp}/latin1.md", "--docs", "{docs}"], "not UTF-8 text"),
    ],
)
def test_cli_user_errors_are_one_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    setup: str,
    argv: list[str],
    expected: str,
) -> None:
    docs = tmp_path / "docs"
    if setup != "none":
        make_docs(tmp_path)
    if setup == "broken":
        (docs / "conf.py").write_text("raise RuntimeError('boom')\n", encoding="utf-8")
    (tmp_path / "bad.md").write_text("## LLM\n### 2020 [T](x)\n", encoding="utf-8")
    (tmp_path / "latin1.md").write_bytes("## Caf\xe9\n".encode("latin-1"))
    args = [a.format(tmp=tmp_path, docs=docs, seed=SEED) for a in argv]
    assert main(args) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith("paper-notes: error: ")
    assert expected in captured.err
    assert captured.err.count("\n") == 1
    assert "Traceback" not in captured.err + captured.out


def test_cli_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert main(["export-readme", "--nonsense"]) == 2
    assert "usage: paper-notes" in capsys.readouterr().err
    assert main(["--help"]) == 0
