"""`partyday dues standard|import|report` on the sample branch, as a 组织委员 uses them."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from partyday_cli.cli.main import app
from tests.realclient import is_a4, pdf_pages, pdf_text, to_pdf
from tests.test_dues import write_ledger

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "workspace"
LEDGER = "2017党费台账.xlsx"
runner = CliRunner()

# Checked by hand against SPEC §8 and the sample roster (sample_data/build_sample.py).
EXPECTED_2017 = [
    ("李建国", "在职", "6200.00", "0.015", "93.00"),
    ("张伟", "在职", "5100.00", "0.015", "76.50"),
    ("张伟", "在职", "4800.00", "0.01", "48.00"),
    ("阿依古丽·买买提", "在职", "3000.00", "0.005", "15.00"),
    ("王秀英", "离退休", "4800.00", "0.005", "24.00"),
    ("陈国华", "离退休", "5000.01", "0.01", "50.00"),
    ("赵磊", "在职", "7000.00", "0.015", "105.00"),
    ("李娜", "在职", "3600.00", "0.01", "36.00"),
    ("刘洋", "学生", None, None, "0.20"),
    ("杨建军", "农民", None, None, "1.00"),
    ("周婷", "在职", "5600.00", "0.015", "84.00"),
    ("吴刚", "在职", "10000.00", "0.015", "150.00"),
    ("郑红", "在职", "10000.01", "0.02", "200.00"),
    ("孙浩", "在职", "60000.00", "0.02", "1000.00"),
    ("马丽", "下岗失业", None, None, "0.20"),
    ("黄志强", "低保", None, None, "0.20"),
    ("王芳", "在职", "4200.00", "0.01", "42.00"),
    ("林涛", "在职", "5200.00", "0.015", "78.00"),
    ("何静", "在职", "3800.00", "0.01", "38.00"),
    ("高峰", "在职", "8800.00", "0.015", "132.00"),
    ("罗敏", "在职", "4600.00", "0.01", "46.00"),
    ("谢军", "离退休", "5600.00", "0.01", "56.00"),
    ("宋佳", "在职", "3900.00", "0.01", "39.00"),
    ("唐勇", "在职", "6600.00", "0.015", "99.00"),
    ("韩梅", "在职", "4100.00", "0.01", "41.00"),
    ("冯刚", "在职", "7300.00", "0.015", "109.50"),
    ("曹丽华", "在职", "5900.00", "0.015", "88.50"),
    ("邓超", "在职", "4400.00", "0.01", "44.00"),
    ("许文", "在职", "9200.00", "0.015", "138.00"),
    ("彭燕", "在职", "3000.01", "0.01", "30.00"),
]


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def sample(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    ws = tmp_path / "sample"
    shutil.copytree(SAMPLE, ws)
    monkeypatch.chdir(ws)
    assert invoke("roster", "import", "roster.xlsx", "--as-of", "2017-01-05").exit_code == 0
    return ws


def snapshot(ws: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(ws / "ledger.db") as conn:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY id").fetchall()
                for t in ("imports", "dues_payments", "unmatched_names")}


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def report_json(*extra: str) -> dict:
    result = invoke("dues", "report", "--year", "2017", "--as-of", "2017-07-01", "-f", "json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# ------------------------------------------------------------------------ standard


def test_standard_json_gives_the_amounts_checked_by_hand(sample):
    result = invoke("dues", "standard", "--year", "2017", "--format", "json", "--show-private")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    got = [(r["name"], r["category"], r["base"], r["rate"], r["monthly"]) for r in rows]
    assert got == EXPECTED_2017
    assert "上限" in next(r["note"] for r in rows if r["name"] == "孙浩")


def test_every_format_masks_income_unless_asked(sample):
    masked = invoke("dues", "standard", "--year", "2017")
    assert masked.exit_code == 0 and "***" in masked.stdout
    assert "6200" not in masked.stdout and "76.50" in masked.stdout and "1.5%" in masked.stdout
    shown = invoke("dues", "standard", "--year", "2017", "--show-private")
    assert "6200.00" in shown.stdout
    for fmt in ("csv", "json"):  # a file or a pipe is no less private than the screen
        out = invoke("dues", "standard", "--year", "2017", "-f", fmt).stdout
        assert "6200" not in out and "***" in out and "76.50" in out
    csv = invoke("dues", "standard", "--year", "2017", "-f", "csv", "--show-private").stdout
    assert "6200.00" in csv and csv.startswith("\ufeff序号")


def test_no_roster_is_one_chinese_line(tmp_path):
    ws = tmp_path / "ws"
    assert invoke("init", str(ws)).exit_code == 0
    result = invoke("-w", str(ws), "dues", "standard", "--year", "2017")
    assert result.exit_code == 1 and "roster import" in result.stderr
    assert "Traceback" not in result.output


# ------------------------------------------------------------------------ import


def test_sample_ledger_imports_once_and_the_file_is_untouched(sample):
    before = sha(sample / LEDGER)
    first = invoke("dues", "import", LEDGER)
    assert first.exit_code == 0, first.output
    assert "29 人 170 条交纳记录" in first.stderr and "未匹配姓名 0 个" in first.stderr
    after_first = snapshot(sample)
    again = invoke("dues", "import", LEDGER)
    assert again.exit_code == 0 and "已导入过" in again.stderr
    assert snapshot(sample) == after_first  # the same bytes twice change nothing
    assert sha(sample / LEDGER) == before
    archived = list((sample / "archive").glob(f"*-{LEDGER}"))
    assert len(archived) == 1 and sha(archived[0]) == before


def test_dry_run_writes_nothing(sample):
    before = snapshot(sample)
    result = invoke("dues", "import", LEDGER, "--dry-run")
    assert result.exit_code == 0 and "预览" in result.stderr
    assert snapshot(sample) == before


def test_a_file_with_problems_changes_nothing(sample, tmp_path):
    invoke("dues", "import", LEDGER)
    before = snapshot(sample)
    bad = write_ledger(tmp_path / "有误.xlsx", [["李建国", "", "", "", 93, "九十三", 93]])
    original = sha(bad)
    result = invoke("dues", "import", str(bad))
    assert result.exit_code == 1
    assert "未导入任何内容" in result.stderr and "第5行" in result.stderr and "G列" in result.stderr
    assert "Traceback" not in result.output
    assert snapshot(sample) == before and sha(bad) == original


def test_unknown_and_ambiguous_names_are_reported_and_kept(sample, tmp_path):
    path = write_ledger(tmp_path / "台账.xlsx", [
        ["李建国", "", "", "", 93], ["李建困", "", "", "", 93], ["王五", "", "", "", 15],
        ["张伟", "", "", "", 50], ["张伟", "4800", "", "", 48]])
    result = invoke("dues", "import", str(path))
    assert result.exit_code == 0, result.output
    err = result.stderr
    assert "“李建困”：花名册中没有此人（可能是：李建国）" in err and "“王五”" in err
    # the second 张伟 told apart by 月工资 4800, so the first, paying 50 (neither's standard), is the other
    assert "第8行“张伟”认定为张伟（第一党小组）：其余同名党员已各有一行（张伟（第二党小组）在第9行）" in err
    assert "3 人 3 条交纳记录，未匹配姓名 2 个" in err
    rows = snapshot(sample)["unmatched_names"]
    assert sorted(r[3] for r in rows) == sorted(["李建困", "王五"])
    both = write_ledger(tmp_path / "台账2.xlsx", [["张伟", "", "", "", 50], ["张伟", "", "", "", 50]])
    result = invoke("dues", "import", str(both))  # nothing tells the two apart: never guessed
    assert result.exit_code == 0, result.output
    assert "第5行“张伟”：花名册中有同名党员，无法区分" in result.stderr and "张伟（第一党小组）" in result.stderr
    assert "0 人 0 条交纳记录，未匹配姓名 2 个" in result.stderr


def test_namesakes_told_apart_by_what_they_pay_and_a_branch_by_its_title(sample, tmp_path):
    """Two 张伟 rows with no 党小组 column: 76.50 a month is one 张伟's standard, 48.00 the
    other's, so the file decides. In a 党委 workspace the title 机关一支部… says whose 台账 it
    is, and only that branch's members are matched."""
    path = write_ledger(tmp_path / "台账.xlsx", [["张伟", "", "", "", 76.5, 76.5], ["张伟", "", "", "", 48, 48]],
                        title="机关一支部2017年度党费收缴台账")
    result = invoke("dues", "import", str(path))
    assert result.exit_code == 0, result.output
    assert "2 人 4 条交纳记录，未匹配姓名 0 个" in result.stderr
    config = sample / "partyday.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "[schedule]", '[[branches]]\nname = "机关第二党支部"\n\n[schedule]', 1), encoding="utf-8")
    again = invoke("dues", "import", str(path), "--dry-run")
    assert again.exit_code == 0, again.output
    assert "从标题读到：机关第一党支部的党费台账" in again.stderr


def test_how_each_namesake_row_was_decided_is_said(sample, tmp_path):
    """Two plain 张伟 rows told apart by what they pay: each decision is one line, naming
    the row, the member and the amounts compared."""
    path = write_ledger(tmp_path / "台账.xlsx", [["张伟", "", "", "", 48, 48], ["张伟", "", "", "", 76.5, 76.5]])
    result = invoke("dues", "import", str(path), "--dry-run")
    assert result.exit_code == 0, result.output
    assert ("第5行“张伟”认定为张伟（第二党小组）：每月交 48.00 元，是其月应交（张伟（第一党小组）为 76.50 元）"
            in result.stderr)
    assert "第6行“张伟”认定为张伟（第一党小组）" in result.stderr


def test_a_plain_namesake_beside_a_labelled_one_is_the_other(sample, tmp_path):
    """张伟（第一党小组） on one row and a plain 张伟 who paid nothing yet on another: the
    plain row is the second 张伟, and the report shows him owing, not the row as unknown."""
    path = write_ledger(tmp_path / "台账.xlsx", [["张伟（第一党小组）", "", "", "", 76.5, 76.5],
                                                ["张伟", "", "", "", "", "", "", "未交"]])
    result = invoke("dues", "import", str(path))
    assert result.exit_code == 0, result.output
    assert "第6行“张伟”认定为张伟（第二党小组）：其余同名党员已各有一行（张伟（第一党小组）在第5行）" in result.stderr
    assert "未匹配姓名 0 个" in result.stderr
    assert snapshot(sample)["unmatched_names"] == []


def test_a_namesake_on_two_rows_names_both_rows_and_why(sample, tmp_path):
    """Both 张伟 labelled, and a third plain 张伟 row paying the first's 76.50: one member on
    two rows is refused, naming the rows and why the plain one is taken for him."""
    path = write_ledger(tmp_path / "台账.xlsx", [["张伟（第一党小组）", "", "", "", 76.5], ["张伟（第二党小组）", "", "", "", 48],
                                                ["张伟", "", "", "", 76.5]])
    before = snapshot(sample)
    result = invoke("dues", "import", str(path))
    assert result.exit_code == 1
    assert ("张伟（第一党小组）有两行（第5行“张伟（第一党小组）”和第7行“张伟”），第7行认作张伟（第一党小组）是因为"
            "每月交 76.50 元") in result.stderr
    assert "Traceback" not in result.output and snapshot(sample) == before


def test_a_report_as_of_a_day_leaves_out_what_was_paid_after_it(sample, tmp_path):
    """李建国 paid January to March in April (93（4月补交）): as of 30 March, January and
    February were owed (March is 待交); as of 31 March, at the end of that day, March too, as
    the Q1 report (数据截至 2017-03-31) says; the 已交 total holds nothing paid later."""
    path = write_ledger(tmp_path / "台账.xlsx", [["李建国", "", "", "", "93（4月补交）", "93（4月补交）", "93（4月补交）", 93],
                                                ["张伟", "", "", "", 76.5, 76.5, 76.5, 76.5]])
    assert invoke("dues", "import", str(path)).exit_code == 0
    result = invoke("dues", "report", "--year", "2017", "--as-of", "2017-03-30", "-f", "json")
    assert result.exit_code == 0, result.output
    li = next(m for m in json.loads(result.stdout)["members"] if m["name"] == "李建国")
    assert li["arrears_months"] == ["2017-01", "2017-02"] and li["paid"] == "0.00"
    end = json.loads(invoke("dues", "report", "--year", "2017", "--as-of", "2017-03-31", "-f", "json").stdout)
    li = next(m for m in end["members"] if m["name"] == "李建国")
    assert li["arrears_months"] == ["2017-01", "2017-02", "2017-03"] and li["owed"] == "279.00"
    assert invoke("plan", "2017").exit_code == 0  # the quarterly needs its activities held
    assert invoke("attend", "import", "签到/2017-01 一月签到表.xlsx").exit_code == 0
    q1 = json.loads(invoke("report", "quarterly", "--year", "2017", "--quarter", "1", "-f", "json").stdout)
    assert next(d for d in q1["dues"]["members"] if d["name"] == "李建国")["owed"] == li["owed"]
    later = json.loads(invoke("dues", "report", "--year", "2017", "--as-of", "2017-05-01", "-f", "json").stdout)
    li = next(m for m in later["members"] if m["name"] == "李建国")
    assert li["arrears_months"] == [] and li["paid"] == "372.00"
    # the printed 台账: the amount in its month's cell, when it was paid in 备注 ('93.00（4月补交）'
    # in the cell shrank to an unreadable font; helper-31 #10)
    printed = tmp_path / "台账（输出）.xlsx"
    assert invoke("dues", "report", "--year", "2017", "--as-of", "2017-05-01", "-o", str(printed)).exit_code == 0
    row = next(r for r in load_workbook(printed).active.iter_rows(values_only=True) if "李建国" in r)
    assert [row[5], row[6], row[7]] == [93, 93, 93] and "1月—3月于4月补交" in row[-1]


def test_the_month_of_a_transfer_given_by_month_is_the_branchs_when_its_taizhang_has_it_paid(sample, tmp_path):
    """赵磊 “2017年6月转出”: the roster gives the month only. A 台账 with June paid (105.00)
    counts June as his and paid — it said 不在本支部党员期间却有交纳记录 and left June out
    of 应交 while the sign-in counted June. (With June “/”, as the sample 台账 has it, June is
    not owed: test_report_finds_what_the_sample_ledger_hides.)"""
    paid = write_ledger(tmp_path / "台账.xlsx", [["赵磊", "", "", "", *[105] * 6]])
    assert invoke("dues", "import", str(paid)).exit_code == 0
    zhao = next(m for m in json.loads(invoke("dues", "report", "--year", "2017", "--as-of", "2017-07-31", "-f",
                                             "json").stdout)["members"] if m["name"] == "赵磊")
    assert [m["month"] for m in zhao["months"]][-1] == "2017-06" and zhao["months"][-1]["status"] == "已交"
    assert zhao["flags"] == [] and zhao["owed"] == "0.00" and zhao["paid"] == "630.00"


def test_december_paid_for_january_counts_in_the_next_years_report(sample, tmp_path):
    """李建国 pays 186（含2018年1月） in December 2017 and his January 2018 cell stays blank:
    the 2018 report, the member record and the quarterly say January is paid (预交), where
    they said 欠交 93.00 of money handed in."""
    old = write_ledger(tmp_path / "2017台账.xlsx", [["李建国", "", "", "", *[93] * 11, 186], ["张伟", "", "", "", *[76.5] * 12]])
    new = write_ledger(tmp_path / "2018台账.xlsx", [["李建国", "", "", "", "", 93, 93], ["张伟", "", "", "", 76.5, 76.5, 76.5]],
                       title="2018年度党费收缴台账")
    assert invoke("dues", "import", str(old)).exit_code == 0
    assert invoke("dues", "import", str(new)).exit_code == 0
    result = invoke("dues", "report", "--year", "2018", "--as-of", "2018-04-01", "-f", "json")
    assert result.exit_code == 0, result.output
    li = next(m for m in json.loads(result.stdout)["members"] if m["name"] == "李建国")
    assert li["arrears_months"] == [] and li["owed"] == "0.00", li
    assert "2017年12月交纳 186.00 元，其中 93.00 元计为预交2018年1月党费" in li["flags"]
    record = invoke("report", "member", "李建国", "--year", "2018", "-f", "json")
    assert record.exit_code == 0, record.output
    assert "欠交" not in record.stdout and "计为预交2018年1月党费" in record.stdout
    assert invoke("plan", "2018").exit_code == 0
    quarterly = invoke("report", "quarterly", "--year", "2018", "--quarter", "1", "-f", "json")
    assert quarterly.exit_code == 0, quarterly.output
    dues = next(m for m in json.loads(quarterly.stdout)["dues"]["members"] if m["name"] == "李建国")
    assert dues["owed"] == "0.00" and dues["arrears_months"] == [], dues
    # the 2017 report still has December as that year's 台账 has it
    year_before = json.loads(invoke("dues", "report", "--year", "2017", "-f", "json").stdout)
    li = next(m for m in year_before["members"] if m["name"] == "李建国")
    assert li["arrears_months"] == [] and li["paid"] == "1209.00"


def test_an_updated_taizhang_says_what_it_changes(sample, tmp_path):
    """helper-30 #8: the 台账 is kept all year and imported again each month; the import
    listed no change. It now says each month newly paid, each amount changed, and (with
    --dry-run too) each paid month the new 台账 leaves blank."""
    first = write_ledger(tmp_path / "台账（3月）.xlsx", [["李建国", "", "", "", 93, 93, 93], ["王芳", "", "", "", 42, 42]])
    result = invoke("dues", "import", str(first))
    assert result.exit_code == 0 and "与之前导入的台账相比" not in result.output  # nothing before it
    later = write_ledger(tmp_path / "台账（4月）.xlsx", [["李建国", "", "", "", 93, 93, "", 93],
                                                     ["王芳", "", "", "", 42, 21, 42]])
    dry = invoke("dues", "import", str(later), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "与之前导入的台账相比：新增 2 条，金额变更 1 条，改为未交 1 条" in dry.output
    for line in ("新增 李建国 2017年4月 93.00 元", "新增 王芳 2017年3月 42.00 元", "变更 王芳 2017年2月 42.00 → 21.00 元",
                 "改为未交 李建国 2017年3月（之前记为已交 93.00 元"):
        assert line in dry.output, dry.output
    done = invoke("dues", "import", str(later))
    assert done.exit_code == 0 and "新增 2 条，金额变更 1 条，改为未交 1 条（见上）" in done.output
    assert "李建国 3月：之前导入的台账记为已交 93.00 元" in done.output  # the one warning for it
    again = invoke("dues", "import", str(later))
    assert "与之前导入的台账相比" not in again.output and "已导入过" in again.output


def test_a_year_paid_at_once_is_read_with_its_words(sample, tmp_path):
    """helper-29 #4: “2.40（全年）” in January — a 农民/学生 member paying the year at once — was
    refused as unreadable; it is the year's dues paid ahead (预交), as any amount over the month's."""
    path = write_ledger(tmp_path / "台账.xlsx", [["杨建军", "", "", "", "12.00（全年）"], ["刘洋", "", "", "", "2.40(全年一次交清)"],
                                                ["马丽", "", "", "", "预交2.40"]])
    result = invoke("dues", "import", str(path))
    assert result.exit_code == 0, result.output
    report = json.loads(invoke("dues", "report", "--year", "2017", "--as-of", "2017-12-31", "-f", "json").stdout)
    for m in (m for m in report["members"] if m["name"] in ("杨建军", "刘洋", "马丽")):
        assert m["owed"] == "0.00" and {x["status"] for x in m["months"]} == {"已交"}, m
        assert any("计为预交2017年2月—12月党费" in f for f in m["flags"])


def test_a_corrected_taizhang_with_a_cell_emptied_takes_the_payment_back(sample, tmp_path):
    """张伟's March was typed into 李建国's row by mistake; the 组织委员 empties the cell and
    imports the corrected 台账: March is 未交 again and the import says so (the earlier
    93.00 stayed 已交, the blank being no row to supersede it)."""
    first = write_ledger(tmp_path / "台账.xlsx", [["李建国", "", "", "", 93, 93, 93]])
    assert invoke("dues", "import", str(first)).exit_code == 0
    fixed = write_ledger(tmp_path / "台账（更正）.xlsx", [["李建国", "", "", "", 93, 93, ""]])
    result = invoke("dues", "import", str(fixed))
    assert result.exit_code == 0, result.output
    assert "李建国 3月：之前导入的台账记为已交 93.00 元，本次台账为空白（或未交），按未交记录" in result.output
    li = next(m for m in report_json()["members"] if m["name"] == "李建国")
    assert li["arrears_months"][:1] == ["2017-03"] and li["paid"] == "186.00", li
    assert invoke("plan", "2017").exit_code == 0
    quarterly = invoke("report", "quarterly", "--year", "2017", "--quarter", "1", "-f", "json")
    dues = next(m for m in json.loads(quarterly.stdout)["dues"]["members"] if m["name"] == "李建国")
    assert dues["arrears_months"] == ["2017-03"], dues
    record = invoke("report", "member", "李建国", "--year", "2017", "-f", "json").stdout
    assert '"2017-03"' in record and "欠交" in record
    # the first file imported again is the newest word: March is paid once more, said nothing of
    again = write_ledger(tmp_path / "台账（再改）.xlsx", [["李建国", "", "", "", 93, 93, "93"]])
    assert invoke("dues", "import", str(again)).exit_code == 0
    li = next(m for m in report_json()["members"] if m["name"] == "李建国")
    assert "2017-03" not in li["arrears_months"] and li["paid"] == "279.00", li


def test_declared_standard_mismatch_is_a_warning_naming_the_row(sample, tmp_path):
    path = write_ledger(tmp_path / "台账.xlsx", [["林涛", 5200, "1%", 52, 52], ["高峰", 8800, "1.5%", 132, 132]])
    result = invoke("dues", "import", str(path))
    assert result.exit_code == 0, result.output
    assert "第5行 D列 林涛：台账“比例”为 1%，按花名册核定为 1.5%" in result.stderr
    assert "第5行 E列 林涛：台账“月应交”为 52 元，按花名册核定为 78.00 元" in result.stderr
    assert "高峰" not in result.stderr
    tao = next(m for m in report_json()["members"] if m["name"] == "林涛")
    assert tao["months"][0] == {"month": "2017-01", "due": "78.00", "paid": "52.00", "status": "未交",
                                "paid_on": None}


def test_missing_file_is_one_chinese_line(sample):
    result = invoke("dues", "import", "没有这个文件.xlsx")
    assert result.exit_code == 1 and "没有这个文件.xlsx" in result.stderr
    assert "Traceback" not in result.output


# ------------------------------------------------------------------------ report


def test_a_report_before_any_dues_import_flags_nobody(sample):
    """No 台账 imported yet: the months are 未登记, nobody owes, nobody is 自行脱党."""
    result = invoke("dues", "report", "--year", "2017", "--as-of", "2017-07-01", "-f", "json")
    assert result.exit_code == 0 and "还没有导入党费台账" in result.stderr
    data = json.loads(result.stdout)
    assert data["members"] and not any(m["flags"] for m in data["members"])
    assert data["totals"]["owed"] == "0.00"


def test_report_finds_what_the_sample_ledger_hides(sample):
    assert invoke("dues", "import", LEDGER).exit_code == 0
    data = report_json()
    members = {(m["name"], m["monthly"]): m for m in data["members"]}
    deng = members[("邓超", "44.00")]
    assert deng["flags"][0] == ("连续6个月未交纳党费（2017年1月—6月），按党章第九条应视为自行脱党情形，"
                                "请支部核实处理")
    assert deng["owed"] == "264.00" and deng["max_consecutive_unpaid"] == 6
    feb = members[("罗敏", "46.00")]["months"][1]
    assert (feb["status"], feb["paid_on"]) == ("补交", "2017-05-01")
    assert members[("罗敏", "46.00")]["flags"] == []  # 3 months late: not beyond 6
    assert [m["month"] for m in members[("李娜", "36.00")]["months"]][0] == "2017-04"
    assert [m["month"] for m in members[("赵磊", "105.00")]["months"]][-1] == "2017-05"
    assert members[("李建国", "93.00")]["months"][-1]["status"] == "待交"  # July not over
    assert data["totals"] == {"members": 30, "paid": "16707.60", "owed": "264.00",
                              "members_in_arrears": 1, "unrecorded_months": []}
    assert [m["name"] for m in data["members"] if m["flags"]] == ["邓超"]


def test_months_after_the_ledger_stops_are_blank_not_paid(sample):
    """The sample 台账 is filled to June. At the year's end July—December are 未登记: a blank
    cell (not 0.00 as if paid), named under the table, and never counted as paid or owed."""
    assert invoke("dues", "import", LEDGER).exit_code == 0
    out = invoke("dues", "report", "--year", "2017", "--as-of", "2018-01-01", "-f", "csv").stdout
    rows = {r.split(",")[1]: r.split(",") for r in out.splitlines()[1:] if r.split(",")[0].isdigit()}
    header = out.splitlines()[0].split(",")
    july = header.index("7月")
    assert rows["李建国"][july - 1] == "93.00" and rows["李建国"][july:july + 6] == [""] * 6
    table = invoke("dues", "report", "--year", "2017", "--as-of", "2018-01-01").stdout
    assert "2017年7月—12月台账尚未登记，未计入欠交" in table
    data = report_json("--as-of", "2018-01-01")
    assert data["totals"]["owed"] == "264.00"
    assert data["totals"]["unrecorded_months"] == [f"2017-{m:02d}" for m in range(7, 13)]
    statuses = {m["status"] for m in data["members"][0]["months"][6:]}
    assert statuses == {"未登记"}


def test_report_table_and_csv(sample):
    invoke("dues", "import", LEDGER)
    table = invoke("dues", "report", "--year", "2017", "--as-of", "2017-07-01")
    assert table.exit_code == 0 and "党章第九条" in table.stdout
    assert "需关注 1 人" in table.stderr
    # the screen: a mark a month, so twelve months fit beside the names (helper-30 #9, helper-31 #4)
    rows = [line for line in table.stdout.splitlines() if line.startswith("|")]
    head = [c.strip() for c in rows[0].strip("|").split("|")]
    assert head[:4] == ["姓名", "月应交", "1", "2"] and head[-3:] == ["已交", "欠交", "提醒"]
    li = next([c.strip() for c in r.strip("|").split("|")] for r in rows if "李建国" in r)
    assert li[2:9] == ["√"] * 6 + ["待"] and "待 未到期" in table.stdout  # July not due yet on 7/1
    assert max(len(r) for r in rows) < 120
    csv = invoke("dues", "report", "--year", "2017", "--as-of", "2017-07-01", "-f", "csv").stdout
    header = csv.splitlines()[0]
    assert "1月" in header and "7月" in header and "8月" not in header
    names = [line.split(",")[1] for line in csv.splitlines()[1:] if "张伟" in line]
    assert sorted(names) == ["张伟（第一党小组）", "张伟（第二党小组）"]  # the two 张伟 told apart


def test_template_option_needs_xlsx(sample):
    result = invoke("dues", "report", "--year", "2017", "-f", "json", "--template", "x.xlsx")
    assert result.exit_code == 1 and "--template" in result.stderr


def test_filled_ledger_prints_on_a4_and_reads_back(sample):
    assert invoke("dues", "import", LEDGER).exit_code == 0
    (sample / "out").mkdir(exist_ok=True)
    target = sample / "out" / "2017年党费台账.xlsx"
    result = invoke("dues", "report", "--year", "2017", "--as-of", "2017-07-01", "-o", str(target))
    assert result.exit_code == 0, result.output
    pdf = to_pdf(target)
    pages = pdf_pages(pdf)
    assert len(pages) == 1 and all(is_a4(p) and p[0] > p[1] for p in pages)  # A4 landscape
    text = pdf_text(pdf)
    assert "2017年度党费收缴台账" in text and "邓超" in text and "党章第九条" in text
    assert "16707.60" in text
    again = invoke("dues", "import", str(target), "--dry-run")  # our own 台账 reads back
    assert again.exit_code == 0 and "29 人 170 条交纳记录，未匹配姓名 0 个" in again.stderr


def test_dues_config_is_used_and_checked(sample):
    config = sample / "partyday.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("quarterly_payment = false", "quarterly_payment = true"),
                      encoding="utf-8")
    assert invoke("dues", "import", LEDGER).exit_code == 0
    data = report_json("--as-of", "2017-08-15")  # the later --as-of wins
    deng = next(m for m in data["members"] if m["name"] == "邓超")
    assert [m["status"] for m in deng["months"]][-2:] == ["季度内", "待交"]  # Q3 not over
    config.write_text(text.replace('cap = "1000.00"', 'cap = "一千"'), encoding="utf-8")
    bad = invoke("dues", "standard", "--year", "2017")
    assert bad.exit_code == 1 and "cap" in bad.stderr and "Traceback" not in bad.output



def test_a_party_committee_gets_one_dues_ledger_per_branch(tmp_path):
    """`dues report --format xlsx` in a 党委 workspace refused to run without --branch."""
    from tests.test_report import _generator

    ws = _generator().generate_workspace(tmp_path / "党委", branches=3, members=90, seed=4)
    result = invoke("dues", "report", "-y", "2017", "--as-of", "2017-06-30", "-f", "xlsx", "-w", str(ws))
    assert result.exit_code == 0, result.output
    files = sorted((ws / "out").glob("2017年党费台账-*.xlsx"))
    assert len(files) == 3
    for path in files:
        branch = path.stem.split("-", 1)[1]
        text = pdf_text(to_pdf(path))
        assert branch in text and "党费" in text
        others = {p.stem.split("-", 1)[1] for p in files} - {branch}
        assert not any(other in text for other in others)  # each branch's own members only
    one = invoke("dues", "report", "-y", "2017", "--as-of", "2017-06-30", "-o", str(tmp_path / "台账.xlsx"),
                 "-w", str(ws))
    assert one.exit_code == 1 and "--branch" in one.stderr and not (tmp_path / "台账.xlsx").exists()


def test_the_taizhang_templates_variables_are_listed(sample):
    """A 党委 making its own 党费台账 format finds the variables as for the other templates."""
    result = invoke("dues", "report", "--list-vars")
    assert result.exit_code == 0
    assert "模板 党费台账.xlsx 使用的变量" in result.stdout and "members" in result.stdout and "cells" in result.stdout


def test_a_member_who_moved_branch_without_id_number_keeps_one_years_dues(tmp_path):
    """李明 moves from 第一 to 第二党支部 on 15 November; the 花名册 has no 身份证号. He was two
    people (one left, one new), and the 第二 台账's blank January–November cells then took
    back what 第一's 台账 recorded: 第一 showed 欠交 550.00 of money paid. Now 第一 has
    January–November paid, 第二 December."""
    from openpyxl import Workbook

    ws = tmp_path / "党委"
    assert invoke("init", str(ws), "--branch", "第一党支部", "--branch", "第二党支部").exit_code == 0

    def roster(path: Path, moved: bool, day: str) -> Path:
        wb = Workbook()
        sheet = wb.active
        sheet.append(["某局党委党员花名册"])
        sheet.append(["填报日期：" + day])
        sheet.append(["序号", "姓名", "所在支部", "入党时间", "人员类别", "月收入（元）"])
        for i, (name, branch) in enumerate([("甲一", "第一党支部"), ("李明", "第二党支部" if moved else "第一党支部"),
                                            ("乙一", "第二党支部")], start=1):
            sheet.append([i, name, branch, "2010.07.01", "在职", 5000])
        wb.save(path)
        return path

    assert invoke("roster", "import", str(roster(tmp_path / "1月.xlsx", False, "2017年1月1日")),
                  "--as-of", "2017-01-01", "-w", str(ws)).exit_code == 0
    moved = invoke("roster", "import", str(roster(tmp_path / "11月.xlsx", True, "2017年11月15日")),
                   "--as-of", "2017-11-15", "-w", str(ws))
    assert moved.exit_code == 0 and "变更 李明：所在支部 第一党支部→第二党支部" in moved.output, moved.output
    first = write_ledger(tmp_path / "一.xlsx", [["甲一", "", "", "", *[50] * 12], ["李明", "", "", "", *[50] * 11, ""]],
                         title="第一党支部2017年度党费收缴台账")
    second = write_ledger(tmp_path / "二.xlsx", [["乙一", "", "", "", *[50] * 12], ["李明", "", "", "", *[""] * 11, 50]],
                          title="第二党支部2017年度党费收缴台账")
    for path in (first, second):
        result = invoke("dues", "import", str(path), "-w", str(ws))
        assert result.exit_code == 0 and "之前导入的台账记为已交" not in result.output, result.output
    report = json.loads(invoke("dues", "report", "--year", "2017", "--as-of", "2017-12-31", "-f", "json",
                               "-w", str(ws)).stdout)
    lines = {m["branch"]: m for m in report["members"] if m["name"] == "李明"}
    assert (lines["第一党支部"]["paid"], lines["第一党支部"]["owed"]) == ("550.00", "0.00"), lines
    assert (lines["第二党支部"]["paid"], lines["第二党支部"]["owed"]) == ("50.00", "0.00"), lines


def test_an_xlsx_report_without_o_goes_to_out_even_from_a_script(sample):
    """From cron or a script (no terminal) `dues report -f xlsx` wrote the workbook's bytes to
    stdout — a zip into the log; the README says it goes to out/, as from a terminal."""
    assert invoke("dues", "import", LEDGER).exit_code == 0
    result = invoke("dues", "report", "--year", "2017", "--as-of", "2017-07-01", "-f", "xlsx")
    assert result.exit_code == 0, result.output
    assert not result.stdout_bytes.startswith(b"PK")
    assert (sample / "out" / "2017年党费台账-机关第一党支部.xlsx").is_file()
