"""Quarterly and annual reports: attendance, members' flags, dues, themes and 三会一课 (SPEC §6, §7, §12, §13).

Pure computations over what the ledger holds (read by `store.report_queries`): no I/O.

- An activity's 应到 is its attendance rows that are not 免参加, 实到 = 出席 + 迟到 + 早退,
  到会率 = 实到 / 应到 as an exact fraction; until a sign-in file is in force for it, an
  activity's rows are only what was set by hand, and it has no 到会率 yet.
- A member's unexcused absences (缺席) are counted over the year up to the period's end;
  the thresholds come from `[thresholds]` (defaults from seed 000, scheme 2).
- 连续缺勤: `consecutive_absences` 缺席 in a row over the member's expected activities.
- 党章第九条: a run of 缺席 not broken by any participation (出席/迟到/早退/补学), leave
  (请假) or exemption (免参加), spanning N calendar months from the first to the last
  absence → warning at `lapse_warn_months`, flag at `lapse_flag_months`.
- Themes and 三会一课 kinds are judged per window (month, quarter, half, year) that
  overlaps the period, counting the activities held (signed) up to the report day: a
  window that has ended short is a shortfall; one still open is pending (or behind pace).
- The dues flags are the dues module's own (`core.dues.MemberDues.flags`).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import cache, cached_property
from typing import Any, NamedTuple

from partyday_cli.core.members import namesake_labels
from partyday_cli.errors import UserError

QUARTER_ZH = ("第一季度", "第二季度", "第三季度", "第四季度")
DEFAULT_KIND_RULES = {"主题党日": "monthly", "支部委员会": "monthly", "支部党员大会": "quarterly",
                      "党小组会": "monthly", "党课": "yearly:4", "组织生活会": "yearly:1",
                      "民主评议党员": "yearly:1"}


def day_zh(day: date) -> str:
    return f"{day.month}月{day.day}日"


def month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


# ----------------------------------------------------------------------- configuration


@dataclass(frozen=True)
class Thresholds:
    attendance_rate: Fraction = Fraction(4, 5)
    absences_talk: int = 3
    absences_unqualified: int = 4
    consecutive_absences: int = 2
    lapse_warn_months: int = 3
    lapse_flag_months: int = 6
    # which absences count toward absences_talk/unqualified: "unexcused" 无故缺席 only, or
    # "all" every non-attendance, 请假 included (seed 000 方案二: 不参加活动累计3次)
    absences_count: str = "unexcused"

    @property
    def rate_text(self) -> str:
        return percent_text(self.attendance_rate)


def thresholds_from_config(section: Mapping[str, Any]) -> Thresholds:
    """[thresholds] of partyday.toml; a wrong value is one Chinese line naming the key."""
    base = Thresholds()
    values: dict[str, Any] = {}
    raw_rate = section.get("attendance_rate", None)
    if raw_rate is not None:
        try:
            rate = Fraction(str(raw_rate))
        except (ValueError, ZeroDivisionError):
            rate = Fraction(-1)
        if isinstance(raw_rate, bool) or not 0 < rate <= 1:
            raise UserError(f"partyday.toml [thresholds] attendance_rate = {raw_rate!r} 无效，"
                            "应为 0 到 1 之间的小数，如 0.8（即 80%）")
        values["attendance_rate"] = rate
    for key in ("absences_talk", "absences_unqualified", "consecutive_absences",
                "lapse_warn_months", "lapse_flag_months"):
        value = section.get(key, getattr(base, key))
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise UserError(f"partyday.toml [thresholds] {key} = {value!r} 无效，应为正整数")
        values[key] = value
    counted = section.get("absences_count", base.absences_count)
    if counted not in ("unexcused", "all"):
        raise UserError(f"partyday.toml [thresholds] absences_count = {counted!r} 无效，"
                        "应为 \"unexcused\"（只计无故缺席）或 \"all\"（请假也计入不参加次数）")
    values["absences_count"] = counted
    return Thresholds(**values)


@dataclass(frozen=True)
class KindRule:
    kind: str
    frequency: str  # monthly | quarterly | halfyearly | yearly
    count: int = 1

    @property
    def text(self) -> str:
        return {"monthly": "每月一次", "quarterly": "每季度一次", "halfyearly": "每半年一次"}.get(
            self.frequency, f"每年至少{self.count}次")


def kind_rules_from_config(section: Mapping[str, Any]) -> list[KindRule]:
    """[meeting_kinds]: kind → "monthly" | "quarterly" | "halfyearly" | "yearly:N"."""
    out = []
    for kind, spec in (section or DEFAULT_KIND_RULES).items():
        text = str(spec).strip().lower()
        freq, _, n = text.partition(":")
        ok = freq in ("monthly", "quarterly", "halfyearly") and not n
        ok = ok or (freq == "yearly" and (not n or (n.isdigit() and int(n) >= 1)))
        if not ok:
            raise UserError(f"partyday.toml [meeting_kinds] 中“{kind}” = “{spec}” 无法识别，"
                            "可写 monthly（每月）、quarterly（每季度）、halfyearly（每半年）、yearly:N（每年至少N次）")
        out.append(KindRule(str(kind), freq, int(n) if n else 1))
    return out


# ----------------------------------------------------------------------------- periods


@dataclass(frozen=True)
class Period:
    year: int
    quarter: int | None  # None: the whole year
    start: date
    end: date

    @classmethod
    def of_quarter(cls, year: int, quarter: int) -> Period:
        if quarter not in (1, 2, 3, 4):
            raise UserError(f"季度“{quarter}”无效，应为 1、2、3 或 4")
        start = date(year, 3 * quarter - 2, 1)
        end = date(year + quarter // 4, (3 * quarter) % 12 + 1, 1) - timedelta(days=1)
        return cls(year, quarter, start, end)

    @classmethod
    def of_year(cls, year: int) -> Period:
        return cls(year, None, date(year, 1, 1), date(year, 12, 31))

    @property
    def label(self) -> str:
        return f"{self.year}年" + (QUARTER_ZH[self.quarter - 1] if self.quarter else "")

    @property
    def year_start(self) -> date:
        return date(self.year, 1, 1)


def last_complete_quarter(today: date) -> tuple[int, int]:
    quarter = (today.month - 1) // 3  # the current quarter's index 0..3 = last complete one's number
    return (today.year - 1, 4) if quarter == 0 else (today.year, quarter)


# --------------------------------------------------------------------------- activities


def percent_text(rate: Fraction | None) -> str:
    if rate is None:
        return ""
    value = (Decimal(rate.numerator) * 100 / Decimal(rate.denominator)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{value}%"


def rate_number(rate: Fraction | None) -> float | None:
    """0–1 with 4 decimals, half-up (for JSON)."""
    if rate is None:
        return None
    exact = Decimal(rate.numerator) / Decimal(rate.denominator)
    return float(exact.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class ActivityCounts:
    """One activity and its attendance rows counted by status. Its attendance is complete
    once a sign-in file is in force (`signed`); before that, the rows are only what was set
    by hand (a leave asked ahead), and the activity has no 到会率 yet."""

    id: int
    branch: str
    date: date
    theme: str = ""
    kinds: tuple[str, ...] = ()
    status: str = ""
    record_filed_on: date | None = None
    rows: int = 0
    excused: int = 0  # 请假
    absent: int = 0  # 缺席
    makeup: int = 0  # 补学
    exempt: int = 0  # 免参加
    signed: bool = False  # a sign-in file is in force
    meeting_kinds: tuple[str, ...] = ()  # kinds recorded as held (`partyday meeting add`)
    speaker: str = ""  # a 党课's speaker
    group: str = ""  # a 党小组会's 党小组 ('' : the whole branch)

    @property
    def recorded(self) -> bool:
        return self.signed

    @property
    def own_meeting(self) -> bool:
        """A 支委会, 党小组会, 党课 … on a day of its own (not a 主题党日): its 会议记录 is its
        record; the 记实表 and its deadline are the activity day's."""
        return bool(self.meeting_kinds) and set(self.kinds) <= set(self.meeting_kinds) and "主题党日" not in self.kinds

    @property
    def expected(self) -> int:
        return self.rows - self.exempt

    @property
    def present(self) -> int:
        return self.expected - self.excused - self.absent - self.makeup

    @property
    def rate(self) -> Fraction | None:
        return Fraction(self.present, self.expected) if self.expected else None

    @cached_property
    def themes(self) -> tuple[str, ...]:
        return tuple(t for t in self.theme.split("、") if t)


@dataclass(frozen=True)
class ActivityStat:
    counts: ActivityCounts
    below_threshold: bool
    record_deadline: date | None = None
    record_late: str = ""  # Chinese sentence when the 记实表 was filed late


def activity_stats(acts: Iterable[ActivityCounts], thresholds: Thresholds,
                   deadline_for: Callable[[date], date] | None = None,
                   as_of: date | None = None) -> list[ActivityStat]:
    """Per activity: below the rate, and its 记实表 late — filed after the deadline, or
    (given `as_of`) not filed by a deadline already passed."""
    out = []
    for a in acts:
        below = a.rate is not None and a.rate < thresholds.attendance_rate
        deadline, late = None, ""
        if deadline_for is not None and (a.record_filed_on is not None or as_of is not None) and not a.own_meeting:
            deadline = deadline_for(a.date)
            if a.record_filed_on is not None and a.record_filed_on > deadline:
                late = (f"记实表逾期：{a.branch}{day_zh(a.date)}的活动应于{day_zh(deadline)}前填报，"
                        f"实际{day_zh(a.record_filed_on)}填报")
            elif a.record_filed_on is None and as_of is not None and deadline < as_of:
                late = (f"记实表逾期：{a.branch}{day_zh(a.date)}的活动应于{day_zh(deadline)}前填报，"
                        f"截至{day_zh(as_of)}尚未填报")
        out.append(ActivityStat(a, below, deadline, late))
    return out


# ------------------------------------------------------------------------------ members


@dataclass(slots=True)
class Flag:
    code: str  # talk | unqualified | consecutive | lapse_warn | lapse | dues
    text: str
    rule: str = ""  # a dues flag that is also 党章第九条's: 'lapse' | 'lapse_warn'


def _dues_rule(text: str) -> str:
    from partyday_cli.core.dues import LAPSE_MARK, LAPSE_WARN_MARK

    return "lapse" if LAPSE_MARK in text else "lapse_warn" if LAPSE_WARN_MARK in text else ""


@dataclass(slots=True)
class MemberTally:
    """A member's attendance rows, year to the period's end and within the period."""

    member_id: int
    rows: int = 0
    exempt: int = 0
    excused: int = 0
    absent: int = 0
    makeup: int = 0
    period_rows: int = 0
    period_exempt: int = 0
    period_excused: int = 0
    period_absent: int = 0
    period_makeup: int = 0
    events: list[tuple[date, str]] = field(default_factory=list)  # dated rows (members with a 缺席)

    @property
    def expected(self) -> int:
        return self.rows - self.exempt

    @property
    def present(self) -> int:
        return self.expected - self.excused - self.absent - self.makeup

    @property
    def period_expected(self) -> int:
        return self.period_rows - self.period_exempt

    @property
    def period_present(self) -> int:
        return self.period_expected - self.period_excused - self.period_absent - self.period_makeup


@dataclass(slots=True)
class MemberInfo:
    name: str
    branch: str = ""
    group: str = ""
    phone: str = ""


def _dates_zh(days: Sequence[date]) -> str:
    return "、".join(day_zh(d) for d in days)


def _runs(events: Sequence[tuple[date, str]], *, exempt_breaks: bool) -> list[list[date]]:
    """Runs of 缺席 not broken by participation or leave. A 免参加 row is not an expected
    activity: it does not break a run of absences in a row, but an approved exemption is
    a good reason, so it ends a stretch without organisational life (党章第九条)."""
    runs: list[list[date]] = []
    current: list[date] = []
    for day, status in sorted(events):
        if status == "缺席":
            current.append(day)
        elif status != "免参加" or exempt_breaks:
            if current:
                runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def attendance_flags(events: Sequence[tuple[date, str]], t: Thresholds, since: date | None = None) -> list[Flag]:
    """The attendance flags of one member from their rows of the year, in date order.
    `since`: the period's first day — a run of absences (连续缺勤, 党章第九条) that ended
    before it is an earlier quarter's, not this one's (the year's totals count all)."""
    counted = ("缺席", "请假") if t.absences_count == "all" else ("缺席",)
    absent = sorted(d for d, s in events if s in counted)
    what = "不参加活动" if t.absences_count == "all" else "无故缺席"
    flags = []
    n = len(absent)
    if n >= t.absences_unqualified:
        flags.append(Flag("unqualified", f"不合格党员处置参考：全年{what}{n}次（{_dates_zh(absent)}），"
                                         f"达到{t.absences_unqualified}次及以上，作为民主评议中确定不合格党员的重要依据"))
    elif n >= t.absences_talk:
        flags.append(Flag("talk", f"谈话提醒：全年{what}{n}次（{_dates_zh(absent)}），"
                                  f"达到{t.absences_talk}次，支部应及时谈话提醒、提出限期整改意见"))
    for run in _runs(events, exempt_breaks=False):
        if len(run) >= t.consecutive_absences and (since is None or run[-1] >= since):
            flags.append(Flag("consecutive", f"连续缺勤：{_dates_zh(run)}连续{len(run)}次无故缺席"
                                             f"（达到连续{t.consecutive_absences}次）"))
    for run in _runs(events, exempt_breaks=True):
        if since is not None and run[-1] < since:
            continue
        months = month_index(run[-1]) - month_index(run[0]) + 1
        span = f"{run[0].month}月—{run[-1].month}月"
        if months >= t.lapse_flag_months:
            flags.append(Flag("lapse", f"党章第九条：{span}连续{months}个月未参加党的组织生活"
                                       f"（{_dates_zh(run)}均无故缺席），应视为自行脱党情形，请支部核实处理"))
        elif months >= t.lapse_warn_months:
            flags.append(Flag("lapse_warn", f"党章第九条提醒：{span}连续{months}个月未参加党的组织生活，"
                                            f"连续{t.lapse_flag_months}个月将按党章第九条处理"))
    return flags


@dataclass(slots=True)
class MemberStat:
    member_id: int
    info: MemberInfo
    tally: MemberTally
    flags: tuple[Flag, ...]
    label: str  # the name, or 张伟（第二党小组） when the report holds two of that name

    @property
    def absences(self) -> int:
        return self.tally.absent


def member_stats(tallies: Mapping[int, MemberTally], directory: Mapping[int, MemberInfo],
                 thresholds: Thresholds, dues: Mapping[int, DuesLine] | None = None,
                 branches: Sequence[str] = (), since: date | None = None) -> list[MemberStat]:
    """Every member with attendance rows or dues lines, in branch order (`branches`, the
    workspace's; others after them by name) and roster order. `since`: the period's
    first day (`attendance_flags`)."""
    dues = dues or {}
    infos = {i: directory.get(i) or MemberInfo(f"#{i}") for i in {*tallies, *dues}}
    labels = namesake_labels(infos.items())
    out = []
    place = {b: n for n, b in enumerate(branches)}
    for *_, i in sorted([(place.get(info.branch, len(place)), info.branch, i) for i, info in infos.items()]):
        info = infos[i]
        tally = tallies.get(i) or MemberTally(i)
        flags = attendance_flags(tally.events, thresholds, since) if tally.absent else []
        line = dues.get(i)
        if line is not None and line.flags:
            flags += [Flag("dues", text, _dues_rule(text)) for text in line.flags]
        out.append(MemberStat(i, info, tally, tuple(flags), labels.get(i, info.name)))
    return out


# --------------------------------------------------------------------------------- dues


@dataclass(slots=True)
class DuesLine:
    """One member's dues for the report: months of the year up to the period's end."""

    member_id: int
    name: str
    branch: str
    group: str
    monthly: Decimal
    base: Decimal | None
    due_period: Decimal
    paid_period: Decimal
    due_ytd: Decimal
    paid_ytd: Decimal
    owed: Decimal  # 欠交: months 未交 up to the period's end
    arrears_months: tuple[str, ...]
    pending_months: tuple[str, ...]
    max_consecutive_unpaid: int
    flags: tuple[str, ...]
    standard_note: str = ""
    unrecorded_months: tuple[str, ...] = ()  # months of the period after the 台账 stops (未登记)
    unrecorded_due: Decimal = Decimal("0.00")  # what those months are due: not counted as 欠交


def dues_line(md: Any, period: Period) -> DuesLine:
    """A `core.dues.MemberDues` cut to the months of the year up to the period's end."""
    last = f"{period.end:%Y-%m}"
    first = f"{period.start:%Y-%m}"
    months = [m for m in md.months if m.month <= last]
    inside = [m for m in months if m.month >= first]
    zero = Decimal("0.00")
    return DuesLine(
        member_id=md.member_id, name=md.name, branch=md.branch, group=getattr(md, "group", ""),
        monthly=md.standard.monthly, base=md.standard.base,
        due_period=sum((m.due for m in inside), zero), paid_period=sum((m.paid for m in inside), zero),
        due_ytd=sum((m.due for m in months), zero), paid_ytd=sum((m.paid for m in months), zero),
        owed=sum((m.due - m.paid for m in months if m.status == "未交"), zero),
        arrears_months=tuple(m.month for m in months if m.status == "未交"),
        pending_months=tuple(m.month for m in months if m.status in ("待交", "季度内")),
        max_consecutive_unpaid=md.max_consecutive_unpaid, flags=tuple(md.flags),
        standard_note=md.standard.note,
        unrecorded_months=tuple(m.month for m in inside if m.status == "未登记"),
        unrecorded_due=sum((m.due - m.paid for m in inside if m.status == "未登记"), zero))


@dataclass(frozen=True)
class DuesTotals:
    due_period: Decimal
    paid_period: Decimal
    due_ytd: Decimal
    paid_ytd: Decimal
    owed: Decimal
    members: int
    members_in_arrears: int
    members_flagged: int
    unrecorded_months: tuple[str, ...] = ()  # months of the period the 台账 does not reach yet
    unrecorded_due: Decimal = Decimal("0.00")

    @property
    def unrecorded_text(self) -> str:
        """'2017年7月—9月台账尚未登记（应交 8277.30 元），未计入欠交…' or ''."""
        if not self.unrecorded_months:
            return ""
        from partyday_cli.core.dues import months_list_zh

        return (f"{months_list_zh(list(self.unrecorded_months))}台账尚未登记（应交 {self.unrecorded_due} 元），"
                "未计入欠交，导入最新的党费台账后再核对")


def dues_totals(lines: Iterable[DuesLine]) -> DuesTotals:
    lines = list(lines)
    zero = Decimal("0.00")
    return DuesTotals(
        due_period=sum((x.due_period for x in lines), zero), paid_period=sum((x.paid_period for x in lines), zero),
        due_ytd=sum((x.due_ytd for x in lines), zero), paid_ytd=sum((x.paid_ytd for x in lines), zero),
        owed=sum((x.owed for x in lines), zero), members=len(lines),
        members_in_arrears=sum(1 for x in lines if x.owed > 0),
        members_flagged=sum(1 for x in lines if x.flags),
        unrecorded_months=tuple(sorted({m for x in lines for m in x.unrecorded_months})),
        unrecorded_due=sum((x.unrecorded_due for x in lines), zero))


class PaidInFull:
    """The dues lines of members who paid every owed month in full and on time, straight
    from the ledger's per-member aggregate, for one period; None where anything needs
    `core.dues.dues_status` (a gap, a short, late or doubled payment, a payment for a month
    not owed, a zero standard). For such a member `dues_status` gives every month 已交,
    nothing owed and no flag.

    The figures depend only on the 党费标准, the amount and the months owed, so they are
    worked out once per such triple (thousands of members share one), in `Decimal`.
    """

    def __init__(self, period: Period) -> None:
        self.start_month = period.start.month
        self._figures: dict[tuple[str, str, tuple[str, ...]], tuple[Decimal, ...] | None] = {}

    def line(self, member_id: int, name: str, branch: str, group: str, monthly: str, base: Decimal | None,
             note: str, due_months: tuple[str, ...], paid: tuple[int, int, str, str, str, str, int] | None
             ) -> DuesLine | None:
        """`monthly` is the 党费标准 as text; `paid` is (rows, distinct months, first month,
        last month, smallest amount, largest amount (as text), late rows) over the months
        of the year up to the period's end."""
        if paid is None or not due_months:
            return None
        rows, distinct, first, last, low, high, late = paid
        if rows != distinct or rows != len(due_months) or first != due_months[0] or last != due_months[-1] \
                or low != high or late:
            return None
        key = (monthly, low, due_months)
        try:
            figures = self._figures[key]
        except KeyError:
            figures = self._figures[key] = _in_full(Decimal(monthly), low, due_months, self.start_month)
        if figures is None:
            return None
        return DuesLine(member_id, name, branch, group, figures[0], base, figures[1], figures[2], figures[3],
                        figures[4], _NOTHING_OWED, (), (), 0, (), note)


_NOTHING_OWED = Decimal("0.00")


def _in_full(monthly: Decimal, amount_text: str, due_months: tuple[str, ...], start_month: int
             ) -> tuple[Decimal, Decimal, Decimal, Decimal, Decimal] | None:
    """(the standard, due and paid within the period, due and paid year to date) of a
    member who paid `amount_text` for every one of `due_months`; None when that is less
    than the standard, or the standard is zero (免交: no month is 已交 by paying it)."""
    amount = Decimal(amount_text)
    if monthly <= 0 or amount < monthly:
        return None
    start = f"{due_months[0][:4]}-{start_month:02d}"
    inside = len(due_months) - bisect_left(due_months, start)
    rows = len(due_months)
    return monthly, monthly * inside, amount * inside, monthly * rows, amount * rows


# ---------------------------------------------------------------------- themes and kinds


@dataclass(frozen=True)
class Check:
    """One requirement over one window: a theme of the catalogue or a 三会一课 kind."""

    branch: str
    category: str  # "theme" | "kind"
    name: str
    requirement: str  # '党务公开（每季度一次）'
    window: str  # '第二季度', '5月', '全年'
    required: int
    count: int
    dates: tuple[date, ...]
    status: str  # ok | short | behind | pending
    text: str = ""
    waiting: tuple[date, ...] = ()  # planned days of the window gone by without a sign-in file

    @property
    def status_zh(self) -> str:
        return {"ok": "达到要求", "short": "未达要求", "behind": "进度落后", "pending": "尚在期内"}[self.status]


def _month_end(year: int, month: int) -> date:
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


@cache
def _windows(frequency: str, year: int) -> list[tuple[str, date, date]]:
    if frequency == "monthly":
        return [(f"{m}月", date(year, m, 1), _month_end(year, m)) for m in range(1, 13)]
    if frequency == "quarterly":
        return [(QUARTER_ZH[q], date(year, 3 * q + 1, 1), _month_end(year, 3 * q + 3)) for q in range(4)]
    if frequency == "halfyearly":
        return [("上半年", date(year, 1, 1), date(year, 6, 30)), ("下半年", date(year, 7, 1), date(year, 12, 31))]
    if frequency == "year-start":
        return [("年初（1—3月）", date(year, 1, 1), date(year, 3, 31))]
    return [("全年", date(year, 1, 1), date(year, 12, 31))]


def _judge(branch: str, category: str, name: str, requirement: str, window: tuple[str, date, date],
           required: int, hits: list[date], as_of: date, pace: bool) -> Check:
    label, start, end = window
    inside = tuple(sorted(d for d in hits if start <= d <= end))
    n = len(inside)
    text = ""
    if n >= required:
        status = "ok"
    elif end <= as_of:
        status = "short"
        text = f"{requirement}：{label}" + ("未开展" if n == 0 else f"只开展了{n}次")
    elif pace and n < required * (as_of - start).days // ((end - start).days + 1):
        status = "behind"
        text = f"{requirement}：截至{day_zh(as_of)}只开展了{n}次，进度落后"
    else:
        status = "pending"
    return Check(branch, category, name, requirement, label, required, n, inside, status, text)


def _in_scope(window: tuple[str, date, date], period: Period, as_of: date) -> bool:
    _, start, end = window
    return start <= min(period.end, as_of) and end >= period.start


def _kinds_held(named: Sequence[str], meetings: Sequence[ActivityCounts]) -> list[date]:
    """The days a requirement naming meeting kinds (组织生活会和民主评议党员) was met by
    meetings of those kinds: each meeting of them all, or, where none was and they were
    held apart, the day the last of them was held."""
    together = [a.date for a in meetings if set(named) <= set(a.kinds)]
    firsts = [min((a.date for a in meetings if k in a.kinds), default=None) for k in named]
    if together or None in firsts:
        return together
    return [max(d for d in firsts if d is not None)]


_MEETING_KINDS = ("支部党员大会", "支部委员会", "党小组会", "党课", "组织生活会", "民主评议党员")


@cache
def _meeting_named(name: str) -> tuple[str, ...]:
    """The kinds a requirement's name is made of (组织生活会和民主评议党员 → both), or ()
    where it names a subject (“两学一做”学习教育, 党员学习教育日) that only a day's theme meets."""
    found = tuple(k for k in _MEETING_KINDS if k in name)
    rest = name
    for k in found:
        rest = rest.replace(k, "")
    return found if found and not rest.strip("和及与、暨 “”\"") else ()


def theme_checks(branch: str, held: Sequence[ActivityCounts], catalogue: Any, period: Period,
                 as_of: date, minutes: Sequence[ActivityCounts] = (), counted: Collection[str] = ()) -> list[Check]:
    """Each requirement of the catalogue over its windows in the period (held = recorded;
    `minutes`: meetings recorded as held, their sign-in file still to come). A requirement
    that names meeting kinds (组织生活会和民主评议党员) is met by a day with its theme or by
    meetings of those kinds, as `kind_checks` counts them. A requirement that is only
    kinds `[meeting_kinds]` counts (`counted`: 主题党日, 支部党员大会, 党课 in a catalogue made
    from the same 三会一课 table) is left to `kind_checks`: one requirement, one line."""
    out = []
    for req in catalogue.planned():
        if req.name in counted or set(_meeting_named(req.name)) and set(_meeting_named(req.name)) <= set(counted):
            continue
        def hit(a: ActivityCounts, req: Any = req) -> bool:
            return req.name in a.themes or ("、" in req.name and req.name in a.theme)

        hits = [a.date for a in held if hit(a)]
        named = _meeting_named(req.name)
        if named:
            hits = sorted({*hits, *_kinds_held(named, [*held, *minutes])})
        if req.frequency == "around":
            months = {m for w in req.windows for m in w}
            hits = [d for d in hits if d.month in months]
            windows = [(req.label.split("（")[-1].rstrip("）"), date(period.year, min(months), 1),
                        _month_end(period.year, max(months)))]
        else:
            windows = _windows(req.frequency, period.year)
        required = req.count if req.frequency == "atleast" else 1
        for w in windows:
            if _in_scope(w, period, as_of):
                out.append(_judge(branch, "theme", req.name, req.label, w, required, hits, as_of,
                                  pace=req.frequency == "atleast"))
    year = _windows("yearly", period.year)[0]
    if catalogue.min_activities and _in_scope(year, period, as_of):
        out.append(_judge(branch, "theme", "全年活动", f"全年活动不少于{catalogue.min_activities}次", year,
                          catalogue.min_activities, [a.date for a in held], as_of, pace=True))
    per_month = getattr(catalogue, "min_per_month", 0)  # 每月至少两次: month by month
    for w in (_windows("monthly", period.year) if per_month else []):
        if _in_scope(w, period, as_of):
            out.append(_judge(branch, "theme", "每月活动", f"每月至少{per_month}次", w, per_month,
                              [a.date for a in held], as_of, pace=False))
    if catalogue.min_chosen and _in_scope(year, period, as_of):
        firsts: dict[str, date] = {}
        for a in sorted(held, key=lambda a: a.date):
            for t in a.themes:
                if catalogue.is_chosen(t):
                    firsts.setdefault(t, a.date)
        out.append(_judge(branch, "theme", "自选主题", f"自选主题（不少于{catalogue.min_chosen}个）", year,
                          catalogue.min_chosen, list(firsts.values()), as_of, pace=False))
    return out


_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九十")}


def _group_order(name: str) -> tuple[int, str]:
    """第一党小组 before 第二党小组 before 第十党小组; other names after, by name."""
    found = re.match(r"第([一二三四五六七八九十]+|\d+)", name)
    if not found:
        return (1000, name)
    text = found.group(1)
    if text.isdigit():
        return (int(text), name)
    n = 0
    for c in text:
        n = n * 10 + _CN_DIGITS[c] if c != "十" else (n or 1) * 10
    return (n, name)


def kind_checks(branch: str, held: Sequence[ActivityCounts], rules: Sequence[KindRule], period: Period,
                as_of: date, groups: Sequence[str] = (), waiting: Sequence[ActivityCounts] = ()) -> list[Check]:
    """三会一课 and the other kinds counted against `[meeting_kinds]` over the period's windows.
    A 党小组会 is required of each 党小组 of the branch (`groups`); one held by the whole
    branch (no group, e.g. a plan day's) counts for every group; a branch whose roster
    names no 党小组 is asked none. A day whose theme is the kind counts as it too.
    `waiting`: the branch's planned days gone by without a sign-in file; one of the kind in
    a window it leaves short is named (1月14日计划召开，尚未导入签到), not just 未开展."""
    out = []

    def of(rule: KindRule, a: ActivityCounts) -> bool:
        return rule.kind in a.kinds or rule.kind in a.themes

    for rule in rules:
        scopes: list[tuple[str, list[date], list[date]]]
        if rule.kind == "党小组会" and not groups:
            continue  # a branch with no 党小组 (the roster names none) holds no 党小组会
        if rule.kind == "党小组会":
            scopes = [(f"{rule.kind}（{g}，{rule.text}）",
                       [a.date for a in held if of(rule, a) and a.group in ("", g)],
                       [a.date for a in waiting if of(rule, a) and a.group in ("", g)]) for g in groups]
        else:
            scopes = [(f"{rule.kind}（{rule.text}）", [a.date for a in held if of(rule, a)],
                       [a.date for a in waiting if of(rule, a)])]
        for requirement, hits, planned in scopes:
            for w in _windows(rule.frequency, period.year):
                if _in_scope(w, period, as_of):
                    check = _judge(branch, "kind", rule.kind, requirement, w, rule.count,
                                   hits, as_of, pace=rule.frequency == "yearly")
                    days = [d for d in planned if w[1] <= d <= w[2]]
                    if check.status in ("short", "behind") and days:
                        check = replace(check, text=f"{check.text}（{'、'.join(day_zh(d) for d in days)}"
                                                    "计划召开，尚未导入签到）", waiting=tuple(days))
                    out.append(check)
    return out


def secretary_lectures_from_config(section: Mapping[str, Any]) -> int:
    """[lectures] secretary_yearly: how many 党课 the 书记 gives a year (0: not asked)."""
    value = (section or {}).get("secretary_yearly", 0)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise UserError(f"partyday.toml [lectures] secretary_yearly = “{value}” 无法识别，"
                        "应为支部书记每年至少讲党课的次数（整数，0 = 不要求）")
    return value


def lecture_speaker_check(branch: str, held: Sequence[ActivityCounts], secretary: str, required: int,
                          period: Period, as_of: date) -> list[Check]:
    """负责人每年至少讲一次党课 (seed 000): the 党课 of the year given by the branch's 书记."""
    year = _windows("yearly", period.year)[0]
    if required < 1 or not _in_scope(year, period, as_of):
        return []
    name = f"支部书记{secretary or ''}讲党课"
    check = _judge(branch, "kind", "党课主讲人", f"{name}（每年至少{required}次）", year, required,
                   [a.date for a in held if "党课" in a.kinds and secretary and a.speaker == secretary],
                   as_of, pace=False)
    if not secretary and check.status == "short":
        check = replace(check, text=f"{check.text}（不知道支部书记是谁：请在 partyday.toml 的支部下写 "
                                    "secretary = \"姓名\"，或在花名册备注中写明“支部书记”）")
    return [check]


def plan_check(held: Sequence[ActivityCounts], catalogue: Any) -> list[str]:
    """`core.themes.check_plan` over the activities held in a whole year."""
    from partyday_cli.core.themes import PlannedTheme, check_plan

    items = [PlannedTheme(a.date, a.themes, a.kinds, "", "") for a in held]
    return [s.replace("计划中未安排", "未开展").replace("计划中只安排了", "只开展了")
            for s in check_plan(items, catalogue)]


# ------------------------------------------------------------------------------ roll-up


@dataclass(frozen=True)
class BranchSummary:
    branch: str
    planned: int  # activities of the period up to the report day
    recorded: int
    below: int
    avg_rate: Fraction | None  # mean of the recorded activities' rates
    members: int
    members_flagged: int
    owed: Decimal
    members_in_arrears: int
    theme_short: int
    kind_short: int
    late_records: int

    @property
    def concerns(self) -> list[str]:
        """What this branch's 党委 should look at, in Chinese ([] for a branch in order)."""
        out = []
        if self.planned and not self.recorded:
            out.append("没有签到记录")
        elif self.planned > self.recorded:
            out.append(f"{self.planned - self.recorded} 次活动未导入签到")
        if self.below:
            out.append(f"到会率不达标 {self.below} 次")
        if self.members_flagged:
            out.append(f"提醒党员 {self.members_flagged} 人")
        if self.members_in_arrears:
            out.append(f"欠交党费 {self.members_in_arrears} 人")
        if self.theme_short + self.kind_short:
            out.append(f"缺项 {self.theme_short + self.kind_short} 项")
        if self.late_records:
            out.append(f"记实表逾期 {self.late_records} 次")
        return out

    def sort_key(self) -> tuple:
        """Worst first: no record at all, then the lowest average rate, then the most
        members flagged, the most dues owed, the most shortfalls; alike, in the order the
        rows come (the workspace's branch order: the sort is stable)."""
        rate = Fraction(-1) if self.avg_rate is None else self.avg_rate
        return (rate, -self.members_flagged, -self.owed, -(self.theme_short + self.kind_short))


def _by_branch(items: Iterable[Any], key: Callable[[Any], str]) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for item in items:
        out.setdefault(key(item), []).append(item)
    return out


def branch_rollup(branches: Sequence[str], acts: Sequence[ActivityStat], pending: Sequence[ActivityCounts],
                  members: Sequence[MemberStat], dues: Sequence[DuesLine], checks: Sequence[Check],
                  roster_counts: Mapping[str, int] | None = None) -> list[BranchSummary]:
    """One row per branch, the worst first. `roster_counts`: each branch's members on the
    roster at the report's day, for 党员 (else: those expected at the period's activities,
    none for a branch whose sign-ins are not in yet)."""
    acts_by = _by_branch(acts, lambda a: a.counts.branch)
    pending_by = _by_branch(pending, lambda a: a.branch)
    people_by = _by_branch(members, lambda m: m.info.branch)
    dues_by = _by_branch(dues, lambda d: d.branch)
    short_by = _by_branch((c for c in checks if c.status in ("short", "behind")), lambda c: c.branch)
    out = []
    for b in dict.fromkeys([*branches, *acts_by]):
        mine, people, owing, short = (acts_by.get(b, []), people_by.get(b, []), dues_by.get(b, []),
                                      short_by.get(b, []))
        rates = [a.counts.rate for a in mine if a.counts.rate is not None]
        out.append(BranchSummary(
            branch=b, planned=len(mine) + len(pending_by.get(b, [])), recorded=len(mine),
            below=sum(1 for a in mine if a.below_threshold),
            avg_rate=sum(rates, Fraction(0)) / len(rates) if rates else None,
            members=roster_counts.get(b, 0) if roster_counts is not None else
            sum(1 for m in people if m.tally.period_expected > 0),
            members_flagged=sum(1 for m in people if m.flags),
            owed=sum((d.owed for d in owing), Decimal("0.00")),
            members_in_arrears=sum(1 for d in owing if d.owed > 0),
            theme_short=sum(1 for c in short if c.category == "theme"),
            kind_short=sum(1 for c in short if c.category == "kind"),
            late_records=sum(1 for a in mine if a.record_late)))
    return sorted(out, key=BranchSummary.sort_key)


# ------------------------------------------------------------------------------- report


class UnresolvedName(NamedTuple):
    """A name on a sign-in file in force that matched no member and is not yet decided."""

    date: date
    branch: str
    raw_name: str
    file: str
    row: int | None


@dataclass(frozen=True)
class Report:
    period: Period
    as_of: date  # the period's end, or today when the period is not over
    thresholds: Thresholds
    branch: str | None  # one branch, or None for every branch of the workspace
    activities: list[ActivityStat]  # recorded activities of the period
    unrecorded: list[ActivityCounts]  # activities of the period without attendance rows
    members: list[MemberStat]
    dues: list[DuesLine] | None  # None: no dues recorded for the year
    checks: list[Check]
    plan_checks: dict[str, list[str]]  # branch → check_plan sentences (whole-year reports)
    branches: list[BranchSummary]
    # sign-in names of the year to `as_of` still to be decided (attend resolve): until then
    # whoever they are counts as not signed in, so absences and flags may be too many
    unresolved: list[UnresolvedName] = field(default_factory=list)

    @property
    def dues_totals(self) -> DuesTotals:
        return dues_totals(self.dues or [])

    @property
    def shortfalls(self) -> list[Check]:
        return [c for c in self.checks if c.status in ("short", "behind")]


def build_report(*, period: Period, today: date, thresholds: Thresholds, branch: str | None,
                 branches: Sequence[str], activities: Sequence[ActivityCounts],
                 tallies: Mapping[int, MemberTally], directory: Mapping[int, MemberInfo],
                 dues: Sequence[DuesLine] | None, catalogues: Mapping[str, Any],
                 kind_rules: Sequence[KindRule], deadline_for: Callable[[date], date] | None = None,
                 secretaries: Mapping[str, str] | None = None, secretary_lectures: int = 0,
                 roster_counts: Mapping[str, int] | None = None,
                 unresolved: Sequence[UnresolvedName] = ()) -> Report:
    """The report of `period` from the year's activities up to the period's end."""
    as_of = min(period.end, today)
    place = {b: n for n, b in enumerate(branches)}  # one day's activities in the workspace's branch order
    in_period = sorted((a for a in activities if period.start <= a.date <= period.end),
                       key=lambda a: (a.date, place.get(a.branch, len(place)), a.branch))
    stats = activity_stats((a for a in in_period if a.recorded), thresholds, deadline_for, as_of)
    # a day still waiting for its sign-in file: a plan day, or a 主题党日 recorded as held; a
    # 支委会/党小组会/党课 from the register counts in 三会一课 without one (its 会议记录 is the record)
    unrecorded = [a for a in in_period if not a.recorded and not a.own_meeting]
    dues_by_member = {d.member_id: d for d in dues or ()}
    members = member_stats(tallies, directory, thresholds, dues_by_member, branches, since=period.start)
    held_by = _by_branch((a for a in activities if a.recorded and a.date <= as_of), lambda a: a.branch)
    # a meeting recorded as held counts for its kinds before its sign-in file comes in
    minutes_by = _by_branch((replace(a, kinds=a.meeting_kinds) for a in activities
                             if not a.recorded and a.meeting_kinds and a.date <= as_of), lambda a: a.branch)
    groups: dict[str, list[str]] = {}  # each branch's 党小组, as the roster names them
    for info in directory.values():
        if info.group and info.group not in groups.setdefault(info.branch, []):
            groups[info.branch].append(info.group)
    for g in groups.values():
        g.sort(key=_group_order)
    checks: list[Check] = []
    plan_checks: dict[str, list[str]] = {}
    names = list(dict.fromkeys([*branches, *held_by]))
    counted = {rule.kind for rule in kind_rules}
    waiting_by = _by_branch((a for a in unrecorded if a.date <= as_of), lambda a: a.branch)
    for b in names:
        held = held_by.get(b, [])
        catalogue = catalogues.get(b)
        if catalogue is not None:
            checks += theme_checks(b, held, catalogue, period, as_of, minutes_by.get(b, []), counted)
            if period.quarter is None and as_of >= period.end:
                plan_checks[b] = plan_check(held, catalogue)
        checks += kind_checks(b, held + minutes_by.get(b, []), kind_rules, period, as_of, groups.get(b, ()),
                              waiting_by.get(b, []))
        checks += lecture_speaker_check(b, held + minutes_by.get(b, []), (secretaries or {}).get(b, ""),
                                        secretary_lectures, period, as_of)
    # a day still to come is not one whose sign-in is missing (an annual report run in July)
    rollup = branch_rollup(names, stats, [a for a in unrecorded if a.date <= as_of], members, list(dues or ()),
                           checks, roster_counts)
    return Report(period, as_of, thresholds, branch, stats, unrecorded, members,
                  None if dues is None else list(dues), checks, plan_checks, rollup,
                  [u for u in unresolved if u.date <= as_of])
