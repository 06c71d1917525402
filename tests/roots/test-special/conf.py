project = "special"
author = "tests"
copyright = "2026, tests"
version = release = "1"
extensions = ["myst_parser", "paper_directive"]
language = "zh_CN"
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]
bibtex_bibfiles = ["refs.bib"]
paper_fields = [
    {"name": "Q&A <Tests> 100% $5 a_b", "slug": "qa", "description": "Fields & <descriptions>."},
    {"name": "Plain", "slug": "plain"},
]
html_theme = "basic"
latex_engine = "xelatex"
latex_documents = [("index", "special.tex", "Special characters", "tests", "manual")]
latex_elements = {"papersize": "a4paper"}
epub_language = "zh-CN"
epub_show_urls = "no"
epub_exclude_files = ["search.html", ".buildinfo.bak"]
