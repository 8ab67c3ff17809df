"""The shared vocabulary is complete and consistent."""

from __future__ import annotations

import polars as pl

from xinyong.core import codes


def test_every_tier_has_its_chinese_meaning_in_order() -> None:
    assert codes.TIERS == ("A", "B", "C", "D")
    assert list(codes.TIER_LABELS) == list(codes.TIERS)
    assert codes.TIER_LABELS["A"] == "信用风险低" and codes.TIER_LABELS["D"] == "信用风险高"


def test_result_codes_are_the_fourteen_of_the_public_system() -> None:
    assert codes.RESULT_CODES == ("1", "A", "B", "C", "D", "E", "F", "6", "7", "8", "9", "10", "11", "12")
    assert codes.RESULT_LABELS["1"] == "未发现问题"
    assert codes.RESULT_LABELS["6"] == "通过登记的住所(经营场所)无法联系"


def test_every_department_has_an_authority_named_after_the_place() -> None:
    assert set(codes.AUTHORITIES) == set(codes.DEPARTMENTS)
    assert codes.authority_of("330802", "税务") == "国家税务总局衢州市柯城区税务局"
    assert codes.authority_of("330803", "市场监管") == "衢州市衢江区市场监督管理局"
    assert codes.authority_of("330802", "生态环境") == "衢州市生态环境局柯城分局"
    # a city round's authorities are the city's, a province's the province's
    assert codes.authority_of("330800", "生态环境") == "衢州市生态环境局"
    assert codes.authority_of("330800", "卫健") == "衢州市卫生健康委员会"
    assert codes.authority_of("330000", "住建") == "浙江省住房和城乡建设厅"
    assert codes.authority_of("330000", "税务") == "国家税务总局浙江省税务局"
    assert codes.authority_of("110101", "生态环境") == "北京市东城区生态环境局"  # no city between it and 北京市


def test_industry_section_is_the_leading_letter() -> None:
    frame = pl.DataFrame({"industry_code": ["C13", "H62", None]})
    assert frame.select(codes.industry_section(pl.col("industry_code")))["industry_code"].to_list() == ["C", "H", None]
