"""The 花名册 template `partyday init` writes: the columns offices really keep."""

from __future__ import annotations

ROSTER_COLUMNS: list[tuple[str, int, str]] = [
    # (header, width, what to type — shown on the 填表说明 sheet)
    ("序号", 6, "可不填"),
    ("姓名", 10, "必填。少数民族姓名中间的点用“·”"),
    ("性别", 6, "男 / 女"),
    ("民族", 8, "如 汉族、维吾尔族"),
    ("出生日期", 12, "如 1980.05.06 或 1980年5月6日"),
    ("所在支部", 14, "党委有多个支部时必填，与 partyday.toml 中的支部名称一致"),
    ("党小组", 10, "如 第一党小组"),
    ("党员类别", 10, "正式 / 预备"),
    ("入党时间", 12, "接收为预备党员的日期，如 2017.04.10"),
    ("转正时间", 12, "预备党员转正的日期；正式党员可不填"),
    ("人员类别", 10, "在职 / 离退休 / 农民 / 学生 / 下岗失业 / 低保"),
    ("联系电话", 14, "手机号码；屏幕显示时会打码"),
    ("身份证号", 20, "屏幕显示时会打码"),
    ("月收入", 10, "在职：税后月工资收入；离退休：月离退休费。单位元，如 5100"),
    ("党费标准", 10, "支部另行确定的月交党费（农民、学生、困难党员等），不填则按规定计算"),
    ("备注", 30, "如“2017年6月转出”“年老体弱，经支部委员会研究同意免参加组织生活”"),
]


def roster_template(branch: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    from partyday_cli.render.xlsx import workbook_bytes

    wb = Workbook()
    ws = wb.active
    ws.title = "花名册"
    n = len(ROSTER_COLUMNS)
    ws.cell(row=1, column=1, value=f"{branch}党员花名册").font = Font(name="宋体", size=16, bold=True)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=n)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    ws.row_dimensions[1].height = 28
    thin = Side(style="thin")
    for j, (title, width, _) in enumerate(ROSTER_COLUMNS, start=1):
        cell = ws.cell(row=2, column=j, value=title)
        cell.font = Font(name="宋体", bold=True)
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
        cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        cell.alignment = Alignment(horizontal="center", vertical="center")
        ws.column_dimensions[get_column_letter(j)].width = width
    for r in range(3, 53):
        for j in range(1, n + 1):
            ws.cell(row=r, column=j).border = Border(left=thin, right=thin, top=thin, bottom=thin)
    ws.freeze_panes = "C3"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "2:2"

    help_ws = wb.create_sheet("填表说明")
    help_ws.column_dimensions["A"].width = 14
    help_ws.column_dimensions["B"].width = 70
    help_ws.append(["列名", "怎么填"])
    for title, _, how in ROSTER_COLUMNS:
        help_ws.append([title, how])
    help_ws.append([])
    help_ws.append(["导入", "填好后运行：partyday roster import roster.xlsx"])

    wb.properties.creator = "partyday"
    return workbook_bytes(wb)
