"""Rebuild the golden sign-in files from tests/factories.py.

    python tests/golden/signin/build.py          # every input, and its .expected.json
    python tests/golden/signin/build.py --xls    # also re-make the embedded .xls (needs LibreOffice)

Each input is written by a factory; its `.expected.json` is what `read_signin` makes of
it (with the options in `read_with`). Review the diff of the JSON before committing: the
expected files are the contract, not a snapshot to wave through.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import tempfile
import textwrap
import zlib
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests import factories as f  # noqa: E402

D = datetime

# 24 members of a street branch, the two halves of one page.
BRANCH_ONE = ["陈建国", "林秀英", "黄志强", "张  伟", "王丽娟", "李明", "刘洋", "赵雪梅", "周国庆", "吴敏",
              "徐海峰", "孙丽", "马俊", "朱红梅", "胡斌", "郭静", "何志刚", "高燕", "罗伟东", "梁晓红",
              "宋涛", "郑秀兰", "谢宏伟", "韩冬梅"]


def _two_halves(path: Path) -> Path:
    return f.handwritten_xlsx(
        path, title="中共幸福街道第一党支部2017年4月“党员活动日”签到表", date=date(2017, 4, 12),
        names=BRANCH_ONE, two_halves=True, blank_every=5,
        statuses={"林秀英": "病假", "吴敏": "事假", "宋涛": "出差", "郭静": "缺席", "李明": "迟到",
                  "高燕": "早退"},
        exempt=["周德福"], visitor_line=["吴晓燕", "杜鹏"])


def _names_only(path: Path) -> Path:
    names = ["王  刚", "杨帆（迟到）", "阿依古丽 • 买买提", "ＬＩ　Ｍｉｎｇ", "曹雪芹", "许文强", "邓超", "冯丽萍"]
    groups = {n: ("第一党小组" if i < 4 else "第二党小组") for i, n in enumerate(names)}
    return f.handwritten_xlsx(
        path, title="第二党支部2017年6月14日主题党日签到", date=None, names=names, signatures=False,
        footer=False, merged_title=False, groups=groups,
        visitors={"何婷婷": "入党积极分子", "罗浩": "发展对象"})


def _gbk_csv(path: Path) -> Path:
    return f.handwritten_csv(
        path, "gbk", title="第三党支部2017年5月主题党日签到表", date=date(2017, 5, 10), year_in_line=False,
        names=["陈建国", "林小红", "黄志强", "周敏", "吴海燕", "郑伟"],
        statuses={"林小红": "病假", "周敏": "迟到", "吴海燕": "缺席"})


def _tencent_summary(path: Path) -> Path:
    day = D(2024, 3, 12)
    at = lambda h, m: day.replace(hour=h, minute=m)  # noqa: E731
    return f.tencent_meeting_xlsx(
        path, topic="第一党支部3月主题党日（线上）", start=at(9, 0), end=at(10, 30), host="陈建国-第一支部",
        participants=[
            ("陈建国-第一支部", [(at(8, 52), at(10, 31))]),
            ("林秀英（财务科）", [(at(8, 58), at(9, 40)), (at(9, 44), at(10, 30))]),
            ("第一支部-黄志强", [(at(9, 1), at(10, 30))]),
            ("微信用户(王丽娟)", [(at(9, 2), at(10, 29))]),
            ("138****6621", [(at(9, 0), at(10, 30))]),
            ("李明", [(at(9, 18), at(10, 30))]),
            ("刘洋 第一党小组", [(at(9, 0), at(10, 2))]),
            ("张伟", [(at(9, 0), at(9, 31)), (at(9, 35), at(10, 30))]),
        ])


def _tencent_detail_csv(path: Path) -> Path:
    day = D(2024, 4, 9)
    at = lambda h, m: day.replace(hour=h, minute=m)  # noqa: E731
    return f.tencent_meeting_csv(
        path, topic="第二党支部4月主题党日", start=at(14, 30), end=at(16, 0), host="许文强",
        participants=[
            ("许文强", [(at(14, 20), at(16, 1))]),
            ("曹雪芹-第二支部", [(at(14, 29), at(15, 10)), (at(15, 12), at(16, 0))]),
            ("邓超(139****0077)", [(at(14, 31), at(16, 0))]),
            ("冯丽萍", [(at(14, 35), at(14, 43))]),
            ("何婷婷", [(at(14, 30), at(15, 58))]),
        ])


def _wjx_dues(path: Path) -> Path:
    def s(h: int, m: int, name: str, group: str, paid: str, **more: str) -> tuple[D, str, dict[str, str]]:
        return D(2024, 5, 14, h, m, 7), name, {"所在党小组": group, "本月党费是否已交纳": paid, **more}

    return f.wjx_xlsx(path, title="第一党支部5月主题党日签到", submissions=[
        s(14, 21, "陈建国", "第一党小组", "是", 身份="正式党员"),
        s(14, 22, "林秀英", "第一党小组", "否（月底前交）", 身份="正式党员"),
        s(14, 25, "黄志强", "第二党小组", "是", 身份="预备党员"),
        s(14, 26, "陈建国", "第一党小组", "是", 身份="正式党员"),
        s(14, 28, "何婷婷", "第二党小组", "(跳过)", 身份="入党积极分子"),
        s(14, 40, "张 伟", "第二党小组", "是", 身份="正式党员"),
        (D(2024, 5, 13, 21, 5, 40), "王丽娟", {"所在党小组": "第一党小组", "本月党费是否已交纳": "是",
                                            "身份": "正式党员"}),
    ])


def _wjx_csv(path: Path) -> Path:
    day = D(2024, 6, 11, 15, 0)
    return f.wjx_csv(path, encoding="utf-8", submissions=[
        (day.replace(minute=2), "许文强", {"手机号码": "13912340077", "是否参加本次活动": "是"}),
        (day.replace(minute=3), "曹雪芹", {"手机号码": "13800001234", "是否参加本次活动": "否，出差"}),
        (day.replace(minute=4), "邓超", {"手机号码": "13700005678", "是否参加本次活动": "是"}),
        (day.replace(minute=9), "邓超", {"手机号码": "13700005678", "是否参加本次活动": "是",
                                       "意见建议": "希望多组织实地参观"}),
    ])


def _wecom(path: Path) -> Path:
    day = D(2024, 7, 1)
    return f.wecom_checkin_xlsx(path, records=[
        ("陈建国", "第一支部", day.replace(hour=8, minute=51), ""),
        ("林秀英", "第一支部", day.replace(hour=8, minute=55), ""),
        ("黄志强", "第一支部/第二党小组", day.replace(hour=9, minute=12), "路上堵车，迟到"),
        ("林秀英", "第一支部", day.replace(hour=8, minute=57), "重复签到"),
        ("王丽娟", "第一支部", day.replace(hour=8, minute=59), ""),
    ])


def _wecom_visitor(path: Path) -> Path:
    day = D(2024, 8, 6)
    return f.wecom_checkin_xlsx(path, title="签到记录（2024-08-06）", records=[
        ("许文强", "第二支部", day.replace(hour=14, minute=25), ""),
        ("何婷婷", "第二支部", day.replace(hour=14, minute=26), "入党积极分子"),
        ("曹雪芹", "第二支部", day.replace(hour=14, minute=28), "需提前离开，早退"),
    ])


def _dingtalk(path: Path) -> Path:
    day = D(2024, 9, 10)
    return f.dingtalk_checkin_xlsx(path, records=[
        ("陈建国", "综合办公室", day.replace(hour=15, minute=1), ""),
        ("林秀英", "财务科", day.replace(hour=14, minute=58), ""),
        ("黄志强", "财务科", day.replace(hour=15, minute=20), "迟到"),
        ("王丽娟", "综合办公室", day.replace(hour=14, minute=55), ""),
    ])


def _dingtalk_notes(path: Path) -> Path:
    day = D(2024, 10, 15)
    return f.dingtalk_checkin_xlsx(path, records=[
        ("许文强", "信息科", day.replace(hour=9, minute=0), ""),
        ("罗浩", "信息科", day.replace(hour=9, minute=2), "发展对象"),
        ("邓超", "信息科", day.replace(hour=9, minute=4), "早退（下午出差）"),
        ("邓超", "信息科", day.replace(hour=11, minute=30), ""),
        ("张伟", "后勤科", day.replace(hour=9, minute=5), ""),
        ("张伟", "信息科", day.replace(hour=9, minute=6), ""),
    ])


def _mapped(path: Path) -> Path:
    return f.plain_xlsx(path, sheet="会议记录", merges=["A1:C1"], rows=[
        ["2017年第三季度支部党员大会参会情况"],
        ["会议日期：2017.9.20"],
        ["参会人", "情况", "所在单位"],
        ["陈建国", "参加", "街道办"],
        ["林秀英", "病假", "街道办"],
        ["黄志强", "参加", "社区"],
        ["吴海燕", "未参加", "社区"],
    ])


CASES: dict[str, tuple[Callable[[Path], Path], dict[str, object]]] = {
    "handwritten-two-halves.xlsx": (_two_halves, {}),
    "handwritten-names-only.xlsx": (_names_only, {}),
    "handwritten-gbk.csv": (_gbk_csv, {}),
    "handwritten-status.xls": (f.handwritten_xls, {}),
    "tencent-summary.xlsx": (_tencent_summary, {}),
    "tencent-detail-bom.csv": (_tencent_detail_csv, {"min_minutes": 30}),
    "wjx-dues.xlsx": (_wjx_dues, {}),
    "wjx-attend.csv": (_wjx_csv, {}),
    "wecom-checkin.xlsx": (_wecom, {}),
    "wecom-visitor.xlsx": (_wecom_visitor, {}),
    "dingtalk-checkin.xlsx": (_dingtalk, {}),
    "dingtalk-notes.xlsx": (_dingtalk_notes, {}),
    "mapped-odd.xlsx": (_mapped, {"extra_layouts": {"我们单位": {"name": ["参会人"], "status": ["情况"],
                                                               "branch": ["所在单位"]}}}),
}


# --------------------------------------------------------------------------- files as they arrive
# (issues 12 and 17). Each has the roster of the day and the people who really attended:
# `attended` is written by hand from the scenario, never computed, and the test checks that
# matching the file against `roster` records exactly them present.

ROSTER_A = [  # a branch of 12: two 王伟 (第一/第三党小组), a Uyghur name, a name apps repeat
    {"id": 1, "name": "陈建国", "group": "第一党小组", "phone": "13800000101"},
    {"id": 2, "name": "王伟", "group": "第一党小组", "phone": "13800000202"},
    {"id": 3, "name": "王伟", "group": "第三党小组", "phone": "13800000303"},
    {"id": 4, "name": "迪丽努尔·艾买提", "group": "第一党小组", "phone": "13800000404"},
    {"id": 5, "name": "林晓峰", "group": "第一党小组", "phone": "13800000505"},
    {"id": 6, "name": "马丽", "group": "第三党小组", "phone": "13800000606"},
    {"id": 7, "name": "何志强", "group": "第三党小组", "phone": "13800000707"},
    {"id": 8, "name": "马超", "group": "第三党小组", "phone": "13800000808"},
    {"id": 9, "name": "朱红", "group": "第一党小组", "phone": "13800000909"},
    {"id": 10, "name": "陈静", "group": "第三党小组", "phone": "13800001010"},
    {"id": 11, "name": "吴刚", "group": "第一党小组", "phone": "13800001111"},
    {"id": 12, "name": "张伟", "group": "第三党小组", "phone": "13800001212"},
]


def _csv(rows: list[list[object]], path: Path, encoding: str) -> Path:
    return f._save_csv(rows, path, encoding)


def _book(path: Path, sheets: list[tuple[str, list[list[object]]]]) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    return f._save_book(wb, path)


def _preprinted(names: list[str], signs: list[object], notes: dict[str, str], footer: str) -> list[list[object]]:
    """The 签到表 `partyday signsheet` prints (templates/签到表.xlsx), filled in by hand."""
    rows: list[list[object]] = [["第一党支部“党员活动日”签到表"],
                                ["活动时间：2024年11月12日（星期二）14:30　　地点：党员活动室"],
                                ["活动主题：学习贯彻党的二十届三中全会精神"],
                                ["序号", "姓名", "党小组", "本人签名", "备注"]]
    groups = {m["name"]: m["group"] for m in ROSTER_A}
    for i, (name, sign) in enumerate(zip(names, signs, strict=True), start=1):
        rows.append([i, name, groups.get(name, ""), sign, notes.get(name, "")])
    rows += [[footer], ["列席人员（入党积极分子、发展对象等）："]]
    return rows


def _pp_ticks(path: Path) -> Path:
    names = ["陈建国", "迪丽努尔·艾买提", "林晓峰", "马丽", "何志强", "马超", "朱红", "陈静", "吴刚", "张伟"]
    signs = ["√", "√", "", "√", "√", "", "√", "√", "", "√"]
    return f.plain_xlsx(path, _preprinted(names, signs, {"吴刚": "病假"},
                                          "应到 10 人，实到7人，请假1人，缺席2人。"), sheet="签到表")


def _pp_times(path: Path) -> Path:
    names = ["陈建国", "迪丽努尔·艾买提", "林晓峰", "马丽", "何志强", "马超", "朱红", "陈静"]
    rows = _preprinted(names, [time(14, 21), "14:25", "", "马丽", "何志强", "14:40", "", "朱红"], {},
                       "应到 8 人，实到6人，请假0人，缺席2人。")
    rows[3][3] = "签到时间"  # the header a secretary types when people write the time
    return f.plain_xlsx(path, rows, sheet="签到表")


def _pp_two_halves(path: Path) -> Path:
    """The two-column 签到表 (templates/签到表-双栏.xlsx) with signatures in both halves."""
    left = [("陈建国", "陈建国"), ("迪丽努尔·艾买提", "迪丽努尔"), ("林晓峰", ""), ("马丽", "马丽")]
    right = [("何志强", "何志强"), ("马超", ""), ("朱红", "√"), ("陈静", "陈静")]
    rows: list[list[object]] = [["第一党支部“党员活动日”签到表"], ["活动时间：2024年12月10日（星期二）14:30"],
                                ["序号", "姓名", "本人签名", "", "序号", "姓名", "本人签名"]]
    for k, ((ln, ls), (rn, rs)) in enumerate(zip(left, right, strict=True)):
        rows.append([k + 1, ln, ls, "", k + 5, rn, rs])
    rows += [["应到 8 人，实到6人，请假＿＿人，缺席＿＿人。"], ["列席人员（入党积极分子、发展对象等）：何婷婷"]]
    return f.plain_xlsx(path, rows, sheet="签到表", merges=["A1:G1"])


def _same_count(path: Path) -> Path:
    """Two 王伟 on the roster, both on the sheet, no group column; one row for two 张伟? no:
    one 张伟 here, so the file stays exact."""
    rows: list[list[object]] = [["第一党支部2024年11月主题党日签到表"], ["时间：2024年11月12日"],
                                ["序号", "姓名", "签名", "备注"]]
    for i, (name, sign) in enumerate([("陈建国", "陈建国"), ("王伟", "王伟"), ("林晓峰", "林晓峰"),
                                      ("王伟", "王伟"), ("马丽", "")], start=1):
        rows.append([i, name, sign, ""])
    rows.append(["应到5人，实到4人"])
    return f.plain_xlsx(path, rows)


def _same_group(path: Path) -> Path:
    """Same names told apart by a tail: 王伟(第三党小组王伟) in a 腾讯会议 nickname, and the
    other 王伟 by count."""
    return _tencent_detail_rows(path, "2024-11-20", [
        ("王伟(第三党小组王伟)", "14:29", "16:00"), ("王伟", "14:30", "16:00"), ("陈建国", "14:28", "16:00")])


def _same_shortfall(path: Path) -> Path:
    """One 王伟 row for two 王伟: a real shortfall, left to attend resolve; 王伟-一组 would
    have decided, so the second file says it."""
    rows: list[list[object]] = [["第一党支部12月主题党日签到"], ["日期：2024-12-18"], ["姓名", "党小组", "签到"]]
    rows += [["王伟", "", "√"], ["陈建国", "第一党小组", "√"], ["张伟", "第三党小组", "√"]]
    return f.plain_xlsx(path, rows)


def _same_tail(path: Path) -> Path:
    rows: list[list[object]] = [["第一党支部12月主题党日签到"], ["日期：2024-12-19"], ["姓名", "签到"]]
    rows += [["王伟-一组", "√"], ["王伟-三组", "√"], ["吴刚", "√"]]
    return f.plain_xlsx(path, rows)


def _tencent_detail_rows(path: Path, day: str, people: list[tuple[str, str, str]], *,
                         encoding: str = "", sheet: str = "成员参会明细") -> Path:
    """腾讯会议's 参会成员明细 as zhengft/meeting_stat reads it: meta rows, then one row per session."""
    rows: list[list[object]] = [["会议主题", "第一党支部主题党日（线上）"], ["会议号", "816 520 378"],
                                ["会议开始时间", f"{day} 14:30:00"], ["会议结束时间", f"{day} 16:00:00"], [],
                                ["序号", "用户昵称（入会昵称）", "入会时间", "退会时间", "参会时长（分钟）", "入会设备"]]
    for i, (nick, t0, t1) in enumerate(people, start=1):
        h0, m0 = map(int, t0.split(":"))
        h1, m1 = map(int, t1.split(":"))
        rows.append([i, nick, f"{day} {t0}:00", f"{day} {t1}:00", (h1 * 60 + m1) - (h0 * 60 + m0), "PC"])
    if encoding:
        return _csv(rows, path, encoding)
    return _book(path, [(sheet, rows)])


def _sep_minority(path: Path) -> Path:
    """Every separator variant and width in one hand-typed list."""
    rows: list[list[object]] = [["第一党支部2025年1月主题党日签到表"], ["时间：2025年1月14日"], ["序号", "姓名", "签名"]]
    for i, name in enumerate(["迪丽努尔•艾买提", "林晓峰【林晓峰】", "ＣＨＥＮ　陈建国", "吴  刚", "朱红 "], start=1):
        rows.append([i, name, "√"])
    return f.plain_xlsx(path, rows)


def _sep_tencent(path: Path) -> Path:
    """腾讯会议 names set by the app: the name repeated in brackets, the dot variants (UTF-16 csv,
    as Excel's “Unicode 文本” saves it)."""
    return _tencent_detail_rows(path, "2025-01-15", [
        ("迪丽努尔・艾买提", "14:30", "16:00"), ("林晓峰(林晓峰)", "14:30", "16:00"), ("吴刚（吴刚）", "14:31", "16:00"),
        ("迪丽努尔艾买提", "15:10", "15:20")], encoding="utf-16")


def _shared_tencent(path: Path) -> Path:
    return _tencent_detail_rows(path, "2025-02-11", [
        ("马超&朱红(马超)", "14:30", "16:00"), ("马丽&何志强", "14:30", "16:00"), ("Jing Chen 陈静(静静)", "14:29", "16:00")])


def _shared_sheet(path: Path) -> Path:
    """A hand-typed list where a couple signed on one line (GBK csv, as Excel on Windows saves)."""
    rows: list[list[object]] = [["第一党支部2025年2月主题党日签到表"], ["时间：2025年2月12日"], ["序号", "姓名", "签名"]]
    for i, name in enumerate(["马丽、何志强", "陈静和朱红", "陈建国/吴刚", "林晓峰"], start=1):
        rows.append([i, name, "√"])
    return _csv(rows, path, "gbk")


def _devices_tencent(path: Path) -> Path:
    return _tencent_detail_rows(path, "2025-03-11", [
        ("会议室-3F", "14:20", "16:00"), ("iPhone", "14:30", "16:00"), ("微信用户", "14:35", "15:00"),
        ("测试", "14:10", "14:12"), ("陈建国", "14:30", "16:00"), ("主持人", "14:00", "16:00")])


def _devices_csv(path: Path) -> Path:
    """The same kind of rows in a UTF-8 csv without BOM: the branch's own account, a room tablet."""
    return _tencent_detail_rows(path, "2025-03-12", [
        ("第一党支部", "14:20", "16:00"), ("会议平板", "14:30", "16:00"), ("林晓峰", "14:30", "16:00"),
        ("吴钢", "14:30", "16:00")], encoding="utf-8")


def _visitors_sheet(path: Path) -> Path:
    rows: list[list[object]] = [["第一党支部2025年4月主题党日签到表"], ["时间：2025年4月15日"],
                                ["序号", "姓名", "签名", "身份"]]
    rows += [[1, "陈建国", "√", "党员"], [2, "何婷婷", "√", "入党积极分子"], [3, "马丽", "√", "党员"]]
    rows += [["列席：罗浩、杜鹏"]]
    return f.plain_xlsx(path, rows)


def _visitors_wjx(path: Path) -> Path:
    return f.wjx_csv(path, encoding="utf-8-sig", submissions=[
        (datetime(2025, 4, 16, 14, 2), "林晓峰", {"身份": "正式党员"}),
        (datetime(2025, 4, 16, 14, 3), "罗浩", {"身份": "入党积极分子"}),
        (datetime(2025, 4, 16, 14, 5), "朱红", {"身份": "预备党员"}),
    ])


def _wjx_phone(path: Path) -> Path:
    """问卷星's 按文本 download with a phone answer: 刘芳 is no member and typed 陈静's number;
    a 王伟 is told apart by his."""
    return f.wjx_csv(path, encoding="utf-8", submissions=[
        (datetime(2025, 5, 13, 14, 1), "刘芳", {"手机号码": "13800001010"}),
        (datetime(2025, 5, 13, 14, 2), "王伟", {"手机号码": "13800000303"}),
        (datetime(2025, 5, 13, 14, 3), "陈建国", {"手机号码": "13800000101"}),
    ])


def _wjx_phone_xlsx(path: Path) -> Path:
    return f.wjx_xlsx(path, title="第一党支部6月主题党日签到", submissions=[
        (datetime(2025, 6, 10, 14, 1), "王伟", {"手机号码": "13800000202"}),
        (datetime(2025, 6, 10, 14, 2), "马丽", {"手机号码": "13800000707"}),  # 何志强's phone
        (datetime(2025, 6, 10, 14, 3), "林晓峰", {"手机号码": "13800000505"}),
    ])


def _daily_rows(day: str, people: list[tuple[str, str, str, str]]) -> list[list[object]]:
    """钉钉 考勤 每日汇总 as zensgit/metasheet2 imports it."""
    rows: list[list[object]] = [[f"每日汇总 统计日期：{day} 至 {day}"], ["报表生成时间：2025-07-09 18:02"],
                                ["姓名", "工号", "考勤组", "部门", "职位", "UserId", "日期", "上班1打卡时间",
                                 "下班1打卡时间", "考勤结果"]]
    for i, (name, t_in, t_out, result) in enumerate(people, start=1):
        rows.append([name, f"A{i:03d}", "党员活动考勤", "综合办公室", "科员", f"0119{i:04d}", day, t_in, t_out, result])
    return rows


def _daily_csv(path: Path) -> Path:
    return _csv(_daily_rows("2025-07-08 星期二", [
        ("陈建国", "14:25", "16:02", "正常"), ("林晓峰", "14:41", "16:01", "迟到"), ("马丽", "14:28", "", "缺卡"),
        ("何志强", "", "", "旷工"), ("朱红", "", "", "请假"), ("吴刚", "14:29", "15:30", "早退"),
        ("陈静", "", "", "旷工")]), path, "utf-8-sig")


def _daily_xlsx(path: Path) -> Path:
    return f.plain_xlsx(path, _daily_rows("25-08-12 星期二", [
        ("陈建国", "14:25", "16:02", "上班迟到3分钟,下班正常"), ("马超", "", "", "出差"), ("迪丽努尔·艾买提", "14:20", "16:00", "正常"),
        ("张伟", "", "", "旷工"), ("林晓峰", "15:40", "16:00", "严重迟到")]))


def _overlap(path: Path) -> Path:
    """陈建国 on a phone and a PC at once (169 minutes summed for a 92-minute meeting); 马丽
    left and came back; 吴刚 stayed 20 minutes; min_minutes 60."""
    return _tencent_detail_rows(path, "2025-09-09", [
        ("陈建国", "14:28", "16:00"), ("陈建国", "14:40", "15:57"), ("马丽", "14:30", "15:00"), ("马丽", "15:20", "16:00"),
        ("吴刚", "14:30", "14:50"), ("吴刚", "14:35", "14:52")])


def _tencent_2025(path: Path) -> Path:
    """腾讯会议's 2025 export: 成员参会概况 beside 成员观看明细 (9 meta rows, the table from row
    10, nickname '会中昵称(入会昵称)', as zhengft/meeting_stat reads it)."""
    meta: list[list[object]] = [["会议主题", "第一党支部10月主题党日"], ["会议号", "816 520 379"],
                                ["会议开始时间", "2025-10-14 14:30:00"], ["会议结束时间", "2025-10-14 16:00:00"],
                                ["预定者", "陈建国"], ["导出时间", "2025-10-14 16:10:00"], [], [],
                                ["序号", "用户昵称（入会昵称）", "成员身份", "入会时间", "退会时间", "参会时长（分钟）"]]
    sessions = [("陈建国(陈建国)", "14:29", "16:00"), ("朱红(朱红)", "14:30", "15:10"), ("朱红(朱红)", "15:05", "16:00"),
                ("林晓峰(小林)", "14:50", "14:58")]
    detail = [*meta]
    for i, (nick, t0, t1) in enumerate(sessions, start=1):
        detail.append([i, nick, "企业成员", f"2025-10-14 {t0}:00", f"2025-10-14 {t1}:00", ""])
    overview = [*meta[:8], ["序号", "用户昵称（入会昵称）", "首次入会时间", "最后退会时间", "累计参会时长（分钟）", "入会次数"],
                [1, "陈建国(陈建国)", "2025-10-14 14:29:00", "2025-10-14 16:00:00", 91, 1],
                [2, "朱红(朱红)", "2025-10-14 14:30:00", "2025-10-14 16:00:00", 95, 2],
                [3, "林晓峰(小林)", "2025-10-14 14:50:00", "2025-10-14 14:58:00", 8, 1]]
    return _book(path, [("成员参会概况", overview), ("成员观看明细", detail)])


def _feishu_rows(day: str, people: list[tuple[str, str, str, str]]) -> list[list[object]]:
    """飞书 会议 参会人明细 as a meeting export script writes it: headers with trailing spaces,
    参会时长 as HH:MM:SS."""
    rows: list[list[object]] = [["参会者 ", "部门 ", "入会时间 ", "离会时间 ", "参会时长 ", "参会设备 "]]
    for name, t0, t1, span in people:
        rows.append([name, "第一党支部", f"{day} {t0}", f"{day} {t1}", span, "Mac"])
    return rows


def _feishu_xlsx(path: Path) -> Path:
    return _book(path, [("参会人明细", _feishu_rows("2025-11-11", [
        ("陈建国", "14:29:10", "16:00:02", "01:30:52"), ("林晓峰", "14:30:00", "15:59:00", "01:29:00"),
        ("马丽&何志强", "14:31:00", "16:00:00", "01:29:00")]))])


def _feishu_csv(path: Path) -> Path:
    return _csv(_feishu_rows("2025-12-09", [
        ("朱红", "14:29:10", "16:00:02", "01:30:52"), ("陈静", "14:50:00", "16:00:00", "01:10:00"),
        ("iPad", "14:30:00", "16:00:00", "01:30:00")]), path, "utf-8-sig")


A = "ROSTER_A"
ARRIVALS: dict[str, tuple[Callable[[Path], Path], dict[str, object], str, list[str], str]] = {
    # name: (make, read options, roster, attended (by hand), where the layout comes from)
    "preprinted-ticks.xlsx": (_pp_ticks, {}, A, ["陈建国", "迪丽努尔·艾买提", "马丽", "何志强", "朱红", "陈静", "张伟"],
                              "templates/签到表.xlsx (partyday signsheet) filled in: √ and blanks"),
    "preprinted-times.xlsx": (_pp_times, {}, A, ["陈建国", "迪丽努尔·艾买提", "马丽", "何志强", "马超", "陈静"],
                              "templates/签到表.xlsx with times and signatures under 签到时间"),
    "preprinted-two-halves.xlsx": (_pp_two_halves, {}, A, ["陈建国", "迪丽努尔·艾买提", "马丽", "何志强", "朱红", "陈静"],
                                   "templates/签到表-双栏.xlsx signed in both halves"),
    "same-count.xlsx": (_same_count, {}, A, ["陈建国", "王伟（第一党小组）", "王伟（第三党小组）", "林晓峰"],
                        "a hand-typed 签到表, two 王伟 and no 党小组 column"),
    "same-group-tencent.xlsx": (_same_group, {}, A, ["王伟（第一党小组）", "王伟（第三党小组）", "陈建国"],
                                "腾讯会议 成员参会明细 (zhengft/meeting_stat's layout), 王伟(第三党小组王伟)"),
    "same-shortfall.xlsx": (_same_shortfall, {}, A, ["陈建国", "张伟"],
                            "a hand-typed list with a 党小组 column left empty for 王伟"),
    "same-tail.xlsx": (_same_tail, {}, A, ["王伟（第一党小组）", "王伟（第三党小组）", "吴刚"], "a hand-typed list, 王伟-一组 / 王伟-三组"),
    "separators-sheet.xlsx": (_sep_minority, {}, A, ["迪丽努尔·艾买提", "林晓峰", "陈建国", "吴刚", "朱红"],
                              "a hand-typed list: •, 【】 repeat, full-width letters, spaces"),
    "separators-tencent-utf16.csv": (_sep_tencent, {}, A, ["迪丽努尔·艾买提", "林晓峰", "吴刚"],
                                     "腾讯会议 明细 saved as Unicode text (UTF-16)"),
    "shared-tencent.xlsx": (_shared_tencent, {}, A, ["马超", "朱红", "马丽", "何志强", "陈静"],
                            "腾讯会议 nicknames: 马超&朱红(马超), Jing Chen 陈静(静静)"),
    "shared-sheet-gbk.csv": (_shared_sheet, {}, A, ["马丽", "何志强", "陈静", "朱红", "陈建国", "吴刚", "林晓峰"],
                             "a hand-typed list saved by Excel on Windows (GBK)"),
    "devices-tencent.xlsx": (_devices_tencent, {}, A, ["陈建国"], "腾讯会议 明细 with a room, a phone, test and host rows"),
    "devices-tencent-utf8.csv": (_devices_csv, {}, A, ["林晓峰"], "腾讯会议 明细 csv, UTF-8 without BOM"),
    "visitors-sheet.xlsx": (_visitors_sheet, {}, A, ["陈建国", "马丽"], "a hand-typed sheet with 身份 and a 列席 line"),
    "visitors-wjx-bom.csv": (_visitors_wjx, {}, A, ["林晓峰", "朱红"], "问卷星 按文本 download, UTF-8 with BOM"),
    "wjx-phone.csv": (_wjx_phone, {}, A, ["王伟（第三党小组）", "陈建国"], "问卷星 按文本 download with a 手机号码 question"),
    "wjx-phone-wrong.xlsx": (_wjx_phone_xlsx, {}, A, ["王伟（第一党小组）", "马丽", "林晓峰"], "问卷星 xlsx download, a wrong phone"),
    "dingtalk-daily-bom.csv": (_daily_csv, {}, A, ["陈建国", "林晓峰", "马丽", "吴刚"],
                               "钉钉 考勤 每日汇总 (zensgit/metasheet2's import columns), UTF-8 BOM csv"),
    "dingtalk-daily.xlsx": (_daily_xlsx, {}, A, ["陈建国", "迪丽努尔·艾买提", "林晓峰"],
                            "钉钉 每日汇总 xlsx, 24-09-10 style dates, combined 考勤结果"),
    "tencent-overlap.xlsx": (_overlap, {"min_minutes": 60}, A, ["陈建国", "马丽"],
                             "腾讯会议 成员参会明细, two devices at once"),
    "tencent-2025-watch.xlsx": (_tencent_2025, {"min_minutes": 30}, A, ["陈建国", "朱红"],
                                "腾讯会议 2025 export with 成员观看明细 (zhengft/meeting_stat)"),
    "feishu-detail.xlsx": (_feishu_xlsx, {}, A, ["陈建国", "林晓峰", "马丽", "何志强"], "飞书 参会人明细 export"),
    "feishu-detail-bom.csv": (_feishu_csv, {}, A, ["朱红", "陈静"], "飞书 参会人明细 as csv (UTF-8 BOM)"),
}
ROSTERS = {"ROSTER_A": ROSTER_A}


def expected_path(path: Path) -> Path:
    return path.with_name(path.name.rsplit(".", 1)[0] + ".expected.json")


def build(out: Path = HERE) -> list[Path]:
    from partyday_cli.core.attendance import signin_as_dict
    from partyday_cli.io.signin import read_signin

    written = []
    cases = {**{k: (make, options, "", [], "") for k, (make, options) in CASES.items()}, **ARRIVALS}
    for name, (make, options, roster, attended, source) in cases.items():
        path = make(out / name)
        signin = read_signin(path, **options)  # type: ignore[arg-type]
        data: dict[str, object] = {"read_with": options} if options else {}
        if roster:
            data.update(source=source, roster=ROSTERS[roster], attended=attended)
        data.update(signin_as_dict(signin))
        expected_path(path).write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        written.append(path)
    return written


def remake_xls() -> None:
    """Convert the 状态 sheet to .xls with LibreOffice and rewrite XLS_STATUS in factories.py."""
    with tempfile.TemporaryDirectory() as tmp:
        source = f.handwritten_status_xlsx(Path(tmp) / "status.xlsx")
        subprocess.run(["soffice", "--headless", "--convert-to", "xls", "--outdir", tmp, str(source)],
                       check=True, capture_output=True)
        data = (Path(tmp) / "status.xls").read_bytes()
    encoded = "\n".join(textwrap.wrap(base64.b64encode(zlib.compress(data, 9)).decode(), 92))
    factories = ROOT / "tests" / "factories.py"
    text = factories.read_text(encoding="utf-8")
    start = text.index('XLS_STATUS = """\n') + len('XLS_STATUS = """\n')
    end = text.index('"""', start)
    factories.write_text(text[:start] + encoded + "\n" + text[end:], encoding="utf-8")
    print("XLS_STATUS rewritten; run again without --xls to rebuild the golden files")


if __name__ == "__main__":
    if "--xls" in sys.argv:
        remake_xls()
    else:
        for p in build():
            print(p.relative_to(ROOT))
