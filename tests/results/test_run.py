"""Results import: every rule names its row and column, nothing partial is written, re-import and
corrections never overwrite, and status counts working days."""

from __future__ import annotations

import datetime as dt
import shutil
import stat
from pathlib import Path

import polars as pl
import pytest

from tests.conftest import NOVEMBER, NOW
from xinyong.errors import InputFileError, InputRowError, RoundStateError, UsageError
from xinyong.ingest.contract import results_form
from xinyong.results.run import current_results, import_results, read_results, results_status, write_status
from xinyong.synth.outcomes import SIMULATED, simulate_results
from xinyong.workspace.layout import RoundPaths

TODAY = dt.date(2026, 11, 27)
LABELS = {c.name: c.label for c in results_form().columns}
# What a row 待录入 leaves empty.
PENDING = ("started", "ended", "codes", "corrects", "remarks")


@pytest.fixture()
def out(november_round: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "out"
    shutil.copytree(november_round, copy)
    return copy


@pytest.fixture()
def form(out: Path, round_inputs: dict) -> Path:
    return simulate_results(
        out, NOVEMBER, round_inputs["truth"], round_inputs["clean"], out / "form.xlsx", last_day=TODAY
    )


def as_csv(form: Path, path: Path, change=None) -> Path:
    frame = pl.read_excel(form, infer_schema_length=0)
    if change:
        frame = change(frame)
    frame.write_csv(path, include_bom=True)
    return path


def test_a_filled_in_form_imports_once_and_again_changes_nothing(out: Path, form: Path) -> None:
    rows = pl.read_excel(form, infer_schema_length=0)
    assert (rows[LABELS["remarks"]] == SIMULATED).all() and rows.height > 300
    first = import_results(out, form, today=TODAY, now=NOW)
    assert (first.added, first.corrections, first.unchanged) == (rows.height, 0, 0)
    store = (RoundPaths(out, NOVEMBER).results / "results.jsonl").read_bytes()
    again = import_results(out, form, today=TODAY, now=NOW)
    assert (again.added, again.unchanged) == (0, rows.height)
    assert (RoundPaths(out, NOVEMBER).results / "results.jsonl").read_bytes() == store


def test_the_prefilled_form_from_the_task_lists_imports_once_filled_in(
    out: Path, round_inputs: dict, tmp_path: Path
) -> None:
    from xinyong.rounds.tasks import write_task_lists

    write_task_lists(out, NOVEMBER, round_inputs["clean"])
    blank = pl.read_excel(RoundPaths(out, NOVEMBER).results_form.with_suffix(".xlsx"), infer_schema_length=0)
    assert blank.columns == list(LABELS.values()) and blank[LABELS["codes"]].null_count() == blank.height
    filled = blank.with_columns(
        pl.lit("2026-11-16").alias(LABELS["started"]),
        pl.lit("2026-11-17").alias(LABELS["ended"]),
        pl.lit("1").alias(LABELS["codes"]),
    )
    filled.write_excel(tmp_path / "filled.xlsx")
    assert (
        import_results(out, tmp_path / "filled.xlsx", today=TODAY, now=NOW).added
        == blank.height
        == results_status(out, NOVEMBER, TODAY).height
    )


def test_bad_rows_are_all_reported_and_nothing_is_written(out: Path, form: Path, tmp_path: Path) -> None:
    c = LABELS
    other_uscc = "91330802MA29U0QJ36"

    def spoil(frame: pl.DataFrame) -> pl.DataFrame:
        index = pl.int_range(pl.len())
        return frame.with_columns(
            pl.when(index == 0)
            .then(pl.lit("1;B"))
            .when(index == 3)
            .then(pl.lit("Z"))
            .otherwise(pl.col(c["codes"]))
            .alias(c["codes"]),
            pl.when(index == 1).then(pl.lit("INS-00001;INS-00002")).otherwise(pl.col(c["team"])).alias(c["team"]),
            pl.when(index == 2).then(pl.lit(other_uscc)).otherwise(pl.col(c["uscc"])).alias(c["uscc"]),
            pl.when(index == 4).then(pl.lit("2026-10-30")).otherwise(pl.col(c["started"])).alias(c["started"]),
            pl.when(index == 5).then(pl.lit("2026-12-01")).otherwise(pl.col(c["ended"])).alias(c["ended"]),
        )

    bad = as_csv(form, tmp_path / "bad.csv", spoil)
    rows = pl.read_csv(bad).height
    with pytest.raises(InputRowError) as caught:
        import_results(out, bad, today=TODAY, now=NOW)
    report = next((RoundPaths(out, NOVEMBER).results / "rejected").glob("bad-*.csv"))
    assert str(caught.value) == (
        f"{bad}: row 2, column '检查结果代码': codes_exclusive: 1 (未发现问题) cannot be combined with other codes "
        f"(6 of {rows} filled-in rows rejected, all listed in {report}; nothing was imported)"
    )
    problems = pl.read_csv(report, infer_schema=False)
    assert problems.columns == ["行号", "列", "规则", "读到的值", "说明"]
    assert problems.drop("说明").rows() == [
        ("2", "检查结果代码", "codes_exclusive", "1;B"),
        ("3", "检查人员编号", "team_mismatch", "INS-00001;INS-00002"),
        ("4", "统一社会信用代码", "not_a_target", other_uscc),
        ("5", "检查结果代码", "unknown_code", "Z"),
        ("6", "检查开始日期", "before_round", "2026-10-30"),
        ("7", "检查完成日期", "date_in_future", "2026-12-01"),
    ]
    assert read_results(out, NOVEMBER) == []
    assert not (out / "private" / "record-id.key").exists()  # a refused import saves no key either


def test_record_ids_are_keyed_by_the_work_roots_secret_made_once_and_private(
    out: Path, form: Path, tmp_path: Path
) -> None:
    key = out / "private" / "record-id.key"
    assert not key.exists()
    import_results(out, form, today=TODAY, now=NOW)
    assert len(key.read_bytes()) == 32 and stat.S_IMODE(key.stat().st_mode) == 0o600
    ids = [r["id"] for r in read_results(out, NOVEMBER)]
    secret = key.read_bytes()
    assert import_results(out, form, today=TODAY, now=NOW).added == 0 and key.read_bytes() == secret
    other = tmp_path / "other"  # the same round and form under another work root: another secret, other ids
    shutil.copytree(out, other, ignore=shutil.ignore_patterns("private", "results"))
    import_results(other, form, today=TODAY, now=NOW)
    assert set(ids).isdisjoint(r["id"] for r in read_results(other, NOVEMBER))
    key.chmod(0o644)
    with pytest.raises(UsageError) as caught:
        import_results(out, form, today=TODAY, now=NOW)
    assert str(caught.value) == f"{key}: the record-id key must be readable by its owner only (chmod 600), not 644"
    key.chmod(0o600)
    key.write_bytes(secret[:16])
    with pytest.raises(UsageError) as caught:
        import_results(out, form, today=TODAY, now=NOW)
    assert str(caught.value) == f"{key}: not a record-id key (16 bytes, not 32); restore it from a backup"


def test_a_form_comes_back_in_batches_and_its_pending_rows_are_listed(out: Path, form: Path, tmp_path: Path) -> None:
    rows = pl.read_excel(form, infer_schema_length=0)
    later = pl.int_range(pl.len()) >= 100
    blank = [pl.when(later).then(None).otherwise(pl.col(LABELS[c])).alias(LABELS[c]) for c in PENDING]
    first = import_results(
        out, as_csv(form, tmp_path / "first.csv", lambda f: f.with_columns(blank)), today=TODAY, now=NOW
    )
    assert (first.added, first.unchanged, first.pending) == (100, 0, tuple(range(102, rows.height + 2)))
    whole = import_results(out, form, today=TODAY, now=NOW)
    assert (whole.added, whole.unchanged, whole.pending) == (rows.height - 100, 100, ())
    assert len(read_results(out, NOVEMBER)) == rows.height


def test_a_correction_is_a_new_record_and_the_old_one_stays(out: Path, form: Path, tmp_path: Path) -> None:
    import_results(out, form, today=TODAY, now=NOW)
    records = read_results(out, NOVEMBER)
    target = records[0]
    first_row = pl.read_excel(form, infer_schema_length=0).head(1)
    changed_code = "D" if target["codes"] == ["1"] else "1"
    unmarked = as_csv(
        form, tmp_path / "fix.csv", lambda f: first_row.with_columns(pl.lit(changed_code).alias(LABELS["codes"]))
    )
    with pytest.raises(InputRowError) as caught:
        import_results(out, unmarked, today=TODAY, now=NOW)
    assert (
        f"already_recorded: this target already has result {target['id']}; to change it, fill 更正记录号 with "
        f"{target['id']}" in str(caught.value)
    )
    marked = as_csv(
        form,
        tmp_path / "fix2.csv",
        lambda f: first_row.with_columns(
            pl.lit(changed_code).alias(LABELS["codes"]), pl.lit(target["id"]).alias(LABELS["corrects"])
        ),
    )
    result = import_results(out, marked, today=TODAY, now=NOW)
    assert (result.added, result.corrections) == (1, 1)
    after = read_results(out, NOVEMBER)
    assert (
        after[: len(records)] == records
        and after[-1]["corrects"] == target["id"]
        and after[-1]["codes"] == [changed_code]
    )
    assert current_results(after)[(target["plan"], target["uscc"])]["id"] == after[-1]["id"]


def test_optional_columns_may_be_left_out_but_required_ones_may_not(out: Path, form: Path, tmp_path: Path) -> None:
    slim = as_csv(
        form,
        tmp_path / "slim.csv",
        lambda f: f.drop(LABELS["name"], LABELS["team_names"], LABELS["corrects"], LABELS["remarks"]),
    )
    assert import_results(out, slim, today=TODAY, now=NOW).added > 300
    broken = as_csv(form, tmp_path / "broken.csv", lambda f: f.drop(LABELS["team"]))
    with pytest.raises(InputFileError) as caught:
        import_results(out, broken, today=TODAY, now=NOW)
    assert str(caught.value) == f"{broken}: missing column team (检查人员编号)"


def test_a_file_of_several_rounds_or_an_unknown_round_is_refused(out: Path, form: Path, tmp_path: Path) -> None:
    mixed = as_csv(
        form,
        tmp_path / "mixed.csv",
        lambda f: f.with_columns(
            pl.when(pl.int_range(pl.len()) == 0)
            .then(pl.lit("330802-2026-12"))
            .otherwise(pl.col(LABELS["round"]))
            .alias(LABELS["round"])
        ),
    )
    with pytest.raises(InputFileError) as caught:
        import_results(out, mixed, today=TODAY, now=NOW)
    assert (
        str(caught.value)
        == f"{mixed}: holds rows of 2 rounds (330802-2026-11, 330802-2026-12); import one file per round"
    )
    unknown = as_csv(
        form, tmp_path / "unknown.csv", lambda f: f.with_columns(pl.lit("330802-2026-10").alias(LABELS["round"]))
    )
    with pytest.raises(RoundStateError) as caught:
        import_results(out, unknown, today=TODAY, now=NOW)
    assert str(caught.value) == (
        f"{out / 'rounds' / '330802-2026-10'}: round 330802-2026-10 is not framed; `xinyong results import` needs it "
        "finalised: run `xinyong round frame` first"
    )


def test_status_counts_twenty_working_days_from_each_inspection(out: Path, form: Path) -> None:
    before = results_status(out, NOVEMBER, TODAY)
    assert set(before["status"]) == {"待录入"} and before["due"].max() == dt.date(
        2026, 12, 28
    )  # 11/30 + 20 working days
    import_results(out, form, today=TODAY, now=NOW)
    after = results_status(out, NOVEMBER, TODAY)
    assert set(after["status"]) == {"待公示"} and not after["overdue"].any()
    late, written = write_status(out, NOVEMBER, dt.date(2026, 12, 31))
    assert pl.read_csv(written, infer_schema=False).height == late.height
    ended = after.select("record", pl.col("ended").str.to_date())
    assert late["overdue"].all() and ended["ended"].max() <= TODAY
