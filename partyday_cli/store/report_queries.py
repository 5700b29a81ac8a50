"""The ledger reads behind `partyday report` (SPEC §6, §13), few and grouped in SQL.

Sized for a 党委 of 500 branches and 30,000 members with a year of monthly attendance
(≈ 360,000 rows): counts come from GROUP BY over the attendance index, row by row only
where the report needs the order (members with an unexcused absence) or the exact dues
rules (members whose dues are not simply paid in full: `core.dues.dues_status`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any, NamedTuple

from partyday_cli.core.members import Member
from partyday_cli.core.report import (
    ActivityCounts,
    DuesLine,
    MemberInfo,
    MemberTally,
    Period,
    dues_line,
    paid_in_full_line,
)
from partyday_cli.store.ledger import Ledger
from partyday_cli.store.roster import _import_in_force


def _cursor(ledger: Ledger) -> sqlite3.Cursor:
    cur = ledger.conn.cursor()
    cur.row_factory = None  # plain tuples: several times faster than sqlite3.Row here
    cur.execute("PRAGMA mmap_size = 1073741824")  # reads without a copy per page (this connection only)
    return cur


def _scope(start: date, end: date, branch: str | None) -> tuple[str, list[object]]:
    """A subquery of the activity ids in [start, end] (of one branch)."""
    sql = "SELECT id FROM activities WHERE date BETWEEN ? AND ?"
    params: list[object] = [start.isoformat(), end.isoformat()]
    if branch is not None:
        sql += " AND branch = ?"
        params.append(branch)
    return sql, params


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


# --------------------------------------------------------------------------- attendance


def read_attendance(ledger: Ledger, period: Period, branch: str | None = None
                    ) -> tuple[list[ActivityCounts], dict[int, MemberTally]]:
    """The year's activities up to the period's end, each with its rows counted by status
    and whether a sign-in file is in force (before one is, rows are only hand-set marks);
    and each member's rows over the same months and within the period, with the dated
    rows (`events`) of the members with at least one 缺席.

    Four reads: the activities with their row counts, the rows per member (both from the
    attendance index), the rows that are not 出席/迟到/早退 (a tenth of them), and the rows
    of the members with a 缺席."""
    import json

    cur = _cursor(ledger)
    scope, params = _scope(period.year_start, period.end, branch)
    inner, inner_params = _scope(period.start, period.end, branch)
    where = scope.replace("SELECT id FROM activities WHERE ", "")
    acts = cur.execute(
        "SELECT id, branch, date, theme, kinds, status, record_filed_on,"
        " (SELECT count(*) FROM attendance t WHERE t.activity_id = a.id),"
        " EXISTS (SELECT 1 FROM attendance_files f WHERE f.activity_id = a.id AND f.superseded_by IS NULL)"
        f" FROM activities a WHERE {where} ORDER BY date, branch", params).fetchall()
    dates = {row[0]: date.fromisoformat(row[2]) for row in acts}
    tallies: dict[int, MemberTally] = {}
    for mid, n, in_period in cur.execute(
            f"SELECT member_id, count(*), sum(activity_id IN ({inner})) FROM attendance"
            f" WHERE activity_id IN ({scope}) GROUP BY member_id", [*inner_params, *params]):
        tallies[mid] = MemberTally(mid, rows=n, period_rows=in_period or 0)
    field = {"请假": "excused", "缺席": "absent", "补学": "makeup", "免参加": "exempt"}
    by_activity: dict[int, dict[str, int]] = {}
    absentees = set()
    for aid, mid, status in cur.execute(
            f"SELECT activity_id, member_id, status FROM attendance WHERE activity_id IN ({scope})"
            " AND status IN ('请假', '缺席', '补学', '免参加')", params):
        counts = by_activity.setdefault(aid, {})
        counts[status] = counts.get(status, 0) + 1
        tally, name = tallies[mid], field[status]
        setattr(tally, name, getattr(tally, name) + 1)
        if period.start <= dates[aid]:
            setattr(tally, "period_" + name, getattr(tally, "period_" + name) + 1)
        if status == "缺席":
            absentees.add(mid)
    if absentees:
        for aid, mid, status in cur.execute(
                f"SELECT activity_id, member_id, status FROM attendance WHERE activity_id IN ({scope})"
                " AND +member_id IN (SELECT value FROM json_each(?))", [*params, _json_ids(absentees)]):
            tallies[mid].events.append((dates[aid], status))
        for mid in absentees:
            tallies[mid].events.sort()
    activities = []
    for aid, br, _, theme, kinds, status, filed, n, signed in acts:
        counts = by_activity.get(aid, {})
        activities.append(ActivityCounts(
            aid, br, dates[aid], theme, tuple(json.loads(kinds or "[]")), status, _day(filed), n,
            counts.get("请假", 0), counts.get("缺席", 0), counts.get("补学", 0), counts.get("免参加", 0),
            bool(signed)))
    return activities, tallies


def _json_ids(ids: Iterable[int]) -> str:
    return "[" + ",".join(str(int(i)) for i in ids) + "]"


def member_directory(ledger: Ledger, day: date) -> dict[int, MemberInfo]:
    """Name, branch, 党小组 and phone of every member, as the roster in force on `day`
    says (members it does not mention: as the members table says)."""
    cur = _cursor(ledger)
    out: dict[int, MemberInfo] = {}
    import_id = _import_in_force(ledger.conn, day, fallback=True)
    if import_id is not None:
        for mid, name, branch, group, phone in cur.execute(
                "SELECT member_id, name, branch, group_name, phone FROM member_versions"
                " WHERE import_id = ? ORDER BY present", (import_id,)):
            out[mid] = MemberInfo(name, branch, group, phone)
    for mid, name, branch in cur.execute("SELECT id, name, branch FROM members"):
        if mid not in out:
            out[mid] = MemberInfo(name, branch)
    return out


def member_rows(ledger: Ledger, member_id: int, start: date, end: date) -> list[tuple[date, str, str, str, str]]:
    """(date, branch, theme, status, reason) of one member's attendance rows."""
    cur = _cursor(ledger)
    rows = cur.execute(
        "SELECT a.date, a.branch, a.theme, t.status, t.reason FROM attendance t"
        " JOIN activities a ON a.id = t.activity_id WHERE t.member_id = ? AND a.date BETWEEN ? AND ?"
        " ORDER BY a.date", (member_id, start.isoformat(), end.isoformat())).fetchall()
    return [(date.fromisoformat(d), b, th, s, r) for d, b, th, s, r in rows]


# ------------------------------------------------------------------------------- dues


class DuesPerson(NamedTuple):
    """What `store.dues.members_for_year` says of one member, as the ledger's text
    (dates ISO, money decimal strings): a plain tuple, cheap for 30,000 members."""

    member_id: int
    name: str
    branch: str
    group: str
    category: str
    income: str | None
    dues_override: str | None
    joined: str | None
    transferred_in: str | None
    transferred_out: str | None
    party_status: str = "正式"
    full_member_date: str | None = None
    phone: str = ""

    def member(self) -> Member:
        return Member(
            name=self.name, branch=self.branch, group=self.group, party_status=self.party_status,
            joined=_day(self.joined), full_member_date=_day(self.full_member_date), category=self.category,
            phone=self.phone, income=_money(self.income), dues_override=_money(self.dues_override),
            transferred_out=_day(self.transferred_out), transferred_in=_day(self.transferred_in))


def _money(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def dues_people(ledger: Ledger, year: int, branch: str | None = None) -> list[DuesPerson]:
    """The members `store.dues.members_for_year` gives, without building every version:
    income, category, 党费标准, branch and 党小组 from the first roster of the year listing
    them; name and membership dates from the newest roster listing them; a member a later
    roster drops without a 转出 date leaves on that roster's effective date."""
    cur = _cursor(ledger)
    first = _import_in_force(ledger.conn, date(year, 1, 1), fallback=True)
    if first is None:
        return []
    order = [first, *(r[0] for r in cur.execute(
        "SELECT id FROM imports WHERE kind = 'roster' AND effective_date > ? AND effective_date <= ?"
        " ORDER BY effective_date, id", (f"{year}-01-01", f"{year}-12-31")))]
    rank = {imp: k for k, imp in enumerate(order)}
    base: dict[int, tuple] = {}
    listed: dict[int, tuple] = {}
    for mid, imp, br, group, category, income, override, *rest in cur.execute(
            "SELECT member_id, import_id, branch, group_name, category, income, dues_override, name, joined,"
            " transferred_in, transferred_out, party_status, full_member_date, phone FROM member_versions"
            " WHERE present = 1 AND import_id IN (SELECT value FROM json_each(?))", (_json_ids(order),)):
        if mid not in base or rank[imp] < base[mid][0]:
            base[mid] = (rank[imp], (br, group, category, income, override))
        listed[mid] = rest
    latest, dropped = listed, {}
    if cur.execute("SELECT count(*) FROM imports WHERE kind = 'roster'").fetchone()[0] > 1:
        latest, dropped = _newest_listed(cur)
    out = []
    year_end = date(year, 12, 31)
    for mid, (_, (br, group, category, income, override)) in base.items():
        if branch is not None and br != branch:
            continue
        name, joined, t_in, t_out, status, full, phone = latest[mid]
        person = DuesPerson(mid, name, br, group, category, income, override, joined, t_in,
                            t_out or dropped.get(mid), status, full, phone)
        if _months_due(*_within(person, year), year, year_end):
            out.append(person)
    return out


def _newest_listed(cur: sqlite3.Cursor) -> tuple[dict[int, tuple], dict[int, str]]:
    """Each member's newest listed version (name and dates), and the effective date of a
    roster that dropped them since. SQLite fills bare columns from the row that gives
    max(): present first, then the latest effective date and import."""
    newest_key = "coalesce(i.effective_date, '') || printf('%012d', i.id)"
    latest = {mid: rest for mid, _, *rest in cur.execute(
        f"SELECT mv.member_id, max(mv.present || {newest_key}), mv.name, mv.joined, mv.transferred_in,"
        " mv.transferred_out, mv.party_status, mv.full_member_date, mv.phone"
        " FROM member_versions mv JOIN imports i ON i.id = mv.import_id GROUP BY mv.member_id")}
    dropped = {mid: effective for mid, _, present, effective in cur.execute(
        f"SELECT mv.member_id, max({newest_key}), mv.present, i.effective_date"
        " FROM member_versions mv JOIN imports i ON i.id = mv.import_id"
        " WHERE mv.member_id IN (SELECT member_id FROM member_versions WHERE present = 0)"
        " GROUP BY mv.member_id") if present == 0 and effective}
    return latest, dropped


def _within(p: DuesPerson, year: int) -> tuple[str | None, str | None, str | None]:
    """The membership dates that matter to `year` (the others as None), so that the
    months owed are computed once per distinct case."""
    first, after = f"{year:04d}-01-01", f"{year + 1:04d}-01-01"
    return (p.joined if p.joined and p.joined > first else None,
            p.transferred_in if p.transferred_in and p.transferred_in > first else None,
            p.transferred_out if p.transferred_out and p.transferred_out < after else None)


@lru_cache(maxsize=4096)
def _months_due(joined: str | None, t_in: str | None, t_out: str | None, year: int,
                upto: date) -> tuple[str, ...]:
    from partyday_cli.core.dues import months_due

    member = Member(name="", joined=_day(joined), transferred_in=_day(t_in), transferred_out=_day(t_out))
    return tuple(months_due(member, year, upto))


def _standard(category: str, income: str | None, override: str | None, policy: Any) -> Any:
    from partyday_cli.core.dues import monthly_standard

    member = Member(name="", category=category, income=_money(income), dues_override=_money(override))
    return monthly_standard(member, policy)


def payments_of(ledger: Ledger, member_ids: Iterable[int], first: str, last: str) -> list[Any]:
    """The payments of these members for months first..last ('YYYY-MM'), by the rule of
    `store.dues.payments`: per member and month, the newest import's row counts."""
    from partyday_cli.core.dues import Payment

    newest: dict[tuple[int, str], Payment] = {}
    for mid, month, amount, paid_on in _cursor(ledger).execute(
            "SELECT member_id, month, amount, paid_on FROM dues_payments WHERE month BETWEEN ? AND ?"
            " AND member_id IN (SELECT value FROM json_each(?)) ORDER BY COALESCE(source_import_id, 0), id",
            (first, last, _json_ids(member_ids))):
        newest[(mid, month)] = Payment(mid, month, Decimal(amount), _day(paid_on))
    return sorted(newest.values(), key=lambda p: (p.member_id, p.month))


def last_dues_month(ledger: Ledger, year: int) -> str | None:
    """The last month of `year` with any dues payment recorded ('2017-06'), or None."""
    return ledger.conn.execute("SELECT max(month) FROM dues_payments WHERE month BETWEEN ? AND ?",
                               (f"{year}-01", f"{year}-12")).fetchone()[0]


def branch_has_dues(ledger: Ledger, year: int, branch: str) -> bool:
    """Whether any payment of the year is recorded for a member of the branch."""
    return ledger.conn.execute(
        "SELECT 1 FROM dues_payments p JOIN members m ON m.id = p.member_id"
        " WHERE p.month BETWEEN ? AND ? AND m.branch = ? LIMIT 1",
        (f"{year}-01", f"{year}-12", branch)).fetchone() is not None


PAID_SQL = ("SELECT member_id, count(*), count(DISTINCT month), min(month), max(month), min(amount),"
            " max(amount), coalesce(max(substr(paid_on, 1, 7) > month), 0)"  # paid after its month
            " FROM dues_payments NOT INDEXED WHERE month BETWEEN ? AND ? GROUP BY member_id")


def _paid_aggregates(ledger: Ledger, first: str, last: str) -> dict[int, tuple]:
    return {row[0]: row[1:] for row in _cursor(ledger).execute(PAID_SQL, (first, last))}


def report_dues(ledger: Ledger, period: Period, today: date, policy: Any, branch: str | None = None,
                *, exact_only: bool = False) -> list[DuesLine] | None:
    """Each member's dues over the year up to the period's end; None when no branch in
    scope has any payment recorded for the year (no 党费台账 imported: nothing to judge).

    A member who paid every owed month in full and on time is read from one aggregate
    row; every other member goes through `core.dues.dues_status` (`exact_only`: everyone).
    """
    from partyday_cli.core.dues import dues_status

    first, last = f"{period.year}-01", f"{period.end:%Y-%m}"
    people = dues_people(ledger, period.year, branch)
    paid = _paid_aggregates(ledger, first, last)
    with_dues = {p.branch for p in people if p.member_id in paid}
    people = [p for p in people if p.branch in with_dues]
    if not people:
        return None
    upto = min(today, period.end)
    lines: dict[int, DuesLine] = {}
    suspects = []
    standards: dict[tuple[str, str | None, str | None], Any] = {}
    for p in people:
        due = _months_due(*_within(p, period.year), period.year, upto)
        key = (p.category, p.income, p.dues_override)
        standard = standards.get(key) or standards.setdefault(key, _standard(*key, policy))
        line = None if exact_only else paid_in_full_line(
            p.member_id, (p.name, p.branch, p.group), standard, due, paid.get(p.member_id), period)
        if line is not None:
            lines[p.member_id] = line
        elif due or p.member_id in paid:
            suspects.append(p)
    if suspects:
        dues_today = min(today, period.end + timedelta(days=1))
        payments = payments_of(ledger, (p.member_id for p in suspects), first, last)
        until = _cursor(ledger).execute(
            "SELECT max(month) FROM dues_payments WHERE month BETWEEN ? AND ?", (first, last)).fetchone()[0]
        for md in dues_status([(p.member_id, p.member()) for p in suspects], payments,
                              year=period.year, today=dues_today, policy=policy, recorded_until=until):
            lines[md.member_id] = dues_line(md, period)
    return [lines[p.member_id] for p in people if p.member_id in lines]
