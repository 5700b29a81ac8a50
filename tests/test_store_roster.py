"""Rosters in the ledger: history that survives re-imports, idempotency, exact money."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from partyday_cli.core.members import Member
from partyday_cli.errors import UserError
from partyday_cli.store.ledger import open_ledger
from partyday_cli.store.roster import (
    all_members,
    all_members_with_ids,
    members_on,
    members_on_with_ids,
    roster_as_of,
    roster_members,
    save_roster,
)

JAN = date(2024, 1, 1)
JUL = date(2024, 7, 1)

ZHANG = Member(name="张三", group="第一党小组", joined=date(2010, 7, 1), source_row=2)
LI = Member(name="李四", group="第一党小组", joined=date(2015, 3, 1), source_row=3)
WANG = Member(
    name="王五", group="第二党小组", party_status="预备",
    joined=date(2023, 9, 1), full_member_date=date(2024, 9, 1), source_row=4,
)  # fmt: skip


@pytest.fixture
def ledger(tmp_path):
    with open_ledger(tmp_path / "ledger.db") as opened:
        yield opened


def _save(ledger, members, sha_char: str, effective: date = JAN, name: str = "花名册.xlsx"):
    return save_roster(
        ledger, members, sha256=sha_char * 64, original_name=name,
        archived_path=f"archive/{sha_char * 16}-{name}", effective_date=effective,
    )  # fmt: skip


def _names(members) -> list[str]:
    return [m.name for m in members]


def _count(ledger, table: str) -> int:
    return ledger.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_a_first_import_adds_everyone_and_logs_the_import(ledger):
    result = _save(ledger, [ZHANG, LI, WANG], "a")

    assert (result.added, result.changed, result.unchanged, result.removed) == (3, 0, 0, 0)
    assert not result.already_imported
    assert _names(members_on(ledger, date(2024, 3, 1))) == ["张三", "李四", "王五"]
    row = ledger.conn.execute("SELECT * FROM imports").fetchone()
    assert (row["kind"], row["original_name"], row["effective_date"], row["rows"]) == (
        "roster", "花名册.xlsx", "2024-01-01", 3,
    )  # fmt: skip
    assert row["archived_path"] == f"archive/{'a' * 16}-花名册.xlsx"
    assert "新增 3 人" in row["summary"]


def test_the_same_bytes_twice_change_nothing(ledger):
    first = _save(ledger, [ZHANG, LI], "a")
    counts = [_count(ledger, t) for t in ("imports", "members", "member_versions")]

    again = _save(ledger, [ZHANG, LI, WANG], "a", effective=JUL)

    assert again.already_imported
    assert again.import_id == first.import_id
    assert (again.added, again.changed, again.removed) == (0, 0, 0)
    assert [_count(ledger, t) for t in ("imports", "members", "member_versions")] == counts
    assert "已导入过" in again.summary()


def test_a_reimport_keeps_past_days_answering_the_old_roster(ledger):
    _save(ledger, [ZHANG, LI, WANG], "a", effective=JAN)
    moved = replace(ZHANG, group="第三党小组")
    result = _save(ledger, [moved, WANG], "b", effective=JUL)  # 张三 changes group, 李四 leaves

    assert (result.added, result.changed, result.unchanged, result.removed) == (0, 1, 1, 1)
    assert result.changed_names == ("张三",)
    assert result.removed_names == ("李四",)

    march = dict((m.name, m) for m, _ in roster_as_of(ledger, date(2024, 3, 1)))
    assert sorted(march) == ["张三", "李四", "王五"]
    assert march["张三"].group == "第一党小组"

    august = dict((m.name, m) for m, _ in roster_as_of(ledger, date(2024, 8, 1)))
    assert sorted(august) == ["张三", "王五"]
    assert august["张三"].group == "第三党小组"
    # One person across both imports: the group change is a change, not a new member.
    assert _count(ledger, "members") == 3


def test_the_day_an_import_takes_effect_belongs_to_it(ledger):
    _save(ledger, [ZHANG, LI], "a", effective=JAN)
    _save(ledger, [ZHANG], "b", effective=JUL)
    assert _names(members_on(ledger, date(2024, 6, 30))) == ["张三", "李四"]
    assert _names(members_on(ledger, JUL)) == ["张三"]


def test_a_member_dropped_and_listed_again_keeps_one_identity(ledger):
    _save(ledger, [ZHANG, LI], "a", effective=JAN)
    _save(ledger, [ZHANG], "b", effective=date(2024, 4, 1))
    result = _save(ledger, [ZHANG, LI], "c", effective=JUL)

    assert result.added_names == ("李四",)
    assert _count(ledger, "members") == 2
    assert _names(members_on(ledger, date(2024, 5, 1))) == ["张三"]
    assert _names(members_on(ledger, date(2024, 8, 1))) == ["张三", "李四"]


def test_a_new_phone_number_is_the_same_person(ledger):
    _save(ledger, [replace(ZHANG, phone="13800001111")], "a", effective=JAN)
    result = _save(ledger, [replace(ZHANG, phone="13900002222")], "b", effective=JUL)
    assert (result.added, result.changed, result.removed) == (0, 1, 0)
    assert len(all_members(ledger)) == 1


def test_two_people_of_one_name_are_told_apart_by_their_group(ledger):
    other = replace(ZHANG, group="第二党小组", joined=date(2020, 1, 1), source_row=5)
    _save(ledger, [ZHANG, other], "a")
    assert len(members_on(ledger, date(2024, 3, 1))) == 2
    # Both change group at once: ambiguous by name, so no guess is made.
    result = _save(
        ledger, [replace(ZHANG, group="甲"), replace(other, group="乙")], "b", effective=JUL
    )
    assert (result.added, result.removed) == (2, 2)
    assert len(members_on(ledger, date(2024, 3, 1))) == 2


def test_the_members_own_dates_decide_within_a_roster(ledger):
    left = replace(LI, transferred_out=date(2024, 5, 1))
    _save(ledger, [ZHANG, left, WANG], "a", effective=JAN)

    assert _names(members_on(ledger, date(2024, 4, 30))) == ["张三", "李四", "王五"]
    assert _names(members_on(ledger, date(2024, 5, 1))) == ["张三", "王五"]
    # Before the first import, the roster describes history through its dates.
    assert _names(members_on(ledger, date(2020, 1, 1))) == ["张三", "李四"]
    assert _names(members_on(ledger, date(2012, 1, 1))) == ["张三"]


def test_status_on_a_day_is_preparatory_until_full_membership(ledger):
    _save(ledger, [ZHANG, WANG], "a")
    assert dict((m.name, s) for m, s in roster_as_of(ledger, date(2024, 8, 31))) == {
        "张三": "正式", "王五": "预备",
    }  # fmt: skip
    assert dict((m.name, s) for m, s in roster_as_of(ledger, date(2024, 9, 1)))["王五"] == "正式"


def test_a_member_first_listed_later_is_not_written_into_earlier_rosters(ledger):
    newcomer = Member(name="赵六", joined=date(2012, 1, 1), transferred_in=None, source_row=5)
    _save(ledger, [ZHANG], "a", effective=JAN)
    _save(ledger, [ZHANG, newcomer], "b", effective=JUL)
    assert _names(members_on(ledger, date(2024, 3, 1))) == ["张三"]
    assert _names(members_on(ledger, date(2024, 8, 1))) == ["张三", "赵六"]


def test_an_older_roster_imported_later_fills_its_own_period(ledger):
    _save(ledger, [ZHANG, WANG], "a", effective=JUL)
    result = _save(ledger, [ZHANG, LI], "b", effective=JAN)

    assert result.added == 2  # nothing was in force on 1 January before it
    assert _names(members_on(ledger, date(2024, 3, 1))) == ["张三", "李四"]
    assert _names(members_on(ledger, date(2024, 8, 1))) == ["张三", "王五"]
    assert sorted(_names(all_members(ledger))) == ["张三", "李四", "王五"]


def test_branch_filter_and_ids(ledger):
    east = replace(ZHANG, branch="东区支部")
    west = replace(LI, branch="西区支部")
    _save(ledger, [east, west], "a")
    day = date(2024, 3, 1)
    assert _names(members_on(ledger, day, branch="西区支部")) == ["李四"]
    assert members_on(ledger, day, branch="北区支部") == []
    ids = dict((m.name, mid) for mid, m in members_on_with_ids(ledger, day))
    assert ids == dict((m.name, mid) for mid, m in all_members_with_ids(ledger))


def test_no_roster_yet_means_no_members(ledger):
    assert members_on(ledger, date(2024, 3, 1)) == []
    assert all_members(ledger) == []


def test_all_members_gives_each_member_once_as_last_described(ledger):
    _save(ledger, [ZHANG, LI], "a", effective=JAN)
    _save(ledger, [replace(ZHANG, note="调任")], "b", effective=JUL)
    everyone = {m.name: m for m in all_members(ledger)}
    assert sorted(everyone) == ["张三", "李四"]
    assert everyone["张三"].note == "调任"


def test_money_and_dates_round_trip_exactly(ledger):
    rich = replace(
        ZHANG,
        income=Decimal("5100.00"),
        dues_override=Decimal("0.20"),
        birth_date=date(1980, 2, 29),
        exempt_from=date(2024, 2, 1),
        exempt_until=date(2024, 12, 31),
        exempt_reason="长期外出务工",
        phone="13800001111",
        id_number="11010519800229123X",
    )
    _save(ledger, [rich], "a")
    [back] = members_on(ledger, date(2024, 3, 1))
    assert back == rich
    assert str(back.income) == "5100.00"
    assert str(back.dues_override) == "0.20"
    stored = ledger.conn.execute(
        "SELECT income, typeof(income), dues_override FROM member_versions"
    ).fetchone()
    assert tuple(stored) == ("5100.00", "text", "0.20")


def test_float_money_is_refused_and_nothing_is_written(ledger):
    with pytest.raises(TypeError):
        _save(ledger, [ZHANG, replace(LI, income=5100.0)], "a")
    assert [_count(ledger, t) for t in ("imports", "members", "member_versions")] == [0, 0, 0]


def test_two_rows_for_one_person_are_a_user_error_naming_the_rows(ledger):
    with pytest.raises(UserError) as err:
        _save(ledger, [ZHANG, LI, replace(ZHANG, source_row=9)], "a")
    assert "“张三”" in str(err.value)
    assert "第2行、第9行" in str(err.value)
    assert _count(ledger, "imports") == 0


def test_a_transfer_in_stated_by_a_later_roster_counts_from_its_date(ledger):
    """孙浩 “2024年5月转入”, first listed on the roster of 1 July: a member on 13 May, as that
    roster says (he was left out of May's sign-in sheet and could not be resolved). A member
    the later roster lists without a 转入 date is not taken back in time."""
    sun = Member(name="孙浩", group="第一党小组", joined=date(2012, 7, 1), transferred_in=date(2024, 5, 1))
    zhao = Member(name="赵六", group="第二党小组", joined=date(2012, 7, 1))
    _save(ledger, [ZHANG, LI], "a")
    _save(ledger, [ZHANG, LI, sun, zhao], "b", effective=JUL)
    assert _names(members_on(ledger, date(2024, 5, 13))) == ["张三", "李四", "孙浩"]
    assert _names(members_on(ledger, date(2024, 4, 30))) == ["张三", "李四"]


def test_a_move_between_branches_without_id_number_is_one_person_where_the_rows_agree(tmp_path):
    """李明 goes from 第一 to 第二党支部 (no 身份证号 in the 花名册): the same name and 入党时间,
    gone from one branch and new in the other, is one member who moved (his history and
    dues stay his), not one who left and a newcomer; a 入党时间 that differs is two people."""
    li = Member(name="李明", branch="机关第一党支部", joined=date(2009, 6, 1), source_row=3)
    other = Member(name="王芳", branch="机关第二党支部", joined=date(2012, 7, 1), source_row=4)
    moved = replace(li, branch="机关第二党支部", transferred_in=date(2024, 6, 15))
    with open_ledger(tmp_path / "one.db", create=True) as ledger:
        _save(ledger, [li, other, ZHANG], "a")
        first = {m.name: mid for mid, m in roster_members(ledger, 1)}
        result = _save(ledger, [moved, other, ZHANG], "b", effective=JUL)
        assert (result.added, result.changed, result.removed) == (0, 1, 0)
        assert any(c.startswith("李明：所在支部 机关第一党支部→机关第二党支部") for c in result.changes), result.changes
        assert {m.name: mid for mid, m in roster_members(ledger, 2)}["李明"] == first["李明"]
    with open_ledger(tmp_path / "two.db", create=True) as ledger:
        _save(ledger, [li, other, ZHANG], "a")
        result = _save(ledger, [replace(moved, joined=date(2015, 3, 1)), other, ZHANG], "b", effective=JUL)
        assert (result.added, result.removed) == (1, 1)  # another 李明: nothing says he is the same
