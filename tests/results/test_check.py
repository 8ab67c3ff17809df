"""The rules of a results-form row against its round, record ids keyed over content, chains of corrections,
and results only from the team on record on the day the inspection started (before or after a reassignment)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

import polars as pl

from xinyong.core.canonical import CJ
from xinyong.draw.reassign import Reassignment, Staffing
from xinyong.results.check import RoundContext, check_rows, content_of, current_results, make_record
from xinyong.workspace.tables import LINE

KEY = bytes(range(32))  # the work root's secret, OUT/private/record-id.key
DRAWN = {("P1", "u1"): ["张三", "李四"], ("P1", "u2"): ["王五", "赵六"], ("P1", "u3"): []}
CONTEXT = RoundContext(dt.date(2026, 11, 1), dt.date(2026, 11, 30), Staffing(DRAWN))
# 李四 recused from u1 on 11-10; 钱七 took the place.
RECUSAL = Reassignment("P1", "u1", "李四", "钱七", ("张三", "钱七"), "回避：近亲属", dt.date(2026, 11, 10))


def _row(line: int, uscc: str = "u1", **change: object) -> dict[str, object]:
    row: dict[str, object] = {
        LINE: line,
        "round": "330802-2026-11",
        "plan": "P1",
        "uscc": uscc,
        "team": "李四;张三",
        "started": dt.date(2026, 11, 3),
        "ended": dt.date(2026, 11, 4),
        "codes": "1",
        "corrects": None,
        "remarks": None,
    }
    return row | change


def _check(
    rows: list[dict[str, object]], existing: list[dict] | None = None, context: RoundContext = CONTEXT
) -> tuple[list[dict], list[tuple]]:
    records, problems = check_rows(pl.DataFrame(rows), context, existing or [], "form.xlsx", KEY)
    return records, problems.rows()


def test_a_good_row_makes_a_record_whose_id_is_keyed_over_its_content() -> None:
    records, problems = _check([_row(2, codes="D;B")])
    assert problems == []
    (record,) = records
    assert record["team"] == ["张三", "李四"] and record["codes"] == ["B", "D"]  # in the codes' own order
    assert record["source"] == "form.xlsx row 2" and record["remarks"] == ""
    assert record["id"] == make_record(_row(9, codes="B;D", team="张三;李四"), "other.csv", KEY)["id"]
    assert record["id"] != make_record(_row(2, codes="B"), "form.xlsx", KEY)["id"]


def test_a_record_id_reveals_nothing_without_the_key() -> None:
    """The id is no hash of the content, which anyone could recompute by trying the few teams and start dates."""
    record = make_record(_row(2), "form.xlsx", KEY)
    content = content_of(record)
    assert record["id"].startswith("R-") and len(record["id"]) == 18
    assert record["id"] != "R-" + hashlib.sha256(CJ(content)).hexdigest()[:16]
    assert record["id"][2:] == hmac.new(KEY, CJ(content), "sha256").hexdigest()[:16]
    assert make_record(_row(2), "form.xlsx", bytes(32))["id"] != record["id"]  # another key, another id


def test_a_row_saying_what_a_stored_record_says_is_that_record_whatever_its_id() -> None:
    """Results stored before ids were keyed keep their ids, and importing their form again changes nothing."""
    legacy = {
        **make_record(_row(2), "form.xlsx", KEY),
        "id": "R-0123456789abcdef",
        "imported_at": "2026-11-28T00:00:00+00:00",
    }
    records, problems = _check([_row(5)], [legacy])
    assert problems == [] and records == [legacy]


def test_every_broken_rule_is_named_with_its_line_and_column() -> None:
    _, problems = _check(
        [
            _row(2, uscc="u9"),
            _row(3, uscc="u3"),
            _row(4, team="张三;王五"),
            _row(5, uscc="u2", team="王五;赵六", codes="1;A"),
            _row(6, uscc="u2", team="王五;赵六", codes="B;B"),
            _row(7, started=dt.date(2026, 10, 31)),
        ]
    )
    assert problems == [
        (2, "uscc", "not_a_target", "u9 was not drawn for plan P1 in this round"),
        (3, "team", "unstaffed", "no team was drawn for this target; it cannot have a result"),
        (4, "team", "team_mismatch", "张三、王五 is not the team on record for this target on 2026-11-03 (张三、李四)"),
        (5, "codes", "codes_exclusive", "1 (未发现问题) cannot be combined with other codes"),
        (6, "codes", "duplicate_code", "B;B repeats a code"),
        (7, "started", "before_round", "2026-10-31 is before the round's month (2026-11-01)"),
    ]


def test_a_result_is_changed_only_by_correcting_the_one_in_force() -> None:
    (first,), _ = _check([_row(2)])
    assert _check([_row(2)], [first]) == ([first], [])  # the same row again: the same record, no problem
    _, problems = _check([_row(3, codes="A")], [first])
    assert problems == [
        (
            3,
            "corrects",
            "already_recorded",
            f"this target already has result {first['id']}; to change it, fill 更正记录号 with {first['id']}",
        )
    ]
    (second,), problems = _check([_row(3, codes="A", corrects=first["id"])], [first])
    assert problems == [] and current_results([first, second]) == {("P1", "u1"): second}
    _, problems = _check([_row(4, codes="E", corrects=first["id"])], [first, second])
    assert problems == [
        (4, "corrects", "already_corrected", f"{first['id']} was already corrected by {second['id']}; correct that one")
    ]
    _, problems = _check([_row(5, uscc="u2", team="王五;赵六", corrects=first["id"])], [first])
    assert problems == [(5, "corrects", "unknown_record", f"{first['id']} is not a result of this target")]


def test_the_team_on_record_is_the_drawn_one_before_a_reassignment_and_the_new_one_from_its_day() -> None:
    context = RoundContext(dt.date(2026, 11, 1), dt.date(2026, 11, 30), Staffing(DRAWN, (RECUSAL,)))
    before = _row(2, started=dt.date(2026, 11, 9), ended=dt.date(2026, 11, 9))
    after = _row(3, team="钱七;张三", started=dt.date(2026, 11, 10), ended=dt.date(2026, 11, 11))
    assert _check([before], context=context)[1] == []
    assert _check([after], context=context)[1] == []
    _, problems = _check([{**before, "team": "钱七;张三"}, {**after, LINE: 4, "team": "李四;张三"}], context=context)
    assert problems == [
        (2, "team", "team_mismatch", "张三、钱七 is not the team on record for this target on 2026-11-09 (张三、李四)"),
        (4, "team", "team_mismatch", "张三、李四 is not the team on record for this target on 2026-11-10 (张三、钱七)"),
    ]


def test_a_correction_signed_by_a_new_team_for_the_old_teams_result_is_rejected() -> None:
    context = RoundContext(dt.date(2026, 11, 1), dt.date(2026, 11, 30), Staffing(DRAWN, (RECUSAL,)))
    (first,), _ = _check([_row(2, started=dt.date(2026, 11, 3))], context=context)  # by 张三、李四
    late = {"started": dt.date(2026, 11, 12), "ended": dt.date(2026, 11, 12), "corrects": first["id"], "codes": "A"}
    _, problems = _check([_row(3, team="张三;钱七", **late)], [first], context)
    assert problems == [
        (
            3,
            "team",
            "correction_team",
            f"张三、钱七 did not record {first['id']} (张三、李四 did); "
            "a correction comes from the team that inspected",
        )
    ]
    # The old team correcting its own result gives the day it inspected, when it was the team on record.
    (correction,), problems = _check([_row(4, codes="A", corrects=first["id"])], [first], context)
    assert problems == [] and current_results([first, correction]) == {("P1", "u1"): correction}
