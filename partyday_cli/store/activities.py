"""Activities in the ledger: the year's plan, one row per branch and date."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from partyday_cli.store.ledger import Ledger


@dataclass(frozen=True)
class Activity:
    id: int | None
    branch: str
    date: date
    planned: date | None
    theme: str  # themes joined by '、'
    kinds: tuple[str, ...]
    content: str = ""
    form: str = ""
    place: str = ""
    host: str = ""
    rule: str = ""
    provisional: bool = False
    moved_reason: str | None = None
    status: str = ""
    record_filed_on: date | None = None


@dataclass(frozen=True)
class PlanSaveResult:
    added: int
    updated: int
    removed: int
    kept_with_records: tuple[date, ...]  # dropped from the plan but holding attendance


def _row_to_activity(row) -> Activity:  # type: ignore[no-untyped-def]
    return Activity(
        id=row["id"], branch=row["branch"], date=date.fromisoformat(row["date"]),
        planned=date.fromisoformat(row["planned"]) if row["planned"] else None,
        theme=row["theme"], kinds=tuple(json.loads(row["kinds"] or "[]")),
        content=row["content"], form=row["form"], place=row["place"], host=row["host"],
        rule=row["rule"], provisional=bool(row["provisional"]), moved_reason=row["moved_reason"],
        status=row["status"],
        record_filed_on=date.fromisoformat(row["record_filed_on"]) if row["record_filed_on"] else None,
    )


def activities_in_year(ledger: Ledger, year: int, branch: str | None = None) -> list[Activity]:
    sql = "SELECT * FROM activities WHERE date BETWEEN ? AND ?"
    params: list[object] = [f"{year}-01-01", f"{year}-12-31"]
    if branch is not None:
        sql += " AND branch = ?"
        params.append(branch)
    return [_row_to_activity(r) for r in ledger.query(sql + " ORDER BY date, branch", params)]


def activity_on(ledger: Ledger, day: date, branch: str | None = None) -> list[Activity]:
    sql = "SELECT * FROM activities WHERE date = ?"
    params: list[object] = [day.isoformat()]
    if branch is not None:
        sql += " AND branch = ?"
        params.append(branch)
    return [_row_to_activity(r) for r in ledger.query(sql + " ORDER BY branch", params)]


def dates_with_records(ledger: Ledger, year: int, branch: str) -> set[date]:
    rows = ledger.query(
        "SELECT DISTINCT a.date FROM activities a JOIN attendance t ON t.activity_id = a.id "
        "WHERE a.branch = ? AND a.date BETWEEN ? AND ?",
        (branch, f"{year}-01-01", f"{year}-12-31"))
    return {date.fromisoformat(r["date"]) for r in rows}


def save_plan(ledger: Ledger, branch: str, year: int, activities: list[Activity]) -> PlanSaveResult:
    """Replace the branch's plan for `year` in one transaction.

    An activity keeps its row (and so its attendance) when its date stays in the plan; an
    activity that leaves the plan but already has attendance is kept, marked 已取消计划,
    never deleted with its records.
    """
    stamp = datetime.now().astimezone().isoformat(timespec="seconds")
    added = updated = removed = 0
    kept: list[date] = []
    with ledger.transaction() as conn:
        existing = {}
        held: dict[int, list[str]] = {}  # kinds recorded as held (`partyday meeting add`): kept
        for r in conn.execute("SELECT id, date, meeting_kinds FROM activities WHERE branch = ? AND date "
                              "BETWEEN ? AND ?", (branch, f"{year}-01-01", f"{year}-12-31")):
            existing[date.fromisoformat(r["date"])] = r["id"]
            held[r["id"]] = json.loads(r["meeting_kinds"] or "[]")
        for act in activities:
            kinds = list(dict.fromkeys([*act.kinds, *held.get(existing.get(act.date, 0), [])]))
            values = (act.planned.isoformat() if act.planned else None, act.theme,
                      json.dumps(kinds, ensure_ascii=False), act.content, act.form,
                      act.place, act.host, act.rule, int(act.provisional), act.moved_reason,
                      stamp)
            if act.date in existing:
                conn.execute(
                    "UPDATE activities SET planned=?, theme=?, kinds=?, content=?, form=?, "
                    "place=?, host=?, rule=?, provisional=?, moved_reason=?, planned_at=?, "
                    "status='' WHERE id = ?", (*values, existing.pop(act.date)))
                updated += 1
            else:
                conn.execute(
                    "INSERT INTO activities (planned, theme, kinds, content, form, place, host, "
                    "rule, provisional, moved_reason, planned_at, branch, date) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", (*values, branch, act.date.isoformat()))
                added += 1
        for day, activity_id in existing.items():
            if held[activity_id]:  # a meeting held that day stays, with its own kinds
                conn.execute("UPDATE activities SET planned = NULL, theme = '', kinds = ?, status = '' "
                             "WHERE id = ?", (json.dumps(held[activity_id], ensure_ascii=False), activity_id))
                continue
            has_records = conn.execute(
                "SELECT 1 FROM attendance WHERE activity_id = ? LIMIT 1", (activity_id,)).fetchone()
            if has_records:
                conn.execute("UPDATE activities SET status = '已取消计划' WHERE id = ?", (activity_id,))
                kept.append(day)
            else:
                conn.execute("DELETE FROM activities WHERE id = ?", (activity_id,))
                removed += 1
    return PlanSaveResult(added, updated, removed, tuple(sorted(kept)))


def mark_record_filed(ledger: Ledger, activity_id: int, filed: date) -> None:
    """The day the activity's 记实表 was handed in."""
    with ledger.transaction() as conn:
        conn.execute("UPDATE activities SET record_filed_on = ? WHERE id = ?", (filed.isoformat(), activity_id))
