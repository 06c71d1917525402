"""Reading the bibliography so that one broken entry costs that entry, not the site.

sphinxcontrib-bibtex parses ``bibtex_bibfiles`` with pybtex in one go: an
unbalanced brace anywhere raises out of its ``builder-inited`` handler and
ends the build with a traceback, a file in another encoding the same, and a
repeated key drops the rest of its file.  Here each file is first parsed
whole, as pybtex would; only when pybtex finds anything wrong is it parsed
again entry by entry (an entry starts at a line that starts with ``@``), so
that each broken entry is reported at its own line and left out, and every
other entry loads.  The result is handed to sphinxcontrib-bibtex in its own
shape (:class:`sphinxcontrib.bibtex.bibfile.BibData`) before its handler
runs, with the files' modification times, so that its cache keeps working:
an unchanged file is not parsed again.

:func:`load_bibliography` itself does not need Sphinx: ``paper-notes check``
reads the bibliography through it and reports the same problems.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from .i18n import __
from .paper_rules import RejectedEntry, is_web_link
from .problems import Finding, Problem, report
from .unreadable_pages import encoding_name

if TYPE_CHECKING:
    from pybtex.database import BibliographyData
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

#: The line that opens an entry: ``@type{key,`` (or ``@type(key,``), leading blanks allowed.
_ENTRY_START = re.compile(rb"[ \t]*@[ \t]*([A-Za-z][\w-]*)[ \t]*[{(][ \t]*([^\s,{}()]*)")
#: TeX commands that read or write files or run programs when a document is typeset.
_DANGEROUS_TEX = re.compile(
    r"\\(?:input|include|InputIfFileExists|write|immediate|openout|openin|read|catcode|"
    r"e?def|gdef|xdef|let|csname|directlua|special|usepackage|RequirePackage)(?![A-Za-z])"
)
#: Entry types that hold no entry.
_NOT_ENTRIES = frozenset({"comment", "string", "preamble"})

#: Where the loader keeps its findings in the ``cite`` domain's data.
STATE_KEY = "paper_loader"


class _Chunk(NamedTuple):
    """A stretch of a file from one entry's opening line to the next one's."""

    line: int
    raw: bytes
    #: The entry type in lowercase; "" for the text before the first entry.
    kind: str
    #: The key as written on the opening line ("" when it cannot be made out).
    key: str


class LoadedBibliography(NamedTuple):
    """The entries that could be read, where each stands, and what could not be read."""

    data: BibliographyData
    #: For each file (absolute path), the keys it added, in order.
    keys: dict[str, dict[str, None]]
    #: Each loaded entry's file and line, by key.
    places: dict[str, tuple[str, int]]
    #: Entries left out because they cannot be read, by key.
    rejected: dict[str, RejectedEntry]
    problems: tuple[Problem, ...]
    #: Files that hold no entry: a problem only once a page names a key (a new site has none).
    empty: tuple[Problem, ...] = ()


def _chunks(raw: bytes) -> list[_Chunk]:
    chunks: list[_Chunk] = []
    start_line, start_at, kind, key = 1, 0, "", ""
    position = 0
    for number, line in enumerate(raw.splitlines(keepends=True), start=1):
        match = _ENTRY_START.match(line)
        if match is not None:
            if position > start_at:
                chunks.append(_Chunk(start_line, raw[start_at:position], kind, key))
            start_line, start_at = number, position
            kind = match.group(1).decode("ascii").lower()
            key = match.group(2).decode("utf-8", "replace")
        position += len(line)
    if position > start_at:
        chunks.append(_Chunk(start_line, raw[start_at:position], kind, key))
    return chunks


def _parse(text: str, macros: Mapping[str, str]) -> tuple[Any, list[Exception], Any]:
    """Parse *text* with pybtex, collecting its complaints instead of raising them."""
    import pybtex.errors
    from pybtex.database.input.bibtex import Parser

    parser = Parser(macros=macros)
    with pybtex.errors.capture() as errors:
        try:
            parser.parse_string(text)
        except Exception as error:  # anything pybtex did not see coming
            errors.append(error)
    return parser.data, list(errors), parser.macros


def _reason(error: Exception, first_line: int) -> str:
    from pybtex.scanner import PrematureEOF, PybtexSyntaxError

    if isinstance(error, PrematureEOF):
        # the entry was read on its own: its "end of file" is where the next entry starts
        return __("a brace or quote opened in it is never closed")
    if isinstance(error, PybtexSyntaxError) and error.lineno is not None:
        line = first_line + int(error.lineno) - 1
        # pybtex's own text names the line within the entry; ours, within the file
        return __("%s in line %d: %s (check its braces, quotes, commas and key)") % (
            error.error_type,
            line,
            Exception.__str__(error),
        )
    return str(error) or type(error).__name__


def _entry_end(text: str) -> int | None:
    """Where a ``@type{...}`` entry's closing brace is, counting braces as BibTeX does."""
    opening = text.find("{")
    if opening < 0 or "(" in text[:opening]:
        return None
    depth = 0
    for index in range(opening, len(text)):
        char = text[index]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index + 1
    return None


def _leftover(text: str) -> str:
    """Text after an entry's closing brace that looks like more of the entry.

    pybtex (like BibTeX) skips anything between entries; after a closing
    brace too many, that is the rest of the entry, whose fields are then
    lost without a word.
    """
    end = _entry_end(text)
    if end is None:
        return ""
    rest = "\n".join(
        line for line in text[end:].splitlines() if not line.lstrip().startswith("%")
    ).strip()
    return rest if ("=" in rest or "}" in rest) else ""


class _FileLoader:
    """Loads the files of one bibliography into one pybtex database, entry by entry if need be."""

    def __init__(self, encoding: str) -> None:
        from pybtex.database import BibliographyData
        from pybtex.database.input.bibtex import month_names

        self.encoding = encoding
        self.data = BibliographyData()
        self.macros: Mapping[str, str] = dict(month_names)
        self.places: dict[str, tuple[str, int]] = {}
        self.rejected: dict[str, RejectedEntry] = {}
        self.problems: list[Problem] = []
        self.empty: list[Problem] = []

    def load(self, path: Path, configured_at: tuple[str, int]) -> dict[str, None]:
        """Load one file; the keys it added."""
        name = str(path)
        if not path.is_file():
            self.problems.append(
                Problem.at(
                    *configured_at,
                    Finding(
                        "bibfile",
                        __(
                            "bibliography file %s does not exist; create it or correct "
                            "bibtex_bibfiles in conf.py (papers show no authors, venue or cite "
                            "block)"
                        )
                        % name,
                    ),
                )
            )
            return {}
        try:
            raw = path.read_bytes()
        except OSError as error:
            self.problems.append(
                Problem.at(
                    *configured_at,
                    Finding(
                        "bibfile",
                        __("bibliography file %s cannot be read (%s)") % (name, error.strerror),
                    ),
                )
            )
            return {}
        chunks = _chunks(raw)
        if not any(chunk.kind and chunk.kind not in _NOT_ENTRIES for chunk in chunks):
            self.empty.append(
                Problem.at(
                    name,
                    1,
                    Finding(
                        "bibfile",
                        __(
                            "this bibliography file holds no entries; add an @type{key, ...} "
                            "entry for each paper"
                        ),
                    ),
                )
            )
        added = self._load_whole(name, raw, chunks)
        if added is None:
            added = self._load_entries(name, chunks)
        for chunk in chunks:
            if chunk.kind and chunk.kind not in _NOT_ENTRIES:
                self._check_leftover(name, chunk)
        return added

    def _load_whole(self, name: str, raw: bytes, chunks: list[_Chunk]) -> dict[str, None] | None:
        """The file parsed in one go, as pybtex reads it; None if pybtex finds anything wrong."""
        try:
            text = raw.decode(self.encoding)
        except (UnicodeDecodeError, LookupError):
            return None
        data, errors, macros = _parse(text, self.macros)
        if errors or any(key in self.data.entries for key in data.entries):
            return None
        self.macros = macros
        lines = {chunk.key.casefold(): chunk.line for chunk in chunks if chunk.key}
        added: dict[str, None] = {}
        for key, entry in data.entries.items():
            line = lines.get(key.casefold()) or _line_of(text, key)
            if self._add(key, entry, name, line):
                added[key] = None
        for preamble in data.preamble_list:
            self.data.add_to_preamble(preamble)
        return added

    def _load_entries(self, name: str, chunks: list[_Chunk]) -> dict[str, None]:
        """The file read entry by entry: each broken entry is reported and left out."""
        added: dict[str, None] = {}
        for chunk in chunks:
            if chunk.kind == "comment" or (not chunk.kind and b"@" not in chunk.raw):
                continue
            try:
                text = chunk.raw.decode(self.encoding)
            except UnicodeDecodeError as error:
                line = chunk.line + chunk.raw[: error.start].count(b"\n")
                reason = __("it is not %s text (byte 0x%02x in line %d)") % (
                    encoding_name(self.encoding),
                    chunk.raw[error.start],
                    line,
                )
                self._reject(name, chunk, reason)
                continue
            except LookupError:
                self._reject(name, chunk, __("unknown encoding %r") % self.encoding)
                continue
            data, errors, macros = _parse(text, self.macros)
            if errors:
                self._reject(name, chunk, _reason(errors[0], chunk.line))
                continue
            self.macros = macros
            for key, entry in data.entries.items():
                if key in self.data.entries:
                    self._duplicate(name, chunk.line, key)
                    continue
                if self._add(key, entry, name, chunk.line):
                    added[key] = None
            for preamble in data.preamble_list:
                self.data.add_to_preamble(preamble)
        return added

    def _add(self, key: str, entry: Any, name: str, line: int) -> bool:
        """Add an entry that pybtex read, unless what it holds must not reach the outputs."""
        values = [*entry.fields.values(), *(str(p) for ps in entry.persons.values() for p in ps)]
        dangerous = next(
            (m.group(0) for v in values if (m := _DANGEROUS_TEX.search(v)) is not None), None
        )
        if dangerous is not None:
            reason = (
                __(
                    "it holds the TeX command %s, which reads or writes files or runs programs "
                    "when the BibTeX is typeset; remove it"
                )
                % dangerous
            )
            self._reject(name, _Chunk(line, b"", entry.type.lower(), key), reason)
            return False
        self.data.add_entry(key, entry)
        self.places[key] = (name, line)
        url = entry.fields.get("url", "")
        if url and not is_web_link(url):
            self.problems.append(
                Problem.at(
                    name,
                    line,
                    Finding(
                        "bibtex",
                        __(
                            "the url %r of bibliography entry %r is not an http(s) address; "
                            "it is shown as text, not as a link"
                        )
                        % (url, key),
                    ),
                )
            )
        return True

    def _duplicate(self, name: str, line: int, key: str) -> None:
        first_name, first_line = self.places[self.data.entries[key].key]
        self.problems.append(
            Problem.at(
                name,
                line,
                Finding(
                    "bibkey",
                    __(
                        "duplicate bibliography key %r: %s, line %d has it already; this entry "
                        "is left out: give it its own key or remove it"
                    )
                    % (key, Path(first_name).name, first_line),
                ),
            )
        )

    def _reject(self, name: str, chunk: _Chunk, reason: str) -> None:
        if chunk.key and chunk.key not in self.rejected and chunk.key not in self.data.entries:
            self.rejected[chunk.key] = RejectedEntry(name, chunk.line, reason)
        what = repr(chunk.key) if chunk.key else __("(no key)")
        self.problems.append(
            Problem.at(
                name,
                chunk.line,
                Finding(
                    "bibtex",
                    __("bibliography entry %s cannot be read: %s; it is left out until it is fixed")
                    % (what, reason),
                ),
            )
        )

    def _check_leftover(self, name: str, chunk: _Chunk) -> None:
        try:
            text = chunk.raw.decode(self.encoding)
        except (UnicodeDecodeError, LookupError):
            return  # reported as unreadable
        rest = " ".join(_leftover(text).split())
        if rest:
            shown = rest if len(rest) <= 40 else rest[:37] + "..."
            self.problems.append(
                Problem.at(
                    name,
                    chunk.line,
                    Finding(
                        "bibtex",
                        __(
                            "bibliography entry %r ends before %r, which is ignored; "
                            "is there a closing brace too many?"
                        )
                        % (chunk.key, shown),
                    ),
                )
            )


def _line_of(text: str, key: str) -> int:
    match = re.search(r"@\s*\w+\s*[{(]\s*" + re.escape(key) + r"\s*,", text, flags=re.IGNORECASE)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def load_bibliography(
    paths: Sequence[Path], encoding: str, configured_at: tuple[str, int]
) -> LoadedBibliography:
    """Load *paths* (absolute) in order; *configured_at* is where conf.py names them."""
    loader = _FileLoader(encoding)
    keys = {str(path): loader.load(path, configured_at) for path in paths}
    return LoadedBibliography(
        loader.data,
        keys,
        loader.places,
        loader.rejected,
        tuple(loader.problems),
        tuple(loader.empty),
    )


# --- in a Sphinx build ------------------------------------------------------


class LoaderState(NamedTuple):
    """What the loader found, kept in the ``cite`` domain's data between builds."""

    places: dict[str, tuple[str, int]]
    rejected: dict[str, RejectedEntry]
    problems: tuple[Problem, ...]
    #: Files that hold no entry: a problem only once a page names a key (a new site has none).
    empty: tuple[Problem, ...] = ()


def bibliography_paths(confdir: str | Path, bibfiles: Sequence[str]) -> list[Path]:
    """The configured files as sphinxcontrib-bibtex names them: resolved from conf.py's folder."""
    return [(Path(confdir) / file).resolve() for file in bibfiles]


def configured_at(confdir: str | Path, name: str) -> tuple[str, int]:
    """Where conf.py sets *name*: the file and the line (1 when it is not set there)."""
    from .config_check import setting_line

    conf = Path(confdir) / "conf.py"
    return str(conf), setting_line(conf, name)


def load_for_sphinxcontrib(app: Sphinx) -> None:
    """``builder-inited``, before sphinxcontrib-bibtex's own handler: load what it would.

    sphinxcontrib-bibtex then finds its data up to date and keeps it.
    """
    from sphinxcontrib.bibtex.bibfile import BibData, BibFile, get_mtime, is_bibdata_outdated

    from .shared_bibliography import share

    config = app.config
    if not isinstance(config.bibtex_bibfiles, list | tuple):
        return  # config_check has warned and set it right
    domain: Any = app.env.domains["cite"]
    paths = bibliography_paths(app.confdir, config.bibtex_bibfiles)
    encoding = config.bibtex_encoding
    state = domain.data.get(STATE_KEY)
    if state is None or is_bibdata_outdated(domain.bibdata, paths, encoding):
        times = {path: get_mtime(path) for path in paths}  # before reading: a later edit re-reads
        loaded = load_bibliography(paths, encoding, configured_at(app.confdir, "bibtex_bibfiles"))
        domain.data["bibdata"] = BibData(
            encoding=encoding,
            bibfiles={
                path: BibFile(mtime=times[path], keys=loaded.keys[str(path)]) for path in paths
            },
            data=loaded.data,
        )
        state = LoaderState(loaded.places, loaded.rejected, loaded.problems, loaded.empty)
        domain.data[STATE_KEY] = state
    domain.data["bibdata"] = share(domain.data["bibdata"])
    # reported at every build, not only when the file changed: a broken
    # bibliography must not look mended on the next incremental build
    for problem in state.problems:
        report(problem)


def loader_state(env: BuildEnvironment) -> LoaderState:
    domain: Any = env.domains["cite"]
    return cast(LoaderState, domain.data.get(STATE_KEY) or LoaderState({}, {}, ()))


def rejected_entries(env: BuildEnvironment) -> Mapping[str, RejectedEntry]:
    """The entries that could not be read, by key."""
    return loader_state(env).rejected


def entry_state(env: BuildEnvironment, key: str) -> tuple[Any, ...]:
    """What a paper's header says of its entry: read, missing, or where and why unreadable.

    A view of the domain (``bib-state``): the page is written again when it changes.
    """
    from .bibtex import bibliography_entries

    broken = rejected_entries(env).get(key)
    if broken is not None:
        return ("rejected", Path(broken.path).name, broken.line, broken.reason)
    return ("ok",) if key in bibliography_entries(env) else ("missing",)


def entry_places(env: BuildEnvironment) -> Mapping[str, tuple[str, int]]:
    """Each loaded entry's file and line, by key."""
    return loader_state(env).places


def register(app: Sphinx) -> None:
    # sphinxcontrib-bibtex's handler has the default priority (500)
    app.connect("builder-inited", load_for_sphinxcontrib, priority=400)
