"""`partyday doctor`: what is wrong with a workspace, and how to fix it (in Chinese)."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from datetime import date

from partyday_cli.errors import UserError

NOTE = "note"  # a reminder (marked ！): neither a failure nor a value to confirm


def run_checks(ws, *, today: date) -> list[tuple[bool | None | str, str]]:  # type: ignore[no-untyped-def]
    """Each check as (ok, Chinese line): True passed, False a problem, None a value to
    confirm (待确认), NOTE a reminder."""
    results: list[tuple[bool, str]] = [(True, f"配置 {ws.config_path} 格式正确")]
    results.append(_schedule(ws, today.year))
    results.extend(pending(ws, today.year, today=today))
    if (org := org_placeholder(ws)) and not any("[org] name" in line for _, line in results):
        results.append((None, org))
    ledger_lines, imported = _ledger(ws)
    results.append(_roster(ws, imported))
    results.extend(ledger_lines)
    results.extend(_holidays(ws, today.year, today.month))
    from partyday_cli.plan_status import stale_plan_lines

    # a provisional plan the imported notice has overtaken: to be planned again (an unreadable
    # ledger is the ledger check's to report)
    with contextlib.suppress(UserError, sqlite3.Error):
        results.extend((NOTE, line) for line in stale_plan_lines(ws, {today.year, today.year + 1}, from_day=today))
    results.append(_lock(ws))
    results.append(_writable(ws))
    return results


def org_placeholder(ws) -> str | None:  # type: ignore[no-untyped-def]
    """The line to show when the 党委 name is not set (titles would read 中共××委员会)."""
    from partyday_cli.io.schemes import DEFAULT_ORG

    name = ws.org_name.strip()
    if name and name != DEFAULT_ORG:
        return None
    shown = f"“{name}”" if name else "空白"
    return (f"党委名称未设置，安排表、签到表、记实表和报表标题中是{shown}。"
            f"请在 {ws.config_path.name} 的 [org] 下把 name 改为党委（党总支）全称")


def _schedule(ws, year: int) -> tuple[bool, str]:  # type: ignore[no-untyped-def]
    from partyday_cli.cli.calendar import build_request

    try:
        for branch in ws.branches or [None]:
            build_request(year, None, None, None, None, False, ws, getattr(branch, "name", None))
    except UserError as exc:
        return False, f"活动日规则有误：{exc.message}"
    return True, "活动日规则和节假日处理方式可以识别"


def pending(ws, year: int, *, today: date | None = None) -> list[tuple[None, str]]:  # type: ignore[no-untyped-def]
    """The config's placeholders (待确认), one line each: a notice, not a failure (ok = None)."""
    from partyday_cli.io.schemes import PENDING, pending_keys

    try:
        text = ws.config_path.read_text(encoding="utf-8-sig")
    except OSError:
        return []
    out: list[tuple[None, str]] = []
    for key, why in pending_keys(text):
        if key == "[schedule.dates] YYYY-MM":
            continue  # named below, month by month, for the year in question
        out.append((None, f"{PENDING}：{key} —— {why}"))
    out.extend(_assumed_themes(ws))
    from partyday_cli.cli.calendar import build_request
    from partyday_cli.core.schedule import pending_months

    # the months still ahead: from `today`'s month on, and from October next year's too
    # (the 书记 is drawing up next year's plan)
    wanted = [(year, today.month if today is not None and today.year == year else 1)]
    if today is not None and today.year == year and today.month >= 10:
        wanted.append((year + 1, 1))
    for y, first in wanted:
        for branch in ws.branches or [None]:
            try:
                request = build_request(y, None, None, None, None, False, ws, getattr(branch, "name", None))
            except UserError:
                continue  # _schedule says what is wrong
            months = [m for m in pending_months(request) if m >= first]
            if months:
                shown = "、".join(f"{m}月" for m in months)
                out.append((None, f"{PENDING}：[schedule.dates] —— {y}年{shown}的活动日期"
                                  "（方案只规定每月开展一次，由党支部确定），请逐月填写"))
                break
    return out


def _assumed_themes(ws) -> list[tuple[None, str]]:  # type: ignore[no-untyped-def]
    """Frequencies of the theme catalogue(s) in use that the scheme does not state (their
    `assumed`), one 待确认 line each: the plan and the report use them as written."""
    from partyday_cli.io.schemes import PENDING
    from partyday_cli.io.themes import load_catalogue

    names = [str(getattr(b, "themes", "") or ws.section("themes").get("catalogue") or "") for b in ws.branches]
    out: list[tuple[None, str]] = []
    for name in dict.fromkeys(n for n in names or [str(ws.section("themes").get("catalogue") or "")] if n):
        try:
            catalogue = load_catalogue(name, workspace_root=ws.root)
        except UserError:
            continue  # plan says what is wrong with it
        for req in catalogue.requirements:
            if req.assumed and (req.type == "required" or req.name in catalogue.chosen):
                how = req.label.removeprefix(req.name).strip("（）")
                out.append((None, f"{PENDING}：[themes] {req.name} —— {how}：{req.assumed}"
                                  f"（主题目录 {name}；要改就复制 templates/themes/ 中的它到工作区修改）"))
    return out


def _roster(ws, imported: int) -> tuple[bool | str, str]:  # type: ignore[no-untyped-def]
    """roster.xlsx as the next `roster import` would read it; a roster imported from a file
    of another name is as good (the ledger holds its members)."""
    path = ws.root / "roster.xlsx"
    if not path.is_file():
        if imported:
            return True, (f"花名册已导入（账本中有 {imported} 名党员）；名单有变化时运行 partyday roster import "
                          "新的花名册.xlsx")
        return False, "找不到 roster.xlsx（花名册）。请把花名册放进工作区，并运行 partyday roster import roster.xlsx"
    from partyday_cli.io.roster import read_roster

    try:
        read = read_roster(path)
    except UserError as exc:
        return False, f"花名册无法读取：{exc.message}"
    if read.problems:
        return False, (f"花名册 roster.xlsx 有 {len(read.problems)} 处问题（如：{read.problems[0]}）。"
                       "运行 partyday roster import roster.xlsx --dry-run 查看全部")
    if not read.members and imported:  # the blank template beside a roster imported from another file
        return True, (f"花名册已导入（账本中有 {imported} 名党员）；roster.xlsx 是空白模板，"
                      "名单有变化时导入新的花名册即可")
    if not read.members:  # a new workspace's blank template: a step still to do
        return NOTE, "花名册 roster.xlsx 还没有党员：在表中填好党员名单后运行 partyday roster import roster.xlsx"
    from partyday_cli.core.members import assign_branches

    # as the import checks it: a 所在支部 partyday.toml does not know refuses the whole roster
    _, wrong = assign_branches(read.members, [b.name for b in ws.branches])
    if wrong:
        return False, (f"花名册 roster.xlsx 有 {len(wrong)} 名党员的所在支部对不上 partyday.toml（如：{wrong[0][1]}），"
                       "导入会被拒绝。运行 partyday roster import roster.xlsx --dry-run 查看全部")
    return True, f"花名册 roster.xlsx 可以读取（{len(read.members)} 人）"


def _ledger(ws) -> tuple[list[tuple[bool, str]], int]:  # type: ignore[no-untyped-def]
    """The ledger's lines, and how many members it holds (0 when it cannot be read)."""
    from partyday_cli.store.backups import list_backups
    from partyday_cli.store.ledger import open_ledger
    from partyday_cli.store.migrations import LATEST_VERSION

    backups = list_backups(ws.ledger_path)
    if not ws.ledger_path.exists() and not backups and not (ws.root / "partyday.log").exists():
        return [(False, "还没有账本 ledger.db。运行 partyday roster import roster.xlsx 会自动创建")], 0
    try:
        with open_ledger(ws.ledger_path) as ledger:
            intact = ledger.integrity_ok()
            version = ledger.schema_version
            members = ledger.query("SELECT count(*) AS n FROM members")[0]["n"]
    except UserError as exc:
        return [(False, f"账本无法打开：{exc.message}")], 0
    out = [(intact, "账本完好（完整性检查通过）" if intact else
            "账本完整性检查未通过。请先备份 ledger.db，再从 archive/ 中的原始文件重新导入")]
    out.append((True, f"账本结构版本 {version}（本程序支持到 {LATEST_VERSION}），已有 {members} 名党员"))
    out.append((True, f"账本备份 {len(backups)} 份，最新 {backups[0].label}（在 backups/，"
                      "需要时运行 partyday doctor --restore）" if backups else
                "账本还没有备份（每次写入账本前自动备份，保留最近 5 份）"))
    return out, int(members)


def restore_ledger(ws, name: str | None = None) -> str:  # type: ignore[no-untyped-def]
    """Put the newest backup (or the one named) in place of the ledger; what was done."""
    from partyday_cli.io.runlock import workspace_lock
    from partyday_cli.store.backups import list_backups, restore

    backups = list_backups(ws.ledger_path)
    if not backups:
        raise UserError(f"没有找到账本备份（{ws.ledger_path.parent / 'backups'}），无法恢复")
    chosen = backups[0]
    if name:
        matches = [b for b in backups if name in b.path.name]
        if len(matches) != 1:
            raise UserError(f"备份“{name}”{'不存在' if not matches else '不止一个'}。现有备份："
                            + "、".join(b.label for b in backups))
        chosen = matches[0]
    with workspace_lock(ws.root, wait=60):
        kept = restore(ws.ledger_path, chosen)
    text = f"已用备份 {chosen.label} 恢复账本 {ws.ledger_path}"
    return text + (f"；恢复前的账本另存为 {kept.name}" if kept else "")


def new_ledger(ws) -> str:  # type: ignore[no-untyped-def]
    """Start over with an empty ledger, keeping whatever was there as a backup."""
    from contextlib import closing

    from partyday_cli.io.runlock import workspace_lock
    from partyday_cli.store.backups import take_backup
    from partyday_cli.store.ledger import open_ledger

    path = ws.ledger_path
    kept = None
    with workspace_lock(ws.root, wait=60):
        if path.exists() and path.stat().st_size > 0:
            with closing(sqlite3.connect(str(path))) as conn:
                kept = take_backup(conn, path)
            if kept is None:
                raise UserError(f"无法先备份现有账本 {path}，未新建。请检查 backups/ 文件夹能否写入")
        for suffix in ("", "-wal", "-shm"):
            target = path.with_name(path.name + suffix)
            if target.exists():
                target.unlink()
        open_ledger(path, create=True).close()
    return f"已新建空账本 {path}" + (f"；原账本另存为 backups/{kept.name}" if kept else "")


def _holidays(ws, year: int, month: int = 12) -> list[tuple[bool, str]]:  # type: ignore[no-untyped-def]
    """This year's holiday data, and from October (when the 书记 draws up next year's plan,
    and the State Council's notice comes out) next year's."""
    from partyday_cli.io.holidays import arrangement_for, holiday_dirs

    out = []
    for y in (year, year + 1) if month >= 10 else (year,):
        try:
            arr = arrangement_for(y, holiday_dirs(ws.root), allow_provisional=False)
            out.append((True, f"{y} 年节假日数据：{arr.note or arr.source}"))
        except UserError:
            # next year's notice comes out late in the year: a reminder, not a failure
            out.append((NOTE if y == year + 1 else False,
                        f"没有 {y} 年的节假日安排。国务院办公厅通知发布后运行 "
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
