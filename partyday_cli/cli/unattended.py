"""`partyday export monthly`, `partyday remind`, `partyday doctor`: work that runs by itself.

Both cron commands hold the workspace lock, write a line to partyday.log, print no
colour and ask nothing; exit 0 on success, 1 on a user problem, 70 on a bug.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated

import typer

from partyday_cli.cli.common import (
    WORKSPACE_HELP,
    ForceOpt,
    check_year,
    info,
    parse_day,
    remember_force,
    require_workspace,
    shown,
    warn,
    write_file,
)
from partyday_cli.errors import UserError

export_app = typer.Typer(help="定期导出：每月把上个月的记实表、出勤、党费和月度报告打包给党委。",
                         no_args_is_help=True)
WorkspaceOpt = Annotated[Path | None, typer.Option("--workspace", "-w", help=WORKSPACE_HELP)]
TodayOpt = Annotated[str | None, typer.Option(
    "--today", help="把哪一天当作“今天”（补发、测试用），默认今天。")]
WaitOpt = Annotated[float, typer.Option(
    "--wait", help="另一个任务正在运行时最多等几秒，默认 600。")]


def _today(text: str | None) -> date:
    return parse_day(text, "--today") if text else date.today()


def _month(text: str | None, today: date) -> tuple[int, int]:
    if text is None:
        last = today.replace(day=1) - timedelta(days=1)
        return last.year, last.month
    import re

    m = re.fullmatch(r"\s*(\d{4})\s*[-./年]\s*(\d{1,2})\s*月?\s*", text)
    if not m or not 1 <= int(m[2]) <= 12:
        raise UserError(f"--month“{shown(text)}”应写成 2017-04")
    return check_year(int(m[1]), "--month"), int(m[2])


def _put_back(folder: Path, names: list[str], before: dict[str, bytes | None]) -> None:
    """Undo the files of a bundle written before a later one failed (best effort)."""
    import contextlib

    from partyday_cli.io.files import write_atomic
    from partyday_cli.io.outputs import remember

    for name in names:
        with contextlib.suppress(OSError, UserError):
            old = before.get(name)
            if old is None:
                (folder / name).unlink()
            else:
                write_atomic(folder / name, old)
                remember(folder / name, old)  # partyday's own earlier file, as the guard knew it


@contextmanager
def _failure_logged(root: Path, label: str) -> Iterator[None]:
    """A run stopped by a UserError leaves its 失败 line in partyday.log (cron and 任务计划程序
    keep no stderr), then stops as it would."""
    from partyday_cli.io.runlock import log_run

    try:
        yield
    except UserError as exc:
        log_run(root, label, f"失败：{exc.message}")
        raise


def _workspace(ctx, workspace: Path | None, label: str):  # type: ignore[no-untyped-def]
    """The workspace of an unattended run; a config that cannot be read is logged in the
    workspace's partyday.log too (cron and 任务计划程序 keep no stderr)."""
    from partyday_cli.cli.common import workspace_option
    from partyday_cli.workspace import find_root

    root = find_root(workspace_option(ctx, workspace))
    if root is None:
        return require_workspace(ctx, workspace)  # says how to get a workspace
    with _failure_logged(root, label):
        return require_workspace(ctx, workspace)


def _month_files(ws, year: int, month: int, today: date) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    """Every file of the month's bundle, by name, built in memory (deterministic bytes)."""
    from partyday_cli.cli.common import out_file
    from partyday_cli.cli.plan import record_workbook
    from partyday_cli.io.holidays import holiday_dirs, work_calendar
    from partyday_cli.io.outputs import edited_by_hand, safe_name
    from partyday_cli.render.table import to_csv
    from partyday_cli.render.xlsx import to_xlsx
    from partyday_cli.store.activities import activities_in_year
    from partyday_cli.store.ledger import open_ledger

    start = date(year, month, 1)
    end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    cal = work_calendar(holiday_dirs(ws.root), True)
    files: dict[str, bytes] = {}
    with open_ledger(ws.ledger_path) as ledger:
        planned = activities_in_year(ledger, year)
        acts = [a for a in planned if start <= a.date <= end]
        if not planned:  # under cron an empty bundle month after month, with nothing said
            warn(f"{year} 年还没有排活动计划，{year}年{month}月的记实表和月度报告没有内容："
                 f"请先运行 partyday plan {year}")
        for act in acts:
            filled = out_file(ws, f"{act.date.isoformat()}记实表", act.branch)
            if edited_by_hand(filled):  # the 书记 filled in `partyday record`'s file: that is the record
                data = filled.read_bytes()
                info(f"记实表 {act.date.isoformat()} {act.branch}：用的是已填写的 out/{filled.name}")
            else:
                data, _, _ = record_workbook(ws, ledger, cal, act)
            files[f"记实表-{act.date.isoformat()}-{safe_name(act.branch)}.xlsx"] = data
        attendance = _attendance_table(ws, ledger, start, end)
        summary = _summary_table(ledger, ws, acts, year, month)
    for name, table in (("出勤", attendance), ("月度报告", summary)):
        files[f"{year}-{month:02d}{name}.xlsx"] = to_xlsx(table)
        files[f"{year}-{month:02d}{name}.csv"] = to_csv(table)
    dues = _dues_table(ws, year, end, today)
    if dues is not None:
        files[f"{year}-{month:02d}党费.xlsx"] = to_xlsx(dues)
        files[f"{year}-{month:02d}党费.csv"] = to_csv(dues)
    return files


def _attendance_table(ws, ledger, start: date, end: date):  # type: ignore[no-untyped-def]
    from partyday_cli.attendance_list import attendance_records, attendance_table

    table = attendance_table(attendance_records(ws, ledger, start, end), f"{start.year}年{start.month}月出勤记录")
    if not table.rows:
        table.notes.append("本月没有出勤记录")
    return table


def _summary_table(ledger, ws, acts, year: int, month: int):  # type: ignore[no-untyped-def]
    from partyday_cli.core.meetings import GROUP, LECTURE, expected_at
    from partyday_cli.render.table import Column, Table
    from partyday_cli.store.attendance import attendance_by_status, has_signin, unresolved_names
    from partyday_cli.store.meetings import meetings_of
    from partyday_cli.store.roster import members_on_with_ids

    threshold = float(ws.section("thresholds").get("attendance_rate", 0.8))
    table = Table(title=f"{ws.org_name}{year}年{month}月党员活动日及组织生活情况", sheet_name="月度报告",
                  marked="尚无签到记录或到会率低于要求", columns=[
        Column("日期", 12, "center"), Column("支部", 14), Column("类型", 18), Column("主题", 30),
        Column("应到", 6, "right"), Column("实到", 6, "right"), Column("请假", 6, "right"),
        Column("缺席", 6, "right"), Column("到会率", 8, "right"), Column("情况", 24)])
    held = {(m.branch, m.date): m for m in meetings_of(ledger, year)}
    for act in acts:
        meeting = held.get((act.branch, act.date))
        group = meeting.group if meeting is not None else ""
        kinds = tuple(dict.fromkeys([*act.kinds, *(meeting.meeting_kinds if meeting is not None else ())]))
        kind_text = "、".join(f"{k}（{group}）" if k == GROUP and group else k for k in kinds) or "主题党日"
        theme = act.theme or (f"{meeting.title}（主讲人 {meeting.speaker}）" if meeting is not None
                              and LECTURE in kinds and meeting.title else meeting.content if meeting else "")
        members = [(mid, m) for mid, m in members_on_with_ids(ledger, act.date, act.branch)
                   if m.is_expected_on(act.date)]
        expected = len(expected_at(kinds, group, members))
        count = {k: len(v) for k, v in (attendance_by_status(ledger, act.id) or {}).items()}
        if not has_signin(ledger, act.id):
            minutes = (meeting is not None and set(kinds) <= set(meeting.meeting_kinds) and "主题党日" not in kinds)
            note = ("已登记召开（以会议记录为凭）" if minutes else "尚无签到记录"
                    + (f"（已登记请假 {count['请假']} 人）" if count.get("请假") else ""))
            table.add([act.date.isoformat(), act.branch, kind_text, theme, expected, "", count.get("请假", ""),
                       "", "", note], highlight=not minutes)
            continue
        # the ledger's 应到, as the 记实表 and the reports count it: its rows but 免参加 (a member
        # leaving that month, known to the month only, counts where the file shows them present)
        expected = sum(n for k, n in count.items() if k != "免参加")
        present = sum(count.get(k, 0) for k in ("出席", "迟到", "早退"))
        rate = present / expected if expected else 0.0
        low = rate < threshold
        table.add([act.date.isoformat(), act.branch, kind_text, theme, expected, present, count.get("请假", 0),
                   count.get("缺席", 0), f"{rate:.1%}", f"低于{threshold:.0%}" if low else ""],
                  highlight=low)
    pending = [p for p in unresolved_names(ledger) if str(p["date"]).startswith(f"{year}-{month:02d}")]
    if pending:
        table.notes.append(f"另有 {len(pending)} 个签到姓名未能匹配，待处理：partyday attend resolve")
    if not acts:
        table.notes.append("本月没有计划中的活动")
    return table


def _dues_table(ws, year: int, end: date, today: date):  # type: ignore[no-untyped-def]
    from partyday_cli.cli.dues import _report_table
    from partyday_cli.reports import dues_members, dues_report

    try:
        everyone = dues_members(ws, year, None)
    except UserError:  # no roster for the year: the bundle has no dues table
        return None
    done = dues_report(ws, year, None, min(end + timedelta(days=1), today), until=end, everyone=everyone)
    # the month's bundle: the months to its end (a later month's payment, or one recorded
    # for a later month, is next month's news), judged as of the day after it — or today,
    # for a month not over yet (its dues are 待交, not 未交)
    table = _report_table(ws, done.results, year, done.as_of, None, until=min(end, today))
    if done.unrecorded:
        table.notes.append(f"{'、'.join(done.unrecorded)} 还没有导入{year}年党费台账，各月为“未登记”，不计欠交")
    return table


@export_app.command("monthly")
def export_monthly(
    ctx: typer.Context,
    month: Annotated[str | None, typer.Option("--month", "-m", help="哪个月，如 2017-04；默认上个月。")] = None,
    force: Annotated[bool, typer.Option("--force", callback=remember_force, help=(
        "out/YYYY-MM/ 里的文件已存在、又不是本程序生成的（或生成后被改过）时，仍然覆盖。"))] = False,
    today: TodayOpt = None,
    wait: WaitOpt = 600,
    workspace: WorkspaceOpt = None,
) -> None:
    """把某月的记实表、出勤表、党费表（xlsx 和 csv）和月度报告写入 out/YYYY-MM/，附 manifest.json
    （每个文件的 SHA-256）。同一个月重复运行：内容没变就不改写任何文件。适合每月1日由 cron
    或 Windows 任务计划程序自动运行。

    示例：

      partyday export monthly

      partyday export monthly --month 2017-04 -w /srv/党委工作区
    """
    import hashlib
    import json

    from partyday_cli.io.outputs import OutputGuard
    from partyday_cli.io.runlock import log_run, workspace_lock

    ws = _workspace(ctx, workspace, "export monthly")
    year, mon = _month(month, _today(today))
    label = f"export monthly {year}-{mon:02d}"
    with _failure_logged(ws.root, label), workspace_lock(ws.root, wait=wait):
        day = _today(today)
        if (year, mon) >= (day.year, day.month):
            warn(f"{year}年{mon}月尚未结束：导出的是截至 {day.isoformat()} 的情况，党费当月为“待交”")
        files = _month_files(ws, year, mon, day)
        manifest = {"month": f"{year}-{mon:02d}", "files": [
            {"name": name, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
            for name, data in sorted(files.items())]}
        files["manifest.json"] = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode()
        folder = ws.root / "out" / f"{year}-{mon:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        before = {n: (folder / n).read_bytes() if (folder / n).is_file() else None for n in files}
        # manifest.json last: a bundle whose manifest is new is whole
        changed = sorted((n for n, d in files.items() if before[n] != d), key=lambda n: (n == "manifest.json", n))
        guard = OutputGuard(force=force, workspace_root=ws.root)
        for name in changed:  # every refusal before any write: the bundle stays whole
            guard.check(folder / name)
        written: list[str] = []
        try:
            for name in changed:
                guard.write(folder / name, files[name])
                written.append(name)
        except UserError:  # a file held open part way: the ones written go back as they were
            _put_back(folder, written, before)
            raise
    if changed:
        outcome = f"写入 {len(changed)} 个文件（共 {len(files)} 个）到 {folder}"
    else:
        outcome = f"内容与上次相同，未改写任何文件（{folder}，共 {len(files)} 个）"
    log_run(ws.root, label, outcome)
    info(outcome)


def remind(
    ctx: typer.Context,
    days: Annotated[int | None, typer.Option(
        "--days", "-n", help="提前几天通知；默认取 partyday.toml 的 deadlines.notify_days_before。")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="把通知写入文件（覆盖）。")] = None,
    force: ForceOpt = False,
    today: TodayOpt = None,
    wait: WaitOpt = 600,
    workspace: WorkspaceOpt = None,
) -> None:
    """生成要发给党员的活动通知（日期、地点、主题、要带什么、交党费提醒），以及记实表、
    年度安排表快到期的提醒。没有要提醒的事就什么也不输出。适合每天由 cron 自动运行。

    示例：

      partyday remind

      partyday remind --days 2 -o 通知.txt
    """
    from partyday_cli.core.reminders import probation_reminders, reminders
    from partyday_cli.io.holidays import holiday_dirs, work_calendar
    from partyday_cli.io.runlock import log_run, workspace_lock
    from partyday_cli.plan_status import official_day_off, stale_plan_lines
    from partyday_cli.store.activities import activities_in_year
    from partyday_cli.store.ledger import open_ledger
    from partyday_cli.store.roster import members_on, roster_in_force

    ws = _workspace(ctx, workspace, "remind")
    now = _today(today)
    ahead = days if days is not None else int(ws.section("deadlines").get("notify_days_before", 3))
    if ahead < 0:
        raise UserError("--days 不能是负数")
    label = f"remind --days {ahead}"
    with _failure_logged(ws.root, label):  # under 任务计划程序 the log is the only record
        cal = work_calendar(holiday_dirs(ws.root), True)
        with workspace_lock(ws.root, wait=wait):
            with open_ledger(ws.ledger_path) as ledger:
                acts = [a for y in {now.year, (now + timedelta(days=ahead)).year, now.year - 1}
                        for a in activities_in_year(ledger, y)]
                stale = stale_plan_lines(ws, {now.year, (now + timedelta(days=ahead)).year}, ledger=ledger,
                                         from_day=now)
                on_roster = members_on(ledger, now) if roster_in_force(ledger, now) is not None else []
            text = reminders(acts, today=now, days=ahead, deadlines=ws.section("deadlines"),
                             schedule=ws.section("schedule"), org=ws.org_name,
                             add_workdays=cal.add_workdays, branches=[b.name for b in ws.branches],
                             dues_on_day=bool(ws.section("dues").get("on_activity_day", False)),
                             day_off=official_day_off(ws))
            text = "\n".join(filter(None, [text, *probation_reminders(on_roster, now)]))  # 预备期满
            for line in stale:  # before a notice goes out on a day the official arrangement made a holiday
                warn(line)
            if output is not None:  # an empty file when there is nothing: no stale notice stays
                write_file(output, text.encode("utf-8"))
            elif text:
                typer.echo(text, nl=False)
    log_run(ws.root, label, f"{text.count(chr(10) + chr(10)) + 1 if text else 0} 条提醒"
            if text else "没有需要提醒的事")


def doctor(
    ctx: typer.Context,
    restore: Annotated[bool, typer.Option(
        "--restore", help="用最新的账本备份（backups/ 文件夹）恢复 ledger.db；恢复前的账本也另存一份。")] = False,
    backup: Annotated[str | None, typer.Option(
        "--backup", help="与 --restore 一起用：指定用哪一份备份（文件名的一部分，如 20170412）。")] = None,
    new_ledger: Annotated[bool, typer.Option(
        "--new-ledger", help="账本丢失且不要恢复时，新建一个空账本（原有账本先另存为备份）。")] = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """检查工作区：配置是否正确、花名册能否读取、账本是否完好及其版本和备份、今明两年的节假日数据、
    是否有任务正在运行、输出文件夹能否写入；逐项用中文说明怎么处理。

    每次写入账本之前，partyday 会把账本备份到 backups/（保留最近 5 份）；
    账本丢失或损坏时用 --restore 恢复。

    示例：

      partyday doctor

      partyday doctor --restore

      partyday doctor --restore --backup 20170412
    """
    from partyday_cli import doctor as checks

    ws = require_workspace(ctx, workspace)
    if restore or new_ledger:
        if restore and new_ledger:
            raise UserError("--restore 和 --new-ledger 只能选一个")
        info(checks.restore_ledger(ws, backup) if restore else checks.new_ledger(ws))
        return
    if backup:
        raise UserError("--backup 要和 --restore 一起用，如 partyday doctor --restore --backup 20170412")
    run_checks = checks.run_checks
    results = run_checks(ws, today=date.today())
    for ok, text in results:  # ok None: to be confirmed (待确认); NOTE: a reminder; neither fails
        typer.echo(("？ " if ok is None else "！ " if ok == checks.NOTE else "✓ " if ok else "✗ ") + text)
    bad = sum(1 for ok, _ in results if ok is False)
    if bad:
        typer.echo(f"发现 {bad} 个问题，请按上面的说明处理", err=True)
        raise typer.Exit(1)
    unsure = sum(1 for ok, _ in results if ok is None)
    notes = sum(1 for ok, _ in results if ok == checks.NOTE)
    said = [f"有 {unsure} 项待确认（见上面标“？”的行）"] if unsure else []
    said += [f"{notes} 条提醒（标“！”）"] if notes else []
    typer.echo("工作区可以使用；" + "，".join(said) if said else "工作区一切正常")

