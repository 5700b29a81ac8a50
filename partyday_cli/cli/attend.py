"""`partyday attend import|list|set|resolve`: sign-in records as they really arrive."""

from __future__ import annotations

from collections import Counter
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from partyday_cli.cli.common import (
    WORKSPACE_HELP,
    Format,
    TableFormat,
    branch_text,
    emit_json,
    emit_table,
    format_from_output,
    info,
    parse_day,
    require_workspace,
    warn,
    year_callback,
)
from partyday_cli.errors import UserError


class ImportFormat(StrEnum):
    """What attend import can print: the summary, or the JSON of each file's rows."""

    table = "table"
    json = "json"


app = typer.Typer(help="签到与出勤：导入签到表（手工表、腾讯会议、问卷星、企业微信/钉钉），查看和更正出勤。",
                  no_args_is_help=True)

STATUSES = ("出席", "迟到", "早退", "请假", "缺席", "免参加", "补学")
WorkspaceOpt = Annotated[Path | None, typer.Option("--workspace", "-w", help=WORKSPACE_HELP)]
BranchOpt = Annotated[str | None, typer.Option("--branch", "-b", callback=branch_text, help="党委工作区里哪个支部（默认按名单自动判断）。")]


def _explain_line(row) -> str:  # type: ignore[no-untyped-def]
    """One row of `--explain`: where, the text read, who it became, by which step."""
    from partyday_cli.attend_import import STEP_ZH

    said = f" {row.status}" if row.status else ""
    said += f"（{row.reason}）" if row.reason and row.step != "visitor" else ""
    became = "、".join(row.members) or {"ambiguous": "同名待定：" + "、".join(row.candidates),
                                       "suggestion": "未定（是否为 " + "、".join(row.suggestions) + "？）",
                                       }.get(row.step, "—")
    step = STEP_ZH.get(row.step, row.step)
    if not row.note or row.note == step:
        how = f"〔{step}〕"
    elif row.note.startswith(step):  # 姓名一致（去掉了部门或支部）: the note says the step
        how = f"〔{row.note}〕"
    else:
        how = f"〔{step}〕{row.note}"
    return f"  {row.where()} “{row.text}”{said} → {became}{how}"


@app.command("import")
def import_files(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="签到文件或文件夹（可多个）。", show_default=False)],
    day: Annotated[str | None, typer.Option("--date", "-d", help="活动日期；文件里看不出日期、或不在计划中时必填。")] = None,
    branch: BranchOpt = None,
    replace: Annotated[bool, typer.Option("--replace", help="用这份文件取代该次活动之前导入的签到文件（更正后的签到表）；"
                                          "已导入过的文件也可以。")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只显示会发生什么变化，不写入账本。")] = False,
    explain: Annotated[bool, typer.Option("--explain", help="逐行列出：读到的姓名、对应到哪名党员、按哪一步对上的。")] = False,
    fmt: Annotated[ImportFormat | None, typer.Option(
        "--format", "-f", help="输出格式：table（默认）或 json（逐行结果，见 README）。", show_default=False)] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """导入签到记录：手工签到表（含标题行、合并单元格、左右双栏）、腾讯会议参会明细、问卷星导出、
    企业微信/钉钉签到导出、Windows Excel 存的 CSV（GBK）都可以。

    名单上的姓名与当天在册党员逐一对应；对不上的姓名逐个报告（第几行、可能是谁）并留待处理，不会丢；
    同一份文件重复导入不会重复记录。同一次活动再导入另一份文件（如纸质签到表加腾讯会议）会合并，
    任一份里到了就算到；加 --replace 则取代之前的文件。每份文件要么全部导入、要么不导入；
    按 Ctrl-C 中断时，正在写入的那份会写完，并告诉您哪些文件已导入。

    示例：

      partyday attend import 4月签到表.xlsx

      partyday attend import 签到/ --dry-run --explain

      partyday attend import 腾讯会议参会明细.csv --date 2017-04-12
    """
    from partyday_cli.attend_import import ImportOptions, import_signins

    as_json = fmt is ImportFormat.json
    try:
        ws = require_workspace(ctx, workspace)
        options = ImportOptions(day=parse_day(day, "--date") if day else None, branch=branch, replace=replace,
                                dry_run=dry_run, rows=explain or as_json)

        def show(index: int, total: int, done) -> None:  # type: ignore[no-untyped-def]
            prefix = f"[{index + 1}/{total}] " if total > 1 else ""
            for line in done.warnings:
                warn(line)
            if done.error is not None:
                for line in done.error.lines():
                    typer.echo(f"{prefix}错误：{line}", err=True)
                return
            for one in (done, *done.parts):  # a joint sheet: each branch's part in turn
                for line in one.warnings if one is not done else ():
                    warn(line)
                if explain and not as_json:
                    for row in one.rows:
                        typer.echo(_explain_line(row))
                info(prefix + one.summary)

        result = import_signins(ws, files, options, on_file=show)
    except KeyboardInterrupt:
        typer.echo("已中断：没有导入任何文件", err=True)
        raise typer.Exit(130) from None
    if result.interrupted:
        typer.echo(result.interrupted_line(), err=True)
        raise typer.Exit(130)
    t = result.totals()
    if as_json:
        emit_json(result.as_dict(), None)
    if t["files"] > 1 or t["errors"]:
        info(f"合计：{t['files']} 个文件，导入 {t['imported']}，已导入过未改动 {t['unchanged']}，"
             f"出错 {t['errors']}；匹配 {t['matched']} 人次，未能匹配 {t['unmatched']} 个姓名")
    if t["imported"] == 0 and t["unchanged"] == t["files"]:
        info("所有文件都已导入过，账本没有变化")
    if t["errors"]:
        raise typer.Exit(1)


@app.command("list")
def list_attendance(
    ctx: typer.Context,
    day: Annotated[str | None, typer.Option("--date", "-d", help="某次活动的日期。")] = None,
    year: Annotated[int | None, typer.Option("--year", "-y", help="某一年的全部活动。", callback=year_callback)] = None,
    branch: BranchOpt = None,
    fmt: Annotated[TableFormat | None, typer.Option("--format", "-f", help="输出格式：table、json、csv、xlsx。",
                                               show_default=False)] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="写入文件而不是屏幕。")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """列出出勤记录：每次活动每名党员的出席、迟到、早退、请假、缺席、免参加、补学。

    示例：

      partyday attend list --date 2017-04-12

      partyday attend list --year 2017 --format csv -o 2017出勤.csv
    """
    from partyday_cli.attendance_list import attendance_records, attendance_table
    from partyday_cli.store.attendance import unresolved_names
    from partyday_cli.store.ledger import open_ledger

    ws = require_workspace(ctx, workspace)
    if branch is not None:
        ws.branch(branch)  # a mistyped name says so, not 没有出勤记录
    if day and year:
        raise UserError("--date 和 --year 只能选一个")
    if day:
        start = end = parse_day(day, "--date")
    else:
        y = year or date.today().year
        start, end = date(y, 1, 1), date(y, 12, 31)
    with open_ledger(ws.ledger_path) as ledger:
        records = attendance_records(ws, ledger, start, end, branch)
        pending = [p for p in unresolved_names(ledger)  # of the dates and branch listed
                   if p["date"] and start.isoformat() <= str(p["date"]) <= end.isoformat()
                   and branch in (None, p["branch"])]
    fmt = format_from_output(fmt, output, Format.table)
    if fmt is Format.json:
        emit_json(records, output)
        return
    if not records:
        when = start.isoformat() if start == end else f"{start.isoformat()}—{end.isoformat()}"
        raise UserError(f"{when} 没有出勤记录。请先运行 partyday attend import 签到表.xlsx")
    table = attendance_table(records, "出勤记录")
    counts = Counter(r["status"] for r in records)
    table.notes.append("合计：" + "，".join(f"{k} {counts[k]}" for k in STATUSES if counts[k]))
    if pending:
        table.notes.append(f"另有 {len(pending)} 个姓名未能匹配，待处理：partyday attend resolve")
    emit_table(table, fmt, output)


def _in_branches(ledger, day: date, name: str, places):  # type: ignore[no-untyped-def]
    """The one member `name` names among the branches of `places` ((activity id, file id,
    branch) each), with the place; None when none or several do."""
    found = []
    for place in places:
        try:
            found.append((_one_member(ledger, day, name, place[2]), place))
        except UserError:
            continue
    return found[0] if len(found) == 1 else None


def _one_member(ledger, day: date, name: str, branch: str | None):  # type: ignore[no-untyped-def]
    import re

    from partyday_cli.core.matching import _same_numbered_group
    from partyday_cli.core.members import normalise_name, not_yet_or_gone
    from partyday_cli.store.roster import all_members, members_on_with_ids

    wanted = normalise_name(name)
    group = None
    tagged = re.fullmatch(r"(.+?)[(（\[【](.+)[)）\]】]", wanted)
    if "#" in wanted:  # 张伟#第二党小组 tells same-name members apart
        wanted, group = wanted.split("#", 1)
    elif tagged:  # 张伟（二组）, as sign-in sheets write it
        wanted, group = tagged[1], tagged[2]

    def in_group(m) -> bool:  # type: ignore[no-untyped-def]
        return group is None or group in (m.group, m.branch) or bool(m.group) and (
            group in m.group or _same_numbered_group(group, m.group))

    on_day = members_on_with_ids(ledger, day, branch)
    found = [(i, m) for i, m in on_day if m.name == wanted and in_group(m)]
    if not found:
        why = not_yet_or_gone((m for m in all_members(ledger) if branch in (None, m.branch)), wanted, day)
        if why:
            raise UserError(why)
        raise UserError(f"{day.isoformat()} 在册党员中没有“{name}”。请核对姓名（partyday roster list --date {day.isoformat()}）")
    if len(found) > 1:
        who = "、".join(f"{wanted}#{m.group or m.branch}" for _, m in found)
        raise UserError(f"“{name}”有 {len(found)} 名同名党员，请写成 {who} 之一")
    member_id, member = found[0]
    namesakes = sum(1 for _, m in on_day if m.name == member.name and m.branch == member.branch)
    return member_id, member, f"{member.name}（{member.group or member.branch}）" if namesakes > 1 else member.name


@app.command("set")
def set_status(
    ctx: typer.Context,
    day: Annotated[str, typer.Argument(help="活动日期，如 2017-04-12", show_default=False)],
    name: Annotated[str, typer.Argument(help="党员姓名；同名时写成 张伟#第二党小组", show_default=False)],
    status: Annotated[str, typer.Argument(help="出席、迟到、早退、请假、缺席、免参加、补学", show_default=False)],
    reason: Annotated[str, typer.Option("--reason", "-r", help="原因，如 出差、病假。")] = "",
    branch: BranchOpt = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """手工登记或更正某人某次活动的出勤（如会前请假、会后补学），优先于签到文件。

    示例：

      partyday attend set 2017-04-12 高峰 请假 --reason 出差

      partyday attend set 2017-04-12 张伟#第二党小组 补学
    """
    from partyday_cli.store.activities import activity_on
    from partyday_cli.store.attendance import set_manual
    from partyday_cli.store.ledger import open_ledger

    ws = require_workspace(ctx, workspace)
    when = parse_day(day, "活动日期")
    if status not in STATUSES:
        from partyday_cli.core.attendance import status_from_text

        said, why = status_from_text(status)  # 病假 → 请假 (病假), as a sheet's 备注 is read
        if said not in STATUSES or said == "出席" and status not in ("到", "已到", "到会"):
            raise UserError(f"出勤状态“{status}”无效，可选：{'、'.join(STATUSES)}；请假的原因写在 --reason 后，"
                            f"如 partyday attend set {day} {name} 请假 --reason {status}")
        status, reason = said, reason or why
    with open_ledger(ws.ledger_path) as ledger:
        member_id, member, label = _one_member(ledger, when, name, branch)
        acts = activity_on(ledger, when, member.branch)
        if not acts:
            raise UserError(f"{when.isoformat()} 不是{member.branch}的活动日。请先运行 partyday plan，"
                            "或用 partyday attend import --date 导入这次活动的签到")
        before, after = set_manual(ledger, activity_id=acts[0].id, activity_date=when, branch=member.branch,
                                   member_id=member_id, status=status, reason=reason)
    info(f"已登记：{when.isoformat()} {label} {status}" + (f"（{reason}）" if reason else ""))
    if before is not None and before[0] != status:
        info(f"  原为{before[0]}" + (f"（依据 {before[1]}）" if before[1] else "") + "，现改为手工登记的" + status)
    if after is not None and after != status:
        warn(f"{label} 当天记为{after}：签到文件的记录优先于手工登记，如确需更改请核对签到表")


@app.command("resolve")
def resolve(
    ctx: typer.Context,
    raw_name: Annotated[str | None, typer.Argument(help="签到文件里的写法，如 小张、张 伟-财务", show_default=False)] = None,
    member: Annotated[str | None, typer.Argument(help="对应的党员姓名；同名时写成 张伟#第二党小组", show_default=False)] = None,
    ignore: Annotated[str | None, typer.Option(
        "--ignore", help="这个姓名不计入任何党员，写明原因，如 --ignore 已转出（记录保留，不再列为待处理）。",
        show_default=False)] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """处理未能匹配的姓名：不带参数时列出待处理的姓名；带参数时把它指定为某名党员，无需重新导入；
    不是要计入的党员（已转出、来宾）时加 --ignore 原因。

    经常出现的写法（如昵称）也可写进 partyday.toml 的 \\[attendance.aliases]，如 "小张" = "张伟"。

    示例：

      partyday attend resolve

      partyday attend resolve "张 伟（财务）" 张伟#第一党小组

      partyday attend resolve 王芳 --ignore 已于6月转出
    """
    import json

    from partyday_cli.store.attendance import (
        dismiss_name,
        resolve_name,
        row_of_member_in_file,
        same_file_elsewhere,
        unresolved_names,
    )
    from partyday_cli.store.ledger import open_ledger

    ws = require_workspace(ctx, workspace)
    with open_ledger(ws.ledger_path) as ledger:
        pending = unresolved_names(ledger)
        if raw_name is None:
            if not pending:
                info("没有待处理的姓名")
                return
            for p in pending:
                hint = json.loads(p["suggestions"] or "[]")
                typer.echo(f"{p['date']} {p['branch']}  “{p['raw_name']}”  （{p['original_name']} 第{p['row']}行）"
                           + (f"  可能是：{'、'.join(hint)}" if hint else ""))
            return
        if member is None and ignore is None:
            raise UserError("请同时写出对应的党员姓名，如 partyday attend resolve 小张 张伟；"
                            "不计入任何党员时加 --ignore 原因")
        if member is not None and ignore is not None:
            raise UserError("对应的党员和 --ignore 只能写一个")
        hits = [p for p in pending if p["raw_name"] == raw_name or p["normalised"] == raw_name]
        if not hits:
            raise UserError(f"待处理的姓名中没有“{raw_name}”。不带参数运行 partyday attend resolve 查看列表")
        if ignore is not None:
            for p in hits:
                dismiss_name(ledger, unmatched_id=p["id"], reason=ignore.strip())
            days = "、".join(dict.fromkeys(str(p["date"]) for p in hits))
            info(f"已将 {days} 的“{raw_name}”标为不计入（{ignore.strip() or '已核实，不计'}），不再列为待处理")
            return
        for p in hits:
            day = date.fromisoformat(p["date"])
            branch, into = p["branch"], None
            try:
                member_id, found, label = _one_member(ledger, day, member, branch)
            except UserError:
                # a 党委's joint sheet: the member may be of another branch it was saved for
                elsewhere = _in_branches(ledger, day, member, same_file_elsewhere(ledger, p["id"]))
                if not elsewhere:
                    raise
                (member_id, found, label), (activity_id, file_id, branch) = elsewhere
                into = (activity_id, file_id)
            twice = row_of_member_in_file(ledger, p["id"], member_id)
            if twice is not None:
                warn(f"{label}在 {p['original_name']} 中已有一行（第{twice}行），“{raw_name}”也记为{label}，"
                     f"出勤只计一次；若“{raw_name}”是另一个人，请改用 partyday attend resolve {raw_name} 正确姓名")
            resolve_name(ledger, unmatched_id=p["id"], member_id=member_id, activity_date=day,
                         branch=branch, into=into)
            where = into or (len(ws.branches) > 1 and branch not in label)  # 刘洋（一支部） in a 党委
            info(f"已将 {p['date']} 的“{raw_name}”记为 {label}" + (f"（{branch}）" if where else ""))


@app.command("files")
def files_of_activity(
    ctx: typer.Context,
    day: Annotated[str, typer.Argument(help="活动日期，如 2017-04-12", show_default=False)],
    withdraw: Annotated[int | None, typer.Option("--withdraw", help="撤回第几份文件（按列表中的序号）；"
                                                 "它的记录保留，再导入一次即可恢复。")] = None,
    branch: BranchOpt = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """列出某次活动的出勤依据了哪些签到文件（在用、已被取代、已撤回），或撤回其中一份。

    示例：

      partyday attend files 2017-04-12

      partyday attend files 2017-04-12 --withdraw 2
    """
    from partyday_cli.attend_files import activity_signin_files, withdraw_signin_file

    ws = require_workspace(ctx, workspace)
    when = parse_day(day, "活动日期")
    if withdraw is not None:
        done = withdraw_signin_file(ws, when, branch, withdraw)
        info(f"已撤回 {done.file.original_name}（{when.isoformat()} {done.branch}）；{done.change.text()}。"
             f"要恢复，再导入一次即可：partyday attend import {done.file.original_name}；"
             f"若它其实是另一次活动的签到，导入时加 --date 那次的日期")
        return
    listing = activity_signin_files(ws, when, branch)
    from partyday_cli.render.table import Column, Table

    table = Table(title=f"{when.isoformat()} {listing.branch} 的签到文件", sheet_name="签到文件",
                  marked="已被取代或已撤回、不计入出勤的文件", columns=[
        Column("序号", 6, "center"), Column("文件", 30), Column("导入时间", 20), Column("记录人数", 8, "right"),
        Column("状态", 16), Column("存档", 40)])
    for n, f in enumerate(listing.files, start=1):
        table.add([n, f.original_name, f.imported_at[:19].replace("T", " "), f.marks, listing.state(f),
                   f.archived_path], highlight=not f.in_force)
    table.notes.append("出勤按“在用”的文件合并计算；撤回一份：partyday attend files "
                       f"{when.isoformat()} --withdraw 序号")
    emit_table(table, Format.table, None)
