"""Builds the sample branch's 党费台账 (run from the repository root).

    python sample_data/build_dues_sample.py

It writes sample_data/workspace/2017党费台账.xlsx: the 2017 ledger of
机关第一党支部 as its 组织委员 keeps it, filled from January to June. A title row, a
merged "交纳情况" header over twelve month columns, a 党小组 column (two members are
called 张伟), 月工资/比例/月应交 columns, amounts typed several ways (93, 76.50, ￥48,
15元, √, 已交), "/" for the months before 李娜 joined and after 赵磊 left, a 合计 row
and column, and a footer. Two cases to find:

- 邓超 has paid nothing since January: six months unpaid (党章第九条);
- 罗敏 paid February's dues in May ("46（5月补交）"), three months late.

The file is committed; this script documents how it was made and rebuilds it.
"""

from __future__ import annotations

import sys
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from build_sample import BRANCH, MEMBERS  # noqa: E402

TARGET = HERE / "workspace" / "2017党费台账.xlsx"
FILLED = 6  # January … June
CATEGORY_AMOUNT = {"学生": Decimal("0.20"), "下岗失业": Decimal("0.20"), "低保": Decimal("0.20")}


def standard(income: str, category: str, override: str) -> tuple[Decimal | None, str, Decimal]:
    """(月工资, 比例, 月应交) as the office worked them out by hand."""
    if override:
        return None, "", Decimal(override)
    if category in CATEGORY_AMOUNT:
        return None, "", CATEGORY_AMOUNT[category]
    base = Decimal(income.replace("元", "").replace(",", ""))
    if category == "离退休":
        rate = Decimal("0.005") if base <= 5000 else Decimal("0.01")
    else:
        rate = next(r for top, r in ((3000, "0.005"), (5000, "0.01"), (10000, "0.015"), (None, "0.02"))
                    if top is None or base <= top)
        rate = Decimal(rate)
    monthly = min((base * rate).quantize(Decimal("0.01"), ROUND_HALF_UP), Decimal("1000.00"))
    return base, f"{(rate * 100).normalize():f}%", monthly


def typed(amount: Decimal, style: int) -> object:
    """An amount as different people type it."""
    styles = [
        lambda a: int(a) if a == a.to_integral() else float(a),  # 93 / 76.5 as numbers
        lambda a: f"{a:.2f}",  # "76.50"
        lambda a: f"￥{a}",  # "￥48.00"
        lambda a: f"{a.normalize():f}元",  # "15元"
        lambda a: "√",
        lambda a: "已交",
    ]
    return styles[style % len(styles)](amount)


def month_cells(name: str, index: int, monthly: Decimal) -> list[object]:
    cells: list[object] = []
    for month in range(1, FILLED + 1):
        if name == "邓超":
            cells.append("未交" if month % 2 else "")  # some cells typed, some left blank
        elif name == "李娜" and month < 4 or name == "赵磊" and month >= 6:  # admitted as 预备党员 on 10 April
            cells.append("/")
        elif name == "罗敏" and month == 2:
            cells.append(f"{monthly.normalize():f}（5月补交）")
        else:
            cells.append(typed(monthly, index + month))
    return cells + [""] * (12 - FILLED)


def build(path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    wb = Workbook()
    ws = wb.active
    ws.title = "2017年"
    ws.append([f"{BRANCH}2017年度党费收缴台账"])
    ws.merge_cells("A1:T1")
    ws["A1"].font = Font(name="宋体", size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(["填报单位：" + BRANCH] + [""] * 16 + ["单位：元"])
    top = ["序号", "姓名", "党小组", "月工资", "比例", "月应交", "交纳情况"] + [""] * 11 + ["合计", "备注"]
    ws.append(top)
    ws.append([""] * 6 + [f"{m}月" for m in range(1, 13)])
    for col in "ABCDEF":
        ws.merge_cells(f"{col}3:{col}4")
    ws.merge_cells("G3:R3")
    ws.merge_cells("S3:S4")
    ws.merge_cells("T3:T4")
    first = 5
    for i, member in enumerate(MEMBERS, start=1):
        name, group, category, income, override = member[0], member[4], member[8], member[11], member[12]
        base, rate, monthly = standard(income, category, override)
        r = first + i - 1
        notes = {"邓超": "多次催交未交", "罗敏": "2月党费5月补交", "赵磊": "6月转出", "李娜": "4月10日接收为预备党员"}
        ws.append([i, name.replace(" ", ""), group, base if base is None else int(base) if base == int(base) else float(base),
                   rate, float(monthly)] + month_cells(name, i, monthly)
                  + [f"=SUM(G{r}:R{r})", notes.get(name, "")])
    last = first + len(MEMBERS) - 1
    total = last + 1
    ws.append(["合计", ""] + [""] * 4 + [f"=SUM({c}{first}:{c}{last})" for c in "GHIJKLMNOPQR"]
              + [f"=SUM(S{first}:S{last})"])
    ws.merge_cells(f"A{total}:B{total}")
    ws.append([])
    ws.append(["制表人：组织委员 高峰", "", "", "", "", "", "审核人：支部书记 李建国"])
    thin = Side(style="thin")
    for row in ws.iter_rows(min_row=3, max_row=total, max_col=20):
        for cell in row:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
    widths = [5, 14, 11, 8, 6, 8] + [7] * 12 + [8, 20]
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[chr(64 + j)].width = width
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    wb.properties.creator = "高峰"
    wb.properties.created = wb.properties.modified = datetime(2017, 7, 3)
    wb.save(path)


def main() -> None:
    build(TARGET)
    print(f"dues ledger written to {TARGET}")


if __name__ == "__main__":
    main()
