"""Live preview (``nox -s serve``): a real sphinx-autobuild server, real edits, real HTTP.

The server is started as ``nox -s serve`` starts it (``tools/serve.py``), as a
process of its own, on a free port of localhost, on a copy of a small site
laid out like the repository: ``docs/`` and, beside it, ``refs.bib``.  Notes
are saved as an editor saves them, the pages are read over HTTP, and the
builds are counted from sphinx-autobuild's log, which has a ``Rebuilding...``
line for each rebuild, after a ``Detected changes (...)`` line naming the
files that started it.

Before every build the extension rewrites the generated pages in
``docs/browse/`` whose text changed.  A plain edit changes none of them; a
retitled note reorders its field page, which is rewritten while the site is
built: watched, that write would start a second build.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import NamedTuple

import pytest

from conftest import REPO, ROOTS

SERVE_SCRIPT = REPO / "tools" / "serve.py"
#: how long nothing may happen after a rebuild: a change made during a build is
#: reported some 50 ms after the build ends, so a second build would start well within it
QUIET = 3.0
#: generous, for a busy machine: a build of the small site takes a few seconds
TIMEOUT = 120.0
ANSI = re.compile(r"\x1b\[[0-9;]*m")
PREFIX = "[sphinx-autobuild] "

NEW_ITEM = "实时预览：保存后几秒内可见"
OLD_TITLE = '"RepVGG: Making VGG-Style ConvNets Great Again"'
#: sorts before "Diverse Branch Block", the field's other paper of 2021
NEW_TITLE = "A Plain ConvNet Again: RepVGG"


def load_serve_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("serve_script", SERVE_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def group_members(pgid: int) -> list[str]:
    """The live (not zombie) processes of a process group, from ``/proc``."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # ended meanwhile
        # pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses
        state, _ppid, pgrp = text[text.rindex(")") + 2 :].split()[:3]
        if int(pgrp) == pgid and state != "Z":
            members.append(text[: text.rindex(")") + 1])
    return members


class Server:
    """A sphinx-autobuild process in a process group of its own, and its log line by line."""

    def __init__(self, command: list[str], site: Path) -> None:
        self.site = site
        self.process = subprocess.Popen(
            command,
            cwd=site,
            # the log arrives as it is printed, not when a pipe's buffer fills
            env=os.environ | {"PYTHONUNBUFFERED": "1"},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
            start_new_session=True,
        )
        self._lines: list[str] = []
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self._lock:
                self._lines.append(ANSI.sub("", line.rstrip("\n")))

    def log(self) -> str:
        with self._lock:
            return "\n".join(self._lines)

    def messages(self) -> list[str]:
        """sphinx-autobuild's own lines (not Sphinx's), without their prefix."""
        with self._lock:
            return [line[len(PREFIX) :] for line in self._lines if line.startswith(PREFIX)]

    def rebuilds(self) -> list[set[str]]:
        """For each rebuild since the initial build, the files that started it."""
        found: list[set[str]] = []
        detected: set[str] = set()
        for message in self.messages():
            if match := re.fullmatch(r"Detected changes \((.*)\)", message):
                detected = set(match[1].split(", "))
            elif message == "Rebuilding...":
                found.append(detected)
                detected = set()
        return found

    def builds_finished(self) -> int:
        """Builds that ended, the initial one included: each ends with ``Serving on``."""
        return sum(message.startswith("Serving on ") for message in self.messages())

    @property
    def url(self) -> str | None:
        for message in self.messages():
            if match := re.fullmatch(r"Serving on (http://\S+)", message):
                return match[1]
        return None

    def get(self, path: str) -> str:
        with urllib.request.urlopen(f"{self.url}/{path}", timeout=30) as response:
            return str(response.read().decode("utf-8"))

    def serves(self, path: str) -> bool:
        """Whether the server answers yet: it starts listening after the initial build."""
        try:
            return "<html" in self.get(path)
        except OSError:  # URLError and a refused connection are OSErrors
            return False

    def wait_for(self, condition: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if condition():
                return
            if self.process.poll() is not None:
                pytest.fail(f"sphinx-autobuild ended waiting for {what}:\n{self.log()}")
            time.sleep(0.2)
        pytest.fail(f"no {what} after {TIMEOUT:.0f} s:\n{self.log()[-5000:]}")

    def wait_until_serving(self) -> None:
        self.wait_for(lambda: self.url is not None, "initial build")
        self.wait_for(lambda: self.serves("index.html"), "page over HTTP")

    def wait_for_text(self, path: str, text: str) -> None:
        """Poll *path* over HTTP until it shows *text*."""
        self.wait_for(lambda: text in self.get(path), f"{text!r} in {path}")

    def idle(self) -> bool:
        """Whether every build that started has ended."""
        return self.builds_finished() == 1 + len(self.rebuilds())

    def wait_until_idle(self) -> None:
        self.wait_for(self.idle, "end of the rebuild")
        assert "Sphinx exited with exit code" not in self.log(), self.log()

    def stop(self) -> list[str]:
        """SIGTERM to the whole process group; what did not end by it (nothing, normally)."""
        pgid = self.process.pid
        left = []
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            left.append(f"sphinx-autobuild ignored SIGTERM for 30 s (pid {pgid})")
        deadline = time.monotonic() + 10
        while (survivors := group_members(pgid)) and time.monotonic() < deadline:
            time.sleep(0.2)
        left += survivors
        if left:  # the test fails, and the machine stays clean
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pgid, signal.SIGKILL)
            self.process.wait(timeout=30)
        self._reader.join(timeout=30)
        return left


def copy_site(root: Path) -> Path:
    """The small site under *root*, laid out like the repository: ``docs/``, ``refs.bib`` by it."""
    docs = root / "docs"
    shutil.copytree(ROOTS / "test-basic", docs)
    (docs / "refs.bib").rename(root / "refs.bib")
    with (docs / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write('bibtex_bibfiles = ["../refs.bib"]\n')
    return root


def without_ignoring_generated_pages(site: Path) -> list[str]:
    """``tools/serve.py``'s command line for *site*, less its ``--ignore`` of ``docs/browse``."""
    command: list[str] = load_serve_script().autobuild_command(site / "docs", port=0)
    generated = str((site / "docs" / "browse").resolve())
    at = command.index(generated)
    assert command[at - 1] == "--ignore"
    del command[at - 1 : at + 1]
    return command


class Servers(NamedTuple):
    served: Server
    """as ``nox -s serve`` starts it"""
    unignored: Server
    """the same, but watching the generated pages"""


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    """Two servers on two copies of the site, started once for the module as a writer
    starts one for a morning of edits; each test edits files of its own and counts the
    rebuilds since.  Both start together: their initial builds share the machine's cores.
    At the end both are stopped, and no process of either may be left."""
    served_site = copy_site(tmp_path_factory.mktemp("served"))
    unignored_site = copy_site(tmp_path_factory.mktemp("unignored"))
    served = [sys.executable, str(SERVE_SCRIPT), "--docs", "docs", "--port", "0"]
    unignored = without_ignoring_generated_pages(unignored_site)
    both = Servers(Server(served, served_site), Server(unignored, unignored_site))
    try:
        for server in both:
            server.wait_until_serving()
        # the watcher is set up as the server starts listening: leave it a moment beyond that
        time.sleep(1.0)
        yield both
    finally:
        survivors = [member for server in both for member in server.stop()]
    assert survivors == [], f"not stopped by SIGTERM: {survivors}"


def settle(*servers: Server) -> None:
    """Wait until the servers' rebuilds have ended, then QUIET seconds more.

    A rebuild that started meanwhile is waited for too, so that it is counted whole.
    """
    for server in servers:
        server.wait_until_idle()
    time.sleep(QUIET)
    for server in servers:
        server.wait_until_idle()


def snapshot(folder: Path) -> dict[str, int]:
    """Every file under *folder*, with the time it was last written."""
    return {
        path.relative_to(folder).as_posix(): path.stat().st_mtime_ns
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_a_saved_note_is_served_after_exactly_one_rebuild(servers: Servers) -> None:
    from websockets.sync.client import connect

    server = servers.served
    server.wait_until_idle()
    before = len(server.rebuilds())
    page = server.get("papers/raft.html")
    assert NEW_ITEM not in page
    # the page tells the browser where it hears of rebuilds
    reload_url = re.search(r'new WebSocket\("(ws://[^"]+)"\)', page)
    assert reload_url is not None, page[-500:]
    generated = snapshot(server.site / "docs" / "browse")
    note = server.site / "docs" / "papers" / "raft.md"
    swap = note.with_name(".raft.md.swp")

    with connect(reload_url[1], open_timeout=30) as browser:
        # as vim saves: a swap file when the note is opened, the note, the swap file again
        swap.write_bytes(b"b0VIM 9.0\0")
        text = note.read_text(encoding="utf-8")
        assert "* 光流 best paper\n" in text
        note.write_text(
            text.replace("* 光流 best paper\n", f"* 光流 best paper\n* {NEW_ITEM}\n"),
            encoding="utf-8",
        )
        swap.write_bytes(b"b0VIM 9.0\0\0")

        server.wait_for_text("papers/raft.html", NEW_ITEM)
        swap.unlink()  # the editor closed
        settle(server)
        assert browser.recv(timeout=10) == "refresh"
        with pytest.raises(TimeoutError):
            browser.recv(timeout=1)  # told to reload once: settle() waited for a second time

    assert server.rebuilds()[before:] == [{"docs/papers/raft.md"}]
    # a plain edit leaves every generated page as it was: nothing there to ignore
    assert snapshot(server.site / "docs" / "browse") == generated


def test_a_retitled_note_rewrites_its_field_page_and_is_built_once(servers: Servers) -> None:
    """The same retitle on both servers: watched, the field page costs a second build."""
    field_page = Path("docs", "browse", "fields", "base-model.rst")
    field_html = "browse/fields/base-model.html"
    rebuilds = {}
    field_text = {}
    for server in servers:
        server.wait_until_idle()
        rebuilds[server] = len(server.rebuilds())
        field_text[server] = (server.site / field_page).read_text("utf-8")
        assert NEW_TITLE not in server.get(field_html)

    for server in servers:
        note = server.site / "docs" / "papers" / "repvgg.md"
        text = note.read_text(encoding="utf-8")
        assert OLD_TITLE in text
        note.write_text(text.replace(OLD_TITLE, f'"{NEW_TITLE}"'), encoding="utf-8")
    for server in servers:
        server.wait_for_text(field_html, NEW_TITLE)
    settle(*servers)

    for server in servers:
        # the build wrote into the generated folder: the field's papers are in a new order
        assert (server.site / field_page).read_text("utf-8") != field_text[server]
    # as nox -s serve runs it, that write starts no build of its own
    assert servers.served.rebuilds()[rebuilds[servers.served] :] == [{"docs/papers/repvgg.md"}]
    # watched, it starts a second build; none after that, which finds every generated
    # page up to date and writes none: no loop
    assert servers.unignored.rebuilds()[rebuilds[servers.unignored] :] == [
        {"docs/papers/repvgg.md"},
        {"docs/browse/fields/base-model.rst"},
    ]


def test_the_bibliography_beside_the_site_is_watched_through_saves_by_renaming(
    servers: Servers,
) -> None:
    """An editor may save by writing a new file over the old: the next save is seen too."""
    server = servers.served
    server.wait_until_idle()
    before = len(server.rebuilds())
    bib = server.site / "refs.bib"
    for coauthor in ("Doe, Jane", "Roe, Richard"):
        text = bib.read_text(encoding="utf-8")
        assert "Teed, Zachary and Deng, Jia" in text
        new = bib.with_name("refs.bib.new")
        new.write_text(
            text.replace(
                "Teed, Zachary and Deng, Jia", f"Teed, Zachary and Deng, Jia and {coauthor}"
            ),
            encoding="utf-8",
        )
        os.replace(new, bib)
        server.wait_for_text("papers/raft.html", coauthor.split(",")[0])
        server.wait_until_idle()
    settle(server)
    assert server.rebuilds()[before:] == [{"refs.bib"}, {"refs.bib"}]
