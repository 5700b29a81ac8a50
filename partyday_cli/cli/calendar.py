"""`partyday calendar YEAR`: the year's activity days."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer

from partyday_cli.cli.common import (
    WORKSPACE_HELP,
    ForceOpt,
    Format,
    branch_text,
    emit,
    emit_json,
    emit_table,
    format_from_output,
    warn,
    workspace_option,
    year_callback,
)
from partyday_cli.errors import UserError

DEFAULT_POLICY = "after-holiday"


def parse_skip_months(text: str | None) -> frozenset[int]:
    """'2,8' / '2月、8月' / '寒暑假' is not guessed: months must be numbers 1–12."""
    if not text:
        return frozenset()
    from partyday_cli.core.rules import zh_number

    months = set()
    for part in re.split(r"[,，、\s]+", text.strip()):
        part = part.removesuffix("月").strip()
        if not part:
            continue
        try:
            month = zh_number(part)
        except (ValueError, KeyError):
            month = 0
        if not 1 <= month <= 12:
            raise UserError(f"--skip-months 中的“{part}”不是 1–12 的月份。请写成如 --skip-months 2,8")
        months.add(month)
    return frozenset(months)


def build_request(year: int, rule: str | None, policy: str | None, week_def: str | None,
                  skip_months: str | None, avoid_makeup_days: bool, ws,  # type: ignore[no-untyped-def]
                  branch: str | None = None):
    """The schedule request from options, falling back to the workspace config."""
    from partyday_cli.core.policy import find_policy, parse_policy
    from partyday_cli.core.rules import WEEK_DEFS, parse_rules
    from partyday_cli.core.schedule import ScheduleRequest

    conf = ws.schedule_for(branch) if ws is not None else None
    rule_text = rule or (conf.rule if conf else None)
    if not rule_text:
        raise UserError("请用 --rule 指定活动日规则，如 --rule 每月第二周星期三 或 --rule month.week2.wed"
                        "（在工作区里也可写在 partyday.toml 的 [schedule] rule）")
    rules = parse_rules(rule_text)
    policy_text = policy or (conf.holiday_policy if conf else None)
    if policy_text:
        chosen = parse_policy(policy_text)
    else:  # a pasted sentence often states its policy too
        chosen = find_policy(rule_text) or parse_policy(DEFAULT_POLICY)
    wd = (week_def or (conf.week_def if conf else None) or "nth").strip().lower()
    if wd not in WEEK_DEFS:
        raise UserError(f"--week-def 只能是 nth（第N个星期X）、calendar（含1日的周为第1周）或 "
                        f"full（第一个完整周为第1周），不能是“{week_def}”")
    skips = parse_skip_months(skip_months) if skip_months is not None else frozenset(
        conf.skip_months if conf else ())
    return ScheduleRequest(
        year=year,
        rules=rules,
        policy=chosen,
        week_def=wd,
        skip_months=skips,
        avoid_makeup_days=avoid_makeup_days or bool(conf and conf.avoid_makeup_days),
        # --rule asks for that rule's days: not the days fixed in partyday.toml for its own
        fixed_dates=(conf.fixed_dates.get(year, {}) if conf and not rule else {}),
        blackouts=(conf.blackouts if conf else {}),
    )


def calendar(
    ctx: typer.Context,
    year: Annotated[int, typer.Argument(help="年份，如 2017", show_default=False, callback=year_callback)],
    rule: Annotated[str | None, typer.Option(
        "--rule", "-r", help="活动日规则：month.week2.wed 等，或方案原文如“每月第二周星期三”。")] = None,
    holiday_policy: Annotated[str | None, typer.Option(
        "--holiday-policy", "-p",
        help="遇节假日怎么办：after-holiday[:N]、next-week、nearest、next-workday、"
             "prev-workday、keep，或原文如“顺延一周”。默认 after-holiday。")] = None,
    week_def: Annotated[str | None, typer.Option(
        "--week-def", help="“第N周”的算法：nth（第N个星期X，默认）、calendar（含1日的周为第1周）、"
                           "full（第一个完整周为第1周）。")] = None,
    skip_months: Annotated[str | None, typer.Option(
        "--skip-months", help="不安排活动的月份，如 2,8（寒暑假）。")] = None,
    avoid_makeup_days: Annotated[bool, typer.Option(
        "--avoid-makeup-days", help="调休上班的周末也不安排活动。")] = False,
    provisional: Annotated[bool, typer.Option(
        "--provisional", help="尚未公布放假安排的年份，按农历估算法定节假日（结果标注“暂定”）。")] = False,
    fmt: Annotated[Format | None, typer.Option(
        "--format", "-f", help="输出格式：table、json、csv、xlsx、ics。", show_default=False)] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="写入文件而不是屏幕。")] = None,
    force: ForceOpt = False,
    branch: Annotated[str | None, typer.Option(
        "--branch", "-b", callback=branch_text, help="党委工作区里按哪个支部的规则排期。")] = None,
    workspace: Annotated[Path | None, typer.Option("--workspace", "-w", help=WORKSPACE_HELP)] = None,
) -> None:
    """排出某年的党员活动日，遇法定节假日和调休按规定顺延或提前，并说明原因。

    示例：

      partyday calendar 2017 --rule 每月第二周星期三

      partyday calendar 2024 -r month.week2.wed -p after-holiday -f xlsx -o 2024活动日.xlsx

      partyday calendar 2027 --rule 每月第一个星期五 --holiday-policy 顺延一周 --provisional
    """
    from partyday_cli import workspace as wsmod
    from partyday_cli.core.schedule import build_schedule, pending_message, pending_months
    from partyday_cli.io.holidays import check_year, holiday_dirs, work_calendar

    check_year(year)
    ws = wsmod.discover(workspace_option(ctx, workspace))
    request = build_request(year, rule, holiday_policy, week_def, skip_months,
                            avoid_makeup_days, ws, branch)
    cal = work_calendar(holiday_dirs(ws.root if ws else None), provisional)
    arrangement = cal.arrangement(year)
    if arrangement.provisional:
        warn(f"{year} 年的放假安排尚未公布，以下日期按农历估算法定节假日排出，标为“暂定”；"
             "通知发布后请运行 partyday holidays import 导入，再重新排期")
    days = build_schedule(request, cal)
    for d in days:
        if d.flagged and d.moved:
            warn(f"{d.planned.isoformat()}：{d.reason}")
    pending = pending_months(request)
    if pending:
        warn(pending_message(request, pending))
    fmt = format_from_output(fmt, output, Format.table)
    schedule = ws.section("schedule") if ws is not None else {}
    _render(days, request, arrangement, fmt, output, force, pending,
            time=str(schedule.get("time", "") or ""), place=str(schedule.get("place", "") or ""))


def _render(days, request, arrangement, fmt: Format, output: Path | None,  # type: ignore[no-untyped-def]
            force: bool = False, pending: list[int] = (), *,  # type: ignore[assignment]
            time: str = "", place: str = "") -> None:
    from partyday_cli.render.table import Column, Table

    if fmt is Format.json:
        emit_json([d.as_json() for d in days], output, force=force)
        return
    if fmt is Format.ics:
        from partyday_cli.io.ics import calendar_ics

        emit(calendar_ics(days, request.year, time=time, place=place), output, force=force)
        return
    rule_zh = "、".join(r.describe(request.week_def) for r in request.rules)
    table = Table(title=f"{request.year}年党员活动日安排", marked="日期已调整或需要确认", sheet_name=f"{request.year}年活动日",
                  subtitle=f"活动日：{rule_zh}；遇节假日：{request.policy.describe()}", columns=[
        Column("序号", 6, "center"), Column("日期", 12, "center"), Column("星期", 8, "center"),
        Column("原定日期", 12, "center"), Column("调整", 8, "center"), Column("说明", 50),
    ])
    for i, d in enumerate(days, start=1):
        note = d.reason or ""
        if d.provisional:
            note = ("暂定。" + note).rstrip("。") if note else "暂定"
        table.add([i, d.date.isoformat(), d.weekday, d.planned.isoformat(),
                   "已调整" if d.moved else ("需确认" if d.flagged else ""), note],
                  highlight=d.moved or d.flagged)
    for m in pending:  # 每月开展一次: the day is the branch's to decide
        table.add(["", "待定", "", "", "需确认",
                   f"{m}月日期未定：请在 partyday.toml 的 schedule.dates 一节填写 \"{request.year}-{m:02d}\""],
                  highlight=True)
    table.notes.append(f"节假日数据来源：{arrangement.note or arrangement.source}")
    if request.skip_months:
        table.notes.append("不安排的月份：" + "、".join(f"{m}月" for m in sorted(request.skip_months)))
    emit_table(table, fmt, output, force=force)

