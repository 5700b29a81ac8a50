"""`partyday report quarterly|annual|member`: what a branch reports to its 党委 (SPEC §6, §7, §13)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from partyday_cli.cli.common import (
    _KEEPING,
    WORKSPACE_HELP,
    ForceOpt,
    Format,
    TableFormat,
    branch_text,
    emit,
    emit_json,
    format_from_output,
    keep_until_exit,
    out_file,
    plain_output,
    print_rich,
    require_workspace,
    warn,
    year_callback,
)
from partyday_cli.errors import UserError
from partyday_cli.reports import build, report_json

app = typer.Typer(help="报表：季度、年度报表（到会率、缺勤提醒、党费、主题和“三会一课”），党委按支部汇总；个人情况。",
                  no_args_is_help=True)

YearOpt = Annotated[int | None, typer.Option("--year", "-y", help="年份，如 2017。", show_default=False,
                                                        callback=year_callback)]
BranchOpt = Annotated[str | None, typer.Option(
    "--branch", "-b", callback=branch_text, help="只看某个支部；党委工作区不写则按支部汇总全部支部。")]
FormatOpt = Annotated[TableFormat | None, typer.Option(
    "--format", "-f", help="输出格式：table（表格，默认）、json、csv、xlsx（含图表，可打印）。", show_default=False)]
OutputOpt = Annotated[Path | None, typer.Option(
    "--output", "-o", help="写入文件；xlsx 不写 -o 时存入工作区 out/ 文件夹。")]
PrivateOpt = Annotated[bool, typer.Option("--show-private", help="显示完整的电话和收入（默认打码）。")]
WorkspaceOpt = Annotated[Path | None, typer.Option("--workspace", "-w", help=WORKSPACE_HELP)]


def json_bytes(value: Any, indent: int = 0) -> bytes:
    """JSON laid out for people and fast for 30,000 members: objects one key a line,
    each record of a list on one line (compact, written by orjson)."""
    import orjson

    pad, inner = b" " * indent, b"\n" + b" " * (indent + 2)
    if isinstance(value, dict) and value:
        body = b",".join(inner + orjson.dumps(k) + b": " + json_bytes(v, indent + 2) for k, v in value.items())
        return b"{" + body + b"\n" + pad + b"}"
    if isinstance(value, list) and value and isinstance(value[0], dict):
        # one orjson call for the whole list (a call per record costs 3× the writing): a
        # marker before each record becomes its line break; the count says that no value
        # held the marker itself, else a call per record
        text = orjson.dumps([x for v in value for x in (_MARK, v)])
        if text.count(_MARK_JSON) == len(value):
            return text.replace(_MARK_JSON + b",", inner)[:-1] + b"\n" + pad + b"]"
        return b"[" + b",".join([inner + orjson.dumps(v) for v in value]) + b"\n" + pad + b"]"
    return orjson.dumps(value)


_MARK = "\u2063partyday-record\u2063"  # INVISIBLE SEPARATOR: in no name or sentence of a report
_MARK_JSON = f'"{_MARK}"'.encode()


@contextmanager
def _no_gc() -> Iterator[None]:
    """A report builds ~10⁵ small objects that all live to the end: the cyclic collector
    would only rescan them again and again (a third of the time at 30,000 members)."""
    import gc

    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            if _KEEPING[0]:  # the report lives to the end of the process: no collection rescans it
                gc.freeze()
            gc.enable()


def _print_tables(tables: list[Any], output: Path | None) -> None:
    from rich.console import Group
    from rich.text import Text

    from partyday_cli.render.table import to_rich

    plain = plain_output()
    parts: list[Any] = []
    for table in tables:
        parts.append(to_rich(table, plain=plain))
        parts += [Text(note) for note in table.notes]
        parts.append(Text(""))
    print_rich(Group(*parts), output)


def _emit(ws: Any, report: Any, fmt: TableFormat | None, output: Path | None, show_private: bool,
          stem: tuple[str, str]) -> None:
    from partyday_cli.render.report_xlsx import report_sheets

    fmt = format_from_output(None if fmt is None else Format(fmt), output, Format.table)
    if fmt is Format.ics:
        raise UserError("报表不能输出为 ics，请用 table、json、csv 或 xlsx")
    if report.as_of < report.period.end:
        warn(f"{report.period.label}尚未结束，数据截至 {report.as_of.isoformat()}")
    if fmt is Format.json:
        emit(json_bytes(report_json(report, org=ws.org_name, show_private=show_private)) + b"\n", output)
        return
    sheets = report_sheets(report, org=ws.org_name, screen=fmt is Format.table, show_private=show_private)
    _emit_sheets(ws, sheets, fmt, output, stem)


def _emit_sheets(ws: Any, sheets: list, fmt: Format, output: Path | None,  # type: ignore[type-arg]
                 stem: tuple[str, str]) -> None:
    """CSV, a workbook (into out/ by default), or rich tables on the screen."""
    from partyday_cli.render.report_xlsx import report_csv, report_workbook

    if fmt is Format.csv:
        emit(report_csv(sheets), output)
    elif fmt is Format.xlsx:
        if output is None:
            output = out_file(ws, *stem)
            output.parent.mkdir(parents=True, exist_ok=True)
        emit(report_workbook(sheets), output, binary_name="xlsx")
    else:
        _print_tables([s.table for s in sheets], output)


def _stem(ws: Any, report: Any) -> tuple[str, str]:
    return f"{report.period.label}党员活动情况报告", report.branch or ws.org_name or "全部支部"


@app.command("quarterly")
def quarterly(
    ctx: typer.Context,
    year: YearOpt = None,
    quarter: Annotated[int | None, typer.Option("--quarter", "-q", help="季度：1、2、3、4。默认为上一个已结束的季度。",
                                                show_default=False)] = None,
    branch: BranchOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
    show_private: PrivateOpt = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """季度报表：每次活动的应到、实到、请假、缺席和到会率（低于要求的标出），党员缺勤提醒
    （谈话提醒、不合格党员处置参考、连续缺勤、党章第九条），党费交纳和欠交，主题和“三会一课”完成情况。

    党委工作区不加 --branch 时按支部汇总，问题多的支部在前。默认为上一个已结束的季度。

    示例：

      partyday report quarterly --year 2017 --quarter 2

      partyday report quarterly -y 2017 -q 2 --branch 机关第一党支部 --format xlsx -o 二季度报表.xlsx

      partyday report quarterly -y 2017 -q 2 --format json
    """
    from partyday_cli.core.report import Period, last_complete_quarter

    ws = require_workspace(ctx, workspace)
    today = date.today()
    if quarter is not None and quarter not in (1, 2, 3, 4):
        raise UserError(f"季度“{quarter}”无效，--quarter 应为 1、2、3 或 4")
    if year is None and quarter is None:
        year, quarter = last_complete_quarter(today)
    elif quarter is None:
        if year is not None and year >= today.year:
            last_year, last_q = last_complete_quarter(today)
            if last_year != year:
                raise UserError(f"{year} 年还没有已结束的季度，请用 --quarter 指定")
            quarter = last_q
        else:
            quarter = 4
    elif year is None:
        year = today.year if date(today.year, 3 * quarter - 2, 1) <= today else today.year - 1
    period = Period.of_quarter(year, quarter)
    with _no_gc():
        report = build(ws, period, branch, today)
        _emit(ws, report, fmt, output, show_private, _stem(ws, report))
        keep_until_exit(report)


@app.command("annual")
def annual(
    ctx: typer.Context,
    year: YearOpt = None,
    branch: BranchOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
    show_private: PrivateOpt = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """年度报表：全年每次活动的到会率、党员全年缺勤和提醒、党费、主题和“三会一课”全年完成情况
    （对照主题目录和 partyday.toml 中 meeting_kinds 一节的频次要求，逐项说明缺哪一项、哪个季度）。默认为上一年。

    示例：

      partyday report annual --year 2017

      partyday report annual -y 2017 --format xlsx -o 2017年度报表.xlsx
    """
    from partyday_cli.core.report import Period

    ws = require_workspace(ctx, workspace)
    today = date.today()
    period = Period.of_year(year if year is not None else today.year - 1)
    with _no_gc():
        report = build(ws, period, branch, today)
        _emit(ws, report, fmt, output, show_private, _stem(ws, report))
        keep_until_exit(report)


@app.command("member")
def member(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="党员姓名；同名时写成 张伟#第二党小组", show_default=False)],
    year: YearOpt = None,
    branch: BranchOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
    show_private: PrivateOpt = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """个人情况：某名党员全年每次活动的出勤、缺勤提醒和每月党费。默认为今年。

    示例：

      partyday report member 高峰 --year 2017

      partyday report member 张伟#第二党小组 -y 2017 --format json
    """
    ws = require_workspace(ctx, workspace)
    _member_report(ws, name, year or date.today().year, branch, fmt, output, show_private)


def _member_report(ws: Any, name: str, year: int, branch: str | None, fmt: TableFormat | None,
                   output: Path | None, show_private: bool) -> None:
    from partyday_cli.reports import member_record

    record = member_record(ws, name, year, branch, show_private=show_private)
    fmt = format_from_output(None if fmt is None else Format(fmt), output, Format.table)
    if fmt is Format.json:
        emit_json(record, output)
        return
    _member_tables(ws, record, fmt, output)


def _member_tables(ws: Any, record: dict[str, Any], fmt: Format, output: Path | None) -> None:
    from partyday_cli.render.report_xlsx import Sheet
    from partyday_cli.render.table import Column, Table

    where = " ".join(x for x in (record["branch"], record["group"]) if x)
    title = f"{record['name']}（{where}）{record['year']}年参加组织生活情况"
    acts = Table(title=title, sheet_name="出勤", marked="缺席", columns=[
        Column("日期", 12, "center"), Column("主题", 40), Column("出勤", 8, "center"), Column("原因", 16)])
    acts.subtitle = (f"应到 {record['expected']} 次，实到 {record['present']} 次，请假 {record['excused']} 次，"
                     f"无故缺席 {record['absent']} 次，补学 {record['makeup']} 次"
                     + (f"；联系电话 {record['phone']}" if record["phone"] else "；花名册未填联系电话"))
    for a in record["activities"]:
        acts.add([a["date"], a["theme"], a["status"], a["reason"]], highlight=a["status"] == "缺席")
    if record["activities"]:
        acts.notes += record["flags"] or ["无缺勤提醒"]
    else:  # not "无缺勤提醒" of a year with nothing in it
        years = record.get("years_recorded") or []
        hint = (f"；有记录的年份：{'、'.join(map(str, years))}，如 --year {years[-1]}" if years else "")
        acts.notes += record["flags"] + [f"{record['year']}年还没有{record['name']}的出勤记录（还没有导入这一年的"
                                         f"签到，或当时不在本支部）{hint}"]
    tables = [Sheet(acts)]
    if record["dues"] is not None:
        dues = Table(title=f"{record['name']} {record['year']}年党费", sheet_name="党费", marked="未交", columns=[
            Column("月份", 10, "center"), Column("应交", 10, "right"), Column("已交", 10, "right"),
            Column("状态", 8, "center"), Column("交纳日期", 12, "center")])
        for m in record["dues"]["months"]:
            dues.add([m["month"], m["due"], m["paid"], m["status"], m["paid_on"] or ""],
                     highlight=m["status"] == "未交")
        dues.notes.append(f"已交 {record['dues']['paid']} 元，欠交 {record['dues']['owed']} 元")
        tables.append(Sheet(dues))
    _emit_sheets(ws, tables, fmt, output, (f"{record['year']}年个人情况", record["name"]))
