"""党费: the standard (SPEC §8), months owed, status and flags, the 党费台账 reader, the store."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from partyday_cli.core.dues import (
    DuesPolicy,
    Payment,
    dues_status,
    monthly_standard,
    months_due,
    months_list_zh,
)
from partyday_cli.core.members import Member
from partyday_cli.io.dues_ledger import month_label, payment_from_answer, read_dues_ledger

POLICY = DuesPolicy()
D = Decimal


def member(income: str | None = "5100", category: str = "在职", **kw) -> Member:
    return Member(name=kw.pop("name", "张伟"), income=None if income is None else D(income),
                  category=category, joined=kw.pop("joined", date(2008, 7, 1)), **kw)


# ------------------------------------------------------------------------ the standard


@pytest.mark.parametrize(("income", "monthly", "rate"), [
    ("0", "0.00", "0.005"),
    ("2999.99", "15.00", "0.005"),
    ("3000", "15.00", "0.005"),  # SPEC §8 example
    ("3000.01", "30.00", "0.01"),  # one rate on the whole base: no marginal brackets
    ("5000", "50.00", "0.01"),
    ("5000.01", "75.00", "0.015"),
    ("5100", "76.50", "0.015"),  # SPEC §8 example
    ("10000", "150.00", "0.015"),
    ("10000.01", "200.00", "0.02"),
    ("50000", "1000.00", "0.02"),
    ("50000.01", "1000.00", "0.02"),  # capped
    ("60000", "1000.00", "0.02"),  # capped (sample 孙浩)
    ("3332.50", "33.33", "0.01"),  # 33.325: half-up, where round() would give 33.32
    ("4100.50", "41.01", "0.01"),  # 41.005
])
def test_in_service_brackets(income, monthly, rate):
    s = monthly_standard(member(income), POLICY)
    assert (str(s.monthly), str(s.rate), s.base) == (monthly, rate, D(income))


@pytest.mark.parametrize(("income", "monthly", "rate"), [
    ("4800", "24.00", "0.005"),
    ("5000", "25.00", "0.005"),
    ("5000.01", "50.00", "0.01"),  # sample 陈国华
    ("5600", "56.00", "0.01"),
])
def test_retired_brackets(income, monthly, rate):
    s = monthly_standard(member(income, "离退休"), POLICY)
    assert (str(s.monthly), str(s.rate)) == (monthly, rate)


def test_cap_note_and_voluntary_override_above_cap():
    capped = monthly_standard(member("60000"), POLICY)
    assert capped.monthly == D("1000.00") and "1200.00" in capped.note and "上限" in capped.note
    more = monthly_standard(member("60000", dues_override=D("1200")), POLICY)
    assert more.monthly == D("1200.00") and "自愿多交" in more.note  # voluntary, not an error


@pytest.mark.parametrize(("category", "override", "policy", "monthly"), [
    ("农民", None, POLICY, "0.20"),
    ("农民", "1.00", POLICY, "1.00"),  # the roster's 党费标准 wins (sample 杨建军)
    ("农民", None, DuesPolicy(farmer_monthly=D("0.50")), "0.50"),
    ("学生", None, POLICY, "0.20"),
    ("下岗失业", None, POLICY, "0.20"),
    ("低保", None, POLICY, "0.20"),
    ("低保", "0", POLICY, "0.00"),  # 经支部同意免交
    ("学生", None, DuesPolicy(reduced_monthly=D("0.10")), "0.10"),
])
def test_fixed_amounts(category, override, policy, monthly):
    m = member(None, category, dues_override=None if override is None else D(override))
    s = monthly_standard(m, policy)
    assert str(s.monthly) == monthly and s.rate is None and not s.missing


def test_farmer_override_outside_range_is_noted():
    s = monthly_standard(member(None, "农民", dues_override=D("2")), POLICY)
    assert s.monthly == D("2.00") and "0.20–1.00" in s.note


def test_missing_income_is_said_not_guessed():
    s = monthly_standard(member(None), POLICY)
    assert s.missing and s.monthly == 0 and "月收入" in s.note
    [row] = dues_status([(1, member(None))], [], year=2017, today=date(2017, 3, 1), policy=POLICY)
    assert any("无法核定" in f for f in row.flags) and not row.arrears_months


def _oracle_cents(base_cents: int, retired: bool) -> int:
    """Integer arithmetic, no Decimal: rate in 1/10000, half-up, then the cap."""
    if retired:
        rate = 50 if base_cents <= 500_000 else 100
    else:
        rate = 50 if base_cents <= 300_000 else 100 if base_cents <= 500_000 else \
            150 if base_cents <= 1_000_000 else 200
    return min((base_cents * rate + 5000) // 10000, 100_000)


@settings(max_examples=400, deadline=None)
@given(st.integers(min_value=0, max_value=10_000_000), st.booleans())
def test_property_bracket_rate_half_up_never_above_cap(base_cents, retired):
    base = D(base_cents) / 100
    s = monthly_standard(member(str(base), "离退休" if retired else "在职"), POLICY)
    assert s.monthly == D(_oracle_cents(base_cents, retired)) / 100
    assert s.monthly <= POLICY.cap and s.monthly.as_tuple().exponent == -2
    assert isinstance(s.monthly, Decimal)


# ------------------------------------------------------------------------ months owed


def test_months_due_probationary_from_approval_month():
    m = member(joined=date(2017, 4, 10), party_status="预备")  # sample 李娜
    assert months_due(m, 2017, date(2017, 12, 31)) == [f"2017-{i:02d}" for i in range(4, 13)]


def test_months_due_transferred_out_stops_dues():
    first_day = member(transferred_out=date(2017, 6, 1))  # "2017年6月转出" → gone from 1 June
    assert months_due(first_day, 2017, date(2017, 12, 31))[-1] == "2017-05"
    mid_month = member(transferred_out=date(2017, 6, 15))  # still a member on 1–14 June
    assert months_due(mid_month, 2017, date(2017, 12, 31))[-1] == "2017-06"
    rows = dues_status([(1, first_day)], [], year=2017, today=date(2017, 12, 31), policy=POLICY)
    assert rows[0].arrears_months == tuple(f"2017-{i:02d}" for i in range(1, 6))


def test_months_due_upto_and_other_years():
    assert months_due(member(), 2017, date(2017, 3, 15)) == ["2017-01", "2017-02", "2017-03"]
    assert months_due(member(joined=date(2018, 1, 1)), 2017, date(2017, 12, 31)) == []
    assert months_due(member(), 2017, date(2016, 12, 31)) == []


# ------------------------------------------------------------------------ status and flags


def paid(*months: int, amount: str = "76.50", on: date | None = None, mid: int = 1) -> list[Payment]:
    return [Payment(mid, f"2017-{m:02d}", D(amount), on) for m in months]


def status(payments, today, policy=POLICY, m=None):  # type: ignore[no-untyped-def]
    [row] = dues_status([(1, m or member())], payments, year=2017, today=today, policy=policy)
    return row


def test_current_month_is_pending_not_arrears():
    row = status(paid(1, 2, 3, 4, 5, 6), date(2017, 7, 10))
    assert [md.status for md in row.months] == ["已交"] * 6 + ["待交"]
    assert row.arrears_months == () and row.owed_total == 0 and row.flags == ()
    assert row.paid_total == D("459.00")


def test_quarterly_payment_is_not_arrears_within_its_quarter():
    quarterly = DuesPolicy(quarterly_payment=True)
    row = status(paid(1, 2, 3), date(2017, 8, 15), quarterly)
    by_month = {md.month: md.status for md in row.months}
    assert by_month["2017-07"] == "季度内" and by_month["2017-08"] == "待交"
    assert [by_month[f"2017-0{i}"] for i in (4, 5, 6)] == ["未交"] * 3  # the quarter is over
    assert any("连续3个月" in f and "请提醒" in f for f in row.flags)
    on_time = status(paid(7, 8, 9, on=date(2017, 9, 20)), date(2017, 9, 25), quarterly)
    assert {md.month: md.status for md in on_time.months}["2017-07"] == "已交"
    without = status(paid(1, 2, 3), date(2017, 8, 15))
    assert {md.month: md.status for md in without.months}["2017-07"] == "未交"


def test_back_pay_beyond_six_months_is_flagged():
    row = status(paid(1, on=date(2017, 9, 5)) + paid(*range(2, 10)), date(2017, 9, 30))
    assert row.months[0].status == "补交"
    assert "2017年1月的党费于2017年9月补交，超过6个月" in row.flags
    within = status(paid(1, on=date(2017, 7, 5)) + paid(*range(2, 8)), date(2017, 7, 30))
    assert within.months[0].status == "补交" and within.flags == ()  # 6 months: not beyond


def test_six_consecutive_unpaid_months_is_article_nine():
    row = status([], date(2017, 7, 1))
    assert row.max_consecutive_unpaid == 6
    assert row.arrears_months == tuple(f"2017-0{i}" for i in range(1, 7))
    assert row.owed_total == D("459.00")
    assert ("连续6个月未交纳党费（2017年1月—6月），按党章第九条应视为自行脱党情形，请支部核实处理"
            in row.flags)
    assert "欠交2017年1月—6月党费，共 459.00 元" in row.flags
    assert "连续6个月未交（党章第九条）" in row.labels


def test_three_consecutive_unpaid_months_is_a_warning():
    row = status(paid(1, 2, 3), date(2017, 7, 1))
    assert row.max_consecutive_unpaid == 3
    assert ("连续3个月未交纳党费（2017年4月—6月），请提醒按时交纳（连续6个月将按党章第九条处理）"
            in row.flags)
    assert not any("党章第九条应视为" in f for f in row.flags)
    two = status(paid(1, 2, 3, 4), date(2017, 7, 1))
    assert not any("连续" in f for f in two.flags) and two.arrears_months == ("2017-05", "2017-06")


def test_thresholds_come_from_the_policy():
    row = status(paid(1, 2, 3, 4), date(2017, 7, 1), DuesPolicy(lapse_warn_months=2))
    assert any("连续2个月" in f for f in row.flags)


def test_paying_more_is_fine_and_less_is_owed():
    more = status(paid(1, 2, amount="100"), date(2017, 2, 20))
    assert more.flags == () and more.paid_total == D("200")
    less = status(paid(1, amount="70.00"), date(2017, 2, 20))
    assert less.months[0].status == "未交" and less.owed_total == D("6.50")
    assert any("少交 6.50 元" in f for f in less.flags)


def test_paying_short_is_owed_but_is_not_failing_to_pay():
    """党章第九条 speaks of 不交纳党费: a member who paid 70.00 of 76.50 from April to June
    owes 3 × 6.50 and is told so, but is not 连续3个月未交纳党费, nor near 自行脱党."""
    row = status(paid(1, 2, 3) + paid(4, 5, 6, amount="70.00"), date(2017, 7, 1))
    assert [md.status for md in row.months[3:6]] == ["未交"] * 3 and row.owed_total == D("19.50")
    assert row.max_consecutive_unpaid == 0 and not any("连续" in f for f in row.flags)
    assert "欠交2017年4月—6月党费，共 19.50 元（其中2017年4月少交 6.50 元、2017年5月少交 6.50 元、" \
           "2017年6月少交 6.50 元）" in row.flags
    # nothing paid in May: that month alone is a month not paid
    gap = status(paid(1, 2, 3, 4, 6, amount="70.00") + paid(7, 8), date(2017, 9, 1))
    assert gap.max_consecutive_unpaid == 1


def test_a_lump_payment_after_months_unpaid_is_their_bu_jiao():
    """Nothing in April and May, 3 × 76.50 in June: April and May are paid (补交, in June),
    nothing is owed, and the line says how the 229.50 was counted."""
    row = status(paid(1, 2, 3) + paid(6, amount="229.50"), date(2017, 7, 1))
    assert [(md.month, md.status, md.paid) for md in row.months[3:6]] == [
        ("2017-04", "补交", D("76.50")), ("2017-05", "补交", D("76.50")), ("2017-06", "已交", D("76.50"))]
    assert row.owed_total == 0 and row.paid_total == D("459.00") and row.max_consecutive_unpaid == 0
    assert "2017年6月交纳 229.50 元，其中 153.00 元计为补交2017年4月—5月党费" in row.flags
    # 42.00 short in June, 84.00 paid in July (补交6月): June is whole, nothing owed
    half = status(paid(1, 2, 3, 4, 5) + paid(6, amount="34.50") + paid(7, amount="118.50"), date(2017, 8, 1))
    assert half.owed_total == 0 and half.months[5].paid == D("76.50")
    # paying more with nothing owed before stays where it is (a voluntary extra)
    more = status(paid(1, 2, amount="100"), date(2017, 2, 20))
    assert [md.paid for md in more.months] == [D("100"), D("100")] and more.flags == ()


def test_a_month_paid_exactly_for_the_months_after_it_is_their_yu_jiao():
    """赵秀英, 按季度交纳, pays three months in January and nothing in February or March:
    the report said 欠交2月—3月 of money paid (due 57.00, paid 57.00, owed 38.00)."""
    row = status(paid(1, amount="229.50"), date(2017, 4, 1))
    assert [(md.month, md.status, md.paid) for md in row.months[:3]] == [
        ("2017-01", "已交", D("76.50")), ("2017-02", "已交", D("76.50")), ("2017-03", "已交", D("76.50"))]
    assert row.owed_total == 0 and row.paid_total == D("229.50")
    assert "2017年1月交纳 229.50 元，其中 153.00 元计为预交2017年2月—3月党费" in row.flags
    early = status(paid(1, amount="229.50"), date(2017, 2, 10))  # March not yet come: paid ahead
    assert [md.status for md in early.months] == ["已交"] * 3 and early.owed_total == 0
    # February paid by itself: the January excess is not a prepayment of February and March
    mixed = status(paid(1, amount="229.50") + paid(2), date(2017, 4, 1))
    assert mixed.months[0].paid == D("229.50") and mixed.arrears_months == ("2017-03",)
    # an excess that is not whole months stays where it is
    odd = status(paid(1, amount="200.00"), date(2017, 4, 1))
    assert odd.arrears_months == ("2017-02", "2017-03")


def test_december_paid_for_january_is_yu_jiao_of_the_next_year():
    """李明 pays 153.00 in December 2016 at 76.50 a month, nothing in the 2017 台账's January
    column: January 2017 is paid (预交), not 未交 with 欠交 76.50 and a reminder."""
    dec = [Payment(1, "2016-12", D("153.00"), date(2016, 12, 10))]
    row = status(dec + paid(2, 3), date(2017, 4, 1))
    assert [(md.month, md.status, md.paid) for md in row.months[:3]] == [
        ("2017-01", "已交", D("76.50")), ("2017-02", "已交", D("76.50")), ("2017-03", "已交", D("76.50"))]
    assert row.owed_total == 0 and row.paid_total == D("229.50")
    assert row.flags == ("2016年12月交纳 153.00 元，其中 76.50 元计为预交2017年1月党费",)
    assert row.labels == ("预交",)  # the 备注 of a printed 台账 says 预交, not 补交
    # December's own month only, or an excess that is not whole months: January is owed
    assert status([Payment(1, "2016-12", D("76.50"))] + paid(2, 3), date(2017, 4, 1)).arrears_months == ("2017-01",)
    assert status([Payment(1, "2016-12", D("100"))] + paid(2, 3), date(2017, 4, 1)).arrears_months == ("2017-01",)
    # January paid in its own column as well: the December excess is not a prepayment of it
    both = status(dec + paid(1, 2, 3), date(2017, 4, 1))
    assert both.flags == () and both.paid_total == D("229.50")
    # a member who joined in March owes nothing in January to prepay
    late = status(dec + paid(3), date(2017, 4, 1), m=member(joined=date(2017, 3, 5)))
    assert late.flags == () and [md.month for md in late.months] == ["2017-03", "2017-04"]  # April: 待交


def test_payment_outside_membership_is_not_due_and_flagged():
    m = member(joined=date(2017, 4, 10))
    row = status(paid(3, 4), date(2017, 4, 20), m=m)
    assert [(md.month, md.status) for md in row.months] == [("2017-03", "不适用"), ("2017-04", "已交")]
    assert any("2017年3月不在本支部党员期间" in f for f in row.flags)


def test_exempt_standard_owes_nothing():
    m = member(None, "低保", dues_override=D("0"))
    row = status([], date(2017, 7, 1), m=m)
    assert {md.status for md in row.months} == {"不适用"} and row.flags == ()


def test_months_list_zh():
    assert months_list_zh(["2017-01", "2017-02", "2017-03", "2017-05"]) == "2017年1月—3月、5月"


# ------------------------------------------------------------------------ reading a 台账


def write_ledger(path: Path, rows: list[list[object]], *, title: str = "2017年度党费收缴台账",
                 months: list[str] | None = None) -> Path:
    """A 台账 as an office keeps it: title, unit line, merged header (交纳情况 over the
    months, 姓名 over two rows), data rows, a 合计 row and column, a footer."""
    wb = Workbook()
    ws = wb.active
    ws.title = "党费台账"
    labels = months or [f"{m}月" for m in range(1, 13)]
    ws.append([title])
    ws.merge_cells("A1:T1")
    ws.append(["填报单位：机关第一党支部", "", "", "", "", "", "", "", "", "", "单位：元"])
    ws.append(["序号", "姓名", "月工资", "比例", "月应交", "交纳情况"] + [""] * 11 + ["合计", "备注"])
    ws.append(["", "", "", "", ""] + labels)
    for col in "ABCDE":
        ws.merge_cells(f"{col}3:{col}4")
    ws.merge_cells("F3:Q3")
    for i, row in enumerate(rows, start=1):
        ws.append([i, *row])
    ws.append(["合计", "", "", "", "", 1000, 1000, 1000])
    ws.append([])
    ws.append(["制表人：高峰", "", "", "", "", "审核人：李建国"])
    wb.save(path)
    return path


def test_month_labels_as_typed():
    assert month_label("1月") == (None, 1)
    assert month_label("一月") == (None, 1)
    assert month_label("十二月") == (None, 12)
    assert month_label("3月份") == (None, 3)
    assert month_label("2017年1月") == (2017, 1)
    assert month_label("2017-01") == (2017, 1)
    assert month_label("2017.10") == (2017, 10)
    assert month_label(datetime(2017, 5, 1)) == (2017, 5)
    assert month_label("合计") is None and month_label("13月") is None


def test_reads_a_real_shaped_ledger(tmp_path):
    path = write_ledger(tmp_path / "台账.xlsx", [
        ["张伟", 5100, "1.5%", 76.5, 76.5, "76.50", "￥76.5", "76.5元", "√", "已交",
         "76.50（2017年9月补交）", "×", "未交", datetime(2017, 10, 12), "", "", "=SUM(F5:Q5)"],
        ["王 芳", "4,200", 0.01, "42", 42, "", "/", "0", "补交", "", "", "", "", "", "", "", 84],
        ["王五", "", "", "", 15],
    ])
    read = read_dues_ledger(path, None)
    assert read.year == 2017 and read.problems == []
    assert [r.name for r in read.rows] == ["张伟", "王芳", "王五"]  # 合计 and footer not read
    zw = read.rows[0]
    assert zw.row == 5 and zw.declared == {"base": D("5100"), "rate": D("0.015"), "monthly": D("76.5")}
    cells = zw.months
    assert [cells[f"2017-0{m}"].amount for m in (1, 2, 3, 4)] == [D("76.5"), D("76.50"), D("76.5"),
                                                                  D("76.5")]
    assert cells["2017-05"].paid and cells["2017-05"].amount is None  # √
    assert cells["2017-06"].paid and cells["2017-06"].amount is None  # 已交
    assert cells["2017-07"].late and cells["2017-07"].paid_on == date(2017, 9, 1)
    assert not cells["2017-08"].paid and not cells["2017-09"].paid  # × 未交
    assert cells["2017-10"].paid_on == date(2017, 10, 12)  # a date typed in the cell
    assert "2017-11" not in cells and len(cells) == 10  # blank cells and 合计 column not read
    wf = read.rows[1].months
    assert wf["2017-01"].amount == D("42") and "2017-02" not in wf
    assert "2017-03" not in wf and not wf["2017-04"].paid  # "/" not applicable; 0 unpaid
    assert wf["2017-05"].late and wf["2017-05"].paid_on is None and len(wf) == 3
    assert read.rows[1].declared == {"base": D("4200"), "rate": D("0.01"), "monthly": D("42")}
    assert any("补交" in line for line in read.readings)


def test_year_from_headers_and_the_year_option(tmp_path):
    months = [f"2017年{m}月" for m in range(1, 13)]
    path = write_ledger(tmp_path / "a.xlsx", [["张伟", "", "", "", 15]], title="党费台账", months=months)
    assert read_dues_ledger(path, None).year == 2017
    wrong = read_dues_ledger(path, 2018)
    assert wrong.problems and "2017" in str(wrong.problems[0]) and "--year 2018" in str(wrong.problems[0])
    bare = write_ledger(tmp_path / "b.xlsx", [["张伟", "", "", "", 15]], title="党费台账")
    assert "--year" in str(read_dues_ledger(bare, None).problems[0])
    assert read_dues_ledger(bare, 2017).rows[0].months["2017-01"].amount == D("15")


def test_unreadable_cells_are_problems_with_row_and_column(tmp_path):
    path = write_ledger(tmp_path / "bad.xlsx", [["张伟", "", "", "", 15, "十五块", -3, "15.005"]])
    problems = [str(p) for p in read_dues_ledger(path, None).problems]
    assert len(problems) == 3
    assert "第5行" in problems[0] and "G列" in problems[0] and "“十五块”看不懂" in problems[0]


def test_no_header_is_one_chinese_error(tmp_path):
    from partyday_cli.errors import UserError

    wb = Workbook()
    wb.active.append(["姓名", "电话"])
    wb.save(tmp_path / "x.xlsx")
    with pytest.raises(UserError, match="没有找到党费台账的表头"):
        read_dues_ledger(tmp_path / "x.xlsx", 2017)


def test_two_column_months_take_the_paid_column(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["2017年党费交纳登记表"])
    ws.append(["姓名", "1月", "", "2月", ""])
    ws.append(["", "应交", "实交", "应交", "实交"])
    ws.merge_cells("A2:A3")
    ws.merge_cells("B2:C2")
    ws.merge_cells("D2:E2")
    ws.append(["张伟", 76.5, 70, 76.5, 76.5])
    wb.save(tmp_path / "two.xlsx")
    [row] = read_dues_ledger(tmp_path / "two.xlsx", None).rows
    assert {k: c.amount for k, c in row.months.items()} == {"2017-01": D("70"), "2017-02": D("76.5")}


@pytest.mark.parametrize(("text", "answer"), [
    ("是", True), ("已交", True), ("已缴纳", True), (" 已交 ", True),
    ("否", False), ("未交", False), ("", None), (None, None), ("不清楚", None),
])
def test_payment_from_answer(text, answer):
    assert payment_from_answer(text) is answer


# ------------------------------------------------------------------------ the store


def _ledger_with_rosters(tmp_path, rosters: list[tuple[date, list[Member]]]):  # type: ignore[no-untyped-def]
    from partyday_cli.store.ledger import open_ledger
    from partyday_cli.store.roster import save_roster

    ledger = open_ledger(tmp_path / "ledger.db")
    for i, (day, members) in enumerate(rosters):
        save_roster(ledger, members, sha256=f"{i:064d}", original_name=f"r{i}.xlsx",
                    archived_path="", effective_date=day)
    return ledger


def test_base_is_fixed_at_the_start_of_the_year(tmp_path):
    from partyday_cli.store.dues import members_for_year

    a, b = member("5100", name="张伟"), member("3000", name="李娜", joined=date(2017, 4, 10))
    ledger = _ledger_with_rosters(tmp_path, [
        (date(2017, 1, 1), [a]),
        (date(2017, 5, 1), [replace(a, income=D("8000")), b]),
        (date(2017, 9, 1), [replace(b, income=D("6000"))]),  # 张伟 dropped without a 转出 date
    ])
    with ledger:
        got = dict((m.name, m) for _, m in members_for_year(ledger, 2017))
        assert got["张伟"].income == D("5100")  # January's base, not May's raise
        assert got["张伟"].transferred_out == date(2017, 9, 1)
        assert got["李娜"].income == D("3000")  # first roster listing her in the year
        assert [m.name for _, m in members_for_year(ledger, 2018)] == ["李娜"]
        assert members_for_year(ledger, 2018)[0][1].income == D("6000")


def test_save_is_idempotent_and_newest_import_wins(tmp_path):
    from partyday_cli.store.dues import Unmatched, payments, save_dues_import, unmatched_names

    ledger = _ledger_with_rosters(tmp_path, [(date(2017, 1, 1), [member()])])
    with ledger:
        mid = int(ledger.query("SELECT id FROM members")[0][0])
        first = [Payment(mid, "2017-01", D("7.65")), Payment(mid, "2017-02", D("76.50"))]
        stray = [Unmatched("王 五", "王五", "党费台账", 7, ("王武",))]
        r1 = save_dues_import(ledger, first, stray, sha256="a" * 64, original_name="1.xlsx",
                              archived_path="archive/1.xlsx")
        assert (r1.payments, r1.unmatched, r1.already_imported) == (2, 1, False)
        again = save_dues_import(ledger, first, stray, sha256="a" * 64, original_name="1.xlsx",
                                 archived_path="archive/1.xlsx")
        assert again.already_imported and again.import_id == r1.import_id
        assert ledger.query("SELECT count(*) FROM dues_payments")[0][0] == 2
        assert unmatched_names(ledger, r1.import_id)[0].suggestions == ("王武",)
        corrected = [Payment(mid, "2017-01", D("76.50"), date(2017, 1, 12))]
        save_dues_import(ledger, corrected, [], sha256="b" * 64, original_name="2.xlsx",
                         archived_path="")
        got = payments(ledger, 2017)
        assert [(p.month, p.amount, p.paid_on) for p in got] == [
            ("2017-01", D("76.50"), date(2017, 1, 12)), ("2017-02", D("76.50"), None)]
        assert payments(ledger, 2016) == []


def test_a_taizhang_writes_a_transfer_and_a_lump_back_payment_as_offices_do(tmp_path):
    """“转出” in the month a member left is no payment and no problem; “138（6月补交4-6月）” is
    138.00 paid in June (the rules credit April and May from it), not a cell refused."""
    path = write_ledger(tmp_path / "台账.xlsx", [["林涛", "", "", "", 78, 78, "转出"],
                                                ["罗敏", "", "", "", 46, 46, 46, "", "", "138（6月补交4-6月）"]])
    read = read_dues_ledger(path, 2017)
    assert read.problems == []
    rows = {r.name: r for r in read.rows}
    assert sorted(rows["林涛"].months) == ["2017-01", "2017-02"]
    june = rows["罗敏"].months["2017-06"]
    assert june.amount == Decimal("138") and june.paid_on == date(2017, 6, 1)


def test_months_before_the_first_recorded_month_are_not_owed():
    """A 台账 whose first column is 2025年12月 (then 2026年1—12月) says nothing of January to
    November 2025: they are 未登记, not eleven months 未交 and 自行脱党."""
    monthly = monthly_standard(member(), POLICY).monthly
    paid = [Payment(1, "2025-12", monthly)]
    [row] = dues_status([(1, member())], paid, year=2025, today=date(2026, 12, 7), policy=POLICY,
                        recorded_until="2025-12", recorded_from="2025-12")
    assert [md.status for md in row.months] == ["未登记"] * 11 + ["已交"]
    assert row.owed_total == 0 and not row.flags
    [before] = dues_status([(1, member())], paid, year=2025, today=date(2026, 12, 7), policy=POLICY,
                           recorded_until="2025-12")  # without the start, as before
    assert before.owed_total == monthly * 11 and before.flags


def test_the_month_of_a_move_within_the_dangwei_is_owed_once_in_the_old_branch(tmp_path):
    """一党员0 moves to 二支部 on 15 September (the 身份证号 says it is he): September is
    一支部's month (he was its member on the 1st and pays it in its 台账); 二支部 owes from
    October, not September a second time (his 一支部 payment showed 已交 there too)."""
    from dataclasses import replace as copy

    from partyday_cli.store.dues import members_for_year
    from partyday_cli.store.ledger import open_ledger
    from partyday_cli.store.roster import save_roster

    members = [Member(f"{b[0]}党员{i}", b, joined=date(2010, 7, 1), income=D("4000"),
                      id_number=f"1101051980010{k}{i:04d}") for k, b in enumerate(("一支部", "二支部")) for i in range(3)]
    moved = [copy(m, branch="二支部", transferred_in=date(2017, 9, 15)) if m.name == "一党员0" else m for m in members]
    with open_ledger(tmp_path / "ledger.db") as ledger:
        save_roster(ledger, members, sha256="b" * 64, original_name="1月.xlsx", archived_path="",
                    effective_date=date(2017, 1, 1))
        save_roster(ledger, moved, sha256="c" * 64, original_name="9月.xlsx", archived_path="",
                    effective_date=date(2017, 9, 15))
        lines = [(m.branch, months_due(m, 2017, date(2017, 12, 31)))
                 for _, m in members_for_year(ledger, 2017) if m.name == "一党员0"]
    assert lines == [("一支部", [f"2017-{n:02d}" for n in range(1, 10)]), ("二支部", ["2017-10", "2017-11", "2017-12"])]
