"""The generator's monthly timeline: M calendar months ending at a given month."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Months:
    """``starts[t]`` is the first day of month t; ``ends[t]`` its last day (datetime64[D])."""

    starts: np.ndarray
    ends: np.ndarray

    @classmethod
    def ending(cls, last: str, count: int) -> Months:
        last_month = np.datetime64(last, "M")
        months = last_month - np.arange(count - 1, -1, -1)
        return cls(months.astype("datetime64[D]"), (months + 1).astype("datetime64[D]") - 1)

    @property
    def count(self) -> int:
        return len(self.starts)

    @property
    def labels(self) -> list[str]:
        return [str(m)[:7] for m in self.starts.astype("datetime64[M]")]

    @property
    def first_day(self) -> dt.date:
        return self.starts[0].item()

    @property
    def last_day(self) -> dt.date:
        return self.ends[-1].item()

    def index_of(self, days: np.ndarray) -> np.ndarray:
        """Month index of each date (−1 before the timeline, ``count`` after it)."""
        month = days.astype("datetime64[M]")
        first = self.starts[0].astype("datetime64[M]")
        return np.clip((month - first).astype(np.int64), -1, self.count)

    def random_day(self, rng: np.random.Generator, month_index: np.ndarray) -> np.ndarray:
        """A uniformly random day inside each given month."""
        lengths = (self.ends - self.starts).astype(np.int64) + 1
        offsets = np.floor(rng.random(len(month_index)) * lengths[month_index]).astype(np.int64)
        return self.starts[month_index] + offsets

    def random_workday(self, rng: np.random.Generator, month_index: np.ndarray) -> np.ndarray:
        """A random Monday–Friday inside each month (inspections happen on weekdays)."""
        counts = np.busday_count(self.starts, self.ends + 1)
        offsets = np.floor(rng.random(len(month_index)) * counts[month_index]).astype(np.int64)
        return np.busday_offset(self.starts[month_index], offsets, roll="forward")
