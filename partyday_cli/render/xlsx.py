"""A `Table` as a formatted, printable xlsx sheet (openpyxl, imported only here)."""

from __future__ import annotations

import io
from datetime import datetime

from partyday_cli.render.table import Table, _text, neutralise

# Fixed document timestamps keep workbooks byte-identical between runs.
FIXED_TIMESTAMP = datetime(2000, 1, 1, 0, 0, 0)


def workbook_bytes(workbook, *, keep_formulas: bool = False) -> bytes:  # type: ignore[no-untyped-def]
    """The workbook as bytes, with fixed timestamps so equal input gives equal output
    (monthly exports run twice must write the same bytes).

    Every cell that would be a formula is written as text instead, whatever its source
    (a branch name `=HYPERLINK(…)` in a title, a sign-in name in a table): partyday writes
    data, never formulas. Only the template engine, which already writes every rendered
    value as text and keeps the user template's own formulas, passes `keep_formulas`.
    """
    import zipfile

    from openpyxl.writer.excel import ExcelWriter

    if not keep_formulas:
        neutralise_formulas(workbook)
    workbook.properties.created = workbook.properties.modified = FIXED_TIMESTAMP
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()  # save_workbook() would stamp "now"
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dest:
        for info in source.infolist():  # zip entries carry the time they were written
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIMESTAMP.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            dest.writestr(entry, source.read(info.filename))
    return out.getvalue()


def neutralise_formulas(workbook) -> None:  # type: ignore[no-untyped-def]
    """Turn every formula cell of `workbook` into a text cell showing the same characters."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"


def display_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def line_count(text: str, width: float) -> int:
    """How many lines a wrapped cell needs (LibreOffice does not grow rows by itself)."""
    usable = max(width - 1, 1)
    return sum(max(1, -(-display_width(part) // int(usable))) for part in text.split("\n"))


def wrap_cell(text: str, width: float) -> str:
    """`text` with a line break wherever it wraps in a column of `width` (as `line_count`
    counts lines), at the break points of Chinese (标点禁则: no line starts with “）” or
    “，”, no line ends with “（”; a date or an amount is not split), and with no last line
    of a character or two: every spreadsheet program then breaks it alike, whatever its
    fonts — LibreOffice fits more on a line than Excel's 宋体, and left a lone “）” on a
    printed line of its own."""
    from partyday_cli.render.cjkwrap import _words

    usable = max(int(width - 1), 1)
    if all(display_width(part) <= usable for part in text.split("\n")):
        return text
    out: list[str] = []
    for part in text.split("\n"):
        units = _units(part, _words)
        lines = _fill(units, usable)
        narrower = usable - 1
        while len(lines) > 1 and display_width(lines[-1]) <= ORPHAN and narrower >= usable * 0.7:
            tried = _fill(units, narrower)  # the same lines, more evenly filled
            if len(tried) == len(lines):
                lines = tried
            narrower -= 1
        out.extend(lines)
    return "\n".join(out)


def _fill(units: list[str], usable: int) -> list[str]:
    out: list[str] = []
    line = ""
    for word in units:
        if line and display_width(line + word.rstrip()) > usable:
            out.append(line.rstrip())
            line = word.lstrip()
        else:
            line += word
        while display_width(line.rstrip()) > usable:  # one word longer than the line: cut it
            k = 1
            while display_width(line[:k + 1]) <= usable:
                k += 1
            out.append(line[:k])
            line = line[k:]
    out.append(line.rstrip())
    return out


def _units(text: str, words) -> list[str]:  # type: ignore[no-untyped-def]
    """`words`' words of `text`, a date (4月19日, 2017年1月) or an amount kept in one."""
    out: list[str] = []
    for _, _, word in words(text):
        if out and ((out[-1][-1:].isdigit() and word[:1] in "年月日号元%") or
                    (out[-1][-1:] in "年月" and word[:1].isdigit())):
            out[-1] += word
        else:
            out.append(word)
    return out


FIT_UP_TO = 24  # a short column (a name, 张伟（第一党小组）) grows to its longest value up to this
NEARLY = 8  # … and any column to a value that overflows one line by this much at most
ORPHAN = 4  # a wrapped value's last line this short (“前）”) is filled from the lines before


def column_widths(table: Table) -> list[int]:
    """Each column's width: its own, grown to fit its title; a short column also grown to
    its longest value (up to FIT_UP_TO), so a name is not broken before its last "）"; a
    long text column keeps its width and wraps, except to fit a value NEARLY on one line."""
    widths: list[int] = []
    for j, col in enumerate(table.columns):
        width = max(col.width, display_width(col.title) + 2)
        lines = [line for row in table.rows if j < len(row) for line in _text(row[j]).split("\n")]
        longest = max((display_width(line) for line in lines), default=0)
        if width < FIT_UP_TO:
            width = max(width, min(FIT_UP_TO, longest + 2))
        # a value just too long for one line (by a "）" or two): the column fits it
        width = max(width, max((display_width(line) + 1 for line in lines
                                if width - 1 < display_width(line) <= width - 1 + NEARLY), default=0))
        widths.append(width)
    return widths


def to_xlsx(table: Table) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = table.sheet_name[:31]
    ncols = len(table.columns)
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    song = "宋体"

    widths = column_widths(table)
    total_width = sum(widths)
    heading = wrap_cell(table.title, total_width / 1.6)  # 16 pt: no last character alone on a line
    ws.cell(row=1, column=1, value=heading).font = Font(name=song, size=16, bold=True)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center", vertical="center",
                                                   wrap_text=True)
    ws.row_dimensions[1].height = 28 * line_count(heading, total_width / 1.6)
    header_row = 2
    if table.subtitle:
        cell = ws.cell(row=2, column=1, value=table.subtitle)
        cell.font = Font(name=song, size=11)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=ncols)
        ws.row_dimensions[2].height = 16 * line_count(table.subtitle, total_width)
        header_row = 3

    header_fill = PatternFill("solid", fgColor="D9D9D9")
    for j, col in enumerate(table.columns, start=1):
        cell = ws.cell(row=header_row, column=j, value=col.title)
        cell.font = Font(name=song, size=11, bold=True)
        cell.fill = header_fill
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)

    mark_fill = PatternFill("solid", fgColor="FFF2CC")
    for i, row in enumerate(table.rows):
        r = i + header_row + 1
        lines = 1
        for j, value in enumerate(row, start=1):
            text = neutralise(_text(value))  # data: kept as it is (a report breaks its cells, `wrap_cell`)
            cell = ws.cell(row=r, column=j, value=text)
            cell.font = Font(name=song, size=11)
            cell.border = border
            col = table.columns[j - 1]
            cell.alignment = Alignment(horizontal=col.align, vertical="center", wrap_text=True)
            if i in table.highlight:
                cell.fill = mark_fill
            lines = max(lines, line_count(text, widths[j - 1]))
        ws.row_dimensions[r].height = 15 * lines + 3
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width

    note_row = len(table.rows) + header_row + 2
    for k, note in enumerate([*table.notes, *filter(None, [table.legend("底色标出")])]):
        ws.cell(row=note_row + k, column=1, value=note).font = Font(name=song, size=10)
        ws.merge_cells(start_row=note_row + k, start_column=1,
                       end_row=note_row + k, end_column=ncols)

    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if total_width > 130 else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.freeze_panes = f"A{header_row + 1}"

    wb.properties.creator = "partyday"
    return workbook_bytes(wb)
