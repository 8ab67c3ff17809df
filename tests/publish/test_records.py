"""Record-level append-only disclosure, as rules over the log's disclosure entries and the site's record list."""

from __future__ import annotations

import pytest

from tests.publish.test_translog import result
from xinyong.errors import VerificationError
from xinyong.publish.records import Logged, check_copies, check_site_records, logged_records
from xinyong.publish.site import records_json, records_script, with_status

R0, R1 = result(0), result(1, 结果="未按规定公示应当公示的信息", 公示日期="2026-12-01")
FIX = result(2, 结果="发现问题经责令已改正", 公示日期="2026-12-02", 更正记录="R-test0001")


def fails(action, message: str) -> None:
    with pytest.raises(VerificationError) as caught:
        action()
    assert str(caught.value) == message


def test_records_are_taken_in_log_order_each_once() -> None:
    logged = logged_records([(3, R0), (4, R1), (9, FIX), (10, R1)])  # the same record again is the same record
    assert logged == {"R-test0000": Logged(3, R0), "R-test0001": Logged(4, R1), "R-test0002": Logged(9, FIX)}


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        (
            [(3, R0), (7, {**R0, "结果": "未发现问题；已注销"})],
            "log entry 7 (log/tile/entries/000): 记录号 R-test0000 is logged with other content in entry 3; a "
            "published result never changes (a correction is a new record)",
        ),
        (
            [(3, R1), (4, R0)],
            "log entry 4 (log/tile/entries/000): 记录号 R-test0000: 公示日期 2026-11-30 is before 2026-12-01, that of "
            "entry 3 logged before it; publication dates never go back",
        ),
        (
            [(3, {**R0, "公示日期": "2026-11-19"})],
            "log entry 3 (log/tile/entries/000): 记录号 R-test0000 is published on 2026-11-19 (公示日期), before its "
            "inspection ended on 2026-11-20 (日期)",
        ),
        (
            [(3, R0), (4, FIX)],
            "log entry 4 (log/tile/entries/000): 记录号 R-test0002 corrects R-test0001, which was not published "
            "before it",
        ),
        (
            [(3, {**R0, "公示日期": "2026/11/30"})],
            "log entry 3 (log/tile/entries/000): 记录号 R-test0000: 公示日期 and 日期 are days, YYYY-MM-DD",
        ),
        (
            [(3, {**R0, "风险等级": "D"})],
            "log entry 3 (log/tile/entries/000): a disclosure entry's record holds the public fields of a result "
            "(记录号、抽查批次、检查实施机关、类型、抽查计划、抽查事项、市场主体名称、统一社会信用代码、日期、结果、"
            "公示日期、更正记录), each text, and nothing else",
        ),
    ],
    ids=[
        "two contents",
        "dates backwards",
        "before its inspection ended",
        "a correction of nothing",
        "a bad day",
        "more",
    ],
)
def test_the_logs_rules(entries: list, message: str) -> None:
    fails(lambda: logged_records(entries), message)


LOGGED = logged_records([(3, R0), (4, R1), (9, FIX)])
SHOWN = with_status([R0, R1, FIX])


def test_the_site_shows_every_logged_record_with_its_status() -> None:
    assert [r["状态"] for r in SHOWN] == ["有效", "已被 R-test0002 更正", "有效"]
    assert check_site_records(LOGGED, SHOWN) == SHOWN
    assert check_site_records(LOGGED, [SHOWN[0], SHOWN[2]]) == [SHOWN[0], SHOWN[2]]  # superseded: may go


@pytest.mark.parametrize(
    ("shown", "message"),
    [
        (
            [SHOWN[0], SHOWN[2]][:1],
            "downloads/results.json: 记录号 R-test0002 (log entry 9) is missing from the site; a published result "
            "stays published unless a logged correction supersedes it",
        ),
        (
            [SHOWN[0], {**SHOWN[1], "结果": "未发现问题"}, SHOWN[2]],
            "downloads/results.json: 记录号 R-test0001 differs from its log entry 4: 结果 is '未发现问题' on the site, "
            "'未按规定公示应当公示的信息' as logged",
        ),
        (
            [SHOWN[0], {**SHOWN[1], "状态": "有效"}, SHOWN[2]],
            "downloads/results.json: 记录号 R-test0001 differs from its log entry 4: 状态 is '有效' on the site, "
            "'已被 R-test0002 更正' as logged",
        ),
        (
            [*SHOWN, {**SHOWN[0], "记录号": "R-test0009"}],
            "downloads/results.json: record 4 (记录号 R-test0009) is on the site but not in the transparency log",
        ),
        ([*SHOWN, SHOWN[0]], "downloads/results.json: 记录号 R-test0000 is listed twice"),
        (
            [SHOWN[0], {**SHOWN[1], "tier": "D"}, SHOWN[2]],
            "downloads/results.json: 记录号 R-test0001 differs from its log entry 4: tier is 'D' on the site, None as "
            "logged",
        ),
        ({"records": SHOWN}, "downloads/results.json: not a list of records"),
    ],
    ids=["missing", "rewritten", "status", "unlogged", "twice", "more", "not a list"],
)
def test_the_sites_rules(shown: object, message: str) -> None:
    fails(lambda: check_site_records(LOGGED, shown), message)


def test_every_list_of_the_sites_results_is_the_same_records() -> None:
    rounds = {"downloads/330802-2026-11.json": records_json(SHOWN), "data/records.js": records_script(SHOWN)}
    check_copies(SHOWN, rounds)
    fails(
        lambda: check_copies(SHOWN, {**rounds, "data/records.js": records_script(SHOWN[:2])}),
        "data/records.js: does not hold the records of downloads/results.json; every list of the site's results is "
        "the same records",
    )
    fails(
        lambda: check_copies(SHOWN, {**rounds, "downloads/330802-2026-12.json": records_json(SHOWN)}),
        "downloads/330802-2026-12.json: does not hold the records of round 330802-2026-12 of downloads/results.json; "
        "every list of the site's results is the same records",
    )
