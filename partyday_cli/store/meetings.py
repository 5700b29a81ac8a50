"""Meetings of organisational life in the ledger (SPEC §12).

A meeting is an `activities` row, so the reports count its kinds with the plan's: one
row per branch and day. A meeting on a day the plan already holds adds its kinds to that
day (one meeting, several kinds); `meeting_kinds` keeps what was recorded as held, so a
new plan neither drops the meeting nor forgets its kinds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from partyday_cli.store.ledger import Ledger


@dataclass(frozen=True)
class Meeting:
    id: int
    branch: str
    date: date
    kinds: tuple[str, ...]  # every kind of the day (the plan's and the meeting's)
    meeting_kinds: tuple[str, ...]  # the kinds recorded as held
    theme: str = ""
    place: str = ""
    host: str = ""
    content: str = ""
    speaker: str = ""
    title: str = ""
    group: str = ""
    planned: bool = False  # the day is also in the year's plan
    signed: bool = False  # a sign-in file is in force


@dataclass(frozen=True)
class MeetingSaved:
    meeting: Meeting
    merged: bool  # added to a day that was already in the ledger


def _union(*lists: tuple[str, ...] | list[str]) -> list[str]:
    return list(dict.fromkeys(k for kinds in lists for k in kinds))


_COLUMNS = ("SELECT a.id, a.branch, a.date, a.kinds, a.meeting_kinds, a.theme, a.place, a.host, a.content, "
            "a.speaker, a.title, a.meeting_group, a.planned, EXISTS (SELECT 1 FROM attendance_files f "
            "WHERE f.activity_id = a.id AND f.superseded_by IS NULL) AS signed FROM activities a ")


def _meeting(row) -> Meeting:  # type: ignore[no-untyped-def]
    return Meeting(row["id"], row["branch"], date.fromisoformat(row["date"]), tuple(json.loads(row["kinds"])),
                   tuple(json.loads(row["meeting_kinds"])), row["theme"], row["place"], row["host"],
                   row["content"], row["speaker"], row["title"], row["meeting_group"],
                   row["planned"] is not None, bool(row["signed"]))


def save_meeting(ledger: Ledger, *, branch: str, day: date, kinds: tuple[str, ...], place: str = "",
                 host: str = "", content: str = "", speaker: str = "", title: str = "",
                 group: str = "") -> MeetingSaved:
    """Record a meeting held on `day`; on a day already in the ledger, its kinds join the
    day's and the details given replace the day's. The day's attendance is derived again
    (who is expected may change with its kinds)."""
    from partyday_cli.store.attendance import has_signin, rederive

    with ledger.transaction() as conn:
        row = conn.execute("SELECT * FROM activities WHERE branch = ? AND date = ?",
                           (branch, day.isoformat())).fetchone()
        if row is None:
            activity_id = conn.execute(
                "INSERT INTO activities (branch, date, kinds, meeting_kinds, place, host, content, speaker, "
                "title, meeting_group) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (branch, day.isoformat(), json.dumps(list(kinds), ensure_ascii=False),
                 json.dumps(list(kinds), ensure_ascii=False), place, host, content, speaker, title,
                 group)).lastrowid
        else:
            activity_id = row["id"]
            new = {"kinds": json.dumps(_union(json.loads(row["kinds"]), kinds), ensure_ascii=False),
                   "meeting_kinds": json.dumps(_union(json.loads(row["meeting_kinds"]), kinds), ensure_ascii=False)}
            for column, value in (("place", place), ("host", host), ("content", content), ("speaker", speaker),
                                  ("title", title), ("meeting_group", group)):
                if value:
                    new[column] = value
            conn.execute(f"UPDATE activities SET {', '.join(f'{c} = ?' for c in new)} WHERE id = ?",
                         (*new.values(), activity_id))
        if has_signin(ledger, activity_id) or conn.execute(
                "SELECT 1 FROM attendance_marks WHERE activity_id = ? LIMIT 1", (activity_id,)).fetchone():
            rederive(ledger, activity_id, day, branch)
    found = meetings_of(ledger, day.year, branch, day=day)
    return MeetingSaved(found[0], row is not None)


def meetings_of(ledger: Ledger, year: int, branch: str | None = None, *, day: date | None = None) -> list[Meeting]:
    """The meetings recorded as held in `year` (or on `day`), by date."""
    sql = _COLUMNS + "WHERE a.meeting_kinds != '[]' AND a.date BETWEEN ? AND ?"
    params: list[object] = ([day.isoformat()] * 2 if day is not None else [f"{year}-01-01", f"{year}-12-31"])
    if branch is not None:
        sql += " AND a.branch = ?"
        params.append(branch)
    return [_meeting(r) for r in ledger.query(sql + " ORDER BY a.date, a.branch", params)]


def meeting_scope(conn, activity_id: int) -> tuple[tuple[str, ...], str] | None:  # type: ignore[no-untyped-def]
    """(kinds, 党小组) of an activity recorded as a meeting; None for a plan-only day
    (which expects every member)."""
    row = conn.execute("SELECT kinds, meeting_kinds, meeting_group FROM activities WHERE id = ?",
                       (activity_id,)).fetchone()
    if row is None or row[1] in ("", "[]"):
        return None
    return tuple(json.loads(row[0])), row[2]


_SCOPED: dict[tuple, tuple[list, list]] = {}  # (activity, its scope, id of the list) → (list, scoped)


def expected_at_activity(conn, activity_id: int | None, expected: list) -> list:  # type: ignore[no-untyped-def]
    """Who of `expected` (id, Member) is expected at the activity: at a meeting of the
    committee or of one 党小组, only they (SPEC §12), so no one else gets an attendance row
    (never a 缺席). For the same list in, the same scoped list comes out, as
    `store.attendance.ImportCache` compares lists by identity."""
    from partyday_cli.core.meetings import expected_at

    scope = meeting_scope(conn, activity_id) if activity_id is not None else None
    if scope is None:
        return expected
    key = (activity_id, scope, id(expected))
    kept = _SCOPED.get(key)
    if kept is not None and kept[0] is expected:
        return kept[1]
    scoped = expected_at(scope[0], scope[1], expected)
    if len(scoped) == len(expected):
        return expected
    if len(_SCOPED) > 256:
        _SCOPED.clear()
    _SCOPED[key] = (expected, scoped)
    return scoped


def secretaries_of(ws, ledger: Ledger, day: date) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Each branch's 支部书记: `secretary` in partyday.toml, else the member whose 备注
    (职务) on `day` says 支部书记."""
    from partyday_cli.core.meetings import is_secretary
    from partyday_cli.store.roster import members_noted

    out = {}
    for _, m in members_noted(ledger, day, "书记"):
        if is_secretary(m.note):
            out.setdefault(m.branch, m.name)
    out.update({b.name: b.secretary for b in ws.branches if b.secretary})
    return out
