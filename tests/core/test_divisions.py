"""GB/T 2260 division names from the shipped list of 民政部, the hierarchy read from the codes, and the
reason an unknown code is refused."""

from __future__ import annotations

from importlib import resources

import pytest

from xinyong.core import divisions


def test_the_list_is_minzhengbus_2024_one_with_every_division_of_zhejiang() -> None:
    header = resources.files("xinyong.reference").joinpath("divisions.csv").read_text(encoding="utf-8")
    assert "民政部《中华人民共和国县以上行政区划代码》, the 2024 data" in header.splitlines()[1]
    names = divisions.names()
    assert len(names) == 3_213
    zhejiang = [code for code in names if code.startswith("33")]
    levels = [divisions.level(code) for code in zhejiang]
    assert (levels.count("province"), levels.count("city"), levels.count("county")) == (1, 11, 90)
    assert [names[c] for c in zhejiang if divisions.within(c, "330800")] == [
        "衢州市",
        "柯城区",
        "衢江区",
        "常山县",
        "开化县",
        "龙游县",
        "江山市",
    ]


@pytest.mark.parametrize(
    ("code", "place"),
    [
        ("330802", "衢州市柯城区"),  # a district, with its city
        ("330881", "衢州市江山市"),  # a county-level city, with its city
        ("330800", "衢州市"),
        ("330000", "浙江省"),
        ("110101", "北京市东城区"),  # a municipality's district, with the municipality
        ("429004", "仙桃市"),  # a county-level city under its province directly (省直辖)
        ("330899", "行政区划 330899"),  # not on the list: shown by its code
    ],
)
def test_a_division_is_shown_by_its_place_name(code: str, place: str) -> None:
    assert divisions.place(code) == place


def test_the_hierarchy_is_read_from_the_code() -> None:
    assert [divisions.prefix(c) for c in ("330802", "330800", "330000")] == ["330802", "3308", "33"]
    assert divisions.within("330803", "330800") and divisions.within("330803", "330000")
    assert divisions.within("330802", "330802") and not divisions.within("330802", "330803")
    assert not divisions.within("330800", "330802")  # a city does not lie within its district
    assert divisions.common(["330802"]) == "330802"
    assert divisions.common(["330803", "330802"]) == "330800"
    assert divisions.common(["330802", "330102"]) == "330000"  # two cities' districts: the province
    assert divisions.common(["110101", "110102"]) == "110000"  # 北京's districts: no 110100 on the list
    assert divisions.common(["330802", "110101"]) is None and divisions.common([]) is None
    assert [divisions.short_name(c) for c in ("330802", "330800", "330000", "331127", "429021")] == [
        "柯城",
        "衢州",
        "浙江",
        "景宁畲族自治县",
        "神农架林区",
    ]


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("330802", None),
        (
            "330899",
            "330899 is not a division of GB/T 2260, 民政部 2024年县以上行政区划代码; the nearest are "
            "330881 衢州市江山市, 330825 衢州市龙游县, 330824 衢州市开化县",
        ),
        (
            "330103",  # 下城区, merged into 上城区 and 拱墅区 in 2021
            "330103 is not a division of GB/T 2260, 民政部 2024年县以上行政区划代码; the nearest are "
            "330102 杭州市上城区, 330105 杭州市拱墅区, 330100 杭州市",
        ),
        (
            "33080",
            "'33080' is not a division code; a division code is 6 digits (GB/T 2260): province, city, county, e.g. "
            "330802 = 浙江省衢州市柯城区",
        ),
        (
            "３３０８０２",
            "'３３０８０２' is not a division code; a division code is 6 digits (GB/T 2260): province, city, county, "
            "e.g. 330802 = 浙江省衢州市柯城区",
        ),
    ],
)
def test_a_code_not_on_the_list_is_refused_with_the_nearest_that_are(code: str, problem: str | None) -> None:
    assert divisions.problem(code) == problem
