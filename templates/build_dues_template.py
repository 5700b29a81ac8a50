"""Builds the shipped 党费台账 template (run from the repository root).

    python templates/build_dues_template.py

`partyday dues report --format xlsx` fills it; a 党委 with its own format copies it,
changes the layout and passes it with --template. A4 landscape, one row per member
(`{%row for m in members %}`), twelve month columns. Variables:

- org, branch.name, year, as_of (date), as_of_text ("2017年7月1日"), today, summary;
- months: ["1月", …, "12月"];
- members: each with index name group category base (Decimal or None) rate ("1.5%",
  定额) monthly (Decimal), cells (12 values: the amount paid, 未交, 待交, 季度内,
  "76.50（9月补交）", "—" for a month not owed, "" for a month not reached), paid, owed
  (None when nothing is owed), note (the flags in a few words: 连续6个月未交（党章第九条）…);
- totals: cells (12 amounts paid), monthly, paid, owed;
- notes: the flags and standard notes in full, one sentence each ("邓超：连续6个月未交纳党费
  （2017年1月—6月），按党章第九条……").

The file is committed; this script documents how it was made and rebuilds it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from build_templates import GREY, LEFT, SONG, _finish, _put, _sheet, _title  # noqa: E402

MONTH_COLUMNS = [get_column_letter(6 + i) for i in range(12)]  # F … Q
MONEY = "0.00"


def dues_template() -> None:
    wb = Workbook()
    widths = [5, 13, 9, 6, 8] + [7.5] * 12 + [9, 8, 26]
    ws = _sheet(wb, "党费台账", widths, landscape=True)
    _title(ws, 1, "{{ org }}{{ branch.name }}{{ year }}年度党费收缴台账", "T")
    _put(ws, "A2", "统计截至：{{ as_of_text }}　　单位：元", font=Font(name=SONG, size=10),
         align=LEFT, border=False, merge_to="T2")
    bold = Font(name=SONG, size=10, bold=True)
    for col, title in (("A", "序号"), ("B", "姓名"), ("C", "基数"), ("D", "比例"), ("E", "月应交"),
                       ("R", "已交合计"), ("S", "欠交"), ("T", "备注")):
        _put(ws, f"{col}3", title, font=bold, fill=GREY, merge_to=f"{col}4")
    _put(ws, "F3", "交纳情况", font=bold, fill=GREY, merge_to="Q3")
    for i, col in enumerate(MONTH_COLUMNS, start=1):
        _put(ws, f"{col}4", f"{i}月", font=bold, fill=GREY)
    ws.row_dimensions[3].height = ws.row_dimensions[4].height = 20

    small = Font(name=SONG, size=10)
    row = {"A": "{%row for m in members %}{{ m.index }}", "B": "{{ m.name }}", "C": "{{ m.base }}",
           "D": "{{ m.rate }}", "E": "{{ m.monthly }}", "R": "{{ m.paid }}", "S": "{{ m.owed }}",
           "T": "{{ m.note }}"}
    row.update({col: f"{{{{ m.cells[{i}] }}}}" for i, col in enumerate(MONTH_COLUMNS)})
    for col, text in row.items():
        fit = col in MONTH_COLUMNS or col in "BT"  # "46.00（5月补交）", long names and notes
        _put(ws, f"{col}5", text, font=small, align=Alignment(
            horizontal="left" if col in "BT" else "center", vertical="center",
            shrink_to_fit=fit, wrap_text=not fit))
        if col in "CERS" or col in MONTH_COLUMNS:
            ws[f"{col}5"].number_format = MONEY
    ws.row_dimensions[5].height = 18

    totals = {"E": "{{ totals.monthly }}", "R": "{{ totals.paid }}", "S": "{{ totals.owed }}",
              "C": "", "D": "", "T": ""}
    totals.update({col: f"{{{{ totals.cells[{i}] }}}}" for i, col in enumerate(MONTH_COLUMNS)})
    _put(ws, "A6", "合计", font=bold, merge_to="B6")
    for col, text in totals.items():
        _put(ws, f"{col}6", text, font=bold)
        ws[f"{col}6"].number_format = MONEY
    ws.row_dimensions[6].height = 22

    notes = ("{{ summary }}。说明：月份栏为实交金额；“未交”为欠交，“待交”为当月尚未交纳，"
             "“季度内”为经批准按季度交纳、季度未满，“—”为非本支部党员期间；补交的注明补交月份。")
    _put(ws, "A7", notes, font=small, align=LEFT, border=False, merge_to="T7")
    ws.row_dimensions[7].height = 30
    _put(ws, "A8", "{%row for n in notes %}{{ n }}", font=small, align=LEFT, border=False,
         merge_to="T8")
    ws.row_dimensions[8].height = 15
    _put(ws, "A9", "支部书记（签字）：", font=Font(name=SONG, size=11), align=LEFT, border=False,
         merge_to="F9")
    _put(ws, "G9", "经手人（组织委员）：", font=Font(name=SONG, size=11), align=LEFT, border=False,
         merge_to="M9")
    _put(ws, "N9", "填报日期：{{ today }}", font=Font(name=SONG, size=11), align=LEFT, border=False,
         merge_to="T9")
    ws.row_dimensions[9].height = 30
    ws.print_title_rows = "3:4"
    _finish(wb, HERE / "党费台账.xlsx")


def main() -> None:
    dues_template()


if __name__ == "__main__":
    main()
