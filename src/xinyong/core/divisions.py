"""Administrative divisions (GB/T 2260 中华人民共和国行政区划代码): their names, levels and hierarchy.

A division code is six ASCII digits: two for the province (省级), two for the city (地级) and two for
the county-level division (县级: 区, 县, 县级市, 旗 …), e.g. 330802 = 浙江省 (33) 衢州市 (08) 柯城区 (02);
330800 is the city and 330000 the province.  A division lies within another when the other is itself,
its city or its province — the hierarchy is read from the code.

The names are those of 民政部's list of every division at county level and above
(《中华人民共和国县以上行政区划代码》, the 2024 data), shipped as ``reference/divisions.csv``, whose header
names the source and the edition.  Where a division is shown, it is shown by :func:`place`: a county-level
division with its city (衢州市柯城区), a district of a municipality with the municipality (北京市东城区), a
county-level city under its province directly (省直辖, e.g. 429004 仙桃市) and a city or a province by its own
name.  A code that is not on the list is refused by whoever reads it, with :func:`problem`'s reason, which
names the nearest codes that are.  A firm's USCC (positions 3–8) may still carry the code of a division
abolished since the firm registered: codes read from USCCs are compared by their digits, never looked up.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from functools import cache
from importlib import resources

SOURCE = "GB/T 2260, 民政部 2024年县以上行政区划代码"
FORM = "6 digits (GB/T 2260): province, city, county, e.g. 330802 = 浙江省衢州市柯城区"
_MUNICIPALITIES = ("11", "12", "31", "50")  # 北京, 天津, 上海, 重庆: their districts sit under the province code


@cache
def names() -> dict[str, str]:
    """Every division of the shipped list: code → name (e.g. ``"330802": "柯城区"``), in the list's order."""
    text = resources.files("xinyong.reference").joinpath("divisions.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return {row["code"]: row["name"] for row in rows}


def is_division(code: str) -> bool:
    return code in names()


def level(code: str) -> str:
    """``province``, ``city`` or ``county`` (县级), read from the code's digits."""
    if code[2:] == "0000":
        return "province"
    return "city" if code[4:] == "00" else "county"


def province_of(code: str) -> str:
    return code[:2] + "0000"


def city_of(code: str) -> str:
    """The code of the city (地级) a county-level division belongs to by its digits; itself for a city."""
    return code[:4] + "00"


def prefix(code: str) -> str:
    """The digits every division within ``code`` starts with: 330802 for the district, 3308 for its city, 33."""
    return code[: {"province": 2, "city": 4, "county": 6}[level(code)]]


def within(inner: str, outer: str) -> bool:
    """Whether ``inner`` is ``outer`` or lies inside it: ``outer`` is itself, its city or its province."""
    return inner.startswith(prefix(outer))


def common(codes: Iterable[str]) -> str | None:
    """The smallest division that every one of ``codes`` lies within: the one code, their city (when it is
    on the list: a municipality's districts share their province) or their province; None across provinces."""
    found = sorted(set(codes))
    if not found:
        return None
    if len(found) == 1:
        return found[0]
    city = city_of(found[0])
    if all(within(code, city) for code in found) and is_division(city):
        return city
    province = province_of(found[0])
    return province if all(within(code, province) for code in found) else None


def place(code: str) -> str:
    """The division as people name it where it is shown: 衢州市柯城区, 北京市东城区, 仙桃市, 衢州市, 浙江省;
    ``行政区划 CODE`` for a code that is not on the list."""
    table = names()
    if code not in table:
        return f"行政区划 {code}"
    if level(code) != "county":
        return table[code]
    city, province = city_of(code), province_of(code)
    if city in table:
        return table[city] + table[code]
    if code[:2] in _MUNICIPALITIES:
        return table[province] + table[code]
    return table[code]


def short_name(code: str) -> str:
    """The name without its kind when that is one character (省, 市, 区, 县, 旗): 柯城, 衢州, 浙江; whole when
    the kind is longer (景宁畲族自治县, 神农架林区) or the name would be one character."""
    name = names().get(code, code)
    if len(name) <= 2 or name.endswith(_LONG_KINDS) or name[-1] not in "省市区县旗":
        return name
    return name[:-1]


_LONG_KINDS = ("自治区", "自治州", "自治县", "自治旗", "特别行政区", "联合旗", "林区", "矿区", "特区")


def problem(code: str) -> str | None:
    """Why ``code`` is not a division of the shipped list (the rule, or the nearest codes that are), or None."""
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        return f"{code!r} is not a division code; a division code is {FORM}"
    if is_division(code):
        return None
    nearest = sorted(names(), key=lambda known: (_differing(code, known), abs(int(known) - int(code))))[:3]
    return f"{code} is not a division of {SOURCE}; the nearest are " + ", ".join(
        f"{known} {place(known)}" for known in nearest
    )


def _differing(a: str, b: str) -> int:
    return sum(1 for x, y in zip(a, b, strict=True) if x != y)
