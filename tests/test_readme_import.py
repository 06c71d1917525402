"""README import: the format, the pages it writes, keys, stubs and safe re-runs.

No Sphinx build: real files in a temporary docs folder with a tiny conf.py.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from paper_directive.notes.importer import (
    NotesError,
    import_readme,
    normalise_title,
    page_slug,
)
from paper_directive.notes.page_format import (
    INTRO_END,
    INTRO_START,
    format_option_value,
    is_pristine,
    parse_page,
)
from paper_directive.notes.readme_format import (
    ReadmeFormatError,
    canonical_readme,
    parse_readme,
    render_readme,
)
from paper_directive.source_scan import scan_paper_options

SEED = Path(__file__).parents[1].parent / "shared" / "seed" / "000_8bd74f50ac2b2a2a.txt"
DOCS_PAGE = Path(__file__).parents[1] / "docs" / "readme-format.md"
FIELDS = [
    "LLM",
    "Base Model",
    "Video",
    "Low-Level Vision",
    "Reinforcement Learning",
    "Image Generation",
    "Others",
]
FIELD_COUNTS = {
    "LLM": 13,
    "Base Model": 6,
    "Video": 14,
    "Low-Level Vision": 6,
    "Reinforcement Learning": 8,
    "Image Generation": 2,
    "Others": 3,
}
#: A small refs.bib: a title match through braces and LaTeX, an annote match,
#: a ligature match, and an entry no note names.
REFS_BIB = r"""% the site's bibliography
@inproceedings{teed2020raft,
  author = {Teed, Zachary and Deng, Jia},
  title = {{RAFT}: Recurrent All-Pairs Field Transforms for Optical Flow},
  year = {2020}
}

@inproceedings{zheng2024lmsyschat1m,
  title = {{LMSYS-Chat-1M}: A Large-Scale Real-World {LLM} Conversation Dataset},
  year = {2024},
  annote = {Listed in the reading notes as
            "RealChat-1M: A Large-Scale Real-World LLM Conversation Dataset" (2024); renamed.}
}

@inproceedings{wei2019single,
  title = {Single Image Reflection Removal Exploiting Misaligned Training Data
           and Network Enhancements},
  year = {2019}
}

@book{knuth1984texbook,
  title = {The {\TeX}book},
  year = {1984}
}
"""


def seed_text() -> str:
    if not SEED.is_file():
        pytest.fail(f"the seed README is missing: {SEED} (../shared must lie beside the repo)")
    return SEED.read_text(encoding="utf-8")


def make_docs(root: Path, bib: str = REFS_BIB) -> Path:
    """A docs folder with the seven fields configured and a refs.bib."""
    docs = root / "docs"
    docs.mkdir(parents=True)
    (docs / "conf.py").write_text(
        f"project = 'notes'\npaper_fields = {FIELDS!r}\nbibtex_bibfiles = ['refs.bib']\n",
        encoding="utf-8",
    )
    (docs / "refs.bib").write_text(bib, encoding="utf-8")
    return docs


def pages_of(docs: Path) -> dict[str, str]:
    """Page name → text, for every page in docs/papers."""
    return {p.name: p.read_text(encoding="utf-8") for p in sorted((docs / "papers").glob("*.md"))}


def snapshot(docs: Path) -> dict[Path, tuple[bytes, int]]:
    """Every file under *docs* with its bytes and modification time."""
    return {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in docs.rglob("*") if p.is_file()}


@pytest.fixture
def imported(tmp_path: Path) -> Path:
    docs = make_docs(tmp_path)
    import_readme(seed_text(), docs, docs / "refs.bib")
    return docs


# --------------------------------------------------------------------------
# The README format


def test_seed_structure() -> None:
    readme = parse_readme(seed_text())
    papers = readme.papers()
    items = [item for _field, paper in papers for item in paper.items]
    assert len(papers) == 52
    assert len(items) == 264
    assert sum(item.is_insight for item in items) == 30
    assert {field.name: len(field.papers) for field in readme.fields} == FIELD_COUNTS
    assert readme.intro[0] == "# brief_paper_reading"
    assert readme.intro[-1].endswith("Total Count：52")


def test_seed_edge_cases_are_kept() -> None:
    papers = {
        paper.title.split(":")[0]: paper for _field, paper in parse_readme(seed_text()).papers()
    }
    # an indented heading with items indented by three spaces
    assert len(papers["BabyAI"].items) == 4
    # a remark with indented sub-points on continuation lines
    upflow = [item for item in papers["UPFlow"].items if item.is_insight]
    assert upflow[0].continuation == (
        "    举例来说：",
        "     a. 人在运动的时候，按光流的假设，头发的光流和头皮的光流应该一致，"
        "然而头发可能有更细微的运动，在插帧的时候我们就希望捕捉到这种细节",
        "     b. 一个纹理非常平坦的物体，在前后帧中，整个物体的所有像素其实都能互相对应，"
        "但是光流得学出平滑性",
    )
    # continuation lines at column 0
    assert papers["MaskFlownet"].items[1].continuation[0].startswith("ambiguity to the occluded")
    dream = papers["Zero-Shot Text-Guided Object Generation with Dream Fields"]
    assert dream.items[2].continuation == (
        "作者还显式约束了 mean density，加了一项比较简单的 loss。",
    )
    clip = papers["Simple but Effective"]
    assert clip.items[1].continuation[0].startswith("“free space” 字面不好理解")
    # text that only looks like structure
    unifying = papers["Unifying Flow, Stereo and Depth Estimation"]
    assert unifying.items[4].text.startswith("1. 特征提取") and not unifying.items[4].is_insight
    opt = papers["OPT"]
    assert opt.items[-1].text.startswith("[来自知乎]") and not opt.items[-1].is_insight
    # titles kept exactly, ligature and trailing space included
    titles = [paper.title for paper in papers.values()]
    assert "What Matters in Unsupervised Optical Flow " in titles
    assert any("Reﬂection" in title for title in titles)
    assert papers["ToolChain*"].title.endswith("with A* Search")
    assert papers["RAFT"].link == "https://discourse.brainpp.cn/t/topic/50779"


def test_canonical_differs_from_seed_only_in_documented_whitespace() -> None:
    seed = seed_text()
    canonical = canonical_readme(seed)
    seed_lines, canonical_lines = seed.split("\n"), canonical.split("\n")
    assert len(seed_lines) == len(canonical_lines)
    changed = []
    for number, (before, after) in enumerate(zip(seed_lines, canonical_lines, strict=True), 1):
        if before == after:
            continue
        changed.append(number)
        # whitespace only: the same characters once blanks are removed
        assert before.split() == after.split(), number
        assert after == after.rstrip(), number
        if before.rstrip() != after:  # re-indented: only to the canonical form
            assert re.match(r"^(### \d{4} - \[|  \* )", after), number
            assert before.strip() == after.strip(), number
    assert changed == [17, 32, 75, 100, 101, 102, 103, 104]
    # the user documentation (in the site's language) lists exactly these lines
    table = DOCS_PAGE.read_text(encoding="utf-8").split("## 往返一次会改变什么")[1]
    listed = re.findall(r"^\| (\d+)(?:–(\d+))? \|", table, re.MULTILINE)
    documented = [n for first, last in listed for n in range(int(first), int(last or first) + 1)]
    assert documented == changed


def test_canonical_form_is_stable() -> None:
    canonical = canonical_readme(seed_text())
    assert canonical_readme(canonical) == canonical
    assert render_readme(parse_readme(canonical)) == canonical


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("intro\n## F\n### 2020 [no dash](x)\n  * a\n", 3),
        ("intro\n## F\nstray text\n### 2020 - [T](x)\n", 3),
        ("## F\n### 2020 - [T](x)\ncontinuation before any item\n", 3),
    ],
)
def test_readme_lines_the_format_cannot_hold_are_errors(text: str, line: int) -> None:
    with pytest.raises(ReadmeFormatError) as error:
        parse_readme(text)
    assert error.value.line == line


def test_blank_lines_between_papers_are_dropped() -> None:
    text = "intro\n\n## F\n\n### 2020 - [T](x)\n\n  * a\n\n  * b\n"
    assert canonical_readme(text) == "intro\n\n## F\n### 2020 - [T](x)\n  * a\n  * b\n"


# --------------------------------------------------------------------------
# Slugs, titles, option values


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("RepVGG: Making VGG-Style ConvNets Great Again", "repvgg"),
        ("ToolChain*: Efficient Action Space Navigation", "toolchain"),
        ("D^2LV: A Data-Driven and Local-Verification Approach", "d2lv"),
        ("FlowNet 2.0: Evolution of Optical Flow Estimation", "flownet-2-0"),
        ("Video PreTraining (VPT): Learning to Act", "video-pretraining-vpt"),
        ("Designing network design spaces", "designing-network-design-spaces"),
        (
            "A Dynamic Multi-Scale Voxel Flow Network for Video Prediction",
            "a-dynamic-multi-scale-voxel-flow-network",
        ),
        ("光流", "paper"),
    ],
)
def test_page_slug(title: str, slug: str) -> None:
    assert page_slug(title) == slug
    assert len(page_slug(title)) <= 40


def test_normalised_titles_ignore_latex_case_and_ligatures() -> None:
    assert normalise_title("{RAFT}: Recurrent {A}ll-Pairs") == normalise_title(
        "RAFT: Recurrent All-Pairs"
    )
    assert normalise_title("Single Image Reﬂection") == normalise_title("Single image reflection")
    assert normalise_title(r"Sch\"{o}lkopf \textit{et al.}") == normalise_title("Schölkopf et al")


@pytest.mark.parametrize(
    "value",
    [
        "What Matters in Unsupervised Optical Flow ",
        "D^2LV: A Data-Driven #hash",
        '"Quoted": title',
        "'single",
        "| pipe",
        "> folded",
        "#start",
        " leading",
        'back\\slash and "quotes"',
        "tab\there",
        "ToolChain*: A* Search?",
        "",
    ],
)
def test_option_values_read_back_as_written(value: str) -> None:
    page = f"```{{paper}}\n:title: {format_option_value(value)}\n:year: 2020\n```\n"
    scanned = scan_paper_options(page, ".md")
    assert scanned is not None
    assert scanned.options["title"] == value
    assert scanned.options["year"] == "2020"


def test_plain_values_stay_plain() -> None:
    assert format_option_value("RAFT: Recurrent All-Pairs") == "RAFT: Recurrent All-Pairs"
    assert format_option_value("https://x.org/a?b=c#d") == "https://x.org/a?b=c#d"


# --------------------------------------------------------------------------
# Import


def test_import_writes_one_page_per_paper(imported: Path) -> None:
    pages = pages_of(imported)
    assert len(pages) == 52
    contents = [parse_page(text, name) for name, text in pages.items()]
    assert all(content.messages == () for content in contents)
    items = [item for content in contents for item in content.items]
    assert len(items) == 264
    assert sum(item.is_insight for item in items) == 30
    assert Counter(content.options["field"] for content in contents) == FIELD_COUNTS
    assert sorted(int(content.options["order"]) for content in contents) == list(range(1, 53))
    keys = [content.options["key"] for content in contents]
    assert len(set(keys)) == 52
    for name, text in pages.items():
        assert text.startswith("% paper-notes import sha256:")
        assert is_pristine(text), name
        assert not re.search(r"^# ", text, re.MULTILINE), name


def test_page_options_are_the_readme_values(imported: Path) -> None:
    readme = parse_readme(seed_text())
    by_order = {}
    for path in (imported / "papers").glob("*.md"):
        scanned = scan_paper_options(path.read_text(encoding="utf-8"), ".md")
        assert scanned is not None
        by_order[int(scanned.options["order"])] = scanned.options
    for order, (field, paper) in enumerate(readme.papers(), start=1):
        options = by_order[order]
        assert options["title"] == paper.title
        assert options["year"] == str(paper.year)
        assert options["link"] == paper.link
        assert options["field"] == field.name


def test_page_layout(imported: Path) -> None:
    raft = (imported / "papers" / "raft.md").read_text(encoding="utf-8")
    assert raft.split("\n")[1:9] == [
        "```{paper}",
        ":title: RAFT: Recurrent All-Pairs Field Transforms for Optical Flow",
        ":year: 2020",
        ":link: https://discourse.brainpp.cn/t/topic/50779",
        ":field: Video",
        ":key: teed2020raft",
        ":order: 31",
        "```",
    ]
    assert "\n\n* 光流 best paper\n* 代码比较难懂的就是 core/corr.py 里面，用 grid_sample" in raft
    assert "\n\n```{insight}\nRAFT 抛弃了前几年光流估计网络中各种莫名其妙的 trick" in raft
    what = (imported / "papers" / "what-matters-in-unsupervised-optical.md").read_text("utf-8")
    assert ':title: "What Matters in Unsupervised Optical Flow "' in what
    unifying = (imported / "papers" / "unifying-flow-stereo-and-depth.md").read_text("utf-8")
    assert "\n* 1\\. 特征提取：" in unifying
    upflow = (imported / "papers" / "upflow.md").read_text(encoding="utf-8")
    assert "的缺陷\n    举例来说：\n     a. 人在运动的时候" in upflow


def test_keys_come_from_refs_bib_by_title_annote_or_stub(imported: Path) -> None:
    keys = {
        name: parse_page(text, name).options["key"] for name, text in pages_of(imported).items()
    }
    assert keys["raft.md"] == "teed2020raft"  # title, through braces
    assert keys["realchat-1m.md"] == "zheng2024lmsyschat1m"  # annote
    assert keys["single-image-reflection-removal.md"] == "wei2019single"  # ligature
    assert keys["repvgg.md"] == "repvgg2021"  # no entry: a stub
    assert keys["d2lv.md"] == "d2lv2021"
    assert keys["flownet-2-0.md"] == "flownet202016"


def test_stubs_are_appended_to_refs_bib(imported: Path) -> None:
    from pybtex.database import parse_string

    text = (imported / "refs.bib").read_text(encoding="utf-8")
    assert text.startswith(REFS_BIB)  # what was there is kept byte for byte
    bib = parse_string(text, "bibtex")
    assert len(bib.entries) == 4 + 49
    stub = bib.entries["d2lv2021"]
    assert stub.type == "misc"
    assert stub.fields["year"] == "2021"
    assert stub.fields["url"] == "https://arxiv.org/pdf/2111.07090.pdf"
    assert stub.fields["note"].startswith("Stub written by paper-notes import")
    assert "@misc{d2lv2021,\n  title = {D\\^{}2LV: A Data-Driven" in text
    assert "title = {ToolChain*: Efficient" in text


def test_readme_paper_without_entry_gets_a_stub(tmp_path: Path) -> None:
    docs = make_docs(tmp_path)
    readme = (
        "# notes\n## Others\n### 2024 - [Brand New_Idea: 100% & more](https://x.org/p)\n  * a\n"
    )
    report = import_readme(readme, docs, docs / "refs.bib")
    assert report.stubs == ("brandnewidea2024",)
    bib = (docs / "refs.bib").read_text(encoding="utf-8")
    assert bib == REFS_BIB + (
        "\n@misc{brandnewidea2024,\n"
        "  title = {Brand New\\_Idea: 100\\% \\& more},\n"
        "  year = {2024},\n"
        "  url = {https://x.org/p},\n"
        "  note = {Stub written by paper-notes import: complete it from the published record.}\n"
        "}\n"
    )
    # the stub is found by title on the next import: no second stub
    (docs / "papers" / "brand-new-idea.md").unlink()
    again = import_readme(readme, docs, docs / "refs.bib")
    assert again.stubs == ()
    assert "key: brandnewidea2024" in (docs / "papers" / "brand-new-idea.md").read_text("utf-8")


def test_reimport_is_a_no_op(imported: Path) -> None:
    before = snapshot(imported)
    report = import_readme(seed_text(), imported, imported / "refs.bib")
    assert report.written == ()
    assert len(report.unchanged) == 52
    assert report.skipped == () and report.stubs == () and report.unmentioned == ()
    assert not report.index_written
    assert snapshot(imported) == before


def test_hand_edited_page_is_skipped_unless_forced(imported: Path) -> None:
    raft = imported / "papers" / "raft.md"
    original = raft.read_text(encoding="utf-8")
    edited = original.replace(":order: 31\n", ":order: 31\n:tags: flow\n")
    raft.write_text(edited, encoding="utf-8")
    assert not is_pristine(edited)

    report = import_readme(seed_text(), imported, imported / "refs.bib")
    assert [path for path, _reason in report.skipped] == [raft]
    assert "edited by hand" in report.skipped[0][1]
    assert raft.read_text(encoding="utf-8") == edited

    forced = import_readme(seed_text(), imported, imported / "refs.bib", force=True)
    assert forced.written == (raft,)
    assert raft.read_text(encoding="utf-8") == original


def test_existing_page_keeps_its_name_and_key(imported: Path) -> None:
    raft = imported / "papers" / "raft.md"
    renamed = imported / "papers" / "optical-flow-raft.md"
    text = raft.read_text(encoding="utf-8").replace("teed2020raft", "raft2020")
    raft.unlink()
    renamed.write_text(text, encoding="utf-8")

    report = import_readme(seed_text(), imported, imported / "refs.bib", force=True)
    assert not raft.exists()
    assert report.written == (renamed,)
    assert ":key: raft2020\n" in renamed.read_text(encoding="utf-8")
    assert is_pristine(renamed.read_text(encoding="utf-8"))


def test_page_found_by_link_when_the_title_changed(imported: Path) -> None:
    seed = seed_text().replace("[RAFT: Recurrent All-Pairs", "[RAFT - Recurrent All-Pairs")
    report = import_readme(seed, imported, imported / "refs.bib")
    raft = imported / "papers" / "raft.md"
    assert report.written == (raft,)
    assert ":title: RAFT - Recurrent All-Pairs" in raft.read_text(encoding="utf-8")
    assert len(pages_of(imported)) == 52


def test_an_edited_title_cannot_take_another_papers_page(tmp_path: Path) -> None:
    docs = make_docs(tmp_path)
    readme = (
        "## LLM\n### 2020 - [Zeta: one](https://same)\n  * z\n"
        "### 2020 - [Alpha: two](https://same)\n  * a\n"
    )
    import_readme(readme, docs, None)
    report = import_readme(readme.replace("Zeta: one", "Zeta 2: one"), docs, None)
    zeta, alpha = docs / "papers" / "zeta.md", docs / "papers" / "alpha.md"
    assert report.written == (zeta,)
    assert ":title: Zeta 2: one" in zeta.read_text(encoding="utf-8")
    assert ":title: Alpha: two" in alpha.read_text(encoding="utf-8")


def test_unknown_fields_and_unmentioned_pages_are_reported(imported: Path) -> None:
    extra = imported / "papers" / "written-by-hand.md"
    extra.write_text("```{paper}\n:title: Mine\n:year: 2020\n```\n", encoding="utf-8")
    readme = seed_text().replace("## Others", "## Misc")
    report = import_readme(readme, imported, imported / "refs.bib")
    assert report.unmentioned == (extra,)
    assert any("'Misc' is not in paper_fields" in message for message in report.messages)
    assert extra.read_text(encoding="utf-8").startswith("```{paper}")


def test_landing_page(imported: Path) -> None:
    index = (imported / "index.md").read_text(encoding="utf-8")
    lines = index.split("\n")
    assert lines[0] == INTRO_START
    assert lines[1] == "# brief_paper_reading"
    assert (
        lines[9]
        == "Organize some of my insights and paper reading records. Total Count：{paper-count}`all`"
    )
    assert lines[10] == INTRO_END
    assert lines[11:] == ["", "```{paper-fields}", "```", ""]


def test_landing_page_outside_the_markers_is_kept(tmp_path: Path) -> None:
    docs = make_docs(tmp_path)
    index = docs / "index.md"
    index.write_text(
        f"---\nhtml_meta: x\n---\n{INTRO_START}\nold intro\n{INTRO_END}\n\n"
        "```{toctree}\nreadme-format\n```\n",
        encoding="utf-8",
    )
    import_readme("# New intro\nTotal Count: 3\n## LLM\n", docs, docs / "refs.bib")
    assert index.read_text(encoding="utf-8") == (
        f"---\nhtml_meta: x\n---\n{INTRO_START}\n# New intro\nTotal Count: {{paper-count}}`all`\n"
        f"{INTRO_END}\n\n```{{toctree}}\nreadme-format\n```\n"
    )


def test_landing_page_without_markers_gets_the_intro_at_the_top(tmp_path: Path) -> None:
    docs = make_docs(tmp_path)
    (docs / "index.md").write_text("# Site\n\nMine.\n", encoding="utf-8")
    report = import_readme("Intro\n## LLM\n", docs, docs / "refs.bib")
    assert (docs / "index.md").read_text(encoding="utf-8") == (
        f"{INTRO_START}\nIntro\n{INTRO_END}\n\n# Site\n\nMine.\n"
    )
    assert any("no introduction markers" in message for message in report.messages)


def test_user_errors(tmp_path: Path) -> None:
    with pytest.raises(NotesError, match=r"conf\.py: no such file"):
        import_readme("## LLM\n", tmp_path, None)
    docs = make_docs(tmp_path)
    with pytest.raises(NotesError, match=r"README line 2: expected"):
        import_readme("## LLM\n### 2020 [T](x)\n", docs, None)
    (docs / "refs.bib").write_text("@misc{a, title = {x}\n@misc{a, title = {y}}\n", "utf-8")
    with pytest.raises(NotesError, match="cannot read"):
        import_readme("## LLM\n", docs, None)
