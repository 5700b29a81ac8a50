"""Builders of sign-in files shaped like the ones branches really get back, for tests, the
benchmark and the sample data.

Each function writes one file and returns its path. The shapes follow the real exports:
a hand-typed 签到表 (merged title, 时间： line, two halves, footer), 腾讯会议's participant
list (meta lines above the header, 用户昵称（入会昵称）, 首次入会时间 …), 问卷星's 按选项文本
download (序号, 提交答卷时间, 所用时间, 来源, 来源详情, 来自IP, numbered questions), 企业微信
签到记录 and 钉钉 签到统计. Workbooks are written with fixed timestamps, so the same call
gives the same bytes.
"""

from __future__ import annotations

import base64
import csv
import io
import zipfile
import zlib
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter

FIXED_TIME = datetime(2017, 1, 1, 8, 0, 0)
WEEKDAYS = "一二三四五六日"
PRESENT_WORDS = ("迟到", "早退")  # a signature and a word in 备注


# --------------------------------------------------------------------------- writing


def _save_xlsx(rows: Sequence[Sequence[object]], path: Path, *, sheet: str = "Sheet1",
               merges: Sequence[str] = (), widths: dict[str, float] | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(list(row))
    for ref in merges:
        ws.merge_cells(ref)
    for col, width in (widths or {}).items():
        ws.column_dimensions[col].width = width
    return _save_book(wb, path)


def plain_xlsx(path: Path, rows: Sequence[Sequence[object]], *, sheet: str = "Sheet1",
               merges: Sequence[str] = ()) -> Path:
    """Any grid of cells as an .xlsx (for layouts no factory knows: user mappings, traps)."""
    return _save_xlsx(rows, path, sheet=sheet, merges=merges)


def _save_book(wb: openpyxl.Workbook, path: Path) -> Path:
    """Saved with fixed timestamps in the document and in the zip entries."""
    from openpyxl.writer.excel import ExcelWriter

    wb.properties.created = wb.properties.modified = FIXED_TIME
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dest:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            dest.writestr(entry, source.read(info.filename))
    path = Path(path)
    path.write_bytes(out.getvalue())
    return path


def _save_csv(rows: Sequence[Sequence[object]], path: Path, encoding: str) -> Path:
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerows([["" if v is None else v for v in row] for row in rows])
    path = Path(path)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def _date_zh(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# --------------------------------------------------------------------------- hand-typed 签到表


def _sign_and_note(status: str | None, signatures: bool) -> tuple[str, str]:
    """What the 签名 and 备注 cells hold for a status word ('' = came, no note)."""
    if status in (None, "", "出席"):
        return ("√" if signatures else ""), ""
    if status == "缺席":
        return "", ""
    if status in PRESENT_WORDS:
        return ("√" if signatures else ""), status
    return "", status


def _handwritten_rows(*, title: str, date: date | None, names: list[str], statuses: dict[str, str] | None,
                      two_halves: bool, footer: bool, groups: dict[str, str] | None,
                      visitors: dict[str, str] | None, signatures: bool, blank_every: int | None,
                      expected: int | None, exempt: Sequence[str], visitor_line: Sequence[str],
                      place: str, year_in_line: bool = True) -> tuple[list[list[object]], list[str], int]:
    """(rows, merged ranges, width) of a typed-up 签到表."""
    statuses = statuses or {}
    people = [(n, statuses.get(n)) for n in names]
    people += [(n, statuses.get(n)) for n in (visitors or {})]
    if two_halves:
        head = ["序号", "姓名", "签名", "备注"] * 2
    else:
        head = ["序号", "姓名"] + (["党小组"] if groups else []) + ["签名", "备注"]
    width = len(head)
    last = get_column_letter(width)
    rows: list[list[object]] = [[title]]
    merges = [f"A1:{last}1"]
    if date is not None:
        day = _date_zh(date) if year_in_line else f"{date.month}月{date.day}日"
        rows.append([f"时间：{day}（星期{WEEKDAYS[date.weekday()]}）下午2:30　　地点：{place}"])
        merges.append(f"A2:{last}2")
    rows.append(head)

    def cells(index: int, name: str, status: str | None) -> list[object]:
        sign, note = _sign_and_note(status, signatures)
        if visitors and name in visitors:
            note = visitors[name]
        group = [(groups or {}).get(name, "")] if groups and not two_halves else []
        return [index, name, *group, sign, note]

    body: list[list[object]] = []
    if two_halves:
        half = (len(people) + 1) // 2
        for k in range(half):
            left = cells(k + 1, *people[k])
            right = cells(k + 1 + half, *people[k + half]) if k + half < len(people) else []
            body.append(left + right)
    else:
        body = [cells(i, n, s) for i, (n, s) in enumerate(people, start=1)]
    for i, row in enumerate(body, start=1):
        rows.append(row)
        if blank_every and i % blank_every == 0 and i < len(body):
            rows.append([])
    if footer:
        present = sum(1 for n, s in people[: len(names)] if s in (None, "", "出席", *PRESENT_WORDS))
        line = f"应到{expected if expected is not None else len(names)}人，实到{present}人"
        if exempt:
            line += "。经批准免参加：" + "、".join(exempt) + "。"
        rows.append([line])
        merges.append(f"A{len(rows)}:{last}{len(rows)}")
    if visitor_line:
        rows.append(["列席人员（入党积极分子、发展对象等）：" + "、".join(visitor_line)])
        merges.append(f"A{len(rows)}:{last}{len(rows)}")
    if footer:
        rows.append(["记录人：", "", "", "审核：" if width > 3 else ""])
    return rows, merges, width


def handwritten_xlsx(path: Path, *, title: str, date: date | None, names: list[str],
                     statuses: dict[str, str] | None = None, two_halves: bool = False, footer: bool = True,
                     merged_title: bool = True, groups: dict[str, str] | None = None,
                     merge_groups: bool = True, visitors: dict[str, str] | None = None,
                     signatures: bool = True, blank_every: int | None = None, expected: int | None = None,
                     exempt: Sequence[str] = (), visitor_line: Sequence[str] = (),
                     place: str = "党员活动室", sheet: str = "签到表") -> Path:
    """A 签到表 typed up after the meeting. `statuses`: name → what 备注 says (病假, 事假,
    出差, 迟到, 早退; '缺席' leaves the row unsigned). `groups` adds a 党小组 column, merged
    down over each group's members; `visitors`: name → 入党积极分子/发展对象 in 备注."""
    rows, merges, _ = _handwritten_rows(
        title=title, date=date, names=names, statuses=statuses, two_halves=two_halves, footer=footer,
        groups=groups, visitors=visitors, signatures=signatures, blank_every=blank_every,
        expected=expected, exempt=exempt, visitor_line=visitor_line, place=place)
    if not merged_title:
        merges = merges[1:]
    if groups and merge_groups and not two_halves:
        merges += _group_merges(rows, names, groups)
        for ref in _group_merges(rows, names, groups):  # a merged cell keeps its top value only
            first, last = ref.split(":")
            for r in range(int(first[1:]) + 1, int(last[1:]) + 1):
                rows[r - 1][2] = ""
    return _save_xlsx(rows, path, sheet=sheet, merges=merges,
                      widths={"A": 6, "B": 12, "C": 12, "D": 12, "E": 14})


def _group_merges(rows: list[list[object]], names: list[str], groups: dict[str, str]) -> list[str]:
    """C-column ranges where consecutive members share a group."""
    where = {row[1]: r for r, row in enumerate(rows, start=1) if len(row) > 2 and row[1] in names}
    out, run = [], []
    for name in names:
        r = where.get(name)
        if run and (r is None or r != run[-1][0] + 1 or groups.get(name) != run[-1][1]):
            if len(run) > 1:
                out.append(f"C{run[0][0]}:C{run[-1][0]}")
            run = []
        if r is not None:
            run.append((r, groups.get(name)))
    if len(run) > 1:
        out.append(f"C{run[0][0]}:C{run[-1][0]}")
    return out


def handwritten_csv(path: Path, encoding: str = "gbk", *, title: str, date: date | None, names: list[str],
                    statuses: dict[str, str] | None = None, two_halves: bool = False, footer: bool = True,
                    groups: dict[str, str] | None = None, visitors: dict[str, str] | None = None,
                    signatures: bool = True, blank_every: int | None = None, expected: int | None = None,
                    place: str = "党员活动室", year_in_line: bool = True) -> Path:
    """The same 签到表 saved as CSV (Excel on Windows writes GBK: its default). With
    `year_in_line` False the 时间： line says only 5月10日 and the year is in the title."""
    rows, _, _ = _handwritten_rows(
        title=title, date=date, names=names, statuses=statuses, two_halves=two_halves, footer=footer,
        groups=groups, visitors=visitors, signatures=signatures, blank_every=blank_every,
        expected=expected, exempt=(), visitor_line=(), place=place, year_in_line=year_in_line)
    return _save_csv(rows, path, encoding)


# An .xls (BIFF8) 签到表 with a 状态 column filled for everyone, converted from
# handwritten_status_rows() below by LibreOffice 7 (`soffice --headless --convert-to xls`),
# zlib-compressed and base64-encoded so tests need no .xls writer. Rebuild with
# `python tests/golden/signin/build.py --xls` where LibreOffice is installed.
XLS_STATUS = """
eNrtWH1sVEUQn/fu3d2767V3LRRKwXJWgUKv0AKVCmILBQE/+kVFaJtCKddSOdpaikKIcIj8IyXUYIQYgsFgYjRRjAkm
arRNMCFG4ycxGhMLkQSCf5xGQyC252/n7b2+1mvSK8T40b3Mm53ZndmvmZ2d++Lz1L5Tb2depGFlCdloIOoih4WnANwx
wkekSt5ANBqNsaPj5V9V+iUWZ6jh/OwAceZOgA5wyfNNkni8/LdKFbXh10l+WkmtwB20mxIpk2AxVn2jkRkYZb/RlvHx
xz6+uL/FPW4DjOT/4s4X/u8BJANSAF4jBFAqIA0wATARkM42QTQZkAGYAsgETAVMA9wByAJMB/gBdwKyAXcB7gbMAMwE
zALkAGYD5gBy5bzzJBaQj3oBYL7kLQQuHL+nEiouHafosNP7yZ+KI+ezvwiLOKP1sl1cAtRRu7CN0oZQo//vKst5Dg2K
mEMPjHQpagqdADeF3mLuB/xdytaHUkL+ImnR69USnvth/mbzN4WE/Lss8z1zCmCHP7CVd7MTKORUSqmBQtRCm3EPtqBH
Jp0X/rWPewjvUJZxi+h1a635Q8aGLyllfA+3wSvWok8r7UCtlB6kh5hTSlmah04Lv1wVbA12NIT62N9O0+9Rv8W3e/yC
L5Qy/7fR8dUE+fS/45/G3sXb51yjf2Q4f/YI/MAI/Dkj8F1x+fbYfHJG4OuD/KMqfDdMUYF9YRvj1LCDcVpYYzwh7GQ8
MWyPbmIfOYjb3cOPf025WflT1Z4nzxzqwi2g4Ner6ACi6sMKXaMaEQsiVTyaI5JBRiCJ5QZWWEBJEeGtH2F6Ou1XEFv0
HqUE3xLK+sVnRBcdUUZH9NCvwyn+oGIlW0aRyeRyUmCPq6ymcl7wSvd8uFABLaLO+kLSm4VDXQ4uKTt+vKbycjA2YRHO
7BzE7DKI2TmIpQDjOjhSf30t0NcbkqttpNRUeuvO7QV9tkPZBOTccCUE9uoXb9b3r7OTEthDZWafm5V59Wg81uyte0XQ
1w+tqgD6eOeqCrDPnfx24+KN2Kyt1X6cRnmQxbsGxX88kl8FVLi+6Qi6L6x+avuFJ0Av3pdXD/Rl9/RyoA21S8uArgap
G51ebWypragFHXrpk3IXuez0Qn1+VRG9V+aJnqzNrypEjXhdIpjbZQDH4wwrn0Kva0b4btTTAYNmnC6xKrbHiAW+IbHA
A4VbcMLi9kxl5T6ozSuddu3SPZnFG5kfHjQ3miGsjQLKfrT0anNYIpe/z3Df2BvhAPOe5e9MU/5K8SxLPcesR4pnW+qn
cKe7MCtia1QxWkDJ8DgO9G7qK45hhR5Fi05P87JJeU73ypWmMEoy7mSxSapP1gPGTa14mafE4als3EN5tjj9tDj97HH6
OeL0c8bh6XFkXXH6uYf165f5unHMH/LLTQFl/DRuV/jFJr4GpYBSTUoFZTMpGyjNpDR+/RPthfWo/CZ0yDaVtQxSQovT
pIQWXcrZWM4t22ws5zIpq5yN5QZ7itGTpBaNtaTINo21eEzKqkUbMrqd5dJkm53lkk1KyKWYlJDzmpQY3Se1OFjLJNnm
YC2pJmXV4mAtaVLOyXKZss3JchNMyirnHDJrneWyZJvOchNNyiqns1y6SYlZT5JaXKwlW7a5WMtkk7JqcZmjC8rN9pQh
7ck9xJ4uY22q9FNN9tXoZ6oQN0hktXF7RHQZD8SxeckWyeeZaJEc5rsivjg5i0pulhMy4tTuV9PorMN4+BHdx7eByC68
bFGxAVCaEUyadasiJZYnubnbQNTmNnIon27Mvcfo+YDIWR5paexo29HW1OlfuasxGPLfuyivumFzMBQK8rEvb2lqKrqV
3E0hc8PGVAaixF4aRy/1HXz51xvlW31vPK9T7qx3vhP7fFzmdorcOeE5q2WeVyf3ZKu8HztlzheWeV+XzBWv9hs5nJBp
aw+2tu/eFSKZ14n2fKk7Vv5a/8Zj3/KVYq3f7vULjnrhswsn5k71HT2G9QduvLlC3I7DeHUyT429UXyWNT4s82KSuapo
L5LtJZbcWezVsvb2dcGOHS1trUP3SOzvgrkF9E8tt/P/H96/YT4UT0bsaTjZqD+G0TtoGzIuMY9tCc8/jaOLsc/RRP5X
SYr5SSnG3Y4MtxxzeHxM49ss/8GMRiYAWGP6aTnyweCYz0/E00T//5kr/6sxXj1raSfWvx05pzj7NbCCJj4TwelEvtoG
zsglR45vT2D/5wHOm+OvwAiNPIcgW2Bi8ykaw/oXAF4b//+Py59cR0lN
"""


def handwritten_status_rows() -> tuple[list[list[object]], list[str]]:
    """The sheet inside XLS_STATUS: title with the date, 状态 filled for everyone, and a
    footer that miscounts (实到5人 where six came: late and early count as present)."""
    rows: list[list[object]] = [["第三党支部2017年5月10日主题党日出勤登记"], ["序号", "姓名", "党小组", "状态", "备注"]]
    people = [("陈建国", "第一党小组", "出席", ""), ("林小红", "第一党小组", "请假", "病假"),
              ("黄志强", "第一党小组", "出席", ""), ("周  敏", "第二党小组", "迟到", "堵车"),
              ("吴海燕", "第二党小组", "缺席", ""), ("郑伟", "第二党小组", "出席", ""),
              ("孙丽", "第二党小组", "早退", "接孩子"), ("马俊", "第二党小组", "出席", "")]
    rows += [[i, n, g, s, note] for i, (n, g, s, note) in enumerate(people, start=1)]
    rows.append(["应到8人，实到5人"])
    return rows, ["A1:E1", f"A{len(rows)}:E{len(rows)}"]


def handwritten_status_xlsx(path: Path) -> Path:
    rows, merges = handwritten_status_rows()
    return _save_xlsx(rows, path, sheet="出勤登记", merges=merges)


def handwritten_xls(path: Path) -> Path:
    """Writes the embedded .xls (see XLS_STATUS)."""
    path = Path(path)
    path.write_bytes(zlib.decompress(base64.b64decode(XLS_STATUS)))
    return path


# --------------------------------------------------------------------------- 腾讯会议

Interval = tuple[datetime, datetime]


def _duration_text(minutes: float, style: str) -> object:
    whole = int(round(minutes))
    if style == "minutes":
        return whole
    if style == "hms":
        seconds = int(round(minutes * 60))
        return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    hours, rest = divmod(whole, 60)
    return f"{hours}小时{rest}分" if hours else f"{rest}分钟"


def _stamp(when: datetime) -> str:
    return when.strftime("%Y-%m-%d %H:%M:%S")


def _tencent_rows(*, topic: str, start: datetime, participants: list[tuple[str, list[Interval]]],
                  end: datetime | None, meeting_no: str, host: str, per_join: bool,
                  duration_style: str) -> list[list[object]]:
    if end is None:
        end = max(b for _, spans in participants for _, b in spans)
    rows: list[list[object]] = [
        ["会议主题", topic],
        ["会议号", meeting_no],
        ["会议开始时间", _stamp(start)],
        ["会议结束时间", _stamp(end)],
        ["预定人", host],
        ["累计参会人数", len({n for n, _ in participants})],
        ["导出时间", _stamp(end + timedelta(minutes=7))],
        [],
    ]
    role = {host: "主持人"}
    if per_join:
        unit = "（分钟）" if duration_style == "minutes" else ""
        rows.append(["用户昵称（入会昵称）", "入会时间", "退会时间", f"参会时长{unit}", "身份", "入会设备"])
        for nick, spans in participants:
            for a, b in spans:
                minutes = (b - a).total_seconds() / 60
                rows.append([nick, _stamp(a), _stamp(b), _duration_text(minutes, duration_style),
                             role.get(nick, "普通参会者"), "PC"])
        return rows
    rows.append(["用户昵称（入会昵称）", "首次入会时间", "最后退会时间", "入会次数", "累计参会时长", "身份"])
    for nick, spans in participants:
        minutes = sum((b - a).total_seconds() / 60 for a, b in spans)
        rows.append([nick, _stamp(min(a for a, _ in spans)), _stamp(max(b for _, b in spans)), len(spans),
                     _duration_text(minutes, duration_style), role.get(nick, "普通参会者")])
    return rows


def tencent_meeting_xlsx(path: Path, *, topic: str, start: datetime,
                         participants: list[tuple[str, list[Interval]]], end: datetime | None = None,
                         meeting_no: str = "826 315 470", host: str = "", per_join: bool = False,
                         duration_style: str = "zh") -> Path:
    """A 腾讯会议 participant export. `participants`: (nickname as shown, join/leave
    intervals). The summary sheet (成员参会概况: one row per nickname with 入会次数) or,
    with `per_join`, the detail sheet (参会成员明细: one row per join). `duration_style`:
    'zh' (1小时5分), 'hms' (1:05:00) or 'minutes' (65, header 参会时长（分钟）)."""
    rows = _tencent_rows(topic=topic, start=start, participants=participants, end=end, meeting_no=meeting_no,
                         host=host, per_join=per_join, duration_style=duration_style)
    sheet = "参会成员明细" if per_join else "成员参会概况"
    return _save_xlsx(rows, path, sheet=sheet, widths={"A": 28, "B": 20, "C": 20})


def tencent_meeting_csv(path: Path, *, topic: str, start: datetime,
                        participants: list[tuple[str, list[Interval]]], end: datetime | None = None,
                        meeting_no: str = "826 315 470", host: str = "", per_join: bool = True,
                        duration_style: str = "minutes", encoding: str = "utf-8-sig") -> Path:
    """The same export as CSV (腾讯会议 writes UTF-8 with a BOM; re-saved by Excel, GBK)."""
    rows = _tencent_rows(topic=topic, start=start, participants=participants, end=end, meeting_no=meeting_no,
                         host=host, per_join=per_join, duration_style=duration_style)
    return _save_csv(rows, path, encoding)


# --------------------------------------------------------------------------- 问卷星


def _wjx_rows(submissions: list[tuple[datetime, str, dict[str, str]]]) -> list[list[object]]:
    questions: list[str] = []
    for _, _, answers in submissions:
        questions += [q for q in answers if q not in questions]
    head = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP", "1、您的姓名："]
    head += [f"{i}、{q}：" for i, q in enumerate(questions, start=2)]
    rows: list[list[object]] = [head]
    for i, (when, name, answers) in enumerate(submissions, start=1):
        rows.append([i, f"{when.year}/{when.month}/{when.day} {when:%H:%M:%S}", f"{20 + 7 * i % 90}秒",
                     "微信" if i % 3 else "手机提交", "N/A", f"117.136.{i % 250}.{(37 * i) % 250}(广东-广州)",
                     name, *[answers.get(q, "(跳过)") for q in questions]])
    return rows


def wjx_xlsx(path: Path, *, title: str, submissions: list[tuple[datetime, str, dict[str, str]]]) -> Path:
    """问卷星 按选项文本导出: one row per submission (time, name, {question: answer});
    questions are numbered 2、3、… after 1、您的姓名：. The sheet is named after the survey."""
    sheet = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or "Sheet1"
    return _save_xlsx(_wjx_rows(submissions), path, sheet=sheet, widths={"B": 20, "G": 12})


def wjx_csv(path: Path, *, submissions: list[tuple[datetime, str, dict[str, str]]],
            encoding: str = "utf-8-sig") -> Path:
    return _save_csv(_wjx_rows(submissions), path, encoding)


# --------------------------------------------------------------------------- 企业微信 / 钉钉

CheckIn = tuple[str, str, datetime, str]  # name, 部门, when, 备注


def wecom_checkin_xlsx(path: Path, *, records: list[CheckIn], title: str = "签到记录",
                       place: str = "广州市天河区党群服务中心") -> Path:
    """企业微信 签到 export: a merged title row, then 时间 (the day), 姓名, 账号, 部门,
    签到时间 (the time), 签到地点, 备注; one row per check-in."""
    rows: list[list[object]] = [[title], ["时间", "姓名", "账号", "部门", "签到时间", "签到地点", "备注"]]
    accounts: dict[str, str] = {}
    for name, dept, when, note in records:
        account = accounts.setdefault(name, f"user{len(accounts) + 1:03d}")
        rows.append([f"{when:%Y/%m/%d} 星期{WEEKDAYS[when.weekday()]}", name, account, dept,
                     f"{when:%H:%M}", place, note])
    return _save_xlsx(rows, path, sheet="签到记录", merges=["A1:G1"], widths={"A": 18, "F": 28})


def dingtalk_checkin_xlsx(path: Path, *, records: list[CheckIn], address: str = "党员活动室（行政楼301）") -> Path:
    """钉钉 签到统计 export: a title row with the period, then 姓名, 部门, 工号, 职位,
    签到时间, 签到地址, 签到详细地址, 备注."""
    days = [when.date() for _, _, when, _ in records] or [FIXED_TIME.date()]
    title = f"签到统计 {min(days):%Y-%m-%d}至{max(days):%Y-%m-%d}"
    rows: list[list[object]] = [[title], ["姓名", "部门", "工号", "职位", "签到时间", "签到地址", "签到详细地址", "备注"]]
    numbers: dict[str, str] = {}
    for name, dept, when, note in records:
        number = numbers.setdefault(name, f"{1000 + len(numbers) + 1}")
        rows.append([name, dept, number, "", f"{when:%Y-%m-%d %H:%M}", address, f"某某市某某区某某路8号{address}",
                     note])
    return _save_xlsx(rows, path, sheet="签到统计", merges=["A1:H1"], widths={"E": 18, "F": 24})
