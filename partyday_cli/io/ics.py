"""Activity days as an iCalendar file (RFC 5545) for phones and Outlook."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from partyday_cli.core.schedule import ActivityDay

TZID = "Asia/Shanghai"
# DTSTAMP is fixed so the same plan gives the same bytes; UIDs are what calendars match on,
# SEQUENCE (`revision`) what they compare.
_STAMP = datetime(2000, 1, 1, tzinfo=UTC)


def activity_uid(day: ActivityDay, branch: str = "") -> str:
    """Stable per planned slot, so a moved date updates the event instead of duplicating it."""
    key = f"{branch}|{day.rule}|{day.planned.isoformat()}"
    return f"partyday-{day.planned.isoformat()}-{hashlib.sha1(key.encode()).hexdigest()[:10]}@partyday"


def revision(day: ActivityDay) -> int:
    """SEQUENCE, which calendars compare to take a re-imported event as an update. Without
    a record of what was sent before, it grows the way plans change: from 暂定 (0) to
    confirmed (1), and by the days the date is moved from its planned day (a holiday moves
    it, a blackout or avoiding a 调休 day moves it further). The same plan gives the same
    number, and the same bytes."""
    return (0 if day.provisional else 1) + abs((day.date - day.planned).days)


def calendar_ics(days: Sequence[ActivityDay], year: int, branch: str = "",
                 summary: str = "党员活动日", *, time: str = "", place: str = "") -> bytes:
    """`time` ('15:00', the workspace's [schedule] time) makes each event start then, in
    local (floating) time, which phones show as Beijing time under X-WR-TIMEZONE; without
    one, or an unreadable one, events are all-day. No end time is invented: the scheme
    states none."""
    import re

    from icalendar import Calendar, Event

    from partyday_cli.core.rules import parse_rules

    clock = re.fullmatch(r"\s*([01]?\d|2[0-3])[:：]([0-5]\d)\s*", time or "")

    cal = Calendar()
    cal.add("prodid", "-//partyday//党员活动日//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{branch}{year}年党员活动日")
    cal.add("x-wr-timezone", TZID)
    for day in days:
        event = Event()
        event.add("uid", activity_uid(day, branch))
        event.add("dtstamp", _STAMP)
        event.add("sequence", revision(day))
        if clock:
            event.add("dtstart", datetime(day.date.year, day.date.month, day.date.day,
                                          int(clock[1]), int(clock[2])))
        else:
            event.add("dtstart", day.date)
            event.add("dtend", day.date + timedelta(days=1))
        title = f"{branch}{summary}" + ("（暂定）" if day.provisional else "")
        event.add("summary", title)
        if place:
            event.add("location", place)
        try:
            rule = "、".join(r.describe() for r in parse_rules(day.rule)) if day.rule else ""
        except Exception:  # noqa: BLE001 - a rule the plan stored as text: shown as it is
            rule = day.rule
        notes = [f"规则：{rule}"] if rule else []
        if day.reason:
            notes.append(day.reason)
        event.add("description", "\n".join(notes))
        event.add("transp", "OPAQUE")
        cal.add_component(event)
    return cal.to_ical()
