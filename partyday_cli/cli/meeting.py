"""`partyday meeting add|import|list`: meetings of organisational life (三会一课, SPEC §12)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from partyday_cli.cli.common import (
    WORKSPACE_HELP,
    ForceOpt,
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

app = typer.Typer(help="三会一课：登记支部委员会、党小组会、党课等组织生活会议，查看全年会议。",
                  no_args_is_help=True)

KIND_HELP = ("会议类型，可写多次：支部党员大会、支部委员会、党小组会、党课、组织生活会、民主评议党员、主题党日。"
             "一次会议可有多个类型（如主题党日同时召开本季度支部党员大会）")


@app.command("add")
def add(
    ctx: typer.Context,
    day: Annotated[str, typer.Argument(help="开会日期，如 2017-03-15。", show_default=False)],
    kind: Annotated[list[str], typer.Option("--kind", "-k", help=KIND_HELP, show_default=False)],
    place: Annotated[str, typer.Option("--place", help="地点。")] = "",
    host: Annotated[str, typer.Option("--host", help="主持人。")] = "",
    content: Annotated[str, typer.Option("--content", help="会议内容（议题）。")] = "",
    speaker: Annotated[str, typer.Option("--speaker", help="党课主讲人姓名（只用于党课）。")] = "",
    title: Annotated[str, typer.Option("--title", help="党课题目（只用于党课）。")] = "",
    group: Annotated[str, typer.Option("--group", help="党小组会是哪个党小组，如 第一党小组。")] = "",
    branch: Annotated[str | None, typer.Option("--branch", "-b", callback=branch_text, help="哪个支部（工作区只有一个支部时不用写）。")] = None,
    workspace: Annotated[Path | None, typer.Option("--workspace", "-w", help=WORKSPACE_HELP)] = None,
) -> None:
    """登记一次已召开的组织生活会议，季度和年度报表的“三会一课”按它计数。

    应到党员按会议类型确定：支部委员会为支部委员（按花名册“备注”中的支部书记、组织委员等职务），
    党小组会为该党小组的党员，其他会议为全体党员。与计划中的活动日同一天的会议并入当天，
    两种类型都计数。签到表照常用 partyday attend import 签到表.xlsx --date 日期 导入。

    示例：

      partyday meeting add 2017-03-15 --kind 支部委员会 --content 研究发展党员工作

      partyday meeting add 2017-03-20 --kind 党小组会 --group 第一党小组

      partyday meeting add 2017-04-20 --kind 党课 --speaker 李建国 --title 学习党章

      partyday meeting add 2017-03-08 --kind 支部党员大会
    """
    from partyday_cli.core.meetings import parse_kinds
    from partyday_cli.meetings import add_meeting

    ws = require_workspace(ctx, workspace)
    result = add_meeting(ws, parse_day(day, "开会日期"), parse_kinds(kind), branch=branch, place=place,
                         host=host, content=content, speaker=speaker, title=title, group=group)
    for line in result.warnings:
        warn(line)
    m = result.meeting
    how = "并入当天的活动" if result.merged else "已登记"
    info(f"{m.date.isoformat()} {m.branch}：{'、'.join(m.meeting_kinds)} {how}"
         f"（当天计入：{'、'.join(m.kinds)}）；应到 {len(result.expected)} 人")


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="会议登记表（xlsx、xls 或 csv），一次会议一行。", show_default=False)],
    branch: Annotated[str | None, typer.Option("--branch", "-b", callback=branch_text, help="表里没有“支部”列、工作区又有多个支部时，写明哪个支部。")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只检查并列出会登记哪些会议，不写入账本。")] = False,
    workspace: Annotated[Path | None, typer.Option("--workspace", "-w", help=WORKSPACE_HELP)] = None,
) -> None:
    """从支部的会议登记表（三会一课记录台账）登记会议：一次会议一行，列出日期、会议类型
    （支部委员会/支委会、支部党员大会、党小组会、党课、组织生活会、民主评议党员、主题党日，
    可写多个），党小组会写“党小组”，党课写“主讲人”“题目”，可另有地点、主持人、内容。

    已登记过的会议不会重复登记，表格补充后可以再次导入。有任何一行读不出时，什么都不登记，
    并逐行说明。签到表照常用 partyday attend import 签到表.xlsx --date 日期 导入。原文件不会被修改。

    示例：

      partyday meeting import 2017年会议登记表.xlsx

      partyday meeting import 2017年会议登记表.xlsx --dry-run
    """
    from partyday_cli.meetings import import_register

    ws = require_workspace(ctx, workspace)
    result = import_register(ws, file, branch=branch, dry_run=dry_run)
    for line in result.warnings:
        warn(line)
    for added in result.added:
        m = added.meeting
        info(f"  {m.date.isoformat()} {m.branch}：{'、'.join(m.meeting_kinds)}"
             f"{'（' + m.group + '）' if m.group else ''}{'，主讲人 ' + m.speaker if m.speaker else ''}"
             f"{'（并入当天的活动）' if added.merged else ''}；应到 {len(added.expected)} 人")
    for m in result.would_add:
        info(f"  第{m.row}行 {m.day.isoformat()}：{'、'.join(m.kinds)}{'（' + m.group + '）' if m.group else ''}")
    counts: dict[str, int] = {}
    # by the register's rows: two rows of one day (a 党课 and a 党员大会) are one meeting of both kinds
    for kinds in [m.kinds for m in (result.added_rows if not dry_run else result.would_add)]:
        for k in kinds:
            counts[k] = counts.get(k, 0) + 1
    by_kind = "（" + "、".join(f"{k} {n} 次" for k, n in counts.items()) + "）" if counts else ""
    n = len(result.would_add) if dry_run else len(result.added)
    verb = "将登记" if dry_run else "登记"
    info(f"{result.file}：{verb} {n} 次会议{by_kind}，已登记过未改动 {len(result.unchanged)} 次"
         + ("（--dry-run，未写入账本）" if dry_run else ""))


@app.command("list")
def list_(
    ctx: typer.Context,
    year: Annotated[int | None, typer.Option("--year", "-y", help="哪一年（默认今年）。",
                                             callback=year_callback)] = None,
    branch: Annotated[str | None, typer.Option("--branch", "-b", callback=branch_text, help="只看某个支部。")] = None,
    fmt: Annotated[TableFormat | None, typer.Option("--format", "-f", help="输出格式：table、json、csv、xlsx。",
                                               show_default=False)] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="写入文件而不是屏幕。")] = None,
    force: ForceOpt = False,
    workspace: Annotated[Path | None, typer.Option("--workspace", "-w", help=WORKSPACE_HELP)] = None,
) -> None:
    """列出某年登记的组织生活会议：日期、类型、主持人、党课主讲人和题目、是否已导入签到。

    示例：

      partyday meeting list --year 2017

      partyday meeting list --year 2017 -o 2017年三会一课.xlsx
    """
    from datetime import date

    from partyday_cli.meetings import list_meetings

    ws = require_workspace(ctx, workspace)
    year = year or date.today().year
    rows = list_meetings(ws, year, branch)
    fmt = format_from_output(fmt, output, Format.table)
    if fmt is Format.json:
        emit_json([{"date": m.date.isoformat(), "branch": m.branch, "kinds": list(m.kinds),
                    "meeting_kinds": list(m.meeting_kinds), "place": m.place, "host": m.host,
                    "content": m.content, "speaker": m.speaker, "title": m.title, "group": m.group,
                    "planned": m.planned, "signed": m.signed} for m in rows], output, force=force)
        return
    from partyday_cli.render.table import Column, Table

    table = Table(title=f"{year}年组织生活会议（三会一课）", sheet_name="三会一课", columns=[
        Column("日期", 12, "center"), Column("支部", 14), Column("会议类型", 24), Column("党小组", 10),
        Column("主持人", 10), Column("党课主讲人", 10), Column("党课题目", 24), Column("内容", 30),
        Column("签到", 8, "center")])
    for m in rows:
        table.add([m.date.isoformat(), m.branch, "、".join(m.kinds), m.group, m.host, m.speaker, m.title,
                   m.content, "已导入" if m.signed else "未导入"])
    table.notes.append(f"共 {len(rows)} 次会议" if rows else
                       f"{year}年还没有登记会议。用 partyday meeting add 日期 --kind 支部委员会 登记")
    emit_table(table, fmt, output, force=force)
