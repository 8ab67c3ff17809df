"""Every command, given the mistakes people make, answers with one ``Error:`` line and writes nothing.

Each case runs a command through :func:`xinyong.cli.main` — the parsing, the call and the one-line
error handling a person gets from ``xinyong …`` — and checks the whole message, the documented exit
code (2 a usage or input mistake, 4 a file that does not verify; ``errors.py``), that there is no
traceback, and that nothing under the case's folder or the shared rounds changed (no partial
output, no temporary file).  The commands are read from the Typer app itself, so a new command
without a case here fails :func:`test_every_command_has_bad_input_cases`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import typer

import xinyong
from tests.cli.conftest import run
from tests.conftest import APPROVED_AT, CHAMPION, NOVEMBER, PLANS, POLICY
from tests.rounds.hand_round import P01, P02, write_round
from tests.workspace.notices import FIXTURE_2027, NOTICE_2026
from xinyong.cli import app
from xinyong.core.canonical import CJ
from xinyong.core.ids import FORM, RoundId
from xinyong.draw.plans import CountAllocation
from xinyong.indicators.catalog import catalog
from xinyong.ingest import contract
from xinyong.ingest.contract import results_form
from xinyong.publish.checkpoint import COSIGNATURE, Signer, open_note
from xinyong.rounds.run import approve, preview_round

MODELS = CHAMPION
DECEMBER = "330802-2026-12"
NOV = str(NOVEMBER)


def commands() -> set[str]:
    """Every command of the app, by the words a person types (a group that runs by itself counts)."""
    found: set[str] = set()

    def walk(group: object, prefix: str) -> None:
        for name, command in getattr(group, "commands", {}).items():
            words = f"{prefix}{name}"
            if hasattr(command, "commands"):  # a group (Typer carries its own Click, so no isinstance)
                if command.invoke_without_command:
                    found.add(words)
                walk(command, words + " ")
            else:
                found.add(words)

    walk(typer.main.get_command(app), "")
    return found


class Given:
    """What a case works with: its own folder, and the shared session fixtures, fetched only when used."""

    def __init__(self, tmp: Path, request: pytest.FixtureRequest) -> None:
        self.tmp = tmp
        self.request = request
        self.file = tmp / "a-file.txt"
        self.file.write_text("not what was asked for\n", encoding="utf-8")

    @cached_property
    def inputs(self) -> dict:
        return self.request.getfixturevalue("round_inputs")

    @property
    def clean(self) -> Path:
        return self.inputs["clean"]

    @property
    def tiers(self) -> Path:
        return self.inputs["tiers"]

    @cached_property
    def november(self) -> Path:
        """A finalised round's OUT folder (rounds/ and public/), shared: cases must leave it as it is."""
        return self.request.getfixturevalue("november_round")

    @cached_property
    def features(self) -> Path:
        return self.request.getfixturevalue("features_file")

    @cached_property
    def store(self) -> Path:
        return self.request.getfixturevalue("generic_store")

    def watched(self) -> list[Path]:
        """The folders a failed command must leave unchanged."""
        shared = [self.inputs["clean"].parent] if "inputs" in self.__dict__ else []
        shared += [self.november] if "november" in self.__dict__ else []
        return [self.tmp, *shared]


@pytest.fixture(scope="module")
def features_file(round_inputs: dict, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real features file: a few firms' indicators, as `xinyong features` writes them."""
    path = tmp_path_factory.mktemp("features") / "internal" / "features.parquet"
    path.parent.mkdir()
    columns = ["uscc", "as_of", *(i.name for i in catalog())]
    pl.read_parquet(round_inputs["tiers"], columns=columns).head(50).write_parquet(path)
    return path


@pytest.fixture(scope="module")
def generic_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An MLflow store whose version 1 is a generic-mode model (trained on a table of its own)."""
    from xinyong.model.run import train_generic

    root = tmp_path_factory.mktemp("generic")
    rng = np.random.default_rng(1)
    x = rng.normal(size=600)
    y = (rng.random(600) < 1 / (1 + np.exp(-2 * x))).astype(int)
    pl.DataFrame({"id": range(600), "x": x, "z": rng.normal(size=600), "y": y}).write_csv(root / "credit.csv")
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("MLFLOW_TRACKING_URI", raising=False)
        trained = train_generic(root / "credit.csv", "y", root / "model", id_column="id", data_dir=root / "data")
    assert trained.version == "1"
    return root / "data"


def not_a_round(where: str, text: str) -> str:
    return f"{where}: {text!r} is not a round id; a round id is {FORM}"


def stage(out: Path, round_id: str, label: str, command: str, needed: str, step: str) -> str:
    return (
        f"{out / 'rounds' / round_id}: round {round_id} is {label}; `xinyong {command}` needs it {needed}: "
        f"run `xinyong {step}` first"
    )


def not_a_tier_file(path: Path) -> str:
    return f"{path}: not a tier file: it has no column score, model_tier, tier, rules; make one with `xinyong tiers`"


def not_framed(out: Path, command: str, needed: str) -> str:
    return stage(out, DECEMBER, "not framed", command, needed, "round frame")


def public_copy(g: Given) -> Path:
    """A copy of the November round's public files, to spoil."""
    return Path(shutil.copytree(g.november / "public" / "rounds" / NOV, g.tmp / "round"))


def spoil_public(name: str, change: Callable[[bytes], bytes]) -> Callable[[Given], None]:
    def setup(g: Given) -> None:
        path = public_copy(g) / name
        path.write_bytes(change(path.read_bytes()))

    return setup


def spoil_log(name: str, change: Callable[[bytes], bytes]) -> Callable[[Given], None]:
    def setup(g: Given) -> None:
        path = Path(shutil.copytree(g.november / "public", g.tmp / "public")) / name
        path.write_bytes(change(path.read_bytes()))

    return setup


def signed_log(entries: list[dict]) -> Callable[[Given], None]:
    """A log that signs entries no xinyong command writes: the signature is good, the entries are not."""

    def setup(g: Given) -> None:
        from xinyong.publish import translog

        translog.append(g.tmp / "site" / "public", entries, origin=translog.origin_for("330802"))

    return setup


# A witness's verifier key (a fixed one, so that messages can name it) and a witness's state folder g.tmp/w.
WITNESS_VKEY = str(Signer("witness.example/w1", bytes(range(32)), COSIGNATURE).verifier)


def witness_state(g: Given) -> None:
    from xinyong.publish.witness import init_witness

    init_witness(g.tmp / "w", "witness.example/w1")


def results_form_file(round_id: str) -> Callable[[Given], None]:
    """A filled-in results form of one row naming ``round_id``."""

    def setup(g: Given) -> None:
        row = {
            "round": round_id,
            "plan": "P01",
            "uscc": "91330802MA296TDX3C",
            "name": "",
            "team": "INS-00062;INS-00035",
            "started": "2026-12-02",
            "ended": "2026-12-03",
            "codes": "1",
            "corrects": "",
            "remarks": "",
        }
        labels = {c.name: c.label for c in results_form().columns}
        pl.DataFrame([{labels[k]: v for k, v in row.items()}]).write_csv(g.tmp / "form.csv")

    return setup


def staffed_target(g: Given) -> tuple[dict, list[str]]:
    """The first staffed target of the shared November round, and its team."""
    lines = (g.november / "rounds" / NOV / "audit" / "assignment.jsonl").read_bytes().splitlines()
    record = next(r for r in map(json.loads, lines) if r["team"])
    return record, record["team"]


def reassign_target(g: Given) -> list[object]:
    """`round reassign` of the shared November round's first staffed target, up to --inspector."""
    record, _ = staffed_target(g)
    return [
        "round",
        "reassign",
        "--round",
        NOV,
        "--out",
        g.november,
        "--plan",
        record["plan"],
        "--uscc",
        record["uscc"],
    ]


def make_folder(*parts: str) -> Callable[[Given], None]:
    def setup(g: Given) -> None:
        g.tmp.joinpath(*parts).mkdir(parents=True)
        (g.tmp.joinpath(*parts) / "README.txt").write_text("a folder of something else\n", encoding="utf-8")

    return setup


def workspace(*extra: str, divisions: tuple[str, ...] = ("330802",)) -> Callable[[Given], None]:
    """A workspace in ``ws/`` made by `xinyong init` for ``divisions``, with ``extra`` lines appended to its
    xinyong.toml."""

    def setup(g: Given) -> None:
        from xinyong.workspace.settings import create_workspace

        made = create_workspace(g.tmp / "ws", list(divisions))
        made.file.write_text(made.file.read_text(encoding="utf-8") + "".join(f"{line}\n" for line in extra), "utf-8")

    return setup


def in_package(path: Path) -> str:
    package = Path(xinyong.__file__).resolve().parent
    return (
        f"{path}: is inside the installed xinyong package ({package}), whose shipped defaults are package data that no "
        "command changes; write the output elsewhere (a workspace's models/ for a champion)"
    )


def calendar_supplement(text: str) -> Callable[[Given], None]:
    """A workspace in ``ws/`` whose xinyong.toml names ``calendar.toml``, holding ``text``."""

    def setup(g: Given) -> None:
        from xinyong.workspace.settings import create_workspace

        made = create_workspace(g.tmp / "ws", ["330802"])
        settings = made.file.read_text(encoding="utf-8")
        made.file.write_text(settings.replace('# calendar = "calendar.toml"', 'calendar = "calendar.toml"'), "utf-8")
        (made.root / "calendar.toml").write_text(text, encoding="utf-8")

    return setup


def no_workspace(option: str) -> str:
    return (
        f"{option}: not given, and there is no workspace to take it from: run in a workspace (a folder with "
        "xinyong.toml, made by `xinyong init`), or pass --workspace DIR or set XINYONG_WORKSPACE"
    )


def no_rows_features(g: Given) -> None:
    pl.read_parquet(g.features).head(0).write_parquet(g.tmp / "features-empty.parquet")


def text_as_parquet(g: Given) -> None:
    (g.tmp / "features.parquet").write_text("uscc,as_of\n91330802MA296TDX3C,2026-10-31\n", encoding="utf-8")


def log_size(public: Path) -> int:
    from xinyong.publish import translog

    return translog.stored_tree(public).size


def changed_old_log(g: Given) -> None:
    """A copy of the November log (and its private key) in the layout before tlog-tiles, one entry's bytes changed."""
    from tests.publish.test_translog import old_layout

    public = Path(shutil.copytree(g.november / "public", g.tmp / "public"))
    shutil.copytree(g.november / "private", g.tmp / "private")
    old_layout(public)
    entries = public / "log" / "entries.jsonl"
    entries.write_bytes(entries.read_bytes().replace(b'"kind":"file"', b'"kind":"fil\\u0065"', 1))


def last_bundle(public: Path) -> str:
    """The entry bundle that holds the last entries of the log (c2sp.org/tlog-tiles)."""
    from xinyong.workspace.layout import log_tile

    size = log_size(public)
    return log_tile(None, size // 256, size % 256)


@dataclass(frozen=True)
class Case:
    command: str  # the words a person types, e.g. "round frame"
    mistake: str
    args: Callable[[Given], list[object]]
    error: Callable[[Given], str]  # the whole message after "Error: "
    code: int = 2
    setup: Callable[[Given], None] | None = None

    @property
    def id(self) -> str:
        return f"{self.command}: {self.mistake}"


def _round(command: str, *rest: object) -> Callable[[Given], list[object]]:
    return lambda g: ["round", command, *rest]


def _frame(
    g: Given,
    *,
    round_id: str = DECEMBER,
    plans: Path = PLANS,
    tiers: Path | None = None,
    out: Path | None = None,
) -> list[object]:
    """`round frame` with the good inputs but the one given wrong."""
    return [
        *("round", "frame", "--round", round_id, "--plans", plans),
        *("--tiers", tiers or g.tiers, "--clean", g.clean, "--out", out or g.tmp / "out"),
    ]


def plans_with(old: str, new: str) -> Callable[[Given], None]:
    """The default plans with one typo: ``g.tmp / plans.toml``."""

    def setup(g: Given) -> None:
        (g.tmp / "plans.toml").write_text(PLANS.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")

    return setup


def tiers_with(change: pl.Expr) -> Callable[[Given], None]:
    """This month's tier file with one column changed: ``g.tmp / internal / tiers.parquet``."""

    def setup(g: Given) -> None:
        (g.tmp / "internal").mkdir()
        pl.read_parquet(g.tiers).with_columns(change).write_parquet(g.tmp / "internal" / "tiers.parquet")

    return setup


def hand_round(step: str, **given: object) -> Callable[[Given], None]:
    """The hand-made December round (:mod:`tests.rounds.hand_round`) in ``g.tmp / out``, taken to ``step``:
    framed, previewed, approved, or approved and then its frame changed."""

    def setup(g: Given) -> None:
        paths = write_round(g.tmp / "out", **given)
        if step == "framed":
            return
        _, sha = preview_round(paths.out, paths.round_id)
        if step in ("approved", "changed after approval"):
            approve(paths.out, paths.round_id, "张三", APPROVED_AT, sha)
        if step in ("changed", "changed after approval"):
            frame = paths.audit / "frame.jsonl"
            frame.write_bytes(b"".join(frame.read_bytes().splitlines(keepends=True)[1:]))

    return setup


SIGNATURE = "b713718a38ae728dfd477991af2822e08d2f305e47718cef9f7848ce4050e7be41076862b98fad56e91a6b85b89cd97b"
QUICKNET_HASH = "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971"


def committed_with_drand(g: Given, round_number: int = 657413, *, drand: bool = True, announced: bool = True) -> None:
    """The hand-made December round committed, ten minutes before quicknet round 657413, naming that drand round
    (the spec's vector, whose signature is :data:`SIGNATURE`) and an announcement."""
    import datetime as dt

    from xinyong.rounds.randomness import Requested
    from xinyong.rounds.run import commit

    hand_round("approved")(g)
    requested = Requested(round_number if drand else None, None, "圆周率前十五位（测试）" if announced else None)
    commit(
        g.tmp / "out", RoundId.parse(DECEMBER, "test"), requested, now=dt.datetime(2023, 9, 15, 10, 50, tzinfo=dt.UTC)
    )


def reveal_args(g: Given) -> list[object]:
    return ["round", "reveal", "--round", DECEMBER, "--out", g.tmp / "out"]


def all_staffed_november(g: Given) -> None:
    """The small region's finalised November round, every target staffed and no result yet, in ``g.tmp / out``."""
    small = g.request.getfixturevalue("small_november")
    shutil.copytree(small.out, g.tmp / "out")


def supplement_approved(g: Given) -> None:
    """The small November round with one firm found 已注销, and its supplementary round framed and approved."""
    from tests.conftest import NOW, approve_round
    from tests.rounds.test_run import results_with_codes
    from xinyong.results.run import import_results
    from xinyong.rounds.run import build_supplement
    from xinyong.rounds.staffing import read_staffing
    from xinyong.workspace.layout import RoundPaths

    all_staffed_november(g)
    paths = RoundPaths(g.tmp / "out", NOVEMBER)
    target = next(t for t, team in sorted(read_staffing(paths).teams().items()) if team)
    import_results(
        paths.out, results_with_codes(paths, {target: "9"}, g.tmp / "form.csv"), today=NOVEMBER.last_day, now=NOW
    )
    build_supplement(paths.out, NOVEMBER, g.request.getfixturevalue("small_inputs")["clean"])
    approve_round(paths.out, NOVEMBER.next_supplement())


def auditor_key(g: Given, mode: int = 0o600) -> None:
    """An auditor's signer key in ``g.tmp / a.key``."""
    from xinyong.rounds.attestations import new_key

    new_key("纪检监察组", g.tmp / "a.key")
    (g.tmp / "a.key").chmod(mode)


def auditor_vkey(g: Given) -> str:
    from xinyong.rounds.attestations import read_signer

    return str(read_signer(g.tmp / "a.key").verifier)


def drawn_hand_round(g: Given) -> None:
    """The hand-made December round committed, revealed and drawn, not yet staffed."""
    from xinyong.rounds.run import draw, reveal

    committed_with_drand(g, drand=False)
    reveal(g.tmp / "out", RoundId.parse(DECEMBER, "test"), values=("31415 92653", "31415 92653"))
    draw(g.tmp / "out", RoundId.parse(DECEMBER, "test"))


def attested_november(g: Given, *, note: bool = True, forged: bool = False) -> None:
    """The small November round in ``g.tmp / out``, and its auditor's attestation in ``g.tmp / note.txt`` (or one
    whose H(assignment.jsonl) is not the round's)."""
    from xinyong.draw.attest import Attestation
    from xinyong.rounds.attestations import attest_round, read_signer

    all_staffed_november(g)
    auditor_key(g)
    if not note:
        return
    text = attest_round(g.tmp / "out" / "rounds" / NOV / "audit", g.tmp / "a.key")
    if forged:
        signer = read_signer(g.tmp / "a.key")
        attested = Attestation.parse(open_note(text, signer.verifier))
        text = signer.sign(Attestation(attested.round, attested.commitment, attested.selected, "0" * 64).text())
    (g.tmp / "note.txt").write_text(text, encoding="utf-8")


def publish_args(g: Given, round_id: str = NOV) -> list[object]:
    return ["round", "publish-attestation", "--round", round_id, g.tmp / "note.txt", "--out", g.tmp / "out"]


def preview_sha(g: Given) -> str:
    return hashlib.sha256((g.tmp / "out" / "rounds" / DECEMBER / "internal" / "preview.json").read_bytes()).hexdigest()


CASES = [
    # -- data ---------------------------------------------------------------------------------------
    Case(
        "generate",
        "--out an existing file",
        lambda g: ["generate", "--out", g.file, "--enterprises", 1000, "--months", 13],
        lambda g: f"{g.file}: is a file, not a folder to write into",
    ),
    Case(
        "generate",
        "--out under a file",
        lambda g: ["generate", "--out", g.file / "region"],
        lambda g: f"{g.file / 'region'}: {g.file} is a file, so nothing can be written under it",
    ),
    Case(
        "ingest",
        "RAW_DIR a file",
        lambda g: ["ingest", g.file, "--out", g.tmp / "clean"],
        lambda g: f"{g.file}: not a folder of raw tables",
        setup=make_folder("raw"),
    ),
    Case(
        "ingest",
        "--out the input folder itself",
        lambda g: ["ingest", g.tmp / "raw", "--out", g.tmp / "raw"],
        lambda g: f"{g.tmp / 'raw'}: is also an input; write the output elsewhere",
        setup=make_folder("raw"),
    ),
    Case(
        "ingest",
        "--out inside the input folder",
        lambda g: ["ingest", g.tmp / "raw", "--out", g.tmp / "raw" / "clean"],
        lambda g: f"{g.tmp / 'raw' / 'clean'}: is inside the input folder {g.tmp / 'raw'}; write the output elsewhere",
        setup=make_folder("raw"),
    ),
    Case(
        "ingest",
        "--out an existing file",
        lambda g: ["ingest", g.tmp / "raw", "--out", g.file],
        lambda g: f"{g.file}: is a file, not a folder to write into",
        setup=make_folder("raw"),
    ),
    Case(
        "ingest",
        "--out holding the input folder",
        lambda g: ["ingest", g.tmp / "clean" / "raw", "--out", g.tmp / "clean"],
        lambda g: (
            f"{g.tmp / 'clean'}: holds the input folder {g.tmp / 'clean' / 'raw'}; write the clean folder elsewhere"
        ),
        setup=make_folder("clean", "raw"),
    ),
    Case(
        "ingest",
        "a folder without the tables",
        lambda g: ["ingest", g.tmp / "raw", "--out", g.tmp / "clean"],
        lambda g: (
            f"{g.tmp / 'raw'}: 14 of 14 tables missing: "
            + ", ".join(f"{t.name} ({t.label})" for t in contract.tables())
            + "; name each file after its table or its Chinese name, ending .parquet, .csv, .xlsx, .xls "
            "(e.g. enterprises.csv or 市场主体登记信息.xlsx)"
        ),
        setup=make_folder("raw"),
    ),
    Case(
        "ingest",
        "--max-quarantined above 1",
        lambda g: ["ingest", g.tmp / "raw", "--out", g.tmp / "clean", "--max-quarantined", "1.5"],
        lambda g: "Invalid value for '--max-quarantined': Input should be less than or equal to 1",
        setup=make_folder("raw"),
    ),
    Case(
        "ingest",
        "--max-registry-loss not a number",
        lambda g: ["ingest", g.tmp / "raw", "--out", g.tmp / "clean", "--max-registry-loss", "1%"],
        lambda g: (
            "Invalid value for '--max-registry-loss': Input should be a valid number, unable to parse string as "
            "a number"
        ),
        setup=make_folder("raw"),
    ),
    Case(
        "ingest",
        "--max-registry-loss negative",
        lambda g: ["ingest", g.tmp / "raw", "--out", g.tmp / "clean", "--max-registry-loss", "-0.01"],
        lambda g: "Invalid value for '--max-registry-loss': Input should be greater than or equal to 0",
        setup=make_folder("raw"),
    ),
    Case(
        "features",
        "CLEAN_DIR missing",
        lambda g: ["features", g.tmp / "nowhere", "--as-of", "2026-10-31", "--out", g.tmp / "f.parquet"],
        lambda g: f"{g.tmp / 'nowhere'}: no such clean folder; make one with `xinyong ingest`",
    ),
    Case(
        "features",
        "CLEAN_DIR a folder of something else",
        lambda g: ["features", g.tmp / "raw", "--as-of", "2026-10-31", "--out", g.tmp / "f.parquet"],
        lambda g: f"{g.tmp / 'raw'}: not a clean folder (it has no manifest.json); make one with `xinyong ingest`",
        setup=make_folder("raw"),
    ),
    Case(
        "features",
        "--work a missing folder",
        lambda g: [
            *("features", g.clean, "--as-of", "2026-10-31", "--out", g.tmp / "f.parquet"),
            *("--work", g.tmp / "nowhere"),
        ],
        lambda g: f"{g.tmp / 'nowhere'}: no such work folder; give the --out folder of `xinyong round`",
    ),
    Case(
        "features",
        "--as-of before any firm was live",
        lambda g: ["features", g.clean, "--as-of", "1950-01-01", "--out", g.tmp / "f.parquet"],
        lambda g: (
            f"{g.clean / 'enterprises.parquet'}: no enterprise is live on 1950-01-01 (the clean registry holds "
            f"{pl.read_parquet(g.clean / 'enterprises.parquet').height:,}), so there is nothing to build indicators "
            "for and nothing was written; check --as-of, and the registry's quarantine (quarantine/enterprises.csv)"
        ),
    ),
    Case(
        "features",
        "--out an existing folder",
        lambda g: ["features", g.clean, "--as-of", "2026-10-31", "--out", g.tmp],
        lambda g: f"{g.tmp}: is a folder, not a file to write",
    ),
    Case(
        "features",
        "--out under a file",
        lambda g: ["features", g.clean, "--as-of", "2026-10-31", "--out", g.file / "f.parquet"],
        lambda g: f"{g.file / 'f.parquet'}: {g.file} is a file, so nothing can be written under it",
    ),
    Case(
        "features",
        "--out inside the clean folder",
        lambda g: ["features", g.clean, "--as-of", "2026-10-31", "--out", g.clean / "enterprises.parquet"],
        lambda g: (
            f"{g.clean / 'enterprises.parquet'}: is inside the input folder {g.clean}; write the output elsewhere"
        ),
    ),
    Case(
        "demo",
        "--out an existing file",
        lambda g: ["demo", "--out", g.file, "--region", g.tmp / "region"],
        lambda g: f"{g.file}: is a file, not a folder to write into",
    ),
    Case(
        "demo",
        "--out the region folder",
        lambda g: ["demo", "--out", g.tmp / "region", "--region", g.tmp / "region"],
        lambda g: f"{g.tmp / 'region'}: is also an input; write the output elsewhere",
        setup=make_folder("region"),
    ),
    # -- workspace ----------------------------------------------------------------------------------
    Case(
        "init",
        "DIR not empty",
        lambda g: ["init", g.tmp, "--division", "330802"],
        lambda g: f"{g.tmp}: is not empty; a workspace is made in a new or empty folder",
    ),
    Case(
        "init",
        "DIR already a workspace",
        lambda g: ["init", g.tmp / "ws", "--division", "330802"],
        lambda g: f"{g.tmp / 'ws'}: is already a workspace (it has xinyong.toml); edit that file instead",
        setup=workspace(),
    ),
    Case(
        "init",
        "DIR a file",
        lambda g: ["init", g.file, "--division", "330802"],
        lambda g: f"{g.file}: is a file, not a folder to make a workspace in",
    ),
    Case(
        "init",
        "DIR under a file",
        lambda g: ["init", g.file / "ws", "--division", "330802"],
        lambda g: f"{g.file / 'ws'}: {g.file} is a file, so nothing can be written under it",
    ),
    Case(
        "init",
        "--division not a division code",
        lambda g: ["init", g.tmp / "ws", "--division", "浙江衢州"],
        lambda g: "--division: '浙江衢州' is not a 6-digit division code (GB/T 2260), e.g. 330802",
    ),
    Case(
        "init",
        "--division not on 民政部's list",
        lambda g: ["init", g.tmp / "ws", "--division", "330899"],
        lambda g: (
            "--division: 330899 is not a division of GB/T 2260, 民政部 2024年县以上行政区划代码; the nearest are "
            "330881 衢州市江山市, 330825 衢州市龙游县, 330824 衢州市开化县"
        ),
    ),
    Case(
        "init",
        "--division of two provinces",
        lambda g: ["init", g.tmp / "ws", "--division", "330802", "--division", "110101"],
        lambda g: "--division: 330802, 110101 are of different provinces; a workspace's rounds are of one division",
    ),
    Case(
        "init",
        "--division missing",
        lambda g: ["init", g.tmp / "ws"],
        lambda g: "Missing option '--division'.",
    ),
    Case(
        "round draw",
        "--workspace a folder that is not a workspace",
        lambda g: ["--workspace", g.tmp, "round", "draw", "--round", DECEMBER],
        lambda g: (
            f"--workspace: {g.tmp}: not a workspace (it has no xinyong.toml); make one with "
            "`xinyong init DIR --division CODE`"
        ),
    ),
    Case(
        "results status",
        "--workspace a missing folder",
        lambda g: ["--workspace", g.tmp / "nowhere", "results", "status", "--round", NOV],
        lambda g: (
            f"--workspace: {g.tmp / 'nowhere'}: no such workspace folder; make one with "
            "`xinyong init DIR --division CODE`"
        ),
    ),
    Case(
        "explain",
        "--workspace whose xinyong.toml has a misspelt key",
        lambda g: ["--workspace", g.tmp / "ws", "explain", "91330802MA296TDX3C"],
        lambda g: f"{g.tmp / 'ws' / 'xinyong.toml'}: unknown key 'folder' (did you mean 'folders'?)",
        setup=workspace("[folder]", 'clean = "elsewhere"'),
    ),
    Case(
        "round frame",
        "--workspace of another division",
        lambda g: [
            *("--workspace", g.tmp / "ws", "round", "frame", "--round", "330801-2026-12"),
            *("--tiers", g.tiers, "--clean", g.clean),
        ],
        lambda g: (
            f"--round: round 330801-2026-12 is of division 330801, but the workspace {g.tmp / 'ws'} runs the rounds "
            "of 330802 衢州市柯城区: --round 330802-2026-12"
        ),
        setup=workspace(),
    ),
    Case(
        "round frame",
        "--round of a district in a city workspace",
        lambda g: [
            *("--workspace", g.tmp / "ws", "round", "frame", "--round", DECEMBER),
            *("--tiers", g.tiers, "--clean", g.clean),
        ],
        lambda g: (
            f"--round: round {DECEMBER} is of division 330802, but the workspace {g.tmp / 'ws'} runs the rounds of "
            "330800 衢州市, over 330802, 330803: --round 330800-2026-12"
        ),
        setup=workspace(divisions=("330802", "330803")),
    ),
    Case(
        "ingest",
        "a workspace division without towns",
        lambda g: ["--workspace", g.tmp / "ws", "ingest", g.tmp / "raw", "--out", g.tmp / "clean"],
        lambda g: (
            f"{g.tmp / 'ws' / 'xinyong.toml'}: [[town]]: no town of division 330803 衢州市衢江区 is listed; list each "
            'of its 乡镇(街道) as a [[town]] table with town, grid, station and division = "330803" '
            "(docs/workspace.md, Towns)"
        ),
        setup=lambda g: (workspace(divisions=("330802", "330803"))(g), (g.tmp / "raw").mkdir()),
    ),
    Case(
        "generate",
        "a workspace division without towns",
        lambda g: ["--workspace", g.tmp / "ws", "generate", "--out", g.tmp / "region"],
        lambda g: (
            f"{g.tmp / 'ws' / 'xinyong.toml'}: [[town]]: no town of division 330803 衢州市衢江区 is listed; list each "
            'of its 乡镇(街道) as a [[town]] table with town, grid, station and division = "330803" '
            "(docs/workspace.md, Towns)"
        ),
        setup=workspace(divisions=("330803",)),
    ),
    Case(
        "round frame",
        "no --plans, no workspace and no plans shipped for the division",
        lambda g: [
            *("round", "frame", "--round", "330801-2026-12", "--tiers", g.tiers, "--clean", g.clean),
            *("--out", g.tmp / "out"),
        ],
        lambda g: (
            "--plans: not given, there is no workspace to take it from, and no plans are shipped for division "
            "330801: pass --plans FILE, or make a workspace with `xinyong init DIR --division 330801`"
        ),
    ),
    Case(
        "round commit",
        "no --out and no workspace",
        lambda g: ["round", "commit", "--round", DECEMBER, "--announced", "福利彩票双色球 2026-12-01 开奖号码"],
        lambda g: no_workspace("--out"),
    ),
    Case(
        "model promote",
        "no --data-dir and no workspace",
        lambda g: ["model", "promote", "1", "--models", g.tmp / "models"],
        lambda g: no_workspace("--data-dir"),
    ),
    Case(
        "ingest",
        "no RAW_DIR and no workspace",
        lambda g: ["ingest", "--out", g.tmp / "clean"],
        lambda g: no_workspace("RAW_DIR"),
    ),
    Case(
        "log verify",
        "no PUBLIC_DIR and no workspace",
        lambda g: ["log", "verify"],
        lambda g: no_workspace("PUBLIC_DIR"),
    ),
    # -- model --------------------------------------------------------------------------------------
    Case(
        "model train",
        "--work a missing folder",
        lambda g: [
            *("model", "train", "--clean", g.clean, "--as-of", "2026-10-31"),
            *("--out", g.tmp / "m", "--data-dir", g.tmp / "data", "--work", g.tmp / "nowhere"),
        ],
        lambda g: f"{g.tmp / 'nowhere'}: no such work folder; give the --out folder of `xinyong round`",
    ),
    Case(
        "model train",
        "--work a file",
        lambda g: [
            *("model", "train", "--clean", g.clean, "--as-of", "2026-10-31"),
            *("--out", g.tmp / "m", "--data-dir", g.tmp / "data", "--work", g.file),
        ],
        lambda g: f"{g.file}: is a file, not a work folder; give the --out folder of `xinyong round`",
    ),
    Case(
        "model train",
        "--out an existing file",
        lambda g: [
            *("model", "train", "--table", g.features, "--label", "dishonest_listed"),
            *("--out", g.file, "--data-dir", g.tmp / "data"),
        ],
        lambda g: f"{g.file}: is a file, not a folder to write into",
    ),
    Case(
        "model train",
        "--out inside the package",
        lambda g: [
            *("model", "train", "--table", g.features, "--label", "dishonest_listed"),
            *("--out", MODELS / "experiment", "--data-dir", g.tmp / "data"),
        ],
        lambda g: in_package(MODELS / "experiment"),
    ),
    Case(
        "model score",
        "--model a clean folder",
        lambda g: ["model", "score", "--model", g.clean, "--table", g.features, "--out", g.tmp / "s.parquet"],
        lambda g: f"{g.clean / 'model.txt'}: missing; is this a model folder written by `xinyong model train`?",
    ),
    Case(
        "model score",
        "--model a clean table",
        lambda g: (
            [
                "model",
                "score",
                "--model",
                g.clean / "enterprises.parquet",
                "--table",
                g.features,
                "--out",
                g.tmp / "s.parquet",
            ]
        ),
        lambda g: (
            f"{g.clean / 'enterprises.parquet'}: is a file, not a model folder (the folder "
            "`xinyong model train --out` writes)"
        ),
    ),
    Case(
        "features",
        "--out named for a format it does not write",
        lambda g: ["features", g.clean, "--as-of", "2026-10-31", "--out", g.tmp / "f.xlsx"],
        lambda g: f"{g.tmp / 'f.xlsx'}: '.xlsx' is not a format it writes; name it .parquet or .csv, e.g. f.parquet",
    ),
    Case(
        "features",
        "--out without a suffix",
        lambda g: ["features", g.clean, "--as-of", "2026-10-31", "--out", g.tmp / "features"],
        lambda g: f"{g.tmp / 'features'}: the name has no suffix; name it .parquet or .csv, e.g. features.parquet",
    ),
    Case(
        "model score",
        "--out named for a format it does not write",
        lambda g: ["model", "score", "--model", MODELS, "--table", g.features, "--out", g.tmp / "s.json"],
        lambda g: (
            f"{g.tmp / 's.json'}: '.json' is not a format it writes; name it .parquet, .csv or .xlsx, e.g. s.parquet"
        ),
    ),
    Case(
        "model score",
        "--out an existing folder",
        lambda g: ["model", "score", "--model", MODELS, "--table", g.features, "--out", g.tmp],
        lambda g: f"{g.tmp}: is a folder, not a file to write",
    ),
    Case(
        "model promote",
        "a generic-mode model's version without --generic",
        lambda g: ["model", "promote", "1", "--data-dir", g.store, "--models", g.tmp / "models"],
        lambda g: (
            f"model version 1 of xinyong-risk is not in the registry at sqlite:///{g.store.resolve()}/mlflow/"
            "mlflow.db (a generic-mode model is promoted with --generic)"
        ),
    ),
    Case(
        "model promote",
        "--generic without --models",
        lambda g: ["model", "promote", "1", "--generic", "--data-dir", g.store],
        lambda g: (
            "--models: give the folder to export a generic-mode champion to; the workspace's models/ holds the "
            "regulator's champion"
        ),
    ),
    Case(
        "model promote",
        "--generic into the workspace's models/",
        lambda g: [
            "--workspace",
            g.tmp / "ws",
            "model",
            "promote",
            "1",
            "--generic",
            "--models",
            g.tmp / "ws" / "models",
        ],
        lambda g: (
            f"--models: {g.tmp / 'ws' / 'models'} is the workspace's models/, which holds the regulator's champion; "
            "export a generic-mode model to a folder of its own"
        ),
        setup=workspace(),
    ),
    Case(
        "model promote",
        "--force without --reason",
        lambda g: ["model", "promote", "1", "--generic", "--force", "--data-dir", g.store, "--models", g.tmp / "m"],
        lambda g: "--force needs --reason '…': why the gates are overridden is recorded with the champion",
    ),
    Case(
        "model promote",
        "--models the shipped champion (package data)",
        lambda g: ["model", "promote", "1", "--data-dir", g.store, "--models", MODELS],
        lambda g: in_package(MODELS),
    ),
    Case(
        "model promote",
        "--data-dir without a store",
        lambda g: ["model", "promote", "1", "--data-dir", g.tmp / "data", "--models", g.tmp / "models"],
        lambda g: (
            f"{g.tmp / 'data'}: no MLflow store ({g.tmp / 'data' / 'mlflow' / 'mlflow.db'}); train a model "
            "with `xinyong model train`"
        ),
    ),
    Case(
        "model promote",
        "--models an existing file",
        lambda g: ["model", "promote", "1", "--data-dir", g.tmp / "data", "--models", g.file],
        lambda g: f"{g.file}: is a file, not a folder to write into",
    ),
    # -- tiers --------------------------------------------------------------------------------------
    Case(
        "tiers",
        "features of no firm",
        lambda g: (
            [
                "tiers",
                "--features",
                g.tmp / "features-empty.parquet",
                "--model",
                MODELS,
                "--policy",
                POLICY,
                "--out",
                g.tmp / "internal" / "tiers.parquet",
            ]
        ),
        lambda g: f"{g.tmp / 'features-empty.parquet'}: has no enterprises (0 rows), so there is nothing to tier",
        setup=no_rows_features,
    ),
    Case(
        "tiers",
        "--out a CSV",
        lambda g: [
            *("tiers", "--features", g.features, "--model", MODELS, "--policy", POLICY),
            *("--out", g.tmp / "internal" / "tiers.csv"),
        ],
        lambda g: (
            f"{g.tmp / 'internal' / 'tiers.csv'}: '.csv' is not a format it writes; name it .parquet, "
            "e.g. tiers.parquet"
        ),
    ),
    Case(
        "tiers",
        "--features not Parquet",
        lambda g: (
            [
                "tiers",
                "--features",
                g.tmp / "features.parquet",
                "--model",
                MODELS,
                "--policy",
                POLICY,
                "--out",
                g.tmp / "internal" / "tiers.parquet",
            ]
        ),
        lambda g: (
            f"{g.tmp / 'features.parquet'}: not a Parquet file, so not a features file; make one with "
            "`xinyong features`"
        ),
        setup=text_as_parquet,
    ),
    Case(
        "tiers",
        "--features a clean table",
        lambda g: (
            [
                "tiers",
                "--features",
                g.clean / "enterprises.parquet",
                "--model",
                MODELS,
                "--policy",
                POLICY,
                "--out",
                g.tmp / "internal" / "tiers.parquet",
            ]
        ),
        lambda g: (
            f"{g.clean / 'enterprises.parquet'}: not a features file: it has no column as_of; make one with "
            "`xinyong features`"
        ),
    ),
    Case(
        "tiers",
        "--model a clean table",
        lambda g: (
            [
                "tiers",
                "--features",
                g.features,
                "--model",
                g.clean / "enterprises.parquet",
                "--policy",
                POLICY,
                "--out",
                g.tmp / "internal" / "tiers.parquet",
            ]
        ),
        lambda g: (
            f"{g.clean / 'enterprises.parquet'}: is a file, not a model folder (the folder "
            "`xinyong model train --out` writes)"
        ),
    ),
    Case(
        "tiers",
        "--policy a plans file",
        lambda g: (
            [
                "tiers",
                "--features",
                g.features,
                "--model",
                MODELS,
                "--policy",
                PLANS,
                "--out",
                g.tmp / "internal" / "tiers.parquet",
            ]
        ),
        lambda g: f"{PLANS}: not a tier policy: it has division, plan; a policy has only [cutoffs] and [[override]]",
    ),
    Case(
        "tiers",
        "an unknown option",
        lambda g: ["tiers", "--feature", g.features],
        lambda g: "No such option: --feature (Possible options: --features)",
    ),
    Case(
        "tiers",
        "--out an existing folder",
        lambda g: (
            ["tiers", "--features", g.features, "--model", MODELS, "--policy", POLICY, "--out", g.tmp / "internal"]
        ),
        lambda g: f"{g.tmp / 'internal'}: is a folder, not a file to write",
        setup=make_folder("internal"),
    ),
    Case(
        "tiers report",
        "--current a features file",
        lambda g: (
            [
                "tiers",
                "report",
                "--current",
                g.features,
                "--previous",
                g.tiers,
                "--clean",
                g.clean,
                "--out",
                g.tmp / "internal" / "report.html",
            ]
        ),
        lambda g: not_a_tier_file(g.features),
    ),
    Case(
        "tiers report",
        "--out a JSON file (the report's data goes beside the page)",
        lambda g: [
            *("tiers", "report", "--current", g.tiers, "--previous", g.tiers, "--clean", g.clean),
            *("--out", g.tmp / "internal" / "report.json"),
        ],
        lambda g: (
            f"{g.tmp / 'internal' / 'report.json'}: '.json' is not a format it writes; name it .html, e.g. report.html"
        ),
    ),
    Case(
        "tiers report",
        "--clean a file",
        lambda g: (
            [
                "tiers",
                "report",
                "--current",
                g.tiers,
                "--previous",
                g.tiers,
                "--clean",
                g.file,
                "--out",
                g.tmp / "internal" / "report.html",
            ]
        ),
        lambda g: f"{g.file}: is a file, not a clean folder; make one with `xinyong ingest`",
    ),
    Case(
        "explain",
        "--tiers a features file",
        lambda g: ["explain", "91330802MA296TDX3C", "--tiers", g.features, "--model", MODELS],
        lambda g: not_a_tier_file(g.features),
    ),
    Case(
        "explain",
        "--tiers missing",
        lambda g: ["explain", "91330802MA296TDX3C", "--tiers", g.tmp / "tiers.parquet", "--model", MODELS],
        lambda g: f"{g.tmp / 'tiers.parquet'}: no such tier file; make one with `xinyong tiers`",
    ),
    # -- round --------------------------------------------------------------------------------------
    *(
        Case(
            "round frame",
            f"--round {text}",
            lambda g, text=text: _frame(g, round_id=text),
            lambda g, text=text: not_a_round("--round", text),
        )
        for text in ("R/../R", "<b>x</b>", "330802-2026-12/..", "../../330802-2026-12", "")
    ),
    Case(
        "round frame",
        "--round with month 13",
        lambda g: _frame(g, round_id="330802-2026-13"),
        lambda g: "--round: '330802-2026-13' is not a round id; its month 13 is not 01 to 12",
    ),
    Case(
        "round frame",
        "--round of another division than the plans",
        lambda g: _frame(g, round_id="330801-2026-12"),
        lambda g: f"--round: round 330801-2026-12 is of division 330801, but {PLANS} is for division 330802",
    ),
    Case(
        "round frame",
        "--tiers a features file",
        lambda g: _frame(g, tiers=g.features),
        lambda g: not_a_tier_file(g.features),
    ),
    Case(
        "round frame",
        "--out inside the clean folder",
        lambda g: _frame(g, out=g.clean / "out"),
        lambda g: f"{g.clean / 'out'}: is inside the input folder {g.clean}; write the output elsewhere",
    ),
    Case(
        "round frame",
        "--out an existing file",
        lambda g: _frame(g, out=g.file),
        lambda g: f"{g.file}: is a file, not a folder to write into",
    ),
    Case(
        "round frame",
        "--plans with `targets` for `target`",
        lambda g: _frame(g, plans=g.tmp / "plans.toml"),
        lambda g: f"{g.tmp / 'plans.toml'}: plan P03: unknown key 'targets' (did you mean 'target'?)",
        setup=plans_with("target = { industry_sections", "targets = { industry_sections"),
    ),
    Case(
        "round frame",
        "--plans with a ratio table without D",
        lambda g: _frame(g, plans=g.tmp / "plans.toml"),
        lambda g: (
            f"{g.tmp / 'plans.toml'}: plan P02: allocation.ratios: no ratio for tier D; name every tier A, B, C, D "
            '(write "0" to draw none of a tier)'
        ),
        setup=plans_with('C = "0.0085", D = "0.021" }', 'C = "0.0085" }'),
    ),
    Case(
        "round frame",
        "--tiers more than two months old",
        lambda g: _frame(g, tiers=g.tmp / "internal" / "tiers.parquet"),
        lambda g: (
            f"{g.tmp / 'internal' / 'tiers.parquet'}: tiers as of 2026-08-31 are more than 2 months older than round "
            f"{DECEMBER}; tier the firms as of 2026-10-01 or later"
        ),
        setup=tiers_with(pl.lit(dt.date(2026, 8, 31)).alias("as_of")),
    ),
    Case(
        "round frame",
        "--tiers of another division",
        lambda g: _frame(g, tiers=g.tmp / "internal" / "tiers.parquet"),
        lambda g: (
            f"{g.tmp / 'internal' / 'tiers.parquet'}: a tier file of division 330803 衢州市衢江区 "
            f"({pl.read_parquet(g.tiers).height:,} of {pl.read_parquet(g.tiers).height:,} firms' USCCs, positions "
            f"3–8), not of round {DECEMBER}'s division 330802 衢州市柯城区"
        ),
        setup=tiers_with(pl.concat_str(pl.col("uscc").str.slice(0, 2), pl.lit("330803"), pl.col("uscc").str.slice(8))),
    ),
    Case(
        "round preview",
        "a round not framed",
        lambda g: ["round", "preview", "--round", DECEMBER, "--out", g.tmp / "out"],
        lambda g: not_framed(g.tmp / "out", "round preview", "framed"),
    ),
    Case(
        "round preview",
        "--round with markup",
        lambda g: ["round", "preview", "--round", "<i>330802-2026-12</i>", "--out", g.tmp / "out"],
        lambda g: not_a_round("--round", "<i>330802-2026-12</i>"),
    ),
    Case(
        "round preview",
        "a committed round",
        lambda g: ["round", "preview", "--round", NOV, "--out", g.november],
        lambda g: (
            f"round {NOV} is committed; it was previewed and approved before "
            f"({g.november / 'rounds' / NOV / 'audit' / 'approval.json'})"
        ),
    ),
    Case(
        "round approve",
        "a round not previewed",
        lambda g: ["round", "approve", "--round", DECEMBER, "--by", "张三", "--out", g.tmp / "out"],
        lambda g: stage(g.tmp / "out", DECEMBER, "framed", "round approve", "previewed", "round preview"),
        setup=hand_round("framed"),
    ),
    Case(
        "round approve",
        "--by left out",
        lambda g: ["round", "approve", "--round", DECEMBER, "--out", g.tmp / "out"],
        lambda g: "Missing option '--by'.",
    ),
    Case(
        "round approve",
        "an empty --by",
        lambda g: ["round", "approve", "--round", DECEMBER, "--by", "  ", "--out", g.tmp / "out"],
        lambda g: "--by: the approver's name is empty",
        setup=hand_round("previewed"),
    ),
    Case(
        "round approve",
        "--preview another hash",
        lambda g: [
            "round",
            "approve",
            "--round",
            DECEMBER,
            "--by",
            "张三",
            "--preview",
            "ab" * 32,
            "--out",
            g.tmp / "out",
        ],
        lambda g: (
            f"--preview: {'ab' * 32} is not the current preview of round {DECEMBER} ({preview_sha(g)}); read the "
            "current one before approving it"
        ),
        setup=hand_round("previewed"),
    ),
    Case(
        "round approve",
        "a preview with an oversize count",
        lambda g: ["round", "approve", "--round", DECEMBER, "--by", "张三", "--out", g.tmp / "out"],
        lambda g: (
            f"round {DECEMBER}: the preview has 1 error(s) and cannot be approved (first: plan P02: allocation n = 50 "
            "is larger than its frame of 4 firms); correct the plans or the roster, then run xinyong round frame "
            "--rebuild and xinyong round preview"
        ),
        setup=hand_round(
            "previewed", plans=(P01, replace(P02, allocation=CountAllocation(50, P02.allocation.weights)))
        ),
    ),
    Case(
        "round approve",
        "a frame changed since the preview",
        lambda g: ["round", "approve", "--round", DECEMBER, "--by", "张三", "--out", g.tmp / "out"],
        lambda g: (
            f"round {DECEMBER}: the frame, plans or roster changed since the preview; run xinyong round preview again"
        ),
        setup=hand_round("changed"),
    ),
    Case(
        "round approve",
        "a committed round",
        lambda g: ["round", "approve", "--round", NOV, "--by", "张三", "--out", g.november],
        lambda g: (
            f"round {NOV} is committed; its approval is closed "
            f"({g.november / 'rounds' / NOV / 'audit' / 'approval.json'})"
        ),
    ),
    Case(
        "round commit",
        "a round not framed",
        lambda g: ["round", "commit", "--round", DECEMBER, "--announced", "lottery", "--out", g.tmp / "out"],
        lambda g: not_framed(g.tmp / "out", "round commit", "approved"),
    ),
    Case(
        "round commit",
        "a round not approved",
        lambda g: ["round", "commit", "--round", DECEMBER, "--announced", "lottery", "--out", g.tmp / "out"],
        lambda g: stage(g.tmp / "out", DECEMBER, "previewed", "round commit", "approved", "round approve --by NAME"),
        setup=hand_round("previewed"),
    ),
    Case(
        "round commit",
        "a frame changed after the approval",
        lambda g: ["round", "commit", "--round", DECEMBER, "--announced", "lottery", "--out", g.tmp / "out"],
        lambda g: (
            f"round {DECEMBER}: no approval of the current frame and plans; run xinyong round preview, then "
            "xinyong round approve --by NAME"
        ),
        setup=hand_round("changed after approval"),
    ),
    Case(
        "round commit",
        "a second commitment",
        lambda g: ["round", "commit", "--round", NOV, "--announced", "lottery", "--out", g.november],
        lambda g: f"round {NOV} already has a commitment; a round is committed once",
    ),
    Case(
        "round commit",
        "--announced only white space and zero-width characters",
        lambda g: [
            "round",
            "commit",
            "--round",
            DECEMBER,
            "--announced",
            " \u200b\u3000\ufeff ",
            "--out",
            g.tmp / "out",
        ],
        lambda g: (
            "--announced: the description of the public random value is empty; say what will be announced, where "
            "and when, e.g. '福利彩票双色球 2026-12-01 开奖号码'"
        ),
        setup=hand_round("approved"),
    ),
    Case(
        "round commit",
        "no source of randomness",
        lambda g: ["round", "commit", "--round", DECEMBER, "--out", g.tmp / "out"],
        lambda g: (
            "--drand-round, --drand-after, --announced: name at least one source of the public randomness, e.g. "
            "--drand-after 2026-12-01T10:00+08:00 or --announced '福利彩票双色球 2026-12-01 开奖号码'"
        ),
        setup=hand_round("approved"),
    ),
    Case(
        "round commit",
        "--drand-round 0",
        lambda g: ["round", "commit", "--round", DECEMBER, "--drand-round", "0", "--out", g.tmp / "out"],
        lambda g: "--drand-round: a drand round is a whole number from 1, not 0",
        setup=hand_round("approved"),
    ),
    Case(
        "round commit",
        "--drand-round not a number",
        lambda g: ["round", "commit", "--round", DECEMBER, "--drand-round", "next", "--out", g.tmp / "out"],
        lambda g: (
            "Invalid value for '--drand-round': Input should be a valid integer, unable to parse string as an integer"
        ),
    ),
    Case(
        "round commit",
        "--drand-round and --drand-after both",
        lambda g: [
            *("round", "commit", "--round", DECEMBER, "--out", g.tmp / "out"),
            *("--drand-round", "99999999", "--drand-after", "2099-12-01T10:00+08:00"),
        ],
        lambda g: "--drand-round, --drand-after: give one of them (a drand round, or the time it may come after)",
        setup=hand_round("approved"),
    ),
    Case(
        "round commit",
        "--drand-after without its time zone",
        lambda g: ["round", "commit", "--round", DECEMBER, "--drand-after", "2026-12-01 10:00", "--out", g.tmp / "out"],
        lambda g: (
            "--drand-after: '2026-12-01 10:00' is not a time with its zone; write it as 2026-12-01T10:00+08:00 "
            "(Beijing time) or 2026-12-01T02:00Z (UTC)"
        ),
        setup=hand_round("approved"),
    ),
    Case(
        "round commit",
        "--drand-after not a time",
        lambda g: ["round", "commit", "--round", DECEMBER, "--drand-after", "tomorrow", "--out", g.tmp / "out"],
        lambda g: (
            "--drand-after: 'tomorrow' is not a time with its zone; write it as 2026-12-01T10:00+08:00 "
            "(Beijing time) or 2026-12-01T02:00Z (UTC)"
        ),
        setup=hand_round("approved"),
    ),
    Case(
        "round commit",
        "an announcement the parent round used, for its supplementary round",
        lambda g: [
            *("round", "commit", "--round", f"{NOV}-S1", "--out", g.tmp / "out"),
            *("--announced", "福利彩票双色球 2026-11-01 开奖号码"),
        ],
        lambda g: (
            "--announced: '福利彩票双色球 2026-11-01 开奖号码' was already announced for this supplementary round's "
            "chain; a supplementary round needs fresh randomness: name another announcement"
        ),
        setup=lambda g: supplement_approved(g),
    ),
    Case(
        "round reveal",
        "a round not committed",
        lambda g: ["round", "reveal", "--round", DECEMBER, "--value", "1 2 3", "--out", g.tmp / "out"],
        lambda g: not_framed(g.tmp / "out", "round reveal", "committed"),
    ),
    Case(
        "round reveal",
        "a second, different value",
        lambda g: [
            *("round", "reveal", "--round", NOV, "--out", g.november),
            *("--value", "the operator prefers 1 2 3", "--value", "1 2 3"),
        ],
        lambda g: f"round {NOV} already has its public randomness; a second reveal is refused",
    ),
    Case(
        "round reveal",
        "an empty --value, twice",
        lambda g: ["round", "reveal", "--round", DECEMBER, "--value", " ", "--value", " ", "--out", g.tmp / "out"],
        lambda g: "--value: the announced value ' ' has no digit; enter the numbers as announced",
        setup=lambda g: committed_with_drand(g, drand=False),
    ),
    Case(
        "round reveal",
        "the announced value entered once",
        lambda g: [*reveal_args(g), "--value", "31415 92653 58979"],
        lambda g: (
            "--value: the round names 1 announced value(s), so it takes 2 --value entries (each announced value "
            "entered twice), not 1"
        ),
        setup=lambda g: committed_with_drand(g, drand=False),
    ),
    Case(
        "round reveal",
        "two entries of the announced value that differ",
        lambda g: [*reveal_args(g), "--value", "31415 92653 58979", "--value", "31415 92653 58970"],
        lambda g: (
            "--value: the two entries of the announced value differ: '31415 92653 58979' reads '31415 92653 58979', "
            "'31415 92653 58970' reads '31415 92653 58970'; enter the announced value again, twice"
        ),
        setup=lambda g: committed_with_drand(g, drand=False),
    ),
    Case(
        "round reveal",
        "no --drand-signature for the drand round named",
        lambda g: [
            *("round", "reveal", "--round", DECEMBER, "--out", g.tmp / "out"),
            *("--value", "31415 92653 58979", "--value", "31415 92653 58979"),
        ],
        lambda g: (
            "--drand-signature: the round names drand round 657413 of League of Entropy quicknet (produced "
            "2023-09-15 11:00:03 UTC); give its signature, 96 hex characters, as drand publishes it: "
            f"https://api.drand.sh/{QUICKNET_HASH}/public/657413"
        ),
        setup=lambda g: committed_with_drand(g),
    ),
    Case(
        "round reveal",
        "--drand-signature of another round",
        lambda g: [
            *("round", "reveal", "--round", DECEMBER, "--out", g.tmp / "out", "--drand-signature", SIGNATURE),
            *("--value", "31415 92653 58979", "--value", "31415 92653 58979"),
        ],
        lambda g: (
            "--drand-signature: the signature does not verify for round 657414 of League of Entropy quicknet: it is "
            "not that round's value"
        ),
        setup=lambda g: committed_with_drand(g, 657414),
    ),
    Case(
        "round reveal",
        "--drand-signature not hex",
        lambda g: [*reveal_args(g), "--drand-signature", "b7137"],
        lambda g: (
            "--drand-signature: the signature of drand round 657413 is 96 lower-case hex characters (a compressed "
            "BLS12-381 G1 point), not 5 characters"
        ),
        setup=lambda g: committed_with_drand(g, announced=False),
    ),
    Case(
        "round reveal",
        "--drand-signature for a round that names no drand round",
        lambda g: [*reveal_args(g), "--drand-signature", SIGNATURE, "--value", "1 2", "--value", "1 2"],
        lambda g: "--drand-signature: the round names no drand round; give the announced value with --value",
        setup=lambda g: committed_with_drand(g, drand=False),
    ),
    Case(
        "round draw",
        "--round with markup",
        lambda g: ["round", "draw", "--round", "<script>x</script>", "--out", g.tmp / "out"],
        lambda g: not_a_round("--round", "<script>x</script>"),
    ),
    Case(
        "round draw",
        "--round left out",
        lambda g: ["round", "draw", "--out", g.tmp / "out"],
        lambda g: "Missing option '--round'.",
    ),
    Case(
        "round draw",
        "a round not revealed",
        lambda g: ["round", "draw", "--round", DECEMBER, "--out", g.tmp / "out"],
        lambda g: not_framed(g.tmp / "out", "round draw", "revealed"),
    ),
    Case(
        "round assign",
        "a finalised round",
        lambda g: ["round", "assign", "--round", NOV, "--clean", g.clean, "--out", g.november],
        lambda g: (
            f"{g.november / 'rounds' / NOV}: round {NOV} is finalised; teams change only by `xinyong round reassign "
            f"--round {NOV} --plan … --uscc … --inspector … --reason '…'`, which is logged"
        ),
    ),
    Case(
        "round assign",
        "a round not drawn",
        lambda g: ["round", "assign", "--round", DECEMBER, "--clean", g.clean, "--out", g.tmp / "out"],
        lambda g: not_framed(g.tmp / "out", "round assign", "drawn"),
    ),
    Case(
        "round finalize",
        "a round not assigned",
        lambda g: ["round", "finalize", "--round", DECEMBER, "--out", g.tmp / "out"],
        lambda g: not_framed(g.tmp / "out", "round finalize", "assigned"),
    ),
    Case(
        "round finalize",
        "--round a path",
        lambda g: ["round", "finalize", "--round", "330802-2026-12/../../x", "--out", g.tmp / "out"],
        lambda g: not_a_round("--round", "330802-2026-12/../../x"),
    ),
    Case(
        "round reassign",
        "a round not finalised",
        lambda g: [
            *("round", "reassign", "--round", DECEMBER, "--plan", "P01", "--uscc", "91330802MA296TDX3C"),
            *("--inspector", "INS-00062", "--reason", "回避：近亲属", "--out", g.tmp / "out"),
        ],
        lambda g: not_framed(g.tmp / "out", "round reassign", "finalised"),
    ),
    Case(
        "round reassign",
        "--uscc not drawn for the plan",
        lambda g: [
            *("round", "reassign", "--round", NOV, "--plan", "P01", "--uscc", "91330802MA00000000"),
            *("--inspector", "INS-00062", "--reason", "回避：近亲属", "--out", g.november),
        ],
        lambda g: f"--plan, --uscc: 91330802MA00000000 was not drawn for plan P01 in round {NOV}",
    ),
    Case(
        "round reassign",
        "--inspector not on the team",
        lambda g: [*reassign_target(g), "--inspector", "INS-99999", "--reason", "回避：近亲属"],
        lambda g: (
            f"--inspector: INS-99999 is not on the team of {staffed_target(g)[0]['plan']} "
            f"{staffed_target(g)[0]['uscc']} ({'、'.join(staffed_target(g)[1])})"
        ),
    ),
    Case(
        "round reassign",
        "--reason blank",
        lambda g: [*reassign_target(g), "--inspector", staffed_target(g)[1][0], "--reason", "  "],
        lambda g: "--reason: a reassignment needs its reason (e.g. '回避：…'), which is logged",
    ),
    Case(
        "round supplement",
        "a round not finalised",
        lambda g: ["round", "supplement", "--round", DECEMBER, "--clean", g.clean, "--out", g.tmp / "out"],
        lambda g: stage(g.tmp / "out", DECEMBER, "approved", "round supplement", "finalised", "round commit"),
        setup=hand_round("approved"),
    ),
    Case(
        "round supplement",
        "--round with a malformed supplement number",
        lambda g: ["round", "supplement", "--round", f"{NOV}-S0", "--clean", g.clean, "--out", g.tmp / "out"],
        lambda g: not_a_round("--round", f"{NOV}-S0"),
    ),
    Case(
        "round supplement",
        "--clean a missing folder",
        lambda g: ["round", "supplement", "--round", NOV, "--clean", g.tmp / "nowhere", "--out", g.tmp / "out"],
        lambda g: f"{g.tmp / 'nowhere'}: no such clean folder; make one with `xinyong ingest`",
    ),
    Case(
        "round supplement",
        "a round with nothing to replace",
        lambda g: ["round", "supplement", "--round", NOV, "--clean", g.clean, "--out", g.tmp / "out"],
        lambda g: (
            f"round {NOV} has no target to replace: every target is staffed and none was found closed or moved "
            "(result codes 7, 9, 10, 11, 12), so it needs no supplementary round"
        ),
        setup=lambda g: all_staffed_november(g),
    ),
    Case(
        "round frame",
        "--round a supplementary round",
        lambda g: _frame(g, round_id=f"{DECEMBER}-S1"),
        lambda g: (
            f"--round: {DECEMBER}-S1 is a supplementary round; it is framed from its parent by `xinyong round "
            f"supplement --round {DECEMBER}`"
        ),
    ),
    Case(
        "round tasks",
        "a round not finalised",
        lambda g: ["round", "tasks", "--round", DECEMBER, "--clean", g.clean, "--out", g.tmp / "out"],
        lambda g: not_framed(g.tmp / "out", "round tasks", "finalised"),
    ),
    Case(
        "round tasks",
        "--clean a folder of something else",
        lambda g: ["round", "tasks", "--round", NOV, "--clean", g.tmp / "raw", "--out", g.november],
        lambda g: f"{g.tmp / 'raw'}: not a clean folder (it has no manifest.json); make one with `xinyong ingest`",
        setup=make_folder("raw"),
    ),
    Case(
        "round verify",
        "--public with a truncated commitment",
        lambda g: ["round", "verify", "--public", g.tmp / "round"],
        lambda g: (
            f"{g.tmp / 'round' / 'commitment.json'}: FAILED commitment.json is JSON (Unterminated string "
            "starting at: line 1 column 17 (char 16))"
        ),
        code=4,
        setup=spoil_public("commitment.json", lambda data: data[:20]),
    ),
    Case(
        "round verify",
        "--public with randomness that is not JSON",
        lambda g: ["round", "verify", "--public", g.tmp / "round"],
        lambda g: (
            f"{g.tmp / 'round' / 'randomness.json'}: FAILED randomness.json is JSON (Expecting value: line 1 "
            "column 1 (char 0))"
        ),
        code=4,
        setup=spoil_public("randomness.json", lambda data: b"the numbers were 1 2 3"),
    ),
    Case(
        "round verify",
        "--public with a commitment missing its sizes",
        lambda g: ["round", "verify", "--public", g.tmp / "round"],
        lambda g: f"{g.tmp / 'round' / 'commitment.json'}: FAILED commitment.json has sizes as a JSON object",
        code=4,
        setup=spoil_public(
            "commitment.json",
            lambda data: CJ({k: v for k, v in json.loads(data).items() if k != "sizes"}),
        ),
    ),
    Case(
        "round verify",
        "--public with random values that are a number",
        lambda g: ["round", "verify", "--public", g.tmp / "round"],
        lambda g: f"{g.tmp / 'round' / 'randomness.json'}: FAILED randomness.json has values as a list",
        code=4,
        setup=spoil_public("randomness.json", lambda data: CJ({**json.loads(data), "values": 7})),
    ),
    Case(
        "round verify",
        "--public with a selected firm whose plan is a number",
        lambda g: ["round", "verify", "--public", g.tmp / "round"],
        lambda g: f"{g.tmp / 'round' / 'selected.jsonl'}: FAILED line 1 has plan as text",
        code=4,
        setup=spoil_public("selected.jsonl", lambda data: b'{"plan":1,"uscc":"x"}\n' + data),
    ),
    Case(
        "round verify",
        "--public with a truncated selection",
        lambda g: ["round", "verify", "--public", g.tmp / "round"],
        lambda g: f"{g.tmp / 'round' / 'selected.jsonl'}: FAILED selected.jsonl ends with a newline (is it truncated?)",
        code=4,
        setup=spoil_public("selected.jsonl", lambda data: data[:-7]),
    ),
    Case(
        "round verify",
        "--audit a file",
        lambda g: ["round", "verify", "--audit", g.file],
        lambda g: f"{g.file}: not a folder; give a round's audit/ folder or its public folder",
    ),
    Case(
        "round verify",
        "--witness with --audit",
        lambda g: ["round", "verify", "--audit", g.tmp, "--witness", "w+01234567+AQ=="],
        lambda g: "--witness, --auditor: they check a round's public files; give them with --public DIR",
    ),
    Case(
        "round verify",
        "neither --audit nor --public",
        lambda g: ["round", "verify"],
        lambda g: "give exactly one of --audit DIR or --public DIR",
    ),
    Case(
        "round verify",
        "--auditor not a verifier key",
        lambda g: ["round", "verify", "--public", g.november / "public" / "rounds" / NOV, "--auditor", "纪检监察组"],
        lambda g: "--auditor: verifier key is not <name>+<8 hex digits>+<base64 key>: '纪检监察组'",
    ),
    Case(
        "round attest",
        "--key a missing file",
        lambda g: ["round", "attest", "--audit", g.november / "rounds" / NOV / "audit", "--key", g.tmp / "none.key"],
        lambda g: f"--key: {g.tmp / 'none.key'}: no such key file; make one with `xinyong key new NAME --out FILE`",
    ),
    Case(
        "round attest",
        "--key readable by others",
        lambda g: ["round", "attest", "--audit", g.november / "rounds" / NOV / "audit", "--key", g.tmp / "a.key"],
        lambda g: f"--key: {g.tmp / 'a.key'}: a signer key must be readable by its owner only (chmod 600), not 644",
        setup=lambda g: auditor_key(g, mode=0o644),
    ),
    Case(
        "round attest",
        "--key not a signer key",
        lambda g: ["round", "attest", "--audit", g.november / "rounds" / NOV / "audit", "--key", g.file],
        lambda g: (
            f"--key: {g.file}: not a signer key (signer key is not PRIVATE+KEY+<name>+<8 hex digits>+<base64 key>)"
        ),
        setup=lambda g: g.file.chmod(0o600),
    ),
    Case(
        "round attest",
        "--audit a round without teams",
        lambda g: [
            "round",
            "attest",
            "--audit",
            g.tmp / "out" / "rounds" / DECEMBER / "audit",
            "--key",
            g.tmp / "a.key",
        ],
        lambda g: (
            f"{g.tmp / 'out' / 'rounds' / DECEMBER / 'audit'}: round {DECEMBER} has no teams yet (assignment.jsonl); "
            "an attestation covers the selection and the teams: attest once `xinyong round assign` has run"
        ),
        setup=lambda g: (drawn_hand_round(g), auditor_key(g)),
    ),
    Case(
        "round publish-attestation",
        "--auditor not a verifier key",
        lambda g: [*publish_args(g), "--auditor", "纪检监察组"],
        lambda g: "--auditor: verifier key is not <name>+<8 hex digits>+<base64 key>: '纪检监察组'",
        setup=lambda g: attested_november(g),
    ),
    Case(
        "round publish-attestation",
        "NOTE signed by another key than --auditor",
        lambda g: [*publish_args(g), "--auditor", str(Signer.generate("另一审计方").verifier)],
        lambda g: f"{g.tmp / 'note.txt'}: not an attestation signed by 另一审计方 (no signature by 另一审计方)",
        setup=lambda g: attested_november(g),
    ),
    Case(
        "round publish-attestation",
        "NOTE missing",
        lambda g: [*publish_args(g), "--auditor", auditor_vkey(g)],
        lambda g: f"{g.tmp / 'note.txt'}: no such file; give the note `xinyong round attest` wrote",
        setup=lambda g: attested_november(g, note=False),
    ),
    Case(
        "round publish-attestation",
        "NOTE attesting other teams than the round's",
        lambda g: [*publish_args(g), "--auditor", auditor_vkey(g)],
        lambda g: (
            f"{g.tmp / 'note.txt'}: attests {NOV}, not round {NOV} as its files are: H(assignment.jsonl) differ; "
            "attest the round's current bundle"
        ),
        setup=lambda g: attested_november(g, forged=True),
    ),
    Case(
        "round publish-attestation",
        "a round not assigned",
        lambda g: [*publish_args(g, DECEMBER), "--auditor", auditor_vkey(g)],
        lambda g: stage(g.tmp / "out", DECEMBER, "drawn", "round publish-attestation", "assigned", "round assign"),
        setup=lambda g: (drawn_hand_round(g), auditor_key(g)),
    ),
    Case(
        "key new",
        "NAME with a space",
        lambda g: ["key", "new", "纪检 监察组", "--out", g.tmp / "a.key"],
        lambda g: "NAME: key name '纪检 监察组' must have no spaces or '+'",
    ),
    Case(
        "key new",
        "--out an existing file",
        lambda g: ["key", "new", "纪检监察组", "--out", g.file],
        lambda g: f"--out: {g.file} exists; a key is never written over, so choose a new file",
    ),
    Case(
        "key new",
        "--out left out",
        lambda g: ["key", "new", "纪检监察组"],
        lambda g: "Missing option '--out'.",
    ),
    # -- results ------------------------------------------------------------------------------------
    Case(
        "results import",
        "a form whose round id is markup",
        lambda g: ["results", "import", g.tmp / "form.csv", "--out", g.november, "--today", "2026-12-20"],
        lambda g: not_a_round(f"{g.tmp / 'form.csv'}: column 抽查批次", "<b>x</b>"),
        setup=results_form_file("<b>x</b>"),
    ),
    Case(
        "results import",
        "a form whose round id is a path",
        lambda g: ["results", "import", g.tmp / "form.csv", "--out", g.november, "--today", "2026-12-20"],
        lambda g: not_a_round(f"{g.tmp / 'form.csv'}: column 抽查批次", "../../330802-2026-11"),
        setup=results_form_file("../../330802-2026-11"),
    ),
    Case(
        "results import",
        "a form that does not exist",
        lambda g: ["results", "import", g.tmp / "none.csv", "--out", g.november],
        lambda g: f"{g.tmp / 'none.csv'}: no such file",
    ),
    Case(
        "results import",
        "a folder as the form",
        lambda g: ["results", "import", g.tmp, "--out", g.november],
        lambda g: f"{g.tmp}: is a folder, not a table file",
    ),
    Case(
        "results import",
        "a clean table as the form",
        lambda g: ["results", "import", g.clean / "enterprises.parquet", "--out", g.november],
        lambda g: (
            f"{g.clean / 'enterprises.parquet'}: missing column round (抽查批次), plan (计划编号), team "
            "(检查人员编号), started (检查开始日期), ended (检查完成日期), codes (检查结果代码)"
        ),
    ),
    Case(
        "results import",
        "--encoding that is no encoding",
        lambda g: ["results", "import", g.tmp / "form.csv", "--out", g.november, "--encoding", "klingon"],
        lambda g: f"{g.tmp / 'form.csv'}: unknown encoding 'klingon'",
        setup=results_form_file(NOV),
    ),
    Case(
        "results import",
        "a form saved as Excel's UTF-16 Unicode text",
        lambda g: ["results", "import", g.tmp / "form.csv", "--out", g.november],
        lambda g: (
            f"{g.tmp / 'form.csv'}: is UTF-16 text (Excel's “Unicode 文本”), not CSV; save it as CSV UTF-8 or CSV"
        ),
        setup=lambda g: (g.tmp / "form.csv").write_bytes("抽查批次\t计划编号\n".encode("utf-16")),
    ),
    Case(
        "results import",
        "a workbook with no sheet holding the form's header",
        lambda g: ["results", "import", g.tmp / "form.xlsx", "--out", g.november],
        lambda g: (
            f"{g.tmp / 'form.xlsx'}: missing column round (抽查批次), team (检查人员编号), started (检查开始日期), "
            "ended (检查完成日期), codes (检查结果代码)"
        ),
        setup=lambda g: pl.DataFrame({"说明": ["见附件"], "计划编号": ["P01"], "统一社会信用代码": ["x"]}).write_excel(
            g.tmp / "form.xlsx"
        ),
    ),
    Case(
        "results import",
        "the form of a round not finalised",
        lambda g: ["results", "import", g.tmp / "form.csv", "--out", g.tmp / "out", "--today", "2026-12-20"],
        lambda g: not_framed(g.tmp / "out", "results import", "finalised"),
        setup=results_form_file(DECEMBER),
    ),
    Case(
        "results status",
        "--round with markup",
        lambda g: ["results", "status", "--round", "<b>330802-2026-11</b>", "--out", g.november],
        lambda g: not_a_round("--round", "<b>330802-2026-11</b>"),
    ),
    Case(
        "results status",
        "a round not finalised",
        lambda g: ["results", "status", "--round", DECEMBER, "--out", g.tmp / "out"],
        lambda g: not_framed(g.tmp / "out", "results status", "finalised"),
    ),
    Case(
        "results status",
        "a calendar supplement with a weekday as a make-up working day",
        lambda g: ["--workspace", g.tmp / "ws", "results", "status", "--round", NOV],
        lambda g: (
            f"{g.tmp / 'ws' / 'calendar.toml'}: [[year]] 1 (2027): [[year.holiday]] 2 (春节): workdays: 2027-02-22 is "
            "a 周一: a weekday is a working day anyway (调休上班 is a weekend day)"
        ),
        setup=calendar_supplement(FIXTURE_2027.replace("workdays = [2027-02-20]", "workdays = [2027-02-22]")),
    ),
    Case(
        "results status",
        "a calendar supplement that disagrees with chinese-calendar",
        lambda g: ["--workspace", g.tmp / "ws", "results", "status", "--round", NOV],
        lambda g: (
            f"{g.tmp / 'ws' / 'calendar.toml'}: [[year]] 1 (2026): disagrees with chinese-calendar 1.11.0, which knows "
            "2026: 2026-02-28 (周六) is a day off by this notice but a working day in chinese-calendar 1.11.0"
        ),
        setup=calendar_supplement(
            NOTICE_2026.replace("workdays = [2026-02-14, 2026-02-28]", "workdays = [2026-02-14]")
        ),
    ),
    # -- publish ------------------------------------------------------------------------------------
    Case(
        "disclose",
        "--out the work folder itself",
        lambda g: ["disclose", "--out", g.tmp / "work", "--work", g.tmp / "work", "--clean", g.clean],
        lambda g: (
            f"{g.tmp / 'work'}: the work folder {g.tmp / 'work'} would be inside the public site; publish to "
            f"another folder, e.g. {g.tmp / 'work' / 'public'}"
        ),
        setup=make_folder("work"),
    ),
    Case(
        "disclose",
        "--clean a file",
        lambda g: ["disclose", "--out", g.tmp / "public", "--work", g.november, "--clean", g.file],
        lambda g: f"{g.file}: is a file, not a clean folder; make one with `xinyong ingest`",
    ),
    Case(
        "disclose",
        "a folder under rounds/ named with markup",
        lambda g: ["disclose", "--out", g.tmp / "public", "--work", g.tmp / "work", "--clean", g.clean],
        lambda g: not_a_round(str(g.tmp / "work" / "rounds" / "<script>"), "<script>"),
        setup=make_folder("work", "rounds", "<script>"),
    ),
    Case(
        "disclose",
        "a work folder without rounds",
        lambda g: ["disclose", "--out", g.tmp / "public", "--work", g.tmp / "work", "--clean", g.clean],
        lambda g: f"{g.tmp / 'work'}: no committed rounds to disclose (looked in {g.tmp / 'work' / 'rounds'})",
        setup=make_folder("work"),
    ),
    Case(
        "disclose",
        "--today before the clock's date",
        lambda g: [
            "disclose",
            "--out",
            g.tmp / "public",
            "--work",
            g.november,
            "--clean",
            g.clean,
            "--today",
            "2026-01-05",
        ],
        lambda g: (
            f"--today: 2026-01-05 is before today ({dt.date.today()}); a result's 公示日期 is the day it is "
            "published, so a demo or test may only move it later"
        ),
    ),
    Case(
        "log verify",
        "a bad --key",
        lambda g: ["log", "verify", g.november / "public", "--key", "bogus"],
        lambda g: "--key: verifier key is not <name>+<8 hex digits>+<base64 key>",
    ),
    Case(
        "log verify",
        "--since a missing file",
        lambda g: ["log", "verify", g.november / "public", "--since", g.tmp / "saved.txt"],
        lambda g: f"{g.tmp / 'saved.txt'}: no such checkpoint file (--since takes a checkpoint you saved)",
    ),
    Case(
        "log verify",
        "a torn entry bundle",
        lambda g: ["log", "verify", g.tmp / "public"],
        lambda g: (
            f"{last_bundle(g.november / 'public')}: not an entry bundle: torn at byte "
            f"{(g.november / 'public' / last_bundle(g.november / 'public')).stat().st_size}: half a length"
        ),
        code=4,
        setup=lambda g: spoil_log(last_bundle(g.november / "public"), lambda data: data + b"\x01")(g),
    ),
    Case(
        "log verify",
        "a checkpoint that is not a signed note",
        lambda g: ["log", "verify", g.tmp / "public"],
        lambda g: "log/checkpoint: not a signed note (text, blank line, signature lines)",
        code=4,
        setup=spoil_log("log/checkpoint", lambda data: b'{"size": 3}'),
    ),
    Case(
        "log verify",
        "a signed file entry without its digest",
        lambda g: ["log", "verify", g.tmp / "site" / "public"],
        lambda g: "log entry 0 (log/tile/entries/000.p/1): a file entry has a path and a sha256, both text",
        code=4,
        setup=signed_log([{"kind": "file", "path": "rounds/x/commitment.json"}]),
    ),
    Case(
        "log verify",
        "a signed site entry whose files are a list",
        lambda g: ["log", "verify", g.tmp / "site" / "public"],
        lambda g: "log entry 0 (log/tile/entries/000.p/1): a site entry has files, each path with its sha256 as text",
        code=4,
        setup=signed_log([{"kind": "site", "files": ["index.html"]}]),
    ),
    Case(
        "log verify",
        "a folder without a log",
        lambda g: ["log", "verify", g.tmp],
        lambda g: f"{g.tmp}: no transparency log (log/checkpoint is missing)",
        code=4,
    ),
    Case(
        "log verify",
        "--witness not a witness's key",
        lambda g: ["log", "verify", g.november / "public", "--witness", "bogus"],
        lambda g: "--witness: verifier key is not <name>+<8 hex digits>+<base64 key>: 'bogus'",
    ),
    Case(
        "log verify",
        "--quorum without --witness",
        lambda g: ["log", "verify", g.november / "public", "--quorum", 1],
        lambda g: "--quorum: give the keys of the witnesses you trust with --witness VKEY",
    ),
    Case(
        "log verify",
        "--quorum above the witnesses given",
        lambda g: ["log", "verify", g.november / "public", "--witness", WITNESS_VKEY, "--quorum", 2],
        lambda g: "--quorum: 2 is not between 1 and the 1 witnesses given with --witness",
    ),
    Case(
        "log verify",
        "a --witness that has not cosigned",
        lambda g: ["log", "verify", g.november / "public", "--witness", WITNESS_VKEY],
        lambda g: (
            "log/checkpoint: cosigned by 0 of the 1 witnesses you trust, 1 needed (--quorum); no cosignature by "
            "witness.example/w1"
        ),
        code=4,
    ),
    # -- witness ------------------------------------------------------------------------------------
    Case(
        "witness init",
        "a state folder that exists",
        lambda g: ["witness", "init", g.tmp / "ws", "--name", "witness.example/w1"],
        lambda g: f"{g.tmp / 'ws'}: exists already; a witness's state is made once (its key is its identity)",
        setup=make_folder("ws", "logs"),
    ),
    Case(
        "witness init",
        "--name with a space",
        lambda g: ["witness", "init", g.tmp / "w", "--name", "纪检 监察"],
        lambda g: "--name: key name '纪检 监察' must have no spaces or '+'",
    ),
    Case(
        "witness cosign",
        "a folder that is no witness's state",
        lambda g: ["witness", "cosign", g.tmp, "--log", g.november / "public"],
        lambda g: f"{g.tmp}: not a witness's state folder (no witness.key); make one with xinyong witness init",
    ),
    Case(
        "witness cosign",
        "--log a folder without a log",
        lambda g: ["witness", "cosign", g.tmp / "w", "--log", g.tmp],
        lambda g: f"{g.tmp}: no transparency log (log/checkpoint is missing)",
        setup=witness_state,
    ),
    Case(
        "witness cosign",
        "a first contact without --log-key",
        lambda g: ["witness", "cosign", g.tmp / "w", "--log", g.november / "public"],
        lambda g: (
            "xinyong.local/330802: this witness has not seen this log before; give its verifier key with --log-key (as "
            "the office announced it, not as its site shows it), which is then pinned"
        ),
        setup=witness_state,
    ),
    Case(
        "witness cosign",
        "a bad --log-key",
        lambda g: ["witness", "cosign", g.tmp / "w", "--log", g.november / "public", "--log-key", "bogus"],
        lambda g: "--log-key: verifier key is not <name>+<8 hex digits>+<base64 key>",
        setup=witness_state,
    ),
    Case(
        "witness cosign",
        "--log-key of another log",
        lambda g: ["witness", "cosign", g.tmp / "w", "--log", g.november / "public", "--log-key", WITNESS_VKEY],
        lambda g: "--log-key: verifier key is not an Ed25519 key (type 0x01)",
        setup=witness_state,
    ),
    Case(
        "log proof",
        "--index beyond the log",
        lambda g: ["log", "proof", g.november / "public", "--index", 10_000],
        lambda g: f"{g.november / 'public'}: leaf 10000 is not in a tree of size {log_size(g.november / 'public')}",
    ),
    Case(
        "log proof",
        "a folder without a log",
        lambda g: ["log", "proof", g.tmp, "--index", 0],
        lambda g: f"{g.tmp}: no transparency log (log/checkpoint is missing)",
    ),
    Case(
        "log upgrade",
        "a folder without a log",
        lambda g: ["log", "upgrade", g.tmp],
        lambda g: f"{g.tmp}: no transparency log (no log/ folder)",
    ),
    Case(
        "log upgrade",
        "an old-layout log changed after it was signed",
        lambda g: ["log", "upgrade", g.tmp / "public"],
        lambda g: (
            "log/entries.jsonl: does not give the root the latest checkpoint signs at size "
            f"{log_size(g.november / 'public')}; restore the log before converting it"
        ),
        code=4,
        setup=changed_old_log,
    ),
    Case(
        "estimate",
        "ROUND a path",
        lambda g: ["estimate", "../330802-2026-11", "--out", g.november],
        lambda g: not_a_round("ROUND", "../330802-2026-11"),
    ),
    Case(
        "estimate",
        "a round not drawn",
        lambda g: ["estimate", DECEMBER, "--out", g.tmp / "out"],
        lambda g: not_framed(g.tmp / "out", "estimate", "drawn"),
    ),
    Case(
        "estimate",
        "a round without results",
        lambda g: ["estimate", NOV, "--out", g.november],
        lambda g: f"round {NOV} has no results yet; import them with `xinyong results import`",
    ),
]


def snapshot(roots: list[Path]) -> dict[Path, tuple[int, int]]:
    """Every file and folder under ``roots``, with each file's size and modification time; lock files
    (``*.lock``, which record the pid of the last step that held them) are not outputs and are left out."""
    state: dict[Path, tuple[int, int]] = {}
    for root in roots:
        for path in root.rglob("*"):
            if path.suffix == ".lock":
                continue
            info = path.stat()
            state[path] = (info.st_size, info.st_mtime_ns) if path.is_file() else (-1, 0)
    return state


def test_every_command_has_bad_input_cases() -> None:
    covered = {case.command for case in CASES}
    assert commands() - covered == set(), "commands without a bad-input case"
    assert covered - commands() == set(), "cases of commands the app does not have"
    assert len(commands()) >= 24


def test_cases_are_distinct() -> None:
    assert len({case.id for case in CASES}) == len(CASES)


@pytest.mark.usefixtures("guessable_strata_allowed")  # the hand-made rounds' other mistakes (tests/conftest.py)
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_a_mistake_is_one_error_line_with_its_exit_code_and_nothing_written(
    case: Case,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    g = Given(tmp_path, request)
    if case.setup is not None:
        case.setup(g)
    args, message = case.args(g), case.error(g)
    before = snapshot(g.watched())
    monkeypatch.chdir(tmp_path)  # in no workspace: the cases that need one name it
    ran = run(args, capsys, monkeypatch)
    assert ran.err == f"Error: {message}\n"
    assert ran.code == case.code
    assert "Traceback" not in ran.out + ran.err
    assert snapshot(g.watched()) == before, "a failed command changed files"
