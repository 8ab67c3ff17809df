"""The round whose task lists, notices and results form the tests of ``rounds/tasks``, ``form`` and ``notice`` read."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import NOVEMBER
from xinyong.workspace.layout import RoundPaths

CONTACT = "衢州市柯城区市场监督管理局信用监管科 联系人：张三 电话：0570-0000000（测试）"


@pytest.fixture(scope="session")
def november_tasks(november_round: Path, round_inputs: dict, tmp_path_factory: pytest.TempPathFactory) -> RoundPaths:
    """The finalised November round of the default region (the demo's size) with its task lists written once."""
    from xinyong.rounds.tasks import write_task_lists

    out = tmp_path_factory.mktemp("november-tasks") / "out"
    shutil.copytree(november_round, out)
    write_task_lists(out, NOVEMBER, round_inputs["clean"], contact=CONTACT)
    return RoundPaths(out, NOVEMBER)
