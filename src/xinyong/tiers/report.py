"""``xinyong tiers report``: this month's tiers against last month's, for the people who watch them.

It shows the migration matrix (last month's tier × this month's, firms in both), tier shares by
supervision grid and by industry section, the PSI of the score and of every indicator against last
month with the 0.25 alarm (:mod:`xinyong.model.metrics`), and how many firms each override rule caught.
Internal, like the tiers themselves: it must be written under an ``internal/`` folder.
"""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import polars as pl

from xinyong.core.codes import TIERS, industry_section
from xinyong.indicators.catalog import by_name
from xinyong.model import metrics
from xinyong.reports.plot import figure, page, plt, svg
from xinyong.tiers.run import require_internal
from xinyong.workspace import checks, fsio, layout


def _read(path: Path) -> pl.DataFrame:
    checks.table_file(path, layout.TIERS)
    return pl.read_parquet(path)


def write_tier_report(current_path: Path, previous_path: Path, clean_dir: Path, out_path: Path) -> dict:
    require_internal(out_path)
    checks.output_file(out_path, current_path, previous_path, clean_dir)
    checks.clean_folder(clean_dir)
    current, previous = _read(current_path), _read(previous_path)
    firms = pl.read_parquet(layout.clean_table(clean_dir, "enterprises"), columns=["uscc", "grid", "industry_code"])
    firms = firms.with_columns(industry_section(pl.col("industry_code")).alias("section"))
    data = tier_monitoring(current, previous, firms)
    fsio.write_json(out_path.with_suffix(".json"), data)
    fsio.write_bytes(out_path, render(data).encode("utf-8"))
    return data


def tier_monitoring(current: pl.DataFrame, previous: pl.DataFrame, firms: pl.DataFrame) -> dict:
    """Every figure of the tier report as plain data (pure)."""
    both = previous.select("uscc", pl.col("tier").alias("before")).join(
        current.select("uscc", pl.col("tier").alias("after")), on="uscc"
    )
    matrix = {b: dict.fromkeys(TIERS, 0) for b in TIERS}
    for before, after, n in both.group_by("before", "after").len().iter_rows():
        matrix[before][after] = n
    with_firms = current.join(firms, on="uscc", how="left")
    shares = {
        key: {group: {t: n / total for t, n in counts.items()} for group, counts, total in _shares(with_firms, key)}
        for key in ("grid", "section")
    }
    psi = {
        "score": metrics.psi(
            previous["score"].to_numpy(), current["score"].to_numpy(), metrics.psi_bins(previous["score"].to_numpy())
        )
    }
    for name, indicator in by_name().items():
        if name in current.columns and name in previous.columns and not indicator.categorical:
            psi[name] = metrics.series_psi(previous[name], current[name])["value"]
    rules = sorted(
        {r for column in (current["rules"], previous["rules"]) for v in column.drop_nulls() for r in v.split(";") if r}
    )
    caught = {
        r: {
            "previous": int(previous["rules"].str.split(";").list.contains(r).sum()),
            "current": int(current["rules"].str.split(";").list.contains(r).sum()),
        }
        for r in rules
    }
    return {
        "as_of": {"previous": str(previous["as_of"][0]), "current": str(current["as_of"][0])},
        "counts": {"previous": _counts(previous), "current": _counts(current)},
        "migration": matrix,
        "shares": shares,
        "psi": psi,
        "alerts": sorted(k for k, v in psi.items() if v > metrics.PSI_ALERT),
        "overrides": caught,
    }


def _counts(frame: pl.DataFrame) -> dict[str, int]:
    counts = dict(frame.group_by("tier").len().iter_rows())
    return {t: int(counts.get(t, 0)) for t in TIERS}


def _shares(frame: pl.DataFrame, key: str):
    for (group,), part in sorted(frame.group_by(key), key=lambda g: str(g[0][0])):
        counts = dict(part.group_by("tier").len().iter_rows())
        yield str(group), {t: int(counts.get(t, 0)) for t in TIERS}, part.height


def render(data: dict) -> str:
    labels = {name: indicator.label for name, indicator in by_name().items()}
    before, after = data["as_of"]["previous"], data["as_of"]["current"]
    sections = [
        f"<p>本月 this month: 基准日 as of {after}; 上月 last month: {before}.</p>",
        _counts_table(data),
        figure(
            "等级迁移矩阵 Migration matrix (rows: last month, columns: this month)", _migration_svg(data["migration"])
        ),
        figure("各网格等级占比 Tier shares by supervision grid", _shares_svg(data["shares"]["grid"], "网格 grid")),
        figure(
            "各行业门类等级占比 Tier shares by industry section (GB/T 4754)",
            _shares_svg(data["shares"]["section"], "门类 section"),
        ),
        _psi_table(data, labels),
        _override_table(data),
    ]
    return page(f"信用风险分类月度监测 Tier monitoring {after}", sections)


def _counts_table(data: dict) -> str:
    rows = "".join(
        f"<tr><th>{t}</th><td>{data['counts']['previous'][t]:,}</td><td>{data['counts']['current'][t]:,}</td></tr>"
        for t in TIERS
    )
    return f"<h2>等级分布 Tier counts</h2><table><tr><th></th><th>上月 last</th><th>本月 this</th></tr>{rows}</table>"


def _migration_svg(matrix: dict) -> str:
    values = np.array([[matrix[b][a] for a in TIERS] for b in TIERS], dtype=float)
    fig, ax = plt.subplots(figsize=(4.6, 4))
    ax.imshow(np.log1p(values), cmap="Blues")
    for i in range(4):
        for j in range(4):
            ax.text(
                j,
                i,
                f"{int(values[i, j]):,}",
                ha="center",
                va="center",
                color="#000" if values[i, j] < values.max() / 3 else "#fff",
            )
    ax.set_xticks(range(4), [f"{t} 本月" for t in TIERS])
    ax.set_yticks(range(4), [f"{t} 上月" for t in TIERS])
    return svg(fig)


def _shares_svg(shares: dict, axis_label: str) -> str:
    groups = list(shares)
    fig, ax = plt.subplots(figsize=(max(4.5, 0.5 * len(groups) + 2), 3.6))
    bottom = np.zeros(len(groups))
    for tier, colour in zip(TIERS, ("#4c9a2a", "#a3c940", "#f2a93b", "#d64541"), strict=True):
        values = np.array([shares[g][tier] for g in groups])
        ax.bar(groups, values, bottom=bottom, label=f"{tier} 级", color=colour)
        bottom += values
    ax.set_ylabel("占比 share")
    ax.set_xlabel(axis_label)
    ax.legend(ncol=4, loc="upper center", bbox_to_anchor=(0.5, 1.15))
    return svg(fig)


def _psi_table(data: dict, labels: dict) -> str:
    rows = []
    for name, value in sorted(data["psi"].items(), key=lambda kv: -kv[1]):
        label = "风险评分 score" if name == "score" else labels.get(name, name)
        alert = " class=alert" if value > metrics.PSI_ALERT else ""
        rows.append(f"<tr><td class=l>{html.escape(label)}</td><td{alert}>{value:.3f}</td></tr>")
    alerts = ", ".join(data["alerts"]) or "无 none"
    return (
        f"<h2>稳定性 PSI (this month vs last; bins: last month's deciles; alert &gt; 0.25)</h2><p>Alerts: {html.escape(alerts)}</p>"
        "<table><tr><th class=l>指标</th><th>PSI</th></tr>" + "".join(rows) + "</table>"
    )


def _override_table(data: dict) -> str:
    rows = "".join(
        f"<tr><th class=l>{r}</th><td>{v['previous']:,}</td><td>{v['current']:,}</td></tr>"
        for r, v in data["overrides"].items()
    )
    return f"<h2>规则调整 Override rules (firms caught)</h2><table><tr><th class=l>rule</th><th>上月 last</th><th>本月 this</th></tr>{rows}</table>"
