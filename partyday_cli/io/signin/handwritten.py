"""Sign-in sheets typed up by hand (and the tool's own 签到表 sent back filled in).

Title rows (often merged), the date in the title or a 时间： line, a header naming 姓名
(once, or twice when the page is split into two halves side by side), blank rows,
group headings, a footer such as 应到24人，实到20人, and a 列席人员 section for visitors.
Status words in a 备注/状态 column (病假, 迟到, 出差 …) are read. The same table reader
serves column mappings from the config (`mapped.py`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from partyday_cli.core.attendance import (
    AMBIGUOUS_MARKS,
    PRESENT,
    SignInFile,
    SignInRow,
    legend_marks,
    may_be_legend,
    status_from_text,
    visitor_word,
)
from partyday_cli.errors import UserError
from partyday_cli.io.signin.common import (
    Header,
    clip,
    date_from_lines,
    date_in_text,
    find_header_row,
    footer_counts,
    is_footer,
    label,
    looks_like_name,
    lookup_of,
    names_list,
    phone_tail,
    row_texts,
    text,
    visible_sheets,
)
from partyday_cli.io.workbook import Sheet

LAYOUT, LAYOUT_ZH = "handwritten", "手写签到表"

SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "党员姓名", "名字", "参会人", "参会人员", "参会党员", "签到人", "人员姓名"),
    "seq": ("序号", "编号", "序"),
    "sign": ("签名", "本人签名", "签字", "本人签字", "签到", "签名签到", "手写签名", "签到签名", "确认签字",
             "签到时间", "到会时间", "到场时间", "签到栏", "签名栏", "到会签名", "本人签到", "打√"),
    "status": ("状态", "出勤情况", "参会情况", "出席情况", "到会情况", "考勤", "出勤", "签到情况", "情况"),
    "note": ("备注", "说明", "请假事由", "请假原因", "缺席原因", "原因", "事由"),
    "group": ("党小组", "所在党小组", "小组", "所在小组"),
    "branch": ("支部", "所在支部", "党支部", "所在党支部"),
    "identity": ("身份", "类别", "人员类别", "政治面貌", "人员类型", "党员类别"),
    "phone": ("电话", "联系电话", "手机", "手机号", "手机号码"),
    # 本月党费请于活动当天交纳: the amount written on the day (partyday's 签到表-党费 prints it)
    "paid": ("实交", "实交党费", "本月实交", "党费实交", "实交金额", "实交党费金额", "交纳党费", "本月党费实交"),
}
PAID_QUESTION = "本月党费实交（元）"  # kept with the mark, compared with the 台账 by `dues report`
LOOKUP = lookup_of(SYNONYMS)

_BRACKETED = re.compile(r"[（(【\[〔]([^）)】\]〕]*)[）)】\]〕]")
_SECTION = re.compile(r"党小组|小组$|支部$")
_FOOTER_EXEMPT = "经批准免参加"
_EXEMPT_LINE = re.compile(r"(?:经批准)?免(?:予|于)?参加(?:人员)?[:：](.+)")
# a line under an attendees-only list naming who was away: 请假：郑思远（在校上课）、李明（病假）
_AWAY_LINE = re.compile(r"^(请假|事假|病假|缺席|未到|缺勤)(?:人员|同志|党员)?(?:名单)?(?:\s*\d+\s*人)?\s*[:：](.+)")


def identify(sheets: Sequence[Sheet]) -> int:
    """10 and up for a sheet whose header names 姓名; more with 签名/备注/状态 beside it."""
    best = 0
    for sheet in visible_sheets(sheets):
        header = find_header_row(sheet, LOOKUP, {"name"})
        if header is None:
            continue
        extra = sum(1 for f in ("seq", "sign", "status", "note") if f in header.columns)
        best = max(best, 10 + 2 * extra + min(len(header.columns), 6))
    return best


def extract(sheets: Sequence[Sheet], name: str) -> SignInFile:
    return read_tables(sheets, name, LOOKUP, LAYOUT, LAYOUT_ZH)


@dataclass
class _Sheet:
    """What one sheet gave."""

    rows: list[SignInRow] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # title and footer text, for the date
    expected: int | None = None
    present: int | None = None
    signed: bool = False  # the 签名 column is in use: an empty one means not there
    sign_column: bool = False  # the header has a 签名 column at all
    status_full: bool = True  # every member row has its 状态 cell filled
    warnings: list[str] = field(default_factory=list)
    legend: dict[str, str] = field(default_factory=dict)  # the sheet's own key to its marks
    circles: list[tuple[int, str]] = field(default_factory=list)  # (row, mark): ○ with no key saying what it is
    strokes: list[tuple[int, str]] = field(default_factory=list)  # (row, mark): a “/” or “—” in the 签到 cell


def read_tables(sheets: Sequence[Sheet], name: str, lookup: Mapping[str, str], layout: str,
                layout_zh: str) -> SignInFile:
    """Every sheet with a header naming 姓名, read as one sign-in list."""
    parts = []
    for sheet in visible_sheets(sheets):
        header = find_header_row(sheet, lookup, {"name"})
        if header is not None:
            parts.append(_read_sheet(header, lookup))
    rows = [r for p in parts for r in p.rows]
    if not any(not r.visitor for r in rows):
        raise UserError(f"文件 {name} 中找到了“姓名”表头，但下面没有任何党员姓名。请确认选对了文件")
    members = [r for r in rows if not r.visitor and r.status != "免参加"]
    listed = [p for p in parts if any(not r.visitor for r in p.rows)]
    if listed and all(p.sign_column and not p.signed and not p.status_full for p in listed) and all(
            r.status in (None, "出席") for r in members):
        raise UserError(f"文件 {name} 的“签名”栏全部是空的，像是还没签名的空白签到表（如 partyday signsheet "
                        "生成的表）。请导入会后签好名的签到表；若只是到会名单，请删去“签名”列后再导入")
    full = all(p.signed or p.status_full for p in parts if any(not r.visitor for r in p.rows))
    expected = _total(p.expected for p in parts)
    present = _total(p.present for p in parts)
    warnings = [w for p in parts for w in p.warnings]
    counted = sum(1 for r in members if r.status in PRESENT or r.status is None)
    if present is not None and present != counted:
        warnings.append(f"页脚写实到{present}人，表中读出出席{counted}人，请核对")
    if expected is not None and full and expected != len(members):
        warnings.append(f"页脚写应到{expected}人，表中列出{len(members)}人，请核对")
    lines = [x for p in parts for x in p.lines] + [s.name for s in sheets] + [name]  # title, footer, names
    if makeup := _makeup(lines):  # a 补学签到表: who made the activity up later, not who came
        rows = [replace(r, status="补学", reason=makeup) for r in rows
                if not r.visitor and (r.status is None or r.status in PRESENT)]
        full = False
        warnings.append(f"这是补学签到表：表中 {len(rows)} 人记为补学（计入应到，不计入实到），"
                        "其余党员按当天的签到表计")
    return SignInFile(layout=layout, layout_zh=layout_zh, date=date_from_lines(lines),
                      rows=tuple(rows), present_only=not full, footer_expected=expected,
                      footer_present=present, warnings=tuple(warnings))


_MAKEUP = re.compile(r"补学(?:签到|登记|人员|名单)|^\s*补学(?:时间|日期)")
_MAKEUP_DAY = re.compile(r"^\s*补学(?:时间|日期)\s*[:：]?\s*(.+)")


def _makeup(lines: Sequence[str]) -> str:
    """The reason a 补学 sheet gives its rows ('5月15日补学'), or '' for any other sheet:
    its title or a 补学时间： line says so (a footer's 未到同志请于一周内补学 does not)."""
    if not any(_MAKEUP.search(line) for line in lines):
        return ""
    for line in lines:
        if (m := _MAKEUP_DAY.match(line)) and (day := date_in_text(m[1])):
            return f"{day.month}月{day.day}日补学"
    return "补学"


def _total(values: Iterable[int | None]) -> int | None:
    found = [v for v in values if v is not None]
    return sum(found) if found else None


def _blocks(header: Header) -> list[dict[str, int]]:
    """One column map per half of the page: 序号 姓名 签名 | 序号 姓名 签名."""
    names = header.columns["name"]
    seqs = set(header.columns.get("seq", ()))
    starts = [c - 1 if c - 1 in seqs else c for c in names]
    starts[0] = 0
    ends = starts[1:] + [1 << 30]
    blocks = []
    for name_col, start, end in zip(names, starts, ends, strict=True):
        block = {"name": name_col}
        for fld, cols in header.columns.items():
            inside = [c for c in cols if start <= c < end]
            if fld != "name" and inside:
                block[fld] = inside[0]
        blocks.append(block)
    return blocks


def _read_sheet(header: Header, lookup: Mapping[str, str]) -> _Sheet:
    sheet = header.sheet
    out = _Sheet(lines=[" ".join(row_texts(r)) for r in sheet.rows[: header.row]])
    blocks = _blocks(header)
    filled = _filled_below(sheet, header.row)
    named = sheet.name.strip()  # one sheet per 党小组 (or 支部): its name is a hint
    context = {"group": named if "小组" in named else "", "branch": named if named.endswith("支部") else "",
               "visitor": ""}
    any_status_col = any("status" in b for b in blocks)
    out.sign_column = any("sign" in b for b in blocks)
    keys = _legend_rows(sheet, header.row)
    # the key in a title line, under the table, or in the 签到 header itself (签到（√出席 ○请假）)
    out.legend = legend_marks([*out.lines, " ".join(row_texts(sheet.rows[header.row])), *keys.values()])
    pending: list[SignInRow | tuple[list[object], str]] = []  # statuses wait until we know if 签名 is in use
    marked = [0, 0]  # member rows with a 状态 column, and those where it says present (到, √, 出席)
    for r in range(header.row + 1, len(sheet.rows)):
        row = sheet.rows[r]
        if len(row) == row.count("") or r in keys:
            continue
        first = text(row, 0)
        if not first.isdigit():  # a numbered member row is never a footer or a heading
            texts = row_texts(row)
            special = _special_row(texts, r, sheet, out, context) if texts else []
            if special is not None:
                pending.extend(special)
                continue
        for block in blocks:
            raw = text(row, block["name"])
            if not raw or raw in lookup or not looks_like_name(raw) or (
                    not raw.isalpha() and lookup.get(label(raw)) is not None):
                continue  # a blank, a number, a repeated header
            found = _person(row, filled.get(r, row), block, raw, r, sheet, context, out)
            sign = text(row, block.get("sign"))
            if not found[_VISITOR]:
                out.signed = out.signed or (bool(sign) and sign not in _STROKES)
                if any_status_col and "status" in block:
                    marked[0] += 1
                    written = text(row, block["status"]) or text(filled.get(r, row), block["status"])
                    if not written:
                        out.status_full = False
                    elif status_from_text(written, out.legend) == ("出席", ""):  # 到, √, 出席: a mark, no exception
                        marked[1] += 1
            pending.append((found, sign))
    if not any_status_col:
        out.status_full = False
    elif not out.sign_column and not out.status_full and marked[1] * 2 > marked[0]:
        # 签到情况 / 出勤情况 with 到 in most rows and blanks in others: the column is the sheet's
        # sign column — a blank there is someone who did not come, as an empty 签名 cell is
        out.signed = True
        blank = marked[0] - sum(1 for p in pending if not isinstance(p, SignInRow) and p[0][_STATUS] is not None)
        out.warnings.append(f"“{_status_title(blocks, header)}”栏 {marked[1]} 行写了到会，{blank} 行空白：空白的按"
                            "未到会（缺席）计；请过假的请在该栏或备注写“请假”后用 --replace 重新导入")
    rows = [p if isinstance(p, SignInRow) else _settle(*p, out) for p in pending]
    if out.legend:
        circle = next(m for m in [*out.legend, AMBIGUOUS_MARKS[0]] if m in AMBIGUOUS_MARKS)
        said = [m for m in out.legend if m not in AMBIGUOUS_MARKS or m == circle]  # its look-alikes unsaid
        out.warnings.append("按表中的说明读标记：" + "、".join(f"{m}为{out.legend[m]}" for m in said))
    if out.strokes:
        (row, mark), more = out.strokes[0], f"等 {len(out.strokes)} 处" if len(out.strokes) > 1 else ""
        where = (f"工作表“{sheet.name}”" if sheet.name else "") + f"第{row}行"
        out.warnings.append(f"{where}{more}签到栏是“{mark}”，按未到会（缺席）计；若表示别的意思，请在表下加一行"
                            f"说明（如“说明：{mark}请假”）后用 --replace 重新导入")
    if out.circles:
        (row, mark), more = out.circles[0], f"等 {len(out.circles)} 处" if len(out.circles) > 1 else ""
        where = (f"工作表“{sheet.name}”" if sheet.name else "") + f"第{row}行"
        out.warnings.append(f"{where}{more}的标记“{mark}”，表中没有说明是什么意思，已按出席计；若{mark}表示请假或"
                            f"缺席，请在表下加一行说明（如“说明：{mark}请假”）后用 --replace 重新导入")
    # a footer 经批准免参加：陈国华 on a sheet that also gives 陈国华 a row (partyday's own, when
    # dues are paid at the meeting): the row is the member, the footer only repeats it
    listed = {p.raw_name for p in rows if p.reason != _FOOTER_EXEMPT}
    out.rows = [p for p in rows if p.reason != _FOOTER_EXEMPT or p.raw_name not in listed]
    return out


def _status_title(blocks: list[dict[str, int]], header: Header) -> str:
    """The 状态 column's header text as the sheet has it (出勤情况), for messages."""
    column = next(b["status"] for b in blocks if "status" in b)
    return text(header.sheet.rows[header.row], column) or "出勤情况"


def _legend_rows(sheet: Sheet, header_row: int) -> dict[int, str]:
    """Rows below the header that are a key to the marks (说明：√出席 ○请假), by index."""
    out = {}
    for r in range(header_row + 1, len(sheet.rows)):
        row = sheet.rows[r]
        if any(may_be_legend(cell) for cell in row):
            line = " ".join(row_texts(row))
            if legend_marks([line]):
                out[r] = line
    return out


def _filled_below(sheet: Sheet, header_row: int) -> dict[int, list[object]]:
    """Rows below the header that merged cells cover, with the merged value in every
    cell (a 党小组 cell merged down over its members); other rows are read as they are."""
    out: dict[int, list[object]] = {}
    for r0, c0, r1, c1 in sheet.merged:
        if r1 <= header_row or r0 >= len(sheet.rows) or c0 >= len(sheet.rows[r0]):
            continue
        value = sheet.rows[r0][c0]
        for r in range(max(r0, header_row + 1), min(r1, len(sheet.rows) - 1) + 1):
            row = out.setdefault(r, list(sheet.rows[r]))
            row.extend([""] * (c1 + 1 - len(row)))
            row[c0: c1 + 1] = [value] * (c1 + 1 - c0)
    return out


def _special_row(texts: list[str], r: int, sheet: Sheet, out: _Sheet,
                 context: dict[str, str]) -> list[SignInRow] | None:
    """Footer lines, 列席人员 and 免参加 lines, group headings: the rows they name (often
    none), or None for an ordinary row."""
    first = texts[0]
    line = " ".join(texts)
    found: list[SignInRow] | None = None
    if m := _EXEMPT_LINE.search(first):
        found = [SignInRow(who, "免参加", _FOOTER_EXEMPT, sheet.name, r + 1)
                 for who in names_list(m[1].rstrip("。."))]
    if found is None and (m := _AWAY_LINE.match(line)):
        status = "缺席" if m[1] in ("缺席", "未到", "缺勤") else "请假"
        away = [SignInRow(who, status, why or ("" if m[1] in ("请假", "缺席", "未到", "缺勤") else m[1]),
                          sheet.name, r + 1) for who, why in _names_with_reasons(m[2]) if looks_like_name(who)]
        if away:
            return away
    if ("列席" in first or visitor_word(first)) and (":" in first or "：" in first):
        context["visitor"] = "列席"
        after = re.split(r"[:：]", line, maxsplit=1)[1]
        return [SignInRow(who, "出席", "列席", sheet.name, r + 1, visitor=True)
                for who in names_list(after) if looks_like_name(who)]
    if is_footer(first) or (len(texts) == 1 and is_footer(line) and not looks_like_name(line)):
        expected, present = footer_counts(line)
        out.expected = out.expected if expected is None else expected
        out.present = out.present if present is None else present
        out.lines.append(line)
        return found or []
    if found is None and len(texts) == 1 and _SECTION.search(first) and len(first) <= 16:
        context["branch" if first.endswith("支部") else "group"] = _BRACKETED.sub("", first)
        return []
    return found


def _names_with_reasons(value: str) -> list[tuple[str, str]]:
    """'郑思远（在校上课，周末补）、李明' → [('郑思远', '在校上课，周末补'), ('李明', '')]: split
    at 、，; outside brackets, each name's bracket its reason."""
    out, depth, part = [], 0, ""
    for ch in value.strip().rstrip("。."):
        depth += ch in "（(【[〔"
        depth -= ch in "）)】]〕" and depth > 0
        if depth == 0 and ch in "、,，;； ":
            out.append(part)
            part = ""
        else:
            part += ch
    out.append(part)
    people = []
    for p in (x.strip() for x in out):
        if not p:
            continue
        m = _BRACKETED.search(p)
        people.append((_BRACKETED.sub("", p).strip(), m[1].strip() if m else ""))
    return people


def _person(row: Sequence[object], filled: Sequence[object], block: dict[str, int], raw: str,
            r: int, sheet: Sheet, context: dict[str, str], out: _Sheet) -> list[object]:
    """One name cell and what its row says about the person: SignInRow's fields in
    order, the status None until `_settle` knows whether 签名 is in use."""
    status_text = text(row, block.get("status")) or text(filled, block.get("status"))
    note = text(row, block.get("note")) or text(filled, block.get("note"))
    identity = text(filled, block.get("identity"))
    status, reason = status_from_text(status_text, out.legend)
    if status_text in AMBIGUOUS_MARKS and status_text not in out.legend:
        out.circles.append((r + 1, status_text))
    if status is None and status_text:
        where = f"工作表“{sheet.name}”第{r + 1}行" if sheet.name else f"第{r + 1}行"
        out.warnings.append(f"{where}：“{clip(status_text)}”不是可识别的出勤状态，按已签到处理，请核对")
        reason = status_text
    if note and status is None:
        status, reason = status_from_text(note, out.legend)
    elif note and status in ("出席", "缺席"):  # 已签到 + 备注 早退, 未签到 + 备注 请假: the note says how
        said = status_from_text(note)
        if said[0] in (("迟到", "早退") if status == "出席" else ("请假",)):
            status, reason = said
    elif note and not reason:  # 状态 请假, 备注 病假: the note says why
        reason = status_from_text(note)[1] or note
    bracket = _BRACKETED.search(raw)
    if status is None and bracket:
        status, reason = status_from_text(bracket[1])
    visitor = visitor_word(identity) or visitor_word(note) or (bracket and visitor_word(bracket[1])) or ""
    if context["visitor"] and not visitor:
        visitor = context["visitor"]
    if visitor:
        status, reason = status or "出席", reason or visitor
    phone = text(row, block.get("phone"))
    paid = text(row, block.get("paid"))
    return [raw, status, reason, sheet.name, r + 1,
            text(filled, block.get("branch")) or context["branch"],
            text(filled, block.get("group")) or context["group"],
            phone_tail(phone) or phone_tail(raw), bool(visitor), None,
            ((PAID_QUESTION, paid),) if paid else ()]


_STATUS, _REASON, _VISITOR = 1, 2, 8  # positions in _person's list
# a 签到 cell struck through (“/”, “—”): the usual way a hand-kept sheet says “did not sign”
_STROKES = frozenset({"/", "／", "\\", "-", "－", "—", "——", "–", "--", "/ /", "//"})


def _settle(fields: list[object], sign: str, out: _Sheet) -> SignInRow:
    """Rows with no status word: a signature (or a names-only sheet) means 出席; an empty
    签名 cell on a sheet where others signed means 缺席; a mark, what the sheet's key or
    the usual reading says."""
    if sign in _STROKES and sign not in out.legend:  # a stroke through the cell: not signed
        if fields[_STATUS] is None and not fields[_REASON]:
            fields[_STATUS] = "缺席"
            out.strokes.append((fields[4], sign))  # type: ignore[arg-type]
        return SignInRow(*fields)  # type: ignore[arg-type]
    if fields[_STATUS] is None and not fields[_REASON]:
        if sign in AMBIGUOUS_MARKS and sign not in out.legend:
            out.circles.append((fields[4], sign))  # type: ignore[arg-type]
        said = status_from_text(sign, out.legend) if sign else (None, "")
        fields[_STATUS] = (said[0] or "出席") if sign else ("缺席" if out.signed else "出席")
        if said[0] in ("请假", "缺席", "迟到", "早退") and said[1] and said[1] != said[0]:
            fields[_REASON] = said[1]  # 事假 in the 签到 cell: 请假, and why
    elif sign and fields[_STATUS] in ("请假", "缺席") and status_from_text(sign, out.legend)[0] in (None, "出席"):
        # signed, and the note says 请假: the note is taken (a leave written after a mark), and said
        where = f"工作表“{fields[3]}”第{fields[4]}行" if fields[3] else f"第{fields[4]}行"
        out.warnings.append(f"{where}“{fields[0]}”签到栏有“{clip(sign)}”，备注却是{fields[_STATUS]}，已按"
                            f"{fields[_STATUS]}计；如实际到会，请删去备注后用 --replace 重新导入")
    return SignInRow(*fields)  # type: ignore[arg-type]
