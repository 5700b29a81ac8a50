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
