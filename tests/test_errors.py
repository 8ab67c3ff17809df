"""The one exception tree: every user error is a XinyongError with its documented exit code and message."""

from __future__ import annotations

from pathlib import Path

from xinyong import errors


def test_every_error_is_a_xinyong_error_with_the_documented_exit_code() -> None:
    assert errors.UsageError("x").exit_code == 2
    assert errors.InputFileError("f.csv", "x").exit_code == 2
    assert errors.GateError("x").exit_code == 3
    assert errors.VerificationError("x").exit_code == 4
    assert errors.BusyError("round 330802-2026-12", 1234).exit_code == 5
    for kind in (
        errors.UsageError,
        errors.GateError,
        errors.RoundStateError,
        errors.CalendarUnavailableError,
        errors.BusyError,
    ):
        assert issubclass(kind, errors.XinyongError)


def test_file_and_row_errors_name_the_file_row_column_and_rule() -> None:
    assert str(errors.InputFileError(Path("a/b.csv"), "no such file")) == "a/b.csv: no such file"
    row = errors.InputRowError("f.xlsx", 7, "codes", "codes_exclusive", "1 cannot be combined")
    assert str(row) == "f.xlsx: row 7, column 'codes': codes_exclusive: 1 cannot be combined"
    assert (row.row, row.column, row.rule) == (7, "codes", "codes_exclusive")


def test_a_busy_error_names_what_is_locked_and_the_pid_holding_it() -> None:
    busy = errors.BusyError("round 330802-2026-12", 1234)
    assert str(busy) == "round 330802-2026-12 is being changed by another process (pid 1234)"
    assert str(errors.BusyError("transparency log out/public/log", None)) == (
        "transparency log out/public/log is being changed by another process (pid unknown)"
    )
