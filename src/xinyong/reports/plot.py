"""Plots for HTML reports: matplotlib drawing inline SVG whose text stays text.

With ``svg.fonttype = none`` every label, Chinese included, is an SVG ``<text>`` element that the
browser renders with the reader's fonts (the test set-up installs Noto CJK), never a
missing-glyph box baked into an image.  Shared by the model report and the tier report.
"""

from __future__ import annotations

import html
import io
import logging
import warnings

import matplotlib

matplotlib.use("svg")
import matplotlib.pyplot as plt

CJK_FONTS = ["Noto Sans CJK SC", "Noto Sans SC", "WenQuanYi Zen Hei", "Microsoft YaHei", "PingFang SC", "sans-serif"]
logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
plt.rcParams.update({"svg.fonttype": "none", "font.family": CJK_FONTS, "axes.unicode_minus": False, "figure.dpi": 96})

CSS = (
    "body{font-family:'Noto Sans CJK SC','Noto Sans SC','Microsoft YaHei',sans-serif;"
    "margin:2em auto;max-width:1000px;color:#222}"
    "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:right}"
    "th{background:#f3f3f3}td.l,th.l{text-align:left}.internal{color:#a00;font-weight:bold}.alert{color:#a00;font-weight:bold}"
    "figure{margin:1.5em 0}figcaption{font-weight:bold;margin-bottom:.4em}svg{max-width:100%;height:auto}"
)


def figure(caption: str, drawing: str) -> str:
    return f"<figure><figcaption>{html.escape(caption)}</figcaption>{drawing}</figure>"


def svg(fig) -> str:
    """The figure as an inline ``<svg>`` element (closed afterwards)."""
    buffer = io.StringIO()
    with warnings.catch_warnings():
        # Text stays text: a missing local CJK font only affects matplotlib's layout measuring.
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def page(title: str, sections: list[str], notice: str = "内部资料 INTERNAL — 不得公开。") -> str:
    return (
        f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f'<style>{CSS}</style></head><body><h1>{html.escape(title)}</h1><p class="internal">{html.escape(notice)}</p>'
        + "".join(sections)
        + "</body></html>\n"
    )
