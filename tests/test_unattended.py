"""Cron runs (`export monthly`, `remind`, `doctor`) and what real offices do to a workspace."""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from partyday_cli.cli.main import app

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_data" / "workspace"
GOLDEN = Path(__file__).resolve().parent / "golden" / "unattended"
runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def sample(tmp_path, monkeypatch):
    ws = tmp_path / "sample"
    shutil.copytree(SAMPLE, ws)
    monkeypatch.chdir(ws)
    assert invoke("roster", "import", "roster.xlsx", "--as-of", "2017-01-05").exit_code == 0
    assert invoke("plan", "2017").exit_code == 0
    assert invoke("attend", "set", "2017-04-12", "高峰", "请假", "--reason", "出差").exit_code == 0
    assert invoke("attend", "set", "2017-04-12", "许文", "缺席").exit_code == 0
    return ws


def cron(ws: Path, *args: str) -> subprocess.CompletedProcess:
    """As cron runs it: no terminal, no stdin, only PATH and HOME in the environment."""
    exe = shutil.which("partyday") or str(Path(sys.executable).with_name("partyday"))
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(ws.parent)}
    return subprocess.run([exe, *args, "-w", str(ws)], capture_output=True, text=True, env=env,
                          stdin=subprocess.DEVNULL, timeout=120, cwd="/")


def test_export_monthly_under_cron_is_idempotent(sample):
    first = cron(sample, "export", "monthly", "--month", "2017-04")
    assert first.returncode == 0, first.stderr
    assert "\x1b[" not in first.stdout + first.stderr  # no colour without a terminal
    folder = sample / "out" / "2017-04"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    names = [f["name"] for f in manifest["files"]]
    assert "记实表-2017-04-12-机关第一党支部.xlsx" in names
    assert {"2017-04出勤.csv", "2017-04出勤.xlsx", "2017-04党费.csv", "2017-04党费.xlsx",
            "2017-04月度报告.csv", "2017-04月度报告.xlsx"} <= set(names)
    import hashlib

    for f in manifest["files"]:
        assert hashlib.sha256((folder / f["name"]).read_bytes()).hexdigest() == f["sha256"]
    snapshot = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()}
    time.sleep(0.05)
    second = cron(sample, "export", "monthly", "--month", "2017-04")
    assert second.returncode == 0 and "未改写任何文件" in second.stderr
    assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()} == snapshot
    log = (sample / "partyday.log").read_text(encoding="utf-8").splitlines()
    assert len(log) == 2 and "export monthly 2017-04" in log[0]
    # the month's report and attendance, as CSV, match the golden files
    for name in ("2017-04月度报告.csv", "2017-04出勤.csv"):
        assert (folder / name).read_bytes() == (GOLDEN / name).read_bytes(), name


def test_remind_under_cron_matches_golden(sample):
    result = cron(sample, "remind", "--today", "2017-04-09")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (GOLDEN / "remind-2017-04-09.txt").read_text(encoding="utf-8")
    due_early = cron(sample, "remind", "--today", "2017-04-18")
    assert "须于2017年4月19日（星期三）前填报，一式两份" in due_early.stdout
    overdue = cron(sample, "remind", "--today", "2017-04-20")
    assert "已于2017年4月19日（星期三）到期" in overdue.stdout
    assert "逾期一周以上仍未登记报送的《记实表》3份" in overdue.stdout  # January to March, not yet filed
    for day, filed in (("2017-01-11", "2017-01-16"), ("2017-02-08", "2017-02-13"), ("2017-03-08", "2017-03-13"),
                       ("2017-04-12", "2017-04-20")):
        assert invoke("record", day, "--filed-on", filed).exit_code == 0
    quiet = cron(sample, "remind", "--today", "2017-04-20")
    assert quiet.returncode == 0 and quiet.stdout == ""  # nothing to say prints nothing
    out = sample / "通知.txt"
    assert cron(sample, "remind", "--today", "2017-04-09", "-o", str(out)).returncode == 0
    assert out.read_text(encoding="utf-8") == cron(sample, "remind", "--today", "2017-04-09").stdout
    assert "【党员活动日通知】" in out.read_text(encoding="utf-8")
    assert cron(sample, "remind", "--today", "2017-04-30", "-o", str(out)).returncode == 0
    assert out.read_text(encoding="utf-8") == ""  # nothing to say: yesterday's notice is gone
    early = invoke("record", "2017-04-12", "--filed-on", "2017-04-01")
    assert early.exit_code == 1 and "早于活动日期" in early.stderr


def test_every_unfiled_overdue_record_is_named_each_time_until_filed(sample):
    """The reminder of an overdue 记实表 stopped for good a week after its deadline, while
    the quarterly report counted it as 记实表逾期."""
    def said(day: str) -> str:
        return invoke("remind", "--today", day).stdout

    assert "4月12日（星期三）活动的《记实表》已于2017年4月19日（星期三）到期" in said("2017-04-26")
    later = said("2017-04-27")
    assert "逾期一周以上仍未登记报送的《记实表》" in later and "4月12日（8天）" in later
    assert "partyday record 活动日期 --filed-on" in later  # how it stops
    june = said("2017-06-07")
    assert "4月12日（49天）" in june and "5月11日" in june  # every one, each time
    january = said("2018-01-22")  # the new year: last year's are named with their year
    assert "2017年12月" in january and "2017年4月12日（" in january
    assert invoke("record", "2017-04-12", "--filed-on", "2017-06-07").exit_code == 0
    assert "4月12日" not in said("2017-06-08") and "5月11日" in said("2017-06-08")


def test_a_second_run_waits_then_stops_with_a_clear_message(sample):
    from filelock import FileLock

    lock = FileLock(str(sample / ".partyday.lock"), thread_local=False)
    with lock:
        result = cron(sample, "export", "monthly", "--month", "2017-04", "--wait", "1")
    assert result.returncode == 1 and "另一个 partyday 任务" in result.stderr
    assert not (sample / "out" / "2017-04").exists()

    def release_soon():
        time.sleep(1.0)
        lock.release()

    lock.acquire()
    threading.Thread(target=release_soon).start()
    waited = cron(sample, "export", "monthly", "--month", "2017-04", "--wait", "30")
    assert waited.returncode == 0


def test_doctor(sample):
    result = invoke("doctor")
    assert "账本完好" in result.stdout and "花名册 roster.xlsx 可以读取" in result.stdout
    (sample / "roster.xlsx").unlink()  # imported already: the ledger holds the roster
    result = invoke("doctor")
    assert result.exit_code == 0 and "✓ 花名册已导入（账本中有 30 名党员）" in result.stdout
    (sample / "ledger.db").unlink()
    for name in ("ledger.db-wal", "ledger.db-shm"):
        (sample / name).unlink(missing_ok=True)
    result = invoke("doctor")
    assert result.exit_code == 1 and "找不到 roster.xlsx" in result.stdout


def test_newer_ledger_and_missing_roster_are_clear(sample):
    conn = sqlite3.connect(sample / "ledger.db")
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    before = (sample / "ledger.db").read_bytes()
    result = cron(sample, "export", "monthly", "--month", "2017-04")
    assert result.returncode == 1 and "更新版本" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert (sample / "ledger.db").read_bytes() == before


def test_full_disk_leaves_nothing_half_written(sample, monkeypatch):
    import errno

    from partyday_cli.io import files

    invoke("export", "monthly", "--month", "2017-04")
    folder = sample / "out" / "2017-04"
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    invoke("attend", "set", "2017-04-12", "李建国", "出席")  # the month's data changes
    real_fsync = os.fsync

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", full)
    result = invoke("export", "monthly", "--month", "2017-04")
    monkeypatch.setattr(files.os, "fsync", real_fsync)
    assert result.exit_code == 1 and "磁盘空间不足" in result.stderr
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before  # no temp files either


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True,
                    reason="root ignores file permissions")
def test_read_only_workspace(sample):
    os.chmod(sample / "out", 0o555)
    try:
        result = invoke("export", "monthly", "--month", "2017-04")
        assert result.exit_code == 1 and "权限" in result.stderr
    finally:
        os.chmod(sample / "out", 0o755)


def test_read_only_workspace_simulated(sample, monkeypatch):
    """As root, permissions do not bind: simulate the refusal a read-only folder gives."""
    from partyday_cli.io import files

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(files.tempfile, "mkstemp", refuse)
    result = invoke("export", "monthly", "--month", "2017-04")
    assert result.exit_code == 1 and "权限" in result.stderr
    assert not any((sample / "out").glob("2017-04/*"))


def test_readme_crontab_lines_run_as_written(sample, tmp_path):
    """The README's crontab lines, with the workspace path put in, run under `env -i`."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    lines = [line for line in readme.splitlines() if line.strip().startswith(("0 6 1 * *", "0 7 * * *"))]
    assert len(lines) == 2, "the README shows a monthly export and a daily reminder line"
    exe_dir = str(Path(shutil.which("partyday") or sys.executable).parent)
    for line in lines:
        command = line.split(None, 5)[5].replace("/srv/党委工作区", str(sample))
        command = command.replace("/opt/partyday/.venv/bin/partyday", str(Path(exe_dir) / "partyday"))
        proc = subprocess.run(["env", "-i", f"PATH={exe_dir}:/usr/bin:/bin", f"HOME={tmp_path}",
                               "sh", "-c", command], capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, (command, proc.stderr)
    assert "export monthly" in (sample / "partyday.log").read_text(encoding="utf-8")


def test_readme_task_scheduler_commands_run_as_written(sample):
    """The partyday part of each README `schtasks /TR "…"` line, with the paths put in,
    runs here exactly as Task Scheduler would start it (the scheduling itself needs Windows)."""
    import re
    import shlex

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r'^schtasks .*?/TR "(.+)"$', readme, flags=re.MULTILINE)
    assert len(commands) == 2
    exe = shutil.which("partyday") or str(Path(sys.executable).with_name("partyday"))
    for command in commands:
        command = command.replace("C:\\partyday\\.venv\\Scripts\\partyday.exe", exe)
        command = command.replace("D:\\党委工作区", str(sample)).replace("\\", "/")
        proc = subprocess.run(shlex.split(command), capture_output=True, text=True, timeout=120,
                              env={"PATH": os.environ.get("PATH", ""), "HOME": str(sample.parent)},
                              stdin=subprocess.DEVNULL)
        assert proc.returncode == 0, (command, proc.stderr)


def test_the_monthly_report_names_each_meeting_and_counts_its_own_expected(sample):
    """The month's bundle for the 党委: a 支委会 or 党小组会 from the register is listed with
    its kind and its own 应到 (3 for the committee, the group's members), recorded as held
    by its minutes, not flagged 尚无签到记录 with the branch's 29; and the dues table stops
    at the month (no May column in April's bundle, no payment made later)."""
    assert invoke("meeting", "import", "2017年会议登记表.xlsx").exit_code == 0
    assert invoke("dues", "import", "2017党费台账.xlsx").exit_code == 0
    assert cron(sample, "export", "monthly", "--month", "2017-04").returncode == 0
    folder = sample / "out" / "2017-04"
    rows = (folder / "2017-04月度报告.csv").read_text(encoding="utf-8-sig").splitlines()
    committee = next(r for r in rows if r.startswith("2017-04-10,"))
    assert committee.split(",")[2:5] == ["支部委员会", "研究预备党员接收", "3"] and "以会议记录为凭" in committee
    group = next(r for r in rows if r.startswith("2017-04-17,"))
    assert group.split(",")[2] == "党小组会（第一党小组）" and "尚无签到记录" not in group
    dues = (folder / "2017-04党费.csv").read_text(encoding="utf-8-sig").splitlines()
    assert dues[0].split(",")[3:8] == ["1月", "2月", "3月", "4月", "已交合计"]


def test_remind_speaks_of_the_activity_days_record_and_of_a_plan_made_but_due(sample):
    """A 支委会 keeps its 会议记录: no 记实表 deadline for it; the year's plan, made with
    partyday plan, is still to be sent by plan_due (04-12): reminded in the week before."""
    assert invoke("meeting", "import", "2017年会议登记表.xlsx").exit_code == 0
    after_committee = cron(sample, "remind", "--today", "2017-04-16").stdout  # its deadline would be 4月17日
    assert "2017年4月10日（星期一）活动的《记实表》" not in after_committee  # the 4月10日 支委会
    week = cron(sample, "remind", "--today", "2017-04-06").stdout
    assert "2017年度活动安排表已排好，须于2017年4月12日（星期三）前报" in week
    assert "安排表已排好" not in cron(sample, "remind", "--today", "2017-03-30").stdout


def test_the_monthly_attendance_export_tells_namesakes_apart(sample):
    """出勤.csv listed 张伟 twice with nothing to tell which (the branch has two)."""
    assert invoke("attend", "set", "2017-04-12", "张伟#第二党小组", "请假", "--reason", "出差").exit_code == 0
    assert invoke("export", "monthly", "--month", "2017-04").exit_code == 0
    text = (sample / "out" / "2017-04" / "2017-04出勤.csv").read_text(encoding="utf-8-sig")
    assert "2017-04-12,机关第一党支部,张伟（第二党小组）,请假,出差" in text


def test_the_monthly_report_counts_a_member_leaving_that_month_as_the_record_does(sample, tmp_path):
    """赵磊 leaves in June (the roster knows the month only) and signed the June sheet: the
    month's report counts him in 应到 as the 记实表 and the quarterly report do, so 应到 is
    实到 + 请假 + 缺席 (it said 应到 28 with him among the 实到)."""
    from datetime import date

    from tests import factories

    names = [r["name"] for r in json.loads(invoke("roster", "list", "--date", "2017-06-14", "-f", "json").stdout)]
    sheet = factories.handwritten_xlsx(tmp_path / "六月.xlsx", title="机关第一党支部签到表", date=date(2017, 6, 14),
                                       names=[n for n in names if n != "陈国华"] + ["赵磊"], footer=False)
    assert invoke("attend", "import", str(sheet)).exit_code == 0
    assert cron(sample, "export", "monthly", "--month", "2017-06").returncode == 0
    rows = (sample / "out" / "2017-06" / "2017-06月度报告.csv").read_text(encoding="utf-8-sig").splitlines()
    june = next(r for r in rows if r.startswith("2017-06-14,")).split(",")
    expected, present, excused, absent = (int(x) for x in june[4:8])
    assert expected == present + excused + absent


def test_a_failed_unattended_run_leaves_its_line_in_the_log(sample):
    """Under 任务计划程序 nobody reads stderr: a reminder stopped by the lock, and an export
    stopped by a config typed wrong, each leave a 失败 line in partyday.log."""
    from filelock import FileLock

    with FileLock(str(sample / ".partyday.lock"), thread_local=False):
        assert cron(sample, "remind", "--today", "2017-04-10", "--wait", "1").returncode == 1
    config = sample / "partyday.toml"
    config.write_text(config.read_text(encoding="utf-8") + "\nname = 没有引号\n", encoding="utf-8")
    assert cron(sample, "export", "monthly", "--month", "2017-04").returncode == 1
    lines = (sample / "partyday.log").read_text(encoding="utf-8").splitlines()
    assert any("remind" in line and "失败：" in line and "另一个 partyday 任务" in line for line in lines)
    assert any("export monthly" in line and "失败：" in line and "等号后的值写法不对" in line for line in lines)


def test_an_export_stopped_by_a_file_held_open_leaves_the_bundle_as_it_was(sample, monkeypatch):
    """The 出勤.xlsx of last month's bundle is open in Excel (its replace fails): the files
    written before it go back as they were, so the bundle and its manifest still agree."""
    import hashlib

    from partyday_cli.io import files

    assert invoke("export", "monthly", "--month", "2017-04").exit_code == 0
    folder = sample / "out" / "2017-04"
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert invoke("attend", "set", "2017-04-12", "何静", "请假", "--reason", "病假").exit_code == 0
    real = files.os.replace

    def held_open(src, dst):  # type: ignore[no-untyped-def]
        if str(dst).endswith("2017-04出勤.xlsx"):
            raise PermissionError(13, "另一个程序正在使用此文件")
        return real(src, dst)

    monkeypatch.setattr(files.os, "replace", held_open)
    result = invoke("export", "monthly", "--month", "2017-04")
    assert result.exit_code == 1 and "文件被占用" in result.stderr
    monkeypatch.setattr(files.os, "replace", real)
    assert {p.name: p.read_bytes() for p in folder.iterdir() if not p.name.startswith(".")} == before
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["files"]:
        assert hashlib.sha256((folder / entry["name"]).read_bytes()).hexdigest() == entry["sha256"]
    assert invoke("export", "monthly", "--month", "2017-04").exit_code == 0  # once closed, it goes through


def test_export_monthly_of_a_year_not_planned_says_so(sample):
    """January 2018 under cron with no 2018 plan: the bundle is empty of activities, and the
    log says why and what to run, where it was silent month after month."""
    got = cron(sample, "export", "monthly", "--month", "2018-01", "--today", "2018-02-01")
    assert got.returncode == 0, got.stderr
    assert "2018 年还没有排活动计划" in got.stderr and "partyday plan 2018" in got.stderr
    planned = cron(sample, "export", "monthly", "--month", "2017-05", "--today", "2017-06-01")
    assert planned.returncode == 0 and "还没有排活动计划" not in planned.stderr


def test_remind_says_when_a_probationary_members_year_is_up(tmp_path):
    """helper-29 #6: nothing said when a 预备党员's year was up (党章第七条: 预备期一年). The
    sample's 李娜 joined 2017-04-10 and the roster has no 转正时间 for her."""
    ws = tmp_path / "ws"
    shutil.copytree(SAMPLE, ws)
    from typer.testing import CliRunner

    from partyday_cli.cli.main import app

    runner = CliRunner()
    assert runner.invoke(app, ["roster", "import", str(ws / "roster.xlsx"), "--as-of", "2017-01-05",
                              "-w", str(ws)]).exit_code == 0

    def remind(day: str) -> str:
        result = runner.invoke(app, ["remind", "--today", day, "-w", str(ws)])
        assert result.exit_code == 0, result.output
        return result.stdout

    assert "李娜（入党时间 2017年4月10日）的预备期30天后（2018年4月10日（星期二））满一年" in remind("2018-03-11")
    assert "预备期今天满一年，请按期召开支部党员大会讨论其能否转为正式党员" in remind("2018-04-10")
    assert "李娜" not in remind("2018-03-12")  # not every day
    assert "预备期已于2018年4月10日（星期二）满一年，花名册还没有写转正时间" in remind("2018-04-17")
    assert "李娜" not in remind("2018-07-10")  # eight weeks after, no more


def test_the_monthly_bundle_takes_the_record_the_secretary_filled_in(sample):
    """helper-33 #5: the 书记 filled in out/…记实表 (made by `partyday record`); the month's
    bundle held the pre-filled plan text all the same, and said 内容与上次相同."""
    from openpyxl import load_workbook

    assert invoke("record", "2017-04-12").exit_code == 0
    made = sample / "out" / "2017-04-12记实表-机关第一党支部.xlsx"
    untouched = invoke("export", "monthly", "--month", "2017-04")
    assert untouched.exit_code == 0 and "用的是已填写的" not in untouched.stderr
    book = load_workbook(made)
    sheet = book.active
    sheet["B6"] = "学习党章，讲党课《做合格党员》（书记亲笔补记）"
    book.save(made)  # as Excel would: the bytes and partyday's stamp are gone
    filled = invoke("export", "monthly", "--month", "2017-04")
    assert filled.exit_code == 0, filled.output
    assert "记实表 2017-04-12 机关第一党支部：用的是已填写的 out/2017-04-12记实表-机关第一党支部.xlsx" in filled.stderr
    bundled = sample / "out" / "2017-04" / "记实表-2017-04-12-机关第一党支部.xlsx"
    assert bundled.read_bytes() == made.read_bytes()
