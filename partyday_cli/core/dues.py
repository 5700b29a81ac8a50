"""党费: each member's monthly standard and what they paid and owe (SPEC §8).

Pure functions over `Member`s and `Payment`s; Decimal only, never float or round().

The rules (中组发〔2008〕3号; 组电明字〔2017〕5号):

- in service, on the monthly income after tax: ≤3000 → 0.5%, ≤5000 → 1%, ≤10000 →
  1.5%, above → 2%; one rate on the whole base (5100 → 76.50);
- retired, on the basic pension: ≤5000 → 0.5%, above → 1%;
- 农民: `policy.farmer_monthly` (0.20–1.00); 学生, 下岗失业, 低保 (抚恤/救济):
  `policy.reduced_monthly`; for every category the roster's 党费标准 (`dues_override`)
  wins: the branch's decision (a farmer's 1.00, a reduction, 0 for 免交, or a member
  who chooses to pay more);
- the computed amount is capped at `policy.cap`; an override above it is voluntary;
- ROUND_HALF_UP to the cent.

The base is fixed at the start of the year: the caller passes each member as the roster
in force on 1 January describes their income and category (a member who joins later: as
the first roster listing them), with the membership dates of the newest roster
(`store.dues.members_for_year` does this).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from partyday_cli.core.members import Member

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

# (upper bound inclusive or None, rate)
IN_SERVICE_BRACKETS: tuple[tuple[Decimal | None, Decimal], ...] = (
    (Decimal("3000"), Decimal("0.005")),
    (Decimal("5000"), Decimal("0.01")),
    (Decimal("10000"), Decimal("0.015")),
    (None, Decimal("0.02")),
)
RETIRED_BRACKETS: tuple[tuple[Decimal | None, Decimal], ...] = (
    (Decimal("5000"), Decimal("0.005")),
    (None, Decimal("0.01")),
)
FIXED_CATEGORIES = ("农民", "学生", "下岗失业", "低保")

OVERRIDE_NOTE = "按花名册“党费标准”"
PAID, UNPAID, PENDING, IN_QUARTER, LATE, NOT_DUE = "已交", "未交", "待交", "季度内", "补交", "不适用"
# The sentences of the dues flags that are 党章第九条's (the report's summary names them there too)
LAPSE_MARK = "按党章第九条应视为自行脱党情形"
LAPSE_WARN_MARK = "将按党章第九条处理"
UNRECORDED = "未登记"  # after the last month anyone's payment is recorded: the 台账 stops there


@dataclass(frozen=True)
class DuesPolicy:
    """The [dues] config and the 党章第九条 thresholds ([thresholds] lapse_*_months)."""

    farmer_monthly: Decimal = Decimal("0.20")
    reduced_monthly: Decimal = Decimal("0.20")
    cap: Decimal = Decimal("1000.00")
    quarterly_payment: bool = False  # 经支部同意按季度交纳
    lapse_warn_months: int = 3
    lapse_flag_months: int = 6
    late_flag_months: int = 6  # 补交 more than this many months after the month is flagged


def standard_policy(policy: DuesPolicy) -> str:
    """The [dues] amounts a `Standard` depends on, as text: a stored standard is reused
    only under the same amounts (`store.dues.save_standards`)."""
    return "|".join(format(v.normalize(), "f") for v in (policy.farmer_monthly, policy.reduced_monthly, policy.cap))


@dataclass(frozen=True)
class Standard:
    """A member's monthly dues: `base` × `rate`, or a fixed amount (rate None)."""

    base: Decimal | None
    category: str
    rate: Decimal | None
    monthly: Decimal
    note: str = ""
    missing: bool = False  # the roster lacks the income the standard needs


@dataclass(frozen=True)
class Payment:
    member_id: int
    month: str  # 'YYYY-MM'
    amount: Decimal
    paid_on: date | None = None


@dataclass(frozen=True)
class MonthDues:
    month: str
    due: Decimal
    paid: Decimal
    status: str  # 已交 未交 待交 季度内 补交 不适用
    paid_on: date | None = None


@dataclass(frozen=True)
class MemberDues:
    member_id: int
    name: str
    branch: str
    standard: Standard
    months: tuple[MonthDues, ...]
    paid_total: Decimal
    owed_total: Decimal
    arrears_months: tuple[str, ...]
    max_consecutive_unpaid: int
    flags: tuple[str, ...]
    group: str = ""
    labels: tuple[str, ...] = ()  # the flags in a few words, for a printed ledger's 备注


def cents(value: Decimal) -> Decimal:
    """Half-up to the cent (never round(), which rounds half to even)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def bracket_rate(base: Decimal, brackets: Sequence[tuple[Decimal | None, Decimal]]) -> Decimal:
    for upper, rate in brackets:
        if upper is None or base <= upper:
            return rate
    raise AssertionError("the last bracket is open")  # pragma: no cover


def monthly_standard(member: Member, policy: DuesPolicy) -> Standard:
    """The monthly amount the member owes, with a Chinese note on how it was set."""
    category = member.category
    override = member.dues_override
    if category in FIXED_CATEGORIES:
        return _fixed(member, policy, override)
    brackets = RETIRED_BRACKETS if category == "离退休" else IN_SERVICE_BRACKETS
    base = member.income
    if base is None:
        if override is not None:
            return Standard(None, category, None, cents(override), OVERRIDE_NOTE)
        what = "离退休费" if category == "离退休" else "月收入"
        return Standard(None, category, None, ZERO,
                        f"花名册未填{what}，无法核定党费标准，请补填后重新导入花名册", missing=True)
    rate = bracket_rate(base, brackets)
    computed = cents(base * rate)
    note = ""
    if computed > policy.cap:
        note = f"按比例应为 {computed} 元，超过每月上限，按 {cents(policy.cap)} 元交纳"
        computed = cents(policy.cap)
    if override is not None and cents(override) != computed:
        more = "本人自愿多交" if override > computed else "支部核定减交"
        return Standard(base, category, rate, cents(override),
                        f"{OVERRIDE_NOTE}（{more}；按比例应为 {computed} 元）")
    return Standard(base, category, rate, computed, note)


def _fixed(member: Member, policy: DuesPolicy, override: Decimal | None) -> Standard:
    default = policy.farmer_monthly if member.category == "农民" else policy.reduced_monthly
    if override is None:
        return Standard(member.income, member.category, None, cents(default), "")
    note = OVERRIDE_NOTE
    if override == 0:
        note += "（经支部同意免交）"
    elif member.category == "农民" and not Decimal("0.20") <= override <= Decimal("1.00"):
        note += "（超出农民党员 0.20–1.00 元的范围，请核实）"
    return Standard(member.income, member.category, None, cents(override), note)


# ------------------------------------------------------------------------ months


def month_key(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


@lru_cache(maxsize=512)
def month_bounds(key: str) -> tuple[date, date]:
    year, month = int(key[:4]), int(key[5:7])
    first = date(year, month, 1)
    nxt = date(year + month // 12, month % 12 + 1, 1)
    return first, nxt - timedelta(days=1)


def month_zh(key: str, *, with_year: bool = True) -> str:
    year, month = int(key[:4]), int(key[5:7])
    return f"{year}年{month}月" if with_year else f"{month}月"


def months_due(member: Member, year: int, upto: date) -> list[str]:
    """The months of `year` the member owes dues for, up to the month holding `upto`.

    A month is owed when the member belonged to the branch on any day of it: from the
    month of joining (预备党员 pay from the month the branch admitted them), to the
    month before `transferred_out` (its first day no longer a member; a transfer on the
    1st owes nothing for that month, one on the 15th owes that month).
    """
    start = max((d for d in (member.joined, member.transferred_in) if d is not None), default=None)
    return list(_owed_months(start, member.transferred_out, year, upto))


@lru_cache(maxsize=4096)
def _owed_months(start: date | None, out: date | None, year: int, upto: date) -> tuple[str, ...]:
    """Months m of `year` with first day ≤ `upto`, `start` ≤ last day and `out` > first day."""
    last = 12 if upto.year > year else 0 if upto.year < year else upto.month
    first = 1
    if start is not None:
        first = 13 if start.year > year else 1 if start.year < year else start.month
    if out is not None:  # out > the month's first day: its own month unless on the 1st
        last = min(last, 0 if out.year < year else 12 if out.year > year else out.month - (out.day == 1))
    return _MONTH_KEYS(year)[first - 1:last] if first <= last else ()


@lru_cache(maxsize=64)
def _MONTH_KEYS(year: int) -> tuple[str, ...]:  # noqa: N802 - a table, read as a constant
    return tuple(month_key(year, m) for m in range(1, 13))


# ------------------------------------------------------------------------ status


def dues_status(
    members: Sequence[tuple[int, Member]],
    payments: Sequence[Payment],
    *,
    year: int,
    today: date,
    policy: DuesPolicy,
    recorded_until: str | None = None,
    recorded_from: str | None = None,
) -> list[MemberDues]:
    """What each member owed and paid in `year` as of `today`, with Chinese flags.

    `payments` may hold several rows for one member and month (they add up). A month
    of the year is listed when it is owed up to `today`, or paid (a payment in advance,
    or one for a month the member did not belong to the branch: 不适用, flagged).
    An unpaid month after `recorded_until` ('YYYY-MM': the last month anyone's payment
    is recorded, see `last_recorded_month`) is 未登记, not 未交: a 台账 filled to June
    says nothing yet of July. None: no such cut-off. Likewise an unpaid month before
    `recorded_from` (the first month of the year anyone's payment is recorded): a 台账 whose
    first column is December of the year before says nothing of that year's other months.
    Payments for December of the year before may be given: one of exactly N + 1 months'
    dues (at this year's 党费标准) is 预交 of January to month N where those are unpaid
    (`_credit_from_december`).
    """
    by_member: dict[int, dict[str, list[Payment]]] = defaultdict(lambda: defaultdict(list))
    december: dict[int, list[Payment]] = defaultdict(list)  # of the year before: 预交 into this one
    prefix, before = f"{year:04d}-", f"{year - 1:04d}-12"
    for p in payments:
        if not p.amount:  # a month a corrected 台账 left blank (`store.dues.save_dues_import`)
            continue
        if p.month.startswith(prefix):
            by_member[p.member_id][p.month].append(p)
        elif p.month == before:
            december[p.member_id].append(p)
    return [_member_dues(mid, m, by_member.get(mid, {}), year, today, policy, recorded_until, recorded_from,
                         december.get(mid, ()))
            for mid, m in members]


def last_recorded_month(payments: Sequence[Payment], year: int) -> str | None:
    """The latest month of `year` with any payment recorded (where the 台账 stops)."""
    months = [p.month for p in payments if p.month.startswith(f"{year:04d}-")]
    return max(months) if months else None


def first_recorded_month(payments: Sequence[Payment], year: int) -> str | None:
    """The earliest month of `year` with any payment recorded (where the 台账 starts)."""
    months = [p.month for p in payments if p.month.startswith(f"{year:04d}-")]
    return min(months) if months else None


def _member_dues(member_id: int, member: Member, paid: dict[str, list[Payment]], year: int,
                 today: date, policy: DuesPolicy, recorded_until: str | None = None,
                 recorded_from: str | None = None, december: Sequence[Payment] = ()) -> MemberDues:
    standard = monthly_standard(member, policy)
    start = max((d for d in (member.joined, member.transferred_in) if d is not None), default=None)
    out = member.transferred_out
    if out is not None and member.transferred_out_precision == "month" and any(
            p.amount > 0 for p in paid.get(month_key(out.year, out.month), ())):
        # 2017年8月转出, and the 台账 has August paid: the branch collected the month it left
        # in (its 台账 decides; a “/” there says the month was not its to collect)
        out = out.replace(day=2)
    owed = _owed_months(start, out, year, today)
    whole_year = _owed_months(start, out, year, date(year, 12, 31))
    credits: list[tuple[str, str]] = []  # (label, line): 补交 or 预交
    ahead: list[str] = []
    if december and standard.monthly > 0:
        paid, ahead = _credit_from_december(paid, december, standard.monthly, whole_year)
    if paid and standard.monthly > 0:
        paid, credits = _credit_arrears(paid, owed, standard.monthly, whole_year)
    keys = sorted(set(owed).union(paid)) if paid else owed
    months = tuple(
        _unrecorded(_month(key, standard.monthly, paid.get(key, []), member=key in whole_year,
                           started=key in owed, today=today, policy=policy), recorded_until, recorded_from)
        for key in keys
    )
    arrears = tuple(md.month for md in months if md.status == UNPAID)
    owed_total = sum((md.due - md.paid for md in months if md.status == UNPAID), ZERO)
    runs = _unpaid_runs(months)
    flags = _flags(standard, months, runs, owed_total, policy) + [("预交", text) for text in ahead] + credits
    return MemberDues(
        member_id=member_id, name=member.name, branch=member.branch, standard=standard,
        months=months, paid_total=sum((md.paid for md in months), ZERO), owed_total=owed_total,
        arrears_months=arrears, max_consecutive_unpaid=max((len(r) for r in runs), default=0),
        flags=tuple(full for _, full in flags), group=member.group,
        labels=tuple(dict.fromkeys(label for label, _ in flags)),
    )


def _credit_arrears(paid: dict[str, list[Payment]], owed: Sequence[str], due: Decimal,
                    member_months: Sequence[str] = ()) -> tuple[dict[str, list[Payment]], list[tuple[str, str]]]:
    """A month paid more than its due after months left unpaid or short: the excess is
    补交 of those months, oldest first (杨帆 pays nothing in April and May and 247.50 in
    June: April and May are paid, in June). Each such credit is said in one line. Excess
    with nothing owed before it is 预交 of the months after it where it pays exactly them
    (`_credit_ahead`), else stays where the 台账 puts it (paying more is fine)."""
    totals = {k: sum((p.amount for p in ps), ZERO) for k, ps in paid.items()}
    if not any(total > due for total in totals.values()):
        return paid, []
    out = {k: list(ps) for k, ps in paid.items()}
    short = {k: due - totals.get(k, ZERO) for k in owed if totals.get(k, ZERO) < due}
    said: list[tuple[str, str]] = []  # (补交 or 预交, the line)
    for key in sorted(totals):
        excess = totals[key] - due
        if excess <= 0 or key not in owed:
            continue
        earlier = [k for k in sorted(short) if k < key and short[k] > 0]
        if not earlier:
            continue
        source = out[key]
        paid_on = _paid_on(source, key)
        member_id = source[0].member_id
        moved: list[str] = []
        for k in earlier:
            if excess <= 0:
                break
            amount = min(excess, short[k])
            out.setdefault(k, []).append(Payment(member_id, k, amount, paid_on))
            short[k] -= amount
            excess -= amount
            moved.append(k)
        given = totals[key] - due - excess
        # the month keeps its own due (and what was beyond every arrear)
        out[key] = [Payment(member_id, key, due + excess, paid_on)]
        said.append(("补交", f"{month_zh(key)}交纳 {totals[key]} 元，其中 {given} 元计为补交{months_list_zh(moved)}党费"))
    said += [("预交", text) for text in _credit_ahead(out, due, member_months)]
    return out, said


def _credit_from_december(paid: dict[str, list[Payment]], december: Sequence[Payment], due: Decimal,
                          member_months: Sequence[str]) -> tuple[dict[str, list[Payment]], list[str]]:
    """December of the year before paid exactly N + 1 months' dues, January to month N of
    this year all unpaid and owed: 预交 of them (李明 pays 240.00 in December at 120.00 a
    month: January is paid). Said in one line; anything else changes nothing here (the
    excess stays in December, as that year's 台账 has it)."""
    total, key = sum((p.amount for p in december), ZERO), december[0].month
    ahead = _months_ahead(key, total, due, paid, set(member_months))
    if not ahead:
        return paid, []
    out = dict(paid)
    paid_on = _paid_on(list(december), key)
    for k in ahead:
        out[k] = [Payment(december[0].member_id, k, due, paid_on)]
    return out, [f"{month_zh(key)}交纳 {total} 元，其中 {total - due} 元计为预交{months_list_zh(ahead)}党费"]


def _months_ahead(key: str, total: Decimal, due: Decimal, paid: dict[str, list[Payment]],
                  members: set[str]) -> list[str]:
    """The N months after `key` that `total` (exactly N + 1 months' `due`) pays ahead,
    where each is a member month with nothing paid; [] when it is not such a payment."""
    months, rest = divmod(total - due, due) if total > due else (0, ZERO)
    if months < 1 or rest != 0:
        return []
    ahead, nxt = [], key
    for _ in range(int(months)):
        nxt = _next_month(nxt)
        if nxt not in members or sum((p.amount for p in paid.get(nxt, [])), ZERO) > 0:
            return []
        ahead.append(nxt)
    return ahead


def _paid_on(payments: list[Payment], key: str) -> date:
    """When the payments of month `key` were made (the latest date; the month's end if none)."""
    return max((p.paid_on for p in payments if p.paid_on is not None), default=None) or month_bounds(key)[1]


def _credit_ahead(paid: dict[str, list[Payment]], due: Decimal, member_months: Sequence[str]) -> list[str]:
    """A month paid exactly N more months' dues, the N months after it all unpaid: 预交 of
    them (赵秀英 pays 57.00 in January at 19.00 a month, 按季度交纳: January to March are
    paid). Changes `paid` in place; each such credit said in one line. Any other excess
    stays where the 台账 puts it (自愿多交)."""
    said: list[str] = []
    members = set(member_months)
    for key in sorted(paid):
        total = sum((p.amount for p in paid[key]), ZERO)
        ahead = _months_ahead(key, total, due, paid, members)
        if not ahead:
            continue
        source = paid[key]
        paid_on = _paid_on(source, key)
        for k in ahead:
            paid[k] = [Payment(source[0].member_id, k, due, paid_on)]
        paid[key] = [Payment(source[0].member_id, key, due, paid_on)]
        said.append(f"{month_zh(key)}交纳 {total} 元，其中 {total - due} 元计为预交{months_list_zh(ahead)}党费")
    return said


def _month(key: str, due: Decimal, payments: list[Payment], *, member: bool, started: bool,
           today: date, policy: DuesPolicy) -> MonthDues:
    paid = sum((p.amount for p in payments), ZERO)
    dates = [p.paid_on for p in payments if p.paid_on is not None]
    paid_on = max(dates) if dates else None
    if not member:  # paid for a month the member did not belong to the branch
        return MonthDues(key, ZERO, paid, NOT_DUE, paid_on)
    if due == 0:  # 免交, or a standard the roster does not give
        return MonthDues(key, due, paid, PAID if paid > 0 else NOT_DUE, paid_on)
    if not started:  # a later month of the year, listed because paid in advance
        return MonthDues(key, due, paid, PAID, paid_on)
    first, last = month_bounds(key)
    quarter_end = _quarter_end(key)
    if paid >= due:
        on_time = quarter_end if policy.quarterly_payment else last
        status = LATE if paid_on is not None and paid_on > on_time else PAID
    elif first <= today <= last:
        status = PENDING
    elif policy.quarterly_payment and today <= quarter_end:
        status = IN_QUARTER
    else:
        status = UNPAID
    return MonthDues(key, due, paid, status, paid_on)


def _unrecorded(md: MonthDues, recorded_until: str | None, recorded_from: str | None = None) -> MonthDues:
    if md.status == UNPAID and ((recorded_until is not None and md.month > recorded_until)
                                or (recorded_from is not None and md.month < recorded_from)):
        return MonthDues(md.month, md.due, md.paid, UNRECORDED, md.paid_on)
    return md


@lru_cache(maxsize=512)
def _quarter_end(key: str) -> date:
    return month_bounds(_quarter_last_month(key))[1]


def _quarter_last_month(key: str) -> str:
    month = int(key[5:7])
    return month_key(int(key[:4]), (month - 1) // 3 * 3 + 3)


def _unpaid_runs(months: Sequence[MonthDues]) -> list[list[str]]:
    """Runs of consecutive calendar months with status 未交 and nothing paid: 党章第九条's
    不交纳党费. A month paid short (少交) is owed its difference but was paid: it ends a run."""
    runs: list[list[str]] = []
    previous: str | None = None
    for md in months:
        if md.status != UNPAID or md.paid > 0:
            previous = None
            continue
        if previous is not None and _next_month(previous) == md.month:
            runs[-1].append(md.month)
        else:
            runs.append([md.month])
        previous = md.month
    return runs


def _next_month(key: str) -> str:
    year, month = int(key[:4]), int(key[5:7])
    return month_key(year + month // 12, month % 12 + 1)


def _months_between(key: str, day: date) -> int:
    return (day.year * 12 + day.month) - (int(key[:4]) * 12 + int(key[5:7]))


def month_span_zh(keys: Sequence[str]) -> str:
    """['2017-01', …, '2017-06'] → '2017年1月—6月'; one month → '2017年1月'."""
    first, last = keys[0], keys[-1]
    if first == last:
        return month_zh(first)
    same_year = first[:4] == last[:4]
    return f"{month_zh(first)}—{month_zh(last, with_year=not same_year)}"


def months_list_zh(keys: Sequence[str]) -> str:
    """Months as runs: '2017年1月—3月、5月'."""
    if not keys:
        return ""
    runs: list[list[str]] = [[keys[0]]]
    for key in keys[1:]:
        if _next_month(runs[-1][-1]) == key:
            runs[-1].append(key)
        else:
            runs.append([key])
    parts = [month_span_zh(run) for run in runs]
    year = keys[0][:4]
    return "、".join(p if i == 0 or not p.startswith(f"{year}年") else p[5:]
                    for i, p in enumerate(parts))


def _flags(standard: Standard, months: Sequence[MonthDues], runs: list[list[str]],
           owed_total: Decimal, policy: DuesPolicy) -> list[tuple[str, str]]:
    """(short label for a printed ledger's 备注, the Chinese sentence naming rule and months)."""
    flags = []
    if standard.missing:
        flags.append(("标准未核定", standard.note))
    for md in months:
        if md.status == LATE and md.paid_on is not None:
            late = _months_between(md.month, md.paid_on)
            if late > policy.late_flag_months:
                flags.append((f"补交超{policy.late_flag_months}个月",
                              f"{month_zh(md.month)}的党费于{md.paid_on.year}年{md.paid_on.month}月"
                              f"补交，超过{policy.late_flag_months}个月"))
        elif md.status == NOT_DUE and md.paid > 0:
            flags.append(("非党员期间有交纳",
                          f"{month_zh(md.month)}不在本支部党员期间，却有交纳记录 {md.paid} 元，请核实"))
    for run in runs:
        n, span = len(run), month_span_zh(run)
        if n >= policy.lapse_flag_months:
            flags.append((f"连续{n}个月未交（党章第九条）",
                          f"连续{n}个月未交纳党费（{span}），{LAPSE_MARK}，"
                          "请支部核实处理"))
        elif n >= policy.lapse_warn_months:
            flags.append((f"连续{n}个月未交，请提醒",
                          f"连续{n}个月未交纳党费（{span}），请提醒按时交纳"
                          f"（连续{policy.lapse_flag_months}个月{LAPSE_WARN_MARK}）"))
    unpaid = [md for md in months if md.status == UNPAID]
    if unpaid:
        short = [md for md in unpaid if md.paid > 0]
        text = f"欠交{months_list_zh([md.month for md in unpaid])}党费，共 {owed_total} 元"
        if short:
            text += "（其中" + "、".join(f"{month_zh(md.month)}少交 {md.due - md.paid} 元"
                                      for md in short) + "）"
        flags.append(("少交" if len(short) == len(unpaid) else "欠交", text))
    return flags


def answers_against_ledger(answers: Sequence[tuple[int, date, str, bool | None]],
                           paid_months: Mapping[tuple[int, str], date | None],
                           names: Mapping[int, str], recorded_until: str | None) -> list[str]:
    """Where a member's answer on the day (是否已交纳本月党费: the text, and whether it says
    paid) and the 台账 disagree, one Chinese line each; months the 台账 does not reach yet
    are named once. `paid_months`: (member, month) → the day it was paid (None: in its
    month), for the months `dues_status` judged paid — by a 预交 earlier, a 补交 later. A 未交
    answer before the day of a later 补交 was true when given: not a disagreement."""
    out: list[str] = []
    later: set[str] = set()
    for mid, day, answer, said in answers:
        if said is None or mid not in names:
            continue
        month = f"{day.year:04d}-{day.month:02d}"
        if recorded_until is None or month > recorded_until:
            later.add(f"{day.month}月")
            continue
        in_ledger = (mid, month) in paid_months
        paid_on = paid_months.get((mid, month))
        if said and not in_ledger:
            out.append(f"{names[mid]}：{day.month}月{day.day}日签到时填“{answer}”（已交），台账{day.month}月没有登记交纳")
        elif not said and in_ledger and (paid_on is None or paid_on <= day):
            out.append(f"{names[mid]}：{day.month}月{day.day}日签到时填“{answer}”（未交），台账{day.month}月已登记交纳")
    if later:
        out.append(f"签到时关于党费的答卷（{'、'.join(sorted(later, key=lambda m: int(m[:-1])))}）台账尚未登记到这些月份，"
                   "导入最新党费台账后再核对")
    return out
