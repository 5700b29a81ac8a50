"""Careless and hostile values on the command line and in the user's files (issue 14):
each ends in one Chinese line and exit 1 or 2, never an internal error (exit 70)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from partyday_cli.cli.main import app
from tests.factories import plain_xlsx

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "workspace"
CHINESE = re.compile(r"[\u4e00-\u9fff]")
runner = CliRunner()


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    """The sample branch with its roster imported and 2017 planned."""
    base = tmp_path_factory.mktemp("limits")
    ws = base / "ws"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PARTYDAY_DATA_DIR", str(base / "userdata"))
        mp.setenv("NO_COLOR", "1")
        shutil.copytree(SAMPLE, ws)
        assert invoke("roster", "import", str(ws / "roster.xlsx"), "--as-of", "2017-01-05", "-w", str(ws)).exit_code == 0
        assert invoke("plan", "2017", "-w", str(ws)).exit_code == 0
    return ws


def one_chinese_line(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code in (1, 2), (result.exit_code, result.output)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert CHINESE.search(lines[0]) and "内部错误" not in lines[0] and "Traceback" not in result.output
    return lines[0]


YEAR_COMMANDS = [
    ["report", "annual"], ["report", "quarterly", "--quarter", "1"], ["report", "member", "高峰"],
    ["dues", "standard"], ["dues", "report"], ["attend", "list"],
]
BAD_YEARS = ["0", "99999", "12345678901234567890"]


@pytest.mark.parametrize("command", YEAR_COMMANDS, ids=" ".join)
@pytest.mark.parametrize("year", BAD_YEARS)
def test_a_year_out_of_range_is_one_line_naming_the_option(workspace, command, year):
    line = one_chinese_line(invoke(*command, "--year", year, "-w", str(workspace)))
    assert "--year" in line and year[:10] in line


@pytest.mark.parametrize("args", [["plan", "99999"], ["calendar", "0"], ["record", "9999-12-31"],
                                  ["dues", "report", "--as-of", "9999-12-31"],
                                  ["roster", "list", "--date", "0001-01-01"],
                                  ["attend", "list", "--date", "9999-12-31"]], ids=" ".join)
def test_a_date_or_year_argument_out_of_range_is_one_line(workspace, args):
    one_chinese_line(invoke(*args, "-w", str(workspace)))


def test_a_good_year_still_works(workspace):
    assert invoke("dues", "standard", "--year", "2017", "-w", str(workspace)).exit_code == 0


def _altered(source: Path, target: Path, cell: str, value: object) -> Path:
    book = openpyxl.load_workbook(source)
    book.active[cell] = value
    book.save(target)
    return target


HUGE = "9999999999999999999999999999"


def test_a_roster_income_of_28_digits_is_refused_naming_the_row(workspace, tmp_path):
    # the sample roster: row 6 is 张伟, column M 月收入（元）
    bad = _altered(workspace / "roster.xlsx", tmp_path / "花名册.xlsx", "M6", HUGE)
    result = invoke("roster", "import", str(bad), "--as-of", "2017-01-05", "-w", str(workspace))
    assert result.exit_code == 1, result.output
    assert "第6行" in result.stderr and "月收入" in result.stderr and "内部错误" not in result.stderr
    # the ledger still holds the good roster: dues standard keeps working
    assert invoke("dues", "standard", "--year", "2017", "-w", str(workspace)).exit_code == 0


def test_a_dues_ledger_cell_of_28_digits_is_refused_naming_the_row(workspace, tmp_path):
    # the sample 党费台账: row 6 is a member, column H is 2月
    bad = _altered(workspace / "2017党费台账.xlsx", tmp_path / "台账.xlsx", "H6", HUGE)
    result = invoke("dues", "import", str(bad), "--year", "2017", "-w", str(workspace))
    assert result.exit_code == 1, result.output
    assert "第6行" in result.stderr and "H列" in result.stderr and "2月" in result.stderr
    assert "内部错误" not in result.stderr


def test_ten_thousand_problems_are_all_printed(workspace, tmp_path):
    """Each of 5,000 rows has two mistakes; every one is printed, the last row too.
    (Speed: benchmarks/problems_bench.py.)"""
    header = ["序号", "姓名", "性别", "出生年月", "党小组", "党员身份", "入党时间", "人员类别", "月收入（元）"]
    rows = [[i, f"党员{i}", "男", "某年某月", "第一党小组", "正式", "2001.07", "在职", "很多"] for i in range(1, 5001)]
    roster = plain_xlsx(tmp_path / "花名册.xlsx", [header, *rows])
    result = invoke("roster", "import", str(roster), "-w", str(workspace))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith("错误：") and "10000 处问题" in lines[0]
    problems = lines[1:]
    assert len(problems) == 10000
    assert sum("第5001行" in line for line in problems) == 2  # header on row 1: the last member


def test_an_xml_bomb_roster_is_one_line(workspace, tmp_path):
    from tests.test_xltemplate import xml_bomb_xlsx

    bomb = tmp_path / "花名册.xlsx"
    bomb.write_bytes(xml_bomb_xlsx())
    one_chinese_line(invoke("roster", "import", str(bomb), "-w", str(workspace)))


def test_an_unset_org_name_is_named_by_plan_and_by_doctor(tmp_path):
    """`partyday init` without --org leaves 中共××委员会 in the config: the 安排表's title
    would print it; plan says which key to set, and doctor does even when the config's
    own 待确认 comment has been deleted."""
    ws = tmp_path / "ws"
    assert invoke("init", str(ws), "--branch", "第一支部", "--branch", "第二支部").exit_code == 0
    result = invoke("plan", "2017", "-w", str(ws))
    assert result.exit_code == 0, result.output
    assert "党委名称未设置" in result.stderr and "[org]" in result.stderr
    assert result.stderr.count("党委名称未设置") == 1  # once, not once per branch
    config = ws / "partyday.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("# 待确认：请填写党委（党总支）全称，出现在报表标题里", ""), encoding="utf-8")
    doctor = invoke("doctor", "-w", str(ws))
    assert "党委名称未设置" in doctor.output and "[org] 下把 name" in doctor.output
    config.write_text(text.replace('name = "中共××委员会"', 'name = "中共万源市××乡委员会"'), encoding="utf-8")
    assert "党委名称未设置" not in invoke("plan", "2017", "-w", str(ws), "--force").stderr


@pytest.mark.parametrize("args", [["record", "\x1e\r"], ["roster", "list", "--date", "2017\n04-12"],
                                  ["export", "monthly", "--month", "20\x1e17-04"]], ids=repr)
def test_a_date_with_line_breaks_is_quoted_back_on_one_line(workspace, args):
    # found by tests/test_fuzz.py: splitlines() breaks at \x1e and \u2028 too
    one_chinese_line(invoke(*args, "-w", str(workspace)))
