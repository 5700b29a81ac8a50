"""Sign-in files built to look like what really arrives (issues 12 and 17), read and
matched against the day's roster: for every file the members recorded present are
exactly those who attended, and the file names its layout correctly.

Where each layout comes from (also in each file's "source", tests/golden/signin/build.py):
- pre-printed 签到表: partyday's own templates/签到表.xlsx and 签到表-双栏.xlsx (what
  `partyday signsheet` prints), filled in with √, times, signatures and blanks;
- 腾讯会议: the 成员参会概况 / 成员参会明细 / 成员观看明细 sheets public parsers read
  (zhengft/meeting_stat: meta rows, the table from row 10, '会中昵称(入会昵称)');
- 问卷星: the 按文本 download (序号, 提交答卷时间, 所用时间, 来源, 来源详情, 来自IP, questions);
- 钉钉 考勤 每日汇总: the columns zensgit/metasheet2 imports (姓名, 工号, 考勤组, 部门, 职位,
  UserId, 日期, 上班1打卡时间, 下班1打卡时间, 考勤结果) under 每日汇总… / 报表生成时间… rows;
- 飞书 参会人明细: a meeting export script's columns (参会者, 入会时间, 离会时间, 参会时长
  HH:MM:SS), headers with trailing spaces;
- csv encodings as Excel and the apps save them: UTF-8 with and without BOM, GBK, UTF-16.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from partyday_cli.core.attendance import PRESENT
from partyday_cli.core.matching import STEPS, match_file
from partyday_cli.core.members import Member
from partyday_cli.io.signin import LAYOUTS, read_signin

GOLDEN = Path(__file__).parent / "golden" / "signin"


def _cases() -> list[tuple[Path, dict]]:
    out = []
    for expected in sorted(GOLDEN.glob("*.expected.json")):
        data = json.loads(expected.read_text("utf-8"))
        if "roster" in data:
            [source] = [p for p in GOLDEN.iterdir() if p.name.startswith(expected.name[: -len(".expected.json")] + ".")
                        and not p.name.endswith(".json")]
            out.append((source, data))
    return out


CASES = _cases()


def _roster(data: dict) -> list[tuple[int, Member]]:
    return [(m["id"], Member(m["name"], group=m["group"], phone=m["phone"])) for m in data["roster"]]


def _label(member: Member, roster: list[tuple[int, Member]]) -> str:
    """A member as the expected files write them: 王伟（第一党小组） when the name is shared."""
    same = sum(1 for _, m in roster if m.name == member.name)
    return f"{member.name}（{member.group}）" if same > 1 else member.name


def _import(path: Path, data: dict):  # type: ignore[no-untyped-def]
    signin = read_signin(path, **data.get("read_with", {}))
    roster = _roster(data)
    matches = match_file([r for r in signin.rows if not r.visitor], roster)
    return signin, roster, matches


def _present(matches, roster) -> list[str]:  # type: ignore[no-untyped-def]
    by_id = dict(roster)
    return sorted({_label(by_id[m.member_id], roster) for m in matches
                   if m.member_id is not None and m.row.status in PRESENT})


def test_there_are_at_least_two_files_of_every_class():
    classes = Counter(p.name.split("-")[0] for p, _ in CASES)
    for kind in ("preprinted", "same", "separators", "shared", "devices", "visitors", "wjx", "dingtalk",
                 "tencent", "feishu"):
        assert classes[kind] >= 2, kind
    suffixes = {p.name.rsplit(".", 1)[0].rsplit("-", 1)[-1] for p, _ in CASES if p.suffix == ".csv"}
    assert {"bom", "utf8", "gbk", "utf16"} <= suffixes  # every csv encoding in use


@pytest.mark.parametrize("path, data", CASES, ids=[p.name for p, _ in CASES])
def test_the_members_recorded_present_are_those_who_attended(path, data):
    assert data["source"]  # where the layout comes from
    signin, roster, matches = _import(path, data)
    assert _present(matches, roster) == sorted(data["attended"])
    assert all(m.step in STEPS and m.note for m in matches)


@pytest.mark.parametrize("path, data", CASES, ids=[p.name for p, _ in CASES])
def test_every_file_names_its_layout(path, data):
    signin = read_signin(path, **data.get("read_with", {}))
    wanted = next((layout for word, layout in (("dingtalk", "dingtalk-daily"), ("feishu", "feishu"), ("wjx", "wjx"),
                                              ("tencent", "tencent")) if word in path.name), "handwritten")
    assert signin.layout == wanted
    assert LAYOUTS[signin.layout] == signin.layout_zh


@pytest.mark.parametrize("name", ["preprinted-ticks.xlsx", "preprinted-times.xlsx", "preprinted-two-halves.xlsx",
                                  "same-count.xlsx"])
def test_a_footer_agrees_with_what_is_recorded(name):
    """应到N人，实到M人 is read and matches the members recorded present and expected."""
    [(path, data)] = [(p, d) for p, d in CASES if p.name == name]
    signin, roster, matches = _import(path, data)
    assert signin.footer_present == len(_present(matches, roster))
    assert signin.footer_expected == sum(1 for r in signin.rows if not r.visitor)
    assert signin.present_only is False and not signin.warnings


def test_an_unsigned_row_of_a_preprinted_sheet_is_absent():
    [(path, data)] = [(p, d) for p, d in CASES if p.name == "preprinted-ticks.xlsx"]
    rows = {r.raw_name: (r.status, r.reason) for r in read_signin(path).rows}
    assert rows["林晓峰"] == ("缺席", "") and rows["马超"] == ("缺席", "")
    assert rows["吴刚"] == ("请假", "病假")


def _one(name: str) -> tuple:
    [(path, data)] = [(p, d) for p, d in CASES if p.name == name]
    return _import(path, data)


def test_dingtalk_daily_reads_its_own_status_column():
    signin, _, _ = _one("dingtalk-daily-bom.csv")
    statuses = {r.raw_name: r.status for r in signin.rows}
    assert statuses == {"陈建国": "出席", "林晓峰": "迟到", "马丽": "出席", "何志强": "缺席", "朱红": "请假",
                        "吴刚": "早退", "陈静": "缺席"}
    assert str(signin.date) == "2025-07-08" and signin.present_only is False


def test_a_phone_of_someone_else_is_reported():
    _, _, matches = _one("wjx-phone.csv")
    stranger = next(m for m in matches if m.row.raw_name == "刘芳")
    assert stranger.member_id is None and "陈静" in stranger.warning
    _, _, matches = _one("wjx-phone-wrong.xlsx")
    assert "何志强" in next(m for m in matches if m.row.raw_name == "马丽").warning


def test_overlapping_sessions_are_merged_not_summed():
    signin, _, _ = _one("tencent-overlap.xlsx")
    minutes = {r.raw_name: (r.minutes, r.status) for r in signin.rows}
    assert minutes["陈建国"] == (92.0, "出席")  # 14:28–16:00 on a PC and a phone at once
    assert minutes["马丽"] == (70.0, "出席")
    assert minutes["吴刚"][1] == "缺席"  # 22 minutes in all, under the 60 asked


def test_the_2025_watch_sheet_is_read():
    signin, _, _ = _one("tencent-2025-watch.xlsx")
    assert {r.sheet for r in signin.rows} == {"成员观看明细"}
    assert {r.raw_name: r.minutes for r in signin.rows}["朱红(朱红)"] == 90.0


def test_shared_rows_say_they_were_split():
    _, roster, matches = _one("shared-tencent.xlsx")
    split = [m for m in matches if m.step == "split"]
    assert sorted(m.part for m in split) == ["何志强", "朱红", "马丽", "马超"]
    assert all("一台设备多人" in m.note for m in split)


def test_not_a_person_rows_are_told_apart_from_unknown_names():
    _, _, matches = _one("devices-tencent-utf8.csv")
    steps = {m.row.raw_name: m.step for m in matches}
    assert steps == {"第一党支部": "not-a-person", "会议平板": "not-a-person", "林晓峰": "exact", "吴钢": "suggestion"}


def test_visitors_keep_their_name_and_remark():
    signin, _, _ = _one("visitors-sheet.xlsx")
    visitors = {r.raw_name: r.reason for r in signin.rows if r.visitor}
    assert visitors == {"何婷婷": "入党积极分子", "罗浩": "列席", "杜鹏": "列席"}


def test_same_name_shortfall_is_left_to_resolve():
    _, _, matches = _one("same-shortfall.xlsx")
    [left] = [m for m in matches if m.member_id is None]
    assert (left.row.raw_name, left.step, left.candidates) == ("王伟", "ambiguous", (2, 3))
