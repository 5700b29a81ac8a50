"""`partyday doctor`: what is wrong with a workspace, and how to fix it (in Chinese)."""

from __future__ import annotations

import os
from datetime import date

from partyday_cli.errors import UserError


def run_checks(ws, *, today: date) -> list[tuple[bool, str]]:  # type: ignore[no-untyped-def]
    results: list[tuple[bool, str]] = [(True, f"配置 {ws.config_path} 格式正确")]
    results.append(_schedule(ws, today.year))
    results.append(_roster(ws))
    results.extend(_ledger(ws))
    results.extend(_holidays(ws, today.year))
    results.append(_lock(ws))
    results.append(_writable(ws))
    return results


def _schedule(ws, year: int) -> tuple[bool, str]:  # type: ignore[no-untyped-def]
    from partyday_cli.cli.calendar import build_request

    try:
        for branch in ws.branches or [None]:
            build_request(year, None, None, None, None, False, ws, getattr(branch, "name", None))
    except UserError as exc:
        return False, f"活动日规则有误：{exc.message}"
    return True, "活动日规则和节假日处理方式可以识别"


def _roster(ws) -> tuple[bool, str]:  # type: ignore[no-untyped-def]
    path = ws.root / "roster.xlsx"
    if not path.is_file():
        return False, "找不到 roster.xlsx（花名册）。请把花名册放进工作区，并运行 partyday roster import roster.xlsx"
    from partyday_cli.io.roster import read_roster

    try:
        read = read_roster(path)
    except UserError as exc:
        return False, f"花名册无法读取：{exc.message}"
    if read.problems:
        return False, (f"花名册 roster.xlsx 有 {len(read.problems)} 处问题（如：{read.problems[0]}）。"
                       "运行 partyday roster import roster.xlsx --dry-run 查看全部")
    return True, f"花名册 roster.xlsx 可以读取（{len(read.members)} 人）"


def _ledger(ws) -> list[tuple[bool, str]]:  # type: ignore[no-untyped-def]
    from partyday_cli.store.ledger import open_ledger
    from partyday_cli.store.migrations import LATEST_VERSION

    if not ws.ledger_path.exists():
        return [(False, "还没有账本 ledger.db。运行 partyday roster import roster.xlsx 会自动创建")]
    try:
        with open_ledger(ws.ledger_path) as ledger:
            intact = ledger.integrity_ok()
            version = ledger.schema_version
            members = ledger.query("SELECT count(*) AS n FROM members")[0]["n"]
    except UserError as exc:
        return [(False, f"账本无法打开：{exc.message}")]
    out = [(intact, "账本完好（完整性检查通过）" if intact else
            "账本完整性检查未通过。请先备份 ledger.db，再从 archive/ 中的原始文件重新导入")]
    out.append((True, f"账本结构版本 {version}（本程序支持到 {LATEST_VERSION}），已有 {members} 名党员"))
    return out


def _holidays(ws, year: int) -> list[tuple[bool, str]]:  # type: ignore[no-untyped-def]
    from partyday_cli.io.holidays import arrangement_for, holiday_dirs

    out = []
    for y in (year, year + 1):
        try:
            arr = arrangement_for(y, holiday_dirs(ws.root), allow_provisional=False)
            out.append((True, f"{y} 年节假日数据：{arr.note or arr.source}"))
        except UserError:
            # next year's notice comes out late in the year: a reminder, not a failure
            out.append((y == year + 1,
                        f"{'提醒：' if y == year + 1 else ''}没有 {y} 年的节假日安排。国务院办公厅通知发布后运行 "
                        f"partyday holidays import 通知.txt；在此之前排 {y} 年的活动需加 --provisional"))
    return out


def _lock(ws) -> tuple[bool, str]:  # type: ignore[no-untyped-def]
    from partyday_cli.io.runlock import LOCK_NAME, lock_is_free

    if lock_is_free(ws.root):
        return True, "没有其他 partyday 任务在运行"
    return False, (f"有一个 partyday 任务正在运行（{LOCK_NAME} 被占用）。等它结束；"
                   "若确认没有任务在运行，重启电脑后即可释放")


def _writable(ws) -> tuple[bool, str]:  # type: ignore[no-untyped-def]
    out = ws.root / "out"
    folder = out if out.is_dir() else ws.root
    if os.access(folder, os.W_OK):
        return True, f"输出文件夹 {out} 可以写入"
    return False, f"输出文件夹 {folder} 不能写入（只读）。请检查文件夹权限"
