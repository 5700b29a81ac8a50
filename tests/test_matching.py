"""Names on sign-in records matched to members: nicknames with tags, dots and full-width
letters, same-name members told apart, ambiguity reported, unknown names with suggestions."""

from __future__ import annotations

import random

import pytest

from partyday_cli.core.attendance import SignInRow
from partyday_cli.core.matching import Match, clean_name, match_rows
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
