"""What runs from the shell: the ``paper-notes`` command and the README tooling.

Nothing here runs inside a Sphinx build.  The modules beside this package
(``paper_directive.*``) are the Sphinx extension; the modules here read and
write the site's source files (pages, ``refs.bib``, a README) the way the
author would by hand, and share with the extension only what describes those
files (``fields``, ``source_scan``, ``bibtex``).
"""
