"""Builds the sample branch's 2017 sign-in files (run from the repository root).

    python sample_data/build_signins.py

One file per activity, in the shapes they really arrive in (hand-typed sheets, 腾讯会议,
问卷星, 企业微信, 钉钉, a GBK CSV from Windows Excel), written with the same factories
the tests use. The year is designed so the checks of the quarterly report have cases
(each figure below is asserted in tests/test_sample_year.py):

- 宋佳 absent without leave on 1月11日, 3月8日 and 5月11日: 3 unexcused absences → 谈话提醒;
- 韩梅 absent on 4月12日 and 5月11日: two in a row → 连续缺勤;
- 5月11日 (moved off the 乡党代会 on 5月10日): 4 on leave and 2 absent, 23 of 29 → 79.3%,
  below the 80% line;
- 邓超 attends, but pays no dues January–June (the dues ledger) → 党章第九条.
"""

from __future__ import annotations

import sys
from datetime import date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from sample_data.build_sample import MEMBERS  # noqa: E402
from sample_data.leaves import LEAVES  # noqa: E402,F401  (the leaves this year's files assume)
from tests import factories  # noqa: E402

OUT = HERE / "workspace" / "签到"
TITLE = "机关第一党支部“党员活动日”签到表"
# Names as the sign-in files write them. The two 张伟 are told apart the way offices do it,
# by their group after the name; the importer reads that as a hint.
NAMES = [m[0].replace(" ", "") + (f"（{m[4][1]}组）" if m[0] == "张伟" else "") for m in MEMBERS]
GROUPS = {name: m[4] for name, m in zip(NAMES, MEMBERS, strict=True)}


def expected(day: date) -> list[str]:
    """Who is expected that day, in roster order (the sample's history, by hand)."""
    out = []
    for name in NAMES:
        if name == "陈国华":  # exempt
            continue
        if name == "李娜" and day < date(2017, 4, 10):
            continue
        if name == "赵磊" and day >= date(2017, 6, 1):
            continue
        out.append(name)
    return out


def _nickname(name: str, i: int) -> str:
    """腾讯会议 nicknames as people set them: some add their branch."""
    return f"{name}-机关一支部" if i % 3 == 0 and "（" not in name else name


def came(day: date, away: dict[str, str]) -> list[str]:
    return [n for n in expected(day) if n not in away]


def build() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.iterdir():
        old.unlink()
    # 1月11日: a hand-typed sheet, two halves side by side; 宋佳 did not come
    d = date(2017, 1, 11)
    factories.handwritten_xlsx(OUT / "2017-01 一月签到表.xlsx", title=TITLE, date=d,
                               names=expected(d), statuses={"宋佳": "缺席"}, two_halves=True,
                               groups=GROUPS)
    # 2月8日: 腾讯会议 (春节 just over, several away); two were on leave
    d = date(2017, 2, 8)
    start = datetime(2017, 2, 8, 15, 0)
    away = {"王秀英": "病假", "唐勇": "在外务工"}
    people = [(_nickname(n, i), [(start - timedelta(minutes=3), start + timedelta(minutes=95))])
              for i, n in enumerate(came(d, away))]
    factories.tencent_meeting_xlsx(OUT / "2017-02 腾讯会议参会明细.xlsx", topic="机关第一党支部2月党员活动日",
                                   start=start, participants=people)
    # the leaves were recorded by the secretary: in the roster of leaves below
    # 3月8日: 问卷星 sign-in with the dues question; 宋佳 did not come
    d = date(2017, 3, 8)
    subs = [(datetime(2017, 3, 8, 14, 50) + timedelta(minutes=i % 9), n,
             {"所在党小组": GROUPS[n], "本月党费是否已交纳": "否" if n == "邓超" else "是"})
            for i, n in enumerate(came(d, {"宋佳": ""}))]
    factories.wjx_xlsx(OUT / "2017-03 问卷星签到.xlsx", title="3月党员活动日签到", submissions=subs)
    # 4月12日: a hybrid meeting: the paper sheet plus the 腾讯会议 of those who joined online
    d = date(2017, 4, 12)
    online = {"唐勇", "阿依古丽·买买提"}
    paper = [n for n in expected(d) if n.replace("•", "·") not in online]
    factories.handwritten_xlsx(OUT / "2017-04 四月签到表.xlsx", title=TITLE, date=d, names=paper,
                               statuses={"高峰": "出差", "韩梅": "缺席"}, groups=GROUPS)
    start = datetime(2017, 4, 12, 15, 0)
    factories.tencent_meeting_csv(OUT / "2017-04 腾讯会议.csv", topic="机关第一党支部4月党员活动日（线上）",
                                  start=start, participants=[(n, [(start, start + timedelta(minutes=90))])
                                                             for n in sorted(online)],
                                  encoding="gbk")
    # 5月11日: 企业微信 sign-in; four on leave (noted), 宋佳 and 韩梅 absent
    d = date(2017, 5, 11)
    leave = {"马丽": "事假", "高峰": "出差", "冯刚": "出差", "许文": "病假"}
    at = datetime(2017, 5, 11, 14, 55)
    records = [(n, GROUPS[n], at + timedelta(minutes=i % 7), "") for i, n in
               enumerate(came(d, {**leave, "宋佳": "", "韩梅": ""}))]
    factories.wecom_checkin_xlsx(OUT / "2017-05 企业微信签到.xlsx", records=records)
    # 6月14日: 钉钉; 林涛 late, 曹丽华 on leave
    d = date(2017, 6, 14)
    at = datetime(2017, 6, 14, 14, 56)
    records = [(n, GROUPS[n], at + timedelta(minutes=(25 if n == "林涛" else i % 4)),
                "迟到" if n == "林涛" else "") for i, n in enumerate(came(d, {"曹丽华": ""}))]
    factories.dingtalk_checkin_xlsx(OUT / "2017-06 钉钉签到.xlsx", records=records,
                                    address="乡政府三楼党员活动室")
    # 7–12月: hand sheets saved by Excel on Windows as CSV (GBK), everyone there
    for month, day in ((7, 12), (8, 9), (9, 13), (10, 11), (11, 8), (12, 13)):
        d = date(2017, month, day)
        factories.handwritten_csv(OUT / f"2017-{month:02d} 签到表.csv", title=TITLE, date=d,
                                  names=[n.replace("•", "·") for n in expected(d)],  # GBK has no •
                                  groups={n.replace("•", "·"): g for n, g in GROUPS.items()})




if __name__ == "__main__":
    build()
    print(f"sign-in files written to {OUT}")
