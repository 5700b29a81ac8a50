"""Members of a branch and their membership over time (花名册).

A `Member` is one row of the roster as read, with the dates that decide whether the
member is expected at an activity on a given day: joined (入党时间, the day the branch
admitted them as 预备党员), full membership (转正时间), transferred out, exempted
(免参加, with its reason and dates). Pure data and pure functions: no file I/O here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

CATEGORIES = ("在职", "离退休", "农民", "学生", "下岗失业", "低保", "其他")
PARTY_STATUSES = ("正式", "预备")

# The middle dots people type in minority names: all are read as one.
_MIDDLE_DOTS = "·•‧・･∙⋅●"


def normalise_name(raw: str) -> str:
    """Names as people type them → one form: full-width letters folded, every kind of
    space removed, middle dots unified to '·'. '阿依古丽 · 买买提' → '阿依古丽·买买提'."""
    text = unicodedata.normalize("NFKC", str(raw or ""))
    text = "".join(ch for ch in text if not ch.isspace() and ch not in "\u200b\u200c\u200d\ufeff")
    text = re.sub(f"[{re.escape(_MIDDLE_DOTS)}.．]", "·", text)
    return text.strip("·")


@dataclass(frozen=True)
class Member:
    """One member as the roster describes them."""

    name: str  # normalised
    branch: str = ""  # 所在支部; '' in a one-branch workspace
    group: str = ""  # 党小组
    gender: str = ""
    ethnicity: str = ""
    birth_date: date | None = None
    party_status: str = "正式"  # 正式 / 预备, as the roster says today
    joined: date | None = None  # 入党时间 (admitted as 预备党员)
    full_member_date: date | None = None  # 转正时间
    category: str = "在职"  # one of CATEGORIES
    phone: str = ""
    id_number: str = ""
    income: Decimal | None = None  # 月收入 or 离退休费 (monthly, after tax)
    dues_override: Decimal | None = None  # a monthly amount the branch set (农民/学生/…)
    transferred_out: date | None = None  # first day no longer a member of the branch
    # "day", or "month": the roster gave only the month ('2017年6月转出'); transferred_out is
    # then that month's 1st, and within the month the member counts only where present
    transferred_out_precision: str = "day"
    transferred_in: date | None = None
    exempt_from: date | None = None  # 免参加 (approved exemption), from this day
    exempt_until: date | None = None  # … to this day inclusive; None = open-ended
    exempt_reason: str = ""
    # 请假 over a period, as the roster's 备注 records it (2026年3月至9月因公出国，已向支部请假):
    # at an activity of the period, a member no file shows present is 请假 with this reason, not 缺席
    leave_from: date | None = None
    leave_until: date | None = None  # inclusive; None = open-ended
    leave_reason: str = ""
    note: str = ""  # 备注, as typed
    source_row: int | None = None  # the roster row it was read from

    @property
    def key(self) -> str:
        """Identity across imports: the name, told apart by branch and group."""
        return "|".join((self.name, self.branch, self.group, self.phone[-4:]))

    def is_member_on(self, day: date) -> bool:
        if self.joined is not None and day < self.joined:
            return False
        if self.transferred_in is not None and day < self.transferred_in:
            return False
        return not (self.transferred_out is not None and day >= self.transferred_out)

    def only_if_present_on(self, day: date) -> bool:
        """Within the month of a transfer known to the month only: not a member by the
        dates (`is_member_on` is False), but expected wherever a file shows them present."""
        out = self.transferred_out
        return (self.transferred_out_precision == "month" and out is not None and day >= out
                and (day.year, day.month) == (out.year, out.month))

    def is_exempt_on(self, day: date) -> bool:
        if self.exempt_from is None or day < self.exempt_from:
            return False
        return self.exempt_until is None or day <= self.exempt_until

    def leave_on(self, day: date) -> str | None:
        """The reason of a leave the roster records over `day` (请假, not 免参加: still
        expected), or None."""
        if self.leave_from is None or day < self.leave_from:
            return None
        if self.leave_until is not None and day > self.leave_until:
            return None
        return self.leave_reason or "请假"

    def leave_text(self) -> str:
        """因公出国，3月1日至9月30日 — the roster's leave as a reason, with its period."""
        start, until = self.leave_from, self.leave_until
        if start is None:
            return ""
        if start == date.min:
            when = f"至{until.month}月{until.day}日" if until else ""
        else:
            when = f"{start.month}月{start.day}日" + (f"至{until.month}月{until.day}日" if until else "起")
        return "，".join(x for x in (self.leave_reason or "请假", when) if x)

    def is_expected_on(self, day: date) -> bool:
        """应到: a member on that day and not exempt (SPEC §7)."""
        return self.is_member_on(day) and not self.is_exempt_on(day)

    def status_on(self, day: date) -> str:
        """'正式' / '预备' / '' (not a member that day)."""
        if not self.is_member_on(day):
            return ""
        if self.full_member_date is not None:
            return "正式" if day >= self.full_member_date else "预备"
        return self.party_status


def members_on(members: list[Member], day: date) -> list[Member]:
    return [m for m in members if m.is_member_on(day)]


def expected_on(members: list[Member], day: date) -> list[Member]:
    return [m for m in members if m.is_expected_on(day)]


def namesake_labels(members: Iterable[tuple[int, Any]]) -> dict[int, str]:
    """Member id → 张伟（第二党小组） for members sharing a name (by 党小组, else 支部, as
    the report labels them); members with a name of their own are not in it. Anything
    with name, group and branch will do (a `Member`, a report's `MemberInfo`)."""
    members = list(members)
    count: dict[str, int] = {}
    for _, m in members:
        count[m.name] = count.get(m.name, 0) + 1
    return {mid: f"{m.name}（{m.group or m.branch}）" for mid, m in members if count[m.name] > 1}


def branch_namesake_labels(members: Iterable[tuple[int, Any]]) -> dict[int, str]:
    """`namesake_labels` within each branch: where a table has a 支部 column, the
    branches' namesakes are told apart by it already."""
    by_branch: dict[str, list[tuple[int, Any]]] = {}
    for mid, m in members:
        by_branch.setdefault(m.branch, []).append((mid, m))
    return {mid: label for people in by_branch.values() for mid, label in namesake_labels(people).items()}


def not_yet_or_gone(members: Iterable[Any], name: str, day: date) -> str:
    """Why a roster name is not on the day's list: '孙丽于 2026-03-10 入党，2026-02-11 还不是
    本支部党员' or '何静已于 2026-05-31 转出，不在 2026-06-10 的党员名单中'; '' when no member
    of that name explains it."""
    for m in members:
        if m.name != name or m.is_member_on(day):
            continue
        if m.transferred_out and m.transferred_out <= day:
            return f"{m.name}已于 {m.transferred_out.isoformat()} 转出，不在 {day.isoformat()} 的党员名单中"
        if m.joined and m.joined > day:
            return f"{m.name}于 {m.joined.isoformat()} 入党，{day.isoformat()} 还不是本支部党员"
        if m.transferred_in and m.transferred_in > day:
            return f"{m.name}于 {m.transferred_in.isoformat()} 转入，{day.isoformat()} 还不是本支部党员"
    return ""


def mask_phone(phone: str) -> str:
    """'13800001001' → '138****1001' (SPEC §10: personal data masked on screen)."""
    digits = phone.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_id(id_number: str) -> str:
    text = id_number.strip()
    if len(text) < 8:
        return "*" * len(text)
    return text[:6] + "*" * (len(text) - 10) + text[-4:]


def assign_branches(members: list[Member], branch_names: list[str], readings: list[str] | None = None
                    ) -> tuple[list[Member], list[tuple[Member, str]]]:
    """Members without a 所在支部 join the workspace's only branch; a 所在支部 written in
    full (中共某县教育局机关第一支部委员会, as the 党员管理信息系统 exports it) is the one
    configured branch it names (机关第一党支部), said once per name in `readings`; a branch
    the config does not know is a problem (returned as Chinese lines, one per member row)."""
    from dataclasses import replace

    problems = []
    out = []
    known = set(branch_names)
    named: dict[str, str | None] = {}
    for m in members:
        if known and m.branch and m.branch not in known:
            if m.branch not in named:
                named[m.branch] = branch_in_text(m.branch, branch_names)
                if named[m.branch] is not None and readings is not None:
                    readings.append(f"所在支部“{m.branch}”即 partyday.toml 中的“{named[m.branch]}”")
            if named[m.branch] is not None:
                m = replace(m, branch=named[m.branch])
        if not m.branch:
            if len(branch_names) == 1:
                m = replace(m, branch=branch_names[0])
            elif branch_names:
                problems.append((m, f"“{m.name}”没有填写所在支部；本工作区有多个支部："
                                    f"{'、'.join(branch_names)}，请在“所在支部”列填写"))
        elif known and m.branch not in known:
            problems.append((m, f"所在支部“{m.branch}”不在 partyday.toml 的 [[branches]] 中"
                                f"（已配置：{'、'.join(branch_names)}）。请改正花名册或在配置中添加该支部"))
        out.append(m)
    return out, problems


def branch_in_text(text: str, names: list[str]) -> str | None:
    """The one branch a title names: in full (机关第二党支部…登记表), or as it is shortened
    (机关二支部: without 第 and 党); None for none or several."""
    def short(name: str) -> str:
        return name.replace("第", "").replace("党", "")

    for form in (lambda n: n, short):
        hits = [n for n in names if form(n) and form(n) in (text if form is not short else short(text))]
        if len(hits) == 1:
            return hits[0]
        if hits:
            longest = max(hits, key=len)
            if all(form(h) in form(longest) for h in hits):
                return longest
    return None
