"""What every sign-in layout needs: header labels, dates and times as typed, durations,
phone tails, footers. Cheap per cell: labels are cached, patterns compiled once."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from partyday_cli.io.workbook import Sheet, cell_text, normalise_header

HEAD_ROWS = 20  # identify() looks no further down than this


@lru_cache(maxsize=16384)
def _label_text(text: str) -> str:
    return normalise_header(text)


def label(value: object) -> str:
    """A header cell folded for comparison: '姓 名（必填）：' → '姓名'."""
    if isinstance(value, str):
        return _label_text(value) if value else ""
    return normalise_header(value) if value is not None else ""


def lookup_of(synonyms: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """label → field, from field → header names."""
    out: dict[str, str] = {}
    for field, names in synonyms.items():
        for name in names:
            out.setdefault(label(name), field)
    return out


@dataclass(frozen=True)
class Header:
    """A header row: `row` is 0-based; `columns` maps field → every column naming it."""

    sheet: Sheet
    row: int
    columns: dict[str, list[int]]

    def first(self, field: str) -> int | None:
        cols = self.columns.get(field)
        return cols[0] if cols else None


_HEADS: dict[int, tuple[Sheet, list[list[str]]]] = {}


def head_labels(sheet: Sheet) -> list[list[str]]:
    """The first HEAD_ROWS rows as labels, computed once per sheet for all importers."""
    hit = _HEADS.get(id(sheet))
    if hit is not None and hit[0] is sheet:
        return hit[1]
    if len(_HEADS) > 64:
        _HEADS.clear()
    fold = _label_text  # `label`, its string case inline
    labels = [[(fold(v) if v.__class__ is str else label(v)) if v != "" else "" for v in row]
              for row in sheet.rows[:HEAD_ROWS]]
    _HEADS[id(sheet)] = (sheet, labels)  # the sheet is kept, so its id cannot be reused
    return labels


def find_header_row(sheet: Sheet, lookup: Mapping[str, str], required: Iterable[str],
                    max_scan: int = HEAD_ROWS) -> Header | None:
    """The row among the first `max_scan` naming all `required` fields and the most others."""
    need = set(required)
    best: tuple[int, Header] | None = None
    get = lookup.get
    blank = "" in lookup  # an empty cell never names a field
    for r, row in enumerate(head_labels(sheet)[:max_scan]):
        fields = [get(name) if name else None for name in row] if blank else list(map(get, row))
        named = set(fields)
        named.discard(None)
        if not need <= named or (best is not None and len(named) <= best[0]):
            continue  # most rows: told apart without building their columns
        columns: dict[str, list[int]] = {}
        for c, field in enumerate(fields):
            if field is not None:
                columns.setdefault(field, []).append(c)
        best = (len(columns), Header(sheet, r, columns))
    if best is None or best[1].row == 0:
        return best[1] if best else None
    return _with_row_above(best[1], head_labels(sheet), lookup)


def _with_row_above(header: Header, labels: list[list[str]], lookup: Mapping[str, str]) -> Header:
    """A header of two rows (序号, 签到, 备注 merged down over 姓名, 党小组 under 党员信息):
    a column blank in the header row takes the field the row above names there, where
    the header row does not name that field already."""
    row, above = labels[header.row], labels[header.row - 1]
    columns = {field: list(cols) for field, cols in header.columns.items()}
    for c, name in enumerate(above):
        if not name or (c < len(row) and row[c]):
            continue
        field = lookup.get(name)
        if field is not None and field not in columns:
            columns[field] = [c]
    if len(columns) == len(header.columns):
        return header
    return Header(header.sheet, header.row, columns)


def cell(row: Sequence[object], col: int | None) -> object:
    if col is None or col >= len(row):
        return ""
    return row[col]


# Whitespace of every width and zero-width marks, stripped in one call.
_BLANKS = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006" \
          "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\u200b\u200c\u200d\u2060\ufeff"


def _text(value: object) -> str:
    """`cell_text`, with a fast path for the common case: a string cell."""
    if value.__class__ is str:
        return value.strip(_BLANKS)  # type: ignore[union-attr]
    if value.__class__ is int:
        return str(value)
    return cell_text(value)


def text(row: Sequence[object], col: int | None) -> str:
    if col is None or col >= len(row):
        return ""
    value = row[col]
    if value.__class__ is str:  # `_text`'s fast path, without its call (a reader asks for every cell)
        return value.strip(_BLANKS)  # type: ignore[union-attr]
    return _text(value)


def row_texts(row: Sequence[object]) -> list[str]:
    return [t for t in map(_text, row) if t]


def filled_count(row: list[object]) -> int:
    """How many cells of a row are not empty (a cheap blank-row test)."""
    return len(row) - row.count("")


def name_key(raw: str) -> str:
    """A cheap identity for one person's rows within a file (spaces and widths folded)."""
    return "".join(unicodedata.normalize("NFKC", raw).split())


def visible_sheets(sheets: Sequence[Sheet]) -> list[Sheet]:
    """Sheets worth reading: visible ones with something in them (all, if none is visible)."""
    filled = [s for s in sheets if s.rows]
    shown = [s for s in filled if s.visible]
    return shown or filled


# --------------------------------------------------------------------------- dates and times

_YMD = re.compile(r"((?:19|20)\d{2})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})")
_MD = re.compile(r"(?<![\d.])(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_HMS = re.compile(r"(\d{1,2})\s*[:：时点]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2}))?")
_DATE_LABEL = re.compile(r"^(?:活动|会议|开会|签到)?(?:时间|日期)\s*[:：]?")


def _fold(value: str) -> str:
    return unicodedata.normalize("NFKC", value)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day) if 1900 <= year <= 2100 else None
    except ValueError:
        return None


def date_in_text(value: str, year: int | None = None) -> date | None:
    """The first date a text names: 2017年4月12日, 2017.4.12, 2017-04-12, 2017/4/12, or
    4月12日 when `year` is known."""
    folded = _fold(value)
    for m in _YMD.finditer(folded):
        found = _safe_date(int(m[1]), int(m[2]), int(m[3]))
        if found:
            return found
    if year is not None:
        for m in _MD.finditer(folded):
            found = _safe_date(year, int(m[1]), int(m[2]))
            if found:
                return found
    return None


def date_from_lines(lines: Sequence[str]) -> date | None:
    """The activity date from title lines: a 时间：/日期： line first, then any line; 4月12日
    takes its year from any line that names one (2017年度…)."""
    years = [int(m[1]) for line in lines for m in _YEAR.finditer(_fold(line))]
    year = years[0] if years else None
    labelled = [line for line in lines if _DATE_LABEL.match(line.strip())]
    for line in labelled + [line for line in lines if line not in labelled]:
        found = date_in_text(line, year)
        if found:
            return found
    return None


def as_datetime(value: object, day: date | None = None) -> datetime | None:
    """A timestamp cell: a datetime, a date, '2024/3/12 9:05:32', '2024年3月12日 09:05';
    a bare time ('09:05', a time cell) on `day` when known."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time())
    if isinstance(value, time):
        return datetime.combine(day, value) if day else None
    if not isinstance(value, str) or not value:
        return None
    return _stamp_text(value, day)


@lru_cache(maxsize=4096)
def _stamp_text(value: str, day: date | None) -> datetime | None:
    if len(value) >= 16 and value[4] == "-" and value[7] == "-":
        try:  # '2024-03-12 09:01:23', as most exports write it
            return datetime.fromisoformat(value.strip())
        except ValueError:
            pass
    folded = _fold(value)
    found = date_in_text(folded)
    m = _YMD.search(folded)
    rest = folded[m.end():] if m else folded
    clock = _HMS.search(rest)
    if found is None:
        found = day
    if found is None:
        return None
    if clock is None:
        return datetime.combine(found, time()) if m else None
    h, mi, s = int(clock[1]), int(clock[2]), int(clock[3] or 0)
    if h > 23 or mi > 59 or s > 59:
        return None
    return datetime.combine(found, time(h, mi, s))


def common_date(stamps: Iterable[datetime | None]) -> date | None:
    """The most frequent day among timestamps (earliest on a tie)."""
    days = Counter(s.date() for s in stamps if s is not None)
    if not days:
        return None
    top = max(days.values())
    return min(d for d, n in days.items() if n == top)


_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(小时|时|h|分钟|分|min|m|秒|s)")


def as_minutes(value: object, unit: str = "分钟") -> float | None:
    """A duration cell in minutes: 65, '65分钟', '1小时5分', '0:30:00', a time or timedelta
    cell. A plain number is in `unit` (分钟, 秒 or 小时, from the header)."""
    if isinstance(value, bool) or value is None or value == "":
        return None
    if isinstance(value, timedelta):
        return round(value.total_seconds() / 60, 1)
    if isinstance(value, time):
        return round(value.hour * 60 + value.minute + value.second / 60, 1)
    if isinstance(value, int | float):
        factor = {"秒": 1 / 60, "小时": 60.0}.get(unit, 1.0)
        return round(float(value) * factor, 1)
    return _duration_text(str(value), unit)


@lru_cache(maxsize=4096)
def _duration_text(value: str, unit: str) -> float | None:
    folded = _fold(value).replace(" ", "").lower()
    if re.fullmatch(r"\d+(?:\.\d+)?", folded):
        return as_minutes(float(folded), unit)
    if m := re.fullmatch(r"(\d+):(\d{1,2})(?::(\d{1,2}))?", folded):
        return round(int(m[1]) * 60 + int(m[2]) + int(m[3] or 0) / 60, 1)  # h:mm[:ss]
    total, seen = 0.0, False
    for amount, part in _DURATION_PART.findall(folded):
        seen = True
        total += float(amount) * {"小时": 60, "时": 60, "h": 60, "秒": 1 / 60, "s": 1 / 60}.get(part, 1)
    return round(total, 1) if seen else None


def duration_unit(header_text: str) -> str:
    """分钟 / 秒 / 小时 from a header such as '参会时长（分钟）'."""
    folded = _fold(header_text)
    for unit in ("秒", "小时", "分钟"):
        if unit in folded and not (unit == "小时" and "分" in folded):
            return unit
    return "分钟"


# --------------------------------------------------------------------------- people

_PHONE = re.compile(r"1[3-9]\d[\d*＊xX]{4}(\d{4})")
_MASKED_TAIL = re.compile(r"[*＊]{3,}\s*(\d{4})")


_ANY_DIGIT = re.compile(r"[0-9０-９]")


def phone_tail(value: str) -> str:
    """The last four digits of a phone number in a text ('138****1234' → '1234')."""
    if not value or not _ANY_DIGIT.search(value):
        return ""
    folded = _fold(value)
    m = _PHONE.search(folded) or _MASKED_TAIL.search(folded)
    return m[1] if m else ""


_FOOTER_EXPECTED = re.compile(r"应到\s*[:：]?\s*(\d+)\s*人?")
_FOOTER_PRESENT = re.compile(r"实到\s*[:：]?\s*(\d+)\s*人?")
FOOTER_WORDS = ("应到", "实到", "合计", "总计", "共计", "记录人", "制表", "填表", "负责人", "审核",
                "主持人", "经批准免参加", "签到人数", "缺席人数", "请假人数", "统计")


def footer_counts(line: str) -> tuple[int | None, int | None]:
    """应到24人，实到20人 → (24, 20); a blank 实到＿＿人 → None."""
    folded = _fold(line)
    expected = _FOOTER_EXPECTED.search(folded)
    present = _FOOTER_PRESENT.search(folded)
    return (int(expected[1]) if expected else None, int(present[1]) if present else None)


_FOOTER = re.compile("|".join(FOOTER_WORDS))


def is_footer(line: str) -> bool:
    return _FOOTER.search(line) is not None


_CJK_OR_LETTER = re.compile(r"[\u3400-\u9fffA-Za-z\uff21-\uff3a\uff41-\uff5a]")


def looks_like_name(value: str) -> bool:
    """A cell that can hold a person: some CJK or letters, not a sentence or a label."""
    return 0 < len(value) <= 40 and bool(_CJK_OR_LETTER.search(value)) and not value.endswith(("：", ":"))


def clip(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def names_list(value: str) -> list[str]:
    """'王某、李某，赵某' → ['王某', '李某', '赵某'] (a list typed into one cell)."""
    return [p.strip() for p in re.split(r"[、,，;；\s]+", value) if p.strip()]
