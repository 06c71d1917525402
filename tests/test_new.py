"""``paper-notes new``: a paper's page and its refs.bib entry, from BibTeX, arXiv or Crossref.

The command runs for real (its ``main``, or the installed module in a
process of its own); arXiv and Crossref are the answers they gave to the
same requests (``tests/recorded/``), served by a local HTTP server, so no
test reaches the network.
"""

from __future__ import annotations

import os
import pty
import re
import select
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pybtex.database import parse_string

from conftest import REPO, TESTS, build_site, copy_site, need_tool, warnings_of
from paper_directive.bibtex import format_stored_entry
from paper_directive.notes.bibfile import KEY_STYLES, key_style
from paper_directive.notes.cli import main
from paper_directive.notes.lookup import Identifier, parse_identifier

RECORDED = TESTS / "recorded"
NEW = [sys.executable, "-m", "paper_directive.notes.cli", "new"]
DBLP_ENTRY = RECORDED / "dblp-vaswani2017attention.bib"


# --------------------------------------------------------------------------
# The services, as they answered


class RecordedServices:
    """arXiv's API and Crossref at a local address, answering from ``tests/recorded/``."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        services = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # the name http.server calls
                services.requests.append(self.path)
                status, kind, body = services.answer(self.path)
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def answer(self, path: str) -> tuple[int, str, bytes]:
        url = urllib.parse.urlsplit(path)
        if url.path == "/arxiv/query":
            (arxiv_id,) = urllib.parse.parse_qs(url.query)["id_list"]
            recorded = RECORDED / f"arxiv-{arxiv_id}.xml"
            if recorded.is_file():
                return 200, "application/atom+xml", recorded.read_bytes()
        elif url.path.startswith("/crossref/works/"):
            doi = urllib.parse.unquote(url.path.removeprefix("/crossref/works/"))
            name = "crossref-" + doi.replace("/", "-")
            if (RECORDED / f"{name}.json").is_file():
                return 200, "application/json", (RECORDED / f"{name}.json").read_bytes()
            if (RECORDED / f"{name}.txt").is_file():  # recorded as a 404
                return 404, "text/plain", (RECORDED / f"{name}.txt").read_bytes()
        # a request nothing was recorded for: the test is wrong, say so loudly
        return 599, "text/plain", f"no recorded answer for {path}".encode()


@pytest.fixture
def services(monkeypatch: pytest.MonkeyPatch) -> Iterator[RecordedServices]:
    recorded = RecordedServices()
    monkeypatch.setenv("PAPER_NOTES_ARXIV_API", f"{recorded.base}/arxiv/query")
    monkeypatch.setenv("PAPER_NOTES_CROSSREF_API", f"{recorded.base}/crossref/works")
    yield recorded
    recorded.server.shutdown()
    recorded.server.server_close()


def new(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run ``paper-notes new ...``; its status, stdout and stderr."""
    status = main(["new", *argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def blocks(bib_text: str) -> list[str]:
    """A BibTeX file's entries, as written (each ends with its newline)."""
    return [block.strip("\n") + "\n" for block in re.split(r"\n(?=@)", bib_text) if block.strip()]


# --------------------------------------------------------------------------
# From a BibTeX entry, then a build


@pytest.fixture(scope="module")
def vaswani(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The real site after ``paper-notes new`` with DBLP's entry of a paper not in the notes."""
    root = tmp_path_factory.mktemp("new")
    docs = copy_site(root)
    before = (root / "refs.bib").read_text(encoding="utf-8")
    run = subprocess.run(
        [*NEW, str(DBLP_ENTRY), "--docs", str(docs), "--field", "llm"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    app = build_site(root, "html")
    return {
        "root": root,
        "docs": docs,
        "before": before,
        "after": (root / "refs.bib").read_text(encoding="utf-8"),
        "stdout": run.stdout,
        "stderr": run.stderr,
        "warnings": warnings_of(app),
        "outdir": Path(app.outdir),
    }


def test_new_prints_the_path_of_the_page_it_wrote(vaswani):
    docs = vaswani["docs"]
    assert vaswani["stdout"] == f"{docs / 'papers' / 'attention-is-all-you-need.md'}\n"
    page = (docs / "papers" / "attention-is-all-you-need.md").read_text(encoding="utf-8")
    assert page.startswith(
        "```{paper}\n"
        ":title: Attention is All you Need\n"
        ":year: 2017\n"
        ":link: https://proceedings.neurips.cc/paper/2017/hash/"
        "3f5ee243547dee91fbd053c1c4a845aa-Abstract.html\n"
        ":field: LLM\n"
        ":key: vaswani2017attention\n"
        "```\n"
    )


def test_refs_bib_gains_exactly_one_normalised_entry(vaswani):
    before, after = vaswani["before"], vaswani["after"]
    assert after.startswith(before), "the entries already there are kept byte for byte"
    added = blocks(after)[len(blocks(before)) :]
    assert len(added) == 1
    (entry,) = parse_string(added[0], "bibtex").entries.values()
    assert added[0] == format_stored_entry("vaswani2017attention", entry)
    assert added[0].startswith("@inproceedings{vaswani2017attention,\n  author = {Vaswani, Ashish")
    # DBLP's bookkeeping is left out, and said so
    assert not re.search(r"timestamp|biburl|bibsource", added[0])
    assert "bibsource, biburl, timestamp" in vaswani["stderr"]
    assert len(parse_string(after, "bibtex").entries) == 53


def test_the_new_paper_builds_into_its_field_with_its_authors_and_venue(vaswani):
    assert vaswani["warnings"] == ""
    outdir = vaswani["outdir"]
    field = BeautifulSoup((outdir / "browse/fields/llm.html").read_text("utf-8"), "html.parser")
    listed = [a.get_text() for a in field.select("article a.reference.internal")]
    assert "Attention is All you Need" in listed
    page = BeautifulSoup(
        (outdir / "papers/attention-is-all-you-need.html").read_text("utf-8"), "html.parser"
    )
    card = page.select_one("div.paper-card")
    labels = [dt.get_text().rstrip(":").strip() for dt in card.select("dl.paper-meta > dt")]
    fields = dict(zip(labels, card.select("dl.paper-meta > dd"), strict=True))
    assert fields["作者"].get_text(strip=True) == (
        "Ashish Vaswani, Noam Shazeer, Niki Parmar, Jakob Uszkoreit, Llion Jones, "
        "Aidan N. Gomez, Lukasz Kaiser, Illia Polosukhin"
    )
    # the venue and the field are badges above the rows
    badges = [b.get_text(strip=True) for b in card.select("p.paper-badges .sd-badge")]
    assert badges[1] == "LLM"
    assert badges[2].startswith("Advances in Neural Information Processing Systems 30: Annual")


def test_real_bibtex_compiles_the_new_entry(vaswani, tmp_path):
    need_tool(shutil.which("bibtex") is not None, "bibtex is not installed (TeX Live)")
    shutil.copy(vaswani["root"] / "refs.bib", tmp_path / "refs.bib")
    (tmp_path / "main.aux").write_text(
        "\\citation{vaswani2017attention}\n\\bibstyle{plain}\n\\bibdata{refs}\n", encoding="utf-8"
    )
    run = subprocess.run(["bibtex", "main"], cwd=tmp_path, capture_output=True, text=True)
    blg = (tmp_path / "main.blg").read_text(encoding="utf-8")
    assert run.returncode == 0 and "Warning--" not in blg, blg
    bbl = " ".join((tmp_path / "main.bbl").read_text(encoding="utf-8").split())
    assert "Ashish Vaswani, Noam Shazeer" in bbl
    assert "Attention is all you need" in bbl  # plain lowercases what is not braced
    assert "pages 5998--6008" in bbl


# --------------------------------------------------------------------------
# refs.bib: its form, its keys, the same paper


def test_refs_bib_is_in_the_normalised_form_new_writes():
    text = (REPO / "refs.bib").read_text(encoding="utf-8")
    entries = parse_string(text, "bibtex").entries
    assert blocks(text) == [format_stored_entry(key, entry) for key, entry in entries.items()]
    assert key_style(entries.items()) == KEY_STYLES[0]  # teed2020raft: Google Scholar's


def write_bib(path: Path, entries: dict[str, str]) -> None:
    """A bibliography of refs.bib's own entries under other keys (their facts unchanged)."""
    source = parse_string((REPO / "refs.bib").read_text(encoding="utf-8"), "bibtex").entries
    text = "\n".join(format_stored_entry(new, source[old]) for new, old in entries.items())
    path.write_text(text, encoding="utf-8")


def test_a_key_already_taken_gets_a_letter(project, capsys):
    basic = project("basic")
    write_bib(basic.srcdir / "refs.bib", {"vaswani2017attention": "teed2020raft"})
    status, _out, err = new(capsys, str(DBLP_ENTRY), "--docs", str(basic.srcdir), "--field", "LLM")
    assert status == 0, err
    keys = list(parse_string(basic.read("refs.bib"), "bibtex").entries)
    assert keys == ["vaswani2017attention", "vaswani2017attentionb"]


def test_the_key_follows_the_style_of_the_file(project, capsys):
    basic = project("basic")
    write_bib(basic.srcdir / "refs.bib", {"Teed2020": "teed2020raft", "Ding2021": "ding2021repvgg"})
    status, _out, err = new(capsys, str(DBLP_ENTRY), "--docs", str(basic.srcdir), "--field", "LLM")
    assert status == 0, err
    assert "Vaswani2017" in parse_string(basic.read("refs.bib"), "bibtex").entries


def test_an_entry_already_in_refs_bib_is_reused(project, capsys, tmp_path):
    # refs.bib has RAFT, the notes no page for it; the entry pasted comes under another key
    basic = project("basic")
    basic.remove("papers/raft.md")
    before = basic.read("refs.bib")
    # the repository's entry (it has an address), found by its title in the test's refs.bib
    raft = parse_string((REPO / "refs.bib").read_text("utf-8"), "bibtex").entries["teed2020raft"]
    pasted = tmp_path / "raft.bib"
    pasted.write_text(format_stored_entry("TeedD20", raft), encoding="utf-8")
    status, out, err = new(capsys, str(pasted), "--docs", str(basic.srcdir), "--field", "video")
    assert status == 0, err
    assert basic.read("refs.bib") == before
    assert "its entry teed2020raft is reused" in err
    assert ":key: teed2020raft\n" in Path(out.strip()).read_text(encoding="utf-8")


def test_a_paper_already_in_the_notes_is_refused_with_its_page(project, capsys, tmp_path):
    basic = project("basic")
    raft = parse_string(basic.read("refs.bib"), "bibtex").entries["teed2020raft"]
    pasted = tmp_path / "raft.bib"
    pasted.write_text(format_stored_entry("TeedD20", raft), encoding="utf-8")
    before = sorted(p.name for p in (basic.srcdir / "papers").iterdir())
    status, out, err = new(capsys, str(pasted), "--docs", str(basic.srcdir), "--field", "Video")
    assert status == 1 and out == ""
    assert (
        err
        == f"paper-notes: error: the notes already have this paper: {basic.srcdir}/papers/raft.md\n"
    )
    assert sorted(p.name for p in (basic.srcdir / "papers").iterdir()) == before


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--field", "Robotics"], "--field 'Robotics' is not in paper_fields (one of: Base Model"),
        (["--field", "LLM", "--docs", "nowhere"], "nowhere/conf.py: no such file"),
    ],
)
def test_bad_arguments_end_with_one_line(project, capsys, argv, message):
    basic = project("basic")
    if "--docs" not in argv:
        argv = [*argv, "--docs", str(basic.srcdir)]
    status, out, err = new(capsys, str(DBLP_ENTRY), *argv)
    assert status == 1 and out == ""
    assert err.startswith("paper-notes: error: ") and message in err and err.count("\n") == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no BibTeX entry in it"),
        ("@misc{a, title={A}, year={2020}}\n@misc{b, title={B}, year={2021}}\n", "2 entries"),
        ("@inproceedings{a, title={A}, year={2020}, crossref={DBLP:conf/x/2020}}", "crossref ="),
        ("@misc{a, title={A}, year={2020}", "syntax error in line 1"),
    ],
)
def test_bibtex_new_cannot_use_is_refused_with_the_reason(project, capsys, tmp_path, text, message):
    basic = project("basic")
    pasted = tmp_path / "paper.bib"
    pasted.write_text(text, encoding="utf-8")
    status, out, err = new(capsys, str(pasted), "--docs", str(basic.srcdir), "--field", "LLM")
    assert (status, out) == (1, "")
    assert err.startswith("paper-notes: error: ") and str(pasted) in err and message in err, err
    assert err.count("\n") == 1


def test_bibtex_on_standard_input_without_a_terminal_needs_field(project):
    basic = project("basic")
    command = [
        sys.executable,
        "-m",
        "paper_directive.notes.cli",
        "new",
        "--docs",
        str(basic.srcdir),
    ]
    text = DBLP_ENTRY.read_text(encoding="utf-8")
    # no terminal to ask the field on (start_new_session: no controlling terminal either)
    run = subprocess.run(
        command, input=text, capture_output=True, text=True, start_new_session=True
    )
    assert run.returncode == 1
    assert run.stderr == (
        "paper-notes: error: pass --field FIELD (one of: Base Model, Video, LLM): "
        "there is no terminal to ask on\n"
    )
    run = subprocess.run([*command, "--field", "llm"], input=text, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout == f"{basic.srcdir / 'papers' / 'attention-is-all-you-need.md'}\n"


def test_the_field_is_asked_on_the_terminal(project):
    basic = project("basic")
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [*NEW, str(DBLP_ENTRY), "--docs", str(basic.srcdir)],
        stdin=terminal,
        stdout=subprocess.PIPE,
        stderr=terminal,
        text=True,
    )
    os.close(terminal)
    seen = b""
    deadline = time.monotonic() + 60
    while b"> " not in seen and time.monotonic() < deadline:
        if select.select([controller], [], [], 1)[0]:
            seen += os.read(controller, 4096)
    assert b"1) Base Model  2) Video  3) LLM" in seen, seen
    os.write(controller, b"3\n")
    out, _ = process.communicate(timeout=60)
    os.close(controller)
    assert process.returncode == 0
    page = Path(out.strip()).read_text(encoding="utf-8")
    assert ":field: LLM\n" in page


# --------------------------------------------------------------------------
# From an arXiv id or a DOI, with the services' recorded answers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2206.06921", Identifier("arxiv", "2206.06921")),
        ("arXiv:2206.06921v3", Identifier("arxiv", "2206.06921")),
        ("https://arxiv.org/abs/2206.06921v3", Identifier("arxiv", "2206.06921")),
        ("https://arxiv.org/pdf/2206.06921.pdf", Identifier("arxiv", "2206.06921")),
        ("hep-th/9901001", Identifier("arxiv", "hep-th/9901001")),
        ("10.48550/arXiv.2206.06921", Identifier("arxiv", "2206.06921")),
        ("10.1371/journal.pone.0033693", Identifier("doi", "10.1371/journal.pone.0033693")),
        (
            "https://doi.org/10.1371/journal.pone.0033693",
            Identifier("doi", "10.1371/journal.pone.0033693"),
        ),
        ("doi:10.1371/journal.pone.0033693", Identifier("doi", "10.1371/journal.pone.0033693")),
        ("attention.bib", None),
        ("RAFT", None),
    ],
)
def test_arxiv_ids_and_dois_are_recognised(text, expected):
    assert parse_identifier(text) == expected


def test_an_arxiv_id_is_looked_up_with_arxivs_api(project, capsys, services):
    basic = project("basic")
    status, out, err = new(
        capsys, "arXiv:2206.06921v3", "--docs", str(basic.srcdir), "--field", "Video"
    )
    assert status == 0, err
    assert services.requests == ["/arxiv/query?id_list=2206.06921"]
    added = blocks(basic.read("refs.bib"))[-1]
    assert added == (
        "@article{rutar2022attainable,\n"
        "  author = {Rutar, Alex},\n"
        "  title = {Attainable forms of Assouad spectra},\n"
        "  journal = {arXiv preprint arXiv:2206.06921},\n"
        "  year = {2022},\n"
        "  eprint = {2206.06921},\n"
        "  archiveprefix = {arXiv},\n"
        "  url = {https://arxiv.org/abs/2206.06921}\n"
        "}\n"
    )
    page = Path(out.strip()).read_text(encoding="utf-8")
    assert ":title: Attainable forms of Assouad spectra\n:year: 2022\n" in page
    assert ":link: https://arxiv.org/abs/2206.06921\n" in page
    # the published version arXiv knows of is pointed at, not merged in
    assert "DOI 10.1512/iumj.2024.73.9928 (Indiana Univ. Math. J. 73 (2024), 1331-1356)" in err


def test_an_arxiv_id_arxiv_does_not_have(project, capsys, services):
    basic = project("basic")
    before = basic.read("refs.bib")
    status, out, err = new(capsys, "1201.56789", "--docs", str(basic.srcdir), "--field", "LLM")
    assert (status, out) == (1, "")
    assert err.startswith("paper-notes: error: arXiv has no paper 1201.56789")
    assert basic.read("refs.bib") == before


def test_a_doi_is_looked_up_with_crossref(project, capsys, services):
    basic = project("basic")
    status, out, err = new(
        capsys, "10.1371/journal.pone.0033693", "--docs", str(basic.srcdir), "--field", "LLM"
    )
    assert status == 0, err
    assert services.requests[-1] == "/crossref/works/10.1371/journal.pone.0033693"
    added = blocks(basic.read("refs.bib"))[-1]
    assert added == (
        "@article{sadasivan2012methylphenidate,\n"
        "  author = {Sadasivan, Shankar and Pond, Brooks B. and Pani, Amar K. and Qu, Chunxu "
        "and Jiao, Yun and Smeyne, Richard J.},\n"
        "  title = {Methylphenidate Exposure Induces Dopamine Neuron Loss and Activation of "
        "Microglia in the Basal Ganglia of Mice},\n"
        "  journal = {PLoS ONE},\n"
        "  volume = {7},\n"
        "  number = {3},\n"
        "  pages = {e33693},\n"
        "  year = {2012},\n"
        "  publisher = {Public Library of Science (PLoS)},\n"
        "  doi = {10.1371/journal.pone.0033693},\n"
        "  url = {https://doi.org/10.1371/journal.pone.0033693}\n"
        "}\n"
    )
    assert ":link: https://doi.org/10.1371/journal.pone.0033693\n" in Path(out.strip()).read_text(
        encoding="utf-8"
    )


def test_a_doi_crossref_does_not_have(project, capsys, services):
    basic = project("basic")
    status, out, err = new(
        capsys, "10.1371/notarealdoi", "--docs", str(basic.srcdir), "--field", "LLM"
    )
    assert (status, out) == (1, "")
    assert err == "paper-notes: error: Crossref has no record of DOI 10.1371/notarealdoi\n"


@pytest.mark.parametrize("source", ["2206.06921", "10.1371/journal.pone.0033693"])
def test_offline_a_lookup_ends_with_one_line_suggesting_the_bibtex(
    project, capsys, monkeypatch, source
):
    # a port nothing listens on: as without network, the connection is refused
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("PAPER_NOTES_ARXIV_API", f"http://127.0.0.1:{port}/arxiv/query")
    monkeypatch.setenv("PAPER_NOTES_CROSSREF_API", f"http://127.0.0.1:{port}/crossref/works")
    basic = project("basic")
    before = basic.read("refs.bib")
    status, out, err = new(capsys, source, "--docs", str(basic.srcdir), "--field", "LLM")
    assert (status, out) == (1, "")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert re.match(r"paper-notes: error: cannot reach (arXiv|Crossref) at 127\.0\.0\.1 ", err)
    assert "into a file and run 'paper-notes new FILE', or paste it into 'paper-notes new -'" in err
    assert basic.read("refs.bib") == before
    assert not (basic.srcdir / "papers" / "attainable-forms-of-assouad-spectra.md").exists()
