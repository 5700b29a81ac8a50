"""Byte-exact copies of imported files, named by content hash (SPEC §2, §10).

`archive/<sha256[:16]>-<original name>`: the same bytes imported twice are archived
once, and two different files with the same name never overwrite each other.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path, PureWindowsPath

from partyday_cli.errors import UserError
from partyday_cli.io.files import write_atomic

# Characters Windows refuses in a file name, and control characters.
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]')


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def archive_name(data: bytes, original_name: str) -> str:
    """`<sha256[:16]>-<name>`; the name without its folders, safe on every system."""
    base = PureWindowsPath(str(original_name)).name  # splits on both / and \
    base = _UNSAFE.sub("_", base).strip(" .") or "file"
    return f"{sha256_hex(data)[:16]}-{base}"


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
