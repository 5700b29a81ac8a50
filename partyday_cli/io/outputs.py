"""Where an output may go, and what it may replace (issue 16).

An output (`-o FILE`, or a file partyday names itself under `out/`) never lands on:
- the ledger, its WAL/journal files, its backups, the config, the archive, the lock or
  the run log of any workspace the path lies in;
- a file the same command reads;
- anything that is not a regular file (a folder, a FIFO, a device node, a socket).

An existing regular file is replaced only when partyday wrote it and nobody changed it
since (its SHA-256 is in the output registry, or it is an xlsx still carrying partyday's
fixed document stamp), or when the user says `--force`. The registry is a small JSON
file: the workspace's `.partyday/outputs.json` for paths inside a workspace (so a cron
user and an interactive user share it), else one in the user data folder.

Names that become part of a path (a branch name in `out/2017年度活动安排表-支部.xlsx`)
go through `safe_name`, and `inside` checks the result stays in the folder asked for.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import stat
from pathlib import Path

from partyday_cli.errors import UserError

CONFIG_NAME = "partyday.toml"
REGISTRY_DIR = ".partyday"
REGISTRY_NAME = "outputs.json"
REGISTRY_LIMIT = 5000  # entries kept; the oldest are forgotten first
# Workspace entries no output may replace, even with --force.
PROTECTED_FILES = ("partyday.toml", "ledger.db", "ledger.db-wal", "ledger.db-shm",
                   "ledger.db-journal", ".partyday.lock", "partyday.log")
PROTECTED_DIRS = ("archive", "backups", REGISTRY_DIR)

_WINDOWS_RESERVED = re.compile(r"(?i)^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$")
# Characters Windows refuses in a file name, and the path separators, as their
# full-width look-alikes so a name like 离退休/老干部党支部 stays readable.
_UNSAFE = str.maketrans({"/": "／", "\\": "＼", ":": "：", "*": "＊", "?": "？", '"': "＂",
                         "<": "＜", ">": "＞", "|": "｜"})
# The document stamp the shared workbook writer puts in every xlsx it writes.
_XLSX_STAMP = b"<dcterms:modified xsi:type=\"dcterms:W3CDTF\">2000-01-01T00:00:00Z</dcterms:modified>"


def safe_name(text: str, *, limit: int = 80) -> str:
    """`text` as one safe file-name part: no separators, no `..`, no control or
    Windows-reserved characters, no reserved device names, not empty, bounded length."""
    name = "".join(ch for ch in str(text).translate(_UNSAFE) if ch.isprintable())
    name = name.strip().strip(".").strip()
    name = re.sub(r"\s+", " ", name)[:limit].rstrip(". ")
    if not name:
        return "未命名"
    if _WINDOWS_RESERVED.match(name):
        name = "_" + name
    return name


def inside(folder: Path, target: Path) -> Path:
    """`target`, refused unless it resolves inside `folder`."""
    base = Path(folder).resolve()
    resolved = Path(os.path.abspath(target))
    with contextlib.suppress(OSError):
        resolved = Path(target).resolve()
    if resolved != base and base not in resolved.parents:
        raise UserError(f"输出文件 {target} 不在 {folder} 里，已拒绝写入。请检查支部名称等配置中是否含有路径符号")
    return target


def _workspace_root(path: Path) -> Path | None:
    for folder in [path.parent, *path.parent.parents]:
        try:
            if (folder / CONFIG_NAME).is_file():
                return folder
        except OSError:
            return None
    return None


def _registry_path(path: Path) -> Path:
    root = _workspace_root(path)
    if root is not None:
        return root / REGISTRY_DIR / REGISTRY_NAME
    from partyday_cli.io.holidays import user_data_dir

    return user_data_dir() / REGISTRY_NAME


def _load_registry(registry: Path) -> dict[str, str]:
    try:
        data = json.loads(registry.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _resolved(path: Path) -> Path:
    try:
        return Path(path).resolve()
    except OSError:
        return Path(os.path.abspath(path))


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return _resolved(a) == _resolved(b)


def _protected_reason(target: Path, extra_roots: tuple[Path, ...]) -> str | None:
    roots = {r for r in (_workspace_root(target), *extra_roots) if r is not None}
    for root in roots:
        root = _resolved(root)
        for name in PROTECTED_FILES:
            if target == root / name:
                return "这是工作区的配置或账本" if name in ("partyday.toml", "ledger.db") else "这是工作区的内部文件"
        for name in PROTECTED_DIRS:
            if root / name in target.parents:
                return "这是工作区存档或备份里的文件"
    return None


class OutputGuard:
    """Checks one command's outputs; remembers what it wrote."""

    def __init__(self, *, force: bool = False, reads: tuple[Path, ...] = (),
                 workspace_root: Path | None = None) -> None:
        self.force = force
        self.reads = tuple(Path(p) for p in reads)
        self.roots = (workspace_root,) if workspace_root is not None else ()

    def check(self, path: Path) -> bool:
        """Raise for a target that must not be written; True when it replaces a file."""
        path = Path(path)
        try:
            st = os.stat(path)
        except FileNotFoundError:
            st = None
        except OSError as exc:
            raise UserError(f"无法写入 {path}：{exc.strerror}") from None
        if st is not None and stat.S_ISDIR(st.st_mode):
            raise UserError(f"{path} 是文件夹。请写出文件名，如 -o {path / ('输出' + (path.suffix or '.xlsx'))}")
        if st is not None and not stat.S_ISREG(st.st_mode):
            raise UserError(f"{path} 不是普通文件（是设备、管道或套接字），partyday 不会写入它。请换一个文件名")
        target = _resolved(path)
        reason = _protected_reason(target, self.roots)
        if reason:
            raise UserError(f"不能把输出写到 {path}：{reason}，覆盖会丢失数据。请换一个文件名")
        for source in self.reads:
            if source.exists() and _same_file(source, path):
                raise UserError(f"不能把输出写到 {path}：这是本命令正在读取的文件。请换一个文件名")
        if st is None:
            return False
        if self.force or _written_by_partyday(path, target):
            return True
        raise UserError(f"{path} 已存在，且不是 partyday 生成的（或生成后被改动过），未覆盖。"
                        "请换一个文件名；确实要覆盖就加上 --force")

    def write(self, path: Path, data: bytes) -> bool:
        """Write atomically after `check`; True when an existing file was replaced."""
        from partyday_cli.io.files import write_atomic

        replaced = self.check(path)
        write_atomic(path, data)
        remember(path, data)
        return replaced


def _written_by_partyday(path: Path, target: Path) -> bool:
    """The bytes partyday wrote at `target` (its registry says so), or an xlsx of its own
    that no spreadsheet program has saved since."""
    try:
        data = path.read_bytes()
    except OSError:
        return False
    if _load_registry(_registry_path(target)).get(str(target)) == _sha(data):
        return True
    return _is_stamped_xlsx(data)


def _is_stamped_xlsx(data: bytes) -> bool:
    """An xlsx from partyday's writer that no spreadsheet program has saved since (Excel
    and WPS rewrite the modified stamp on save)."""
    import io
    import zipfile

    if not data.startswith(b"PK"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            core = archive.read("docProps/core.xml")
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return False
    return _XLSX_STAMP in core and b"<dc:creator>partyday</dc:creator>" in core


def edited_by_hand(path: Path) -> bool:
    """A file partyday wrote that someone has changed and saved since (the 书记 filled in
    the 记实表 it made): not the bytes it wrote, not its stamp. False for a missing file."""
    path = Path(path)
    if not path.is_file():
        return False
    return not _written_by_partyday(path, _resolved(path))


def remember(path: Path, data: bytes) -> None:
    """Record that partyday wrote `data` to `path` (best effort: a registry that cannot
    be written only means the next run asks for --force)."""
    from partyday_cli.io.files import write_atomic

    target = _resolved(path)
    registry = _registry_path(target)
    entries = _load_registry(registry)
    entries.pop(str(target), None)
    entries[str(target)] = _sha(data)
    if len(entries) > REGISTRY_LIMIT:
        entries = dict(list(entries.items())[-REGISTRY_LIMIT:])
    with contextlib.suppress(OSError, UserError):
        registry.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(registry, json.dumps(entries, ensure_ascii=False, indent=0).encode("utf-8"))


def write_output(path: Path, data: bytes, *, force: bool = False, reads: tuple[Path, ...] = (),
                 workspace_root: Path | None = None) -> bool:
    """One guarded, atomic, remembered write. True when an existing file was replaced."""
    return OutputGuard(force=force, reads=reads, workspace_root=workspace_root).write(path, data)
