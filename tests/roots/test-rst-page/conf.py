project = "rst"
extensions = ["myst_parser", "paper_directive"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
bibtex_bibfiles = ["refs.bib"]
paper_fields = ["Video"]
language = "zh_CN"
