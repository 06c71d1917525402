"""Bad input gets a warning that names the file, the line and what to do; the build goes on."""

from __future__ import annotations

import re

import pytest

from conftest import REPO, warnings_of

#: (page, line, subtype, words that tell the user what to do)
EXPECTED = [
    ("papers/missing-year.md", 3, "option", "without :year:"),
    ("papers/bad-field.md", 3, "field", "add it to paper_fields in conf.py"),
    ("papers/bad-year.md", 3, "year", "'twenty20' is not a plausible 4-digit year"),
    ("papers/bad-link.md", 3, "link", "is not an http(s) address"),
    ("papers/dup-b.md", 3, "duplicate", "papers/dup-a.md already uses it"),
    ("papers/missing-bib.md", 3, "bib", "add an entry with this key"),
    ("papers/two-papers.md", 13, "multiple", "move 'Second Of Two' to a page of its own"),
    ("papers/bad-ref.md", 3, "ref", "'nosuchrelated' in :related:"),
    ("papers/bad-ref.md", 12, "ref", "unknown paper key 'nosuchkey'"),
    ("papers/nested.md", 4, "scan", "put the paper directive at the top level of the page"),
    # the second paper of a page is not registered, so its entry is used by no page
    ("refs.bib", 37, "unused", "'second2021' is used by no page"),
]
#: What Sphinx itself then says of the nested paper, which no field page lists.
CONSEQUENCES = ["papers/nested.md: WARNING: document isn't included in any toctree"]

WARNING = re.compile(
    r"^(?P<path>\S+?):(?P<line>\d+): WARNING: (?P<text>.*) \[paper\.(?P<sub>\w+)\]$"
)


def parsed(app, srcdir) -> list[tuple[str, int, str, str]]:
    out = []
    lines = warnings_of(app).replace(str(srcdir) + "/", "").splitlines()
    for consequence in CONSEQUENCES:
        assert any(line.startswith(consequence) for line in lines), consequence
    for line in lines:
        if any(line.startswith(consequence) for consequence in CONSEQUENCES):
            continue
        match = WARNING.match(line)
        assert match, f"not a located paper warning: {line}"
        out.append((match["path"], int(match["line"]), match["sub"], match["text"]))
    return sorted(out)


@pytest.mark.parametrize("parallel", [0, 2])
def test_each_bad_input_warns_with_file_line_and_subtype(project, parallel):
    warnings = project("warnings")
    app = warnings.build("html", parallel=parallel)
    found = parsed(app, warnings.srcdir)
    assert [(p, ln, sub) for p, ln, sub, _ in found] == sorted(
        (p, ln, sub) for p, ln, sub, _ in EXPECTED
    )
    for page, line, sub, advice in EXPECTED:
        text = next(t for p, ln, s, t in found if (p, ln, s) == (page, line, sub))
        assert advice in text


def test_the_build_goes_on_and_keeps_every_page(project):
    warnings = project("warnings")
    warnings.build("html")
    for page in ("missing-year", "bad-field", "bad-year", "bad-link", "two-papers", "bad-ref"):
        assert (warnings.builddir / "html" / "papers" / f"{page}.html").is_file()
    # the second paper on a page is warned about, not dropped
    assert "Second Of Two" in warnings.output("html", "papers/two-papers.html")
    # a paper of an unknown field is still in the site, listed on the "unfiled" page
    unfiled = warnings.output("html", "browse/fields/unfiled.html")
    listed = re.search(r'<ul class="paper-list[^"]*">(.*?)</ul>', unfiled, flags=re.S)
    assert listed and "Bad Field" in listed.group(1)
    # a reference to an unknown key keeps its text
    assert "nosuchkey" in warnings.output("html", "papers/bad-ref.html")


def test_a_warning_subtype_can_be_silenced(project):
    warnings = project("warnings")
    app = warnings.build("html", confoverrides={"suppress_warnings": ["paper.field", "paper.ref"]})
    subtypes = {sub for _p, _l, sub, _t in parsed(app, warnings.srcdir)}
    assert subtypes == {"option", "year", "link", "duplicate", "bib", "multiple", "scan", "unused"}


def test_the_docs_list_every_warning_subtype():
    source = "\n".join(
        p.read_text(encoding="utf-8") for p in (REPO / "ext" / "paper_directive").glob("*.py")
    )
    used = set(re.findall(r'subtype="(\w+)"', source))
    used |= set(re.findall(r'self\.warn\(\s*"(\w+)"', source))
    used |= set(re.findall(r'Finding\(\s*"(\w+)"', source))
    page = (REPO / "docs" / "warnings.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"`paper\.(\w+)`", page))
    assert used, "no subtypes found in the code"
    assert used <= documented, f"undocumented: {sorted(used - documented)}"
