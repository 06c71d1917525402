"""A synthetic but realistic notes project, for the tests.

Papers are spread over fields and years, name each other with the
``paper`` role and ``:related:``, carry tags and insights, and all have
bibliography entries, so every derived page has something to show.
"""

from __future__ import annotations

from pathlib import Path

FIELDS = ["LLM", "Video", "Low-Level Vision", "Reinforcement Learning"]

CONF = """\
project = "notes"
copyright = "2026, tests"
version = release = "1"
extensions = ["myst_parser", "paper_directive"]
language = "zh_CN"
source_suffix = {{".rst": "restructuredtext", ".md": "markdown"}}
bibtex_bibfiles = ["refs.bib"]
paper_fields = {fields!r}
html_theme = {theme!r}
html_sidebars = {{"**": []}}
# the bibliography holds spare entries for papers the tests add
suppress_warnings = ["paper.unused"]
"""

INDEX = """\
# Notes

共 {paper-count}`all` 篇。

```{paper-fields}
```

```{paper-indices}
```
"""


def paper_page(number: int, total: int) -> str:
    key = paper_key(number)
    field = FIELDS[number % len(FIELDS)]
    year = 2015 + number % 9
    cited = paper_key((number * 7 + 3) % total)
    related = paper_key((number + 1) % total)
    lines = [
        "```{paper}",
        f":title: Paper {number:03d}: A Study of Things",
        f":year: {year}",
        f":link: https://example.org/papers/{number}",
        f":field: {field}",
        f":key: {key}",
        f":tags: topic{number % 5}, shared",
        f":related: {related}",
        "```",
        "",
        f"* 第 {number} 篇笔记的第一条，讨论光流估计和重参数化",
        f"* 与 {{paper}}`前作 <{cited}>` 对比，效果更好",
        f"* 第三条：{'很长的句子，' * 5}",
        "",
        "```{insight}",
        f"关于第 {number} 篇的想法：数据比结构更重要",
        "```",
        "",
    ]
    return "\n".join(lines)


def paper_key(number: int) -> str:
    return f"author{number:03d}paper"


def bib_entry(number: int) -> str:
    return (
        f"@inproceedings{{{paper_key(number)},\n"
        f'  author = {{Author, First and Second, Person and M{{\\"u}}ller, Hans}},\n'
        f"  title = {{Paper {number:03d}: A Study of {{RAFT}}-like Things}},\n"
        f"  booktitle = {{Proceedings of a Conference ({{PC}})}},\n"
        f"  year = {{{2015 + number % 9}}}\n"
        "}\n"
    )


def write_notes(root: Path, count: int, theme: str = "basic") -> None:
    """Write a project of *count* papers into *root*."""
    (root / "papers").mkdir(parents=True, exist_ok=True)
    (root / "conf.py").write_text(CONF.format(fields=FIELDS, theme=theme), encoding="utf-8")
    (root / "index.md").write_text(INDEX, encoding="utf-8")
    (root / "refs.bib").write_text(
        "\n".join(bib_entry(n) for n in range(count + 10)), encoding="utf-8"
    )
    for number in range(count):
        (root / "papers" / f"p{number:03d}.md").write_text(
            paper_page(number, count), encoding="utf-8"
        )
