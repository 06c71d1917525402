"""``paper-notes check``: the build's warnings, without the build, for CI and editors."""

from __future__ import annotations

import json
import re
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, ROOTS, copy_site, warnings_of
from malformed_corpus import MALFORMED
from paper_directive.notes.check import check_site
from paper_directive.notes.cli import main

LINE = re.compile(r"^(?P<path>[^\s:][^:]*):(?P<line>\d+): (?P<text>.*) \[paper\.(?P<sub>\w+)\]$")
BUILD_LINE = re.compile(r"^(?P<where>.+?:\d+): WARNING: (?P<rest>.* \[paper\.\w+\])$")


def check_lines(srcdir: Path) -> list[str]:
    """What check says of *srcdir*, as ``path:line: message [paper.subtype]`` lines."""
    return [problem.as_line() for problem in check_site(srcdir)]


def build_lines(app) -> list[str]:
    """A build's ``paper.*`` warnings in the same shape."""
    out = []
    for line in warnings_of(app).splitlines():
        match = BUILD_LINE.match(line)
        if match:
            out.append(f"{match['where']}: {match['rest']}")
    return out


def test_check_finds_nothing_in_the_52_notes(capsys):
    assert main(["check", "--docs", str(REPO / "docs")]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


@pytest.mark.parametrize("root", ["malformed", "warnings", "basic", "special"])
@pytest.mark.parametrize("parallel", [0, 2])
def test_check_reports_exactly_what_the_build_warns_about(project, root, parallel):
    site = project(root)
    expected = sorted(check_lines(site.srcdir))  # before the build writes anything
    app = site.build("html", parallel=parallel)
    assert sorted(build_lines(app)) == expected


def test_check_names_every_problem_of_the_corpus_with_its_line(tmp_path, monkeypatch, capsys):
    corpus = tmp_path / "malformed"
    shutil.copytree(ROOTS / "test-malformed", corpus)
    monkeypatch.chdir(corpus)
    assert main(["check", "--docs", "."]) == 1
    captured = capsys.readouterr()
    found = []
    for line in captured.out.splitlines():
        match = LINE.match(line)
        assert match, f"not a 'path:line: message [paper.subtype]' line: {line}"
        found.append((match["path"], int(match["line"]), match["sub"], match["text"]))
    assert sorted((p, ln, s) for p, ln, s, _t in found) == sorted(
        (p, ln, s) for p, ln, s, _t in MALFORMED
    )
    for path, line, subtype, words in MALFORMED:
        assert any(words in t for p, ln, s, t in found if (p, ln, s) == (path, line, subtype))
    assert captured.err == f"paper-notes: {len(MALFORMED)} problem(s)\n"


def test_json_output_for_tools(tmp_path, monkeypatch, capsys):
    corpus = tmp_path / "malformed"
    shutil.copytree(ROOTS / "test-malformed", corpus)
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--docs", "malformed", "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["version"] == 1
    problems = report["problems"]
    assert len(problems) == len(MALFORMED)
    assert set(problems[0]) == {"path", "line", "type", "message"}
    first = next(p for p in problems if p["path"] == "malformed/papers/nul.md")
    assert first["line"] == 2 and first["type"] == "paper.unreadable"
    # a clean site: an empty list, and status 0
    assert main(["check", "--docs", str(REPO / "docs"), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["problems"] == []


def test_check_honours_suppress_warnings(project):
    corpus = project("malformed")
    corpus.write(
        "conf.py",
        corpus.read("conf.py") + 'suppress_warnings = ["paper.bibtex", "paper.unused"]\n',
    )
    subtypes = {problem.subtype for problem in check_site(corpus.srcdir)}
    assert subtypes == {s for _p, _l, s, _t in MALFORMED} - {"bibtex", "unused"}


def test_check_without_a_conf_py_says_so_in_one_line(tmp_path, capsys):
    assert main(["check", "--docs", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"paper-notes: error: {tmp_path}/conf.py: no conf.py here; give the Sphinx source "
        "folder with --docs\n"
    )


def test_check_with_a_conf_py_that_fails_says_so_in_one_line(tmp_path, capsys):
    (tmp_path / "conf.py").write_text("import no_such_module_here\n", encoding="utf-8")
    assert main(["check", "--docs", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("paper-notes: error: ") and "no_such_module_here" in err
    assert "Traceback" not in err


def child_seconds(command: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Run *command*; the processor time it took (user and system, its children's too).

    Processor time rather than wall time: the machines that run the tests are
    shared, and another job's load stretches wall times at random.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    run = subprocess.run(command, capture_output=True, text=True, timeout=600)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    spent = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return spent, run


def test_check_is_a_small_fraction_of_a_clean_build(tmp_path):
    """The same site, clean: ``sphinx-build`` against ``paper-notes check``, as processes."""
    docs = copy_site(tmp_path)
    bindir = Path(sys.executable).parent
    build_time, build = child_seconds(
        [str(bindir / "sphinx-build"), "-q", "-b", "html", str(docs), str(tmp_path / "html")]
    )
    assert build.returncode == 0, build.stderr[-2000:]
    timings = []
    for _ in range(3):
        spent, check = child_seconds([str(bindir / "paper-notes"), "check", "--docs", str(docs)])
        assert check.returncode == 0, check.stdout + check.stderr
        timings.append(spent)
    assert min(timings) < build_time / 10, (min(timings), build_time)
