"""The year's activity days: rule dates moved off holidays by the policy."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from partyday_cli.core.holiday import WorkCalendar, month_day_zh, weekday_zh
from partyday_cli.core.policy import Policy
from partyday_cli.core.rules import Rule, month_dates
from partyday_cli.errors import UserError

FIXED_RULE = "schedule.dates"
_MAX_STEPS = 60  # a move never needs more than two months of days or weeks


@dataclass(frozen=True)
class ScheduleRequest:
    year: int
    rules: tuple[Rule, ...]
    policy: Policy
    week_def: str = "nth"
    skip_months: frozenset[int] = frozenset()
    avoid_makeup_days: bool = False
    fixed_dates: Mapping[int, date] = field(default_factory=dict)  # month → date (每月确定一天)
    blackouts: Mapping[date, str] = field(default_factory=dict)  # 重大活动 → reason


@dataclass(frozen=True)
class ActivityDay:
    date: date
    planned: date
    moved: bool
    reason: str | None
    rule: str
    provisional: bool
    flagged: bool = False  # policy `keep` left it on a non-working day

    @property
    def weekday(self) -> str:
        return weekday_zh(self.date)

    def as_json(self) -> dict[str, object]:
        return {
            "date": self.date.isoformat(),
            "weekday": self.weekday,
            "planned": self.planned.isoformat(),
            "moved": self.moved,
            "reason": self.reason,
            "rule": self.rule,
            "provisional": self.provisional,
        }


class _Days:
    """Working-day answers for one request: the calendar plus blackouts and makeup days."""

    def __init__(self, cal: WorkCalendar, request: ScheduleRequest):
        self.cal = cal
        self.blackouts = request.blackouts
        self.avoid_makeup = request.avoid_makeup_days

    def why_not(self, day: date) -> str | None:
        """Why `day` cannot hold the activity, in Chinese; None when it can."""
        if day in self.blackouts:
            return f"{month_day_zh(day)}有重大活动（{self.blackouts[day]}）"
        info = self.cal.info(day)
        if info.holiday:
            return f"{month_day_zh(day)}为{info.holiday}假期"
        if info.makeup and self.avoid_makeup:
            return f"{month_day_zh(day)}为调休上班日（{weekday_zh(day)}）"
        if not info.workday:
            return f"{month_day_zh(day)}为{weekday_zh(day)}"
        return None

    def ok(self, day: date) -> bool:
        return self.why_not(day) is None

    def workday(self, day: date) -> bool:
        """An official working day, makeup weekends excluded when asked to avoid them."""
        info = self.cal.info(day)
        return info.workday and not (info.makeup and self.avoid_makeup)

    def step(self, day: date, delta: int) -> date:
        for _ in range(_MAX_STEPS):
            day += timedelta(days=delta)
            if self.ok(day):
                return day
        raise UserError(f"{month_day_zh(day)}前后{_MAX_STEPS}天内找不到可用的工作日，请检查节假日数据")


def _landing(day: date, days: _Days) -> str:
    """'2月18日' — with '（星期日，调休上班）' when it lands on a makeup weekend day."""
    text = month_day_zh(day)
    if days.cal.info(day).makeup:
        text += f"（{weekday_zh(day)}，调休上班）"
    return text


def _move(planned: date, policy: Policy, days: _Days) -> tuple[date, str]:
    why = days.why_not(planned)
    assert why is not None
    name = policy.name
    if name == "after-holiday":
        if days.cal.info(planned).holiday is None:  # a weekend or a blackout, not a holiday
            target = days.step(planned, 1)
            return target, f"{why}，顺延至{_landing(target, days)}"
        return _after_holiday(planned, why, policy.window, days)
    if name == "next-workday" or (name == "next-week" and planned.weekday() >= 5):
        # a week later is the same weekend day again: 顺延一周 is meant for weekday holidays
        target = days.step(planned, 1)
        return target, f"{why}，顺延至{_landing(target, days)}"
    if name == "prev-workday":
        target = days.step(planned, -1)
        return target, f"{why}，提前至{_landing(target, days)}"
    if name == "next-week":
        target, hops = planned, []
        for _ in range(_MAX_STEPS):
            target += timedelta(days=7)
            if days.ok(target):
                break
            hops.append(days.why_not(target))
        else:
            raise UserError(f"{month_day_zh(planned)}之后{_MAX_STEPS}周内找不到可用的工作日，请检查节假日数据")
        text = f"{why}，顺延一周"
        for hop in hops:
            text += f"，{hop}，再顺延一周"
        return target, f"{text}至{_landing(target, days)}"
    if name == "nearest":
        later, earlier = days.step(planned, 1), days.step(planned, -1)
        same_month = [d for d in (later, earlier) if d.month == planned.month]
        pool = same_month or [later, earlier]
        target = min(pool, key=lambda d: (abs((d - planned).days), d < planned))
        verb = "顺延" if target > planned else "提前"
        return target, f"{why}，{verb}至最近的工作日{_landing(target, days)}"
    raise AssertionError(name)


_ORDINAL = "一二三四五六七八九十"


def _after_holiday(planned: date, why: str, window: int, days: _Days) -> tuple[date, str]:
    """收假后N个工作日内: the first free day among the first N working days after the
    holiday; each one passed over is named with its own reason. When none is free, the
    first free day after the window, and the reason says it is outside (flagged)."""
    workdays: list[date] = []
    day = planned
    for _ in range(_MAX_STEPS):
        day += timedelta(days=1)
        if days.workday(day):
            workdays.append(day)
            if len(workdays) == window:
                break
    passed: list[str] = []
    for k, day in enumerate(workdays, start=1):
        blocked = days.why_not(day)
        if blocked is None:
            nth = _ORDINAL[k - 1] if k <= 10 else str(k)
            skipped = f"（{'；'.join(passed)}）" if passed else ""
            return day, (f"{why}，顺延至收假后第{nth}个工作日{_landing(day, days)}{skipped}，"
                         f"在{window}个工作日内")
        passed.append(blocked)
    target = days.step(workdays[-1] if workdays else planned, 1)
    return target, (f"{why}，收假后{window}个工作日内均不能安排（{'；'.join(passed)}），"
                    f"顺延至{_landing(target, days)}，超出{window}个工作日，请与党委确认")


def _place(planned: date, rule: str, request: ScheduleRequest, days: _Days) -> ActivityDay:
    provisional = days.cal.info(planned).provisional
    why = days.why_not(planned)
    if why is None:  # a weekend day that is a 调休 working day: said, or it reads as a mistake
        note = f"{weekday_zh(planned)}为调休上班日" if days.cal.info(planned).makeup else None
        return ActivityDay(planned, planned, False, note, rule, provisional)
    if request.policy.name == "keep":
        reason = f"{why}，按“不调整”保留原日期，请与党委确认"
        return ActivityDay(planned, planned, False, reason, rule, provisional, flagged=True)
    target, reason = _move(planned, request.policy, days)
    if target < planned and target.month != planned.month:
        # 提前 out of its month (1月1日 → 12月31日, another year's): the month keeps its
        # activity, the first free day after instead, and the reason says so
        forward = planned + timedelta(days=1)
        while forward.month == planned.month and days.why_not(forward) is not None:
            forward += timedelta(days=1)
        if forward.month == planned.month:
            reason = f"{why}，提前会移到{target.month}月，改为顺延至{_landing(forward, days)}"
            target = forward
    if target.month != planned.month:
        reason += f"（已移至{target.month}月）"
    provisional = provisional or days.cal.info(target).provisional
    return ActivityDay(target, planned, True, reason, rule, provisional,
                       flagged=reason.endswith("请与党委确认"))


def build_schedule(request: ScheduleRequest, cal: WorkCalendar) -> list[ActivityDay]:
    """The activity days of `request.year`, in date order."""
    days = _Days(cal, request)
    out: list[ActivityDay] = []
    for month in range(1, 13):
        if month in request.skip_months:
            continue
        fixed = request.fixed_dates.get(month)
        if fixed is not None:
            out.append(_place(fixed, FIXED_RULE, request, days))
            continue
        planned: dict[date, str] = {}
        for rule in request.rules:
            for day in month_dates(rule, request.year, month, request.week_def, days.workday):
                planned.setdefault(day, rule.spec)
        out.extend(_place(d, spec, request, days) for d, spec in sorted(planned.items()))
    return sorted(out, key=lambda a: (a.date, a.planned))


def pending_months(request: ScheduleRequest) -> list[int]:
    """Months the rule gives no date for (每月开展一次) and [schedule.dates] does not fill."""
    if not request.rules or any(r.kind != "once" for r in request.rules):
        return []
    return [m for m in range(1, 13)
            if m not in request.skip_months and m not in request.fixed_dates]


def pending_message(request: ScheduleRequest, months: list[int]) -> str:
    """The Chinese line asking for the days a 每月开展一次 scheme leaves to the branch."""
    y = request.year
    shown = "、".join(f"{m}月" for m in months)
    return (f"{y}年{shown}还没有确定活动日期（规则“每月开展一次”不规定哪一天，由党支部确定）。"
            f"请在 partyday.toml 的 [schedule.dates] 逐月填写，如 \"{y}-{months[0]:02d}\" = "
            f"\"{y}-{months[0]:02d}-15\"")
