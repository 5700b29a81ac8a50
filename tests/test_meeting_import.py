"""`partyday meeting import 会议登记表.xlsx` (issue 13): the 三会一课 register a branch keeps,
one meeting a row, recorded as held; and `partyday demo`, whose quarterly report shows
三会一课 complete from the sample's register (sample_data/workspace/2017年会议登记表.xlsx)."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from partyday_cli import workspace
from partyday_cli.cli.main import app
from partyday_cli.io.meetings_register import kinds_in, read_register
from partyday_cli.meetings import import_register

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "workspace"
REGISTER = SAMPLE / "2017年会议登记表.xlsx"
runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def sample(tmp_path, monkeypatch) -> Path:
    ws = tmp_path / "sample"
    shutil.copytree(SAMPLE, ws)
    monkeypatch.chdir(ws)
    assert invoke("roster", "import", "roster.xlsx", "--as-of", "2017-01-05").exit_code == 0
    assert invoke("plan", "2017").exit_code == 0
    return ws


def register(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    wb = Workbook()
    sheet = wb.active
    sheet.append(["机关第一党支部“三会一课”记录台账"])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    wb.save(path)
    return path


@pytest.mark.parametrize(("text", "kinds"), [
    ("支委会", ("支部委员会",)),
    ("主题党日、支部党员大会", ("主题党日", "支部党员大会")),
    ("第一党小组3月党小组会", ("党小组会",)),
    ("组织生活会暨民主评议党员", ("组织生活会", "民主评议党员")),
    ("专题党课", ("党课",)),
    ("支部委员会（扩大）", ("支部委员会",)),
    ("学习", ()),
])
def test_kinds_read_from_what_a_register_says(text, kinds):
    assert kinds_in(text) == kinds


def test_the_sample_register_is_a_year_of_meetings():
    read = read_register(REGISTER)
    assert not read.problems
    counts: dict[str, int] = {}
    for m in read.meetings:
        for k in m.kinds:
            counts[k] = counts.get(k, 0) + 1
    assert counts == {"支部委员会": 12, "党小组会": 36, "党课": 4, "组织生活会": 1, "民主评议党员": 1}
    assert {m.group for m in read.meetings if m.group} == {"第一党小组", "第二党小组", "第三党小组"}
    lectures = {m.day: (m.speaker, m.title) for m in read.meetings if "党课" in m.kinds}
    assert lectures[date(2017, 6, 28)] == ("李建国", "不忘初心 继续前进")


def test_import_records_every_meeting_once_and_leaves_the_file(sample):
    before = REGISTER.read_bytes()
    result = invoke("meeting", "import", str(sample / REGISTER.name))
    assert result.exit_code == 0, result.output
    assert "登记 53 次会议（" in result.stderr and "支部委员会 12 次" in result.stderr
    assert "2017-01-09 机关第一党支部：支部委员会；应到 3 人" in result.stderr  # 书记, 组织委员, 宣传委员
    assert "2017-01-16 机关第一党支部：党小组会（第一党小组）；应到 11 人" in result.stderr
    assert "2017-04-12 机关第一党支部：党课，主讲人 高峰（并入当天的活动）" in result.stderr
    again = invoke("meeting", "import", str(sample / REGISTER.name))
    assert "登记 0 次会议，已登记过未改动 53 次" in again.stderr
    assert (sample / REGISTER.name).read_bytes() == before
    listed = json.loads(invoke("meeting", "list", "--year", "2017", "-f", "json").stdout)
    assert len(listed) == 53
    day = next(m for m in listed if m["date"] == "2017-12-27")
    assert day["meeting_kinds"] == ["组织生活会", "民主评议党员"]


def test_the_register_as_a_library_call(sample):
    result = import_register(workspace.load(sample), sample / REGISTER.name, dry_run=True)
    assert len(result.would_add) == 53 and not result.added
    assert json.loads(invoke("meeting", "list", "--year", "2017", "-f", "json").stdout) == []


def test_a_register_with_mistakes_records_nothing_and_names_each_row(sample):
    path = register(sample.parent / "登记.xlsx", ["会议日期", "会议名称", "党小组", "主讲人", "题目"], [
        ["2017-03-06", "支委会", "", "", ""],
        ["2017-13-01", "支委会", "", "", ""],
        ["2017-03-20", "学习讨论", "", "", ""],
        ["2017-03-21", "党小组会", "", "", ""],
        ["2017-03-22", "第五党小组会议", "", "", ""],
    ])
    result = invoke("meeting", "import", str(path))
    assert result.exit_code == 1
    out = " ".join(result.output.split())
    assert "有 4 处问题，未登记任何会议" in out
    assert "第4行" in out and "日期“2017-13-01”无法识别" in out
    assert "第5行" in out and "“学习讨论”看不出是哪种会议" in out
    assert "第6行" in out and "党小组会没有写明是哪个党小组" in out
    assert "第7行" in out and "没有“第五党小组”" in out and "第一党小组" in out
    assert json.loads(invoke("meeting", "list", "--year", "2017", "-f", "json").stdout) == []


def test_group_and_speaker_read_from_a_register_without_kind_column(sample):
    path = register(sample.parent / "台账.xlsx", ["日期", "会议名称", "授课人", "党课主题", "主持人"], [
        [date(2017, 3, 21), "第二党小组3月党小组会议", "", "", "曹丽华"],
        [date(2017, 3, 29), "专题党课", "李建国", "学习党章", "高峰"],
    ])
    result = invoke("meeting", "import", str(path))
    assert result.exit_code == 0, result.output
    listed = {m["date"]: m for m in json.loads(invoke("meeting", "list", "--year", "2017", "-f", "json").stdout)}
    assert listed["2017-03-21"]["group"] == "第二党小组" and listed["2017-03-21"]["host"] == "曹丽华"
    assert (listed["2017-03-29"]["speaker"], listed["2017-03-29"]["title"]) == ("李建国", "学习党章")


def test_a_row_typed_twice_is_one_meeting_counted_once(sample):
    path = register(sample.parent / "登记.xlsx", ["会议日期", "会议名称", "主持人"], [
        ["2017-03-06", "支委会", "李建国"],
        ["2017-03-06", "支委会", "李建国"],
        ["2017-03-29", "支部党员大会", "李建国"],
    ])
    result = invoke("meeting", "import", str(path))
    assert result.exit_code == 0, result.output
    out = " ".join(result.stderr.split())
    assert "登记 2 次会议" in out and "支部委员会 1 次" in out
    assert "第4行与第3行是同一次会议（2017-03-06 支部委员会），只登记一次" in out
    assert len(json.loads(invoke("meeting", "list", "--year", "2017", "-f", "json").stdout)) == 2


def test_demo_shows_a_quarter_with_san_hui_yi_ke_complete(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("demo", "示例")
    assert result.exit_code == 0, result.output
    assert "$ partyday meeting import 2017年会议登记表.xlsx" in result.output
    monkeypatch.chdir(tmp_path / "示例")
    report = invoke("report", "quarterly", "--year", "2017", "--quarter", "2", "-f", "json")
    data = json.loads(report.stdout)
    assert data["kinds"]["shortfalls"] == []
    held = {(c["requirement"], c["window"]): c for c in data["kinds"]["checks"]} if "checks" in data["kinds"] else {}
    if held:  # every 支部委员会 and 党小组会 month of the quarter is met
        for month in ("4月", "5月", "6月"):
            assert held[("支部委员会（每月一次）", month)]["status"] == "ok"
    assert not [a for a in data.get("unrecorded", []) if a["date"] in ("2017-04-10", "2017-04-17")]


def test_a_meeting_gets_its_own_record_opened_by_libreoffice(sample, tmp_path):
    from tests.realclient import is_a4, pdf_pages, pdf_text, to_pdf

    assert invoke("meeting", "import", str(sample / REGISTER.name)).exit_code == 0
    wanted = {
        "2017-01-09": ("支部委员会会议记录", "会议议题", "研究全年党建工作计划", "3"),
        "2017-01-16": ("第一党小组会议记录", "会议议题", "学习讨论本月主题党日内容", "11"),
        "2017-06-28": ("党课记录", "党课题目及主讲人", "《不忘初心 继续前进》（主讲人：李建国）", "28"),
        "2017-12-27": ("组织生活会、民主评议党员记录", "会议议题", "对照党章党规", "28"),
        "2017-04-12": ("“党员活动日”记实表", "活动主题", "“两学一做”学习教育", "29"),
    }
    for day, (title, label, theme, expected) in wanted.items():
        out = tmp_path / f"{day}.xlsx"
        result = invoke("record", day, "-o", str(out))
        assert result.exit_code == 0, result.output
        text = " ".join(pdf_text(to_pdf(out)).split())
        assert title in text and label in text and theme in text, (day, text[:300])
        assert f"应到人数 {expected}" in text, (day, text[:300])
        assert all(is_a4(size) for size in pdf_pages(to_pdf(out)))
        if day != "2017-04-12":
            assert "15:00" not in text  # the activity day's [schedule] time is not a meeting's
    text = " ".join(pdf_text(to_pdf(tmp_path / "2017-04-12.xlsx")).split())
    assert "党课《严守政治纪律和政治规矩》（主讲人：高峰）" in text  # the day's 党课, from the register


def test_each_group_must_hold_its_own_monthly_meeting(sample):
    """党小组会 每月一次 is each 党小组's: the other groups' meetings do not stand in for a
    group that did not meet (the sample has three groups)."""
    read = read_register(REGISTER)
    skipped = next(m for m in read.meetings if m.group == "第二党小组" and m.day.month == 5)
    rows = [[m.day, "、".join(m.kinds), m.group, m.speaker, m.title, m.host, m.content]
            for m in read.meetings if m is not skipped]
    path = register(sample.parent / "少一次.xlsx", ["日期", "会议类型", "党小组", "主讲人", "党课题目", "主持人", "内容"],
                    rows)
    assert invoke("meeting", "import", str(path)).exit_code == 0
    assert invoke("attend", "import", "签到").exit_code == 0
    data = json.loads(invoke("report", "quarterly", "--year", "2017", "--quarter", "2", "-f", "json").stdout)
    assert data["kinds"]["shortfalls"] == ["党小组会（第二党小组，每月一次）：5月未开展"]
    groups = {c["requirement"] for c in data["kinds"]["checks"] if c["requirement"].startswith("党小组会")}
    assert groups == {f"党小组会（{g}，每月一次）" for g in ("第一党小组", "第二党小组", "第三党小组")}


def test_a_register_of_one_branch_of_a_dangwei_is_read_by_its_title(tmp_path, monkeypatch):
    """A 党委 of three branches: the register's title names 机关二支部 (as people shorten
    it) and the year; rows dated 6月28日 take that year; two rows of one day are one
    meeting, counted by kind as the rows say; a register that names no branch gets one
    line for the file, not one per row."""
    monkeypatch.chdir(tmp_path)
    assert invoke("init", "ws", "-b", "机关第一党支部", "-b", "机关第二党支部", "-b", "离退休党支部").exit_code == 0
    roster = Workbook()
    roster.active.append(["姓名", "所在党支部", "党员类别", "入党时间", "月收入", "备注"])
    roster.active.append(["李一", "机关第一党支部", "正式党员", "2000-07-01", 5000, ""])
    roster.active.append(["陈明", "机关第二党支部", "正式党员", "2001-07-01", 6000, "支部书记"])
    roster.active.append(["杨帆", "机关第二党支部", "正式党员", "2001-07-01", 6000, "组织委员"])
    roster.save(tmp_path / "花名册.xlsx")
    monkeypatch.chdir(tmp_path / "ws")
    assert invoke("roster", "import", str(tmp_path / "花名册.xlsx"), "--as-of", "2017-01-05").exit_code == 0
    rows = [[1, "6月28日", "七一党课", "", "杨帆", "纪念建党96周年"], [2, "2017-06-28", "党员大会", "陈明", "", ""],
            [3, "2017.5.4", "支部委员会", "陈明", "", ""]]
    header = ["序号", "日期", "会议名称", "主持人", "主讲人", "题目"]
    path = register(tmp_path / "登记.xlsx", header, rows)
    book = __import__("openpyxl").load_workbook(path)
    book.active["A1"] = "机关二支部2017年“三会一课”登记表"
    book.save(path)
    result = invoke("meeting", "import", str(path))
    assert result.exit_code == 0, result.output
    out = " ".join(result.stderr.split())
    assert "（党课 1 次、支部党员大会 1 次、支部委员会 1 次）" in out
    listed = json.loads(invoke("meeting", "list", "--year", "2017", "-f", "json").stdout)
    assert {(m["date"], m["branch"]) for m in listed} == {("2017-06-28", "机关第二党支部"), ("2017-05-04", "机关第二党支部")}
    book.active["A1"] = "三会一课登记表"
    book.save(path)
    again = invoke("meeting", "import", str(path))
    assert again.exit_code == 1
    assert again.output.count("看不出这张登记表是哪个支部的") == 1
