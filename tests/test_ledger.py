"""The SQLite ledger: opening, migrating, refusing, transactions, concurrency; archive."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import time
from pathlib import Path

import pytest

from partyday_cli.errors import UserError
from partyday_cli.io.archive import archive_file, archive_name, sha256_hex
from partyday_cli.store.ledger import (
    apply_migrations,
    find_import,
    open_ledger,
    record_import,
)
from partyday_cli.store.migrations import LATEST_VERSION, MIGRATIONS

SHA_A = "a" * 64
SHA_B = "b" * 64
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def _count(ledger, table: str) -> int:
    return ledger.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def _import(ledger, sha: str = SHA_A, name: str = "花名册.xlsx") -> int:
    return record_import(
        ledger, kind="roster", sha256=sha, original_name=name,
        archived_path="", effective_date=None, rows=0,
    )  # fmt: skip


# --- opening and migrating -----------------------------------------------------------


def test_migrations_are_numbered_one_by_one():
    assert [m.version for m in MIGRATIONS] == list(range(1, LATEST_VERSION + 1))
    assert LATEST_VERSION >= 2


def test_a_new_ledger_is_created_migrated_in_wal_with_foreign_keys(tmp_path):
    path = tmp_path / "ledger.db"
    with open_ledger(path) as ledger:
        assert path.is_file()
        assert ledger.schema_version == LATEST_VERSION
        assert ledger.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert ledger.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert ledger.conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 3000
        assert ledger.integrity_ok()


def test_reopening_a_current_ledger_changes_nothing(tmp_path):
    path = tmp_path / "ledger.db"
    with open_ledger(path) as ledger, ledger.transaction():
        _import(ledger)
    with open_ledger(path) as ledger:
        assert ledger.schema_version == LATEST_VERSION
        assert _count(ledger, "imports") == 1


def test_a_version_1_ledger_is_migrated_forward_and_keeps_its_data(tmp_path):
    path = tmp_path / "ledger.db"
    conn = sqlite3.connect(path, isolation_level=None)
    assert apply_migrations(conn, upto=1) == 1
    conn.execute(
        "INSERT INTO imports (id, kind, sha256, original_name, imported_at, effective_date, rows)"
        " VALUES (1, 'roster', ?, '花名册.xlsx', '2024-01-05T09:00:00+08:00', '2024-01-01', 1)",
        (SHA_A,),
    )
    conn.execute("INSERT INTO members (id, key, name) VALUES (1, '张三|||', '张三')")
    conn.execute(
        "INSERT INTO member_versions (member_id, import_id, present, name, income)"
        " VALUES (1, 1, 1, '张三', '5100.00')"
    )
    with pytest.raises(sqlite3.OperationalError):
        conn.execute("SELECT * FROM activities")  # not in version 1
    conn.close()

    with open_ledger(path) as ledger:
        assert ledger.schema_version == LATEST_VERSION
        row = ledger.conn.execute("SELECT name, income FROM member_versions").fetchone()
        assert (row["name"], row["income"]) == ("张三", "5100.00")
        assert find_import(ledger, "roster", SHA_A) == 1
        with ledger.transaction() as c:
            c.execute(
                "INSERT INTO activities (branch, date, kinds) VALUES ('', '2024-04-10', '[]')"
            )
            c.execute(
                "INSERT INTO attendance (activity_id, member_id, status) VALUES (1, 1, '出席')"
            )
        assert ledger.integrity_ok()


def test_a_ledger_from_a_newer_partyday_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "ledger.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE future (x)")
    conn.execute("PRAGMA user_version = 999")
    conn.commit()
    conn.close()
    before = path.read_bytes()

    with pytest.raises(UserError) as err:
        open_ledger(path)

    message = str(err.value)
    assert "更新版本的 partyday" in message
    assert f"结构版本 999，本程序支持到 {LATEST_VERSION}" in message
    assert "请升级 partyday；账本未作任何改动" in message
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ledger.db"]


def test_a_newer_version_still_in_the_wal_is_refused_too(tmp_path):
    # The header of the main file is stale while the change sits in the WAL: the check
    # must also be made on the connection, before journal mode or migrations write.
    path = tmp_path / "ledger.db"
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("PRAGMA journal_mode = WAL")
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute("CREATE TABLE future (x)")
    writer.execute("PRAGMA user_version = 999")
    try:
        before = path.read_bytes()
        assert int.from_bytes(before[60:64], "big") == 0  # the header does not know yet
        with pytest.raises(UserError, match="结构版本 999"):
            open_ledger(path)
        assert path.read_bytes() == before
    finally:
        writer.close()


def test_a_file_that_is_not_a_database_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "ledger.db"
    path.write_bytes("姓名,支部\n张三,第一支部\n".encode() * 20)
    before = path.read_bytes()
    with pytest.raises(UserError, match="不是 SQLite 数据库"):
        open_ledger(path)
    assert path.read_bytes() == before


def test_a_folder_in_place_of_the_ledger_is_a_user_error(tmp_path):
    (tmp_path / "ledger.db").mkdir()
    with pytest.raises(UserError, match="是一个文件夹"):
        open_ledger(tmp_path / "ledger.db")


def test_a_read_only_ledger_file_opens_for_reading_and_refuses_the_first_write(tmp_path, monkeypatch):
    path = tmp_path / "ledger.db"
    with open_ledger(path) as ledger, ledger.transaction():
        _import(ledger)
    before = path.read_bytes()
    # Root ignores file modes, so the permission check itself is what is simulated.
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode: False if Path(p) == path else real_access(p, mode)
    )
    with open_ledger(path) as ledger:
        assert ledger.read_only
        assert _count(ledger, "imports") == 1
        with pytest.raises(UserError, match="只读"), ledger.transaction():
            _import(ledger)
    assert path.read_bytes() == before


def test_a_read_only_folder_is_refused_before_the_ledger_is_created(tmp_path, monkeypatch):
    folder = tmp_path / "ws"
    folder.mkdir()
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode: False if Path(p) == folder else real_access(p, mode)
    )
    with pytest.raises(UserError, match="只读"):
        open_ledger(folder / "ledger.db")
    assert list(folder.iterdir()) == []


@pytest.mark.skipif(IS_ROOT or os.name != "posix", reason="needs file modes that bind")
def test_a_really_read_only_folder_is_a_user_error(tmp_path):
    folder = tmp_path / "ws"
    folder.mkdir()
    open_ledger(folder / "ledger.db").close()
    folder.chmod(0o555)
    try:
        with open_ledger(folder / "ledger.db") as ledger, pytest.raises(UserError, match="只读"), \
                ledger.transaction():
            _import(ledger)
    finally:
        folder.chmod(0o755)


def test_a_write_sqlite_refuses_as_read_only_becomes_one_chinese_line(tmp_path):
    with open_ledger(tmp_path / "ledger.db") as ledger:
        ledger.conn.execute("PRAGMA query_only = ON")
        with pytest.raises(UserError, match="只读"), ledger.transaction():
            _import(ledger)
        ledger.conn.execute("PRAGMA query_only = OFF")
        assert _count(ledger, "imports") == 0


def test_a_ledger_locked_past_the_timeout_is_a_user_error(tmp_path):
    path = tmp_path / "ledger.db"
    with open_ledger(path) as holder, open_ledger(path) as waiter:
        waiter.conn.execute("PRAGMA busy_timeout = 50")
        with holder.transaction():
            _import(holder)
            with pytest.raises(UserError, match="正被另一个 partyday"), waiter.transaction():
                pass


# --- transactions --------------------------------------------------------------------


def test_foreign_keys_are_enforced(tmp_path):
    with open_ledger(tmp_path / "ledger.db") as ledger:
        with pytest.raises(sqlite3.IntegrityError), ledger.transaction() as c:
            c.execute(
                "INSERT INTO member_versions (member_id, import_id, present, name)"
                " VALUES (42, 42, 1, '张三')"
            )
        assert _count(ledger, "member_versions") == 0


def test_a_failing_write_inside_a_transaction_leaves_nothing(tmp_path):
    with open_ledger(tmp_path / "ledger.db") as ledger:
        with pytest.raises(ValueError), ledger.transaction():
            _import(ledger, SHA_A)
            _import(ledger, SHA_B)
            raise ValueError("the third row of the file is wrong")
        with pytest.raises(sqlite3.IntegrityError), ledger.transaction():
            _import(ledger, SHA_A)
            _import(ledger, SHA_A)  # the same bytes twice: UNIQUE(kind, sha256)
        assert _count(ledger, "imports") == 0
        assert not ledger.conn.in_transaction
        with ledger.transaction():
            _import(ledger)
        assert _count(ledger, "imports") == 1


def test_money_is_stored_as_decimal_text_never_real(tmp_path):
    with open_ledger(tmp_path / "ledger.db") as ledger:
        with ledger.transaction() as c:
            c.execute("INSERT INTO members (id, key, name) VALUES (1, 'k', '张三')")
            c.execute(
                "INSERT INTO dues_payments (member_id, month, amount) VALUES (1, '2024-03', '12.50')"
            )
            c.execute(
                "INSERT INTO dues_payments (member_id, month, amount) VALUES (1, '2024-04', 12.5)"
            )
        rows = ledger.query("SELECT amount, typeof(amount) FROM dues_payments ORDER BY month")
        assert [tuple(r) for r in rows] == [("12.50", "text"), ("12.5", "text")]
        for junk in ("12,50", "1E+3", "", "十二元五角"):
            with pytest.raises(sqlite3.IntegrityError), ledger.transaction() as c:
                c.execute(
                    "INSERT INTO dues_payments (member_id, month, amount) VALUES (1, '2024-05', ?)",
                    (junk,),
                )
        with pytest.raises(sqlite3.IntegrityError), ledger.transaction() as c:
            c.execute(
                "INSERT INTO dues_payments (member_id, month, amount) VALUES (1, '2024-13', '1')"
            )
        assert _count(ledger, "dues_payments") == 2


def test_a_nested_transaction_is_a_savepoint(tmp_path):
    with open_ledger(tmp_path / "ledger.db") as ledger:
        with ledger.transaction():
            _import(ledger, SHA_A)
            with pytest.raises(ValueError), ledger.transaction():
                _import(ledger, SHA_B)
                raise ValueError
        assert [r[0] for r in ledger.query("SELECT sha256 FROM imports")] == [SHA_A]


def _write_one_import(path: str, sha: str, barrier) -> None:
    barrier.wait()
    with open_ledger(Path(path)) as ledger, ledger.transaction():
        _import(ledger, sha, name=f"{sha[0]}.xlsx")
        time.sleep(0.3)  # hold the write lock while the other process asks for it


def test_two_processes_writing_at_the_same_moment_both_land(tmp_path):
    # A brand-new ledger: both processes also race to create and migrate it.
    path = tmp_path / "ledger.db"
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    procs = [
        ctx.Process(target=_write_one_import, args=(str(path), sha, barrier))
        for sha in (SHA_A, SHA_B)
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0]
    with open_ledger(path) as ledger:
        assert sorted(r[0] for r in ledger.query("SELECT sha256 FROM imports")) == [SHA_A, SHA_B]
        assert ledger.schema_version == LATEST_VERSION
        assert ledger.integrity_ok()


# --- archive -------------------------------------------------------------------------


def test_archive_is_a_byte_exact_copy_named_by_content_hash(tmp_path):
    data = bytes(range(256)) * 10 + "签到表".encode()
    path = archive_file(data, "C:\\Users\\书记\\桌面\\4月签到表.xlsx", tmp_path / "archive")
    assert path.parent == tmp_path / "archive"
    assert path.name == f"{sha256_hex(data)[:16]}-4月签到表.xlsx"
    assert path.read_bytes() == data


def test_archiving_the_same_bytes_again_writes_nothing(tmp_path):
    data = b"PK\x03\x04 roster"
    first = archive_file(data, "花名册.xlsx", tmp_path)
    stamp = first.stat().st_mtime_ns
    time.sleep(0.01)
    again = archive_file(data, "花名册.xlsx", tmp_path)
    assert again == first
    assert again.stat().st_mtime_ns == stamp
    assert sorted(p.name for p in tmp_path.iterdir()) == [first.name]


def test_different_files_with_the_same_name_are_both_kept_and_damage_is_repaired(tmp_path):
    one = archive_file(b"version one", "花名册.xlsx", tmp_path)
    two = archive_file(b"version two", "花名册.xlsx", tmp_path)
    assert one != two
    one.write_bytes(b"vers")  # truncated by a crash or a careless hand
    assert archive_file(b"version one", "花名册.xlsx", tmp_path).read_bytes() == b"version one"


def test_archive_names_are_safe_on_windows():
    assert archive_name(b"x", 'x*?"<>|.xlsx').endswith("-x______.xlsx")
    assert archive_name(b"x", "../../etc/passwd").endswith("-passwd")
    assert archive_name(b"x", "").endswith("-file")
