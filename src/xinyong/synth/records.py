"""Department records driven by each firm's hidden propensity: the signals the model must learn from.

Every record type is a monthly Bernoulli event whose rate rises with the firm's propensity
``p`` relative to a typical firm (``r = p / 0.08``), with the exponent and base rate set per
type; industry decides who can pollute, who faces consumers and who builds.  Annual reports
follow the legal calendar: a year's report is due by 30 June of the next year (《企业信息公示暂行
条例》), and a firm that misses it is listed as abnormal in July and removed when it files late.
Tax ratings for year Y are published in April of Y+1.  The matrices in :class:`Observed` are what
a regulator could see at the start of each month; the legacy rule-based tier is built from them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from xinyong.core.codes import DEPARTMENTS
from xinyong.ingest.contract import (
    ABNORMAL_REASONS,
    COMPLAINT_CATEGORIES,
    COMPLAINT_KINDS,
    DISHONESTY_REASONS,
    ENV_VIOLATIONS,
    SEVERITIES,
    TAX_RATINGS,
)
from xinyong.synth.firms import BASE_LOGIT, CONSTRUCTION, CONSUMER, FOOD, INDIVIDUAL, POLLUTING, Firms
from xinyong.synth.months import Months

TYPICAL = 0.08
SERIAL_BLOCK = 10_000_000  # record serials: chunk × block + position, unique per table
NAT = np.datetime64("NaT", "D")


@dataclass(frozen=True)
class Observed:
    """What a regulator could know at the start of each month, per (firm, month)."""

    abnormal: np.ndarray  # listed in 经营异常名录
    unreachable: np.ndarray  # listed because the registered address cannot be reached
    dishonest: np.ndarray  # listed in 严重违法失信名单
    penalties: np.ndarray  # penalty decisions in that month
    severe: np.ndarray  # 严重 penalty decisions in that month
    complaints: np.ndarray  # complaints received in that month
    tax: np.ndarray  # index into TAX_RATINGS of the latest published rating, −1 if none


def make_records(
    rng: np.random.Generator, firms: Firms, months: Months, chunk: int
) -> tuple[dict[str, pl.DataFrame], Observed]:
    ratio = firms.propensity / TYPICAL
    alive = firms.alive
    serial = chunk * SERIAL_BLOCK
    shape = alive.shape

    annual, late_listing = _annual_reports(rng, firms, months)
    abnormal_frame, abnormal, unreachable = _abnormal(rng, firms, months, ratio, late_listing, serial)
    dishonest_frame, dishonest = _listing(
        rng,
        firms,
        months,
        alive & (rng.random(shape) < 0.00003 * ratio**2),
        "SX",
        DISHONESTY_REASONS[1:2],
        0.1,
        300,
        serial,
    )
    penalty_frame, penalties, severe = _penalties(rng, firms, months, ratio, serial)
    tax_frame, tax = _tax_ratings(rng, firms, months)
    complaint_frame, complaints = _complaints(rng, firms, months, ratio, serial)
    tables = {
        "annual_reports": annual,
        "abnormal_operations": abnormal_frame,
        "serious_dishonesty": dishonest_frame,
        "penalties": penalty_frame,
        "tax_credit_ratings": tax_frame,
        "social_insurance_arrears": _arrears(rng, firms, months, ratio, serial),
        "court_dishonest_debtors": _court(rng, firms, months, ratio, serial),
        "environmental_violations": _environment(rng, firms, months, ratio, serial),
        "complaints_12315": complaint_frame,
    }
    return tables, Observed(abnormal, unreachable, dishonest, penalties, severe, complaints, tax)


def record_ids(prefix: str, dates: np.ndarray, serial_start: int) -> pl.Series:
    """``PREFIX-YYYY-#########``: the year of the record and a serial unique in its table."""
    years = dates.astype("datetime64[Y]").astype(np.int64) + 1970
    serials = serial_start + np.arange(len(dates))
    return pl.Series(
        "record_id", [f"{prefix}-{y}-{s:09d}" for y, s in zip(years.tolist(), serials.tolist(), strict=True)], pl.Utf8
    )


def _events(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    firm, month = np.nonzero(mask)
    return firm, month


def _maybe_later(
    rng: np.random.Generator, start: np.ndarray, share: float, mean_days: float, last: np.datetime64
) -> np.ndarray:
    """An end date for a share of records (exponential delay); NaT if none or not yet."""
    later = start + (1 + rng.exponential(mean_days, len(start))).astype(np.int64)
    happens = (rng.random(len(start)) < share) & (later <= last)
    return np.where(happens, later, NAT)


def _active(months: Months, count: int, firm: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """(firm, month) is active when listed before the month starts and not removed before it."""
    diff = np.zeros((count, months.count + 1), dtype=np.int32)
    first = np.clip(months.index_of(start) + 1, 0, months.count)
    stop = np.where(np.isnat(end), months.count, np.clip(months.index_of(end) + 1, 0, months.count))
    keep = first < stop
    np.add.at(diff, (firm[keep], first[keep]), 1)
    np.add.at(diff, (firm[keep], stop[keep]), -1)
    return np.cumsum(diff[:, :-1], axis=1) > 0


def _annual_reports(rng: np.random.Generator, firms: Firms, months: Months) -> tuple[pl.DataFrame, tuple]:
    last = np.datetime64(months.last_day)
    frames, listed_firm, listed_date, removed = [], [], [], []
    for year in range(months.first_day.year - 1, months.last_day.year):
        deadline = np.datetime64(dt.date(year + 1, 6, 30))
        if deadline > last:
            continue
        ended_before = ~np.isnat(firms.status_date) & (firms.status_date <= deadline)
        due = np.flatnonzero((firms.established <= np.datetime64(dt.date(year, 12, 31))) & ~ended_before)
        month = np.clip(months.index_of(np.array([deadline] * len(due))), 0, months.count - 1)
        r = firms.propensity[due, month] / TYPICAL
        on_time = rng.random(len(due)) < np.clip(0.995 - 0.05 * r**1.3, 0.3, 0.995)
        window = (deadline - np.datetime64(dt.date(year + 1, 1, 1))).astype(np.int64)
        filed = np.datetime64(dt.date(year + 1, 1, 1)) + (window * rng.random(len(due)) ** 0.5).astype(np.int64)
        late = deadline + (1 + rng.exponential(120, len(due))).astype(np.int64)
        files_late = (rng.random(len(due)) < 0.5) & (late <= last)
        filed = np.where(on_time, filed, np.where(files_late, late, NAT))
        frames.append(
            pl.DataFrame({"uscc": firms.uscc[due], "report_year": np.full(len(due), year), "filed_date": filed})
        )
        listing = np.datetime64(dt.date(year + 1, 7, 1)) + rng.integers(0, 20, len(due))
        missed = ~on_time & (listing <= last) & (np.isnat(filed) | (filed > listing))
        listed_firm.append(due[missed])
        listed_date.append(listing[missed])
        removal = filed[missed] + rng.integers(1, 15, int(missed.sum()))
        removed.append(np.where(~np.isnat(filed[missed]) & (removal <= last), removal, NAT))
    listings = (np.concatenate(listed_firm), np.concatenate(listed_date), np.concatenate(removed))
    frame = pl.concat(frames).with_columns(pl.col("report_year").cast(pl.Int64))
    return frame, listings


def _abnormal(
    rng: np.random.Generator, firms: Firms, months: Months, ratio: np.ndarray, late_listing: tuple, serial: int
) -> tuple[pl.DataFrame, np.ndarray, np.ndarray]:
    last = np.datetime64(months.last_day)
    unreach_firm, unreach_month = _events(firms.alive & (rng.random(ratio.shape) < 0.0008 * ratio**1.4))
    info_firm, info_month = _events(firms.alive & (rng.random(ratio.shape) < 0.0001 * ratio))
    unreach_date = months.random_day(rng, unreach_month)
    info_date = months.random_day(rng, info_month)
    late_firm, late_date, late_removed = late_listing
    firm = np.concatenate([late_firm, unreach_firm, info_firm])
    listed = np.concatenate([late_date, unreach_date, info_date])
    removed = np.concatenate(
        [late_removed, _maybe_later(rng, unreach_date, 0.35, 200, last), _maybe_later(rng, info_date, 0.7, 60, last)]
    )
    reason = np.concatenate(
        [
            np.full(len(late_firm), ABNORMAL_REASONS[0]),
            np.full(len(unreach_firm), ABNORMAL_REASONS[1]),
            np.full(len(info_firm), ABNORMAL_REASONS[2]),
        ]
    )
    order = np.lexsort((firm, listed))
    firm, listed, removed, reason = firm[order], listed[order], removed[order], reason[order]
    frame = pl.DataFrame(
        {
            "record_id": record_ids("YC", listed, serial),
            "uscc": firms.uscc[firm],
            "listed_date": listed,
            "reason": reason,
            "removed_date": removed,
        }
    )
    count = len(firms)
    is_unreachable = reason == ABNORMAL_REASONS[1]
    return (
        frame,
        _active(months, count, firm, listed, removed),
        _active(months, count, firm[is_unreachable], listed[is_unreachable], removed[is_unreachable]),
    )


def _listing(
    rng: np.random.Generator,
    firms: Firms,
    months: Months,
    happens: np.ndarray,
    prefix: str,
    reasons: tuple[str, ...],
    removal_share: float,
    removal_days: float,
    serial: int,
) -> tuple[pl.DataFrame, np.ndarray]:
    firm, month = _events(happens)
    listed = months.random_day(rng, month)
    removed = _maybe_later(rng, listed, removal_share, removal_days, np.datetime64(months.last_day))
    frame = pl.DataFrame(
        {
            "record_id": record_ids(prefix, listed, serial),
            "uscc": firms.uscc[firm],
            "listed_date": listed,
            "reason": np.array(reasons)[rng.integers(0, len(reasons), len(firm))],
            "removed_date": removed,
        }
    )
    return frame, _active(months, len(firms), firm, listed, removed)


def _department_weights(firms: Firms, firm: np.ndarray) -> np.ndarray:
    industry = firms.industry[firm]
    base = np.array([0.55, 0.12, 0.08, 0.02, 0.07, 0.03, 0.02])[None, :].repeat(len(firm), 0)
    base[:, DEPARTMENTS.index("生态环境")] += 0.25 * POLLUTING[industry]
    base[:, DEPARTMENTS.index("卫健")] += 0.10 * FOOD[industry]
    base[:, DEPARTMENTS.index("住建")] += 0.30 * CONSTRUCTION[industry]
    base[:, DEPARTMENTS.index("人社")] -= 0.06 * (firms.entity_type[firm] == INDIVIDUAL)
    return base / base.sum(axis=1, keepdims=True)


def _choose_rows(rng: np.random.Generator, weights: np.ndarray) -> np.ndarray:
    """One category per row from a (rows, categories) probability matrix."""
    return (rng.random(len(weights))[:, None] > np.cumsum(weights, axis=1)).sum(axis=1).clip(0, weights.shape[1] - 1)


def _penalties(rng: np.random.Generator, firms: Firms, months: Months, ratio: np.ndarray, serial: int):
    happens = firms.alive & (rng.random(ratio.shape) < np.minimum(0.5, 0.005 * ratio**1.5))
    firm, month = _events(happens)
    date = months.random_day(rng, month)
    department = _choose_rows(rng, _department_weights(firms, firm))
    r = ratio[firm, month]
    severe_share = np.clip(0.03 + 0.02 * r, 0, 0.4)
    grave_share = np.clip(0.15 + 0.04 * r, 0, 0.5)
    u = rng.random(len(firm))
    severity = np.where(u < severe_share, 2, np.where(u < severe_share + grave_share, 1, 0))
    fine = np.round(np.exp(rng.normal(np.array([8.3, 10.2, 11.8])[severity], 0.8)), 0)
    frame = pl.DataFrame(
        {
            "record_id": record_ids("CF", date, serial),
            "uscc": firms.uscc[firm],
            "department": np.array(DEPARTMENTS)[department],
            "decided_date": date,
            "severity": np.array(SEVERITIES)[severity],
            "fine_amount": fine,
        }
    )
    counts = np.zeros(ratio.shape, dtype=np.int16)
    np.add.at(counts, (firm, month), 1)
    severe = np.zeros(ratio.shape, dtype=np.int16)
    np.add.at(severe, (firm[severity == 2], month[severity == 2]), 1)
    return frame, counts, severe


def _tax_ratings(rng: np.random.Generator, firms: Firms, months: Months) -> tuple[pl.DataFrame, np.ndarray]:
    frames = []
    latest = np.full(firms.alive.shape, -1, dtype=np.int8)
    for year in range(months.first_day.year - 1, months.last_day.year):
        published = np.datetime64(dt.date(year + 1, 4, 1))
        year_end = np.datetime64(dt.date(year, 12, 31))
        if published > np.datetime64(months.last_day):
            continue
        ended = ~np.isnat(firms.status_date) & (firms.status_date <= year_end)
        rated = np.flatnonzero((firms.established <= year_end) & ~ended)
        month = np.clip(months.index_of(np.array([year_end] * len(rated))), 0, months.count - 1)
        p = firms.propensity[rated, month].astype(np.float64)
        score = np.log(p / (1 - p)) - BASE_LOGIT + rng.normal(0, 0.15, len(rated))
        rating = np.select([score > 3.0, score > 2.1, score > 0.4], [4, 3, 1], default=0)
        new = firms.established[rated] >= np.datetime64(dt.date(year, 1, 1))
        rating = np.where(new, 2, rating)
        frames.append(
            pl.DataFrame(
                {
                    "uscc": firms.uscc[rated],
                    "rating_year": np.full(len(rated), year),
                    "rating": np.array(TAX_RATINGS)[rating],
                }
            )
        )
        from_month = max(int(months.index_of(np.array([published]))[0]), 0)
        latest[rated, from_month:] = rating[:, None]
    return pl.concat(frames).with_columns(pl.col("rating_year").cast(pl.Int64)), latest


def _arrears(rng: np.random.Generator, firms: Firms, months: Months, ratio: np.ndarray, serial: int) -> pl.DataFrame:
    employer = (firms.entity_type != INDIVIDUAL)[:, None]
    firm, month = _events(firms.alive & employer & (rng.random(ratio.shape) < 0.002 * ratio**1.2))
    start = months.starts[month]
    owed = np.minimum(rng.geometric(0.35, len(firm)), 24)
    return pl.DataFrame(
        {
            "record_id": record_ids("SB", start, serial),
            "uscc": firms.uscc[firm],
            "arrears_start": start,
            "months_owed": owed.astype(np.int64),
            "amount": np.round(owed * rng.uniform(2_000, 40_000, len(firm)), 2),
            "cleared_date": _maybe_later(rng, start + 30 * owed, 0.55, 90, np.datetime64(months.last_day)),
        }
    )


def _court(rng: np.random.Generator, firms: Firms, months: Months, ratio: np.ndarray, serial: int) -> pl.DataFrame:
    firm, month = _events(firms.alive & (rng.random(ratio.shape) < 0.0005 * ratio**1.5))
    date = months.random_day(rng, month)
    return pl.DataFrame(
        {
            "record_id": record_ids("ZX", date, serial),
            "uscc": firms.uscc[firm],
            "published_date": date,
            "amount": np.round(np.exp(rng.normal(11.5, 1.2, len(firm))), 2),
            "removed_date": _maybe_later(rng, date, 0.3, 240, np.datetime64(months.last_day)),
        }
    )


def _environment(
    rng: np.random.Generator, firms: Firms, months: Months, ratio: np.ndarray, serial: int
) -> pl.DataFrame:
    polluting = POLLUTING[firms.industry][:, None]
    firm, month = _events(firms.alive & polluting & (rng.random(ratio.shape) < 0.0035 * ratio))
    date = months.random_day(rng, month)
    return pl.DataFrame(
        {
            "record_id": record_ids("HB", date, serial),
            "uscc": firms.uscc[firm],
            "found_date": date,
            "violation": np.array(ENV_VIOLATIONS)[rng.integers(0, len(ENV_VIOLATIONS), len(firm))],
            "fine_amount": np.round(np.exp(rng.normal(10.5, 0.9, len(firm))), 0),
        }
    )


def _complaints(rng: np.random.Generator, firms: Firms, months: Months, ratio: np.ndarray, serial: int):
    exposure = np.where(CONSUMER[firms.industry], 3.0, 1.2)[:, None]
    happens = firms.alive & (rng.random(ratio.shape) < np.minimum(0.9, 0.01 * ratio**1.2 * exposure))
    firm, month = _events(happens)
    date = months.random_day(rng, month)
    food = FOOD[firms.industry[firm]]
    category = np.where(
        food & (rng.random(len(firm)) < 0.5),
        COMPLAINT_CATEGORIES.index("食品安全"),
        rng.integers(0, len(COMPLAINT_CATEGORIES), len(firm)),
    )
    p = firms.propensity[firm, month]
    frame = pl.DataFrame(
        {
            "record_id": record_ids("TS", date, serial),
            "uscc": firms.uscc[firm],
            "received_date": date,
            "kind": np.where(rng.random(len(firm)) < 0.85, COMPLAINT_KINDS[0], COMPLAINT_KINDS[1]),
            "category": np.array(COMPLAINT_CATEGORIES)[category],
            "substantiated": np.where(rng.random(len(firm)) < np.minimum(0.9, 0.15 + 1.5 * p), "是", "否"),
        }
    )
    counts = np.zeros(ratio.shape, dtype=np.int16)
    np.add.at(counts, (firm, month), 1)
    return frame, counts
