"""Rebuild the golden 花名册 files (issue 12: qualified headers, unknown columns, 在职
members without income, transfers known to the month only).

    python tests/golden/roster/build.py

Each `x.xlsx` is a roster shaped as 党委 formats really are (title row, two-row merged
headers, WPS-style qualifiers in the header text); its `x.expected.json` is what
`read_roster` makes of it: the members' fields, the notes read, the columns ignored and
the warnings the import must print. A month-transfer case also carries the sign-in days
that follow and who is expected and present on each. Review the JSON diff before
committing: it is the contract, not a snapshot.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _book(path: Path, title: str, headers: list[list[object]], rows: list[list[object]],
          merges: tuple[str, ...] = ()) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    sheet = wb.active
    sheet.title = "花名册"
    sheet.append([title])
    for row in headers + rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    wb.save(path)
    return path


def _qualified(path: Path) -> Path:
    """The 组织部 花名册 headers with qualifiers, as the issue quotes them."""
    return _book(path, "中共××街道第一党支部党员花名册（2017年1月）", [[
        "序号", "姓名", "性别", "民族", "出生年月", "入党时间（年月）", "联系电话（手机）",
        "所在党支部（全称）", "人员类别", "月工资收入（税后）/离退休费（元）", "备注"]], [
        [1, "陈建国", "男", "汉族", "1968.03", "1992.07", "13800000101", "第一党支部", "在职", 6200, ""],
        [2, "林秀英", "女", "汉族", "1975.11", "2001.06", "13800000202", "第一党支部", "在职", 4800, ""],
        [3, "迪丽努尔·艾买提", "女", "维吾尔族", "1990.02", "2015.12", "13800000303", "第一党支部", "在职", 3500,
         ""],
        [4, "黄志强", "男", "汉族", "1950.08", "1976.05", "13800000404", "第一党支部", "离退休", 4100, ""],
    ], merges=("A1:K1",))


def _qualified_merged(path: Path) -> Path:
    """Two header rows, the upper one merged over groups of columns (WPS 表格 style), and
    the qualifiers before the name and after it: 税后月工资收入（元）, 离退休费（元）,
    手机号码 as a 联系电话."""
    return _book(path, "第二党支部党员基本信息表", [
        ["序号", "基本信息", None, None, "党籍信息", None, "联系方式", "收入情况", None, "备注"],
        [None, "姓名", "性别", "出生日期（年月日）", "入党时间（年月日）", "党员类别", "联系电话（手机号码）",
         "税后月工资收入（元）", "离退休费（元）", None],
    ], [
        [1, "张伟", "男", "1980.05.06", "2005.07.01", "正式", "13900000111", 7300, None, ""],
        [2, "王丽娟", "女", "1948.01.02", "1972.03.15", "正式", "13900000222", None, 3900, ""],
        [3, "李明", "男", "1995.09.09", "2016.12.30", "预备", "13900000333", 5200, None, ""],
    ], merges=("A1:J1", "B2:D2", "E2:F2", "H2:I2", "A2:A3", "J2:J3"))


def _unknown(path: Path) -> Path:
    """Columns partyday has no field for, kept by the 党委's own format (籍贯, 学历,
    工作单位): each is listed at import, and ignored."""
    return _book(path, "第三党支部党员名册", [[
        "序号", "姓名", "性别", "籍贯", "学历", "工作单位", "入党时间", "人员类别", "月收入", "联系电话"]], [
        [1, "刘洋", "男", "山东济南", "本科", "街道办事处", "2008.07.01", "在职", 5600, "13700000101"],
        [2, "赵雪梅", "女", "河北保定", "大专", "社区服务中心", "2011.06.20", "在职", 4300, "13700000202"],
        [3, "周国庆", "男", "河南郑州", "高中", "（退休）", "1975.10.01", "离退休", 3800, "13700000303"],
    ])


def _unknown_blank_headers(path: Path) -> Path:
    """An exported roster with a 家庭住址 and a 备用 column and an unheaded column the
    secretary used for her own ticks: the headed ones are listed, the 序号 is not."""
    return _book(path, "第四党支部花名册", [[
        "序号", "姓名", "党员类别", "入党时间", "人员类别", "家庭住址", "备用", None, "月收入"]], [
        [1, "吴敏", "正式", "2003.05.04", "在职", "幸福路1号", "", "√", 6100],
        [2, "徐海峰", "正式", "1999.12.01", "在职", "光明街8号", "", "√", 5800],
    ])


def _no_income(path: Path) -> Path:
    """A 工资 column the secretary left empty for every 在职 member."""
    return _book(path, "第五党支部党员花名册", [[
        "序号", "姓名", "性别", "入党时间", "人员类别", "工资", "备注"]], [
        [1, "孙丽", "女", "2009.07.01", "在职", None, ""],
        [2, "马俊", "男", "2012.06.18", "在职", None, ""],
        [3, "朱红梅", "女", "1978.03.02", "离退休", 3600, ""],
    ])


def _no_income_column(path: Path) -> Path:
    """No income column at all: the import names the headers it looked for."""
    return _book(path, "第六党支部党员花名册", [[
        "序号", "姓名", "性别", "入党时间", "人员类别", "联系电话"]], [
        [1, "胡斌", "男", "2004.07.01", "在职", "13600000101"],
        [2, "郭静", "女", "2010.11.11", "在职", "13600000202"],
    ])


def _month_transfer(path: Path) -> Path:
    """备注 2017年6月转出: known to the month. She signs the 14 June sheet (expected and
    present), is absent from the 21 June one (not expected), and is gone in July."""
    return _book(path, "第一党支部党员花名册", [[
        "序号", "姓名", "性别", "入党时间", "人员类别", "月收入", "备注"]], [
        [1, "陈建国", "男", "1992.07.01", "在职", 6200, ""],
        [2, "林秀英", "女", "2001.06.01", "在职", 4800, "2017年6月转出"],
        [3, "黄志强", "男", "1976.05.01", "离退休", 4100, ""],
    ])


def _month_transfer_dotted(path: Path) -> Path:
    """The month written 2017.6 and the transfer as 调出 in a sentence, beside a member whose
    day is known (2017年6月18日转出): the first is expected only where present, the second
    by the date."""
    return _book(path, "第二党支部党员花名册", [[
        "序号", "姓名", "入党时间", "人员类别", "月收入", "备注"]], [
        [1, "张伟", "2005.07.01", "在职", 7300, ""],
        [2, "王丽娟", "1972.03.15", "在职", 3900, "已于2017.6转出至区委党校支部"],
        [3, "李明", "2010.06.30", "在职", 5200, "2017年6月18日组织关系转出"],
    ])


# name → (builder, source, sign-in days: (date, names on the sheet, expected, present))
CASES: dict[str, tuple[Callable[[Path], Path], str, list[tuple[str, list[str], int, list[str]]]]] = {
    "qualified-headers.xlsx": (_qualified, "组织部 花名册 with qualified headers (issue 12)", []),
    "qualified-headers-merged.xlsx": (_qualified_merged, "WPS 两行表头, qualifiers before and after", []),
    "unknown-columns.xlsx": (_unknown, "a 党委 format with 籍贯/学历/工作单位", []),
    "unknown-columns-blank.xlsx": (_unknown_blank_headers, "an export with 家庭住址/备用 and an unheaded column", []),
    "income-empty.xlsx": (_no_income, "在职 members with the 工资 column empty", []),
    "income-no-column.xlsx": (_no_income_column, "a roster without any income column", []),
    "month-transfer.xlsx": (_month_transfer, "备注 2017年6月转出", [
        ("2017-06-14", ["陈建国", "林秀英", "黄志强"], 3, ["陈建国", "林秀英", "黄志强"]),
        ("2017-06-21", ["陈建国", "黄志强"], 2, ["陈建国", "黄志强"]),
        ("2017-07-12", ["陈建国", "黄志强"], 2, ["陈建国", "黄志强"]),
    ]),
    "month-transfer-dotted.xlsx": (_month_transfer_dotted, "备注 已于2017.6转出 beside 2017年6月18日转出", [
        ("2017-06-14", ["张伟", "王丽娟", "李明"], 3, ["张伟", "王丽娟", "李明"]),
        ("2017-06-21", ["张伟"], 1, ["张伟"]),
    ]),
}


def expected_path(path: Path) -> Path:
    return path.with_name(path.name.rsplit(".", 1)[0] + ".expected.json")


def read_as_dict(path: Path) -> dict[str, object]:
    from partyday_cli.io.roster import read_roster

    read = read_roster(path)
    fields = ("name", "branch", "group", "party_status", "category", "phone", "birth_date", "joined", "income",
              "transferred_in", "transferred_out")
    members = []
    for m in read.members:
        member = {k: (v if isinstance(v, str) else str(v)) for k in fields if (v := getattr(m, k)) not in (None, "")}
        if m.transferred_out is not None:
            member["transferred_out_precision"] = m.transferred_out_precision
        members.append(member)
    return {"members": members, "readings": read.readings, "ignored_columns": read.ignored_columns,
            "warnings": read.warnings, "problems": [p.message for p in read.problems]}


def build(out: Path = HERE) -> list[Path]:
    written = []
    for name, (make, source, days) in CASES.items():
        path = make(out / name)
        data: dict[str, object] = {"source": source, **read_as_dict(path)}
        if days:
            data["signins"] = [{"date": d, "names": names, "expected": n, "present": present}
                               for d, names, n, present in days]
        expected_path(path).write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for p in build():
        print(p.relative_to(ROOT))
