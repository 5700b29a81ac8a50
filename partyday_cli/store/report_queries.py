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
    PaidInFull,
    Period,
    dues_line,
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


def _attendance_sql(period: Period, branch: str | None) -> dict[str, tuple[str, list[object]]]:
    """`read_attendance`'s grouped reads, by name: each a range of the (activity_id, status,
    member_id) index per activity of the year, so the cost is the year's rows."""
    before, before_params = _scope(period.year_start, period.start - timedelta(days=1), branch)
    inside, inside_params = _scope(period.start, period.end, branch)
    scope, params = _scope(period.year_start, period.end, branch)
    return {
        "by_activity": (f"SELECT activity_id, status, count(*) FROM attendance WHERE activity_id IN ({scope})"
                        " GROUP BY activity_id, status", params),
        "members_before": (f"SELECT member_id, count(*) FROM attendance WHERE activity_id IN ({before})"
                           " GROUP BY member_id", before_params),
        "members_inside": (f"SELECT member_id, count(*) FROM attendance WHERE activity_id IN ({inside})"
                           " GROUP BY member_id", inside_params),
        "not_present": (f"SELECT activity_id, status, member_id FROM attendance WHERE activity_id IN ({scope})"
                        " AND status IN ('请假', '缺席', '补学', '免参加')", params),
        # every row of the members with a 缺席 (their runs of absences)
        "absentee_rows": (f"SELECT activity_id, member_id, status FROM attendance WHERE activity_id IN ({scope})"
                          " AND +member_id IN (SELECT member_id FROM attendance WHERE activity_id IN"
                          f" ({scope}) AND status = '缺席')", params + params),
    }


def read_attendance(ledger: Ledger, period: Period, branch: str | None = None, *,
                    prefetch: Prefetch | None = None) -> tuple[list[ActivityCounts], dict[int, MemberTally]]:
    """The year's activities up to the period's end, each with its rows counted by status
    and whether a sign-in file is in force (before one is, rows are only hand-set marks);
    and each member's rows over the same months and within the period, with the dated
    rows (`events`) of the members with at least one 缺席.

    Every count is a GROUP BY over the (activity_id, status, member_id) index, one range
    of it per activity of the year: the cost is the year's rows, not the ledger's. Only
    the rows that are not 出席/迟到/早退 (a tenth) and those of members with a 缺席 come
    back one by one. `prefetch` may hold them already (`report_statements`)."""
    import json

    cur = _cursor(ledger)
    statements = _attendance_sql(period, branch)

    def rows(name: str) -> Iterable[tuple]:
        found = prefetch.rows(name) if prefetch is not None else None
        return found if found is not None else cur.execute(*statements[name])

    scope, params = _scope(period.year_start, period.end, branch)
    where = scope.replace("SELECT id FROM activities WHERE ", "")
    acts = cur.execute(
        "SELECT id, branch, date, theme, kinds, status, record_filed_on,"
        " EXISTS (SELECT 1 FROM attendance_files f WHERE f.activity_id = a.id AND f.superseded_by IS NULL),"
        " meeting_kinds, speaker, meeting_group"
        f" FROM activities a WHERE {where} ORDER BY date, branch", params).fetchall()
    in_period = {row[0]: row[2] >= period.start.isoformat() for row in acts}
    by_activity: dict[int, dict[str, int]] = {}
    for aid, status, n in rows("by_activity"):
        by_activity.setdefault(aid, {})[status] = n
    # [rows, exempt, excused, absent, makeup] over the year to date, then within the period
    counts: dict[int, list[int]] = {}
    for offset, name in ((0, "members_before"), (5, "members_inside")):
        for mid, n in rows(name):
            row = counts.get(mid)
            if row is None:
                row = counts[mid] = [0] * 10
            row[offset] = n
    slot = {"免参加": 1, "请假": 2, "缺席": 3, "补学": 4}
    absentees = False
    for aid, status, mid in rows("not_present"):
        row, k = counts[mid], slot[status]
        if in_period[aid]:
            row[k + 5] += 1
        else:
            row[k] += 1
        absentees = absentees or k == 3
    tallies = {mid: MemberTally(mid, r[0] + r[5], r[1] + r[6], r[2] + r[7], r[3] + r[8], r[4] + r[9],
                                r[5], r[6], r[7], r[8], r[9]) for mid, r in counts.items()}
    dates = {row[0]: date.fromisoformat(row[2]) for row in acts}
    if absentees:
        seen = set()
        for aid, mid, status in rows("absentee_rows"):
            tallies[mid].events.append((dates[aid], status))
            seen.add(mid)
        for mid in seen:
            tallies[mid].events.sort()
    activities = []
    for aid, br, _, theme, kinds, status, filed, signed, held, speaker, group in acts:
        c = by_activity.get(aid, {})
        activities.append(ActivityCounts(
            aid, br, dates[aid], theme, tuple(json.loads(kinds or "[]")), status, _day(filed),
            sum(c.values()), c.get("请假", 0), c.get("缺席", 0), c.get("补学", 0), c.get("免参加", 0),
            bool(signed), tuple(json.loads(held)) if held != "[]" else (), speaker, group or ""))
    return activities, tallies


def _json_ids(ids: Iterable[int]) -> str:
    return "[" + ",".join(str(int(i)) for i in ids) + "]"


def branch_counts(ledger: Ledger, day: date) -> dict[str, int]:
    """Each branch's members on `day`, as the roster in force then lists them (joined by
    then, not transferred out)."""
    import_id = _import_in_force(ledger.conn, day, fallback=True)
    if import_id is None:
        return {}
    iso = day.isoformat()
    return {branch: int(n) for branch, n in _cursor(ledger).execute(
        "SELECT branch, count(*) FROM member_versions WHERE import_id = ? AND present = 1"
        " AND (joined IS NULL OR joined <= ?) AND (transferred_in IS NULL OR transferred_in <= ?)"
        " AND (transferred_out IS NULL OR transferred_out > ?) GROUP BY branch", (import_id, iso, iso, iso))}


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
    for mid, name, branch in cur.execute(
            "SELECT id, name, branch FROM members WHERE id NOT IN"
            " (SELECT member_id FROM member_versions WHERE import_id = ?)", (import_id or 0,)):
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
    transferred_out_precision: str = "day"  # "month": the roster gave the transfer's month only

    def member(self) -> Member:
        return Member(
            name=self.name, branch=self.branch, group=self.group, party_status=self.party_status,
            joined=_day(self.joined), full_member_date=_day(self.full_member_date), category=self.category,
            phone=self.phone, income=_money(self.income), dues_override=_money(self.dues_override),
            transferred_out=_day(self.transferred_out), transferred_in=_day(self.transferred_in),
            transferred_out_precision=self.transferred_out_precision)


def _money(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def dues_people(ledger: Ledger, year: int, branch: str | None = None) -> list[DuesPerson]:
    """The members `store.dues.members_for_year` gives, without building every version:
    income, category, 党费标准, branch and 党小组 from the first roster of the year listing
    them; name and membership dates from the newest roster listing them; a member a later
    roster drops without a 转出 date leaves on that roster's effective date."""
    return [DuesPerson(*row[:13], row[15]) for row in _people(ledger, year, branch, "")]


def _people(ledger: Ledger, year: int, branch: str | None, policy: str) -> list[tuple]:
    """`dues_people` as plain tuples, each followed by the stored 党费标准 (monthly, note,
    missing) of the version giving its income when stored under `policy`, else None."""
    cur = _cursor(ledger)
    first = _import_in_force(ledger.conn, date(year, 1, 1), fallback=True)
    if first is None:
        return []
    order = [first, *(r[0] for r in cur.execute(
        "SELECT id FROM imports WHERE kind = 'roster' AND effective_date > ? AND effective_date <= ?"
        " ORDER BY effective_date, id", (f"{year}-01-01", f"{year}-12-31")))]
    rows = cur.execute(
        "SELECT mv.member_id, mv.import_id, mv.branch, mv.group_name, mv.category, mv.income, mv.dues_override,"
        " mv.name, mv.joined, mv.transferred_in, mv.transferred_out, mv.party_status, mv.full_member_date,"
        " mv.phone, s.monthly, s.note, s.missing, mv.transferred_out_precision FROM member_versions mv"
        " LEFT JOIN dues_standards s ON s.version_id = mv.id AND s.policy = ?"
        " WHERE mv.present = 1 AND mv.import_id IN (SELECT value FROM json_each(?))",
        (policy, _json_ids(order))).fetchall()
    several = cur.execute("SELECT count(*) FROM imports WHERE kind = 'roster'").fetchone()[0] > 1
    if len(order) > 1 or several:
        rows = _merged(cur, rows, order)
    first_day, after, year_end = f"{year:04d}-01-01", f"{year + 1:04d}-01-01", date(year, 12, 31)
    out = []
    for mid, _, br, group, category, income, override, name, joined, t_in, t_out, status, full, phone, \
            monthly, note, missing, precision in rows:
        if branch is not None and br != branch:
            continue
        within = (joined if joined and joined > first_day else None,
                  t_in if t_in and t_in > first_day else None,
                  t_out if t_out and t_out < after else None)
        if _months_due(*within, year, year_end):
            out.append((mid, name, br, group, category, income, override, joined, t_in, t_out, status, full,
                        phone, within, None if monthly is None else (monthly, note, missing), precision))
    return out


def _merged(cur: sqlite3.Cursor, rows: list[tuple], order: list[int]) -> list[tuple]:
    """Rows of several rosters: the first of the year listing a member gives income,
    category, 党费标准, branch and 党小组; the newest listing them name and dates."""
    rank = {imp: k for k, imp in enumerate(order)}
    base: dict[int, tuple] = {}
    for row in rows:
        known = base.get(row[0])
        if known is None or rank[row[1]] < rank[known[1]]:
            base[row[0]] = row
    latest, dropped = _newest_listed(cur, base)
    effective = dict(cur.execute("SELECT id, effective_date FROM imports WHERE kind = 'roster'").fetchall())
    out = []
    for mid, row in base.items():
        name, joined, t_in, t_out, status, full, phone, precision = latest[mid]
        listed_on = effective.get(row[1])
        if t_in and listed_on and listed_on < t_in:
            # listed before that 转入: a move between the 党委's branches, not an arrival — the
            # member stays the Jan-1 branch's for the year (its base), owing every month
            t_in = row[9]
        out.append((*row[:7], name, joined, t_in, t_out or dropped.get(mid), status, full, phone, *row[14:17],
                    precision if t_out else "day"))
    return out


def _newest_listed(cur: sqlite3.Cursor, wanted: Iterable[int]) -> tuple[dict[int, tuple], dict[int, str]]:
    """Of the members `wanted`: each one's newest listed version (name and dates), and the
    effective date of a roster that dropped them since.

    The newest roster answers for everyone it lists (one import's rows, however many
    years the ledger keeps); only the members it does not list are looked up among all
    their versions, where SQLite fills bare columns from the row that gives max():
    present first, then the latest effective date and import."""
    newest = cur.execute("SELECT id, effective_date FROM imports WHERE kind = 'roster'"
                         " ORDER BY effective_date DESC, id DESC LIMIT 1").fetchone()
    latest: dict[int, tuple] = {}
    dropped: dict[int, str] = {}
    for mid, present, *rest in cur.execute(
            "SELECT member_id, present, name, joined, transferred_in, transferred_out, party_status,"
            " full_member_date, phone, transferred_out_precision FROM member_versions WHERE import_id = ?",
            (newest[0],)):
        if present:
            latest[mid] = rest
        elif newest[1]:
            dropped[mid] = newest[1]
    others = [mid for mid in wanted if mid not in latest]
    if others:
        newest_key = "coalesce(i.effective_date, '') || printf('%012d', i.id)"
        for mid, _, *rest in cur.execute(
                f"SELECT mv.member_id, max(mv.present || {newest_key}), mv.name, mv.joined, mv.transferred_in,"
                " mv.transferred_out, mv.party_status, mv.full_member_date, mv.phone, mv.transferred_out_precision"
                " FROM member_versions mv JOIN imports i ON i.id = mv.import_id"
                " WHERE mv.member_id IN (SELECT value FROM json_each(?)) GROUP BY mv.member_id",
                (_json_ids(others),)):
            latest[mid] = rest
        for mid, _, present, effective in cur.execute(
                f"SELECT mv.member_id, max({newest_key}), mv.present, i.effective_date"
                " FROM member_versions mv JOIN imports i ON i.id = mv.import_id"
                " WHERE mv.member_id IN (SELECT value FROM json_each(?)) GROUP BY mv.member_id",
                (_json_ids(others),)):
            if present == 0 and effective:
                dropped[mid] = effective
    return latest, dropped


@lru_cache(maxsize=4096)
def _months_due(joined: str | None, t_in: str | None, t_out: str | None, year: int,
                upto: date) -> tuple[str, ...]:
    from partyday_cli.core.dues import months_due

    member = Member(name="", joined=_day(joined), transferred_in=_day(t_in), transferred_out=_day(t_out))
    return tuple(months_due(member, year, upto))


def _standard(category: str, income: str | None, override: str | None, stored: tuple | None,
              policy: Any) -> Any:
    """What `paid_in_full_line` needs of a standard: the roster import's stored one, or
    `core.dues.monthly_standard` (a ledger from before v5, or other [dues] amounts)."""
    if stored is not None:
        monthly, note, _ = stored
        return _Standard(Decimal(monthly), _money(income), note)
    from partyday_cli.core.dues import monthly_standard

    member = Member(name="", category=category, income=_money(income), dues_override=_money(override))
    s = monthly_standard(member, policy)
    return _Standard(s.monthly, s.base, s.note)


class _Standard(NamedTuple):
    monthly: Decimal
    base: Decimal | None
    note: str


def payments_of(ledger: Ledger, member_ids: Iterable[int], first: str, last: str,
                cut: str = "9999-12-31") -> list[Any]:
    """The payments of these members for months first..last ('YYYY-MM') made by `cut`
    (or undated), by the rule of `store.dues.payments`: per member and month, the newest
    import's row counts."""
    from partyday_cli.core.dues import Payment

    newest: dict[tuple[int, str], Payment] = {}
    for mid, month, amount, paid_on in _cursor(ledger).execute(
            "SELECT member_id, month, amount, paid_on FROM dues_payments WHERE month BETWEEN ? AND ?"
            " AND (paid_on IS NULL OR paid_on <= ?)"
            " AND member_id IN (SELECT value FROM json_each(?)) ORDER BY COALESCE(source_import_id, 0), id",
            (first, last, cut, _json_ids(member_ids))):
        newest[(mid, month)] = Payment(mid, month, Decimal(amount), _day(paid_on))
    return sorted(newest.values(), key=lambda p: (p.member_id, p.month))


def last_dues_month(ledger: Ledger, year: int) -> str | None:
    """The last month of `year` with any dues payment recorded ('2017-06'), or None."""
    return ledger.conn.execute("SELECT max(month) FROM dues_payments WHERE month BETWEEN ? AND ?",
                               (f"{year}-01", f"{year}-12")).fetchone()[0]


def first_dues_month(ledger: Ledger, year: int) -> str | None:
    """The first month of `year` with any dues payment recorded ('2017-01'), or None."""
    return ledger.conn.execute("SELECT min(month) FROM dues_payments WHERE month BETWEEN ? AND ?",
                               (f"{year}-01", f"{year}-12")).fetchone()[0]


def branch_has_dues(ledger: Ledger, year: int, branch: str) -> bool:
    """Whether any payment of the year is recorded for a member of the branch."""
    return ledger.conn.execute(
        "SELECT 1 FROM dues_payments p JOIN members m ON m.id = p.member_id"
        " WHERE p.month BETWEEN ? AND ? AND m.branch = ? LIMIT 1",
        (f"{year}-01", f"{year}-12", branch)).fetchone() is not None


PAID_SQL = ("SELECT m.id, count(*), count(DISTINCT p.month), min(p.month), max(p.month), min(p.amount),"
            " max(p.amount), coalesce(max(substr(p.paid_on, 1, 7) > p.month), 0)"  # paid after its month
            " FROM members m JOIN dues_payments p INDEXED BY dues_payments_member"
            " ON p.member_id = m.id AND p.month BETWEEN ? AND ? AND (p.paid_on IS NULL OR p.paid_on <= ?)"
            " GROUP BY m.id")  # paid by the report's day: a later 补交 is the next report's news


def _paid_aggregates(ledger: Ledger, first: str, last: str, cut: str = "9999-12-31") -> dict[int, tuple]:
    """Per member, over the months first..last: (rows, distinct months, first and last
    month, smallest and largest amount, any paid after its month), from the
    (member, month, amount, paid_on) index: the months asked for, not the ledger's years."""
    return {row[0]: row[1:] for row in _cursor(ledger).execute(PAID_SQL, (first, last, cut))}


class Prefetch:
    """Reads started on second, read-only connections in a thread, each statement run to
    its end inside SQLite as ``CREATE TEMP TABLE t AS …``: one call into SQLite that holds
    no GIL, so the grouping happens on the other core while the caller's connection reads
    something else (fetching rows one by one in the thread would wait on the GIL for every
    row). Each statement has its own connection, so reading one table back never waits
    for the next statement. `rows(name)` waits for its statement, then reads the table
    back; None where it could not be run (a ledger on a read-only medium, say): the caller
    then runs the statement itself, as before."""

    def __init__(self, path: Any, statements: dict[str, tuple[str, list[object]]]) -> None:
        import threading
        from pathlib import Path

        self._uri = Path(path).resolve().as_uri() + "?mode=ro"
        self._ready = {name: threading.Event() for name in statements}
        self._conns: dict[str, sqlite3.Connection] = {}
        self._thread = threading.Thread(target=self._run, args=(statements,), daemon=True, name="report-prefetch")
        self._thread.start()

    def _run(self, statements: dict[str, tuple[str, list[object]]]) -> None:
        try:
            for name, (sql, params) in statements.items():
                conn = None
                try:
                    conn = sqlite3.connect(self._uri, uri=True, check_same_thread=False)
                    conn.execute("PRAGMA temp_store = MEMORY")
                    conn.execute("PRAGMA mmap_size = 1073741824")
                    conn.execute(f"CREATE TEMP TABLE t AS {sql}", params)
                    self._conns[name] = conn
                except (sqlite3.Error, ValueError):
                    if conn is not None:
                        conn.close()
                    break  # the ledger cannot be read here: the caller reads the rest itself
                finally:
                    self._ready[name].set()
        finally:
            for event in self._ready.values():
                event.set()

    def rows(self, name: str) -> list[tuple] | None:
        event = self._ready.get(name)
        if event is None:
            return None
        event.wait()
        conn = self._conns.pop(name, None)
        if conn is None:
            return None
        try:
            return conn.execute("SELECT * FROM temp.t").fetchall()
        finally:
            conn.close()

    def close(self) -> None:
        self._thread.join()
        for conn in self._conns.values():
            conn.close()
        self._conns.clear()

    def __enter__(self) -> Prefetch:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def report_statements(period: Period, branch: str | None, today: date | None = None
                      ) -> dict[str, tuple[str, list[object]]]:
    """What `report_dues` and `read_attendance` read that is worth reading meanwhile, in
    the order they need it (`Prefetch`)."""
    return {"paid": (PAID_SQL, [f"{period.year}-01", f"{period.end:%Y-%m}", _cut(period, today)]),
            **_attendance_sql(period, branch)}


def _cut(period: Period, today: date | None) -> str:
    """The last day whose payments a report counts: its period's end, or today before then."""
    return min(period.end, today or period.end).isoformat()


def last_recorded_month(ledger: Ledger, first: str, last: str) -> str | None:
    """The latest month first..last with any payment recorded (where the 台账 stops)."""
    return _cursor(ledger).execute(
        "SELECT max(month) FROM dues_payments WHERE month BETWEEN ? AND ?", (first, last)).fetchone()[0]


def _moved_in_year(ledger: Ledger, year: int) -> set[int]:
    """Members the rosters of `year` (the one in force on 1 January and the later ones of the
    year) list in more than one branch; none, without a read, when there is one roster."""
    cur = _cursor(ledger)
    start, end = f"{year}-01-01", f"{year}-12-31"
    since = cur.execute("SELECT max(effective_date) FROM imports WHERE kind = 'roster' AND effective_date <= ?",
                        (start,)).fetchone()[0] or start
    rosters = cur.execute("SELECT count(*) FROM imports WHERE kind = 'roster' AND effective_date BETWEEN ? AND ?",
                          (since, end)).fetchone()[0]
    if rosters < 2:
        return set()
    return {r[0] for r in cur.execute(
        "SELECT mv.member_id FROM member_versions mv JOIN imports i ON i.id = mv.import_id"
        " WHERE i.kind = 'roster' AND mv.present = 1 AND i.effective_date BETWEEN ? AND ?"
        " GROUP BY mv.member_id HAVING count(DISTINCT mv.branch) > 1", (since, end))}


def report_dues(ledger: Ledger, period: Period, today: date, policy: Any, branch: str | None = None,
                *, exact_only: bool = False, prefetch: Prefetch | None = None) -> list[DuesLine] | None:
    """Each member's dues over the year up to the period's end; None when no branch in
    scope has any payment recorded for the year (no 党费台账 imported: nothing to judge).

    A member who paid every owed month in full and on time is read from one aggregate
    row and the 党费标准 the roster import stored; every other member goes through
    `core.dues.dues_status` (`exact_only`: everyone).
    """
    from partyday_cli.core.dues import dues_status, standard_policy

    first, last = f"{period.year}-01", f"{period.end:%Y-%m}"
    people = _people(ledger, period.year, branch, standard_policy(policy))
    read = prefetch.rows("paid") if prefetch is not None else None
    cut = _cut(period, today)
    paid = {row[0]: row[1:] for row in read} if read is not None else _paid_aggregates(ledger, first, last, cut)
    # a branch whose 台账 is in: a member of its own has payments (one who moved between the
    # 党委's branches, paid in the other branch's 台账, does not make it recorded)
    moved = _moved_in_year(ledger, period.year)
    with_dues = {p[2] for p in people if p[0] in paid and p[0] not in moved} or \
        {p[2] for p in people if p[0] in paid}
    people = [p for p in people if p[2] in with_dues]
    if not people:
        return None
    upto = min(today, period.end)
    lines: dict[int, DuesLine] = {}
    suspects = []
    standards: dict[tuple, Any] = {}
    in_full = PaidInFull(period)
    year = period.year
    for p in people:  # 30,000 at 党委 scale: plain tuples, the 党费标准 as the ledger's text
        mid = p[0]
        due = _months_due(*p[13], year, upto)
        stored = p[14]
        line = None
        if exact_only:
            pass
        elif stored is not None:
            line = in_full.line(mid, p[1], p[2], p[3], stored[0], None if p[5] is None else Decimal(p[5]),
                                stored[1], due, paid.get(mid))
        else:  # a ledger from before v5, or other [dues] amounts: the rules decide the standard
            key = (p[4], p[5], p[6])
            standard = standards.get(key)
            if standard is None:
                standard = standards[key] = _standard(*key, None, policy)
            line = in_full.line(mid, p[1], p[2], p[3], str(standard.monthly), standard.base, standard.note, due,
                                paid.get(mid))
        if line is not None:
            lines[mid] = line
        elif due or mid in paid:
            suspects.append(DuesPerson(*p[:13], p[15]))
    if suspects:
        # judged at the end of the report's day (as `reports.dues_report` is): a month whose
        # last day it is has come due
        dues_today = min(today, period.end) + timedelta(days=1)
        # from December of the year before: what it paid ahead (预交) into this year
        payments = payments_of(ledger, (p.member_id for p in suspects), f"{year - 1}-12", last, cut)
        for md in dues_status([(p.member_id, p.member()) for p in suspects], payments,
                              year=year, today=dues_today, policy=policy,
                              recorded_until=last_recorded_month(ledger, first, last),  # the 台账's extent
                              recorded_from=first_dues_month(ledger, year)):
            lines[md.member_id] = dues_line(md, period)
    return [lines[p[0]] for p in people if p[0] in lines]
