"""The data contract: every raw input table, its columns, types, allowed values, keys and references.

The contract is data, not code: ``ingest`` validates against it, ``synth`` (``xinyong generate``)
writes to it, and ``docs/data-contract.md`` is rendered from it (:mod:`xinyong.ingest.doc`) by
``scripts/render_docs.py`` (a test keeps the document in step).  Tables mirror the records the
departments of a district already keep: market registration (市场监管), tax (税务), human resources
and social security (人社), courts (法院), ecology and environment (生态环境), 12315 complaints, and
past 双随机 rounds. Enumerations come from the reference lists shipped in ``xinyong/reference/``
(GB/T 4754-2017 industry divisions) and from :mod:`xinyong.core.codes` (tiers, result codes,
departments).  The towns, grids and stations a registry row may name are not the contract's: they are
the workspace's (``[[town]]`` in ``xinyong.toml``, :mod:`xinyong.workspace.settings`), which
:func:`tables` takes; the default region's towns (``reference/towns.csv``, the 18 乡镇(街道) of 330802
衢州市柯城区 with their grids and stations) stand in only for that division, and when none are given.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Literal

from xinyong.core.codes import DEPARTMENTS, RESULT_CODES, TIERS

Kind = Literal["string", "int", "decimal", "date", "month"]
# (later column, earlier column): the later date may not precede the earlier one.
DateOrder = tuple[str, str]

ENTITY_TYPES = ("有限责任公司", "股份有限公司", "个人独资企业", "合伙企业", "个体工商户", "农民专业合作社", "分支机构")
STATUSES = ("存续", "吊销", "注销", "迁出")
TAX_RATINGS = ("A", "B", "M", "C", "D")
STAFF_TYPES = ("执法人员", "专家", "辅助人员")
ABNORMAL_REASONS = (
    "未按规定报送年度报告",
    "通过登记的住所或者经营场所无法联系",
    "未按规定公示即时信息",
    "公示信息隐瞒真实情况弄虚作假",
)
DISHONESTY_REASONS = (
    "列入经营异常名录届满3年仍未履行相关义务",
    "因严重违法行为受到较重行政处罚",
    "提交虚假材料骗取登记",
)
SEVERITIES = ("一般", "较重", "严重")
ENV_VIOLATIONS = ("超标排放", "未批先建", "未落实环评要求", "危险废物处置不规范", "噪声污染")
COMPLAINT_CATEGORIES = ("商品质量", "价格", "合同", "食品安全", "广告", "售后服务", "其他")
COMPLAINT_KINDS = ("投诉", "举报")
YES_NO = ("是", "否")
RELATIONS = ("近亲属", "曾任职", "持股", "其他利害关系")
TARGET_TYPES = ("企业", "个体工商户", "全部市场主体")

# ASCII digits only: a regular expression's \d would also match full-width (１２) and other scripts' digits.
ID_PATTERNS = {
    "legal_rep": r"^LR[0-9]{10}$",
    "inspector": r"^INS-[0-9]{5}$",
    "item": r"^SJ-[A-Z]{2}-[0-9]{2}$",
    "record": r"^[A-Z]{2,4}-[0-9]{4}-[0-9]{7,9}$",
    "plan": r"^P[0-9]{2,3}$",
    "id_card": r"^[0-9]{17}[0-9X]$",
    "phone": r"^1[3-9][0-9]{9}$",
    "cert": r"^33[0-9]{11}$",
}


@dataclass(frozen=True)
class Column:
    """One column of a raw table and the rules its values must meet."""

    name: str
    label: str
    kind: Kind
    description: str
    required: bool = True
    allowed: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None
    uscc: bool = False
    # "table.column" this column refers to; every non-null value must exist there.
    references: str | None = None
    # A multi-valued cell "a;b;c": each part must meet ``allowed`` / ``references``.
    separator: str | None = None
    # Dates that may lie ahead of the ingest date (certificate expiry); all others may not.
    future: bool = False
    private: bool = False
    # Free text that may hold line breaks and tabs (a remark typed with Alt+Enter in Excel); every other
    # text column refuses all control characters.
    multiline: bool = False


@dataclass(frozen=True)
class Conditional:
    """Rules for the rows whose ``when`` column holds ``value`` (e.g. enforcement officers)."""

    when: str
    value: str
    required: tuple[str, ...] = ()
    # Date columns that must not lie before the ingest date on these rows (a certificate in force).
    not_expired: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    """One raw input table: where it comes from, its key, its columns and cross-column rules."""

    name: str
    label: str
    source: str
    description: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    date_order: tuple[DateOrder, ...] = field(default=())
    # At least one of these columns must be filled in each row.
    one_of: tuple[str, ...] = field(default=())
    conditionals: tuple[Conditional, ...] = field(default=())

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


@cache
def industry_codes() -> tuple[str, ...]:
    """GB/T 4754-2017 division codes (门类字母 + 大类两位, e.g. ``F52`` 零售业)."""
    return tuple(row["code"] for row in reference_rows("industries.csv"))


@dataclass(frozen=True)
class Town:
    """A town (乡镇/街道) of a county-level division (GB/T 2260 code), with its supervision grid and its
    market-supervision station."""

    town: str
    grid: str
    station: str
    division: str


@cache
def shipped_towns() -> tuple[Town, ...]:
    """The default region's towns (``reference/towns.csv``): those of 330802 衢州市柯城区."""
    rows = reference_rows("towns.csv")
    return tuple(Town(row["town"], row["grid"], row["station"], row["division"]) for row in rows)


def towns(listed: tuple[Town, ...] = ()) -> tuple[str, ...]:
    """The names of the ``listed`` towns, or of the shipped ones when none are listed."""
    return tuple(t.town for t in listed or shipped_towns())


def stations(listed: tuple[Town, ...] = ()) -> tuple[str, ...]:
    """The stations of the ``listed`` towns (or the shipped ones), sorted."""
    return tuple(sorted({t.station for t in listed or shipped_towns()}))


def grids(listed: tuple[Town, ...] = ()) -> tuple[str, ...]:
    """The supervision grids of the ``listed`` towns (or the shipped ones: 东/南/西/北): grids named by a
    direction first, in the customary order 东, 南, 西, 北, 中, then the others in the order first listed."""
    found = dict.fromkeys(t.grid for t in listed or shipped_towns())
    return tuple(sorted(found, key=lambda grid: _COMPASS.index(grid) if grid in _COMPASS else len(_COMPASS)))


_COMPASS = ("东", "南", "西", "北", "中")


def reference_rows(filename: str) -> list[dict[str, str]]:
    """Rows of a reference CSV shipped inside the package (``xinyong/reference/``)."""
    text = resources.files("xinyong.reference").joinpath(filename).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def _uscc(description: str = "企业统一社会信用代码；须已在登记表中") -> Column:
    return Column("uscc", "统一社会信用代码", "string", description, uscc=True, references="enterprises.uscc")


def _record_id(label: str) -> Column:
    return Column("record_id", label, "string", "记录编号，表内唯一", pattern=ID_PATTERNS["record"])


def _money(name: str, label: str, description: str) -> Column:
    return Column(name, label, "decimal", description, minimum=0.0, maximum=1e12)


@cache
def results_form() -> Table:
    """The 抽查结果录入表 inspectors fill in (``xinyong results import``); not a department table.

    Its cells are read as offices type them (:mod:`xinyong.results.form`): codes and teams separated by
    ``;``, ``、``, ``,`` or spaces, dates in the usual Chinese forms; the rules below apply to what was read.
    """
    return Table(
        "results",
        "抽查检查结果录入表",
        "检查人员",
        "每个抽查对象一行，由检查组填写后导入。检查日期和结果代码均未填写的行为待录入，可在填写后再次导入。"
        "更正已录入的结果时另起一行，并填写更正记录号。",
        ("round", "plan", "uscc", "corrects"),
        (
            Column(
                "round",
                "抽查批次",
                "string",
                "如 330802-2026-11，补抽批次如 330802-2026-11-S1",
                pattern=r"^\d{6}-\d{4}-(0[1-9]|1[0-2])(-S[1-9]\d{0,2})?$",
            ),
            Column("plan", "计划编号", "string", "如 P01", pattern=ID_PATTERNS["plan"]),
            Column("uscc", "统一社会信用代码", "string", "抽查对象；须为文本，不可存为数字", uscc=True),
            Column("name", "市场主体名称", "string", "仅供核对，不作校验", required=False),
            Column(
                "team",
                "检查人员编号",
                "string",
                "以 ; 、 , 或空格分隔，须与派员结果一致",
                pattern=r"^INS-\d{5}(;INS-\d{5})*$",
            ),
            Column(
                "team_names", "检查人员姓名", "string", "与检查人员编号对应，仅供核对，不作校验、不导入", required=False
            ),
            Column("started", "检查开始日期", "date", "实地或书面检查开始日"),
            Column("ended", "检查完成日期", "date", "检查结束日；公示期限自此起算20个工作日"),
            Column(
                "codes",
                "检查结果代码",
                "string",
                "以 ; 、 , 或空格分隔；1(未发现问题)不得与其他代码并用",
                allowed=RESULT_CODES,
                separator=";",
            ),
            Column(
                "corrects",
                "更正记录号",
                "string",
                "更正时填写被更正结果的记录号",
                required=False,
                pattern=r"^R-[0-9a-f]{16}$",
            ),
            Column("remarks", "备注", "string", "检查发现、整改情况等", required=False, multiline=True),
        ),
        date_order=(("ended", "started"),),
    )


@cache
def tables(listed: tuple[Town, ...] = ()) -> tuple[Table, ...]:
    """Every raw table, in the order ingest validates them (referenced tables first); a registry's town,
    grid and station, and an inspector's grid, must be of the ``listed`` towns (a workspace's), or of the
    shipped ones when none are."""
    date: Kind = "date"
    return (
        Table(
            "enterprises",
            "市场主体登记信息",
            "市场监管",
            "登记注册的市场主体，每户一行。其他表的事件均须指向本表。",
            ("uscc",),
            (
                Column("uscc", "统一社会信用代码", "string", "GB 32100-2015，18位含校验码", uscc=True),
                Column("name", "市场主体名称", "string", "登记名称", pattern=r"^\S.{1,99}$"),
                Column("address", "住所(经营场所)", "string", "登记的住所或经营场所", pattern=r"^\S.{1,199}$"),
                Column("entity_type", "主体类型", "string", "登记类型", allowed=ENTITY_TYPES),
                Column(
                    "industry_code", "行业代码", "string", "GB/T 4754-2017 门类+大类，如 F52", allowed=industry_codes()
                ),
                _money("registered_capital", "注册资本(万元)", "注册资本或资金数额，万元，≥ 0"),
                Column("established", "成立日期", date, "营业执照成立日期"),
                Column("town", "乡镇(街道)", "string", "住所所在乡镇(街道)；工作区所列之一", allowed=towns(listed)),
                Column("grid", "监管网格", "string", "所在乡镇(街道)的监管网格；工作区所列之一", allowed=grids(listed)),
                Column(
                    "station",
                    "属地市场监管所",
                    "string",
                    "住所所属市场监管所；工作区所列之一",
                    allowed=stations(listed),
                ),
                Column("status", "登记状态", "string", "存续/吊销/注销/迁出", allowed=STATUSES),
                Column("status_date", "状态变更日期", date, "吊销、注销或迁出日期；存续为空", required=False),
                Column(
                    "legal_rep_id",
                    "法定代表人(经营者)编号",
                    "string",
                    "脱敏后的人员编号，用于关联关系",
                    pattern=ID_PATTERNS["legal_rep"],
                ),
            ),
            date_order=(("status_date", "established"),),
        ),
        Table(
            "inspection_items",
            "抽查事项清单",
            "市场监管",
            "随机抽查事项清单，联合抽查事项列出多个部门，牵头部门在前。",
            ("item_id",),
            (
                Column("item_id", "事项编号", "string", "如 SJ-SC-01", pattern=ID_PATTERNS["item"]),
                Column("name", "抽查事项", "string", "事项名称", pattern=r"^\S.{1,99}$"),
                Column("legal_basis", "抽查依据", "string", "法律法规条款", pattern=r"^\S.{1,199}$"),
                Column(
                    "departments", "实施部门", "string", "以 ; 分隔，牵头部门在前", allowed=DEPARTMENTS, separator=";"
                ),
                Column("target_type", "检查对象类型", "string", "企业/个体工商户/全部市场主体", allowed=TARGET_TYPES),
            ),
        ),
        Table(
            "inspectors",
            "执法检查人员名录",
            "各部门",
            "执法检查人员、专家和辅助人员。身份证号和电话仅内部使用，永不公开。",
            ("inspector_id",),
            (
                Column("inspector_id", "人员编号", "string", "如 INS-00001", pattern=ID_PATTERNS["inspector"]),
                Column("name", "姓名", "string", "姓名", pattern=r"^\S.{0,19}$"),
                Column("department", "所属部门", "string", "部门", allowed=DEPARTMENTS),
                Column(
                    "staff_type",
                    "人员类别",
                    "string",
                    "执法人员/专家/辅助人员；只有执法人员计入检查组人数",
                    allowed=STAFF_TYPES,
                ),
                Column(
                    "cert_no",
                    "执法证号",
                    "string",
                    "行政执法证号；专家和辅助人员为空",
                    required=False,
                    pattern=ID_PATTERNS["cert"],
                ),
                Column("cert_expiry", "执法证有效期至", date, "执法证有效期截止日", required=False, future=True),
                Column(
                    "qualifications",
                    "可检查事项",
                    "string",
                    "以 ; 分隔的事项编号",
                    references="inspection_items.item_id",
                    separator=";",
                    required=False,
                ),
                Column("station", "所属单位", "string", "市场监管所或部门执法队", pattern=r"^\S.{1,39}$"),
                Column("grid", "所属网格", "string", "所属监管网格", allowed=grids(listed)),
                Column("pool_level", "名录库层级", "int", "0 本级，1 上级/跨区，依此类推", minimum=0, maximum=3),
                Column(
                    "division",
                    "执法地域",
                    "string",
                    "可执法的行政区划代码(GB/T 2260)：区县 330802 仅本区，市级 330800 含全市各区",
                    pattern=r"^[1-8][0-9]{5}$",
                ),
                Column("capacity", "每轮检查上限", "int", "一轮抽查中最多承担的检查户数", minimum=0, maximum=200),
                Column(
                    "id_card_no",
                    "身份证号",
                    "string",
                    "仅内部使用，不得公开",
                    pattern=ID_PATTERNS["id_card"],
                    private=True,
                ),
                Column(
                    "phone", "联系电话", "string", "仅内部使用，不得公开", pattern=ID_PATTERNS["phone"], private=True
                ),
            ),
            conditionals=(
                Conditional(
                    "staff_type", "执法人员", required=("cert_no", "cert_expiry"), not_expired=("cert_expiry",)
                ),
            ),
        ),
        Table(
            "inspector_relations",
            "回避关系申报",
            "各部门",
            "执法人员申报的与市场主体或其法定代表人的利害关系，用于回避。",
            ("relation_id",),
            (
                Column("relation_id", "申报编号", "string", "表内唯一", pattern=ID_PATTERNS["record"]),
                Column(
                    "inspector_id", "人员编号", "string", "须在执法检查人员名录中", references="inspectors.inspector_id"
                ),
                Column("relation", "关系类型", "string", "近亲属/曾任职/持股/其他利害关系", allowed=RELATIONS),
                Column(
                    "uscc",
                    "统一社会信用代码",
                    "string",
                    "相关市场主体；与法定代表人编号至少填一项",
                    required=False,
                    uscc=True,
                    references="enterprises.uscc",
                ),
                Column(
                    "legal_rep_id",
                    "法定代表人编号",
                    "string",
                    "相关法定代表人",
                    required=False,
                    pattern=ID_PATTERNS["legal_rep"],
                ),
                Column("declared", "申报日期", date, "申报日期"),
            ),
            one_of=("uscc", "legal_rep_id"),
        ),
        Table(
            "annual_reports",
            "年度报告",
            "市场监管",
            "每户每个报告年度一行；未报送的年度 filed_date 为空。",
            ("uscc", "report_year"),
            (
                _uscc(),
                Column("report_year", "报告年度", "int", "报告所属年度", minimum=1990, maximum=2100),
                Column("filed_date", "报送日期", date, "公示日期；未报送为空", required=False),
            ),
        ),
        Table(
            "abnormal_operations",
            "经营异常名录",
            "市场监管",
            "列入与移出经营异常名录的记录；未移出的 removed_date 为空。",
            ("record_id",),
            (
                _record_id("决定书编号"),
                _uscc(),
                Column("listed_date", "列入日期", date, "作出列入决定的日期"),
                Column(
                    "reason",
                    "列入原因",
                    "string",
                    "《市场监督管理严重违法失信名单管理办法》《企业经营异常名录管理暂行办法》事由",
                    allowed=ABNORMAL_REASONS,
                ),
                Column("removed_date", "移出日期", date, "移出日期；仍在名录中为空", required=False),
            ),
            date_order=(("removed_date", "listed_date"),),
        ),
        Table(
            "serious_dishonesty",
            "严重违法失信名单",
            "市场监管",
            "列入严重违法失信名单的记录。",
            ("record_id",),
            (
                _record_id("决定书编号"),
                _uscc(),
                Column("listed_date", "列入日期", date, "作出列入决定的日期"),
                Column("reason", "列入事由", "string", "列入事由", allowed=DISHONESTY_REASONS),
                Column("removed_date", "移出日期", date, "信用修复后移出日期", required=False),
            ),
            date_order=(("removed_date", "listed_date"),),
        ),
        Table(
            "penalties",
            "行政处罚",
            "各部门",
            "各部门作出的行政处罚决定。",
            ("record_id",),
            (
                _record_id("处罚决定书文号"),
                _uscc(),
                Column("department", "处罚机关", "string", "作出处罚的部门", allowed=DEPARTMENTS),
                Column("decided_date", "处罚决定日期", date, "处罚决定日期"),
                Column("severity", "情节", "string", "一般/较重/严重", allowed=SEVERITIES),
                _money("fine_amount", "罚没金额(元)", "罚款和没收违法所得合计，元"),
            ),
        ),
        Table(
            "tax_credit_ratings",
            "纳税信用等级",
            "税务",
            "纳税信用评价结果，每户每个评价年度一行（A/B/M/C/D）。",
            ("uscc", "rating_year"),
            (
                _uscc(),
                Column("rating_year", "评价年度", "int", "评价所属年度", minimum=2014, maximum=2100),
                Column("rating", "纳税信用级别", "string", "A/B/M/C/D", allowed=TAX_RATINGS),
            ),
        ),
        Table(
            "social_insurance_arrears",
            "社会保险费欠缴",
            "人社",
            "用人单位欠缴社会保险费记录。",
            ("record_id",),
            (
                _record_id("记录编号"),
                _uscc(),
                Column("arrears_start", "欠缴起始日期", date, "欠缴所属起始月份的第一天"),
                Column("months_owed", "欠缴月数", "int", "欠缴月数", minimum=1, maximum=240),
                _money("amount", "欠缴金额(元)", "欠缴金额，元"),
                Column("cleared_date", "补缴日期", date, "补缴完毕日期；未补缴为空", required=False),
            ),
            date_order=(("cleared_date", "arrears_start"),),
        ),
        Table(
            "court_dishonest_debtors",
            "失信被执行人",
            "法院",
            "人民法院公布的失信被执行人（单位）记录。",
            ("record_id",),
            (
                _record_id("案号"),
                _uscc(),
                Column("published_date", "发布日期", date, "列入失信被执行人名单的日期"),
                _money("amount", "执行标的(元)", "执行标的金额，元"),
                Column("removed_date", "屏蔽日期", date, "履行完毕后屏蔽日期", required=False),
            ),
            date_order=(("removed_date", "published_date"),),
        ),
        Table(
            "environmental_violations",
            "生态环境违法记录",
            "生态环境",
            "生态环境部门查处的环境违法行为。",
            ("record_id",),
            (
                _record_id("记录编号"),
                _uscc(),
                Column("found_date", "查处日期", date, "立案查处日期"),
                Column("violation", "违法类型", "string", "违法类型", allowed=ENV_VIOLATIONS),
                _money("fine_amount", "罚款金额(元)", "罚款金额，元"),
            ),
        ),
        Table(
            "complaints_12315",
            "12315投诉举报",
            "市场监管",
            "12315 平台受理的投诉与举报。",
            ("record_id",),
            (
                _record_id("登记编号"),
                _uscc(),
                Column("received_date", "受理日期", date, "受理日期"),
                Column("kind", "类别", "string", "投诉/举报", allowed=COMPLAINT_KINDS),
                Column("category", "问题类别", "string", "问题类别", allowed=COMPLAINT_CATEGORIES),
                Column("substantiated", "是否属实", "string", "是/否", allowed=YES_NO),
            ),
        ),
        Table(
            "inspections",
            "历史双随机抽查结果",
            "市场监管",
            "以往双随机抽查：抽中对象、事项、检查人员、结果代码和当时的入样概率。",
            ("record_id",),
            (
                _record_id("检查记录编号"),
                _uscc(),
                Column("round_month", "抽查月份", "month", "YYYY-MM"),
                Column("item_id", "抽查事项", "string", "事项编号", references="inspection_items.item_id"),
                Column("department", "检查实施机关", "string", "实施部门", allowed=DEPARTMENTS),
                Column("inspection_date", "检查日期", date, "检查完成日期"),
                Column("result_code", "检查结果代码", "string", "国家企业信用信息公示系统代码", allowed=RESULT_CODES),
                Column("legacy_tier", "当时分类", "string", "当时按规则分类的风险等级（内部）", allowed=TIERS),
                Column(
                    "inclusion_probability",
                    "入样概率",
                    "decimal",
                    "该户在当轮被抽中的概率 π",
                    minimum=1e-9,
                    maximum=1.0,
                ),
                # Not checked against today's roster: officers retire and certificates lapse, history stays.
                Column(
                    "inspector_1", "检查人员1", "string", "人员编号（可为已离岗人员）", pattern=ID_PATTERNS["inspector"]
                ),
                Column(
                    "inspector_2", "检查人员2", "string", "人员编号（可为已离岗人员）", pattern=ID_PATTERNS["inspector"]
                ),
            ),
        ),
    )


def table(name: str) -> Table:
    for t in tables():
        if t.name == name:
            return t
    raise KeyError(name)
