"""腾讯会议 participant exports (成员参会概况 / 参会成员明细, xlsx or CSV).

Meta lines sit above the header (会议主题, 会议号, 会议开始时间 …); each row is a nickname
with its join and leave times and duration. A person who joined more than once appears
on several rows: they are one attendance. A stay shorter than the configured minimum is
not attendance; otherwise a late first join or an early last leave, against the meeting's
start and end, reads as 迟到 / 早退.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from partyday_cli.core.attendance import SignInFile, SignInRow, visitor_word
from partyday_cli.errors import UserError
from partyday_cli.io.signin.common import (
    Header,
    as_datetime,
    as_minutes,
    cell,
    date_in_text,
    duration_unit,
    filled_count,
    find_header_row,
    is_footer,
    label,
    lookup_of,
    name_key,
    phone_tail,
    text,
    visible_sheets,
)
from partyday_cli.io.workbook import Sheet

LAYOUT, LAYOUT_ZH = "tencent", "腾讯会议参会记录"
FEISHU, FEISHU_ZH = "feishu", "飞书会议参会记录"
GRACE = timedelta(minutes=5)  # joining this late, or leaving this early, is not 迟到/早退

SYNONYMS: dict[str, tuple[str, ...]] = {
    "nick": ("用户昵称（入会昵称）", "用户昵称", "入会昵称", "会中昵称", "参会者昵称", "昵称", "参会者",
             "参会成员", "成员昵称", "用户名", "用户名称（入会昵称）", "用户名称", "参会人", "观看者", "观众昵称"),
    "name": ("真实姓名", "企业成员姓名", "成员姓名", "姓名"),
    "join": ("首次入会时间", "入会时间", "加入会议时间", "加入时间", "进入会议时间", "进入时间", "开始观看时间",
             "首次进入时间"),
    "leave": ("最后退会时间", "退会时间", "离会时间", "最后离会时间", "离开会议时间", "退出时间", "离开时间",
              "结束观看时间"),
    "minutes": ("累计参会时长", "参会时长", "入会时长", "在会时长", "累计入会时长", "时长", "观看时长",
                "累计观看时长"),
    "count": ("入会次数",),
    "phone": ("手机号", "手机号码", "电话", "联系电话"),
    "dept": ("部门", "所属部门"),
    "role": ("身份", "角色", "用户角色"),
}
LOOKUP = lookup_of(SYNONYMS)
_META = {label(k): v for k, v in (
    ("会议主题", "topic"), ("会议号", "number"), ("会议号码", "number"), ("会议ID", "number"),
    ("会议开始时间", "start"), ("开始时间", "start"), ("会议时间", "time"),
    ("会议结束时间", "end"), ("结束时间", "end"),
)}


def identify(sheets: Sequence[Sheet]) -> int:
    return _score(sheets, feishu=False)


def identify_feishu(sheets: Sequence[Sheet]) -> int:
    """飞书's 参会人明细: the same kind of table, told apart by its own words."""
    return _score(sheets, feishu=True)


def _score(sheets: Sequence[Sheet], *, feishu: bool) -> int:
    best = 0
    for sheet in visible_sheets(sheets):
        header = _header(sheet)
        if header is None or _is_feishu(sheet, header) != feishu:
            continue
        meta = _meta(sheet.rows[: header.row])
        score = 30 + 3 * len(header.columns) + (10 if meta else 0)
        best = max(best, score)
    return best


_TENCENT_WORDS = {label(w) for w in ("用户昵称（入会昵称）", "用户昵称", "入会昵称", "会中昵称", "入会次数",
                                     "首次入会时间", "最后退会时间", "累计参会时长", "用户名称（入会昵称）")}
_FEISHU_WORDS = ("飞书", "lark", "feishu", "参会人明细")


def _is_feishu(sheet: Sheet, header: Header) -> bool:
    """A 飞书 export: it says so (title, sheet name), or its name column is 参会者/参会人
    without any of 腾讯会议's own headers."""
    above = " ".join(str(v) for r in sheet.rows[: header.row] for v in r if v != "").lower()
    if any(w in above or w in sheet.name.lower() for w in _FEISHU_WORDS):
        return True
    labels = {label(v) for v in sheet.rows[header.row] if v != ""}
    nick = labels & {label("参会者"), label("参会人")}
    return bool(nick) and not labels & _TENCENT_WORDS and "腾讯" not in above


def _header(sheet: Sheet) -> Header | None:
    header = find_header_row(sheet, LOOKUP, {"nick", "join"})
    return header or find_header_row(sheet, LOOKUP, {"nick", "minutes"})


def _meta(rows: Sequence[Sequence[object]]) -> dict[str, object]:
    """'会议主题' | '…' pairs (or '会议主题：…' in one cell) above the header."""
    out: dict[str, object] = {}
    for row in rows:
        values = [v for v in row if v != ""]
        if not values:
            continue
        head = str(values[0]) if isinstance(values[0], str) else ""
        key, _, rest = head.replace("：", ":").partition(":")
        kind = _META.get(label(key))
        if kind is None:
            continue
        value: object = rest.strip() if rest.strip() else (values[1] if len(values) > 1 else "")
        out.setdefault(kind, value)
    return out


@dataclass
class _Person:
    raw: str
    row: int
    sheet: str
    joins: list[datetime] = field(default_factory=list)
    leaves: list[datetime] = field(default_factory=list)
    minutes: float = 0.0
    has_minutes: bool = False
    times: int = 0
    spans: list[tuple[datetime, datetime]] = field(default_factory=list)
    open_rows: bool = False  # a row without both times: its duration is added as it is
    phone: str = ""
    dept: str = ""
    role: str = ""


def extract(sheets: Sequence[Sheet], name: str, *, min_minutes: float | None = None,
            layout: tuple[str, str] = (LAYOUT, LAYOUT_ZH)) -> SignInFile:
    scored = [(h, s) for s in visible_sheets(sheets) if (h := _header(s)) is not None]
    if not scored:
        raise UserError(f"文件 {name} 不是{layout[1]}")
    # A 明细 sheet (成员参会明细, 2025's 成员观看明细: one row per session, so overlapping
    # sessions can be merged) when it has both times, else the 概况 sheet.
    header, sheet = min(scored, key=lambda hs: (not _sessions(hs[1].name, hs[0]), -len(hs[0].columns)))
    meta = _meta(sheet.rows[: header.row])
    start, end = _meeting_times(meta)
    people = _people(sheet, header, start.date() if start else None)
    if not people:
        raise UserError(f"文件 {name} 是{layout[1]}，但其中没有参会者")
    warnings: list[str] = []
    if end is None:
        leaves = [t for p in people for t in p.leaves]
        end = max(leaves) if leaves and start else None
    rows = tuple(_row(p, start, end, min_minutes, warnings) for p in people)
    joins = [t for p in people for t in p.joins]
    day = start.date() if start else (min(joins).date() if joins else None)
    return SignInFile(layout[0], layout[1], day, rows, present_only=True, warnings=tuple(warnings))


def extract_feishu(sheets: Sequence[Sheet], name: str, *, min_minutes: float | None = None) -> SignInFile:
    return extract(sheets, name, min_minutes=min_minutes, layout=(FEISHU, FEISHU_ZH))


def _sessions(sheet_name: str, header: Header) -> bool:
    return "明细" in sheet_name and "join" in header.columns and "leave" in header.columns


def _meeting_times(meta: dict[str, object]) -> tuple[datetime | None, datetime | None]:
    start = as_datetime(meta.get("start", ""))
    end = as_datetime(meta.get("end", ""), start.date() if start else None)
    span = meta.get("time")
    if isinstance(span, str) and span:
        parts = [p for p in span.replace("～", "~").replace("至", "~").split("~") if p.strip()]
        if len(parts) == 1 and span.count("-") >= 3:  # 2024-03-12 09:00-10:30
            head, _, tail = span.rpartition("-")
            parts = [head, tail]
        start = start or as_datetime(parts[0])
        if start and len(parts) > 1:
            end = end or as_datetime(parts[1].strip(), start.date())
    elif isinstance(span, datetime):
        start = start or span
    if start is None and isinstance(span, str) and (d := date_in_text(span)):
        start = datetime.combine(d, datetime.min.time())
    return start, end


def _people(sheet: Sheet, header: Header, day: date | None) -> list[_Person]:
    cols = {f: header.first(f) for f in SYNONYMS}
    unit = duration_unit(str(cell(sheet.rows[header.row], cols["minutes"])))
    people: dict[tuple[str, str], _Person] = {}
    listed = []
    tails: dict[str, set[str]] = {}  # name → the phone tails its rows give
    for r in range(header.row + 1, len(sheet.rows)):
        row = sheet.rows[r]
        raw = text(row, cols["name"]) or text(row, cols["nick"])
        if not raw or filled_count(row) < 2 or is_footer(raw):
            continue  # a blank row, or a note or total under the table
        key, tail = name_key(raw), phone_tail(text(row, cols["phone"])) or phone_tail(raw)
        listed.append((r, row, raw, key, tail))
        if tail:
            tails.setdefault(key, set()).add(tail)
    for r, row, raw, key, tail in listed:
        # one name, two phones: two people (two 张伟 of the branch), each with their own
        # joins; a row with no phone joins the name's first person, as before
        several = len(tails.get(key, ())) > 1
        person = people.get((key, tail if several and tail else ""))
        if person is None and several and not tail:
            person = next((p for (k, _), p in people.items() if k == key), None)
        if person is None:
            person = people[(key, tail if several else "")] = _Person(raw, r + 1, sheet.name)
        joined = as_datetime(cell(row, cols["join"]), day)
        left = as_datetime(cell(row, cols["leave"]), day)
        minutes = as_minutes(cell(row, cols["minutes"]), unit)
        if joined:
            person.joins.append(joined)
        if left:
            person.leaves.append(left)
        if joined and left and left > joined:
            person.spans.append((joined, left))
            if minutes is None:
                minutes = round((left - joined).total_seconds() / 60, 1)
        else:
            person.open_rows = True
        if minutes is not None:
            person.minutes, person.has_minutes = round(person.minutes + minutes, 1), True
        count = text(row, cols["count"])
        person.times += int(count) if count.isdigit() and int(count) > 0 else 1
        person.phone = person.phone or phone_tail(text(row, cols["phone"])) or phone_tail(raw)
        person.dept = person.dept or text(row, cols["dept"])
        person.role = person.role or text(row, cols["role"])
    return list(people.values())


def _row(p: _Person, start: datetime | None, end: datetime | None, min_minutes: float | None,
         warnings: list[str]) -> SignInRow:
    status, reason = "出席", ""
    first = min(p.joins) if p.joins else None
    last = max(p.leaves) if p.leaves else None
    minutes = p.minutes if p.has_minutes else None
    if len(p.spans) > 1 and not p.open_rows:  # two devices at once count once: the union of the times
        minutes = _union_minutes(p.spans)
    if p.times > 1:
        warnings.append(f"第{p.row}行“{p.raw}”入会{p.times}次，已合并为一次"
                        + (f"（共{minutes:g}分钟）" if minutes is not None else ""))
    if min_minutes is not None and minutes is not None and minutes < min_minutes:
        status, reason = "缺席", f"参会{minutes:g}分钟，不足{min_minutes:g}分钟"
        warnings.append(f"第{p.row}行“{p.raw}”{reason}，不计为出席")
    elif start and first and first > start + GRACE:
        status, reason = "迟到", f"{first:%H:%M}入会"
    elif end and last and last < end - GRACE:
        status, reason = "早退", f"{last:%H:%M}退会"
    visitor = visitor_word(p.role)
    return SignInRow(raw_name=p.raw, status=status, reason=reason or visitor, sheet=p.sheet, row=p.row,
                     branch_hint=p.dept, phone_tail=p.phone, visitor=bool(visitor), minutes=minutes)


def _union_minutes(spans: list[tuple[datetime, datetime]]) -> float:
    """Minutes covered by the sessions, overlaps counted once."""
    total, end = timedelta(), None
    for start, stop in sorted(spans):
        if end is None or start > end:
            total += stop - start
            end = stop
        elif stop > end:
            total += stop - end
            end = stop
    return round(total.total_seconds() / 60, 1)
