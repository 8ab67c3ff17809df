"""Shared fixtures: generated regions are made once per test session (they are deterministic)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from xinyong.generate import RegionSpec, generate_region

REPO = Path(__file__).resolve().parent.parent
INGEST_DAY = dt.date(2026, 11, 27)
SMALL = RegionSpec(enterprises=3_000, months=24, seed=11)


@pytest.fixture(scope="session")
def default_region(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 柯城区-like default region: 60,000 firms, 36 months."""
    path = tmp_path_factory.mktemp("region-default")
    generate_region(path, RegionSpec())
    return path


@pytest.fixture(scope="session")
def small_region(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("region-small")
    generate_region(path, SMALL)
    return path
