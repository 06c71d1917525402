"""paper_directive: a Sphinx extension for paper-reading notes."""
