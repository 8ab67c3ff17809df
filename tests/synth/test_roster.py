"""The inspector roster: every department can staff a team; experts and auxiliary staff are there too."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from xinyong.core import codes


def test_roster_has_every_department_and_non_enforcement_staff(default_region: Path) -> None:
    roster = pl.read_parquet(default_region / "inspectors.parquet")
    assert 200 <= roster.height <= 600
    enforcement = roster.filter(pl.col("staff_type") == "执法人员")
    assert set(enforcement["department"]) == set(codes.DEPARTMENTS)
    assert (enforcement.group_by("department").len()["len"] >= 2).all()
    others = roster.filter(pl.col("staff_type") != "执法人员")
    assert others.height > 0 and others["cert_no"].is_null().all()
    assert set(roster["pool_level"]) == {0, 1}
