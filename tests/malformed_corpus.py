"""What the malformed corpus (``tests/roots/test-malformed``) must be warned about.

Shared by the build's tests (``test_robustness.py``) and the check's
(``test_check.py``), which hold ``paper-notes check`` to the same list.
"""

from __future__ import annotations

#: (file, line, subtype, words of the warning), for every problem of the corpus.
MALFORMED = [
    ("conf.py", 8, "bibfile", "missing.bib does not exist; create it or correct bibtex_bibfiles"),
    ("conf.py", 10, "config", "field 'Language' needs a slug"),
    ("papers/bad-order.md", 3, "option", ":order: must be a whole number, not 'first'"),
    ("papers/bad-refs.md", 3, "ref", "unknown paper key 'nosuchrelated' in :related:"),
    ("papers/bad-refs.md", 12, "ref", "unknown paper key 'nosuchkey'"),
    # a role on the second line of a list item is placed at its paragraph's first line
    ("papers/bad-refs.md", 13, "ref", "unknown paper key 'alsonosuch'"),
    # once, though the insights page shows a copy of the insight
    ("papers/bad-refs.md", 17, "ref", "unknown paper key 'ininsight'"),
    ("papers/bad-year.md", 3, "year", "'20xx' is not a plausible 4-digit year"),
    ("papers/bare-link.md", 3, "link", "'www.example.org/bare' is not an http(s) address"),
    ("papers/body-in-paper.md", 3, "content", "takes options only; its body is shown below"),
    ("papers/broken-entry.md", 3, "bib", "'broken2020' (refs.bib, line 138) cannot be read"),
    ("papers/dup-second.md", 3, "duplicate", "papers/dup-first.md already uses it"),
    ("papers/ftp-link.md", 3, "link", "link to 'ftp://example.org/data.tar' is not an http(s)"),
    ("papers/ftp-link.md", 8, "field", "unknown field 'Astrology' in paper-list"),
    ("papers/image.md", 1, "unreadable", "not UTF-8 text (byte 0x89 in line 1)"),
    ("papers/latin1.md", 4, "unreadable", "not UTF-8 text (byte 0xe9 in line 4)"),
    ("papers/more/rst-bad-year.rst", 4, "year", "'MMXX' is not a plausible 4-digit year"),
    ("papers/more/rst-bad-year.rst", 11, "ref", "unknown paper key 'rstnosuch'"),
    # the link is on line 6, in a paragraph that starts on line 4
    ("papers/more/rst-links.rst", 4, "link", "link to 'javascript:alert(1)' is not an http(s)"),
    ("papers/nested.md", 4, "scan", "put the paper directive at the top level"),
    ("papers/no-link-no-key.md", 3, "option", "without :key:"),
    ("papers/no-link-no-key.md", 3, "option", "without :link:"),
    ("papers/no-title.md", 3, "option", "without :title:"),
    ("papers/not-in-bib.md", 3, "bib", "'notinbib2020' is not in the bibliography"),
    ("papers/nul.md", 2, "unreadable", "holds NUL bytes (line 2): it is not a text file"),
    ("papers/old-year.md", 3, "year", "'1850' is not a plausible 4-digit year"),
    ("papers/script-link.md", 3, "link", "'javascript:alert(1)' is not an http(s) address"),
    ("papers/two-papers.md", 13, "multiple", "move 'Second Of Two' to a page of its own"),
    ("papers/unclosed-fence.md", 3, "content", "takes options only"),
    ("papers/unknown-field.md", 3, "field", "unknown field 'Astrology'"),
    ("refs.bib", 99, "bibkey", "duplicate bibliography key 'dup2020': refs.bib, line 50"),
    ("refs.bib", 104, "bibtex", "'missingcomma2020' cannot be read: syntax error in line 106"),
    ("refs.bib", 109, "bibtex", "'latinbytes2020' cannot be read: it is not UTF-8 text"),
    ("refs.bib", 114, "bibtex", "'extrabrace2020' ends before ', year = {2020} }'"),
    ("refs.bib", 114, "unused", "'extrabrace2020' is used by no page"),
    ("refs.bib", 119, "unused", "'orphan2019' is used by no page"),
    ("refs.bib", 125, "bibtex", "the url 'javascript:alert(1)' of bibliography entry 'jsurl2020'"),
    ("refs.bib", 125, "unused", "'jsurl2020' is used by no page"),
    ("refs.bib", 132, "bibtex", "'texinput2020' cannot be read: it holds the TeX command \\input"),
    ("refs.bib", 138, "bibtex", "'broken2020' cannot be read: a brace or quote opened in it"),
]
