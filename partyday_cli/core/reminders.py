"""The Chinese notice texts `partyday remind` prints (pure: dates in, text out)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta

from partyday_cli.core.holiday import weekday_zh

COPIES = "一两三四五六七八九十"


def _day(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日（{weekday_zh(d)}）"


def activity_notice(act, *, time: str, place: str, today: date,  # type: ignore[no-untyped-def]
                    dues_on_day: bool = False) -> str:
    """The notice to members. 本月党费请于活动当天交纳 only when the scheme asks it
    ([dues] on_activity_day, e.g. seed 004: 组织党员在活动日当天…交齐党费)."""
    theme = f"，主题：{act.theme}" if act.theme else ""
    where = act.place or place
    dues = "；本月党费请于活动当天交纳" if dues_on_day else ""
    return (
        "【党员活动日通知】\n"
        "各位党员：\n"
        f"　　定于{_day(act.date)}{time}在{where or '（地点另行通知）'}开展“党员活动日”活动{theme}。"
        f"请准时参加，带好党章、笔记本和笔{dues}。"
        "因事因病不能参加的，请提前向支部书记请假。\n"
        f"{act.branch}\n"
        f"{today.year}年{today.month}月{today.day}日\n"
    )


def reminders(activities: Sequence, *, today: date, days: int, deadlines: Mapping[str, object],  # type: ignore[type-arg]
              schedule: Mapping[str, object], org: str, add_workdays: Callable[[date, int], date],
              branches: Sequence[str], dues_on_day: bool = False,
              day_off: Callable[[date], str | None] | None = None) -> str:
    """All that falls due: notices for activities `days` ahead, 记实表 deadlines within
    two days (or passed and not filed: each by itself for a week, then all in one line), a moved date to report to the
    上级党组织 (deadlines.change_report_days), the year's plan due within two weeks.
    Empty when there is nothing to say. `day_off`: why a day is not a working day by the
    official arrangement (`plan_status.official_day_off`): a day planned provisionally that
    turns out a holiday gets no notice to members, but a line to re-plan it."""
    parts: list[str] = []
    target = today + timedelta(days=days)
    time = str(schedule.get("time", ""))
    place = str(schedule.get("place", ""))
    for act in activities:
        if act.date == target and act.status != "已取消计划":
            off = day_off(act.date) if day_off is not None and getattr(act, "provisional", False) else None
            if off is not None:  # the notice came after the plan: no members sent to a 春节 day
                parts.append(f"【注意】{act.branch}{_day(act.date)}的活动日是在放假安排公布前按暂定安排排出的，"
                             f"按已导入的正式安排这天是{off}，不是工作日，未生成活动通知。请运行 partyday plan "
                             f"{act.date.year} 按正式安排重排，再发通知。\n")
                continue
            parts.append(activity_notice(act, time=time, place=place, today=today, dues_on_day=dues_on_day))
            if getattr(act, "provisional", False):  # planned before the year's 放假通知 was known
                parts.append(f"【注意】{act.branch}{_day(act.date)}的活动日是在{act.date.year}年放假安排公布前"
                             f"按暂定安排排出的，通知发出前请核对当天是否放假或调休；放假通知公布后导入"
                             f"（partyday holidays import 通知.txt）并重新运行 partyday plan {act.date.year}。\n")
    parts += _change_reports(activities, today, int(deadlines.get("change_report_days", 0) or 0))  # type: ignore[call-overload]
    workdays = int(deadlines.get("record_within_workdays", 5))  # type: ignore[call-overload]
    copies = int(deadlines.get("record_copies", 1))  # type: ignore[call-overload]
    older: list[str] = []
    for act in activities:
        if act.record_filed_on is not None or act.date >= today:
            continue
        if act.kinds and "主题党日" not in act.kinds:
            continue  # a 支委会 or 党小组会 keeps its 会议记录: the 记实表 deadline is the 活动日's
        due = add_workdays(act.date, workdays)
        copies_zh = COPIES[copies - 1] if 1 <= copies <= 10 else str(copies)
        if today <= due <= today + timedelta(days=2):
            by = f"今天（{_day(due)}）内" if due == today else f"{_day(due)}前"
            when = "" if due == today else {1: "（明天到期）"}.get((due - today).days, "（即将到期）")
            parts.append(f"【提醒】{act.branch}{_day(act.date)}活动的《记实表》须于{by}填报，"
                         f"一式{copies_zh}份{when}。\n")
        elif due < today <= due + timedelta(days=7):
            parts.append(f"【提醒】{act.branch}{_day(act.date)}活动的《记实表》已于{_day(due)}到期，"
                         "请尽快补报（逾期仍须填报）。\n")
        elif due < today:  # longer overdue: every one named each time, in one line, until filed
            year = f"{act.date.year}年" if act.date.year != today.year else ""  # January: last year's
            older.append(f"{act.branch}{year}{act.date.month}月{act.date.day}日（{(today - due).days}天）")
    if older:
        parts.append(f"【提醒】逾期一周以上仍未登记报送的《记实表》{len(older)}份：{'、'.join(older)}。"
                     "请尽快补报；已报送的请登记报送日期：partyday record 活动日期 --filed-on 报送日期。\n")
    due_text = str(deadlines.get("plan_due", "") or "")
    if due_text:
        try:
            month, day = (int(x) for x in due_text.split("-"))
            plan_due = date(today.year, month, day)
        except ValueError:
            plan_due = None
        planned = {a.branch for a in activities if a.date.year == today.year}
        missing = [b for b in branches if b not in planned]
        if plan_due and missing and today <= plan_due <= today + timedelta(days=14):
            parts.append(f"【提醒】{'、'.join(missing)}{today.year}年度活动安排表须于{_day(plan_due)}前"
                         f"报{org or '上级党组织'}（partyday plan {today.year}）。\n")
        done = [b for b in branches if b in planned]
        if plan_due and done and today <= plan_due <= today + timedelta(days=7):
            # made, but whether it went to the 党委 the ledger cannot know: the last week, said once a day
            parts.append(f"【提醒】{'、'.join(done)}{today.year}年度活动安排表已排好，须于{_day(plan_due)}前"
                         f"报{org or '上级党组织'}（打印：partyday plan {today.year} -o 安排表.xlsx）；已报送的可忽略。\n")
    return "\n".join(parts)


def _change_reports(activities: Sequence, today: date, days: int) -> list[str]:  # type: ignore[type-arg]
    """改期须提前N天报上级批准: for each activity whose date moved, a reminder from a week
    before the report deadline (N days before the earlier of the two dates) until it."""
    if days <= 0:
        return []
    out = []
    for act in activities:
        planned = act.planned
        if planned is None or planned == act.date or act.status == "已取消计划":
            continue
        report_by = min(planned, act.date) - timedelta(days=days)
        if report_by - timedelta(days=7) <= today <= report_by:
            why = f"（{act.moved_reason}）" if act.moved_reason else ""
            out.append(f"【提醒】{act.branch}原定{_day(planned)}的活动改在{_day(act.date)}{why}。"
                       f"按方案须提前{days}天报上级党组织批准备案，请于{_day(report_by)}前报送。\n")
    return out


# days before a 预备党员's year is up on which `remind` says so (then weekly once it is past)
PROBATION_NOTICE_DAYS = (30, 14, 7, 3, 1, 0)


def probation_reminders(members: Sequence, today: date) -> list[str]:  # type: ignore[type-arg]
    """预备期满 (党章第七条: 预备期一年; 期满支部应及时讨论转正): for each member the
    roster lists as 预备 with no 转正时间, on the days PROBATION_NOTICE_DAYS before their
    入党时间's first anniversary, and weekly for eight weeks after it while no 转正时间 is
    written. `members`: the roster's members on `today`."""
    out = []
    for m in members:
        joined = getattr(m, "joined", None)
        if joined is None or m.full_member_date is not None or m.status_on(today) != "预备":
            continue
        try:
            due = joined.replace(year=joined.year + 1)
        except ValueError:  # 2月29日
            due = date(joined.year + 1, 3, 1)
        left = (due - today).days
        branch = f"{m.branch}" if m.branch else ""
        if left in PROBATION_NOTICE_DAYS:
            when = "今天" if left == 0 else f"{left}天后（{_day(due)}）"
            out.append(f"【提醒】{branch}预备党员{m.name}（入党时间 {joined.year}年{joined.month}月{joined.day}日）的预备期"
                       f"{when}满一年，"
                       "请按期召开支部党员大会讨论其能否转为正式党员，并报上级党组织审批。\n")
        elif -56 <= left < 0 and left % 7 == 0:
            out.append(f"【提醒】{branch}预备党员{m.name}的预备期已于{_day(due)}满一年，花名册还没有写转正时间。"
                       "已讨论转正的，请在花名册“转正时间”列填写后重新导入；延长预备期的，请在备注写明。\n")
    return out
