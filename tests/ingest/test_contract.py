"""The contract is self-consistent and its document is in step with the code."""

from __future__ import annotations

from xinyong.ingest import contract


def test_keys_and_references_name_real_columns_upstream() -> None:
    seen: set[str] = set()
    for table in contract.tables():
        assert set(table.key) <= set(table.column_names), table.name
        assert len(set(table.column_names)) == len(table.columns)
        for column in table.columns:
            if column.references:
                ref_table, ref_column = column.references.split(".")
                assert ref_table in seen, f"{table.name}.{column.name} refers downstream to {ref_table}"
                assert ref_column in contract.table(ref_table).column_names
        seen.add(table.name)


def test_labels_are_unique_per_table_so_chinese_headers_map_back() -> None:
    for table in contract.tables():
        labels = [c.label for c in table.columns]
        assert len(set(labels)) == len(labels), table.name


def test_reference_lists_are_complete() -> None:
    assert len(contract.industry_codes()) == 97  # GB/T 4754-2017 has 97 divisions (大类)
    assert len(contract.towns()) == 18  # the default region: 18 乡镇(街道) (README)
    assert len(contract.stations()) == 7 and contract.shipped_towns()[0] == contract.Town(
        "府山街道", "西", "府山市场监管所", "330802"
    )
    assert {t.division for t in contract.shipped_towns()} == {"330802"}  # 衢州市柯城区's, and only its
    assert contract.grids() == ("东", "南", "西", "北")


def test_a_listed_set_of_towns_is_what_the_registry_is_checked_against() -> None:
    """The towns, stations and grids are the workspace's: a 衢江区 town (樟潭街道) with a grid named
    otherwise than 东南西北 is what the registry and the roster are checked against once listed."""
    listed = (
        contract.Town("一号街道", "城北网格", "一号所", "330802"),
        contract.Town("樟潭街道", "樟潭网格", "樟潭所", "330803"),
        contract.Town("二号镇", "西", "一号所", "330802"),
    )
    registry = contract.tables(listed)[0]
    assert registry.column("town").allowed == ("一号街道", "樟潭街道", "二号镇")
    assert registry.column("station").allowed == ("一号所", "樟潭所")
    assert registry.column("grid").allowed == ("西", "城北网格", "樟潭网格")  # a direction first, then as listed
    assert contract.table("inspectors").column("grid").allowed == contract.grids()
    assert contract.tables(listed)[2].column("grid").allowed == registry.column("grid").allowed  # inspectors
    assert contract.tables()[0].column("town").allowed == contract.towns()  # none listed: the shipped ones
