"""Whether a saved plan still agrees with the holiday data: a plan made provisionally
(before the State Council notice was imported) keeps its estimated days until it is
planned again, so the notice's import, `remind` and `doctor` say so, with the days the
official arrangement now makes days off."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any


def stale_plan_lines(ws: Any, years: set[int] | list[int], *, ledger: Any = None,
                     from_day: date | None = None) -> list[str]:
    """One Chinese line per year of `years` whose saved plan was made provisionally while
    official data for it now exists (activities on or after `from_day` only)."""
    from partyday_cli.errors import UserError
    from partyday_cli.io.holidays import arrangement_for, holiday_dirs
    from partyday_cli.store.activities import activities_in_year

    if ledger is None:
        if not ws.ledger_path.is_file():
            return []
        from partyday_cli.store.ledger import open_ledger

        with open_ledger(ws.ledger_path) as opened:
            return stale_plan_lines(ws, years, ledger=opened, from_day=from_day)
    dirs = holiday_dirs(ws.root)
    out = []
    for year in sorted(set(years)):
        acts = [a for a in activities_in_year(ledger, year) if a.provisional
                and (from_day is None or a.date >= from_day)]
        if not acts:
            continue
        try:
            official = arrangement_for(year, dirs, allow_provisional=False)
        except UserError:  # still no notice: the plan is provisional and says so itself
            continue
        off = sorted({a.date for a in acts if _off(official, a.date)})
        days = "、".join(f"{d.month}月{d.day}日（{official.days_off.get(d) or '休息日'}）" for d in off)
        out.append(f"{year} 年的活动计划是在放假安排公布前按暂定安排排出的（{len(acts)} 次活动）"
                   + (f"，其中 {days} 按正式放假安排不是工作日" if off else "")
                   + f"。请重新运行 partyday plan {year}，按正式安排重排（已有签到记录的日期保留）")
    return out


def _off(arrangement: Any, day: date) -> bool:
    found = arrangement.is_workday(day)
    return (day.weekday() >= 5) if found is None else not found


def official_day_off(ws: Any) -> Callable[[date], str | None]:
    """date → why it is not a working day by the official arrangement of its year ('春节',
    '休息日'), or None (a working day, or a year with no official arrangement yet): for a
    notice about to go out for a day planned provisionally (`partyday remind`)."""
    from partyday_cli.errors import UserError
    from partyday_cli.io.holidays import arrangement_for, holiday_dirs

    dirs = holiday_dirs(ws.root)
    cache: dict[int, Any] = {}

    def check(day: date) -> str | None:
        if day.year not in cache:
            try:
                cache[day.year] = arrangement_for(day.year, dirs, allow_provisional=False)
            except UserError:
                cache[day.year] = None
        official = cache[day.year]
        if official is None or not _off(official, day):
            return None
        return official.days_off.get(day) or "休息日"

    return check
