"""Reading spreadsheets as offices send them: xlsx/xls/ods/CSV → rows of cells.

Everything a user can hand us (a real workbook, a CSV saved by WPS in GBK, a text file
renamed to .xlsx, a half-copied download) either becomes a list of `Sheet`s or one
Chinese `UserError` naming the file and what to do. The format is decided from the
bytes, not from the extension. Row numbers are kept true: `rows[i]` is spreadsheet row
i+1, blank rows included, so problems can point at the row the user sees.

Workbooks are parsed by python-calamine in a worker process (see `_read_calamine`): on
some damaged files calamine aborts the process instead of raising.

Also here: finding a header row by column names (`find_header`) and the cell parsers
that read dates and amounts the way people type them. Money is never a float.
"""

from __future__ import annotations

import codecs
import csv
import io
import multiprocessing
import os
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

from python_calamine import CalamineWorkbook, PasswordError, SheetTypeEnum, SheetVisibleEnum

from partyday_cli.errors import UserError
from partyday_cli.io.files import read_bytes

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_NO_ZERO_WIDTH = str.maketrans("", "", _ZERO_WIDTH)

CellRange = tuple[int, int, int, int]  # first row, first col, last row, last col (0-based)


@dataclass(frozen=True)
class Sheet:
    """One sheet as read. `rows[i]` is spreadsheet row i+1; empty cells are ''. Rows end
    at their last non-empty cell (so they may differ in length); trailing blank rows go.

    `name` is '' for a CSV (it has no sheets). `merged` lists merged ranges where
    calamine reports them (xlsx, xls; not ods); the value sits in the top-left cell only.
    """

    name: str
    rows: list[list[object]]
    merged: tuple[CellRange, ...] = ()
    visible: bool = True

    def filled_rows(self) -> list[list[object]]:
        """The rows with every merged range's value copied into each cell it covers,
        as a reader of the printed sheet sees it."""
        rows = [list(row) for row in self.rows]
        for r0, c0, r1, c1 in self.merged:
            if r0 >= len(rows) or c0 >= len(rows[r0]):
                continue
            value = rows[r0][c0]
            for r in range(r0, min(r1, len(rows) - 1) + 1):
                row = rows[r]
                row.extend([""] * (c1 + 1 - len(row)))
                for c in range(c0, c1 + 1):
                    row[c] = value
        return rows


@dataclass(frozen=True)
class HeaderMatch:
    """Where the header is and which column holds which field."""

    row: int  # 1-based; the lower row of a two-row header; data starts below it
    top_row: int  # 1-based; == row for a one-row header
    columns: dict[str, int]  # field → 0-based column index
    letters: dict[str, str]  # field → column letter (A, B, …) for messages
    labels: dict[str, str]  # field → the header text as the user typed it


# --------------------------------------------------------------------------- reading


def read_grid(path: Path) -> list[Sheet]:
    """Every worksheet of `path` (one pseudo-sheet for a CSV), or a `UserError`."""
    path = Path(path)
    data = read_bytes(path, "文件")
    name = path.name
    if not data.strip():
        raise UserError(f"文件 {name} 是空的，请确认选对了文件，或在 Excel/WPS 中重新保存后再导入")
    if data.startswith(_ZIP_MAGIC):
        _check_zip(data, name)
        return _read_calamine(data, name)
    if data.startswith(_OLE_MAGIC):
        return _read_calamine(data, name)
    if path.suffix.lower() in SPREADSHEET_SUFFIXES:
        raise UserError(_fake_spreadsheet_message(data, name))
    return [_read_csv(data, name)]


def _check_zip(data: bytes, name: str) -> None:
    """A zip is an xlsx (xl/…) or an ods (mimetype …spreadsheet); anything else is not."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, ValueError, OSError, EOFError, RuntimeError):
        raise UserError(f"文件 {name} 已损坏或不完整，请在 Excel/WPS 中打开后另存为 .xlsx 再导入") from None
    if any(n.startswith("xl/") for n in names) or b"spreadsheet" in mimetype:
        return
    if any(n.startswith("word/") for n in names) or b"text" in mimetype:
        raise UserError(f"文件 {name} 是文字文档，不是电子表格。请把表格复制到 Excel/WPS 表格中，另存为 .xlsx 再导入")
    raise UserError(f"文件 {name} 是压缩包，不是电子表格。请解压后导入其中的 .xlsx/.xls/.csv 文件")


def _fake_spreadsheet_message(data: bytes, name: str) -> str:
    head = data[:2048].lstrip(codecs.BOM_UTF8).lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml", b"<meta")):
        return (f"文件 {name} 实际是网页（HTML/XML）格式，不是真正的 Excel 文件。"
                "请在 Excel/WPS 中打开后另存为 .xlsx 再导入")
    if _decode_text(data) is not None:
        return (f"文件 {name} 的内容是文本，不是 Excel 文件。请在 Excel/WPS 中打开后另存为 .xlsx 再导入，"
                "或把扩展名改为 .csv")
    return f"文件 {name} 已损坏或不是电子表格，请在 Excel/WPS 中打开后另存为 .xlsx 再导入"


_PASSWORD = "文件 {} 设有打开密码，请在 Excel/WPS 中取消密码后另存，再导入"
_WORKER: ProcessPoolExecutor | bool | None = None
_WORKER_MEMORY = 4 << 30  # bytes of address space for the parsing process (POSIX only)
_MAX_CELLS = 5_000_000  # rows × columns of one sheet; 30,000 members × 40 columns fit


def _read_calamine(data: bytes, name: str) -> list[Sheet]:
    """Parse xlsx/xls/ods in a worker process. calamine does not always fail with an
    exception: on some damaged .xls files, and on a sheet with one stray cell far away
    (it allocates the whole rows × columns grid), it aborts the process it runs in
    (tafia/calamine#684, #714; dimastbk/python-calamine#130). In a worker that costs
    the worker, and the user gets one Chinese line."""
    global _WORKER
    if _WORKER is None:
        _WORKER = _start_worker()
    if _WORKER is False:  # no worker can start here (e.g. an embedding with no main file)
        outcome = _parse_workbook(data)
        return _outcome(outcome, data, name)
    try:
        outcome = _WORKER.submit(_parse_workbook, data).result()
    except BrokenProcessPool:
        _WORKER.shutdown(wait=False, cancel_futures=True)
        _WORKER = None
        outcome = ("crashed",)
    return _outcome(outcome, data, name)


def _start_worker() -> ProcessPoolExecutor | bool:
    """A one-process pool, proven able to run a task; False when it cannot start."""
    pool = ProcessPoolExecutor(max_workers=1, mp_context=_mp_context(), initializer=_worker_setup)
    try:
        pool.submit(int, "1").result(timeout=60)
    except Exception:  # the worker could not import its main module, or was refused
        pool.shutdown(wait=False, cancel_futures=True)
        return False
    return pool


def _outcome(outcome: list[Sheet] | tuple, data: bytes, name: str) -> list[Sheet]:
    if isinstance(outcome, list):
        return outcome
    if outcome[0] == "too_large":
        _, sheet, height, width = outcome
        raise UserError(f"文件 {name} 的工作表“{sheet}”范围过大（{height}行×{width}列），多半是远处有误填的内容。"
                        "请在 Excel/WPS 中删除多余的行和列后另存，再导入")
    encrypted = data.startswith(_OLE_MAGIC) and "EncryptedPackage".encode("utf-16-le") in data
    if outcome[0] == "password" or encrypted:
        raise UserError(_PASSWORD.format(name))
    if outcome[0] == "crashed":
        raise UserError(f"文件 {name} 无法读取：文件已损坏，或某个工作表的内容延伸到极远的行列（如第1048576行）。"
                        "请在 Excel/WPS 中打开，删除多余的行列后另存为 .xlsx 再导入")
    raise UserError(f"文件 {name} 已损坏或不是电子表格，请在 Excel/WPS 中打开后另存为 .xlsx 再导入")


def _mp_context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _worker_setup() -> None:
    """In the worker: a cap on memory, so a runaway allocation fails instead of swapping
    the laptop to death, and no Rust panic text on the user's terminal."""
    try:
        import resource

        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = _WORKER_MEMORY if hard == resource.RLIM_INFINITY else min(hard, _WORKER_MEMORY)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, ValueError, OSError):
        pass  # Windows has no rlimit
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)


def _parse_workbook(data: bytes) -> list[Sheet] | tuple:
    """Runs in the worker: the sheets, or why not: ('password',), ('damaged',),
    ('too_large', sheet, rows, columns)."""
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = []
        for index, meta in enumerate(book.sheets_metadata):
            if meta.typ != SheetTypeEnum.WorkSheet:
                continue  # chart and macro sheets hold no cells
            sheet = book.get_sheet_by_index(index)
            if sheet.height * sheet.width > _MAX_CELLS:
                return ("too_large", sheet.name, sheet.height, sheet.width)
            rows = [_clean_row(row) for row in sheet.to_python(skip_empty_area=False)]
            merged = tuple((r0, c0, r1, c1) for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or ())
            visible = meta.visible == SheetVisibleEnum.Visible
            sheets.append(Sheet(sheet.name, _trim(rows), merged, visible))
        return sheets
    except PasswordError:
        return ("password",)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # CalamineError, and pyo3 panics on some malformed files
        return ("damaged",)


def _clean_row(row: list[object]) -> list[object]:
    """calamine's 6200.0 → 6200, None → '', trailing empty cells dropped."""
    cells = ["" if v is None else int(v) if isinstance(v, float) and v.is_integer() and abs(v) < 1e15 else v
             for v in row]
    while cells and cells[-1] == "":
        cells.pop()
    return cells


def _trim(rows: list[list[object]]) -> list[list[object]]:
    """Drop trailing empty rows."""
    end = len(rows)
    while end and all(v == "" for v in rows[end - 1]):
        end -= 1
    return rows[:end]


def _decode_text(data: bytes) -> str | None:
    """Text from the bytes by what they are: UTF-8 (with or without BOM), UTF-16 with a
    BOM (Excel's “Unicode 文本”), else GB18030 (a superset of GBK). None if binary."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)
    elif data.startswith(codecs.BOM_UTF8):
        encodings = ("utf-8-sig",)
    else:
        encodings = ("utf-8", "gb18030")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\r\n\f")
        if "\x00" in text or controls > len(text) // 100:
            return None
        return text
    return None


def _read_csv(data: bytes, name: str) -> Sheet:
    text = _decode_text(data)
    if text is None:
        raise UserError(f"文件 {name} 不是电子表格或 CSV 文本，无法读取。请导入 .xlsx/.xls/.ods/.csv 文件")
    delimiter = _sniff_delimiter(text)
    try:
        rows = [_clean_row(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error:
        raise UserError(f"文件 {name} 无法按 CSV 读取，请在 Excel/WPS 中打开后另存为 .xlsx 再导入") from None
    return Sheet("", _trim(rows))


def _sniff_delimiter(text: str) -> str:
    sample = text[:20000].splitlines()[:50]

    def score(delimiter: str) -> tuple[int, int]:
        try:
            widths = [len(row) for row in csv.reader(sample, delimiter=delimiter)]
        except csv.Error:
            return (0, 0)
        return (sum(1 for w in widths if w > 1), sum(widths))

    return max((",", "\t", ";"), key=score)


# --------------------------------------------------------------------------- headers


def normalise_header(value: object) -> str:
    """'  姓 名（必填）：' → '姓名'; full-width folded, spaces of every width removed."""
    text = unicodedata.normalize("NFKC", cell_text(value))
    text = re.sub(r"[(\[【〔][^)\]】〕]*[)\]】〕]", "", text)
    text = "".join(text.split()).translate(_NO_ZERO_WIDTH)
    return text.strip("*:※").lower()


def find_header(
    rows: list[list[object]],
    synonyms: Mapping[str, tuple[str, ...]],
    required: set[str],
    max_scan: int = 15,
) -> HeaderMatch | None:
    """The header among the first `max_scan` rows: the row (or two rows, for a merged
    header such as '党员信息' over '姓名'/'性别') naming the most known fields and all of
    `required`. None if no row names them all. `synonyms` maps field → names."""
    lookup: dict[str, str] = {}
    for field, names in synonyms.items():
        for label in names:
            lookup.setdefault(normalise_header(label), field)
    best: tuple[tuple[int, int, int], HeaderMatch] | None = None
    for r in range(min(max_scan, len(rows))):
        candidates = [(r, None)] + ([(r + 1, r)] if r + 1 < len(rows) else [])
        for lower, upper in candidates:
            match = _match(rows, lower, upper, lookup)
            if not match.columns or not required <= match.columns.keys():
                continue
            rank = (len(match.columns), upper is None, -lower)
            if best is None or rank > best[0]:
                best = (rank, match)
    return best[1] if best else None


def _match(rows: list[list[object]], lower: int, upper: int | None, lookup: dict[str, str]) -> HeaderMatch:
    columns: dict[str, int] = {}
    labels: dict[str, str] = {}
    width = max(len(rows[lower]), len(rows[upper]) if upper is not None else 0)
    for c in range(width):
        for r in (lower, upper):
            if r is None or c >= len(rows[r]):
                continue
            field = lookup.get(normalise_header(rows[r][c]))
            if field is not None:
                if field not in columns:
                    columns[field] = c
                    labels[field] = cell_text(rows[r][c])
                break
    letters = {field: column_letter(c) for field, c in columns.items()}
    top = upper if upper is not None else lower
    return HeaderMatch(row=lower + 1, top_row=top + 1, columns=columns, letters=letters, labels=labels)


def column_letter(index0: int) -> str:
    """0 → 'A', 25 → 'Z', 26 → 'AA'."""
    letters = ""
    n = index0 + 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


# --------------------------------------------------------------------------- cells


def cell_text(value: object) -> str:
    """A cell as the user sees it: None → '', 6200.0 → '6200', a date → '1990-07-08'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(Decimal(format(value, ".15g")), "f")
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value).strip().strip(_ZERO_WIDTH).strip()


_EXCEL_EPOCH = date(1899, 12, 30)
_FULL_DATE = re.compile(r"(\d{4})[年./\-](\d{1,2})[月./\-](\d{1,2})[日号]?(?:\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_MONTH_ONLY = re.compile(r"(\d{4})[年./\-](\d{1,2})月?")


def parse_date_cell(value: object) -> date:
    """A date as offices type it: an Excel date, a serial number, 1990.07.08, 1990-7-8,
    1990/7/8, 1979年11月25日, 19900708; month only (1992.06, 1992年6月, 199206) → the 1st.
    Raises ValueError otherwise."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool) or value is None:
        raise ValueError(f"not a date: {value!r}")
    if isinstance(value, int | float):
        return _date_from_number(value)
    text = unicodedata.normalize("NFKC", str(value))
    text = "".join(ch for ch in text if not ch.isspace()).replace("T", "")
    if m := _FULL_DATE.fullmatch(text):
        return _checked_date(int(m[1]), int(m[2]), int(m[3]))
    if m := _MONTH_ONLY.fullmatch(text):
        return _checked_date(int(m[1]), int(m[2]), 1)
    if re.fullmatch(r"\d{6}|\d{8}", text):
        return _checked_date(int(text[:4]), int(text[4:6]), int(text[6:8] or 1))
    raise ValueError(f"not a date: {value!r}")


def _date_from_number(value: int | float) -> date:
    if isinstance(value, float) and not value.is_integer():
        # 1992.06 typed into a cell becomes the number 1992.06: year.month.
        year, _, fraction = format(value, ".15g").partition(".")
        if len(year) == 4 and len(fraction) == 2:
            return _checked_date(int(year), int(fraction), 1)
        raise ValueError(f"ambiguous date number: {value!r}")  # 1992.1: January or October?
    number = int(value)
    if 19000101 <= number <= 21001231:
        return _checked_date(number // 10000, number // 100 % 100, number % 100)
    if 190001 <= number <= 210012:
        return _checked_date(number // 100, number % 100, 1)
    if 367 <= number <= 73415 and not 1900 <= number <= 2100:  # 1901-01-01 … 2100-12-31
        return _EXCEL_EPOCH + timedelta(days=number)
    raise ValueError(f"not a date: {value!r}")


def _checked_date(year: int, month: int, day: int) -> date:
    if not 1900 <= year <= 2100:
        raise ValueError(f"year out of range: {year}")
    return date(year, month, day)


_AMOUNT = re.compile(r"-?\d+(?:\.\d+)?")


def parse_amount_cell(value: object) -> Decimal:
    """Money as typed: 6200, 6200.5, '6200元', '4,800', '4，800.00', '￥3,000'. Built from
    the text (a float cell through its 15 significant digits), never from float maths.
    Raises ValueError otherwise."""
    if isinstance(value, bool) or value is None:
        raise ValueError(f"not an amount: {value!r}")
    if isinstance(value, Decimal | int):
        return Decimal(value)
    if isinstance(value, float):
        text = format(value, ".15g")
    else:
        text = unicodedata.normalize("NFKC", str(value))
        text = "".join(ch for ch in text if not ch.isspace())
        text = re.sub(r"^(?:¥|人民币|rmb)", "", text, flags=re.IGNORECASE)
        text = re.sub(r"(?:元|圆|块)?(?:/月|每月)?$", "", text).replace(",", "")
    if not _AMOUNT.fullmatch(text):
        raise ValueError(f"not an amount: {value!r}")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError(f"not an amount: {value!r}") from None
