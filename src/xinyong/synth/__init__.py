"""Synthetic data (not production data): ``xinyong generate`` writes a realistic raw region, modelled on 衢州市柯城区.

The region's shape (:mod:`xinyong.synth.shape`) is the default region's 18 towns of 330802, or the towns a
workspace lists, of one district or of several districts of a city (a city workspace's region).

Firms are made in fixed-size chunks, each from its own random stream ``(seed, chunk)``, and every
table is streamed to Parquet a chunk at a time, so memory stays bounded at national scale and the
output depends only on the seed and the sizes.  Other departments' records reach back
``burn_in`` months further than the district's 双随机 history, as in a real district (tax, court and
social-insurance files long predate the sampler), so every labelled month sees full indicator windows.  The
region's hidden truth (each firm's monthly
violation propensity) goes to ``truth/`` and nowhere else: pipeline code never reads it; only
evaluations and the demo's simulated results do (``truth/README.md``).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from xinyong.errors import UsageError
from xinyong.ingest import contract
from xinyong.reports.progress import SILENT, Progress
from xinyong.synth.firms import DEFAULT_CHUNK, INDUSTRIES, Firms, addresses, make_firms, names
from xinyong.synth.inspections import past_inspections
from xinyong.synth.months import Months
from xinyong.synth.records import SERIAL_BLOCK, make_records
from xinyong.synth.roster import inspection_items, make_relations, make_roster, roster_size
from xinyong.synth.shape import Shape
from xinyong.workspace import checks, fsio

GENERATOR = "xinyong-region-v7"  # bump whenever the same seed would give other data
DEFAULT_ENTERPRISES = 60_000
DEFAULT_MONTHS = 36
DEFAULT_BURN_IN = 24  # months of records before the first inspected month; the longest indicator window is 36
DEFAULT_END_MONTH = "2026-10"
DEFAULT_SEED = 20261127
CSV_LIMIT = 200_000  # regions up to this many firms also get CSV copies for people to open
CSV_COPIES = "csv"
METADATA = "region.json"
_ARROW = {
    "string": pa.large_string(),
    "int": pa.int64(),
    "decimal": pa.float64(),
    "date": pa.date32(),
    "month": pa.large_string(),
}


@dataclass(frozen=True)
class RegionSpec:
    enterprises: int = DEFAULT_ENTERPRISES
    months: int = DEFAULT_MONTHS
    end_month: str = DEFAULT_END_MONTH
    seed: int = DEFAULT_SEED
    burn_in: int = DEFAULT_BURN_IN
    towns: tuple[contract.Town, ...] = ()  # the region's towns (of its divisions); none: the default region's

    @property
    def shape(self) -> Shape:
        return Shape.of(self.towns)

    def check(self) -> None:
        if self.enterprises < 1000:
            raise UsageError(f"--enterprises must be at least 1000, got {self.enterprises}")
        if not 13 <= self.months <= 120:
            raise UsageError(f"--months must be between 13 and 120, got {self.months}")
        if not 0 <= self.burn_in <= 60:
            raise UsageError(f"--burn-in must be between 0 and 60, got {self.burn_in}")
        try:
            np.datetime64(self.end_month, "M")
        except ValueError:
            raise UsageError(f"--end-month must be YYYY-MM, got {self.end_month!r}") from None


@dataclass(frozen=True)
class RegionMetadata:
    """``region.json``: which generator made the region from which spec, and the rows of every table."""

    generator: str
    seed: int
    enterprises: int
    months: int
    burn_in: int
    first_month: str  # the first month of 双随机 history
    first_record_month: str  # the first month of other departments' records (burn-in included)
    end_month: str
    division: str  # of the region's rounds: its district's, or the city's of its districts
    divisions: list[str]  # of the towns
    towns: list[dict[str, str]]  # as given (town, grid, station, division); [] for the default region's
    rows: dict[str, int]

    @property
    def spec(self) -> RegionSpec:
        towns = tuple(contract.Town(**town) for town in self.towns)
        return RegionSpec(self.enterprises, self.months, self.end_month, self.seed, self.burn_in, towns)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2) + "\n"


def generate_region(out_dir: Path, spec: RegionSpec = RegionSpec(), progress: Progress = SILENT) -> RegionMetadata:
    """Write the raw region for ``spec`` to ``out_dir``; returns its metadata (``region.json``)."""
    spec.check()
    checks.output_folder(out_dir)
    months = Months.ending(spec.end_month, spec.burn_in + spec.months)
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".generate-", dir=out_dir))
    try:
        rows = _write_tables(staging, spec, months, progress)
        if spec.enterprises <= CSV_LIMIT:  # in csv/, apart: ingest refuses a table in two files
            (staging / CSV_COPIES).mkdir()
            for table in contract.tables():
                pl.read_parquet(staging / f"{table.name}.parquet").write_csv(staging / CSV_COPIES / f"{table.name}.csv")
                (out_dir / f"{table.name}.csv").unlink(missing_ok=True)  # where an older generator put them
        (staging / "truth" / "README.md").write_text(TRUTH_README, encoding="utf-8")
        metadata = RegionMetadata(
            generator=GENERATOR,
            seed=spec.seed,
            enterprises=spec.enterprises,
            months=spec.months,
            burn_in=spec.burn_in,
            first_month=months.labels[spec.burn_in],
            first_record_month=months.labels[0],
            end_month=spec.end_month,
            division=spec.shape.division,
            divisions=list(spec.shape.divisions),
            towns=[asdict(town) for town in spec.towns],
            rows=rows,
        )
        (staging / METADATA).write_text(metadata.to_json(), encoding="utf-8")
        fsio.publish_staged(staging, out_dir, last=METADATA)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return metadata


def read_metadata(raw_dir: Path) -> RegionMetadata | None:
    """The region's metadata; None when there is none this generator can read (no region, or an older one)."""
    path = raw_dir / METADATA
    if not path.is_file():
        return None
    record = json.loads(path.read_text(encoding="utf-8"))
    names = [f.name for f in fields(RegionMetadata)]
    if not isinstance(record, dict) or sorted(record) != sorted(names):
        return None
    return RegionMetadata(**record)


class _Sink:
    """One Parquet writer per table, fed a chunk at a time with the contract's column types."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.writers: dict[str, pq.ParquetWriter] = {}
        self.rows: dict[str, int] = {}

    def write(self, name: str, frame: pl.DataFrame, schema: pa.Schema | None = None) -> None:
        if schema is None:
            table = contract.table(name)
            schema = pa.schema([(c.name, _ARROW[c.kind]) for c in table.columns])
        data = frame.to_arrow().select(schema.names).cast(schema)
        if name not in self.writers:
            path = self.folder / f"{name}.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            self.writers[name] = pq.ParquetWriter(path, schema, compression="zstd")
        self.writers[name].write_table(data)
        self.rows[name] = self.rows.get(name, 0) + data.num_rows

    def close(self) -> None:
        for writer in self.writers.values():
            writer.close()


def _write_tables(staging: Path, spec: RegionSpec, months: Months, progress: Progress) -> dict[str, int]:
    items = inspection_items()
    shape = spec.shape
    roster = make_roster(np.random.default_rng([spec.seed, 1]), roster_size(spec.enterprises), months, items, shape)
    sink = _Sink(staging)
    sink.write("inspection_items", items)
    sink.write("inspectors", roster)
    chunks = range(0, spec.enterprises, DEFAULT_CHUNK)
    if len(chunks) * SERIAL_BLOCK >= 10**9:
        raise UsageError(f"--enterprises {spec.enterprises} is beyond what record serials can number")
    truth_schema = pa.schema(
        [("uscc", pa.large_string())] + [(label, pa.float32()) for label in months.labels[spec.burn_in :]]
    )
    try:
        with progress.task(
            f"generate: {spec.enterprises:,} firms × {spec.months} months", total=spec.enterprises
        ) as bar:
            for chunk, first in enumerate(chunks):
                rng = np.random.default_rng([spec.seed, 2, chunk])
                count = min(DEFAULT_CHUNK, spec.enterprises - first)
                firms = make_firms(rng, first, count, months, 2 * first, shape)
                registry = _registry(rng, firms, shape)
                sink.write("enterprises", registry)
                if chunk == 0:
                    sink.write(
                        "inspector_relations",
                        make_relations(np.random.default_rng([spec.seed, 3]), roster, registry, months),
                    )
                tables, observed = make_records(rng, firms, months, chunk)
                for name, frame in tables.items():
                    sink.write(name, frame)
                sink.write(
                    "inspections",
                    past_inspections(rng, firms, months, spec.burn_in, observed, items, roster, chunk * SERIAL_BLOCK),
                )
                sink.write("truth/propensity", _truth(firms, months, spec.burn_in), truth_schema)
                bar.advance(count)
    finally:
        sink.close()
    return {name: n for name, n in sorted(sink.rows.items()) if not name.startswith("truth/")}


def _registry(rng: np.random.Generator, firms: Firms, shape: Shape) -> pl.DataFrame:
    towns = shape.towns
    individual = firms.entity_type == contract.ENTITY_TYPES.index("个体工商户")
    # Thinly capitalised firms are riskier (shells, fly-by-night traders): capital falls with latent risk.
    thin = 0.5 * (firms.latent - firms.latent.mean())
    capital = np.exp(np.where(individual, rng.normal(1.6, 0.8, len(firms)), rng.normal(4.2, 1.1, len(firms))) - thin)
    return pl.DataFrame(
        {
            "uscc": firms.uscc,
            "name": names(rng, firms),
            "address": addresses(firms, shape),
            "entity_type": np.array(contract.ENTITY_TYPES)[firms.entity_type],
            "industry_code": np.array(INDUSTRIES)[firms.industry],
            "registered_capital": np.round(capital, 2),
            "established": firms.established,
            "town": np.array([t.town for t in towns])[firms.town],
            "grid": np.array([t.grid for t in towns])[firms.town],
            "station": np.array([t.station for t in towns])[firms.town],
            "status": firms.status,
            "status_date": firms.status_date,
            "legal_rep_id": [f"LR{r:010d}" for r in firms.legal_rep.tolist()],
        }
    )


def _truth(firms: Firms, months: Months, first: int) -> pl.DataFrame:
    """Propensities for the inspected months only (those are the ones any evaluation can use)."""
    columns = {"uscc": firms.uscc}
    columns.update({label: firms.propensity[:, t] for t, label in enumerate(months.labels) if t >= first})
    return pl.DataFrame(columns)


TRUTH_README = """# truth/ — the generated region's hidden truth

**No pipeline code may read this folder.** It exists so that evaluations can compare what the
pipeline estimates with what is really true, which a real district can never do.

`propensity.parquet` has one row per firm: `uscc`, then one `float32` column per inspected
month (`YYYY-MM`, from `first_month` in region.json) holding the probability that an inspection of that firm
in that month finds a
violation (a result code A–E). It drives every record the generator writes: penalties,
complaints, abnormal listings, tax ratings, arrears, court and environmental records, and the
results of past inspections. Firms that did not exist (not yet established, or deregistered)
in a month still carry a value; use the registry's dates to know when a firm was alive.

Who may read it: `tests/` and `scripts/` for evaluation, the model report's oracle AUC, and the
demo's clearly labelled *simulated* inspection results.
"""
