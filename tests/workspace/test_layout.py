"""Every folder and file name in one place: a round's folders, the public site, the private key."""

from __future__ import annotations

from pathlib import Path

from xinyong.core.ids import RoundId
from xinyong.workspace.layout import PUBLIC_ROUND_FILES, RoundPaths, clean_table, private_key, quarantine_table

ROUND = RoundId.parse("330802-2026-12", "test")


def test_a_round_lives_under_rounds_and_its_public_files_under_public(tmp_path: Path) -> None:
    paths = RoundPaths(tmp_path, ROUND)
    assert paths.folder == tmp_path / "rounds" / "330802-2026-12"
    assert [
        p.relative_to(paths.folder).as_posix() for p in (paths.audit, paths.internal, paths.tasks, paths.results)
    ] == [
        "audit",
        "internal",
        "tasks",
        "results",
    ]
    assert paths.public == tmp_path / "public" / "rounds" / "330802-2026-12"
    assert paths.public_root == tmp_path / "public"


def test_task_lists_and_forms_are_named_for_the_round(tmp_path: Path) -> None:
    paths = RoundPaths(tmp_path, ROUND)
    assert paths.task_list("市场监管").name == "330802-2026-12-市场监管"
    assert (
        paths.inspector_list("INS-00001", "张三").relative_to(paths.tasks).as_posix()
        == "inspectors/330802-2026-12-INS-00001-张三"
    )
    assert paths.notices.name == "330802-2026-12-告知清单"
    notice = paths.notice("P01", "91330802MA2X8K4N1B", "衢州/某某:公司\u202e.")
    assert (
        notice.relative_to(paths.tasks).as_posix() == "告知书/330802-2026-12-P01-91330802MA2X8K4N1B-衢州_某某_公司_.pdf"
    )
    assert paths.notice("P01", "X", "衢" * 100).name == f"330802-2026-12-P01-X-{'衢' * 40}.pdf"  # 255 bytes at most
    assert paths.results_form.name == "330802-2026-12-检查结果录入表"
    assert paths.simulated_form.parent == paths.results and "模拟" in paths.simulated_form.name


def test_the_private_key_lives_beside_the_public_folder_never_in_it(tmp_path: Path) -> None:
    key = private_key(tmp_path / "site" / "public")
    assert key == (tmp_path / "site" / "private" / "transparency-log.key").resolve()
    assert (tmp_path / "site" / "public").resolve() not in key.parents


def test_clean_tables_and_their_quarantine(tmp_path: Path) -> None:
    assert clean_table(tmp_path, "enterprises") == tmp_path / "enterprises.parquet"
    assert quarantine_table(tmp_path, "enterprises") == tmp_path / "quarantine" / "enterprises.csv"


def test_only_the_spec_files_of_a_round_are_public() -> None:
    assert PUBLIC_ROUND_FILES == ("commitment.json", "randomness.json", "plans.json", "selection.jsonl")
