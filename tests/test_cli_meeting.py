"""`partyday meeting add|list` (三会一课, SPEC §12) on the sample branch (sample_data/workspace).

The committee of the sample roster: its 备注 names 李建国 支部书记, 高峰 组织委员 (the
roster's own footer: 制表人：组织委员 高峰) and 许文 宣传委员, as a branch writes them.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from partyday_cli.cli.main import app
from partyday_cli.core.meetings import KINDS
from tests import factories
from tests.test_cli_attend import ledger_rows
from tests.test_cli_report import quarterly_json, story  # noqa: F401  (the sample's first half-year)

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "workspace"
BRANCH = "机关第一党支部"
runner = CliRunner()
COMMITTEE = {"李建国", "高峰", "许文"}
GROUP_ONE = {"李建国", "张伟", "阿依古丽•买买提", "赵磊", "周婷", "孙浩", "王芳", "高峰", "宋佳", "冯刚", "许文"}


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def _posts(roster: Path, posts: dict[str, str | None]) -> None:
    wb = load_workbook(roster)
    sheet = wb.active
    for row in sheet.iter_rows(min_row=5):
        if row[1].value in posts:
            row[14].value = posts[row[1].value]
    wb.save(roster)


@pytest.fixture
def sample(tmp_path, monkeypatch):
    ws = tmp_path / "sample"
    shutil.copytree(SAMPLE, ws)
    monkeypatch.chdir(ws)
    _posts(ws / "roster.xlsx", {"高峰": "组织委员", "许文": "宣传委员"})
    assert invoke("roster", "import", "roster.xlsx", "--as-of", "2017-01-05").exit_code == 0
    assert invoke("plan", "2017").exit_code == 0
    return ws


def meetings() -> list[dict]:
    result = invoke("meeting", "list", "--year", "2017", "-f", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def expected_line(result) -> int:  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, result.output
    return int(result.output.rsplit("应到 ", 1)[1].split(" 人")[0])


def test_each_kind_recorded_and_listed(sample):
    days = {kind: f"2017-01-{16 + i}" for i, kind in enumerate(KINDS)}
    for kind, day in days.items():
        extra = {"党小组会": ["--group", "第一党小组"], "党课": ["--speaker", "李建国", "--title", "学习党章"]}
        result = invoke("meeting", "add", day, "--kind", kind, "--host", "李建国", "--place", "会议室",
                        *extra.get(kind, []))
        assert result.exit_code == 0, result.output
    listed = {m["date"]: m for m in meetings()}
    assert {d: m["meeting_kinds"] for d, m in listed.items()} == {d: [k] for k, d in days.items()}
    lecture = listed[days["党课"]]
    assert (lecture["speaker"], lecture["title"], lecture["host"], lecture["place"]) == ("李建国", "学习党章", "李建国", "会议室")
    assert listed[days["党小组会"]]["group"] == "第一党小组"
    table = invoke("meeting", "list", "--year", "2017")
    assert "学习党章" in table.stdout and "共 7 次会议" in table.output


def test_expected_by_kind(sample):
    assert expected_line(invoke("meeting", "add", "2017-01-18", "--kind", "支委会")) == len(COMMITTEE)
    assert expected_line(invoke("meeting", "add", "2017-01-19", "--kind", "党小组会", "--group", "第一党小组")) \
        == len(GROUP_ONE)
    # 30 on the roster; 陈国华 is exempt and 李娜 joins on 4/10
    assert expected_line(invoke("meeting", "add", "2017-01-20", "--kind", "党课")) == 28
    assert expected_line(invoke("meeting", "add", "2017-01-21", "--kind", "支部委员会", "--kind", "党小组会",
                                "--group", "第三党小组")) > len(COMMITTEE)


def test_no_committee_in_the_roster_is_said(tmp_path, monkeypatch):
    ws = tmp_path / "bare"
    shutil.copytree(SAMPLE, ws)
    monkeypatch.chdir(ws)
    _posts(ws / "roster.xlsx", {"李建国": None, "高峰": None, "许文": None})
    assert invoke("roster", "import", "roster.xlsx", "--as-of", "2017-01-05").exit_code == 0
    result = invoke("meeting", "add", "2017-01-18", "--kind", "支部委员会")
    assert result.exit_code == 0
    assert "找不到支部委员" in result.stderr and "应到 0 人" in result.output


def test_user_mistakes_are_one_line(sample):
    for args, said in ((["--kind", "座谈会"], "会议类型“座谈会”无法识别"),
                       (["--kind", "党小组会"], "请用 --group"),
                       (["--kind", "党小组会", "--group", "第九党小组"], "没有“第九党小组”"),
                       (["--kind", "支部委员会", "--speaker", "李建国"], "只用于 --kind 党课")):
        result = invoke("meeting", "add", "2017-01-18", *args)
        assert result.exit_code == 1 and said in result.output and "Traceback" not in result.output


def test_signin_counts_only_the_committee(sample, tmp_path):
    """A 支委会's sign-in sheet: the committee member who did not sign is 缺席; nobody
    outside the committee gets a row (a 缺席 there would count in the reports)."""
    assert invoke("meeting", "add", "2017-01-18", "--kind", "支部委员会").exit_code == 0
    sheet = factories.handwritten_xlsx(tmp_path / "支委会签到表.xlsx", title="支部委员会签到表",
                                       date=date(2017, 1, 18), names=["李建国", "高峰"], footer=False)
    dry = invoke("attend", "import", str(sheet), "--date", "2017-01-18", "--dry-run", "-f", "json")
    assert dry.exit_code == 0, dry.output
    assert '"expected": 3' in dry.stdout and '"present": 2' in dry.stdout
    result = invoke("attend", "import", str(sheet), "--date", "2017-01-18")
    assert result.exit_code == 0, result.output
    rows = ledger_rows(sample, "SELECT v.name, t.status FROM attendance t JOIN activities a ON a.id = t.activity_id "
                               "JOIN member_versions v ON v.member_id = t.member_id WHERE a.date = '2017-01-18'")
    assert dict(rows) == {"李建国": "出席", "高峰": "出席", "许文": "缺席"}
    assert invoke("attend", "set", "2017-01-18", "孙浩", "请假", "--reason", "出差").exit_code == 0
    rows = ledger_rows(sample, "SELECT count(*) FROM attendance t JOIN activities a ON a.id = t.activity_id "
                               "WHERE a.date = '2017-01-18'")
    assert rows == [(3,)]  # 孙浩's mark is kept as evidence, with no row for a meeting he is not at
    assert meetings()[0]["signed"] is True
    # its 会议记录 has no 记实表 deadline: none printed, none counted late in the report
    record = invoke("record", "2017-01-18", "-o", str(tmp_path / "记录.xlsx"))
    assert record.exit_code == 0 and "须在" not in record.output and "逾期" not in record.output
    late = json.loads(invoke("report", "quarterly", "-y", "2017", "-q", "1", "-f", "json").stdout)["late_records"]
    assert not [t for t in late if "1月18日" in t]


def test_a_meetings_sign_in_sheet_lists_who_is_expected_at_it(sample, tmp_path):
    """The 签到表 of a 支委会 or a 党小组会 on a day of its own lists the committee or the
    group, under the meeting's title, with its content as the 会议议题 and no dues columns."""
    from openpyxl import load_workbook

    assert invoke("meeting", "add", "2017-01-18", "--kind", "支部委员会", "--content", "研究发展党员工作").exit_code == 0
    assert invoke("meeting", "add", "2017-01-19", "--kind", "党小组会", "--group", "第一党小组").exit_code == 0
    for day, title, expected in (("2017-01-18", "机关第一党支部支部委员会会议签到表", COMMITTEE),
                                 ("2017-01-19", "机关第一党支部第一党小组会议签到表", GROUP_ONE)):
        target = tmp_path / f"{day}.xlsx"
        made = invoke("signsheet", day, "-o", str(target))
        assert made.exit_code == 0, made.output
        assert f"应到 {len(expected)} 人" in made.output
        cells = [c.value for row in load_workbook(target).active.iter_rows() for c in row if c.value]
        assert cells[0] == title
        assert {n.replace("•", "·") for n in expected} <= set(cells) and "何静" not in cells  # 第三党小组
    first = [c.value for row in load_workbook(tmp_path / "2017-01-18.xlsx").active.iter_rows() for c in row]
    assert "会议议题：研究发展党员工作" in first


def test_meeting_on_an_activity_day_counts_for_both(sample, tmp_path):
    def q1() -> dict:
        result = invoke("report", "quarterly", "--year", "2017", "--quarter", "1", "-f", "json")
        assert result.exit_code == 0, result.output
        return {(c["name"], c["window"]): c["status"] for c in json.loads(result.stdout)["kinds"]["checks"]}

    result = invoke("meeting", "add", "2017-03-08", "--kind", "支部党员大会")
    assert "并入当天的活动" in result.output
    assert meetings()[0]["kinds"] == ["主题党日", "支部党员大会"]
    checks = q1()
    assert checks[("支部党员大会", "第一季度")] == "ok"
    assert checks[("主题党日", "3月")] == "short"  # recorded as a 支部党员大会 only, no sign-in yet
    sheet = factories.handwritten_xlsx(tmp_path / "3月签到表.xlsx", title="党员活动日签到表",
                                       date=date(2017, 3, 8), names=["李建国", "高峰"], footer=False)
    assert invoke("attend", "import", str(sheet), "--date", "2017-03-08").exit_code == 0
    checks = q1()
    assert checks[("支部党员大会", "第一季度")] == "ok" and checks[("主题党日", "3月")] == "ok"
    # a new plan keeps the meeting's kind on the day
    assert invoke("plan", "2017", "--force").exit_code == 0
    assert meetings()[0]["kinds"] == ["主题党日", "支部党员大会"]


def test_quarterly_no_longer_names_a_month_once_held(story):  # noqa: F811
    shortfalls = quarterly_json()["kinds"]["shortfalls"]
    assert "支部委员会（每月一次）：4月未开展" in shortfalls
    assert "党小组会（第二党小组，每月一次）：5月未开展" in shortfalls  # each group its own
    for month in ("04", "05", "06"):
        assert invoke("meeting", "add", f"2017-{month}-20", "--kind", "支部委员会").exit_code == 0
        for group in ("第一党小组", "第二党小组", "第三党小组"):
            result = invoke("meeting", "add", f"2017-{month}-2{1 + int(group[1] == '二') + 2 * int(group[1] == '三')}",
                            "--kind", "党小组会", "--group", group)
            assert result.exit_code == 0, result.output
    shortfalls = quarterly_json()["kinds"]["shortfalls"]
    assert not [s for s in shortfalls if s.startswith(("支部委员会", "党小组会"))], shortfalls


def annual_shortfalls() -> list[str]:
    result = invoke("report", "annual", "--year", "2017", "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["kinds"]["shortfalls"]


def test_secretary_lecture_checked_when_the_scheme_asks(story):  # noqa: F811
    """Seed 000: 党支部负责人每年要为本单位党员至少讲一次党课 (the fupinban-9plus3 preset
    writes [lectures] secretary_yearly = 1 from it); the sample's 书记 is 李建国 (备注)."""
    said = "支部书记李建国讲党课（每年至少1次）：全年未开展"
    assert not any("讲党课" in s for s in annual_shortfalls())  # the sample scheme does not ask it
    toml = story / "partyday.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + "\n[lectures]\nsecretary_yearly = 1\n", encoding="utf-8")
    assert said in annual_shortfalls()
    assert invoke("meeting", "add", "2017-05-20", "--kind", "党课", "--speaker", "高峰", "--title", "讲规矩").exit_code == 0
    assert said in annual_shortfalls()  # a 党课 by another member does not count
    assert invoke("meeting", "add", "2017-09-20", "--kind", "党课", "--speaker", "李建国", "--title", "学党章").exit_code == 0
    assert not any("讲党课" in s for s in annual_shortfalls())
    # the 书记 named in partyday.toml is the one checked
    text = toml.read_text(encoding="utf-8").replace('name = "机关第一党支部"\n', 'name = "机关第一党支部"\nsecretary = "高峰"\n', 1)
    toml.write_text(text, encoding="utf-8")
    assert not any("讲党课" in s for s in annual_shortfalls())  # 高峰's 党课 of 5/20
    toml.write_text(text.replace("secretary_yearly = 1", "secretary_yearly = 2"), encoding="utf-8")
    assert "支部书记高峰讲党课（每年至少2次）：全年只开展了1次" in annual_shortfalls()
    toml.write_text(text.replace("secretary_yearly = 1", 'secretary_yearly = "一次"'), encoding="utf-8")
    result = invoke("report", "annual", "--year", "2017")
    assert result.exit_code == 1 and "secretary_yearly" in result.output


def test_presets_say_whether_the_secretary_must_lecture(tmp_path):
    import tomllib

    for scheme, wanted in (("fupinban-9plus3", 1), ("wanyuan-xiang", 0)):
        result = invoke("init", str(tmp_path / scheme), "--scheme", scheme)
        assert result.exit_code == 0, result.output
        text = (tmp_path / scheme / "partyday.toml").read_text(encoding="utf-8")
        assert tomllib.loads(text)["lectures"]["secretary_yearly"] == wanted
        assert ("至少讲一次党课" in text) == bool(wanted)
