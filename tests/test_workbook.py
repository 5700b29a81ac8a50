"""Reading spreadsheets as offices send them: formats by content, true row numbers,
headers found by name, dates and amounts as people type them."""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import io
import tempfile
import zipfile
import zlib
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partyday_cli.errors import UserError
from partyday_cli.io.workbook import (
    cell_text,
    column_letter,
    find_header,
    parse_amount_cell,
    parse_date_cell,
    read_grid,
)

SYNONYMS = {
    "name": ("姓名", "党员姓名"),
    "gender": ("性别",),
    "joined": ("入党时间", "入党日期"),
    "income": ("月收入", "工资收入"),
    "phone": ("联系电话", "手机"),
}


def _roster_xlsx(path: Path) -> Path:
    """A roster shaped like the ones branches keep: title, date line, a two-row merged
    header, blank row, footer."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "花名册"
    ws["A1"] = "第一党支部党员花名册"
    ws.merge_cells("A1:E1")
    ws["A2"] = "填报日期：2017年1月"
    ws["A3"] = "党员信息"
    ws.merge_cells("A3:B3")
    for col, head in (("C", "入党时间"), ("D", "月收入"), ("E", "联系电话")):
        ws[f"{col}3"] = head
        ws.merge_cells(f"{col}3:{col}4")
    ws["A4"], ws["B4"] = "姓名", "性别"
    ws.append(["张三", "男", date(1990, 7, 8), 6200, 13800001111])
    ws.append([])
    ws.append(["李四", "女", "1992.06", "4,800元", "13900002222"])
    ws.append(["制表人：王五"])
    wb.save(path)
    return path


# --------------------------------------------------------------------------- formats


def test_xlsx_rows_keep_true_row_numbers_and_clean_numbers(tmp_path):
    [sheet] = read_grid(_roster_xlsx(tmp_path / "花名册.xlsx"))
    assert sheet.name == "花名册"
    assert sheet.rows[0][0] == "第一党支部党员花名册"  # row 1
    assert sheet.rows[4][:5] == ["张三", "男", date(1990, 7, 8), 6200, 13800001111]  # row 5
    assert isinstance(sheet.rows[4][3], int)  # calamine's 6200.0 → 6200
    assert all(v == "" for v in sheet.rows[5])  # the blank row 6 is kept
    assert sheet.rows[6][:4] == ["李四", "女", "1992.06", "4,800元"]
    assert sheet.rows[7][0] == "制表人：王五"


def test_merged_ranges_are_reported_and_filled(tmp_path):
    [sheet] = read_grid(_roster_xlsx(tmp_path / "r.xlsx"))
    assert (2, 0, 2, 1) in sheet.merged  # 党员信息 over A3:B3
    filled = sheet.filled_rows()
    assert filled[2][:2] == ["党员信息", "党员信息"]
    assert filled[3][2] == "入党时间"  # C3:C4 merged down
    assert sheet.rows[3] == ["姓名", "性别"]  # raw rows untouched, ending at their last value


def test_reading_does_not_change_the_file(tmp_path):
    path = _roster_xlsx(tmp_path / "r.xlsx")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    mtime = path.stat().st_mtime_ns
    read_grid(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert path.stat().st_mtime_ns == mtime
    assert [p.name for p in tmp_path.iterdir()] == ["r.xlsx"]


def test_format_is_decided_by_content_not_extension(tmp_path):
    real = _roster_xlsx(tmp_path / "r.xlsx")
    renamed = tmp_path / "导出.csv"
    renamed.write_bytes(real.read_bytes())
    [sheet] = read_grid(renamed)
    assert sheet.rows[4][0] == "张三"


def test_hidden_sheets_are_marked(tmp_path):
    wb = openpyxl.Workbook()
    wb.active["A1"] = "姓名"
    hidden = wb.create_sheet("旧表")
    hidden.sheet_state = "hidden"
    wb.save(tmp_path / "h.xlsx")
    sheets = read_grid(tmp_path / "h.xlsx")
    assert [(s.name, s.visible) for s in sheets] == [("Sheet", True), ("旧表", False)]


# An .xls (BIFF8) written by xlwt 1.3.0, zlib-compressed and base64-encoded so the test
# needs no extra package. It was made with:
#   ws = xlwt.Workbook(encoding="utf-8").add_sheet("花名册")
#   ws.write_merge(0, 0, 0, 3, "第一党支部党员花名册")
#   row 3: 姓名 性别 入党时间 月收入
#   row 4: 张三 男 date(1990, 7, 8) (yyyy-mm-dd) 6200
#   row 5: 李四 女 "1992.06" "4,800元"
_XLS = """
eNrtWE1IVFEU/u57b5yfHB1NAw1kENLSsbTCdKHTD+WqwSdSOgX+NA8Jc4ypFtYi09wVCNEiaSPYoo3lph/6oXYt
AiMXQRGoEQStAosW6uvcM++ZmoEDJhjvu9xzzzn3nnP/f957M541OTyWP4VlqIWKedOLtEU6QdFrCwFQvmlK1k49
FE0HGwpeD01kmgtP/K/dcg7lfE9BwX3tJVFgmuJJnEWkO24E1xEHuQ1tQrahhqjAbdJkII9blc30FNPNTO9xyadM
97PmOtMaKjspohgPR0qqrFXcpBRyXgak34ds8541FcjFK7mKLw+KZFkXDiROt53ZYBkFWjpGQBNaZ8SNhJQzcQc+
oIdQ1tVVFotNIocmewTfzSAwY+/qF0FHv756AdL/XKp3/0XvoUlcrr+haEAvzFbeJAO0qE9oMkcVY33+xmv6LBLY
RLKMPojQJUSi+i7jy2BUb2pMFiHDiWZ/IyXFraUNGoShR/UfxsxNFcLTUWkYskSwxRsREPsuEB/p+HCM+HPNtMIq
qqt37yyvTIPYixCqUE7hkO6TVwUfLYElR4uft1w60Rgymc/ijRegvs3e/fb2aHt9uIU1vXydJC+dbbKPMHFFWpBx
Bue4mMqcErYoZdrHXrcyn880h0pSWlSfazFH+rnMVc4tonr2MCbCxYv47cQPfNUfFQx8Cu8gfrRu6mLO6LvwMArp
EoyRvQz9CImQGLol8Thsp8I6oD4yzfvjsPIoAavtpnWzZmJObk9CFtPnNEbg0ZFBZQtlBQuFLeQYJSV7PJOSwra2
pJKkWbWrK/hS2ZfLKq+yLzlnz6g3KtlnY0iTHqdbYbVIW8GLxl7clheNvXgWJGnvXZBki2SvP8uVaa1oFbVKNh7I
TtBB/hs+OHDgwIEDBw4cOFgDyGeXws+u5FPaZT3U3dZ/nTmK885vkv8WDeimcJ4+Kg8jTmkCPSmtny1wCduXWKWN
/b9Q4jjVnkAn2rkdnSmvX/rQEov7s2rDwNptoVTrn0+lnf+4/l+gdPBR
"""


def _xls_bytes() -> bytes:
    return zlib.decompress(base64.b64decode(_XLS))


def test_xls_is_read(tmp_path):
    path = tmp_path / "花名册.xls"
    path.write_bytes(_xls_bytes())
    [sheet] = read_grid(path)
    assert sheet.rows[0][0] == "第一党支部党员花名册"
    assert sheet.merged == ((0, 0, 0, 3),)
    assert sheet.rows[2] == ["姓名", "性别", "入党时间", "月收入"]
    assert sheet.rows[3] == ["张三", "男", date(1990, 7, 8), 6200]
    assert sheet.rows[4] == ["李四", "女", "1992.06", "4,800元"]


def _ods_bytes() -> bytes:
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')

    def cell(kind: str, value: str) -> str:
        attr = {"string": "", "date": f' office:date-value="{value}"', "float": f' office:value="{value}"'}[kind]
        return f'<table:table-cell office:value-type="{kind}"{attr}><text:p>{value}</text:p></table:table-cell>'

    rows = [[cell("string", "姓名"), cell("string", "入党时间")],
            [cell("string", "张三"), cell("date", "1990-07-08")]]
    body = "".join(f"<table:table-row>{''.join(r)}</table:table-row>" for r in rows)
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} office:version="1.2">'
               f'<office:body><office:spreadsheet><table:table table:name="花名册">{body}'
               "</table:table></office:spreadsheet></office:body></office:document-content>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", _ODS_MANIFEST)
    return buf.getvalue()


_ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>'
)


def test_ods_is_read(tmp_path):
    path = tmp_path / "花名册.ods"
    path.write_bytes(_ods_bytes())
    [sheet] = read_grid(path)
    assert sheet.rows == [["姓名", "入党时间"], ["张三", date(1990, 7, 8)]]


# --------------------------------------------------------------------------- CSV


def test_gbk_csv_from_wps(tmp_path):
    path = tmp_path / "花名册.csv"
    path.write_bytes("姓名,性别,月收入\r\n张三,男,\"4,800\"\r\n\r\n李四,女,6200\r\n".encode("gbk"))
    [sheet] = read_grid(path)
    assert sheet.name == ""
    assert sheet.rows[0] == ["姓名", "性别", "月收入"]
    assert sheet.rows[1] == ["张三", "男", "4,800"]
    assert sheet.rows[2] == []  # blank line 3 keeps its place
    assert sheet.rows[3] == ["李四", "女", "6200"]


def test_gb18030_only_characters_in_csv(tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes("姓名,民族\n䶮,汉\n".encode("gb18030"))  # 䶮 is not in GBK
    assert read_grid(path)[0].rows[1] == ["䶮", "汉"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("\ufeff姓名;性别\n张三;男\n".encode(), ["张三", "男"]),  # UTF-8 with BOM, semicolons
        ("姓名\t性别\n张三\t男\n".encode(), ["张三", "男"]),  # UTF-8, tabs
        ("姓名\t性别\r\n张三\t男\r\n".encode("utf-16"), ["张三", "男"]),  # Excel “Unicode 文本”
    ],
)
def test_csv_encoding_and_delimiter_are_detected(tmp_path, data, expected):
    path = tmp_path / "r.txt"
    path.write_bytes(data)
    assert read_grid(path)[0].rows[1] == expected


# --------------------------------------------------------------------------- bad files


@functools.cache
def _xlsx_bytes() -> bytes:
    """One real xlsx, made once (openpyxl stamps the time, so every save differs)."""
    with tempfile.TemporaryDirectory() as folder:
        return _roster_xlsx(Path(folder) / "real.xlsx").read_bytes()


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("花名册.xlsx", "姓名,性别\n张三,男\n".encode(), "内容是文本"),
        ("花名册.xls", b"<html><table><tr><td>x</td></tr></table></html>", "网页"),
        ("空.xlsx", b"", "是空的"),
        ("空.csv", b"  \r\n", "是空的"),
        ("图片.xlsx", bytes(range(256)) * 8, "已损坏或不是电子表格"),
        ("data.csv", bytes(range(256)) * 8, "不是电子表格或 CSV"),
        ("坏.xls", bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 600, "已损坏"),
    ],
)
def test_files_that_are_not_what_they_say(tmp_path, name, content, says):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UserError) as err:
        read_grid(path)
    assert name in err.value.message
    assert says in err.value.message
    assert "\n" not in err.value.message


def test_truncated_xlsx(tmp_path):
    data = _xlsx_bytes()
    path = tmp_path / "下载.xlsx"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(UserError, match="文件 下载.xlsx 已损坏或不完整，请在 Excel/WPS 中打开后另存为 .xlsx 再导入"):
        read_grid(path)


@pytest.mark.parametrize(
    ("entries", "says"),
    [({"word/document.xml": "<w/>", "[Content_Types].xml": "<t/>"}, "文字文档"), ({"a.txt": "hi"}, "压缩包")],
)
def test_zip_that_is_not_a_spreadsheet(tmp_path, entries, says):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for entry, text in entries.items():
            archive.writestr(entry, text)
    path = tmp_path / "x.xlsx"
    path.write_bytes(buf.getvalue())
    with pytest.raises(UserError, match=says):
        read_grid(path)


@pytest.mark.parametrize(
    ("row", "column", "says"),
    [
        (1048576, 16384, "无法读取"),  # calamine would allocate the whole grid and abort
        (200000, 30, "范围过大（200000行×30列）"),
    ],
)
def test_stray_cell_far_away(tmp_path, row, column, says):
    wb = openpyxl.Workbook()
    wb.active["A1"] = "姓名"
    wb.active.cell(row, column, "x")
    path = tmp_path / "远处有字.xlsx"
    wb.save(path)
    with pytest.raises(UserError, match=says):
        read_grid(path)
    assert read_grid(_roster_xlsx(tmp_path / "ok.xlsx"))[0].rows[4][0] == "张三"  # still works after


def _far_cell_xlsx(path: Path) -> Path:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "姓名"
    wb.active.cell(1048576, 16384, "x")
    wb.save(path)
    return path


def test_calls_in_flight_with_a_file_that_kills_the_worker(tmp_path):
    """Several files sent to the worker at once, one of which aborts it: that one is
    reported, the others (sent before and after it) are read as if alone."""
    from partyday_cli.io.workbook import WorkerCrashed, _parse_workbook, submit

    good = _xlsx_bytes()
    bad = _far_cell_xlsx(tmp_path / "远处有字.xlsx").read_bytes()
    calls = [submit(_parse_workbook, data) for data in (good, bad, good, bad, good)]
    outcomes = []
    for call in calls:
        try:
            outcomes.append(call.result()[0].rows[4][0])
        except WorkerCrashed:
            outcomes.append("crashed")
    assert outcomes == ["张三", "crashed", "张三", "crashed", "张三"]
    assert read_grid(_roster_xlsx(tmp_path / "ok.xlsx"))[0].rows[4][0] == "张三"  # and it goes on


def test_where_no_worker_can_start_files_are_read_here(tmp_path, monkeypatch):
    from partyday_cli.io import workbook

    real = workbook._mp_context()

    class NoProcesses:
        def __getattr__(self, name):  # type: ignore[no-untyped-def]
            return getattr(real, name)

        def Process(self, *args, **kwargs):  # type: ignore[no-untyped-def]  # noqa: N802
            process = real.Process(*args, **kwargs)

            def refuse() -> None:
                raise OSError("no processes here")

            process.start = refuse
            return process

    workbook._drop_worker()
    monkeypatch.setattr(workbook, "_mp_context", NoProcesses)
    try:
        calls = [workbook.submit(int, str(i)) for i in range(3)]
        assert [call.result() for call in calls] == [0, 1, 2]
        assert workbook._WORKER is False
        assert read_grid(_roster_xlsx(tmp_path / "ok.xlsx"))[0].rows[4][0] == "张三"
    finally:
        workbook._WORKER = None


def test_bytes_already_read_are_used_as_given(tmp_path):
    path = _roster_xlsx(tmp_path / "花名册.xlsx")
    data = path.read_bytes()
    path.unlink()  # not read again
    assert read_grid(path, data)[0].rows[4][0] == "张三"
    with pytest.raises(UserError, match="文件 花名册.csv 是空的"):
        read_grid(tmp_path / "花名册.csv", b"  ")


def test_signins_read_ahead_give_what_read_signin_gives(tmp_path):
    """`read_signin_later` sends files to the worker in a row; each result is the one
    `read_signin` gives, a file that kills the worker included."""
    from partyday_cli.io.signin import read_signin, read_signin_later
    from tests import factories

    day = date(2017, 4, 12)
    names = ["李建国", "张伟", "王芳"]
    files = [
        factories.handwritten_xlsx(tmp_path / "签到表.xlsx", title="签到表", date=day, names=names),
        _far_cell_xlsx(tmp_path / "远处有字.xlsx"),
        factories.handwritten_csv(tmp_path / "签到表.csv", title="签到表", date=day, names=names),
        tmp_path / "空.xlsx",
        factories.wecom_checkin_xlsx(tmp_path / "企业微信.xlsx", records=[
            (n, "党支部", datetime(2017, 4, 12, 14, 50 + i), "") for i, n in enumerate(names)]),
    ]
    files[3].write_bytes(b"")

    def outcome(reader):  # type: ignore[no-untyped-def]
        try:
            return reader()
        except UserError as err:
            return err.message

    pending = [read_signin_later(p, p.read_bytes()) for p in files]
    assert [outcome(p.result) for p in pending] == [outcome(lambda p=p: read_signin(p)) for p in files]
    assert "无法读取" in outcome(pending[1].result) and "是空的" in outcome(pending[3].result)


def test_missing_file(tmp_path):
    with pytest.raises(UserError, match="找不到"):
        read_grid(tmp_path / "nope.xlsx")


_SUFFIXES = st.sampled_from([".xlsx", ".xls", ".ods", ".csv", ".txt", ""])
_PREFIXES = st.sampled_from([b"", b"PK\x03\x04", bytes.fromhex("D0CF11E0A1B11AE1"), b"\xef\xbb\xbf"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(prefix=_PREFIXES, body=st.binary(max_size=2000), suffix=_SUFFIXES)
def test_random_bytes_give_sheets_or_a_user_error(tmp_path, prefix, body, suffix):
    path = tmp_path / f"random{suffix}"
    path.write_bytes(prefix + body)
    try:
        sheets = read_grid(path)
    except UserError as err:
        assert path.name in err.message
    else:
        assert all(isinstance(row, list) for s in sheets for row in s.rows)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_damaged_workbooks_give_sheets_or_a_user_error(tmp_path, data):
    """Bytes of a real xlsx/xls/ods, some changed or cut: calamine aborts its process on
    some of these, which must still end as a UserError here."""
    seed = data.draw(st.sampled_from(["xlsx", "xls", "ods"]))
    raw = bytearray({"xlsx": _xlsx_bytes, "xls": _xls_bytes, "ods": _ods_bytes}[seed]())
    for _ in range(data.draw(st.integers(1, 30))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    raw = raw[: data.draw(st.integers(len(raw) // 2, len(raw)))]
    path = tmp_path / f"damaged.{seed}"
    path.write_bytes(bytes(raw))
    try:
        read_grid(path)
    except UserError as err:
        assert path.name in err.message


# --------------------------------------------------------------------------- headers


def test_header_below_title_rows():
    rows = [["XX党支部党员花名册", "", ""], ["填报日期：2017年1月", "", ""], ["姓名", "性别", "入党时间"], ["张三", "男", ""]]
    match = find_header(rows, SYNONYMS, {"name"})
    assert match.row == 3 and match.top_row == 3
    assert match.columns == {"name": 0, "gender": 1, "joined": 2}
    assert match.letters == {"name": "A", "gender": "B", "joined": "C"}


def test_two_row_merged_header(tmp_path):
    sheet = read_grid(_roster_xlsx(tmp_path / "r.xlsx"))[0]
    # Without merge information the header spans rows 3–4; with merges filled, row 4
    # alone names every field. Either way the data starts on row 5.
    for rows, top in ((sheet.rows, 3), (sheet.filled_rows(), 4)):
        match = find_header(rows, SYNONYMS, {"name"})
        assert (match.top_row, match.row) == (top, 4)
        assert match.columns == {"name": 0, "gender": 1, "joined": 2, "income": 3, "phone": 4}
        assert match.letters["phone"] == "E"


@pytest.mark.parametrize("typed", ["姓 名", "姓\u3000名", "*姓名", "姓名：", "姓名:", "姓名（必填）", "姓名(必填)", "党员姓名", " 姓名 "])
def test_header_text_as_people_type_it(typed):
    match = find_header([["序号", typed, "性别"]], SYNONYMS, {"name"})
    assert match.columns["name"] == 1
    assert match.labels["name"] == typed.strip()


def test_header_full_width_letters_fold():
    synonyms = {"phone": ("联系电话",), "name": ("姓名",), "id": ("ID",)}
    match = find_header([["姓名", "ＩＤ"]], synonyms, {"name"})
    assert match.columns == {"name": 0, "id": 1}


def test_header_picks_the_row_with_most_known_names():
    rows = [["姓名说明见下", ""], ["姓名", ""], ["姓名", "性别", "手机"]]
    assert find_header(rows, SYNONYMS, {"name"}).row == 3


def test_header_missing_required_or_beyond_scan():
    assert find_header([["性别", "手机"], ["男", "1"]], SYNONYMS, {"name"}) is None
    rows = [[""]] * 20 + [["姓名", "性别"]]
    assert find_header(rows, SYNONYMS, {"name"}) is None
    assert find_header(rows, SYNONYMS, {"name"}, max_scan=25).row == 21
    assert find_header([], SYNONYMS, {"name"}) is None


def test_first_column_of_a_field_wins():
    match = find_header([["姓名", "手机", "联系电话"]], SYNONYMS, {"name"})
    assert match.columns["phone"] == 1


# --------------------------------------------------------------------------- cells


@pytest.mark.parametrize(("index", "letters"), [(0, "A"), (25, "Z"), (26, "AA"), (27, "AB"), (701, "ZZ"), (702, "AAA")])
def test_column_letter(index, letters):
    assert column_letter(index) == letters


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""), ("", ""), ("  张三\u3000", "张三"), (6200.0, "6200"), (6200, "6200"), (6200.5, "6200.5"),
        (0.1 + 0.2, "0.3"), (13800001111.0, "13800001111"), (date(1990, 7, 8), "1990-07-08"),
        (datetime(1990, 7, 8), "1990-07-08"), (datetime(1990, 7, 8, 9, 30), "1990-07-08 09:30:00"),
    ],
)
def test_cell_text(value, text):
    assert cell_text(value) == text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(1990, 7, 8), date(1990, 7, 8)),
        (datetime(1990, 7, 8, 12, 0), date(1990, 7, 8)),
        (33062, date(1990, 7, 8)),  # Excel serial number
        (33062.0, date(1990, 7, 8)),
        ("1990.07.08", date(1990, 7, 8)),
        ("1990-7-8", date(1990, 7, 8)),
        ("1990/7/8", date(1990, 7, 8)),
        ("1979年11月25日", date(1979, 11, 25)),
        ("1979 年 11 月 25 日", date(1979, 11, 25)),
        ("１９７９年１１月２５日", date(1979, 11, 25)),
        ("1990-07-08 00:00:00", date(1990, 7, 8)),
        ("1992.06", date(1992, 6, 1)),
        ("1992.6", date(1992, 6, 1)),
        ("1992年6月", date(1992, 6, 1)),
        ("1992-06", date(1992, 6, 1)),
        ("19900708", date(1990, 7, 8)),
        (19900708, date(1990, 7, 8)),
        ("199206", date(1992, 6, 1)),
        (1992.06, date(1992, 6, 1)),  # "1992.06" typed into a number cell
        (1992.12, date(1992, 12, 1)),
    ],
)
def test_parse_date_cell(value, expected):
    assert parse_date_cell(value) == expected


@pytest.mark.parametrize(
    "value",
    ["", "不详", "1990.13.01", "1990-02-30", "1992", 1992, 1992.1, "90.7.8", "1990年", None, True, 12.5, "0000-01-01"],
)
def test_parse_date_cell_rejects(value):
    with pytest.raises(ValueError):
        parse_date_cell(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (6200, Decimal("6200")),
        (6200.5, Decimal("6200.5")),
        (0.1 + 0.2, Decimal("0.3")),
        ("6200元", Decimal("6200")),
        ("4,800", Decimal("4800")),
        ("4，800.00", Decimal("4800.00")),
        ("￥3,000", Decimal("3000")),
        ("¥ 3000.50 元", Decimal("3000.50")),
        ("６２００", Decimal("6200")),
        ("5100元/月", Decimal("5100")),
        (Decimal("76.50"), Decimal("76.50")),
    ],
)
def test_parse_amount_cell(value, expected):
    amount = parse_amount_cell(value)
    assert amount == expected and isinstance(amount, Decimal)


@pytest.mark.parametrize("value", ["", "约五千", "6200-7000", "1.2.3", None, True, float("nan"), "NaN", "inf"])
def test_parse_amount_cell_rejects(value):
    with pytest.raises(ValueError):
        parse_amount_cell(value)


@given(st.one_of(st.text(max_size=30), st.floats(), st.integers(), st.none(), st.dates(), st.booleans()))
def test_cell_parsers_raise_only_value_error(value):
    for parse in (parse_date_cell, parse_amount_cell):
        with contextlib.suppress(ValueError):
            parse(value)
    assert isinstance(cell_text(value), str)
