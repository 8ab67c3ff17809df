"""The generated region's hidden truth, read once for the tests that compare records with it."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest


@pytest.fixture(scope="session")
def truth(default_region: Path) -> pl.DataFrame:
    return pl.read_parquet(default_region / "truth" / "propensity.parquet")
