"""Plots: text stays text, and the same figure gives the same bytes on every run."""

from __future__ import annotations

from xinyong.reports.plot import plt, svg


def drawn() -> str:
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.imshow([[0, 1], [1, 0]])
    ax.set_title("迁移矩阵 migration")
    return str(svg(fig))


def test_chinese_labels_are_svg_text_not_paths() -> None:
    assert "<text" in drawn() and "迁移矩阵 migration" in drawn()


def test_the_same_figure_gives_the_same_bytes() -> None:
    first = drawn()
    assert 'clip-path="url(#' in first
    assert drawn() == first
