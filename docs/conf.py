"""Sphinx configuration of the brief_paper_reading site.

Everything site-specific is here: the fields, the bibliography, the theme
and the PDF and EPUB settings.  The extension that does the work is
``paper_directive`` (``ext/paper_directive``), installed with the project.
"""

from __future__ import annotations

project = "brief_paper_reading"
author = "brief_paper_reading"
copyright = "2026, brief_paper_reading"
version = release = "1.0"

language = "zh_CN"
extensions = [
    "myst_parser",
    "sphinx_design",
    "sphinx_copybutton",
    "paper_directive",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
root_doc = "index"

# --- MyST ---------------------------------------------------------------
myst_enable_extensions = ["dollarmath", "colon_fence"]

# --- the notes ----------------------------------------------------------
bibtex_bibfiles = ["../refs.bib"]
bibtex_default_style = "plain"
paper_fields = [
    {"name": "LLM", "slug": "llm", "description": "大语言模型：数据集、对齐、训练与评测。"},
    {"name": "Base Model", "slug": "base-model", "description": "基础模型结构与重参数化。"},
    {"name": "Video", "slug": "video", "description": "光流、插帧、视频预测与新视角合成。"},
    {
        "name": "Low-Level Vision",
        "slug": "low-level-vision",
        "description": "图像复原、超分辨率、去反射、上色与生成。",
    },
    {
        "name": "Reinforcement Learning",
        "slug": "reinforcement-learning",
        "description": "强化学习：从视频学习、离线强化学习与实践经验。",
    },
    {"name": "Image Generation", "slug": "image-generation", "description": "图像生成与迁移。"},
    {"name": "Others", "slug": "others", "description": "其他。"},
]

# --- HTML -----------------------------------------------------------------
html_theme = "furo"
html_title = "brief_paper_reading · 论文阅读笔记"
html_search_language = "zh"
copybutton_exclude = ".linenos, .gp"
