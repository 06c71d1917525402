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
exclude_patterns = ["_build", "_bench", "Thumbs.db", ".DS_Store"]
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

# What the notes are about, across fields: given to a note with ``:tags:`` (by slug).
# Each topic gets a page; both names are shown and searchable.
paper_topics = [
    {"slug": "optical-flow", "zh": "光流", "en": "Optical flow"},
    {"slug": "frame-interpolation", "zh": "视频插帧", "en": "Video frame interpolation"},
    {"slug": "video-prediction", "zh": "视频预测", "en": "Video prediction"},
    {"slug": "re-parameterization", "zh": "结构重参数化", "en": "Structural re-parameterization"},
    {"slug": "architecture-design", "zh": "网络结构设计", "en": "Network architecture design"},
    {"slug": "model-compression", "zh": "模型压缩", "en": "Model compression"},
    {"slug": "super-resolution", "zh": "超分辨率", "en": "Super-resolution"},
    {"slug": "image-restoration", "zh": "图像复原", "en": "Image restoration"},
    {"slug": "colorization", "zh": "图像上色", "en": "Colorization"},
    {"slug": "nerf", "zh": "神经辐射场", "en": "Neural radiance fields"},
    {"slug": "clip", "zh": "CLIP 引导", "en": "CLIP guidance"},
    {"slug": "image-synthesis", "zh": "图像生成", "en": "Image synthesis"},
    {"slug": "gan", "zh": "生成对抗网络", "en": "Generative adversarial networks"},
    {"slug": "offline-rl", "zh": "离线强化学习", "en": "Offline reinforcement learning"},
    {"slug": "learning-from-videos", "zh": "从视频中学习", "en": "Learning from videos"},
    {
        "slug": "model-based-rl",
        "zh": "基于模型的强化学习",
        "en": "Model-based reinforcement learning",
    },
    {"slug": "games", "zh": "游戏", "en": "Games"},
    {"slug": "language-agents", "zh": "语言智能体", "en": "Language agents"},
    {"slug": "alignment", "zh": "对齐", "en": "Alignment"},
    {"slug": "code-llm", "zh": "代码大模型", "en": "Code language models"},
    {"slug": "llm-pretraining", "zh": "大模型预训练", "en": "LLM pre-training"},
    {"slug": "instruction-tuning", "zh": "指令微调", "en": "Instruction tuning"},
    {"slug": "datasets-benchmarks", "zh": "数据集与基准", "en": "Datasets and benchmarks"},
    {"slug": "rl-practice", "zh": "强化学习实践", "en": "Reinforcement learning in practice"},
    {"slug": "synthetic-data", "zh": "合成数据", "en": "Synthetic data"},
    {"slug": "copy-detection", "zh": "图像拷贝检测", "en": "Image copy detection"},
    {"slug": "embodied-ai", "zh": "具身智能", "en": "Embodied AI"},
    {"slug": "unsupervised-learning", "zh": "无监督学习", "en": "Unsupervised learning"},
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
# the timeline and the graphs of links: SVG, whose nodes are links (an EPUB gets PNG)
graphviz_output_format = "svg"

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
