"""Byte-exact copies of imported files, named by content hash (SPEC §2, §10).

`archive/<sha256[:16]>-<original name>`: the same bytes imported twice are archived
once, and two different files with the same name never overwrite each other.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from pathlib import Path, PureWindowsPath

from partyday_cli.errors import UserError
from partyday_cli.io.files import write_atomic

# Characters Windows refuses in a file name, and control characters.
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]')


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def archive_name(data: bytes, original_name: str, sha256: str | None = None) -> str:
    """`<sha256[:16]>-<name>`; the name without its folders, safe on every system.
    `sha256`: the bytes' hash, when the caller has it already."""
    base = PureWindowsPath(str(original_name)).name  # splits on both / and \
    base = _UNSAFE.sub("_", base).strip(" .") or "file"
    return f"{(sha256 or sha256_hex(data))[:16]}-{base}"


def archive_file(data: bytes, original_name: str, archive_dir: Path) -> Path:
    """Keep a byte-exact copy of `data` in `archive_dir`; the copy's path.

    Written atomically; skipped when an identical copy is already there (a damaged copy
    is rewritten).
    """
    archive_dir = Path(archive_dir)
    target = archive_dir / archive_name(data, original_name)
    if _same_bytes(target, data):
        return target
    try:
        archive_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(
            f"无法创建存档文件夹 {archive_dir}：{exc.strerror}。请检查工作区文件夹的写入权限"
        ) from None
    write_atomic(target, data)
    return target


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        if path.stat().st_size != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False


class PendingCopy:
    """An archive copy written and synced to a temporary file beside its place, not yet
    renamed into place (`write_copy`, done in the parsing worker as it reads the file):
    `finish()` puts it in place, `discard()` removes it. Pickles (it holds two paths)."""

    __slots__ = ("target", "_tmp")

    def __init__(self, target: Path, tmp: str):
        self.target, self._tmp = target, tmp

    def finish(self) -> Path:
        """Put the copy in place; its path. Raises OSError (the copy then discarded)."""
        try:
            os.replace(self._tmp, self.target)
        except OSError:
            self.discard()
            raise
        self._tmp = ""
        return self.target

    def discard(self) -> None:
        if self._tmp:
            with contextlib.suppress(OSError):
                os.unlink(self._tmp)
            self._tmp = ""


def write_copy(data: bytes, original_name: str, archive_dir: Path | str, *,
               sha256: str | None = None) -> PendingCopy | None:
    """`archive_file` but for the rename: the bytes written and synced to a temporary
    file, for a caller that decides later whether the copy is kept (an import, once the
    file is saved). None where anything is not the plain case (a copy of that name
    exists, the folder is missing, a write fails): the caller then uses `archive_file`,
    which says what is wrong."""
    target = Path(archive_dir) / archive_name(data, original_name, sha256)
    if not os.path.isdir(archive_dir) or os.path.lexists(target):
        return None
    tmp = ""
    fd = -1
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=archive_dir)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
        fd, written = -1, fd
        os.close(written)
    except OSError:
        if fd >= 0:
            with contextlib.suppress(OSError):
                os.close(fd)
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        return None
    return PendingCopy(target, tmp)


STALE_SECONDS = 600  # a temporary copy this old is no import's any more


def sweep_stale_copies(archive_dir: Path, older_than: float = STALE_SECONDS) -> None:
    """Remove the temporary copies (`.…tmp`) an interrupted import left in `archive_dir`
    (Ctrl-C while a file was read, the worker writing its copy): ones older than
    `older_than` seconds, so another import's copy in flight is left alone (and were it
    not, that import writes its copy again the plain way)."""
    import time

    now = time.time()
    try:
        entries = list(os.scandir(archive_dir))
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith(".") and entry.name.endswith(".tmp"):
            with contextlib.suppress(OSError):
                if now - entry.stat().st_mtime > older_than:
                    os.unlink(entry.path)
