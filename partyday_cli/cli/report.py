"""`partyday report quarterly|annual|member`: what a branch reports to its 党委 (SPEC §6, §7, §13)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from partyday_cli.cli.common import (
    WORKSPACE_HELP,
    ForceOpt,
    Format,
    emit,
    emit_json,
    format_from_output,
    out_file,
    plain_output,
    print_rich,
    require_workspace,
    warn,
    year_callback,
)
from partyday_cli.errors import UserError

app = typer.Typer(help="报表：季度、年度报表（到会率、缺勤提醒、党费、主题和“三会一课”），党委按支部汇总；个人情况。",
                  no_args_is_help=True)

YearOpt = Annotated[int | None, typer.Option("--year", "-y", help="年份，如 2017。", show_default=False,
                                                        callback=year_callback)]
BranchOpt = Annotated[str | None, typer.Option(
    "--branch", "-b", help="只看某个支部；党委工作区不写则按支部汇总全部支部。")]
FormatOpt = Annotated[Format | None, typer.Option(
    "--format", "-f", help="输出格式：table（表格，默认）、json、csv、xlsx（含图表，可打印）。", show_default=False)]
OutputOpt = Annotated[Path | None, typer.Option(
    "--output", "-o", help="写入文件；xlsx 不写 -o 时存入工作区 out/ 文件夹。")]
PrivateOpt = Annotated[bool, typer.Option("--show-private", help="显示完整的电话和收入（默认打码）。")]
WorkspaceOpt = Annotated[Path | None, typer.Option("--workspace", "-w", help=WORKSPACE_HELP)]


def _money(value: Any) -> str | None:
    from decimal import ROUND_HALF_UP, Decimal

    return None if value is None else str(Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _dues_policy(ws: Any) -> Any:
    try:
        from partyday_cli.cli.dues import dues_policy
    except ImportError:  # pragma: no cover - the dues commands ship together with reports
        from partyday_cli.core.dues import DuesPolicy

        return DuesPolicy()
    return dues_policy(ws)


def _deadline_for(ws: Any) -> Any:
    """活动后 N 个工作日 (deadlines.record_within_workdays) on the workspace's holiday data."""
    from functools import cache

    workdays = ws.section("deadlines").get("record_within_workdays", 5)
    if isinstance(workdays, bool) or not isinstance(workdays, int) or workdays < 0:
        raise UserError(f"partyday.toml [deadlines] record_within_workdays = {workdays!r} 应为非负整数")

    @cache
    def calendar() -> Any:
        from partyday_cli.io.holidays import holiday_dirs, work_calendar

        return work_calendar(holiday_dirs(ws.root), True)

    @cache
    def deadline(day: date) -> date:
        return calendar().add_workdays(day, workdays)

    return deadline


def _catalogues(ws: Any, names: list[str]) -> dict[str, Any]:
    from partyday_cli.io.themes import load_catalogue

    default = ws.section("themes").get("catalogue") or "9+3"
    loaded: dict[str, Any] = {}
    out = {}
    configured = {b.name for b in ws.branches}
    for name in names:
        conf = ws.branch(name) if name in configured else None
        which = (conf.themes if conf is not None else None) or default
        if which not in loaded:
            loaded[which] = load_catalogue(which, workspace_root=ws.root)
        out[name] = loaded[which]
    return out


def build(ws: Any, period: Any, branch: str | None, today: date) -> Any:
    """The report of `period` for one branch (or, with None, every branch)."""
    from partyday_cli.core.report import (
        build_report,
        kind_rules_from_config,
        secretary_lectures_from_config,
        thresholds_from_config,
    )
    from partyday_cli.store import report_queries as q
    from partyday_cli.store.ledger import open_ledger
    from partyday_cli.store.meetings import secretaries_of

    thresholds = thresholds_from_config(ws.section("thresholds"))
    kind_rules = kind_rules_from_config(ws.section("meeting_kinds"))
    if branch is not None:
        branch = ws.branch(branch).name
    elif len(ws.branches) == 1:
        branch = ws.branches[0].name
    names = [branch] if branch is not None else [b.name for b in ws.branches]
    with open_ledger(ws.ledger_path) as ledger:
        acts, tallies = q.read_attendance(ledger, period, branch)
        directory = q.member_directory(ledger, min(period.end, today))
        dues = q.report_dues(ledger, period, today, _dues_policy(ws), branch)
        lectures = secretary_lectures_from_config(ws.section("lectures"))
        # the 书记 is looked up only where the scheme asks 负责人每年至少讲一次党课
        secretaries = secretaries_of(ws, ledger, min(period.end, today)) if lectures else {}
    if not acts:
        where = branch or "本工作区"
        raise UserError(f"{where} {period.year} 年截至 {period.end.isoformat()} 没有任何活动记录。"
                        f"请先运行 partyday plan {period.year} 并导入签到（partyday attend import）")
    names += sorted({a.branch for a in acts} - set(names)) if branch is None else []
    return build_report(period=period, today=today, thresholds=thresholds, branch=branch, branches=names,
                        activities=acts, tallies=tallies, directory=directory, dues=dues,
                        catalogues=_catalogues(ws, names), kind_rules=kind_rules,
                        deadline_for=_deadline_for(ws), secretaries=secretaries,
                        secretary_lectures=lectures)


def _check_json(c: Any) -> dict[str, Any]:
    return {"branch": c.branch, "name": c.name, "requirement": c.requirement, "window": c.window,
            "required": c.required, "held": c.count, "dates": [d.isoformat() for d in c.dates],
            "status": c.status, "text": c.text}


def report_json(report: Any, *, org: str, show_private: bool) -> dict[str, Any]:
    """SPEC §6: {"year", "quarter", "activities", "members", "dues", "themes"} and more keys."""
    from partyday_cli.core.report import percent_text, rate_number

    multi = report.branch is None
    prefix = (lambda c: f"{c.branch}：{c.text}") if multi else (lambda c: c.text)
    checks = {cat: [c for c in report.checks if c.category == cat] for cat in ("theme", "kind")}
    out: dict[str, Any] = {
        "year": report.period.year, "quarter": report.period.quarter, "org": org, "branch": report.branch,
        "period": {"start": report.period.start.isoformat(), "end": report.period.end.isoformat(),
                   "label": report.period.label},
        "as_of": report.as_of.isoformat(),
        "thresholds": {"attendance_rate": rate_number(report.thresholds.attendance_rate),
                       "absences_talk": report.thresholds.absences_talk,
                       "absences_unqualified": report.thresholds.absences_unqualified,
                       "consecutive_absences": report.thresholds.consecutive_absences,
                       "lapse_warn_months": report.thresholds.lapse_warn_months,
                       "lapse_flag_months": report.thresholds.lapse_flag_months},
        "activities": [{
            "date": a.counts.date.isoformat(), "branch": a.counts.branch, "theme": a.counts.theme,
            "kinds": list(a.counts.kinds), "expected": a.counts.expected, "present": a.counts.present,
            "excused": a.counts.excused, "absent": a.counts.absent, "makeup": a.counts.makeup,
            "exempt": a.counts.exempt, "rate": rate_number(a.counts.rate), "rate_text": percent_text(a.counts.rate),
            "below_threshold": a.below_threshold,
            "record_filed_on": a.counts.record_filed_on.isoformat() if a.counts.record_filed_on else None,
            "record_deadline": a.record_deadline.isoformat() if a.record_deadline else None,
            "record_late": bool(a.record_late)} for a in report.activities],
        "unrecorded": [{"date": a.date.isoformat(), "branch": a.branch, "theme": a.theme,
                        "held": a.date <= report.as_of} for a in report.unrecorded],
        "members": _members_json(report.members, show_private),
        "dues": _dues_json(report, show_private),
        "themes": {"checks": [_check_json(c) for c in checks["theme"]],
                   "shortfalls": [prefix(c) for c in checks["theme"] if c.text],
                   "check_plan": report.plan_checks},
        "kinds": {"checks": [_check_json(c) for c in checks["kind"]],
                  "shortfalls": [prefix(c) for c in checks["kind"] if c.text]},
        "late_records": [a.record_late for a in report.activities if a.record_late],
    }
    if multi:
        out["branches"] = [{
            "branch": b.branch, "activities": b.planned, "recorded": b.recorded,
            "rate": rate_number(b.avg_rate), "below_threshold": b.below, "members": b.members,
            "members_flagged": b.members_flagged, "arrears": _money(b.owed),
            "members_in_arrears": b.members_in_arrears, "theme_shortfalls": b.theme_short,
            "kind_shortfalls": b.kind_short, "late_records": b.late_records} for b in report.branches]
    return out


def _members_json(members: list[Any], show_private: bool) -> list[dict[str, Any]]:
    from partyday_cli.core.members import mask_phone

    out = []
    for m in members:  # 30,000 at 党委 scale: one plain loop
        info, t, flags = m.info, m.tally, m.flags
        phone = info.phone
        out.append({
            "name": info.name, "label": m.label, "branch": info.branch, "group": info.group,
            "phone": phone if show_private or not phone else mask_phone(phone),
            "absences": t.absent, "expected": t.expected, "present": t.present,
            "excused": t.excused, "makeup": t.makeup,
            "period": {"expected": t.period_expected, "present": t.period_present,
                       "excused": t.period_excused, "absent": t.period_absent},
            "flags": [f.text for f in flags], "flag_codes": [f.code for f in flags]})
    return out


def _dues_json(report: Any, show_private: bool) -> dict[str, Any]:
    if report.dues is None:
        return {"recorded": False, "members": []}
    t = report.dues_totals
    return {
        "recorded": True, "due": _money(t.due_period), "paid": _money(t.paid_period),
        "due_ytd": _money(t.due_ytd), "paid_ytd": _money(t.paid_ytd), "owed": _money(t.owed),
        "members_total": t.members, "members_in_arrears": t.members_in_arrears,
        "unrecorded_months": list(t.unrecorded_months), "unrecorded_due": _money(t.unrecorded_due),
        "members": [{
            "name": d.name, "branch": d.branch, "group": d.group, "monthly": _money(d.monthly),
            "base": (_money(d.base) if show_private else "****") if d.base is not None else None,
            "due": _money(d.due_period), "paid": _money(d.paid_period), "paid_ytd": _money(d.paid_ytd),
            "owed": _money(d.owed), "arrears_months": list(d.arrears_months),
            "max_consecutive_unpaid": d.max_consecutive_unpaid, "flags": list(d.flags)}
            for d in report.dues if d.owed > 0 or d.flags],
    }


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


def _emit(ws: Any, report: Any, fmt: Format | None, output: Path | None, show_private: bool,
          stem: tuple[str, str]) -> None:
    from partyday_cli.render.report_xlsx import report_sheets

    fmt = format_from_output(fmt, output, Format.table)
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


def _find_member(ledger: Any, ws: Any, raw: str, year: int, branch: str | None) -> tuple[int, Any]:
    from partyday_cli.core.members import normalise_name
    from partyday_cli.store.report_queries import member_directory

    wanted, _, tag = normalise_name(raw).partition("#")
    if branch is not None:
        branch = ws.branch(branch).name
    directory = member_directory(ledger, min(date(year, 12, 31), date.today()))
    found = [(i, m) for i, m in directory.items() if m.name == wanted
             and branch in (None, m.branch) and (not tag or tag in (m.group, m.branch))]
    if not found:
        raise UserError(f"账本里没有名为“{raw}”的党员。请核对姓名（partyday roster list）")
    if len(found) > 1:
        who = "、".join(f"{m.name}#{m.group or m.branch}" for _, m in found)
        raise UserError(f"“{raw}”有 {len(found)} 名同名党员，请写成 {who} 之一")
    return found[0]


def _member_report(ws: Any, name: str, year: int, branch: str | None, fmt: Format | None,
                   output: Path | None, show_private: bool) -> None:
    from datetime import timedelta

    from partyday_cli.core.dues import dues_status
    from partyday_cli.core.members import mask_phone
    from partyday_cli.core.report import attendance_flags, thresholds_from_config
    from partyday_cli.store import report_queries as q
    from partyday_cli.store.ledger import open_ledger

    thresholds = thresholds_from_config(ws.section("thresholds"))
    today = date.today()
    as_of = min(today, date(year, 12, 31))
    with open_ledger(ws.ledger_path) as ledger:
        member_id, who = _find_member(ledger, ws, name, year, branch)
        rows = q.member_rows(ledger, member_id, date(year, 1, 1), date(year, 12, 31))
        people = [p for p in q.dues_people(ledger, year) if p.member_id == member_id]
        payments = q.payments_of(ledger, [member_id], f"{year}-01", f"{year}-12")
        has_dues = q.branch_has_dues(ledger, year, who.branch)
        until = q.last_dues_month(ledger, year)
    events = [(d, s) for d, _, _, s, _ in rows if d <= as_of]
    flags = attendance_flags(events, thresholds)
    dues = None
    if people and has_dues:
        dues = dues_status([(member_id, people[0].member())], payments, year=year,
                           today=min(today, date(year, 12, 31) + timedelta(days=1)), policy=_dues_policy(ws),
                           recorded_until=until)[0]
        flags += [_flag("dues", text) for text in dues.flags]
    counts = {s: sum(1 for _, st in events if st == s) for s in ("出席", "迟到", "早退", "请假", "缺席", "补学")}
    phone = who.phone if show_private or not who.phone else mask_phone(who.phone)
    record = {
        "year": year, "name": who.name, "label": f"{who.name}#{who.group or who.branch}", "branch": who.branch,
        "group": who.group, "phone": phone, "expected": sum(counts.values()),
        "present": counts["出席"] + counts["迟到"] + counts["早退"], "excused": counts["请假"],
        "absent": counts["缺席"], "makeup": counts["补学"], "absences": counts["缺席"],
        "flags": [f.text for f in flags], "flag_codes": [f.code for f in flags],
        "activities": [{"date": d.isoformat(), "branch": b, "theme": t, "status": s, "reason": r}
                       for d, b, t, s, r in rows],
        "dues": None if dues is None else {
            "monthly": _money(dues.standard.monthly), "paid": _money(dues.paid_total), "owed": _money(dues.owed_total),
            "months": [{"month": m.month, "due": _money(m.due), "paid": _money(m.paid), "status": m.status,
                        "paid_on": m.paid_on.isoformat() if m.paid_on else None} for m in dues.months]},
    }
    fmt = format_from_output(fmt, output, Format.table)
    if fmt is Format.json:
        emit_json(record, output)
        return
    _member_tables(ws, record, fmt, output)


def _flag(code: str, text: str) -> Any:
    from partyday_cli.core.report import Flag

    return Flag(code, text)


def _member_tables(ws: Any, record: dict[str, Any], fmt: Format, output: Path | None) -> None:
    from partyday_cli.render.report_xlsx import Sheet
    from partyday_cli.render.table import Column, Table

    title = f"{record['name']}（{record['branch']} {record['group']}）{record['year']}年参加组织生活情况"
    acts = Table(title=title, sheet_name="出勤", columns=[
        Column("日期", 12, "center"), Column("主题", 40), Column("出勤", 8, "center"), Column("原因", 16)])
    acts.subtitle = (f"应到 {record['expected']} 次，实到 {record['present']} 次，请假 {record['excused']} 次，"
                     f"无故缺席 {record['absent']} 次，补学 {record['makeup']} 次；联系电话 {record['phone']}")
    for a in record["activities"]:
        acts.add([a["date"], a["theme"], a["status"], a["reason"]], highlight=a["status"] == "缺席")
    acts.notes += record["flags"] or ["无缺勤提醒"]
    tables = [Sheet(acts)]
    if record["dues"] is not None:
        dues = Table(title=f"{record['name']} {record['year']}年党费", sheet_name="党费", columns=[
            Column("月份", 10, "center"), Column("应交", 10, "right"), Column("已交", 10, "right"),
            Column("状态", 8, "center"), Column("交纳日期", 12, "center")])
        for m in record["dues"]["months"]:
            dues.add([m["month"], m["due"], m["paid"], m["status"], m["paid_on"] or ""],
                     highlight=m["status"] == "未交")
        dues.notes.append(f"已交 {record['dues']['paid']} 元，欠交 {record['dues']['owed']} 元")
        tables.append(Sheet(dues))
    _emit_sheets(ws, tables, fmt, output, (f"{record['year']}年个人情况", record["name"]))
