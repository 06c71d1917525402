project = "basic"
extensions = ["myst_parser", "paper_directive"]
language = "zh_CN"
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
bibtex_bibfiles = ["refs.bib"]
myst_enable_extensions = ["dollarmath"]
paper_fields = [
    {"name": "Base Model", "slug": "base-model", "description": "Backbones."},
    {"name": "Video", "slug": "video"},
    {"name": "LLM", "slug": "llm"},
]
copyright = "2026, test"
version = release = "1"
epub_language = "zh-CN"
