"""`partyday doctor` as a library call (partyday_cli.doctor.run_checks), without Typer:
each check a (ok, Chinese line) pair, None for a value the scheme leaves 待确认."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from partyday_cli import workspace
from partyday_cli.doctor import run_checks

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "workspace"


def test_doctor_checks_the_sample_workspace(tmp_path):
    ws = tmp_path / "ws"
    shutil.copytree(SAMPLE, ws)
    results = run_checks(workspace.load(ws), today=date(2017, 6, 1))
    assert all(isinstance(text, str) and text for _, text in results)
    failed = [text for ok, text in results if ok is False]
    assert failed == ["还没有账本 ledger.db。运行 partyday roster import roster.xlsx 会自动创建"]
    assert any(ok and text.startswith("花名册 roster.xlsx 可以读取（") for ok, text in results)
    # next year's holidays: not asked about in June (helper-29 #14), from October they are
    assert not any("2018 年" in text for _, text in results)
    autumn = run_checks(workspace.load(ws), today=date(2017, 10, 9))
    assert any("2018 年" in text for _, text in autumn)


def test_doctor_names_a_broken_roster_and_a_missing_one(tmp_path):
    ws = tmp_path / "ws"
    shutil.copytree(SAMPLE, ws)
    (ws / "roster.xlsx").write_bytes(b"not a workbook")
    [line] = [text for ok, text in run_checks(workspace.load(ws), today=date(2017, 6, 1))
              if ok is False and "花名册" in text]
    assert line.startswith("花名册无法读取：")
    (ws / "roster.xlsx").unlink()
    [line] = [text for ok, text in run_checks(workspace.load(ws), today=date(2017, 6, 1))
              if ok is False and "花名册" in text]
    assert "找不到 roster.xlsx" in line


def test_doctor_does_not_tick_a_roster_whose_branches_the_config_does_not_know(tmp_path):
    """helper-33 #15: ✓ 花名册 roster.xlsx 可以读取（40 人） while its import failed on the
    所在支部 names and the ledger held no one."""
    ws = tmp_path / "ws"
    shutil.copytree(SAMPLE, ws)
    config = ws / "partyday.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('name = "机关第一党支部"', 'name = "机关第一党支部"\n\n'
                      '[[branches]]\nname = "机关第二党支部"', 1), encoding="utf-8")
    from openpyxl import load_workbook

    book = load_workbook(ws / "roster.xlsx")
    sheet = book.active
    sheet.cell(row=4, column=16, value="所在支部")
    for r in range(5, sheet.max_row + 1):
        if sheet.cell(row=r, column=2).value:
            sheet.cell(row=r, column=16, value="后勤党支部")
    book.save(ws / "roster.xlsx")
    [line] = [text for ok, text in run_checks(workspace.load(ws), today=date(2017, 6, 1)) if "花名册" in text and not ok]
    assert "所在支部对不上 partyday.toml" in line and "后勤党支部" in line


def test_a_new_workspace_is_told_what_is_still_to_do_not_ticked(tmp_path, monkeypatch):
    """Right after `partyday init`: the blank roster is a step to do (！), not ✓ with 0 人,
    and next year's missing holiday notice is a reminder (！), never a ✓ 提醒."""
    from typer.testing import CliRunner

    from partyday_cli.cli.main import app

    runner = CliRunner()
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(app, ["init", "ws", "--branch", "机关第一党支部"]).exit_code == 0
    result = runner.invoke(app, ["doctor", "-w", str(tmp_path / "ws")])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "！ 花名册 roster.xlsx 还没有党员：在表中填好党员名单后运行 partyday roster import roster.xlsx" in lines
    assert not any(line.startswith("✓") and ("0 人" in line or "提醒" in line) for line in lines)
    assert lines[-1].startswith("工作区可以使用；") and "条提醒（标“！”）" in lines[-1]


def test_dates_to_fill_are_the_months_ahead_and_next_year_from_october(tmp_path, monkeypatch):
    """A scheme that leaves each month's day to the branch (每月开展一次): doctor asks for the
    months still ahead, not for the ones gone by, and in the autumn for next year's too."""
    from typer.testing import CliRunner

    from partyday_cli.cli.main import app
    from partyday_cli.doctor import pending

    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(app, ["init", "ws", "--scheme", "qfnu-xueyuan"]).exit_code == 0
    ws = workspace.load(tmp_path / "ws")
    lines = [text for _, text in pending(ws, 2017, today=date(2017, 11, 5)) if "[schedule.dates]" in text]
    assert len(lines) == 2
    assert "2017年11月、12月的活动日期" in lines[0]
    assert "2018年1月、2月、3月、4月、5月、6月、7月、8月、9月、10月、11月、12月的活动日期" in lines[1]
    [march] = [text for _, text in pending(ws, 2017, today=date(2017, 3, 1)) if "[schedule.dates]" in text]
    assert "—— 2017年3月、4月、" in march  # January and February are gone by


def test_a_roster_imported_from_another_file_is_not_asked_for_again(tmp_path, monkeypatch):
    """The 组织员 imported 花名册2017.xlsx; the workspace's roster.xlsx is still the blank
    template: doctor says the roster is in (✓), not 还没有党员 above 已有 N 名党员."""
    from openpyxl import Workbook
    from typer.testing import CliRunner

    from partyday_cli.cli.main import app

    runner = CliRunner()
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(app, ["init", "ws", "-b", "机关第一党支部", "-b", "机关第二党支部"]).exit_code == 0
    book = Workbook()
    book.active.append(["姓名", "所在党支部", "党员类别", "入党时间", "月收入"])
    book.active.append(["李一", "机关第一党支部", "正式党员", "2000-07-01", 5000])
    book.active.append(["王二", "机关第二党支部", "正式党员", "2001-07-01", 6000])
    book.save(tmp_path / "花名册2017.xlsx")
    monkeypatch.chdir(tmp_path / "ws")
    assert runner.invoke(app, ["roster", "import", str(tmp_path / "花名册2017.xlsx"), "--as-of", "2017-01-05"]
                         ).exit_code == 0
    results = run_checks(workspace.load(tmp_path / "ws"), today=date(2017, 6, 1))
    [line] = [(ok, text) for ok, text in results if "花名册" in text]
    assert line == (True, "花名册已导入（账本中有 2 名党员）；roster.xlsx 是空白模板，名单有变化时导入新的花名册即可")
