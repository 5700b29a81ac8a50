"""Rosters in the ledger, with their history (SPEC §2, §7).

Each roster import is stored as a full snapshot: one `member_versions` row for every
member it lists (present = 1), plus a present = 0 row for each member the roster in
force before it listed and it no longer does. The roster in force on a day is the
newest import whose effective date is on or before that day (for days before every
import, the earliest one: a roster describes the past through its dates); the members
on that day are the members it lists whose own dates (`Member.is_member_on`) say so.
A later import therefore never changes the answer for an earlier day.

A person keeps one `members.id` across imports: matched by Member.key, else by ID
number, else by a name that is unique in its branch on both sides, so a change of 党小组
or phone number is a change, not a departure and an arrival.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from partyday_cli.core.members import Member
from partyday_cli.errors import UserError
from partyday_cli.store.ledger import Ledger, find_import, record_import

_DATE_FIELDS = frozenset(
    {
        "birth_date",
        "joined",
        "full_member_date",
        "transferred_out",
        "transferred_in",
        "exempt_from",
        "exempt_until",
        "leave_from",
        "leave_until",
    }
)
_MONEY_FIELDS = frozenset({"income", "dues_override"})
_FIELDS = tuple(f.name for f in fields(Member))
_TEXT_FIELDS = frozenset(_FIELDS) - _DATE_FIELDS - _MONEY_FIELDS - {"source_row"}
_COLUMNS = tuple("group_name" if name == "group" else name for name in _FIELDS)
_ORDER = "ORDER BY mv.branch, mv.source_row IS NULL, mv.source_row, mv.member_id"


@dataclass(frozen=True)
class RosterSaveResult:
    """What one roster import changed, compared with the roster in force before it."""

    added: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    already_imported: bool = False
    import_id: int | None = None
    added_names: tuple[str, ...] = ()
    changed_names: tuple[str, ...] = ()
    removed_names: tuple[str, ...] = ()
    changes: tuple[str, ...] = ()  # per member changed, what: 王芳：党小组 第二党小组→第一党小组
    rederived: int = 0  # activities whose attendance rows were derived again (`_rederive_in_force`)
    rederived_rows: tuple[str, ...] = ()  # each row that changed: 刘洋 2026-09-09 请假→缺席
    later: tuple[date, str] | None = None  # a roster already in force from a later day (its day, its file)

    def summary(self) -> str:
        if self.already_imported:
            return "该花名册已导入过，账本未作改动"
        return (
            f"新增 {self.added} 人，信息变更 {self.changed} 人，"
            f"未变 {self.unchanged} 人，移出 {self.removed} 人"
        )


def save_roster(
    ledger: Ledger,
    members: list[Member],
    *,
    sha256: str,
    original_name: str,
    archived_path: str,
    effective_date: date,
) -> RosterSaveResult:
    """Store one roster import in one transaction; nothing is written for bytes already
    imported (`already_imported`)."""
    _refuse_duplicates(members)
    with ledger.transaction() as conn:
        earlier = find_import(ledger, "roster", sha256)
        if earlier is not None:
            return RosterSaveResult(already_imported=True, import_id=earlier)
        previous = _import_in_force(conn, effective_date, fallback=False)
        before = dict(_versions_of(conn, previous)) if previous is not None else {}
        ids = _match(conn, members, set(before))
        import_id = record_import(
            ledger,
            kind="roster",
            sha256=sha256,
            original_name=original_name,
            archived_path=archived_path,
            effective_date=effective_date,
            rows=len(members),
        )
        is_newest = _is_newest(conn, import_id)
        ids = [
            _ensure_member(conn, mid, m, import_id, is_newest)
            for mid, m in zip(ids, members, strict=True)
        ]
        result = _compare(before, ids, members, import_id)
        _insert_versions(conn, import_id, zip(ids, members, strict=True), present=1)
        listed = set(ids)
        gone = [(mid, m) for mid, m in before.items() if mid not in listed]
        _insert_versions(conn, import_id, gone, present=0)
        conn.execute("UPDATE imports SET summary = ? WHERE id = ?", (result.summary(), import_id))
        count, moved = _rederive_in_force(ledger, import_id, effective_date, _branches_changed(before, ids, members))
        later = conn.execute("SELECT effective_date, original_name FROM imports WHERE kind = 'roster'"
                             " AND effective_date > ? ORDER BY effective_date, id LIMIT 1",
                             (effective_date.isoformat(),)).fetchone()
        result = replace(result, rederived=count, rederived_rows=tuple(moved),
                         later=(date.fromisoformat(later[0]), later[1]) if later else None)
    return result


# What decides a member's attendance row (`store.attendance._derive_row`): expected or not,
# 免参加, 请假 by the roster.
_ATTENDANCE_FIELDS = ("branch", "group", "note", "joined", "transferred_in", "transferred_out",
                      "transferred_out_precision", "exempt_from", "exempt_until", "leave_from", "leave_until",
                      "leave_reason")  # group, note (a 支委 post): who a 党小组会 or 支委会 expects


def _branches_changed(before: dict[int, Member], ids: list[int], members: list[Member]) -> set[str]:
    """The branches where a member's attendance row may read otherwise under the new roster:
    a member added, gone, or changed in what decides the row (`_ATTENDANCE_FIELDS`)."""
    out: set[str] = set()
    listed = set(ids)
    for mid, m in zip(ids, members, strict=True):
        old = before.get(mid)
        if old is None:
            out.add(m.branch)
        elif any(getattr(old, f) != getattr(m, f) for f in _ATTENDANCE_FIELDS):
            out.update((old.branch, m.branch))
    out.update(m.branch for mid, m in before.items() if mid not in listed)
    return out


def _rederive_in_force(ledger: Ledger, import_id: int, effective_date: date,
                       branches: set[str]) -> tuple[int, list[str]]:
    """The attendance rows of the activities the new roster is now in force for (from its
    day to the next roster's; before every roster too, when it is the first), of
    `branches`, derived again from their evidence: a roster imported after the sign-in
    files (a 备注 now saying 2026年3月至9月因公出国) changes them as if it had come first.
    How many activities were, and each row that changed (刘洋 2026-09-09 请假→缺席)."""
    from partyday_cli.store.attendance import rederive

    if not branches:
        return 0, []
    conn = ledger.conn
    later = conn.execute("SELECT min(effective_date) FROM imports WHERE kind = 'roster' AND effective_date > ?",
                         (effective_date.isoformat(),)).fetchone()[0]
    start = effective_date.isoformat()
    if _import_in_force(conn, date.min, fallback=True) == import_id:  # the first: days before it read it too
        start = date.min.isoformat()
    else:  # a member it brings in with an earlier 转入 date counts from then (`transferred_in_since`)
        earlier = conn.execute(
            "SELECT min(transferred_in) FROM member_versions WHERE import_id = ? AND present = 1"
            " AND transferred_in < ?", (import_id, start)).fetchone()[0]
        start = min(start, earlier or start)
    marks = ",".join("?" * len(branches))
    rows = conn.execute(
        f"SELECT id, date, branch FROM activities a WHERE date >= ? AND date < ? AND branch IN ({marks})"
        " AND EXISTS (SELECT 1 FROM attendance_marks k WHERE k.activity_id = a.id) ORDER BY date, id",
        (start, later or date.max.isoformat(), *sorted(branches))).fetchall()
    moved = []

    def rows_of(activity_id: int) -> dict[int, str]:
        return dict(conn.execute("SELECT member_id, status FROM attendance WHERE activity_id = ?", (activity_id,)))

    def name(mid: int) -> str:
        return str(conn.execute("SELECT name FROM members WHERE id = ?", (mid,)).fetchone()[0])

    for activity_id, day, branch in rows:
        was = rows_of(activity_id)
        rederive(ledger, activity_id, date.fromisoformat(day), branch)
        now = rows_of(activity_id)
        moved += [f"{name(mid)} {day} {was.get(mid) or '（无）'}→{status}"
                  for mid, status in sorted(now.items()) if was.get(mid) != status]
        moved += [f"{name(mid)} {day} {status}→（不计）" for mid, status in sorted(was.items()) if mid not in now]
    return len(rows), moved


def members_on(ledger: Ledger, day: date, branch: str | None = None) -> list[Member]:
    """The members of the branch (or of every branch) on `day`, in roster order."""
    return [m for _, m in members_on_with_ids(ledger, day, branch)]


def members_on_with_ids(
    ledger: Ledger, day: date, branch: str | None = None, *, if_present: bool = False
) -> list[tuple[int, Member]]:
    """Like `members_on`, with each member's ledger id (for attendance and dues rows).
    `if_present`: also the members who count only where present that day
    (`Member.only_if_present_on`: a transfer out known to the month only)."""
    import_id = roster_in_force(ledger, day)
    if import_id is None:
        return []
    found = on_day(roster_members(ledger, import_id, branch), day, if_present=if_present)
    return found + transferred_in_since(ledger, import_id, day, branch, {mid for mid, _ in found})


def transferred_in_since(ledger: Ledger, import_id: int, day: date, branch: str | None,
                         listed: set[int]) -> list[tuple[int, Member]]:
    """Members a later roster lists with a 转入 date by `day` that the roster in force on
    `day` (`import_id`) does not: 孙浩, “2026年5月转入” on the roster of 3 June, is a member
    on 13 May, as that roster says. Only a stated transfer-in is taken back in time."""
    conn = ledger.conn
    effective = conn.execute("SELECT effective_date FROM imports WHERE id = ?", (import_id,)).fetchone()[0]
    sql = ("SELECT mv.* FROM member_versions mv JOIN imports i ON i.id = mv.import_id"
           " WHERE i.kind = 'roster' AND i.effective_date > ? AND i.effective_date > ? AND i.effective_date <= ?"
           " AND mv.present = 1 AND mv.transferred_in IS NOT NULL AND mv.transferred_in <= ?")
    # a roster of the next twelve months: the one that would state a transfer since `day`
    params: list[object] = [effective or "", day.isoformat(), (day + timedelta(days=366)).isoformat(),
                            day.isoformat()]
    if branch is not None:
        sql += " AND mv.branch = ?"
        params.append(branch)
    out: dict[int, Member] = {}
    for row in conn.execute(sql + " ORDER BY i.effective_date, i.id", params):
        mid = int(row["member_id"])
        if mid not in listed and mid not in out:
            member = _to_member(row)
            if member.is_member_on(day):
                out[mid] = member
    return list(out.items())


def roster_in_force(ledger: Ledger, day: date) -> int | None:
    """The roster import `members_on_with_ids` reads for `day` (the newest in effect by
    then; before any, the first), or None without a roster."""
    return _import_in_force(ledger.conn, day, fallback=True)


def roster_members(ledger: Ledger, import_id: int, branch: str | None = None) -> list[tuple[int, Member]]:
    """Everyone roster import `import_id` lists (of `branch`), with ids, in roster order:
    what `members_on_with_ids` picks a day's members from (`on_day`)."""
    return _versions_of(ledger.conn, import_id, branch)


def on_day(pairs: list[tuple[int, Member]], day: date, *, if_present: bool = False) -> list[tuple[int, Member]]:
    """The members of `pairs` on `day`, as `members_on_with_ids` gives them."""
    return [(mid, m) for mid, m in pairs if m.is_member_on(day) or (if_present and m.only_if_present_on(day))]


def members_noted(ledger: Ledger, day: date, word: str) -> list[tuple[int, Member]]:
    """The members on `day` whose 备注 contains `word` (e.g. 书记): the roster in force,
    without building a Member for everyone else (a 党委 has 30,000)."""
    import_id = _import_in_force(ledger.conn, day, fallback=True)
    if import_id is None:
        return []
    rows = ledger.conn.execute(
        f"SELECT * FROM member_versions mv WHERE mv.import_id = ? AND mv.present = 1 AND instr(mv.note, ?) > 0 {_ORDER}",
        (import_id, word)).fetchall()
    return [(mid, m) for mid, m in ((int(r["member_id"]), _to_member(r)) for r in rows) if m.is_member_on(day)]


def roster_as_of(ledger: Ledger, day: date) -> list[tuple[Member, str]]:
    """Every member on `day` with their status that day: '正式' or '预备'; a member whose
    transfer out the roster gives by month only is still listed in that month (as the
    sign-ins count them where present), their status from the day before it."""
    return [(m, m.status_on(day) or m.status_on(day - timedelta(days=1)) or m.party_status)
            for _, m in members_on_with_ids(ledger, day, if_present=True)]


def all_members(ledger: Ledger) -> list[Member]:
    """Every member the ledger has known, each as their newest version describes them."""
    return [m for _, m in all_members_with_ids(ledger)]


def all_members_with_ids(ledger: Ledger) -> list[tuple[int, Member]]:
    return _newest_versions(ledger.conn)


# --- reading -------------------------------------------------------------------------


def _import_in_force(conn: sqlite3.Connection, day: date, *, fallback: bool) -> int | None:
    row = conn.execute(
        "SELECT id FROM imports WHERE kind = 'roster' AND effective_date <= ?"
        " ORDER BY effective_date DESC, id DESC LIMIT 1",
        (day.isoformat(),),
    ).fetchone()
    if row is None and fallback:
        row = conn.execute(
            "SELECT id FROM imports WHERE kind = 'roster' ORDER BY effective_date, id LIMIT 1"
        ).fetchone()
    return None if row is None else int(row[0])


def _versions_of(
    conn: sqlite3.Connection, import_id: int, branch: str | None = None
) -> list[tuple[int, Member]]:
    sql = "SELECT * FROM member_versions mv WHERE mv.import_id = ? AND mv.present = 1"
    params: list[object] = [import_id]
    if branch is not None:
        sql += " AND mv.branch = ?"
        params.append(branch)
    rows = conn.execute(f"{sql} {_ORDER}", params).fetchall()
    return [(int(r["member_id"]), _to_member(r)) for r in rows]


def _newest_versions(conn: sqlite3.Connection) -> list[tuple[int, Member]]:
    rows = conn.execute(
        f"""SELECT * FROM (
                SELECT mv.*, ROW_NUMBER() OVER (
                    PARTITION BY mv.member_id
                    ORDER BY mv.present DESC, i.effective_date DESC, i.id DESC) AS newest
                FROM member_versions mv JOIN imports i ON i.id = mv.import_id
            ) AS mv WHERE newest = 1 {_ORDER}"""
    ).fetchall()
    return [(int(r["member_id"]), _to_member(r)) for r in rows]


def _is_newest(conn: sqlite3.Connection, import_id: int) -> bool:
    return _import_in_force(conn, date.max, fallback=False) == import_id


def _to_member(row: sqlite3.Row) -> Member:
    return Member(**{name: read(row[column]) for name, column, read in _READERS})


def _read_day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _read_money(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _read_as_is(value: object) -> object:
    return value


def _reader(name: str) -> Callable[[Any], object]:
    if name in _DATE_FIELDS:
        return _read_day
    return _read_money if name in _MONEY_FIELDS else _read_as_is


_READERS = tuple(
    (name, column, _reader(name)) for name, column in zip(_FIELDS, _COLUMNS, strict=True)
)


# --- writing -------------------------------------------------------------------------


def _refuse_duplicates(members: list[Member]) -> None:
    rows_by_key: dict[str, list[Member]] = defaultdict(list)
    for m in members:
        rows_by_key[m.key].append(m)
    for same in rows_by_key.values():
        if len(same) > 1:
            rows = "、".join(f"第{m.source_row}行" for m in same if m.source_row is not None)
            where = f"（{rows}）" if rows else ""
            raise UserError(
                f"花名册中“{same[0].name}”出现了不止一次{where}，所在支部、党小组和手机号后四位"
                "都相同，无法区分。请删除重复的行，或填写手机号加以区分；账本未作改动"
            )


def _match(conn: sqlite3.Connection, members: list[Member], before: set[int]) -> list[int | None]:
    """The existing member id of each incoming member, or None for a new person."""
    key_ids = {r["key"]: int(r["id"]) for r in conn.execute("SELECT id, key FROM members")}
    ids: list[int | None] = [key_ids.get(m.key) for m in members]
    if None not in ids:
        return ids
    known = dict(_newest_versions(conn))
    for identity in (_id_number, _name_in_branch):
        _match_by(identity, members, ids, known, before)
    if None in ids:
        _moved_within(members, ids, known, before)
    return ids


_AGREE = ("joined", "birth_date", "phone")  # 入党时间, 出生日期, 手机号


def _moved_within(members: list[Member], ids: list[int | None], known: dict[int, Member], before: set[int]) -> None:
    """A member of the roster before, gone from their branch, and one new row of the same
    name in another branch of this roster: the same person moved within the 党委 where
    they agree on 入党时间, 出生日期 or 手机号 (and differ on none of them, nor on
    身份证号) and the name is nobody else's on either side. Without a 身份证号 such a move
    was two people: one left (their year cut at the move), one new (owing the move's
    month again, their earlier attendance lost to them)."""
    taken = {i for i in ids if i is not None}
    rows: dict[str, list[int]] = defaultdict(list)
    for pos, m in enumerate(members):
        if ids[pos] is None and m.name:
            rows[m.name].append(pos)
    gone: dict[str, list[int]] = defaultdict(list)
    for mid in before:
        m = known.get(mid)
        if m is not None and mid not in taken and m.name in rows:
            gone[m.name].append(mid)
    listed: dict[str, int] = defaultdict(int)  # the name's rows in the whole roster
    for m in members:
        listed[m.name] += 1
    for name, positions in rows.items():
        olds = gone.get(name, [])
        if len(positions) != 1 or len(olds) != 1 or listed[name] != 1:
            continue
        new, old = members[positions[0]], known[olds[0]]
        if new.branch == old.branch or (new.id_number and old.id_number):
            continue  # the same branch: its own pass; two 身份证号 that differ: two people
        both = [f for f in _AGREE if getattr(new, f) and getattr(old, f)]
        if both and all(getattr(new, f) == getattr(old, f) for f in both):
            ids[positions[0]] = olds[0]
            taken.add(olds[0])


def _id_number(m: Member) -> Hashable | None:
    return m.id_number.strip().upper() or None


def _name_in_branch(m: Member) -> Hashable | None:
    return (m.name, m.branch) if m.name else None


def _match_by(
    identity: Callable[[Member], Hashable | None],
    members: list[Member],
    ids: list[int | None],
    known: dict[int, Member],
    before: set[int],
) -> None:
    """Fill ids[i] where the identity names exactly one incoming and one known member
    not matched yet (a member of the roster in force before is preferred)."""
    taken = {i for i in ids if i is not None}
    incoming: dict[Hashable, list[int]] = defaultdict(list)
    for pos, m in enumerate(members):
        value = identity(m)
        if ids[pos] is None and value is not None:
            incoming[value].append(pos)
    candidates: dict[Hashable, list[int]] = defaultdict(list)
    for mid, m in known.items():
        value = identity(m)
        if mid not in taken and value in incoming:
            candidates[value].append(mid)
    for value, positions in incoming.items():
        found = candidates.get(value, [])
        preferred = [mid for mid in found if mid in before]
        pick = preferred if len(preferred) == 1 else found
        if len(positions) == 1 and len(pick) == 1 and pick[0] not in taken:
            ids[positions[0]] = pick[0]
            taken.add(pick[0])


def _ensure_member(
    conn: sqlite3.Connection, member_id: int | None, m: Member, import_id: int, is_newest: bool
) -> int:
    if member_id is None:
        cursor = conn.execute(
            "INSERT INTO members (key, name, branch, first_import_id) VALUES (?, ?, ?, ?)",
            (m.key, m.name, m.branch, import_id),
        )
        return int(cursor.lastrowid)
    if is_newest:
        conn.execute(
            "UPDATE members SET key = ?, name = ?, branch = ? WHERE id = ?",
            (m.key, m.name, m.branch, member_id),
        )
    return member_id


def preview_roster(ledger: Ledger, members: list[Member], effective_date: date) -> RosterSaveResult:
    """What `save_roster` would change (新增, 变更 with what changed, 移出), writing nothing:
    for `roster import --dry-run`."""
    conn = ledger.conn
    previous = _import_in_force(conn, effective_date, fallback=False)
    before = dict(_versions_of(conn, previous)) if previous is not None else {}
    ids = _match(conn, members, set(before))
    return _compare(before, [mid if mid is not None else -1 - i for i, mid in enumerate(ids)], members, None)


# The fields a 书记 checks when a roster changes, as its columns name them; income is only
# said to have changed (it is private).
_CHANGED = (("branch", "所在支部"), ("group", "党小组"), ("party_status", "党员类别"), ("category", "人员类别"),
            ("joined", "入党时间"), ("full_member_date", "转正时间"), ("transferred_in", "转入"),
            ("transferred_out", "转出"), ("exempt_reason", "免参加"), ("leave_reason", "请假"), ("name", "姓名"))


def _what_changed(old: Member, new: Member) -> str:
    parts = []
    for fld, label in _CHANGED:
        a, b = getattr(old, fld), getattr(new, fld)
        if a != b:
            parts.append(f"{label} {a or '（空）'}→{b or '（空）'}")
    if old.exempt_from != new.exempt_from and old.exempt_reason == new.exempt_reason:
        parts.append(f"免参加 {'是' if old.exempt_from else '否'}→{'是' if new.exempt_from else '否'}")
    for fld, label in (("income", "月收入"), ("dues_override", "党费标准"), ("phone", "联系电话"),
                       ("id_number", "身份证号")):
        if getattr(old, fld) != getattr(new, fld):
            parts.append(f"{label}有变")
    if not parts and old.note != new.note:
        parts.append("备注有变")
    return "、".join(parts) or "其他信息有变"


def _compare(
    before: dict[int, Member], ids: list[int], members: list[Member], import_id: int | None
) -> RosterSaveResult:
    added, changed, unchanged, changes = [], [], [], []
    for mid, m in zip(ids, members, strict=True):
        if mid not in before:
            added.append(m.name)
        elif _same(before[mid], m):
            unchanged.append(m.name)
        else:
            changed.append(m.name)
            changes.append(f"{m.name}：{_what_changed(before[mid], m)}")
    listed = set(ids)
    removed = [m.name for mid, m in before.items() if mid not in listed]
    return RosterSaveResult(
        added=len(added),
        changed=len(changed),
        unchanged=len(unchanged),
        removed=len(removed),
        import_id=import_id,
        added_names=tuple(added),
        changed_names=tuple(changed),
        removed_names=tuple(removed),
        changes=tuple(changes),
    )


def _same(old: Member, new: Member) -> bool:
    """Equal apart from where the row sits in the workbook."""
    return replace(old, source_row=None) == replace(new, source_row=None)


def _insert_versions(
    conn: sqlite3.Connection, import_id: int, pairs: Iterable[tuple[int, Member]], *, present: int
) -> None:
    columns = ", ".join(("member_id", "import_id", "present", *_COLUMNS))
    marks = ", ".join("?" * (3 + len(_COLUMNS)))
    conn.executemany(
        f"INSERT INTO member_versions ({columns}) VALUES ({marks})",
        ((mid, import_id, present, *_to_values(m)) for mid, m in pairs),
    )


def _to_values(m: Member) -> list[object]:
    values: list[object] = []
    for name in _FIELDS:
        value = getattr(m, name)
        if value is not None and name in _DATE_FIELDS:
            value = _day_text(value)
        elif value is not None and name in _MONEY_FIELDS:
            value = _money_text(value)
        elif value is None and name in _TEXT_FIELDS:
            value = ""
        values.append(value)
    return values


def _day_text(value: date) -> str:
    return (value.date() if isinstance(value, datetime) else value).isoformat()


def _money_text(value: Decimal | int) -> str:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"money must be Decimal, not {type(value).__name__}")
    value = Decimal(value)
    if not value.is_finite():
        raise ValueError(f"money must be a finite amount, not {value}")
    return format(value, "f")


def has_roster(ledger: Ledger) -> bool:
    """Whether any roster was ever imported."""
    return ledger.conn.execute("SELECT 1 FROM members LIMIT 1").fetchone() is not None
