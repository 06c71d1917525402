"""Two clean builds of the same sources give the same bytes; dates come from SOURCE_DATE_EPOCH.

The builds run as separate ``sphinx-build`` processes, in different folders
and with different hash seeds (so that nothing may depend on the order of a
set or on where the sources lie), at different times of day.
"""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import copy_site
from paper_directive.paper_rules import latest_year, plausible_year

#: 2026-09-21 14:13:20 UTC: after every note's year.
EPOCH = 1790000000


def build(root: Path, seed: str) -> Path:
    docs = copy_site(root)
    out = root / "html"
    env = os.environ | {"SOURCE_DATE_EPOCH": str(EPOCH), "PYTHONHASHSEED": seed}
    run = subprocess.run(
        [
            str(Path(sys.executable).parent / "sphinx-build"),
            "-q",
            "-W",
            "--keep-going",
            "-b",
            "html",
            # a date on every page, so that the test sees where dates come from
            "-D",
            "html_last_updated_fmt=%Y-%m-%d",
            str(docs),
            str(out),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    return out


def outputs(outdir: Path) -> dict[str, bytes]:
    """Every HTML page, BibTeX download and papers.json, by path."""
    files = [
        *outdir.rglob("*.html"),
        *outdir.rglob("*.bib"),
        outdir / "papers.json",
    ]
    return {path.relative_to(outdir).as_posix(): path.read_bytes() for path in sorted(files)}


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory) -> tuple[dict[str, bytes], dict[str, bytes]]:
    first = build(tmp_path_factory.mktemp("first"), seed="1")
    second = build(tmp_path_factory.mktemp("second-folder"), seed="2")
    return outputs(first), outputs(second)


def test_two_clean_builds_are_byte_for_byte_identical(two_builds):
    first, second = two_builds
    assert len([p for p in first if p.startswith("papers/")]) == 52
    assert "papers.json" in first and "refs.bib" in first
    assert sorted(first) == sorted(second)
    different = [path for path in first if first[path] != second[path]]
    assert different == []


def test_the_pages_date_is_the_source_date_epoch(two_builds):
    first, _second = two_builds
    day = datetime.datetime.fromtimestamp(EPOCH, tz=datetime.UTC).strftime("%Y-%m-%d")
    assert day.encode() in first["papers/raft.html"]
    assert str(datetime.date.today()).encode() not in first["papers/raft.html"] or (
        str(datetime.date.today()) == day
    )


def test_plausible_years_follow_the_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    assert latest_year() == 2027
    assert plausible_year("2027") == 2027 and plausible_year("2028") is None
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "946684800")  # 2000-01-01
    assert latest_year() == 2001 and plausible_year("2020") is None
