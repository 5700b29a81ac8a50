"""`partyday roster template`: users look for it under `roster` (issue 17), not under `init`."""

from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from partyday_cli.cli.main import app

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_template_outside_a_workspace_fills_and_imports(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("roster", "template", "--branch", "机关党支部")
    assert result.exit_code == 0, result.output
    path = tmp_path / "花名册模板.xlsx"
    wb = load_workbook(path)
    sheet = wb["花名册"]
    assert sheet["A1"].value == "机关党支部党员花名册"
    headers = [c.value for c in sheet[2]]
    assert headers[:2] == ["序号", "姓名"] and "月收入" in headers and "备注" in headers
    assert "填表说明" in wb.sheetnames
    # A secretary fills two rows and imports it into a new workspace.
    col = {h: i + 1 for i, h in enumerate(headers)}
    for r, (name, joined) in enumerate([("张三", "2001.07.01"), ("迪丽努尔·艾买提", "2010.06.30")], start=3):
        sheet.cell(r, col["姓名"], name)
        sheet.cell(r, col["党员类别"], "正式")
        sheet.cell(r, col["入党时间"], joined)
        sheet.cell(r, col["人员类别"], "离退休")
    wb.save(path)
    assert invoke("init", "ws", "--branch", "机关党支部").exit_code == 0
    monkeypatch.chdir(tmp_path / "ws")
    result = invoke("roster", "import", str(path))
    assert result.exit_code == 0, result.output
    assert "共 2 人" in result.output


def test_template_never_replaces_a_filled_roster(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert invoke("init", "ws", "--branch", "扶贫办党支部").exit_code == 0
    monkeypatch.chdir(tmp_path / "ws")
    roster = Path("roster.xlsx")
    wb = load_workbook(roster)
    wb["花名册"].cell(3, 2, "张三")
    wb.save(roster)
    filled = roster.read_bytes()
    result = runner.invoke(app, ["roster", "template", "-o", "roster.xlsx"])
    assert result.exit_code == 1
    assert "--force" in result.output and roster.read_bytes() == filled
    # Inside a workspace the branch on the title comes from partyday.toml.
    assert invoke("roster", "template", "-o", "空白.xlsx").exit_code == 0
    assert load_workbook("空白.xlsx")["花名册"]["A1"].value == "扶贫办党支部党员花名册"


def test_template_refuses_a_non_xlsx_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["roster", "template", "-o", "花名册.csv"])
    assert result.exit_code == 1 and ".xlsx" in result.output
    assert not (tmp_path / "花名册.csv").exists()
