"""Attendance in the ledger: evidence (files and hand-set marks) and the derived rows."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime

from partyday_cli.core.members import Member
from partyday_cli.core.presence import Mark, derive
from partyday_cli.store.ledger import Ledger, record_import
from partyday_cli.store.roster import members_on_with_ids

MANUAL = "手工登记"


@dataclass(frozen=True)
class FileMark:
    member_id: int
    status: str | None
    reason: str = ""
    answers: tuple[tuple[str, str], ...] = ()
    sheet: str = ""
    row: int | None = None


@dataclass(frozen=True)
class Unmatched:
    raw_name: str
    normalised: str
    sheet: str
    row: int | None
    suggestions: tuple[str, ...]
    status: str | None
    reason: str = ""


@dataclass
class AttendanceChange:
    before: dict[str, int] = field(default_factory=dict)  # status → count
    after: dict[str, int] = field(default_factory=dict)

    def text(self) -> str:
        keys = [k for k in ("出席", "迟到", "早退", "请假", "缺席", "免参加", "补学")
                if self.before.get(k, 0) != self.after.get(k, 0)]
        if not keys:
            return "出勤情况没有变化"
        return "，".join(f"{k} {self.before.get(k, 0)}→{self.after.get(k, 0)}" for k in keys)


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _counts(conn, activity_id: int) -> dict[str, int]:  # type: ignore[no-untyped-def]
    rows = conn.execute("SELECT status, count(*) FROM attendance WHERE activity_id = ? GROUP BY status",
                        (activity_id,))
    return {status: n for status, n in rows}


def save_signin(ledger: Ledger, *, activity_id: int, activity_date: date, branch: str, sha256: str,
                original_name: str, archived_path: str, layout: str, present_only: bool,
                marks: list[FileMark], unmatched: list[Unmatched], visitors: list[tuple[str, str]],
                replace: bool) -> tuple[int, AttendanceChange]:
    """One sign-in file, in one transaction: its evidence, then the activity's rows re-derived.
    With `replace`, the files already in force for the activity are superseded."""
    with ledger.transaction() as conn:
        change = AttendanceChange(before=_counts(conn, activity_id))
        import_id = record_import(ledger, kind="attendance", sha256=sha256, original_name=original_name,
                                  archived_path=archived_path, effective_date=activity_date,
                                  rows=len(marks) + len(unmatched) + len(visitors))
        file_id = conn.execute(
            "INSERT INTO attendance_files (import_id, activity_id, layout, present_only) VALUES (?,?,?,?)",
            (import_id, activity_id, layout, int(present_only))).lastrowid
        if replace:
            conn.execute("UPDATE attendance_files SET superseded_by = ? WHERE activity_id = ? "
                         "AND id != ? AND superseded_by IS NULL", (file_id, activity_id, file_id))
        conn.executemany(
            "INSERT INTO attendance_marks (activity_id, member_id, file_id, status, reason, answers, "
            "sheet, row, set_at) VALUES (?,?,?,?,?,?,?,?,?)",
            [(activity_id, m.member_id, file_id, m.status, m.reason,
              json.dumps(m.answers, ensure_ascii=False), m.sheet, m.row, _now()) for m in marks])
        conn.executemany(
            "INSERT INTO unmatched_names (import_id, activity_id, file_id, raw_name, normalised, sheet, "
            "row, suggestions, status, reason) VALUES (?,?,?,?,?,?,?,?,?,?)",
            [(import_id, activity_id, file_id, u.raw_name, u.normalised, u.sheet, u.row,
              json.dumps(u.suggestions, ensure_ascii=False), u.status, u.reason) for u in unmatched])
        conn.executemany("INSERT INTO visitors (activity_id, file_id, name, note) VALUES (?,?,?,?)",
                         [(activity_id, file_id, n, note) for n, note in visitors])
        rederive(ledger, activity_id, activity_date, branch)
        change.after = _counts(conn, activity_id)
    return import_id, change


def rederive(ledger: Ledger, activity_id: int, activity_date: date, branch: str) -> None:
    """Rewrite the activity's attendance rows from its evidence (inside a transaction)."""
    conn = ledger.conn
    rows = conn.execute(
        "SELECT k.member_id, k.status, k.reason, k.file_id, i.original_name FROM attendance_marks k "
        "LEFT JOIN attendance_files f ON f.id = k.file_id LEFT JOIN imports i ON i.id = f.import_id "
        "WHERE k.activity_id = ? AND (k.file_id IS NULL OR f.superseded_by IS NULL) ORDER BY k.id",
        (activity_id,)).fetchall()
    marks: dict[int, list[Mark]] = {}
    for member_id, status, reason, file_id, name in rows:
        manual = file_id is None
        marks.setdefault(member_id, []).append(
            Mark(status, reason or "", MANUAL if manual else (name or ""), manual))
    conn.execute("DELETE FROM attendance WHERE activity_id = ?", (activity_id,))
    expected: list[tuple[int, Member]] = members_on_with_ids(ledger, activity_date, branch)
    signed = has_signin(ledger, activity_id)
    out = []
    for member_id, member in expected:
        if not signed and member_id not in marks:
            continue  # before any sign-in file, only what was set by hand (a leave asked ahead)
        status, reason, source = derive(marks.get(member_id, []),
                                        exempt=member.is_exempt_on(activity_date))
        out.append((activity_id, member_id, status, reason, source))
    conn.executemany("INSERT INTO attendance (activity_id, member_id, status, reason, source) "
                     "VALUES (?,?,?,?,?)", out)


def has_signin(ledger: Ledger, activity_id: int) -> bool:
    """Whether a sign-in file is in force for the activity (not only hand-set marks)."""
    return bool(ledger.conn.execute(
        "SELECT 1 FROM attendance_files WHERE activity_id = ? AND superseded_by IS NULL LIMIT 1",
        (activity_id,)).fetchone())


def set_manual(ledger: Ledger, *, activity_id: int, activity_date: date, branch: str, member_id: int,
               status: str, reason: str) -> None:
    with ledger.transaction() as conn:
        conn.execute("INSERT INTO attendance_marks (activity_id, member_id, file_id, status, reason, "
                     "set_at) VALUES (?,?,NULL,?,?,?)", (activity_id, member_id, status, reason, _now()))
        rederive(ledger, activity_id, activity_date, branch)


def resolve_name(ledger: Ledger, *, unmatched_id: int, member_id: int, activity_date: date,
                 branch: str) -> None:
    """A name that matched nobody now belongs to `member_id`: its mark joins the evidence."""
    with ledger.transaction() as conn:
        row = conn.execute("SELECT activity_id, file_id, status, reason, sheet, row FROM unmatched_names "
                           "WHERE id = ?", (unmatched_id,)).fetchone()
        conn.execute("UPDATE unmatched_names SET resolved_member_id = ? WHERE id = ?",
                     (member_id, unmatched_id))
        conn.execute("INSERT INTO attendance_marks (activity_id, member_id, file_id, status, reason, "
                     "sheet, row, set_at) VALUES (?,?,?,?,?,?,?,?)",
                     (row["activity_id"], member_id, row["file_id"], row["status"], row["reason"] or "",
                      row["sheet"], row["row"], _now()))
        rederive(ledger, row["activity_id"], activity_date, branch)


def attendance_by_status(ledger: Ledger, activity_id: int) -> dict[str, list[tuple[str, str]]] | None:
    """Status → [(name, reason)] for one activity; None when no sign-in is recorded yet
    (rows are only ever derived from evidence, so no rows means no evidence)."""
    rows = ledger.query(
        "SELECT t.status, t.reason, m.name FROM attendance t JOIN members m ON m.id = t.member_id "
        "WHERE t.activity_id = ? ORDER BY t.id", (activity_id,))
    if not rows:
        return None
    out: dict[str, list[tuple[str, str]]] = {}
    for row in rows:
        out.setdefault(row["status"], []).append((row["name"], row["reason"] or ""))
    return out


def attendance_rows(ledger: Ledger, *, start: date, end: date, branch: str | None = None) -> list:  # type: ignore[type-arg]
    sql = ("SELECT a.date, a.branch, m.name, t.status, t.reason, t.source, t.member_id FROM attendance t "
           "JOIN activities a ON a.id = t.activity_id JOIN members m ON m.id = t.member_id "
           "WHERE a.date BETWEEN ? AND ?")
    params: list[object] = [start.isoformat(), end.isoformat()]
    if branch is not None:
        sql += " AND a.branch = ?"
        params.append(branch)
    return ledger.query(sql + " ORDER BY a.date, a.branch, t.id", params)


def unresolved_names(ledger: Ledger, activity_id: int | None = None) -> list:  # type: ignore[type-arg]
    sql = ("SELECT u.id, u.raw_name, u.normalised, u.sheet, u.row, u.suggestions, u.status, a.date, "
           "a.branch, i.original_name FROM unmatched_names u JOIN imports i ON i.id = u.import_id "
           "LEFT JOIN activities a ON a.id = u.activity_id WHERE u.resolved_member_id IS NULL "
           "AND i.kind = 'attendance'")
    params: list[object] = []
    if activity_id is not None:
        sql += " AND u.activity_id = ?"
        params.append(activity_id)
    return ledger.query(sql + " ORDER BY a.date, u.id", params)
