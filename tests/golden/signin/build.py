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
from datetime import date, datetime
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


def expected_path(path: Path) -> Path:
    return path.with_name(path.name.rsplit(".", 1)[0] + ".expected.json")


def build(out: Path = HERE) -> list[Path]:
    from partyday_cli.core.attendance import signin_as_dict
    from partyday_cli.io.signin import read_signin

    written = []
    for name, (make, options) in CASES.items():
        path = make(out / name)
        signin = read_signin(path, **options)  # type: ignore[arg-type]
        data = {"read_with": options, **signin_as_dict(signin)} if options else signin_as_dict(signin)
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
