"""The ledger's attendance rows as `attend list` and the monthly export show them: one
record per member per activity, by date and then in the workspace's branch order, a
namesake labelled 张伟（第二党小组）."""

from __future__ import annotations

from datetime import date
from typing import Any

COLUMNS = (("日期", 12, "center"), ("支部", 14, "left"), ("姓名", 10, "left"), ("出勤", 8, "center"),
           ("原因", 16, "left"), ("依据", 28, "left"))


def attendance_records(ws: Any, ledger: Any, start: date, end: date, branch: str | None = None
                       ) -> list[dict[str, Any]]:
    from partyday_cli.core.members import branch_namesake_labels
    from partyday_cli.store.attendance import attendance_rows
    from partyday_cli.store.roster import all_members_with_ids

    rows = attendance_rows(ledger, start=start, end=end, branch=branch)
    labels = branch_namesake_labels(all_members_with_ids(ledger)) if rows else {}
    records = [{"date": r["date"], "name": r["name"], "label": labels.get(r["member_id"], r["name"]),
                "branch": r["branch"], "status": r["status"], "reason": r["reason"], "source": r["source"]}
               for r in rows]
    order = ws.branch_order()
    records.sort(key=lambda r: (r["date"], order(r["branch"])))  # stable: the ledger's order within a branch
    return records


def attendance_table(records: list[dict[str, Any]], title: str):  # type: ignore[no-untyped-def]
    """The records as a printable table; 缺席 and 请假 rows highlighted."""
    from partyday_cli.render.table import Column, Table

    table = Table(title=title, sheet_name="出勤", marked="缺席或请假", columns=[Column(*c) for c in COLUMNS])
    for r in records:
        # 缺席 with no file of its own: not on the lists of who came (said, not left blank)
        source = r["source"] or ("签到名单中没有" if r["status"] == "缺席" else "")
        table.add([r["date"], r["branch"], r["label"], r["status"], r["reason"], source],
                  highlight=r["status"] in ("缺席", "请假"))
    return table
