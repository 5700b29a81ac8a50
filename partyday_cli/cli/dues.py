"""`partyday dues standard|import|report`: the 党费 standard, ledger and arrears (SPEC §8)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from partyday_cli.cli.common import (
    WORKSPACE_HELP,
    ForceOpt,
    Format,
    TableFormat,
    branch_text,
    emit,
    emit_json,
    format_from_output,
    info,
    out_file,
    parse_day,
    require_workspace,
    warn,
    year_callback,
)
from partyday_cli.errors import UserError
from partyday_cli.reports import (  # the workspace's [dues], shared with reports
    dues_members,
    dues_policy,
)

app = typer.Typer(help="党费：核定每人每月应交党费，导入党费台账，统计已交、欠交和补交。",
                  no_args_is_help=True)

YearOpt = Annotated[int | None, typer.Option("--year", "-y", help="年份（默认今年）。", show_default=False,
                                                        callback=year_callback)]
BranchOpt = Annotated[str | None, typer.Option("--branch", "-b", callback=branch_text, help="只看某个支部。")]
FormatOpt = Annotated[TableFormat | None, typer.Option("--format", "-f", help="输出格式：table、json、csv、xlsx。",
                                                  show_default=False)]
OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help="写入文件而不是屏幕。")]
WorkspaceOpt = Annotated[Path | None, typer.Option("--workspace", "-w", help=WORKSPACE_HELP)]
TEMPLATE_NAME = "党费台账.xlsx"
MASK = "***"


@app.command("standard")
def standard(
    ctx: typer.Context,
    year: YearOpt = None,
    branch: BranchOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
    show_private: Annotated[bool, typer.Option(
        "--show-private", help="显示完整月收入（默认打码，屏幕和 json/csv/xlsx 文件都一样）。")] = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """按花名册核定每名党员每月应交党费（中组发〔2008〕3号）。

    在职党员按税后月收入：3000元及以下0.5%，3000—5000元1%，5000—10000元1.5%，
    10000元以上2%（全额按一个比例）；离退休党员5000元及以下0.5%，以上1%；农民、学生、
    下岗失业、低保党员按 partyday.toml 中 dues 一节的标准，花名册“党费标准”列可逐人指定。
    基数以当年1月1日的花名册为准。

    月收入属个人信息：无论显示在屏幕上还是写成 json/csv/xlsx 文件，都打码；
    需要完整金额时加 --show-private。

    示例：

      partyday dues standard --year 2017

      partyday dues standard --year 2017 --format xlsx -o 2017党费标准.xlsx
    """
    from partyday_cli.core.dues import monthly_standard

    ws = require_workspace(ctx, workspace)
    year = year or date.today().year
    policy = dues_policy(ws)
    members = dues_members(ws, year, branch)
    if branch is None:  # a member who moved between branches in the year: listed once, where now
        members = list({mid: m for mid, m in members}.items())
    rows = [(m, monthly_standard(m, policy)) for _, m in members]
    fmt = format_from_output(fmt, output, Format.table)
    private = show_private  # every format masks the same fields
    if fmt is Format.json:
        emit_json([{"name": m.name, "branch": m.branch, "group": m.group, "category": s.category,
                    "base": _base_text(s.base, private), "rate": None if s.rate is None else str(s.rate),
                    "monthly": str(s.monthly), "note": s.note} for m, s in rows], output)
        return
    from partyday_cli.render.table import Column, Table

    many = len({m.branch for m, _ in rows}) > 1
    where = [Column("所在支部", 14)] if many else [Column("党小组", 10)]
    table = Table(title=f"{_org_branch(ws, branch)}{year}年党费交纳标准", sheet_name="党费标准",
                  marked="花名册缺少核定所需的信息",
                  columns=[Column("序号", 6, "center"), Column("姓名", 12), *where,
                           Column("人员类别", 8, "center"), Column("基数（元）", 12, "right"),
                           Column("比例", 8, "center"), Column("月应交（元）", 12, "right"),
                           Column("说明", 40)])
    for i, (m, s) in enumerate(rows, start=1):
        table.add([i, m.name, m.branch if many else m.group, s.category,
                   _base_text(s.base, private) or "", "" if s.missing else rate_text(s.rate),
                   str(s.monthly), s.note], highlight=s.missing)
    total = sum((s.monthly for _, s in rows), _zero())
    table.notes.append(f"共 {len(rows)} 人，每月应交合计 {total} 元。基数以 {year}年1月1日的花名册为准")
    _emit_table(table, fmt, output)


@app.command("import")
def import_ledger(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="党费台账：.xlsx、.xls 或 .csv。", show_default=False)],
    year: YearOpt = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只检查和预览，不写入账本。")] = False,
    branch: Annotated[str | None, typer.Option(
        "--branch", "-b", callback=branch_text, help="台账是哪个支部的（只对照该支部的党员）；标题写明支部的可以不写。")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """导入支部的党费台账（一人一行、一月一列），原文件不会被修改。

    金额可写 15、15.00、￥15、15元，也可写 已交/未交、√/×；补交写“76.50（9月补交）”。
    标题行、合并表头、合计行/列都没关系。

    看不懂的单元格逐个指出行列，整份不导入；对不上花名册的姓名会列出并留存待核对。
    同一份文件重复导入不会重复记录；更新后的台账再次导入，以新台账为准。

    示例：

      partyday dues import 2017党费台账.xlsx

      partyday dues import 党费收缴登记表.xls --year 2017 --dry-run
    """
    ws = require_workspace(ctx, workspace)
    _run_import(ws, file, year, dry_run, branch)


@app.command("report")
def report(
    ctx: typer.Context,
    year: YearOpt = None,
    branch: BranchOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
    template: Annotated[Path | None, typer.Option(
        "--template", "-t", help="自己的党费台账 xlsx 模板（党委下发的格式）；不填则用自带模板。")] = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="统计截至哪天（默认今天），如 2017-07-01。")] = None,
    list_vars: Annotated[bool, typer.Option("--list-vars", help="列出党费台账模板可用的变量后退出。")] = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """党费收缴情况：每人每月应交、已交、欠交，补交和连续未交的提醒，并可生成党费台账。

    当月未交的记为“待交”，不算欠交；经支部同意按季度交纳的（配置 dues.quarterly_payment），
    季度内未交记为“季度内”。

    补交超过6个月的、连续3个月未交的（提醒）、连续6个月未交的（党章第九条）都会列出。

    --format xlsx 按台账模板生成可打印的党费台账（A4横向）。

    示例：

      partyday dues report --year 2017

      partyday dues report --year 2017 --as-of 2017-07-01 --format xlsx -o 2017年党费台账.xlsx
    """
    if list_vars:
        from partyday_cli.cli.plan import _list_vars, shipped_template

        _list_vars(template or shipped_template(TEMPLATE_NAME), LEDGER_VARS)
        return
    ws = require_workspace(ctx, workspace)
    day = parse_day(as_of, "--as-of") if as_of else date.today()
    _run_report(ws, year or day.year, branch, fmt, output, template, day)


LEDGER_VARS = {
    "org": "党委名称", "branch.name": "支部名称", "year": "年份", "as_of": "统计截至日期",
    "as_of_text": "统计截至日期（2017年7月1日）", "months": "月份标题列表：1月 … 12月",
    "members": "每名党员一项：index name group category base（基数）rate monthly（月应交）"
               "cells（1—12月各月：金额、未交、待交、“76.50（9月补交）”、—）paid（已交合计）owed（欠交）note",
    "totals": "合计：cells（各月合计）monthly paid owed",
    "summary": "一句话小结（共 N 人，已交…，欠交…）", "notes": "需说明的情况（每条一行）", "today": "填报日期",
}


# ------------------------------------------------------------------------ shared helpers


def _base_text(base, private: bool) -> str | None:  # type: ignore[no-untyped-def]
    if base is None:
        return None
    from partyday_cli.core.dues import cents

    return str(cents(base)) if private else MASK


def rate_text(rate) -> str:  # type: ignore[no-untyped-def]
    """Decimal('0.015') → '1.5%'; None (a fixed amount) → '定额'."""
    if rate is None:
        return "定额"
    percent = format((rate * 100).normalize(), "f")
    return f"{percent}%"


def _zero():  # type: ignore[no-untyped-def]
    from partyday_cli.core.dues import ZERO

    return ZERO


def _org_branch(ws, branch: str | None) -> str:  # type: ignore[no-untyped-def]
    if branch is not None:
        return branch
    return ws.branches[0].name if len(ws.branches) == 1 else ws.org_name


def _emit_table(table, fmt: Format, output: Path | None) -> None:  # type: ignore[no-untyped-def]
    from partyday_cli.cli.common import emit_table

    emit_table(table, fmt, output)


# ------------------------------------------------------------------------ import


def _run_import(ws, file: Path, year: int | None, dry_run: bool,  # type: ignore[no-untyped-def]
                branch: str | None = None) -> None:
    from partyday_cli.dues_import import import_dues

    result = import_dues(ws, file, year=year, dry_run=dry_run, branch=branch)
    if result.branch_from_title is not None:
        info(f"从标题读到：{result.branch_from_title}的党费台账（只对照本支部的党员；不对请加 --branch）")
    for line in result.readings:
        info(f"从表中读到：{line}")
    for line in result.decided:
        info(f"同名党员：{line}")
    for line in result.warnings:
        warn(line)
    for u in result.unmatched:
        hint = f"（可能是：{'、'.join(u.suggestions)}）" if u.suggestions else ""
        warn(f"第{u.row}行“{u.raw_name}”：{u.reason}{hint}。已留存待核对，改正台账或花名册后可重新导入")
    for line in result.changes:
        info(line)
    if result.dry_run:
        info(f"预览：{result.file} {result.summary}，检查完毕（--dry-run，未写入账本）")
    elif result.already_imported:
        info(f"{result.file} 已导入过（内容完全相同），账本未作改动")
    else:
        info(f"已导入党费台账 {result.file}：{result.summary}")
        info(f"原文件已存档：{result.archived}")


# ------------------------------------------------------------------------ report


def _run_report(ws, year: int, branch: str | None, fmt: Format | None, output: Path | None,  # type: ignore[no-untyped-def]
                template: Path | None, as_of: date) -> None:
    from partyday_cli.reports import dues_report

    fmt = format_from_output(fmt, output, Format.xlsx if template else Format.table)
    if template is not None and fmt is not Format.xlsx:
        raise UserError("--template 用于生成 xlsx 党费台账，请去掉 --format 或写 --format xlsx")
    done = dues_report(ws, year, branch, as_of)
    results, mismatches = done.results, done.mismatches
    if not done.recorded:
        warn(f"{year}年还没有导入党费台账，各月按“未登记”显示、不计欠交；导入后再看：partyday dues import 党费台账.xlsx")
    elif done.unrecorded:
        warn(f"{'、'.join(done.unrecorded)} {year}年还没有导入党费台账，这些支部的各月按“未登记”显示、不计欠交；"
             "导入后再看：partyday dues import 党费台账.xlsx --branch 支部名称")
    if as_of < date.today():
        info(f"按 {as_of.isoformat()} 当时的情况统计：之后补交、登记的党费不计入")
    if fmt is Format.json:
        emit_json({**_report_json(results, year, as_of, branch), "answers_vs_ledger": mismatches}, output)
    elif fmt is Format.xlsx:
        _write_ledger(ws, results, year, as_of, branch, template, output)
    else:
        screen = fmt is Format.table and output is None
        _emit_table(_report_table(ws, results, year, as_of, branch, screen=screen), fmt, output)
        if fmt is Format.table:
            _tell_flags(results, screen=screen)
    for line in mismatches if fmt is not Format.json else ():
        warn(f"签到答卷与台账不一致：{line}" if "台账尚未登记" not in line else line)


def _tell_flags(results, *, screen: bool = False) -> None:  # type: ignore[no-untyped-def]
    flagged = [r for r in results if r.flags]
    if flagged:
        info(f"需关注 {len(flagged)} 人（详见{'表下各条' if screen else '“情况”列'}）")


def _last_month(year: int, as_of: date) -> int:
    """The last month column of the screen table: the one `as_of` reached, else December."""
    return as_of.month if as_of.year == year else 12


def _reached(year: int, as_of: date) -> int:
    """The last month of `year` begun by `as_of` (0: none)."""
    return 0 if as_of.year < year else 12 if as_of.year > year else as_of.month


def cell_value(md):  # type: ignore[no-untyped-def]
    """One month of one member as the 台账 shows it: the amount paid, 未交, 待交, 季度内,
    '76.50（9月补交）', '—' for a month the member did not owe, blank for a month after
    the 台账 stops (未登记)."""
    from partyday_cli.core.dues import IN_QUARTER, LATE, NOT_DUE, PENDING, UNPAID, UNRECORDED

    if md.status == LATE and md.paid_on is not None:
        return f"{md.paid}（{_paid_when(md)}补交）"
    if md.status in (PENDING, IN_QUARTER) or (md.status == UNPAID and md.paid == 0):
        return md.status
    if md.status == NOT_DUE and md.paid == 0:
        return "—"
    if md.status == UNRECORDED and md.paid == 0:
        return ""  # the 台账 has not reached this month yet: blank, as on paper, not 0.00
    return md.paid


def _paid_when(md) -> str:  # type: ignore[no-untyped-def]
    """When a late month was paid: '9月', or '2018年5月' in another year than the month's."""
    paid = md.paid_on
    return f"{paid.month}月" if paid.year == int(md.month[:4]) else f"{paid.year}年{paid.month}月"


def _late_note(result) -> list[str]:  # type: ignore[no-untyped-def]
    """'3月—9月于10月补交': the 补交 months by the month they were paid, for a 台账's 备注."""
    from partyday_cli.core.dues import LATE, months_list_zh

    paid: dict[str, list[str]] = {}
    for md in result.months:
        if md.status == LATE and md.paid_on is not None:
            paid.setdefault(_paid_when(md), []).append(md.month)
    return [f"{months_list_zh(months)[5:]}于{when}补交" for when, months in paid.items()]


def _cells(result, year: int, last: int, reached: int, *, short: bool = False,  # type: ignore[no-untyped-def]
           late_apart: bool = False) -> list[object]:
    """Months 1…last; a month up to `reached` the member did not belong to the branch is '—'.
    `short`: for the screen, each month one mark (`SCREEN_KEY`), an amount only where it
    is not the month's due (19.00 of 38.00), so twelve months fit beside the names.
    `late_apart`: a 补交 month is its amount (a printed 台账 says when in its 备注, `_late_note`:
    '147.00（10月补交）' shrank to an unreadable font in its cell)."""
    from partyday_cli.core.dues import LATE

    by_month = {md.month: md for md in result.months}
    cells: list[object] = []
    for m in range(1, last + 1):
        md = by_month.get(f"{year:04d}-{m:02d}")
        if md is None:
            cells.append("—" if m <= reached else "")
        elif late_apart and md.status == LATE:
            cells.append(md.paid)
        else:
            cells.append(_mark(md) if short else cell_value(md))
    return cells


SCREEN_KEY = "√ 已交　补 补交　未 未交　待 未到期　— 不需交纳　空白 台账尚未登记　数字 交纳金额与应交不同"


def _mark(md) -> str:  # type: ignore[no-untyped-def]
    from partyday_cli.core.dues import IN_QUARTER, LATE, NOT_DUE, PAID, PENDING, UNPAID, UNRECORDED

    if md.status in (PENDING, IN_QUARTER):
        return "待"
    if md.status == NOT_DUE and md.paid == 0:
        return "—"
    if md.status == UNRECORDED and md.paid == 0:
        return ""
    if md.status == UNPAID and md.paid == 0:
        return "未"
    if md.status in (PAID, LATE) and md.paid == md.due:
        return "√" if md.status == PAID else "补"
    return str(md.paid)


def _report_table(ws, results, year: int, as_of: date, branch: str | None,  # type: ignore[no-untyped-def]
                  until: date | None = None, *, screen: bool = False):
    """The screen (and export) table; `until`: a month's export, shown to that day (the
    month's last), its months only, though judged as of the day after. `screen`: on a
    terminal, narrow enough for the names to show — a 补交 month as '76.50补', and the
    情况 of each member a line under the table."""
    from partyday_cli.render.table import Column, Table

    last = _last_month(year, until or as_of)
    many = len({r.branch for r in results}) > 1
    columns = [] if screen else [Column("序号", 6, "center")]
    columns += [Column("姓名", 12)]
    columns += [Column("所在支部", 14)] if many else []
    columns += [Column("月应交", 9, "right")]
    columns += [Column(f"{m}" if screen else f"{m}月", 4 if screen else 9, "center" if screen else "right")
                for m in range(1, last + 1)]
    columns += [Column("已交" if screen else "已交合计", 10, "right"), Column("欠交", 9, "right")]
    columns += [Column("提醒", 6, "center")] if screen else [Column("情况", 50)]
    table = Table(title=f"{_org_branch(ws, branch)}{year}年党费收缴情况", sheet_name="党费收缴",
                  marked="欠交或有提醒",
                  subtitle=f"统计截至 {(until or as_of).isoformat()}", columns=columns)
    labels = _labels(results)
    for i, r in enumerate(results, start=1):
        row: list[object] = ([] if screen else [i]) + [labels.get(r.member_id, r.name)] + \
            ([r.branch] if many else []) + [r.standard.monthly]
        row += _cells(r, year, last, _reached(year, until or as_of), short=screen)
        who = labels.get(r.member_id, r.name)
        if screen:
            row += [r.paid_total, r.owed_total or "", f"{len(r.flags)}条" if r.flags else ""]
            table.notes += [f"{who}：{text}" for text in r.flags]
        else:
            row += [r.paid_total, r.owed_total or "", "；".join(r.flags)]
        table.add(row, highlight=bool(r.flags))
    if screen:
        table.notes.append("1—12：各月交纳情况，" + SCREEN_KEY + "；提醒见上（各月金额和补交月份见 --format xlsx 的党费台账）")
    table.notes.append(_summary(results))
    return table


def _labels(results) -> dict[int, str]:  # type: ignore[no-untyped-def]
    """张伟（第二党小组） for the members of `results` who share a name."""
    from partyday_cli.core.members import namesake_labels

    once = {r.member_id: r for r in results}  # a member who moved has a line in each branch: one person
    return namesake_labels(once.items())


def _summary(results) -> str:  # type: ignore[no-untyped-def]
    paid = sum((r.paid_total for r in results), _zero())
    owed = sum((r.owed_total for r in results), _zero())
    in_arrears = sum(1 for r in results if r.arrears_months)
    text = f"共 {len({r.member_id for r in results})} 人，已交 {paid} 元，欠交 {owed} 元（{in_arrears} 人）"
    unrecorded = _unrecorded_months(results)
    if unrecorded:
        from partyday_cli.core.dues import months_list_zh

        text += f"；{months_list_zh(unrecorded)}台账尚未登记，未计入欠交"
    return text


def _unrecorded_months(results) -> list[str]:  # type: ignore[no-untyped-def]
    from partyday_cli.core.dues import UNRECORDED

    return sorted({md.month for r in results for md in r.months if md.status == UNRECORDED})


def _report_json(results, year: int, as_of: date, branch: str | None) -> dict[str, object]:  # type: ignore[no-untyped-def]
    members = [{
        "name": r.name, "branch": r.branch, "group": r.group, "category": r.standard.category,
        "monthly": str(r.standard.monthly), "paid": str(r.paid_total), "owed": str(r.owed_total),
        "arrears_months": list(r.arrears_months), "max_consecutive_unpaid": r.max_consecutive_unpaid,
        "flags": list(r.flags),
        "months": [{"month": md.month, "due": str(md.due), "paid": str(md.paid), "status": md.status,
                    "paid_on": md.paid_on.isoformat() if md.paid_on else None} for md in r.months],
    } for r in results]
    return {
        "year": year, "as_of": as_of.isoformat(), "branch": branch, "members": members,
        "totals": {"members": len(results),
                   "paid": str(sum((r.paid_total for r in results), _zero())),
                   "owed": str(sum((r.owed_total for r in results), _zero())),
                   "members_in_arrears": sum(1 for r in results if r.arrears_months),
                   "unrecorded_months": _unrecorded_months(results)},
    }


def ledger_context(org: str, branch: str, results, year: int, as_of: date) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """What the 党费台账 template receives (documented in templates/build_dues_template.py)."""
    reached = _reached(year, as_of)
    labels = _labels(results)
    members = []
    for i, r in enumerate(results, start=1):
        s = r.standard
        members.append({
            "index": i, "name": r.name, "group": r.group, "category": s.category,
            "base": s.base, "rate": "" if s.missing else rate_text(s.rate),
            "monthly": s.monthly, "cells": _cells(r, year, 12, reached, late_apart=True), "paid": r.paid_total,
            "owed": r.owed_total or None,
            # the 欠交 column says 欠交; when each late month was paid, here, not in its cell
            "note": "；".join([*_late_note(r), *(x for x in r.labels if x not in ("欠交", "补交"))]),
        })
    totals = [sum((md.paid for r in results for md in r.months if md.month == f"{year:04d}-{m:02d}"),
                  _zero()) for m in range(1, 13)]
    return {
        "org": org, "branch": {"name": branch}, "year": year, "as_of": as_of,
        "as_of_text": f"{as_of.year}年{as_of.month}月{as_of.day}日",
        "months": [f"{m}月" for m in range(1, 13)], "members": members,
        "totals": {"cells": [t or None for t in totals],
                   "monthly": sum((r.standard.monthly for r in results), _zero()),
                   "paid": sum((r.paid_total for r in results), _zero()),
                   "owed": sum((r.owed_total for r in results), _zero()) or None},
        "summary": _summary(results), "today": date.today(),
        "notes": [f"{labels.get(r.member_id, r.name)}：{line}" for r in results for line in _notes(r)],
    }


def _notes(result) -> list[str]:  # type: ignore[no-untyped-def]
    """The flags, and how the standard was set where that is worth a line."""
    from partyday_cli.core.dues import OVERRIDE_NOTE

    note = result.standard.note
    extra = [note] if note and note != OVERRIDE_NOTE and note not in result.flags else []
    return [*result.flags, *extra]


def _write_ledger(ws, results, year: int, as_of: date, branch: str | None,  # type: ignore[no-untyped-def]
                  template: Path | None, output: Path | None) -> None:
    from partyday_cli.io.files import read_bytes
    from partyday_cli.io.schemes import templates_dir
    from partyday_cli.io.xltemplate import render_workbook

    names = [b.name for b in ws.branches if any(r.branch == b.name for r in results)]
    names += sorted({r.branch for r in results} - set(names))
    if len(names) > 1 and output is not None:
        raise UserError(f"本工作区有 {len(names)} 个支部，党费台账每个支部一份，不能用 -o 写成一个文件："
                        "请加 --branch 指定一个支部，或不写 -o（每个支部一个文件写入 out/）")
    template = template or templates_dir() / TEMPLATE_NAME
    source = read_bytes(template, "模板文件")
    for name in names or [branch or ""]:
        mine = [r for r in results if r.branch == name] if len(names) > 1 else results
        context = ledger_context(ws.org_name, name, mine, year, as_of)
        data = render_workbook(source, context, template_name=template.name)
        target = output
        if target is None:  # into out/, as plan and record do, from a terminal or not (cron, a script):
            # never a zip into a log
            target = out_file(ws, f"{year}年党费台账", name)
            target.parent.mkdir(parents=True, exist_ok=True)
        emit(data, target, binary_name="xlsx", reads=(template,))
