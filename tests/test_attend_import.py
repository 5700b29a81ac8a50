"""`attend import` as a library call (`attend_import.import_signins`) and through the CLI:
`--explain` and its JSON, what the summary names, 实到 never above 应到, the footer check,
`--replace` of a file already imported, `attend files --withdraw`, and Ctrl-C mid-import.

The workspace is the sample branch's (sample_data/workspace: its roster, its 2017 plan, its
sign-in files, built by sample_data/build_signins.py), as in tests/test_cli_attend.py. The
extra sheets are typed-up 签到表 as tests/factories.py writes them (the sample's layout)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from partyday_cli.cli.main import app
from tests import factories

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "workspace"
SIGNINS = SAMPLE / "签到"
APRIL = SIGNINS / "2017-04 四月签到表.xlsx"
APRIL_ONLINE = SIGNINS / "2017-04 腾讯会议.csv"
TITLE = "机关第一党支部党员活动日签到表"
runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def prepared(tmp_path_factory) -> Path:
    ws = tmp_path_factory.mktemp("imp") / "sample"
    shutil.copytree(SAMPLE, ws)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PARTYDAY_DATA_DIR", str(ws.parent / "userdata"))
        mp.delenv("PARTYDAY_WORKSPACE", raising=False)
        assert invoke("roster", "import", str(ws / "roster.xlsx"), "--as-of", "2017-01-05", "-w", str(ws)).exit_code == 0
        assert invoke("plan", "2017", "-w", str(ws)).exit_code == 0
    return ws


@pytest.fixture
def sample(prepared, tmp_path, monkeypatch) -> Path:
    ws = tmp_path / "ws"
    shutil.copytree(prepared, ws)
    monkeypatch.chdir(ws)
    return ws


def rows(ws: Path, sql: str, params: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(ws / "ledger.db")
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def statuses(ws: Path, day: str) -> dict[str, str]:
    return {f"{name}#{group}": status for name, group, status in rows(
        ws, "SELECT m.name, mv.group_name, t.status FROM attendance t JOIN activities a ON a.id = t.activity_id "
            "JOIN members m ON m.id = t.member_id JOIN member_versions mv ON mv.member_id = m.id "
            "WHERE a.date = ? GROUP BY t.id", (day,))}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def signed_sheet(path: Path, names: list[str], **kwargs) -> Path:
    return factories.handwritten_xlsx(path, title=TITLE, date=date(2017, 4, 12), names=names, **kwargs)


# --------------------------------------------------------------------------- the library call


def test_import_signins_is_a_library_call(sample):
    """No Typer: the function imports and returns what each file did, row by row."""
    from partyday_cli import workspace
    from partyday_cli.attend_import import ImportOptions, import_signins
    from partyday_cli.io.signin import read_signin

    seen = []
    result = import_signins(workspace.load(sample), [APRIL, APRIL_ONLINE], ImportOptions(),
                            on_file=lambda i, n, f: seen.append((i, n, f.outcome)))
    assert seen == [(0, 2, "imported"), (1, 2, "imported")]
    paper, online = result.files
    assert len(paper.rows) == len(read_signin(APRIL).rows)  # one RowResult per row read
    assert {r.step for r in paper.rows} <= {"exact", "group", "count", "alias"}
    assert paper.day == date(2017, 4, 12) and paper.branch == "机关第一党支部"
    assert online.present == 27 and online.expected == 29  # the activity after both files
    assert not result.interrupted and result.totals()["imported"] == 2
    recorded = statuses(sample, "2017-04-12")
    assert sum(1 for s in recorded.values() if s == "出席") == 27
    # a second run: both already in the ledger, nothing written
    before = digest(sample / "ledger.db")
    again = import_signins(workspace.load(sample), [SIGNINS], ImportOptions(dry_run=True))
    assert [f.outcome for f in again.files if f.path.name.startswith("2017-04")] == ["unchanged", "unchanged"]
    assert digest(sample / "ledger.db") == before


def test_dry_run_says_what_the_import_would_change_and_writes_nothing(sample):
    """--dry-run: “只显示会发生什么变化”: the summary gives the same change the import then makes
    (it said only 匹配 N 人); the ledger and its backups are as before."""
    assert invoke("attend", "import", str(APRIL)).exit_code == 0
    before, backups = digest(sample / "ledger.db"), sorted(p.name for p in (sample / "backups").iterdir())
    dry = invoke("attend", "import", str(APRIL_ONLINE), "--dry-run")
    assert dry.exit_code == 0, dry.output
    change = re.search(r"；(出席 \d+→\d+[^（]*)（--dry-run，未写入）", dry.stderr)
    assert change, dry.stderr
    assert digest(sample / "ledger.db") == before
    assert sorted(p.name for p in (sample / "backups").iterdir()) == backups
    real = invoke("attend", "import", str(APRIL_ONLINE))
    assert real.exit_code == 0 and f"；{change[1]}" in real.stderr


def test_cli_holds_no_sql():
    cli = Path(__file__).resolve().parents[1] / "partyday_cli" / "cli"
    hits = [f"{p.name}:{n}" for p in cli.glob("*.py") for n, line in enumerate(p.read_text("utf-8").splitlines(), 1)
            if re.search(r"sqlite3|execute\(", line)]
    assert hits == []


# --------------------------------------------------------------------------- --explain and JSON


def test_explain_prints_a_line_per_row_of_every_sample_file(sample):
    from partyday_cli.io.signin import read_signin

    before = digest(sample / "ledger.db")
    for path in sorted(SIGNINS.iterdir()):
        result = invoke("attend", "import", str(path), "--explain", "--dry-run")
        assert result.exit_code == 0, result.output
        lines = [line for line in result.stdout.splitlines() if line.startswith("  ")]
        assert len(lines) == len(read_signin(path).rows), path.name
        assert all("→" in line and "〔" in line for line in lines), lines[:3]
    assert digest(sample / "ledger.db") == before  # --dry-run writes nothing
    april = invoke("attend", "import", str(APRIL), "--explain", "--dry-run").stdout
    assert re.search(r"第\d+行 “张伟（一组）” 出席 → 张伟（第一党小组）〔按党小组/支部〕", april), april
    assert "“高峰” 请假（出差） → 高峰〔姓名一致〕\n" in april  # the step once, not 〔姓名一致〕姓名一致
    assert "同名，按党小组/支部区分" in april  # a note that says more than the step is kept


def test_json_carries_each_row_with_its_step(sample):
    before = digest(sample / "ledger.db")
    result = invoke("attend", "import", str(APRIL), "--dry-run", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert digest(sample / "ledger.db") == before
    (one,) = data["files"]
    assert one["outcome"] == "dry-run" and one["date"] == "2017-04-12" and one["layout"] == "handwritten"
    assert one["footer"] == {"expected": 27, "present": 25}
    gao = next(r for r in one["rows"] if r["text"] == "高峰")
    assert gao["members"] == ["高峰"] and gao["step"] == "exact" and gao["status"] == "请假"
    assert data["totals"]["dry_run"] == 1 and data["interrupted"] is False
    done = json.loads(invoke("attend", "import", str(APRIL), "-f", "json").stdout)
    assert done["files"][0]["outcome"] == "imported" and done["files"][0]["change"]["after"]["出席"] == 25


# --------------------------------------------------------------------------- what the summary names


def test_summary_names_shared_devices_not_a_person_rows_and_visitors(sample):
    path = signed_sheet(sample / "混合.xlsx", ["李建国", "马丽&何静", "会议室-3F", "王秀英"],
                        visitors={"钱多多": "入党积极分子"}, footer=False)
    result = invoke("attend", "import", str(path), "--explain")
    assert result.exit_code == 0, result.output
    err = result.stderr
    assert "一台设备多人 “马丽&何静”→马丽、何静" in err
    assert "不是人名 1 行（会议室-3F，未计入）" in err
    assert "列席 1 人（不计入应到）：钱多多（入党积极分子）" in err
    assert "“会议室-3F” 出席 → —〔不是人名（会议室、设备" in result.stdout
    recorded = statuses(sample, "2017-04-12")
    assert recorded["马丽#第二党小组"] == "出席" and recorded["何静#第三党小组"] == "出席"
    assert rows(sample, "SELECT raw_name FROM unmatched_names") == []  # a room is not a name to resolve
    assert rows(sample, "SELECT name, note FROM visitors") == [("钱多多", "入党积极分子")]


def test_more_present_than_expected_is_refused_naming_the_rows(sample):
    from sample_data.build_signins import expected

    strangers = ["钱一", "孙二", "周三"]
    path = signed_sheet(sample / "多出.xlsx", expected(date(2017, 4, 12)) + strangers, footer=False)
    before = digest(sample / "ledger.db")
    result = invoke("attend", "import", str(path))
    assert result.exit_code == 1
    assert "到会 32 人，多于 2017-04-12 应到的 29 人" in result.stderr
    for name in strangers:
        assert f"“{name}”" in result.stderr
    assert "Traceback" not in result.output
    assert digest(sample / "ledger.db") == before
    assert rows(sample, "SELECT count(*) FROM imports WHERE kind = 'attendance'") == [(0,)]


def test_a_footer_that_disagrees_says_why(sample):
    # a footer that agrees with what the import would record says nothing
    names = ["李建国", "王秀英"]
    path = signed_sheet(sample / "小组.xlsx", names, expected=29)
    assert "表尾" not in invoke("attend", "import", str(path), "--dry-run").stderr
    # the paper half of a hybrid meeting: its footer counts only its own 27 rows
    result = invoke("attend", "import", str(APRIL))
    assert "表尾写“应到27人，实到25人”，账本记为应到 29 人、实到 25 人" in result.stderr
    assert "另有 2 人不在本表（阿依古丽·买买提、唐勇）" in result.stderr


# --------------------------------------------------------------------------- corrections and withdrawals


def test_a_correction_imported_without_replace_then_with_it_applies(sample):
    from sample_data.build_signins import expected

    everyone = expected(date(2017, 4, 12))
    original = signed_sheet(sample / "原.xlsx", everyone, statuses={"韩梅": "缺席"})
    corrected = signed_sheet(sample / "更正.xlsx", everyone, statuses={"韩梅": "病假", "高峰": "缺席"})
    assert invoke("attend", "import", str(original)).exit_code == 0
    assert invoke("attend", "import", str(corrected)).exit_code == 0  # merged: 高峰 stays 出席 from 原
    assert statuses(sample, "2017-04-12")["高峰#第一党小组"] == "出席"
    result = invoke("attend", "import", str(corrected), "--replace")
    assert result.exit_code == 0, result.output
    assert "账本没有变化" not in result.stderr and "现改为只以这份文件为准" in result.stderr
    after = statuses(sample, "2017-04-12")
    assert after["高峰#第一党小组"] == "缺席" and after["韩梅#第三党小组"] == "请假"
    in_force = rows(sample, "SELECT i.original_name FROM attendance_files f JOIN imports i ON i.id = f.import_id "
                            "WHERE f.superseded_by IS NULL")
    assert in_force == [("更正.xlsx",)]
    again = invoke("attend", "import", str(corrected), "--replace")  # nothing left to replace
    assert "已导入过（内容完全相同），未作改动" in again.stderr


def marked_sheet(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    """A sheet typed up with a 签到 column of marks (√, /, blank) and 备注, as 书记 keep them."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([f"{TITLE}（2017年4月12日）"])
    ws.append(["序号", "姓名", "签到", "备注"])
    for k, (name, sign, note) in enumerate(rows, 1):
        ws.append([k, name, sign or None, note or None])
    wb.save(path)
    return path


def test_struck_through_cells_are_not_signatures_and_contradictions_are_said(sample):
    """“/” and “—” in a 签到 column mean not signed (they read as 出席 before); a √ beside 备注
    请假 is taken as the note says, and said; a person on two rows is one, the rows named."""
    from sample_data.build_signins import expected

    everyone = expected(date(2017, 4, 12))
    a, b, c, d = [n for n in everyone if re.fullmatch(r"[\u4e00-\u9fff]+", n)][:4]
    marks = {a: ("/", ""), b: ("—", ""), c: ("√", "请假")}
    rows_ = [(n, *marks.get(n, ("√", ""))) for n in everyone] + [(d, "", "事假"), (a, "/", "")]
    path = marked_sheet(sample / "四月.xlsx", rows_)
    result = invoke("attend", "import", str(path), "--explain")
    assert result.exit_code == 0, result.output
    got = statuses(sample, "2017-04-12")
    status = {k.split("#")[0]: v for k, v in got.items()}
    assert (status[a], status[b], status[c], status[d]) == ("缺席", "缺席", "请假", "出席")
    assert "等 3 处签到栏是“/”，按未到会（缺席）计" in result.stderr
    assert f"“{c}”签到栏有“√”，备注却是请假，已按请假计" in result.stderr
    row = {n: k for k, n in enumerate(everyone, 3)}
    assert f"{a}在第{row[a]}行、第{len(everyone) + 4}行出现了 2 次（都是缺席），按一人计" in result.stderr
    assert f"{d}在第{row[d]}行、第{len(everyone) + 3}行分别记为出席、请假，按出席计" in result.stderr
    assert f"匹配 {len(everyone)} 人" in result.stderr  # people, not rows


def test_a_corrected_sheet_without_replace_says_whose_marks_it_could_not_change(sample):
    from sample_data.build_signins import expected

    everyone = expected(date(2017, 4, 12))
    first = marked_sheet(sample / "原.xlsx", [(n, "√", "") for n in everyone])
    assert invoke("attend", "import", str(first)).exit_code == 0
    fixed = marked_sheet(sample / "更正.xlsx", [(n, "", "出差") if n == everyone[0] else (n, "√", "")
                                               for n in everyone])
    result = invoke("attend", "import", str(fixed))
    assert result.exit_code == 0 and "出勤情况没有变化" in result.stderr
    assert f"名单与已导入的 原.xlsx 相同，但 {everyone[0]}（出席→请假）记得不同" in result.stderr
    assert "如这份是更正版，请加 --replace 重新导入" in result.stderr
    online = invoke("attend", "import", str(APRIL_ONLINE))  # another list of the meeting: nothing to say
    assert "名单与已导入的" not in online.stderr


def test_attend_files_lists_and_withdraws(sample):
    assert invoke("attend", "import", str(APRIL), str(APRIL_ONLINE)).exit_code == 0
    listing = invoke("attend", "files", "2017-04-12")
    assert listing.exit_code == 0
    assert "2017-04 四月签到表.xlsx" in listing.stdout and "2017-04 腾讯会议.csv" in listing.stdout
    assert listing.stdout.count("在用") >= 2
    online = next(k for k in statuses(sample, "2017-04-12") if k.startswith("阿依古丽"))
    mobile = "唐勇#第二党小组"  # 备注 流动党员, online too
    assert statuses(sample, "2017-04-12")[online] == statuses(sample, "2017-04-12")[mobile] == "出席"
    result = invoke("attend", "files", "2017-04-12", "--withdraw", "2")
    assert result.exit_code == 0 and "已撤回 2017-04 腾讯会议.csv" in result.stderr
    assert statuses(sample, "2017-04-12")[online] == "缺席"
    assert statuses(sample, "2017-04-12")[mobile] == "请假"  # 请假（流动党员）, as the roster says
    assert "已撤回" in invoke("attend", "files", "2017-04-12").stdout
    assert "再导入一次即可：partyday attend import 2017-04 腾讯会议.csv" in result.stderr
    # the evidence is kept: imported again it is back, merged with the sheet (not replacing it)
    paper = statuses(sample, "2017-04-12")
    back = invoke("attend", "import", str(APRIL_ONLINE))
    assert back.exit_code == 0 and "已撤回的文件重新计入" in back.stderr
    after = statuses(sample, "2017-04-12")
    assert after[online] == "出席"
    assert all(after[k] == v for k, v in paper.items() if v in ("出席", "迟到", "早退"))  # the sheet still counts
    assert invoke("attend", "files", "2017-04-12").stdout.count("在用") >= 2
    bad = invoke("attend", "files", "2017-04-12", "--withdraw", "9")
    assert bad.exit_code == 1 and "只有 2 份签到文件" in bad.stderr


def test_a_withdrawn_file_read_for_the_wrong_day_goes_to_the_day_given(sample):
    """A sheet whose title was copied from another month lands on that month's activity;
    withdrawn there, it can be imported for its real day with --date (it was refused)."""
    from sample_data.build_signins import expected

    everyone = expected(date(2017, 5, 10))
    named = factories.handwritten_xlsx(sample / "五月.xlsx", title=TITLE, date=date(2017, 4, 12), names=everyone)
    refused = invoke("attend", "import", str(named))  # the name says May: the file cannot say which is right
    assert refused.exit_code == 1
    assert "文件名写的是5月，表内日期却是 2017-04-12" in refused.stderr and "--date" in refused.stderr
    may = sample / "签到表.xlsx"
    may.write_bytes(named.read_bytes())
    assert invoke("attend", "import", str(may)).exit_code == 0
    files = invoke("attend", "files", "2017-04-12").stdout
    number = next(line.split("|")[1].strip() for line in files.splitlines() if "签到表.xlsx" in line)
    assert invoke("attend", "files", "2017-04-12", "--withdraw", number).exit_code == 0
    moved = invoke("attend", "import", str(may), "--date", "2017-05-10")
    assert moved.exit_code == 0, moved.output
    assert set(statuses(sample, "2017-05-10").values()) <= {"出席", "免参加"}  # the roster's exempt stay so
    assert "签到表.xlsx" in invoke("attend", "files", "2017-05-10").stdout
    assert "已撤回" in invoke("attend", "files", "2017-04-12").stdout  # not back in April


def test_a_leave_line_under_an_attendees_list_is_read(sample):
    """An attendees-only list with 请假：郑思远（在校上课）、… below it: those named are 请假 with
    their reasons (they were 缺席, the line unread and unsaid)."""
    import openpyxl

    from sample_data.build_signins import expected

    everyone = [n for n in expected(date(2017, 4, 12)) if re.fullmatch(r"[\u4e00-\u9fff]+", n)]
    came, away, sick = everyone[2:], everyone[0], everyone[1]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([f"{TITLE}（2017年4月12日）"])
    ws.append(["序号", "姓名"])
    for k, n in enumerate(came, 1):
        ws.append([k, n])
    ws.append([f"请假：{away}（在校上课，周末补学）、{sick}(病假)"])
    wb.save(sample / "到会名单.xlsx")
    result = invoke("attend", "import", str(sample / "到会名单.xlsx"), "--explain")
    assert result.exit_code == 0, result.output
    got = {k.split("#")[0]: v for k, v in statuses(sample, "2017-04-12").items()}
    assert (got[away], got[sick]) == ("请假", "请假") and all(got[n] == "出席" for n in came)
    reasons = dict(rows(sample, "SELECT m.name, t.reason FROM attendance t JOIN members m ON m.id = t.member_id"
                                " WHERE t.status = '请假'"))
    assert reasons[away] == "在校上课，周末补学" and reasons[sick] == "病假"


def test_a_makeup_sheet_records_makeup_not_attendance(sample):
    """补学签到表: who made the meeting up later is 补学 (in 应到, not in 实到), the 补学 day
    as the reason; the others keep what the day's sheet says."""
    import openpyxl

    from sample_data.build_signins import expected

    everyone = expected(date(2017, 4, 12))
    away, absent = [n for n in everyone if re.fullmatch(r"[\u4e00-\u9fff]+", n)][:2]
    sheet = signed_sheet(sample / "四月.xlsx", everyone, statuses={away: "出差", absent: "缺席"})
    assert invoke("attend", "import", str(sheet)).exit_code == 0
    before = statuses(sample, "2017-04-12")
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in ([f"{TITLE}（4月12日党员活动日补学签到表）"], ["补学时间：2017年4月19日"], ["序号", "姓名", "补学内容", "签名"],
                [1, away, "学习4月12日活动内容", away], [2, absent, "学习4月12日活动内容", absent]):
        ws.append(row)
    wb.save(sample / "补学.xlsx")
    result = invoke("attend", "import", str(sample / "补学.xlsx"))
    assert result.exit_code == 0, result.output
    assert "这是补学签到表：表中 2 人记为补学" in result.stderr
    after = statuses(sample, "2017-04-12")
    assert [v for k, v in after.items() if k.split("#")[0] in (away, absent)] == ["补学", "补学"]
    assert {k: v for k, v in after.items() if k.split("#")[0] not in (away, absent)} == \
        {k: v for k, v in before.items() if k.split("#")[0] not in (away, absent)}
    reasons = rows(sample, "SELECT t.reason FROM attendance t JOIN members m ON m.id = t.member_id"
                           " WHERE t.status = '补学'")
    assert reasons == [("4月19日补学",), ("4月19日补学",)]


# --------------------------------------------------------------------------- Ctrl-C


def _wait_for(proc: subprocess.Popen, mark: bytes, timeout: float) -> bytes:
    fd, seen = proc.stderr.fileno(), b""
    deadline = time.monotonic() + timeout
    while mark not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], max(deadline - time.monotonic(), 0))
        chunk = os.read(fd, 65536) if ready else b""
        if not chunk:
            break
        seen += chunk
    return seen


@pytest.mark.parametrize("after", [1, 4, 9])
def test_ctrl_c_mid_import_says_what_was_kept(sample, after):
    """SIGINT to the process group (as a terminal's Ctrl-C) once file `after` is reported."""
    from tests.test_robustness import _extra_signins

    folder = sample / "签到"
    _extra_signins(folder)  # 19 files, as in tests/test_robustness.py
    env = dict(os.environ, NO_COLOR="1")
    env.pop("PARTYDAY_RAISE", None)
    proc = subprocess.Popen([sys.executable, "-m", "partyday_cli", "attend", "import", str(folder), "-w", str(sample)],
                            cwd=sample, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                            start_new_session=True, env=env)
    seen = _wait_for(proc, f"[{after}/".encode(), 60)
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    err = (seen + err).decode()
    total = len(list(folder.iterdir()))
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert proc.returncode == 130, err
    last = err.strip().splitlines()[-1]
    match = re.fullmatch(r"已中断：已导入 (\d+) 个文件.*，未导入 (\d+) 个.*", last)
    assert match, last
    done, left = int(match[1]), int(match[2])
    assert done + left == total and done >= after
    landed = rows(sample, "SELECT original_name FROM imports WHERE kind = 'attendance' ORDER BY id")
    assert len(landed) == done  # what the line says is what the ledger holds
    for (name,) in landed:
        assert name in last
    rerun = subprocess.run([sys.executable, "-m", "partyday_cli", "attend", "import", str(folder), "-w", str(sample)],
                           cwd=sample, capture_output=True, text=True, env=env, timeout=120)
    assert rerun.returncode == 0 and f"已导入过未改动 {done}" in rerun.stderr


def test_the_same_file_for_another_date_is_refused(sample):
    """--date names another activity than the one the identical file was imported for: the
    same bytes are not two days' sign-in (it was silently 'already imported' before)."""
    assert invoke("attend", "import", str(APRIL)).exit_code == 0
    before = digest(sample / "ledger.db")
    result = invoke("attend", "import", str(APRIL), "--date", "2017-05-11")
    assert result.exit_code == 1
    assert "已作为 2017-04-12 机关第一党支部的签到导入过，没有记入 2017-05-11" in " ".join(result.output.split())
    assert digest(sample / "ledger.db") == before
    again = invoke("attend", "import", str(APRIL), "--date", "2017-04-12")
    assert again.exit_code == 0 and "已导入过（内容完全相同）" in again.output


def test_in_a_dangwei_a_branchs_sheet_is_matched_against_that_branch(tmp_path, monkeypatch):
    """Two branches each with a 刘洋. 一支部's sheet (most names are 一支部's) gives its 刘洋,
    not 同名 with 二支部's; 王五 of 二支部 on it is named in one line, not dropped silently."""
    from openpyxl import Workbook

    monkeypatch.chdir(tmp_path)
    assert invoke("init", "ws", "-b", "一支部", "-b", "二支部").exit_code == 0
    book = Workbook()
    book.active.append(["姓名", "所在党支部", "党员类别", "入党时间", "月收入"])
    for name, branch in (("李四", "一支部"), ("孙七", "一支部"), ("刘洋", "一支部"), ("刘洋", "二支部"),
                         ("王五", "二支部"), ("赵六", "二支部")):
        book.active.append([name, branch, "正式党员", "2000-07-01", 5000])
    book.save(tmp_path / "花名册.xlsx")
    monkeypatch.chdir(tmp_path / "ws")
    assert invoke("roster", "import", str(tmp_path / "花名册.xlsx"), "--as-of", "2017-01-05").exit_code == 0
    assert invoke("plan", "2017").exit_code == 0
    sheet = factories.handwritten_xlsx(tmp_path / "一支部4月.xlsx", title="一支部党员活动日签到表",
                                       date=date(2017, 4, 12), names=["李四", "孙七", "刘洋", "王五"], footer=False)
    result = invoke("attend", "import", str(sheet))
    assert result.exit_code == 0, result.output
    err = " ".join(result.stderr.split())
    assert "同名" not in err
    assert "按一支部导入，表中另有其他支部的党员（二支部：王五），未计入本支部" in err
    ws = tmp_path / "ws"
    got = rows(ws, "SELECT m.name, m.branch, t.status FROM attendance t JOIN members m ON m.id = t.member_id "
                   "JOIN activities a ON a.id = t.activity_id WHERE a.date = '2017-04-12' AND a.branch = '一支部'")
    assert sorted(got) == [("刘洋", "一支部", "出席"), ("孙七", "一支部", "出席"), ("李四", "一支部", "出席")]


def _three_branches(tmp_path, monkeypatch):
    from openpyxl import Workbook

    monkeypatch.chdir(tmp_path)
    assert invoke("init", "ws", "-b", "一支部", "-b", "二支部", "-b", "三支部").exit_code == 0
    book = Workbook()
    book.active.append(["姓名", "所在党支部", "党员类别", "入党时间", "月收入"])
    for name, branch in (("李四", "一支部"), ("孙七", "一支部"), ("刘洋", "一支部"), ("周八", "一支部"),
                         ("刘洋", "二支部"), ("王五", "二支部"), ("赵六", "二支部"), ("钱九", "二支部"),
                         ("郑十", "三支部"), ("吴一", "三支部"), ("冯二", "三支部")):
        book.active.append([name, branch, "正式党员", "2000-07-01", 5000])
    book.save(tmp_path / "花名册.xlsx")
    monkeypatch.chdir(tmp_path / "ws")
    assert invoke("roster", "import", str(tmp_path / "花名册.xlsx"), "--as-of", "2017-01-05").exit_code == 0
    assert invoke("plan", "2017").exit_code == 0
    return factories.handwritten_xlsx(tmp_path / "党委4月.xlsx", title="党员活动日签到表", date=date(2017, 4, 12),
                                      names=["李四", "孙七", "刘洋", "周八", "王五", "赵六", "钱九", "郑十", "路人"],
                                      footer=False)


def _attendance(ws: Path, branch: str) -> list[tuple]:
    return sorted(rows(ws, "SELECT m.name, t.status FROM attendance t JOIN members m ON m.id = t.member_id "
                           "JOIN activities a ON a.id = t.activity_id WHERE a.date = '2017-04-12' AND a.branch = ?",
                       (branch,)))


def test_a_dangwei_sheet_goes_to_each_branch_it_covers_and_a_namesake_of_two_is_left_to_decide(
        tmp_path, monkeypatch):
    """One sheet for a joint 主题党日: most of 一支部 and of 二支部 signed it, one member of
    三支部. Each covered branch's members are counted at their own branch's activity, in
    one import; 三支部's one member is named, not counted (三支部's others would be absent);
    a 刘洋 of 一支部 and of 二支部 is left to decide, never guessed."""
    sheet = _three_branches(tmp_path, monkeypatch)
    ws = tmp_path / "ws"
    result = invoke("attend", "import", str(sheet))
    assert result.exit_code == 0, result.output
    err = " ".join(result.stderr.split())
    assert "按全党委的签到处理，分别记入各自支部当天的活动（一支部 3 人、二支部 3 人）" in err
    assert "表中另有其他支部的党员（三支部：郑十），人数太少，不按该支部的签到计入，也不列为待处理。" \
           "若三支部也参加了这次活动，请再用 --branch 三支部 导入这份文件" in err
    assert "“刘洋”有同名党员 刘洋（一支部）、刘洋（二支部），无法确定是谁" in err
    assert "2017-04-12 二支部，匹配 3 人" in result.stderr
    assert _attendance(ws, "一支部") == [("刘洋", "缺席"), ("周八", "出席"), ("孙七", "出席"), ("李四", "出席")]
    assert _attendance(ws, "二支部") == [("刘洋", "缺席"), ("王五", "出席"), ("赵六", "出席"), ("钱九", "出席")]
    assert _attendance(ws, "三支部") == []
    assert rows(ws, "SELECT count(*) FROM imports WHERE kind = 'attendance'") == [(1,)]  # one file, once
    pending = invoke("attend", "resolve").stdout
    assert "“刘洋”" in pending and "“路人”" in pending and "郑十" not in pending
    # the namesakes it may be, as resolve takes them (helper-30 #12: the list named none)
    assert "可能是：刘洋#一支部、刘洋#二支部" in next(x for x in pending.splitlines() if "“刘洋”" in x)
    # the 刘洋 who came was 二支部's: counted at 二支部's activity, from the same file
    said = invoke("attend", "resolve", "刘洋", "刘洋#二支部")
    assert said.exit_code == 0 and "记为 刘洋（二支部）" in said.stderr, said.output
    assert _attendance(ws, "二支部") == [("刘洋", "出席"), ("王五", "出席"), ("赵六", "出席"), ("钱九", "出席")]
    assert ("刘洋", "缺席") in _attendance(ws, "一支部")
    # 三支部 did take part: the same file again for it alone
    again = invoke("attend", "import", str(sheet), "--branch", "三支部")
    assert again.exit_code == 0, again.output
    assert _attendance(ws, "三支部") == [("冯二", "缺席"), ("吴一", "缺席"), ("郑十", "出席")]
    told = " ".join(again.stderr.split())
    assert "另有其他支部的党员（一支部：李四、孙七、刘洋、周八；二支部：王五、赵六、钱九）" in told
    assert "--branch 一支部" not in told and "--branch 二支部" not in told  # both have the file already
    # and the whole file again changes nothing
    same = invoke("attend", "import", str(sheet))
    assert "已导入过（内容完全相同）" in same.stderr
    assert _attendance(ws, "二支部") == [("刘洋", "出席"), ("王五", "出席"), ("赵六", "出席"), ("钱九", "出席")]


def test_a_corrected_joint_sheet_keeps_a_name_resolved_into_another_branch(tmp_path, monkeypatch):
    """The 刘洋 of a joint sheet was settled as 二支部's (attend resolve, into the other
    branch's activity); the corrected sheet (--replace, 周八 now 病假) counts him there
    again and leaves nothing to resolve, whichever branch the import reads it for."""
    sheet = _three_branches(tmp_path, monkeypatch)
    ws = tmp_path / "ws"
    assert invoke("attend", "import", str(sheet)).exit_code == 0
    assert invoke("attend", "resolve", "刘洋", "刘洋#二支部").exit_code == 0
    fixed = factories.handwritten_xlsx(tmp_path / "党委4月更正.xlsx", title="党员活动日签到表", date=date(2017, 4, 12),
                                       names=["李四", "孙七", "刘洋", "周八", "王五", "赵六", "钱九", "郑十", "路人"],
                                       statuses={"周八": "病假"}, footer=False)
    again = invoke("attend", "import", str(fixed), "--replace")
    assert again.exit_code == 0, again.output
    assert "“刘洋”按之前的对应（attend resolve）记为 刘洋（二支部）" in again.stderr, again.stderr
    assert _attendance(ws, "二支部") == [("刘洋", "出席"), ("王五", "出席"), ("赵六", "出席"), ("钱九", "出席")]
    assert _attendance(ws, "一支部") == [("刘洋", "缺席"), ("周八", "请假"), ("孙七", "出席"), ("李四", "出席")]
    pending = invoke("attend", "resolve").stdout
    assert "“刘洋”" not in pending and "“路人”" in pending


def test_an_excel_lock_file_given_by_name_is_said_to_be_one(sample):
    """~$签到表.xlsx, the file Excel/WPS keeps beside an open workbook, named on the command
    line: it was called 已损坏 (a folder's are skipped already)."""
    lock = sample / "~$四月签到表.xlsx"
    lock.write_bytes(b"\x0bWPS user" + b"\x00" * 150)
    result = invoke("attend", "import", str(lock))
    assert result.exit_code == 1
    assert "是 Excel/WPS 打开签到表时自动生成的临时锁定文件" in result.stderr and "已损坏" not in result.stderr
    assert "四月签到表.xlsx" in result.stderr
