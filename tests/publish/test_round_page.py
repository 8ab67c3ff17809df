"""A round's page on the site (publish/site.py, ``_round_page``): under draw spec v2 what was named in advance, the
values and the seed, each plan's counts, the selected firms without keys and who attested; a v1 round as it was."""

from __future__ import annotations

import json
import posixpath
import re
from pathlib import Path

import polars as pl

from xinyong.core.canonical import CJ, H, jsonl
from xinyong.core.ids import RoundId
from xinyong.draw.keys import derive_seed_v2
from xinyong.draw.sources import QUICKNET
from xinyong.publish.checkpoint import Signer, key_hash
from xinyong.publish.leaks import find_leaks
from xinyong.publish.site import Round, build_site

ROUND = RoundId.parse("330802-2026-12", "test")
SIGNATURE = "b713718a38ae728dfd477991af2822e08d2f305e47718cef9f7848ce4050e7be41076862b98fad56e91a6b85b89cd97b"
R_657413 = "fc1873a13f3545aeade8401532ef5519920652eee6b0d2b19ca12643b87b3587"
PLAN = {
    "id": "P01",
    "name": "企业公示信息双随机抽查",
    "departments": ["市场监管"],
    "items": ["SJ-SC-01"],
    "team_size": 2,
    "allocation": {"mode": "ratio", "ratios": {"A": "0.01", "B": "0.02", "C": "0.05", "D": "0.2"}},
}
USCCS = ["91330802MA28F3E81X", "91330802MA28GFPR6W"]
COMMITMENT = CJ(
    {
        "spec": "xinyong-draw-v2",
        "round": str(ROUND),
        "sizes": {"P01": {"frame": 180, "selected": 2}},
        "parent": None,
        "randomness": {
            "sources": [
                {"chain": QUICKNET.hash, "kind": "drand", "round": 657413},
                {"description": "福利彩票双色球 2023-09-15 开奖号码", "kind": "announced"},
            ]
        },
    }
)
RANDOMNESS = CJ({"commitment": H(COMMITMENT), "round": str(ROUND), "values": [SIGNATURE, "31415 92653 58979"]})
SELECTED = jsonl({"plan": "P01", "uscc": u} for u in USCCS)
AUDITOR = Signer.generate("纪检监察组")
DRAND_657413 = (
    f"drand 公共随机信标 League of Entropy quicknet 链（链哈希 {QUICKNET.hash}）第 657413 轮，"
    "产生于 2023-09-15 11:00:03 UTC（北京时间 2023-09-15 19:00:03）；该轮产生后，任何人可在 drand 的公开接口 "
    f"https://api.drand.sh/{QUICKNET.hash}/public/657413 取得它的公布值（signature）"
)


def v2_round(*, revealed: bool = True, attested: bool = True) -> Round:
    files = {"commitment.json": COMMITMENT, "plans.json": CJ([PLAN]), "selected.jsonl": SELECTED}
    if revealed:
        files["randomness.json"] = RANDOMNESS
    if attested:
        files[f"attestations/纪检监察组-{key_hash(AUDITOR.name, AUDITOR.verifier.public).hex()}.txt"] = AUDITOR.sign(
            "xinyong-draw-v2/attestation\n330802-2026-12\n" + "0" * 64 + "\n" + "1" * 64 + "\n" + "2" * 64 + "\n"
        ).encode("utf-8")
    return Round(ROUND, files, [])


def page_of(rnd: Round) -> str:
    names = {USCCS[0]: "衢州某某商贸有限公司", USCCS[1]: "衢州某某餐饮店"}
    return build_site("330802", [rnd], [], names)[f"rounds/{ROUND}.html"].decode("utf-8")


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_a_v2_round_shows_its_sources_values_seed_counts_and_attestations_but_no_key() -> None:
    page = text(page_of(v2_round()))
    seed = derive_seed_v2(H(COMMITMENT), [R_657413, "31415 92653 58979"]).hex()
    assert f"{DRAND_657413}。 公布值 {SIGNATURE} ，取值 r = {R_657413}" in page
    assert (
        "事先公开宣布的数值：福利彩票双色球 2023-09-15 开奖号码。 公布值 31415 92653 58979 ，取值 r = 31415 92653 58979"
        in page
    )
    assert f"种子 {seed}" in page and f"SHA-256 {H(COMMITMENT)}" in page
    assert (
        "计划编号 抽查计划 检查实施机关 类型 抽查名录户数 应抽户数 已抽户数 "
        "P01 企业公示信息双随机抽查 衢州市柯城区市场监督管理局 双随机抽查 180 2 2"
    ) in page
    assert f"签名方 密钥编号 签名文件 纪检监察组 {key_hash(AUDITOR.name, AUDITOR.verifier.public).hex()}" in page
    assert f"P01 {USCCS[0]} 衢州某某商贸有限公司 P01 {USCCS[1]} 衢州某某餐饮店" in page
    assert "市场主体名称 随机键值" not in page and "selection.jsonl" not in page and "xinyong-draw-v1" not in page


def links(html: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', html))


def test_a_committed_round_not_yet_drawn_names_its_sources_in_words_and_links_only_to_its_files() -> None:
    """Before the reveal a round has only its commitment and plans: the page says which drand round (its chain, its
    number, when it is produced in UTC and 北京时间, where its value will be) and which announced value it waits for,
    and says 待抽取 where counts and firms will be — no 已抽户数 0, no link to randomness.json or selected.jsonl."""
    rnd = Round(ROUND, {"commitment.json": COMMITMENT, "plans.json": CJ([PLAN])}, [])
    html = page_of(rnd)
    page = text(html)
    lottery = "事先公开宣布的数值：福利彩票双色球 2023-09-15 开奖号码。"
    assert f"随机数来源（承诺中事先指定） {DRAND_657413}。 {lottery} 尚未取得随机数" in page
    assert (
        "衢州市柯城区市场监督管理局 双随机抽查 180 2 待抽取" in page and "抽中名单 待抽取：取得随机数后公布。" in page
    )
    assert not re.search("公布值 [0-9a-f]", page) and "0 户" not in page
    assert {link for link in links(html) if not link.startswith(("../", "https://api.drand.sh/", "data:"))} == {
        f"{ROUND}/commitment.json",
        f"{ROUND}/plans.json",
    }
    index = text(build_site("330802", [rnd], [], {})["index.html"].decode("utf-8"))
    assert f"2026年12月 · 批次 {ROUND} · 已公布承诺，待取得随机数后抽取 抽查计划 参与部门 抽中户数 已公示结果 " in index
    assert "企业公示信息双随机抽查 市场监管 待抽取 —" in index


def test_every_link_of_a_drawn_rounds_page_is_to_a_file_of_the_site() -> None:
    rnd = v2_round()
    site = build_site("330802", [rnd], [], {})
    published = set(site) | {f"rounds/{ROUND}/{name}" for name in rnd.files}
    here = f"rounds/{ROUND}.html"
    local = {
        posixpath.normpath(posixpath.join("rounds", link))
        for link in links(site[here].decode("utf-8"))
        if not link.startswith(("https://", "data:", "#"))
    }
    assert local - published == set() and f"rounds/{ROUND}/selected.jsonl" in local


def test_a_v2_round_before_its_reveal_and_its_attestations_says_so() -> None:
    page = text(page_of(v2_round(revealed=False, attested=False)))
    assert "尚未取得随机数" in page and "尚无审计方签名" in page and "：公布值" not in page
    assert not re.search("种子 [0-9a-f]{64}", page)


def test_a_supplementary_rounds_page_names_its_parent() -> None:
    supplement = RoundId.parse("330802-2026-12-S1", "test")
    commitment = CJ(
        {**json.loads(COMMITMENT), "round": str(supplement), "parent": {"round": str(ROUND), "commitment": "0" * 64}}
    )
    rnd = Round(supplement, {"commitment.json": commitment, "plans.json": CJ([PLAN]), "selected.jsonl": SELECTED}, [])
    html = build_site("330802", [rnd], [], {})[f"rounds/{supplement}.html"].decode("utf-8")
    assert f'<a href="{ROUND}.html">{ROUND}</a> 的补充抽取（补抽）' in html


def test_nothing_on_a_v2_rounds_page_names_internal_data(tmp_path: Path) -> None:
    folder = tmp_path / "public"
    for path, data in build_site("330802", [v2_round()], [], {}).items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(data)
    tiers = tmp_path / "internal" / "tiers.parquet"
    tiers.parent.mkdir()
    pl.DataFrame({"uscc": USCCS, "score": [0.4123456, 0.0512345], "tier": ["D", "A"]}).write_parquet(tiers)
    assert find_leaks(folder, [tiers]) == []


def test_a_v1_round_is_shown_as_it_was_published_with_its_keys() -> None:
    commitment = CJ({"spec": "xinyong-draw-v1", "randomness": {"source": "福利彩票双色球 2026-12-01 开奖号码"}})
    files = {
        "commitment.json": commitment,
        "plans.json": CJ([PLAN]),
        "randomness.json": CJ({"commitment": H(commitment), "round": str(ROUND), "value": "07 12 19"}),
        "selection.jsonl": jsonl({"key": "ab" * 32, "plan": "P01", "uscc": u} for u in USCCS),
    }
    page = text(page_of(Round(ROUND, files, [])))
    assert "公开随机数（承诺公布后才产生）： 07 12 19 ；来源：福利彩票双色球 2026-12-01 开奖号码" in page
    assert f"P01 {USCCS[0]} 衢州某某商贸有限公司 {'ab' * 32}" in page and "xinyong-draw-v1/unit" in page
