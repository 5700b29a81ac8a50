"""`partyday holidays show|import`: the official holiday arrangement data."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from partyday_cli.cli.common import (
    WORKSPACE_HELP,
    ForceOpt,
    Format,
    TableFormat,
    emit_json,
    emit_table,
    format_from_output,
    info,
    warn,
    workspace_option,
    year_callback,
)

app = typer.Typer(
    help="法定节假日和调休安排：查看某年的数据来源，导入国务院办公厅的放假通知。",
    no_args_is_help=True,
)

SOURCE_ZH = {
    "chinese-calendar": "chinese-calendar 软件包内置",
    "notice-file": "导入的国务院办公厅通知",
    "provisional": "按农历估算（暂定）",
}


@app.command("show")
def show(
    ctx: typer.Context,
    year: Annotated[int, typer.Argument(help="年份，如 2026", show_default=False, callback=year_callback)],
    provisional: Annotated[bool, typer.Option(
        "--provisional", help="没有数据的年份按农历估算（暂定）。")] = False,
    fmt: Annotated[TableFormat | None, typer.Option("--format", "-f", help="输出格式：table、json、csv。",
                                               show_default=False)] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="写入文件而不是屏幕。")] = None,
    force: ForceOpt = False,
    workspace: Annotated[Path | None, typer.Option("--workspace", "-w", help=WORKSPACE_HELP)] = None,
) -> None:
    """显示某年的放假日期和调休上班日，并说明数据来自哪里。

    示例：

      partyday holidays show 2026

      partyday holidays show 2024 --format json
    """
    from partyday_cli import workspace as wsmod
    from partyday_cli.io.holidays import arrangement_for, check_year, holiday_dirs

    check_year(year)
    ws = wsmod.discover(workspace_option(ctx, workspace))
    arr = arrangement_for(year, holiday_dirs(ws.root if ws else None), provisional)
    if arr.provisional:
        warn(f"{year} 年的放假安排尚未公布，以下为按农历估算的法定节假日（暂定，不含调休上班日）")
    fmt = format_from_output(fmt, output, Format.table)
    if fmt is Format.json:
        emit_json({
            "year": arr.year,
            "source": arr.source,
            "days_off": sorted(d.isoformat() for d in arr.days_off),
            "makeup_workdays": sorted(d.isoformat() for d in arr.makeup_workdays),
        }, output)
        return
    from partyday_cli.core.holiday import weekday_zh
    from partyday_cli.render.table import Column, Table

    table = Table(marked="调休上班日", title=f"{year}年放假和调休安排（来源：{SOURCE_ZH.get(arr.source, arr.source)}）",
                  columns=[Column("日期", 12, "center"), Column("星期", 8, "center"),
                           Column("类型", 10, "center"), Column("节日", 14)])
    rows = [(d, "放假", n) for d, n in arr.days_off.items()]
    rows += [(d, "调休上班", n) for d, n in arr.makeup_workdays.items()]
    for day, kind, name in sorted(rows):
        table.add([day.isoformat(), weekday_zh(day), kind, name], highlight=kind == "调休上班")
    emit_table(table, fmt, output)


@app.command("import")
def import_notice(
    ctx: typer.Context,
    notice: Annotated[Path, typer.Argument(help="通知全文的文本文件（.txt），或另存的网页（.html）。",
                                           show_default=False)],
    year: Annotated[int | None, typer.Option("--year", help="年份；通知里能看出年份时可省略。", callback=year_callback)] = None,
    workspace: Annotated[Path | None, typer.Option("--workspace", "-w", help=WORKSPACE_HELP)] = None,
) -> None:
    """导入《国务院办公厅关于某年部分节假日安排的通知》，供排期使用。

    把通知全文（从“一、元旦”到最后一项）复制到记事本保存为 .txt，或把网页另存为 .html。
    导入前会逐条核对“共N天”、星期几和调休上班日；有对不上的句子会指出来，不会导入半对的数据。
    在工作区里运行时存入工作区的 holidays/ 文件夹，否则存入本机用户数据目录。

    示例：

      partyday holidays import 2027年节假日通知.txt

      partyday holidays import 通知网页.html --year 2027
    """
    from partyday_cli import workspace as wsmod
    from partyday_cli.io.files import read_bytes, write_atomic
    from partyday_cli.io.holidays import dump_local, holiday_dirs, sha256_hex
    from partyday_cli.io.notice import read_notice_file

    ws = wsmod.discover(workspace_option(ctx, workspace))
    raw = read_bytes(notice, "通知文件")
    arrangement = read_notice_file(notice, year)
    folder = holiday_dirs(ws.root if ws else None)[0]
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{arrangement.year}.toml"
    text = dump_local(arrangement, notice.name, sha256_hex(raw))
    if target.is_file() and target.read_text(encoding="utf-8") == text:
        info(f"{arrangement.year} 年放假安排与已导入的相同，未作改动（{target}）")
        return
    write_atomic(target, text.encode("utf-8"))
    off = len(arrangement.days_off)
    makeup = len(arrangement.makeup_workdays)
    info(f"已导入 {arrangement.year} 年放假安排：放假 {off} 天，调休上班 {makeup} 天，保存到 {target}")
    info(f"查看：partyday holidays show {arrangement.year}")
    if ws is not None:
        from partyday_cli.plan_status import stale_plan_lines

        for line in stale_plan_lines(ws, [arrangement.year]):
            warn(line)
