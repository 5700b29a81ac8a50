"""The shortcuts `attend import` takes for speed give what the plain ways give."""

from __future__ import annotations

import copy
import dataclasses
import pickle
import sqlite3
from datetime import date

import pytest

from partyday_cli.core.attendance import _ROW_FIELDS, SignInFile, SignInRow
from partyday_cli.store.attendance import _insert_marks
from partyday_cli.store.ledger import open_ledger


def _signin() -> SignInFile:
    rows = tuple(SignInRow(f"王{k}", ("出席", None, "请假")[k % 3], "病假" if k % 3 == 2 else "", "签到表", k + 3,
                           "机关一支部" if k % 5 == 0 else "", "第一党小组", "6621" if k == 7 else "", k == 9,
                           95.5 if k % 4 == 0 else None, (("本月党费是否已交纳", "是"),) if k % 2 else ())
                 for k in range(12))
    return SignInFile("wjx", "问卷星", date(2017, 4, 12), rows, True, 12, 11, ("页脚写应到",))


def test_a_signin_file_pickles_to_an_equal_file_with_rows_as_made():
    signin = _signin()
    assert tuple(f.name for f in dataclasses.fields(SignInRow)) == _ROW_FIELDS
    for back in (pickle.loads(pickle.dumps(signin, protocol=pickle.HIGHEST_PROTOCOL)), copy.deepcopy(signin)):
        assert back == signin
        assert [hash(r) for r in back.rows] == [hash(r) for r in signin.rows]
        assert all(type(r) is SignInRow and vars(r) == vars(s) for r, s in zip(back.rows, signin.rows, strict=True))
        assert list(vars(back.rows[0])) == list(_ROW_FIELDS)
        with pytest.raises(dataclasses.FrozenInstanceError):
            back.rows[0].status = "缺席"  # type: ignore[misc]


def _ledger_with_a_file(tmp_path):  # type: ignore[no-untyped-def]
    ledger = open_ledger(tmp_path / "ledger.db", create=True)
    conn = ledger.conn
    conn.execute("INSERT INTO members (id, key, name) VALUES (1, 'k1', '王伟')")
    conn.execute("INSERT INTO activities (id, branch, date) VALUES (1, '机关第一党支部', '2017-04-12')")
    conn.execute("INSERT INTO imports (id, kind, sha256, original_name, imported_at) "
                 "VALUES (1, 'attendance', ?, 'a.xlsx', '2017-04-12')", ("a" * 64,))
    conn.execute("INSERT INTO attendance_files (id, import_id, activity_id) VALUES (1, 1, 1)")
    return ledger


def _row(status):  # type: ignore[no-untyped-def]
    return (1, 1, 1, status, "", "[]", "签到表", 3, "2017-04-12T15:00:00+08:00")


def test_marks_insert_keeps_the_status_check(tmp_path):
    with _ledger_with_a_file(tmp_path) as ledger:
        conn = ledger.conn
        good = [_row(s) for s in (None, "出席", "迟到", "早退", "请假", "缺席", "免参加", "补学")] * 2
        _insert_marks(conn, good)
        assert conn.execute("SELECT count(*) FROM attendance_marks").fetchone()[0] == len(good)
        with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
            _insert_marks(conn, [*good, _row("到")])
        with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
            conn.execute("INSERT INTO attendance_marks (activity_id, member_id, file_id, status) VALUES (1, 1, 1, '好')")
        assert conn.execute("PRAGMA ignore_check_constraints").fetchone()[0] == 0


def test_an_archive_copy_in_parts_is_the_copy_archive_file_makes(tmp_path):
    import pickle

    from partyday_cli.io.archive import archive_file, archive_name, write_copy

    folder = tmp_path / "archive"
    assert write_copy(b"abc", "a.xlsx", folder) is None  # no folder yet: the plain way makes it
    folder.mkdir()
    copy = write_copy(b"abc" * 100_000, "签到表.xlsx", folder)
    assert copy is not None and not copy.target.exists()
    copy = pickle.loads(pickle.dumps(copy))  # written in the worker, put in place by the importer
    assert copy.finish() == folder / archive_name(b"abc" * 100_000, "签到表.xlsx")
    assert copy.target.read_bytes() == b"abc" * 100_000
    assert write_copy(b"abc" * 100_000, "签到表.xlsx", folder) is None  # there already
    other = write_copy(b"xyz", "b.xlsx", folder)
    assert other is not None
    other.discard()
    assert sorted(p.name for p in folder.iterdir()) == [copy.target.name]
    assert archive_file(b"xyz", "b.xlsx", folder).read_bytes() == b"xyz"


def test_an_interrupted_imports_temporary_copies_are_swept_when_stale(tmp_path):
    """Ctrl-C while the worker writes a copy leaves `.…tmp` (the review); the next import
    removes it once stale, and leaves a fresh one (another import's, in flight) alone."""
    import os
    import time
    from pathlib import Path

    from partyday_cli.io.archive import STALE_SECONDS, sweep_stale_copies, write_copy

    folder = tmp_path / "archive"
    folder.mkdir()
    kept = folder / "0123456789abcdef-签到表.xlsx"
    kept.write_bytes(b"x")
    old, fresh = write_copy(b"old", "a.xlsx", folder), write_copy(b"new", "b.xlsx", folder)
    assert old is not None and fresh is not None
    then = time.time() - STALE_SECONDS - 5
    os.utime(old._tmp, (then, then))
    sweep_stale_copies(folder)
    assert sorted(p.name for p in folder.iterdir()) == sorted([kept.name, Path(fresh._tmp).name])
    sweep_stale_copies(tmp_path / "nowhere")  # no archive yet: nothing to do


def test_suggestions_skip_only_names_that_cannot_score():
    import random

    from partyday_cli.core.matching import Matcher, _likeness
    from partyday_cli.core.members import Member

    rng = random.Random(7)
    chars = "王李张刘陈伟芳娜敏静丽强晓小永德国华"
    names = sorted({"".join(rng.choices(chars, k=rng.randint(2, 4))) for _ in range(300)})
    index = Matcher([(k, Member(n, branch="第一党支部")) for k, n in enumerate(names, start=1)], {})
    for _ in range(300):
        typed = "".join(rng.choices(chars, k=rng.randint(1, 5)))
        scored = sorted((-_likeness(typed, known), known) for known in index.names if _likeness(typed, known) >= 0.5)
        assert index._suggest(typed) == tuple(index.by_name[k][0][1].name for _, k in scored[:3])
