"""Dues in the ledger: imported 党费台账, the payments they record, the year's members.

A dues import is one transaction: an `imports` row (kind 'dues'), its `dues_payments`
rows and the names it could not match (`unmatched_names`, kept for review). The same
bytes imported twice change nothing.

Branches keep one 台账 a year and send it again as months are filled in, so the ledger
holds several imports covering the same months. For a member and month, the payment of
the newest import that records one counts (`payments`); a later file corrects an
earlier one instead of adding to it. A month a later file leaves empty keeps what an
earlier file recorded.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from partyday_cli.core.dues import (
    DuesPolicy,
    Payment,
    Standard,
    cents,
    monthly_standard,
    months_due,
    standard_policy,
)
from partyday_cli.core.members import Member
from partyday_cli.store.ledger import Ledger, find_import, record_import
from partyday_cli.store.roster import _import_in_force, _newest_versions, _versions_of


@dataclass(frozen=True)
class Unmatched:
    """A ledger row whose name matches no member (or several)."""

    raw_name: str
    normalised: str
    sheet: str
    row: int | None
    suggestions: tuple[str, ...] = ()
    reason: str = "花名册中没有此人"


@dataclass(frozen=True)
class DuesSaveResult:
    already_imported: bool = False
    import_id: int | None = None
    payments: int = 0
    unmatched: int = 0
    cleared: list[tuple[int, str, Decimal]] = field(default_factory=list)  # (member, month, amount) now blank


def save_dues_import(
    ledger: Ledger,
    payments: Sequence[Payment],
    unmatched: Sequence[Unmatched],
    *,
    sha256: str,
    original_name: str,
    archived_path: str,
    summary: str = "",
    blanks: Sequence[tuple[int, str]] = (),
) -> DuesSaveResult:
    """Store one 党费台账 import, all or nothing; nothing for bytes already imported.

    `blanks`: (member, month) cells the 台账 leaves unpaid. Where the ledger has a payment
    for one from an earlier import (the 台账 corrected and imported again), a zero row of
    this import supersedes it (the newest import's row counts; zero rows are no payment),
    listed in the result's `cleared`."""
    with ledger.transaction() as conn:
        earlier = find_import(ledger, "dues", sha256)
        if earlier is not None:
            return DuesSaveResult(already_imported=True, import_id=earlier)
        cleared = _superseded(ledger, blanks)
        import_id = record_import(
            ledger, kind="dues", sha256=sha256, original_name=original_name,
            archived_path=archived_path, effective_date=None, rows=len(payments),
            summary=summary)
        conn.executemany(
            "INSERT INTO dues_payments (member_id, month, amount, paid_on, source_import_id)"
            " VALUES (?, ?, '0.00', NULL, ?)", ((mid, month, import_id) for mid, month, _ in cleared))
        conn.executemany(
            "INSERT INTO dues_payments (member_id, month, amount, paid_on, source_import_id)"
            " VALUES (?, ?, ?, ?, ?)",
            ((p.member_id, p.month, _money_text(p.amount),
              p.paid_on.isoformat() if p.paid_on else None, import_id) for p in payments))
        conn.executemany(
            "INSERT INTO unmatched_names (import_id, raw_name, normalised, sheet, row, suggestions,"
            " reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
            ((import_id, u.raw_name, u.normalised, u.sheet, u.row,
              json.dumps(list(u.suggestions), ensure_ascii=False), u.reason) for u in unmatched))
    return DuesSaveResult(import_id=import_id, payments=len(payments), unmatched=len(unmatched), cleared=cleared)


def _superseded(ledger: Ledger, blanks: Sequence[tuple[int, str]]) -> list[tuple[int, str, Decimal]]:
    """Of `blanks`, those the ledger now has paid (the newest import's row): (member, month, amount)."""
    from partyday_cli.store.report_queries import payments_of

    if not blanks:
        return []
    wanted = set(blanks)
    months = [month for _, month in wanted]
    return [(p.member_id, p.month, p.amount)
            for p in payments_of(ledger, {mid for mid, _ in wanted}, min(months), max(months))
            if (p.member_id, p.month) in wanted and p.amount > 0]


def payments(ledger: Ledger, year: int, first_month: int = 1) -> list[Payment]:
    """The payments for the months of `year` from `first_month` on: per member and month,
    the newest import's."""
    rows = ledger.conn.execute(
        "SELECT member_id, month, amount, paid_on FROM dues_payments"
        " WHERE month BETWEEN ? AND ? ORDER BY COALESCE(source_import_id, 0), id",
        (f"{year:04d}-{first_month:02d}", f"{year:04d}-12"),
    ).fetchall()
    newest: dict[tuple[int, str], Payment] = {}
    for r in rows:
        paid_on = date.fromisoformat(r["paid_on"]) if r["paid_on"] else None
        newest[(int(r["member_id"]), r["month"])] = Payment(
            int(r["member_id"]), r["month"], Decimal(r["amount"]), paid_on)
    # zero rows stay: a later 台账 left the month blank (`save_dues_import`'s blanks); the month
    # is recorded, and `core.dues.dues_status` reads no payment in it
    return sorted(newest.values(), key=lambda p: (p.member_id, p.month))


def unmatched_names(ledger: Ledger, import_id: int) -> list[Unmatched]:
    rows = ledger.conn.execute(
        "SELECT raw_name, normalised, sheet, row, suggestions, reason FROM unmatched_names"
        " WHERE import_id = ? ORDER BY id", (import_id,)).fetchall()
    return [Unmatched(r["raw_name"], r["normalised"], r["sheet"], r["row"],
                      tuple(json.loads(r["suggestions"])), r["reason"]) for r in rows]


def members_for_year(ledger: Ledger, year: int, branch: str | None = None
                     ) -> list[tuple[int, Member]]:
    """Every member who belonged to the branch (or any branch) on some day of `year`.

    Income, category, 党费标准, branch and 党小组 are those of the roster in force on
    1 January (the base is fixed at the start of the year, SPEC §8); for a member that
    roster does not list (joined later), those of the first roster of the year listing
    them. Name and membership dates (joined, transferred out, …) are the newest roster's,
    which knows most about the year; a member a later roster drops without a 转出 date
    leaves on that roster's effective date.
    """
    conn = ledger.conn
    first = _import_in_force(conn, date(year, 1, 1), fallback=True)
    if first is None:
        return []
    later = [int(r[0]) for r in conn.execute(
        "SELECT id FROM imports WHERE kind = 'roster' AND effective_date > ?"
        " AND effective_date <= ? ORDER BY effective_date, id",
        (date(year, 1, 1).isoformat(), date(year, 12, 31).isoformat()))]
    base: dict[int, Member] = {}
    moved: dict[int, date] = {}  # a member listed in another branch by a later roster: from when
    effective = dict(conn.execute("SELECT id, effective_date FROM imports WHERE kind = 'roster'").fetchall())
    for import_id in [first, *later]:
        for mid, m in _versions_of(conn, import_id):
            start = base.setdefault(mid, m)
            if m.branch != start.branch and mid not in moved and effective.get(import_id):
                moved[mid] = date.fromisoformat(effective[import_id])
    newest, dropped = _newest(conn)
    out = []
    year_end = date(year, 12, 31)
    for mid, start in base.items():
        latest = newest.get(mid, start)
        if mid in moved and latest.branch != start.branch:
            # moved between two branches of the 党委 during the year: the old branch's member
            # until the move (its 转入 date, else the roster's), the new one's from then on,
            # each with the year's base (SPEC §8)
            day = latest.transferred_in if latest.transferred_in and latest.transferred_in.year == year \
                else moved[mid]
            before = replace(_merge(start, start, None), transferred_out=day, transferred_out_precision="day")
            # the month of the move is the old branch's (he was its member on the month's first
            # day and owes it there): the new branch owes from the next month, not the same
            # month a second time (a November payment in the old 台账 showed 已交 in both)
            owes_from = day if day.day == 1 else date(day.year + day.month // 12, day.month % 12 + 1, 1)
            after = replace(_merge(start, latest, dropped.get(mid)), branch=latest.branch, group=latest.group,
                            transferred_in=owes_from)
            out += [(mid, m) for m in (before, after)
                    if (branch is None or m.branch == branch) and months_due(m, year, year_end)]
            continue
        if branch is not None and start.branch != branch:
            continue
        member = _merge(start, latest, dropped.get(mid))
        if months_due(member, year, year_end):
            out.append((mid, member))
    return out


def _merge(start: Member, latest: Member, dropped_on: date | None) -> Member:
    member = replace(latest, income=start.income, category=start.category,
                     dues_override=start.dues_override, branch=start.branch, group=start.group,
                     source_row=start.source_row)
    if dropped_on is not None and member.transferred_out is None:
        member = replace(member, transferred_out=dropped_on)
    return member


def _newest(conn: sqlite3.Connection) -> tuple[dict[int, Member], dict[int, date]]:
    """Each member's newest listed version, and the effective date of a roster that
    dropped them since (present = 0 in the newest import mentioning them)."""
    newest = dict(_newest_versions(conn))
    dropped = {
        int(r[0]): date.fromisoformat(r[1]) for r in conn.execute(
            """SELECT member_id, effective_date FROM (
                   SELECT mv.member_id, mv.present, i.effective_date, ROW_NUMBER() OVER (
                       PARTITION BY mv.member_id ORDER BY i.effective_date DESC, i.id DESC) AS n
                   FROM member_versions mv JOIN imports i ON i.id = mv.import_id
                   WHERE i.kind = 'roster'
               ) WHERE n = 1 AND present = 0 AND effective_date IS NOT NULL""")
    }
    return newest, dropped


def save_standards(ledger: Ledger, import_id: int, policy: DuesPolicy) -> int:
    """Store the 党费标准 of every member listed by roster import `import_id` under
    `policy` (the rules of `core.dues.monthly_standard`), so that a report over 30,000
    members reads it instead of deciding it again; a report under other [dues] amounts
    decides it itself. Returns how many were stored."""
    key = standard_policy(policy)
    decided: dict[tuple[str, str | None, str | None], Standard] = {}
    rows = []
    for vid, category, income, override in ledger.conn.execute(
            "SELECT id, category, income, dues_override FROM member_versions WHERE import_id = ? AND present = 1",
            (import_id,)).fetchall():
        s = decided.get((category, income, override))
        if s is None:
            s = decided[(category, income, override)] = monthly_standard(Member(
                name="", category=category, income=None if income is None else Decimal(income),
                dues_override=None if override is None else Decimal(override)), policy)
        rows.append((vid, key, _money_text(s.monthly), s.note, int(s.missing)))
    with ledger.transaction() as conn:
        conn.executemany("INSERT OR REPLACE INTO dues_standards (version_id, policy, monthly, note, missing)"
                         " VALUES (?, ?, ?, ?, ?)", rows)
    return len(rows)


def _money_text(value: Decimal) -> str:
    """'76.50': Decimal only, to the cent (a reader refuses fractions of a cent)."""
    if not isinstance(value, Decimal) or not value.is_finite():
        raise TypeError(f"money must be a finite Decimal, not {value!r}")
    if value != cents(value):
        raise ValueError(f"money must be whole cents, not {value}")
    return format(cents(value), "f")


def dues_answers(ledger: Ledger, year: int) -> list[tuple[int, date, str, str]]:
    """What members answered on a sign-in file in force about this month's 党费 (a 问卷星
    question such as 本月党费是否已交纳): (member_id, activity date, question, answer)."""
    out = []
    for mid, day, answers in ledger.conn.execute(
            "SELECT k.member_id, a.date, k.answers FROM attendance_marks k"
            " JOIN activities a ON a.id = k.activity_id JOIN attendance_files f ON f.id = k.file_id"
            " WHERE f.superseded_by IS NULL AND k.answers LIKE '%党费%' AND a.date BETWEEN ? AND ?"
            " ORDER BY a.date, k.member_id", (f"{year:04d}-01-01", f"{year:04d}-12-31")):
        for question, answer in json.loads(answers):
            if "党费" in question and ("交" in question or "缴" in question):
                out.append((int(mid), date.fromisoformat(day), question, answer))
    return out
