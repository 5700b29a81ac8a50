"""Attendance in the ledger: one row per activity and member."""

from __future__ import annotations

from partyday_cli.store.ledger import Ledger


def attendance_by_status(ledger: Ledger, activity_id: int) -> dict[str, list[tuple[str, str]]] | None:
    """Status → [(name, reason)] for one activity; None when nothing is recorded yet."""
    rows = ledger.query(
        "SELECT t.status, t.reason, m.name FROM attendance t JOIN members m ON m.id = t.member_id "
        "WHERE t.activity_id = ? ORDER BY t.id", (activity_id,))
    if not rows:
        return None
    out: dict[str, list[tuple[str, str]]] = {}
    for row in rows:
        out.setdefault(row["status"], []).append((row["name"], row["reason"] or ""))
    return out
