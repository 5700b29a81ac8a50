"""Sign-in files in every shape they arrive: one importer per layout.

Each importer module has `identify(sheets) -> int` (a confidence score, 0 = not mine;
it looks only at the first rows) and `extract(sheets, name) -> SignInFile`. The file is
read once (`read_grid`), every importer scores it, the highest wins; two claiming it
equally is an error, as is nobody claiming it (beangulp's rule). Layouts the user
describes in the config (`mapped.py`) take part like the built-in ones.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from partyday_cli.core.attendance import SignInFile
from partyday_cli.errors import UserError
from partyday_cli.io.archive import PendingCopy, write_copy
from partyday_cli.io.signin import checkin, dingtalk_daily, handwritten, mapped, tencent, wjx
from partyday_cli.io.workbook import (
    Sheet,
    WorkerCall,
    WorkerCrashed,
    crashed_error,
    grid_here,
    read_grid,
    submit,
)

LAYOUTS: dict[str, str] = {
    handwritten.LAYOUT: handwritten.LAYOUT_ZH,
    tencent.LAYOUT: tencent.LAYOUT_ZH,
    tencent.FEISHU: tencent.FEISHU_ZH,
    wjx.LAYOUT: wjx.LAYOUT_ZH,
    **checkin.LAYOUTS,
    dingtalk_daily.LAYOUT: dingtalk_daily.LAYOUT_ZH,
    "mapped": "配置中的自定义格式",
}
_HOW = {
    "handwritten": "表头有“姓名”列，可分左右两栏",
    "tencent": "导出的参会成员列表，含入会时间",
    "wjx": "按选项文本导出，含“提交答卷时间”",
    "wecom": "签到记录导出",
    "dingtalk": "签到统计导出",
    "dingtalk-daily": "考勤打卡的每日汇总导出，含“考勤结果”",
    "feishu": "导出的参会人明细，含入会时间",
}


@dataclass(frozen=True)
class Importer:
    name: str
    zh: str
    identify: Callable[[Sequence[Sheet]], int]
    extract: Callable[[Sequence[Sheet], str], SignInFile]


def importers(extra_layouts: Mapping[str, Mapping[str, list[str]]] | None = None,
              min_minutes: float | None = None) -> list[Importer]:
    built_in = [
        Importer(handwritten.LAYOUT, handwritten.LAYOUT_ZH, handwritten.identify, handwritten.extract),
        Importer(tencent.LAYOUT, tencent.LAYOUT_ZH, tencent.identify,
                 partial(tencent.extract, min_minutes=min_minutes)),
        Importer(tencent.FEISHU, tencent.FEISHU_ZH, tencent.identify_feishu,
                 partial(tencent.extract_feishu, min_minutes=min_minutes)),
        Importer(wjx.LAYOUT, wjx.LAYOUT_ZH, wjx.identify, wjx.extract),
        Importer(dingtalk_daily.LAYOUT, dingtalk_daily.LAYOUT_ZH, dingtalk_daily.identify, dingtalk_daily.extract),
        Importer("checkin", "企业微信/钉钉签到", checkin.identify, checkin.extract),
    ]
    user = [Importer(m.name, m.layout_zh, m.identify, m.extract)
            for m in mapped.layouts_from_config(extra_layouts)]
    return user + built_in


def read_signin(path: Path, *, data: bytes | None = None,
                extra_layouts: Mapping[str, Mapping[str, list[str]]] | None = None,
                min_minutes: float | None = None) -> SignInFile:
    """The sign-in records of one file, or a Chinese `UserError` naming what is wrong.
    `data`: the file's bytes, when the caller has read them already."""
    path = Path(path)
    return read_sheets(read_grid(path, data), path.name, extra_layouts=extra_layouts, min_minutes=min_minutes)


class PendingSignIn:
    """A sign-in file being read in the parsing worker (`read_signin_later`)."""

    def __init__(self, call: WorkerCall, data: bytes, name: str):
        self._call, self._data, self._name = call, data, name

    def result(self) -> SignInFile:
        """The file's records, or its `UserError`; waits for the worker if need be."""
        try:
            outcome = self._call.result()
        except WorkerCrashed:
            raise crashed_error(self._data, self._name) from None
        if outcome[0] == "ok":
            return outcome[1]
        raise UserError(outcome[1], problems=outcome[2])

    def copy(self) -> PendingCopy | None:
        """The archive copy the worker wrote once the file read well (`archive_to`), or
        None (not asked, not read, or not the plain case: see `io.archive.write_copy`).
        Its owner is the caller, who puts it in place or discards it."""
        try:
            outcome = self._call.result()
        except Exception:  # the worker died: it wrote nothing to keep
            return None
        return outcome[2] if outcome[0] == "ok" else None


def read_signin_later(path: Path, data: bytes, *,
                      extra_layouts: Mapping[str, Mapping[str, list[str]]] | None = None,
                      min_minutes: float | None = None,
                      archive_to: tuple[Path, str] | None = None) -> PendingSignIn:
    """Start reading a sign-in file (its bytes `data`) in the parsing worker, parse and
    layout both, and return at once: the caller goes on with other files meanwhile.
    `.result()` is what `read_signin` would give. Calls queue in the worker in order.
    `archive_to`: (archive folder, the bytes' sha256): once the file reads well, the
    worker also writes its archive copy there, synced and not yet in place (`.copy()`),
    so the importing process spends no time on it."""
    path = Path(path)
    call = submit(_read_in_worker, data, path.name, path.suffix.lower(),
                  dict(extra_layouts or {}), min_minutes, archive_to)
    return PendingSignIn(call, data, path.name)


def _read_in_worker(data: bytes, name: str, suffix: str, extra_layouts: Mapping[str, Mapping[str, list[str]]],
                    min_minutes: float | None, archive_to: tuple[Path, str] | None = None) -> tuple:
    """Runs in the worker: ('ok', SignInFile, PendingCopy | None) or ('error', message, problems)."""
    try:
        sheets = grid_here(data, name, suffix)
        signin = read_sheets(sheets, name, extra_layouts=extra_layouts, min_minutes=min_minutes)
    except UserError as exc:
        return ("error", exc.message, exc.problems)
    copy = None
    if archive_to is not None:
        folder, sha = archive_to
        copy = write_copy(data, name, folder, sha256=sha)
    return ("ok", signin, copy)


def read_sheets(sheets: Sequence[Sheet], name: str, *,
                extra_layouts: Mapping[str, Mapping[str, list[str]]] | None = None,
                min_minutes: float | None = None) -> SignInFile:
    """As `read_signin`, on sheets already read; `name` is the file's name for messages."""
    candidates = importers(extra_layouts, min_minutes)
    if not any(s.rows for s in sheets):
        raise UserError(f"文件 {name} 里没有任何内容，请确认选对了文件")
    scored = [(imp.identify(sheets), imp) for imp in candidates]
    top = max(score for score, _ in scored)
    if top <= 0:
        raise UserError(unknown_message(name))
    winners = [imp for score, imp in scored if score == top]
    if len(winners) > 1:
        both = "”和“".join(w.zh for w in winners)
        raise UserError(f"文件 {name} 同时符合“{both}”两种格式，无法确定按哪种读取。"
                        f"请在 partyday.toml 中为它写明列名映射，例如 {mapped.EXAMPLE}")
    return winners[0].extract(sheets, name)


def unknown_message(name: str) -> str:
    known = "、".join(f"{LAYOUTS[k]}（{how}）" for k, how in _HOW.items())
    return (f"文件 {name} 不是可识别的签到记录。可识别的格式：{known}。"
            f"其他格式请在 partyday.toml 中写明姓名等列的列名，例如 {mapped.EXAMPLE}")


__all__ = ["LAYOUTS", "Importer", "PendingSignIn", "importers", "read_sheets", "read_signin",
           "read_signin_later", "unknown_message"]
