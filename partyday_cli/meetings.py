"""`partyday meeting add|list` as library calls: a meeting of organisational life recorded
as held, with who is expected at it (SPEC §12)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from partyday_cli.errors import UserError


@dataclass
class AddResult:
    meeting: Any  # store.meetings.Meeting
    merged: bool
    expected: list[str]  # names of the members expected (应到) on the day
    warnings: list[str] = field(default_factory=list)


def _branch(ws: Any, branch: str | None) -> str:
    found = ws.branch(branch)
    if found is None:
        names = "、".join(b.name for b in ws.branches)
        raise UserError(f"工作区有多个支部（{names}），请用 --branch 写明是哪个支部的会议")
    return found.name


def add_meeting(ws: Any, day: date, kinds: tuple[str, ...], *, branch: str | None = None, place: str = "",
                host: str = "", content: str = "", speaker: str = "", title: str = "",
                group: str = "") -> AddResult:
    """Record a meeting held on `day` (see `store.meetings.save_meeting`)."""
    from partyday_cli.core.meetings import COMMITTEE, GROUP, LECTURE, committee_post, expected_at
    from partyday_cli.store.ledger import open_ledger
    from partyday_cli.store.meetings import save_meeting
    from partyday_cli.store.roster import has_roster, members_on_with_ids

    name = _branch(ws, branch)
    if (speaker or title) and LECTURE not in kinds:
        raise UserError("--speaker 和 --title 是党课的主讲人和题目，只用于 --kind 党课 的会议")
    if group and GROUP not in kinds:
        raise UserError("--group 是党小组会的党小组，只用于 --kind 党小组会 的会议")
    if GROUP in kinds and not group:
        raise UserError("党小组会请用 --group 写明是哪个党小组，如 --group 第一党小组")
    warnings: list[str] = []
    with open_ledger(ws.ledger_path) as ledger:
        if not has_roster(ledger):
            raise UserError("还没有导入花名册，无法确定会议的应到党员。请先运行 partyday roster import 花名册.xlsx")
        members = members_on_with_ids(ledger, day, name)
        if group and not any(m.group == group for _, m in members):
            groups = "、".join(dict.fromkeys(m.group for _, m in members if m.group)) or "（花名册没有党小组）"
            raise UserError(f"{day.isoformat()} 的花名册中{name}没有“{group}”，已有的党小组：{groups}")
        if COMMITTEE in kinds and not any(committee_post(m.note) for _, m in members):
            warnings.append("花名册的备注中找不到支部委员（支部书记、组织委员、宣传委员……），支部委员会的应到人数为0。"
                            "请在花名册“备注”栏写明各委员的职务后重新导入花名册")
        saved = save_meeting(ledger, branch=name, day=day, kinds=kinds, place=place, host=host,
                             content=content, speaker=speaker, title=title, group=group)
        meeting = saved.meeting
        expected = expected_at(meeting.kinds, meeting.group, members)
    return AddResult(meeting, saved.merged, [m.name for _, m in expected if m.is_expected_on(day)], warnings)


def list_meetings(ws: Any, year: int, branch: str | None = None) -> list[Any]:
    """The meetings recorded as held in `year` (one branch, or every branch)."""
    from partyday_cli.store.ledger import open_ledger
    from partyday_cli.store.meetings import meetings_of

    name = ws.branch(branch).name if branch is not None else None
    with open_ledger(ws.ledger_path) as ledger:
        return meetings_of(ledger, year, name)
