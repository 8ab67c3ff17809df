"""The generated region's shape: its divisions, their towns, and each town's share of the firms.

A region is one county-level division by default — the 18 乡镇(街道) of 330802 衢州市柯城区 in
``reference/towns.csv``, weighted by the list's ``weight`` — or the towns a workspace lists
(``xinyong generate`` in a workspace: :meth:`xinyong.workspace.settings.Workspace.region_towns`), which may
be of several districts of a city.  Each division gets the same share of the firms (a generated city is
of districts of about one size), and inside a division a town listed in ``reference/towns.csv`` keeps its
weight there and any other town weighs 1.  A firm's USCC carries its town's division (positions 3–8), its
name the district's name, and the region's rounds are of :attr:`Shape.division` (the one district, or
their city: :func:`xinyong.core.divisions.common`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from xinyong.core import divisions
from xinyong.ingest.contract import Town, reference_rows, shipped_towns


@dataclass(frozen=True)
class Shape:
    towns: tuple[Town, ...]

    @classmethod
    def of(cls, towns: tuple[Town, ...] = ()) -> Shape:
        """The region of ``towns``; of the shipped towns (the default region) when none are given."""
        return cls(towns or shipped_towns())

    @property
    def divisions(self) -> tuple[str, ...]:
        """The towns' divisions, in the order first listed."""
        return tuple(dict.fromkeys(t.division for t in self.towns))

    @property
    def division(self) -> str:
        """The division of the region's rounds: its one district, or the city (or province) of its districts."""
        found = divisions.common(self.divisions)
        if found is None:
            raise ValueError(f"the towns' divisions {', '.join(self.divisions)} lie in no one division")
        return found

    def weights(self) -> np.ndarray:
        """Each town's weight: every division the same total, a shipped town its ``reference/towns.csv`` weight."""
        shipped = {(row["division"], row["town"]): float(row["weight"]) for row in reference_rows("towns.csv")}
        weight = np.array([shipped.get((t.division, t.town), 1.0) for t in self.towns])
        division = np.array([t.division for t in self.towns])
        totals = {d: weight[division == d].sum() for d in self.divisions}
        largest = max(totals.values())
        return np.array([w * (largest / totals[d]) for w, d in zip(weight, division, strict=True)])

    def town_divisions(self) -> np.ndarray:
        """The division of each town, as an array of codes in the towns' order."""
        return np.array([t.division for t in self.towns])
