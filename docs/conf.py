"""Sphinx configuration of the brief_paper_reading site.

Everything site-specific is here: the fields, the bibliography, the theme
and the PDF and EPUB settings.  The extension that does the work is
``paper_directive`` (``ext/paper_directive``), installed with the project.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

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
# jieba's user dictionary of the notes' domain words (重参数化, 光流估计, 插帧, ...), so
# that they are indexed whole; Sphinx reads the path relative to the working directory.
_search_dict = Path(__file__).parent / "_search" / "jieba_dict.txt"
html_search_options = {
    "dict": str(_search_dict),
    # not read by Sphinx: a changed dictionary changes this value, and a
    # changed HTML setting makes Sphinx re-index every page
    "dict_sha256": hashlib.sha256(_search_dict.read_bytes()).hexdigest(),
}
copybutton_exclude = ".linenos, .gp"

# --- PDF (LaTeX through xelatex and latexmk) -------------------------------
# Read the Docs no longer adds LaTeX settings of its own: all of them are here.
latex_engine = "xelatex"
latex_documents = [
    # title and author are LaTeX: the underscore escaped (they are the PDF's metadata too)
    (root_doc, "brief_paper_reading.tex", "论文阅读笔记", r"brief\_paper\_reading", "manual"),
]
latex_show_urls = "no"
latex_elements = {
    "papersize": "a4paper",
    "pointsize": "11pt",
    # chapters are set by titlesec below, in Chinese
    "fncychap": "",
    "releasename": "版本",
    "preamble": r"""
% The notes are Chinese whatever language the labels are in (Read the Docs may
% build with -D language=en): Sphinx loads xeCJK only for a Chinese build.
\usepackage{xeCJK}
% Chinese text: Noto CJK where installed (Read the Docs, Debian's fonts-noto-cjk),
% otherwise the Fandol fonts that come with TeX Live's Chinese support.
\IfFontExistsTF{Noto Serif CJK SC}{%
  \setCJKmainfont{Noto Serif CJK SC}[BoldFont={Noto Serif CJK SC Bold}, AutoFakeSlant=0.15]%
  \setCJKsansfont{Noto Sans CJK SC}[BoldFont={Noto Sans CJK SC Bold}]%
  \setCJKmonofont{Noto Sans Mono CJK SC}%
}{}
\xeCJKsetup{CJKecglue={\hskip 0.2em plus 0.08\baselineskip}}
% (the fixed labels and chapter numbers in Chinese come from paper_directive
% when the site is built in Chinese)
% room for the running heads of fancyhdr
\setlength{\headheight}{14pt}
\addtolength{\topmargin}{-2pt}
""",
    "maketitle": r"""
\begin{titlepage}
  \centering
  \vspace*{5cm}
  {\sffamily\Huge\bfseries 论文阅读笔记\par}
  \vspace{1cm}
  {\Large brief\_paper\_reading\par}
  \vspace{1.5cm}
  {\large 按领域整理的论文阅读记录与个人想法：大语言模型、基础模型、视频、\par
   底层视觉、强化学习、图像生成及其他。\par}
  \vfill
  {\large 版本 \version\par}
  \vspace{1cm}
\end{titlepage}
""",
}
latex_domain_indices = False

# --- EPUB -------------------------------------------------------------------
epub_title = "论文阅读笔记"
epub_author = "brief_paper_reading"
epub_publisher = "brief_paper_reading"
# EPUB wants a BCP 47 tag: epubcheck rejects Sphinx's "zh_CN"
epub_language = "zh-CN"
epub_show_urls = "no"
# Sphinx keeps a backup of its build info when the settings changed between two builds
epub_exclude_files = ["search.html", ".buildinfo.bak"]
