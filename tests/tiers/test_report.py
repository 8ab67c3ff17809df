"""The tier report's page: the monitoring figures, with the PSI table highest first and its alarm marked."""

from __future__ import annotations

import re

from xinyong.tiers.report import render

DATA = {
    "as_of": {"previous": "2026-09-30", "current": "2026-10-31"},
    "counts": {"previous": {"A": 1200, "B": 30, "C": 3, "D": 0}, "current": {"A": 1100, "B": 120, "C": 10, "D": 3}},
    "migration": {b: {a: 5 if a == b else 1 for a in "ABCD"} for b in "ABCD"},
    "shares": {
        "grid": {"G1": {"A": 0.5, "B": 0.5, "C": 0.0, "D": 0.0}},
        "section": {"F": {"A": 0.25, "B": 0.25, "C": 0.25, "D": 0.25}},
    },
    "psi": {"age_months": 0.012, "score": 0.4},
    "alerts": ["score"],
    "overrides": {"R1": {"previous": 1234, "current": 7}},
}


def test_the_page_shows_the_months_counts_psi_and_overrides() -> None:
    page = render(DATA)
    assert "<title>信用风险分类月度监测 Tier monitoring 2026-10-31" in page and "上月 last month: 2026-09-30." in page
    assert "<tr><th>A</th><td>1,200</td><td>1,100</td></tr>" in page
    rows = re.findall(r'<tr><td class="l">(.*?)</td><td( class="alert")?>(.*?)</td></tr>', page)
    assert rows == [("风险评分 score", ' class="alert"', "0.400"), ("成立月数", "", "0.012")]
    assert "<p>Alerts: score</p>" in page and "alert &gt; 0.25" in page
    assert '<tr><th class="l">R1</th><td>1,234</td><td>7</td></tr>' in page
    assert page.count("<svg") == 3  # migration matrix, grid shares, section shares
