"""Rotating backups of the ledger, taken before the first write of a command.

`backups/` beside the ledger keeps the newest `KEEP` copies, fewer when together they
pass `MAX_TOTAL_BYTES` (the newest is always kept). A copy is a consistent SQLite
snapshot (the backup API, WAL included). A command that writes to an unchanged ledger
takes no new copy: each copy's name ends with a signature of the ledger files' sizes and
modification times when it was taken.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

BACKUP_DIR = "backups"
KEEP = 5
MAX_TOTAL_BYTES = 1 << 30


@dataclass(frozen=True)
class Backup:
    path: Path
    taken: datetime
    size: int

    @property
    def label(self) -> str:
        return f"{self.path.name}（{self.taken:%Y-%m-%d %H:%M}）"


def backup_dir(ledger_path: Path) -> Path:
    return Path(ledger_path).parent / BACKUP_DIR


def _signature(ledger_path: Path) -> str:
    parts = []
    for suffix in ("", "-wal"):
        try:
            st = os.stat(str(ledger_path) + suffix)
            parts.append(f"{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            parts.append("-")
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:10]


def list_backups(ledger_path: Path) -> list[Backup]:
    """The ledger's backups, newest first."""
    found = []
    try:
        entries = list(backup_dir(ledger_path).glob("ledger-*.db"))
    except OSError:
        return []
    for path in entries:
        try:
            taken = datetime.strptime("-".join(path.stem.split("-")[1:4]), "%Y%m%d-%H%M%S-%f")
            found.append(Backup(path, taken, path.stat().st_size))
        except (ValueError, OSError):
            continue
    return sorted(found, key=lambda b: b.taken, reverse=True)


def take_backup(conn: sqlite3.Connection, ledger_path: Path) -> Path | None:
    """Copy the open ledger into backups/ unless the newest copy is of the same state.
    Best effort: a folder that cannot be written means no copy, never a failed command."""
    signature = _signature(ledger_path)
    existing = list_backups(ledger_path)
    if existing and existing[0].path.stem.endswith(signature):
        return None
    folder = backup_dir(ledger_path)
    name = f"ledger-{datetime.now():%Y%m%d-%H%M%S-%f}-{signature}.db"
    tmp = folder / f".{name}.tmp"
    try:
        folder.mkdir(exist_ok=True)
        dest = sqlite3.connect(str(tmp))
        try:
            conn.backup(dest)
            dest.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        finally:
            dest.close()
        os.replace(tmp, folder / name)
    except (OSError, sqlite3.Error):
        with contextlib.suppress(OSError):
            tmp.unlink()
        return None
    _prune(ledger_path)
    return folder / name


def _prune(ledger_path: Path) -> None:
    backups = list_backups(ledger_path)
    total = 0
    for index, backup in enumerate(backups):
        total += backup.size
        if index >= KEEP or (index > 0 and total > MAX_TOTAL_BYTES):
            with contextlib.suppress(OSError):
                backup.path.unlink()


def restore(ledger_path: Path, backup: Backup) -> Path | None:
    """Put `backup` in place of the ledger. The ledger being replaced, if it holds
    anything, is first kept as a backup of its own; its path is returned."""
    ledger_path = Path(ledger_path)
    tmp = ledger_path.with_name(f".{ledger_path.name}.restore.tmp")
    shutil.copyfile(backup.path, tmp)  # first: keeping the current one may prune `backup`
    kept = None
    if ledger_path.exists() and ledger_path.stat().st_size > 0:
        with contextlib.closing(sqlite3.connect(str(ledger_path))) as conn:
            kept = take_backup(conn, ledger_path)
    for suffix in ("-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(str(ledger_path) + suffix)
    os.replace(tmp, ledger_path)
    return kept
