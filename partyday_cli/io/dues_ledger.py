"""Reading a branch's own 党费台账 (dues ledger) as offices keep it in Excel/WPS.

One member a row, one column a month. The header is found by its month labels
(1月, 一月, 1月份, 2017年1月, 2017-01, 2017.1) with a 姓名 column beside them, also under
a merged "交纳情况" / "月份" header; title rows (2017年度党费收缴台账), a 合计 row or
column, section rows (一、在职党员) and footers (制表人：…) are read past. Cells hold
amounts as typed (15, 15.00, ￥15, 15元), marks (已交 √ 未交 ×), a date (the day it was
paid), or a back payment ("76.50（9月补交）", "2017.9.5补交"). Optional columns 月工资/
基数, 比例 and 月应交 are read so the caller can compare them with the standard.

Every cell that cannot be read is a `Problem` with sheet, row and column: the caller
imports nothing while any remains.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from partyday_cli.core.amounts import amount_problem
from partyday_cli.core.members import normalise_name
from partyday_cli.errors import Problem, UserError
from partyday_cli.io.workbook import (
    Sheet,
    cell_text,
    column_letter,
    normalise_header,
    parse_amount_cell,
    read_grid,
)

OPTIONAL_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "党员姓名", "名字"),
    "group": ("党小组", "所在党小组", "所属党小组"),
    "branch": ("所在支部", "支部", "所属支部", "所在党支部", "党支部"),
    "base": ("月工资", "工资", "月收入", "基数", "交纳基数", "缴费基数", "党费基数", "计算基数",
             "月工资收入", "税后月收入", "离退休费", "退休金", "基本离退休费", "工资收入"),
    "rate": ("比例", "交纳比例", "缴纳比例", "费率", "党费比例"),
    "monthly": ("月应交", "每月应交", "月应交党费", "应交党费", "月交纳额", "月交党费", "每月党费",
                "党费标准", "月缴党费", "应交金额", "月应缴"),
}
_NAME_LABELS = {normalise_header(x) for x in OPTIONAL_COLUMNS["name"]}
_LABELS = {"base": "月工资/基数", "rate": "比例", "monthly": "月应交"}

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
              "十": 10, "十一": 11, "十二": 12, "正": 1, "冬": 11, "腊": 12}
_MONTH_WORD = r"(1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_MONTH_ONLY = re.compile(rf"{_MONTH_WORD}月份?(?:党费)?")
_YEAR_MONTH = re.compile(rf"((?:19|20)\d\d)\s*(?:年|[-./])\s*{_MONTH_WORD}\s*月?份?(?:党费)?")
_YEAR = re.compile(r"((?:19|20)\d\d)\s*年?")
_PAID_WORDS = ("已交", "已缴", "已缴纳", "已交纳", "交", "缴", "√", "✓", "✔", "☑", "是", "y", "yes", "ok",
               "已收", "收")
_UNPAID_WORDS = ("未交", "未缴", "未缴纳", "未交纳", "欠", "欠交", "欠缴", "×", "✗", "✘", "x", "否", "无",
                 "n", "no")
# Not a payment and not a debt: not applicable, exempt, or not yet due (as our report prints).
_BLANK_WORDS = ("/", "-", "—", "－", "--", "——", "\\", "免", "免交", "不适用", "待交", "季度内",
                "转出", "已转出", "调出", "转走", "未转入", "未入党")  # a month the member was not the branch's
_LATE = re.compile(r"补交|补缴|补")
_CELL_DATE = re.compile(r"((?:19|20)\d\d)\s*[年./-]\s*(\d{1,2})(?:\s*[月./-]\s*(\d{1,2})\s*[日号]?)?\s*月?"
                        r"|(\d{1,2})\s*月\s*(?:(\d{1,2})\s*[日号])?")
# Under a month spanning two columns (应交 | 实交), the column that holds what was paid.
_PAID_SUBLABELS = ("实交", "实缴", "已交", "实交金额", "实缴金额", "已交金额", "交纳", "交纳金额",
                   "缴纳金额", "实收", "金额")
_SKIP_NAME = re.compile(r"^(?:合计|总计|小计|累计|共计|本页合计|全年合计)|[:：]|^[一二三四五六七八九十]+[、.．]"
                        r"|^(?:制表|填表|审核|经手|说明|注)")


@dataclass(frozen=True)
class DuesCell:
    """One month's cell. `paid` False: marked unpaid (未交 ×, or 0). `amount` None: a
    mark without an amount (已交 √). `paid_on`: the day written in the cell, if any."""

    text: str
    column: str
    paid: bool
    amount: Decimal | None = None
    paid_on: date | None = None
    late: bool = False  # marked 补交


@dataclass(frozen=True)
class DuesRow:
    raw_name: str
    name: str  # normalised
    sheet: str
    row: int  # spreadsheet row number
    months: dict[str, DuesCell]  # 'YYYY-MM' → cell; empty cells are left out
    group: str = ""
    branch: str = ""
    declared: dict[str, Decimal] = field(default_factory=dict)  # base / rate / monthly
    declared_columns: dict[str, str] = field(default_factory=dict)
    covered: tuple[str, ...] = ()  # every month its sheet has a column for ('YYYY-MM')


@dataclass(frozen=True)
class DuesRead:
    year: int | None
    rows: list[DuesRow]
    problems: list[Problem]
    readings: list[str] = field(default_factory=list)  # what was read from free text
    title: str = ""  # the lines above the header and the sheet names (机关一支部2017年党费台账)


@dataclass(frozen=True)
class _Header:
    row: int  # 0-based index of the month-label row
    name_col: int
    months: dict[int, str]  # column → 'YYYY-MM' (or '????-MM' when the year is not written)
    columns: dict[str, int]


def payment_from_answer(text: object) -> bool | None:
    """A 问卷星/企业微信 answer to "是否已交纳党费": True, False, or None (no answer /
    not a yes-or-no)."""
    word = _word(text)
    if not word:
        return None
    amount = word.removesuffix("元")
    if amount.replace(".", "", 1).isdigit():  # the 实交 column of a 签到表: an amount
        return Decimal(amount) > 0
    if word in ("是", "已交", "已缴", "已缴纳", "已交纳", "交了", "已交了", "√", "y", "yes", "true"):
        return True
    if word in ("否", "未交", "未缴", "未缴纳", "未交纳", "没交", "还没交", "×", "n", "no", "false"):
        return False
    return None


def read_dues_ledger(path: Path, year: int | None = None) -> DuesRead:
    """The ledger's rows for `year` (None: the year the file states). Sheets without a
    dues header are skipped; a file with none is a `UserError`."""
    path = Path(path)
    sheets = [s for s in read_grid(path) if s.visible]
    found = []
    for sheet in sheets:
        rows = sheet.filled_rows()
        header = _find_header(rows)
        if header is not None:
            found.append((sheet, rows, header, _sheet_year(sheet, rows, header)))
    if not found:
        raise UserError(f"{path.name} 里没有找到党费台账的表头：需要“姓名”列和月份列"
                        "（如“1月”…“12月”或“2017年1月”）。请检查文件是否选对")
    chosen, problems = _choose_year(found, year, path.name)
    out_rows: list[DuesRow] = []
    readings: list[str] = []
    for sheet, rows, header, sheet_year in chosen:
        _read_sheet(path.name, sheet, rows, header, sheet_year, out_rows, problems, readings)
    years = {y for *_, y in chosen}
    title = " ".join([*(cell_text(v) for _, rows, header, _ in chosen for row in rows[: _header_top(header)]
                        for v in row if cell_text(v)), *(sheet.name for sheet, *_ in chosen), path.stem])
    return DuesRead(year if year is not None else (min(years) if years else None),
                    out_rows, problems, readings, title)


def _header_top(header: _Header) -> int:
    """How many rows lie above the header's last row (the title lines, and for a header
    of two rows its first)."""
    return header.row


# ------------------------------------------------------------------------ header


def month_label(value: object) -> tuple[int | None, int] | None:
    """'1月' → (None, 1); '2017年1月' / '2017-01' → (2017, 1); '十二月' → (None, 12)."""
    if hasattr(value, "year") and hasattr(value, "month"):
        return value.year, value.month  # a header typed as a date
    text = "".join(unicodedata.normalize("NFKC", cell_text(value)).split())
    if m := _YEAR_MONTH.fullmatch(text):
        return int(m[1]), _month_number(m[2])
    if m := _MONTH_ONLY.fullmatch(text):
        return None, _month_number(m[1])
    return None


def _month_number(word: str) -> int:
    return int(word) if word.isdigit() else _CN_DIGITS[word]


def _find_header(rows: list[list[object]]) -> _Header | None:
    best: _Header | None = None
    for r in range(min(20, len(rows))):
        found = _month_columns(rows, r)
        if found is None:
            continue
        months, last = found
        columns = _named_columns(rows, last)
        if "name" in columns and (best is None or len(months) > len(best.months)):
            best = _Header(last, columns.pop("name"), months, columns)
    return best


def _month_columns(rows: list[list[object]], r: int) -> tuple[dict[int, str], int] | None:
    """The month columns of header row r, and the header's last row: r, or r + 1 when each
    month spans two columns (应交 | 实交) and the row below says which one holds the payment."""
    by_month: dict[str, list[int]] = {}
    for c, value in enumerate(rows[r]):
        label = month_label(value)
        if label is not None:
            y, m = label
            by_month.setdefault(f"{y:04d}-{m:02d}" if y else f"????-{m:02d}", []).append(c)
    if not by_month:
        return None
    if all(len(cols) == 1 for cols in by_month.values()):
        return {cols[0]: key for key, cols in by_month.items()}, r
    below = rows[r + 1] if r + 1 < len(rows) else []
    paid_labels = {normalise_header(x) for x in _PAID_SUBLABELS}
    months = {}
    for key, cols in by_month.items():
        picked = [c for c in cols if c < len(below) and normalise_header(below[c]) in paid_labels]
        if len(picked) != 1:
            return None
        months[picked[0]] = key
    return months, r + 1


def _named_columns(rows: list[list[object]], r: int) -> dict[str, int]:
    """Known column names in row r or the two rows above it (a merged header)."""
    lookup = {normalise_header(label): key for key, labels in OPTIONAL_COLUMNS.items()
              for label in labels}
    columns: dict[str, int] = {}
    for rr in (r, r - 1, r - 2):
        if rr < 0:
            continue
        for c, value in enumerate(rows[rr]):
            key = lookup.get(normalise_header(value))
            if key is not None and key not in columns and c not in columns.values():
                columns[key] = c
    return columns


def _sheet_year(sheet: Sheet, rows: list[list[object]], header: _Header) -> int | None:
    written = {int(k[:4]) for k in header.months.values() if not k.startswith("?")}
    if written:
        return min(written)
    for r in range(header.row):  # the title rows above the header, the title first
        for value in rows[r]:
            if m := _YEAR.search(cell_text(value)):
                return int(m[1])
    m = _YEAR.search(sheet.name)
    return int(m[1]) if m else None


def _choose_year(found: list, year: int | None, file: str) -> tuple[list, list[Problem]]:
    if year is not None:
        chosen = [f for f in found if f[3] in (year, None)]
        if chosen:
            return [(*f[:3], year) for f in chosen], []
        stated = "、".join(sorted({str(f[3]) for f in found}))
        return [], [Problem(f"台账写的是 {stated} 年，与 --year {year} 不符。请检查年份或文件",
                            file=file)]
    years = {f[3] for f in found if f[3] is not None}
    if not years:
        return [], [Problem("看不出是哪一年的党费台账（标题和表头都没有年份）。请加 --year 2017 指定",
                            file=file)]
    if len(years) > 1:
        listed = "、".join(str(y) for y in sorted(years))
        return [], [Problem(f"文件里有 {listed} 多个年份的台账，请用 --year 指定导入哪一年", file=file)]
    only = years.pop()
    return [(*f[:3], only) for f in found], []


# ------------------------------------------------------------------------ rows


def _read_sheet(file: str, sheet: Sheet, rows: list[list[object]], header: _Header, year: int,
                out: list[DuesRow], problems: list[Problem], readings: list[str]) -> None:
    months = {c: (key.replace("????", f"{year:04d}")) for c, key in header.months.items()}
    wide = _wide_rows(sheet, header.name_col, set(months))
    for r in range(header.row + 1, len(rows)):
        row = rows[r]
        if r in wide:  # a note or total merged across the table ("共30人，已交……")
            continue
        raw = cell_text(row[header.name_col]) if header.name_col < len(row) else ""
        name = normalise_name(raw)
        if not name or _SKIP_NAME.search(name) or month_label(name) is not None \
                or normalise_header(name) in _NAME_LABELS:
            continue
        where = {"file": file, "sheet": sheet.name or None, "row": r + 1}
        cells = {}
        for c, key in months.items():
            value = row[c] if c < len(row) else ""
            cell = _read_cell(value, key, column_letter(c), where, problems)
            if cell is not None:
                cells[key] = cell
                if cell.late and cell.paid_on is None:
                    readings.append(f"第{r + 1}行 {name} {int(key[5:])}月“{cell.text}”：补交，"
                                    "未写补交日期，按已交记录")
        declared, letters = _declared(row, header.columns)
        out.append(DuesRow(raw, name, sheet.name, r + 1, cells,
                           group=_text_at(row, header.columns.get("group")),
                           branch=_text_at(row, header.columns.get("branch")),
                           declared=declared, declared_columns=letters, covered=tuple(months.values())))


def _wide_rows(sheet: Sheet, name_col: int, month_cols: set[int]) -> set[int]:
    """Rows where one merged cell covers the name column and a month column."""
    out: set[int] = set()
    for r0, c0, r1, c1 in sheet.merged:
        if c0 <= name_col <= c1 and any(c0 <= c <= c1 for c in month_cols):
            out.update(range(r0, r1 + 1))
    return out


def _text_at(row: list[object], c: int | None) -> str:
    return cell_text(row[c]) if c is not None and c < len(row) else ""


def _declared(row: list[object], columns: dict[str, int]) -> tuple[dict[str, Decimal], dict[str, str]]:
    """The row's 月工资/基数, 比例 and 月应交 where they are numbers (a note such as 定额
    is left alone: these columns are only compared with the standard)."""
    values: dict[str, Decimal] = {}
    letters: dict[str, str] = {}
    for key in ("base", "rate", "monthly"):
        c = columns.get(key)
        if c is None or c >= len(row):
            continue
        try:
            values[key] = _rate(row[c]) if key == "rate" else parse_amount_cell(row[c])
        except ValueError:
            continue
        if amount_problem(values[key], "", ""):  # a typo here only compared: left out
            del values[key]
            continue
        letters[key] = column_letter(c)
    return values, letters


def _rate(value: object) -> Decimal:
    """'1.5%' / '0.015' / 0.015 / '1.5' (a percentage without the sign) → Decimal('0.015')."""
    text = unicodedata.normalize("NFKC", cell_text(value)).replace(" ", "")
    percent = text.endswith("%")
    number = parse_amount_cell(text.rstrip("%"))
    return number / 100 if percent or number > Decimal("0.05") else number  # 0.5 means 0.5%


def _word(value: object) -> str:
    text = unicodedata.normalize("NFKC", cell_text(value))
    return "".join(text.split()).strip("。.!！").lower()


def _read_cell(value: object, key: str, letter: str, where: dict, problems: list[Problem]
               ) -> DuesCell | None:
    text = cell_text(value)
    word = _word(value)
    if not word or word in _BLANK_WORDS:
        return None
    if isinstance(value, date):  # the day it was paid
        day = value.date() if isinstance(value, datetime) else value
        return DuesCell(text, letter, True, None, day, day > _month_end(key))
    if word in _PAID_WORDS:
        return DuesCell(text, letter, True)
    if word in _UNPAID_WORDS:
        return DuesCell(text, letter, False)
    try:
        return _amount_cell(text, word, key, letter)
    except _OutOfBounds as exc:
        problems.append(Problem(str(exc), **where, column=letter))
        return None
    except ValueError:
        problems.append(Problem(f"{int(key[5:])}月“{text}”看不懂。请填写金额（如 15.00）、"
                                "已交/未交（√/×），补交的写“15.00（9月补交）”", **where, column=letter))
        return None


class _OutOfBounds(ValueError):
    """An amount no 党费 cell can hold (core.amounts); the message names the month."""


def _amount_cell(text: str, word: str, key: str, letter: str) -> DuesCell:
    late = bool(_LATE.search(word))
    rest = _LATE.sub(" ", word) if late else word
    paid_on = None
    if late:
        paid_on, rest = _late_date(rest, key)
        rest = _COVERED.sub(" ", rest)  # 138（6月补交4-6月）: the months it pays for, credited by the rules
    rest = _AHEAD.sub(" ", rest)  # 2.40（全年）: paid for months ahead, credited by the rules
    rest = re.sub(r"[()（）\[\]【】,，;；]", " ", rest).strip()
    if not rest:
        if not late:
            raise ValueError(text)
        return DuesCell(text, letter, True, None, paid_on, True)
    amount = parse_amount_cell(rest)
    if too_big := amount_problem(amount, f"{int(key[5:])}月", text):
        raise _OutOfBounds(too_big)
    if amount < 0 or amount != amount.quantize(Decimal("0.01")):  # no debts, no 0.001 元
        raise ValueError(text)
    if amount == 0:
        return DuesCell(text, letter, False, amount)
    return DuesCell(text, letter, True, amount, paid_on, late)


_AHEAD = re.compile(r"(?:一次性?(?:交清|交纳|缴清)?)?(?:预交|预缴)?(?:全年|全年度|1\s*[-—–~～至到]\s*12\s*月)(?:党费)?"
                    r"(?:一次性?(?:交清|交纳|缴清))?|预交|预缴")
_COVERED = re.compile(r"\d{1,2}\s*(?:月份?)?\s*[-—–~～至到、]\s*\d{1,2}\s*月份?(?:党费)?")


def _late_date(rest: str, key: str) -> tuple[date | None, str]:
    """The day of a back payment written beside 补交: 2017.9.5, 2017年9月, 9月, 9月5日."""
    m = _CELL_DATE.search(rest)
    if m is None:
        return None, rest
    due_year, due_month = int(key[:4]), int(key[5:7])
    if m[1]:
        year, month, day = int(m[1]), int(m[2]), int(m[3] or 1)
    else:
        month, day = int(m[4]), int(m[5] or 1)
        year = due_year + (1 if month < due_month else 0)
    try:
        paid = date(year, month, day)
    except ValueError:
        raise ValueError(rest) from None
    return paid, rest[: m.start()] + " " + rest[m.end():]


def _month_end(key: str) -> date:
    year, month = int(key[:4]), int(key[5:7])
    nxt = date(year + month // 12, month % 12 + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)


# ------------------------------------------------------------------------ against the roster


def row_payments(row: DuesRow, member_id: int, monthly: Decimal
                 ) -> tuple[list[tuple[str, Decimal, date | None]], list[str]]:
    """The payments a matched row records: (month, amount, paid_on); a mark without an
    amount (已交, √) is the member's monthly standard. Also the lines to tell the user
    about marks that cannot become an amount (the roster gives no standard)."""
    out, notes = [], []
    for key, cell in sorted(row.months.items()):
        if not cell.paid:
            continue
        amount = cell.amount if cell.amount is not None else monthly
        if amount <= 0:
            notes.append(f"第{row.row}行 {row.name} {int(key[5:])}月“{cell.text}”：花名册未核定该党员的党费"
                         "标准，无法确定金额，未记录。请补填花名册月收入后重新导入")
            continue
        out.append((key, amount, cell.paid_on))
    return out, notes


def row_blanks(row: DuesRow) -> list[str]:
    """The months of the row's sheet its cell leaves unpaid: empty, or a word that is no
    payment (未交, 转出). A re-imported 台账 so says a month an earlier import had paid is not."""
    return [key for key in row.covered if key not in row.months or not row.months[key].paid]


def declared_mismatches(row: DuesRow, base: Decimal | None, rate: Decimal | None,
                        monthly: Decimal, file: str) -> list[str]:
    """Lines naming the row where its 月工资/基数, 比例 or 月应交 differ from the standard
    computed from the roster (a warning: the roster is the record)."""
    ours = {"base": base, "rate": rate, "monthly": monthly}
    out = []
    for key, theirs in row.declared.items():
        mine = ours[key]
        if mine is None or theirs == mine:
            continue
        shown = (_percent(theirs), _percent(mine)) if key == "rate" else (f"{theirs} 元", f"{mine} 元")
        sheet = f"工作表“{row.sheet}” " if row.sheet else ""
        out.append(f"{file} {sheet}第{row.row}行 {row.declared_columns.get(key, '')}列 {row.name}："
                   f"台账“{_LABELS[key]}”为 {shown[0]}，按花名册核定为 {shown[1]}，请核对")
    return out


def _percent(rate: Decimal) -> str:
    return f"{format((rate * 100).normalize(), 'f')}%"
