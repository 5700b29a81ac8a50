"""`partyday attend` on the sample branch's 2017 sign-in files (sample_data/build_signins.py)."""

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from partyday_cli.cli.main import app
from sample_data.leaves import LEAVES

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "workspace"
runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def sample(tmp_path, monkeypatch):
    ws = tmp_path / "sample"
    shutil.copytree(SAMPLE, ws)
    monkeypatch.chdir(ws)
    assert invoke("roster", "import", "roster.xlsx", "--as-of", "2017-01-05").exit_code == 0
    assert invoke("plan", "2017").exit_code == 0
    for day, name, status, reason in LEAVES:
        assert invoke("attend", "set", day, name, status, "--reason", reason).exit_code == 0
    return ws


def ledger_rows(ws: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(ws / "ledger.db")
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def snapshot(ws: Path) -> list[tuple]:
    return ledger_rows(ws, "SELECT activity_id, member_id, status, reason, source FROM attendance "
                           "ORDER BY activity_id, member_id")


class Names(list):
    """The names with one status (a list: the two 张伟 are two people), compared as a set."""

    def __eq__(self, other):  # type: ignore[no-untyped-def]
        return set(self) == set(other) if isinstance(other, set) else list.__eq__(self, other)

    def __and__(self, other):  # type: ignore[no-untyped-def]
        return set(self) & set(other)

    def __ge__(self, other):  # type: ignore[no-untyped-def]
        return set(self) >= set(other)

    def __le__(self, other):  # type: ignore[no-untyped-def]
        return set(self) <= set(other)

    __hash__ = None  # type: ignore[assignment]


def by_status(ws: Path, day: str) -> dict[str, Names]:
    rows = json.loads(invoke("attend", "list", "--date", day, "-f", "json").stdout)
    out: dict[str, Names] = {}
    for r in rows:
        out.setdefault(r["status"], Names()).append(r["name"])
    return out


def test_a_year_of_files_imports_and_a_second_run_changes_nothing(sample):
    first = invoke("attend", "import", "签到")
    assert first.exit_code == 0, first.output
    assert "导入 13" in first.stderr and "未能匹配 0 个姓名" in first.stderr
    state = snapshot(sample)
    again = invoke("attend", "import", "签到")
    assert again.exit_code == 0
    assert "已导入过未改动 13" in again.stderr and "账本没有变化" in again.stderr
    assert snapshot(sample) == state
    # every original kept byte-exact in archive/, and the inputs untouched
    archived = {p.read_bytes() for p in (sample / "archive").iterdir()}
    for path in (sample / "签到").iterdir():
        assert path.read_bytes() in archived
        assert path.read_bytes() == (SAMPLE / "签到" / path.name).read_bytes()


def test_each_file_saved_has_one_archive_copy_and_no_other_is_left(sample):
    """The copies are written in the parsing worker ahead of each file's turn: a file
    refused after it was read, and a second copy of a file, leave nothing in archive/."""
    folder = sample / "签到"
    july = (folder / "2017-07 签到表.csv").read_bytes()
    (folder / "七月签到表（再存一份）.csv").write_bytes(july)
    (folder / "2017-07-13 签到表.csv").write_bytes(july.replace("7月12日".encode("gbk"), "7月13日".encode("gbk")))
    result = invoke("attend", "import", "签到")
    assert result.exit_code == 1  # the 13th is not a planned day
    assert "导入 13" in result.stderr and "已导入过未改动 1" in result.stderr and "出错 1" in result.stderr
    archived = sorted(p.name for p in (sample / "archive").iterdir())
    assert not [n for n in archived if n.startswith(".") or n.endswith(".tmp")]
    saved = sorted(name for (name,) in ledger_rows(sample, "SELECT archived_path FROM imports WHERE kind = 'attendance'"))
    assert sorted(f"archive/{n}" for n in archived if not n.endswith(("roster.xlsx", "台账.xlsx"))) == saved
    assert len(saved) == 13 and all((sample / n).read_bytes() in {p.read_bytes() for p in folder.iterdir()}
                                    for n in saved)


def test_each_layout_lands_as_the_secretary_expects(sample):
    invoke("attend", "import", "签到")
    jan = by_status(sample, "2017-01-11")  # two halves, hand-typed
    assert jan["缺席"] == {"宋佳"} and jan["免参加"] == {"陈国华"} and len(jan["出席"]) == 27
    feb = by_status(sample, "2017-02-08")  # 腾讯会议 with nickname suffixes, leaves set by hand
    assert feb["请假"] == {"王秀英", "唐勇"} and len(feb["出席"]) == 26 and "缺席" not in feb
    mar = by_status(sample, "2017-03-08")  # 问卷星, a duplicate submission counted once
    assert mar["缺席"] == {"宋佳"} and len(mar["出席"]) == 27
    apr = by_status(sample, "2017-04-12")  # hybrid: paper sheet merged with the 腾讯会议 CSV (GBK)
    assert apr["请假"] == {"高峰"} and apr["缺席"] == {"韩梅"}
    assert set(apr["出席"]) >= {"唐勇", "阿依古丽·买买提", "李娜"} and len(apr["出席"]) == 27
    may = by_status(sample, "2017-05-11")  # 企业微信
    assert may["缺席"] == {"宋佳", "韩梅"} and may["请假"] == {"马丽", "高峰", "冯刚", "许文"}
    assert len(may["出席"]) == 23
    jun = by_status(sample, "2017-06-14")  # 钉钉, 林涛 late; 赵磊 transferred out in June
    assert jun["迟到"] == {"林涛"} and jun["请假"] == {"曹丽华"} and len(jun["出席"]) == 26
    assert "赵磊" not in set().union(*jun.values())
    names = [r for r in json.loads(invoke("attend", "list", "--date", "2017-04-12", "-f", "json").stdout)
             if r["name"] == "张伟"]
    assert len(names) == 2 and all(r["status"] == "出席" for r in names)


def test_a_leave_the_roster_records_is_a_leave_at_each_activity_of_its_period(tmp_path, monkeypatch):
    """helper-30: 备注 “2017年3月至9月因公出国，已向支部请假” — 宋佳, missing from the March and
    May files, is 请假（因公出国） there, not 缺席 (a false 连续缺勤, and a 党章 six-month warning
    for a member abroad); before March she is 缺席 as the sheets say."""
    from openpyxl import load_workbook

    ws = tmp_path / "sample"
    shutil.copytree(SAMPLE, ws)
    monkeypatch.chdir(ws)
    book = load_workbook(ws / "roster.xlsx")
    sheet = book.active
    row = next(r for r in sheet.iter_rows() if r[1].value == "宋佳")
    row[14].value = "2017年3月至9月因公出国，已向支部请假"
    book.save(ws / "roster.xlsx")
    result = invoke("roster", "import", "roster.xlsx", "--as-of", "2017-01-05")
    assert result.exit_code == 0, result.output
    assert "宋佳：备注“2017年3月至9月因公出国，已向支部请假” → 2017-03-01 至 2017-09-30 请假（因公出国）" in result.stderr
    assert invoke("plan", "2017").exit_code == 0
    imported = invoke("attend", "import", "签到")
    assert imported.exit_code == 0
    # present in April while on leave: believed, and said (a leave that ended early, or a wrong sheet)
    assert "2017-04 四月签到表.xlsx：宋佳（因公出国，3月1日至9月30日） 花名册记为请假，本次签到表记为到会，已按到会计" \
        in imported.stderr
    rows = {r["date"]: r for r in json.loads(invoke("attend", "list", "--year", "2017", "-f", "json").stdout)
            if r["name"] == "宋佳"}
    assert rows["2017-01-11"]["status"] == "缺席"
    for day in ("2017-03-08", "2017-05-11"):  # not on the 问卷星 answers, nor on the 企业微信 list
        assert (rows[day]["status"], rows[day]["reason"], rows[day]["source"]) == ("请假", "因公出国", "花名册备注")
    assert rows["2017-04-12"]["status"] == "出席"  # a sheet that shows her present is believed
    report = json.loads(invoke("report", "quarterly", "--year", "2017", "--quarter", "2", "-f", "json").stdout)
    song = [m for m in report["members"] if m["name"] == "宋佳"]
    assert song[0]["period"]["absent"] == 0 and song[0]["period"]["excused"] == 1  # May: 请假
    assert song[0]["absences"] == 1  # the year's: January's alone (March is 请假 too)
    listed = invoke("roster", "list", "--date", "2017-05-01")
    assert "请假（因公出国，3月1日至9月30日）" in listed.stdout


def test_a_mobile_member_is_on_leave_not_absent_nor_flagged(tmp_path, monkeypatch):
    """helper-31 #2: 备注 “外出务工（流动党员），每月电话联系” (seeds 000/002's 外出流动党员) was not
    read: 宋佳 was 缺席 whenever no sheet listed her, and flagged 谈话提醒."""
    from openpyxl import load_workbook

    ws = tmp_path / "sample"
    shutil.copytree(SAMPLE, ws)
    monkeypatch.chdir(ws)
    book = load_workbook(ws / "roster.xlsx")
    row = next(r for r in book.active.iter_rows() if r[1].value == "宋佳")
    row[14].value = "外出务工（流动党员），每月电话联系"
    book.save(ws / "roster.xlsx")
    result = invoke("roster", "import", "roster.xlsx", "--as-of", "2017-01-05")
    assert "宋佳：备注“外出务工（流动党员），每月电话联系” → 流动党员" in result.stderr
    assert invoke("plan", "2017").exit_code == 0 and invoke("attend", "import", "签到").exit_code == 0
    rows = [r for r in json.loads(invoke("attend", "list", "--year", "2017", "-f", "json").stdout) if r["name"] == "宋佳"]
    assert {(r["status"], r["reason"]) for r in rows if r["status"] != "出席"} == {("请假", "流动党员")}
    assert len([r for r in rows if r["status"] == "请假"]) == 3  # January, March, May: no sheet lists her
    annual = json.loads(invoke("report", "annual", "--year", "2017", "-f", "json").stdout)
    song = next(m for m in annual["members"] if m["name"] == "宋佳")
    assert song["absences"] == 0 and song["flags"] == []


def test_a_roster_holds_from_the_day_its_title_gives_when_no_as_of_is(tmp_path, monkeypatch):
    """helper-31 #5: 花名册（6月更新） says 填报时间：2026年6月1日 above its table; imported without
    --as-of it held from the day of the import, so a leave it ended in June still ran on."""
    ws = tmp_path / "sample"
    shutil.copytree(SAMPLE, ws)
    monkeypatch.chdir(ws)
    result = invoke("roster", "import", "roster.xlsx")  # its line 2: 填报日期：2017年1月5日
    assert result.exit_code == 0
    assert "从表中读到：“填报日期：2017年1月5日” → 这份花名册从 2017-01-05 起适用（不对请加 --as-of 日期）" in result.stderr
    assert ledger_rows(ws, "SELECT effective_date FROM imports WHERE kind = 'roster'") == [("2017-01-05",)]
    from openpyxl import load_workbook

    book = load_workbook(ws / "roster.xlsx")
    book.active["L2"] = None  # no date in the file: today, said
    book.save(ws / "花名册（无日期）.xlsx")
    undated = invoke("roster", "import", "花名册（无日期）.xlsx")
    assert "表中没有写填报日期，这份花名册从今天" in undated.stderr


def test_a_roster_imported_after_the_sheets_changes_the_rows_of_the_days_it_holds_for(sample):
    """The same 备注 in a roster imported after the year's files (--as-of 2017-02-01): the
    March and May rows are derived again; January's, under the earlier roster, are not."""
    from openpyxl import load_workbook

    assert invoke("attend", "import", "签到").exit_code == 0
    book = load_workbook(sample / "roster.xlsx")
    row = next(r for r in book.active.iter_rows() if r[1].value == "宋佳")
    row[14].value = "2017年3月至9月因公出国，已向支部请假"
    book.save(sample / "花名册（2月更新）.xlsx")
    result = invoke("roster", "import", "花名册（2月更新）.xlsx", "--as-of", "2017-02-01")
    assert result.exit_code == 0, result.output
    assert "次活动按这份花名册重新核算了出勤（2017-02-01 起）：2 人次有变" in result.stderr
    assert "  宋佳 2017-03-08 缺席→请假" in result.stderr and "  宋佳 2017-05-11 缺席→请假" in result.stderr
    # a roster for a day before ones already in force (the fixture's from 2017-01-05): said (helper-33 #16)
    book.active["L2"] = "填报日期：2017年1月1日"
    book.save(sample / "花名册（1月）.xlsx")
    back = invoke("roster", "import", "花名册（1月）.xlsx", "--as-of", "2017-01-01")
    assert "已有 2017-01-05 起适用的花名册 roster.xlsx：2017-01-05 及以后仍按那份计，这份只用于 " \
           "2017-01-01 至 2017-01-04。如这份是对那份的更正" in back.stderr
    rows = {r["date"]: r for r in json.loads(invoke("attend", "list", "--year", "2017", "-f", "json").stdout)
            if r["name"] == "宋佳"}
    assert [rows[d]["status"] for d in ("2017-01-11", "2017-03-08", "2017-04-12", "2017-05-11")] == \
        ["缺席", "请假", "出席", "请假"]
    assert by_status(sample, "2017-05-11")["缺席"] == {"韩梅"}  # the others as they were


def test_roster_list_shows_a_member_transferred_out_in_the_month_as_the_sign_ins_count_him(sample):
    """helper-31 #9: 赵磊 “2017年6月转出” — a June sign-in counts him where present, but
    `roster list --date 2017-06-10` left him out."""
    listed = invoke("roster", "list", "--date", "2017-06-10")
    assert listed.exit_code == 0
    assert "2017年6月转出（只写了月份：本月签到了的仍计入应到）" in next(x for x in listed.stdout.splitlines() if "赵磊" in x)
    assert "共 30 人；应参加组织生活 28 人（另有本月转出 1 人，签到了的计入）" in listed.stdout
    assert "赵磊" not in invoke("roster", "list", "--date", "2017-07-03").stdout
    assert "机关第一党支部党员名单（2017-06-10）" in listed.stdout  # the 支部's list, by the 支部's name
    # a 缺席 of a list of who came says so in 依据 (it was blank)
    assert invoke("attend", "import", "签到/2017-05 企业微信签到.xlsx").exit_code == 0
    han = next(x for x in invoke("attend", "list", "--date", "2017-05-11").stdout.splitlines() if "韩梅" in x)
    assert "缺席" in han and "签到名单中没有" in han


def test_replace_supersedes_and_merge_is_the_default(sample):
    invoke("attend", "import", "签到/2017-04 四月签到表.xlsx")
    assert "阿依古丽·买买提" in by_status(sample, "2017-04-12")["缺席"]
    assert "唐勇" in by_status(sample, "2017-04-12")["请假"]  # 备注 流动党员: 请假（流动党员）, not 缺席
    invoke("attend", "import", "签到/2017-04 腾讯会议.csv")  # merged: present in either
    assert not by_status(sample, "2017-04-12")["缺席"] & {"唐勇", "阿依古丽·买买提"}
    dry = invoke("attend", "import", "签到/2017-04 腾讯会议.csv", "--date", "2017-04-12", "--dry-run")
    assert "已导入过" in dry.stderr
    # a corrected file with --replace: only the online pair is present from that file alone
    corrected = sample / "更正.csv"
    corrected.write_bytes((sample / "签到" / "2017-04 腾讯会议.csv").read_bytes() + b"\r\n")
    result = invoke("attend", "import", str(corrected), "--replace")
    assert result.exit_code == 0 and "取代" in result.stderr
    apr = by_status(sample, "2017-04-12")
    assert apr["出席"] == {"唐勇", "阿依古丽·买买提"}
    assert "韩梅" in apr["缺席"] and "高峰" in apr["缺席"]  # the paper sheet no longer counts


@pytest.mark.parametrize("bad", ["truncated", "empty", "text", "encoding"])
def test_broken_files_fail_alone(sample, bad):
    folder = sample / "混合"
    folder.mkdir()
    good = sample / "签到" / "2017-07 签到表.csv"
    shutil.copy(good, folder / good.name)
    real = (sample / "签到" / "2017-01 一月签到表.xlsx").read_bytes()
    broken = folder / "坏文件.xlsx"
    if bad == "truncated":
        broken.write_bytes(real[: len(real) // 2])
    elif bad == "empty":
        broken.write_bytes(b"")
    elif bad == "text":
        broken.write_text("姓名,签名\n张三,\n", encoding="utf-8")
    else:  # a CSV in an encoding nothing declares: UTF-16 without BOM
        broken = folder / "坏文件.csv"
        broken.write_bytes("签到表\n姓名,签名\n李建国,李建国\n".encode("utf-16-le"))
    before = snapshot(sample)
    result = invoke("attend", "import", str(folder))
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if "错误" in line]
    assert len(errors) == 1 and "坏文件" in errors[0] and "Traceback" not in result.output
    after = snapshot(sample)
    assert after != before  # the good file of the same command was imported
    assert not any("坏文件" in p.name for p in (sample / "archive").iterdir())


def test_a_file_open_in_excel_is_imported_with_a_word_about_it(sample):
    """helper-33 #9: with ~$四月签到表.xlsx beside it (Excel/WPS has it open), the file was
    imported without a word — perhaps not as the 组织委员 last edited it."""
    folder = sample / "签到"
    (folder / "~$2017-04 四月签到表.xlsx").write_bytes(b"\x00" * 162)
    result = invoke("attend", "import", str(folder / "2017-04 四月签到表.xlsx"))
    assert result.exit_code == 0
    assert "这份文件正在 Excel/WPS 中打开（旁边有 ~$2017-04 四月签到表.xlsx），导入的是最后一次保存的内容" in result.stderr


def test_user_mistakes_with_a_branch_or_a_filing_day_are_said_as_what_they_are(sample):
    """helper-33 #6, #7, #11: a mistyped -b said 没有出勤记录（请先 attend import）; a
    trailing space was refused; a --filed-on after today was taken."""
    from datetime import date, timedelta

    typo = invoke("attend", "list", "--date", "2017-04-12", "-b", "机关第一支部")
    assert typo.exit_code == 1 and "没有名为“机关第一支部”的支部。是不是“机关第一党支部”？" in typo.stderr
    assert invoke("attend", "list", "--date", "2017-02-08", "-b", "机关第一党支部 ").exit_code == 0  # 2 leaves set
    # dates as people type them: 20170208, 2017年2月8日; a mistake's example is of this year
    assert invoke("attend", "list", "--date", "20170208").exit_code == 0
    bad = invoke("attend", "list", "--date", "2017-2-30")
    assert bad.exit_code == 1 and f"请写成 {date.today().year}-04-12" in bad.stderr
    later = (date.today() + timedelta(days=3)).isoformat()
    filed = invoke("record", "2017-04-12", "--filed-on", later)
    assert filed.exit_code == 1 and f"报送日期 {later} 还没到" in filed.stderr


def test_unknown_names_are_kept_and_resolved_later(sample):
    path = sample / "外来.csv"
    text = ("机关第一党支部“党员活动日”签到表\n时间：2017年7月12日\n序号,姓名,签名\n"
            "1,李建国,李建国\n2,小高,小高\n3,吴钢,吴钢\n")
    path.write_bytes(text.encode("gbk"))
    result = invoke("attend", "import", str(path))
    assert result.exit_code == 0
    assert "“小高”不在" in result.stderr and "“吴钢”不在" in result.stderr and "吴刚" in result.stderr
    pending = invoke("attend", "resolve").stdout
    assert "小高" in pending and "吴钢" in pending
    assert invoke("attend", "resolve", "小高", "高峰").exit_code == 0
    assert invoke("attend", "resolve", "吴钢", "吴刚").exit_code == 0
    jul = by_status(sample, "2017-07-12")
    assert {"李建国", "高峰", "吴刚"} == jul["出席"]
    assert "小高" not in invoke("attend", "resolve").stdout
    same = invoke("attend", "import", str(path), "--dry-run", "--explain")  # imported: still shown how it is read
    assert "“小高” 出席 → 高峰〔按之前的对应（attend resolve）〕" in same.stdout and "以上是它的读法" in same.stderr
    listed = invoke("attend", "list", "--date", "2017-07-12").stdout  # on screen: what * means is said
    assert "*2017-07-12" in listed and "带 * 的行：缺席或请假" in listed


def test_pending_names_are_in_the_quarterly_report_until_resolved_and_leave_with_their_file(sample):
    """A name still to be decided makes someone's absence possibly wrong: the quarterly says
    which and where; a withdrawn file's names are no longer pending anywhere."""
    path = sample / "外来.csv"
    path.write_bytes(("机关第一党支部“党员活动日”签到表\n时间：2017年7月12日\n序号,姓名,签名\n"
                      "1,李建国,李建国\n2,小高,小高\n").encode("gbk"))
    assert invoke("attend", "import", str(path)).exit_code == 0
    shown = invoke("report", "quarterly", "--year", "2017", "--quarter", "3")
    assert shown.exit_code == 0, shown.stderr
    assert "待确认姓名" in shown.stdout and "7月12日“小高”未对上党员" in shown.stdout
    assert "1 个姓名待确认" in shown.stdout  # on the activity's row
    data = json.loads(invoke("report", "quarterly", "--year", "2017", "--quarter", "3",
                             "-f", "json").stdout)
    assert [(u["date"], u["raw_name"], u["file"], u["row"]) for u in data["unresolved_names"]] == \
        [("2017-07-12", "小高", "外来.csv", 5)]
    files = invoke("attend", "files", "2017-07-12").stdout
    number = next(line.split("|")[1].strip() for line in files.splitlines() if "外来.csv" in line)
    assert invoke("attend", "files", "2017-07-12", "--withdraw", number).exit_code == 0
    assert "小高" not in invoke("attend", "resolve").stdout
    again = invoke("report", "quarterly", "--year", "2017", "--quarter", "3")
    assert "待确认姓名" not in again.stdout


def test_a_pending_name_that_is_nobody_to_count_is_dismissed_with_its_reason(sample):
    """赵磊 left in June; his name on July's sheet cannot be given to any member: --ignore
    keeps it with the reason and it is no longer pending; nobody's attendance changes."""
    path = sample / "七月.csv"
    path.write_bytes(("签到表\n时间：2017年7月12日\n序号,姓名,签名\n1,李建国,李建国\n2,赵磊,赵磊\n").encode("gbk"))
    assert invoke("attend", "import", str(path)).exit_code == 0
    assert "赵磊" in invoke("attend", "resolve").stdout
    before = by_status(sample, "2017-07-12")
    done = invoke("attend", "resolve", "赵磊", "--ignore", "已于6月转出")
    assert done.exit_code == 0 and "已将 2017-07-12 的“赵磊”标为不计入（已于6月转出）" in done.stderr
    assert "赵磊" not in invoke("attend", "resolve").stdout
    assert by_status(sample, "2017-07-12") == before
    assert ledger_rows(sample, "SELECT dismissed FROM unmatched_names WHERE raw_name = '赵磊'") == [("已于6月转出",)]


def test_a_date_outside_the_plan_needs_confirmation(sample):
    path = sample / "临时.csv"
    path.write_bytes("签到表\n时间：2017年7月20日\n序号,姓名,签名\n1,李建国,李建国\n".encode("gbk"))
    result = invoke("attend", "import", str(path))
    assert result.exit_code == 1 and "--date 2017-07-20" in result.stderr
    result = invoke("attend", "import", str(path), "--date", "2017-07-20")
    assert result.exit_code == 0 and by_status(sample, "2017-07-20")["出席"] == {"李建国"}


def test_set_rejects_unknown_status_and_ambiguous_names(sample):
    result = invoke("attend", "set", "2017-04-12", "张伟", "出席")
    assert result.exit_code == 1 and "张伟#第一党小组" in result.stderr
    result = invoke("attend", "set", "2017-04-12", "李建国", "到了")
    assert result.exit_code == 1 and "出席、迟到" in result.stderr
    sick = invoke("attend", "set", "2017-04-12", "李建国", "病假")  # as a sheet's 备注 says it: 请假, 病假
    assert sick.exit_code == 0 and "已登记：2017-04-12 李建国 请假（病假）" in sick.stderr


def test_an_unsigned_sheet_from_signsheet_is_refused(sample):
    """Importing the blank 签到表 partyday printed (nobody signed yet) must not mark
    everyone present over the real absences and leaves."""
    invoke("attend", "import", "签到")
    before = snapshot(sample)
    assert invoke("signsheet", "2017-04-12").exit_code == 0
    blank = next((sample / "out").glob("2017-04-12签到表-*.xlsx"))
    result = invoke("attend", "import", str(blank))
    assert result.exit_code == 1 and "空白签到表" in result.stderr
    assert snapshot(sample) == before


def test_set_over_a_file_says_what_it_replaces(sample):
    """attend set 补学 over a 企业微信 出席 is the secretary's call, but never silent: the
    line names what the row was and which file said so."""
    assert invoke("attend", "import", "签到").exit_code == 0
    result = invoke("attend", "set", "2017-05-11", "李建国", "补学")
    assert result.exit_code == 0
    assert "原为出席（依据 2017-05 企业微信签到.xlsx），现改为手工登记的补学" in result.stderr


def test_set_reads_names_as_secretaries_write_them(sample):
    said = invoke("attend", "set", "2017-04-12", "张伟（二组）", "请假", "--reason", "出差")
    assert said.exit_code == 0 and "2017-04-12 张伟（第二党小组） 请假（出差）" in said.stderr
    listed = invoke("attend", "list", "--date", "2017-04-12", "-f", "csv").stdout
    assert "张伟（第二党小组）,请假,出差" in listed  # the other 张伟 is on the roster: told apart
    rows = json.loads(invoke("roster", "list", "--date", "2017-04-12", "-f", "json").stdout)
    assert {r["group"] for r in rows if r["name"] == "张伟"} == {"第一党小组", "第二党小组"}
    gone = invoke("attend", "set", "2017-07-12", "赵磊", "请假")
    assert gone.exit_code == 1 and "已于 2017-06-01 转出" in gone.stderr
    early = invoke("attend", "set", "2017-03-08", "李娜", "请假")
    assert early.exit_code == 1 and "2017-04-10 入党" in early.stderr


def test_an_exempt_member_listed_on_the_sheet_is_neither_absent_nor_a_footer_mismatch(sample):
    """The sheet lists 陈国华 (免参加 by the roster) unsigned, its footer counts the others:
    --explain says why 陈国华 is no absence, and the footer agrees with the ledger."""
    import openpyxl

    roster = json.loads(invoke("roster", "list", "--date", "2017-01-11", "-f", "json").stdout)
    names = [r["name"] for r in roster]
    assert "陈国华" in names
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["党员固定活动日签到表（2017年1月11日）"])
    ws.append(["序号", "姓名", "签名"])
    for i, name in enumerate(names, start=1):
        ws.append([i, name, "" if name == "陈国华" else "√"])
    ws.append([f"应到{len(names) - 1}人，实到{len(names) - 1}人"])
    wb.save(sample / "一月签到.xlsx")
    result = invoke("attend", "import", "一月签到.xlsx", "--explain")
    assert result.exit_code == 0
    assert "页脚写" not in result.stderr and "表尾写" not in result.stderr
    [line] = [x for x in result.stdout.splitlines() if "“陈国华”" in x]
    assert "花名册记为免参加，不计缺席" in line
    assert by_status(sample, "2017-01-11")["免参加"] == {"陈国华"}


def test_a_corrected_sheet_keeps_what_attend_resolve_settled(sample):
    """小高 on the April sheet is resolved to 高峰; the corrected sheet (--replace) still
    says 小高: counted as 高峰 again, said so, not pending again."""
    import openpyxl

    roster = json.loads(invoke("roster", "list", "--date", "2017-06-14", "-f", "json").stdout)
    names = [r["name"] for r in roster if r["name"] != "高峰"]

    def sheet(path: str, absent: str) -> str:
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(["党员固定活动日签到表（2017年6月14日）"])
        ws.append(["序号", "姓名", "签名"])
        for i, name in enumerate([*names, "小高"], start=1):
            ws.append([i, name, "" if name == absent else "√"])
        wb.save(sample / path)
        return path

    first = invoke("attend", "import", sheet("六月签到.xlsx", names[0]))
    assert first.exit_code == 0 and "“小高”" in first.stderr
    assert invoke("attend", "resolve", "小高", "高峰").exit_code == 0
    again = invoke("attend", "import", sheet("六月签到-更正.xlsx", names[1]), "--replace")
    assert again.exit_code == 0, again.output
    assert "“小高”按之前的对应（attend resolve）记为 高峰" in again.stderr
    assert "未能匹配" not in again.stderr.split("\n")[-2]
    assert "高峰" in by_status(sample, "2017-06-14")["出席"]
    assert "小高" not in invoke("attend", "resolve").stdout


def test_a_name_not_yet_a_member_is_told_why_and_a_second_row_for_one_member_is_warned(sample):
    """李娜 was received on 2017-04-10: on the March sheet she is named with that date, not
    “是否为 …？”. 小李 resolved as 李建国, who has his own row in the file: said so."""
    path = sample / "三月.csv"
    text = ("机关第一党支部“党员活动日”签到表\n时间：2017年3月8日\n序号,姓名,签名\n"
            "1,李建国,李建国\n2,李娜,李娜\n3,小李,小李\n")
    path.write_bytes(text.encode("gbk"))
    result = invoke("attend", "import", str(path))
    assert result.exit_code == 0, result.output
    assert "“李娜”不计入：李娜于 2017-04-10 入党，2017-03-08 还不是本支部党员" in result.stderr
    said = invoke("attend", "resolve", "小李", "李建国")
    assert said.exit_code == 0, said.output
    assert "李建国在 三月.csv 中已有一行（第4行），“小李”也记为李建国，出勤只计一次" in said.stderr


def test_a_file_dated_beside_a_planned_day_names_that_day(sample):
    """A 问卷 filled in the day after the 7月12日 activity (dated 7月13日): the error names the
    planned day and the --date that imports it there, nothing is written."""
    path = sample / "七月补填.csv"
    path.write_bytes("签到表\n时间：2017年7月13日\n序号,姓名,签名\n1,李建国,李建国\n".encode("gbk"))
    result = invoke("attend", "import", str(path))
    assert result.exit_code == 1
    assert "最近的是 2017-07-12（1天前）" in result.stderr and "请加 --date 2017-07-12" in result.stderr
    assert invoke("attend", "import", str(path), "--date", "2017-07-12").exit_code == 0


def test_an_exempt_member_who_signs_is_said_and_stays_exempt(sample):
    """陈国华 is excused (年老体弱) but came and signed: one line says so; he stays 免参加,
    outside 应到 and 实到, as the roster says."""
    path = sample / "五月.csv"
    path.write_bytes("机关第一党支部签到表\n时间：2017年5月11日\n序号,姓名,签名\n1,陈国华,陈国华\n2,李建国,李建国\n"
                     .encode("gbk"))
    result = invoke("attend", "import", str(path))
    assert result.exit_code == 0, result.output
    assert "陈国华 花名册记为免参加，本次也签到了；仍按免参加记（不计入应到和实到）" in result.stderr
    assert by_status(sample, "2017-05-11")["免参加"] == {"陈国华"}


def test_a_sign_in_dated_after_today_is_refused(sample):
    """No one signs in before the day: a file dated after today is a mistyped date, and
    imported it would count as held (到会率, 缺席) in every report."""
    from datetime import date, timedelta

    from tests.factories import handwritten_xlsx

    later = date.today() + timedelta(days=2)
    path = handwritten_xlsx(sample / "提前的签到表.xlsx", title="党员活动日签到表", date=later,
                            names=["李建国", "王芳"])
    before = snapshot(sample)
    result = invoke("attend", "import", str(path))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{later.isoformat()} 还没到" in result.stderr and "--date" in result.stderr
    assert snapshot(sample) == before
    result = invoke("attend", "import", str(path), "--date", "2017-04-12")  # the day it really was
    assert result.exit_code == 0, result.output
