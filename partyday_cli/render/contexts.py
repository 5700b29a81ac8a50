"""What each shipped template receives: plain dicts built from domain records.

These dicts are the documented template variables (`--list-vars` and the README list
them); a 党委's own template may use any of them.
"""

from __future__ import annotations

from datetime import date

from partyday_cli.core.holiday import month_day_zh, weekday_zh
from partyday_cli.core.members import Member


def copies_zh(n: int) -> str:
    """一式两份, not 一式二份."""
    return "一两三四五六七八九十"[n - 1] if 1 <= n <= 10 else str(n)


def date_text(day: date) -> str:
    return f"{day.year}年{month_day_zh(day)}"


def activity_dict(act, *, index: int = 1, time: str = "", number: str = "") -> dict[str, object]:  # type: ignore[no-untyped-def]
    """One activity (store.activities.Activity) for a template."""
    note = act.moved_reason or ""
    if act.provisional:
        note = ("暂定。" + note) if note else "暂定"
    return {
        "index": index,
        "number": number or f"{act.date:%Y%m%d}",
        "date": act.date,
        "date_text": date_text(act.date),
        "weekday": weekday_zh(act.date),
        "time": time,
        "planned": act.planned,
        "moved": bool(act.moved_reason),
        "theme": act.theme,
        "kinds": "、".join(act.kinds),
        "content": act.content,
        "form": act.form,
        "place": act.place,
        "host": act.host,
        "note": note,
    }


def plan_context(*, org: str, branch: str, year: int, activities: list, rule_text: str,  # type: ignore[type-arg]
                 policy_text: str, catalogue: str, plan_due: date | None, unmet: list[str],
                 time: str, today: date) -> dict[str, object]:
    notes = []
    if plan_due is not None:
        notes.append(f"本表须于{date_text(plan_due)}前报{org or '上级党组织'}。")
    if unmet:
        notes.append("未能满足的要求：" + "；".join(unmet))
    return {
        "org": org,
        "branch": {"name": branch},
        "year": year,
        "rule_text": rule_text,
        "policy_text": policy_text,
        "catalogue": catalogue,
        "activities": [activity_dict(a, index=i, time=time) for i, a in enumerate(activities, 1)],
        "unmet": unmet,
        "footnote": "".join(notes) or "每次活动后按时填写《记实表》。",
        "today": filled_on_text(year, today),
    }


BLANK_DATE = "＿＿＿＿年＿＿月＿＿日"  # written by hand


def filled_on_text(year: int, today: date) -> str:
    """The plan's 填报日期: today while the plan is for this year or a later one; for a
    year gone by (a plan made again for the files) today's date would be wrong and any
    other a guess, so it is left for the 书记 to write."""
    return date_text(today) if year >= today.year else BLANK_DATE


def _member_dict(m: Member, index: int, day: date) -> dict[str, object]:
    note = "预备党员" if m.status_on(day) == "预备" else ""
    return {"index": index, "name": m.name, "group": m.group, "status": m.status_on(day),
            "category": m.category, "note": note}


def signsheet_context(*, org: str, branch: str, activity: dict[str, object], expected: list[Member],
                      exempt: list[Member], day: date, dues: list[str] | None = None,
                      extra: list[tuple[Member, str]] = (),  # type: ignore[assignment]
                      title: str = "“党员活动日”签到表", labels: dict[str, str] | None = None) -> dict[str, object]:
    """`dues`: each printed member's 本月应交 (text, '' when unknown), for a scheme that
    asks the dues on the day; None leaves the dues out. `extra`: members printed after
    the 应到 ones with a note, not counted in `expected` (one leaving this month, an
    exempt member who still pays dues on the day). `title` and `labels`: a meeting's
    (支部委员会会议签到表, 会议时间, 会议议题) on a day of its own, as `record_title` names them."""
    from decimal import Decimal

    members = [_member_dict(m, i, day) for i, m in enumerate(expected, start=1)]
    for i, (m, note) in enumerate(extra, start=len(members) + 1):
        row = _member_dict(m, i, day)
        row["note"] = "；".join(x for x in (str(row["note"]), note) if x)
        members.append(row)
    for m, amount in zip(members, dues or [], strict=False):
        m["dues"] = amount
    half = (len(members) + 1) // 2
    rows = []
    for k in range(half):
        left = members[k]
        right = members[k + half] if k + half < len(members) else None
        rows.append({
            "left_index": left["index"], "left_name": left["name"],
            "right_index": right["index"] if right else "", "right_name": right["name"] if right else "",
        })
    exempt_note = ("经批准免参加：" + "、".join(m.name for m in exempt) + "。") if exempt else ""
    return {
        "org": org,
        "branch": {"name": branch},
        "title": title,
        "labels": labels or ACTIVITY_LABELS,
        "activity": activity,
        "members": members,
        "rows": rows,
        "expected": len(expected),
        "exempt": [m.name for m in exempt],
        "exempt_note": exempt_note,
        "dues_total": f"{sum((Decimal(a) for a in dues or [] if a), Decimal(0)):.2f}",
    }


ACTIVITY_LABELS = {"time": "活动时间", "theme": "活动主题", "content": "活动内容", "result": "活动成效及党员反映"}
MEETING_LABELS = {"time": "会议时间", "theme": "会议议题", "content": "会议内容", "result": "会议决定及效果"}
LECTURE_LABELS = {"time": "党课时间", "theme": "党课题目及主讲人", "content": "党课内容", "result": "党员反映"}


def signsheet_title(meeting_kinds: tuple[str, ...], planned: bool, group: str = "") -> tuple[str, dict[str, str]]:
    """The 签到表's title and labels: “党员活动日”签到表, or 支部委员会会议签到表, 党课签到表 …"""
    title, labels = record_title(meeting_kinds, planned, group)
    if labels is ACTIVITY_LABELS:
        return "“党员活动日”签到表", labels
    return title.removesuffix("记录") + "签到表", labels


def record_title(meeting_kinds: tuple[str, ...], planned: bool, group: str = "") -> tuple[str, dict[str, str]]:
    """The 记实表's title and row labels: an activity day's, or, for a meeting held on a day
    of its own, the 记录 of its kinds (支部委员会会议记录, 第一党小组会议记录, 党课记录 …)."""
    if planned or not meeting_kinds or "主题党日" in meeting_kinds:
        return "“党员活动日”记实表", ACTIVITY_LABELS
    if meeting_kinds == ("党课",):
        return "党课记录", LECTURE_LABELS
    if meeting_kinds == ("党小组会",):
        return f"{group or '党小组'}会议记录", MEETING_LABELS
    kinds = "、".join(meeting_kinds)
    return f"{kinds}{'会议' if kinds.endswith(('委员会', '大会')) else ''}记录", MEETING_LABELS


def record_context(*, org: str, branch: str, activity: dict[str, object], expected: int,
                   attendance: dict[str, list[tuple[str, str]]] | None, deadline: date | None,
                   workdays: int, copies: int, recorder: str = "", title: str = "“党员活动日”记实表",
                   labels: dict[str, str] | None = None) -> dict[str, object]:
    """`attendance` maps a status (出席 迟到 早退 请假 缺席 补学) to (name, reason) pairs, or
    None before any attendance is recorded (the sheet then leaves blanks to fill in).
    `deadline` None: a meeting's 会议记录, which has no filing deadline (no note under it)."""
    if attendance is None:
        present_text = "＿＿"
        excused_text = absent_text = ""
    else:
        present = sum(len(attendance.get(s, [])) for s in ("出席", "迟到", "早退"))
        present_text = str(present) if present else "＿＿"  # only leaves recorded so far
        excused_text = "；".join(f"{n}（{r}）" if r else n for n, r in attendance.get("请假", []))
        absent_text = "、".join(n for n, _ in attendance.get("缺席", []))
        late = [n for n, _ in attendance.get("迟到", [])] + [n for n, _ in attendance.get("早退", [])]
        if late:
            present_text += f"（其中迟到或早退：{'、'.join(late)}）"
    copies_note = "一份存档、一份报上级党组织" if copies == 2 else ""
    deadline_note = "" if deadline is None else (
        f"本表须在活动后{workdays}个工作日内（{date_text(deadline)}前）填报，"
        f"一式{copies_zh(copies)}份" + (f"（{copies_note}）" if copies_note else "") + "。")
    return {
        "org": org,
        "title": title,
        "labels": labels or ACTIVITY_LABELS,
        "branch": {"name": branch},
        "activity": activity,
        "expected": expected,
        "present_text": present_text,
        "excused_text": excused_text or ("无" if attendance is not None else ""),
        "absent_text": absent_text or ("无" if attendance is not None else ""),
        "recorder": recorder,
        "deadline": {"date": deadline, "date_text": date_text(deadline) if deadline else "", "workdays": workdays},
        "copies": copies,
        "deadline_note": deadline_note,
    }
