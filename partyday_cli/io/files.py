"""Atomic file writes and friendly messages for what offices do to files."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from functools import cache
from pathlib import Path

from partyday_cli.errors import UserError


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to a temporary file beside `path` and rename it into place.

    Nothing is half-written: a reader sees the old file or the new one. A file held
    open by Excel/WPS on Windows refuses the rename; that, a read-only folder and a full
    disk each become one Chinese line.
    """
    path = Path(path)
    if path.is_dir():
        raise UserError(f"{path} 是文件夹。请写出文件名，如 -o {path / ('输出' + (path.suffix or '.xlsx'))}")
    if path.exists() and not path.is_file():  # a FIFO or a device node is never replaced
        raise UserError(f"{path} 不是普通文件（是设备、管道或套接字），partyday 不会写入它。请换一个文件名")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise UserError(f"输出目录不存在：{folder}。请先创建该目录，或换一个 -o 路径")
    tmp_name = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        # the mode a file written by any program gets (mkstemp's is 0600, unreadable to the
        # others of a shared 党委 folder); a file replaced keeps its own
        os.chmod(tmp_name, _mode_of(path))
        os.replace(tmp_name, path)
        tmp_name = None
    except PermissionError as exc:
        if path.exists() and os.access(folder, os.W_OK):
            raise UserError(f"文件被占用：{path}。请在 Excel/WPS 中关闭该文件后重试") from exc
        raise UserError(f"没有写入权限：{folder}。请换一个可写的目录，或检查文件夹权限") from exc
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise UserError(f"磁盘空间不足，未能写入 {path}。请清理磁盘后重试；原文件未改动") from exc
        if exc.errno in (errno.EROFS, errno.EACCES):
            raise UserError(f"没有写入权限：{folder}。请换一个可写的目录") from exc
        raise UserError(f"无法写入 {path}：{exc.strerror}。原文件未改动") from exc
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)


def _mode_of(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return 0o666 & ~_umask()


@cache
def _umask() -> int:
    """The process's umask: read where Linux shows it (setting it to read it back is not
    safe while other threads create files), else set and restored once."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def read_bytes(path: Path, what: str = "文件") -> bytes:
    """Read an input file, turning the usual failures into one Chinese line."""
    path = Path(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"找不到{what}：{path}。请检查路径是否正确") from None
    except IsADirectoryError:
        raise UserError(f"{path} 是一个文件夹，不是{what}") from None
    except PermissionError:
        raise UserError(f"没有读取权限：{path}。请检查文件权限，或先在 Excel/WPS 中关闭它") from None
    except OSError as exc:
        raise UserError(f"无法读取{what} {path}：{exc.strerror}") from None
