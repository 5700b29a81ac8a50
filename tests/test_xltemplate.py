"""Filling a 党委's own .xlsx template: loops, layout that survives, safe values, errors."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.datavalidation import DataValidation

from partyday_cli.errors import UserError
from partyday_cli.io.xltemplate import (
    ROW_MARKER,
    TemplateError,
    render_workbook,
    template_variables,
)
from tests.realclient import is_a4, pdf_pages, pdf_text, to_pdf

REPO = Path(__file__).resolve().parents[1]
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
SURNAMES = "王李张刘陈杨赵黄周吴"
GIVEN = "伟芳娜敏静丽强磊军洋"


@dataclass(frozen=True)
class Member:
    name: str
    kind: str
    joined: date
    note: str | None


def members(count: int) -> list[Member]:
    return [Member(name=f"{SURNAMES[i % 10]}{GIVEN[i // 10 % 10]}",
                   kind="预备党员" if i % 7 == 3 else "正式党员",
                   joined=date(1990 + i % 30, 1 + i % 12, 1 + i % 28),
                   note="=1+1" if i == 5 else None)
            for i in range(count)]


def context(count: int = 60) -> dict:
    return {
        "org": "城关镇机关党委",
        "year": 2025,
        "expected": count,
        "activity": {"theme": "学习贯彻党的二十届三中全会精神", "date": date(2025, 5, 6)},
        "members": members(count),
    }


def sign_in_template() -> bytes:
    """A sign-in sheet as a 党委 formats its own: merged title, boxed loop row, footer."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "签到表"
    song = Font(name="宋体", size=11)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)

    ws["A1"] = "{{ org }}{{ year }}年党员活动日签到表"
    ws["A1"].font = Font(name="宋体", size=18, bold=True)
    ws["A1"].alignment = center
    ws.merge_cells("A1:G1")
    ws.row_dimensions[1].height = 36

    ws["A2"] = "活动主题：{{ activity.theme }}"
    ws.merge_cells("A2:D2")
    ws["E2"] = "{{ activity.date }}"
    ws["E2"].number_format = 'yyyy"年"m"月"d"日"'
    ws.merge_cells("E2:G2")

    for col, title in enumerate(["序号", "姓名", "党员类别", "入党日期", "本人签名", None, "备注"], 1):
        cell = ws.cell(3, col, title)
        cell.font = Font(name="黑体", size=12, bold=True)
        cell.border = BOX
        cell.alignment = center
        cell.fill = PatternFill("solid", fgColor="FFD9D9D9")
    ws.merge_cells("E3:F3")

    loop = ["{%row for m in members %}{{ loop.index }}", "{{ m.name }}", "{{ m.kind }}",
            "{{ m.joined }}", None, None, "{{ m.note }}"]
    for col, text in enumerate(loop, 1):
        cell = ws.cell(4, col, text)
        cell.font = song
        cell.border = BOX
        cell.alignment = center
    ws["D4"].number_format = "yyyy-mm-dd"
    ws.merge_cells("E4:F4")
    ws.row_dimensions[4].height = 24
    status = DataValidation(type="list", formula1='"请假,缺席"', allow_blank=True)
    ws.add_data_validation(status)
    status.add("G4")

    ws["A5"] = "应到 {{ expected }} 人，实到＿＿＿人"
    ws["A5"].font = song
    ws.merge_cells("A5:E5")
    ws["F5"] = "名单人数"
    ws["G5"] = "=COUNTA(B4:B4)"
    ws["A6"] = "{{ org }}组织委员制表"
    ws.merge_cells("A6:G6")

    for letter, width in zip("ABCDEFG", [6, 12, 12, 14, 12, 12, 14], strict=True):
        ws.column_dimensions[letter].width = width
    ws.print_area = "A1:G6"
    ws.print_title_rows = "3:3"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.top = ws.page_margins.bottom = 0.8
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"

    notes = wb.create_sheet("说明")
    notes["A1"] = "填写说明"
    notes["A1"].font = Font(name="黑体", size=14, bold=True)
    notes.merge_cells("A1:C1")
    notes["A2"] = "1. 请本人签名，不得代签。"
    notes["A3"] = "2. 请假须提前向支部书记说明。"
    notes.column_dimensions["A"].width = 40
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def fill(template: bytes, ctx: dict | None = None) -> openpyxl.Workbook:
    out = render_workbook(template, context() if ctx is None else ctx, template_name="签到表.xlsx")
    return openpyxl.load_workbook(io.BytesIO(out))


def small_template(cells: dict[str, object], merges: tuple[str, ...] = ()) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "签到表"
    for coord, value in cells.items():
        ws[coord] = value
    for merged in merges:
        ws.merge_cells(merged)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ------------------------------------------------------------------ layout survives


def test_sixty_members_fill_the_loop_row_and_push_the_footer_down():
    ws = fill(sign_in_template())["签到表"]

    assert ws["A1"].value == "城关镇机关党委2025年党员活动日签到表"
    merged = {str(m) for m in ws.merged_cells.ranges}
    assert {"A1:G1", "A2:D2", "E2:G2", "E3:F3"} <= merged
    assert {f"E{row}:F{row}" for row in range(4, 64)} <= merged  # the loop row's merge, per copy
    assert {"A64:E64", "A65:G65"} <= merged  # footer merges moved down by 59 rows
    assert "A5:E5" not in merged and "E64:F64" not in merged
    assert ws["A64"].value == "应到 60 人，实到＿＿＿人"
    assert ws["A65"].value == "城关镇机关党委组织委员制表"
    assert ws["G64"].value == "=COUNTA(B4:B63)"  # the total covers every copy

    assert [ws.cell(row, 1).value for row in (4, 5, 63)] == [1, 2, 60]
    assert ws["B4"].value == "王伟" and ws["B63"].value == "吴丽"
    for row in range(4, 64):
        assert ws.row_dimensions[row].height == 24
        for col in (1, 2, 3, 4, 5, 7):  # F is inside the merged signature box E:F
            cell = ws.cell(row, col)
            assert cell.border.left.style == "thin" and cell.border.bottom.style == "thin"
        assert ws.cell(row, 6).border.right.style == "thin"
        assert ws.cell(row, 2).font.name == "宋体"
        assert ws.cell(row, 2).alignment.horizontal == "center"
        joined = ws.cell(row, 4)
        assert joined.is_date and joined.number_format == "yyyy-mm-dd"
    assert ws["D4"].value.date() == date(1990, 1, 1)
    assert ws["E2"].is_date and ws["E2"].number_format == 'yyyy"年"m"月"d"日"'
    assert ws.row_dimensions[1].height == 36 and ws.row_dimensions[64].height is None
    assert ws.column_dimensions["D"].width == 14
    status = ws.data_validations.dataValidation[0]
    assert (str(status.sqref), status.formula1) == ("G4:G63", '"请假,缺席"')


def test_print_setup_follows_the_inserted_rows():
    ws = fill(sign_in_template())["签到表"]

    assert ws.print_area == "'签到表'!$A$1:$G$65"
    assert ws.print_title_rows == "$3:$3"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.orientation == "portrait"
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_margins.top == 0.8
    assert ws.oddFooter.center.text == "第 &P 页，共 &N 页"


def test_other_sheets_are_untouched():
    filled = fill(sign_in_template())
    template = openpyxl.load_workbook(io.BytesIO(sign_in_template()))

    assert filled.sheetnames == ["签到表", "说明"]
    before, after = template["说明"], filled["说明"]
    assert [[c.value for c in row] for row in after.iter_rows()] == \
        [[c.value for c in row] for row in before.iter_rows()]
    assert {str(m) for m in after.merged_cells.ranges} == {"A1:C1"}
    assert after["A1"].font.name == "黑体" and after.column_dimensions["A"].width == 40


def test_an_empty_list_removes_the_loop_row():
    ws = fill(sign_in_template(), {**context(0), "members": []})["签到表"]

    assert ws["A4"].value == "应到 0 人，实到＿＿＿人"
    assert {"A4:E4", "A5:G5"} <= {str(m) for m in ws.merged_cells.ranges}
    assert ws.print_area == "'签到表'!$A$1:$G$5"
    assert ws["G4"].value == "=COUNTA(#REF!)"
    assert not ws.data_validations.dataValidation
    assert ws.max_row == 5


def test_one_item_fills_the_row_in_place():
    ws = fill(sign_in_template(), context(1))["签到表"]

    assert ws["B4"].value == "王伟" and ws["A5"].value == "应到 1 人，实到＿＿＿人"
    assert ws.print_area == "'签到表'!$A$1:$G$6"


def test_several_loop_rows_in_one_sheet_each_push_what_is_below():
    template = small_template({
        "A1": "{%row for m in leaders %}{{ m }}",
        "B1": "{{ loop.index }}/{{ loop.length }}",
        "A2": "分隔",
        "A3": "{%row for name, n in counts if n %}{{ name }}",
        "B3": "{{ n }}",
        "C3": "{{ loop.cycle('单', '双') }}",
        "A4": "合计",
        "B4": "=SUM(B3:B3)",
    }, merges=("A2:C2", "A4:A5"))
    ctx = {"leaders": ["书记", "副书记", "组织委员"],
           "counts": [("一支部", 12), ("二支部", 0), ("三支部", 9)]}
    ws = fill(template, ctx)["签到表"]

    assert [[c.value for c in row] for row in ws.iter_rows(max_col=3)] == [
        ["书记", "1/3", None], ["副书记", "2/3", None], ["组织委员", "3/3", None],
        ["分隔", None, None],
        ["一支部", 12, "单"], ["三支部", 9, "双"],
        ["合计", "=SUM(B5:B6)", None], [None, None, None],
    ]
    assert {str(m) for m in ws.merged_cells.ranges} == {"A4:C4", "A7:A8"}


def test_formula_in_the_loop_row_is_filled_down():
    template = small_template({"A1": "{%row for n in numbers %}{{ n }}", "B1": "=A1*2"})
    ws = fill(template, {"numbers": [1, 2, 3]})["签到表"]

    assert [ws.cell(row, 2).value for row in (1, 2, 3)] == ["=A1*2", "=A2*2", "=A3*2"]


def test_formulas_on_other_sheets_follow_the_moved_rows():
    wb = openpyxl.load_workbook(io.BytesIO(small_template({
        "A1": "{%row for n in numbers %}{{ n }}", "A2": "小计"})))
    other = wb.create_sheet("汇总")
    other["A1"] = "=SUM(签到表!A1:A1)"
    other["A2"] = "=签到表!A2"
    other["A3"] = "=A1"
    buf = io.BytesIO()
    wb.save(buf)
    filled = fill(buf.getvalue(), {"numbers": [1, 2, 3]})["汇总"]

    assert [filled[c].value for c in ("A1", "A2", "A3")] == ["=SUM(签到表!A1:A3)", "=签到表!A4", "=A1"]


# ------------------------------------------------------------------ values


def test_a_lone_expression_keeps_its_type_and_mixed_text_becomes_a_string():
    template = small_template({"A1": "{{ n }}", "A2": "{{ d }}", "A3": "{{ none }}",
                               "A4": "共{{ n }}人{{ none }}", "A5": "{{ money }}",
                               "A6": " {{ n }}", "A7": "{{ flag }}"})
    ctx = {"n": 42, "d": date(2025, 7, 1), "none": None, "money": 12.5, "flag": True}
    ws = fill(template, ctx)["签到表"]

    assert ws["A1"].value == 42 and ws["A1"].data_type == "n"
    assert ws["A2"].is_date and ws["A2"].value.date() == date(2025, 7, 1)
    assert ws["A2"].number_format == "yyyy-mm-dd"
    assert ws["A3"].value is None
    assert ws["A4"].value == "共42人"
    assert ws["A5"].value == 12.5
    assert ws["A6"].value == " 42"
    assert ws["A7"].value is True


@pytest.mark.parametrize("text", ["=1+1", "=HYPERLINK(\"http://x\",\"点我\")", "+8613800000000",
                                  "-5", "@SUM(A1)"])
def test_formula_like_values_stay_text(text):
    template = small_template({"A1": "{{ value }}", "A2": "备注：{{ value }}",
                               "A3": "{%row for v in values %}{{ v }}"})
    out = render_workbook(template, {"value": text, "values": [text, text]}, template_name="t.xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(out))["签到表"]

    for coord in ("A1", "A3", "A4"):
        assert ws[coord].value == text and ws[coord].data_type == "s"
        assert ws[coord].quotePrefix
    assert ws["A2"].value == f"备注：{text}"
    with zipfile.ZipFile(io.BytesIO(out)) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()


def test_control_characters_are_dropped_instead_of_breaking_the_file():
    ws = fill(small_template({"A1": "{{ v }}"}), {"v": "张\x07三\x00"})["签到表"]
    assert ws["A1"].value == "张三"


def test_static_cells_and_template_formulas_are_left_alone():
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    note = CellRichText(["注：", TextBlock(InlineFont(b=True), "须本人签名")])
    template = small_template({"A1": "=1+2", "A2": "普通文字", "A3": 7, "A4": "{{ x }}",
                               "A5": note})
    out = render_workbook(template, {"x": "好"}, template_name="t.xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(out), rich_text=True)["签到表"]
    assert [ws[c].value for c in ("A1", "A2", "A3", "A4")] == ["=1+2", "普通文字", 7, "好"]
    assert ws["A5"].value == note and ws["A5"].value[1].font.b


# ------------------------------------------------------------------ variables, determinism


def test_template_variables_lists_top_level_names_without_loop_variables():
    assert template_variables(sign_in_template()) == ["activity", "expected", "members", "org",
                                                     "year"]
    loops = small_template({"A1": "{%row for name, n in counts if n > limit %}{{ name }}",
                            "B1": "{{ n }}{{ loop.index }}{{ unit }}"})
    assert template_variables(loops) == ["counts", "limit", "unit"]


def test_same_input_gives_the_same_bytes_even_across_processes():
    template = sign_in_template()
    first = render_workbook(template, context(), template_name="签到表.xlsx")
    assert render_workbook(template, context(), template_name="签到表.xlsx") == first

    script = (
        "import sys, hashlib\n"
        "from tests.test_xltemplate import context, sign_in_template\n"
        "from partyday_cli.io.xltemplate import render_workbook\n"
        "out = render_workbook(sign_in_template(), context(), template_name='签到表.xlsx')\n"
        "print(hashlib.sha256(out).hexdigest())\n"
    )
    digests = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        proc = subprocess.run([sys.executable, "-c", script], cwd=REPO, env=env,
                              capture_output=True, text=True, check=True)
        digests.add(proc.stdout.strip())
    import hashlib

    assert digests == {hashlib.sha256(first).hexdigest()}
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2000, 1, 1, 0, 0, 0)}
        assert b"2000-01-01T00:00:00Z" in archive.read("docProps/core.xml")


def test_importing_the_module_loads_neither_openpyxl_nor_jinja2():
    code = ("import sys, partyday_cli.io.xltemplate\n"
            "print(sorted(m for m in ('openpyxl', 'jinja2') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                         text=True, check=True).stdout
    assert out.strip() == "[]"


# ------------------------------------------------------------------ errors


def failing(template: bytes, ctx: dict, tmp_path: Path) -> TemplateError:
    """Render into a file the way a command would; the error must leave no file behind."""
    out = tmp_path / "签到表-填好.xlsx"
    with pytest.raises(TemplateError) as caught:
        out.write_bytes(render_workbook(template, ctx, template_name="签到表.xlsx"))
    assert not out.exists()
    error = caught.value
    assert isinstance(error, UserError) and "\n" not in str(error)
    assert "Traceback" not in str(error)
    return error


def test_undefined_variable_names_template_sheet_and_cell(tmp_path):
    template = small_template({"A1": "标题", "B5": "{{ branch.nmae }}支部"})
    error = failing(template, {"branch": {"name": "第一支部"}}, tmp_path)

    assert str(error) == ("模板 签到表.xlsx 工作表“签到表”B5 单元格：未定义的变量 “branch.nmae”。"
                          "可用的变量见 --list-vars")
    assert (error.sheet, error.cell) == ("签到表", "B5")


def test_undefined_variable_in_a_loop_row_names_the_template_cell_and_item(tmp_path):
    template = small_template({"A3": "{%row for m in members %}{{ m.name }}",
                               "C3": "{{ m.phone }}"})
    error = failing(template, {"members": [{"name": "甲", "phone": "1"}, {"name": "乙"}]},
                    tmp_path)
    assert "工作表“签到表”C3 单元格（第 2 项）：未定义的变量 “m.phone”" in str(error)

    error = failing(template, {}, tmp_path)
    assert "A3 单元格：未定义的变量 “members”" in str(error)


@pytest.mark.parametrize("expr", ["{{ ''.__class__.__mro__ }}", "{{ ''.__class__ }}",
                                  "{{ f.__globals__ }}", "{{ items.append(1) }}",
                                  "名单{{ f.__code__ }}", "{{ n.__nothing__ }}",
                                  "{{ items['_x'] }}"])
def test_sandbox_violations_are_template_errors(expr, tmp_path):
    template = small_template({"D7": expr})
    error = failing(template, {"f": lambda: 1, "items": [], "n": 5}, tmp_path)
    assert str(error).startswith("模板 签到表.xlsx 工作表“签到表”D7 单元格：模板不允许访问内部属性")


@pytest.mark.parametrize("text", ["{{ org ", "{{ m.sex == “男” }}", "{% if x %}无结束",
                                  "{{ a b }}"])
def test_syntax_errors_name_the_cell(text, tmp_path):
    template = small_template({"A1": "ok", "C2": text})
    error = failing(template, {"org": "x", "x": 1, "a": 1, "b": 2, "m": {}}, tmp_path)
    assert "工作表“签到表”C2 单元格：模板语法有误" in str(error)
    with pytest.raises(TemplateError, match="C2 单元格"):
        template_variables(template)


@pytest.mark.parametrize("marker", [
    "{%row m in members %}{{ m }}", "{%row for %}", "{%row for m in %}", "{%row for m in members",
    "{%row members %}", "{%rowfor m in members %}", "{%row%}", "{%row for 1 in members %}",
    "{%row for m in members recursive %}",
])
def test_a_bad_row_marker_is_explained(marker, tmp_path):
    error = failing(small_template({"B2": marker}), {"members": [1]}, tmp_path)
    assert str(error) == ("模板 签到表.xlsx 工作表“签到表”B2 单元格：行循环标记写法有误，"
                          "应写成 {%row for m in members %}（for 变量 in 列表）")


def test_row_marker_must_come_first_and_only_once_per_row(tmp_path):
    error = failing(small_template({"B2": "序号{%row for m in members %}"}), {"members": []},
                    tmp_path)
    assert f"B2 单元格：行循环标记 {ROW_MARKER} 必须写在单元格内容的最前面" in str(error)
    twice = small_template({"A2": "{%row for m in members %}", "C2": "{%row for m in members %}"})
    assert "同一行只能有一个行循环标记" in str(failing(twice, {"members": []}, tmp_path))


def test_a_row_marker_with_a_space_works_too():
    ws = fill(small_template({"A1": "{% row for m in members -%} {{ m }}"}), {"members": ["甲", "乙"]})
    assert [ws["签到表"][c].value for c in ("A1", "A2")] == ["甲", "乙"]


@pytest.mark.parametrize(("data", "hint"), [
    (bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 512, "请在 Excel/WPS 中另存为 .xlsx"),
    ("序号,姓名\n1,张三\n".encode("gbk"), "请在 Excel/WPS 中打开它并另存为 .xlsx"),
    (b"PK\x03\x04 broken zip", "请在 Excel/WPS 中另存为 .xlsx"),
])
def test_a_file_that_is_not_xlsx_is_refused(data, hint, tmp_path):
    error = failing(data, {}, tmp_path)
    assert str(error).startswith("模板 签到表.xlsx ") and hint in str(error)
    with pytest.raises(TemplateError):
        template_variables(data)


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert "不是 .xlsx" in str(failing(buf.getvalue(), {}, tmp_path))


# ------------------------------------------------------------------ a real spreadsheet program


def test_libreoffice_prints_sixty_members_on_a4_with_the_header_on_every_page(tmp_path):
    filled = tmp_path / "签到表.xlsx"
    filled.write_bytes(render_workbook(sign_in_template(), context(), template_name="签到表.xlsx"))
    pdf = to_pdf(filled)

    pages = pdf_pages(pdf)
    assert len(pages) == 3  # 签到表 on 2 pages, 说明 on 1
    assert all(is_a4(size) and size[0] < size[1] for size in pages)  # portrait
    text = pdf_text(pdf).split("\f")
    sign_in = text[:2]
    assert all("姓名" in page and "本人签名" in page for page in sign_in)  # print titles
    assert "城关镇机关党委2025年党员活动日签到表" in sign_in[0]
    assert "应到 60 人" in sign_in[1] and "吴丽" in sign_in[1]
    assert "=1+1" in "".join(sign_in)  # shown as typed, not calculated
    assert "第 1 页，共 3 页" in sign_in[0] and "第 2 页，共 3 页" in sign_in[1]
    assert "填写说明" in text[2]


def test_conditional_formats_filters_and_page_breaks_follow_the_loop_row():
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.worksheet.pagebreak import Break

    wb = openpyxl.load_workbook(io.BytesIO(small_template({
        "A1": "姓名", "B1": "状态",
        "A2": "{%row for m in members %}{{ m }}", "B2": "{{ status }}",
        "A3": "备注", "A4": "签字"})))
    ws = wb.active
    red = FormulaRule(formula=['$B2="缺席"'], font=Font(color="FFFF0000"))
    ws.conditional_formatting.add("B2", red)
    ws.conditional_formatting.add("A4", FormulaRule(formula=["$A4<>\"\""], font=Font(bold=True)))
    ws.auto_filter.ref = "A1:B2"
    ws.row_breaks.append(Break(id=3))
    buf = io.BytesIO()
    wb.save(buf)
    ws = fill(buf.getvalue(), {"members": ["甲", "乙", "丙"], "status": "缺席"})["签到表"]

    formats = {str(cf.sqref): [rule.formula for rule in cf.rules]
               for cf in ws.conditional_formatting}
    assert formats == {"B2:B4": [['$B2="缺席"']], "A6": [['$A6<>""']]}
    assert ws.auto_filter.ref == "A1:B4"
    assert [brk.id for brk in ws.row_breaks.brk] == [5]


# ------------------------------------------------------------- hostile templates (issue 14)

HOSTILE = [
    "{{ 'x'|center(10**10) }}",
    "{{ 'A' * 10**9 }}",
    "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}",
    "{% macro f(n) %}{% if n %}{{ f(n-1) }}{{ f(n-1) }}{% endif %}{% endmacro %}{{ f(60) }}",
    "{{ 'x'.ljust(10**10) }}",
    "{{ '{:>10000000000}'.format(1) }}",
    "{{ '%10000000000s'|format('x') }}",
    "{{ ('x' * 30000)|replace('x', 'y' * 30000) }}",
    "{% for i in range(100000) %}{{ i }}{% endfor %}",
    "{{ 9 ** 99999999 }}",
    "{{ ('ab' * 16000) ~ ('ab' * 16000) }}",
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
]


@pytest.mark.parametrize("expr", HOSTILE)
def test_a_hostile_template_is_refused_naming_the_cell(expr, tmp_path):
    template = small_template({"A1": "标题", "C4": expr})
    error = failing(template, {}, tmp_path)
    assert str(error).startswith("模板 签到表.xlsx 工作表“签到表”C4 单元格："), str(error)
    assert (error.sheet, error.cell) == ("签到表", "C4")


def test_a_cell_over_excels_limit_is_refused_with_its_address(tmp_path):
    template = small_template({"B2": "{{ text }}", "B3": "前缀{{ text }}"})
    error = failing(template, {"text": "党" * 32768}, tmp_path)
    assert "B2 单元格" in str(error) and "32767" in str(error)
    ok = render_workbook(template, {"text": "党" * 32000}, template_name="签到表.xlsx")
    assert openpyxl.load_workbook(io.BytesIO(ok)).active["B2"].value == "党" * 32000


def test_hostile_templates_are_refused_fast_and_in_little_memory(tmp_path):
    """In a fresh process (so that the peak is this rendering's): every hostile cell
    above in one run, each refused; the whole run's peak memory under 500 MB and each
    refusal well under 5 s."""
    path = tmp_path / "hostile.py"
    path.write_text(
        "import io, resource, sys, time, openpyxl\n"
        "from partyday_cli.io.xltemplate import TemplateError, render_workbook\n"
        f"HOSTILE = {HOSTILE!r}\n"
        "slowest = 0\n"
        "for expr in HOSTILE:\n"
        "    wb = openpyxl.Workbook(); wb.active['C4'] = expr; buf = io.BytesIO(); wb.save(buf)\n"
        "    start = time.perf_counter()\n"
        "    try:\n"
        "        render_workbook(buf.getvalue(), {}, template_name='t.xlsx')\n"
        "        sys.exit('rendered: ' + expr)\n"
        "    except TemplateError:\n"
        "        slowest = max(slowest, time.perf_counter() - start)\n"
        "print(slowest, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    slowest, peak_kb = done.stdout.split()
    assert float(slowest) < 5
    assert int(peak_kb) < 500 * 1024


@pytest.mark.parametrize(("expr", "shown"), [("{{ '{:,.2f}'.format(amount) }}", "1,234,567.50"),
                                             ("{{ '%.2f'|format(amount) }}", "1234567.50"),
                                             ("{{ amount|round(1) }}", "1234567.5"),
                                             ("{{ '-' * 40 }}", "-" * 40)])
def test_big_amounts_and_ordinary_formatting_still_render(expr, shown):
    book = render_workbook(small_template({"A1": expr}), {"amount": 1234567.5}, template_name="t.xlsx")
    assert str(openpyxl.load_workbook(io.BytesIO(book)).active["A1"].value) == shown


def xml_bomb_xlsx() -> bytes:
    """An xlsx whose sheet XML declares a billion-laughs entity (a DTD is legal XML but no
    spreadsheet program writes one): the bomb expands to gigabytes if it is parsed."""
    source = io.BytesIO(small_template({"A1": "{{ org }}"}))
    out = io.BytesIO()
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    dtd = f'<!DOCTYPE worksheet [<!ENTITY l0 "lol">{laughs}]>'
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = data.decode("utf-8")
                head, _, rest = text.partition("?>")
                text = f"{head}?>{dtd}{rest}"
                text = text.replace("<sheetData>", "<sheetData><row r=\"9\"><c r=\"A9\" t=\"inlineStr\"><is><t>&l9;</t></is></c></row>", 1)
                data = text.encode("utf-8")
            zout.writestr(info, data)
    return out.getvalue()


def test_an_xml_bomb_template_is_refused_in_one_line(tmp_path):
    error = failing(xml_bomb_xlsx(), {"org": "x"}, tmp_path)
    assert "无法打开" in str(error)


def test_a_long_wrapped_sentence_grows_its_row_and_a_short_one_does_not():
    """A 表尾 sentence too long for its merged row gets the lines it needs (programs do not
    grow a merged cell's row themselves); a short cell keeps the template's height."""
    from io import BytesIO

    from openpyxl import Workbook, load_workbook
    from openpyxl.styles import Alignment

    from partyday_cli.io.xltemplate import render_workbook

    wb = Workbook()
    sheet = wb.active
    for col in "ABCD":
        sheet.column_dimensions[col].width = 10
    sheet["A1"] = "{{ footer }}"
    sheet["A1"].alignment = Alignment(wrap_text=True)
    sheet.merge_cells("A1:D1")
    sheet["A2"] = "{{ short }}"
    sheet["A2"].alignment = Alignment(wrap_text=True)
    buf = BytesIO()
    wb.save(buf)
    footer = "应到 28 人，实到＿＿人，请假＿＿人，缺席＿＿人。本月党费应交合计 2864.10 元，实交＿＿＿＿元。"
    out = load_workbook(BytesIO(render_workbook(buf.getvalue(), {"footer": footer, "short": "本月转出"},
                                                template_name="t.xlsx"))).active
    assert out.row_dimensions[1].height >= 2 * 15  # 40 units of width, about 70 of text: two lines at least
    assert out.row_dimensions[2].height in (None, 15)


def test_money_keeps_its_fen_in_a_cell_of_no_format():
    """A 党委's own 党费台账 with General cells: 139.50 prints as 139.50 (it printed 139.5 and
    93 beside “93.00（4月补交）”); a cell the template formats keeps its own format."""
    from decimal import Decimal

    template = small_template({"A1": "{{ a }}", "A2": "{{ b }}", "A3": "{{ n }}"})
    out = render_workbook(template, {"a": Decimal("139.50"), "b": Decimal("93.00"), "n": 12},
                          template_name="t.xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(out))["签到表"]
    assert ws["A1"].number_format == "0.00" and ws["A2"].number_format == "0.00"
    assert ws["A3"].number_format == "General"  # a count stays a count


def test_an_expression_that_cannot_be_computed_is_said_in_chinese():
    """A 党委 template that formats a text as a number: one Chinese line naming the cell, no
    “TypeError: must be real number, not str”."""
    template = small_template({"A1": "{{ '%.2f' % total }}"})
    with pytest.raises(TemplateError) as err:
        render_workbook(template, {"total": "93.00"}, template_name="t.xlsx")
    message = str(err.value.message if hasattr(err.value, "message") else err.value)
    assert "A1" in message and "值的类型不对" in message
    assert "TypeError" not in message and "real number" not in message


def _one_cell(text: str, cell: str = "A2") -> bytes:
    wb = openpyxl.Workbook()
    wb.active.title = "签到"
    wb.active[cell] = text
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.parametrize(("text", "says"), [
    ("｛｛ org ｝｝签到表", "A2 单元格：“｛｛”是全角符号，模板标记要用半角的 {{ }} 或 {% %}"),
    ("{{ org ｝｝签到表", "“｝｝”是全角符号"),
    ("{％ if org %}有{% endif %}", "“{％”是全角符号"),
    ("{% for m in members %}{{ m.name }}", "{% for %} 缺少结束标记 {% endfor %}；要按名单逐行填表，请在该行第一个单元格写 "
                                          "{%row for m in members %}"),
    ("{{ org|upper2 }}", "没有名为“upper2”的过滤器"),
    ("{{ org 签到表 }}", "“签到表”处写法有误，{{ }} 里只能写一个变量或表达式"),
])
def test_template_mistakes_are_said_in_chinese_naming_the_cell(text, says):
    """Full-width braces printed as they were (exit 0); Jinja's English was quoted to users."""
    with pytest.raises(TemplateError) as err:
        render_workbook(_one_cell(text), context(3), template_name="党委签到表.xlsx")
    message = str(err.value)
    assert says in message, message
    assert "工作表“签到”A2" in message
    assert not any(word in message for word in ("expected", "Unexpected", "Jinja", "filter named", "token"))


def test_a_wrapped_cell_of_five_lines_gets_the_height_five_lines_print_at():
    """The 安排表's 活动形式 of five lines lost its fifth line in print (1.3 em a line; the
    CJK fonts LibreOffice and WPS fall back on set about 1.45)."""
    from io import BytesIO

    from openpyxl import Workbook, load_workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    sheet = wb.active
    sheet.column_dimensions["A"].width = 12
    sheet["A1"] = "{{ form }}"
    sheet["A1"].alignment = Alignment(wrap_text=True)
    sheet["A1"].font = Font(size=10)
    buf = BytesIO()
    wb.save(buf)
    form = "\n".join(["专题报告、党课辅导"] * 5)  # five lines, each one fits the width
    out = load_workbook(BytesIO(render_workbook(buf.getvalue(), {"form": form}, template_name="t.xlsx"))).active
    assert out.row_dimensions[1].height >= 5 * 10 * 1.45
