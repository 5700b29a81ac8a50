"""The report as tables (terminal, CSV) and as a printable workbook with native charts.

`report_tables` builds the `render.table.Table`s once; the terminal and CSV render them
as text, `report_workbook` writes them as sheets of one workbook (汇总, 支部汇总, 活动出勤,
党员情况, 党费, 主题与三会一课) with typed cells, Excel charts (openpyxl.chart), A4
fit-to-width print setup, print titles, 宋体, neutralised text and fixed timestamps.
openpyxl is imported only inside `report_workbook`.
"""

from __future__ import annotations

from collections import Counter
from copy import copy
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from partyday_cli.core.dues import months_list_zh
from partyday_cli.core.report import DuesLine, MemberStat, Report, day_zh, percent_text, rate_number
from partyday_cli.render.table import Column, Table, neutralise
from partyday_cli.render.xlsx import column_widths, line_count, workbook_bytes, wrap_cell

SONG = "宋体"
CHART_ROWS = 60  # at most this many bars in a chart


class Percent:
    """A rate shown as '89.3%' and written to a cell as the number 0.8929."""

    __slots__ = ("text", "value")

    def __init__(self, rate: Fraction | None):
        self.value = rate_number(rate)
        self.text = percent_text(rate)

    def __str__(self) -> str:
        return self.text


@dataclass
class Sheet:
    table: Table
    chart: str = ""  # "activities" | "members" | "branches" | ""


def _mask_phone(phone: str, show: bool) -> str:
    from partyday_cli.core.members import mask_phone

    return phone if show or not phone else mask_phone(phone)


FLAG_NAMES = {"talk": "谈话提醒", "unqualified": "不合格党员处置参考", "consecutive": "连续缺勤",
              "lapse_warn": "党章第九条提醒", "lapse": "党章第九条", "dues": "党费"}


def _flags_text(m: MemberStat, *, short: bool) -> str:
    if short:  # on screen: the rules' names in the table, the sentences under it
        return "、".join(dict.fromkeys(FLAG_NAMES.get(f.code, f.code) for f in m.flags))
    return "；".join(f.text for f in m.flags)


def summary_table(report: Report, org: str = "") -> Table:
    t = report.thresholds
    table = Table(title=f"{org}{report.branch or ''} {report.period.label}党员活动情况报告".strip(),
                  columns=[Column("项目", 16), Column("情况", 80)], sheet_name="汇总", marked="需要处理")
    table.subtitle = f"统计期间 {report.period.start}—{report.period.end}，数据截至 {report.as_of}"
    acts = report.activities
    rates = [a.counts.rate for a in acts if a.counts.rate is not None]
    below = [a for a in acts if a.below_threshold]
    missing = sum(1 for a in report.unrecorded if a.date <= report.as_of)
    coming = len(report.unrecorded) - missing
    table.add(["活动", f"已导入签到 {len(acts)} 次" + (f"，未导入签到 {missing} 次" if missing else "")
               + (f"，尚未举行 {coming} 次" if coming else "")])
    if report.unresolved:
        table.add(["待确认姓名", unresolved_text(report)], highlight=True)
    avg = sum(rates, Fraction(0)) / len(rates) if rates else None
    table.add(["平均到会率", f"{percent_text(avg) or '—'}（要求不低于 {t.rate_text}）"])
    table.add(["低于到会率要求", "、".join(f"{a.counts.branch if report.branch is None else ''}"
                                           f"{day_zh(a.counts.date)}（{percent_text(a.counts.rate)}）"
                                           for a in below[:30]) + (" 等" if len(below) > 30 else "") or "无"],
              highlight=bool(below))
    for code, title in (("talk", "谈话提醒"), ("unqualified", "不合格党员处置参考"),
                        ("consecutive", "连续缺勤"), ("lapse_warn", "党章第九条提醒"), ("lapse", "党章第九条"),
                        ("dues", "党费提醒")):
        who = [m.label + ("（党费）" if not any(f.code == code for f in m.flags) else "")
               for m in report.members
               if any(f.code == code or (f.code == "dues" and f.rule == code) for f in m.flags)]
        shown = "、".join(who[:40]) + (f" 等 {len(who)} 人" if len(who) > 40 else "")
        table.add([title, shown or "无"], highlight=bool(who))
    if report.dues is None:
        table.add(["党费", "未导入本年度党费记录（partyday dues import 党费台账.xlsx）"])
    else:
        d = report.dues_totals
        table.add(["党费", f"本期应交 {d.due_period} 元，已交 {d.paid_period} 元；截至期末累计欠交 "
                          f"{d.members_in_arrears} 人，共 {d.owed} 元"
                          + (f"；{d.unrecorded_text}" if d.unrecorded_months else "")],
                  highlight=d.owed > 0 or bool(d.unrecorded_months))
    short = report.shortfalls
    themes = [c for c in short if c.category == "theme"]
    kinds = [c for c in short if c.category == "kind"]
    table.add(["主题缺项", f"{len(themes)} 项" if themes else "无"], highlight=bool(themes))
    table.add(["三会一课缺项", f"{len(kinds)} 项" if kinds else "无"], highlight=bool(kinds))
    late = [a for a in acts if a.record_late]
    table.add(["记实表逾期", f"{len(late)} 次" if late else "无"], highlight=bool(late))
    if report.branch is None and len(report.branches) > 1:
        # the worst first (as the roll-up sorts them), each with why; a branch in order is not named
        noted = [b for b in report.branches if b.concerns]
        worst = "；".join(f"{b.branch}（{'、'.join(b.concerns)}）" for b in noted[:5])
        more = f"；另有 {len(noted) - 5} 个支部有问题，见“支部汇总”" if len(noted) > 5 else ""
        table.add(["需重点关注的支部", worst + more if noted else "无"], highlight=bool(noted))
    return table


def unresolved_text(report: Report) -> str:
    """Which sign-in names wait for `attend resolve`, and what that does to the figures."""
    multi = report.branch is None
    names = [f"{u.branch if multi else ''}{day_zh(u.date)}“{u.raw_name}”" for u in report.unresolved[:8]]
    more = f" 等 {len(report.unresolved)} 个" if len(report.unresolved) > 8 else ""
    return (f"{'、'.join(names)}{more}未对上党员，确认前按未签到计（缺席和提醒可能偏多）："
            "partyday attend resolve")


def activities_table(report: Report, *, screen: bool) -> Table:
    multi = report.branch is None
    cols = [Column("日期", 12, "center")] + ([Column("支部", 16)] if multi else []) + [
        Column("主题", 30), Column("应到", 6, "right"), Column("实到", 6, "right"), Column("请假", 6, "right"),
        Column("缺席", 6, "right"), Column("补学", 6, "right"), Column("到会率", 8, "right"),
        Column("达标线", 8, "right"), Column("情况", 26)]
    table = Table(title=f"{report.period.label}活动出勤", columns=cols, sheet_name="活动出勤",
                  marked="到会率低于要求，或日期已过仍未导入签到")
    line = Percent(report.thresholds.attendance_rate)
    waiting = Counter((u.date, u.branch) for u in report.unresolved)
    shown = [a for a in report.activities if not screen or not multi or a.below_threshold]
    for a in shown:
        c = a.counts
        state = "低于要求" if a.below_threshold else "达标"
        if waiting[(c.date, c.branch)]:
            state += f"；{waiting[(c.date, c.branch)]} 个姓名待确认"
        if a.record_late:
            state += f"；记实表逾期（应于{day_zh(a.record_deadline)}前）" if a.record_deadline else "；记实表逾期"
        table.add([c.date.isoformat(), *([c.branch] if multi else []), c.theme, c.expected, c.present,
                   c.excused, c.absent, c.makeup, Percent(c.rate), line, state], highlight=a.below_threshold)
    for c in report.unrecorded:
        state = "尚未举行" if c.date > report.as_of else "未导入签到"
        if c.rows:
            state += f"（已手工登记{c.rows}人）"
        table.add([c.date.isoformat(), *([c.branch] if multi else []), c.theme, "", "", "", "", "", "", line,
                   state], highlight=c.date <= report.as_of)
    if screen and multi and len(shown) < len(report.activities):
        table.notes.append(f"共 {len(report.activities)} 次活动，此处只列出低于到会率要求的 {len(shown)} 次；"
                           "全部见 --format xlsx 或 json")
    late = [a.record_late for a in report.activities if a.record_late]
    unlisted = [a.record_late for a in report.activities if a.record_late and a not in shown]
    if unlisted:  # rows not in the table: each named here
        table.notes += unlisted[:20]
    elif late:  # every one is a row, its deadline in 情况: one line, not a page of them
        table.notes.append(f"记实表逾期 {len(late)} 次（见“情况”列）" + (
            "；已报送的请登记报送日期：partyday record 活动日期 --filed-on 报送日期" if screen else ""))
    return table


def members_table(report: Report, *, screen: bool, show_private: bool) -> Table:
    multi = report.branch is None
    cols = [Column("姓名", 14)] + ([Column("支部", 16)] if multi else []) + [
        Column("党小组", 12), Column("联系电话", 14), Column("本期应到", 6, "right"),
        Column("本期实到", 6, "right"), Column("本期请假", 6, "right"), Column("本期缺席", 6, "right"),
        Column("本期补学", 6, "right"), Column("全年无故缺席", 8, "right"), Column("提醒", 24 if screen else 60)]
    table = Table(title=f"{report.period.label}党员参加活动情况", columns=cols, sheet_name="党员情况",
                  marked="有提醒")
    quiet = 0
    for m in report.members:
        t = m.tally
        if (screen or multi) and not m.flags and not t.period_absent and not t.period_excused \
                and not t.period_makeup:  # a 补学 is shown: who made an activity up is the 书记's to see
            quiet += 1
            continue
        table.add([m.label, *([m.info.branch] if multi else []), m.info.group,
                   _mask_phone(m.info.phone, show_private), t.period_expected, t.period_present,
                   t.period_excused, t.period_absent, t.period_makeup, t.absent, _flags_text(m, short=screen)],
                  highlight=bool(m.flags))
        if screen and not multi:
            table.notes += [f"{m.label}：{f.text}" for f in m.flags]
    if screen and multi and any(m.flags for m in report.members):
        table.notes.append("各条提醒的依据和日期见 --format xlsx（党员情况表）或 json")
    if quiet:
        table.notes.append(f"其余 {quiet} 名党员本期无请假、无缺席、无补学、无提醒，未列出")
    return table


def dues_table(report: Report, *, screen: bool, show_private: bool) -> Table:
    multi = report.branch is None
    cols = [Column("姓名", 14)] + ([Column("支部", 16)] if multi else []) + [
        Column("党小组", 12), Column("计缴基数", 10, "right"), Column("月标准", 9, "right"),
        Column("本期应交", 9, "right"), Column("本期已交", 9, "right"), Column("全年已交", 9, "right"),
        Column("累计欠交", 9, "right"), Column("欠交月份", 18), Column("提醒", 50)]
    table = Table(title=f"{report.period.label}党费交纳情况", columns=cols, sheet_name="党费",
                  marked="欠交、未登记或有提醒")
    quiet = 0
    for d in report.dues or []:
        if (screen or multi) and not d.flags and d.owed == 0:
            quiet += 1
            continue
        table.add(_dues_row(d, multi, show_private, short=screen), highlight=d.owed > 0 or bool(d.flags))
        if screen and not multi:
            table.notes += [f"{d.name}：{text}" for text in d.flags]
    totals = report.dues_totals
    table.notes.append(f"合计：本期应交 {totals.due_period} 元，已交 {totals.paid_period} 元；"
                       f"截至期末累计欠交 {totals.members_in_arrears} 人，共 {totals.owed} 元")
    if totals.due_period - totals.paid_period != totals.owed:
        table.notes.append("累计欠交是全年到期末未交月份的合计：含本期以前未交的月份，不含尚未到期和台账未登记的"
                           "月份，所以不等于本期应交减已交")
    if totals.unrecorded_months:
        table.notes.append(totals.unrecorded_text)
    if quiet:
        table.notes.append(f"其余 {quiet} 名党员" + ("台账已登记的月份" if totals.unrecorded_months else "")
                           + "按月足额交纳，未列出")
    return table


def _dues_row(d: DuesLine, multi: bool, show_private: bool, *, short: bool) -> list[object]:
    base = "" if d.base is None else (d.base if show_private else "****")
    flags = f"{len(d.flags)} 条，见表下" if short and d.flags else "；".join(d.flags)
    return [d.name, *([d.branch] if multi else []), d.group, base, d.monthly, d.due_period, d.paid_period,
            d.paid_ytd, d.owed, months_list_zh(list(d.arrears_months)), flags]


def checks_table(report: Report, *, screen: bool) -> Table:
    multi = report.branch is None
    cols = ([Column("支部", 16)] if multi else []) + [
        Column("类别", 8), Column("要求", 36), Column("期间", 12), Column("应开展", 6, "right"),
        Column("已开展", 6, "right"), Column("日期", 22), Column("结论", 10)]
    table = Table(title=f"{report.period.label}主题与“三会一课”", columns=cols, sheet_name="主题与三会一课",
                  marked="未达到要求")
    checks = report.shortfalls if multi else report.checks
    for c in checks:
        table.add([*([c.branch] if multi else []), "主题" if c.category == "theme" else "组织生活", c.requirement,
                   c.window, c.required, c.count, "、".join([*(day_zh(d) for d in c.dates), *(
                       f"{day_zh(d)}（计划，未导入签到）" for d in c.waiting)]), c.status_zh],
                  highlight=c.status in ("short", "behind"))
    if multi:
        table.notes.append(f"只列出未达要求和进度落后的 {len(checks)} 项")
    for b, sentences in report.plan_checks.items():
        table.notes += [f"{b}：{s}" if multi else s for s in sentences]
    return table


def branches_table(report: Report) -> Table:
    cols = [Column("支部", 18), Column("活动", 6, "right"), Column("已登记", 6, "right"),
            Column("平均到会率", 10, "right"), Column("达标线", 8, "right"), Column("低于要求", 8, "right"),
            Column("党员", 6, "right"), Column("需关注党员", 8, "right"), Column("欠交人数", 8, "right"),
            Column("累计欠交", 10, "right"), Column("主题缺项", 8, "right"), Column("三会一课缺项", 8, "right"),
            Column("记实表逾期", 8, "right")]
    table = Table(title=f"{report.period.label}各支部情况（问题多的在前）", columns=cols, sheet_name="支部汇总",
                  marked="平均到会率低于要求或尚无签到")
    line = Percent(report.thresholds.attendance_rate)
    for b in report.branches:
        low = b.avg_rate is None or b.avg_rate < report.thresholds.attendance_rate
        table.add([b.branch, b.planned, b.recorded, Percent(b.avg_rate), line, b.below, b.members,
                   b.members_flagged, b.members_in_arrears, b.owed, b.theme_short, b.kind_short,
                   b.late_records], highlight=low)
    return table


SCREEN_ROWS = 100  # a 党委's tables on screen: the first rows, the worst branches first


def report_sheets(report: Report, *, org: str = "", screen: bool = False, show_private: bool = False
                  ) -> list[Sheet]:
    """The report's tables in order; `screen` keeps only what needs attention where a
    table would run to hundreds of rows."""
    sheets = [Sheet(summary_table(report, org))]
    multi = report.branch is None and len(report.branches) > 1
    if multi:
        sheets.append(Sheet(branches_table(report), "branches"))
    sheets.append(Sheet(activities_table(report, screen=screen), "activities"))
    sheets.append(Sheet(members_table(report, screen=screen, show_private=show_private), "members"))
    if report.dues is not None:
        sheets.append(Sheet(dues_table(report, screen=screen, show_private=show_private)))
    sheets.append(Sheet(checks_table(report, screen=screen)))
    if screen and multi:
        rank = {b.branch: k for k, b in enumerate(report.branches)}
        for sheet in sheets[1:]:
            _cap(sheet.table, rank)
    return sheets


def _cap(table: Table, rank: dict[str, int]) -> None:
    """Keep the rows of the worst branches (the table's 支部 column), SCREEN_ROWS at most."""
    if len(table.rows) <= SCREEN_ROWS:
        return
    col = next((j for j, c in enumerate(table.columns) if c.title == "支部"), None)
    order = sorted(range(len(table.rows)),
                   key=lambda i: (rank.get(str(table.rows[i][col]), len(rank)) if col is not None else 0, i))
    keep = order[:SCREEN_ROWS]
    table.highlight = {k for k, i in enumerate(keep) if i in table.highlight}
    table.notes.insert(0, f"共 {len(table.rows)} 行，此处只列出问题较多的支部的前 {SCREEN_ROWS} 行；"
                          "全部见 --format xlsx 或 json")
    table.rows = [table.rows[i] for i in keep]


# ------------------------------------------------------------------------------ workbook


def _cell_value(value: object) -> tuple[object, str | None]:
    if isinstance(value, Percent):
        return value.value, "0.0%"
    if isinstance(value, Decimal):
        return value, "0.00"
    if isinstance(value, bool):
        return ("是" if value else "否"), None
    if isinstance(value, int):
        return value, "0"
    return neutralise("" if value is None else str(value)), None


def _write_sheet(ws: Any, sheet: Sheet) -> int:
    """The table on `ws`; returns the header row."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    table = sheet.table
    ncols = len(table.columns)
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    widths = column_widths(table)
    total = sum(widths)
    heading = wrap_cell(neutralise(table.title), total / 1.6)  # 16 pt: no “告” alone on a line
    title = ws.cell(row=1, column=1, value=heading)
    title.font = Font(name=SONG, size=16, bold=True)
    title.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
    ws.row_dimensions[1].height = 28 * line_count(heading, total / 1.6)
    header = 2
    if table.subtitle:
        sub = ws.cell(row=2, column=1, value=neutralise(table.subtitle))
        sub.font = Font(name=SONG, size=11)
        sub.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=ncols)
        header = 3
    grey, mark = PatternFill("solid", fgColor="D9D9D9"), PatternFill("solid", fgColor="FFF2CC")
    for j, col in enumerate(table.columns, start=1):
        cell = ws.cell(row=header, column=j, value=col.title)
        cell.font, cell.fill, cell.border = Font(name=SONG, size=11, bold=True), grey, border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    body = Font(name=SONG, size=11)
    aligns = [Alignment(horizontal=c.align, vertical="center", wrap_text=True) for c in table.columns]
    styles: dict[tuple[int, bool, str | None], Any] = {}

    def style(cell: Any, j: int, marked: bool, fmt: str | None) -> None:
        """Style a cell once per kind and copy the result: openpyxl's per-cell style
        assignment is slow (hash lookups in the workbook's style tables)."""
        key = (j, marked, fmt)
        if key in styles:
            cell._style = copy(styles[key])
            return
        cell.font, cell.border, cell.alignment = body, border, aligns[j - 1]
        if fmt:
            cell.number_format = fmt
        if marked:
            cell.fill = mark
        styles[key] = copy(cell._style)

    for i, row in enumerate(table.rows):
        r = header + 1 + i
        lines = 1
        marked = i in table.highlight
        for j, value in enumerate(row, start=1):
            data, fmt = _cell_value(value)
            if isinstance(data, str) and data:
                data = wrap_cell(data, widths[j - 1])
                lines = max(lines, line_count(data, widths[j - 1]))
            cell = ws.cell(row=r, column=j, value=data)
            style(cell, j, marked, fmt)
        ws.row_dimensions[r].height = 15 * lines + 3
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    note_row = header + len(table.rows) + 2
    for k, note in enumerate(table.notes):
        cell = ws.cell(row=note_row + k, column=1, value=neutralise(note))
        cell.font = Font(name=SONG, size=10)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=note_row + k, start_column=1, end_row=note_row + k, end_column=ncols)
        ws.row_dimensions[note_row + k].height = 14 * line_count(note, total)
    _print_setup(ws, header, total)
    return header


def _print_setup(ws: Any, header: int, total_width: int) -> None:
    ws.print_title_rows = f"{header}:{header}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if total_width > 110 else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.freeze_panes = f"A{header + 1}"


def _column(table: Table, title: str) -> int:
    return next(j for j, c in enumerate(table.columns, start=1) if c.title == title)


def _add_chart(ws: Any, sheet: Sheet, header: int) -> None:
    from openpyxl.chart import BarChart, LineChart, Reference

    table = sheet.table
    n = min(len(table.rows), CHART_ROWS)
    if n == 0 or not sheet.chart:
        return
    first, last = header + 1, header + n
    label_col = {"activities": "日期", "members": "姓名", "branches": "支部"}[sheet.chart]
    cats = Reference(ws, min_col=_column(table, label_col), min_row=first, max_row=last)
    chart = BarChart()
    chart.type = "bar" if sheet.chart == "members" else "col"
    if sheet.chart == "members":
        chart.grouping, chart.overlap = "stacked", 100
        for title in ("本期实到", "本期请假", "本期缺席"):
            col = _column(table, title)
            chart.add_data(Reference(ws, min_col=col, min_row=header, max_row=last), titles_from_data=True)
        chart.title = "党员出勤情况（本期）" + (f"（前{n}名）" if len(table.rows) > n else "")
        chart.y_axis.title = "次数"
        # 0.55 cm a bar keeps every name on the axis (at 0.4 LibreOffice showed every other
        # one of 15); at most a landscape page's height
        chart.height = max(7.5, min(0.55 * n + 3, 15.0))
        chart.x_axis.txPr = _font_size(800)  # names at 8 pt: 30 of them, each on the axis
        chart.x_axis.tickLblSkip = 1  # every name (LibreOffice skips every other one on its own)
        chart.gapWidth = 40
    else:
        rate_col = _column(table, "到会率" if sheet.chart == "activities" else "平均到会率")
        chart.add_data(Reference(ws, min_col=rate_col, min_row=header, max_row=last), titles_from_data=True)
        line = LineChart()
        line.add_data(Reference(ws, min_col=_column(table, "达标线"), min_row=header, max_row=last),
                      titles_from_data=True)
        line.series[0].graphicalProperties.line.solidFill = "C00000"
        line.series[0].graphicalProperties.line.dashStyle = "dash"
        chart.title = "到会率" if sheet.chart == "activities" else f"各支部平均到会率（前{n}个）"
        chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 1
        chart.y_axis.number_format = "0%"
        chart.height = 7.5
        chart += line
    chart.set_categories(cats)
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend.position = "b"
    chart.width = 16
    anchor = header + len(table.rows) + len(table.notes) + 3
    # a members' chart under a long table: LibreOffice put it on a page of its own more often
    # than `_room_for` foresaw, under the repeated header row — it gets its own sheet
    if (sheet.chart != "members" or len(table.rows) <= 12) and \
            _room_for(ws, anchor, chart.height, sum(column_widths(table))):
        ws.add_chart(chart, f"A{anchor}")
        return
    # no room under the table on its last page: the chart on a sheet of its own, printed on
    # a page of its own — on a page of the table's sheet it came under a repeated header row
    # with no data (the sheet's print titles)
    from openpyxl.styles import Font

    book = ws.parent
    own = book.create_sheet(f"{ws.title}图"[:31], book.index(ws) + 1)
    heading = own.cell(row=1, column=1, value=f"{table.title}（图）")
    heading.font = Font(name=SONG, size=14, bold=True)
    if sheet.chart == "members":  # a page to itself: tall enough for every name to be read
        chart.height, chart.width = max(chart.height, min(0.6 * len(table.rows) + 3, 24.0)), 18
    own.add_chart(chart, "A3")
    own.page_setup.paperSize = own.PAPERSIZE_A4
    own.page_setup.orientation = "portrait"
    own.page_setup.fitToWidth = own.page_setup.fitToHeight = 1
    own.sheet_properties.pageSetUpPr.fitToPage = True
    own.print_options.horizontalCentered = True


def _font_size(hundredths: int) -> Any:
    """Axis text properties: labels at `hundredths` of a point."""
    from openpyxl.chart.text import RichText
    from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties

    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=CharacterProperties(sz=hundredths)),
                                 endParaRPr=CharacterProperties(sz=hundredths))])


A4_PT = (595.0, 842.0)
MARGIN_PT = (36.0, 72.0)  # left/right 0.5 in (set below), top/bottom 1 in (openpyxl's default)


def _room_for(ws: Any, anchor: int, chart_cm: float, width_chars: int) -> bool:
    """Whether a chart of that height fits under the table on the page where the table
    ends, as LibreOffice lays the sheet out at fit-to-width (an estimate, on the safe side)."""
    landscape = ws.page_setup.orientation == "landscape"
    page_w, page_h = (A4_PT[1], A4_PT[0]) if landscape else A4_PT
    usable_w, usable_h = page_w - 2 * MARGIN_PT[0], page_h - 2 * MARGIN_PT[1] - 20  # 20: print title row
    scale = min(1.0, usable_w / (width_chars * 7.0 + 4 * len(ws.column_dimensions)))  # as LibreOffice draws them
    capacity = usable_h / scale
    used = sum((ws.row_dimensions[r].height or 20.0) for r in range(1, anchor))
    left = capacity - used % capacity
    return chart_cm * 28.35 + 20 <= left


def report_workbook(sheets: list[Sheet]) -> bytes:
    """The sheets as one workbook, byte-identical for the same report."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for sheet in sheets:
        ws = wb.create_sheet(sheet.table.sheet_name[:31])
        header = _write_sheet(ws, sheet)
        _add_chart(ws, sheet, header)
    wb.properties.creator = "partyday"
    return workbook_bytes(wb)


def report_csv(sheets: list[Sheet]) -> bytes:
    """Every table one after another, each under its title line (UTF-8 with BOM)."""
    from partyday_cli.render.table import to_csv

    parts = []
    for k, sheet in enumerate(sheets):
        text = to_csv(sheet.table).decode("utf-8").lstrip("\ufeff")
        parts.append(("\r\n" if k else "") + neutralise(sheet.table.title) + "\r\n" + text)
    return ("\ufeff" + "".join(parts)).encode("utf-8")
