"""A year's official holiday arrangement and the working-day calendar built on it.

An `Arrangement` is data with its source next to it: the days off of the announced
holiday periods (each with the holiday's Chinese name) and the weekend dates that are
official working days (调休上班). Where the data comes from (chinese-calendar, a notice
file, an estimate) is decided in `partyday_cli.io.holidays`; this module only answers
"is this date a working day, and if not, why".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

WEEKDAYS_ZH = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")

SOURCE_PACKAGE = "chinese-calendar"
SOURCE_NOTICE = "notice-file"
SOURCE_PROVISIONAL = "provisional"


@dataclass(frozen=True)
class Arrangement:
    """The holiday arrangement announced for one year.

    `days_off` maps each date of a holiday period to the holiday's Chinese name (春节,
    国庆节, …). Weekend dates inside or next to a period may be listed. A notice for
    year Y may also name dates of December Y-1 (元旦 periods that start early).
    `makeup_workdays` maps each weekend date that is an official working day to the
    holiday it was swapped for.
    """

    year: int
    source: str
    days_off: Mapping[date, str] = field(default_factory=dict)
    makeup_workdays: Mapping[date, str] = field(default_factory=dict)
    note: str = ""

    @property
    def provisional(self) -> bool:
        return self.source == SOURCE_PROVISIONAL

    def is_workday(self, day: date) -> bool | None:
        """True/False where this arrangement decides the date, None where it is silent."""
        if day in self.makeup_workdays:
            return True
        if day in self.days_off:
            return False
        return None


def is_weekend(day: date) -> bool:
    return day.weekday() >= 5


def weekday_zh(day: date) -> str:
    return WEEKDAYS_ZH[day.weekday()]


def month_day_zh(day: date) -> str:
    """'10月4日' — how notices and reasons write a date."""
    return f"{day.month}月{day.day}日"


@dataclass(frozen=True)
class DayInfo:
    """What the calendar knows of one date."""

    day: date
    workday: bool
    holiday: str | None  # the holiday's Chinese name when the date is in a holiday period
    makeup: bool  # a weekend date that is an official working day (调休上班)
    provisional: bool


class WorkCalendar:
    """Answers whether a date is an official working day, across years.

    `arrangement_for(year)` is called lazily, once per year; it returns the year's
    `Arrangement` or raises `UserError` (no data for that year). A date in December also
    consults the next year's arrangement when one is available, because a notice for
    year Y may move days of December Y-1.
    """

    def __init__(self, arrangement_for: Callable[[int], Arrangement]):
        self._arrangement_for = arrangement_for
        self._cache: dict[int, Arrangement | Exception] = {}

    def arrangement(self, year: int) -> Arrangement:
        found = self._cache.get(year)
        if found is None:
            try:
                found = self._arrangement_for(year)
            except Exception as exc:  # remembered so a missing year is asked once
                found = exc
            self._cache[year] = found
        if isinstance(found, Exception):
            raise found
        return found

    def _next_year_hint(self, day: date) -> Arrangement | None:
        if day.month != 12:
            return None
        try:
            nxt = self.arrangement(day.year + 1)
        except Exception:
            return None
        return None if nxt.provisional else nxt

    def info(self, day: date) -> DayInfo:
        own = self.arrangement(day.year)
        for arr in (self._next_year_hint(day), own):
            if arr is None:
                continue
            decided = arr.is_workday(day)
            if decided is True:
                return DayInfo(day, True, None, True, arr.provisional)
            if decided is False:
                return DayInfo(day, False, arr.days_off[day], False, arr.provisional)
        return DayInfo(day, not is_weekend(day), None, False, own.provisional)

    def is_workday(self, day: date) -> bool:
        return self.info(day).workday

    def add_workdays(self, day: date, n: int) -> date:
        """The n-th official working day after `day` (记实表 deadlines: 活动后5个工作日内)."""
        from datetime import timedelta

        found = 0
        while found < n:
            day += timedelta(days=1)
            if self.is_workday(day):
                found += 1
        return day
