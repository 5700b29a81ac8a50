"""Reading a 花名册 as branches keep it: what the secretary would see read, and every
problem reported with its row and column."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from partyday_cli.errors import UserError
from partyday_cli.io.roster import EXEMPT_SINCE_UNKNOWN, read_note, read_roster

HEAD = ["序号", "姓名", "性别", "出生年月", "党员类别", "入党时间", "转正时间", "人员类别", "联系电话", "月收入", "离退休费", "备注"]


def _book(path: Path, rows: list[list[object]], merges: tuple[str, ...] = (), title: str = "花名册") -> Path:
    """A workbook whose first sheet holds `rows` from row 1 (None = empty cell)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row or [], start=1):
            if value is not None:
                ws.cell(r, c, value)
    for cells in merges:
        ws.merge_cells(cells)
    wb.save(path)
    return path


def _real_roster(path: Path) -> Path:
    """Shaped like a branch's own file: title, 填报日期, a merged two-row header, a blank
    row, a section title merged across, typed dates and amounts, a footer."""
    rows = [
        ["机关第一党支部党员花名册"],
        ["填报日期：2017年1月"],
        ["序号", "党员基本信息", None, None, "党员类别", "入党时间", "转正时间", "人员类别", "联系电话", "月收入（元）", "离退休费", "备注"],
        [None, "姓 名", "性别", "出生年月"],
        [1, "王建国", "男", "1960.05", "正式党员", date(1985, 7, 1), date(1986, 7, 1), "退休", 13800001111, None, "4,800", "2017年6月转出"],
        [2, "李 梅", "女", date(1990, 7, 8), "预备", "2017-04-18", None, "在职", "139-0000-2222", "6200.5", None, None],
        [],
        [3, "王建国", "男", "19700101", "正式", "1995年7月1日", "1996.7", "在职党员", "13700003333", 6200, None, "年老体弱，经支部委员会研究同意免参加组织生活"],
        ["二、预备党员（1人）"],
        [4, "阿依古丽 · 买买提", "女", "1992年6月", "预备党员", None, None, "学生", None, None, None, "2017年4月18日接收为预备党员"],
        [5, "赵　强", "男", 1992.06, "正式", "2010/7/1", "2011-7-1", "下岗", "", "", "", "2015年3月转入"],
        [],
        ["制表人：张三", None, None, None, "审核人：李四", None, None, "日期：2017年1月5日"],
    ]
    merges = ("A1:L1", "B3:D3", "A3:A4", *(f"{c}3:{c}4" for c in "EFGHIJKL"), "A9:L9")
    return _book(path, rows, merges)


def _problems(result) -> list[tuple[int | None, str | None, str]]:
    return [(p.row, p.column, p.message) for p in result.problems]


# --------------------------------------------------------------------------- a real roster


def test_real_roster_reads_every_member(tmp_path):
    result = read_roster(_real_roster(tmp_path / "花名册.xlsx"))
    assert result.problems == []
    assert [(m.name, m.source_row) for m in result.members] == [
        ("王建国", 5), ("李梅", 6), ("王建国", 8), ("阿依古丽·买买提", 10), ("赵强", 11)]
    wang, li, wang2, ayi, zhao = result.members

    assert wang.birth_date == date(1960, 5, 1)
    assert (wang.party_status, wang.joined, wang.full_member_date) == ("正式", date(1985, 7, 1), date(1986, 7, 1))
    assert wang.category == "离退休" and wang.income == Decimal("4800")  # from 离退休费
    assert wang.phone == "13800001111"
    assert wang.transferred_out == date(2017, 6, 1)
    assert wang.is_member_on(date(2017, 5, 31)) and not wang.is_member_on(date(2017, 6, 1))

    # 预备 approved mid-year: a member from that day, 预备 since
    assert (li.party_status, li.joined, li.full_member_date) == ("预备", date(2017, 4, 18), None)
    assert not li.is_member_on(date(2017, 4, 17)) and li.status_on(date(2017, 5, 1)) == "预备"
    assert li.income == Decimal("6200.5") and li.phone == "13900002222"

    assert wang2.full_member_date == date(1996, 7, 1) and wang2.category == "在职"
    assert wang2.exempt_from == EXEMPT_SINCE_UNKNOWN and wang2.exempt_until is None
    assert wang2.exempt_reason == "年老体弱，经支部委员会研究同意免参加组织生活"
    assert not wang2.is_expected_on(date(2017, 3, 1))

    assert ayi.joined == date(2017, 4, 18) and ayi.category == "学生" and ayi.birth_date == date(1992, 6, 1)
    assert zhao.birth_date == date(1992, 6, 1)  # 1992.06 typed into a number cell
    assert zhao.category == "下岗失业" and zhao.transferred_in == date(2015, 3, 1)


def test_real_roster_tells_what_the_notes_said(tmp_path):
    result = read_roster(_real_roster(tmp_path / "花名册.xlsx"))
    assert result.readings == [
        "第5行 王建国：备注“2017年6月转出” → 2017年6月转出（只写了月份：2017年6月的活动，签到了的仍计入应到，没有签到的不计）",
        "第8行 王建国：备注“年老体弱，经支部委员会研究同意免参加组织生活” → 免参加组织生活（未写起始日期，按一直免参加处理）",
        "第9行“二、预备党员（1人）”看作分节标题，未作为党员读取",
        "第10行 阿依古丽·买买提：备注“2017年4月18日接收为预备党员” → 入党时间 2017-04-18",
        "第11行 赵强：备注“2015年3月转入” → 2015-03-01 起转入（只写了月份，按当月1日起计入应到；如需准确，请写明日期）",
    ]


def test_a_note_that_may_bear_on_attendance_and_is_not_read_is_said(tmp_path):
    """helper-31 #6: 支教, 停止党籍, 拟调离 were ignored without a word."""
    rows = [["党员花名册"], ["序号", "姓名", "人员类别", "备注"],
            [1, "王建国", "在职", "2026年9月起赴新疆支教一年"], [2, "李梅", "在职", "停止党籍"],
            [3, "赵强", "在职", "2026年下半年拟调离"], [4, "张三", "在职", "党小组长"],
            [5, "李四", "在职", "联系电话 0755-83216789，住址变更"], [6, "王五", "在职", "2018年4月延期转正"]]
    result = read_roster(_book(tmp_path / "花名册.xlsx", rows, ()))
    said = [w for w in result.warnings if "未能读出对应到、出勤的影响" in w]
    assert [w.split("：")[0] for w in said] == ["第3行 王建国", "第4行 李梅", "第5行 赵强"]
    assert "停止党籍期间如不应计入，请在备注写明“免参加”" in said[1]
    assert "如“2026年9月至2027年7月赴新疆支教，已请假”" in said[0]


def test_an_expected_full_membership_is_not_taken_as_one_and_a_short_probation_is_said(tmp_path):
    """helper-33 #17: “预计2027年6月转正” became a firm 2027-06-01; 转正 under a year after
    入党 (预备期一年) passed unremarked."""
    assert read_note("预计2027年6月转正").changes == {}
    rows = [["党员花名册"], ["序号", "姓名", "人员类别", "入党时间", "转正时间", "备注"],
            [1, "邓超", "在职", "2026-05-15", "2027-05-01", ""], [2, "彭慧", "在职", "2026-11-20", "2027-11-20", ""]]
    result = read_roster(_book(tmp_path / "花名册.xlsx", rows, ()))
    short = [w for w in result.warnings if "不满一年" in w]
    assert len(short) == 1 and short[0].startswith("第3行 邓超：转正时间 2027-05-01 距入党时间 2026-05-15 不满一年")


def test_same_name_members_are_kept_apart(tmp_path):
    result = read_roster(_real_roster(tmp_path / "花名册.xlsx"))
    wangs = [m for m in result.members if m.name == "王建国"]
    assert len(wangs) == 2 and wangs[0].key != wangs[1].key


def test_reading_does_not_change_the_file(tmp_path):
    path = _real_roster(tmp_path / "花名册.xlsx")
    digest, mtime = hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns
    read_roster(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    assert path.stat().st_mtime_ns == mtime
    assert sorted(p.name for p in tmp_path.iterdir()) == ["花名册.xlsx"]


# --------------------------------------------------------------------------- problems


def test_every_problem_is_reported_with_row_and_column(tmp_path):
    rows = [
        ["党员花名册"],
        HEAD,
        [1, "张三", "男", "1990.13.01", "正式", "2001-07-01", None, "退伍军人", None, None, None, None],
        [2, "李四", "女", None, "积极分子", "不详", None, "在职", None, "约五千", None, None],
        [3, None, "男", None, None, None, None, None, None, None, None, "请假"],
        [4, "王五", "男", None, "正式", "2001-07-01", "2000-07-01", "在职", None, 5000, None, "已转出"],
        [5, "赵六", "女", None, "正式", None, None, "在职", None, None, 3000, None],
    ]
    result = read_roster(_book(tmp_path / "roster.xlsx", rows))
    found = {(row, col): message for row, col, message in _problems(result)}
    assert set(found) == {(3, "D"), (3, "H"), (4, "E"), (4, "F"), (4, "J"), (5, "B"), (6, "G"), (6, "L"), (7, "K")}
    assert "出生年月“1990.13.01”不是有效日期" in found[3, "D"]
    assert "人员类别“退伍军人”无法识别。可填：在职、离退休" in found[3, "H"]
    assert "党员类别“积极分子”无法识别" in found[4, "E"]
    assert "入党时间“不详”" in found[4, "F"]
    assert "月收入“约五千”不是有效金额" in found[4, "J"]
    assert "“姓名”是空的" in found[5, "B"]
    assert "早于入党时间" in found[6, "G"]
    assert "没有写明年月" in found[6, "L"]
    assert "只填了离退休费" in found[7, "K"]
    first = str(result.problems[0])
    assert first.startswith("roster.xlsx 工作表“花名册” 第3行 D列：")


def test_identical_rows_are_a_problem(tmp_path):
    rows = [HEAD, [1, "张三", "男"], [2, "李四"], [3, "张 三", "男"]]
    result = read_roster(_book(tmp_path / "r.xlsx", rows))
    [problem] = result.problems
    assert problem.row == 4 and "与第2行重复" in problem.message
    assert str(problem).startswith("r.xlsx 工作表“花名册” 第4行：与第2行重复")


def test_same_name_told_apart_by_phone_or_group(tmp_path):
    head = ["姓名", "党小组", "联系电话"]
    rows = [head, ["刘洋", "第一党小组", "13800001111"], ["刘洋", "第一党小组", "13900002222"], ["刘洋", "第二党小组", ""]]
    result = read_roster(_book(tmp_path / "r.xlsx", rows))
    assert result.problems == []
    assert len({m.key for m in result.members}) == 3


def test_missing_name_column_names_the_sheet(tmp_path):
    rows = [["党员花名册"], ["人员", "性别", "入党时间"], ["张三", "男", "2001-07-01"]]
    result = read_roster(_book(tmp_path / "r.xlsx", rows, title="2017年"))
    [problem] = result.problems
    assert (problem.sheet, problem.row) == ("2017年", 2)
    assert problem.message.startswith("找不到“姓名”列")
    assert "性别、入党时间" in problem.message
    assert result.members == []


def test_not_a_roster_at_all(tmp_path):
    result = read_roster(_book(tmp_path / "r.xlsx", [["会议记录"], ["时间", "地点"]], title="记录"))
    [problem] = result.problems
    assert problem.sheet == "记录" and "找不到“姓名”列" in problem.message


def test_unreadable_file_is_a_user_error(tmp_path):
    path = tmp_path / "花名册.xlsx"
    path.write_text("姓名,性别\n")
    with pytest.raises(UserError, match="花名册.xlsx"):
        read_roster(path)


def test_id_number_stored_as_a_number(tmp_path):
    rows = [["姓名", "身份证号"], ["张三", 110101199001011234], ["李四", "11010119900101123X"]]
    result = read_roster(_book(tmp_path / "r.xlsx", rows))
    [(row, column, message)] = _problems(result)
    assert (row, column) == (2, "B") and "存成了数字" in message
    assert result.members[1].id_number == "11010119900101123X"


# --------------------------------------------------------------------------- layouts


def test_footer_and_what_is_below_it(tmp_path):
    rows = [HEAD, [1, "张三"], [None, "合计：1人"], [None, "王五", "男", None, "正式", "2001-07-01"]]
    result = read_roster(_book(tmp_path / "r.xlsx", rows))
    assert [m.name for m in result.members] == ["张三"]
    [(row, column, message)] = _problems(result)
    assert row == 4 and "表尾（第3行）之下" in message


def test_prenumbered_blank_rows_and_formula_zeros_are_skipped(tmp_path):
    rows = [["序号", "姓名", "月收入", "月交党费"], [1, "张三", 6200, 93], [2, None, None, 0], [3], [4], [None, "以下空白"]]
    result = read_roster(_book(tmp_path / "r.xlsx", rows))
    assert result.problems == [] and result.readings == []
    assert [(m.name, m.dues_override) for m in result.members] == [("张三", Decimal("93"))]


def test_repeated_header_and_subtotal_rows(tmp_path):
    rows = [["姓名", "党小组"], ["张三", "一组"], ["小计：1人"], ["姓名", "党小组"], ["李四", "二组"]]
    result = read_roster(_book(tmp_path / "r.xlsx", rows))
    assert [m.name for m in result.members] == ["张三", "李四"] and result.problems == []


def test_branches_by_column(tmp_path):
    rows = [["姓名", "所在支部", "党小组"], ["张三", "第一 党支部", "一组"], ["李四", "第二党支部", ""]]
    result = read_roster(_book(tmp_path / "r.xlsx", rows))
    assert [(m.name, m.branch, m.group) for m in result.members] == [("张三", "第一党支部", "一组"), ("李四", "第二党支部", "")]


def test_branch_cell_merged_down_over_its_members(tmp_path):
    rows = [["所在支部", "姓名"], ["第一党支部", "张三"], [None, "李四"], ["第二党支部", "王五"]]
    result = read_roster(_book(tmp_path / "r.xlsx", rows, merges=("A2:A3",)))
    assert [(m.name, m.branch) for m in result.members] == [("张三", "第一党支部"), ("李四", "第一党支部"), ("王五", "第二党支部")]


def test_one_sheet_per_branch(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "填表说明"
    wb.active["A1"] = "请按样表填写姓名等信息"
    for branch, name in (("第一党支部", "张三"), ("第二党支部", "李四")):
        ws = wb.create_sheet(branch)
        ws.append(["姓名", "性别"])
        ws.append([name, "男"])
    wb.save(tmp_path / "党委.xlsx")
    result = read_roster(tmp_path / "党委.xlsx")
    assert [(m.name, m.branch) for m in result.members] == [("张三", "第一党支部"), ("李四", "第二党支部")]
    assert result.readings[0] == "工作表“第一党支部”没有“所在支部”列 → 按工作表名记为所在支部“第一党支部”"


def test_gbk_csv_roster(tmp_path):
    text = "姓名,性别,入党时间,人员类别,月收入\r\n张三,男,1990.07.08,在职,\"4,800\"\r\n李四,女,1992年6月,离退休,3000元\r\n"
    path = tmp_path / "花名册.csv"
    path.write_bytes(text.encode("gbk"))
    result = read_roster(path)
    assert result.problems == []
    assert [(m.name, m.joined, m.category, m.income) for m in result.members] == [
        ("张三", date(1990, 7, 8), "在职", Decimal("4800")),
        ("李四", date(1992, 6, 1), "离退休", Decimal("3000")),
    ]


def test_csv_problem_has_no_sheet(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("姓名,入党时间\n张三,不详\n", encoding="utf-8")
    [problem] = read_roster(path).problems
    assert str(problem).startswith("r.csv 第2行 B列：入党时间“不详”不是有效日期")


def test_pension_without_category_means_retired(tmp_path):
    rows = [["姓名", "人员类别", "退休金", "党费标准"], ["张三", None, "5,100.00", None], ["李四", "农民", None, "0.50"]]
    result = read_roster(_book(tmp_path / "r.xlsx", rows))
    assert result.problems == []
    assert [(m.category, m.income, m.dues_override) for m in result.members] == [
        ("离退休", Decimal("5100.00"), None), ("农民", None, Decimal("0.50"))]
    assert result.readings == ["第2行 张三：人员类别未填，填了离退休费 → 按离退休处理"]


@pytest.mark.parametrize(
    ("typed", "category"),
    [("在职", "在职"), ("离休", "离退休"), ("退休人员", "离退休"), ("农民党员", "农民"), ("在校学生", "学生"),
     ("失业", "下岗失业"), ("低保户", "低保"), ("其它", "其他"), ("", "在职")],
)
def test_categories_as_typed(tmp_path, typed, category):
    result = read_roster(_book(tmp_path / "r.xlsx", [["姓名", "身份"], ["张三", typed]]))
    assert result.problems == [] and result.members[0].category == category


# --------------------------------------------------------------------------- 备注


@pytest.mark.parametrize(
    ("note", "changes"),
    [
        ("2017年6月转出", {"transferred_out": date(2017, 6, 1), "transferred_out_precision": "month"}),
        ("2017.6转出", {"transferred_out": date(2017, 6, 1), "transferred_out_precision": "month"}),
        ("已转出（2017年6月）", {"transferred_out": date(2017, 6, 1), "transferred_out_precision": "month"}),
        ("2017年6月18日组织关系转出至市委党校支部", {"transferred_out": date(2017, 6, 18)}),
        ("2017年6月，转出至XX支部", {"transferred_out": date(2017, 6, 1), "transferred_out_precision": "month"}),
        ("2017年3月转入", {"transferred_in": date(2017, 3, 1)}),
        ("2015年3月转入，2017年6月转出", {"transferred_in": date(2015, 3, 1), "transferred_out": date(2017, 6, 1),
                                   "transferred_out_precision": "month"}),
        ("2019年3月病故", {"transferred_out": date(2019, 3, 1), "transferred_out_precision": "month"}),
        ("2017年4月18日转为预备党员", {"joined": date(2017, 4, 18)}),
        ("2018年4月18日按期转正", {"full_member_date": date(2018, 4, 18)}),
        ("2018年4月延期转正", {}),
        ("联系电话 0755-83216789，住址变更", {}),
        ("连续6个月无故不参加组织生活", {}),
        ("经教育仍不参加活动", {}),  # no approval: not an exemption
        ("长期不参加活动", {}),
        ("", {}),
    ],
)
def test_note_events(note, changes):
    reading = read_note(note)
    assert reading.changes == changes
    assert reading.problems == []


@pytest.mark.parametrize(
    ("note", "since", "until"),
    [
        ("年老体弱，经支部委员会研究同意免参加组织生活", EXEMPT_SINCE_UNKNOWN, None),
        ("长期患病，免参加组织生活", EXEMPT_SINCE_UNKNOWN, None),
        ("经批准不参加组织生活", EXEMPT_SINCE_UNKNOWN, None),
        ("2017年3月起因病免参加组织生活", date(2017, 3, 1), None),
        ("2017年3月至2018年2月出国，经支部同意免参加组织生活", date(2017, 3, 1), date(2018, 2, 28)),
        ("因病免参加组织生活至2018年2月15日", EXEMPT_SINCE_UNKNOWN, date(2018, 2, 15)),
        # seed 001's own words: 经本人申请、所属党支部审核同意可以不参加有关活动
        ("年老体弱，经本人申请、支部审核同意不参加活动", EXEMPT_SINCE_UNKNOWN, None),
        ("卧病在床，经本人申请、所属党支部审核同意可以不参加有关活动", EXEMPT_SINCE_UNKNOWN, None),
    ],
)
def test_note_exemptions(note, since, until):
    reading = read_note(note)
    assert reading.changes == {"exempt_from": since, "exempt_until": until, "exempt_reason": note}


@pytest.mark.parametrize(
    ("note", "since", "until", "reason"),
    [
        # helper-30's roster: still expected, 请假 over the period where no file shows them present
        ("2026年3月至9月因公出国，已向支部请假", date(2026, 3, 1), date(2026, 9, 30), "因公出国"),
        ("长期病假（4月起）", date(2025, 4, 1), None, "长期病假"),  # no year: the April before the roster's day
        ("长期病假（2026年4月起）", date(2026, 4, 1), None, "长期病假"),
        ("病假至6月", EXEMPT_SINCE_UNKNOWN, date(2026, 6, 30), "病假"),  # the review: it ended in the year 1
        ("病假，截至2026年6月30日", EXEMPT_SINCE_UNKNOWN, date(2026, 6, 30), "病假"),
        ("2026年4月病假，至6月", date(2026, 4, 1), date(2026, 6, 30), "病假"),
        ("2016年7月入党，2017年6月转入，长期病假", EXEMPT_SINCE_UNKNOWN, None, "长期病假"),
        ("长期病假", EXEMPT_SINCE_UNKNOWN, None, "长期病假"),  # no dates: while this roster holds, said
        ("2026.5.10-2026.6.30住院", date(2026, 5, 10), date(2026, 6, 30), "住院"),
        ("2026年11月至2027年2月产假", date(2026, 11, 1), date(2027, 2, 28), "产假"),
        ("2025年12月至3月出国探亲", date(2025, 12, 1), date(2026, 3, 31), "出国探亲"),  # into the next year
        ("事假（2026年4月15日至5月20日）", date(2026, 4, 15), date(2026, 5, 20), "事假"),
        ("2026年5月病假", date(2026, 5, 1), date(2026, 5, 31), "病假"),  # a month: that month
        ("2026年5月起病假", date(2026, 5, 1), None, "病假"),
        ("外出务工，已请假", EXEMPT_SINCE_UNKNOWN, None, "流动党员"),
        # helper-31: seeds 000/002's 外出流动党员 — not 缺席 each month, nor 党章第九条's 自行脱党
        ("外出务工（流动党员），每月电话联系", EXEMPT_SINCE_UNKNOWN, None, "流动党员"),
        ("2026年3月起外出务工", date(2026, 3, 1), None, "流动党员"),
        ("2026年3月，出国，已请假", date(2026, 3, 1), date(2026, 3, 31), "出国"),
        # helper-31 #6: a range of months, and an end in a clause of its own
        ("3-9月出国", date(2026, 3, 1), date(2026, 9, 30), "出国"),
        ("2026年3—9月因公出国", date(2026, 3, 1), date(2026, 9, 30), "因公出国"),
        ("2026年4月起长期病假，至2026年6月", date(2026, 4, 1), date(2026, 6, 30), "长期病假"),
        ("2026年5月10日住院，至6月20日", date(2026, 5, 10), date(2026, 6, 20), "住院"),
    ],
)
def test_note_leaves(note, since, until, reason):
    reading = read_note(note, as_of=date(2026, 1, 1))
    changes = {k: v for k, v in reading.changes.items() if k.startswith("leave_")}
    assert changes == {"leave_from": since, "leave_until": until, "leave_reason": reason}
    assert reading.problems == [] and "请假" in reading.said[-1]
    assert ("未写" in reading.said[-1]) == (until is None and reason != "流动党员" or since == EXEMPT_SINCE_UNKNOWN)


@pytest.mark.parametrize("note", ["无故不请假，多次缺席", "年老体弱，长期病假，经支部同意免参加组织生活",
                                  "2017年3月至2018年2月出国，经支部同意免参加组织生活"])
def test_leave_words_that_are_not_a_leave(note):
    reading = read_note(note, as_of=date(2026, 1, 1))
    assert "leave_from" not in reading.changes
    if "免参加" in note:
        assert reading.changes["exempt_reason"] == note


def test_note_keeps_dates_the_roster_already_has():
    reading = read_note("2017年4月18日接收为预备党员", joined=date(2017, 4, 20))
    assert reading.changes == {} and reading.said == []


@pytest.mark.parametrize("note", ["已转出", "2017年转出", "已调出本单位"])
def test_transfer_out_without_month_is_a_problem(note):
    [message] = read_note(note).problems
    assert "没有写明年月" in message


# --------------------------------------------------------------------------- anything at all

_CELL = st.one_of(
    st.none(),
    st.text(max_size=12).map(lambda s: ILLEGAL_CHARACTERS_RE.sub("", s).lstrip("=")),
    st.integers(-10**20, 10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=date(1900, 3, 1)),
    st.datetimes(min_value=datetime(1900, 3, 1)),
    st.sampled_from(["正式", "预备", "在职", "退休", "1990.07.08", "2017年6月转出", "合计", "免参加", "4,800元", "姓名"]),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(_CELL, max_size=len(HEAD)), max_size=8), title_rows=st.integers(0, 3))
def test_random_cells_give_a_reading_or_a_user_error(tmp_path, rows, title_rows):
    path = _book(tmp_path / "random.xlsx", [["标题"]] * title_rows + [HEAD] + rows)
    try:
        result = read_roster(path)
    except UserError:
        return
    for problem in result.problems:
        assert problem.file == "random.xlsx" and problem.row is not None and problem.message
    assert all(m.name for m in result.members)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=300), encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
def test_random_csv_gives_a_reading_or_a_user_error(tmp_path, text, encoding):
    path = tmp_path / "random.csv"
    path.write_bytes(("姓名,入党时间,月收入,备注\n" + text).encode(encoding))
    try:
        result = read_roster(path)
    except UserError as err:
        assert "random.csv" in err.message
    else:
        assert all(p.file == "random.csv" and p.row for p in result.problems)


def test_a_header_merged_over_two_columns_is_read_once_and_not_called_ignored(tmp_path):
    """党员类别 merged over H:I (every row's cell merged too): it was read, and the import
    still said 未识别的列：“党员类别”，已忽略 — the secretary thought 预备党员 were lost."""
    from openpyxl import Workbook

    from partyday_cli.io.roster import read_roster

    wb = Workbook()
    ws = wb.active
    ws.append(["规划股党支部党员花名册"])
    ws.append(["序号", "基本情况", None, "党籍情况", None, None, None, "人员类别"])
    ws.append([None, "姓名", "性别", "入党时间", "转正时间", "党员类别", None, None])
    ws.merge_cells("B2:C2")
    ws.merge_cells("D2:G2")
    ws.merge_cells("F3:G3")
    for i, (name, status) in enumerate((("刘洋", "预备党员"), ("郑红梅", "正式党员")), start=1):
        ws.append([i, name, "女", "2016.07.01", None, status, None, "在职"])
        ws.merge_cells(f"F{3 + i}:G{3 + i}")
    path = tmp_path / "花名册.xlsx"
    wb.save(path)
    read = read_roster(path)
    assert not read.problems
    assert {m.name: m.party_status for m in read.members} == {"刘洋": "预备", "郑红梅": "正式"}
    assert read.ignored_columns == []


def test_a_party_member_system_export_is_read_as_it_means(tmp_path):
    """The 全国党员管理信息系统 export: its “人员类别” holds 正式党员/预备党员 (the 党员类别),
    its 所在党支部 is the full name (中共某县教育局机关第一支部委员会), 工作岗位 says 离退休人员,
    党籍状态 停止党籍. Read as the file means it, each reading said."""
    from partyday_cli.core.members import assign_branches
    from partyday_cli.io.roster import read_roster

    book = openpyxl.Workbook()
    book.active.append(["序号", "姓名", "性别", "人员类别", "所在党支部", "入党日期", "工作岗位", "党籍状态"])
    book.active.append([1, "李建国", "男", "正式党员", "中共某县教育局机关第一支部委员会", "2000-07-01", "公务员", "正常"])
    book.active.append([2, "李娜", "女", "预备党员", "中共某县教育局机关第一支部委员会", "2025-04-10", "教师", "正常"])
    book.active.append([3, "陈国华", "男", "正式党员", "中共某县教育局机关第二支部委员会", "1980-10-01", "离退休人员", "正常"])
    book.active.append([4, "黄志强", "男", "正式党员", "中共某县教育局机关第二支部委员会", "1999-07-01", "其他", "停止党籍"])
    book.save(tmp_path / "系统导出.xlsx")
    read = read_roster(tmp_path / "系统导出.xlsx")
    assert read.problems == []
    got = {m.name: (m.party_status, m.category) for m in read.members}
    assert got == {"李建国": ("正式", "在职"), "李娜": ("预备", "在职"), "陈国华": ("正式", "离退休"),
                   "黄志强": ("正式", "其他")}
    assert any("按党员类别读取" in r for r in read.readings)
    assert any("黄志强" in w and "停止党籍" in w for w in read.warnings)
    readings: list[str] = []
    members, problems = assign_branches(read.members, ["机关第一党支部", "机关第二党支部"], readings)
    assert problems == [] and [m.branch for m in members] == ["机关第一党支部"] * 2 + ["机关第二党支部"] * 2
    assert "所在支部“中共某县教育局机关第一支部委员会”即 partyday.toml 中的“机关第一党支部”" in readings
