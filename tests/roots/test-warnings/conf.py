project = "warnings"
extensions = ["myst_parser", "paper_directive"]
language = "en"
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
bibtex_bibfiles = ["refs.bib"]
paper_fields = ["Vision"]
