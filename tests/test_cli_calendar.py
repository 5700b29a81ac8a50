"""`partyday calendar` and `partyday holidays` as a user runs them."""

import csv
import io
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from partyday_cli.cli.main import app

runner = CliRunner()

NOTICE_2027 = """国务院办公厅关于2027年部分节假日安排的通知
国办发明电〔2026〕X号
一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月5日（农历除夕、周五）至13日（农历正月初八、周六）放假调休，共9天。2月20日（周六）上班。
三、清明节：4月3日（周六）至5日（周一）放假，共3天。
四、劳动节：5月1日（周六）至5日（周三）放假调休，共5天。4月25日（周日）、5月8日（周六）上班。
五、端午节：6月9日（周三）放假，共1天。
六、中秋节：9月15日（周三）放假，共1天。
七、国庆节：10月1日（周五）至7日（周四）放假调休，共7天。9月26日（周日）、10月9日（周六）上班。
"""


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_json_2017_second_wednesday():
    result = invoke("calendar", "2017", "--rule", "month.week2.wed", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 12
    april = [r for r in rows if r["date"].startswith("2017-04")]
    assert april == [{"date": "2017-04-12", "weekday": "星期三", "planned": "2017-04-12",
                      "moved": False, "reason": None, "rule": "month.week2.wed",
                      "provisional": False}]


def test_a_day_on_a_weekend_workday_says_it_is_one():
    """helper-33 #3: a day planned on a 调休 Saturday (2017-02-04, 2017-04-01 are official
    working days) had no 说明, and read as a mistake on the printed 安排表."""
    rows = {r["date"]: r for r in json.loads(invoke("calendar", "2017", "--rule", "month.week1.sat", "-f", "json").stdout)}
    for day in ("2017-02-04", "2017-04-01"):
        assert (rows[day]["moved"], rows[day]["reason"]) == (False, "星期六为调休上班日")
    assert rows["2017-03-06"]["moved"] and "3月4日为星期六" in rows["2017-03-06"]["reason"]


def test_days_fixed_for_the_dangwei_rule_are_not_a_branch_rules_nor_a_rule_option(tmp_path):
    """helper-33 #1: [schedule.dates] filled once for the 党委 replaced 数学's own 每月第一个星期五
    and --rule's days: the 安排表 said one rule and listed days of another."""
    ws = tmp_path / "ws"
    assert invoke("init", str(ws), "-b", "机关党支部", "-b", "数学党支部").exit_code == 0
    config = ws / "partyday.toml"
    text = config.read_text(encoding="utf-8")
    text = text.replace('[[branches]]\nname = "数学党支部"', '[[branches]]\nname = "数学党支部"\nrule = "每月第一个星期五"')
    assert '[schedule.dates]\n# "2017-05" = "2017-05-12"' in text  # as init writes it
    text = text.replace('[schedule.dates]\n# "2017-05" = "2017-05-12"', '[schedule.dates]\n"2017-03" = "2017-03-15"')
    config.write_text(text, encoding="utf-8")
    def march(*args: str) -> str:
        rows = json.loads(invoke("calendar", "2017", "-f", "json", "-w", str(ws), *args).stdout)
        return next(r["date"] for r in rows if r["date"].startswith("2017-03"))
    assert march("-b", "机关党支部") == "2017-03-15"  # the 党委's rule, its fixed day
    assert march("-b", "数学党支部") == "2017-03-03"  # its own rule: the first Friday
    assert march("-b", "机关党支部", "--rule", "month.week1.fri") == "2017-03-03"


def test_moving_earlier_never_takes_a_month_s_activity_into_the_month_before():
    """helper-33 #4: 每月第一个星期五 提前 put 2027's January activity on 2026-12-31, in the
    2027 calendar; the month keeps it, the first free day after, said."""
    rows = json.loads(invoke("calendar", "2027", "-r", "每月第一个星期五", "-p", "提前", "--provisional",
                             "-f", "json").stdout)
    jan = next(r for r in rows if r["planned"] == "2027-01-01")
    assert jan["date"] == "2027-01-04" and "提前会移到12月，改为顺延至1月4日" in jan["reason"]
    assert all(r["date"][:4] == "2027" for r in rows) and len({r["date"][:7] for r in rows}) == 12


def test_chinese_phrase_equals_dotted_rule():
    dotted = invoke("calendar", "2017", "--rule", "month.week2.wed", "-f", "json").stdout
    phrase = invoke("calendar", "2017", "--rule", "每月第二周星期三", "-f", "json").stdout
    assert dotted == phrase
    two = json.loads(invoke("calendar", "2017", "--rule", "每月第二周、第四周的星期五",
                            "-p", "遇节假日可顺延或提前", "-f", "json").stdout)
    assert len(two) == 24


def test_2024_february_after_holiday():
    rows = json.loads(invoke("calendar", "2024", "-r", "month.week2.wed", "-p", "after-holiday",
                             "-f", "json").stdout)
    feb = [r for r in rows if r["planned"] == "2024-02-14"][0]
    assert feb["date"] == "2024-02-18" and feb["weekday"] == "星期日" and feb["moved"]
    assert "春节" in feb["reason"]


def test_policy_read_from_a_pasted_sentence():
    sentence = "每月第二周星期三确定为全乡党员活动日，逢国家法定节假日顺延至收假后三个工作日内进行"
    rows = json.loads(invoke("calendar", "2024", "-r", sentence, "-f", "json").stdout)
    assert [r["date"] for r in rows if r["planned"] == "2024-02-14"] == ["2024-02-18"]


def test_2027_without_data_is_one_chinese_line_and_exit_1():
    result = invoke("calendar", "2027", "--rule", "month.week2.wed")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "2004–2026" in lines[0] and "holidays import" in lines[0] and "--provisional" in lines[0]
    assert result.stdout == ""


def test_2027_provisional_rows_marked_and_warned():
    result = invoke("calendar", "2027", "--rule", "month.week2.wed", "--provisional", "-f", "json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert len(rows) == 12 and all(r["provisional"] for r in rows)
    assert "暂定" in result.stderr
    table = invoke("calendar", "2027", "--rule", "month.week2.wed", "--provisional")
    assert table.stdout.count("暂定") >= 12


def test_2027_after_importing_the_notice(tmp_path):
    notice = tmp_path / "2027年节假日通知.txt"
    notice.write_text(NOTICE_2027, encoding="utf-8")
    before = notice.read_bytes()
    result = invoke("holidays", "import", str(notice))
    assert result.exit_code == 0, result.output
    assert notice.read_bytes() == before  # input never modified
    shown = json.loads(invoke("holidays", "show", "2027", "-f", "json").stdout)
    assert shown["source"] == "notice-file"
    assert "2027-02-20" in shown["makeup_workdays"] and "2027-10-07" in shown["days_off"]
    rows = json.loads(invoke("calendar", "2027", "-r", "month.week2.wed", "-f", "json").stdout)
    assert not any(r["provisional"] for r in rows)
    feb = [r for r in rows if r["planned"] == "2027-02-10"][0]
    # 2月10日 is inside the 9-day Spring Festival holiday; the first working day after it
    # is Monday 15 February.
    assert feb["date"] == "2027-02-15" and "春节" in feb["reason"]
    again = invoke("holidays", "import", str(notice))
    assert again.exit_code == 0 and "未作改动" in again.stderr


def test_holidays_show_sources():
    shown = json.loads(invoke("holidays", "show", "2026", "-f", "json").stdout)
    assert shown["source"] == "chinese-calendar"
    assert "2026-01-04" in shown["makeup_workdays"] and "2026-10-01" in shown["days_off"]
    prov = json.loads(invoke("holidays", "show", "2030", "--provisional", "-f", "json").stdout)
    assert prov["source"] == "provisional" and prov["makeup_workdays"] == []


@pytest.mark.parametrize("args", [
    ["calendar", "2017", "--rule", "每月随便哪天"],
    ["calendar", "1800", "--rule", "month.week2.wed"],
    ["calendar", "2017", "--rule", "month.week2.wed", "--holiday-policy", "看情况"],
    ["calendar", "2017", "--rule", "month.week2.wed", "--week-def", "weird"],
    ["calendar", "2017", "--rule", "month.week2.wed", "--skip-months", "13"],
    ["calendar", "2017", "--rule", "month.week5.wed"],
    ["calendar", "2017"],
    ["holidays", "show", "3000"],
])
def test_user_mistakes_are_one_chinese_line(args):
    result = invoke(*args)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误：")
    assert "Traceback" not in result.output


def test_usage_errors_exit_2():
    assert runner.invoke(app, ["calendar", "abc"]).exit_code == 2
    assert runner.invoke(app, ["calendar", "2017", "--format", "pdf"]).exit_code == 2


@pytest.mark.parametrize("content", [b"\x00\x01\x02binary\xff\xfe" * 50, "这不是通知，只是一段话。".encode(),
                                     b""])
def test_bad_notice_files(tmp_path, content):
    bad = tmp_path / "notice.txt"
    bad.write_bytes(content)
    result = invoke("holidays", "import", str(bad))
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert not list((Path(os.environ["PARTYDAY_DATA_DIR"])).rglob("*.toml"))


def test_csv_has_bom_and_reasons():
    data = invoke("calendar", "2024", "-r", "month.week2.wed", "-f", "csv").stdout_bytes
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["序号", "日期", "星期"]
    assert any("春节" in r[-1] for r in rows[1:])


def test_ics_parses_back_with_stable_uids(tmp_path):
    from icalendar import Calendar

    out = tmp_path / "a.ics"
    assert invoke("calendar", "2024", "-r", "month.week2.wed", "-o", str(out)).exit_code == 0
    cal = Calendar.from_ical(out.read_bytes())
    events = cal.walk("VEVENT")
    assert len(events) == 12
    starts = sorted(e.decoded("dtstart") for e in events)
    assert date(2024, 2, 18) in starts
    uids = [str(e["uid"]) for e in events]
    assert len(set(uids)) == 12
    # moving the February date (avoid makeup days) keeps every UID: calendars update it
    out2 = tmp_path / "b.ics"
    invoke("calendar", "2024", "-r", "month.week2.wed", "--avoid-makeup-days", "-o", str(out2))
    events2 = Calendar.from_ical(out2.read_bytes()).walk("VEVENT")
    uids2 = [str(e["uid"]) for e in events2]
    assert sorted(uids) == sorted(uids2)
    # … and the moved one says it is newer (SEQUENCE grows), the others keep theirs
    seq = {str(e["uid"]): int(e["sequence"]) for e in events}
    seq2 = {str(e["uid"]): int(e["sequence"]) for e in events2}
    grown = [u for u in seq if seq2[u] > seq[u]]
    assert len(grown) >= 1 and all(seq2[u] == seq[u] for u in seq if u not in grown)
    assert out.read_bytes() == (invoke("calendar", "2024", "-r", "month.week2.wed", "-f", "ics")
                                .stdout_bytes)


def test_xlsx_written_atomically(tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "日历.xlsx"
    assert invoke("calendar", "2024", "-r", "month.week2.wed", "-o", str(out)).exit_code == 0
    ws = load_workbook(out).active
    assert ws["A1"].value.startswith("2024年党员活动日安排")
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert [p.name for p in tmp_path.iterdir()] == ["日历.xlsx"]  # no temp file left behind


def test_help_has_chinese_and_an_example():
    for args in (["--help"], ["calendar", "--help"], ["holidays", "show", "--help"],
                 ["holidays", "import", "--help"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0
        assert "示例" in result.stdout or "partyday " in result.stdout


def test_version():
    result = invoke("--version")
    assert result.exit_code == 0 and result.stdout.startswith("partyday ")


def run_cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "partyday_cli", *args], capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, timeout=60)


def test_heavy_modules_stay_out_of_help_and_calendar():
    probe = ("import runpy, sys\n"
             "sys.argv = ['partyday'] + sys.argv[1:]\n"
             "try:\n    runpy.run_module('partyday_cli', run_name='__main__')\n"
             "except SystemExit:\n    pass\n"
             "heavy = [m for m in ('pandas', 'openpyxl', 'jinja2', 'numpy') if m in sys.modules]\n"
             "print('HEAVY=' + ','.join(heavy), file=sys.stderr)\n")
    for args in (["--help"], ["calendar", "2017", "-r", "month.week2.wed", "-f", "json"],
                 ["calendar", "2017", "-r", "month.week2.wed"]):
        proc = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True,
                              text=True, timeout=60)
        assert "HEAVY=\n" in proc.stderr or proc.stderr.rstrip().endswith("HEAVY="), proc.stderr


def test_real_process_help_is_chinese_and_no_traceback():
    proc = run_cli("--help")
    assert proc.returncode == 0 and "选项" in proc.stdout and "显示本帮助并退出" in proc.stdout
    proc = run_cli("calendar", "2017", "--fromat", "json")
    assert proc.returncode == 2 and "没有这个选项" in proc.stderr
    proc = run_cli("calendar", "2099", "-r", "month.week2.wed")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_outputs_that_cannot_be_given_are_refused(tmp_path):
    result = invoke("calendar", "2017", "-r", "month.week2.wed", "-o", str(tmp_path / "a.pdf"))
    assert result.exit_code == 1 and ".pdf" in result.stderr and not (tmp_path / "a.pdf").exists()
    result = invoke("holidays", "show", "2026", "--format", "ics")  # --help lists what it writes: a usage error
    assert result.exit_code == 2 and "“ics”无效" in result.stderr
    result = invoke("calendar", "2017", "-r", "month.week2.wed", "-o", str(tmp_path))
    assert result.exit_code == 1 and "是文件夹" in result.stderr


def test_ics_in_a_workspace_starts_at_its_time_and_place_in_chinese(tmp_path, monkeypatch):
    """A phone's calendar shows the day at 15:00 in the 党员活动室 and the rule as the scheme
    writes it (每月第二周星期三), not an all-day event reading month.week2.wed."""
    from datetime import datetime

    from icalendar import Calendar

    monkeypatch.chdir(tmp_path)
    assert invoke("init", "ws", "--scheme", "wanyuan-xiang").exit_code == 0
    out = tmp_path / "a.ics"
    assert invoke("calendar", "2017", "-w", str(tmp_path / "ws"), "-o", str(out)).exit_code == 0
    events = Calendar.from_ical(out.read_bytes()).walk("VEVENT")
    first = min(events, key=lambda e: e.decoded("dtstart"))
    assert first.decoded("dtstart") == datetime(2017, 1, 11, 15, 0)
    assert str(first["location"]) == "党员活动室"
    assert str(first["description"]).startswith("规则：每月第二周星期三")
    assert "month." not in out.read_bytes().decode()
