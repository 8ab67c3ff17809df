"""``xinyong.toml``: a strict schema, found from the option, the environment or upwards, made whole by init."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tests.conftest import PLANS, POLICY
from tests.core.test_calendar import FIXTURE_2027, NOTICE_2026
from tests.workspace.notices import FIXTURE_2027 as FIXTURE_2027_TOML
from tests.workspace.notices import NOTICE_2026 as NOTICE_2026_TOML
from xinyong.core.calendar import Supplement
from xinyong.core.ids import RoundId
from xinyong.errors import InputFileError, UsageError
from xinyong.ingest.contract import Town, shipped_towns
from xinyong.rounds.plans import read_plans
from xinyong.workspace.layout import SHIPPED_CHAMPION
from xinyong.workspace.settings import (
    ENVIRONMENT,
    create_workspace,
    find_workspace,
    parse_workspace,
    plans_for_division,
    read_calendar,
    read_workspace,
)

MINIMAL = {"workspace": {"divisions": ["330802"]}}


def test_a_new_workspace_has_its_folders_the_shipped_policy_and_plans_and_reads_back(tmp_path: Path) -> None:
    made = create_workspace(tmp_path / "kc", ["330802"], "柯城区")
    root = tmp_path / "kc"
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*")) == [
        "clean",
        "data",
        "data/mlflow",
        "internal",
        "models",
        "plans",
        "plans/330802.toml",
        "policy.toml",
        "private",
        "public",
        "raw",
        "rounds",
        "xinyong.toml",
    ]
    assert (root / "policy.toml").read_bytes() == POLICY.read_bytes()
    assert (root / "plans" / "330802.toml").read_bytes() == PLANS.read_bytes()
    assert stat.S_IMODE((root / "private").stat().st_mode) == 0o700
    assert made == read_workspace(root)
    assert (
        made.name == "柯城区" and made.divisions == ("330802",) and made.plans == {"330802": root / "plans/330802.toml"}
    )
    assert (made.policy, made.models, made.calendar) == (root / "policy.toml", root / "models", None)
    assert (made.raw, made.clean, made.internal, made.out) == (root / "raw", root / "clean", root / "internal", root)
    assert (made.data, made.public) == (root / "data", root / "public")
    assert made.towns == shipped_towns() and len(made.towns) == 18 and made.region_towns() == made.towns
    assert made.round_division == "330802"
    assert made.champion == SHIPPED_CHAMPION  # until the office exports its own
    (made.models / "model.txt").write_text("a model\n", encoding="utf-8")
    assert made.champion == made.models
    assert not [p for p in tmp_path.iterdir() if p.name != "kc"]  # no staging folder left behind


def test_another_division_gets_the_default_plans_renamed_and_must_list_its_towns(tmp_path: Path) -> None:
    made = create_workspace(tmp_path / "ws", ["330803"])
    assert made.name == "" and made.towns == () and made.round_division == "330803"
    plans = read_plans(made.plans["330803"])
    assert plans.division == "330803" and plans.plans == read_plans(PLANS).plans
    assert plans_for_division("330803").startswith(
        "# Copied by `xinyong init` from the shipped default plans of division 330802 for division\n# 330803: "
    )
    assert '# division = "330803"' in made.file.read_text(encoding="utf-8")  # the example of its [[town]] tables
    with pytest.raises(InputFileError) as caught:
        made.region_towns()
    assert str(caught.value) == (
        f"{made.file}: [[town]]: no town of division 330803 衢州市衢江区 is listed; list each of its 乡镇(街道) as a "
        '[[town]] table with town, grid, station and division = "330803" (docs/workspace.md, Towns)'
    )
    with pytest.raises(UsageError) as caught:
        made.plans_for(RoundId.parse("330802-2027-01", "ROUND"))
    assert str(caught.value) == (
        f"--round: round 330802-2027-01 is of division 330802, but the workspace {tmp_path / 'ws'} runs the rounds "
        "of 330803 衢州市衢江区: --round 330803-2027-01"
    )


def test_a_city_workspace_of_two_districts_runs_the_citys_rounds(tmp_path: Path) -> None:
    """Districts of one city: one round a month of the city (330800), over both; 柯城区's towns are the shipped
    ones, 衢江区's are listed (樟潭街道 is accepted once listed)."""
    made = create_workspace(tmp_path / "qz", ["330802", "330803"], "衢州市")
    assert made.round_division == "330800" and made.plans == {"330800": tmp_path / "qz" / "plans" / "330800.toml"}
    assert read_plans(made.plans["330800"]).division == "330800"
    assert made.towns == shipped_towns()  # written out by init, with their division
    assert made.plans_for(RoundId.parse("330800-2026-12", "ROUND")) == made.plans["330800"]
    with pytest.raises(UsageError) as caught:
        made.plans_for(RoundId.parse("330802-2026-12", "ROUND"))
    assert str(caught.value) == (
        f"--round: round 330802-2026-12 is of division 330802, but the workspace {made.root} runs the rounds of "
        "330800 衢州市, over 330802, 330803: --round 330800-2026-12"
    )
    zhangtan = Town("樟潭街道", "东", "樟潭市场监管所", "330803")
    listed = parse_workspace(
        {
            "workspace": {"divisions": ["330802", "330803"]},
            "town": [{"town": "樟潭街道", "grid": "东", "station": "樟潭市场监管所", "division": "330803"}],
        },
        tmp_path,
    )
    assert listed.towns == (zhangtan,)
    assert listed.region_towns() == (*shipped_towns(), zhangtan)  # 330802 lists none: the shipped list stands in


@pytest.mark.parametrize(
    ("divisions", "problem"),
    [
        (
            ["330899"],
            "330899 is not a division of GB/T 2260, 民政部 2024年县以上行政区划代码; the nearest are 330881 "
            "衢州市江山市, 330825 衢州市龙游县, 330824 衢州市开化县",
        ),
        (["330800", "330802"], "330802 衢州市柯城区 lies within 330800 衢州市; name only one of them"),
    ],
)
def test_a_division_must_be_on_the_list_and_not_within_another(
    tmp_path: Path, divisions: list[str], problem: str
) -> None:
    with pytest.raises(InputFileError) as caught:
        parse_workspace({"workspace": {"divisions": divisions}}, tmp_path)
    assert str(caught.value) == f"{tmp_path / 'xinyong.toml'}: [workspace] divisions: {problem}"
    with pytest.raises(UsageError) as refused:
        create_workspace(tmp_path / "ws", divisions)
    assert str(refused.value) == f"--division: {problem}"


@pytest.mark.parametrize(
    ("setup", "divisions", "message"),
    [
        ("workspace", ["330802"], "{root}: is already a workspace (it has xinyong.toml); edit that file instead"),
        ("full", ["330802"], "{root}: is not empty; a workspace is made in a new or empty folder"),
        ("file", ["330802"], "{root}: is a file, not a folder to make a workspace in"),
        ("", [], "--division: give the office's division code (GB/T 2260), e.g. --division 330802"),
        ("", ["33080"], "--division: '33080' is not a 6-digit division code (GB/T 2260), e.g. 330802"),
        ("", ["330802", "330802"], "--division: names a division twice"),
    ],
)
def test_init_refuses(tmp_path: Path, setup: str, divisions: list[str], message: str) -> None:
    root = tmp_path / "ws"
    if setup == "workspace":
        create_workspace(root, ["330802"])
    elif setup == "full":
        root.mkdir()
        (root / "notes.txt").write_text("x\n", encoding="utf-8")
    elif setup == "file":
        root.write_text("x\n", encoding="utf-8")
    before = sorted(tmp_path.rglob("*"))
    with pytest.raises(UsageError) as caught:
        create_workspace(root, divisions)
    assert str(caught.value) == message.format(root=root)
    assert sorted(tmp_path.rglob("*")) == before


def test_an_empty_folder_becomes_a_workspace(tmp_path: Path) -> None:
    (tmp_path / "ws").mkdir()
    assert create_workspace(tmp_path / "ws", ["330802"]).file.is_file()


def test_defaults_fill_every_key_but_the_divisions(tmp_path: Path) -> None:
    ws = parse_workspace(MINIMAL, tmp_path)
    assert ws.plans == {"330802": tmp_path / "plans" / "330802.toml"} and ws.out == tmp_path and ws.towns == ()
    custom = parse_workspace(
        {
            "workspace": {"divisions": ["330802"], "policy": "config/policy.toml", "calendar": "calendar.toml"},
            "plans": {"330802": "config/kc.toml"},
            "folders": {"out": "work", "clean": "/srv/clean"},
            "town": [{"town": "府山街道", "grid": "西", "station": "府山所"}],  # its division: the one
        },
        tmp_path,
    )
    assert custom.policy == tmp_path / "config/policy.toml" and custom.calendar == tmp_path / "calendar.toml"
    assert custom.plans == {"330802": tmp_path / "config/kc.toml"} and custom.clean == Path("/srv/clean")
    assert custom.out == tmp_path / "work" and custom.public == tmp_path / "work" / "public"
    assert custom.towns == (Town("府山街道", "西", "府山所", "330802"),) and custom.region_towns() == custom.towns
    assert ws.region_towns() == shipped_towns()  # none listed: the shipped list of 330802
    assert (
        ws.contact == ""
        and parse_workspace(
            {"workspace": {"divisions": ["330802"], "contact": " 信用监管科 张三，电话 0570-0000000 "}}, tmp_path
        ).contact
        == "信用监管科 张三，电话 0570-0000000"
    )  # on every 检查告知书


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"workspace": {"divisions": ["330802"]}, "folder": {}}, "unknown key 'folder' (did you mean 'folders'?)"),
        (
            {"workspace": {"divisions": ["330802"], "polcy": "p.toml"}},
            "[workspace]: unknown key 'polcy' (did you mean 'policy'?)",
        ),
        (
            {"workspace": {"divisions": ["330802"]}, "folders": {"cleen": "c"}},
            "[folders]: unknown key 'cleen' (did you mean 'clean'?)",
        ),
        (
            {"workspace": {"divisions": ["330802"]}, "folders": {"xyz": "c"}},
            "[folders]: unknown key 'xyz' (known keys: raw, clean, internal, out, data)",
        ),
        (
            {**MINIMAL, "town": [{"town": "府山街道", "grid": "西", "stations": "府山所"}]},
            "[[town]] 1: unknown key 'stations' (did you mean 'station'?)",
        ),
        ({"folders": {}}, '[workspace]: missing; it names the divisions, e.g. divisions = ["330802"]'),
        (
            {"workspace": {"name": "柯城区"}},
            '[workspace] divisions: missing; name the office\'s division codes, e.g. divisions = ["330802"]',
        ),
        (
            {"workspace": {"divisions": "330802"}},
            "[workspace] divisions: must be a list of 6-digit division codes (GB/T 2260), not '330802'",
        ),
        (
            {"workspace": {"divisions": [330802]}},
            '[workspace] divisions: 330802 is not a 6-digit division code (GB/T 2260), e.g. "330802"',
        ),
        ({"workspace": {"divisions": ["330802", "330802"]}}, "[workspace] divisions: names a division twice"),
        ({"workspace": []}, "[workspace]: must be a table, not []"),
        ({"workspace": {"divisions": ["330802"], "name": 7}}, "[workspace] name: must be text, not 7"),
        (
            {"workspace": {"divisions": ["330802"], "contact": ["张三"]}},
            "[workspace] contact: must be text, not ['张三']",
        ),
        ({"workspace": {"divisions": ["330802"], "policy": ""}}, "[workspace] policy: must be a path (text), not ''"),
        ({**MINIMAL, "folders": {"clean": 3}}, "[folders] clean: must be a path (text), not 3"),
        (
            {**MINIMAL, "plans": {"330803": "plans/330803.toml"}},
            "[plans] 330803: not the division of this workspace's rounds (330802 衢州市柯城区); name its plans as "
            '"330802" = "…"',
        ),
        (
            {"workspace": {"divisions": ["330802", "330803"]}, "plans": {"330802": "plans/330802.toml"}},
            "[plans] 330802: not the division of this workspace's rounds (330800 衢州市); name its plans as "
            '"330800" = "…"',
        ),
        (
            {"workspace": {"divisions": ["330802", "110101"]}},
            "[workspace] divisions: 330802, 110101 are of different provinces; a workspace's rounds are of one "
            "division (docs/workspace.md)",
        ),
        ({**MINIMAL, "town": {"town": "x"}}, "[[town]]: must be one [[town]] table per town, not {'town': 'x'}"),
        ({**MINIMAL, "town": [{"town": "府山街道", "grid": "西"}]}, "[[town]] 1: station: missing"),
        ({**MINIMAL, "town": [{"town": " ", "grid": "西", "station": "s"}]}, "[[town]] 1: town: empty"),
        (
            {
                "workspace": {"divisions": ["330802", "330803"]},
                "town": [{"town": "樟潭街道", "grid": "东", "station": "s"}],
            },
            "[[town]] 1: division: missing; a workspace of several divisions names each town's (330802, 330803)",
        ),
        (
            {**MINIMAL, "town": [{"town": "樟潭街道", "grid": "东", "station": "s", "division": "330803"}]},
            "[[town]] 1: division: 330803 衢州市衢江区 is not one of the workspace's divisions (330802) or within one",
        ),
        (
            {**MINIMAL, "town": [{"town": "府山街道", "grid": "西", "station": "s", "division": "330809"}]},
            "[[town]] 1: division: 330809 is not a division of GB/T 2260, 民政部 2024年县以上行政区划代码; the nearest "
            "are 330803 衢州市衢江区, 330802 衢州市柯城区, 330800 衢州市",
        ),
        (
            {**MINIMAL, "town": [{"town": "府山街道", "grid": "西", "station": "s"}] * 2},
            "[[town]] 2: town 府山街道 is listed twice",
        ),
    ],
)
def test_a_bad_settings_file_is_one_error_naming_the_key(tmp_path: Path, data: dict, problem: str) -> None:
    with pytest.raises(InputFileError) as caught:
        parse_workspace(data, tmp_path)
    assert str(caught.value) == f"{tmp_path / 'xinyong.toml'}: {problem}"


def test_a_workspace_is_found_from_the_option_then_the_environment_then_upwards(tmp_path: Path) -> None:
    first = create_workspace(tmp_path / "first", ["330802"], "first")
    second = create_workspace(tmp_path / "second", ["330802"], "second")
    below = first.root / "rounds" / "330802-2026-12"
    below.mkdir(parents=True)
    assert find_workspace(None, {}, below) == first
    assert find_workspace(None, {ENVIRONMENT: str(second.root)}, below) == second
    assert find_workspace(Path("second"), {ENVIRONMENT: str(first.root)}, tmp_path) == second  # relative: from cwd
    assert find_workspace(second.file, {}, tmp_path) == second  # the file itself names its folder
    assert find_workspace(None, {ENVIRONMENT: ""}, tmp_path) is None  # an empty variable is no variable
    assert find_workspace(None, {}, tmp_path) is None


@pytest.mark.parametrize("source", ["--workspace", ENVIRONMENT])
def test_a_named_workspace_that_is_not_one_is_an_error(tmp_path: Path, source: str) -> None:
    def find(path: Path) -> None:
        if source == "--workspace":
            find_workspace(path, {}, tmp_path)
        else:
            find_workspace(None, {ENVIRONMENT: str(path)}, tmp_path)

    with pytest.raises(UsageError) as caught:
        find(tmp_path / "nowhere")
    assert str(caught.value) == (
        f"{source}: {tmp_path / 'nowhere'}: no such workspace folder; make one with `xinyong init DIR --division CODE`"
    )
    with pytest.raises(UsageError) as caught:
        find(tmp_path)
    assert str(caught.value) == (
        f"{source}: {tmp_path}: not a workspace (it has no xinyong.toml); make one with "
        "`xinyong init DIR --division CODE`"
    )


def test_a_broken_settings_file_found_upwards_is_named(tmp_path: Path) -> None:
    (tmp_path / "xinyong.toml").write_text("[workspace\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    with pytest.raises(InputFileError) as caught:
        find_workspace(None, {}, tmp_path / "sub")
    assert str(caught.value).startswith(f"{tmp_path / 'xinyong.toml'}: not valid TOML (")


def test_reading_a_folder_without_settings_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(InputFileError) as caught:
        read_workspace(tmp_path)
    assert str(caught.value) == (
        f"{tmp_path}: not a workspace (it has no xinyong.toml); make one with `xinyong init DIR --division CODE`"
    )


def test_a_crash_while_making_leaves_no_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from xinyong.workspace import settings

    def broken(*args: object) -> str:
        raise OSError("disk full")

    monkeypatch.setattr(settings, "render_settings", broken)
    with pytest.raises(OSError):
        create_workspace(tmp_path / "ws", ["330802"])
    assert list(tmp_path.iterdir()) == []
    monkeypatch.undo()
    assert create_workspace(tmp_path / "ws", ["330802"]).file.is_file()
    assert os.listdir(tmp_path) == ["ws"]


def test_a_calendar_supplement_is_read_from_the_file_the_workspace_names(tmp_path: Path) -> None:
    """The real 2026 notice (which the package knows too, and agrees with) and the 2027 test fixture, as TOML."""
    (tmp_path / "calendar.toml").write_text(NOTICE_2026_TOML + FIXTURE_2027_TOML, encoding="utf-8")
    ws = parse_workspace({"workspace": {"divisions": ["330802"], "calendar": "calendar.toml"}}, tmp_path)
    assert ws.supplement() == Supplement((NOTICE_2026, FIXTURE_2027))
    assert parse_workspace(MINIMAL, tmp_path).supplement() == Supplement()


_HEAD = '[[year]]\nyear = 2027\nnotice = "国办发明电〔2026〕X号"\npublished = 2026-11-01\n'
_FIRST = "[[year]] 1 (2027)"


def _with(old: str, new: str) -> str:
    """The 2027 fixture with one line changed."""
    assert FIXTURE_2027_TOML.count(old) == 1
    return FIXTURE_2027_TOML.replace(old, new)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[[years]]\nyear = 2027\n", "unknown key 'years' (did you mean 'year'?)"),
        (_HEAD + "holidays = []\n", f"{_FIRST}: unknown key 'holidays' (did you mean 'holiday'?)"),
        ('[[year]]\nyear = "2027"\n', "[[year]] 1: year: must be a year such as 2027, not '2027'"),
        (
            "[[year]]\nyear = 2027\n",
            f"{_FIRST}: notice: missing (the notice's number (文号), e.g. 国办发明电〔2025〕7号)",
        ),
        (
            _HEAD.replace("2026-11-01", '"2026-11-31"'),
            f"{_FIRST}: published: not a date YYYY-MM-DD: '2026-11-31'",
        ),
        (
            _HEAD,
            f"{_FIRST}: holiday: no 元旦、春节、清明节、劳动节、端午节、中秋节、国庆节: a notice arranges every "
            "holiday of 《全国年节及纪念日放假办法》",
        ),
        (
            _HEAD + '[[year.holiday]]\nname = "元旦"\nstrat = 2027-01-01\n',
            f"{_FIRST}: [[year.holiday]] 1: unknown key 'strat' (did you mean 'start'?)",
        ),
        (
            _HEAD + '[[year.holiday]]\nname = "元旦"\nstart = 2027-01-01\n',
            f"{_FIRST}: [[year.holiday]] 1 (元旦): end: missing (the last day off, e.g. 2026-02-23)",
        ),
        (
            _with('name = "清明节"', 'name = "清明"'),
            f"{_FIRST}: [[year.holiday]] 3 (清明): name: '清明' is not a holiday of 《全国年节及纪念日放假办法》 "
            "(did you mean '清明节'?)",
        ),
        (
            _with("end = 2027-02-14", "end = 2028-02-14"),
            f"{_FIRST}: [[year.holiday]] 2 (春节): end: 2028-02-14 is not in 2027",
        ),
        (
            _with("end = 2027-02-14", "end = 2027-02-14\ndays = 7"),
            f"{_FIRST}: [[year.holiday]] 2 (春节): days: 7, but 2027-02-06–2027-02-14 is 9 days; check both",
        ),
        (
            _with("workdays = [2027-02-20]", "workdays = [2027-02-22]"),
            f"{_FIRST}: [[year.holiday]] 2 (春节): workdays: 2027-02-22 is a 周一: a weekday is a working day anyway "
            "(调休上班 is a weekend day)",
        ),
        (
            _with("workdays = [2027-02-20]", "workdays = 2027-02-20"),
            f"{_FIRST}: [[year.holiday]] 2 (春节): workdays: must be a list of dates, not datetime.date(2027, 2, 20)",
        ),
        (
            _with("start = 2027-04-03", "start = 2027-02-13"),
            f"{_FIRST}: [[year.holiday]] 3 (清明节): start: 2027-02-13 is inside holiday 2 (春节, "
            "2027-02-06–2027-02-14)",
        ),
        (FIXTURE_2027_TOML * 2, "[[year]] 2 (2027): year 2027 is listed twice"),
        (
            NOTICE_2026_TOML.replace("end = 2026-10-07\ndays = 7", "end = 2026-10-08\ndays = 8"),
            "[[year]] 1 (2026): disagrees with chinese-calendar 1.11.0, which knows 2026: 2026-10-08 (周四) is a "
            "day off by this notice but a working day in chinese-calendar 1.11.0",
        ),
    ],
)
def test_a_bad_calendar_supplement_is_one_error_naming_the_notice_the_holiday_and_the_key(
    tmp_path: Path, text: str, problem: str
) -> None:
    (tmp_path / "calendar.toml").write_text(text, encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        read_calendar(tmp_path / "calendar.toml")
    assert str(caught.value) == f"{tmp_path / 'calendar.toml'}: {problem}"


def test_a_missing_calendar_supplement_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputFileError) as caught:
        read_calendar(tmp_path / "calendar.toml")
    assert str(caught.value) == (
        f"{tmp_path / 'calendar.toml'}: no such calendar supplement file ([workspace] calendar in xinyong.toml)"
    )


def test_a_workspace_made_with_a_contact_writes_it_for_the_notices(tmp_path: Path) -> None:
    made = create_workspace(tmp_path / "w", ["330802"], "柯城", "信用监管科 张三，电话 0570-0000000")
    assert made.contact == "信用监管科 张三，电话 0570-0000000"
    assert create_workspace(tmp_path / "v", ["330802"], "柯城").contact == ""
