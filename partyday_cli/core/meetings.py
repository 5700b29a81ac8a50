"""Meetings of organisational life (三会一课, SPEC §12): their kinds and who is expected.

Pure rules, no I/O. Who is expected (应到) at a meeting depends on its kinds: the
branch committee at a 支部委员会, the members of one 党小组 at its 党小组会, every member
at the others. A day with several kinds (a 主题党日 that is also the 支部党员大会, a
支部委员会 held after it) expects everyone any of its kinds expects.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

KINDS = ("支部党员大会", "支部委员会", "党小组会", "党课", "组织生活会", "民主评议党员", "主题党日")
COMMITTEE = "支部委员会"
GROUP = "党小组会"
LECTURE = "党课"
SCOPED = frozenset({COMMITTEE, GROUP})  # kinds that do not expect every member

# What a roster's 职务 / 备注 says of a member of the branch committee (支部委员会).
COMMITTEE_POSTS = ("支部书记", "副书记", "组织委员", "宣传委员", "纪检委员", "青年委员", "统战委员",
                   "保密委员", "支部委员", "支委")


def committee_post(note: str) -> str:
    """The committee post a 职务 / 备注 text names ('' when none): '支部书记' in
    '支部书记、第一党小组组长'. A bare '书记' counts as 支部书记."""
    text = (note or "").replace("委员会", "")  # "经支部委员会研究同意…" names no post
    for post in COMMITTEE_POSTS:
        if post in text:
            return post
    if "书记" in text:
        return "支部书记"
    return ""


def is_secretary(note: str) -> bool:
    return committee_post(note) == "支部书记"


def is_scoped(kinds: Sequence[str]) -> bool:
    """Whether a day with these kinds expects fewer than every member."""
    return bool(kinds) and all(k in SCOPED for k in kinds)


def expected_at(kinds: Sequence[str], group: str, members: Sequence[tuple[int, Any]]) -> list[tuple[int, Any]]:
    """The members (id, Member) expected at a meeting of `kinds` (of 党小组 `group`)."""
    if not is_scoped(kinds):
        return list(members)
    out = []
    for mid, m in members:
        if (COMMITTEE in kinds and committee_post(m.note)) or (GROUP in kinds and group and m.group == group):
            out.append((mid, m))
    return out


def parse_kinds(values: Sequence[str]) -> tuple[str, ...]:
    """--kind values (repeated, or '、'/','-joined) as known kinds, in the order given.
    Unknown ones raise a UserError naming the kinds there are."""
    from partyday_cli.errors import UserError

    out: list[str] = []
    for value in values:
        for part in str(value).replace("，", ",").replace("、", ",").split(","):
            kind = {"支委会": COMMITTEE, "党员大会": "支部党员大会", "支部大会": "支部党员大会"}.get(
                part.strip(), part.strip())
            if not kind:
                continue
            if kind not in KINDS:
                raise UserError(f"会议类型“{part.strip()}”无法识别，可写：{'、'.join(KINDS)}"
                                "（--kind 可写多次，如 --kind 主题党日 --kind 支部党员大会）")
            if kind not in out:
                out.append(kind)
    if not out:
        raise UserError("请用 --kind 写明会议类型，如 --kind 支部委员会；可写：" + "、".join(KINDS))
    return tuple(out)
