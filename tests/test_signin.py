"""Sign-in files in every shape they arrive: golden files per layout, the traps each
layout sets, and files that are not sign-in records at all."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partyday_cli.core.attendance import STATUSES, SignInFile, signin_as_dict, status_from_text
from partyday_cli.errors import UserError
from partyday_cli.io.signin import LAYOUTS, read_sheets, read_signin
from partyday_cli.io.signin.common import as_minutes, date_from_lines, phone_tail
from partyday_cli.io.workbook import Sheet
from tests import factories as f

GOLDEN = Path(__file__).parent / "golden" / "signin"
GOLDEN_INPUTS = sorted(p for p in GOLDEN.iterdir() if p.suffix in {".xlsx", ".xls", ".csv"})


def _expected(path: Path) -> dict:
    return json.loads(path.with_name(path.name.rsplit(".", 1)[0] + ".expected.json").read_text("utf-8"))


# --------------------------------------------------------------------------- golden files


@pytest.mark.parametrize("path", GOLDEN_INPUTS, ids=lambda p: p.name)
def test_golden_file_reads_as_expected(path):
    expected = _expected(path)
    options = expected.pop("read_with", {})
    for key in ("source", "roster", "attended"):  # what matching checks (tests/test_arrivals.py)
        expected.pop(key, None)
    assert signin_as_dict(read_signin(path, **options)) == expected


def test_every_layout_has_two_golden_files():
    layouts = [_expected(p)["layout"] for p in GOLDEN_INPUTS]
    for layout in ("handwritten", "tencent", "wjx", "wecom", "dingtalk"):
        assert layouts.count(layout) >= 2, layout
    assert {p.suffix for p in GOLDEN_INPUTS} == {".xlsx", ".xls", ".csv"}


def test_golden_inputs_are_what_the_factories_build(tmp_path):
    """build.py still makes the committed files (so they can be rebuilt, not hand-edited)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("golden_signin_build", GOLDEN / "build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)

    for path in build.build(tmp_path):
        if path.suffix == ".csv":  # xlsx bytes depend on the openpyxl version; CSV is exact
            assert path.read_bytes() == (GOLDEN / path.name).read_bytes(), path.name
        assert json.loads(build.expected_path(path).read_text("utf-8")) == json.loads(
            build.expected_path(GOLDEN / path.name).read_text("utf-8")), path.name


def test_reading_leaves_every_input_byte_for_byte(tmp_path):
    for source in GOLDEN_INPUTS:
        path = tmp_path / source.name
        path.write_bytes(source.read_bytes())
        before, mtime = hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns
        options = _expected(source).get("read_with", {})
        read_signin(path, **options)
        assert hashlib.sha256(path.read_bytes()).hexdigest() == before
        assert path.stat().st_mtime_ns == mtime
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in GOLDEN_INPUTS)


# --------------------------------------------------------------------------- the traps, spelled out


def _golden(name: str, **options) -> SignInFile:
    return read_signin(GOLDEN / name, **options)


def test_two_halves_footer_and_status_words():
    signin = _golden("handwritten-two-halves.xlsx")
    assert signin.date == date(2017, 4, 12)  # from the 时间： line under the merged title
    assert (signin.footer_expected, signin.footer_present) == (24, 20)
    by_name = {r.raw_name: r for r in signin.rows}
    assert len([r for r in signin.rows if not r.visitor and r.status != "免参加"]) == 24  # both halves
    assert (by_name["林秀英"].status, by_name["林秀英"].reason) == ("请假", "病假")
    assert (by_name["吴敏"].status, by_name["宋涛"].reason) == ("请假", "出差")
    assert by_name["李明"].status == "迟到" and by_name["高燕"].status == "早退"
    assert by_name["郭静"].status == "缺席"  # unsigned on a sheet where others signed
    assert by_name["周德福"].status == "免参加"  # 经批准免参加：… in the footer
    assert by_name["吴晓燕"].visitor and by_name["杜鹏"].visitor  # 列席人员：…
    assert not signin.present_only and signin.warnings == ()


def test_names_only_sheet_lists_who_came():
    signin = _golden("handwritten-names-only.xlsx")
    assert signin.present_only
    assert signin.date == date(2017, 6, 14)  # in the (unmerged) title only
    by_name = {r.raw_name: r for r in signin.rows}
    assert by_name["杨帆（迟到）"].status == "迟到"  # a status in brackets after the name
    assert by_name["冯丽萍"].group_hint == "第二党小组"  # the 党小组 cell merged down
    assert [r.raw_name for r in signin.rows if r.visitor] == ["何婷婷", "罗浩"]
    assert by_name["何婷婷"].reason == "入党积极分子"


def test_gbk_csv_with_month_and_day_only():
    signin = _golden("handwritten-gbk.csv")
    assert signin.date == date(2017, 5, 10)  # 时间：5月10日, the year from the title
    assert [r.sheet for r in signin.rows] == [""] * 6


def test_status_column_filled_for_everyone_is_a_full_list():
    signin = _golden("handwritten-status.xls")
    assert not signin.present_only
    assert signin.warnings == ("页脚写实到5人，表中读出出席6人，请核对",)
    assert {r.raw_name: r.reason for r in signin.rows}["孙丽"] == "接孩子"


@pytest.mark.parametrize("column", ["出勤情况", "签到情况", "到会情况"])
def test_a_status_column_marked_in_most_rows_is_the_sign_column(tmp_path, column):
    """helper-31: a GBK CSV whose 出勤情况 says 到 for those who came and is blank for the
    rest read every listed person 出席 — 张丽华 and 刘洋, on leave, too, and nothing said.
    The file decides: marks in most rows make a blank 缺席, said once."""
    path = tmp_path / "4月签到表.csv"
    lines = ["教工第一党支部4月主题党日签到表（2026年4月15日）", f"序号,姓名,党小组,{column},备注"]
    people = [("王建国", "到", ""), ("李明", "到", ""), ("张丽华", "", ""), ("刘洋", "", ""), ("赵敏", "到", ""),
              ("孙德福", "", "免参加"), ("周强", "√", ""), ("吴婷", "到", "迟到"), ("郑浩", "出席", "")]
    lines += [f"{k},{n},一组,{mark},{note}" for k, (n, mark, note) in enumerate(people, start=1)]
    path.write_bytes("\r\n".join(lines).encode("gbk"))
    signin = read_signin(path)
    got = {r.raw_name: r.status for r in signin.rows}
    assert got == {"王建国": "出席", "李明": "出席", "张丽华": "缺席", "刘洋": "缺席", "赵敏": "出席", "孙德福": "免参加",
                   "周强": "出席", "吴婷": "迟到", "郑浩": "出席"}
    assert not signin.present_only
    assert any(f"“{column}”栏 6 行写了到会，2 行空白：空白的按未到会（缺席）计" in w for w in signin.warnings)
    # a 状态 column kept for the exceptions only (迟到, 请假): blank is 出席, as before
    lines = ["签到表（2026年4月15日）", "序号,姓名,出勤情况"] + [f"{k},{n},{'请假' if k == 2 else ''}" for k, n in
                                                        enumerate(("王建国", "李明", "张丽华", "刘洋"), start=1)]
    path.write_bytes("\r\n".join(lines).encode("gbk"))
    assert [r.status for r in read_signin(path).rows] == ["出席", "请假", "出席", "出席"]
    # nor one kept for 迟到/早退 (the review: half of its rows say 迟到 or 早退, none says 到)
    lines = ["签到表（2026年4月15日）", "序号,姓名,出勤情况"] + [f"{k},{n},{w}" for k, (n, w) in enumerate(
        (("王建国", "迟到"), ("李明", ""), ("张丽华", "早退"), ("刘洋", "")), start=1)]
    path.write_bytes("\r\n".join(lines).encode("gbk"))
    assert [r.status for r in read_signin(path).rows] == ["迟到", "出席", "早退", "出席"]


def test_a_leave_word_in_the_sign_cell_keeps_its_reason(tmp_path):
    """helper-33 #8: 事假 typed in the 签名 cell became 请假 with no reason, and the 记实表 read
    “请假人员及原因：曹阳”."""
    path = tmp_path / "签到表.csv"
    lines = ["签到表（2026年4月15日）", "序号,姓名,签名,备注", "1,王建国,王建国,", "2,李明,事假,", "3,张丽华,病假,",
             "4,刘洋,请假,", "5,赵六,,"]
    path.write_bytes("\r\n".join(lines).encode("gbk"))
    assert [(r.status, r.reason) for r in read_signin(path).rows] == [
        ("出席", ""), ("请假", "事假"), ("请假", "病假"), ("请假", ""), ("缺席", "")]


def test_tencent_nicknames_joins_and_late_or_early():
    signin = _golden("tencent-summary.xlsx")
    assert signin.date == date(2024, 3, 12) and signin.present_only
    by_name = {r.raw_name: r for r in signin.rows}
    assert by_name["138****6621"].phone_tail == "6621"
    assert by_name["张伟"].minutes == 86.0  # two joins, one attendance
    assert (by_name["李明"].status, by_name["李明"].reason) == ("迟到", "09:18入会")
    assert by_name["刘洋 第一党小组"].status == "早退"
    assert by_name["林秀英（财务科）"].status == "出席"  # left for 4 minutes: not 早退


def test_tencent_minimum_duration_is_optional():
    assert {r.raw_name: r.status for r in _golden("tencent-detail-bom.csv").rows}["冯丽萍"] == "早退"
    strict = _golden("tencent-detail-bom.csv", min_minutes=30)
    row = {r.raw_name: r for r in strict.rows}["冯丽萍"]
    assert (row.status, row.minutes) == ("缺席", 8.0)
    assert len(strict.rows) == 5  # 曹雪芹's two rows are one


def test_tencent_without_meeting_times_reads_no_lateness(tmp_path):
    path = f.plain_xlsx(tmp_path / "t.xlsx", rows=[
        ["用户昵称（入会昵称）", "首次入会时间", "最后退会时间", "累计参会时长"],
        ["张三", "2024-03-12 09:40:00", "2024-03-12 10:00:00", "20分钟"],
        ["李四", "2024-03-12 09:00:00", "2024-03-12 11:00:00", "2:00:00"],
    ])
    signin = read_signin(path)
    assert signin.date == date(2024, 3, 12)
    assert [(r.status, r.minutes) for r in signin.rows] == [("出席", 20.0), ("出席", 120.0)]


def test_two_namesakes_in_one_meeting_are_two_people_by_their_phones(tmp_path):
    """Two 张伟 of the branch joined, each from their own phone: two people, not one
    person who joined twice; a row without a phone joins the first of them."""
    path = f.plain_xlsx(tmp_path / "t.xlsx", rows=[
        ["用户昵称（入会昵称）", "入会时间", "退会时间", "参会时长（分钟）", "手机号"],
        ["张伟", "2024-03-12 09:00:00", "2024-03-12 10:00:00", 60, "138****1234"],
        ["张伟", "2024-03-12 09:00:00", "2024-03-12 09:30:00", 30, "139****6789"],
        ["张伟", "2024-03-12 09:40:00", "2024-03-12 10:00:00", 20, ""],
    ])
    signin = read_signin(path)
    assert [(r.raw_name, r.phone_tail, r.minutes) for r in signin.rows] == [
        ("张伟", "1234", 60.0), ("张伟", "6789", 30.0)]  # 09:40–10:00 lies inside 09:00–10:00
    assert signin.warnings == ("第2行“张伟”入会2次，已合并为一次（共60分钟）",)


def test_tencent_meeting_time_in_one_cell(tmp_path):
    path = f.plain_xlsx(tmp_path / "t.xlsx", rows=[
        ["会议主题：第一支部主题党日"], ["会议时间：2024-03-12 09:00-10:30"], [],
        ["用户昵称（入会昵称）", "入会时间", "退会时间", "参会时长（秒）"],
        ["张三", "2024-03-12 09:20:00", "2024-03-12 10:30:00", 4200],
        ["李四", "2024-03-12 09:00:00", "2024-03-12 10:00:00", 3600],
    ])
    signin = read_signin(path)
    assert [(r.status, r.reason, r.minutes) for r in signin.rows] == [
        ("迟到", "09:20入会", 70.0), ("早退", "10:00退会", 60.0)]


def test_date_from_the_file_name_when_the_sheet_has_none(tmp_path):
    path = f.plain_xlsx(tmp_path / "第一支部2017.4.12签到.xlsx", rows=[["姓名", "签名"], ["张三", "√"]])
    assert read_signin(path).date == date(2017, 4, 12)


def test_the_sheets_own_key_to_its_marks_decides_what_a_circle_means(tmp_path):
    rows = [["2027年3月26日党员固定活动日签到表"], ["序号", "姓名", "签到", "备注"],
            [1, "李建军", "√"], [2, "王丽", "○"], [3, "阿依古丽·买买提", "〇"], [4, "孙浩", "×"],
            [5, "黄磊", "已签到", "早退"]]
    keyed = read_signin(f.plain_xlsx(tmp_path / "keyed.xlsx", rows=[*rows, ["说明：√出席 ○请假 〇请假 ×缺席"]],
                                     merges=["A8:D8"]))
    by_name = {r.raw_name: r.status for r in keyed.rows}
    assert by_name == {"李建军": "出席", "王丽": "请假", "阿依古丽·买买提": "请假", "孙浩": "缺席", "黄磊": "早退"}
    assert keyed.warnings == ("按表中的说明读标记：√为出席、○为请假、×为缺席",)
    # the key's ○ is the cells' 〇 (look-alikes from two input methods), and a key in the header
    header = read_signin(f.plain_xlsx(tmp_path / "header.xlsx", rows=[
        rows[0], ["序号", "姓名", "签到（√出席 ○请假 ×缺席）", "备注"], *rows[2:]]))
    assert {r.raw_name: r.status for r in header.rows}["阿依古丽·买买提"] == "请假"
    # a letter O typed for the circle (WPS) is the circle too, key or none
    lettered = [*rows[:2], [1, "李建军", "O"], *rows[3:]]
    assert {r.raw_name: r.status for r in read_signin(f.plain_xlsx(
        tmp_path / "o.xlsx", rows=[*lettered, ["说明：√出席 ○请假"]])).rows}["李建军"] == "请假"
    assert "标记“O”" in read_signin(f.plain_xlsx(tmp_path / "o2.xlsx", rows=lettered)).warnings[0]
    # the key in the title, the other way round (出席打“√”), and with no word such as 说明
    titled = read_signin(f.plain_xlsx(tmp_path / "titled.xlsx", rows=[
        ["2027年3月26日签到表（出席打“√”，请假打“○”）"], *rows[1:]]))
    assert {r.raw_name: r.status for r in titled.rows}["王丽"] == "请假"
    # no key: read as 出席, as before, but the user is told where and how to say otherwise
    bare = read_signin(f.plain_xlsx(tmp_path / "bare.xlsx", rows=rows))
    assert {r.raw_name: r.status for r in bare.rows}["王丽"] == "出席"
    assert bare.warnings == ("工作表“Sheet1”第4行等 2 处的标记“○”，表中没有说明是什么意思，已按出席计；若○表示请假或缺席，"
                             "请在表下加一行说明（如“说明：○请假”）后用 --replace 重新导入",)


def test_a_note_says_late_or_early_beside_a_status_of_present(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes("姓名,签到情况,备注\n黄磊,已签到,早退\n李建军,已签到,\n刘洋,已签到,迟到（堵车）\n"
                     "王芳,未签到,请假\n陈静,未签到,\n".encode("gbk"))
    by_name = {r.raw_name: (r.status, r.reason) for r in read_signin(path).rows}
    assert by_name == {"黄磊": ("早退", ""), "李建军": ("出席", ""), "刘洋": ("迟到", "堵车"), "王芳": ("请假", ""),
                       "陈静": ("缺席", "")}


def test_one_sheet_per_group_and_an_empty_sheet(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "第一党小组"
    wb.active.append(["2017年4月12日签到"])
    wb.active.append(["姓名", "备注"])
    wb.active.append(["张三", ""])
    second = wb.create_sheet("第二党小组")
    second.append(["姓名", "备注"])
    second.append(["李四", "病假"])
    wb.create_sheet("Sheet3")
    wb.save(tmp_path / "s.xlsx")
    signin = read_signin(tmp_path / "s.xlsx")
    assert [(r.raw_name, r.sheet, r.status, r.group_hint) for r in signin.rows] == [
        ("张三", "第一党小组", "出席", "第一党小组"), ("李四", "第二党小组", "请假", "第二党小组")]
    assert signin.date == date(2017, 4, 12)


def test_wjx_duplicates_and_answers():
    signin = _golden("wjx-dues.xlsx")
    assert signin.date == date(2024, 5, 14)  # the most common submission day
    names = [r.raw_name for r in signin.rows]
    assert names.count("陈建国") == 1
    row = next(r for r in signin.rows if r.raw_name == "陈建国")
    assert row.row == 5 and row.answers == (("本月党费是否已交纳", "是"),)
    assert next(r for r in signin.rows if r.raw_name == "何婷婷").visitor


def test_wjx_a_way_of_coming_question_reads_leave_and_keeps_its_reason(tmp_path):
    """“参加方式” with 现场参加 / 线上参加 / 请假, and the reason asked in its own question:
    a 请假 is 请假 (not 出席), with the reason; 否 with a 未参加原因 keeps it too."""
    when = datetime(2026, 7, 1, 15, 0)
    path = f.wjx_xlsx(tmp_path / "七一.xlsx", title="七一主题党日签到", submissions=[
        (when, "王建国", {"参加方式": "现场参加"}), (when, "刘洋", {"参加方式": "线上参加"}),
        (when, "杨帆", {"参加方式": "请假", "请假原因": "外出务工"}),
        (when, "郑强", {"参加方式": "其他"})])
    signin = read_signin(path)
    got = {r.raw_name: (r.status, r.reason) for r in signin.rows}
    assert got == {"王建国": ("出席", ""), "刘洋": ("出席", ""), "杨帆": ("请假", "外出务工"), "郑强": ("出席", "")}
    assert any("第5行“郑强”对“参加方式”的回答“其他”看不出是否出席，按出席计" in w for w in signin.warnings)
    said_no = f.wjx_xlsx(tmp_path / "四月.xlsx", title="四月", submissions=[
        (when, "杨帆", {"是否参加本次主题党日活动": "否", "未参加原因": "在县里培训"}),
        (when, "李娜", {"是否参加本次主题党日活动": "否", "未参加原因": ""})])
    rows = {r.raw_name: (r.status, r.reason) for r in read_signin(said_no).rows}
    assert rows == {"杨帆": ("请假", "在县里培训"), "李娜": ("缺席", "")}


def test_wjx_answers_downloaded_as_option_numbers_are_refused(tmp_path):
    """按选项序号 download: 1 and 2 for 是 and 否. Which number is 参加 the file cannot
    say: one line saying how to download it 按选项文本, never a guess."""
    when = datetime(2026, 6, 10, 15, 0)
    path = f.wjx_xlsx(tmp_path / "六月.xlsx", title="六月", submissions=[
        (when, "王建国", {"是否参加本次主题党日活动": "1"}), (when, "杨帆", {"是否参加本次主题党日活动": "2"})])
    with pytest.raises(UserError) as err:
        read_signin(path)
    assert "按“选项序号”下载" in err.value.message and "按选项文本下载" in err.value.message


def test_wecom_punch_details_count_a_missed_punch_as_absent(tmp_path):
    """企业微信 打卡详情: 上班打卡 and 下班打卡 rows per person; 打卡状态 未打卡 with no
    打卡时间 is 缺席, the pair is one person (no “签到2次” line), a late 上班 is 迟到."""
    rows: list[list[object]] = [["打卡详情  统计日期：2026-02-11 至 2026-02-11"], ["导出时间：2026-02-12 08:30"],
                                ["时间", "姓名", "账号", "部门", "打卡类型", "打卡时间", "打卡状态", "打卡地点"]]
    for name, state in (("王建国", "正常"), ("张伟", "迟到"), ("陈静", "未打卡"), ("郑强", "缺卡")):
        for kind, at in (("上班打卡", "14:55"), ("下班打卡", "17:05")):
            missed = state in ("未打卡", "缺卡")
            rows.append(["2026/02/11 星期三", name, name, "第一村党支部", kind, "" if missed else at,
                         state if kind == "上班打卡" else ("未打卡" if missed else "正常"), "" if missed else "村委会"])
    path = f.plain_xlsx(tmp_path / "打卡详情.xlsx", rows, sheet="打卡详情")
    signin = read_signin(path)
    assert {r.raw_name: r.status for r in signin.rows} == {"王建国": "出席", "张伟": "迟到", "陈静": "缺席", "郑强": "缺席"}
    assert signin.date == date(2026, 2, 11)
    assert not [w for w in signin.warnings if "签到2次" in w]


def test_checkin_layouts_are_told_apart():
    assert _golden("wecom-checkin.xlsx").layout == "wecom"
    assert _golden("dingtalk-checkin.xlsx").layout == "dingtalk"
    notes = _golden("dingtalk-notes.xlsx")
    assert [(r.raw_name, r.branch_hint) for r in notes.rows if r.raw_name == "张伟"] == [
        ("张伟", "后勤科"), ("张伟", "信息科")]  # same name, different departments: two people


# --------------------------------------------------------------------------- not a sign-in file


def test_unrecognised_file_lists_the_layouts_and_the_mapping(tmp_path):
    path = f.plain_xlsx(tmp_path / "odd.xlsx", rows=[["与会同志", "到会与否"], ["张三", "到"]])
    with pytest.raises(UserError) as err:
        read_signin(path)
    message = err.value.message
    assert "odd.xlsx" in message and "\n" not in message
    for zh in ("手写签到表", "腾讯会议", "问卷星", "企业微信", "钉钉"):
        assert zh in message
    assert '[attendance.layouts.我们单位] name = ["参会人"]' in message


def test_a_user_mapping_makes_an_odd_file_readable(tmp_path):
    path = f.plain_xlsx(tmp_path / "odd.xlsx", rows=[
        ["2017年9月20日支部党员大会"], ["与会同志", "到会与否"], ["张三", "参加"], ["李四", "事假"]])
    with pytest.raises(UserError):
        read_signin(path)
    signin = read_signin(path, extra_layouts={"我们单位": {"name": ["与会同志"], "status": ["到会与否"]}})
    assert signin.layout == "mapped" and signin.layout_zh == "自定义格式“我们单位”"
    assert signin.date == date(2017, 9, 20)
    assert [(r.raw_name, r.status, r.reason) for r in signin.rows] == [("张三", "出席", ""), ("李四", "请假", "事假")]


@pytest.mark.parametrize("mapping, words", [
    ({"姓名": ["参会人"]}, "不是可用的字段"),
    ({"status": ["情况"]}, "必须写明姓名"),
    ({"name": "参会人", "status": []}, "应是列名列表"),
])
def test_a_wrong_mapping_says_what_to_write(tmp_path, mapping, words):
    path = f.plain_xlsx(tmp_path / "odd.xlsx", rows=[["参会人"], ["张三"]])
    with pytest.raises(UserError, match=words):
        read_signin(path, extra_layouts={"我们单位": mapping})


def test_two_layouts_claiming_a_file_equally_is_an_error(tmp_path):
    path = f.plain_xlsx(tmp_path / "odd.xlsx", rows=[["参会人"], ["张三"]])
    layouts = {"甲": {"name": ["参会人"]}, "乙": {"name": ["参会人"]}}
    with pytest.raises(UserError, match="同时符合"):
        read_signin(path, extra_layouts=layouts)


def test_header_without_names_is_an_error(tmp_path):
    path = f.plain_xlsx(tmp_path / "empty.xlsx", rows=[["签到表"], ["序号", "姓名", "签名"], [1], [2]])
    with pytest.raises(UserError, match="没有任何党员姓名"):
        read_signin(path)


def _truncated(tmp_path: Path) -> Path:
    whole = (GOLDEN / "wjx-dues.xlsx").read_bytes()
    path = tmp_path / "签到.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    return path


def _write(name: str, data: bytes):
    def make(tmp_path: Path) -> Path:
        path = tmp_path / name
        path.write_bytes(data)
        return path
    return make


@pytest.mark.parametrize("make", [
    _truncated,
    _write("签到.xlsx", b""),
    _write("签到.xlsx", "姓名,签名\n张三,√\n".encode()),
    _write("签到.csv", "姓名,签名\r\n张三,√\r\n".encode("utf-16-le")),  # UTF-16 with no BOM
    _write("签到.csv", bytes(range(256)) * 4),
    _write("签到.csv", "Name;Signature\nJürgen;ja\n".encode("cp1252")),
], ids=["truncated-xlsx", "empty", "text-named-xlsx", "utf16-no-bom", "binary", "cp1252-no-names"])
def test_unreadable_files_give_one_chinese_line(tmp_path, make):
    with pytest.raises(UserError) as err:
        read_signin(make(tmp_path))
    assert "\n" not in err.value.message
    assert "文件" in err.value.message and "签到" in err.value.message


def test_layout_names_are_chinese():
    assert set(LAYOUTS) >= {"handwritten", "tencent", "wjx", "wecom", "dingtalk", "mapped"}
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in zh) for zh in LAYOUTS.values())


# --------------------------------------------------------------------------- cell readers


@pytest.mark.parametrize("text, status", [
    ("病假", ("请假", "病假")), ("请假（出差）", ("请假", "出差")), ("迟到", ("迟到", "")),
    ("已签到", ("出席", "")), ("√", ("出席", "")), ("到", ("出席", "")), ("未到", ("缺席", "")),
    ("早退（下午出差）", ("早退", "下午出差")), ("未到（病假）", ("请假", "病假")),
    ("免参加（年老体弱）", ("免参加", "年老体弱")), ("补学", ("补学", "")), ("党小组长", (None, "")), ("", (None, "")),
    # the user's 全角 punctuation stays as typed (the folding made it “借调县委组织部,工作冲突”)
    ("请假（借调县委组织部，工作冲突）", ("请假", "借调县委组织部，工作冲突")), ("出差；赴省委党校培训", ("请假", "出差；赴省委党校培训")),
])
def test_status_words(text, status):
    assert status_from_text(text) == status
    assert status[0] is None or status[0] in STATUSES


@pytest.mark.parametrize("lines, day", [
    (["2017年4月12日主题党日签到表"], date(2017, 4, 12)),
    (["签到表", "时间：2017.4.12 下午"], date(2017, 4, 12)),
    (["签到表 2017-04-12"], date(2017, 4, 12)),
    (["第一支部2017年度第四次党员活动日", "日期：4月12日"], date(2017, 4, 12)),
    (["制表于2017年1月3日", "时间：2017年4月12日"], date(2017, 4, 12)),  # the 时间： line wins
    (["4月12日签到"], None),  # no year anywhere
])
def test_dates_from_titles(lines, day):
    assert date_from_lines(lines) == day


@pytest.mark.parametrize("value, unit, minutes", [
    (65, "分钟", 65.0), ("65分钟", "分钟", 65.0), ("1小时5分", "分钟", 65.0), ("0:30:00", "分钟", 30.0),
    (3900, "秒", 65.0), (timedelta(minutes=90), "分钟", 90.0), (time(1, 5), "分钟", 65.0), ("", "分钟", None),
])
def test_durations(value, unit, minutes):
    assert as_minutes(value, unit) == minutes


def test_phone_tails():
    assert phone_tail("138****1234") == "1234"
    assert phone_tail("张三13800001111") == "1111"
    assert phone_tail("张三") == ""


# --------------------------------------------------------------------------- never a traceback

_CELL = st.one_of(
    st.text(max_size=12), st.integers(-10**6, 10**12), st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(), st.dates(), st.datetimes(), st.times(), st.timedeltas(),
    st.sampled_from(["姓名", "张三", "病假", "√", "应到24人，实到20人", "列席人员：王某", "第一党小组",
                     "2024-03-12 09:00:00", "1小时5分", "138****1234", "(跳过)", "入党积极分子"]),
)
_HEADERS = {
    "handwritten": [["签到表"], ["序号", "姓名", "签名", "备注", "序号", "姓名", "签名", "备注"]],
    "tencent": [["会议主题", "x"], ["会议开始时间", "2024-03-12 09:00:00"], [],
                ["用户昵称（入会昵称）", "首次入会时间", "最后退会时间", "入会次数", "累计参会时长", "身份"]],
    "wjx": [["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP", "1、您的姓名：", "2、所在党小组："]],
    "wecom": [["签到记录"], ["时间", "姓名", "账号", "部门", "签到时间", "签到地点", "备注"]],
    "dingtalk": [["姓名", "部门", "工号", "签到时间", "签到地址", "备注"]],
    "none": [],
}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(layout=st.sampled_from(sorted(_HEADERS)),
       body=st.lists(st.lists(_CELL, max_size=9), max_size=12),
       min_minutes=st.none() | st.floats(0, 120),
       mapped=st.booleans())
def test_random_cells_give_a_reading_or_a_user_error(layout, body, min_minutes, mapped):
    sheet = Sheet("签到", [list(r) for r in _HEADERS[layout]] + body)
    extra = {"我们单位": {"name": ["参会人"], "status": ["情况"]}} if mapped else None
    try:
        signin = read_sheets([sheet], "签到.xlsx", extra_layouts=extra, min_minutes=min_minutes)
    except UserError as err:
        assert err.message and "\n" not in err.message
        return
    assert isinstance(signin, SignInFile) and signin.layout in LAYOUTS
    for row in signin.rows:
        assert row.status is None or row.status in STATUSES
        assert row.raw_name
    json.dumps(signin_as_dict(signin), ensure_ascii=False)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(names=st.lists(st.text(min_size=1, max_size=6).filter(lambda s: s.strip()), min_size=1, max_size=8),
       words=st.lists(st.sampled_from(["病假", "迟到", "早退", "出差", "缺席", "", "x"]), max_size=8),
       encoding=st.sampled_from(["gbk", "utf-8-sig", "utf-8"]))
def test_random_handwritten_csv_never_crashes(tmp_path, names, words, encoding):
    statuses = dict(zip(names, words, strict=False))
    try:
        path = f.handwritten_csv(tmp_path / "s.csv", encoding, title="签到表", date=date(2017, 4, 12),
                                 names=names, statuses=statuses)
    except UnicodeEncodeError:
        return  # a name GBK cannot hold: Excel would not have written it either
    try:
        signin = read_signin(path)
    except UserError:
        return
    assert signin.date == date(2017, 4, 12)


def test_random_xlsx_through_the_worker(tmp_path):
    """The real path (calamine in its worker) on a file with odd cells in every layout."""
    odd = ["", None, 0, -1, 1e300, "=1+1", "\u200b张三", datetime(1900, 1, 1), "   ", "✓"]
    for layout, head in _HEADERS.items():
        path = f.plain_xlsx(tmp_path / f"{layout}.xlsx", rows=head + [odd, odd[::-1]] if head else [odd])
        try:
            read_signin(path)
        except UserError as err:
            assert "\n" not in err.message


def test_a_hand_sheet_with_a_header_of_two_merged_rows_reads_its_sign_and_note_columns(tmp_path):
    """序号, 签到 and 备注 merged down over two rows, 姓名/党小组 under 党员信息: the header row
    is the one with 姓名, and the 签到/备注 labels sit only in the row above. Everyone was
    read 出席 — blanks, 病假 and 请假 too — and a 3月 at 81% reported as 100%."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["机关第一党支部2026年3月主题党日签到表"])
    ws.append(["时间：2026年3月11日下午3:00        地点：三楼党员活动室"])
    ws.append(["序号", "党员信息", "", "签到", "备注"])
    ws.append(["", "姓  名", "党小组", "", ""])
    for i, (name, mark, note) in enumerate([("李建国", "√", ""), ("刘芳", "", "病假"), ("周敏", "", "请假"),
                                            ("吴涛", "", ""), ("陈静", "✓", ""), ("赵强", "到", "")], start=1):
        ws.append([i, name, "第一党小组", mark, note])
    for cells in ("A1:E1", "A2:E2", "B3:C3", "A3:A4", "D3:D4", "E3:E4"):
        ws.merge_cells(cells)
    wb.save(tmp_path / "签到.xlsx")
    got = read_signin(tmp_path / "签到.xlsx")
    assert [(r.raw_name, r.status) for r in got.rows] == [
        ("李建国", "出席"), ("刘芳", "请假"), ("周敏", "请假"), ("吴涛", "缺席"), ("陈静", "出席"), ("赵强", "出席")]
    assert got.date == date(2026, 3, 11)
