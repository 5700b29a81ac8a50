"""Builds the shipped xlsx templates (run from the repository root).

    python templates/build_templates.py

The templates are ordinary workbooks: cells hold Jinja2 expressions and a row whose
first cell starts with `{%row for x in items %}` repeats once per item (see
partyday_cli/io/xltemplate.py). A 党委 with its own format copies one of these, changes
the layout and passes it with --template. The files are committed; this script
documents how they were made and rebuilds them.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

HERE = Path(__file__).resolve().parent
SONG = "宋体"
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
GREY = PatternFill("solid", fgColor="D9D9D9")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
TOP_LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True)


def _sheet(wb: Workbook, title: str, widths: list[float], landscape: bool):  # type: ignore[no-untyped-def]
    ws = wb.active
    ws.title = title
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    return ws


def _put(ws, cell: str, value: str, *, font=None, align=CENTER, border=True, fill=None,
         merge_to: str | None = None) -> None:  # type: ignore[no-untyped-def]
    ws[cell] = value
    ws[cell].font = font or Font(name=SONG, size=11)
    ws[cell].alignment = align
    if fill:
        ws[cell].fill = fill
    if merge_to:
        ws.merge_cells(f"{cell}:{merge_to}")
    if border:
        rng = ws[f"{cell}:{merge_to}"] if merge_to else ((ws[cell],),)
        for row in rng:
            for c in row:
                c.border = BOX


def _title(ws, row: int, text: str, last_col: str, size: int = 16, height: float = 32) -> None:  # type: ignore[no-untyped-def]
    _put(ws, f"A{row}", text, font=Font(name=SONG, size=size, bold=True), border=False,
         merge_to=f"{last_col}{row}")
    ws.row_dimensions[row].height = height


def _header(ws, row: int, titles: list[str]) -> None:  # type: ignore[no-untyped-def]
    for j, title in enumerate(titles, start=1):
        _put(ws, f"{get_column_letter(j)}{row}", title, font=Font(name=SONG, size=11, bold=True),
             fill=GREY)
    ws.row_dimensions[row].height = 22


def _finish(wb: Workbook, path: Path) -> None:
    wb.properties.creator = "partyday"
    wb.properties.created = wb.properties.modified = datetime(2000, 1, 1)
    wb.save(path)


def plan_template() -> None:
    wb = Workbook()
    ws = _sheet(wb, "年度活动安排表", [6, 16, 8, 24, 40, 14, 10, 26], landscape=True)
    _title(ws, 1, "{{ org }}{{ branch.name }}{{ year }}年度“党员活动日”活动安排表", "H")
    _put(ws, "A2", "活动日：{{ rule_text }}；遇节假日：{{ policy_text }}；主题目录：{{ catalogue }}",
         font=Font(name=SONG, size=10), border=False, merge_to="H2")
    _header(ws, 3, ["序号", "活动日期", "星期", "活动主题", "活动内容", "活动形式", "负责人", "备注"])
    cells = ["{%row for a in activities %}{{ a.index }}", "{{ a.date }}", "{{ a.weekday }}",
             "{{ a.theme }}", "{{ a.content }}", "{{ a.form }}", "{{ a.host }}", "{{ a.note }}"]
    for j, text in enumerate(cells, start=1):
        col = get_column_letter(j)
        _put(ws, f"{col}4", text, align=CENTER if j in (1, 2, 3, 7) else LEFT,
             font=Font(name=SONG, size=10))
    ws["B4"].number_format = 'yyyy"年"m"月"d"日"'
    ws.row_dimensions[4].height = 42
    _put(ws, "A5", "{{ footnote }}", font=Font(name=SONG, size=10), align=LEFT, border=False,
         merge_to="H5")
    ws.row_dimensions[5].height = 30
    _put(ws, "A6", "支部书记（签字）：", font=Font(name=SONG, size=11), align=LEFT, border=False,
         merge_to="D6")
    _put(ws, "E6", "填报日期：{{ today }}", font=Font(name=SONG, size=11), align=LEFT, border=False,
         merge_to="H6")
    ws.print_title_rows = "3:3"
    _finish(wb, HERE / "年度活动安排表.xlsx")


def _signsheet(name: str, columns: list[tuple[str, str, float]], footer: str, groups: bool) -> None:
    """A one-column 签到表: (header, cell, width) per column; without `groups` the 党小组
    column is left out (a branch without 党小组 would print it empty) and its width goes
    to the signature."""
    if not groups:
        spare = next(w for h, _, w in columns if h == "党小组")
        columns = [(h, c, w + spare if h == "本人签名" else w) for h, c, w in columns if h != "党小组"]
    wb = Workbook()
    ws = _sheet(wb, "签到表", [w for _, _, w in columns], landscape=False)
    ws.page_setup.fitToHeight = 1  # up to 60 members on one A4 page
    last = get_column_letter(len(columns))
    _title(ws, 1, "{{ branch.name }}{{ title }}", last)
    _put(ws, "A2", "{{ labels.time }}：{{ activity.date_text }}（{{ activity.weekday }}）{{ activity.time }}"
         "　　地点：{{ activity.place }}", font=Font(name=SONG, size=11), align=LEFT,
         border=False, merge_to=f"{last}2")
    _put(ws, "A3", "{{ labels.theme }}：{{ activity.theme }}", font=Font(name=SONG, size=11), align=LEFT,
         border=False, merge_to=f"{last}3")
    _header(ws, 4, [h for h, _, _ in columns])
    for j, (_, text, _) in enumerate(columns, start=1):
        _put(ws, f"{get_column_letter(j)}5", ("{%row for m in members %}" if j == 1 else "") + text,
             font=Font(name=SONG, size=11))
    ws.row_dimensions[5].height = 19
    _put(ws, "A6", footer, font=Font(name=SONG, size=11), align=LEFT, border=False, merge_to=f"{last}6")
    _put(ws, "A7", "列席人员（入党积极分子、发展对象等）：", font=Font(name=SONG, size=11),
         align=LEFT, border=False, merge_to=f"{last}7")
    ws.row_dimensions[7].height = 30
    ws.print_title_rows = "4:4"
    _finish(wb, HERE / f"{name}{'' if groups else NO_GROUPS}.xlsx")


NO_GROUPS = "-无党小组"  # the name's suffix of a shipped 签到表 without the 党小组 column


def signsheet_template(groups: bool = True) -> None:
    _signsheet("签到表", [("序号", "{{ m.index }}", 7), ("姓名", "{{ m.name }}", 16),
                          ("党小组", "{{ m.group }}", 14), ("本人签名", "", 30), ("备注", "{{ m.note }}", 18)],
               "应到 {{ expected }} 人，实到＿＿人，请假＿＿人，缺席＿＿人。{{ exempt_note }}", groups)


def signsheet_dues_template(groups: bool = True) -> None:
    """The 签到表 of a scheme that asks the month's dues on the day (本月党费请于活动当天交纳):
    each member's 本月应交 printed beside the signature, a column for what was paid."""
    _signsheet("签到表-党费", [("序号", "{{ m.index }}", 6), ("姓名", "{{ m.name }}", 15),
                              ("党小组", "{{ m.group }}", 12), ("本人签名", "", 20),
                              ("本月应交（元）", "{{ m.dues }}", 15), ("实交（元）", "", 12),
                              ("备注", "{{ m.note }}", 13)],
               "应到 {{ expected }} 人，实到＿＿人，请假＿＿人，缺席＿＿人。本月党费应交合计 {{ dues_total }} 元，"
               "实交＿＿＿＿元。{{ exempt_note }}", groups)


def signsheet_two_column_template() -> None:
    wb = Workbook()
    ws = _sheet(wb, "签到表", [6, 11, 19, 2, 6, 11, 19], landscape=False)
    _title(ws, 1, "{{ branch.name }}{{ title }}", "G")
    _put(ws, "A2", "{{ labels.time }}：{{ activity.date_text }}（{{ activity.weekday }}）{{ activity.time }}"
         "　　地点：{{ activity.place }}", font=Font(name=SONG, size=11), align=LEFT,
         border=False, merge_to="G2")
    _put(ws, "A3", "{{ labels.theme }}：{{ activity.theme }}", font=Font(name=SONG, size=11), align=LEFT,
         border=False, merge_to="G3")
    for j, title in enumerate(["序号", "姓名", "本人签名"], start=1):
        _put(ws, f"{get_column_letter(j)}4", title, font=Font(name=SONG, bold=True), fill=GREY)
        _put(ws, f"{get_column_letter(j + 4)}4", title, font=Font(name=SONG, bold=True), fill=GREY)
    cells = {"A": "{%row for r in rows %}{{ r.left_index }}", "B": "{{ r.left_name }}", "C": "",
             "E": "{{ r.right_index }}", "F": "{{ r.right_name }}", "G": ""}
    for col, text in cells.items():
        _put(ws, f"{col}5", text, font=Font(name=SONG, size=11))
    ws.row_dimensions[5].height = 21
    _put(ws, "A6", "应到 {{ expected }} 人，实到＿＿人，请假＿＿人，缺席＿＿人。{{ exempt_note }}",
         font=Font(name=SONG, size=11), align=LEFT, border=False, merge_to="G6")
    _put(ws, "A7", "列席人员（入党积极分子、发展对象等）：", font=Font(name=SONG, size=11),
         align=LEFT, border=False, merge_to="G7")
    ws.print_title_rows = "4:4"
    _finish(wb, HERE / "签到表-双栏.xlsx")


def record_template() -> None:
    wb = Workbook()
    ws = _sheet(wb, "记实表", [16, 26, 14, 26], landscape=False)
    ws.page_setup.fitToHeight = 1
    _title(ws, 1, "{{ title }}", "D", size=18, height=40)  # “党员活动日”记实表, or a meeting's 记录
    _put(ws, "A2", "党支部：{{ branch.name }}", font=Font(name=SONG, size=11), align=LEFT,
         border=False, merge_to="B2")
    _put(ws, "C2", "编号：{{ activity.number }}", font=Font(name=SONG, size=11), align=LEFT,
         border=False, merge_to="D2")
    bold = Font(name=SONG, size=11, bold=True)
    rows = [
        (3, [("A", "{{ labels.time }}", bold), ("B", "{{ activity.date_text }}（{{ activity.weekday }}）"
                                             "{{ activity.time }}", None),
             ("C", "活动地点", bold), ("D", "{{ activity.place }}", None)], 30),
        (4, [("A", "{{ labels.theme }}", bold), ("B", "{{ activity.theme }}", None, "D")], 36),
        (5, [("A", "组织生活形式", bold), ("B", "{{ activity.kinds }}", None, "D")], 24),
        (6, [("A", "主持人", bold), ("B", "{{ activity.host }}", None),
             ("C", "记录人", bold), ("D", "{{ recorder }}", None)], 26),
        (7, [("A", "应到人数", bold), ("B", "{{ expected }}", None),
             ("C", "实到人数", bold), ("D", "{{ present_text }}", None)], 26),
        (8, [("A", "请假人员及原因", bold), ("B", "{{ excused_text }}", None, "D")], 44),
        (9, [("A", "缺席人员", bold), ("B", "{{ absent_text }}", None, "D")], 36),
        (10, [("A", "{{ labels.content }}", bold), ("B", "{{ activity.content }}", None, "D")], 230),
        (11, [("A", "{{ labels.result }}", bold), ("B", "", None, "D")], 120),
        (12, [("A", "支部书记（签字）", bold), ("B", "", None),
              ("C", "填报日期", bold), ("D", "", None)], 30),
    ]
    for row, cells, height in rows:
        for spec in cells:
            col, text, font = spec[0], spec[1], spec[2]
            merge = f"{spec[3]}{row}" if len(spec) > 3 else None
            align = CENTER if font is bold else (TOP_LEFT if row in (10, 11) else LEFT)
            _put(ws, f"{col}{row}", text, font=font or Font(name=SONG, size=11), align=align,
                 merge_to=merge)
        ws.row_dimensions[row].height = height
    _put(ws, "A13", "{{ deadline_note }}", font=Font(name=SONG, size=10), align=LEFT,
         border=False, merge_to="D13")
    ws.row_dimensions[13].height = 30
    _finish(wb, HERE / "记实表.xlsx")


def main() -> None:
    plan_template()
    for groups in (True, False):
        signsheet_template(groups)
        signsheet_dues_template(groups)
    signsheet_two_column_template()
    record_template()
    print(f"templates written to {HERE}")


if __name__ == "__main__":
    main()
