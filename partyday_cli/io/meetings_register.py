"""The 三会一课 register a branch keeps (会议登记表 / 组织生活记录台账): one row per meeting
held, with its date and kind, and for a 党小组会 its group, for a 党课 its speaker and
title. Read into `RegisteredMeeting`s for `partyday meeting import`.

Headers are found as in the roster (title rows, two-row merged headers); the kind may be
a column of its own (会议类型: 支委会, 党小组会、党课 …) or only inside the meeting's
name (第一党小组3月党小组会); a 党小组会's group may be in the name too. Every row that
cannot be read is a `Problem` naming the row, and nothing is recorded then.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from partyday_cli.core.meetings import GROUP, KINDS, LECTURE
from partyday_cli.errors import Problem
from partyday_cli.io.workbook import cell_text, find_header, parse_date_cell, read_grid

COLUMNS: dict[str, tuple[str, ...]] = {
    "date": ("日期", "会议日期", "开会日期", "召开日期", "时间", "会议时间", "召开时间"),
    "kind": ("会议类型", "类型", "会议类别", "类别", "形式", "组织生活形式", "会议形式"),
    "name": ("会议名称", "名称", "会议", "活动名称"),
    "group": ("党小组", "所在党小组"),
    "speaker": ("主讲人", "授课人", "讲课人", "党课主讲人"),
    "title": ("党课题目", "题目", "课题", "主题", "党课主题"),
    "place": ("地点", "会议地点", "开会地点"),
    "host": ("主持人", "会议主持人"),
    "content": ("内容", "会议内容", "议题", "主要内容", "会议议题"),
    "branch": ("支部", "所在支部", "党支部", "支部名称"),
}

# Words for a kind, longest first so 支部委员会 is not read as 委员会 of something else.
_KIND_WORDS: tuple[tuple[str, str], ...] = tuple(sorted({
    **{k: k for k in KINDS},
    "支委会": "支部委员会", "支委扩大会": "支部委员会", "党员大会": "支部党员大会", "支部大会": "支部党员大会",
    "党小组会议": "党小组会", "小组会": "党小组会", "上党课": "党课", "讲党课": "党课", "专题党课": "党课",
    "民主评议": "民主评议党员", "评议党员": "民主评议党员", "组织生活会议": "组织生活会",
    "党员活动日": "主题党日", "主题党日活动": "主题党日",
}.items(), key=lambda kv: -len(kv[0])))
_GROUP_IN_TEXT = re.compile(r"(第[一二三四五六七八九十\d]+党小组|[^\s，,、（(）)\d月日年第]{1,8}党小组(?!会))")


@dataclass(frozen=True)
class RegisteredMeeting:
    row: int  # 1-based row of the register
    day: date
    kinds: tuple[str, ...]
    branch: str = ""
    group: str = ""
    speaker: str = ""
    title: str = ""
    place: str = ""
    host: str = ""
    content: str = ""


@dataclass
class RegisterRead:
    meetings: list[RegisteredMeeting] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    sheet: str = ""
    title: str = ""  # the lines above the header (机关第二党支部2017年“三会一课”登记表)


def kinds_in(text: str) -> tuple[str, ...]:
    """The kinds a cell names ('支委会、党课' → 支部委员会, 党课), in the order written."""
    found: list[tuple[int, str]] = []
    rest = text
    for word, kind in _KIND_WORDS:
        at = rest.find(word)
        while at >= 0:
            found.append((at, kind))
            rest = rest[:at] + "\0" * len(word) + rest[at + len(word):]
            at = rest.find(word)
    out: list[str] = []
    for _, kind in sorted(found):
        if kind not in out:
            out.append(kind)
    return tuple(out)


def read_register(path: Path) -> RegisterRead:
    """Read every meeting of the register at `path` (first sheet with a date and a kind
    or name column). A file that cannot be opened raises `UserError`."""
    result = RegisterRead()
    for sheet in read_grid(path):
        rows = sheet.filled_rows()
        header = find_header(rows, COLUMNS, {"date"})
        if header is None or not ({"kind", "name"} & header.columns.keys()):
            continue
        result.sheet = sheet.name
        result.title = " ".join(cell_text(v) for row in rows[: max(header.row - 1, 0)] for v in row
                                if cell_text(v)) or sheet.name
        _read_rows(path.name, sheet.name, rows, header, result)
        return result
    result.problems.append(Problem(
        "没有找到会议登记表的表头：需要“日期”列，和“会议类型”或“会议名称”列（如 支部委员会、党小组会、党课）",
        file=path.name))
    return result


_NO_YEAR = re.compile(r"\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?\s*")
_TITLE_YEAR = re.compile(r"(20\d{2})\s*年")


def _day(value: object, title: str) -> date:
    """The cell's date; 6月28日 with no year takes the year the title names (2017年…登记表)."""
    try:
        return parse_date_cell(value)
    except ValueError:
        bare, year = _NO_YEAR.fullmatch(cell_text(value)), _TITLE_YEAR.search(title)
        if bare is None or year is None:
            raise
        return date(int(year[1]), int(bare[1]), int(bare[2]))


def _read_rows(file: str, sheet: str, rows: list[list[object]], header, result: RegisterRead) -> None:  # type: ignore[no-untyped-def]
    cols = header.columns

    def text(row: list[object], fld: str) -> str:
        c = cols.get(fld)
        return " ".join(cell_text(row[c]).split()) if c is not None and c < len(row) else ""

    for r in range(header.row, len(rows)):
        row, rownum = rows[r], r + 1
        if not any(cell_text(v) for v in row):
            continue
        raw_date = row[cols["date"]] if cols["date"] < len(row) else None
        kind_text, name_text = text(row, "kind"), text(row, "name")
        if not cell_text(raw_date) and not kind_text:
            continue  # a note or a signature line under the table
        where = {"file": file, "sheet": sheet, "row": rownum}
        try:
            day = _day(raw_date, result.title)
        except ValueError:
            result.problems.append(Problem(
                f"日期“{cell_text(raw_date)}”无法识别，请写成 2017-03-15 或 2017年3月15日", column=header.letters["date"],
                **where))
            continue
        kinds = kinds_in(kind_text) or kinds_in(name_text)
        if not kinds:
            said = kind_text or name_text
            result.problems.append(Problem(
                f"“{said}”看不出是哪种会议，请写明：{'、'.join(KINDS)}（支委会、党员大会也可以）" if said else
                "会议类型没有填写，请写明：" + "、".join(KINDS), **where))
            continue
        group = text(row, "group")
        if GROUP in kinds and not group:
            found = _GROUP_IN_TEXT.search(name_text or kind_text)
            group = found.group(1) if found else ""
        if GROUP in kinds and not group:
            result.problems.append(Problem("党小组会没有写明是哪个党小组：请在“党小组”列写明，如 第一党小组", **where))
            continue
        speaker, title = text(row, "speaker"), text(row, "title")
        content = text(row, "content")
        if LECTURE not in kinds:  # a 主题 of another meeting is what it was about
            content, speaker, title = content or title, "", ""
        result.meetings.append(RegisteredMeeting(
            rownum, day, kinds, branch=text(row, "branch"), group=group if GROUP in kinds else "",
            speaker=speaker, title=title, place=text(row, "place"), host=text(row, "host"),
            content=content or (name_text if kind_text else "")))
