"""The vocabulary every stage shares: tiers, departments and their authorities, result codes, industry sections.

- **Tiers** (企业信用风险分类): A 信用风险低, B 信用风险一般, C 信用风险较高, D 信用风险高, the four classes of
  国家市场监督管理总局《关于推进企业信用风险分类管理进一步提升监管效能的意见》(国市监信发〔2022〕6号).
  They are internal (不公开): no public file, page or log entry may show or imply them.
- **Departments** that join a district's 联合抽查, and the name of each one's enforcement authority in a place
  (检查实施机关, published with every result), named after the division (:mod:`xinyong.core.divisions`).
- **Result codes** (抽查检查结果) as the 国家企业信用信息公示系统 records them; which of them count as a violation
  for training is configuration (``reference/labels.toml``), not vocabulary.
- **Industry sections** (门类) of GB/T 4754-2017: the letter that leads every industry code.
"""

from __future__ import annotations

import polars as pl

from xinyong.core import divisions

TIERS = ("A", "B", "C", "D")
TIER_LABELS = {"A": "信用风险低", "B": "信用风险一般", "C": "信用风险较高", "D": "信用风险高"}

DEPARTMENTS = ("市场监管", "税务", "人社", "生态环境", "应急管理", "卫健", "住建")
# Public names of each department's enforcement authority (检查实施机关) in a county-level division, then
# where a city's or a province's differs: 生态环境 is the city bureau's 分局 in a district (the 2016 reform of
# 省以下环保机构监测监察执法垂直管理), 卫健 a 委员会 above the county, and a province's bureaus are 厅.
AUTHORITIES = {
    "市场监管": "{place}市场监督管理局",
    "税务": "国家税务总局{place}税务局",
    "人社": "{place}人力资源和社会保障局",
    "生态环境": "{city}生态环境局{short}分局",
    "应急管理": "{place}应急管理局",
    "卫健": "{place}卫生健康局",
    "住建": "{place}住房和城乡建设局",
}
AUTHORITIES_ABOVE_COUNTY = {
    "city": {"生态环境": "{place}生态环境局", "卫健": "{place}卫生健康委员会"},
    "province": {
        "人社": "{place}人力资源和社会保障厅",
        "生态环境": "{place}生态环境厅",
        "应急管理": "{place}应急管理厅",
        "卫健": "{place}卫生健康委员会",
        "住建": "{place}住房和城乡建设厅",
    },
}

RESULT_LABELS = {
    "1": "未发现问题",
    "A": "发现问题待后续处理",
    "B": "未按规定公示应当公示的信息",
    "C": "公示信息隐瞒真实情况、弄虚作假",
    "D": "违反其他市场监管规定",
    "E": "发现问题经责令已改正",
    "F": "未发现开展本次抽查涉及的经营活动",
    "6": "通过登记的住所(经营场所)无法联系",
    "7": "已关闭停业或正在组织清算",
    "8": "不配合检查情节严重",
    "9": "已注销",
    "10": "已被吊销",
    "11": "已被撤销",
    "12": "已迁出",
}
RESULT_CODES = tuple(RESULT_LABELS)


def authority_of(division: str, department: str) -> str:
    """The department's enforcement authority in the division, by the division's name (:func:`divisions.place`)."""
    level = divisions.level(division)
    if level == "county" and not divisions.is_division(divisions.city_of(division)):
        level = "city"  # a municipality's district, or a county-level city under its province: no city above it
    template = AUTHORITIES_ABOVE_COUNTY.get(level, {}).get(department, AUTHORITIES[department])
    return template.format(
        place=divisions.place(division),
        city=divisions.place(divisions.city_of(division)),
        short=divisions.short_name(division),
    )


def industry_section(industry_code: pl.Expr) -> pl.Expr:
    """The GB/T 4754-2017 section (门类) of an industry code: its leading letter."""
    return industry_code.str.slice(0, 1)
