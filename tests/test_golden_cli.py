"""Every golden sign-in file (tests/golden/signin, layouts and their public sources in
tests/test_arrivals.py) imported as a new user does it: `partyday init`, `roster import`
of the files' roster, `attend import FILE --date`, then `attend list`. The members
recorded present are exactly those who attended, the summary names the file's layout,
and 实到 never exceeds 应到 (issue 17)."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from partyday_cli.cli.main import app
from tests.test_arrivals import CASES

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """A workspace with the golden files' roster (one roster for all of them)."""
    [roster] = {json.dumps(d["roster"], sort_keys=True) for _, d in CASES}
    root = tmp_path_factory.mktemp("golden")
    mp = pytest.MonkeyPatch()
    mp.chdir(root)
    try:
        assert invoke("init", "ws", "--branch", "第一党支部").exit_code == 0
        wb = Workbook()
        sheet = wb.active
        sheet.append(["姓名", "党小组", "党员类别", "入党时间", "人员类别", "联系电话"])
        for m in json.loads(roster):
            sheet.append([m["name"], m["group"], "正式", "2000.07.01", "离退休", m["phone"]])
        wb.save(root / "名单.xlsx")
        mp.chdir(root / "ws")
        result = invoke("roster", "import", str(root / "名单.xlsx"), "--as-of", "2020-01-01")
        assert result.exit_code == 0, result.output
    finally:
        mp.undo()
    return root / "ws"


@pytest.mark.parametrize("path, data", CASES, ids=[p.name for p, _ in CASES])
def test_a_golden_file_through_the_cli(base, tmp_path, monkeypatch, path, data):
    ws = tmp_path / "ws"
    shutil.copytree(base, ws)
    monkeypatch.chdir(ws)
    before = path.read_bytes()
    minutes = data.get("read_with", {}).get("min_minutes")
    if minutes:  # what the secretary writes in partyday.toml for a minimum duration
        with (ws / "partyday.toml").open("a", encoding="utf-8") as f:
            f.write(f"\n[attendance]\nmin_minutes = {minutes}\n")
    result = invoke("attend", "import", str(path), "--date", data["date"], "-f", "json")
    assert result.exit_code == 0, result.output
    assert path.read_bytes() == before  # the input is never modified
    [file] = json.loads(result.stdout)["files"]
    assert file["layout_zh"] == data["layout_zh"] and file["layout_zh"] in file["summary"]
    assert file["present"] <= file["expected"]
    listed = json.loads(invoke("attend", "list", "--date", data["date"], "-f", "json").stdout)
    present = Counter(r["name"] for r in listed if r["status"] in ("出席", "迟到", "早退"))
    assert present == Counter(re.sub(r"（.*）$", "", name) for name in data["attended"])


@pytest.fixture(scope="module")
def one_member(tmp_path_factory) -> Path:
    """A workspace whose roster has a single member: every other attendee is one too many."""
    root = tmp_path_factory.mktemp("one")
    mp = pytest.MonkeyPatch()
    mp.chdir(root)
    try:
        assert invoke("init", "ws").exit_code == 0
        wb = Workbook()
        wb.active.append(["姓名", "党小组", "党员类别", "入党时间", "人员类别"])
        wb.active.append(["陈建国", "第一党小组", "正式", "2000.07.01", "离退休"])
        wb.save(root / "名单.xlsx")
        mp.chdir(root / "ws")
        assert invoke("roster", "import", str(root / "名单.xlsx"), "--as-of", "2020-01-01").exit_code == 0
    finally:
        mp.undo()
    return root / "ws"


# one file of each layout: hand-typed, pre-printed, 腾讯会议, 问卷星, 钉钉 每日汇总, 飞书
@pytest.mark.parametrize("name", ["same-count.xlsx", "preprinted-ticks.xlsx", "shared-tencent.xlsx",
                                  "wjx-phone.csv", "dingtalk-daily-bom.csv", "feishu-detail.xlsx"])
def test_more_present_than_expected_is_refused_in_every_layout(one_member, tmp_path, monkeypatch, name):
    [(path, data)] = [(p, d) for p, d in CASES if p.name == name]
    ws = tmp_path / "ws"
    shutil.copytree(one_member, ws)
    monkeypatch.chdir(ws)
    ledger = (ws / "ledger.db").read_bytes()
    result = runner.invoke(app, ["attend", "import", str(path), "--date", data["date"]])
    assert result.exit_code == 1 and "Traceback" not in result.output
    [line] = [x for x in result.stderr.splitlines() if x.startswith("错误：")]
    assert re.search(r"到会 \d+ 人，多于 \S+ 应到的 1 人", line)
    assert re.search(r"第\d+行“[^”]+”", line)  # the rows that caused it, by row and text
    assert (ws / "ledger.db").read_bytes() == ledger
