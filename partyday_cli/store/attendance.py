"""Attendance in the ledger: evidence (files and hand-set marks) and the derived rows."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from partyday_cli.core.members import Member
from partyday_cli.core.presence import RANK, Mark, derive, keep_best
from partyday_cli.store.ledger import Ledger, find_import, record_import
from partyday_cli.store.roster import (
    members_on_with_ids,
    on_day,
    roster_in_force,
    roster_members,
    transferred_in_since,
)

MANUAL = "手工登记"


class FileMark(NamedTuple):
    """What a sign-in file says of one member (a tuple: a file makes hundreds)."""

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


class ImportCache:
    """What the saves of one import keep from file to file, so that each file costs about
    its own rows and not the whole activity's evidence again.

    - who is expected on a day, as `members_on_with_ids` says: each roster import in force
      is read once (per branch), and a day's members are picked from it; a day whose
      members are the same as another's of that roster gets the same list. A roster
      import never changes what it says of a day, so the lists hold until a new roster
      import lands (checked at each `members`: one indexed query);
    - each activity's evidence and derived rows as this connection left them. They hold
      while no other connection writes to the ledger (`PRAGMA data_version`, checked
      inside each save's transaction, under its write lock); else they are read again.

    Lists handed out are shared: callers must not change them."""

    def __init__(self, ledger: Ledger):
        self.ledger = ledger
        self._roster: object = None
        self._members: dict[tuple[date, str | None], list[tuple[int, Member]]] = {}
        self._rosters: dict[tuple[int, str | None], list[tuple[int, Member]]] = {}  # (import, branch) → everyone
        self._days: dict[tuple[int, str | None], list[list[tuple[int, Member]]]] = {}  # → the days' lists so far
        self._version: object = None
        self._activities: dict[int, _Activity] = {}

    def members(self, day: date, branch: str | None) -> list[tuple[int, Member]]:
        token = tuple(self.ledger.conn.execute(
            "SELECT max(id), count(*) FROM imports WHERE kind = 'roster'").fetchone())
        if token != self._roster:
            self._members.clear()
            self._rosters.clear()
            self._days.clear()
            self._activities.clear()
            self._roster = token
        found = self._members.get((day, branch))
        if found is None:
            found = self._members[(day, branch)] = self._on_day(day, branch)
        return found

    def _on_day(self, day: date, branch: str | None) -> list[tuple[int, Member]]:
        version = roster_in_force(self.ledger, day)
        if version is None:
            return []
        key = (version, branch)
        everyone = self._rosters.get(key)
        if everyone is None:
            whole = self._rosters.get((version, None)) if branch is not None else None
            everyone = self._rosters[key] = ([(mid, m) for mid, m in whole if m.branch == branch]
                                             if whole is not None else roster_members(self.ledger, version, branch))
        found = on_day(everyone, day, if_present=True)
        found += transferred_in_since(self.ledger, version, day, branch, {mid for mid, _ in found})
        days = self._days.setdefault(key, [])
        for same in days:  # the same people another day: the same list (callers key on it)
            if same == found:
                return same
        days.append(found)
        return found

    def forget(self) -> None:
        """Drop what is known of the activities (after this connection changed them otherwise)."""
        self._activities.clear()

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Many saves, each still its own transaction, committed without waiting for the
        disk each time: the ledger is synced once, at the end.

        In WAL mode with `synchronous = NORMAL` every commit is atomic and stays
        committed when the process is killed; only a power cut or an OS crash can undo
        the last commits, never half of one, and the ledger stays sound (sqlite.org,
        "WAL mode … is always consistent with synchronous=NORMAL"). A file so lost is
        imported again by the next run: its archived copy is kept and synced before its
        commit. Leaving the block (normally or not) syncs the write-ahead log, so every
        file reported imported is then on disk."""
        conn = self.ledger.conn
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
        level = conn.execute("PRAGMA synchronous").fetchone()[0]
        if str(mode).lower() != "wal" or level < 1:
            yield
            return
        conn.execute("PRAGMA synchronous = NORMAL")
        try:
            yield
        finally:
            conn.execute(f"PRAGMA synchronous = {int(level)}")
            _sync_wal(self.ledger)

    def _activity(self, activity_id: int) -> _Activity | None:
        """Inside a transaction: the activity as last saved, if nobody else wrote since."""
        version = self.ledger.conn.execute("PRAGMA data_version").fetchone()[0]
        if version != self._version:
            self._activities.clear()
            self._version = version
        return self._activities.get(activity_id)


def _sync_wal(ledger: Ledger) -> None:
    """fsync the ledger's write-ahead log (it holds every commit not yet checkpointed);
    where the file cannot be opened for that, a checkpoint syncs it instead."""
    wal = Path(f"{ledger.path}-wal")
    try:
        fd = os.open(wal, os.O_RDWR)
    except FileNotFoundError:
        return  # checkpointed and removed: nothing pending
    except OSError:
        ledger.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        return
    try:
        os.fsync(fd)
    except OSError as exc:
        from partyday_cli.errors import UserError

        raise UserError(f"无法把账本写入磁盘（{exc.strerror}）：可能磁盘已满或出错。请检查磁盘后重新运行"
                        "同一条导入命令，已导入的文件会自动跳过") from None
    finally:
        os.close(fd)


@dataclass
class _Activity:
    """One activity's evidence and its rows in `attendance`, as a save left them."""

    marks: dict[int, list[Mark]]  # member id → marks of files in force and by hand, in id order
    signed: bool  # a sign-in file is in force
    expected: list[tuple[int, Member]]  # the list the rows were derived for
    rows: dict[int, tuple[str, str, str]]  # member id → (status, reason, source), in row order
    best: dict[int, int] = field(default_factory=dict)  # member id → what a later file mark must beat
    counts: dict[str, int] = field(default_factory=dict)  # status → rows, kept by `_add_file`
    if_present: frozenset[int] = frozenset()  # members with a row only when a mark shows them present


# `derive` (core/presence.py) picks, among a member's file marks, the earliest of the best
# kind: listed with no status word, then 出席, 迟到, 早退, then 补学, 请假, 缺席; with none of
# these, 缺席 from the earliest mark. A hand-set mark beats every file, and an exempt member
# stays 免参加. So a mark added after the others can change the row only when it is of a
# better kind than the best so far; `_add_file` derives again only then.
_RANK = RANK
_UNRANKED = len(_RANK)  # a status `derive` does not choose by (免参加 in a file)
_NO_MARK = _UNRANKED + 1
_SETTLED = -1  # set by hand, or exempt: no file mark changes the row


class _FileMarkSeen(NamedTuple):
    """A `Mark` of a sign-in file, as `derive` reads it (a tuple: a file makes hundreds)."""

    status: str | None
    reason: str
    source: str
    manual: bool = False


def _best(marks: list[Mark], exempt: bool, leave: str | None = None) -> int:
    if exempt or any(m.manual for m in marks):
        return _SETTLED
    best = min((_RANK.get(m.status, _UNRANKED) for m in marks), default=_NO_MARK)
    # on leave by the roster: only a mark better than 请假 changes the row (a file's 请假
    # with its own reason comes first, as `derive` reads it, and ranks the same)
    return min(best, _RANK["请假"] + 1) if leave is not None else best


def _counts(conn, activity_id: int) -> dict[str, int]:  # type: ignore[no-untyped-def]
    rows = conn.execute("SELECT status, count(*) FROM attendance WHERE activity_id = ? GROUP BY status",
                        (activity_id,))
    return {status: n for status, n in rows}


def _tally(rows: dict[int, tuple[str, str, str]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for status, _, _ in rows.values():
        out[status] = out.get(status, 0) + 1
    return out


class AlreadyImported(Exception):
    """The same bytes landed (from another process) between the caller's check and the save."""

    def __init__(self, import_id: int):
        super().__init__(import_id)
        self.import_id = import_id


def save_signin(ledger: Ledger, *, activity_id: int, activity_date: date, branch: str, sha256: str,
                original_name: str, archived_path: str, layout: str, present_only: bool,
                marks: list[FileMark], unmatched: list[Unmatched], visitors: list[tuple[str, str]],
                replace: bool, cache: ImportCache | None = None,
                import_id: int | None = None) -> tuple[int, AttendanceChange]:
    """One sign-in file, in one transaction: its evidence, then the activity's rows re-derived.
    With `replace`, the files already in force for the activity are superseded. `cache`:
    for a caller saving many files (see `ImportCache`); the outcome is the same.
    `import_id`: the file is already recorded by that import and is saved for one more
    activity (a 党委's joint sign-in sheet, one activity per branch)."""
    now = _now()
    try:
        with ledger.transaction() as conn:
            expected = _in_scope(conn, activity_id, cache.members(activity_date, branch) if cache is not None
                                 else members_on_with_ids(ledger, activity_date, branch, if_present=True))
            earlier = find_import(ledger, "attendance", sha256) if import_id is None else None
            if earlier is not None:  # another process imported the same bytes meanwhile
                raise AlreadyImported(earlier)
            known = cache._activity(activity_id) if cache is not None and not replace else None
            change = AttendanceChange(before=dict(known.counts) if known else _counts(conn, activity_id))
            if import_id is None:
                import_id = record_import(ledger, kind="attendance", sha256=sha256, original_name=original_name,
                                          archived_path=archived_path, effective_date=activity_date,
                                          rows=len(marks) + len(unmatched) + len(visitors))
            file_id = conn.execute(
                "INSERT INTO attendance_files (import_id, activity_id, layout, present_only) VALUES (?,?,?,?)",
                (import_id, activity_id, layout, int(present_only))).lastrowid
            if replace:
                conn.execute("UPDATE attendance_files SET superseded_by = ? WHERE activity_id = ? "
                             "AND id != ? AND superseded_by IS NULL", (file_id, activity_id, file_id))
            _insert_marks(conn, [(activity_id, m.member_id, file_id, m.status, m.reason, _answers_json(m.answers),
                                  m.sheet, m.row, now) for m in marks])
            if unmatched:
                conn.executemany(
                    "INSERT INTO unmatched_names (import_id, activity_id, file_id, raw_name, normalised, sheet, "
                    "row, suggestions, status, reason) VALUES (?,?,?,?,?,?,?,?,?,?)",
                    [(import_id, activity_id, file_id, u.raw_name, u.normalised, u.sheet, u.row,
                      json.dumps(u.suggestions, ensure_ascii=False), u.status, u.reason) for u in unmatched])
            if visitors:
                conn.executemany("INSERT INTO visitors (activity_id, file_id, name, note) VALUES (?,?,?,?)",
                                 [(activity_id, file_id, n, note) for n, note in visitors])
            if known is None:
                state = _rederive(conn, activity_id, activity_date, expected)
            else:
                state = _add_file(conn, known, activity_id, activity_date, expected, marks, original_name)
            change.after = dict(state.counts)
    except BaseException:
        if cache is not None:
            cache.forget()
        raise
    if cache is not None:
        cache._activities[activity_id] = state
    return import_id, change


_MARK_STATUSES = frozenset((None, "出席", "迟到", "早退", "请假", "缺席", "免参加", "补学"))  # attendance_marks' CHECK


def _insert_marks(conn, rows: list[tuple]) -> None:  # type: ignore[no-untyped-def, type-arg]
    """INSERT the rows (activity_id, member_id, file_id, status, reason, answers, sheet,
    row, set_at) into attendance_marks.

    The table's CHECK on status (`status IN ('出席', …)`) costs SQLite a temporary index
    built anew for every row, most of a mark's insert; here it is checked in Python,
    once per row, and SQLite skips its own for this statement alone. A row it would
    refuse is left to SQLite (the plain insert), so the error is SQLite's own."""
    sql = ("INSERT INTO attendance_marks (activity_id, member_id, file_id, status, reason, answers, "
           "sheet, row, set_at) VALUES (?,?,?,?,?,?,?,?,?)")
    allowed = _MARK_STATUSES
    if len(rows) < 8 or not all(r[3] in allowed for r in rows):
        conn.executemany(sql, rows)
        return
    conn.execute("PRAGMA ignore_check_constraints = ON")  # expires the prepared statements: they are
    try:  # compiled again without the CHECK now, and with it after
        conn.executemany(sql, rows)
    finally:
        conn.execute("PRAGMA ignore_check_constraints = OFF")


@lru_cache(maxsize=4096)
def _answers_json(answers: tuple[tuple[str, str], ...]) -> str:
    return json.dumps(answers, ensure_ascii=False)


def rederive(ledger: Ledger, activity_id: int, activity_date: date, branch: str) -> None:
    """Rewrite the activity's attendance rows from its evidence (inside a transaction)."""
    _rederive(ledger.conn, activity_id, activity_date,
              _in_scope(ledger.conn, activity_id, members_on_with_ids(ledger, activity_date, branch,
                                                                        if_present=True)))


def _in_scope(conn, activity_id: int, expected: list[tuple[int, Member]]) -> list[tuple[int, Member]]:  # type: ignore[no-untyped-def]
    from partyday_cli.store.meetings import expected_at_activity

    return expected_at_activity(conn, activity_id, expected)


def _rederive(conn, activity_id: int, activity_date: date,  # type: ignore[no-untyped-def]
              expected: list[tuple[int, Member]]) -> _Activity:
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
    signed = bool(conn.execute(
        "SELECT 1 FROM attendance_files WHERE activity_id = ? AND superseded_by IS NULL LIMIT 1",
        (activity_id,)).fetchone())
    state = _Activity(marks, signed, expected, {}, if_present=_if_present(expected, activity_date))
    for member_id, member in expected:
        if not signed and member_id not in marks:
            continue  # before any sign-in file, only what was set by hand (a leave asked ahead)
        if member_id in state.if_present and not _shown_present(marks.get(member_id, ())):
            continue  # transferred out that month (known to the month): not expected unless present
        _derive_row(state, member_id, member, activity_date)
    conn.executemany("INSERT INTO attendance (activity_id, member_id, status, reason, source) "
                     "VALUES (?,?,?,?,?)", [(activity_id, mid, *row) for mid, row in state.rows.items()])
    state.counts = _tally(state.rows)
    return state


def _if_present(expected: list[tuple[int, Member]], day: date) -> frozenset[int]:
    return frozenset(mid for mid, m in expected if m.only_if_present_on(day))


def _shown_present(marks) -> bool:  # type: ignore[no-untyped-def]
    return any(m.manual or m.status is None or m.status in ("出席", "迟到", "早退") for m in marks)


def _derive_row(state: _Activity, member_id: int, member: Member, day: date) -> tuple[str, str, str]:
    marks = state.marks.get(member_id, [])
    exempt = member.is_exempt_on(day)
    leave = member.leave_on(day)
    row = state.rows[member_id] = derive(marks, exempt=exempt, leave=leave)
    state.best[member_id] = _best(marks, exempt, leave)
    return row


def _add_file(conn, known: _Activity, activity_id: int, activity_date: date,  # type: ignore[no-untyped-def]
              expected: list[tuple[int, Member]], new: list[FileMark], name: str) -> _Activity:
    """`_rederive` after one more file in force, from what the last save left (changed in
    place: a failed save drops it). The new marks go last (their ids are the highest), so
    only their members' rows can change, and only by a mark better than their best so far
    (see `_RANK`); the rows are updated in place, keeping the order a rewrite gives them."""
    touched: dict[int, None] = {}
    best = known.best.get
    rank = _RANK.get
    marks = known.marks
    new_seen = tuple.__new__
    for m in new:
        member_id, status = m.member_id, m.status
        seen = marks.get(member_id)
        if seen is None:
            seen = marks[member_id] = []
        seen.append(new_seen(_FileMarkSeen, (status, m.reason, name, False)))  # _FileMarkSeen(status, m.reason, name)
        if rank(status, _UNRANKED) < best(member_id, _NO_MARK):
            touched[member_id] = None
    if not (known.signed and known.expected is expected) or any(t in known.if_present for t in touched):
        # everyone's row may change (or a row may be added)
        conn.execute("DELETE FROM attendance WHERE activity_id = ?", (activity_id,))
        state = _Activity(known.marks, True, expected, {}, if_present=_if_present(expected, activity_date))
        for member_id, member in expected:
            if member_id in state.if_present and not _shown_present(known.marks.get(member_id, ())):
                continue
            _derive_row(state, member_id, member, activity_date)
        conn.executemany("INSERT INTO attendance (activity_id, member_id, status, reason, source) "
                         "VALUES (?,?,?,?,?)", [(activity_id, mid, *row) for mid, row in state.rows.items()])
        state.counts = _tally(state.rows)
        return state
    by_id = dict(expected)
    counts = known.counts
    updates = []
    for member_id in touched:
        member = by_id.get(member_id)
        if member is None:
            continue  # not expected at this activity: evidence only
        before = known.rows[member_id]
        row = _derive_row(known, member_id, member, activity_date)
        if row != before:
            updates.append((*row, activity_id, member_id))
            counts[before[0]] -= 1
            if not counts[before[0]]:
                del counts[before[0]]
            counts[row[0]] = counts.get(row[0], 0) + 1
    if updates:
        conn.executemany("UPDATE attendance SET status = ?, reason = ?, source = ? "
                         "WHERE activity_id = ? AND member_id = ?", updates)
    return known


def has_signin(ledger: Ledger, activity_id: int) -> bool:
    """Whether a sign-in file is in force for the activity (not only hand-set marks)."""
    return bool(ledger.conn.execute(
        "SELECT 1 FROM attendance_files WHERE activity_id = ? AND superseded_by IS NULL LIMIT 1",
        (activity_id,)).fetchone())


def set_manual(ledger: Ledger, *, activity_id: int, activity_date: date, branch: str, member_id: int,
               status: str, reason: str) -> tuple[tuple[str, str] | None, str | None]:
    """Record a mark set by hand; returns what the member's row was before ((status,
    source) or None) and what it is now, so the caller can say what changed."""
    def current(conn) -> tuple[str, str] | None:  # type: ignore[no-untyped-def]
        row = conn.execute("SELECT status, source FROM attendance WHERE activity_id = ? AND member_id = ?",
                           (activity_id, member_id)).fetchone()
        return None if row is None else (row[0], row[1] or "")

    with ledger.transaction() as conn:
        before = current(conn)
        conn.execute("INSERT INTO attendance_marks (activity_id, member_id, file_id, status, reason, "
                     "set_at) VALUES (?,?,NULL,?,?,?)", (activity_id, member_id, status, reason, _now()))
        rederive(ledger, activity_id, activity_date, branch)
        after = current(conn)
    return before, None if after is None else after[0]


def resolve_name(ledger: Ledger, *, unmatched_id: int, member_id: int, activity_date: date,
                 branch: str, into: tuple[int, int] | None = None) -> None:
    """A name that matched nobody now belongs to `member_id`: its mark joins the evidence.
    `into`: (activity id, file id) of another branch's activity the same file was saved
    for (a 党委's joint sheet; `branch` is then that branch)."""
    with ledger.transaction() as conn:
        row = conn.execute("SELECT activity_id, file_id, status, reason, sheet, row FROM unmatched_names "
                           "WHERE id = ?", (unmatched_id,)).fetchone()
        activity_id, file_id = into or (row["activity_id"], row["file_id"])
        conn.execute("UPDATE unmatched_names SET resolved_member_id = ? WHERE id = ?",
                     (member_id, unmatched_id))
        conn.execute("INSERT INTO attendance_marks (activity_id, member_id, file_id, status, reason, "
                     "sheet, row, set_at) VALUES (?,?,?,?,?,?,?,?)",
                     (activity_id, member_id, file_id, row["status"], row["reason"] or "",
                      row["sheet"], row["row"], _now()))
        rederive(ledger, activity_id, activity_date, branch)


def row_of_member_in_file(ledger: Ledger, unmatched_id: int, member_id: int) -> int | None:
    """The row at which the file of a pending name already marks `member_id` (马丽 on her
    own row, and now 王大锤 said to be her too), else None."""
    found = ledger.conn.execute(
        "SELECT k.row FROM unmatched_names u JOIN attendance_marks k ON k.file_id = u.file_id"
        " WHERE u.id = ? AND k.member_id = ? ORDER BY k.id LIMIT 1", (unmatched_id, member_id)).fetchone()
    return None if found is None else int(found[0] or 0)


def earlier_resolutions(ledger: Ledger, activity_ids: Sequence[int]) -> dict[str, int]:
    """Name as written → member, for the names `attend resolve` settled at these activities
    (from any of their files, a superseded one too): a corrected sheet keeps them. A joint
    sheet passes the activities of every branch it covers (a name kept at one branch's
    activity may have been settled into another's)."""
    marks = ",".join("?" * len(activity_ids))
    return {r[0]: int(r[1]) for r in ledger.conn.execute(
        f"SELECT raw_name, resolved_member_id FROM unmatched_names WHERE activity_id IN ({marks})"
        " AND resolved_member_id IS NOT NULL ORDER BY id", tuple(activity_ids))}


def same_file_elsewhere(ledger: Ledger, unmatched_id: int) -> list[tuple[int, int, str]]:
    """(activity id, file id, branch) of the other activities the file of a pending name
    was saved for (a 党委's joint sheet, one activity per branch it covers)."""
    return [(int(r[0]), int(r[1]), r[2]) for r in ledger.conn.execute(
        "SELECT f.activity_id, f.id, a.branch FROM unmatched_names u"
        " JOIN attendance_files mine ON mine.id = u.file_id"
        " JOIN attendance_files f ON f.import_id = mine.import_id AND f.activity_id != u.activity_id"
        " JOIN activities a ON a.id = f.activity_id WHERE u.id = ? ORDER BY a.branch", (unmatched_id,))]


def attendance_by_status(ledger: Ledger, activity_id: int, labels: dict[int, str] | None = None
                         ) -> dict[str, list[tuple[str, str]]] | None:
    """Status → [(name, reason)] for one activity; None when no sign-in is recorded yet
    (rows are only ever derived from evidence, so no rows means no evidence). `labels`
    names members otherwise (张伟（第二党小组） where the branch has two)."""
    rows = ledger.query(
        "SELECT t.status, t.reason, m.name, t.member_id FROM attendance t JOIN members m ON m.id = t.member_id "
        "WHERE t.activity_id = ? ORDER BY t.id", (activity_id,))
    if not rows:
        return None
    labels = labels or {}
    out: dict[str, list[tuple[str, str]]] = {}
    for row in rows:
        out.setdefault(row["status"], []).append((labels.get(row["member_id"], row["name"]), row["reason"] or ""))
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


def dismiss_name(ledger: Ledger, *, unmatched_id: int, reason: str) -> None:
    """A name left unmatched that is nobody to count (a member since transferred out, a
    guest): kept in the ledger with the reason, no longer pending."""
    with ledger.transaction() as conn:
        conn.execute("UPDATE unmatched_names SET dismissed = ? WHERE id = ?", (reason or "已核实，不计", unmatched_id))


def marks_in_force(ledger: Ledger, activity_id: int, layout: str,
                   cache: ImportCache | None = None) -> dict[str, dict[int, str | None]]:
    """The sign-in files of one layout in force for an activity, by original name: each
    member's best mark in it (as `derive` ranks them). `cache`: an import's, whose note of
    the activity as it saved it last holds the marks already (no read of them)."""
    out: dict[str, dict[int, str | None]] = {}
    files = dict(ledger.conn.execute(
        "SELECT f.id, i.original_name FROM attendance_files f JOIN imports i ON i.id = f.import_id"
        " WHERE f.activity_id = ? AND f.superseded_by IS NULL AND f.layout = ?", (activity_id, layout)))
    if not files:  # the usual case: no other file of its kind (an import does this for every file)
        return out
    known = cache._activities.get(activity_id) if cache is not None else None
    if known is not None:
        names = set(files.values())
        for member_id, seen in known.marks.items():
            for m in seen:
                if m.manual or m.source not in names:
                    continue
                keep_best(out.setdefault(m.source, {}), member_id, m.status)
        return out
    for file_id, member_id, status in ledger.conn.execute(
            "SELECT file_id, member_id, status FROM attendance_marks"  # by the activity's index, not a scan
            " WHERE activity_id = ? AND file_id IN (SELECT value FROM json_each(?))",
            (activity_id, json.dumps(list(files)))):
        keep_best(out.setdefault(files[file_id], {}), member_id, status)
    return out


def unresolved_names(ledger: Ledger, activity_id: int | None = None, *, start: date | None = None,
                     end: date | None = None, branch: str | None = None) -> list:  # type: ignore[type-arg]
    """The sign-in names still to be decided (`attend resolve`): of files in force only — a
    withdrawn file, or one a corrected file replaced, no longer counts, nor do its names.
    `start`/`end`/`branch`: of the activities on those days, of that branch."""
    sql = ("SELECT u.id, u.raw_name, u.normalised, u.sheet, u.row, u.suggestions, u.status, a.date, "
           "a.branch, i.original_name FROM unmatched_names u JOIN imports i ON i.id = u.import_id "
           "LEFT JOIN activities a ON a.id = u.activity_id "
           "LEFT JOIN attendance_files f ON f.id = u.file_id "
           "WHERE u.resolved_member_id IS NULL AND u.dismissed = '' AND i.kind = 'attendance' "
           "AND (u.file_id IS NULL OR f.superseded_by IS NULL)")
    params: list[object] = []
    if activity_id is not None:
        sql += " AND u.activity_id = ?"
        params.append(activity_id)
    if start is not None:
        sql += " AND a.date >= ?"
        params.append(start.isoformat())
    if end is not None:
        sql += " AND a.date <= ?"
        params.append(end.isoformat())
    if branch is not None:
        sql += " AND a.branch = ?"
        params.append(branch)
    return ledger.query(sql + " ORDER BY a.date, u.id", params)


# --------------------------------------------------------------------------- the files of an activity
#
# A file is in force while `superseded_by` is NULL; it is superseded by the file that
# replaced it (`attend import --replace`), or withdrawn (`attend files --withdraw`), which
# is recorded as superseded by itself. Its evidence stays in the ledger either way, so a
# file can be put back in force (`--replace` with the same file).


@dataclass(frozen=True)
class ActivityFile:
    """One sign-in file of an activity, as `attend files` lists it."""

    file_id: int
    import_id: int
    original_name: str
    archived_path: str
    imported_at: str
    layout: str
    marks: int
    superseded_by: int | None  # None: in force; == file_id: withdrawn

    @property
    def in_force(self) -> bool:
        return self.superseded_by is None

    @property
    def withdrawn(self) -> bool:
        return self.superseded_by == self.file_id


def activity_files(ledger: Ledger, activity_id: int) -> list[ActivityFile]:
    """The sign-in files of an activity, in import order."""
    rows = ledger.conn.execute(
        "SELECT f.id, f.import_id, i.original_name, i.archived_path, i.imported_at, f.layout, f.superseded_by, "
        "(SELECT count(*) FROM attendance_marks k WHERE k.file_id = f.id) FROM attendance_files f "
        "JOIN imports i ON i.id = f.import_id WHERE f.activity_id = ? ORDER BY f.id", (activity_id,)).fetchall()
    return [ActivityFile(int(r[0]), int(r[1]), r[2], r[3], r[4], r[5], int(r[7]),
                         None if r[6] is None else int(r[6])) for r in rows]


@dataclass(frozen=True)
class FileInLedger:
    """A sign-in file whose bytes are in the ledger already: where it stands."""

    file_id: int
    activity_id: int
    activity_date: date
    branch: str
    in_force: bool
    withdrawn: bool
    others_in_force: int  # other files in force for the same activity


def file_in_ledger(ledger: Ledger, sha256: str, branch: str | None = None) -> FileInLedger | None:
    """Where these bytes stand (`branch`: for an activity of that branch; a 党委's joint
    sheet is one file for several branches' activities)."""
    row = ledger.conn.execute(
        "SELECT f.id, f.activity_id, a.date, a.branch, f.superseded_by, "
        "(SELECT count(*) FROM attendance_files o WHERE o.activity_id = f.activity_id AND o.id != f.id "
        "AND o.superseded_by IS NULL) FROM imports i JOIN attendance_files f ON f.import_id = i.id "
        "JOIN activities a ON a.id = f.activity_id WHERE i.kind = 'attendance' AND i.sha256 = ? "
        + ("AND a.branch = ? " if branch is not None else "")
        + "ORDER BY f.id DESC LIMIT 1", (sha256, *([branch] if branch is not None else []))).fetchone()
    if row is None:
        return None
    file_id, superseded = int(row[0]), row[4]
    return FileInLedger(file_id, int(row[1]), date.fromisoformat(row[2]), row[3], superseded is None,
                        superseded == file_id, int(row[5]))


def put_in_force_alone(ledger: Ledger, found: FileInLedger) -> AttendanceChange:
    """`--replace` with a file already in the ledger: it alone is in force for its activity
    (the others superseded by it; itself back in force if it was superseded or withdrawn)."""
    with ledger.transaction() as conn:
        change = AttendanceChange(before=_counts(conn, found.activity_id))
        conn.execute("UPDATE attendance_files SET superseded_by = NULL WHERE id = ?", (found.file_id,))
        conn.execute("UPDATE attendance_files SET superseded_by = ? WHERE activity_id = ? AND id != ? "
                     "AND superseded_by IS NULL", (found.file_id, found.activity_id, found.file_id))
        rederive(ledger, found.activity_id, found.activity_date, found.branch)
        change.after = _counts(conn, found.activity_id)
    return change


def put_back_in_force(ledger: Ledger, found: FileInLedger) -> AttendanceChange:
    """A withdrawn file imported again without --replace: back in force beside the files in
    force now (merged, as when it was first imported)."""
    with ledger.transaction() as conn:
        change = AttendanceChange(before=_counts(conn, found.activity_id))
        conn.execute("UPDATE attendance_files SET superseded_by = NULL WHERE id = ?", (found.file_id,))
        rederive(ledger, found.activity_id, found.activity_date, found.branch)
        change.after = _counts(conn, found.activity_id)
    return change


def withdraw_file(ledger: Ledger, file_id: int, activity_id: int, activity_date: date,
                  branch: str) -> AttendanceChange:
    """Take a file out of force (its evidence is kept; importing it again puts it back)."""
    with ledger.transaction() as conn:
        change = AttendanceChange(before=_counts(conn, activity_id))
        conn.execute("UPDATE attendance_files SET superseded_by = id WHERE id = ? AND activity_id = ?",
                     (file_id, activity_id))
        rederive(ledger, activity_id, activity_date, branch)
        change.after = _counts(conn, activity_id)
    return change
