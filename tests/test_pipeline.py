"""The monthly job as a composition of stage calls (pipeline.py): the demo's champion, workspace and region."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from tests.conftest import CHAMPION
from xinyong.errors import UsageError
from xinyong.indicators.catalog import catalog
from xinyong.model.estimator import RiskModel
from xinyong.workspace.settings import create_workspace


def test_the_shipped_champion_was_trained_on_the_current_catalog() -> None:
    model = RiskModel.load(CHAMPION)
    assert model.features_ == [i.name for i in catalog()]
    assert model.metadata_["registry"]["forced"] is False


def test_the_champion_is_trained_and_exported_into_the_workspace(round_inputs: dict, tmp_path: Path) -> None:
    """What the demo does when no champion fits the catalog, and how the shipped one is made."""
    from xinyong.pipeline import train_champion

    workspace = create_workspace(tmp_path / "ws", ["330802"])
    shutil.copytree(round_inputs["clean"], workspace.clean, dirs_exist_ok=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("MLFLOW_TRACKING_URI", raising=False)
        report = train_champion(workspace, dt.date(2026, 10, 31), round_inputs["truth"])
    assert report == workspace.internal / "model" / "report.html" and report.is_file()
    assert (workspace.data / "mlflow" / "mlflow.db").is_file()
    assert workspace.champion == workspace.models  # the office's own champion now, no longer the shipped one
    # Training is deterministic, so the exported model is the shipped one, byte for byte.
    assert (workspace.models / "model.txt").read_bytes() == (CHAMPION / "model.txt").read_bytes()


def test_the_demo_refuses_a_folder_that_is_not_its_workspace(tmp_path: Path) -> None:
    from xinyong.pipeline import run_demo

    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "notes.txt").write_text("an office's notes\n", encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        run_demo(tmp_path / "full")
    assert str(caught.value) == (
        f"{tmp_path / 'full'}: is not empty and not the demo's workspace (it has no xinyong.toml); "
        "give the demo a new or empty folder"
    )
    create_workspace(tmp_path / "office", ["330802"], "柯城区")
    with pytest.raises(UsageError) as caught:
        run_demo(tmp_path / "office")
    assert str(caught.value) == (
        f"{tmp_path / 'office'}: is the workspace 柯城区, not the demo's; the demo writes a generated region and "
        "DEMO rounds, so give it a folder of its own"
    )


def test_demo_generates_the_region_when_missing(tmp_path: Path) -> None:
    from xinyong.pipeline import ensure_region
    from xinyong.synth import RegionSpec, read_metadata

    spec = RegionSpec(enterprises=1500, months=13, seed=4)
    generated = ensure_region(tmp_path / "region", spec=spec)
    first = (tmp_path / "region" / "enterprises.parquet").stat().st_mtime_ns
    assert read_metadata(tmp_path / "region") == generated and generated.enterprises == 1500
    assert ensure_region(tmp_path / "region", spec=spec) == generated
    assert (tmp_path / "region" / "enterprises.parquet").stat().st_mtime_ns == first


def test_the_demo_auditor_attests_once_and_again_changes_nothing(small_november, tmp_path: Path) -> None:
    """The DEMO auditor's key is made once under private/, and a demo run again publishes nothing new."""
    from xinyong.draw.attest import attestation_file
    from xinyong.pipeline import DEMO_AUDITOR, DEMO_AUDITOR_KEY, demo_attestation
    from xinyong.publish import translog
    from xinyong.workspace.layout import RoundPaths

    out = Path(shutil.copytree(small_november.out, tmp_path / "out"))
    paths = RoundPaths(out, small_november.round_id)
    auditor = demo_attestation(out, paths)
    key = out / "private" / DEMO_AUDITOR_KEY
    assert auditor.name == DEMO_AUDITOR and key.stat().st_mode & 0o777 == 0o600
    note = paths.public / attestation_file(auditor)
    before = (key.read_bytes(), note.read_bytes(), translog.verify_log(out / "public").size)
    assert demo_attestation(out, paths) == auditor
    assert (key.read_bytes(), note.read_bytes(), translog.verify_log(out / "public").size) == before
