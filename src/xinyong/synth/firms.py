"""Market entities of the generated region and their hidden monthly violation propensity.

Each firm gets a latent risk on the logit scale, built from its industry, entity type and age, a
component shared by every firm of the same legal representative (关联关系: a person behind
several shell firms), and a heavy-tailed firm effect, so that risk is concentrated in a minority
of firms.  The propensity drifts month to month as a random walk.  ``propensity[i, t]`` is the
probability that an inspection of firm i in month t finds a violation (result codes A–E); it is
the generator's truth and is written only to ``truth/``.

USCCs follow GB 32100-2015: ``9`` + kind (1 enterprise, 2 individual business, 3 cooperative) +
the division of the firm's town (``330802`` in the default region; :mod:`xinyong.synth.shape`) + a GB
11714 organisation code + the check character.  Older firms carry numeric organisation codes, newer ones
the ``MA…`` codes issued since 2015.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from xinyong.core import divisions, uscc
from xinyong.ingest.contract import ENTITY_TYPES, STATUSES
from xinyong.synth.months import Months
from xinyong.synth.shape import Shape

BASE_LOGIT = -3.0  # sigmoid(−3) ≈ 0.05: the typical firm rarely violates

# division → (share of firms, name word, consumer-facing, polluting, risk effect on the logit)
INDUSTRY_PROFILE: dict[str, tuple[float, str, bool, bool, float]] = {
    "F52": (22.0, "商贸", True, False, 0.10),
    "F51": (8.0, "贸易", False, False, 0.00),
    "H62": (12.0, "餐饮", True, False, 0.35),
    "H61": (2.0, "宾馆", True, False, 0.20),
    "O80": (6.0, "美容美发", True, False, 0.10),
    "O81": (3.0, "汽车维修", True, False, 0.15),
    "L72": (6.0, "企业管理咨询", False, False, -0.10),
    "L71": (1.0, "设备租赁", False, False, 0.00),
    "M74": (2.0, "工程技术", False, False, -0.25),
    "I65": (2.0, "信息科技", False, False, -0.35),
    "I64": (1.0, "网络科技", True, False, 0.25),
    "E50": (4.0, "装饰工程", True, False, 0.20),
    "E47": (1.5, "建设工程", False, False, 0.35),
    "E48": (1.0, "路桥工程", False, False, 0.25),
    "C13": (1.5, "食品加工", True, True, 0.30),
    "C14": (1.0, "食品", True, True, 0.25),
    "C26": (0.8, "化工", False, True, 0.55),
    "C30": (0.8, "建材", False, True, 0.30),
    "C33": (1.0, "五金制品", False, True, 0.15),
    "C34": (1.0, "机械", False, True, 0.00),
    "C29": (0.8, "塑业", False, True, 0.20),
    "C22": (0.5, "纸业", False, True, 0.30),
    "C21": (0.5, "家具", True, True, 0.15),
    "A01": (3.0, "农业", False, False, -0.20),
    "A03": (1.0, "养殖", False, True, 0.10),
    "G54": (2.0, "物流", False, False, 0.20),
    "G59": (0.6, "仓储", False, False, 0.05),
    "K70": (1.0, "置业", True, False, 0.30),
    "R90": (1.0, "娱乐", True, False, 0.40),
    "R89": (0.5, "健身", True, False, 0.20),
    "Q84": (1.0, "诊所", True, False, 0.20),
    "P83": (1.0, "培训", True, False, 0.30),
}
INDUSTRIES = tuple(INDUSTRY_PROFILE)
CONSUMER = np.array([INDUSTRY_PROFILE[c][2] for c in INDUSTRIES])
POLLUTING = np.array([INDUSTRY_PROFILE[c][3] for c in INDUSTRIES])
CONSTRUCTION = np.array([c.startswith("E") for c in INDUSTRIES])
FOOD = np.array([c in ("H62", "C13", "C14", "F52") for c in INDUSTRIES])
_INDUSTRY_SHARE = np.array([INDUSTRY_PROFILE[c][0] for c in INDUSTRIES]) / sum(p[0] for p in INDUSTRY_PROFILE.values())
_INDUSTRY_RISK = np.array([INDUSTRY_PROFILE[c][4] for c in INDUSTRIES])
_AGRICULTURE = np.array([c.startswith("A") for c in INDUSTRIES])

# entity type → (share, USCC kind digit, risk effect, name suffix)
TYPE_PROFILE = {
    "有限责任公司": (0.36, "1", 0.00, "有限公司"),
    "股份有限公司": (0.005, "1", -0.30, "股份有限公司"),
    "个人独资企业": (0.03, "1", 0.15, "个人独资企业"),
    "合伙企业": (0.01, "1", 0.10, "合伙企业(有限合伙)"),
    "个体工商户": (0.565, "2", -0.05, "经营部"),
    "农民专业合作社": (0.015, "3", 0.05, "专业合作社"),
    "分支机构": (0.015, "1", 0.05, "有限公司{district}分公司"),
}
_TYPE_SHARE = np.array([TYPE_PROFILE[t][0] for t in ENTITY_TYPES])
_TYPE_SHARE = _TYPE_SHARE / _TYPE_SHARE.sum()
INDIVIDUAL = ENTITY_TYPES.index("个体工商户")
COOPERATIVE = ENTITY_TYPES.index("农民专业合作社")

_ZIHAO = np.array(
    list(
        "鑫华盛达通源恒泰瑞丰宏兴隆安康祥和顺信诚永利佳美新天宇博森浩金汇晟腾悦汉嘉禾衢柯明亮春秋江山锦绣"
        "德润益众鼎峰卓越星辰光辉德胜福旺吉庆海川云帆凯旋正大同创远航启航致远万象合力协众百川广源"
    )
)
_SHOP_WORDS = np.array(["店", "经营部", "商行", "工作室", "门市部"])

DEFAULT_CHUNK = 200_000


@dataclass(frozen=True)
class Firms:
    """One chunk of firms as parallel arrays; ``propensity`` and ``alive`` are (firms, months)."""

    index: np.ndarray
    division: np.ndarray  # of the firm's town: USCC positions 3–8
    uscc: np.ndarray
    entity_type: np.ndarray
    industry: np.ndarray
    town: np.ndarray
    established: np.ndarray
    status: np.ndarray
    status_date: np.ndarray
    legal_rep: np.ndarray
    latent: np.ndarray
    propensity: np.ndarray
    alive: np.ndarray

    def __len__(self) -> int:
        return len(self.index)


def make_firms(
    rng: np.random.Generator, first_index: int, count: int, months: Months, rep_offset: int, shape: Shape
) -> Firms:
    """Draw ``count`` firms of the region ``shape`` with global indices ``first_index …``; legal reps start at
    ``rep_offset``."""
    index = np.arange(first_index, first_index + count, dtype=np.int64)
    entity_type = rng.choice(len(ENTITY_TYPES), size=count, p=_TYPE_SHARE)
    industry = rng.choice(len(INDUSTRIES), size=count, p=_INDUSTRY_SHARE)
    agri = np.flatnonzero(_AGRICULTURE)
    cooperative = entity_type == COOPERATIVE
    industry[cooperative] = rng.choice(agri, size=int(cooperative.sum()))
    town_share = shape.weights()
    town = rng.choice(len(shape.towns), size=count, p=town_share / town_share.sum())
    division = shape.town_divisions()[town]
    established = _establishment(rng, count, months, entity_type)

    legal_rep, rep_effect = _legal_reps(rng, count, rep_offset)
    heavy = rng.random(count) < 0.10
    firm_effect = np.where(heavy, rng.normal(2.3, 0.4, count), rng.normal(0.0, 0.15, count))
    age_years = (np.datetime64(months.last_day) - established).astype(np.int64) / 365.25
    youth = np.where(age_years < 2, 0.25, 0.0)
    type_effect = np.array([TYPE_PROFILE[t][2] for t in ENTITY_TYPES])[entity_type]
    latent = BASE_LOGIT + _INDUSTRY_RISK[industry] + type_effect + youth + rep_effect + firm_effect

    drift = np.cumsum(rng.normal(0.0, 0.03, (count, months.count)), axis=1)
    trend = np.linspace(0.0, 0.15, months.count)  # a slow district-wide rise in violations
    propensity = (1.0 / (1.0 + np.exp(-(latent[:, None] + drift + trend[None, :])))).astype(np.float32)

    status, status_date = _status(rng, count, months, established, propensity)
    alive_from = months.index_of(established)
    alive_until = np.where(np.isnat(status_date), months.count, months.index_of(status_date))
    t = np.arange(months.count)[None, :]
    alive = (t >= alive_from[:, None]) & (t < alive_until[:, None])
    codes = _uscc_codes(index, entity_type, established, division)
    return Firms(
        index,
        division,
        codes,
        entity_type,
        industry,
        town,
        established,
        status,
        status_date,
        legal_rep,
        latent,
        propensity,
        alive,
    )


def _establishment(rng: np.random.Generator, count: int, months: Months, entity_type: np.ndarray) -> np.ndarray:
    end = np.datetime64(months.last_day)
    history_days = (end - np.datetime64(months.first_day)).astype(np.int64)
    new = rng.random(count) < np.where(entity_type == INDIVIDUAL, 0.38, 0.25)
    older = history_days + rng.exponential(np.where(entity_type == INDIVIDUAL, 1500, 2600), count)
    age_days = np.where(new, rng.random(count) * history_days, np.minimum(older, 45 * 365))
    return end - age_days.astype(np.int64)


def _legal_reps(rng: np.random.Generator, count: int, rep_offset: int) -> tuple[np.ndarray, np.ndarray]:
    """Most firms have their own legal representative; one in six shares one with ~2.5 firms on average."""
    pool = max(1, round(count * 0.17 / 2.5))
    shared = rng.random(count) < 0.17
    rep = np.where(shared, rng.integers(0, pool, count), pool + np.arange(count))
    pool_effect = rng.normal(0.4, 0.6, pool)
    own_effect = rng.normal(0.0, 0.15, count)
    effect = np.where(shared, pool_effect[np.minimum(rep, pool - 1)], own_effect)
    return rep_offset + rep, effect


def _status(
    rng: np.random.Generator, count: int, months: Months, established: np.ndarray, propensity: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Deregistration (注销), revocation (吊销, likelier for risky firms) and moving out (迁出)."""
    hazard = np.stack(
        [np.full(count, 0.0018), 0.0004 + 0.01 * propensity.mean(axis=1) ** 2, np.full(count, 0.00025)], 1
    )
    total = hazard.sum(axis=1)
    event_month = rng.geometric(total)
    u = rng.random(count) * total
    which = np.where(u < hazard[:, 0], 1, np.where(u < hazard[:, 0] + hazard[:, 1], 0, 2))  # index into STATUSES[1:]
    first_month = np.maximum(months.index_of(established) + 1, 0)
    month = first_month + event_month - 1
    ended = month < months.count
    day = months.random_day(rng, np.clip(month, 0, months.count - 1))
    status = np.where(ended, np.array(STATUSES[1:])[which], STATUSES[0])
    status_date = np.where(ended, day, np.datetime64("NaT"))
    return status, status_date.astype("datetime64[D]")


def _org_codes(index: np.ndarray, established: np.ndarray) -> np.ndarray:
    """9-character GB 11714 organisation codes, unique per index: numeric before 2015, MA… after."""
    numeric = established < np.datetime64("2015-10-01")
    body = np.zeros((len(index), 8), dtype=np.int64)
    digits = (index * 2_654_435_761 + 10_000_019) % 10**8  # a bijection of Z/10^8
    for k in range(8):
        body[:, 7 - k] = digits // 10**k % 10
    letters = (index * 2_654_435_761 + 90_000_001) % 31**6  # a bijection of Z/31^6
    ma = np.zeros((len(index), 8), dtype=np.int64)
    ma[:, 0], ma[:, 1] = ord("M") - 55, ord("A") - 55
    alphabet_values = np.array([int(c) if c.isdigit() else ord(c) - 55 for c in uscc.ALPHABET])
    for k in range(6):
        ma[:, 7 - k] = alphabet_values[letters // 31**k % 31]
    body = np.where(numeric[:, None], body, ma)
    remainder = (body @ np.array([3, 7, 9, 10, 5, 8, 4, 2])) % 11
    check = (11 - remainder) % 11  # 10 is written X
    chars = np.array([str(v) if v < 10 else chr(v + 55) for v in range(36)])
    text = chars[body]
    check_char = np.where(check == 10, "X", check.astype(str))
    return _join(np.column_stack([text, check_char]))


def _join(chars: np.ndarray) -> np.ndarray:
    """Join a 2-D array of single characters row-wise into strings."""
    return chars.astype("U1").view(f"U{chars.shape[1]}").ravel()


def _uscc_codes(
    index: np.ndarray, entity_type: np.ndarray, established: np.ndarray, division: np.ndarray
) -> np.ndarray:
    kind = np.array([TYPE_PROFILE[t][1] for t in ENTITY_TYPES])[entity_type]
    head = np.char.add(np.char.add("9", kind), division.astype("U6"))
    body = np.char.add(head, _org_codes(index, established))
    values = _alphabet_values(body)
    check = np.array(list(uscc.ALPHABET))[uscc.check_values(values)]
    return np.char.add(body, check)


def _alphabet_values(bodies: np.ndarray) -> np.ndarray:
    lookup = np.full(128, -1, dtype=np.int64)
    for i, c in enumerate(uscc.ALPHABET):
        lookup[ord(c)] = i
    codepoints = bodies.astype("U17").view(np.int32).reshape(len(bodies), 17)
    return lookup[codepoints]


def names(rng: np.random.Generator, firms: Firms) -> pl.Series:
    """Registered names: the city (衢州) + 字号 + industry word + type suffix (a branch: 有限公司柯城分公司); an
    individual business's: the district (柯城区) + 字号 + industry word + 店/经营部 …"""
    count = len(firms)
    zihao = np.char.add(_ZIHAO[rng.integers(0, len(_ZIHAO), count)], _ZIHAO[rng.integers(0, len(_ZIHAO), count)])
    word = np.array([INDUSTRY_PROFILE[c][1] for c in INDUSTRIES])[firms.industry]
    unique, where = np.unique(firms.division, return_inverse=True)
    suffix = np.array([TYPE_PROFILE[t][3] for t in ENTITY_TYPES])[firms.entity_type]
    before, after = TYPE_PROFILE["分支机构"][3].split("{district}")
    branch = np.char.add(np.char.add(before, np.array([divisions.short_name(d) for d in unique])[where]), after)
    suffix = np.where(firms.entity_type == ENTITY_TYPES.index("分支机构"), branch, suffix)
    individual = firms.entity_type == INDIVIDUAL
    suffix = np.where(individual, _SHOP_WORDS[rng.integers(0, len(_SHOP_WORDS), count)], suffix)
    district = np.array([divisions.names().get(d, d) for d in unique])[where]
    city = np.array([divisions.short_name(_city(d)) for d in unique])[where]
    prefix = np.where(individual, district, city)
    return pl.Series("name", np.char.add(np.char.add(np.char.add(prefix, zihao), word), suffix))


def _city(division: str) -> str:
    """The city a firm's name begins with: its district's, or the province for a district without one (北京)."""
    city = divisions.city_of(division)
    return city if divisions.is_division(city) else divisions.province_of(division)


# Streets for the generated addresses (common street names, not a gazetteer of the district).
_STREETS = np.array(
    [
        "人民路",
        "新河路",
        "县学街",
        "上街",
        "坊门街",
        "衢化路",
        "荷花路",
        "花园路",
        "白云大道",
        "信安大道",
        "兴华路",
        "百汇路",
    ]
)


def addresses(firms: Firms, shape: Shape) -> pl.Series:
    """Registered addresses, province + city + district + town + street + number (浙江省衢州市柯城区府山街道人民路12号):
    a function of each firm's index and town, so that no random draw of any other field moves."""
    unique, where = np.unique(firms.division, return_inverse=True)
    district = np.array([_full_place(d) for d in unique])[where]
    towns = np.array([t.town for t in shape.towns])[firms.town]
    street = _STREETS[(firms.index * 7 + 3) % len(_STREETS)]
    number = ((firms.index * 131) % 398 + 1).astype(str)
    return pl.Series("address", np.char.add(np.char.add(np.char.add(district, towns), street), number + "号"))


def _full_place(division: str) -> str:
    """The division with its province in front (浙江省衢州市柯城区); a municipality's place already has it."""
    place, province = divisions.place(division), divisions.names().get(divisions.province_of(division), "")
    return place if place.startswith(province) else province + place
