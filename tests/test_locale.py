"""The message catalogs cover every label and warning, and the compiled files match."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from conftest import REPO

PACKAGE = REPO / "ext" / "paper_directive"
LOCALE = PACKAGE / "locale"


def messages_in_code() -> set[str]:
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):  # the extension and its notes/ subpackage
        for _line, message, _comments, _context in extract_from_file(
            "python", str(path), keywords={"_": None, "__": None}
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def catalog(language: str, suffix: str) -> dict[str, str]:
    path = LOCALE / language / "LC_MESSAGES" / f"paper_directive{suffix}"
    with Path(path).open("rb") as file:
        messages = read_po(file) if suffix == ".po" else read_mo(file)
    return {m.id: m.string for m in messages if m.id}


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_catalog_has_every_message_of_the_code(language):
    missing = messages_in_code() - set(catalog(language, ".po"))
    assert not missing, f"run `nox -s locale`: {sorted(missing)}"


def test_chinese_catalog_translates_everything():
    untranslated = [i for i, s in catalog("zh_CN", ".po").items() if not s]
    assert untranslated == []


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_compiled_catalog_matches_its_source(language):
    assert catalog(language, ".mo") == {i: s for i, s in catalog(language, ".po").items() if s}, (
        "run `nox -s locale`"
    )


PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdrxf%]")


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_translations_keep_the_placeholders_in_their_order(language):
    # Python's % formatting fills placeholders in order: a translation that
    # reorders them would print the line where the byte belongs
    for message, translation in catalog(language, ".po").items():
        if translation:
            assert PLACEHOLDER.findall(translation) == PLACEHOLDER.findall(message), message
