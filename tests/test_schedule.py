"""The year's schedule against official arrangements: acceptance dates and properties."""

from datetime import date

import chinese_calendar
from hypothesis import given, settings
from hypothesis import strategies as st

from partyday_cli.core.policy import POLICIES, Policy
from partyday_cli.core.rules import parse_rules
from partyday_cli.core.schedule import ScheduleRequest, build_schedule
from partyday_cli.io.holidays import work_calendar


def schedule(year, rule, policy="after-holiday", **kw):
    req = ScheduleRequest(year=year, rules=parse_rules(rule), policy=Policy(policy), **kw)
    return build_schedule(req, work_calendar([], allow_provisional=False))


def test_2017_second_wednesday():
    days = schedule(2017, "month.week2.wed")
    assert len(days) == 12
    assert [d.date for d in days if d.date.month == 4] == [date(2017, 4, 12)]


def test_two_fridays_a_month_give_24_dates():
    assert len(schedule(2017, "每月第二周、第四周的星期五", "nearest")) == 24


def test_2024_february_moves_to_the_makeup_sunday():
    feb = [d for d in schedule(2024, "month.week2.wed") if d.planned.month == 2][0]
    assert (feb.planned, feb.date, feb.moved) == (date(2024, 2, 14), date(2024, 2, 18), True)
    assert "春节" in feb.reason and "2月18日" in feb.reason
    assert feb.weekday == "星期日"


def test_avoid_makeup_days_skips_the_makeup_sunday():
    feb = [d for d in schedule(2024, "month.week2.wed", avoid_makeup_days=True)
           if d.planned.month == 2][0]
    assert feb.date == date(2024, 2, 19)


def test_2026_first_friday_next_week_all_working_days():
    days = schedule(2026, "month.first.fri", "next-week")
    assert len(days) == 12
    assert all(chinese_calendar.is_workday(d.date) for d in days)
    oct_day = [d for d in days if d.planned.month == 10][0]
    # 10月2日 is in the National Day holiday; a week later, 10月9日, is a working Friday.
    assert (oct_day.planned, oct_day.date) == (date(2026, 10, 2), date(2026, 10, 9))
    assert "国庆节" in oct_day.reason and "顺延一周" in oct_day.reason


def test_next_week_moves_again_when_it_lands_on_a_holiday():
    # 2026: a fixed date on 30 Sept is before the holiday; 1 Oct + 7 = 8 Oct is still a
    # working day, so use 2020 (holiday 1–8 Oct): 1 Oct → 8 Oct (holiday) → 15 Oct.
    req_day = date(2020, 10, 1)
    days = schedule(2020, "month.day1", "next-week", fixed_dates={10: req_day})
    oct_day = [d for d in days if d.planned.month == 10][0]
    assert oct_day.date == date(2020, 10, 15)
    assert oct_day.reason.count("顺延一周") == 2


def test_nearest_prefers_the_same_month_and_later_on_ties():
    # 2017-10-13 (Fri) is a working day; 2017-10-06 (Fri) is in the National Day holiday
    # (1–8 Oct). Nearest working day: 9 Oct (3 days later) vs 30 Sept (Sat, a makeup
    # workday, but in September) → 9 Oct.
    days = schedule(2017, "month.first.fri", "nearest")
    oct_day = [d for d in days if d.planned.month == 10][0]
    assert oct_day.date == date(2017, 10, 9)


def test_keep_flags_but_does_not_move():
    feb = [d for d in schedule(2024, "month.week2.wed", "keep") if d.planned.month == 2][0]
    assert feb.date == date(2024, 2, 14) and not feb.moved and feb.flagged
    assert "不调整" in feb.reason


def test_skip_months_and_blackouts():
    days = schedule(2017, "month.first.fri", "next-week", skip_months=frozenset({2, 8}),
                    blackouts={date(2017, 5, 5): "县党代会"})
    assert len(days) == 10 and {d.planned.month for d in days}.isdisjoint({2, 8})
    may = [d for d in days if d.planned.month == 5][0]
    assert may.date == date(2017, 5, 12) and "县党代会" in may.reason


def test_fixed_dates_win_and_are_checked():
    days = schedule(2017, "month.week2.wed", "next-workday",
                    fixed_dates={5: date(2017, 5, 12), 10: date(2017, 10, 3)})
    by_month = {d.planned.month: d for d in days}
    assert by_month[5].date == date(2017, 5, 12) and by_month[5].rule == "schedule.dates"
    assert by_month[10].date == date(2017, 10, 9) and "国庆节" in by_month[10].reason


def test_december_date_sees_next_years_new_year_holiday():
    # The 2008 notice put 30–31 Dec 2007 in the 元旦 holiday and made Sat 29 Dec a workday.
    days = schedule(2007, "month.lastworkday")
    assert [d.date for d in days if d.date.month == 12] == [date(2007, 12, 29)]


RULES = ["month.week2.wed", "month.first.fri", "month.last.fri",
         "month.week2.fri,month.week4.fri", "month.day15", "month.workday1",
         "month.lastworkday", "month.week1.mon", "month.day1"]


@settings(max_examples=150, deadline=None)
@given(year=st.integers(2005, 2026), rule=st.sampled_from(RULES),
       policy=st.sampled_from(POLICIES), avoid=st.booleans())
def test_schedule_properties(year, rule, policy, avoid):
    days = schedule(year, rule, policy, avoid_makeup_days=avoid)
    again = schedule(year, rule, policy, avoid_makeup_days=avoid)
    assert days == again  # deterministic
    per_rule = len(parse_rules(rule))
    planned_months = [d.planned.month for d in days]
    assert all(planned_months.count(m) == per_rule for m in range(1, 13))
    for d in days:
        if d.date.month != d.planned.month:
            assert d.moved and f"{d.date.month}月" in d.reason
        if policy == "keep":
            assert d.date == d.planned
            continue
        assert chinese_calendar.is_workday(d.date), d
        if avoid:
            assert d.date.weekday() < 5, d
        if d.moved:
            assert d.reason and f"{d.date.month}月{d.date.day}日" in d.reason
