"""Golden 花名册 files (tests/golden/roster, built by its build.py) read as the issue asks:
headers with qualifiers recognised (so dues are set, not 0.00), every column not read
listed at import, 在职 members without income named at import with the column looked for,
and a transfer known only to the month kept expected through that month wherever a
sheet shows the member present (issue 12)."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from partyday_cli.cli.main import app
from tests.golden.roster.build import CASES, expected_path, read_as_dict

GOLDEN = Path(__file__).parent / "golden" / "roster"
runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def expected(name: str) -> dict:
    return json.loads(expected_path(GOLDEN / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", list(CASES))
def test_a_golden_roster_reads_as_expected(name):
    data = expected(name)
    assert read_as_dict(GOLDEN / name) == {k: v for k, v in data.items() if k not in ("source", "signins")}


def test_every_class_has_two_files():
    kinds = {"qualified-headers", "unknown-columns", "income", "month-transfer"}
    for kind in kinds:
        assert sum(name.startswith(kind) for name in CASES) >= 2, kind


@pytest.fixture
def workspace(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    assert invoke("init", "ws", "--branch", "第一党支部").exit_code == 0
    monkeypatch.chdir(tmp_path / "ws")
    return tmp_path / "ws"


def _import(workspace: Path, name: str):
    source = workspace.parent / name
    shutil.copy(GOLDEN / name, source)
    before = source.read_bytes()
    result = invoke("roster", "import", str(source), "--as-of", "2017-01-01")
    assert result.exit_code == 0, result.output
    assert source.read_bytes() == before
    return result


def _dues(year: int = 2017) -> dict[str, Decimal]:
    result = invoke("dues", "standard", "--year", str(year), "-f", "json", "--show-private")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    rows = rows.get("members", rows) if isinstance(rows, dict) else rows
    return {r["name"]: Decimal(str(r["monthly"])) for r in rows}


# 中组发〔2008〕3号: 在职 ≤3000 0.5%, 3000–5000 1%, 5000–10000 1.5%; 离退休 ≤5000 0.5%.
@pytest.mark.parametrize(("name", "dues"), [
    ("qualified-headers.xlsx", {"陈建国": "93.00", "林秀英": "48.00", "迪丽努尔·艾买提": "35.00", "黄志强": "20.50"}),
    ("qualified-headers-merged.xlsx", {"张伟": "109.50", "王丽娟": "19.50", "李明": "78.00"}),
])
def test_qualified_income_headers_set_the_dues(workspace, name, dues):
    result = _import(workspace, name)
    assert "未识别的列" not in result.output
    assert _dues() == {k: Decimal(v) for k, v in dues.items()}


@pytest.mark.parametrize("name", ["unknown-columns.xlsx", "unknown-columns-blank.xlsx"])
def test_unknown_columns_are_listed_at_import(workspace, name):
    columns = expected(name)["ignored_columns"]
    assert columns  # the file has some
    output = " ".join(_import(workspace, name).output.split())
    assert f"未识别的列：{'、'.join(columns)}，已忽略" in output
    assert "序号" not in output


@pytest.mark.parametrize(("name", "looked_for"), [
    ("income-empty.xlsx", "“工资”列是空的"),
    ("income-no-column.xlsx", "没有找到月收入列"),
])
def test_working_members_without_income_are_named_at_import(workspace, name, looked_for):
    output = "".join(_import(workspace, name).output.split())
    assert "2名在职党员都没有月收入" in output
    assert looked_for in output and "无法核定党费标准" in output


@pytest.mark.parametrize("name", [n for n, (_, _, days) in CASES.items() if days])
def test_a_month_transfer_keeps_the_member_expected_where_present(workspace, name):
    data = expected(name)
    output = _import(workspace, name).output
    for reading in data["readings"]:
        assert "".join(reading.split()) in "".join(output.split())
    for day in data["signins"]:
        sheet = workspace.parent / f"签到-{day['date']}.xlsx"
        wb = Workbook()
        ws = wb.active
        ws.append([f"第一党支部{day['date']}主题党日签到表"])
        ws.append(["姓名", "签到"])
        for person in day["names"]:
            ws.append([person, "√"])
        wb.save(sheet)
        result = invoke("attend", "import", str(sheet), "--date", day["date"], "-f", "json")
        assert result.exit_code == 0, result.output
        [file] = json.loads(result.stdout)["files"]
        assert (file["expected"], file["present"]) == (day["expected"], len(day["present"])), day
        shown = invoke("attend", "list", "--date", day["date"], "-f", "json")
        present = sorted(r["name"] for r in json.loads(shown.stdout) if r["status"] == "出席")
        assert present == sorted(day["present"])
        month_only = [m["name"] for m in data["members"] if m.get("transferred_out_precision") == "month"]
        for person in month_only:
            said = any(person in w and "只写了月份" in w for w in file["warnings"])
            assert said == (person in day["names"] and day["date"][:7] == "2017-06"), (person, day)
