"""企业微信 and 钉钉 sign-in (签到 / 打卡) exports.

企业微信: a title row (签到记录), then 时间, 姓名, 账号, 部门, 签到时间, 签到地点, 备注.
钉钉 (签到统计): 姓名, 部门, 工号, 签到时间, 签到地址, 备注, often under a title row.
One row per check-in; a person who checked in twice is one attendance (the first).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from partyday_cli.core.attendance import SignInFile, SignInRow, status_from_text, visitor_word
from partyday_cli.errors import UserError
from partyday_cli.io.signin.common import (
    Header,
    as_datetime,
    cell,
    common_date,
    date_from_lines,
    filled_count,
    find_header_row,
    label,
    lookup_of,
    name_key,
    phone_tail,
    row_texts,
    text,
    visible_sheets,
)
from partyday_cli.io.workbook import Sheet

LAYOUTS = {"wecom": "企业微信签到", "dingtalk": "钉钉签到"}

SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "成员", "员工姓名", "人员"),
    "when": ("签到时间", "打卡时间", "签到日期时间"),
    "day": ("时间", "日期", "签到日期", "考勤日期", "打卡日期"),
    "account": ("账号", "帐号", "企业微信账号", "userid"),
    "number": ("工号", "员工工号", "员工ID"),
    "dept": ("部门", "所属部门", "所在部门"),
    "place": ("签到地点", "签到地址", "打卡地点", "打卡地址", "地点", "详细地址", "签到详细地址"),
    "result": ("打卡结果", "签到状态", "打卡状态", "考勤结果"),
    "note": ("备注", "签到备注", "打卡备注", "说明"),
    "phone": ("手机", "手机号", "手机号码", "电话"),
    "kind": ("打卡类型", "签到类型", "打卡时段"),
}
# 打卡状态 of a 打卡详情 export for a person who did not check in (their row has no time)
_NOT_IN = ("未打卡", "缺卡", "旷工", "未签到", "缺勤", "缺席")
_CAME = ("出席", "迟到", "早退")
LOOKUP = lookup_of(SYNONYMS)
_DINGTALK_WORDS = (label("工号"), label("签到地址"), label("签到详细地址"), label("拜访对象"))


def _header(sheet: Sheet) -> Header | None:
    return find_header_row(sheet, LOOKUP, {"name", "when"})


def identify(sheets: Sequence[Sheet]) -> int:
    best = 0
    for sheet in visible_sheets(sheets):
        header = _header(sheet)
        if header is None:
            continue
        above = " ".join(" ".join(row_texts(r)) for r in sheet.rows[: header.row])
        own = header.columns.keys() & {"account", "number", "place", "result"}
        if own or any(w in above for w in ("签到记录", "签到统计", "打卡", "企业微信", "钉钉")):
            best = max(best, 30 + 3 * len(header.columns))
    return best


def _layout(sheet: Sheet, header: Header) -> str:
    above = " ".join(" ".join(row_texts(r)) for r in sheet.rows[: header.row])
    labels = {label(v) for v in sheet.rows[header.row]}
    if "钉钉" in above or "number" in header.columns or labels & set(_DINGTALK_WORDS):
        return "dingtalk"
    return "wecom"


def extract(sheets: Sequence[Sheet], name: str) -> SignInFile:
    found = [(s, h) for s in visible_sheets(sheets) if (h := _header(s)) is not None]
    if not found:
        raise UserError(f"文件 {name} 不是企业微信或钉钉的签到记录")
    sheet, header = found[0]
    layout = _layout(sheet, header)
    titles = [" ".join(row_texts(r)) for r in sheet.rows[: header.row]]
    title_day = date_from_lines(titles)
    col = {f: header.first(f) for f in SYNONYMS}
    firsts: dict[tuple[str, str], tuple[datetime | None, SignInRow]] = {}
    counts: dict[tuple[str, str], int] = {}
    kinds: dict[tuple[str, str], set[str]] = {}
    for r in range(header.row + 1, len(sheet.rows)):
        row = sheet.rows[r]
        raw = text(row, col["name"])
        if not raw or filled_count(row) < 2:
            continue
        day_cell = as_datetime(cell(row, col["day"]))
        when = as_datetime(cell(row, col["when"]), day_cell.date() if day_cell else title_day)
        record = _record(row, r, sheet.name, col, checked_in=when is not None or col["when"] is None)
        key = (name_key(raw), record.branch_hint)
        counts[key] = counts.get(key, 0) + 1
        kinds.setdefault(key, set()).add(text(row, col["kind"]))
        before = firsts.get(key)
        # the row that shows the person came wins (上班 未打卡, 下班 正常: came); then the earliest
        if before is None or (record.status in _CAME) > (before[1].status in _CAME) or (
                (record.status in _CAME) == (before[1].status in _CAME)
                and when is not None and before[0] is not None and when < before[0]):
            firsts[key] = (when or day_cell, record)
    if not firsts:
        raise UserError(f"文件 {name} 是{LAYOUTS[layout]}记录，但其中没有任何签到")
    # 上班打卡 and 下班打卡 are one person's two rows of a 打卡详情, not a check-in twice
    warnings = [f"“{firsts[k][1].raw_name}”签到{n}次，按一次出席计" for k, n in counts.items()
                if n > max(1, len(kinds[k] - {""})) and firsts[k][1].status in _CAME]
    rows = tuple(sorted((rec for _, rec in firsts.values()), key=lambda x: x.row or 0))
    day = common_date(when for when, _ in firsts.values()) or title_day
    return SignInFile(layout, LAYOUTS[layout], day, rows, present_only=True, warnings=tuple(warnings))


def _record(row: Sequence[object], r: int, sheet: str, col: dict[str, int | None], *,
            checked_in: bool = True) -> SignInRow:
    status, reason = "出席", ""
    result = text(row, col["result"])
    if not checked_in and any(w in result for w in _NOT_IN):  # 打卡状态 未打卡, no 打卡时间
        status = "缺席"
    for said in (result, text(row, col["note"])) if status == "出席" else ():
        found, why = status_from_text(said)
        if found and found != "出席":
            status, reason = found, why
            break
    note = text(row, col["note"])
    visitor = visitor_word(note)
    place = text(row, col["place"])
    answers = (("签到地点", place),) if place else ()
    if note and not visitor and status == "出席":
        answers += (("备注", note),)
    account = text(row, col["account"])
    return SignInRow(
        raw_name=text(row, col["name"]), status=status, reason=reason or visitor, sheet=sheet, row=r + 1,
        branch_hint=text(row, col["dept"]),
        phone_tail=phone_tail(text(row, col["phone"])) or phone_tail(account),
        visitor=bool(visitor), answers=answers,
    )
