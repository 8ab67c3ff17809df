"""The 检查告知书: one A4 page in Chinese with what a firm must be told (items and legal basis, window, team
with 执法证 numbers, its rights, whom to contact), never an ID-card number, phone or tier; the same bytes each time."""

from __future__ import annotations

import dataclasses
import subprocess
from pathlib import Path

import polars as pl

from tests import office
from tests.rounds.conftest import CONTACT
from xinyong.rounds.notice import Item, Notice, Officer, pdf, pdfs
from xinyong.workspace.layout import RoundPaths

NOTICE = Notice(
    number="330802-2026-12-P03-91330802MA2X8K4N1B",
    firm="衢州某某餐饮管理有限公司",
    uscc="91330802MA2X8K4N1B",
    address="浙江省衢州市柯城区花园街道花园东大道188号3幢2单元1101室",
    round="330802-2026-12",
    plan="P03",
    plan_name="餐饮服务食品安全联合抽查（进一次门、查多项事）",
    authorities=("衢州市柯城区市场监督管理局", "衢州市柯城区卫生健康局"),
    items=(
        Item("SJ-SC-03", "食品经营者经营行为的检查", "《中华人民共和国食品安全法》第一百一十条"),
        Item("SJ-WJ-01", "公共场所卫生的监督检查", "《公共场所卫生管理条例》第十条"),
    ),
    window="2026年12月1日至2026年12月31日",
    team=(
        Officer("张三", "市场监管（花园市场监管所）", "3319396294396"),
        Officer("李四", "卫健（柯城区卫生健康综合监督行政执法队）", "3392968804553"),
    ),
    contact=CONTACT,
)


def text_of(data: bytes, folder: Path, name: str) -> tuple[Path, str]:
    path = folder / f"{name}.pdf"
    path.write_bytes(data)
    return path, office.text(path, 1)


def test_a_notice_is_one_a4_page_that_says_what_the_firm_must_be_told(tmp_path: Path) -> None:
    data = pdf(NOTICE)
    path, text = text_of(data, tmp_path, "notice")
    assert office.pages(path) == 1 and office.a4(path) == "portrait"
    flat = "".join(text.split())
    for said in (
        "检查告知书",
        "衢州某某餐饮管理有限公司",
        "91330802MA2X8K4N1B",
        "花园东大道188号",
        "国发〔2019〕5号",
        "SJ-SC-03",
        "《中华人民共和国食品安全法》第一百一十条",
        "《公共场所卫生管理条例》第十条",
        "2026年12月1日至2026年12月31日",
        "张三",
        "3319396294396",
        "李四",
        "3392968804553",
        "申请回避",  # the right, and how: to whom, when, with what
        "检查开始前以书面或口头方式向下列联系人提出",
        "出示行政执法证件",
        "陈述和申辩",
        "20个工作日内",
        "联系人：张三电话：0570-0000000",
        "衢州市柯城区卫生健康局",
    ):
        assert said in flat, said
    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    assert "Noto-Serif-CJK-SC" in fonts and "yes yes yes" in fonts  # embedded, subset, with Unicode
    office.picture(path, 1, "notice", dpi=80)


def test_a_notice_is_the_same_bytes_whenever_and_wherever_it_is_made() -> None:
    other = dataclasses.replace(NOTICE, firm="衢州另一家公司", contact="")
    first = pdf(NOTICE)
    assert pdf(other) != first and pdf(NOTICE) == first  # no date, no counter, no state between notices
    many = [NOTICE, other] * 25  # enough for worker processes
    assert list(pdfs(many)) == [first, pdf(other)] * 25


def test_a_long_notice_still_fits_one_page_and_without_a_contact_leaves_lines_to_fill_in(tmp_path: Path) -> None:
    long = dataclasses.replace(
        NOTICE,
        firm="衢州" + "某" * 60 + "有限公司",
        items=NOTICE.items * 2,  # four items, four officers: set in the smaller type
        team=NOTICE.team * 2,
        contact="",
    )
    path, text = text_of(pdf(long), tmp_path, "long")
    assert office.pages(path) == 1 and "联系人：" in text and "联系电话：" in text
    office.picture(path, 1, "notice-long", dpi=80)


def test_every_notice_of_a_round_is_one_page_and_no_secret_or_tier_is_on_any(
    november_tasks: RoundPaths, round_inputs: dict, tmp_path: Path
) -> None:
    files = sorted((november_tasks.tasks / "告知书").glob("*.pdf"))
    assert len(files) > 300 and all(office.pages(f) == 1 for f in files)
    roster = pl.read_parquet(round_inputs["clean"] / "inspectors.parquet", columns=["id_card_no", "phone"])
    tiers = pl.read_parquet(round_inputs["tiers_september"], columns=["uscc", "tier", "score"])
    for path in files[:: len(files) // 20]:  # a sample: pdftotext takes a moment each
        text = office.text(path, 1)
        uscc = path.name.split("-")[4]
        assert uscc in text and not any(s in text for s in roster["id_card_no"]) and "风险" not in text
        assert (
            not any(p in text for p in roster["phone"])
            and f"{tiers.filter(pl.col('uscc') == uscc)['score'].item():.6f}" not in text
        )
    office.picture(files[0], 1, "notice-of-the-round", dpi=80)
