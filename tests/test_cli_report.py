"""`partyday report quarterly|annual|member` on the sample branch, with numbers worked by hand.

The ledger is built through the real commands (roster import, plan, attend set, record
--filed-on) and the store's own writers (`save_signin` for the sign-in sheets, the dues
store for the 党费台账), so that the report reads what a branch's ledger really holds.

The story of 机关第一党支部, 2017 (activities 1/11, 2/8, 3/8, 4/12, 5/11, 6/14; 陈国华 is
exempt, 李娜 joined 4/10, 赵磊 transferred out 6/1):

    高峰   缺席 1/11, 3/8, 5/11            → 3, never two in a row      → 谈话提醒
    吴刚   缺席 4/12, 5/11                 → 2 in a row                 → 连续缺勤
    郑红   缺席 1/11, 2/8, 4/12, 6/14      → 4 (1/11–2/8 in a row)      → 不合格党员处置参考 (连续缺勤: Q1's)
    孙浩   缺席 every activity, Jan–Jun    → 6 months without taking part → 党章第九条 (and 4+, in a row)
    王芳   缺席 4/12, 5/11, 6/14           → 3 months                   → 党章第九条提醒, 谈话提醒, 连续缺勤
    韩梅, 冯刚, 曹丽华  缺席 6/14 only;  马丽 请假 5/11 (set by hand);  刘洋 补学 6/14;  周婷 迟到 4/12
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from partyday_cli.cli.main import app
from partyday_cli.core.dues import Payment
from partyday_cli.core.members import Member
from partyday_cli.store.attendance import FileMark, save_signin
from partyday_cli.store.ledger import open_ledger
from tests.realclient import is_a4, pdf_pages, pdf_text, to_pdf

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "workspace"
BRANCH = "机关第一党支部"
runner = CliRunner()

ABSENT = {
    "2017-01-11": {"高峰", "郑红", "孙浩"},
    "2017-02-08": {"郑红", "孙浩"},
    "2017-03-08": {"高峰", "孙浩"},
    "2017-04-12": {"吴刚", "郑红", "孙浩", "王芳"},
    "2017-05-11": {"高峰", "吴刚", "孙浩", "王芳"},
    "2017-06-14": {"郑红", "孙浩", "王芳", "韩梅", "冯刚", "曹丽华"},
}
LATE = {"2017-04-12": {"周婷"}}
BY_HAND = [("2017-05-11", "马丽", "请假", "病假"), ("2017-06-14", "刘洋", "补学", "")]


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def _ids(ledger) -> dict[str, int]:  # type: ignore[no-untyped-def]
    rows = ledger.query("SELECT id, name, key FROM members")
    return {r["name"] if r["name"] != "张伟" else r["key"]: r["id"] for r in rows}


def sign_in(ws: Path, day: str, branch: str, present: set[int], late: set[int] = frozenset()) -> None:
    """One 签到表 listing who came (those not on it become 缺席, as with a real sheet)."""
    with open_ledger(ws / "ledger.db") as ledger:
        activity = ledger.query("SELECT id FROM activities WHERE date = ? AND branch = ?", (day, branch))[0]["id"]
        marks = [FileMark(mid, "迟到" if mid in late else None) for mid in sorted(present)]
        save_signin(ledger, activity_id=activity, activity_date=date.fromisoformat(day), branch=branch,
                    sha256=f"{abs(hash((day, branch))):064d}"[-64:], original_name=f"{day}签到表.xlsx",
                    archived_path="", layout="manual", present_only=True, marks=marks, unmatched=[],
                    visitors=[], replace=False)


def expected_ids(ws: Path, day: str) -> dict[str, int]:
    rows = json.loads(invoke("roster", "list", "--date", day, "-f", "json", "--show-private").stdout)
    with open_ledger(ws / "ledger.db") as ledger:
        by_key = {(r["name"], r["phone"]): r["id"] for r in ledger.query(
            "SELECT m.id, mv.name, mv.phone FROM members m JOIN member_versions mv ON mv.member_id = m.id")}
    return {r["name"] if r["name"] != "张伟" else f"张伟#{r['group']}": by_key[(r["name"], r["phone"])]
            for r in rows if r["expected"]}


def pay(ws: Path) -> None:
    """Everyone pays each owed month on the 10th, but 林涛 pays nothing, 唐勇 skips April and
    何静 pays 19.00 of 38.00 for May."""
    from partyday_cli.core.dues import months_due
    from partyday_cli.store.dues import save_dues_import
    from partyday_cli.store.roster import all_members_with_ids

    payments = []
    with open_ledger(ws / "ledger.db") as ledger:
        standards = {(r["name"], None if r["base"] == "None" else Decimal(r["base"])): Decimal(r["monthly"])
                     for r in DUES_STANDARDS}
        for mid, m in all_members_with_ids(ledger):
            monthly = standards[(m.name, m.income)]
            for month in months_due(m, 2017, date(2017, 6, 30)):
                if m.name == "林涛" or (m.name == "唐勇" and month == "2017-04"):
                    continue
                amount = Decimal("19.00") if (m.name, month) == ("何静", "2017-05") else monthly
                payments.append(Payment(mid, month, amount, date(int(month[:4]), int(month[5:]), 10)))
        save_dues_import(ledger, payments, [], sha256="d" * 64, original_name="2017党费台账.xlsx",
                         archived_path="")


# name + base (income) → monthly, as `partyday dues standard --year 2017` gives them
DUES_STANDARDS = [{"name": n, "base": b, "monthly": m} for n, b, m in (
    ("李建国", "6200.00", "93.00"), ("张伟", "5100.00", "76.50"), ("张伟", "4800.00", "48.00"),
    ("阿依古丽·买买提", "3000.00", "15.00"), ("王秀英", "4800.00", "24.00"), ("陈国华", "5000.01", "50.00"),
    ("赵磊", "7000.00", "105.00"), ("李娜", "3600.00", "36.00"), ("刘洋", "None", "0.20"),
    ("杨建军", "None", "1.00"), ("周婷", "5600.00", "84.00"), ("吴刚", "10000.00", "150.00"),
    ("郑红", "10000.01", "200.00"), ("孙浩", "60000.00", "1000.00"), ("马丽", "None", "0.20"),
    ("黄志强", "None", "0.20"), ("王芳", "4200.00", "42.00"), ("林涛", "5200.00", "78.00"),
    ("何静", "3800.00", "38.00"), ("高峰", "8800.00", "132.00"), ("罗敏", "4600.00", "46.00"),
    ("谢军", "5600.00", "56.00"), ("宋佳", "3900.00", "39.00"), ("唐勇", "6600.00", "99.00"),
    ("韩梅", "4100.00", "41.00"), ("冯刚", "7300.00", "109.50"), ("曹丽华", "5900.00", "88.50"),
    ("邓超", "4400.00", "44.00"), ("许文", "9200.00", "138.00"), ("彭燕", "3000.01", "30.00"))]


@pytest.fixture
def story(tmp_path, monkeypatch):
    ws = tmp_path / "sample"
    shutil.copytree(SAMPLE, ws)
    monkeypatch.chdir(ws)
    assert invoke("roster", "import", "roster.xlsx", "--as-of", "2017-01-05").exit_code == 0
    assert invoke("plan", "2017").exit_code == 0
    for day, name, status, reason in BY_HAND:  # set by hand before the sheet comes in
        assert invoke("attend", "set", day, name, status, "--reason", reason).exit_code == 0
    for day, absent in ABSENT.items():
        ids = expected_ids(ws, day)
        present = {mid for name, mid in ids.items() if name not in absent}
        late = {ids[n] for n in LATE.get(day, ())}
        sign_in(ws, day, BRANCH, present, late)
    assert invoke("record", "2017-04-12", "--filed-on", "2017-04-25").exit_code == 0  # due 4/19
    assert invoke("record", "2017-05-11", "--filed-on", "2017-05-15").exit_code == 0  # due 5/18
    pay(ws)
    return ws


def quarterly_json(*extra: str) -> dict:
    result = invoke("report", "quarterly", "--year", "2017", "--quarter", "2", "--format", "json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_quarterly_json_numbers_by_hand(story):
    data = quarterly_json()
    assert data["year"] == 2017 and data["quarter"] == 2 and data["branch"] == BRANCH
    acts = {a["date"]: a for a in data["activities"]}
    assert list(acts) == ["2017-04-12", "2017-05-11", "2017-06-14"]  # 5/10 was moved (乡党代会)
    # 4/12: 30 members, 陈国华 exempt → 应到 29; 缺席 吴刚 郑红 孙浩 王芳 = 4; 实到 29 − 4 = 25
    # (周婷 迟到 counts as present); 到会率 25/29 = 0.86206… → 0.8621
    a = acts["2017-04-12"]
    assert (a["expected"], a["present"], a["excused"], a["absent"]) == (29, 25, 0, 4)
    assert a["rate"] == 0.8621 and a["rate_text"] == "86.2%" and a["below_threshold"] is False
    # 5/11: 应到 29; 缺席 4, 请假 1 (马丽, set by hand before the sheet) → 实到 24; 24/29 = 0.8275… → 0.8276
    a = acts["2017-05-11"]
    assert (a["expected"], a["present"], a["excused"], a["absent"]) == (29, 24, 1, 4)
    assert a["rate"] == 0.8276 and a["below_threshold"] is False
    # 6/14: 赵磊 transferred out 6/1 → 29 members, 陈国华 exempt → 应到 28; 缺席 6, 补学 1 (刘洋)
    # → 实到 28 − 7 = 21; 21/28 = 0.75 < 0.80 → below the threshold
    a = acts["2017-06-14"]
    assert (a["expected"], a["present"], a["excused"], a["absent"], a["makeup"]) == (28, 21, 0, 6, 1)
    assert a["rate"] == 0.75 and a["below_threshold"] is True
    # 记实表: 4/12 + 5 working days = 4/19, filed 4/25 → late; 5/11 → 5/18, filed 5/15 → in time
    assert acts["2017-04-12"]["record_late"] is True and acts["2017-04-12"]["record_deadline"] == "2017-04-19"
    assert acts["2017-05-11"]["record_late"] is False
    assert any("4月19日前填报，实际4月25日" in t for t in data["late_records"])


def test_quarterly_member_flags_by_hand(story):
    members = {m["label"]: m for m in quarterly_json()["members"]}
    codes = {name: {c for c in m["flag_codes"] if c != "dues"} for name, m in members.items()}
    assert members["高峰"]["absences"] == 3 and codes["高峰"] == {"talk"}
    assert members["吴刚"]["absences"] == 2 and codes["吴刚"] == {"consecutive"}
    # her two in a row were January and February: the first quarter's, not said again in the second's
    # (helper-31 #7); the year's count of 4 is the year's
    assert members["郑红"]["absences"] == 4 and codes["郑红"] == {"unqualified"}
    first = {m["label"]: m for m in json.loads(invoke("report", "quarterly", "-y", "2017", "-q", "1", "-f", "json")
                                               .stdout)["members"]}
    assert "consecutive" in first["郑红"]["flag_codes"]
    year = {m["label"]: m for m in json.loads(invoke("report", "annual", "-y", "2017", "-f", "json").stdout)["members"]}
    assert {"unqualified", "consecutive"} <= set(year["郑红"]["flag_codes"])
    assert members["孙浩"]["absences"] == 6 and codes["孙浩"] == {"unqualified", "consecutive", "lapse"}
    assert members["王芳"]["absences"] == 3 and codes["王芳"] == {"talk", "consecutive", "lapse_warn"}
    for quiet in ("韩梅", "冯刚", "曹丽华", "马丽", "刘洋", "周婷", "李建国"):
        assert codes[quiet] == set(), quiet
    texts = " ".join(members["高峰"]["flags"])
    assert "谈话提醒" in texts and "1月11日、3月8日、5月11日" in texts
    assert any("党章第九条" in t and "1月—6月连续6个月" in t for t in members["孙浩"]["flags"])
    assert any("连续缺勤" in t and "4月12日、5月11日" in t for t in members["吴刚"]["flags"])
    # the quarter's own counts: 王芳 4/12, 5/11, 6/14 all 缺席
    assert members["王芳"]["period"] == {"expected": 3, "present": 0, "excused": 0, "absent": 3}
    assert members["陈国华"]["expected"] == 0  # exempt: never expected
    assert "张伟（第一党小组）" in members and "张伟（第二党小组）" in members  # as printed, not 张伟#…
    assert members["高峰"]["phone"] == "138****1020"
    assert quarterly_json("--show-private")["members"][0]["phone"].isdigit()


def test_quarterly_dues_by_hand(story):
    data = quarterly_json()
    dues = data["dues"]
    # monthly standards of the 30 members add up to 2864.10; April and May all 30 owe,
    # June not 赵磊 (out on 6/1, 105.00): 2 × 2864.10 + 2759.10 = 8487.30
    assert dues["due"] == "8487.30"
    # unpaid in the quarter: 林涛 3 × 78.00 + 唐勇 99.00 (April) + 何静 19.00 (half of May) = 352.00
    assert dues["paid"] == "8135.30"
    # arrears to June 30: 林涛 6 × 78.00 = 468.00, + 99.00 + 19.00 = 586.00
    assert dues["owed"] == "586.00" and dues["members_in_arrears"] == 3
    owing = {d["name"]: d for d in dues["members"]}
    assert set(owing) == {"林涛", "唐勇", "何静"}
    assert owing["林涛"]["arrears_months"] == [f"2017-0{m}" for m in range(1, 7)]
    lin = {m["name"]: m for m in data["members"]}["林涛"]
    assert any("连续6个月未交纳党费" in f and "党章第九条" in f for f in lin["flags"])
    # helper-29 #3: the 586.00 is the year's to June, not the quarter's 8487.30 − 8135.30 = 352.00: said so
    shown = invoke("report", "quarterly", "--year", "2017", "--quarter", "2").stdout
    assert "本期应交 8487.30 元，已交 8135.30 元；截至期末累计欠交 3 人，共 586.00 元" in shown
    assert "累计欠交是全年到期末未交月份的合计：含本期以前未交的月份" in shown
    # 刘洋 made 6/14 up (补学): listed with it, not among the quiet ones (helper-30 #12)
    liu = next(line for line in shown.splitlines() if "刘洋" in line and "|" in line)
    head = next(line for line in shown.splitlines() if "本期补学" in line)
    assert liu.split("|")[head.split("|").index(next(c for c in head.split("|") if "本期补学" in c))].strip() == "1"


def test_quarterly_themes_and_kinds(story):
    data = quarterly_json()
    kinds = data["kinds"]
    assert "支部委员会（每月一次）：4月未开展" in kinds["shortfalls"]
    meeting = [c for c in kinds["checks"] if c["name"] == "支部党员大会"]
    assert [(c["window"], c["held"], c["status"]) for c in meeting] == [("第二季度", 1, "ok")]
    themes = {(c["name"], c["window"]): c for c in data["themes"]["checks"]}
    assert themes[("“双报到”", "上半年")]["status"] == "ok"  # held 1/11
    assert themes[("“党员义工日”", "第二季度")]["dates"] == ["2017-05-11"]
    assert not any(w == "第三季度" for _, w in themes)  # a quarterly report judges its own quarter


def test_annual_says_which_quarter_is_short(story):
    result = invoke("report", "annual", "--year", "2017", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["quarter"] is None and len(data["activities"]) == 6
    assert len(data["unrecorded"]) == 6  # July–December: no sign-in recorded
    assert "“党员义工日”（每季度一次）：第三季度未开展" in data["themes"]["shortfalls"]
    lectures = [t for t in data["kinds"]["shortfalls"] if t.startswith("党课（每年至少4次）：全年只开展了2次")]
    assert len(lectures) == 1  # and the planned 党课 days gone by without a sign-in are named
    assert "主题党日（每月一次）：7月未开展（7月12日计划召开，尚未导入签到）" in data["kinds"]["shortfalls"]
    assert any("第三季度" in s for s in data["themes"]["check_plan"][BRANCH])


def test_terminal_table_marks_the_breaches(story):
    result = invoke("report", "quarterly", "-y", "2017", "-q", "2")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "75.0%" in out and "低于要求" in out and "*2017-06-14" in out
    assert "谈话提醒" in out and "孙浩" in out and "586.00" in out
    assert "13800001020" not in out  # phones masked


def test_xlsx_opens_in_libreoffice_with_charts_on_a4(story, tmp_path):
    target = tmp_path / "二季度报表.xlsx"
    result = invoke("report", "quarterly", "-y", "2017", "-q", "2", "-o", str(target))
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(target) as z:
        names = z.namelist()
        members_chart = z.read("xl/charts/chart2.xml").decode()
    assert "xl/charts/chart1.xml" in names and "xl/charts/chart2.xml" in names
    # every name on the members chart's axis (Excel and WPS skip every other one unless told)
    assert '<tickLblSkip val="1"' in members_chart and 'sz="800"' in members_chart
    wb = load_workbook(target)
    # the members' chart on a sheet of its own: under the 30 rows LibreOffice printed it on a page
    # of its own, beneath the repeated header row and no data (helper-29 #11, helper-31 #10)
    assert wb.sheetnames == ["汇总", "活动出勤", "党员情况", "党员情况图", "党费", "主题与三会一课"]
    assert len(wb["党员情况图"]._charts) == 1 and not wb["党员情况"]._charts
    for ws in wb.worksheets:
        assert int(ws.page_setup.paperSize) == 9 and int(ws.page_setup.fitToWidth) == 1  # A4
        assert ws.print_title_rows or ws.title == "党员情况图"
    rates = [row[7].value for row in wb["活动出勤"].iter_rows(min_row=3, max_row=5)]  # title, header
    assert rates == [0.8621, 0.8276, 0.75]  # numbers, so the chart can plot them
    again = tmp_path / "again.xlsx"
    invoke("report", "quarterly", "-y", "2017", "-q", "2", "-o", str(again))
    assert again.read_bytes() == target.read_bytes()  # fixed timestamps
    pdf = to_pdf(target)
    pages = pdf_pages(pdf)
    assert pages and all(is_a4(p) for p in pages)
    assert len(pages) <= 8  # every sheet fits the width of its page: no column spills
    text = pdf_text(pdf)
    assert "到会率" in text
    # a namesake's label fits its column: LibreOffice broke it before its last "）"
    assert "张伟（第一党小组）" in text and "张伟（第二党小组）" in text
    # no printed line holds a lone closing mark (LibreOffice fits more of a line than Excel's 宋体:
    # the 情况 “…（应于4月19日前）” left its “）” on a line of its own), nor a command to type
    assert not [line for line in text.splitlines() if line.strip() and set(line.strip()) <= set("）”」》")]
    assert "partyday record" not in text and "--filed-on" not in text
    assert any(c.value and "\n" in str(c.value) for row in wb["党员情况"].iter_rows() for c in row)  # broken by us


def test_a_cell_is_broken_where_chinese_breaks_and_never_leaves_a_mark_alone():
    from partyday_cli.render.xlsx import ORPHAN, display_width, wrap_cell

    texts = ["达标；记实表逾期（应于4月19日前）", "低于要求；记实表逾期（应于5月18日前）", "“两学一做”学习教育、“党员政治生日”",
             "连续6个月未交纳党费（2017年1月—6月），按党章第九条应视为自行脱党情形，请支部核实处理；欠交2017年1月—6月党费，共 264.00 元",
             "谈话提醒：全年无故缺席3次（1月11日、3月8日、5月11日），达到3次，支部应及时谈话提醒、提出限期整改意见"]
    for text in texts:
        for width in range(14, 60):
            lines = wrap_cell(text, width).split("\n")
            assert "".join(lines).replace(" ", "") == text.replace(" ", "")  # nothing lost, or added but breaks
            assert all(display_width(line) <= width - 1 for line in lines), (text, width, lines)
            assert not any(line[:1] in "），、；：”。" for line in lines[1:]), (width, lines)
            assert not any(line[-1:] in "（“" for line in lines[:-1]), (width, lines)
            assert not any(a[-1:].isdigit() and b[:1] in "月日" for a, b in zip(lines, lines[1:], strict=False)), lines
            if len(lines) > 1 and display_width(lines[-1]) <= ORPHAN:  # only where no fuller split exists
                assert len(wrap_cell(text, int(width * 0.7)).split("\n")) > len(lines) or width < 20, (width, lines)
    assert wrap_cell("短", 10) == "短" and wrap_cell("一行\n两行", 10) == "一行\n两行"


def test_csv_has_every_section(story):
    result = invoke("report", "quarterly", "-y", "2017", "-q", "2", "-f", "csv")
    text = result.stdout_bytes.decode("utf-8-sig")
    for title in ("活动出勤", "党员参加活动情况", "党费交纳情况", "主题与“三会一课”"):
        assert title in text


def test_member_report(story):
    result = invoke("report", "member", "高峰", "--year", "2017", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["absences"] == 3 and "talk" in data["flag_codes"]
    assert [a["status"] for a in data["activities"]] == ["缺席", "出席", "缺席", "出席", "缺席", "出席"]
    # paid to June, and the branch's 台账 is recorded only to June: July–December are
    # 未登记 (not recorded yet), not 未交 — so nothing is owed and nobody is accused
    assert data["dues"]["owed"] == "0.00"
    assert {m["status"] for m in data["dues"]["months"] if m["month"] >= "2017-07"} == {"未登记"}
    same = invoke("report", "member", "张伟", "-y", "2017")
    assert same.exit_code == 1 and "张伟#第一党小组" in same.output and "张伟#第二党小组" in same.output
    one = invoke("report", "member", "张伟#第二党小组", "-y", "2017", "-f", "json")
    assert json.loads(one.stdout)["group"] == "第二党小组"
    labelled = invoke("report", "member", "张伟（第二党小组）", "-y", "2017", "-f", "json")  # as reports print him
    assert labelled.exit_code == 0 and json.loads(labelled.stdout)["group"] == "第二党小组"
    lin = json.loads(invoke("report", "member", "林涛", "-y", "2017", "-f", "json").stdout)
    assert lin["dues"]["owed"] == "468.00"  # unpaid January–June, as recorded: 6 × 78.00
    for typed in ("阿依古丽买买提", "阿依古丽.买买提"):  # as sign-ins type her; the import matches both
        dot = invoke("report", "member", typed, "-y", "2017", "-f", "json")
        assert dot.exit_code == 0 and json.loads(dot.stdout)["name"] == "阿依古丽·买买提", dot.output
    # a year with nothing recorded (the default is this year): said, with the years there are — not 无缺勤提醒
    empty = invoke("report", "member", "高峰", "-y", "2018")
    assert empty.exit_code == 0 and "无缺勤提醒" not in empty.stdout
    assert "2018年还没有高峰的出勤记录" in empty.stdout and "有记录的年份：2017，如 --year 2017" in empty.stdout


def test_user_mistakes_are_one_chinese_line(story):
    for args in (("--quarter", "5"), ("--branch", "不存在的支部"), ("--year", "2015", "--quarter", "1")):
        result = invoke("report", "quarterly", *args)
        assert result.exit_code == 1
        assert result.stderr.startswith("错误：") and result.stderr.count("\n") == 1
    assert invoke("report", "member", "查无此人", "-y", "2017").exit_code == 1
    # --help listed ics, then the run refused it: no longer offered
    assert "ics" not in invoke("report", "quarterly", "--help").stdout
    assert invoke("report", "quarterly", "-f", "ics").exit_code == 2


def test_a_period_not_begun_is_refused_not_reported(story):
    """2027 Q1 asked on 2026-12-07 said 截至期末欠交 0 人、其余党员按月足额交纳 of months not yet come."""
    from datetime import date

    ahead = date.today().year + 1
    for args in (("quarterly", "-y", str(ahead), "-q", "1"), ("annual", "-y", str(ahead))):
        result = invoke("report", *args, "-f", "json")
        assert result.exit_code == 1 and result.stdout == ""
        assert "尚未开始" in result.stderr and result.stderr.count("\n") == 1


# ------------------------------------------------------------------------ a 党委 of three


@pytest.fixture
def three(tmp_path, monkeypatch):
    """Three branches of 4 members; Q2 attendance 100% in 一支部, 50% in 二支部, 75% in 三支部."""
    from partyday_cli.store.roster import save_roster

    ws = tmp_path / "dangwei"
    shutil.copytree(SAMPLE, ws)
    config = ws / "partyday.toml"
    text = config.read_text(encoding="utf-8").replace(
        f'[[branches]]\nname = "{BRANCH}"',
        '[[branches]]\nname = "一支部"\n\n[[branches]]\nname = "二支部"\n\n[[branches]]\nname = "三支部"')
    config.write_text(text, encoding="utf-8")
    monkeypatch.chdir(ws)
    branches = ("一支部", "二支部", "三支部")
    members = [Member(f"{b[0]}党员{i}", b, joined=date(2010, 7, 1), phone=f"1390000{k}{i}")
               for k, b in enumerate(branches) for i in range(4)]
    with open_ledger(ws / "ledger.db") as ledger:
        save_roster(ledger, members, sha256="a" * 64, original_name="花名册.xlsx", archived_path="",
                    effective_date=date(2017, 1, 1))
    assert invoke("plan", "2017").exit_code == 0
    present_count = {"一支部": 4, "二支部": 2, "三支部": 3}
    conn = sqlite3.connect(ws / "ledger.db")
    ids = dict(conn.execute("SELECT name, id FROM members"))
    days = {b: [d for (d,) in conn.execute("SELECT date FROM activities WHERE branch = ? AND date BETWEEN"
                                            " '2017-04-01' AND '2017-06-30'", (b,))] for b in branches}
    conn.close()
    for b in branches:
        for day in days[b]:
            sign_in(ws, day, b, {ids[f"{b[0]}党员{i}"] for i in range(present_count[b])})
    return ws


def test_dangwei_rolls_up_worst_first(three):
    data = quarterly_json()
    assert data["branch"] is None
    rows = data["branches"]
    assert [r["branch"] for r in rows] == ["二支部", "三支部", "一支部"]
    # 二支部: 2 of 4 at each of its 3 activities → 0.5; 三支部 3/4 → 0.75; 一支部 4/4 → 1.0
    assert [r["rate"] for r in rows] == [0.5, 0.75, 1.0]
    assert [r["below_threshold"] for r in rows] == [3, 3, 0]
    # 二支部: 党员2 and 党员3 absent at all three Q2 activities → 3 in a row, 3 months
    assert rows[0]["members_flagged"] == 2
    assert len(data["activities"]) == 9
    one = quarterly_json("--branch", "三支部")
    assert one["branch"] == "三支部" and "branches" not in one
    assert {a["branch"] for a in one["activities"]} == {"三支部"}
    assert [a["rate"] for a in one["activities"]] == [0.75, 0.75, 0.75]


def test_branches_come_in_the_order_the_config_lists_them(three):
    """一支部、二支部、三支部 as partyday.toml lists them, not the text order 一、三、二: in the
    report's activities and members, in attend list, and in the --branch hint of attend files."""
    data = quarterly_json()
    first_day = [a["branch"] for a in data["activities"] if a["date"] == data["activities"][0]["date"]]
    assert first_day == ["一支部", "二支部", "三支部"]
    assert list(dict.fromkeys(m["branch"] for m in data["members"])) == ["一支部", "二支部", "三支部"]
    day = data["activities"][0]["date"]
    listed = invoke("attend", "list", "--date", day, "-f", "csv")
    assert listed.exit_code == 0, listed.output
    branches = [line.split(",")[1] for line in listed.stdout.splitlines()[2:] if line.count(",") >= 5]
    assert list(dict.fromkeys(branches)) == ["一支部", "二支部", "三支部"]
    files = invoke("attend", "files", day)
    assert files.exit_code == 1 and "请加 --branch 指定：一支部、二支部、三支部" in files.stderr


def test_a_branch_whose_taizhang_is_not_in_is_unrecorded_not_lapsed(three, tmp_path):
    """Only 一支部's 党费台账 is imported: 二支部 and 三支部 are named as not yet recorded and
    none of their members is owing or flagged (they were all called 自行脱党)."""
    from partyday_cli.store.roster import save_roster
    from tests.test_dues import write_ledger

    branches = ("一支部", "二支部", "三支部")  # the same members, now with incomes: 40.00 a month each
    members = [Member(f"{b[0]}党员{i}", b, joined=date(2010, 7, 1), phone=f"1390000{k}{i}", income=Decimal("4000"))
               for k, b in enumerate(branches) for i in range(4)]
    with open_ledger(three / "ledger.db") as ledger:
        save_roster(ledger, members, sha256="b" * 64, original_name="花名册2.xlsx", archived_path="",
                    effective_date=date(2017, 1, 1))
    path = write_ledger(tmp_path / "一支部台账.xlsx", [[f"一党员{i}", "", "", "", *[40] * 6] for i in range(4)],
                        title="一支部2017年党费收缴台账")
    imported = invoke("dues", "import", str(path), "--branch", "一支部")
    assert imported.exit_code == 0 and "4 人 24 条交纳记录" in imported.stderr, imported.output
    result = invoke("dues", "report", "--year", "2017", "--as-of", "2017-07-01", "-f", "json")
    assert result.exit_code == 0, result.output
    assert "二支部、三支部 2017年还没有导入党费台账" in result.stderr
    members = json.loads(result.stdout)["members"]
    others = [m for m in members if m["branch"] != "一支部"]
    assert len(others) == 8 and all(m["owed"] == "0.00" and not m["arrears_months"] for m in others)
    assert not [f for m in others for f in m["flags"] if "未交" in f or "脱党" in f]
    assert all(md["status"] == "未登记" for m in others for md in m["months"] if md["month"] < "2017-07")


def _move_in_september(ws: Path, to: str) -> None:
    """The three branches' members with incomes (40.00 a month), and a roster of 1 Sept
    that lists 二党员0 in `to`, 转入 that day."""
    from dataclasses import replace as copy

    from partyday_cli.store.roster import save_roster

    branches = ("一支部", "二支部", "三支部")
    members = [Member(f"{b[0]}党员{i}", b, joined=date(2010, 7, 1), phone=f"1390000{k}{i}", income=Decimal("4000"))
               for k, b in enumerate(branches) for i in range(4)]
    moved = [copy(m, branch=to, transferred_in=date(2017, 9, 1)) if m.name == "二党员0" else m for m in members]
    with open_ledger(ws / "ledger.db") as ledger:
        save_roster(ledger, members, sha256="b" * 64, original_name="花名册1月.xlsx", archived_path="",
                    effective_date=date(2017, 1, 1))
        save_roster(ledger, moved, sha256="c" * 64, original_name="花名册9月.xlsx", archived_path="",
                    effective_date=date(2017, 9, 1))


def test_a_member_moved_between_branches_owes_each_its_own_months(three, tmp_path):
    """二党员0 moves to 三支部 in September (the roster of 1 Sept says so): 二支部's dues cover
    January to August, with the payments of its own 台账 and no “不在本支部党员期间” flag
    (all his months were 不适用 there), and 三支部's report has him from September."""
    from tests.test_dues import write_ledger

    _move_in_september(three, "三支部")
    path = write_ledger(tmp_path / "二支部台账.xlsx", [[f"二党员{i}", "", "", "", *[40] * 8] for i in range(4)],
                        title="二支部2017年党费收缴台账")
    assert invoke("dues", "import", str(path), "--branch", "二支部").exit_code == 0
    old = json.loads(invoke("dues", "report", "-y", "2017", "-b", "二支部", "--as-of", "2017-10-15", "-f", "json").stdout)
    him = next(m for m in old["members"] if m["name"] == "二党员0")
    assert [md["month"] for md in him["months"]] == [f"2017-{m:02d}" for m in range(1, 9)]
    assert him["paid"] == "320.00" and him["flags"] == [] and him["owed"] == "0.00"
    new = json.loads(invoke("dues", "report", "-y", "2017", "-b", "三支部", "--as-of", "2017-10-15", "-f", "json").stdout)
    there = next(m for m in new["members"] if m["name"] == "二党员0")
    assert [md["month"] for md in there["months"]] == ["2017-09", "2017-10"]


def test_a_moved_members_payments_do_not_make_his_old_branch_recorded(three, tmp_path):
    """二党员0 moves to 一支部 in September and pays there; only 一支部's 台账 is imported.
    二支部 has no 台账: the quarterly report and dues report flag none of its members under
    党章第九条 (his payments made it look recorded)."""
    from tests.test_dues import write_ledger

    _move_in_september(three, "一支部")
    rows = [[f"一党员{i}", "", "", "", *[40] * 10] for i in range(4)] + [["二党员0", "", "", "", *[""] * 8, 40, 40]]
    path = write_ledger(tmp_path / "一支部台账.xlsx", rows, title="一支部2017年党费收缴台账")
    assert invoke("dues", "import", str(path), "--branch", "一支部").exit_code == 0
    report = json.loads(invoke("report", "quarterly", "-y", "2017", "-q", "3", "-f", "json").stdout)
    assert not [m for m in report["dues"]["members"] if m["branch"] == "二支部"]
    said = invoke("dues", "report", "-y", "2017", "--as-of", "2017-10-15", "-f", "json")
    assert "二支部、三支部 2017年还没有导入党费台账" in said.stderr
    assert not [m for m in json.loads(said.stdout)["members"] if m["branch"] == "二支部" and m["flags"]]


def test_a_groups_meeting_in_a_dangwei_needs_no_branch_where_the_group_says_whose(three, tmp_path):
    """第一党小组 is 一支部's only: meeting add, signsheet and record of its 党小组会 need no
    --branch; a day every branch holds something on still asks which."""
    from dataclasses import replace as copy

    from partyday_cli.store.roster import save_roster

    branches = ("一支部", "二支部", "三支部")
    members = [Member(f"{b[0]}党员{i}", b, joined=date(2010, 7, 1), phone=f"1390000{k}{i}") for k, b in enumerate(branches)
               for i in range(4)]
    grouped = [copy(m, group="第一党小组") if m.branch == "一支部" else m for m in members]
    with open_ledger(three / "ledger.db") as ledger:
        save_roster(ledger, grouped, sha256="d" * 64, original_name="花名册.xlsx", archived_path="",
                    effective_date=date(2017, 1, 1))
    added = invoke("meeting", "add", "2017-05-24", "--kind", "党小组会", "--group", "第一党小组")
    assert added.exit_code == 0 and "一支部" in added.output, added.output
    sheet = invoke("signsheet", "2017-05-24", "-o", str(tmp_path / "s.xlsx"))
    assert sheet.exit_code == 0 and "应到 4 人" in sheet.output, sheet.output
    assert invoke("record", "2017-05-24", "-o", str(tmp_path / "r.xlsx")).exit_code == 0
    planned = json.loads(invoke("calendar", "2017", "-f", "json").stdout)
    day = (planned["days"] if isinstance(planned, dict) else planned)[4]["date"]
    every = invoke("signsheet", day, "-o", str(tmp_path / "s2.xlsx"))
    assert every.exit_code == 1 and "--branch" in every.stderr


def test_a_branch_without_sign_ins_yet_counts_its_members(three):
    """三支部's sign-ins are not in yet: the per-branch table still says it has 4 党员 (it said 0,
    counting only members with rows in the period)."""
    conn = sqlite3.connect(three / "ledger.db")
    conn.execute("DELETE FROM attendance_marks WHERE activity_id IN (SELECT id FROM activities WHERE branch = '三支部')")
    conn.execute("DELETE FROM attendance WHERE activity_id IN (SELECT id FROM activities WHERE branch = '三支部')")
    conn.execute("DELETE FROM attendance_files WHERE activity_id IN (SELECT id FROM activities WHERE branch = '三支部')")
    conn.commit()
    conn.close()
    rows = {r["branch"]: r for r in quarterly_json()["branches"]}
    assert rows["三支部"]["recorded"] == 0 and rows["三支部"]["members"] == 4
    assert rows["一支部"]["members"] == 4 and rows["二支部"]["members"] == 4


def test_dangwei_xlsx_has_branch_sheet(three, tmp_path):
    target = tmp_path / "党委.xlsx"
    assert invoke("report", "quarterly", "-y", "2017", "-q", "2", "-o", str(target)).exit_code == 0
    wb = load_workbook(target)
    assert wb.sheetnames[:2] == ["汇总", "支部汇总"]
    # the summary names the branches to look at and why, not simply the first five
    concern = next(r[1].value for r in wb["汇总"].iter_rows() if r[0].value == "需重点关注的支部")
    concern = concern.replace("\n", "")  # broken into printed lines (`wrap_cell`)
    assert concern.startswith("二支部（到会率不达标 3 次、提醒党员 2 人") and "；三支部（到会率不达标 3 次" in concern
    assert "一支部（缺项" in concern  # 100% at every activity: named only for what it lacks
    assert [r[0].value for r in wb["支部汇总"].iter_rows(min_row=3, max_row=5)] == ["二支部", "三支部", "一支部"]
    # each late 记实表 is its row's 情况, with its deadline; under the table one line, not nine
    cells = [c.value for row in wb["活动出勤"].iter_rows() for c in row if isinstance(c.value, str)]
    assert sum("记实表逾期（应于" in v for v in cells) == 9
    assert not [v for v in cells if v.startswith("记实表逾期：")] and any(v.startswith("记实表逾期 9 次") for v in cells)
    with zipfile.ZipFile(target) as z:
        assert "xl/charts/chart1.xml" in z.namelist()
    pages = pdf_pages(to_pdf(target))
    assert pages and all(is_a4(p) for p in pages)
    # without -o, the workbook goes to the workspace's out/ folder
    assert invoke("report", "annual", "-y", "2017", "-f", "xlsx").exit_code == 0
    assert list((three / "out").glob("2017年党员活动情况报告-*.xlsx"))


def test_json_records_one_a_line_whatever_the_values_hold():
    """The report's JSON puts each record of a list on its own line (cli/report.json_bytes,
    one orjson call per list); a value holding the line marker or JSON punctuation is kept."""
    import json

    from partyday_cli.cli.report import _MARK, json_bytes

    value = {"members": [{"name": "张伟", "flags": ["},{"]}, {"name": "李娜"}], "odd": [{"name": _MARK}],
             "dates": ["2017-04-12"], "none": []}
    out = json_bytes(value)
    assert json.loads(out) == value
    lines = out.decode().splitlines()
    assert '    {"name":"张伟","flags":["},{"]},' in lines and '    {"name":"李娜"}' in lines
    assert f'    {{"name":"{_MARK}"}}' in lines


def test_an_annual_report_mid_year_does_not_count_the_days_to_come_as_missing(three):
    """Run on 2 July: the activities after it are 尚未举行, not 未导入签到 (it said 未导入签到 18 次
    and each branch “6 次活动未导入签到” of days not yet come)."""
    from partyday_cli import workspace
    from partyday_cli.core.report import Period
    from partyday_cli.render.report_xlsx import summary_table
    from partyday_cli.reports import build

    ws = workspace.load(three)
    report = build(ws, Period.of_year(2017), None, date(2017, 7, 2))
    conn = sqlite3.connect(three / "ledger.db")
    held, coming = (conn.execute(f"SELECT count(*) FROM activities WHERE date {op} '2017-07-02'").fetchone()[0]
                    for op in ("<=", ">"))
    conn.close()
    recorded = len(report.activities)
    row = next(r for r in summary_table(report).rows if r[0] == "活动")
    assert row[1] == f"已导入签到 {recorded} 次，未导入签到 {held - recorded} 次，尚未举行 {coming} 次"
    assert all(b.planned <= held for b in report.branches)
    assert all(f"{b.planned - b.recorded} 次活动未导入签到" in b.concerns or b.planned == b.recorded
               for b in report.branches if b.recorded)
