"""One member's attendance at one activity, derived from every piece of evidence (SPEC §7).

Evidence is a list of marks: what each sign-in file in force said of the member (a
status, or just "listed" = present), and what the secretary set by hand. The rules:

- a hand-set status wins (a 请假 recorded before the meeting counts, too);
- present in any file is present (a hybrid meeting: paper sheet plus 腾讯会议);
  出席 beats 迟到/早退 when two files disagree;
- else a 补学 in any file (a 补学签到表: absent or on leave, then made it up), else a
  请假 in any file (with its reason), else a 缺席 in any file;
- else a leave the roster records over the day (2026年3月至9月因公出国) is 请假;
- a member no file lists is 缺席 — the files list who came, or list everyone;
- an exempt member (免参加) stays 免参加 unless set by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

PRESENT = ("出席", "迟到", "早退")
# the order in which `derive` picks among a member's file marks, the best first
RANK = {None: 0, "出席": 1, "迟到": 2, "早退": 3, "补学": 4, "请假": 5, "缺席": 6}


def keep_best(best: dict[int, str | None], member_id: int, status: str | None) -> None:
    """Note `status` for the member in `best` when it beats what is there (by RANK)."""
    if member_id not in best or RANK.get(status, len(RANK)) < RANK.get(best[member_id], len(RANK)):
        best[member_id] = status


@dataclass(frozen=True)
class Mark:
    status: str | None  # None: listed on a sheet with no status word = present
    reason: str = ""
    source: str = ""  # the file's name, or '手工登记'
    manual: bool = False


ROSTER_NOTE = "花名册备注"  # the source of a 请假 the roster records (`derive`'s `leave`)


def derive(marks: list[Mark], *, exempt: bool, leave: str | None = None) -> tuple[str, str, str]:
    """(status, reason, source) for one member. `leave`: the reason of a leave the roster
    records over the day (`Member.leave_on`), or None."""
    manual = [m for m in marks if m.manual]
    if manual:
        last = manual[-1]
        return last.status or "出席", last.reason, last.source
    if exempt:
        return "免参加", "", ""
    present = [m for m in marks if m.status is None or m.status in PRESENT]
    if present:
        for wanted in (None, "出席", "迟到", "早退"):
            for m in present:
                if m.status == wanted:
                    return m.status or "出席", m.reason, m.source
    for wanted in ("补学", "请假"):  # on leave, then made it up: 补学
        for m in marks:
            if m.status == wanted:
                return wanted, m.reason, m.source
    if leave is not None:  # away as the roster records: a blank row on the sheet is not 缺席
        return "请假", leave, ROSTER_NOTE
    for m in marks:
        if m.status == "缺席":
            return "缺席", m.reason, m.source
    return "缺席", "", marks[0].source if marks else ""
