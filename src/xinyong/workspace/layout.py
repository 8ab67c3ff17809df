"""Every folder and file name of a clean folder, a model folder, a round and the public site, in one place.

Rule (issue 11): these names are spelled here and nowhere else; every reader and writer takes them
from this module, so that a layout changes in one line and a reader can never look for a file under
another name than its writer used.

- A **clean folder** (``xinyong ingest --out``): ``<table>.parquet`` per contract table,
  ``quarantine/<table>.csv`` with every rejected row, and ``manifest.json`` (written last), and
  ``ingest.lock``, the lock ``ingest`` holds while it writes the folder.
- A **workspace** (``xinyong init``; docs/workspace.md): ``xinyong.toml`` and, by default, beside it
  ``policy.toml``, ``plans/<division>.toml``, ``models/`` (the office's exported champion), ``raw/``
  (the departments' exports), ``clean/``, ``internal/`` (features, scores, ``tiers.parquet``),
  ``data/`` (``data/mlflow/``), and the work root's ``rounds/``, ``public/`` and ``private/``
  (its rounds are the office's own inspection history, read from them: :mod:`xinyong.rounds.ledger`);
  :mod:`xinyong.workspace.settings` reads it.
- The **shipped defaults** (package data, ``xinyong/defaults/``): the tier policy, the default plans
  of a division (``plans/<division>-default.toml``) and the champion model (``models/``), used where
  no workspace names its own.
- A **model folder** (``xinyong model train --out``; a workspace's ``models/`` holds the exported
  champion): ``model.txt`` (LightGBM), ``metadata.json`` (written last), the report and the holdout
  used by the promotion gates, and ``MODEL_CARD.md`` in an export.
- A **work root** ``OUT`` (the ``--out`` of ``xinyong round``, ``--work`` of ``disclose``) holds each
  round in ``OUT/rounds/<round>/``: ``audit/`` (the auditor bundle of spec §7, the approval of the
  round's preview and the round's decisions), ``internal/`` (the preview, π of every frame record,
  estimates — never public), ``tasks/`` (the task lists, the firms' notices and the results form) and
  ``results/`` (the imported results), with ``round.lock``, the lock held by the step changing the round;
  and the public site in ``OUT/public/``.  The rounds under ``OUT/rounds/`` are also the system's own
  inspection history (:mod:`xinyong.rounds.ledger`): nothing else records them, so nothing can drift from them.
- The **tables handed from one command to the next** (:class:`TableKind`): the features of
  ``xinyong features`` and the tier file of ``xinyong tiers``, each with the columns its readers need.
- The **public site**: ``rounds/<round>/`` (the round's public draw files), ``rounds/<round>.html``,
  ``downloads/``, and the transparency log ``log/``; the log's private key, and the lock held while
  the log and its site change, live outside it, in ``../private/``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from xinyong.core.ids import RoundId

# -- a clean folder ---------------------------------------------------------------------------------
MANIFEST = "manifest.json"
QUARANTINE = "quarantine"
CLEAN_LOCK = "ingest.lock"  # held by `xinyong ingest` while it writes the folder (xinyong.workspace.lock)
# A refused ingest (xinyong.ingest.limits) leaves the clean tables as they were and its quarantine here.
REFUSED = "refused"
REFUSED_REPORT = "refused.json"


def clean_table(folder: Path, table: str) -> Path:
    """The clean Parquet of contract table ``table`` in a clean folder (or its staging folder)."""
    return folder / f"{table}.parquet"


def quarantine_table(folder: Path, table: str) -> Path:
    """The rejected rows of ``table``, with file, line, column, rule and value."""
    return folder / QUARANTINE / f"{table}.csv"


# -- the tables one command writes and another reads ------------------------------------------------
@dataclass(frozen=True)
class TableKind:
    """A kind of Parquet file: its name for people, the columns its readers need, the command that makes it."""

    name: str
    columns: tuple[str, ...]
    made_by: str


FEATURES = TableKind("features file", ("uscc", "as_of"), "`xinyong features`")
TIERS = TableKind("tier file", ("uscc", "as_of", "score", "model_tier", "tier", "rules"), "`xinyong tiers`")

# -- a workspace ------------------------------------------------------------------------------------
WORKSPACE_FILE = "xinyong.toml"
POLICY_FILE = "policy.toml"
PLANS_DIR = "plans"
MODELS = "models"
RAW = "raw"
CLEAN = "clean"
INTERNAL = "internal"
DATA = "data"
MLFLOW = "mlflow"
TIERS_FILE = "tiers.parquet"  # the month's tier file in a workspace's internal/ (`xinyong explain` reads it)


def workspace_plans(division: str) -> str:
    """A workspace's plans of ``division``, relative to its root."""
    return f"{PLANS_DIR}/{division}.toml"


# -- the shipped defaults (package data) ------------------------------------------------------------
SHIPPED = Path(str(resources.files("xinyong.defaults")))
SHIPPED_POLICY = SHIPPED / POLICY_FILE
SHIPPED_CHAMPION = SHIPPED / MODELS


def shipped_plans(division: str) -> Path:
    """The default plans shipped for ``division`` (only some divisions have them)."""
    return SHIPPED / PLANS_DIR / f"{division}-default.toml"


# -- a model folder ---------------------------------------------------------------------------------
MODEL_FILE = "model.txt"
METADATA_FILE = "metadata.json"
MODEL_CARD = "MODEL_CARD.md"
REPORT_JSON = "report.json"
REPORT_HTML = "report.html"
IMPORTANCE = "importance.csv"
HOLDOUT = "holdout.parquet"

# -- the public site --------------------------------------------------------------------------------
PUBLIC = "public"
SITE_ROUNDS = "rounds"
DOWNLOADS = "downloads"
INDEX = "index.html"
LOG = "log"
RESULTS_DOWNLOAD = "results"  # downloads/results.{xlsx,csv,json}: every published result
SITE_RESULTS = f"{DOWNLOADS}/{RESULTS_DOWNLOAD}.json"  # the site's record list, which `log verify` reads
SITE_RECORDS_SCRIPT = "data/records.js"  # the same records, for the search page
# The log is a C2SP tlog-tiles log with the prefix log/ (docs/disclosure.md): its checkpoint, hash tiles and entry
# bundles are the standard's; the checkpoints kept by size, the keys and the witnesses' keys are ours.
LOG_CHECKPOINT = f"{LOG}/checkpoint"
LOG_TILES = f"{LOG}/tile"
LOG_ENTRIES = f"{LOG_TILES}/entries"  # the entry bundles
LOG_CHECKPOINTS = f"{LOG}/checkpoints"
LOG_KEY = f"{LOG}/key.txt"
# The layout before tlog-tiles (converted by the first append, xinyong.publish.translog):
OLD_LOG_ENTRIES = f"{LOG}/entries.jsonl"
OLD_LOG_CHECKPOINT = f"{LOG}/checkpoint.txt"
OLD_LOG_TREE = f"{LOG}/tree"
PRIVATE = "private"
PRIVATE_KEY = "transparency-log.key"
LOG_LOCK = "transparency-log.lock"
LOG_INDEX = "transparency-log.index"  # private/: the log's lookups (SQLite), rebuilt from the public log when lost
LOG_WITNESSES = f"{LOG}/witnesses.txt"  # the verifier keys of the witnesses whose cosignatures the checkpoints carry
RECORD_ID_KEY = "record-id.key"  # OUT/private/record-id.key: the secret that keys every result's 记录号
RECORD_ID_LOCK = "record-id.lock"  # held while that key is made, on first use
# A witness's own state folder (``xinyong witness init``), kept by the witnessing body, never by the office:
WITNESS_KEY = "witness.key"  # its signer key, mode 0600
WITNESS_LOGS = "logs.json"  # per log origin: the log's pinned key and the latest checkpoint it cosigned
WITNESS_LOCK = "witness.lock"  # held while it cosigns


def log_tile(level: int | None, index: int, width: int = 0) -> str:
    """The hash tile ``tile/<L>/<N>[.p/<W>]`` (``level`` None: the entry bundle ``tile/entries/<N>[.p/<W>]``) of
    the log, ``width`` 0 for a full tile; ``<N>`` in 3-digit path elements, all but the last with an ``x``
    (c2sp.org/tlog-tiles: 1234067 is ``x001/x234/067``)."""
    groups = [f"{index % 1000:03d}"]
    while index >= 1000:
        index //= 1000
        groups.append(f"x{index % 1000:03d}")
    name = "/".join(reversed(groups)) + (f".p/{width}" if width else "")
    return f"{LOG_TILES}/{'entries' if level is None else level}/{name}"


def log_entry(index: int, size: int | None = None) -> str:
    """How messages name an entry of the log: its index (from 0), and the entry bundle that holds it in a log of
    ``size`` entries (without it: the bundle's full name)."""
    bundle = index // 256
    width = size % 256 if size is not None and bundle == size // 256 else 0
    return f"{LOG} entry {index} ({log_tile(None, bundle, width)})"


def log_index(public: Path) -> Path:
    """The private index of the log published in ``public``, beside its key."""
    return public.resolve().parent / PRIVATE / LOG_INDEX


def record_id_key(out: Path) -> Path:
    """The secret of work root ``out`` that keys its results' 记录号 (HMAC): private, never published."""
    return out / PRIVATE / RECORD_ID_KEY


def private_key(public_dir: Path) -> Path:
    """Where the private key of the log published in ``public_dir`` lives: beside it, never in it."""
    return public_dir.resolve().parent / PRIVATE / PRIVATE_KEY


# -- a round ----------------------------------------------------------------------------------------
ROUNDS = "rounds"
ROUND_LOCK = "round.lock"  # OUT/rounds/<round>/round.lock: held by the step changing the round
# audit/: the auditor bundle (spec §7) and what decided the teams
FRAME = "frame.jsonl"
PLANS = "plans.json"
INSPECTORS = "inspectors.jsonl"
EXCLUSIONS = "exclusions.jsonl"
COMMITMENT = "commitment.json"
RANDOMNESS = "randomness.json"
SELECTION = "selection.jsonl"
ELIGIBILITY = "eligibility.jsonl"
ELIGIBILITY_EXCLUSIONS = "eligibility-exclusions.jsonl"
ASSIGNMENT = "assignment.jsonl"
UNSTAFFED = "unstaffed.jsonl"
DECISIONS = "decisions.jsonl"
FINALIZED = "finalized.json"
REASSIGNMENTS = "reassignments.jsonl"  # after finalisation: each change of a team, with its reason
APPROVAL = "approval.json"  # who approved which preview (by its hash), before the commitment
# draw spec v2 (docs/draw-spec.md): the committed firm-side facts eligibility reads and the committed stratum sizes
# (both auditor-only), the public list of selected pairs (no key, rank or stratum), and the auditors' signed
# attestations, published beside the round's public files as ATTESTATIONS/<auditor>.txt
TARGETS = "targets.jsonl"
STRATA = "strata.json"
SELECTED = "selected.jsonl"
ATTESTATIONS = "attestations"
# the files of a round that are public, in OUT/public/rounds/<round>/
PUBLIC_ROUND_FILES = (COMMITMENT, RANDOMNESS, PLANS, SELECTION)
# the files of a v2 round that are public, in OUT/public/rounds/<round>/, beside ATTESTATIONS/
PUBLIC_ROUND_FILES_V2 = (COMMITMENT, RANDOMNESS, PLANS, SELECTED)
PREPARED_COMMITMENT = "prepared-commitment.json"  # internal/: a v2 commitment as made, before it is logged
# internal/
COMMITTED_RECORD = "committed-files.json"
PREVIEW = "preview.json"  # the checked preview of a framed round (it shows tiers: internal)
PREVIEW_XLSX = "preview.xlsx"  # the same, for sign-off
TIERS_USED = "tiers-used.json"  # which tier file the frame was built on (as-of day, division, SHA-256), for the preview
INCLUSION = "inclusion.parquet"
ESTIMATES_CSV = "estimates.csv"
ESTIMATES_HTML = "estimates.html"
# results/
RESULTS_STORE = "results.jsonl"
RESULTS_STATUS = "status.csv"
REJECTED = "rejected"
# tasks/: the lists (xlsx and CSV), the results form, inspectors/ (each inspector's list), and
NOTICES = "告知书"  # one 检查告知书 PDF per firm
FILE_PART_LENGTH = 40  # characters of a name in a file name (a CJK character is 3 bytes of the 255 a name may have)


def file_part(text: str) -> str:
    """``text`` (a person's or a firm's name) as part of a file name: no path separator, no character a file
    system or Windows refuses, no control or invisible character, at most :data:`FILE_PART_LENGTH` characters."""
    kept = "".join(
        "_" if ch in '/\\:*?"<>|' or unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in text
    )
    return kept.strip(" .")[:FILE_PART_LENGTH] or "_"


@dataclass(frozen=True)
class RoundPaths:
    """The folders of round ``round_id`` under the work root ``out``."""

    out: Path
    round_id: RoundId

    @property
    def folder(self) -> Path:
        """``OUT/rounds/<round>/``: audit/, internal/, tasks/ and results/ live here."""
        return self.out / ROUNDS / str(self.round_id)

    @property
    def audit(self) -> Path:
        return self.folder / "audit"

    @property
    def internal(self) -> Path:
        return self.folder / "internal"

    @property
    def tasks(self) -> Path:
        return self.folder / "tasks"

    @property
    def results(self) -> Path:
        return self.folder / "results"

    @property
    def public_root(self) -> Path:
        """``OUT/public``: the site the round's public files and their log entries go to."""
        return self.out / PUBLIC

    @property
    def public(self) -> Path:
        return self.public_root / SITE_ROUNDS / str(self.round_id)

    def task_list(self, department: str) -> Path:
        """A department's task list, without its suffix (it is written as .xlsx and .csv)."""
        return self.tasks / f"{self.round_id}-{department}"

    def inspector_list(self, inspector: str, name: str) -> Path:
        """An inspector's own task list, named by id and name, without its suffix (.xlsx and .csv)."""
        return self.tasks / "inspectors" / f"{self.round_id}-{inspector}-{file_part(name)}"

    @property
    def notices(self) -> Path:
        """The list of the firms' notices, who will inspect each (告知清单), without its suffix."""
        return self.tasks / f"{self.round_id}-告知清单"

    def notice(self, plan: str, uscc: str, firm: str) -> Path:
        """The 检查告知书 of one target, a PDF named by plan, USCC and firm."""
        return self.tasks / NOTICES / f"{self.round_id}-{plan}-{uscc}-{file_part(firm)}.pdf"

    @property
    def results_form(self) -> Path:
        """The results form pre-filled with every staffed target and its team, without its suffix (.xlsx)."""
        return self.tasks / f"{self.round_id}-检查结果录入表"

    @property
    def simulated_form(self) -> Path:
        """The demo's results form, SIMULATED from a generated region's truth (:mod:`xinyong.synth.outcomes`)."""
        return self.results / f"{self.round_id}-检查结果（模拟）.xlsx"
