"""Rules and policies: dotted specs, the seeds' Chinese phrases, and every week reading."""

from datetime import date

import pytest

from partyday_cli.core.policy import find_policy, parse_policy
from partyday_cli.core.rules import Rule, month_dates, parse_rules, zh_number
from partyday_cli.errors import UserError


def _weekdays_only(day: date) -> bool:
    return day.weekday() < 5


@pytest.mark.parametrize(
    ("text", "spec"),
    [
        ("month.week2.wed", "month.week2.wed"),
        ("每月第二周星期三", "month.week2.wed"),
        ("每月第2周周三", "month.week2.wed"),
        ("每月第一个星期五", "month.first.fri"),
        ("每月最后一个星期五", "month.last.fri"),
        ("每月第二周、第四周的星期五", "month.week2.fri,month.week4.fri"),
        ("month.week2.fri,month.week4.fri", "month.week2.fri,month.week4.fri"),
        ("每月15日", "month.day15"),
        ("每月15号", "month.day15"),
        ("每月第一个工作日", "month.workday1"),
        ("每月最后一个工作日", "month.lastworkday"),
        ("每月农历十五", "lunar.day15"),
        ("农历每月初一", "lunar.day1"),
        ("lunar.day15", "lunar.day15"),
        ("MONTH.WEEK2.WED", "month.week2.wed"),
        ("每月第３周礼拜天", "month.week3.sun"),
        # seed 000 scheme 1, verbatim sentence
        ("每月第二周星期三确定为全乡“党员活动日”,逢国家法定节假日顺延至收假后三个工作日内进行",
         "month.week2.wed"),
        # seed 000 scheme 2
        ("原则上每月固定一天为“党员固定活动日”,确定为每月第一个星期五。", "month.first.fri"),
        # seed 001
        ("党员固定活动日每月至少两次，时间为每月第二周、第四周的星期五，遇节假日可顺延或提前。",
         "month.week2.fri,month.week4.fri"),
    ],
)
def test_rule_phrases(text, spec):
    assert ",".join(r.spec for r in parse_rules(text)) == spec


@pytest.mark.parametrize("text", ["", "month.week9.wed", "month.day32",
                                  "每周三", "lunar.day31", "随便写的", "\x00\x01"])
def test_unknown_rule_is_a_chinese_error(text):
    with pytest.raises(UserError) as err:
        parse_rules(text)
    assert "无法识别活动日规则" in err.value.message


@pytest.mark.parametrize(
    ("text", "name", "window"),
    [
        ("after-holiday", "after-holiday", 3),
        ("after-holiday:5", "after-holiday", 5),
        ("逢法定节假日顺延至收假后三个工作日内", "after-holiday", 3),
        ("逢国家法定节假日顺延至收假后三个工作日内", "after-holiday", 3),
        ("顺延一周", "next-week", 3),
        ("当天如遇法定节假日或重大活动等特殊情况，时间顺延一周。", "next-week", 3),
        ("遇节假日可顺延或提前", "nearest", 3),
        ("顺延", "next-workday", 3),
        ("提前", "prev-workday", 3),
        ("不调整", "keep", 3),
        ("next-week", "next-week", 3),
        ("keep", "keep", 3),
    ],
)
def test_policy_phrases(text, name, window):
    policy = parse_policy(text)
    assert (policy.name, policy.window) == (name, window)


def test_policy_found_in_a_pasted_rule_sentence():
    sentence = "每月第二周星期三确定为全乡“党员活动日”,逢国家法定节假日顺延至收假后三个工作日内进行"
    assert find_policy(sentence).name == "after-holiday"
    assert find_policy("每月第二周星期三") is None


def test_unknown_policy_is_a_chinese_error():
    with pytest.raises(UserError) as err:
        parse_policy("看情况")
    assert "无法识别节假日处理方式" in err.value.message


def test_zh_numbers():
    assert [zh_number(t) for t in ("一", "十", "十五", "二十", "廿三", "三十", "初一", "初十", "12")] \
        == [1, 10, 15, 20, 23, 30, 1, 10, 12]


# 2017-04: Sat 1st. nth: 2nd Wed = 12th; calendar: week 1 is Mon 27 Mar–Sun 2 Apr,
# so week 2's Wednesday is the 5th; full: first full week starts Mon 3rd → week 2 Wed 12th.
# 2017-03: Wed 1st. nth 8th; calendar 8th; full: first Monday 6th → week 2 Wed 15th.
@pytest.mark.parametrize(
    ("week_def", "month", "expected"),
    [("nth", 4, date(2017, 4, 12)), ("calendar", 4, date(2017, 4, 5)),
     ("full", 4, date(2017, 4, 12)), ("nth", 3, date(2017, 3, 8)),
     ("calendar", 3, date(2017, 3, 8)), ("full", 3, date(2017, 3, 15))],
)
def test_week_definitions(week_def, month, expected):
    rule = parse_rules("month.week2.wed")[0]
    assert month_dates(rule, 2017, month, week_def, _weekdays_only) == [expected]


def test_calendar_week_outside_the_month_names_the_month():
    # 2017-03 starts on a Wednesday: under `calendar`, week 1's Monday is 27 February.
    rule = Rule("week", 1, 0)
    with pytest.raises(UserError) as err:
        month_dates(rule, 2017, 3, "calendar", _weekdays_only)
    assert "2017年3月" in err.value.message and "2月27日" in err.value.message


def test_missing_fifth_weekday_is_an_error():
    with pytest.raises(UserError) as err:
        month_dates(Rule("week", 5, 2), 2017, 2, "nth", _weekdays_only)
    assert "2017年2月没有第5个星期三" in err.value.message


def test_lunar_rule_uses_the_lunar_calendar():
    # 2017 中秋 (八月十五) was 4 October; 2024 元宵 (正月十五) was 24 February.
    rule = parse_rules("每月农历十五")[0]
    assert date(2017, 10, 4) in month_dates(rule, 2017, 10, "nth", _weekdays_only)
    assert month_dates(rule, 2024, 2, "nth", _weekdays_only) == [date(2024, 2, 24)]


@pytest.mark.parametrize("phrase", ["顺延两周", "提前一周", "遇节假日顺延3天", "推迟2周"])
def test_a_move_by_a_span_partyday_cannot_do_is_refused_not_misread(phrase):
    """顺延两周 read as 顺延 (the next working day) would put the day a week early: refused,
    naming the phrase and what can be written instead."""
    from partyday_cli.core.policy import parse_policy

    with pytest.raises(UserError) as err:
        parse_policy(phrase)
    assert phrase in str(err.value) and "顺延一周" in str(err.value)


@pytest.mark.parametrize("phrase, name", [("顺延一周", "next-week"), ("推迟1周", "next-week"),
                                          ("提前3天通知党员，遇节假日顺延一周", "next-week"), ("提前", "prev-workday")])
def test_the_spans_partyday_does_are_still_read(phrase, name):
    from partyday_cli.core.policy import parse_policy

    assert parse_policy(phrase).name == name
