"""Atomic writes: a finished file or the old one, never a torn one, and no temporary file left behind."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import polars as pl
import pytest

from xinyong.workspace import fsio


def test_a_write_that_fails_halfway_leaves_the_old_file_and_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "page.html"
    target.write_text("old")
    with pytest.raises(RuntimeError), fsio.atomic_path(target) as tmp:
        tmp.write_text("half of the new")
        raise RuntimeError("killed")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.html"]


def test_a_finished_file_gets_the_normal_mode_not_mkstemps_0600(tmp_path: Path) -> None:
    fsio.write_bytes(tmp_path / "sub" / "a.txt", b"x")
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE((tmp_path / "sub" / "a.txt").stat().st_mode) == 0o666 & ~mask


def test_json_for_people_is_stable_and_keeps_chinese(tmp_path: Path) -> None:
    fsio.write_json(tmp_path / "m.json", {"b": 1, "a": "抽查"})
    assert (tmp_path / "m.json").read_bytes() == '{\n  "a": "抽查",\n  "b": 1\n}\n'.encode()


def test_csv_for_excel_starts_with_a_byte_order_mark(tmp_path: Path) -> None:
    fsio.write_csv(tmp_path / "t.csv", pl.DataFrame({"名称": ["某公司"]}), bom=True)
    assert (tmp_path / "t.csv").read_bytes() == "\ufeff名称\n某公司\n".encode()


def test_staged_files_move_in_with_the_marker_last(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    staging, out = tmp_path / "staging", tmp_path / "out"
    for name in ("manifest.json", "a.parquet", "sub/b.csv"):
        (staging / name).parent.mkdir(parents=True, exist_ok=True)
        (staging / name).write_text(name)
    moved: list[str] = []
    real = os.replace
    monkeypatch.setattr(fsio.os, "replace", lambda a, b: (moved.append(Path(b).name), real(a, b)))
    fsio.publish_staged(staging, out, last="manifest.json")
    assert moved[-1] == "manifest.json" and sorted(moved) == ["a.parquet", "b.csv", "manifest.json"]
    assert (out / "sub" / "b.csv").read_text() == "sub/b.csv"


def test_a_staged_move_cut_short_leaves_no_old_marker_beside_new_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    staging, out = tmp_path / "staging", tmp_path / "out"
    for folder, text in ((out, "old"), (staging, "new")):
        for name in ("manifest.json", "a.parquet", "b.parquet"):
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text)
    real = os.replace

    def cut_short(source: str, target: str) -> None:
        if Path(target).name == "b.parquet":
            raise KeyboardInterrupt  # the machine stops here
        real(source, target)

    monkeypatch.setattr(fsio.os, "replace", cut_short)
    with pytest.raises(KeyboardInterrupt):
        fsio.publish_staged(staging, out, last="manifest.json")
    assert (out / "a.parquet").read_text() == "new" and (out / "b.parquet").read_text() == "old"
    assert not (out / "manifest.json").exists()  # so no reader takes the mix for a finished output


def test_a_durable_write_flushes_the_file_and_its_folder_and_a_mode_can_be_asked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    flushed: list[str] = []
    real = os.fsync

    def fsync(descriptor: int) -> None:
        flushed.append(os.readlink(f"/proc/self/fd/{descriptor}"))
        real(descriptor)

    monkeypatch.setattr(fsio.os, "fsync", fsync)
    fsio.write_bytes(tmp_path / "key", b"secret", durable=True, mode=0o600)
    assert len(flushed) == 2 and Path(flushed[0]).name.startswith(".key.") and flushed[1] == str(tmp_path)
    assert stat.S_IMODE((tmp_path / "key").stat().st_mode) == 0o600
    fsio.write_bytes(tmp_path / "page", b"x")
    assert len(flushed) == 2  # an ordinary write is not flushed


def test_an_xlsx_of_the_same_sheets_is_the_same_bytes_whenever_it_is_written(tmp_path: Path) -> None:
    import zipfile

    sheets = {
        "计划": pl.DataFrame({"计划编号": ["P01", "P02"], "抽取户数": [156, 104]}),
        "问题": pl.DataFrame({"说明": ["无"]}),
    }
    fsio.write_xlsx(tmp_path / "a.xlsx", sheets)
    fsio.write_xlsx(tmp_path / "b.xlsx", sheets)
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    # no clock inside: xlsxwriter would stamp the creation time with now(), the zip entries a fixed 1980-01-01
    core = zipfile.ZipFile(tmp_path / "a.xlsx").read("docProps/core.xml").decode()
    assert '<dcterms:created xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z</dcterms:created>' in core
    assert {info.date_time for info in zipfile.ZipFile(tmp_path / "a.xlsx").infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert pl.read_excel(tmp_path / "b.xlsx", sheet_name="计划").equals(sheets["计划"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.xlsx", "b.xlsx"]


def test_text_in_an_xlsx_is_never_a_formula(tmp_path: Path) -> None:
    import zipfile

    names = pl.DataFrame({"市场主体名称": ['=HYPERLINK("http://example.invalid","点此")', "=1+1", "+86 某公司"]})
    fsio.write_xlsx(tmp_path / "t.xlsx", {"清单": names})
    sheet = zipfile.ZipFile(tmp_path / "t.xlsx").read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet  # no cell holds a formula
    assert pl.read_excel(tmp_path / "t.xlsx", sheet_name="清单").equals(names)
