"""The public site: every result with the public fields of docs/disclosure.md, nothing internal or
private, a transparency log that names any changed byte, and pages that work in a real browser from
disk and from a server."""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import json
import random
import shutil
import threading
from pathlib import Path

import polars as pl
import pytest

from tests.conftest import NOVEMBER, NOW
from tests.publish.mutation import assert_every_change_is_named
from xinyong.core.canonical import jsonl, records_of
from xinyong.errors import UsageError, VerificationError
from xinyong.ingest.contract import results_form
from xinyong.publish import translog
from xinyong.publish.leaks import find_leaks
from xinyong.publish.run import disclose
from xinyong.publish.site import public_record
from xinyong.publish.translog import verify_log
from xinyong.results.run import import_results, read_results, results_status
from xinyong.synth.outcomes import simulate_results
from xinyong.workspace.layout import log_entry
from xinyong.workspace.sheets import plain_csv

TODAY = dt.date(2026, 11, 27)
PUBLISHED = dt.date(2026, 11, 30)


@pytest.fixture(scope="module")
def site(november_round: Path, round_inputs: dict, tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("site") / "out"
    shutil.copytree(november_round, out)
    form = simulate_results(
        out, NOVEMBER, round_inputs["truth"], round_inputs["clean"], out / "form.xlsx", last_day=TODAY
    )
    import_results(out, form, today=TODAY, now=NOW)
    result = disclose(out, out / "public", round_inputs["clean"], today=PUBLISHED)
    return {"out": out, "public": out / "public", "result": result, "clean": round_inputs["clean"], "form": form}


def copy_of(site: dict, tmp_path: Path) -> dict:
    out = tmp_path / "out"
    shutil.copytree(site["out"], out)
    return {**site, "out": out, "public": out / "public"}


def test_every_result_is_published_with_the_public_fields_only(site: dict) -> None:
    records = json.loads((site["public"] / "downloads/results.json").read_bytes())
    stored = read_results(site["out"], NOVEMBER)
    assert len(records) == len(stored) == site["result"].records == site["result"].new > 300
    assert set(records[0]) == {
        "记录号",
        "抽查批次",
        "检查实施机关",
        "类型",
        "抽查计划",
        "抽查事项",
        "市场主体名称",
        "统一社会信用代码",
        "日期",
        "结果",
        "公示日期",
        "更正记录",
        "状态",
    }
    names = dict(pl.read_parquet(site["clean"] / "enterprises.parquet", columns=["uscc", "name"]).iter_rows())
    by_id = {r["id"]: r for r in stored}
    for record in records:
        own = by_id[record["记录号"]]
        assert record["统一社会信用代码"] == own["uscc"] and record["市场主体名称"] == names[own["uscc"]]
        assert record["日期"] == own["ended"] and record["公示日期"] == "2026-11-30" and record["状态"] == "有效"
    assert {r["检查实施机关"] for r in records} >= {"衢州市柯城区市场监督管理局"}
    downloads = site["public"] / "downloads"
    shown = [{k: str(v) for k, v in r.items()} for r in records]
    as_csv = pl.read_csv(downloads / "results.csv", infer_schema=False, empty_string_is_null=False)
    assert plain_csv(as_csv).to_dicts() == shown  # the CSV is the records, spreadsheet-escaped
    assert pl.read_excel(downloads / "results.xlsx", infer_schema_length=0).fill_null("").to_dicts() == shown
    assert all(s == "已公示" for s in results_status(site["out"], NOVEMBER, PUBLISHED)["status"])


def test_no_tier_score_reason_id_card_or_phone_anywhere_public(site: dict, round_inputs: dict) -> None:
    assert find_leaks(site["public"], [round_inputs["tiers_september"], round_inputs["tiers"]]) == []
    roster = pl.read_parquet(site["clean"] / "inspectors.parquet", columns=["id_card_no", "phone"])
    secrets = set(roster["id_card_no"]) | set(roster["phone"])
    for path in site["public"].rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            assert not [s for s in secrets if s in text], path
            assert "身份证" not in text and "电话" not in text, path


def test_published_files_are_readable_by_a_web_server_and_the_key_is_not(site: dict) -> None:
    import os
    import stat

    mask = os.umask(0)
    os.umask(mask)
    modes = {stat.S_IMODE(p.stat().st_mode) for p in site["public"].rglob("*") if p.is_file()}
    assert modes == {0o666 & ~mask} and (0o666 & ~mask) & 0o004
    key = site["out"] / "private" / "transparency-log.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600


def test_every_published_result_has_an_inclusion_proof_by_its_record_id(site: dict) -> None:
    from xinyong.core.canonical import CJ
    from xinyong.core.merkle import leaf_hash, verify_inclusion
    from xinyong.publish.checkpoint import Checkpoint, Verifier, b64decode, open_note
    from xinyong.publish.translog import prove_inclusion, record_index

    public = site["public"]
    latest = Checkpoint.parse(
        open_note((public / "log/checkpoint").read_text(), Verifier.parse((public / "log/key.txt").read_text()))
    )
    for record in json.loads((public / "downloads/results.json").read_bytes()):
        published = {k: v for k, v in record.items() if k != "状态"}
        proof = prove_inclusion(public, record_index(public, record["记录号"]))
        assert verify_inclusion(
            proof["index"],
            latest.size,
            leaf_hash(CJ({"kind": "disclosure", "record": published})),
            [b64decode(h, "p") for h in proof["proof"]],
            latest.root,
        )


def test_the_log_verifies_and_disclosing_again_changes_nothing(site: dict, tmp_path: Path) -> None:
    report = verify_log(site["public"])
    assert report.files == len(
        [p for p in site["public"].rglob("*") if p.is_file() and "log" not in p.relative_to(site["public"]).parts]
    )
    copy = copy_of(site, tmp_path)
    before = {p: p.read_bytes() for p in copy["public"].rglob("*") if p.is_file()}
    again = disclose(copy["out"], copy["public"], copy["clean"], today=PUBLISHED + dt.timedelta(days=3))
    assert again.new == 0 and again.log_size == site["result"].log_size
    assert {p: p.read_bytes() for p in copy["public"].rglob("*") if p.is_file()} == before


def test_a_correction_is_published_beside_the_record_it_corrects(site: dict, tmp_path: Path) -> None:
    copy = copy_of(site, tmp_path)
    saved = tmp_path / "checkpoint-before.txt"
    saved.write_bytes((copy["public"] / "log/checkpoint").read_bytes())
    target = read_results(copy["out"], NOVEMBER)[0]
    labels = {c.name: c.label for c in results_form().columns}
    fix = (
        pl.read_excel(copy["form"], infer_schema_length=0)
        .head(1)
        .with_columns(
            pl.lit("D" if target["codes"] == ["1"] else "1").alias(labels["codes"]),
            pl.lit(target["id"]).alias(labels["corrects"]),
        )
    )
    fix.write_csv(tmp_path / "fix.csv", include_bom=True)
    import_results(copy["out"], tmp_path / "fix.csv", today=TODAY, now=NOW)
    result = disclose(copy["out"], copy["public"], copy["clean"], today=dt.date(2026, 12, 2))
    assert result.new == 1
    records = {r["记录号"]: r for r in json.loads((copy["public"] / "downloads/results.json").read_bytes())}
    new = next(r for r in records.values() if r["更正记录"] == target["id"])
    assert records[target["id"]]["状态"] == f"已被 {new['记录号']} 更正" and new["公示日期"] == "2026-12-02"
    assert records[target["id"]]["公示日期"] == "2026-11-30"  # the original stays as it was published
    assert verify_log(copy["public"], since=saved).since == site["result"].log_size


def test_a_correction_and_the_record_it_corrects_link_to_each_other_in_a_browser(site: dict, tmp_path: Path) -> None:
    from tests.browser import ARTIFACTS, page

    copy = copy_of(site, tmp_path)
    target = read_results(copy["out"], NOVEMBER)[0]
    labels = {c.name: c.label for c in results_form().columns}
    fix = (
        pl.read_excel(copy["form"], infer_schema_length=0)
        .filter(pl.col(labels["uscc"]) == target["uscc"], pl.col(labels["plan"]) == target["plan"])
        .with_columns(
            pl.lit("D" if target["codes"] == ["1"] else "1").alias(labels["codes"]),
            pl.lit(target["id"]).alias(labels["corrects"]),
        )
    )
    fix.write_csv(tmp_path / "fix.csv", include_bom=True)
    import_results(copy["out"], tmp_path / "fix.csv", today=TODAY, now=NOW)
    disclose(copy["out"], copy["public"], copy["clean"], today=dt.date(2026, 12, 2))
    correction = next(r for r in read_results(copy["out"], NOVEMBER) if r["corrects"] == target["id"])
    with page() as (tab, errors):
        tab.goto((copy["public"] / "index.html").as_uri() + f"#{target['id']}")
        tab.wait_for_selector("#hits table")
        shown = tab.locator("#hits tbody tr")
        assert [shown.nth(i).get_attribute("id") for i in range(shown.count())] == [target["id"], correction["id"]]
        assert tab.inner_text(f"[id='{target['id']}'] td:last-child") == f"已被 {correction['id']} 更正"
        tab.click(f"[id='{target['id']}'] td:last-child a")  # to the correction, which links back
        tab.wait_for_function(f"document.getElementById('q').value === '{correction['id']}'")
        assert tab.inner_text(f"[id='{correction['id']}'] td:nth-child(11)") == f"更正 {target['id']}"
        tab.click(f"[id='{correction['id']}'] td:nth-child(11) a")
        tab.wait_for_function(f"document.getElementById('q').value === '{target['id']}'")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(ARTIFACTS / "disclosure-correction.png"), full_page=False)
        assert errors == []


def test_a_crash_while_publishing_leaves_nothing_public_unlogged_and_a_rerun_finishes(
    site: dict, tmp_path: Path, monkeypatch
) -> None:
    import xinyong.publish.run as disclosing

    copy = copy_of(site, tmp_path)
    (copy["public"] / "index.html").unlink()
    real = disclosing.fsio.write_bytes

    def crash_on_the_index(target: Path, data: bytes) -> None:
        if target.name == "index.html":
            raise KeyboardInterrupt  # the machine stops here
        real(target, data)

    monkeypatch.setattr(disclosing.fsio, "write_bytes", crash_on_the_index)
    with pytest.raises(KeyboardInterrupt):
        disclose(copy["out"], copy["public"], copy["clean"], today=PUBLISHED)
    monkeypatch.setattr(disclosing.fsio, "write_bytes", real)
    with pytest.raises(VerificationError) as caught:  # logged but not yet written: missing, never unlogged
        verify_log(copy["public"])
    assert str(caught.value).startswith("index.html: in log entry ")
    disclose(copy["out"], copy["public"], copy["clean"], today=PUBLISHED)
    assert verify_log(copy["public"]).size == site["result"].log_size


def test_many_random_single_byte_changes_are_each_detected_and_named(site: dict, tmp_path: Path) -> None:
    assert_every_change_is_named(copy_of(site, tmp_path)["public"], random.Random(20261127), 150)


def test_pages_load_search_and_downloads_in_a_real_browser(site: dict) -> None:
    from tests.browser import ARTIFACTS, page

    public = site["public"]
    records = json.loads((public / "downloads/results.json").read_bytes())
    firm = records[0]
    with page() as (tab, errors):
        tab.goto((public / "index.html").as_uri())
        assert "抽查检查结果" in tab.title()
        tab.fill("#q", firm["市场主体名称"])
        tab.wait_for_selector("#hits table")
        assert firm["统一社会信用代码"] in tab.inner_text("#hits")
        tab.fill("#q", firm["统一社会信用代码"])
        tab.wait_for_selector("#hits table")
        hits = tab.locator("#hits tbody tr")
        assert hits.count() == sum(1 for r in records if r["统一社会信用代码"] == firm["统一社会信用代码"])
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(ARTIFACTS / "disclosure-search.png"), full_page=False)
        tab.goto((public / "rounds" / f"{NOVEMBER}.html").as_uri())
        assert tab.locator("table.selected tbody tr").count() == len(
            (public / "rounds" / str(NOVEMBER) / "selected.jsonl").read_bytes().splitlines()
        )
        tab.screenshot(path=str(ARTIFACTS / "disclosure-round.png"), full_page=False)
        assert errors == []

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(public))
    handler.log_message = lambda *args: None
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        try:
            with page() as (tab, errors):
                tab.goto(base + "index.html")
                for link, name in (
                    ("downloads/results.xlsx", "results.xlsx"),
                    ("downloads/results.csv", "results.csv"),
                    ("downloads/results.json", "results.json"),
                ):
                    with tab.expect_download() as download:
                        tab.click(f"a[href='{link}']")
                    saved = Path(download.value.path())
                    assert download.value.suggested_filename == name
                    assert saved.read_bytes() == (public / link).read_bytes()
                assert errors == []
        finally:
            server.shutdown()


def test_a_disclosure_dated_before_an_inspection_ended_or_before_the_log_is_refused(
    small_world, tmp_path: Path
) -> None:
    from tests.crash import DISCLOSE_DAY, ROUND
    from xinyong.errors import UsageError

    out = Path(shutil.copytree(small_world.bases["disclose"], tmp_path / "out"))
    day = dt.date(2026, 11, 10)
    late = next(r for r in read_results(out, ROUND) if r["ended"] > day.isoformat())
    before = sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))
    with pytest.raises(UsageError) as caught:
        disclose(out, out / "public", small_world.clean, today=day)
    assert str(caught.value) == (
        f"round {ROUND}: result {late['id']} ({late['plan']} {late['uscc']}) ended on {late['ended']}, after the "
        f"disclosure date {day}; a result is published on or after the day its inspection ended"
    )
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == before
    disclose(out, out / "public", small_world.clean, today=DISCLOSE_DAY)
    with pytest.raises(UsageError) as caught:
        disclose(out, out / "public", small_world.clean, today=DISCLOSE_DAY - dt.timedelta(days=1))
    assert str(caught.value) == (
        f"{out / 'public' / 'log'}: the disclosure date 2026-11-29 is before 2026-11-30, the latest 公示日期 in the "
        "transparency log; publication dates never go back"
    )
    assert disclose(out, out / "public", small_world.clean, today=DISCLOSE_DAY + dt.timedelta(days=3)).new == 0
    assert verify_log(out / "public").size > 0


# -- attacks on the published record: each must fail verification ---------------------------------------------
def saved_checkpoint(copy: dict, tmp_path: Path) -> Path:
    saved = tmp_path / "checkpoint-before.txt"
    saved.write_bytes((copy["public"] / "log/checkpoint").read_bytes())
    return saved


def rewrite_store(copy: dict, change) -> Path:
    store = copy["out"] / "rounds" / str(NOVEMBER) / "results" / "results.jsonl"
    store.write_bytes(jsonl(change(records_of(store.read_bytes()))))
    return store


def violation(copy: dict) -> dict:
    return next(r for r in read_results(copy["out"], NOVEMBER) if set(r["codes"]) & set("ABCDE"))


def test_a_deleted_violation_result_is_refused_by_disclose_and_caught_by_verify(
    site: dict, tmp_path: Path, monkeypatch
) -> None:
    import xinyong.publish.run as disclosing

    copy = copy_of(site, tmp_path)
    saved, gone = saved_checkpoint(copy, tmp_path), violation(copy)
    index = translog.record_index(copy["public"], gone["id"])
    store = rewrite_store(copy, lambda records: [r for r in records if r["id"] != gone["id"]])
    before = {p: p.read_bytes() for p in copy["public"].rglob("*") if p.is_file()}
    with pytest.raises(UsageError) as caught:
        disclose(copy["out"], copy["public"], copy["clean"], today=PUBLISHED + dt.timedelta(days=1))
    assert str(caught.value) == (
        f"{store}: result {gone['id']} was published (transparency log entry {index}) but is no longer among the "
        "round's results; a published result stays published: restore results.jsonl (a change is a correction, a "
        "new record)"
    )
    assert {p: p.read_bytes() for p in copy["public"].rglob("*") if p.is_file()} == before
    monkeypatch.setattr(disclosing, "_check_kept", lambda *args: None)  # an operator's program without the check
    disclose(copy["out"], copy["public"], copy["clean"], today=PUBLISHED + dt.timedelta(days=1))
    for since in (None, saved):
        with pytest.raises(VerificationError) as caught:
            verify_log(copy["public"], since=since)
        assert str(caught.value) == (
            f"downloads/results.json: 记录号 {gone['id']} (log entry {index}) is missing from the site; a published "
            "result stays published unless a logged correction supersedes it"
        )


def test_a_result_rewritten_under_its_record_id_is_refused_by_disclose_and_caught_by_verify(
    site: dict, tmp_path: Path, monkeypatch
) -> None:
    import xinyong.publish.run as disclosing

    copy = copy_of(site, tmp_path)
    saved, changed = saved_checkpoint(copy, tmp_path), violation(copy)
    index = translog.record_index(copy["public"], changed["id"])
    published = translog.published_records(copy["public"])[changed["id"]][0]
    store = rewrite_store(copy, lambda records: [{**r, "codes": ["1"]} if r == changed else r for r in records])
    with pytest.raises(UsageError) as caught:
        disclose(copy["out"], copy["public"], copy["clean"], today=PUBLISHED + dt.timedelta(days=1))
    assert str(caught.value) == (
        f"{store}: result {changed['id']} now gives 结果 '未发现问题', but the transparency log published "
        f"{published['结果']!r} under that 记录号 (entry {index}); a published result never changes: restore it, and "
        "enter a change as a correction (更正记录号)"
    )

    real = disclosing._public

    def rewriting(out, rnd, result, names, items, logged, today):  # an operator's program: the store as it is now
        if result["id"] != changed["id"]:
            return real(out, rnd, result, names, items, logged, today)
        return public_record(result, rnd.plans[result["plan"]], names.get(result["uscc"], ""), items, str(today))

    monkeypatch.setattr(disclosing, "_public", rewriting)
    after = disclose(copy["out"], copy["public"], copy["clean"], today=PUBLISHED + dt.timedelta(days=1))
    assert after.new == 0  # the 记录号 was published already: it is the same 记录号, logged again
    again = next(
        i
        for i, e in enumerate(translog.entries(copy["public"]))
        if e.get("record", {}).get("记录号") == changed["id"] and i != index
    )
    size = len(translog.entries(copy["public"]))
    for since in (None, saved):
        with pytest.raises(VerificationError) as caught:
            verify_log(copy["public"], since=since)
        assert str(caught.value) == (
            f"{log_entry(again, size)}: 记录号 {changed['id']} is logged with other content "
            f"in entry {index}; a published result never changes (a correction is a new record)"
        )


def test_a_backdated_publication_is_caught_by_verify(site: dict, tmp_path: Path, monkeypatch) -> None:
    """disclose refuses a day before the log's latest 公示日期 (tested above); an operator's program that does not
    logs a correction dated before the results already published."""
    import xinyong.publish.run as disclosing

    copy = copy_of(site, tmp_path)
    saved, target = saved_checkpoint(copy, tmp_path), read_results(copy["out"], NOVEMBER)[0]
    labels = {c.name: c.label for c in results_form().columns}
    fix = (
        pl.read_excel(copy["form"], infer_schema_length=0)
        .filter(pl.col(labels["uscc"]) == target["uscc"], pl.col(labels["plan"]) == target["plan"])
        .with_columns(
            pl.lit("D" if target["codes"] == ["1"] else "1").alias(labels["codes"]),
            pl.lit(target["id"]).alias(labels["corrects"]),
        )
    )
    fix.write_csv(tmp_path / "fix.csv", include_bom=True)
    import_results(copy["out"], tmp_path / "fix.csv", today=TODAY, now=NOW)
    monkeypatch.setattr(disclosing, "_check_day", lambda *args: None)
    disclose(copy["out"], copy["public"], copy["clean"], today=TODAY)
    logged = translog.entries(copy["public"])
    index = next(i for i, e in enumerate(logged) if e.get("record", {}).get("更正记录") == target["id"])
    previous = max(i for i, e in enumerate(logged[:index]) if e["kind"] == "disclosure")
    for since in (None, saved):
        with pytest.raises(VerificationError) as caught:
            verify_log(copy["public"], since=since)
        assert str(caught.value) == (
            f"{log_entry(index, len(logged))}: 记录号 {logged[index]['record']['记录号']}: 公示日期 "
            f"{TODAY} is before {PUBLISHED}, that of entry {previous} logged before it; publication dates never go "
            "back"
        )


def _intermediate_checkpoint(public: Path) -> str:
    named = [e["size"] for e in translog.entries(public) if e.get("kind") == "checkpoint"]
    (public / f"log/checkpoints/{named[1]}.txt").unlink()
    index = next(
        i for i, e in enumerate(translog.entries(public)) if e.get("kind") == "checkpoint" and e["size"] == named[1]
    )
    return (
        f"log/checkpoints/{named[1]}.txt: missing; {log_entry(index, len(translog.entries(public)))} says the log "
        "extended it, and a signed checkpoint is never removed"
    )


def _unlogged_log_page(public: Path) -> str:
    (public / "log" / "results.html").write_bytes((public / "index.html").read_bytes())
    return "log/results.html: not a file of the transparency log (its checkpoints, tiles, entry bundles and keys)"


def _linked_pages(public: Path) -> str:
    pages = public.parent / "pages"
    pages.mkdir()
    (pages / "更正.html").write_text("<html>未发现问题</html>", encoding="utf-8")
    (public / "rounds" / "more").symlink_to(pages, target_is_directory=True)
    return "rounds/more: a symbolic link; a published site holds only its own files and folders, never a link"


def _dot_file(public: Path) -> str:
    (public / "downloads" / ".results.json").write_bytes(b"[]\n")
    return "downloads/.results.json: a hidden file (its name starts with a dot), not in the transparency log"


@pytest.mark.parametrize(
    "attack",
    [_unlogged_log_page, _linked_pages, _dot_file, _intermediate_checkpoint],
    ids=[
        "an unlogged page under log/",
        "a symlinked folder of pages",
        "a dot-file",
        "a deleted intermediate checkpoint",
    ],
)
def test_folder_attacks_are_caught_by_verify(site: dict, tmp_path: Path, attack) -> None:
    copy = copy_of(site, tmp_path)
    saved = saved_checkpoint(copy, tmp_path)
    message = attack(copy["public"])
    for since in (None, saved):
        with pytest.raises(VerificationError) as caught:
            verify_log(copy["public"], since=since)
        assert str(caught.value) == message
