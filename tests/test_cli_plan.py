"""`partyday plan | signsheet | record` on the sample branch and on each seed scheme."""

import json
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from partyday_cli.cli.main import app
from partyday_cli.core.themes import PlannedTheme, check_plan
from partyday_cli.io.schemes import scheme_names
from partyday_cli.io.themes import load_catalogue
from tests.realclient import is_a4, pdf_pages, pdf_text, to_pdf

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "workspace"
runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def stored_plan(ws: Path, year: int) -> list[PlannedTheme]:
    conn = sqlite3.connect(ws / "ledger.db")
    rows = conn.execute("SELECT date, theme, kinds, content, form FROM activities "
                        "WHERE date LIKE ? ORDER BY date", (f"{year}-%",)).fetchall()
    conn.close()
    return [PlannedTheme(date.fromisoformat(d), tuple(t.split("、")), tuple(json.loads(k)), c, f)
            for d, t, k, c, f in rows]


@pytest.mark.parametrize("scheme", scheme_names())
def test_plan_meets_every_frequency_of_each_scheme(tmp_path, monkeypatch, scheme):
    ws = tmp_path / scheme
    assert invoke("init", str(ws), "--scheme", scheme).exit_code == 0
    config = ws / "partyday.toml"
    if 'rule = "month.once"' in config.read_text(encoding="utf-8"):  # the branch writes its days
        days = "\n".join(f'"2017-{m:02d}" = "2017-{m:02d}-{20 if m != 10 else 23}"' for m in range(1, 13))
        config.write_text(config.read_text(encoding="utf-8").replace(
            "[schedule.dates]\n", f"[schedule.dates]\n{days}\n"), encoding="utf-8")
    monkeypatch.chdir(ws)
    result = invoke("plan", "2017")
    assert result.exit_code == 0, result.output
    items = stored_plan(ws, 2017)
    assert items, "the plan is stored in the ledger"
    catalogue_name = (ws / "partyday.toml").read_text(encoding="utf-8").split('catalogue = "')[1].split('"')[0]
    catalogue = load_catalogue(catalogue_name)
    unmet = check_plan(items, catalogue)
    # whatever the checker finds unmet must have been said to the user, in Chinese
    for sentence in unmet:
        assert sentence in result.stderr
    assert unmet == [], unmet  # every preset's catalogue fits the year its own rule gives
    if scheme == "fupinban-9plus3":
        chosen = {r.name for r in catalogue.requirements if r.type == "chosen"} | set(catalogue.chosen)
        used = {t for item in items for t in item.themes}
        assert len(used & chosen) >= 3
    out = list((ws / "out").glob("2017年度活动安排表-*.xlsx"))
    assert len(out) == 1


def test_skipped_months_are_explained(tmp_path, monkeypatch):
    ws = tmp_path / "ws"
    invoke("init", str(ws), "--scheme", "9+3")
    config = ws / "partyday.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("skip_months = []", "skip_months = [7, 8, 9]"),
                      encoding="utf-8")
    monkeypatch.chdir(ws)
    result = invoke("plan", "2017")
    assert result.exit_code == 0
    assert "第三季度" in result.stderr  # 党务公开 is quarterly: Q3 has no activity day
    assert "12次" in result.stderr  # 全年不少于12次: only 9 dates


@pytest.fixture
def sample(tmp_path, monkeypatch):
    ws = tmp_path / "sample"
    shutil.copytree(SAMPLE, ws)
    monkeypatch.chdir(ws)
    assert invoke("roster", "import", "roster.xlsx", "--as-of", "2017-01-05").exit_code == 0
    assert invoke("plan", "2017").exit_code == 0
    return ws


def names_in(path: Path, column: str = "B", first_row: int = 5) -> list[str]:
    ws = load_workbook(path).active
    out = []
    for row in range(first_row, ws.max_row + 1):
        value = ws[f"{column}{row}"].value
        if value is None or str(value).startswith("应到"):
            break
        out.append(str(value))
    return out


def expected_names(day: str) -> set[str]:
    rows = json.loads(invoke("roster", "list", "--date", day, "-f", "json").stdout)
    return {r["name"] for r in rows if not r["exempt"]}


def test_signsheet_lists_exactly_the_expected_members(sample):
    assert invoke("signsheet", "2017-04-12").exit_code == 0
    sheet = sample / "out" / "2017-04-12签到表-机关第一党支部.xlsx"
    names = names_in(sheet)
    assert len(names) == 29
    assert set(names) == expected_names("2017-04-12")
    assert "李娜" in names  # admitted as 预备党员 on 2017-04-10
    assert "陈国华" not in names  # exempt
    assert names.count("张伟") == 2
    ws = load_workbook(sheet).active
    assert "应到 29 人" in str(ws[f"A{5 + 29}"].value) and "陈国华" in str(ws[f"A{5 + 29}"].value)

    invoke("signsheet", "2017-03-08")
    march = names_in(sample / "out" / "2017-03-08签到表-机关第一党支部.xlsx")
    assert "李娜" not in march and len(march) == 28
    invoke("signsheet", "2017-07-12")
    july = names_in(sample / "out" / "2017-07-12签到表-机关第一党支部.xlsx")
    assert "赵磊" not in july  # 2017年6月转出


def test_record_has_deadline_in_working_days(sample):
    result = invoke("record", "2017-09-13")
    assert result.exit_code == 0
    ws = load_workbook(sample / "out" / "2017-09-13记实表-机关第一党支部.xlsx").active
    text = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    # 9月13日 + 5 working days = 9月20日; 一式两份 from the scheme
    assert "2017年9月20日前" in text and "一式两份" in text
    assert "2017年9月13日（星期三）" in text
    assert "暂定" not in result.output  # a year the holiday package knows


def test_record_fills_attendance_once_recorded(sample):
    conn = sqlite3.connect(sample / "ledger.db")
    act = conn.execute("SELECT id FROM activities WHERE date = '2017-04-12'").fetchone()[0]
    members = dict(conn.execute("SELECT name, id FROM members").fetchall())
    conn.execute("INSERT INTO attendance (activity_id, member_id, status, reason) VALUES (?,?,?,?)",
                 (act, members["李建国"], "出席", ""))
    conn.execute("INSERT INTO attendance (activity_id, member_id, status, reason) VALUES (?,?,?,?)",
                 (act, members["高峰"], "请假", "出差"))
    conn.execute("INSERT INTO attendance (activity_id, member_id, status, reason) VALUES (?,?,?,?)",
                 (act, members["许文"], "缺席", ""))
    conn.commit()
    conn.close()
    invoke("record", "2017-04-12")
    ws = load_workbook(sample / "out" / "2017-04-12记实表-机关第一党支部.xlsx").active
    text = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    assert "高峰（出差）" in text and "许文" in text

    # the same plan again (printed in another template, say) re-plans nothing: no --force
    assert invoke("plan", "2017").exit_code == 0
    config = sample / "partyday.toml"  # another rule: a new plan, which asks for --force
    config.write_text(config.read_text(encoding="utf-8").replace('rule = "month.week2.wed"', 'rule = "month.week3.wed"', 1),
                      encoding="utf-8")
    result = invoke("plan", "2017")
    assert result.exit_code == 1 and "新的安排与账本中的不同" in result.stderr and "--force" in result.stderr
    result = invoke("plan", "2017", "--force")
    assert result.exit_code == 0
    conn = sqlite3.connect(sample / "ledger.db")
    assert conn.execute("SELECT count(*) FROM attendance").fetchone()[0] == 3
    conn.close()


def make_user_template(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "签到"
    ws["A1"] = "{{ org }} {{ branch.name }} 签到（党委格式）"
    ws.merge_cells("A1:C1")
    ws["A2"] = "日期：{{ activity.date_text }}"
    ws["A3"] = "序号"
    ws["B3"] = "姓名"
    ws["C3"] = "签字"
    ws["A4"] = "{%row for m in members %}{{ m.index }}"
    ws["B4"] = "{{ m.name }}"
    ws["A5"] = "共 {{ expected }} 人"
    ws.print_area = "A1:C5"
    other = wb.create_sheet("填写要求")
    other["A1"] = "请用黑色签字笔签名"
    wb.save(path)


def test_user_template_keeps_merges_print_area_and_other_sheets(sample):
    tpl = sample / "党委签到表.xlsx"
    make_user_template(tpl)
    out = sample / "out" / "mine.xlsx"
    result = invoke("signsheet", "2017-04-12", "--template", str(tpl), "-o", str(out))
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    ws = wb["签到"]
    assert "A1:C1" in {str(r) for r in ws.merged_cells.ranges}
    assert "机关第一党支部" in ws["A1"].value
    assert ws.print_area and "$C$" in ws.print_area and "33" in ws.print_area  # 5 + 28 rows
    assert wb["填写要求"]["A1"].value == "请用黑色签字笔签名"
    assert ws["A33"].value == "共 29 人"


@pytest.mark.parametrize("bad", ["{{ branch.nmae }}", "{{ ''.__class__.__mro__ }}", "{{ oops( }}"])
def test_bad_user_template_names_the_cell_and_writes_nothing(sample, bad):
    tpl = sample / "bad.xlsx"
    make_user_template(tpl)
    wb = load_workbook(tpl)
    wb["签到"]["C2"] = bad
    wb.save(tpl)
    out = sample / "out" / "bad-out.xlsx"
    result = invoke("signsheet", "2017-04-12", "--template", str(tpl), "-o", str(out))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "C2" in lines[0] and "签到" in lines[0]
    assert not out.exists()


def test_list_vars(sample):
    result = invoke("signsheet", "2017-04-12", "--list-vars")
    assert result.exit_code == 0 and "members" in result.stdout and "expected" in result.stdout
    assert "activities" in invoke("plan", "2017", "--list-vars").stdout
    assert "deadline" in invoke("record", "2017-04-12", "--list-vars").stdout


def test_list_vars_needs_no_year_or_day(sample):
    """--list-vars asks about the template only: no year or day to make up first."""
    for command, var in (("plan", "activities"), ("signsheet", "members"), ("record", "deadline")):
        result = invoke(command, "--list-vars")
        assert result.exit_code == 0 and var in result.stdout, command
        missing = invoke(command)
        assert missing.exit_code == 2 and "缺少参数" in missing.output, command


def big_workspace(tmp_path: Path, members: int) -> Path:
    ws = tmp_path / f"big{members}"
    invoke("init", str(ws), "--branch", "大支部")
    wb = Workbook()
    sheet = wb.active
    sheet.append(["大支部党员花名册"])
    sheet.append(["序号", "姓名", "党小组", "入党时间", "人员类别"])
    surnames = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
    given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰"
    for i in range(members):
        name = surnames[i % len(surnames)] + given[(i // len(surnames)) % len(given)] + given[i % 7]
        sheet.append([i + 1, name, f"第{i % 4 + 1}党小组", "2010.07.01", "在职"])
    wb.save(ws / "名单.xlsx")
    return ws


@pytest.mark.parametrize(("members", "pages"), [(12, 1), (60, 2), (110, None)])
def test_signsheet_prints_on_a4(tmp_path, monkeypatch, members, pages):
    ws = big_workspace(tmp_path, members)
    monkeypatch.chdir(ws)
    assert invoke("roster", "import", "名单.xlsx", "--as-of", "2017-01-01").exit_code == 0
    assert invoke("plan", "2017").exit_code == 0
    assert invoke("signsheet", "2017-04-12").exit_code == 0
    sheet = next((ws / "out").glob("2017-04-12签到表-*.xlsx"))
    pdf = to_pdf(sheet)
    sizes = pdf_pages(pdf)
    assert all(is_a4(s) and s[0] < s[1] for s in sizes)  # A4 portrait
    if pages is not None:
        assert len(sizes) == pages
    else:  # two halves side by side: 55 rows of two names
        assert load_workbook(sheet).active["E5"].value == 56
        assert len(sizes) <= 2
    text = pdf_text(pdf)
    assert f"应到 {members} 人" in text
    # rows high enough to sign in (helpers 29/30/33: shrunk to one page, 60 rows were 5 mm):
    # 8 mm at least, more where the page has room; a longer list runs on, its header repeated
    book = load_workbook(sheet).active
    rows = [book.row_dimensions[r].height for r in range(5, 5 + min(members, 55))]
    assert min(rows) >= 23 and (members > 20 or min(rows) >= 30)
    if len(sizes) > 1:  # the header on every page (twice on a page of two halves)
        assert text.count("本人签名") == len(sizes) * (1 if pages is not None else 2)


def test_plan_and_record_open_in_libreoffice(sample):
    invoke("record", "2017-04-12")
    for path in (sample / "out").glob("*.xlsx"):
        pages = pdf_pages(to_pdf(path))
        assert len(pages) == 1 and is_a4(pages[0]), path.name


def test_a_branch_without_groups_gets_a_signsheet_without_the_group_column(tmp_path, monkeypatch):
    """A 支部 of 12 without 党小组 printed an empty 党小组 column on every 签到表."""
    ws = tmp_path / "小支部"
    invoke("init", str(ws), "--branch", "后勤党支部")
    wb = Workbook()
    sheet = wb.active
    sheet.append(["后勤党支部党员花名册"])
    sheet.append(["序号", "姓名", "入党时间", "人员类别"])
    for i, name in enumerate(["赵一", "钱二", "孙三", "李四", "周五", "吴六", "郑七", "王八", "冯九", "陈十", "褚十一", "卫十二"]):
        sheet.append([i + 1, name, "2010.07.01", "在职"])
    wb.save(ws / "名单.xlsx")
    monkeypatch.chdir(ws)
    assert invoke("roster", "import", "名单.xlsx", "--as-of", "2017-01-01").exit_code == 0
    assert invoke("plan", "2017").exit_code == 0
    assert invoke("signsheet", "2017-04-12").exit_code == 0
    path = next((ws / "out").glob("2017-04-12签到表-*.xlsx"))
    header = [c.value for c in load_workbook(path).active[4] if c.value]
    assert header == ["序号", "姓名", "本人签名", "备注"]
    text = pdf_text(to_pdf(path))
    assert "党小组" not in text and "褚十一" in text and "应到 12 人" in text
    # a branch with 党小组 keeps the column (the sample's 签到表)
    assert "党小组" in [c.value for c in load_workbook(
        Path(__file__).resolve().parents[1] / "templates" / "签到表.xlsx").active[4]]


def _filled_on(path: Path) -> str:
    ws = load_workbook(path).active
    return next(str(c.value) for row in ws.iter_rows() for c in row if "填报日期" in str(c.value or ""))


def test_a_plan_for_a_year_gone_by_leaves_the_filling_date_to_the_secretary(sample):
    """A 2017 plan made again in 2026 said 填报日期：2026年12月7日."""
    result = invoke("plan", "2017")
    assert result.exit_code == 0 and "填报日期" in result.stderr + result.stdout
    plan = sample / "out" / "2017年度活动安排表-机关第一党支部.xlsx"
    assert _filled_on(plan) == "填报日期：＿＿＿＿年＿＿月＿＿日"
    assert "＿＿＿＿年＿＿月＿＿日" in pdf_text(to_pdf(plan))
    this_year = date.today().year
    assert invoke("plan", str(this_year)).exit_code == 0
    today = date.today()
    current = sample / "out" / f"{this_year}年度活动安排表-机关第一党支部.xlsx"
    assert _filled_on(current) == f"填报日期：{today.year}年{today.month}月{today.day}日"


def test_the_plan_names_the_secretary_as_host_or_says_how_to(sample, tmp_path, monkeypatch):
    """负责人 was empty on every row though the roster notes 李建国 as 支部书记."""
    plan = sample / "out" / "2017年度活动安排表-机关第一党支部.xlsx"
    ws = load_workbook(plan).active
    col = next(c.column for c in ws[3] if c.value == "负责人")
    hosts = {ws.cell(row=r, column=col).value for r in range(4, 16)}
    assert hosts == {"李建国"}
    # nobody noted as 书记, none configured: the column is left blank, and the user told how to fill it
    monkeypatch.chdir(tmp_path)
    test_a_branch_without_groups_gets_a_signsheet_without_the_group_column(tmp_path, monkeypatch)
    again = invoke("plan", "2017", "--force")
    assert "负责人" in again.stderr and 'secretary = "书记姓名"' in again.stderr


def test_record_tells_namesakes_apart(sample):
    """The 记实表 wrote 请假人员 “张伟（出差）”: which of the branch's two 张伟?"""
    conn = sqlite3.connect(sample / "ledger.db")
    act = conn.execute("SELECT id FROM activities WHERE date = '2017-04-12'").fetchone()[0]
    ids = [r[0] for r in conn.execute("SELECT id FROM members WHERE name = '张伟' ORDER BY id")]
    assert len(ids) == 2
    conn.execute("INSERT INTO attendance (activity_id, member_id, status, reason) VALUES (?,?,?,?)",
                 (act, ids[1], "请假", "出差"))
    conn.execute("INSERT INTO attendance (activity_id, member_id, status, reason) VALUES (?,?,?,?)",
                 (act, ids[0], "出席", ""))
    conn.commit()
    conn.close()
    assert invoke("record", "2017-04-12").exit_code == 0
    path = sample / "out" / "2017-04-12记实表-机关第一党支部.xlsx"
    text = " ".join(str(c.value) for row in load_workbook(path).active.iter_rows() for c in row if c.value)
    assert "张伟（第二党小组）（出差）" in text
    assert "张伟（第二党小组）" in pdf_text(to_pdf(path)).replace("\n", "").replace(" ", "")


def test_a_template_that_fails_leaves_the_plan_in_the_ledger_as_it_was(sample, tmp_path):
    """plan --template with a missing file (or one with a wrong variable) said 计划已存入账本
    and printed the table before the error: a failed command now changes nothing."""
    assert invoke("plan", "2017").exit_code == 0
    before = stored_plan(sample, 2017)
    with sqlite3.connect(sample / "ledger.db") as conn:
        rows = conn.execute("SELECT * FROM activities ORDER BY id").fetchall()
    bad = tmp_path / "坏模板.xlsx"
    wb = Workbook()
    wb.active["A1"] = "{{ branch.nmae }}年度安排"
    wb.save(bad)
    for template in (tmp_path / "不存在.xlsx", bad):
        result = invoke("plan", "2017", "--template", str(template), "-o", str(tmp_path / "out.xlsx"))
        assert result.exit_code == 1, result.output
        assert "已存入账本" not in result.output and not (tmp_path / "out.xlsx").exists()
    with sqlite3.connect(sample / "ledger.db") as conn:
        assert conn.execute("SELECT * FROM activities ORDER BY id").fetchall() == rows
    assert stored_plan(sample, 2017) == before


@pytest.mark.parametrize("args", [["plan", "2017"], ["signsheet", "2017-04-12"], ["record", "2017-04-12"]])
def test_an_output_name_that_is_not_xlsx_is_refused(sample, tmp_path, args):
    """-o 签到.pdf wrote xlsx bytes under a .pdf name and said 已写入."""
    assert invoke("plan", "2017").exit_code == 0
    result = invoke(*args, "-o", str(tmp_path / "签到.pdf"))
    assert result.exit_code == 1 and "只能生成 Excel 文件（.xlsx）" in result.output and "签到.xlsx" in result.output
    assert not (tmp_path / "签到.pdf").exists()


def test_a_record_deadline_counted_on_estimated_holidays_says_so(tmp_path, monkeypatch):
    """A 2027 plan made before the notice: the 记实表 deadline is stated, and said to be 暂定."""
    ws = tmp_path / "ws"
    assert invoke("init", str(ws), "--scheme", "fupinban-9plus3", "--branch", "扶贫办党支部").exit_code == 0
    monkeypatch.chdir(ws)
    assert invoke("plan", "2027", "--provisional").exit_code == 0
    result = invoke("record", "2027-03-05")
    assert result.exit_code == 0, result.output
    assert "记实表须在 2027-03-12" in result.output and "（暂定）" in result.output
