"""`partyday init`, workspace discovery and `partyday roster` as a 组织委员 uses them."""

import json
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from partyday_cli.cli.main import app
from partyday_cli.io.schemes import scheme_names

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "workspace"
runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


# Dates each seed's rule gives in 2017, checked by hand against the 2017 calendar:
# seed 000 scheme 1: second Wednesday, 4月12日; scheme 2: first Friday, 10月6日 is in the
# National Day holiday (1–8 Oct) → a week later, 10月13日; seed 001: second and fourth
# Fridays, 1月27日 (除夕 holiday) → nearest working day 1月26日.
SEED_DATES = {
    "wanyuan-xiang": ("2017-04-12", "2017-04-12"),
    "fupinban-9plus3": ("2017-10-06", "2017-10-13"),
    "zhangdian-5plusx": ("2017-01-27", "2017-01-26"),
}


@pytest.mark.parametrize("scheme", scheme_names())
def test_init_each_scheme_then_calendar_without_options(tmp_path, monkeypatch, scheme):
    ws = tmp_path / scheme
    result = invoke("init", str(ws), "--scheme", scheme, "--branch", "测试党支部")
    assert result.exit_code == 0, result.output
    for name in ("partyday.toml", "roster.xlsx", "ledger.db", "holidays", "archive", "out"):
        assert (ws / name).exists(), name
    text = (ws / "partyday.toml").read_text(encoding="utf-8")
    assert "# " in text and "测试党支部" in text  # commented in Chinese
    monkeypatch.chdir(ws)
    rows = json.loads(invoke("calendar", "2017", "-f", "json").stdout)
    # 每月开展一次 (seeds 002, 003, 004): no day is invented, the dates are the branch's to write
    assert len(rows) >= 12 or ('rule = "month.once"' in text and rows == [])
    if scheme in SEED_DATES:
        planned, actual = SEED_DATES[scheme]
        assert [r["date"] for r in rows if r["planned"] == planned] == [actual]


def test_init_never_overwrites(tmp_path):
    ws = tmp_path / "ws"
    assert invoke("init", str(ws)).exit_code == 0
    (ws / "partyday.toml").write_text("# mine\n[schedule]\nrule = \"month.day1\"\n", encoding="utf-8")
    result = invoke("init", str(ws), "--scheme", "9+3")
    assert result.exit_code == 1 and "已经是 partyday 工作区" in result.stderr
    assert (ws / "partyday.toml").read_text(encoding="utf-8").startswith("# mine")


def test_init_writes_every_branch_it_is_given(tmp_path):
    """A 党委 of three branches: -b three times gives three [[branches]], none dropped."""
    from partyday_cli import workspace

    ws = tmp_path / "ws"
    result = invoke("init", str(ws), "-b", "机关第一党支部", "-b", "机关第二党支部", "-b", "离退休党支部")
    assert result.exit_code == 0, result.output
    assert [b.name for b in workspace.load(ws).branches] == ["机关第一党支部", "机关第二党支部", "离退休党支部"]
    assert invoke("calendar", "2017", "-w", str(ws), "-f", "json").exit_code == 0


def test_init_refuses_bad_rule_before_writing(tmp_path):
    result = invoke("init", str(tmp_path / "ws"), "--rule", "看情况")
    assert result.exit_code == 1 and not (tmp_path / "ws").exists()


def test_workspace_discovery_order(tmp_path, monkeypatch):
    a, b = tmp_path / "a", tmp_path / "b"
    invoke("init", str(a), "--rule", "month.day15")
    invoke("init", str(b), "--rule", "month.day20")
    deep = a / "out" / "x"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)  # nearest parent holding partyday.toml
    first = json.loads(invoke("calendar", "2017", "-f", "json").stdout)[0]
    assert first["planned"] == "2017-01-15"
    monkeypatch.setenv("PARTYDAY_WORKSPACE", str(b))  # the variable beats the folder
    assert json.loads(invoke("calendar", "2017", "-f", "json").stdout)[0]["planned"] == "2017-01-20"
    rows = json.loads(invoke("-w", str(a), "calendar", "2017", "-f", "json").stdout)  # flag wins
    assert rows[0]["planned"] == "2017-01-15"
    for pointer in (a / "partyday.toml", a / "out"):  # the config file, or a folder inside
        rows = json.loads(invoke("-w", str(pointer), "calendar", "2017", "-f", "json").stdout)
        assert rows[0]["planned"] == "2017-01-15"
    rows = json.loads(invoke("calendar", "2017", "-w", str(a), "-r", "month.day1", "-f", "json").stdout)
    assert rows[0]["planned"] == "2017-01-01" or rows[0]["date"] >= "2017-01-01"  # option wins


def test_config_error_names_key_and_line(tmp_path, monkeypatch):
    ws = tmp_path / "ws"
    invoke("init", str(ws))
    path = ws / "partyday.toml"
    text = path.read_text(encoding="utf-8").replace("skip_months = []", "skip_months = [13]")
    path.write_text(text, encoding="utf-8")
    monkeypatch.chdir(ws)
    result = invoke("calendar", "2017")
    assert result.exit_code == 1
    line_no = next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith("skip_months"))
    assert "schedule.skip_months" in result.stderr and f"第{line_no}行" in result.stderr


@pytest.fixture
def sample(tmp_path, monkeypatch):
    ws = tmp_path / "sample"
    shutil.copytree(SAMPLE, ws)
    monkeypatch.chdir(ws)
    return ws


def roster_on(day: str) -> dict[str, list[dict]]:
    rows = json.loads(invoke("roster", "list", "--date", day, "-f", "json").stdout or "[]")
    by_name: dict[str, list[dict]] = {}
    for row in rows:
        by_name.setdefault(row["name"], []).append(row)
    return by_name


def test_sample_roster_imports_with_every_edge_case(sample):
    before = (sample / "roster.xlsx").read_bytes()
    result = invoke("roster", "import", "roster.xlsx", "--as-of", "2017-01-05")
    assert result.exit_code == 0, result.output
    assert (sample / "roster.xlsx").read_bytes() == before
    archived = list((sample / "archive").iterdir())
    assert len(archived) == 1 and archived[0].read_bytes() == before

    march = roster_on("2017-03-01")
    assert len(march["张伟"]) == 2  # same name, two members, told apart by group
    assert {r["group"] for r in march["张伟"]} == {"第一党小组", "第二党小组"}
    assert "阿依古丽·买买提" in march  # typed with '•' in the file
    assert "王芳" in march  # typed with spaces
    assert "李娜" not in march  # admitted as 预备党员 on 2017-04-10
    assert march["陈国华"][0]["exempt"] is True
    assert march["周婷"][0]["status"] == "预备" and march["刘洋"][0]["status"] == "预备"
    assert march["刘洋"][0]["category"] == "学生" and march["王秀英"][0]["category"] == "离退休"
    assert march["赵磊"][0]["status"] == "正式"
    assert march["李建国"][0]["phone"] == "138****1001"  # masked unless asked

    april = roster_on("2017-04-12")
    assert april["李娜"][0]["status"] == "预备"
    july = roster_on("2017-07-01")
    assert "赵磊" not in july  # 2017年6月转出
    assert roster_on("2017-05-31")["赵磊"]
    assert july["刘洋"][0]["status"] == "正式"  # 转正 2017-05-04
    october = roster_on("2017-10-01")
    assert october["周婷"][0]["status"] == "正式"  # 转正 2017-09-01

    private = json.loads(invoke("roster", "list", "--date", "2017-03-01", "--show-private",
                                "-f", "json").stdout)
    assert {r["phone"] for r in private if r["name"] == "李建国"} == {"13800001001"}

    again = invoke("roster", "import", "roster.xlsx", "--as-of", "2017-01-05")
    assert again.exit_code == 0 and "已导入过" in again.stderr


def test_reimport_keeps_history(sample):
    from openpyxl import load_workbook

    invoke("roster", "import", "roster.xlsx", "--as-of", "2017-01-05")
    wb = load_workbook(sample / "roster.xlsx")
    ws = wb.active
    for row in ws.iter_rows(min_row=5):
        if row[1].value == "高峰":
            row[5].value = "第三党小组"  # moved group
        if row[1].value == "许文":
            for cell in row:
                cell.value = None  # left the branch, row deleted
    wb.save(sample / "roster-2017-08.xlsx")
    result = invoke("roster", "import", "roster-2017-08.xlsx", "--as-of", "2017-08-01")
    assert result.exit_code == 0, result.output
    assert roster_on("2017-03-01")["高峰"][0]["group"] == "第一党小组"
    assert roster_on("2017-09-01")["高峰"][0]["group"] == "第三党小组"
    assert "许文" in roster_on("2017-07-31") and "许文" not in roster_on("2017-09-01")


def test_bad_roster_reports_every_problem_and_changes_nothing(sample):
    wb = Workbook()
    ws = wb.active
    ws.title = "花名册"
    ws.append(["党员花名册"])
    ws.append(["序号", "姓名", "出生日期", "人员类别", "入党时间"])
    ws.append([1, "甲", "1990.13.45", "在职", "2010.07.01"])
    ws.append([2, "乙", "1988.02.03", "宇航员", "2011.07.01"])
    ws.append([3, "丙", "1980.01.01", "在职", "去年"])
    bad = sample / "bad.xlsx"
    wb.save(bad)
    ledger = sample / "ledger.db"
    before = ledger.read_bytes() if ledger.exists() else None
    result = invoke("roster", "import", "bad.xlsx")
    assert result.exit_code == 1
    err = result.stderr
    assert "第3行" in err and "C列" in err and "1990.13.45" in err
    assert "第4行" in err and "D列" in err and "宇航员" in err
    assert "第5行" in err and "E列" in err
    assert (ledger.read_bytes() if ledger.exists() else None) == before

    nohead = Workbook()
    nohead.active.append(["编号", "单位", "电话"])
    nohead.active.append([1, "甲", "138"])
    nohead.save(sample / "nohead.xlsx")
    result = invoke("roster", "import", "nohead.xlsx")
    assert result.exit_code == 1 and "姓名" in result.stderr
    archive = sample / "archive"
    assert not archive.exists() or not any("nohead" in p.name for p in archive.iterdir())


def test_newer_ledger_is_refused_untouched(sample):
    invoke("roster", "import", "roster.xlsx", "--as-of", "2017-01-05")
    conn = sqlite3.connect(sample / "ledger.db")
    conn.execute("PRAGMA user_version = 999")
    conn.commit()
    conn.close()
    before = (sample / "ledger.db").read_bytes()
    result = invoke("roster", "list", "--date", "2017-03-01")
    assert result.exit_code == 1 and "更新版本" in result.stderr
    assert (sample / "ledger.db").read_bytes() == before


def test_commands_outside_a_workspace_say_how(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("roster", "list")
    assert result.exit_code == 1 and "partyday init" in result.stderr


def test_roster_list_xlsx_opens(sample, tmp_path):
    from openpyxl import load_workbook

    invoke("roster", "import", "roster.xlsx", "--as-of", "2017-01-05")
    out = tmp_path / "名单.xlsx"
    assert invoke("roster", "list", "--date", str(date(2017, 4, 12)), "-o", str(out)).exit_code == 0
    values = [c.value for c in load_workbook(out).active["B"]]
    assert "李娜" in values and "13800001008" not in str(values)


def test_a_config_typed_wrong_is_one_chinese_line_naming_the_line(tmp_path):
    """A branch name typed without quotes in 记事本: the line and what is wrong with it, in
    Chinese (tomllib's “Invalid value (at line 9, column 8)” was shown as it is)."""
    ws = tmp_path / "ws"
    assert invoke("init", str(ws), "--branch", "机关第一党支部").exit_code == 0
    config = ws / "partyday.toml"
    text = config.read_text(encoding="utf-8").replace('name = "机关第一党支部"', "name = 机关第一党支部", 1)
    config.write_text(text, encoding="utf-8")
    line = text.splitlines().index("name = 机关第一党支部") + 1
    result = invoke("calendar", "2017", "-w", str(ws))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"第{line}行第8列：等号后的值写法不对" in result.stderr and "这一行是：name = 机关第一党支部" in result.stderr
    assert "Invalid" not in result.stderr and "column" not in result.stderr


def test_a_setting_of_the_wrong_kind_is_one_chinese_line_not_a_crash(tmp_path):
    """notify_days_before = "三天" crashed remind (exit 70, English); on_activity_day = "false"
    was read as true. Each is now named with its line, and nothing runs on it."""
    ws = tmp_path / "ws"
    assert invoke("init", str(ws), "--branch", "机关第一党支部").exit_code == 0
    config = ws / "partyday.toml"
    text = config.read_text(encoding="utf-8")
    for key, wrong in (("notify_days_before", '"三天"'), ("record_copies", "0")):
        broken = "\n".join(f"{key} = {wrong}" if line.split("=")[0].strip() == key else line
                           for line in text.splitlines())
        config.write_text(broken, encoding="utf-8")
        result = invoke("remind", "-w", str(ws))
        assert result.exit_code == 1 and f"配置项 deadlines.{key}" in result.stderr, result.output
        assert "内部错误" not in result.output and "ValueError" not in result.output
    config.write_text("\n".join('on_activity_day = "false"' if line.split("=")[0].strip() == "on_activity_day"
                                 else line for line in text.splitlines()), encoding="utf-8")
    result = invoke("calendar", "2017", "-w", str(ws))
    assert result.exit_code == 1 and "dues.on_activity_day" in result.stderr and "true 或 false" in result.stderr
