"""`partyday plan | signsheet | record`: the year's plan and the sheets a branch prints."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from partyday_cli.cli.common import (
    WORKSPACE_HELP,
    ForceOpt,
    branch_text,
    check_output,
    info,
    out_file,
    parse_day,
    print_rich,
    remember_force,
    require_workspace,
    required,
    warn,
    write_file,
    year_callback,
)
from partyday_cli.errors import UserError

TEMPLATE_HELP = "自己的 xlsx 模板（党委下发的格式）；不填则用自带模板。变量见 --list-vars。"
TWO_COLUMN_OVER = 60  # more members than this: the sign-in sheet in two halves side by side

TemplateOpt = Annotated[Path | None, typer.Option("--template", "-t", help=TEMPLATE_HELP)]
OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help="输出文件；默认写入工作区 out/ 文件夹。")]
BranchOpt = Annotated[str | None, typer.Option("--branch", "-b", callback=branch_text, help="党委工作区里哪个支部。")]
WorkspaceOpt = Annotated[Path | None, typer.Option("--workspace", "-w", help=WORKSPACE_HELP)]
ListVarsOpt = Annotated[bool, typer.Option("--list-vars", help="列出模板可用的变量后退出。")]


def shipped_template(name: str) -> Path:
    from partyday_cli.io.schemes import templates_dir

    return templates_dir() / name


def _list_vars(template: Path, described: dict[str, str]) -> None:
    from partyday_cli.io.files import read_bytes
    from partyday_cli.io.xltemplate import template_variables

    used = template_variables(read_bytes(template, "模板文件"), template_name=template.name)
    typer.echo(f"模板 {template.name} 使用的变量：{'、'.join(used) or '（无）'}")
    typer.echo("可用的变量：")
    for name, text in described.items():
        typer.echo(f"  {name:14s} {text}")


def _filled(template: Path, context: dict) -> bytes:  # type: ignore[type-arg]
    from partyday_cli.io.files import read_bytes
    from partyday_cli.io.xltemplate import render_workbook

    return render_workbook(read_bytes(template, "模板文件"), context, template_name=template.name)


def _fill(template: Path, context: dict, output: Path, force: bool = False) -> None:  # type: ignore[type-arg]
    write_file(output, _filled(template, context), force=force, reads=(template,), make_folder=True)


def xlsx_output(output: Path | None, what: str) -> None:
    """-o of a table partyday writes only as xlsx: another extension is refused (it would
    get xlsx bytes under a name WPS opens as something else)."""
    if output is not None and output.suffix.lower() != ".xlsx":
        raise UserError(f"{what}只能生成 Excel 文件（.xlsx），不能写成“{output.name}”。请把 -o 的文件名改为 "
                        f"{output.stem}.xlsx（要 PDF 可在 Excel/WPS 中打开后另存为或打印）")


def _branch_names(ws, branch: str | None) -> list[str]:  # type: ignore[no-untyped-def]
    if branch is not None:
        return [ws.branch(branch).name]
    if not ws.branches:
        raise UserError("partyday.toml 里没有配置支部（[[branches]] name = \"…\"）。请补上后重试")
    return [b.name for b in ws.branches]


def _one_branch(ws, branch: str | None, day: date | None = None) -> str:  # type: ignore[no-untyped-def]
    names = _branch_names(ws, branch)
    if len(names) > 1 and day is not None and ws.ledger_path.exists():
        from partyday_cli.store.activities import activity_on
        from partyday_cli.store.ledger import open_ledger

        with open_ledger(ws.ledger_path) as ledger:  # a day only one branch holds something on says whose
            held = {a.branch for a in activity_on(ledger, day)}
        if len(held) == 1:
            return held.pop()
    if len(names) > 1:
        raise UserError(f"本工作区有 {len(names)} 个支部，请用 --branch 指定一个：{'、'.join(names)}")
    return names[0]


def _calendar(ws, provisional: bool = False):  # type: ignore[no-untyped-def]
    from partyday_cli.io.holidays import holiday_dirs, work_calendar

    return work_calendar(holiday_dirs(ws.root), provisional)


PLAN_VARS = {
    "org": "党委名称", "branch.name": "支部名称", "year": "年份",
    "rule_text": "活动日规则（中文）", "policy_text": "节假日处理方式", "catalogue": "主题目录名称",
    "activities": "活动列表，每项有 index date date_text weekday theme content form kinds host "
                  "place note（调整原因）moved planned",
    "unmet": "未能满足的频次要求（中文句子列表）", "footnote": "表下说明", "today": "填报日期",
}


def plan(
    ctx: typer.Context,
    year: Annotated[int | None, typer.Argument(help="年份，如 2017", show_default=False, callback=year_callback)] = None,
    template: TemplateOpt = None,
    output: OutputOpt = None,
    branch: BranchOpt = None,
    force: Annotated[bool, typer.Option(
        "--force", callback=remember_force, help="该年已有签到记录时仍重新排期（已有记录保留）；"
                        "输出文件已存在且不是 partyday 生成的时也覆盖。")] = False,
    provisional: Annotated[bool, typer.Option(
        "--provisional", help="放假安排尚未公布的年份按农历估算（暂定）。")] = False,
    list_vars: ListVarsOpt = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """排出全年活动并按主题目录分配主题，生成《年度活动安排表》，计划存入账本。

    每个规定主题的频次（每月、每季度、年中年底、七一前后、全年至少N次……）都会满足；
    日期不够时用中文说明哪一条满足不了。partyday.toml 的 \\[themes.pins] 可把主题固定在某月。

    示例：

      partyday plan 2017

      partyday plan 2017 --template 党委格式.xlsx -o 2017年度安排表.xlsx
    """
    if list_vars:
        _list_vars(template or shipped_template("年度活动安排表.xlsx"), PLAN_VARS)
        return
    year = required(ctx, "year", year)
    xlsx_output(output, "年度活动安排表")
    from partyday_cli.cli.calendar import build_request
    from partyday_cli.core.schedule import build_schedule, pending_message, pending_months
    from partyday_cli.core.themes import plan_themes
    from partyday_cli.io.holidays import check_year
    from partyday_cli.io.themes import load_catalogue
    from partyday_cli.render.contexts import plan_context
    from partyday_cli.store.activities import Activity, dates_with_records, save_plan
    from partyday_cli.store.ledger import open_ledger

    check_year(year)
    ws = require_workspace(ctx, workspace)
    names = _branch_names(ws, branch)
    if output is not None and len(names) > 1:
        raise UserError("多个支部一起排期时不能用 -o 指定单个文件，请加 --branch，或不写 -o（每个支部一个文件写入 out/）")
    cal = _calendar(ws, provisional)
    sched = ws.section("schedule")
    themes_conf = ws.section("themes")
    deadlines = ws.section("deadlines")
    targets = {name: output or out_file(ws, f"{year}年度活动安排表", name) for name in names}
    for target in targets.values():  # a refused output stops before the ledger changes
        check_output(target, force=force, reads=(template,) if template else ())
    hosts = _hosts(ws, year)
    for name in names:
        request = build_request(year, None, None, None, None, False, ws, name)
        days = build_schedule(request, cal)
        conf_branch = ws.branch(name)
        host = hosts.get(name, "")
        if not host:
            info(f"{name}：安排表“负责人”一栏留空——花名册备注里没有“支部书记”，partyday.toml 也没写；"
                 f"在该支部的 [[branches]] 段加一行 secretary = \"书记姓名\" 即可填上")
        catalogue = load_catalogue(conf_branch.themes or themes_conf.get("catalogue") or "9+3",
                                   workspace_root=ws.root)
        result = plan_themes([d.date for d in days], catalogue, themes_conf.get("pins") or {},
                             one_per_day=bool(themes_conf.get("one_per_day", False)))
        pending = pending_months(request)
        if pending:
            warn(f"{name}：" + pending_message(request, pending))
        activities = [
            Activity(None, name, d.date, d.planned, "、".join(item.themes), item.kinds,
                     item.content, item.form, str(sched.get("place", "")),
                     host, d.rule, d.provisional, d.reason)
            for d, item in zip(days, result.items, strict=True)
        ]
        plan_due = _plan_due(deadlines.get("plan_due"), year)
        context = plan_context(
            org=ws.org_name, branch=name, year=year, activities=activities,
            rule_text="、".join(r.describe(request.week_def) for r in request.rules),
            policy_text=request.policy.describe(), catalogue=catalogue.title,
            plan_due=plan_due, unmet=result.unmet, time=str(sched.get("time", "")),
            today=date.today())
        # the table filled before the ledger changes: a template that cannot be read or
        # filled stops the command with the plan as it was
        data = _filled(template or shipped_template("年度活动安排表.xlsx"), context)
        with open_ledger(ws.ledger_path) as ledger:
            recorded = dates_with_records(ledger, year, name)
            if recorded and not force and not _same_plan(ledger, name, year, activities):
                raise UserError(f"{name} {year} 年已有 {len(recorded)} 次活动的签到记录，新的安排与账本中的不同。"
                                "重新排期请加 --force（已有签到记录会保留）")
            saved = save_plan(ledger, name, year, activities)
        info(f"{name} {year} 年计划已存入账本：{len(activities)} 次活动"
             + (f"（新增 {saved.added}，更新 {saved.updated}，删除 {saved.removed}）" if saved.updated else ""))
        for day in saved.kept_with_records:
            warn(f"{day.isoformat()} 已不在新计划中，但有签到记录，已保留并标为“已取消计划”")
        for line in result.unmet:
            warn(line)
        _show_plan(context)
        write_file(targets[name], data, force=force, reads=(template,) if template else (), make_folder=True)
        if year < date.today().year:
            info(f"{year} 年已过去，安排表的“填报日期”留空，请按实际报送日期手写")
        if plan_due and date.today() > plan_due and date.today().year == year:
            warn(f"年度活动安排表应于 {plan_due.isoformat()} 前报送，已过期；请尽快报送")
    _warn_org(ws)  # once, not once per branch


def _same_plan(ledger, branch: str, year: int, activities) -> bool:  # type: ignore[no-untyped-def]
    """The plan in the ledger is this one (same days, themes and kinds): printing it again,
    in another template, re-plans nothing and needs no --force."""
    from partyday_cli.store.activities import activities_in_year

    def key(a):  # type: ignore[no-untyped-def]
        return (a.date, a.theme, tuple(a.kinds))

    kept = [a for a in activities_in_year(ledger, year, branch)  # the plan's days, not a meeting's own
            if a.status != "已取消计划" and a.rule and a.rule != "attend --date"]
    return sorted(map(key, kept)) == sorted(map(key, activities))


def _plan_due(text: object, year: int) -> date | None:
    if not text:
        return None
    try:
        month, day = (int(x) for x in str(text).split("-"))
        return date(year, month, day)
    except ValueError:
        raise UserError(f"partyday.toml 中 deadlines.plan_due = “{text}” 应写成 月-日，如 \"04-12\"") from None


def _show_plan(context: dict) -> None:  # type: ignore[type-arg]
    from partyday_cli.cli.common import plain_output
    from partyday_cli.render.table import Column, Table, to_rich

    table = Table(title=f"{context['branch']['name']}{context['year']}年度活动安排", marked="有备注",
                  subtitle=f"活动日：{context['rule_text']}；主题目录：{context['catalogue']}",
                  columns=[Column("序号", 4, "center"), Column("日期", 10, "center"),
                           Column("星期", 6, "center"), Column("主题", 30), Column("组织生活形式", 20),
                           Column("备注", 30)])
    for a in context["activities"]:
        table.add([a["index"], a["date"].isoformat(), a["weekday"], a["theme"], a["kinds"], a["note"]],
                  highlight=bool(a["note"]))
    print_rich(to_rich(table, plain=plain_output()))


def _hosts(ws, year: int) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Each branch's 负责人 for its plan: `secretary` in partyday.toml, else the member the
    roster notes as 支部书记 (the roster of the year's end, or today's for a year ahead)."""
    from partyday_cli.store.ledger import open_ledger
    from partyday_cli.store.meetings import secretaries_of

    with open_ledger(ws.ledger_path) as ledger:
        return secretaries_of(ws, ledger, min(date(year, 12, 31), max(date.today(), date(year, 1, 1))))


def _activity_for(ws, ledger, day: date, branch: str, cal):  # type: ignore[no-untyped-def]
    """The planned activity on `day`, or a bare one (with a warning) when none was planned."""
    from partyday_cli.store.activities import Activity, activity_on

    found = activity_on(ledger, day, branch)
    if found:
        return found[0]
    warn(f"{day.isoformat()} 不在{branch}的年度计划中（未运行 partyday plan，或日期有误）；表中主题留空")
    return Activity(None, branch, day, day, "", ("主题党日",),
                    place=str(ws.section("schedule").get("place", "")),
                    host=ws.branch(branch).secretary)


SIGNSHEET_VARS = {
    "org": "党委名称", "branch.name": "支部名称",
    "activity": "活动：date date_text weekday time place theme kinds host content",
    "members": "应到党员列表，每项有 index name group status category note（当天交党费的方案还有 dues 本月应交）",
    "rows": "双栏排版用：每行 left_index left_name right_index right_name",
    "title": "表名（“党员活动日”签到表，或 支部委员会会议签到表、党课签到表……）",
    "labels": "行名：time theme（活动时间/会议时间、活动主题/会议议题……）",
    "expected": "应到人数", "exempt": "经批准免参加的党员姓名列表", "exempt_note": "免参加说明",
    "dues_total": "本月党费应交合计（当天交党费的方案，[dues] on_activity_day = true）",
}


def signsheet(
    ctx: typer.Context,
    day: Annotated[str | None, typer.Argument(help="活动日期，如 2017-04-12", show_default=False)] = None,
    template: TemplateOpt = None,
    output: OutputOpt = None,
    branch: BranchOpt = None,
    list_vars: ListVarsOpt = False,
    force: ForceOpt = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """生成某次活动的签到表，预先填好当天应到党员的姓名（免参加的不列入，单列说明）。

    60 人以内一页 A4 竖排；人数更多时自动改为左右双栏。

    示例：

      partyday signsheet 2017-04-12

      partyday signsheet 2017-04-12 --template 党委签到表.xlsx -o 4月签到表.xlsx
    """
    if list_vars:
        _list_vars(template or shipped_template("签到表.xlsx"), SIGNSHEET_VARS)
        return
    day = required(ctx, "day", day)
    xlsx_output(output, "签到表")
    from partyday_cli.core.meetings import expected_at
    from partyday_cli.render.contexts import (
        ACTIVITY_LABELS,
        activity_dict,
        signsheet_context,
        signsheet_title,
    )
    from partyday_cli.store.ledger import open_ledger
    from partyday_cli.store.meetings import meetings_of
    from partyday_cli.store.roster import members_on_with_ids

    ws = require_workspace(ctx, workspace)
    when = parse_day(day, "活动日期")
    name = _one_branch(ws, branch, when)
    with open_ledger(ws.ledger_path) as ledger:
        act = _activity_for(ws, ledger, when, name, _calendar(ws, True))
        everyone = members_on_with_ids(ledger, when, name, if_present=True)
        meeting = next(iter(meetings_of(ledger, when.year, name, day=when)), None)
    if not everyone:
        raise UserError(f"{when.isoformat()} {name}没有党员记录。请先运行 partyday roster import 花名册.xlsx")
    title, labels = signsheet_title(meeting.meeting_kinds if meeting else (), bool(meeting and meeting.planned),
                                    meeting.group if meeting else "")
    own_day = labels is not ACTIVITY_LABELS  # a 支委会, 党小组会, 党课 on a day of its own
    # 应到 by kind, as the 记录 counts it: the committee, the 党小组, or everyone
    members = [m for _, m in (expected_at(meeting.kinds, meeting.group, everyone) if own_day else everyone)]
    expected = [m for m in members if m.is_expected_on(when)]
    exempt = [m for m in members if m.is_member_on(when) and not m.is_expected_on(when)]
    with_dues = bool(ws.section("dues").get("on_activity_day")) and not own_day
    # printed below the 应到 rows, not counted in 应到: a member leaving this month (the roster
    # knows the month only) who may still come and sign; where dues are paid on the day, an
    # exempt member, who still owes them
    extra = [(m, "本月转出") for m in members
             if m.only_if_present_on(when) and not m.is_exempt_on(when)]
    if with_dues:
        extra += [(m, "免参加") for m in exempt]
    time = str(ws.section("schedule").get("time", ""))
    _warn_org(ws)
    dues = _dues_on_the_day(ws, when, name, expected + [m for m, _ in extra]) if with_dues else None
    activity = activity_dict(act, time="" if own_day else time)  # [schedule] time is the activity day's
    if own_day:
        activity["theme"] = _lecture(meeting) or meeting.content or activity["theme"]
    context = signsheet_context(org=ws.org_name, branch=name, activity=activity, expected=expected,
                                exempt=exempt, day=when, dues=dues, extra=extra, title=title, labels=labels)
    # a branch without 党小组 gets the sheet without that column (it would print empty)
    groups = "" if any(m.group for m in expected) or any(m.group for m, _ in extra) else "-无党小组"
    default = (f"签到表-党费{groups}.xlsx" if dues is not None else
               "签到表-双栏.xlsx" if len(expected) > TWO_COLUMN_OVER else f"签到表{groups}.xlsx")
    target = output or out_file(ws, f"{when.isoformat()}签到表", name)
    _fill(template or shipped_template(default), context, target, force)
    leaving = [m.name for m, note in extra if note.startswith("本月转出")]
    info(f"应到 {len(expected)} 人" + (f"；免参加 {len(exempt)} 人：{'、'.join(m.name for m in exempt)}"
                                       if exempt else "")
         + (f"；本月转出、到会即计入应到的 {len(leaving)} 人列在表末：{'、'.join(leaving)}" if leaving else ""))


def _lecture(meeting) -> str:  # type: ignore[no-untyped-def]
    """A 党课's title and speaker as the 签到表 and the 记录 print them: 《…》（主讲人：…）, or ''."""
    return (f"《{meeting.title}》" if meeting.title else "") + (
        f"（主讲人：{meeting.speaker}）" if meeting.speaker else "")


def _dues_on_the_day(ws, day: date, branch: str, expected: list) -> list[str]:  # type: ignore[no-untyped-def]
    """本月党费请于活动当天交纳: each printed member's monthly standard (the year's, as
    `dues standard` sets it), '' where none can be set."""
    from partyday_cli.cli.dues import dues_policy
    from partyday_cli.core.dues import monthly_standard
    from partyday_cli.store.dues import members_for_year
    from partyday_cli.store.ledger import open_ledger

    policy = dues_policy(ws)
    with open_ledger(ws.ledger_path) as ledger:
        year = {(m.name, m.group): m for _, m in members_for_year(ledger, day.year, branch)}
    out = []
    for m in expected:
        base = year.get((m.name, m.group))
        standard = monthly_standard(base, policy) if base is not None else None
        out.append(f"{standard.monthly:.2f}" if standard is not None and not standard.missing else "")
    return out


RECORD_VARS = {
    "org": "党委名称", "branch.name": "支部名称", "title": "表名（“党员活动日”记实表，或 支部委员会会议记录、党课记录……）",
    "labels": "行名：time theme content result（活动时间/会议时间……）",
    "activity": "活动：date date_text weekday time place theme kinds host content form number",
    "expected": "应到人数", "present_text": "实到人数（尚无签到记录时为空白）",
    "excused_text": "请假人员及原因", "absent_text": "缺席人员", "recorder": "记录人",
    "deadline": "填报期限：date date_text workdays", "copies": "一式几份", "deadline_note": "表下填报说明",
}


def record(
    ctx: typer.Context,
    day: Annotated[str | None, typer.Argument(help="活动日期，如 2017-04-12", show_default=False)] = None,
    template: TemplateOpt = None,
    output: OutputOpt = None,
    branch: BranchOpt = None,
    list_vars: ListVarsOpt = False,
    filed_on: Annotated[str | None, typer.Option(
        "--filed-on", help="登记记实表已于某天报送（如 2017-04-18），用于逾期统计和提醒；不生成文件。")] = None,
    force: ForceOpt = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """生成某次活动的《记实表》：时间、地点、主题、应到/实到/请假/缺席（已有签到记录时自动填入）、
    活动内容，以及按工作日算出的填报期限和份数。

    示例：

      partyday record 2017-04-12

      partyday record 2017-04-12 --template 党委记实表.xlsx

      partyday record 2017-04-12 --filed-on 2017-04-18
    """
    if list_vars:
        _list_vars(template or shipped_template("记实表.xlsx"), RECORD_VARS)
        return
    day = required(ctx, "day", day)
    xlsx_output(output, "记实表")
    from partyday_cli.render.contexts import copies_zh
    from partyday_cli.store.ledger import open_ledger

    ws = require_workspace(ctx, workspace)
    when = parse_day(day, "活动日期")
    name = _one_branch(ws, branch, when)
    cal = _calendar(ws, True)
    with open_ledger(ws.ledger_path) as ledger:
        act = _activity_for(ws, ledger, when, name, cal)
        if filed_on is not None:
            _mark_filed(ledger, act, parse_day(filed_on, "--filed-on"), cal, ws)
            return
        data, deadline, filled = record_workbook(ws, ledger, cal, act, template)
    target = output or out_file(ws, f"{when.isoformat()}记实表", name)
    write_file(target, data, force=force, reads=(template,) if template else (), make_folder=True)
    if act.content and deadline is not None:  # the plan's words, not what was done: the user is told
        info(f"“活动内容”一栏按年度计划预填（{act.content[:24]}{'…' if len(act.content) > 24 else ''}），"
             "请按实际开展情况修改后再报送")
    if deadline is None:
        return  # a meeting's 会议记录: filed with the branch's records, no deadline
    deadlines = ws.section("deadlines")
    copies = int(deadlines.get("record_copies", 1))
    info(f"记实表须在 {deadline.isoformat()}（活动后{int(deadlines.get('record_within_workdays', 5))}"
         f"个工作日）前填报，一式{copies_zh(copies)}份")
    if cal.info(deadline).provisional or cal.info(act.date).provisional:  # counted on estimated holidays
        warn(f"这一期限是在 {deadline.year} 年放假安排公布前按估算的节假日算出的（暂定）；放假通知公布后请导入"
             f"（partyday holidays import 通知.txt），再运行 partyday record {act.date.isoformat()} 核对期限")
    if date.today() > deadline and act.record_filed_on is None and filled:
        warn(f"已超过记实表填报期限 {deadline.isoformat()}；逾期仍须补报")


def _mark_filed(ledger, act, filed: date, cal, ws) -> None:  # type: ignore[no-untyped-def]
    if act.id is None:
        raise UserError(f"{act.date.isoformat()} 不是计划中的活动，无法登记记实表报送日期")
    if filed < act.date:
        raise UserError(f"报送日期 {filed.isoformat()} 早于活动日期 {act.date.isoformat()}，请核对 --filed-on")
    if filed > date.today():
        raise UserError(f"报送日期 {filed.isoformat()} 还没到（今天是 {date.today().isoformat()}），请核对 --filed-on；"
                        "报送后再登记")
    from partyday_cli.store.activities import mark_record_filed

    mark_record_filed(ledger, act.id, filed)
    workdays = int(ws.section("deadlines").get("record_within_workdays", 5))
    deadline = cal.add_workdays(act.date, workdays)
    late = f"，比期限 {deadline.isoformat()} 晚了" if filed > deadline else "，在期限内"
    info(f"已登记：{act.date.isoformat()} 活动的记实表于 {filed.isoformat()} 报送{late}")


def record_workbook(ws, ledger, cal, act, template: Path | None = None  # type: ignore[no-untyped-def]
                    ) -> tuple[bytes, date | None, bool]:
    """The filled 记实表 of one activity, its filing deadline (None for a meeting's 会议记录
    on a day of its own), and whether attendance was there to fill in (used by `record`
    and by the monthly export)."""
    from partyday_cli.core.meetings import expected_at
    from partyday_cli.core.members import namesake_labels
    from partyday_cli.io.files import read_bytes
    from partyday_cli.io.xltemplate import render_workbook
    from partyday_cli.render.contexts import (
        ACTIVITY_LABELS,
        activity_dict,
        record_context,
        record_title,
    )
    from partyday_cli.store.attendance import attendance_by_status
    from partyday_cli.store.meetings import meetings_of
    from partyday_cli.store.roster import members_on_with_ids

    deadlines = ws.section("deadlines")
    workdays = int(deadlines.get("record_within_workdays", 5))
    copies = int(deadlines.get("record_copies", 1))
    meeting = next(iter(meetings_of(ledger, act.date.year, act.branch, day=act.date)), None)
    members = members_on_with_ids(ledger, act.date, act.branch)
    labels = namesake_labels(members)  # 张伟（第二党小组）: the branch's namesakes told apart
    if meeting is not None:  # 应到 by kind: the committee, the 党小组, or everyone
        members = expected_at(meeting.kinds, meeting.group, members)
    expected = [m for _, m in members if m.is_expected_on(act.date)]
    attendance = attendance_by_status(ledger, act.id, labels) if act.id is not None else None
    if attendance is not None:  # the ledger's 应到, as the report counts it: its rows but 免参加
        # (a member transferred out that month, known to the month, counts where present)
        expected_count = sum(len(v) for k, v in attendance.items() if k != "免参加")
    else:
        expected_count = len(expected)
    deadline = cal.add_workdays(act.date, workdays)
    time = str(ws.section("schedule").get("time", ""))
    _warn_org(ws)
    activity = activity_dict(act, time=time)
    title, labels = record_title(meeting.meeting_kinds if meeting else (), bool(meeting and meeting.planned),
                                 meeting.group if meeting else "")
    if labels is not ACTIVITY_LABELS:
        activity["time"] = ""  # [schedule] time is the activity day's, not a meeting's
    if meeting is not None:
        lecture = _lecture(meeting)
        if meeting.group:
            activity["kinds"] = f"{activity['kinds']}（{meeting.group}）"
        if labels is not ACTIVITY_LABELS:
            activity["theme"] = lecture or meeting.content or activity["theme"]
            activity["content"] = meeting.content if lecture else ""
        elif lecture:  # a 党课 on the activity day: said in the content
            activity["content"] = "；".join(x for x in (str(activity["content"]), f"党课{lecture}") if x)
    if labels is not ACTIVITY_LABELS:  # a meeting's 会议记录: no 记实表 deadline (seed 003 asks only the 记录)
        deadline = None
    context = record_context(org=ws.org_name, branch=act.branch, activity=activity, expected=expected_count,
                             attendance=attendance, deadline=deadline, workdays=workdays,
                             copies=copies, title=title, labels=labels)
    tpl = template or shipped_template("记实表.xlsx")
    data = render_workbook(read_bytes(tpl, "模板文件"), context, template_name=tpl.name)
    return data, deadline, attendance is not None


def _warn_org(ws) -> None:  # type: ignore[no-untyped-def]
    """A 党委 name left at 中共××委员会 is printed in the title: say which key to set."""
    from partyday_cli.doctor import org_placeholder

    if line := org_placeholder(ws):
        warn(line)
