"""Plots for HTML reports: matplotlib drawing inline SVG whose text stays text.

With ``svg.fonttype = none`` every label, Chinese included, is an SVG ``<text>`` element that the
browser renders with the reader's fonts (the test set-up installs Noto CJK), never a
missing-glyph box baked into an image.  A fixed ``svg.hashsalt`` makes matplotlib's element ids
(clip paths, images) the same on every run, so the same data give the same page bytes.  Shared by
the model report, the tier report and the estimates page; the page around a plot is a template
(:mod:`xinyong.reports.render`).
"""

from __future__ import annotations

import io
import logging
import warnings

import matplotlib
from markupsafe import Markup

matplotlib.use("svg")
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

__all__ = ["plt", "svg"]  # the callers draw with this pyplot, configured here

CJK_FONTS = ["Noto Sans CJK SC", "Noto Sans SC", "WenQuanYi Zen Hei", "Microsoft YaHei", "PingFang SC", "sans-serif"]
logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
plt.rcParams.update(
    {
        "svg.fonttype": "none",
        "svg.hashsalt": "xinyong",
        "font.family": CJK_FONTS,
        "axes.unicode_minus": False,
        "figure.dpi": 96,
    }
)


def svg(fig: Figure) -> Markup:
    """The figure as an inline ``<svg>`` element (closed afterwards).

    The one piece of markup a template inserts unescaped: matplotlib writes it, escaping every
    label it draws, so it is marked safe here and nowhere else.
    """
    buffer = io.StringIO()
    with warnings.catch_warnings():
        # Text stays text: a missing local CJK font only affects matplotlib's layout measuring.
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    text = buffer.getvalue()
    return Markup(text[text.index("<svg") :])
