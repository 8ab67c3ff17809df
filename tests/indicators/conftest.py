"""The small region ingested once, shared by the indicator tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import INGEST_DAY
from xinyong.ingest.run import ingest


@pytest.fixture(scope="session")
def small_clean(small_region: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The clean folder ``xinyong ingest`` writes for the small region."""
    clean = tmp_path_factory.mktemp("clean-small")
    ingest(small_region, clean, today=INGEST_DAY)
    return clean
