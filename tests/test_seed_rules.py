"""Rule and policy fixes of issue 13, each quoting the seed sentence it serves."""

from datetime import date

import pytest
from typer.testing import CliRunner

from partyday_cli.cli.main import app
from partyday_cli.core.policy import Policy, ahead_days, find_policy, parse_policy
from partyday_cli.core.rules import parse_rules
from partyday_cli.core.schedule import ScheduleRequest, build_schedule, pending_months
from partyday_cli.core.themes import plan_themes
from partyday_cli.errors import UserError
from partyday_cli.io.holidays import work_calendar
from partyday_cli.io.themes import load_catalogue


def invoke(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_cli_refuses_a_notice_sentence_as_policy():
    result = invoke("calendar", "2017", "-r", "每月第二周星期三", "-p", "提前2——3天通知党员")
    assert result.exit_code == 1 and "提前几天通知党员的期限" in result.output


def _schedule(year, rule, policy, **kw):
    req = ScheduleRequest(year=year, rules=parse_rules(rule), policy=policy, **kw)
    return build_schedule(req, work_calendar([], allow_provisional=False))


# seed 000 方案一: 逢国家法定节假日顺延至收假后三个工作日内进行…各党支部原则上不在“党员活动日”安排其他重大活动及会议
# 2024: 2月14日 (second Wednesday) is in 春节 (2月10—17日); the first working days after it
# are 2月18日 (调休上班), 19日, 20日.
SEED_000_1 = "逢国家法定节假日顺延至收假后三个工作日内进行"


def test_after_holiday_skips_a_blackout_and_stays_inside_the_window():
    days = _schedule(2024, "每月第二周星期三", parse_policy(SEED_000_1),
                     blackouts={date(2024, 2, 18): "县党代会"})
    feb = next(d for d in days if d.planned.month == 2)
    assert feb.date == date(2024, 2, 19)
    assert "收假后第二个工作日2月19日" in feb.reason      # not "第一个", which it is not
    assert "2月18日有重大活动（县党代会）" in feb.reason  # the blackout's own reason
    assert "在3个工作日内" in feb.reason and not feb.flagged


def test_after_holiday_warns_when_no_day_in_the_window_is_free():
    blackouts = {date(2024, 2, d): "县党代会" for d in (18, 19, 20)}
    days = _schedule(2024, "每月第二周星期三", parse_policy(SEED_000_1), blackouts=blackouts)
    feb = next(d for d in days if d.planned.month == 2)
    assert feb.date == date(2024, 2, 21) and feb.flagged
    assert "收假后3个工作日内均不能安排" in feb.reason and "超出3个工作日" in feb.reason
    assert "在3个工作日内" not in feb.reason


# seed 002: 每月的活动主题可结合当前任务做适当调整和完善,并提前2——3天通知党员
# seed 000 方案二: 确有困难无法开展的,必须提前5天报上级党组织批准备案
@pytest.mark.parametrize(("sentence", "key", "days", "what"), [
    ("每月的活动主题可结合当前任务做适当调整和完善,并提前2——3天通知党员", "notify_days_before", 3,
     "提前几天通知党员的期限"),
    ("确有困难无法开展的,必须提前5天报上级党组织批准备案", "change_report_days", 5,
     "改期须提前几天报上级党组织批准的期限"),
])
def test_a_notice_or_approval_deadline_is_not_a_policy(sentence, key, days, what):
    with pytest.raises(UserError) as err:
        parse_policy(sentence)
    assert what in err.value.message and f"{key} = {days}" in err.value.message
    assert find_policy(sentence) is None  # a pasted rule sentence does not move days earlier
    assert ahead_days(sentence)[:2] == (key, days)


def test_move_earlier_still_reads_as_a_policy():
    # seed 001: 遇节假日可顺延或提前
    assert parse_policy("遇节假日可顺延或提前").name == "nearest"
    assert parse_policy("提前").name == "prev-workday"


# seed 002: “支部主题党日”活动每月开展一次。结合学院工作实际,由党支部依据计划举行主题党日活动。
def test_once_a_month_is_a_rule_that_asks_for_the_day():
    rules = parse_rules("“支部主题党日”活动每月开展一次")
    assert [r.spec for r in rules] == ["month.once"]
    req = ScheduleRequest(year=2017, rules=rules, policy=Policy("nearest"),
                          fixed_dates={3: date(2017, 3, 10)})
    days = build_schedule(req, work_calendar([], allow_provisional=False))
    assert [d.date for d in days] == [date(2017, 3, 10)]  # no invented day for the other months
    assert pending_months(req) == [1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12]


def test_cli_once_a_month_names_schedule_dates():
    result = invoke("calendar", "2017", "--rule", "每月开展一次")
    assert result.exit_code == 0
    assert "[schedule.dates]" in result.stderr and "待定" in result.stdout


# seed 001: 党员固定活动日的活动内容以每次一主题的形式统一组织实施
def test_one_theme_a_day_when_the_scheme_says_so():
    # half the seed's days (one Friday a month): more themes than days, so a loose plan doubles up
    dates = [d.date for d in _schedule(2017, "每月第二周的星期五", Policy("nearest"))]
    catalogue = load_catalogue("5+X")
    loose = plan_themes(dates, catalogue)
    assert any(len(it.themes) > 1 for it in loose.items)  # the case the rule is about
    strict = plan_themes(dates, catalogue, one_per_day=True)
    assert all(len(it.themes) == 1 for it in strict.items)
    assert not any(s.startswith("每次一个主题") for s in strict.unmet)


# seed 001: 党员固定活动日每月至少两次
def test_twice_a_month_is_checked_per_month():
    dates = [d.date for d in _schedule(2017, "每月第二周、第四周的星期五", Policy("nearest"))]
    dates = [d for d in dates if d != max(d for d in dates if d.month == 5)]  # May loses one
    plan = plan_themes(dates, load_catalogue("5+X"))
    assert "每月至少两次：2017年5月只有1次" in plan.unmet


# seed 000 方案二: 党员每年不参加活动累计3次的,党支部将及时谈话提醒、提出限期整改意见
# seed 001: 党员无特殊情况不得无故迟到、早退,或不参加活动;因事因病不能参加的,必须经党支部批准
def test_which_absences_count_is_a_setting():
    from partyday_cli.core.report import attendance_flags, thresholds_from_config

    events = [(date(2017, 1, 6), "请假"), (date(2017, 2, 10), "请假"), (date(2017, 3, 3), "缺席"),
              (date(2017, 4, 7), "出席")]
    every = attendance_flags(events, thresholds_from_config({"absences_count": "all"}))
    assert [f.code for f in every] == ["talk"] and "全年不参加活动3次" in every[0].text
    only_unexcused = attendance_flags(events, thresholds_from_config({"absences_count": "unexcused"}))
    assert not any(f.code == "talk" for f in only_unexcused)
    with pytest.raises(UserError):
        thresholds_from_config({"absences_count": "sometimes"})


# --------------------------------------------------------------------------- remind / report

def _act(day, planned=None, filed=None, reason=None):
    from partyday_cli.store.activities import Activity

    return Activity(1, "扶贫办党支部", day, planned or day, "专题学习", ("主题党日",), moved_reason=reason,
                    record_filed_on=filed)


def _remind(acts, today, deadlines, dues_on_day=False):
    from partyday_cli.core.reminders import reminders

    cal = work_calendar([], allow_provisional=False)
    return reminders(acts, today=today, days=3, deadlines=deadlines, schedule={}, org="", dues_on_day=dues_on_day,
                     add_workdays=cal.add_workdays, branches=["扶贫办党支部"])


# seed 000 方案二: 严格时间规定,不得无故调整,确有困难无法开展的,必须提前5天报上级党组织批准备案
def test_a_moved_date_is_reminded_to_report_in_time():
    moved = _act(date(2017, 10, 13), planned=date(2017, 10, 6), reason="10月6日为国庆节假期，顺延一周")
    text = _remind([moved], date(2017, 9, 28), {"change_report_days": 5})
    assert "原定2017年10月6日（星期五）的活动改在2017年10月13日（星期五）" in text
    assert "须提前5天报上级党组织批准备案，请于2017年10月1日（星期日）前报送" in text
    assert _remind([moved], date(2017, 10, 2), {"change_report_days": 5}) == ""  # past: nothing to say
    assert "报上级党组织" not in _remind([moved], date(2017, 9, 28), {"change_report_days": 0})


# seed 000 方案一: 在活动开展后5个工作日内填写《“党员活动日”记实表》一式两份
def test_remind_speaks_the_day_before_and_on_the_deadline():
    act = _act(date(2017, 4, 12))  # 5 working days later: 4月19日
    deadlines = {"record_within_workdays": 5, "record_copies": 2}
    assert "须于2017年4月19日（星期三）前填报，一式两份（明天到期）" in _remind([act], date(2017, 4, 18), deadlines)
    # on the day itself: 今天内, not “须于…前填报…（今天是填报截止日）” (helper-33 #19)
    assert "须于今天（2017年4月19日（星期三））内填报，一式两份。" in _remind([act], date(2017, 4, 19), deadlines)
    assert "已于2017年4月19日（星期三）到期" in _remind([act], date(2017, 4, 20), deadlines)


def test_an_unfiled_record_past_its_deadline_is_counted_overdue():
    from partyday_cli.core.report import ActivityCounts, Thresholds, activity_stats

    cal = work_calendar([], allow_provisional=False)
    unfiled = ActivityCounts(1, "乡机关支部", date(2017, 6, 14), rows=10, signed=True)
    [before] = activity_stats([unfiled], Thresholds(), lambda d: cal.add_workdays(d, 5), date(2017, 6, 21))
    [after] = activity_stats([unfiled], Thresholds(), lambda d: cal.add_workdays(d, 5), date(2017, 6, 30))
    assert before.record_late == ""  # due 6月21日: not late on the day itself
    assert after.record_late == "记实表逾期：乡机关支部6月14日的活动应于6月21日前填报，截至6月30日尚未填报"


# seed 004: 各级党组织要组织党员在活动日当天…查验交纳情况、交齐党费 — seed 002 asks nothing of the kind
def test_the_dues_line_is_only_in_the_notice_of_the_scheme_that_asks_it():
    act = _act(date(2017, 4, 13))
    assert "本月党费请于活动当天交纳" in _remind([act], date(2017, 4, 10), {}, dues_on_day=True)
    assert "党费" not in _remind([act], date(2017, 4, 10), {}, dues_on_day=False)


# seed 003 (神鼎山镇): 组织党员集中学习、听党课、交纳党费 on the 主题党日 → dues.on_activity_day
@pytest.mark.parametrize(("scheme", "asks"), [("shendingshan-zhen", True), ("wanyuan-xiang", False)])
def test_the_sign_sheet_carries_the_dues_where_they_are_paid_on_the_day(tmp_path, monkeypatch, scheme, asks):
    import shutil
    from pathlib import Path

    from tests.realclient import pdf_text, to_pdf

    monkeypatch.chdir(tmp_path)
    assert invoke("init", "ws", "--scheme", scheme, "--branch", "机关第一党支部").exit_code == 0
    sample = Path(__file__).resolve().parents[1] / "sample_data" / "workspace"
    shutil.copy(sample / "roster.xlsx", tmp_path / "ws" / "roster.xlsx")
    monkeypatch.chdir(tmp_path / "ws")
    assert invoke("roster", "import", "roster.xlsx", "--as-of", "2017-01-05").exit_code == 0
    assert invoke("signsheet", "2017-04-12", "-o", str(tmp_path / "s.xlsx")).exit_code == 0
    text = " ".join(pdf_text(to_pdf(tmp_path / "s.xlsx")).split())
    assert ("本月应交（元）" in text) == asks
    if asks:  # 李建国 6200 元 → 1.5% = 93.00; 孙浩 capped at 1000.00; 杨建军 the branch's 1.00
        assert "李建国 第一党小组 93.00" in text and "1000.00" in text and "1.00" in text
        assert "本月党费应交合计" in text


# 本月党费请于活动当天交纳: the 问卷星 answer 本月党费是否已交纳 is checked against the 台账
def test_the_dues_answer_on_the_day_is_compared_with_the_ledger(tmp_path, monkeypatch):
    import json
    import shutil
    from pathlib import Path

    from openpyxl import load_workbook

    sample = Path(__file__).resolve().parents[1] / "sample_data" / "workspace"
    ws = tmp_path / "ws"
    shutil.copytree(sample, ws)
    monkeypatch.chdir(ws)
    for args in (["roster", "import", "roster.xlsx", "--as-of", "2017-01-05"], ["plan", "2017"],
                 ["attend", "import", "签到"], ["dues", "import", "2017党费台账.xlsx"]):
        assert invoke(*args).exit_code == 0, args

    def said() -> list[str]:
        result = invoke("dues", "report", "--year", "2017", "--as-of", "2017-06-30", "-f", "json")
        return json.loads(result.stdout)["answers_vs_ledger"]

    assert said() == []  # the sample's answers agree with its 台账 (邓超 answered 否, and did not pay)
    wjx = ws / "签到" / "2017-03 问卷星签到.xlsx"
    book = load_workbook(wjx)
    sheet = book.active
    for row in sheet.iter_rows():
        names = [c.value for c in row]
        if "邓超" in names or "彭燕" in names:
            for c in row:
                if c.value in ("是", "否"):
                    c.value = "否" if c.value == "是" else "是"
    book.save(tmp_path / "问卷星更正.xlsx")
    assert invoke("attend", "import", str(tmp_path / "问卷星更正.xlsx"), "--replace").exit_code == 0
    lines = said()
    assert "邓超：3月8日签到时填“是”（已交），台账3月没有登记交纳" in lines
    assert "彭燕：3月8日签到时填“否”（未交），台账3月已登记交纳" in lines
    table = invoke("dues", "report", "--year", "2017", "--as-of", "2017-06-30")
    assert "签到答卷与台账不一致：邓超" in " ".join(table.stderr.split())
    # a corrected 台账: 邓超 paid February and March ahead in February (预交: 88 in 2月), 彭燕's
    # March was paid in April (30（4月补交）): both answers on 3月8日 were true then
    ledger = load_workbook(ws / "2017党费台账.xlsx")
    sheet = ledger.active
    for row in sheet.iter_rows(min_row=5):
        if row[1].value == "邓超":
            row[6].value, row[7].value, row[8].value = 44, 88, None
        if row[1].value == "彭燕":
            row[8].value = "30（4月补交）"
    ledger.save(tmp_path / "2017党费台账（更正）.xlsx")
    assert invoke("dues", "import", str(tmp_path / "2017党费台账（更正）.xlsx")).exit_code == 0
    lines = said()
    assert not any(line.startswith(("邓超：3月8日", "彭燕：3月8日")) for line in lines), lines


# seed 003 (神鼎山镇): 交纳党费 on the 主题党日 — the sheet lists everyone who pays that day, and
# what is written in its 实交 column comes back with the sign-in and is checked against the 台账
def test_the_dues_sheet_lists_who_pays_and_its_paid_column_is_read_back(tmp_path, monkeypatch):
    import json
    import shutil
    from pathlib import Path

    from openpyxl import load_workbook

    monkeypatch.chdir(tmp_path)
    assert invoke("init", "ws", "--scheme", "shendingshan-zhen", "--branch", "机关第一党支部").exit_code == 0
    sample = Path(__file__).resolve().parents[1] / "sample_data" / "workspace"
    for name in ("roster.xlsx", "2017党费台账.xlsx"):
        shutil.copy(sample / name, tmp_path / "ws" / name)
    monkeypatch.chdir(tmp_path / "ws")
    assert invoke("roster", "import", "roster.xlsx", "--as-of", "2017-01-05").exit_code == 0
    made = invoke("signsheet", "2017-06-14", "-o", str(tmp_path / "s.xlsx"))
    assert made.exit_code == 0, made.output
    book = load_workbook(tmp_path / "s.xlsx")
    sheet = book.active
    header = next(r for r in sheet.iter_rows() if r[1].value == "姓名")
    cols = {c.value: c.column - 1 for c in header}
    listed = [r for r in sheet.iter_rows(min_row=header[0].row + 1) if isinstance(r[0].value, int)]
    rows = {r[1].value: r for r in listed}  # the two 张伟 share a key; ``listed`` has both
    note = cols["备注"]
    # 陈国华 is excused from meetings but owes his dues; 赵磊 leaves in June (the month only): both
    # printed after the 应到 rows and not counted in 应到
    assert rows["陈国华"][note].value == "免参加" and rows["陈国华"][cols["本月应交（元）"]].value
    assert rows["赵磊"][note].value == "本月转出"
    footer = next(r[0].value for r in sheet.iter_rows() if str(r[0].value or "").startswith("应到"))
    assert footer.startswith(f"应到 {len(listed) - 2} 人")
    # every one signs and pays what the sheet says, but 邓超 (who paid nothing in the 台账
    # for June either) writes 44.00, and 彭燕, who paid, writes 0
    for row in listed:
        row[cols["本人签名"]].value = "√" if row[1].value != "陈国华" else None
        row[cols["实交（元）"]].value = row[cols["本月应交（元）"]].value
    rows["邓超"][cols["实交（元）"]].value = "44.00"
    rows["彭燕"][cols["实交（元）"]].value = "0"
    book.save(tmp_path / "收回的签到表.xlsx")
    done = invoke("attend", "import", str(tmp_path / "收回的签到表.xlsx"), "--date", "2017-06-14")
    assert done.exit_code == 0, done.output
    # partyday reads its own sheet back: 陈国华 once (his row, not again from the footer), and
    # the footer's 应到28 explained by 赵磊, who signed in his last month
    assert "匹配 30 人" in done.output and "免参加 0→1" in done.output
    assert "表尾“应到28人”未计本月转出（花名册只写了月份）的赵磊" in done.output
    assert "请核对" not in done.output
    assert invoke("dues", "import", "2017党费台账.xlsx").exit_code == 0
    result = invoke("dues", "report", "--year", "2017", "--as-of", "2017-06-30", "-f", "json")
    said = json.loads(result.stdout)["answers_vs_ledger"]
    # 赵磊's 台账 has “/” for June (转出): the 105.00 he wrote on the sheet is for the 书记 to settle
    assert said == ["赵磊：6月14日签到时填“实交 105.00 元”（已交），台账6月没有登记交纳",
                    "邓超：6月14日签到时填“实交 44.00 元”（已交），台账6月没有登记交纳",
                    "彭燕：6月14日签到时填“实交 0 元”（未交），台账6月已登记交纳"]


def test_a_requirement_of_the_sanhui_yike_table_is_judged_once(tmp_path, monkeypatch):
    """Seed 003's table is both the theme catalogue and [meeting_kinds]: 支部党员大会, 党课,
    主题党日 … are each one line of the report (组织生活), not one as 主题 and one again as
    组织生活, and a quarter's 党员大会 planned but without a sign-in is named by its date."""
    import json
    import shutil
    from pathlib import Path

    monkeypatch.chdir(tmp_path)
    assert invoke("init", "ws", "--scheme", "shendingshan-zhen", "--branch", "机关第一党支部").exit_code == 0
    sample = Path(__file__).resolve().parents[1] / "sample_data" / "workspace"
    shutil.copy(sample / "roster.xlsx", tmp_path / "ws" / "roster.xlsx")
    monkeypatch.chdir(tmp_path / "ws")
    assert invoke("roster", "import", "roster.xlsx", "--as-of", "2017-01-05").exit_code == 0
    config = tmp_path / "ws" / "partyday.toml"  # the seed leaves each month's day to the branch
    config.write_text(config.read_text(encoding="utf-8").replace("[schedule.dates]\n", "[schedule.dates]\n" + "".join(
        f'"2017-{m:02d}" = "2017-{m:02d}-{d}"\n' for m, d in ((1, 11), (2, 15), (3, 15))), 1), encoding="utf-8")
    assert invoke("plan", "2017").exit_code == 0
    sheet = tmp_path / "二月.csv"  # February's sign-in only
    sheet.write_bytes("机关第一党支部签到表\n时间：2017年2月15日\n序号,姓名,签名\n1,李建国,李建国\n".encode("gbk"))
    assert invoke("attend", "import", str(sheet)).exit_code == 0
    result = invoke("report", "quarterly", "-y", "2017", "-q", "1", "-f", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    kinds = {c["name"] for c in data["kinds"]["checks"]}
    themes = {c["name"] for c in data["themes"]["checks"]}
    assert {"支部党员大会", "党课", "主题党日"} <= kinds and not kinds & themes
    meeting = next(t for t in data["kinds"]["shortfalls"] if t.startswith("支部党员大会"))
    assert "计划召开，尚未导入签到" in meeting


def test_a_year_of_seed_003_plans_prints_on_one_page(tmp_path, monkeypatch):
    """Seed 003's 安排表: 12 activities whose content runs to three lines. It printed the
    table on page 1 and the 支部书记（签字） line alone on page 2; now one A4 page."""
    import shutil
    from pathlib import Path

    from tests.realclient import is_a4, pdf_pages, pdf_text, to_pdf

    monkeypatch.chdir(tmp_path)
    assert invoke("init", "ws", "--scheme", "shendingshan-zhen", "--branch", "机关第一党支部").exit_code == 0
    sample = Path(__file__).resolve().parents[1] / "sample_data" / "workspace"
    shutil.copy(sample / "roster.xlsx", tmp_path / "ws" / "roster.xlsx")
    config = tmp_path / "ws" / "partyday.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("[schedule.dates]\n", "[schedule.dates]\n" + "".join(
        f'"2017-{m:02d}" = "2017-{m:02d}-15"\n' for m in range(1, 13)), 1), encoding="utf-8")
    monkeypatch.chdir(tmp_path / "ws")
    assert invoke("roster", "import", "roster.xlsx", "--as-of", "2017-01-05").exit_code == 0
    target = tmp_path / "安排表.xlsx"
    assert invoke("plan", "2017", "-o", str(target)).exit_code == 0
    pdf = to_pdf(target)
    pages = pdf_pages(pdf)
    assert len(pages) == 1 and is_a4(pages[0])
    assert "支部书记" in pdf_text(pdf)
