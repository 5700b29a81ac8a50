"""Report runs as library calls: `build` (the quarterly and annual report of a period, a
`core.report.Report`), `member_record` (one member's year) and `report_json` (SPEC §6);
`dues_policy` reads the workspace's [dues]. `cli/report.py` parses options, calls these
and renders the value they return."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from partyday_cli.errors import UserError


def dues_policy(ws: Any) -> Any:
    """The dues config and the thresholds' lapse months as a DuesPolicy."""
    from decimal import Decimal, InvalidOperation

    from partyday_cli.core.dues import DuesPolicy

    conf, limits = ws.section("dues"), ws.section("thresholds")
    default = DuesPolicy()
    values: dict[str, object] = {}
    for key in ("farmer_monthly", "reduced_monthly", "cap"):
        raw = conf.get(key, getattr(default, key))
        try:
            value = Decimal(str(raw)) if not isinstance(raw, bool) else None
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or value < 0:
            raise UserError(f"partyday.toml 中 [dues] {key} = “{raw}” 不是金额，请写成 \"0.20\" 这样的数")
        values[key] = value
    quarterly = conf.get("quarterly_payment", False)
    if not isinstance(quarterly, bool):
        raise UserError("partyday.toml 中 [dues] quarterly_payment 应为 true 或 false")
    values["quarterly_payment"] = quarterly
    for key in ("lapse_warn_months", "lapse_flag_months"):
        raw = limits.get(key, getattr(default, key))
        if isinstance(raw, bool) or not isinstance(raw, int) or raw < 1:
            raise UserError(f"partyday.toml 中 [thresholds] {key} = “{raw}” 应为正整数（月数）")
        values[key] = raw
    return DuesPolicy(**values)  # type: ignore[arg-type]


def dues_members(ws: Any, year: int, branch: str | None,
                 everyone: list[tuple[int, Any]] | None = None) -> list[tuple[int, Any]]:
    """The year's members (of one branch, or all) as `dues standard|import|report` judge
    them: the roster in force on 1 January, joined by those who came during the year
    (`everyone`: the whole 党委's, read already, to take the branch's from)."""
    from partyday_cli.store.dues import members_for_year
    from partyday_cli.store.ledger import open_ledger

    if branch is not None:
        ws.branch(branch)  # an unknown branch is a clear error
    if everyone is not None:
        members = [pair for pair in everyone if branch in (None, pair[1].branch)]
    else:
        with open_ledger(ws.ledger_path) as ledger:
            members = members_for_year(ledger, year, branch)
    if not members:
        raise UserError(f"账本里没有 {year} 年的党员名单。请先运行 partyday roster import 花名册.xlsx"
                        "（补录历史名册可加 --as-of 2017-01-01）")
    order = ws.branch_order()
    return sorted(members, key=lambda pair: order(pair[1].branch))  # branches as partyday.toml lists them


@dataclass(frozen=True)
class DuesReport:
    """`partyday dues report`: each member's months (`core.dues.MemberDues`, roster order),
    where the sign-in answers (本月党费实交) disagree with the 台账, and the branches with no
    台账 of the year in the ledger at all (`unrecorded`: their months show 未登记, nobody
    of theirs is owing or flagged)."""

    year: int
    as_of: date
    branch: str | None
    members: list[tuple[int, Any]]
    results: list[Any]
    mismatches: list[str]
    unrecorded: list[str]

    @property
    def recorded(self) -> bool:
        """Any 台账 of the year in scope."""
        return len(self.unrecorded) < len({m.branch for _, m in self.members})


def dues_report(ws: Any, year: int, branch: str | None, as_of: date, *, until: date | None = None,
                everyone: list[tuple[int, Any]] | None = None) -> DuesReport:
    """The year's dues as known on `as_of`: a payment counts when it was made by then
    (its 补交 date), or, with no date, when its month has come (`until`: the last day
    whose payments count, when it is not `as_of` — the monthly export judges a month on
    the 1st of the next). Each branch's 台账 stops where its own last payment is: a branch
    with none is 未登记 throughout, not every member 未交. `everyone`: `dues_members` of the
    year for the whole 党委, when the caller has read it."""
    from partyday_cli.core.dues import (
        answers_against_ledger,
        dues_status,
        first_recorded_month,
        last_recorded_month,
        months_due,
    )
    from partyday_cli.core.members import namesake_labels
    from partyday_cli.io.dues_ledger import payment_from_answer
    from partyday_cli.io.signin.handwritten import PAID_QUESTION
    from partyday_cli.store.dues import dues_answers, payments
    from partyday_cli.store.ledger import open_ledger

    if everyone is None:  # a member who moved has a line in each branch: both are needed
        everyone = dues_members(ws, year, None)
    members = dues_members(ws, year, branch, everyone) if branch is not None else everyone
    cut = until or as_of
    with open_ledger(ws.ledger_path) as ledger:
        recorded = payments(ledger, year)
        answered = dues_answers(ledger, year)
        # what December of the year before paid ahead (预交) into this year
        december = payments(ledger, year - 1, first_month=12)
    paid = [p for p in recorded if (p.paid_on <= cut if p.paid_on is not None else p.month <= f"{cut:%Y-%m}")]
    policy = dues_policy(ws)
    by_branch: dict[str, list[tuple[int, Any]]] = {}
    for mid, m in members:
        by_branch.setdefault(m.branch, []).append((mid, m))
    # a member who moved between two branches in the year has a line in each: each branch
    # gets the payments of the months the member was its own
    entries: dict[int, list[Any]] = {}
    for mid, m in everyone:
        entries.setdefault(mid, []).append(m)
    months_of = {(mid, m.branch): set(months_due(m, year, date(year, 12, 31)))
                 for mid, ms in entries.items() if len(ms) > 1 for m in ms}

    def belongs(p: Any, name: str) -> bool:
        own = months_of.get((p.member_id, name))
        return own is None or p.month in own

    results: dict[tuple[int, str], Any] = {}
    unrecorded: list[str] = []
    stops: dict[str, str] = {}
    for name, people in by_branch.items():
        ids = {mid for mid, _ in people}
        mine = [p for p in december if p.member_id in ids and len(entries[p.member_id]) == 1] + [
            p for p in paid if p.member_id in ids and belongs(p, name)]
        # where the branch's 台账 stops: its months up to there are 已交 or 未交 as of the day
        own = [p for p in recorded if p.member_id in ids and belongs(p, name)]
        # recorded when a member of its own has payments: one who moved in, paid in the other
        # branch's 台账, does not make this branch's 台账 in
        stop = last_recorded_month(own, year) if any(len(entries[p.member_id]) == 1 for p in own) else None
        if stop is not None and stop > f"{cut:%Y-%m}":
            stop = f"{cut:%Y-%m}"
        if stop is None:  # no 台账 of this branch: nothing is owed that anyone recorded
            unrecorded.append(name)
            stop = f"{year - 1}-12"
        stops[name] = stop
        start = first_recorded_month(own, year) if stop >= f"{year}-01" else None
        # judged at the end of `as_of` (统计截至 3月31日: March has come due, as in the quarterly)
        for (mid, _), md in zip(people, dues_status(people, mine, year=year, today=as_of + timedelta(days=1),
                                                     policy=policy,
                                                     recorded_until=stop, recorded_from=start), strict=True):
            results[(mid, name)] = md
    labels = namesake_labels(list({mid: m for mid, m in members}.items()))  # 张伟（第二党小组）
    names = {mid: labels.get(mid, m.name) for mid, m in members}
    recorded_until = max(stops.values()) if stops else None
    branch_of = {mid: m.branch for mid, m in members}  # the newest branch of a member who moved
    mismatches = answers_against_ledger(
        [(mid, day, f"实交 {answer} 元" if question == PAID_QUESTION else answer, payment_from_answer(answer))
         for mid, day, question, answer in answered if day <= as_of and branch_of.get(mid) not in unrecorded],
        # each month as the status judged it: a 预交 in January pays April, a 补交 in May pays February
        {(md.member_id, m.month): m.paid_on for md in results.values() for m in md.months if m.paid > 0},
        names, recorded_until)
    order = ws.branch_order()
    unrecorded.sort(key=order)
    return DuesReport(year, as_of, branch, members, [results[(mid, m.branch)] for mid, m in members],
                      mismatches, unrecorded)


def _money(value: Any) -> str | None:
    from decimal import ROUND_HALF_UP, Decimal

    return None if value is None else str(Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


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
    """The report of `period` for one branch (or, with None, every branch): the ledger's
    rows read (`store.report_queries`) and judged (`core.report.build_report`)."""
    from partyday_cli.core.report import (
        build_report,
        kind_rules_from_config,
        secretary_lectures_from_config,
        thresholds_from_config,
    )
    from partyday_cli.store import report_queries as q
    from partyday_cli.store.ledger import open_ledger
    from partyday_cli.store.meetings import secretaries_of

    if today < period.start:  # nothing held, nothing owed yet: any figure would be made up
        raise UserError(f"{period.label}从 {period.start.isoformat()} 开始，今天（{today.isoformat()}）尚未开始，"
                        f"还没有可报告的出勤和党费。查看该年的活动安排请运行 partyday plan {period.year}")
    thresholds = thresholds_from_config(ws.section("thresholds"))
    kind_rules = kind_rules_from_config(ws.section("meeting_kinds"))
    if branch is not None:
        branch = ws.branch(branch).name
    elif len(ws.branches) == 1:
        branch = ws.branches[0].name
    names = [branch] if branch is not None else [b.name for b in ws.branches]
    with open_ledger(ws.ledger_path) as ledger:
        # the big groupings run inside SQLite on the other core while this one reads the roster
        with q.Prefetch(ws.ledger_path, q.report_statements(period, branch, today)) as pre:
            directory = q.member_directory(ledger, min(period.end, today))
            dues = q.report_dues(ledger, period, today, dues_policy(ws), branch, prefetch=pre)
            acts, tallies = q.read_attendance(ledger, period, branch, prefetch=pre)
        lectures = secretary_lectures_from_config(ws.section("lectures"))
        # the 书记 is looked up only where the scheme asks 负责人每年至少讲一次党课
        secretaries = secretaries_of(ws, ledger, min(period.end, today)) if lectures else {}
        counts = q.branch_counts(ledger, min(period.end, today)) if branch is None else None
        unresolved = _unresolved(ledger, period, branch, today)
    if not acts:
        where = branch or "本工作区"
        raise UserError(f"{where} {period.year} 年截至 {period.end.isoformat()} 没有任何活动记录。"
                        f"请先运行 partyday plan {period.year} 并导入签到（partyday attend import）")
    names += sorted({a.branch for a in acts} - set(names)) if branch is None else []
    return build_report(period=period, today=today, thresholds=thresholds, branch=branch, branches=names,
                        activities=acts, tallies=tallies, directory=directory, dues=dues,
                        catalogues=_catalogues(ws, names), kind_rules=kind_rules,
                        deadline_for=_deadline_for(ws), secretaries=secretaries,
                        secretary_lectures=lectures, roster_counts=counts, unresolved=unresolved)


def _unresolved(ledger: Any, period: Any, branch: str | None, today: date) -> list[Any]:
    """The year's sign-in names still to be decided up to the report's day: the year's,
    not only the period's, since the year's absences count in every flag."""
    from partyday_cli.core.report import UnresolvedName
    from partyday_cli.store.attendance import unresolved_names

    return [UnresolvedName(date.fromisoformat(r["date"]), r["branch"], r["raw_name"], r["original_name"], r["row"])
            for r in unresolved_names(ledger, start=date(period.year, 1, 1), end=min(period.end, today),
                                      branch=branch)]


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
        "unresolved_names": [{"date": u.date.isoformat(), "branch": u.branch, "raw_name": u.raw_name,
                              "file": u.file, "row": u.row} for u in report.unresolved],
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
    append = out.append
    for m in members:  # 30,000 at 党委 scale: one plain loop, MemberTally's properties written out
        info, t, flags = m.info, m.tally, m.flags
        phone = info.phone
        expected, absent, excused, makeup = t.rows - t.exempt, t.absent, t.excused, t.makeup
        p_expected, p_absent, p_excused = t.period_rows - t.period_exempt, t.period_absent, t.period_excused
        append({
            "name": info.name, "label": m.label, "branch": info.branch, "group": info.group,
            "phone": phone if show_private or not phone else mask_phone(phone),
            "absences": absent, "expected": expected, "present": expected - excused - absent - makeup,
            "excused": excused, "makeup": makeup,
            "period": {"expected": p_expected, "present": p_expected - p_excused - p_absent - t.period_makeup,
                       "excused": p_excused, "absent": p_absent},
            "flags": [f.text for f in flags] if flags else [], "flag_codes": [f.code for f in flags] if flags else []})
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


def _find_member(ledger: Any, ws: Any, raw: str, year: int, branch: str | None) -> tuple[int, Any]:
    import re

    from partyday_cli.core.members import normalise_name
    from partyday_cli.store.report_queries import member_directory

    wanted, _, tag = normalise_name(raw).partition("#")
    bracketed = re.fullmatch(r"(.+?)[(（](.+)[)）]", wanted)  # 张伟（第一党小组）, as the reports label namesakes
    if not tag and bracketed:
        wanted, tag = bracketed[1], bracketed[2]
    if branch is not None:
        branch = ws.branch(branch).name
    directory = member_directory(ledger, min(date(year, 12, 31), date.today()))
    def named(same) -> list[tuple[int, Any]]:  # type: ignore[no-untyped-def]
        return [(i, m) for i, m in directory.items() if same(m.name)
                and branch in (None, m.branch) and (not tag or tag in (m.group, m.branch))]

    # 阿依古丽买买提 for 阿依古丽·买买提, as the sign-in import reads it
    found = named(lambda name: name == wanted) or named(
        lambda name: name.replace("·", "") == wanted.replace("·", ""))
    if not found:
        raise UserError(f"账本里没有名为“{raw}”的党员。请核对姓名（partyday roster list）")
    if len(found) > 1:
        who = "、".join(f"{m.name}#{m.group or m.branch}" for _, m in found)
        raise UserError(f"“{raw}”有 {len(found)} 名同名党员，请写成 {who} 之一")
    return found[0]


def member_record(ws: Any, name: str, year: int, branch: str | None, *, show_private: bool) -> dict[str, Any]:
    """`partyday report member`: one member's year (attendance, flags, dues) as the JSON
    the command prints and the tables it renders."""
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
        # December of the year before: what it paid ahead (预交) into this year
        payments = q.payments_of(ledger, [member_id], f"{year - 1}-12", f"{year}-12")
        has_dues = q.branch_has_dues(ledger, year, who.branch)
        until = q.last_dues_month(ledger, year)
        since = q.first_dues_month(ledger, year)
        years = [] if rows else [int(y) for (y,) in ledger.conn.execute(
            "SELECT DISTINCT substr(a.date, 1, 4) FROM attendance t JOIN activities a ON a.id = t.activity_id"
            " WHERE t.member_id = ? ORDER BY 1", (member_id,))]
    events = [(d, s) for d, _, _, s, _ in rows if d <= as_of]
    flags = attendance_flags(events, thresholds)
    dues = None
    if people and has_dues:
        dues = dues_status([(member_id, people[0].member())], payments, year=year,
                           today=min(today, date(year, 12, 31) + timedelta(days=1)), policy=dues_policy(ws),
                           recorded_until=until, recorded_from=since)[0]
        flags += [_flag("dues", text) for text in dues.flags]
    counts = {s: sum(1 for _, st in events if st == s) for s in ("出席", "迟到", "早退", "请假", "缺席", "补学")}
    phone = who.phone if show_private or not who.phone else mask_phone(who.phone)
    record = {
        "year": year, "name": who.name, "label": f"{who.name}#{who.group or who.branch}", "branch": who.branch,
        "group": who.group, "phone": phone, "expected": sum(counts.values()),
        "present": counts["出席"] + counts["迟到"] + counts["早退"], "excused": counts["请假"],
        "absent": counts["缺席"], "makeup": counts["补学"], "absences": counts["缺席"],
        "flags": [f.text for f in flags], "flag_codes": [f.code for f in flags],
        "years_recorded": years,  # where this year has no row: the years that have (for a hint)
        "activities": [{"date": d.isoformat(), "branch": b, "theme": t, "status": s, "reason": r}
                       for d, b, t, s, r in rows],
        "dues": None if dues is None else {
            "monthly": _money(dues.standard.monthly), "paid": _money(dues.paid_total), "owed": _money(dues.owed_total),
            "months": [{"month": m.month, "due": _money(m.due), "paid": _money(m.paid), "status": m.status,
                        "paid_on": m.paid_on.isoformat() if m.paid_on else None} for m in dues.months]},
    }
    return record


def _flag(code: str, text: str) -> Any:
    from partyday_cli.core.report import Flag

    return Flag(code, text)
