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
