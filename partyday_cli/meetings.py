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


def _branch_of_group(ws: Any, day: date, group: str) -> str | None:
    """The one branch whose roster on `day` has 党小组 `group`, else None."""
    from partyday_cli.store.ledger import open_ledger
    from partyday_cli.store.roster import members_on_with_ids

    if not ws.ledger_path.exists():
        return None
    with open_ledger(ws.ledger_path) as ledger:
        found = {m.branch for _, m in members_on_with_ids(ledger, day) if m.group == group}
    return found.pop() if len(found) == 1 else None


def add_meeting(ws: Any, day: date, kinds: tuple[str, ...], *, branch: str | None = None, place: str = "",
                host: str = "", content: str = "", speaker: str = "", title: str = "",
                group: str = "") -> AddResult:
    """Record a meeting held on `day` (see `store.meetings.save_meeting`)."""
    from partyday_cli.core.meetings import COMMITTEE, GROUP, LECTURE, committee_post, expected_at
    from partyday_cli.store.ledger import open_ledger
    from partyday_cli.store.meetings import save_meeting
    from partyday_cli.store.roster import has_roster, members_on_with_ids

    if branch is None and group and len(ws.branches) > 1:  # 第一党小组 of one branch only says whose
        branch = _branch_of_group(ws, day, group)
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


@dataclass
class RegisterImport:
    """What `import_register` did with each meeting of a 会议登记表."""

    file: str
    added: list[AddResult] = field(default_factory=list)  # new, or joined a day already in the ledger
    added_rows: list[Any] = field(default_factory=list)  # the register's row of each of `added`
    unchanged: list[Any] = field(default_factory=list)  # store.meetings.Meeting already recorded as written
    would_add: list[Any] = field(default_factory=list)  # --dry-run: the register's rows not yet recorded
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False


def import_register(ws: Any, path: Any, *, branch: str | None = None, dry_run: bool = False) -> RegisterImport:
    """Record every meeting of the register at `path` (`io.meetings_register`). Every row
    is checked first (date, kind, branch, 党小组 on the day's roster); one problem and
    nothing is recorded. A meeting already recorded as written is left alone, so the
    register can be imported again as it grows."""
    from partyday_cli.core.meetings import GROUP
    from partyday_cli.errors import Problem
    from partyday_cli.io.meetings_register import read_register
    from partyday_cli.store.ledger import open_ledger
    from partyday_cli.store.meetings import meetings_of
    from partyday_cli.store.roster import has_roster, members_on_with_ids

    read = read_register(path)
    problems = list(read.problems)
    if not problems and not read.meetings:
        raise UserError(f"{path.name} 里没有读到任何会议（表头下面是空的）")
    result = RegisterImport(path.name, dry_run=dry_run)
    todo = []
    seen: dict[tuple[Any, ...], int | None] = {}
    with open_ledger(ws.ledger_path) as ledger:
        if not has_roster(ledger):
            raise UserError("还没有导入花名册，无法确定会议的应到党员。请先运行 partyday roster import 花名册.xlsx")
        from partyday_cli.core.members import branch_in_text

        titled = None if branch is not None else branch_in_text(read.title, [b.name for b in ws.branches])
        unnamed = False
        for m in read.meetings:
            where = {"file": path.name, "sheet": read.sheet, "row": m.row}
            found = ws.branch(m.branch or branch or titled)
            if found is None and not m.branch:
                unnamed = True  # said once for the file, below
                continue
            if found is None:
                names = "、".join(b.name for b in ws.branches)
                problems.append(Problem(f"支部“{m.branch}”不在 partyday.toml 中（有：{names}）", **where))
                continue
            if GROUP in m.kinds:
                groups = dict.fromkeys(x.group for _, x in members_on_with_ids(ledger, m.day, found.name) if x.group)
                if m.group not in groups:
                    problems.append(Problem(f"{m.day.isoformat()} 的花名册中{found.name}没有“{m.group}”，"
                                            f"已有的党小组：{'、'.join(groups) or '（花名册没有党小组）'}", **where))
                    continue
            same = (found.name, m.day, frozenset(m.kinds), m.group, m.place, m.host, m.content, m.speaker, m.title)
            if same in seen:  # the row typed twice: one meeting
                result.warnings.append(f"{path.name} 第{m.row}行与第{seen[same]}行是同一次会议"
                                       f"（{m.day.isoformat()} {'、'.join(m.kinds)}），只登记一次")
                continue
            seen[same] = m.row
            before = meetings_of(ledger, m.day.year, found.name, day=m.day)
            todo.append((m, found.name, before[0] if before else None))
    if unnamed:
        names = "、".join(b.name for b in ws.branches)
        problems.insert(0, Problem(f"工作区有多个支部（{names}），看不出这张登记表是哪个支部的：请在标题里写明支部名称，"
                                   "或在表中加“支部”列，或用 --branch 写明", file=path.name, sheet=read.sheet))
    if problems:
        named = path.name if "登记" in path.name or "台账" in path.name else f"会议登记表 {path.name}"
        raise UserError(f"{named} 有 {len(problems)} 处问题，未登记任何会议，请改正后重新导入：",
                        problems=problems)
    for m, name, before in todo:
        if before is not None and _recorded_as_written(before, m):
            result.unchanged.append(before)
        elif dry_run:
            result.would_add.append(m)
        else:
            added = add_meeting(ws, m.day, m.kinds, branch=name, place=m.place, host=m.host, content=m.content,
                                speaker=m.speaker, title=m.title, group=m.group)
            result.added.append(added)
            result.added_rows.append(m)
            result.warnings.extend(w for w in added.warnings if w not in result.warnings)
    return result


def _recorded_as_written(meeting: Any, m: Any) -> bool:
    """Whether the ledger's meeting of the day already holds everything the row says."""
    return (set(m.kinds) <= set(meeting.meeting_kinds)
            and all(not new or new == old for new, old in (
                (m.place, meeting.place), (m.host, meeting.host), (m.content, meeting.content),
                (m.speaker, meeting.speaker), (m.title, meeting.title), (m.group, meeting.group))))
