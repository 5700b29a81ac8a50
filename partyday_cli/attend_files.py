"""The sign-in files behind an activity (`partyday attend files`): listed, or one withdrawn."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from partyday_cli.errors import UserError


@dataclass
class SignInFiles:
    branch: str
    activity_id: int
    files: list[Any]  # store.attendance.ActivityFile, in import order

    def state(self, f) -> str:  # type: ignore[no-untyped-def]
        if f.in_force:
            return "在用"
        if f.withdrawn:
            return "已撤回"
        by = next((n for n, o in enumerate(self.files, start=1) if o.file_id == f.superseded_by), None)
        return f"已被第{by}份取代" if by else "已被取代"


@dataclass
class Withdrawn:
    branch: str
    file: Any
    change: Any  # store.attendance.AttendanceChange


def _activity(ws, ledger, day: date, branch: str | None):  # type: ignore[no-untyped-def]
    from partyday_cli.store.activities import activity_on

    order = ws.branch_order()
    found = sorted(activity_on(ledger, day, branch), key=lambda a: order(a.branch))
    if not found:
        raise UserError(f"{day.isoformat()} 没有活动记录。请核对日期（partyday plan 列出全年活动日）")
    if len(found) > 1:
        raise UserError(f"{day.isoformat()} 有 {len(found)} 个支部的活动，请加 --branch 指定："
                        + "、".join(a.branch for a in found))
    return found[0]


def activity_signin_files(ws, day: date, branch: str | None = None) -> SignInFiles:  # type: ignore[no-untyped-def]
    from partyday_cli.store.attendance import activity_files
    from partyday_cli.store.ledger import open_ledger

    with open_ledger(ws.ledger_path) as ledger:
        act = _activity(ws, ledger, day, branch)
        files = activity_files(ledger, act.id)
    if not files:
        raise UserError(f"{day.isoformat()} {act.branch} 还没有导入签到文件。导入：partyday attend import 签到表.xlsx")
    return SignInFiles(act.branch, act.id, files)


def withdraw_signin_file(ws, day: date, branch: str | None, number: int) -> Withdrawn:  # type: ignore[no-untyped-def]
    """Withdraw file `number` (1-based, as `activity_signin_files` lists them)."""
    from partyday_cli.store.attendance import activity_files, withdraw_file
    from partyday_cli.store.ledger import open_ledger

    with open_ledger(ws.ledger_path) as ledger:
        act = _activity(ws, ledger, day, branch)
        files = activity_files(ledger, act.id)
        if not 1 <= number <= len(files):
            raise UserError(f"--withdraw {number}：{day.isoformat()} 只有 {len(files)} 份签到文件"
                            f"（partyday attend files {day.isoformat()} 列出序号）")
        chosen = files[number - 1]
        if not chosen.in_force:
            raise UserError(f"第{number}份 {chosen.original_name} 已不在用（已撤回或已被取代），无需撤回")
        change = withdraw_file(ledger, chosen.file_id, act.id, act.date, act.branch)
    return Withdrawn(act.branch, chosen, change)
