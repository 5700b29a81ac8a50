"""Names on sign-in records matched to members: nicknames with tags, dots and full-width
letters, same-name members told apart, ambiguity reported, unknown names with suggestions."""

from __future__ import annotations

import random

import pytest

from partyday_cli.core.attendance import SignInRow
from partyday_cli.core.matching import Match, clean_name, match_file, match_rows
from partyday_cli.core.members import Member

ROSTER = [
    (1, Member("张三", branch="第一党支部", group="第一党小组", phone="13800001111")),
    (2, Member("李四", branch="第一党支部", group="第一党小组", phone="13800002222")),
    (3, Member("王五", branch="第一党支部", group="第二党小组", phone="13800003333")),
    (4, Member("阿依古丽·买买提", branch="第一党支部", group="第二党小组")),
    (5, Member("LI明", branch="第一党支部", group="第二党小组")),
    (6, Member("王伟", branch="第一党支部", group="第一党小组", phone="13900001234")),
    (7, Member("王伟", branch="第一党支部", group="第二党小组", phone="13900005678")),
    (8, Member("王伟", branch="第二党支部", group="第一党小组", phone="13700009999")),
    (9, Member("欧阳晓燕", branch="第一党支部", group="第二党小组")),
]


def _one(raw: str, **hints) -> Match:
    [match] = match_rows([SignInRow(raw, "出席", **hints)], ROSTER)
    return match


@pytest.mark.parametrize("raw, name", [
    ("张三-第一支部", "张三"), ("李四（财务科）", "李四"), ("第一支部-王五", "王五"),
    ("阿依古丽 • 买买提", "阿依古丽·买买提"), ("阿依古丽.买买提", "阿依古丽·买买提"), ("张  三", "张三"),
    ("ＬＩ　明", "LI明"), ("第一党小组 赵六", "赵六"), ("王五（病假）", "王五"), ("张三138****1111", "张三"),
    ("李科-第一支部", "李科"), ("第一支部-李科", "李科"), ("财务科_李四", "李四"), ("", ""),
    # 腾讯会议 default nicknames name the device; a 股 is a department as a 科 is
    ("张三的iPhone", "张三"), ("张三的华为手机", "张三"), ("张三的MacBook Pro", "张三"), ("规划股-张三", "张三"),
    ("的确良", "的确良"),
])
def test_clean_name(raw, name):
    assert clean_name(raw) == name


def test_branch_names_from_the_config_are_tags():
    assert clean_name("幸福里-张三", branch_names=["幸福里"]) == "张三"


@pytest.mark.parametrize("raw, member_id", [
    ("张三-第一支部", 1), ("第一支部-王五", 3), ("李四（财务科）", 2), ("阿依古丽 • 买买提", 4),
    ("ＬＩ　明", 5), ("微信用户(张三)", 1), ("财务科张三", 1), ("一支部李四", 2), ("欧阳 晓燕", 9),
])
def test_nicknames_and_typing_match_their_member(raw, member_id):
    assert _one(raw).member_id == member_id


def test_phone_only_nickname_matches_by_its_tail():
    assert _one("138****3333", phone_tail="3333").member_id == 3


@pytest.mark.parametrize("hints, member_id", [
    ({"group_hint": "第二党小组"}, 7),
    ({"phone_tail": "5678"}, 7),
    ({"branch_hint": "第二党支部"}, 8),
    ({"branch_hint": "第一党支部", "group_hint": "第一党小组"}, 6),
])
def test_same_name_members_told_apart(hints, member_id):
    match = _one("王伟", **hints)
    assert match.member_id == member_id
    assert match.candidates == ()


def test_a_device_nickname_of_a_namesake_is_told_apart_by_the_phone_tail():
    assert _one("王伟的iPhone", phone_tail="5678").member_id == 7
    assert _one("规划股-王伟", phone_tail="1234").member_id == 6


def test_same_name_without_hints_is_ambiguous_never_guessed():
    match = _one("王伟")
    assert match.member_id is None
    assert match.candidates == (6, 7, 8)
    narrowed = _one("王伟", branch_hint="第一党支部")
    assert (narrowed.member_id, narrowed.candidates) == (None, (6, 7))


def test_a_hint_that_fits_nobody_does_not_pick_one():
    match = _one("王伟", group_hint="第九党小组")
    assert (match.member_id, match.candidates) == (None, (6, 7, 8))


@pytest.mark.parametrize("raw, suggestion", [
    ("张山", "张三"),  # one character wrong
    ("四李", "李四"),  # two swapped
    ("欧阳晓艳", "欧阳晓燕"),
    ("阿依古丽", "阿依古丽·买买提"),
])
def test_unknown_names_get_the_closest_roster_names(raw, suggestion):
    match = _one(raw)
    assert match.member_id is None and match.candidates == ()
    assert suggestion in match.suggestions
    assert len(match.suggestions) <= 3


def test_unknown_with_nothing_close_gets_no_suggestion():
    assert _one("司马相如").suggestions == ()


def test_aliases_come_first():
    rows = [SignInRow("小张", "出席"), SignInRow("老王", "出席")]
    matches = match_rows(rows, ROSTER, aliases={"小张": "张三", "老王": "王五"})
    assert [m.member_id for m in matches] == [1, 3]


def test_visitors_are_not_matched_even_when_a_member_shares_the_name():
    [match] = match_rows([SignInRow("张三", "出席", visitor=True)], ROSTER)
    assert (match.member_id, match.candidates, match.suggestions) == (None, (), ())


def test_matching_is_deterministic_whatever_the_roster_order():
    rows = [SignInRow(n, "出席") for n in ("王伟", "张山", "张三-第一支部", "王伟", "无名氏")]
    first = match_rows(rows, ROSTER)
    shuffled = ROSTER[:]
    random.Random(7).shuffle(shuffled)
    assert match_rows(rows, shuffled) == first
    assert [m.row for m in first] == rows


@pytest.mark.parametrize("raw, hints, step", [
    ("张三", {}, "exact"),
    ("王伟", {"group_hint": "第二党小组"}, "group"),
    ("王伟", {"phone_tail": "5678"}, "phone"),
    ("王伟", {}, "ambiguous"),
    ("张山", {}, "suggestion"),
    ("路人甲乙丙", {}, "unmatched"),
    ("钱七", {"visitor": True}, "visitor"),
])
def test_every_match_says_which_step_decided(raw, hints, step):
    """`attend import --explain` prints the step and its note for each row."""
    match = _one(raw, **hints)
    assert match.step == step
    assert match.note  # a short Chinese note for the secretary


# --------------------------------------------------------------------------- issue 12 / 17 rules

PEOPLE = [
    (21, Member("迪丽努尔·艾买提", phone="13600002101")),
    (22, Member("林晓峰", phone="13600002202")),
    (23, Member("马丽")), (24, Member("何志强")), (25, Member("吴刚")), (26, Member("陈静", phone="13600002606")),
    (27, Member("马超")), (28, Member("朱红")), (29, Member("和平")),
    (31, Member("王伟", group="第一党小组", phone="13900003101")),
    (32, Member("王伟", group="第三党小组", phone="13900003202")),
]


def _file(*rows: SignInRow) -> list[Match]:
    return match_file(list(rows), PEOPLE)


@pytest.mark.parametrize("raw", [
    "迪丽努尔·艾买提", "迪丽努尔•艾买提", "迪丽努尔・艾买提", "迪丽努尔‧艾买提", "迪丽努尔艾买提",
    "迪丽努尔 · 艾买提", "迪丽努尔．艾买提",
])
def test_minority_name_separators_are_one_name(raw):
    match = match_rows([SignInRow(raw, "出席")], PEOPLE)[0]
    assert (match.member_id, match.step) == (21, "exact")


@pytest.mark.parametrize("raw", ["林晓峰(林晓峰)", "林晓峰【林晓峰】", "林晓峰（林晓峰）", "林 晓 峰", "林晓峰 "])
def test_an_app_repeating_the_name_is_an_exact_match_not_a_suggestion(raw):
    match = match_rows([SignInRow(raw, "出席")], PEOPLE)[0]
    assert (match.member_id, match.step, match.suggestions) == (22, "exact", ())


def test_a_real_spelling_difference_stays_a_suggestion():
    match = match_rows([SignInRow("吴钢", "出席")], PEOPLE)[0]
    assert (match.member_id, match.step, match.suggestions) == (None, "suggestion", ("吴刚",))


@pytest.mark.parametrize("raw, ids", [
    ("马丽&何志强", [23, 24]), ("马丽、何志强", [23, 24]), ("马丽和何志强", [23, 24]), ("马丽/何志强", [23, 24]),
    ("马丽＆何志强", [23, 24]), ("马丽+何志强", [23, 24]),
    ("马超&朱红(马超)", [27, 28]),  # 腾讯会议: the nickname, then the name the member set
])
def test_a_shared_device_counts_every_member_in_it(raw, ids):
    matches = _file(SignInRow(raw, "出席"))
    assert [m.member_id for m in matches] == ids
    assert {m.step for m in matches} == {"split"}
    assert all("一台设备多人" in m.note for m in matches)
    assert [m.part for m in matches] == [dict(PEOPLE)[i].name for i in ids]


def test_a_shared_row_with_a_stranger_reports_the_stranger():
    matches = _file(SignInRow("马丽&路人甲", "出席"))
    assert [(m.member_id, m.step, m.part) for m in matches] == [(23, "split", "马丽"), (None, "unmatched", "路人甲")]


def test_a_name_containing_a_shared_word_is_not_split():
    assert [m.member_id for m in _file(SignInRow("和平", "出席"))] == [29]
    assert [m.member_id for m in _file(SignInRow("张三-第一支部", "出席"))] == [None]  # one unknown, not two


@pytest.mark.parametrize("raw", ["会议室-3F", "微信用户", "测试", "iPhone", "主持人", "HUAWEI Mate 40", "第一党支部",
                                 "腾讯会议用户"])
def test_rows_that_are_not_a_person_are_their_own_step(raw):
    [match] = _file(SignInRow(raw, "出席"))
    assert (match.member_id, match.step, match.suggestions) == (None, "not-a-person", ())


def test_a_nickname_mixing_english_and_chinese():
    [match] = _file(SignInRow("Jing Chen 陈静(静静)", "出席"))
    assert (match.member_id, match.step) == (26, "exact")


def test_visitors_keep_their_remark():
    [match] = _file(SignInRow("何婷婷", "出席", "入党积极分子", visitor=True))
    assert match.step == "visitor" and "入党积极分子" in match.note and match.row.raw_name == "何婷婷"


def test_same_names_matching_in_number_and_status_are_all_present():
    matches = _file(SignInRow("王伟", "出席", row=3), SignInRow("王伟", "出席", row=9))
    assert sorted(m.member_id for m in matches) == [31, 32]
    assert {m.step for m in matches} == {"count"}


def test_same_names_with_different_statuses_stay_ambiguous():
    matches = _file(SignInRow("王伟", "出席"), SignInRow("王伟", "请假", "病假"))
    assert [(m.member_id, m.step) for m in matches] == [(None, "ambiguous")] * 2


def test_one_row_for_two_same_name_members_is_a_shortfall_left_to_resolve():
    [match] = _file(SignInRow("王伟", "出席"))
    assert (match.member_id, match.candidates, match.step) == (None, (31, 32), "ambiguous")


@pytest.mark.parametrize("raw", ["王伟(第三党小组王伟)", "王伟-三组", "王伟（第三党小组）"])
def test_a_group_tail_decides_and_the_other_row_follows_by_count(raw):
    matches = _file(SignInRow(raw, "出席"), SignInRow("王伟", "出席"))
    assert [(m.member_id, m.step) for m in matches] == [(32, "group"), (31, "count")]


def test_a_group_column_decides():
    matches = _file(SignInRow("王伟", "出席", group_hint="第一党小组"))
    assert [(m.member_id, m.step) for m in matches] == [(31, "group")]


def test_a_phone_decides_between_same_names():
    [match] = _file(SignInRow("王伟", "出席", phone_tail="3202"))
    assert (match.member_id, match.step) == (32, "phone")


def test_a_phone_never_turns_one_name_into_another():
    """问卷星: a respondent who is not a member typed 陈静's phone number."""
    [stranger] = _file(SignInRow("陈晶晶", "出席", phone_tail="2606"))
    assert stranger.member_id is None and "陈静" in stranger.warning
    [member] = _file(SignInRow("林晓峰", "出席", phone_tail="2606"))
    assert member.member_id == 22 and "陈静" in member.warning
    [own] = _file(SignInRow("林晓峰", "出席", phone_tail="2202"))
    assert (own.member_id, own.warning) == (22, "")


def test_a_phone_alone_still_says_who():
    [match] = _file(SignInRow("136****2606", "出席", phone_tail="2606"))
    assert (match.member_id, match.step) == (26, "phone")
