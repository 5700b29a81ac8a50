"""钉钉 考勤 每日汇总 (the daily attendance summary, 考勤打卡 → 每日统计 → 导出).

Title rows above the header (每日汇总 统计日期：… / 报表生成时间：…), then one row per
person and day: 姓名, 工号, 考勤组, 部门, 职位, UserId, 日期 ('2024-09-10 星期二' or
'24-09-10 星期二'), 上班1打卡时间, 下班1打卡时间 (and the 打卡结果 of each), 考勤结果.
Everyone in the 考勤组 has a row, clocked in or not, so the file is a full list: its own
考勤结果 (正常 / 迟到 / 早退 / 缺卡 / 旷工 / 请假 …) is each person's status.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from datetime import date

from partyday_cli.core.attendance import SignInFile, SignInRow, status_from_text
from partyday_cli.errors import UserError
from partyday_cli.io.signin.common import (
    Header,
    as_datetime,
    cell,
    clip,
    date_from_lines,
    date_in_text,
    filled_count,
    find_header_row,
    lookup_of,
    row_texts,
    text,
    visible_sheets,
)
from partyday_cli.io.workbook import Sheet

LAYOUT, LAYOUT_ZH = "dingtalk-daily", "钉钉考勤每日汇总"

SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "员工姓名"),
    "number": ("工号", "员工工号"),
    "group": ("考勤组",),
    "dept": ("部门", "所属部门"),
    "title": ("职位",),
    "user": ("UserId", "用户ID", "userid"),
    "day": ("日期", "考勤日期", "workDate"),
    "in1": ("上班1打卡时间", "上班打卡时间", "1_on_duty_user_check_time"),
    "out1": ("下班1打卡时间", "下班打卡时间", "1_off_duty_user_check_time"),
    "in1_result": ("上班1打卡结果", "上班打卡结果"),
    "out1_result": ("下班1打卡结果", "下班打卡结果"),
    "in2": ("上班2打卡时间",),
    "out2": ("下班2打卡时间",),
    "result": ("考勤结果", "当日考勤结果"),
}
LOOKUP = lookup_of(SYNONYMS)
_PUNCHES = ("in1", "out1", "in2", "out2")
_SHORT_DAY = re.compile(r"(?<!\d)(\d{2})-(\d{1,2})-(\d{1,2})(?!\d)")  # '24-09-10 星期二'
_LEAVE = ("调休", "请假", "事假", "病假", "年假", "婚假", "产假", "丧假", "陪产假", "出差", "外出", "公出")


def _header(sheet: Sheet) -> Header | None:
    return find_header_row(sheet, LOOKUP, {"name", "result", "day"})


def identify(sheets: Sequence[Sheet]) -> int:
    """Above every sign-in layout when 姓名, 日期 and 考勤结果 head one row with a punch or
    考勤组 column: no hand-typed sheet has those."""
    best = 0
    for sheet in visible_sheets(sheets):
        header = _header(sheet)
        if header is None:
            continue
        own = header.columns.keys() & {"in1", "out1", "group", "user", "in1_result"}
        if own:
            best = max(best, 60 + 2 * len(header.columns))
    return best


def _day(value: object) -> date | None:
    stamp = as_datetime(value)
    if stamp is not None:
        return stamp.date()
    folded = unicodedata.normalize("NFKC", str(value or ""))
    found = date_in_text(folded)
    if found is None and (m := _SHORT_DAY.search(folded)):
        try:
            found = date(2000 + int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    return found


def daily_status(result: str, clocked: bool) -> tuple[str | None, str]:
    """考勤结果 → (status, reason); None when the word is not one 钉钉 writes.
    '上班迟到3分钟,下班正常' → 迟到; '旷工' → 缺席; '缺卡' with a punch → 出席 (缺卡)."""
    folded = "".join(unicodedata.normalize("NFKC", result).split())
    if not folded:
        return ("出席", "") if clocked else ("缺席", "未打卡")
    for word in _LEAVE:
        if word in folded:
            return "请假", word
    if "旷工迟到" in folded or "严重迟到" in folded:
        return "迟到", folded
    if "旷工" in folded:
        return "缺席", "旷工"
    if "迟到" in folded:
        return "迟到", folded
    if "早退" in folded:
        return "早退", folded
    if "缺卡" in folded:
        return ("出席", "缺卡") if clocked else ("缺席", "缺卡")
    if "正常" in folded or "补卡" in folded or "打卡" in folded:
        return "出席", ""
    status, reason = status_from_text(folded)
    return status, reason


def extract(sheets: Sequence[Sheet], name: str) -> SignInFile:
    found = [(s, h) for s in visible_sheets(sheets) if (h := _header(s)) is not None]
    if not found:
        raise UserError(f"文件 {name} 不是钉钉考勤的每日汇总")
    sheet, header = found[0]
    col = {f: header.first(f) for f in SYNONYMS}
    titles = [" ".join(row_texts(r)) for r in sheet.rows[: header.row]]
    warnings: list[str] = []
    read: list[tuple[date | None, SignInRow]] = []
    for r in range(header.row + 1, len(sheet.rows)):
        row = sheet.rows[r]
        raw = text(row, col["name"])
        if not raw or filled_count(row) < 2:
            continue
        day = _day(cell(row, col["day"]))
        clocked = any(text(row, col[p]) for p in _PUNCHES)
        said = text(row, col["result"]) or "，".join(
            t for t in (text(row, col["in1_result"]), text(row, col["out1_result"])) if t)
        status, reason = daily_status(said, clocked)
        if status is None:
            status, reason = ("出席" if clocked else "缺席"), said
            warnings.append(f"第{r + 1}行“{raw}”的考勤结果“{clip(said)}”不是可识别的结果，"
                            f"按{'有' if clocked else '无'}打卡记为{status}，请核对")
        read.append((day, SignInRow(raw, status, reason, sheet.name, r + 1,
                                    branch_hint=text(row, col["dept"]), group_hint="")))
    if not read:
        raise UserError(f"文件 {name} 是钉钉考勤每日汇总，但其中没有任何人")
    days = Counter(d for d, _ in read if d is not None)
    day = min(d for d, n in days.items() if n == max(days.values())) if days else date_from_lines(titles)
    others = sorted({d for d, _ in read if d is not None and d != day})
    if others:
        warnings.append(f"文件含多天的考勤（{'、'.join(d.isoformat() for d in others)}），"
                        f"只读取 {day.isoformat() if day else ''} 这一天")
    rows = tuple(r for d, r in read if d is None or d == day)
    return SignInFile(LAYOUT, LAYOUT_ZH, day, rows, present_only=False, warnings=tuple(warnings))
