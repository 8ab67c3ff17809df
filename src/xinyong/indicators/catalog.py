"""The indicator catalog: every cross-department indicator the risk model may use, as data.

Each indicator names its source table and department, its time window, how it is computed (one
of a few *kinds*), its dimension in the five-part scheme used by market-regulation credit
classification (基础属性, 经营行为, 监管记录, 关联关系, 社会评价; cf. 市场监管总局《关于推进企业信用
风险分类管理进一步提升监管效能的意见》, 国市监信发〔2022〕6号), and its expected risk direction,
which becomes a LightGBM monotone constraint (+1: more means riskier, −1: less risky, 0: none).

``features.py`` turns this catalog into polars expressions; ``docs/indicators.md`` is rendered
from it.  Windows end at the as-of date and include it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from xinyong.ingest.contract import ENTITY_TYPES

Dimension = Literal["基础属性", "经营行为", "监管记录", "关联关系", "社会评价"]
# count: events in the window; amount: sum of a column in the window; days_since: days since the
# last event (capped); active: a listing in force on the as-of date; the rest are table-specific.
Kind = Literal["count", "amount", "days_since", "active", "registry", "annual_report", "tax", "relation"]

DAYS_SINCE_CAP = 3650  # "never" reads as ten years: the safe end of a −1 indicator


@dataclass(frozen=True)
class Indicator:
    name: str
    label: str
    dimension: Dimension
    source: str
    table: str
    kind: Kind
    direction: int
    window_months: int | None = None
    # For event kinds: the date column; for ``active``: "start:end"; else a kind-specific detail.
    column: str = ""
    # Optional filter on the source rows, as (column, allowed values).
    where: tuple[str, tuple[str, ...]] | None = None
    amount: str = ""
    categorical: bool = False
    description: str = ""
    # For categorical indicators: the fixed vocabulary, in code order (a polars Enum).
    categories: tuple[str, ...] = ()

    @property
    def window(self) -> str:
        return f"{self.window_months} 个月" if self.window_months else "截至基准日"


VIOLATION_CODES = ("A", "B", "C", "D", "E")

_REG = "enterprises"
CATALOG: tuple[Indicator, ...] = (
    # 基础属性 — registration facts
    Indicator(
        "age_months",
        "成立月数",
        "基础属性",
        "市场监管",
        _REG,
        "registry",
        -1,
        column="age_months",
        description="成立日期至基准日的月数；新设主体风险较高",
    ),
    Indicator(
        "log_registered_capital",
        "注册资本(对数)",
        "基础属性",
        "市场监管",
        _REG,
        "registry",
        0,
        column="log_capital",
        description="ln(1 + 注册资本万元)",
    ),
    Indicator("is_individual", "是否个体工商户", "基础属性", "市场监管", _REG, "registry", 0, column="is_individual"),
    Indicator(
        "entity_type",
        "主体类型",
        "基础属性",
        "市场监管",
        _REG,
        "registry",
        0,
        column="entity_type",
        categorical=True,
        categories=ENTITY_TYPES,
    ),
    Indicator(
        "industry_section",
        "行业门类",
        "基础属性",
        "市场监管",
        _REG,
        "registry",
        0,
        column="industry_section",
        categorical=True,
        categories=tuple("ABCDEFGHIJKLMNOPQRST"),
    ),
    # 经营行为 — obligations kept or not
    Indicator(
        "reports_missed_3y",
        "近3个年度未按时年报次数",
        "经营行为",
        "市场监管",
        "annual_reports",
        "annual_report",
        +1,
        window_months=36,
        column="missed",
        description="截止日(次年6月30日)前未公示的年度数",
    ),
    Indicator(
        "reports_unfiled_3y",
        "近3个年度至今未年报次数",
        "经营行为",
        "市场监管",
        "annual_reports",
        "annual_report",
        +1,
        window_months=36,
        column="unfiled",
    ),
    Indicator(
        "tax_rating_level",
        "纳税信用级别(A=1…D=4)",
        "经营行为",
        "税务",
        "tax_credit_ratings",
        "tax",
        +1,
        column="level",
        description="最近一次已发布评价；M 级按 2 计",
    ),
    Indicator("tax_rating_cd", "纳税信用为C/D级", "经营行为", "税务", "tax_credit_ratings", "tax", +1, column="cd"),
    Indicator(
        "tax_rating_missing", "无纳税信用评价", "经营行为", "税务", "tax_credit_ratings", "tax", 0, column="missing"
    ),
    Indicator(
        "arrears_12m",
        "近12个月社保欠费次数",
        "经营行为",
        "人社",
        "social_insurance_arrears",
        "count",
        +1,
        12,
        "arrears_start",
    ),
    Indicator(
        "arrears_amount_12m",
        "近12个月社保欠费金额",
        "经营行为",
        "人社",
        "social_insurance_arrears",
        "amount",
        +1,
        12,
        "arrears_start",
        amount="amount",
    ),
    Indicator(
        "arrears_36m",
        "近36个月社保欠费次数",
        "经营行为",
        "人社",
        "social_insurance_arrears",
        "count",
        +1,
        36,
        "arrears_start",
    ),
    Indicator(
        "arrears_amount_36m",
        "近36个月社保欠费金额",
        "经营行为",
        "人社",
        "social_insurance_arrears",
        "amount",
        +1,
        36,
        "arrears_start",
        amount="amount",
    ),
    Indicator(
        "arrears_uncleared",
        "社保欠费未补缴",
        "经营行为",
        "人社",
        "social_insurance_arrears",
        "active",
        +1,
        None,
        "arrears_start:cleared_date",
    ),
    # 监管记录 — what regulators found
    Indicator(
        "abnormal_listed",
        "在经营异常名录中",
        "监管记录",
        "市场监管",
        "abnormal_operations",
        "active",
        +1,
        None,
        "listed_date:removed_date",
    ),
    Indicator(
        "abnormal_unreachable",
        "因无法联系列入异常名录",
        "监管记录",
        "市场监管",
        "abnormal_operations",
        "active",
        +1,
        None,
        "listed_date:removed_date",
        where=("reason", ("通过登记的住所或者经营场所无法联系",)),
    ),
    Indicator(
        "abnormal_12m",
        "近12个月列入异常名录次数",
        "监管记录",
        "市场监管",
        "abnormal_operations",
        "count",
        +1,
        12,
        "listed_date",
    ),
    Indicator(
        "abnormal_days_since",
        "距最近一次列入异常名录天数",
        "监管记录",
        "市场监管",
        "abnormal_operations",
        "days_since",
        -1,
        None,
        "listed_date",
    ),
    Indicator(
        "abnormal_24m",
        "近24个月列入异常名录次数",
        "监管记录",
        "市场监管",
        "abnormal_operations",
        "count",
        +1,
        24,
        "listed_date",
    ),
    Indicator(
        "dishonest_listed",
        "在严重违法失信名单中",
        "监管记录",
        "市场监管",
        "serious_dishonesty",
        "active",
        +1,
        None,
        "listed_date:removed_date",
    ),
    Indicator("penalties_6m", "近6个月行政处罚次数", "监管记录", "各部门", "penalties", "count", +1, 6, "decided_date"),
    Indicator(
        "penalties_12m", "近12个月行政处罚次数", "监管记录", "各部门", "penalties", "count", +1, 12, "decided_date"
    ),
    Indicator(
        "penalties_36m", "近36个月行政处罚次数", "监管记录", "各部门", "penalties", "count", +1, 36, "decided_date"
    ),
    Indicator(
        "penalties_severe_36m",
        "近36个月较重及严重处罚次数",
        "监管记录",
        "各部门",
        "penalties",
        "count",
        +1,
        36,
        "decided_date",
        where=("severity", ("较重", "严重")),
    ),
    Indicator(
        "penalties_severe_12m",
        "近12个月较重及严重处罚次数",
        "监管记录",
        "各部门",
        "penalties",
        "count",
        +1,
        12,
        "decided_date",
        where=("severity", ("较重", "严重")),
    ),
    Indicator(
        "penalty_amount_36m",
        "近36个月罚没金额",
        "监管记录",
        "各部门",
        "penalties",
        "amount",
        +1,
        36,
        "decided_date",
        amount="fine_amount",
    ),
    Indicator(
        "penalty_days_since",
        "距最近一次处罚天数",
        "监管记录",
        "各部门",
        "penalties",
        "days_since",
        -1,
        None,
        "decided_date",
    ),
    Indicator(
        "market_penalties_36m",
        "近36个月市场监管处罚次数",
        "监管记录",
        "市场监管",
        "penalties",
        "count",
        +1,
        36,
        "decided_date",
        where=("department", ("市场监管",)),
    ),
    Indicator(
        "other_dept_penalties_36m",
        "近36个月其他部门处罚次数",
        "监管记录",
        "其他部门",
        "penalties",
        "count",
        +1,
        36,
        "decided_date",
        where=("department", ("税务", "人社", "生态环境", "应急管理", "卫健", "住建")),
    ),
    Indicator(
        "env_violations_12m",
        "近12个月环境违法次数",
        "监管记录",
        "生态环境",
        "environmental_violations",
        "count",
        +1,
        12,
        "found_date",
    ),
    Indicator(
        "env_violations_36m",
        "近36个月环境违法次数",
        "监管记录",
        "生态环境",
        "environmental_violations",
        "count",
        +1,
        36,
        "found_date",
    ),
    Indicator(
        "court_dishonest",
        "为失信被执行人",
        "监管记录",
        "法院",
        "court_dishonest_debtors",
        "active",
        +1,
        None,
        "published_date:removed_date",
    ),
    Indicator(
        "court_cases_36m",
        "近36个月失信被执行案件数",
        "监管记录",
        "法院",
        "court_dishonest_debtors",
        "count",
        +1,
        36,
        "published_date",
    ),
    Indicator(
        "court_amount_36m",
        "近36个月失信被执行标的金额",
        "监管记录",
        "法院",
        "court_dishonest_debtors",
        "amount",
        +1,
        36,
        "published_date",
        amount="amount",
    ),
    Indicator(
        "inspections_12m",
        "近12个月被抽查次数",
        "监管记录",
        "市场监管",
        "inspections",
        "count",
        0,
        12,
        "inspection_date",
    ),
    Indicator(
        "inspection_findings_12m",
        "近12个月抽查发现问题次数",
        "监管记录",
        "市场监管",
        "inspections",
        "count",
        +1,
        12,
        "inspection_date",
        where=("result_code", VIOLATION_CODES),
    ),
    Indicator(
        "inspections_36m",
        "近36个月被抽查次数",
        "监管记录",
        "市场监管",
        "inspections",
        "count",
        0,
        36,
        "inspection_date",
    ),
    Indicator(
        "inspection_findings_36m",
        "近36个月抽查发现问题次数",
        "监管记录",
        "市场监管",
        "inspections",
        "count",
        +1,
        36,
        "inspection_date",
        where=("result_code", VIOLATION_CODES),
    ),
    Indicator(
        "inspection_unreachable_36m",
        "近36个月抽查无法联系次数",
        "监管记录",
        "市场监管",
        "inspections",
        "count",
        +1,
        36,
        "inspection_date",
        where=("result_code", ("6",)),
    ),
    Indicator(
        "finding_days_since",
        "距最近一次抽查发现问题天数",
        "监管记录",
        "市场监管",
        "inspections",
        "days_since",
        -1,
        None,
        "inspection_date",
        where=("result_code", VIOLATION_CODES),
    ),
    # 社会评价 — what the public reports
    Indicator(
        "complaints_6m", "近6个月投诉举报件数", "社会评价", "12315", "complaints_12315", "count", +1, 6, "received_date"
    ),
    Indicator(
        "complaints_12m",
        "近12个月投诉举报件数",
        "社会评价",
        "12315",
        "complaints_12315",
        "count",
        +1,
        12,
        "received_date",
    ),
    Indicator(
        "complaints_36m",
        "近36个月投诉举报件数",
        "社会评价",
        "12315",
        "complaints_12315",
        "count",
        +1,
        36,
        "received_date",
    ),
    Indicator(
        "complaints_substantiated_12m",
        "近12个月属实投诉举报件数",
        "社会评价",
        "12315",
        "complaints_12315",
        "count",
        +1,
        12,
        "received_date",
        where=("substantiated", ("是",)),
    ),
    Indicator(
        "complaints_substantiated_36m",
        "近36个月属实投诉举报件数",
        "社会评价",
        "12315",
        "complaints_12315",
        "count",
        +1,
        36,
        "received_date",
        where=("substantiated", ("是",)),
    ),
    Indicator(
        "reports_tipoffs_36m",
        "近36个月举报件数",
        "社会评价",
        "12315",
        "complaints_12315",
        "count",
        +1,
        36,
        "received_date",
        where=("kind", ("举报",)),
    ),
    Indicator(
        "food_complaints_36m",
        "近36个月食品安全投诉件数",
        "社会评价",
        "12315",
        "complaints_12315",
        "count",
        +1,
        36,
        "received_date",
        where=("category", ("食品安全",)),
    ),
    Indicator(
        "complaint_days_since",
        "距最近一次投诉天数",
        "社会评价",
        "12315",
        "complaints_12315",
        "days_since",
        -1,
        None,
        "received_date",
    ),
    # 关联关系 — firms sharing a legal representative
    Indicator(
        "rep_firms", "同一法定代表人名下其他主体数", "关联关系", "市场监管", _REG, "relation", +1, column="firms"
    ),
    Indicator(
        "rep_abnormal_share",
        "关联主体在异常名录占比",
        "关联关系",
        "市场监管",
        _REG,
        "relation",
        +1,
        column="abnormal_listed",
    ),
    Indicator(
        "rep_dishonest_share",
        "关联主体在严重失信名单占比",
        "关联关系",
        "市场监管",
        _REG,
        "relation",
        +1,
        column="dishonest_listed",
    ),
    Indicator(
        "rep_penalties_36m",
        "关联主体近36个月处罚次数",
        "关联关系",
        "各部门",
        _REG,
        "relation",
        +1,
        column="penalties_36m",
    ),
    Indicator(
        "rep_findings_36m",
        "关联主体近36个月抽查发现问题次数",
        "关联关系",
        "市场监管",
        _REG,
        "relation",
        +1,
        column="inspection_findings_36m",
    ),
    Indicator(
        "rep_complaints_36m",
        "关联主体近36个月投诉举报件数",
        "关联关系",
        "12315",
        _REG,
        "relation",
        +1,
        column="complaints_36m",
    ),
    Indicator(
        "rep_court_share",
        "关联主体为失信被执行人占比",
        "关联关系",
        "法院",
        _REG,
        "relation",
        +1,
        column="court_dishonest",
    ),
    Indicator(
        "rep_tax_cd_share",
        "关联主体纳税信用C/D级占比",
        "关联关系",
        "税务",
        _REG,
        "relation",
        +1,
        column="tax_rating_cd",
    ),
    Indicator(
        "rep_revoked_share", "关联主体被吊销占比", "关联关系", "市场监管", _REG, "relation", +1, column="revoked"
    ),
)


def catalog() -> tuple[Indicator, ...]:
    return CATALOG


def by_name() -> dict[str, Indicator]:
    return {i.name: i for i in CATALOG}


def monotone_constraints(names: list[str]) -> list[int]:
    """LightGBM ``monotone_constraints`` for these feature names (0 for names outside the catalog)."""
    known = by_name()
    return [known[n].direction if n in known and not known[n].categorical else 0 for n in names]
