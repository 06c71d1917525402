project = "malformed"
extensions = ["myst_parser", "paper_directive"]
language = "en"
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]
myst_enable_extensions = ["colon_fence"]
# the second file does not exist
bibtex_bibfiles = ["refs.bib", "missing.bib"]
# the second field's slug is not a slug
paper_fields = ["Vision", ("Language", "Not A Slug")]
