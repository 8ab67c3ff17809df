"""The indicator catalog: unique names in order, and monotone constraints only where a direction is stated."""

from __future__ import annotations

from xinyong.indicators.catalog import by_name, catalog, monotone_constraints


def test_names_are_unique_and_by_name_finds_each() -> None:
    names = [i.name for i in catalog()]
    assert len(names) == len(set(names)) and list(by_name()) == names


def test_constraints_follow_the_catalog_and_are_zero_for_categories_and_strangers() -> None:
    indicators = catalog()
    got = monotone_constraints([*(i.name for i in indicators), "not_an_indicator"])
    assert got[-1] == 0
    for indicator, constraint in zip(indicators, got[:-1], strict=True):
        assert constraint == (0 if indicator.categorical else indicator.direction)
    assert set(got) <= {-1, 0, 1} and 1 in got
