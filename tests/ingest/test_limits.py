"""When ingest refuses: a table quarantined whole or beyond its share, a registry that loses firms."""

from __future__ import annotations

from xinyong.ingest.limits import Limits, Previous, Refusal, TableReport, refusals


def report(rows: int, quarantined: int) -> TableReport:
    return TableReport("t.csv", rows, rows - quarantined, quarantined, {"missing": quarantined} if quarantined else {})


def test_a_few_bad_rows_stand() -> None:
    reports = {"enterprises": report(1000, 10), "penalties": report(100, 5), "serious_dishonesty": report(0, 0)}
    assert refusals(reports, Limits()) == ()
    assert refusals(reports, Limits(), Previous(1000, "2026-10-27")) == ()


def test_a_table_quarantined_whole_is_refused_whatever_the_limit() -> None:
    assert refusals({"penalties": report(3, 3)}, Limits(max_quarantined=1.0)) == (
        Refusal("penalties", "全部 3 行被隔离", "all 3 rows quarantined"),
    )


def test_a_table_beyond_its_share_is_refused() -> None:
    reports = {"penalties": report(100, 6), "complaints_12315": report(100, 5)}
    assert refusals(reports, Limits()) == (
        Refusal(
            "penalties",
            "100 行中 6 行被隔离（6%，上限 5%）",
            "6 of 100 rows quarantined (6%; --max-quarantined 5%)",
        ),
    )
    assert refusals(reports, Limits(max_quarantined=0.1)) == ()


def test_the_registry_has_its_own_stricter_share() -> None:
    assert refusals({"enterprises": report(1000, 11)}, Limits()) == (
        Refusal(
            "enterprises",
            "登记表 1,000 户中 11 户被隔离（1.1%，上限 1%）",
            "11 of 1,000 rows quarantined (1.1%; --max-registry-loss 1%)",
        ),
    )


def test_a_registry_that_shrank_since_the_previous_ingest_or_is_empty_is_refused() -> None:
    assert refusals({"enterprises": report(800, 0)}, Limits(), Previous(1000, "2026-10-27")) == (
        Refusal(
            "enterprises",
            "登记表接受 800 户，比上次导入（2026-10-27）的 1,000 户少 20%（上限 1%）",
            "800 firms accepted, 20% fewer than the 1,000 of the previous ingest (2026-10-27; --max-registry-loss 1%)",
        ),
    )
    assert refusals({"enterprises": report(800, 0)}, Limits(max_registry_loss=0.25), Previous(1000, "x")) == ()
    assert refusals({"enterprises": report(0, 0)}, Limits()) == (
        Refusal("enterprises", "登记表没有任何市场主体", "the registry has no firms"),
    )
