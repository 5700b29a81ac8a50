"""The SQLite ledger, the system of record (SPEC §2): opening, migrating, transactions.

Every write is one `Ledger.transaction()`: BEGIN IMMEDIATE … COMMIT, rolled back on any
exception, so a failed import leaves the ledger as it was. The database runs in WAL mode
with a busy timeout, so two partyday processes (a user's import and a cron export) wait
for each other instead of failing. A ledger written by a newer partyday is refused
before anything touches it.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from partyday_cli.errors import UserError
from partyday_cli.store.migrations import LATEST_VERSION, MIGRATIONS

BUSY_TIMEOUT_SECONDS = 10
_SQLITE_MAGIC = b"SQLite format 3\x00"
_HEADER_SIZE = 100
_USER_VERSION_OFFSET = 60  # big-endian 4 bytes in the database header


class Ledger:
    """An open ledger. Use as a context manager, or call `close()`."""

    def __init__(self, conn: sqlite3.Connection, path: Path, *, read_only: bool = False):
        self.conn = conn
        self.path = path
        self.read_only = read_only
        self._depth = 0
        self._backed_up = read_only

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write: BEGIN IMMEDIATE … COMMIT; rollback and re-raise on any exception.

        Nested calls become savepoints inside the outer transaction, so a function that
        writes in a transaction can be called from a larger one.
        """
        if self._depth:
            yield from self._savepoint()
            return
        if self.read_only:
            raise _read_only_workspace(self.path)
        if not self._backed_up:  # the command's first write: keep the state before it
            self._backed_up = True
            from partyday_cli.store.backups import take_backup

            take_backup(self.conn, self.path)
        with _mapped_errors(self.path):
            self.conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield self.conn
            with _mapped_errors(self.path):
                self.conn.execute("COMMIT")
        except BaseException as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            mapped = _user_error(exc, self.path)
            if mapped is not None:
                raise mapped from exc
            raise
        finally:
            self._depth = 0

    @contextmanager
    def rehearsal(self) -> Iterator[bool]:
        """Writes tried and undone — a --dry-run that says what would change: BEGIN … ROLLBACK,
        the `transaction()`s inside it savepoints, no backup taken. Yields False, trying
        nothing, where the ledger cannot be written now (read-only, another command writing)."""
        if self._depth or self.read_only:
            yield False
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error:
            yield False
            return
        self._depth = 1
        try:
            yield True
        finally:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            self._depth = 0

    def _savepoint(self) -> Iterator[sqlite3.Connection]:
        name = f"sp{self._depth}"
        self.conn.execute(f"SAVEPOINT {name}")
        self._depth += 1
        try:
            yield self.conn
        except BaseException:
            self.conn.execute(f"ROLLBACK TO {name}")
            self.conn.execute(f"RELEASE {name}")
            raise
        else:
            self.conn.execute(f"RELEASE {name}")
        finally:
            self._depth -= 1

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, params).fetchall()

    def integrity_ok(self) -> bool:
        """True when SQLite finds no corruption and no dangling foreign key."""
        rows = self.conn.execute("PRAGMA integrity_check").fetchall()
        if [r[0] for r in rows] != ["ok"]:
            return False
        return not self.conn.execute("PRAGMA foreign_key_check").fetchall()

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None  # type: ignore[assignment]

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_ledger(path: Path, *, create: bool = False) -> Ledger:
    """Open the ledger at `path` and migrate it forward.

    A missing ledger is created only when `create` is set (`init`) or when the workspace
    has never held records; a ledger that disappeared or was emptied is refused, naming
    the newest backup. A ledger in a folder that cannot be written (a CD, a read-only
    share) opens read-only: reading commands work, the first write is refused.

    Raises a Chinese `UserError` for a file that is not a SQLite database, a ledger
    written by a newer partyday (left untouched), or a missing or emptied ledger.
    """
    path = Path(path)
    _preflight(path)
    _refuse_if_lost(path, create)
    if not _writable(path):
        return _open_read_only(path)
    conn = None
    try:
        with _mapped_errors(path):
            conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_SECONDS * 1000}")
            conn.execute("PRAGMA foreign_keys = ON")
            # Checked again on the connection: a newer version may sit in the WAL only.
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            _refuse_if_newer(path, version)
            _enable_wal(conn)
            if 0 < version < LATEST_VERSION:  # a migration is a write: keep the old state
                from partyday_cli.store.backups import take_backup

                take_backup(conn, path)
            apply_migrations(conn)
    except BaseException:
        if conn is not None:
            conn.close()
        raise
    return Ledger(conn, path)


def _writable(path: Path) -> bool:
    folder = path.parent
    if not os.access(folder, os.W_OK | os.X_OK):
        return False
    return not path.exists() or os.access(path, os.W_OK)


def _open_read_only(path: Path) -> Ledger:
    """A ledger on read-only media: SQLite's read-only mode, or `immutable` when the WAL
    index cannot be created there (a copied folder has no -shm)."""
    from urllib.parse import quote

    if not path.exists():
        raise UserError(f"工作区是只读的，且没有账本 {path}。请把工作区复制到可写的文件夹后再运行")
    uri = "file:" + quote(str(path.resolve()))
    conn = None
    for query in ("?mode=ro", "?mode=ro&immutable=1"):
        try:
            conn = sqlite3.connect(uri + query, uri=True, timeout=BUSY_TIMEOUT_SECONDS)
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            break
        except sqlite3.Error:
            if conn is not None:
                conn.close()
            conn = None
    if conn is None:
        raise UserError(f"无法以只读方式打开账本 {path}。请把工作区复制到可写的文件夹后再运行")
    conn.row_factory = sqlite3.Row
    _refuse_if_newer(path, version)
    if version < LATEST_VERSION:
        conn.close()
        raise UserError(f"账本 {path} 需要升级到新的结构版本，但所在文件夹是只读的。"
                        "请把工作区复制到可写的文件夹后再运行；账本未作任何改动")
    return Ledger(conn, path, read_only=True)


def _refuse_if_lost(path: Path, create: bool) -> None:
    """A ledger that is gone or empty while the workspace shows it once held records
    (backups, archived inputs, a run log) is never silently replaced by an empty one."""
    from partyday_cli.store.backups import list_backups

    exists = path.exists()
    if create or (exists and path.stat().st_size > 0):
        return
    root = path.parent
    backups = list_backups(path)
    # An empty file with no such trace is a ledger being created by another process.
    had_records = bool(backups) or (root / "partyday.log").exists() or any(
        (root / "archive").glob("*/*")) or any((root / "archive").glob("*.*"))
    if not had_records:
        return
    what = f"账本 {path} 是空文件（0 字节）" if exists else f"账本 {path} 不见了"
    if backups:
        raise UserError(f"{what}。最新的备份是 {backups[0].label}：运行 partyday doctor --restore 恢复；"
                        "确实要从空账本重新开始，运行 partyday doctor --new-ledger")
    raise UserError(f"{what}，也没有找到备份（{path.parent / 'backups'}）。如果账本被移走了，请把它放回原处；"
                    "确实要从空账本重新开始，运行 partyday doctor --new-ledger")


def _enable_wal(conn: sqlite3.Connection) -> None:
    """Switch to WAL. The switch upgrades a read lock to an exclusive one, and SQLite
    answers BUSY at once, without its busy handler, when another process is doing the
    same (two imports opening a new ledger together): so wait here instead."""
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            busy = (getattr(exc, "sqlite_errorname", "") or "").startswith("SQLITE_BUSY")
            if not busy or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def apply_migrations(conn: sqlite3.Connection, *, upto: int | None = None) -> int:
    """Apply every migration newer than the ledger's version, up to `upto` (default:
    all), each in its own transaction. Returns the resulting version.

    `conn` must be in autocommit mode (`isolation_level=None`). Two processes migrating
    the same new ledger at once are safe: the version is re-read under the write lock.
    """
    target = LATEST_VERSION if upto is None else upto
    for migration in MIGRATIONS:
        if migration.version > target:
            break
        conn.execute("BEGIN IMMEDIATE")
        try:
            current = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if current < migration.version:
                if current != migration.version - 1:
                    raise RuntimeError(f"ledger at version {current} skips {migration.version}")
                for statement in migration.statements:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {migration.version}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def find_import(ledger: Ledger, kind: str, sha256: str) -> int | None:
    """The id of the earlier import of these bytes as this kind, if any."""
    row = ledger.conn.execute(
        "SELECT id FROM imports WHERE kind = ? AND sha256 = ?", (kind, sha256)
    ).fetchone()
    return None if row is None else int(row[0])


def record_import(
    ledger: Ledger,
    *,
    kind: str,
    sha256: str,
    original_name: str,
    archived_path: str,
    effective_date: date | None,
    rows: int,
    summary: str = "",
) -> int:
    """Insert one row of the import log (inside the caller's transaction); its id."""
    cursor = ledger.conn.execute(
        "INSERT INTO imports (kind, sha256, original_name, archived_path, imported_at,"
        " effective_date, rows, summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            kind,
            sha256,
            original_name,
            archived_path,
            datetime.now().astimezone().isoformat(timespec="seconds"),
            effective_date.isoformat() if effective_date else None,
            rows,
            summary,
        ),
    )
    return int(cursor.lastrowid)


# --- opening checks and error mapping ------------------------------------------------


def _preflight(path: Path) -> None:
    """Refuse, before SQLite touches anything, what would fail half-way."""
    if path.is_dir():
        raise UserError(f"{path} 是一个文件夹，不是账本文件。请检查工作区里的 ledger.db")
    folder = path.parent
    if not folder.is_dir():
        raise UserError(f"找不到文件夹 {folder}，无法打开账本。请检查工作区路径")
    if path.exists():
        header = _read_header(path)
        if header:
            if len(header) < _HEADER_SIZE or not header.startswith(_SQLITE_MAGIC):
                raise _not_a_database(path)
            offset = _USER_VERSION_OFFSET
            _refuse_if_newer(path, int.from_bytes(header[offset : offset + 4], "big"))



def _read_header(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(_HEADER_SIZE)
    except PermissionError:
        raise UserError(f"没有读取权限：{path}。请检查账本文件的权限") from None
    except OSError as exc:
        raise UserError(f"无法读取账本 {path}：{exc.strerror}") from None


def _refuse_if_newer(path: Path, version: int) -> None:
    if version > LATEST_VERSION:
        raise UserError(
            f"账本 {path} 由更新版本的 partyday 创建（结构版本 {version}，"
            f"本程序支持到 {LATEST_VERSION}）。请升级 partyday；账本未作任何改动"
        )


def _not_a_database(path: Path) -> UserError:
    return UserError(
        f"{path} 不是 partyday 账本（不是 SQLite 数据库文件）。"
        "请检查该文件是否被替换或损坏，如有备份请恢复；文件未作任何改动"
    )


def _read_only_workspace(path: Path) -> UserError:
    return UserError(
        f"账本 {path} 所在的文件夹或账本文件是只读的，只能查看，不能写入。请把工作区复制到"
        "可写的文件夹（或取消只读属性）后再运行；账本未作任何改动"
    )


def _read_only_file(path: Path) -> UserError:
    return UserError(
        f"账本 {path} 是只读的，无法写入。请取消该文件的只读属性，"
        "或把工作区复制到可写的位置；账本未作任何改动"
    )


@contextmanager
def _mapped_errors(path: Path) -> Iterator[None]:
    try:
        yield
    except sqlite3.Error as exc:
        mapped = _user_error(exc, path)
        if mapped is None:
            raise
        raise mapped from exc


def _user_error(exc: BaseException, path: Path) -> UserError | None:
    """The Chinese line for what the user can fix (locks, permissions, disk, damage);
    None for what is a bug."""
    if not isinstance(exc, sqlite3.Error):
        return None
    code = getattr(exc, "sqlite_errorname", "") or ""
    if code.startswith("SQLITE_READONLY"):
        return _read_only_file(path)
    if code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return UserError(
            f"账本 {path} 正被另一个 partyday 程序使用，等待 {BUSY_TIMEOUT_SECONDS} 秒后"
            "仍未释放。请稍后重试；本次操作未作任何改动"
        )
    if code == "SQLITE_FULL":
        return UserError(
            f"磁盘空间不足，账本 {path} 未能写入。请清理磁盘后重试；本次操作未作任何改动"
        )
    if code == "SQLITE_NOTADB":
        return _not_a_database(path)
    if code.startswith("SQLITE_CORRUPT"):
        return UserError(f"账本 {path} 已损坏。请从备份恢复，或联系技术人员；本次操作未作任何改动")
    if code.startswith("SQLITE_CANTOPEN"):
        return UserError(f"无法打开账本 {path}。请检查路径和文件夹权限")
    if code.startswith("SQLITE_IOERR"):
        return UserError(
            f"读写账本 {path} 时出错。请检查磁盘或网络共享后重试；本次操作未作任何改动"
        )
    return None
