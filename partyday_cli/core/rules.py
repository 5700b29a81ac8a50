"""Schedule rules: which day of each month is the activity day.

A rule is written dotted (`month.week2.wed`) or as the Chinese phrase of a 实施方案
(每月第二周星期三). Several dotted specs are joined by `,`; a Chinese phrase may name
several weeks (每月第二周、第四周的星期五). A user may paste the whole sentence of their
scheme: the phrase is found inside it.
"""

from __future__ import annotations

import calendar as _cal
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from partyday_cli.errors import UserError

WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_ZH = "一二三四五六日"
WEEK_DEFS = ("nth", "calendar", "full")
WEEK_DEF_ZH = {"nth": "第N个星期X", "calendar": "含1日的周为第1周", "full": "第一个完整周为第1周"}

ZH_NUMERALS = ("零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十")
_ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}


def zh_number(text: str) -> int:
    """'十五' → 15, '廿三' → 23, '初一' → 1, '2' → 2, '三十' → 30."""
    text = text.strip().removeprefix("初")
    if text.isdigit():
        return int(text)
    text = text.replace("廿", "二十").replace("卅", "三十")
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_ZH_DIGITS[tens] if tens else 1) * 10 + (_ZH_DIGITS[ones] if ones else 0)
    if len(text) == 1 and text in _ZH_DIGITS:
        return _ZH_DIGITS[text]
    raise ValueError(text)


def zh_weekday(text: str) -> int:
    """'三' → 2 (Wednesday); 日/天/七 → 6."""
    text = {"天": "日", "七": "日"}.get(text, text)
    return WEEKDAY_ZH.index(text)


@dataclass(frozen=True)
class Rule:
    """One rule spec. `kind` is one of week, first, last, day, workday, lastworkday, lunar,
    once (每月开展一次: once a month on a day the branch decides, [schedule.dates])."""

    kind: str
    n: int = 0  # week number, day of month, workday index or lunar day
    weekday: int = 0  # 0 = Monday

    @property
    def spec(self) -> str:
        wd = WEEKDAY_KEYS[self.weekday]
        return {
            "week": f"month.week{self.n}.{wd}",
            "first": f"month.first.{wd}",
            "last": f"month.last.{wd}",
            "day": f"month.day{self.n}",
            "workday": f"month.workday{self.n}",
            "lastworkday": "month.lastworkday",
            "lunar": f"lunar.day{self.n}",
            "once": "month.once",
        }[self.kind]

    def describe(self, week_def: str = "nth") -> str:
        """The rule in Chinese, as a scheme would write it."""
        wd = "星期" + WEEKDAY_ZH[self.weekday]
        if self.kind == "week":
            return f"每月第{ZH_NUMERALS[self.n]}周{wd}" + ("" if week_def == "nth" else
                                               f"（{WEEK_DEF_ZH[week_def]}）")
        return {
            "first": f"每月第一个{wd}",
            "last": f"每月最后一个{wd}",
            "day": f"每月{self.n}日",
            "workday": f"每月第{ZH_NUMERALS[self.n] if self.n < 11 else self.n}个工作日",
            "lastworkday": "每月最后一个工作日",
            "lunar": f"每月农历{self.n}日",
            "once": "每月开展一次（日期由支部确定）",
        }[self.kind]


def rules_spec(rules: tuple[Rule, ...]) -> str:
    return ",".join(r.spec for r in rules)


# -- parsing ---------------------------------------------------------------------------

_DOTTED = re.compile(
    r"^(?:month\.(?:week(?P<week>[1-5])\.(?P<wd1>mon|tue|wed|thu|fri|sat|sun)"
    r"|(?P<fl>first|last)\.(?P<wd2>mon|tue|wed|thu|fri|sat|sun)"
    r"|day(?P<day>[1-9]|[12]\d|3[01])"
    r"|workday(?P<wdn>[1-9]|1\d|2[0-3])"
    r"|(?P<lastwd>lastworkday)|(?P<once>once))"
    r"|lunar\.day(?P<lunar>[1-9]|[12]\d|30))$"
)

_NUM = r"(?:\d{1,2}|[一二两三四五六七八九十廿卅]{1,3})"
_WD = r"(?:星期|周|礼拜)(?P<wd>[一二三四五六日天七])"
_ZH_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # 每月第二周、第四周的星期五 / 每月第2周和第4周周五 / 每月第二、四周星期三
    ("week", re.compile(
        rf"第(?P<weeks>{_NUM}(?:\s*周)?(?:\s*[、,，和及与]\s*第?\s*{_NUM}(?:\s*周)?)*)"
        rf"\s*周?\s*的?\s*{_WD}")),
    ("first", re.compile(rf"第(?:一|1)个\s*{_WD}")),
    ("last", re.compile(rf"最后一(?:个|周的?)\s*{_WD}")),
    ("nth", re.compile(rf"第(?P<n>{_NUM})个\s*{_WD}")),
    ("lastworkday", re.compile(r"最后一个工作日")),
    ("workday", re.compile(rf"第(?P<n>{_NUM})个工作日")),
    ("lunar", re.compile(r"农历(?:每月)?(?:每月)?(?P<n>初[一二三四五六七八九十]|十[一二三四五六七八九]?"
                         r"|二十[一二三四五六七八九]?|廿[一二三四五六七八九]|三十|\d{1,2})(?:日|号)?")),
    ("day", re.compile(rf"每月(?P<n>{_NUM})\s*(?:日|号)")),
    # 每月开展一次 / 每月确定一天 / 每月固定一天: no day stated, the branch fills [schedule.dates]
    ("once", re.compile(r"每月(?:开展|举行|举办|组织|安排)?(?:一次|1次)|每月(?:确定|固定)(?:一|1)天")),
]


def _bad_rule(text: str) -> UserError:
    text = " ".join(str(text).split())  # pasted text may hold line breaks: one line
    return UserError(
        f"无法识别活动日规则“{text}”。请写成如 month.week2.wed、month.first.fri、"
        "month.last.fri、month.day15、month.workday1、month.lastworkday、lunar.day15、month.once，"
        "或方案原文如“每月第二周星期三”“每月第一个星期五”“每月15日”“每月农历十五”“每月开展一次”"
    )


def parse_rules(text: str) -> tuple[Rule, ...]:
    """Parse `--rule`: dotted specs joined by ',' or a Chinese phrase (or a whole sentence)."""
    raw = (text or "").strip()
    if not raw:
        raise _bad_rule(text)
    parts = [p.strip().lower() for p in re.split(r"[,，]", raw) if p.strip()]
    if parts and all(p.startswith(("month.", "lunar.")) for p in parts):
        rules = []
        for part in parts:
            m = _DOTTED.match(part)
            if not m:
                raise _bad_rule(part)
            rules.append(_from_dotted(m))
        return _dedupe(rules)
    rules = _from_chinese(raw)
    if not rules:
        raise _bad_rule(raw)
    return _dedupe(rules)


def _dedupe(rules: list[Rule]) -> tuple[Rule, ...]:
    seen: dict[Rule, None] = {}
    for r in rules:
        seen.setdefault(r, None)
    return tuple(seen)


def _from_dotted(m: re.Match[str]) -> Rule:
    g = m.groupdict()
    if g["week"]:
        return Rule("week", int(g["week"]), WEEKDAY_KEYS.index(g["wd1"]))
    if g["fl"]:
        return Rule(g["fl"], 0, WEEKDAY_KEYS.index(g["wd2"]))
    if g["day"]:
        return Rule("day", int(g["day"]))
    if g["wdn"]:
        return Rule("workday", int(g["wdn"]))
    if g["lastwd"]:
        return Rule("lastworkday")
    if g["once"]:
        return Rule("once")
    return Rule("lunar", int(g["lunar"]))


def _from_chinese(text: str) -> list[Rule]:
    # full-width digits and spaces are common in pasted text
    text = text.translate(str.maketrans("０１２３４５６７８９　", "0123456789 "))
    for kind, pattern in _ZH_PATTERNS:
        m = pattern.search(text)
        if not m:
            continue
        try:
            return _rules_from_match(kind, m)
        except (ValueError, KeyError):
            raise _bad_rule(text) from None
    return []


def _rules_from_match(kind: str, m: re.Match[str]) -> list[Rule]:
    g = m.groupdict()
    wd = zh_weekday(g["wd"]) if g.get("wd") else 0
    if kind == "week":
        weeks = [zh_number(w) for w in re.findall(_NUM, g["weeks"])]
        if any(not 1 <= w <= 5 for w in weeks):
            raise ValueError(weeks)
        return [Rule("week", w, wd) for w in weeks]
    if kind == "first":
        return [Rule("first", 0, wd)]
    if kind == "last":
        return [Rule("last", 0, wd)]
    if kind == "nth":  # 第三个星期五: the N-th occurrence is week N under the nth reading
        n = zh_number(g["n"])
        if not 1 <= n <= 5:
            raise ValueError(n)
        return [Rule("week", n, wd)]
    if kind in ("lastworkday", "once"):
        return [Rule(kind)]
    n = zh_number(g["n"])
    limit = {"workday": 23, "lunar": 30, "day": 31}[kind]
    if not 1 <= n <= limit:
        raise ValueError(n)
    return [Rule(kind, n)]


# -- dates of a month ------------------------------------------------------------------


class RuleDateError(UserError):
    """A rule asks for a date the month does not have."""


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date | None:
    first = date(year, month, 1)
    offset = (weekday - first.weekday()) % 7
    day = first + timedelta(days=offset + 7 * (n - 1))
    return day if day.month == month else None


def _last_weekday(year: int, month: int, weekday: int) -> date:
    last = date(year, month, _cal.monthrange(year, month)[1])
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _week_day(rule: Rule, year: int, month: int, week_def: str) -> date:
    wd_zh = "星期" + WEEKDAY_ZH[rule.weekday]
    if week_def == "nth":
        found = _nth_weekday(year, month, rule.weekday, rule.n)
        if found is None:
            raise RuleDateError(
                f"{year}年{month}月没有第{rule.n}个{wd_zh}（规则 {rule.spec}）。"
                f"请改用 month.last.{WEEKDAY_KEYS[rule.weekday]}，或用 --skip-months 跳过该月"
            )
        return found
    first = date(year, month, 1)
    if week_def == "calendar":
        week1_monday = first - timedelta(days=first.weekday())
    else:  # full: the first Monday on or after the 1st
        week1_monday = first + timedelta(days=(7 - first.weekday()) % 7)
    day = week1_monday + timedelta(days=7 * (rule.n - 1) + rule.weekday)
    if day.month != month:
        raise RuleDateError(
            f"按“{week_def}”周算法（{WEEK_DEF_ZH[week_def]}），{year}年{month}月第{rule.n}周的"
            f"{wd_zh}是{day.month}月{day.day}日，不在{month}月内。"
            "请改用 --week-def nth，或用 --skip-months 跳过该月"
        )
    return day


def month_dates(rule: Rule, year: int, month: int, week_def: str,
                is_workday: Callable[[date], bool]) -> list[date]:
    """The date(s) the rule gives in one month, before any holiday move.

    Every kind gives one date, except `lunar`, which gives each date of the month whose
    lunar day is `n` (zero, one or two), and `once`, which gives none: the branch
    decides the day ([schedule.dates]).
    """
    if rule.kind == "once":
        return []
    if rule.kind == "week":
        return [_week_day(rule, year, month, week_def)]
    if rule.kind == "first":
        return [_nth_weekday(year, month, rule.weekday, 1)]  # type: ignore[list-item]
    if rule.kind == "last":
        return [_last_weekday(year, month, rule.weekday)]
    days_in_month = _cal.monthrange(year, month)[1]
    if rule.kind == "day":
        if rule.n > days_in_month:
            raise RuleDateError(
                f"{year}年{month}月只有{days_in_month}天，没有{rule.n}日（规则 {rule.spec}）。"
                "请改用 month.lastworkday，或用 --skip-months 跳过该月"
            )
        return [date(year, month, rule.n)]
    days = [date(year, month, d) for d in range(1, days_in_month + 1)]
    if rule.kind in ("workday", "lastworkday"):
        workdays = [d for d in days if is_workday(d)]
        if rule.kind == "lastworkday":
            return [workdays[-1]]
        if rule.n > len(workdays):
            raise RuleDateError(
                f"{year}年{month}月只有{len(workdays)}个工作日，没有第{rule.n}个（规则 {rule.spec}）"
            )
        return [workdays[rule.n - 1]]
    return [d for d in days if lunar_day(d) == rule.n]


def lunar_day(day: date) -> int:
    """The day of the lunar month (1–30), from the lunar-python library."""
    from lunar_python import Solar  # 20 ms; only the lunar rule needs it

    return Solar.fromYmd(day.year, day.month, day.day).getLunar().getDay()
