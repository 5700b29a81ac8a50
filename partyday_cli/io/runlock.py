"""Unattended runs: one at a time per workspace, and a log line for each (SPEC §14)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from partyday_cli.errors import UserError

LOCK_NAME = ".partyday.lock"
LOG_NAME = "partyday.log"


@contextmanager
def workspace_lock(root: Path, *, wait: float) -> Iterator[None]:
    """Hold the workspace's lock (filelock: an OS lock, released if the process dies).
    A second run waits up to `wait` seconds, then stops with one Chinese line."""
    import os

    from filelock import FileLock, Timeout

    if not os.access(root, os.W_OK):  # read-only media: nothing can write, nothing to wait for
        yield
        return
    lock = FileLock(str(root / LOCK_NAME), timeout=wait)
    try:
        lock.acquire()
    except Timeout:
        raise UserError(f"另一个 partyday 任务正在使用工作区 {root}（已等待 {wait:g} 秒）。"
                        "请等它结束后再运行；本次未写入任何文件") from None
    except PermissionError:
        raise UserError(f"工作区 {root} 没有写入权限（只读），无法运行。请检查文件夹权限") from None
    try:
        yield
    finally:
        lock.release()


def lock_is_free(root: Path) -> bool:
    from filelock import FileLock, Timeout

    try:
        with FileLock(str(root / LOCK_NAME), timeout=0):
            return True
    except Timeout:
        return False
    except OSError:
        return True  # cannot even create it: `doctor` reports the read-only folder instead


def log_run(root: Path, command: str, outcome: str) -> None:
    """Append one line to partyday.log; a log that cannot be written never fails the run."""
    stamp = datetime.now().astimezone().isoformat(timespec="seconds")
    try:
        with open(root / LOG_NAME, "a", encoding="utf-8") as log:
            log.write(f"{stamp}\t{command}\t{outcome}\n")
    except OSError:
        pass
