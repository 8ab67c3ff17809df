"""An office's workspace: ``xinyong.toml``, its strict schema, where it is found, and how a new one is made.

Rule (issue 12): a workspace is a folder with a ``xinyong.toml`` naming the office's divisions (GB/T
2260 codes), its plans, its tier policy, its champion model folder, an optional calendar supplement,
its towns with their grids and stations, and its folders (docs/workspace.md).  Every path in the file
is relative to the file's folder, so a workspace can be moved or copied whole.

- **Divisions** (issue 13) are codes of 民政部's list (:mod:`xinyong.core.divisions`; an unknown one is an
  error naming the nearest), none within another.  The workspace's rounds are of one division, its
  **round division**: the one division, or the smallest one the divisions all lie within — for several
  districts of a city, the city (``["330802", "330803"]``: rounds ``330800-YYYY-MM`` over both districts,
  one draw, one frame, one roster, one site and log; docs/workspace.md, "A city workspace").  The plans are
  that division's, ``plans/<round division>.toml``.
- **Towns** (``[[town]]``: town, grid, station, and the town's division, which may be left out in a
  workspace of one division) are the workspace's, not the contract's: ingest accepts a registry row only
  with one of them, and its grid and station.  A division none of whose towns is listed takes the
  shipped list when it is 330802 (the default region, ``reference/towns.csv``), and is otherwise an error
  that says how to list them (:meth:`Workspace.region_towns`), raised by the commands that read towns.

- **Strict**: an unknown key is an error naming the section and the nearest known key
  (:func:`xinyong.workspace.config.check_keys`, as for plans and policy); a value of the wrong type
  is an error naming the key.
- **Found** by :func:`find_workspace`: the ``--workspace`` option, else the ``XINYONG_WORKSPACE``
  environment variable, else the nearest ``xinyong.toml`` upwards from the folder a command runs in.
  The command line passes the option, the environment and that folder in; nothing here reads the
  current directory or the environment itself.
- **Made** by :func:`create_workspace` (``xinyong init``): the folders, the shipped policy and plans
  copied in for the office to edit (the plans renamed for each division), and ``xinyong.toml``,
  staged beside the target and renamed into place whole, into a new or empty folder only.
- **Defaults**: a workspace's champion is its own ``models/`` once ``xinyong model promote`` has
  exported one there, and the shipped champion until then (:attr:`Workspace.champion`).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xinyong.core import divisions as gbt2260
from xinyong.core.calendar import (
    NO_SUPPLEMENT,
    Holiday,
    Notice,
    NoticeError,
    Supplement,
    check_notice,
    package,
    package_difference,
    package_knows,
)
from xinyong.core.ids import RoundId
from xinyong.errors import InputFileError, UsageError
from xinyong.ingest.contract import Town, shipped_towns
from xinyong.workspace import config, fsio, layout

ENVIRONMENT = "XINYONG_WORKSPACE"
# The division whose default plans are the template of every new workspace's plans.
TEMPLATE_DIVISION = "330802"
# [folders]: each folder of a workspace and its default, relative to the workspace.
FOLDERS = {
    "raw": layout.RAW,
    "clean": layout.CLEAN,
    "internal": layout.INTERNAL,
    "out": ".",
    "data": layout.DATA,
}
WORKSPACE_KEYS = ("name", "divisions", "policy", "models", "calendar", "contact")
SECTIONS = ("workspace", "plans", "folders", "town")
TOWN_KEYS = ("town", "grid", "station", "division")
CALENDAR_YEAR_KEYS = ("year", "notice", "published", "source", "holiday")
CALENDAR_HOLIDAY_KEYS = ("name", "start", "end", "days", "workdays")
CALENDAR_HINTS = {
    "notice": "the notice's number (文号), e.g. 国办发明电〔2025〕7号",
    "published": "the date the notice bears, e.g. 2025-11-04",
    "name": "the holiday as the notice names it, e.g. 春节",
    "start": "the first day off, e.g. 2026-02-15",
    "end": "the last day off, e.g. 2026-02-23",
}
_DIVISION = re.compile(r"[0-9]{6}")
_MADE = "make one with `xinyong init DIR --division CODE`"


@dataclass(frozen=True)
class Workspace:
    """A read ``xinyong.toml``: every path absolute, under ``root`` unless the file says otherwise."""

    root: Path
    name: str
    divisions: tuple[str, ...]  # the divisions whose firms the office supervises
    plans: Mapping[str, Path]  # the round division → its plans TOML
    policy: Path
    models: Path  # where `xinyong model promote` exports the office's champion
    calendar: Path | None  # a calendar supplement (years the installed calendar does not know yet)
    contact: str  # whom a firm contacts about an inspection (on each 检查告知书); "" leaves lines to fill in
    towns: tuple[Town, ...]  # the [[town]] tables as listed (what ingest accepts: region_towns())
    raw: Path
    clean: Path
    internal: Path
    out: Path  # the work root: rounds/, public/ and private/
    data: Path  # the MLflow store lives in data/mlflow/

    @property
    def file(self) -> Path:
        return self.root / layout.WORKSPACE_FILE

    @property
    def public(self) -> Path:
        return self.out / layout.PUBLIC

    @property
    def tiers(self) -> Path:
        """The month's tier file, ``internal/tiers.parquet``."""
        return self.internal / layout.TIERS_FILE

    @property
    def champion(self) -> Path:
        """The office's exported champion, or the shipped one while the office has exported none."""
        return self.models if (self.models / layout.MODEL_FILE).is_file() else layout.SHIPPED_CHAMPION

    def supplement(self) -> Supplement:
        """The workspace's calendar supplement (:func:`read_calendar`); none when it names no file."""
        return NO_SUPPLEMENT if self.calendar is None else read_calendar(self.calendar)

    @property
    def round_division(self) -> str:
        """The division of the workspace's rounds: its one division, or the one all of them lie within."""
        found = gbt2260.common(self.divisions)
        if found is None:  # refused when the file was read
            raise AssertionError(f"{self.file}: divisions {self.divisions} lie in no one division")
        return found

    def plans_for(self, round_id: RoundId) -> Path:
        """The plans of the round's division; a round of another division than the workspace's is a usage error."""
        division = self.round_division
        if round_id.division != division:
            over = f", over {', '.join(self.divisions)}" if self.divisions != (division,) else ""
            raise UsageError(
                f"--round: round {round_id} is of division {round_id.division}, but the workspace {self.root} runs "
                f"the rounds of {division} {gbt2260.place(division)}{over}: --round {division}-{round_id.month}"
            )
        return self.plans[division]

    def region_towns(self) -> tuple[Town, ...]:
        """The towns ingest and the generator take: the listed ones, and for a division none of whose towns
        is listed the shipped ones when it is theirs (330802), otherwise an error that says how to list them."""
        found: list[Town] = []
        for division in self.divisions:
            listed = [t for t in self.towns if gbt2260.within(t.division, division)]
            if not listed and division == shipped_towns()[0].division:
                listed = list(shipped_towns())
            if not listed:
                raise InputFileError(
                    self.file,
                    f"[[town]]: no town of division {division} {gbt2260.place(division)} is listed; list each of "
                    f'its 乡镇(街道) as a [[town]] table with town, grid, station and division = "{division}" '
                    "(docs/workspace.md, Towns)",
                )
            found += [t for t in listed if t not in found]
        return tuple(found)


# -- reading ----------------------------------------------------------------------------------------
def read_workspace(root: Path) -> Workspace:
    """The workspace whose ``xinyong.toml`` is in ``root``."""
    path = root / layout.WORKSPACE_FILE
    if not path.is_file():
        raise InputFileError(root, f"not a workspace (it has no {layout.WORKSPACE_FILE}); {_MADE}")
    return parse_workspace(config.parse_toml(path.read_text(encoding="utf-8"), path), root)


def parse_workspace(data: Mapping[str, Any], root: Path) -> Workspace:
    """Check the parsed ``xinyong.toml`` of ``root`` against the schema and resolve its paths."""
    where = root / layout.WORKSPACE_FILE
    config.check_keys(where, "", data, SECTIONS)
    if "workspace" not in data:
        raise InputFileError(where, '[workspace]: missing; it names the divisions, e.g. divisions = ["330802"]')
    head = config.table(where, "[workspace]", data["workspace"])
    config.check_keys(where, "[workspace]", head, WORKSPACE_KEYS)
    divisions = _divisions(where, head.get("divisions"))
    rounds = gbt2260.common(divisions)
    if rounds is None:
        raise InputFileError(
            where,
            f"[workspace] divisions: {', '.join(divisions)} are of different provinces; a workspace's rounds are "
            "of one division (docs/workspace.md)",
        )
    plans = config.table(where, "[plans]", data.get("plans", {}))
    for division in plans:
        if division != rounds:
            raise InputFileError(
                where,
                f"[plans] {division}: not the division of this workspace's rounds ({rounds} {gbt2260.place(rounds)}); "
                f'name its plans as "{rounds}" = "…"',
            )
    folders = config.table(where, "[folders]", data.get("folders", {}))
    config.check_keys(where, "[folders]", folders, tuple(FOLDERS))

    def path(section: str, key: str, value: object) -> Path:
        if not isinstance(value, str) or not value.strip():
            raise InputFileError(where, f"{section} {key}: must be a path (text), not {value!r}")
        return root / value

    def folder(key: str) -> Path:
        return path("[folders]", key, folders.get(key, FOLDERS[key]))

    calendar = head.get("calendar")
    return Workspace(
        root=root,
        name=config.text(where, "[workspace] name", head.get("name", "")),
        divisions=divisions,
        plans={rounds: path("[plans]", rounds, plans.get(rounds, layout.workspace_plans(rounds)))},
        policy=path("[workspace]", "policy", head.get("policy", layout.POLICY_FILE)),
        models=path("[workspace]", "models", head.get("models", layout.MODELS)),
        calendar=None if calendar is None else path("[workspace]", "calendar", calendar),
        contact=config.text(where, "[workspace] contact", head.get("contact", "")).strip(),
        towns=_towns(where, data.get("town", []), divisions),
        raw=folder("raw"),
        clean=folder("clean"),
        internal=folder("internal"),
        out=folder("out"),
        data=folder("data"),
    )


def _divisions(where: Path, value: object) -> tuple[str, ...]:
    key = "[workspace] divisions"
    if value is None:
        raise InputFileError(where, f'{key}: missing; name the office\'s division codes, e.g. divisions = ["330802"]')
    if not isinstance(value, list) or not value:
        raise InputFileError(where, f"{key}: must be a list of 6-digit division codes (GB/T 2260), not {value!r}")
    for code in value:
        if not isinstance(code, str) or not _DIVISION.fullmatch(code):
            raise InputFileError(where, f'{key}: {code!r} is not a 6-digit division code (GB/T 2260), e.g. "330802"')
    problem = _divisions_problem(value)
    if problem:
        raise InputFileError(where, f"{key}: {problem}")
    return tuple(value)


def _divisions_problem(codes: Sequence[str]) -> str | None:
    """Why ``codes`` cannot be a workspace's divisions: a repeat, a code not on 民政部's list, one within another."""
    if len(set(codes)) != len(codes):
        return "names a division twice"
    for code in codes:
        problem = gbt2260.problem(code)
        if problem:
            return problem
    for inner in codes:
        for outer in codes:
            if inner != outer and gbt2260.within(inner, outer):
                return (
                    f"{inner} {gbt2260.place(inner)} lies within {outer} {gbt2260.place(outer)}; name only one of them"
                )
    return None


def _towns(where: Path, value: object, divisions: tuple[str, ...]) -> tuple[Town, ...]:
    if not isinstance(value, list):
        raise InputFileError(where, f"[[town]]: must be one [[town]] table per town, not {value!r}")
    towns: list[Town] = []
    for n, row in enumerate(value, start=1):
        section = f"[[town]] {n}"
        table = config.table(where, section, row)
        config.check_keys(where, section, table, TOWN_KEYS)
        if "division" not in table and len(divisions) == 1:
            table = {**table, "division": divisions[0]}
        fields = {}
        for key in TOWN_KEYS:
            if key not in table:
                more = f"; a workspace of several divisions names each town's ({', '.join(divisions)})"
                raise InputFileError(where, f"{section}: {key}: missing{more if key == 'division' else ''}")
            fields[key] = config.text(where, f"{section}: {key}", table[key]).strip()
            if not fields[key]:
                raise InputFileError(where, f"{section}: {key}: empty")
        town = Town(fields["town"], fields["grid"], fields["station"], fields["division"])
        problem = gbt2260.problem(town.division)
        if problem:
            raise InputFileError(where, f"{section}: division: {problem}")
        if not any(gbt2260.within(town.division, d) for d in divisions):
            raise InputFileError(
                where,
                f"{section}: division: {town.division} {gbt2260.place(town.division)} is not one of the workspace's "
                f"divisions ({', '.join(divisions)}) or within one",
            )
        if any(t.town == town.town for t in towns):
            raise InputFileError(where, f"{section}: town {town.town} is listed twice")
        towns.append(town)
    return tuple(towns)


# -- the calendar supplement ------------------------------------------------------------------------
def read_calendar(path: Path) -> Supplement:
    """A calendar supplement: one ``[[year]]`` per State Council holiday notice (docs/workspace.md), with its
    ``notice`` (文号), ``published`` (the date it bears), optionally its ``source``, and one ``[[year.holiday]]``
    per item — ``name``, ``start``, ``end``, optionally ``days`` (its "共N天") and ``workdays`` (调休上班) — dates as
    TOML dates or ``YYYY-MM-DD`` text.  Each notice is checked (:func:`xinyong.core.calendar.check_notice`), and
    one of a year the installed chinese-calendar knows must agree with it
    (:func:`~xinyong.core.calendar.package_difference`)."""
    if not path.is_file():
        raise InputFileError(path, "no such calendar supplement file ([workspace] calendar in xinyong.toml)")
    data = config.parse_toml(path.read_text(encoding="utf-8"), path)
    config.check_keys(path, "", data, ("year",))
    years = data.get("year", [])
    if not isinstance(years, list):
        raise InputFileError(path, f"[[year]]: must be one [[year]] table per notice, not {years!r}")
    notices: list[Notice] = []
    for n, raw in enumerate(years, start=1):
        notice, section = _notice(path, n, raw)
        if any(earlier.year == notice.year for earlier in notices):
            raise InputFileError(path, f"{section}: year {notice.year} is listed twice")
        try:
            check_notice(notice)
        except NoticeError as exc:
            where = section if exc.holiday is None else _holiday_section(section, exc.holiday, notice)
            raise InputFileError(path, f"{where}: {exc.key}: {exc.problem}") from None
        difference = package_difference(notice) if package_knows(notice.year) else None
        if difference:
            raise InputFileError(
                path, f"{section}: disagrees with {package()}, which knows {notice.year}: {difference}"
            )
        notices.append(notice)
    return Supplement(tuple(notices))


def _holiday_section(section: str, n: int, notice: Notice) -> str:
    return f"{section}: [[year.holiday]] {n} ({notice.holidays[n - 1].name})"


def _notice(path: Path, n: int, raw: object) -> tuple[Notice, str]:
    section = f"[[year]] {n}"
    table = config.table(path, section, raw)
    year = table.get("year")
    if not isinstance(year, int) or isinstance(year, bool):
        raise InputFileError(path, f"{section}: year: must be a year such as 2027, not {year!r}")
    section = f"{section} ({year})"
    config.check_keys(path, section, table, CALENDAR_YEAR_KEYS)
    for key in ("notice", "published"):
        if key not in table:
            raise InputFileError(path, f"{section}: {key}: missing ({CALENDAR_HINTS[key]})")
    holidays = table.get("holiday", [])
    if not isinstance(holidays, list):
        raise InputFileError(
            path, f"{section}: holiday: must be one [[year.holiday]] table per holiday, not {holidays!r}"
        )
    parsed = []
    for m, raw_item in enumerate(holidays, start=1):
        where = f"{section}: [[year.holiday]] {m}"
        item = config.table(path, where, raw_item)
        config.check_keys(path, where, item, CALENDAR_HOLIDAY_KEYS)
        name = config.text(path, f"{where}: name", item.get("name", "")).strip()
        where += f" ({name})" if name else ""
        for key in ("name", "start", "end"):
            if not item.get(key):
                raise InputFileError(path, f"{where}: {key}: missing ({CALENDAR_HINTS[key]})")
        stated = item.get("days")
        if stated is not None:
            stated = config.whole(path, f"{where}: days", stated)
        workdays = item.get("workdays", [])
        if not isinstance(workdays, list):
            raise InputFileError(path, f"{where}: workdays: must be a list of dates, not {workdays!r}")
        parsed.append(
            Holiday(
                name,
                _day(path, f"{where}: start", item["start"]),
                _day(path, f"{where}: end", item["end"]),
                tuple(_day(path, f"{where}: workdays", day) for day in workdays),
                stated,
            )
        )
    notice = Notice(
        year,
        config.text(path, f"{section}: notice", table["notice"]).strip(),
        _day(path, f"{section}: published", table["published"]),
        tuple(parsed),
        config.text(path, f"{section}: source", table.get("source", "")).strip(),
    )
    return notice, section


def _day(where: Path, key: str, value: object) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise InputFileError(where, f"{key}: not a date YYYY-MM-DD: {value!r}")


# -- finding ----------------------------------------------------------------------------------------
def find_workspace(option: Path | None, environ: Mapping[str, str], cwd: Path) -> Workspace | None:
    """The workspace a command works in: ``--workspace``, else ``XINYONG_WORKSPACE``, else the nearest
    ``xinyong.toml`` upwards from ``cwd``; None when there is none.  A relative path is taken from ``cwd``
    (and ``..`` folded in: ``cwd`` itself is absolute)."""
    if option is not None:
        return _named(Path(os.path.normpath(cwd / option)), "--workspace")
    if environ.get(ENVIRONMENT):
        return _named(Path(os.path.normpath(cwd / environ[ENVIRONMENT])), ENVIRONMENT)
    for folder in (cwd, *cwd.parents):
        if (folder / layout.WORKSPACE_FILE).is_file():
            return read_workspace(folder)
    return None


def _named(root: Path, source: str) -> Workspace:
    if root.name == layout.WORKSPACE_FILE and root.is_file():
        root = root.parent
    if not root.is_dir():
        raise UsageError(f"{source}: {root}: no such workspace folder; {_MADE}")
    if not (root / layout.WORKSPACE_FILE).is_file():
        raise UsageError(f"{source}: {root}: not a workspace (it has no {layout.WORKSPACE_FILE}); {_MADE}")
    return read_workspace(root)


# -- making -----------------------------------------------------------------------------------------
def create_workspace(root: Path, divisions: Sequence[str], name: str = "", contact: str = "") -> Workspace:
    """A new workspace in ``root`` (a new or empty folder): folders, the shipped policy and plans, ``xinyong.toml``."""
    _check_new(root, divisions)
    rounds = gbt2260.common(divisions) or divisions[0]  # _check_new refused divisions of several provinces
    root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{root.name}.", suffix=".init", dir=root.parent))
    try:
        for folder in (*(f for f in FOLDERS.values() if f != "."), layout.MODELS, layout.ROUNDS, layout.PUBLIC):
            (staging / folder).mkdir(parents=True, exist_ok=True)
        (staging / layout.DATA / layout.MLFLOW).mkdir(parents=True, exist_ok=True)
        (staging / layout.PRIVATE).mkdir(mode=0o700)
        fsio.write_bytes(staging / layout.POLICY_FILE, layout.SHIPPED_POLICY.read_bytes())
        fsio.write_bytes(staging / layout.workspace_plans(rounds), plans_for_division(rounds).encode("utf-8"))
        fsio.write_bytes(staging / layout.WORKSPACE_FILE, render_settings(divisions, name, contact).encode("utf-8"))
        os.chmod(staging, fsio.DIR_MODE)
        os.replace(staging, root)  # an empty folder (checked above) is replaced whole
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return read_workspace(root)


def _check_new(root: Path, divisions: Sequence[str]) -> None:
    if (root / layout.WORKSPACE_FILE).is_file():
        raise UsageError(f"{root}: is already a workspace (it has {layout.WORKSPACE_FILE}); edit that file instead")
    if root.exists() and not root.is_dir():
        raise UsageError(f"{root}: is a file, not a folder to make a workspace in")
    if root.is_dir() and any(root.iterdir()):
        raise UsageError(f"{root}: is not empty; a workspace is made in a new or empty folder")
    for parent in root.parents:
        if parent.exists():
            if not parent.is_dir():
                raise UsageError(f"{root}: {parent} is a file, so nothing can be written under it")
            break
    if not divisions:
        raise UsageError("--division: give the office's division code (GB/T 2260), e.g. --division 330802")
    for code in divisions:
        if not _DIVISION.fullmatch(code):
            raise UsageError(f"--division: {code!r} is not a 6-digit division code (GB/T 2260), e.g. 330802")
    problem = _divisions_problem(divisions)
    if problem:
        raise UsageError(f"--division: {problem}")
    if gbt2260.common(divisions) is None:
        raise UsageError(
            f"--division: {', '.join(divisions)} are of different provinces; a workspace's rounds are of one division"
        )


def plans_for_division(division: str) -> str:
    """The shipped default plans as a new workspace's plans of ``division``: the division's own where
    one is shipped, else the template division's with its ``division`` line changed."""
    shipped = layout.shipped_plans(division)
    if shipped.is_file():
        return shipped.read_text(encoding="utf-8")
    text = layout.shipped_plans(TEMPLATE_DIVISION).read_text(encoding="utf-8")
    line = f'division = "{TEMPLATE_DIVISION}"\n'
    if text.count(line) != 1:
        raise AssertionError(f"the shipped plans of {TEMPLATE_DIVISION} have no single {line!r}")  # a packaging bug
    header = (
        f"# Copied by `xinyong init` from the shipped default plans of division {TEMPLATE_DIVISION} for division\n"
        f"# {division}: size the plans for this division before its first round (`xinyong round frame`).\n"
    )
    return header + text.replace(line, f'division = "{division}"\n')


def render_settings(divisions: Sequence[str], name: str, contact: str = "") -> str:
    """The ``xinyong.toml`` of a new workspace, every key written out with its default (``contact`` when given), the
    shipped towns of 330802 for that division and a commented example of the ``[[town]]`` tables to write for every
    other."""

    def quoted(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    rounds = gbt2260.common(divisions) or divisions[0]
    over = f" (over {', '.join(divisions)})" if len(divisions) > 1 else ""
    lines = [
        "# The xinyong workspace of one office (docs/workspace.md). Paths are relative to this file's folder.",
        "# Every command run in this folder or below it, with --workspace or with XINYONG_WORKSPACE set",
        "# takes its default files and folders from here; an option given on the command line wins.",
        "",
        "[workspace]",
        f"name = {quoted(name)}",
        "divisions = ["
        + ", ".join(quoted(d) for d in divisions)
        + "]  # "
        + ", ".join(gbt2260.place(d) for d in divisions),
        f"policy = {quoted(layout.POLICY_FILE)}  # the tier policy (docs/tiers.md)",
        f"models = {quoted(layout.MODELS)}  # the champion `xinyong model promote` exports; the shipped one until then",
        '# calendar = "calendar.toml"  # official holidays of years chinese-calendar does not know yet',
        (f"contact = {quoted(contact)}" if contact else '# contact = "信用监管科 张三，电话 0570-0000000"')
        + "  # on every 检查告知书: whom a firm contacts (回避 requests)",
        "",
        f"[plans]  # the round plans: rounds {rounds}-YYYY-MM of {gbt2260.place(rounds)}{over}",
        f"{quoted(rounds)} = {quoted(layout.workspace_plans(rounds))}",
        "",
        "[folders]",
        *(f"{key} = {quoted(default)}" for key, default in FOLDERS.items()),
        "",
        "# The towns (乡镇/街道) of the divisions, with the town's division, its grid and market-supervision station;",
        "# ingest accepts a registry row only with one of these towns, grids and stations.",
    ]
    shipped = shipped_towns()
    for division in divisions:
        if division == shipped[0].division:
            lines += [f"# {gbt2260.place(division)}: the default region's list (reference/towns.csv)", ""]
            for town in shipped:
                lines += ["[[town]]", *(f"{key} = {quoted(getattr(town, key))}" for key in TOWN_KEYS), ""]
        else:
            lines += [
                f"# {gbt2260.place(division)}: list every town before the first ingest, one [[town]] table each, e.g.",
                "# [[town]]",
                '# town = "…街道"',
                '# grid = "…"  # its supervision grid (网格)',
                '# station = "…市场监管所"',
                f"# division = {quoted(division)}",
                "",
            ]
    return "\n".join(lines)
