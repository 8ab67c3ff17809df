"""The inspector roster (执法检查人员名录), declared relations (回避) and the 抽查事项清单.

The roster holds enforcement officers of every department plus a few experts and auxiliary
staff, who carry no 执法证 and never count towards a team.  市场监管 officers belong to the
market-supervision stations of the region's towns, which decides their district and grid; the other
departments' officers belong to their department's unit in a district (the districts in turn, in a region
of several), with a grid of that district; a sixth of officers sit in the next pool up (上级/跨区): the
city's, whose division (330800) covers every district of the city (属地管辖).  Certificates are in force
at the end of the data and lapse on a spread of dates after it, so a round's "valid on the inspection date"
rule has work to do.  ID-card numbers follow GB 11643-1999 (check digit ``10X98765432``); they and the phone
numbers are private and never published.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from xinyong.core import divisions
from xinyong.core.codes import DEPARTMENTS
from xinyong.ingest.contract import STAFF_TYPES, grids, reference_rows
from xinyong.synth.months import Months
from xinyong.synth.shape import Shape

DEPARTMENT_SHARE = np.array([0.52, 0.12, 0.08, 0.08, 0.08, 0.07, 0.05])
# Each department's enforcement unit in a district, after the district's name (柯城区…).
DEPARTMENT_UNITS = {
    "税务": "{district}税务局稽查局",
    "人社": "{district}劳动保障监察大队",
    "生态环境": "{district}生态环境保护综合行政执法队",
    "应急管理": "{district}应急管理综合行政执法队",
    "卫健": "{district}卫生健康综合监督行政执法队",
    "住建": "{district}建设工程质量安全管理中心",
}
_SURNAMES = np.array(
    list(
        "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方邹熊白孟秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    )
)
_GIVEN = np.array(
    list(
        "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华文斌辉玲建国红梅鹏飞宇浩然晨曦俊杰志远海燕雪琴思远佳怡子涵欣怡嘉豪宏伟晓东晓明建华卫东"
    )
)
_ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
_ID_CHECK = np.array(list("10X98765432"))


def inspection_items() -> pl.DataFrame:
    """The district's 抽查事项清单, from the reference list shipped with the package."""
    return pl.DataFrame(reference_rows("inspection_items.csv"))


def roster_size(enterprises: int) -> int:
    """A few hundred people for a district of 60,000 firms; at least enough for every department."""
    return max(120, round(enterprises / 200))


def make_roster(
    rng: np.random.Generator, count: int, months: Months, items: pl.DataFrame, shape: Shape
) -> pl.DataFrame:
    department = rng.choice(len(DEPARTMENTS), size=count, p=DEPARTMENT_SHARE)
    department[: len(DEPARTMENTS) * 3] = np.repeat(np.arange(len(DEPARTMENTS)), 3)  # every department can staff a team
    staff = np.where(rng.random(count) < 0.88, 0, np.where(rng.random(count) < 0.55, 1, 2))
    staff[: len(DEPARTMENTS) * 3] = 0
    enforcement = staff == 0

    station_grid = {t.station: t.grid for t in shape.towns}
    station_division = {t.station: t.division for t in shape.towns}
    stations = np.array(sorted(station_grid))
    # A district of their own: by their station for 市场监管, the districts in turn for the others.
    district = np.array([shape.divisions[i % len(shape.divisions)] for i in range(count)], dtype=object)
    station = np.array(
        [
            DEPARTMENT_UNITS.get(DEPARTMENTS[d], "").format(district=divisions.names()[h])
            for d, h in zip(department, district, strict=True)
        ],
        dtype=object,
    )
    market = department == 0
    station[market] = stations[rng.integers(0, len(stations), int(market.sum()))]
    district[market] = [station_division[s] for s in station[market]]
    grid = np.array([station_grid.get(s, "") for s in station], dtype=object)
    for home in shape.divisions:
        others = ~market & (district == home)
        own = np.array(grids(tuple(t for t in shape.towns if t.division == home)))
        grid[others] = own[rng.integers(0, len(own), int(others.sum()))]

    end = np.datetime64(months.last_day)
    # Rosters list officers whose certificates are in force; some lapse soon after the data end,
    # so that a round's "valid on the inspection date" rule has work to do.
    expiry = end + rng.integers(30, 5 * 365, count)
    cert_no = np.array([f"33{n:011d}" for n in rng.integers(0, 10**11, count)])
    names = np.char.add(
        np.char.add(_SURNAMES[rng.integers(0, len(_SURNAMES), count)], _GIVEN[rng.integers(0, len(_GIVEN), count)]),
        np.where(rng.random(count) < 0.6, _GIVEN[rng.integers(0, len(_GIVEN), count)], ""),
    )
    frame = pl.DataFrame(
        {
            "inspector_id": [f"INS-{i:05d}" for i in range(1, count + 1)],
            "name": names,
            "department": np.array(DEPARTMENTS)[department],
            "staff_type": np.array(STAFF_TYPES)[staff],
            "cert_no": pl.Series(cert_no).zip_with(pl.Series(enforcement), pl.Series([None] * count, dtype=pl.Utf8)),
            "cert_expiry": np.where(enforcement, expiry, np.datetime64("NaT")).astype("datetime64[D]"),
            "qualifications": _qualifications(rng, department, items),
            "station": station.astype(str),
            "grid": grid.astype(str),
            "pool_level": np.where(rng.random(count) < 0.16, 1, 0).astype(np.int64),
            "capacity": rng.integers(3, 11, count).astype(np.int64),
            "id_card_no": _id_cards(rng, count, months, district.astype(str)),
            "phone": [f"1{p}" for p in rng.choice([3, 5, 7, 8, 9], count) * 10**9 + rng.integers(0, 10**9, count)],
        }
    )
    # Level-1 officers are their district's city's (衢州市, 330800), who may act in any of its districts.
    local = pl.Series(district.astype(str))
    city = pl.Series([divisions.city_of(d) for d in local])
    return frame.with_columns(pl.when(pl.col("pool_level") == 0).then(local).otherwise(city).alias("division"))


def _qualifications(rng: np.random.Generator, department: np.ndarray, items: pl.DataFrame) -> list[str]:
    """Each person is qualified for most of the items their department takes part in."""
    item_ids = items["item_id"].to_list()
    item_departments = [d.split(";") for d in items["departments"].to_list()]
    result = []
    for d in department:
        own = [i for i, deps in zip(item_ids, item_departments, strict=True) if DEPARTMENTS[d] in deps]
        keep = [i for i in own if rng.random() < 0.85] or own[:1]
        result.append(";".join(keep))
    return result


def _id_cards(rng: np.random.Generator, count: int, months: Months, home: np.ndarray) -> list[str]:
    """GB 11643-1999 numbers: the officer's district (address code), birth date, sequence and check digit."""
    born = np.datetime64(months.last_day) - rng.integers(24 * 365, 58 * 365, count)
    digits = [
        f"{h}{str(b).replace('-', '')}{s:03d}" for h, b, s in zip(home, born, rng.integers(0, 1000, count), strict=True)
    ]
    values = np.array([[int(c) for c in d] for d in digits])
    checks = _ID_CHECK[(values @ _ID_WEIGHTS) % 11]
    return [d + c for d, c in zip(digits, checks, strict=True)]


def make_relations(rng: np.random.Generator, roster: pl.DataFrame, firms: pl.DataFrame, months: Months) -> pl.DataFrame:
    """About one officer in five declares a relation to a firm or to a legal representative."""
    officers = roster.filter(pl.col("staff_type") == "执法人员")["inspector_id"].to_numpy()
    declaring = officers[rng.random(len(officers)) < 0.2]
    count = len(declaring)
    target = rng.integers(0, firms.height, count)
    to_firm = rng.random(count) < 0.6
    uscc = firms["uscc"].to_numpy()[target]
    rep = firms["legal_rep_id"].to_numpy()[target]
    declared = np.datetime64(months.first_day) + rng.integers(0, (months.last_day - months.first_day).days, count)
    relation = np.array(["近亲属", "曾任职", "持股", "其他利害关系"])[rng.integers(0, 4, count)]
    return (
        pl.DataFrame(
            {
                "relation_id": [
                    f"HB-{dt.date.fromisoformat(str(d)).year}-{i:07d}" for i, d in enumerate(declared, start=1)
                ],
                "inspector_id": declaring,
                "relation": relation,
                "uscc": uscc,
                "legal_rep_id": rep,
                "declared": declared.astype("datetime64[D]"),
                "to_firm": to_firm,
            }
        )
        .with_columns(
            pl.when("to_firm").then("uscc").alias("uscc"),
            pl.when(~pl.col("to_firm")).then("legal_rep_id").alias("legal_rep_id"),
        )
        .drop("to_firm")
    )
