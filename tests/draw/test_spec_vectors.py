"""Every test vector of xinyong-draw-v1 and of xinyong-draw-v2 (docs/draw-spec.md, "Test vectors"), byte for byte.

Each vector is tested here and only here."""

from __future__ import annotations

import pytest

from xinyong.core import uscc
from xinyong.core.canonical import CJ, H, jsonl, lines_of, mth
from xinyong.draw.allocation import allocate
from xinyong.draw.keys import derive_seed, inspector_key, unit_key

C = "ec36db964263640d77afaa3534dc7751ef9db0aa15b69c1da25cdef10b979d6a"
VALUE = "31415 92653 58979"
SEED = "02efbe14ca2b4d59a6d7e83b7cef9b704e169207bcea8f56c4e0f39b9dd586a1"


def test_commitment_hash_of_the_canonical_json() -> None:
    assert H(CJ({"spec": "xinyong-draw-v1", "round": "330802-2026-12"})) == C


def test_seed() -> None:
    assert derive_seed(C, VALUE).hex() == SEED


@pytest.mark.parametrize(
    ("firm", "key"),
    [
        ("91330802725854134A", "2ac2247ce0201fcf027e1efda209b1b9a7b72c1174f1e17614e8a92672852b1a"),
        ("91330802MA29U0QJ36", "9e014c617a73766a0ba67ecba73879c4135593131808ff12a6dbefa6d421322d"),
    ],
)
def test_unit_keys(firm: str, key: str) -> None:
    assert unit_key(bytes.fromhex(SEED), "P01", firm).hex() == key


@pytest.mark.parametrize(
    ("firm", "key"),
    [
        ("91330802725854134A", "6359213dfcc12edbe53a96199ae03f78ec27d9fe0d339fc73c59899201e5936f"),
        ("91330802MA29U0QJ36", "22004e82906e0d6c247c365564397a20f920ec0b7dbbb57805bec08b59d8095a"),
    ],
)
def test_inspector_keys(firm: str, key: str) -> None:
    assert inspector_key(bytes.fromhex(SEED), "P01", firm, "INS-0001").hex() == key


def test_frame_lines_and_their_merkle_tree_hash() -> None:
    records = [
        {"plan": "P01", "salt": "0" * 32, "stratum": "D", "uscc": "91330802725854134A"},
        {"plan": "P01", "salt": "0" * 32, "stratum": "A", "uscc": "91330802MA29U0QJ36"},
    ]
    data = jsonl(records)
    assert data == (
        b'{"plan":"P01","salt":"00000000000000000000000000000000","stratum":"D","uscc":"91330802725854134A"}\n'
        b'{"plan":"P01","salt":"00000000000000000000000000000000","stratum":"A","uscc":"91330802MA29U0QJ36"}\n'
    )
    assert mth(lines_of(data)) == "2199ca1a8e8505708b0b9f8299dd3a547c8422a8dc5f4fbb0f1dc71a479136f9"


def test_empty_merkle_tree_hash() -> None:
    assert mth([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def test_ratio_allocation() -> None:
    allocation = {"mode": "ratio", "ratios": {"A": "0.03", "D": "0.3"}, "min": {"A": 1}}
    assert allocate(allocation, {"A": 10, "B": 7, "D": 11}) == {"A": 1, "B": 0, "D": 4}


def test_count_allocation() -> None:
    allocation = {"mode": "count", "n": 10, "weights": {"D": "3"}}
    assert allocate(allocation, {"A": 50, "B": 30, "D": 4}) == {"A": 6, "B": 3, "D": 1}


def test_uscc_check_vector() -> None:
    assert uscc.is_valid("91110000600037341L")


def test_canonical_json_refuses_floats() -> None:
    with pytest.raises(TypeError, match="floats are not allowed"):
        CJ({"ratio": 0.05})


def test_the_v1_vectors_in_docs_draw_spec_are_the_code_s() -> None:
    """The published document's v1 vectors are the values the code computes (each line checked)."""
    import re

    from tests.conftest import REPO

    text = (REPO / "docs" / "draw-spec.md").read_text(encoding="utf-8").split("### v1 test vectors", 1)[1]
    seed = bytes.fromhex(re.search(r"^seed = ([0-9a-f]{64})$", text, re.M).group(1))
    c = re.search(r"^  = ([0-9a-f]{64})$", text, re.M).group(1)
    value = re.search(r'^value = "(.+)"$', text, re.M).group(1)
    assert H(CJ({"spec": "xinyong-draw-v1", "round": "330802-2026-12"})) == c
    assert derive_seed(c, value) == seed
    units = re.findall(r"^unit_key\((\w+), (\w+)\) = ([0-9a-f]{64})$", text, re.M)
    inspectors = re.findall(r"^inspector_key\((\w+), (\w+), ([\w-]+)\) = ([0-9a-f]{64})$", text, re.M)
    assert len(units) == len(inspectors) == 2
    for plan, firm, key in units:
        assert unit_key(seed, plan, firm).hex() == key
    for plan, firm, inspector, key in inspectors:
        assert inspector_key(seed, plan, firm, inspector).hex() == key
    frame = re.findall(r"^  (\{.+\})$", text, re.M)
    assert len(frame) == 2
    tree = re.search(r"^MTH of these two lines = ([0-9a-f]{64})$", text, re.M).group(1)
    assert mth(lines_of("".join(f"{line}\n" for line in frame).encode())) == tree
    assert mth([]) == re.search(r"^MTH\(\[\]\) = ([0-9a-f]{64})$", text, re.M).group(1)
    assert uscc.is_valid(re.search(r"^USCC check: (\w+) is valid$", text, re.M).group(1))


# -- xinyong-draw-v2 (spec v2 §10) ----------------------------------------------------------------------------
C2 = "a2cda5b364e74b6d6ab1d0478e988f16040878245a3b31d4becbb3d47ef22183"
SIGNATURE = "b713718a38ae728dfd477991af2822e08d2f305e47718cef9f7848ce4050e7be41076862b98fad56e91a6b85b89cd97b"
R1 = "fc1873a13f3545aeade8401532ef5519920652eee6b0d2b19ca12643b87b3587"
SEED2 = "d0537c9e4e6d7c6a73acfc5e7f748da60dd621e1d7a9ca61a653e541542744ec"


def test_v2_commitment_hash() -> None:
    assert H(CJ({"spec": "xinyong-draw-v2", "round": "330802-2026-12"})) == C2


def test_quicknet_round_657413_verifies_and_its_output_is_drands_randomness() -> None:
    from xinyong.draw.sources import QUICKNET, Drand, drand_output

    assert QUICKNET.round_time(657413).isoformat() == "2023-09-15T11:00:03+00:00"
    assert drand_output(Drand(QUICKNET.hash, 657413), SIGNATURE) == R1


def test_the_same_signature_as_round_657414_does_not_verify() -> None:
    from xinyong.draw.sources import QUICKNET, Drand, drand_output
    from xinyong.errors import SourceError

    with pytest.raises(SourceError) as error:
        drand_output(Drand(QUICKNET.hash, 657414), SIGNATURE)
    assert str(error.value) == (
        "the signature does not verify for round 657414 of League of Entropy quicknet: it is not that round's value"
    )


def test_v2_seed_of_a_drand_and_an_announced_source() -> None:
    from xinyong.draw.keys import derive_seed_v2
    from xinyong.draw.sources import QUICKNET, Announced, Drand, outputs

    r = outputs([Drand(QUICKNET.hash, 657413), Announced("…")], [SIGNATURE, "31415 92653 58979"])
    assert CJ(r) == f'["{R1}","31415 92653 58979"]'.encode()
    assert derive_seed_v2(C2, r).hex() == SEED2


@pytest.mark.parametrize(
    ("firm", "salt", "key"),
    [
        ("91330802725854134A", "0" * 32, "26aa8beb5473553a3ec11803b88043feb135d63c279532122bd161d7b0a0e63d"),
        (
            "91330802MA29U0QJ36",
            "0123456789abcdef0123456789abcdef",
            "3b1fe7161da3d804ecb2ed459829569956ebf7dc6fcd4a765ad99f4ab834c58d",
        ),
    ],
)
def test_v2_salted_unit_keys(firm: str, salt: str, key: str) -> None:
    from xinyong.draw.keys import V2

    assert unit_key(bytes.fromhex(SEED2), "P01", firm, version=V2, salt=salt).hex() == key


def test_v2_inspector_key() -> None:
    from xinyong.draw.keys import V2

    key = inspector_key(bytes.fromhex(SEED2), "P01", "91330802725854134A", "INS-0001", version=V2)
    assert key.hex() == "680b5810ce80059003a4793742e12d76d293327ec9e6c48b51cdb13b75eb33e1"


def test_targets_lines_and_targets_root() -> None:
    data = jsonl(
        [
            {"legal_rep": "LR-0001", "station": "府山所", "uscc": "91330802725854134A"},
            {"legal_rep": "LR-0002", "station": "衢化所", "uscc": "91330802MA29U0QJ36"},
        ]
    )
    assert (
        data
        == (
            '{"legal_rep":"LR-0001","station":"府山所","uscc":"91330802725854134A"}\n'
            '{"legal_rep":"LR-0002","station":"衢化所","uscc":"91330802MA29U0QJ36"}\n'
        ).encode()
    )
    assert mth(lines_of(data)) == "8f31f2918588a7d3a10708cb6ead5021623eae6d4ccf5cb9fc56fe08377f778f"


@pytest.mark.parametrize(
    ("value", "r"), [("05,12,17,22,28,33+14", "05 12 17 22 28 33 14"), ("福彩 ０５ １２ / 33", "05 12 33")]
)
def test_announced_values_normalise_to_their_digit_runs(value: str, r: str) -> None:
    from xinyong.draw.sources import announced_output

    assert announced_output(value) == r


def test_the_v2_vectors_in_docs_draw_spec_are_the_code_s() -> None:
    """The published document's §10 states the values the code computes (each line checked)."""
    import re

    from tests.conftest import REPO
    from xinyong.draw.keys import V2, derive_seed_v2
    from xinyong.draw.sources import QUICKNET, Drand, announced_output, drand_output
    from xinyong.errors import SourceError

    document = (REPO / "docs" / "draw-spec.md").read_text(encoding="utf-8")
    text = document.split("## §10 Test vectors", 1)[1].split("## The v1 contract", 1)[0]
    c = re.search(r"^  = ([0-9a-f]{64})$", text, re.M).group(1)
    assert H(CJ({"spec": "xinyong-draw-v2", "round": "330802-2026-12"})) == c
    found = re.search(r"^quicknet round (\d+) \(t = (\S+)\) signature = ([0-9a-f]{96})$", text, re.M)
    round_number, signature = int(found.group(1)), found.group(3)
    assert QUICKNET.round_time(round_number).strftime("%Y-%m-%dT%H:%M:%SZ") == found.group(2)
    r1 = re.search(r"^  verifies; r = ([0-9a-f]{64})$", text, re.M).group(1)
    assert drand_output(Drand(QUICKNET.hash, round_number), signature) == r1
    wrong = int(re.search(r"^  the same signature for round (\d+) does not verify$", text, re.M).group(1))
    with pytest.raises(SourceError):
        drand_output(Drand(QUICKNET.hash, wrong), signature)
    value = re.search(r'values \[that signature, "(.+)"\]:$', text, re.M).group(1)
    outputs = [r1, announced_output(value)]
    assert CJ(outputs).decode() == re.search(r"^  CJ\(\[r_1, r_2\]\) = (.+)$", text, re.M).group(1)
    seed = derive_seed_v2(c, outputs)
    assert seed.hex() == re.search(r"^  seed = ([0-9a-f]{64})$", text, re.M).group(1)
    units = re.findall(r"^unit_key\((\w+), (\w+), ([0-9a-f]{32})\) = ([0-9a-f]{64})$", text, re.M)
    inspectors = re.findall(r"^inspector_key\((\w+), (\w+), ([\w-]+)\) = ([0-9a-f]{64})$", text, re.M)
    assert len(units) == 2 and len(inspectors) == 1
    for plan, firm, salt, key in units:
        assert unit_key(seed, plan, firm, version=V2, salt=salt).hex() == key
    for plan, firm, inspector, key in inspectors:
        assert inspector_key(seed, plan, firm, inspector, version=V2).hex() == key
    targets = re.findall(r"^  (\{.+\})$", text, re.M)
    assert len(targets) == 2
    root = re.search(r"^targets_root of these two lines = ([0-9a-f]{64})$", text, re.M).group(1)
    assert mth(lines_of("".join(f"{line}\n" for line in targets).encode())) == root
    announced = re.findall(r'^announced "(.+)" -> r = "(.+)"$', text, re.M)
    assert len(announced) == 2
    for given, r in announced:
        assert announced_output(given) == r
