"""Property-based tests: no generated input kills the build, and every problem is located.

hypothesis writes small projects: paper pages with missing, empty,
duplicated, oversized, wrongly typed and hostile option values and bodies
(unclosed fences, nested ``paper`` directives, an ``insight`` outside a
paper page, a page holding only a directive, binary junk, bytes that are
not UTF-8), and bibliographies with broken entries.  Each is built for
real.  The build must finish and raise nothing; every warning of the
extension must name a file and a line; every valid paper among the
generated ones must be rendered; and ``paper-notes check`` must report
exactly the extension's warnings of the build.

The examples are derandomised, so CI runs the same ones every time;
``PAPER_HYPOTHESIS_EXAMPLES=500`` explores further.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from io import StringIO
from pathlib import Path
from typing import NamedTuple

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sphinx.testing.util import SphinxTestApp

from paper_directive.notes.check import check_site

EXAMPLES = int(os.environ.get("PAPER_HYPOTHESIS_EXAMPLES") or 25)
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

CONF = """\
project = "generated"
extensions = ["myst_parser", "paper_directive"]
language = "en"
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]
myst_enable_extensions = ["colon_fence"]
bibtex_bibfiles = ["refs.bib"]
paper_fields = ["Vision", "Language"]
html_theme = "basic"
"""
INDEX = """\
# Generated

```{paper-fields}
```

```{paper-indices}
```

```{toctree}
:glob:

papers/*
```
"""

LOCATED = re.compile(r"^\S.*?:\d+: WARNING: .* \[paper\.\w+\]$")

# --- what pages are made of ---------------------------------------------------

HOSTILE = [
    "",
    " ",
    "<script>alert(1)</script>",
    "javascript:alert(1)",
    "\\input{/etc/passwd} \\write18{ls}",
    "{{",
    "}}",
    "`",
    "```",
    ":::",
    "$x$",
    "100% & # _ ~ ^ \\",
    "😀 中文",
    "²⁰²⁰",
    "٢٠٢٠",
    "null",
    "[1, 2]",
    "{a: b}",
    "true",
    "-1",
    "0",
    "20xx",
    "1850",
    "9999",
    "http://",
    "https://exa mple.org",
    "http://[::1",
    "x" * 3000,
    "a, b,, c;;",
    ":key: inside",
    "\x0b\x0c",
]
safe_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=0, max_size=40
).map(lambda text: text.replace("\n", " "))
values = st.one_of(st.sampled_from(HOSTILE), safe_text, st.integers().map(str))
keys = st.sampled_from(["k1", "k2", "k3", "k4", "nokey", "", "K1", "k1 k2", "<k>"])
OPTION_NAMES = ["title", "year", "link", "field", "key", "tags", "related", "order", "abstract"]


def option_lines(draw: st.DrawFn) -> list[str]:
    lines = []
    for name in draw(st.lists(st.sampled_from(OPTION_NAMES), max_size=10)):
        value = draw(keys) if name in ("key", "related") else draw(values)
        lines.append(f":{name}: {value}" if value else f":{name}:")
    return lines


def fence(name: str, lines: list[str], closed: bool = True, ticks: str = "```") -> list[str]:
    return [f"{ticks}{{{name}}}", *lines, *([ticks] if closed else [])]


@st.composite
def body_parts(draw: st.DrawFn) -> list[str]:
    kind = draw(
        st.sampled_from(
            [
                "item",
                "role",
                "insight",
                "nested",
                "second",
                "unclosed",
                "colon",
                "code",
                "junk",
                "link",
            ]
        )
    )
    key = draw(keys)
    if kind == "item":
        return [f"* {draw(values)}"]
    if kind == "role":
        return [f"* see {{paper}}`{key}` and {{paper}}`{draw(safe_text)} <{key}>`"]
    if kind == "insight":
        return fence("insight", [draw(values)])
    if kind == "nested":
        return fence("note", fence("paper", option_lines(draw)), ticks="````")
    if kind == "second":
        return fence("paper", option_lines(draw))
    if kind == "unclosed":
        return fence(draw(st.sampled_from(["paper", "insight", "note"])), [draw(values)], False)
    if kind == "colon":
        return fence("paper", option_lines(draw), ticks=":::")
    if kind == "code":
        return ["```python", "{paper}`k1` inside code", "```"]
    if kind == "link":
        return [
            f"[a link]({draw(st.sampled_from(['ftp://x.org', 'https://x.org', 'mailto:a@b']))})"
        ]
    return [draw(st.text(max_size=30)).replace("\x00", "")]


class Page(NamedTuple):
    name: str
    data: bytes
    #: (title, key) when the page holds a valid paper that must be rendered.
    valid: tuple[str, str] | None


@st.composite
def pages(draw: st.DrawFn, number: int) -> Page:
    name = f"p{number}"
    valid = draw(st.booleans())
    if valid:
        title = f"Valid Paper {number}"
        key = f"valid{number}"
        head = fence(
            "paper",
            [
                f":title: {title}",
                ":year: 2020",
                f":link: https://example.org/{number}",
                ":field: Vision",
                f":key: {key}",
            ],
        )
    else:
        head = fence("paper", option_lines(draw), closed=draw(st.booleans()))
    lines = [*draw(st.lists(st.just("% a comment line"), max_size=2)), *head]
    for part in draw(st.lists(body_parts(), max_size=4)):
        lines += ["", *part]
    text = "\n".join(lines) + "\n"
    encoding = draw(st.sampled_from(["utf-8"] * 6 + ["latin-1", "utf-16", "junk", "nul"]))
    if encoding == "junk":
        data = draw(st.binary(min_size=1, max_size=200))
    elif encoding == "nul":
        data = text.encode("utf-8") + b"\x00"
    else:
        data = text.encode(encoding, errors="replace")
    readable = encoding == "utf-8"
    return Page(name, data, (title, key) if valid and readable else None)


def bib_entry(key: str) -> str:
    return (
        f"@misc{{{key},\n  author = {{Doe, Jane}},\n  title = {{Entry {key}}},\n"
        f"  howpublished = {{Tests}},\n  year = {{2020}}\n}}\n"
    )


@st.composite
def bibliographies(draw: st.DrawFn, valid_keys: list[str]) -> bytes:
    parts = [bib_entry(key).encode() for key in valid_keys]
    for _ in range(draw(st.integers(0, 4))):
        entry = bib_entry(draw(keys) or "x").encode()
        cut = draw(st.integers(0, len(entry)))
        parts.insert(
            draw(st.integers(0, len(parts))),
            draw(
                st.sampled_from(
                    [
                        entry,  # maybe a duplicate key
                        entry[:cut],  # cut anywhere: unclosed braces, a missing key...
                        entry[:cut] + b"}" + entry[cut:],  # a brace too many
                        entry.replace(b"Entry", b"Caf\xe9"),  # not UTF-8
                        entry.replace(b"Entry", b"\\input{x}"),
                    ]
                )
            ),
        )
    if draw(st.booleans()):
        parts.append(draw(st.binary(max_size=80)))
    return b"\n".join(parts)


class Built(NamedTuple):
    srcdir: Path
    warnings: list[str]
    outdir: Path


def build(pages_: list[Page], bib: bytes, root: Path) -> Built:
    srcdir = root / "src"
    (srcdir / "papers").mkdir(parents=True)
    (srcdir / "conf.py").write_text(CONF, encoding="utf-8")
    (srcdir / "index.md").write_text(INDEX, encoding="utf-8")
    (srcdir / "refs.bib").write_bytes(bib)
    for page in pages_:
        (srcdir / "papers" / f"{page.name}.md").write_bytes(page.data)
    app = SphinxTestApp(
        "html", srcdir=srcdir, builddir=srcdir / "_build", status=StringIO(), warning=StringIO()
    )
    try:
        app.build()  # must not raise, whatever the input
    finally:
        app.cleanup()
    text = re.sub(r"\x1b\[[0-9;]*m", "", app.warning.getvalue())
    return Built(srcdir, text.splitlines(), Path(app.outdir))


def paper_lines(warnings: list[str]) -> list[str]:
    return [line for line in warnings if "[paper." in line]


@st.composite
def projects(draw: st.DrawFn) -> tuple[list[Page], bytes]:
    count = draw(st.integers(1, 4))
    pages_ = [draw(pages(number)) for number in range(count)]
    valid_keys = [page.valid[1] for page in pages_ if page.valid]
    return pages_, draw(bibliographies(valid_keys + draw(st.lists(keys, max_size=3))))


@SETTINGS
@given(projects())
def test_no_generated_project_kills_the_build_and_every_problem_is_located(project):
    pages_, bib = project
    with tempfile.TemporaryDirectory() as tmp:
        built = build(pages_, bib, Path(tmp))
        for line in paper_lines(built.warnings):
            assert LOCATED.match(line), f"not located: {line!r}"
        for page in pages_:
            if page.valid is None:
                continue
            title, _key = page.valid
            html = (built.outdir / "papers" / f"{page.name}.html").read_text(encoding="utf-8")
            assert title in html
        # paper-notes check reads the same sources and reports the same problems
        checked = sorted(p.as_line().replace("\n", " ") for p in check_site(built.srcdir) if p.path)
        reported = sorted(
            re.sub(r": WARNING: ", ": ", line, count=1) for line in paper_lines(built.warnings)
        )
        assert checked == reported
        shutil.rmtree(built.srcdir / "_build", ignore_errors=True)


@SETTINGS
@given(bibliographies([]), st.lists(keys, min_size=1, max_size=3))
def test_no_broken_bibliography_kills_the_build(bib, page_keys):
    pages_ = [
        Page(
            f"p{number}",
            "\n".join(
                fence(
                    "paper",
                    [
                        f":title: Paper {number}",
                        ":year: 2020",
                        f":link: https://example.org/{number}",
                        ":field: Vision",
                        f":key: {key}",
                    ],
                )
            ).encode(),
            (f"Paper {number}", key),
        )
        for number, key in enumerate(page_keys)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        built = build(pages_, bib, Path(tmp))
        for line in paper_lines(built.warnings):
            assert LOCATED.match(line), f"not located: {line!r}"
        for page in pages_:
            html = (built.outdir / "papers" / f"{page.name}.html").read_text(encoding="utf-8")
            assert page.valid is not None and page.valid[0] in html


LATEX_PRONE = st.text(
    alphabet=st.sampled_from(list(" -`',!?%~$\\{}\t\nabcXYZ09.:;&#_^\"üé中文\u00a0")), max_size=12
)


@SETTINGS
@given(value=st.one_of(LATEX_PRONE, st.text(max_size=12)))
def test_a_bibtex_value_reads_the_same_the_quick_way_and_through_pybtex(value):
    """Values without LaTeX in them skip pybtex's reader: only where it would give them back."""
    from paper_directive.bibtex import latex_to_text, read_latex

    assert latex_to_text(value) == read_latex(value)


def test_every_pair_of_ascii_characters_reads_the_same_the_quick_way_and_through_pybtex():
    import string

    from paper_directive.bibtex import latex_to_text, read_latex

    for first in string.printable:
        for second in string.printable:
            value = f"x{first}{second}y"
            assert latex_to_text(value) == read_latex(value), value


@SETTINGS
@given(value=st.one_of(LATEX_PRONE, st.text(max_size=12)))
def test_pybtex_formats_a_value_the_same_with_the_direct_reading_of_plain_values(value):
    """The reader swapped in while pybtex formats gives pybtex's own ``Text`` for every value."""
    from pybtex.richtext import Text

    from paper_directive.bibtex import plain_values_read_directly

    try:
        expected = Text.from_latex(value)
    except Exception as error:  # pybtex's reader gave up: so must the swapped one
        expected = type(error)
    with plain_values_read_directly():
        try:
            got = Text.from_latex(value)
        except Exception as error:
            got = type(error)
    assert got == expected


def test_every_pair_of_ascii_characters_gives_pybtex_the_same_text_read_directly():
    import string

    from pybtex.richtext import Text

    from paper_directive.bibtex import plain_values_read_directly

    values = [f"x{first}{second}y" for first in string.printable for second in string.printable]
    expected = []
    for value in values:
        try:
            expected.append(Text.from_latex(value))
        except Exception as error:
            expected.append(type(error))
    with plain_values_read_directly():
        for value, want in zip(values, expected, strict=True):
            try:
                got = Text.from_latex(value)
            except Exception as error:
                got = type(error)
            assert got == want, value


def test_pybtex_gets_its_own_reader_back_however_the_formatting_ends():
    import pytest
    from pybtex.richtext import Text

    from paper_directive.bibtex import plain_values_read_directly

    own = Text.__dict__["from_latex"]
    with pytest.raises(RuntimeError), plain_values_read_directly():
        assert Text.__dict__["from_latex"] is not own
        raise RuntimeError("a style failed")
    assert Text.__dict__["from_latex"] is own
