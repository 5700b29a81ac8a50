"""Reading spreadsheets as offices send them: xlsx/xls/ods/CSV → rows of cells.

Everything a user can hand us (a real workbook, a CSV saved by WPS in GBK, a text file
renamed to .xlsx, a half-copied download) either becomes a list of `Sheet`s or one
Chinese `UserError` naming the file and what to do. The format is decided from the
bytes, not from the extension. Row numbers are kept true: `rows[i]` is spreadsheet row
i+1, blank rows included, so problems can point at the row the user sees.

Workbooks are parsed by python-calamine in a worker process (see `_read_calamine`): on
some damaged files calamine aborts the process instead of raising.

Also here: finding a header row by column names (`find_header`) and the cell parsers
that read dates and amounts the way people type them. Money is never a float.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import multiprocessing
import os
import pickle
import queue
import re
import signal
import struct
import threading
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook, PasswordError, SheetTypeEnum, SheetVisibleEnum

from partyday_cli.errors import UserError
from partyday_cli.io.files import read_bytes

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_NO_ZERO_WIDTH = str.maketrans("", "", _ZERO_WIDTH)

CellRange = tuple[int, int, int, int]  # first row, first col, last row, last col (0-based)


@dataclass(frozen=True)
class Sheet:
    """One sheet as read. `rows[i]` is spreadsheet row i+1; empty cells are ''. Rows end
    at their last non-empty cell (so they may differ in length); trailing blank rows go.

    `name` is '' for a CSV (it has no sheets). `merged` lists merged ranges where
    calamine reports them (xlsx, xls; not ods); the value sits in the top-left cell only.
    """

    name: str
    rows: list[list[object]]
    merged: tuple[CellRange, ...] = ()
    visible: bool = True

    def filled_rows(self) -> list[list[object]]:
        """The rows with every merged range's value copied into each cell it covers,
        as a reader of the printed sheet sees it."""
        rows = [list(row) for row in self.rows]
        for r0, c0, r1, c1 in self.merged:
            if r0 >= len(rows) or c0 >= len(rows[r0]):
                continue
            value = rows[r0][c0]
            for r in range(r0, min(r1, len(rows) - 1) + 1):
                row = rows[r]
                row.extend([""] * (c1 + 1 - len(row)))
                for c in range(c0, c1 + 1):
                    row[c] = value
        return rows


@dataclass(frozen=True)
class HeaderMatch:
    """Where the header is and which column holds which field."""

    row: int  # 1-based; the lower row of a two-row header; data starts below it
    top_row: int  # 1-based; == row for a one-row header
    columns: dict[str, int]  # field → 0-based column index
    letters: dict[str, str]  # field → column letter (A, B, …) for messages
    labels: dict[str, str]  # field → the header text as the user typed it


# --------------------------------------------------------------------------- reading


def read_grid(path: Path, data: bytes | None = None) -> list[Sheet]:
    """Every worksheet of `path` (one pseudo-sheet for a CSV), or a `UserError`.
    `data`: the file's bytes when the caller has read them already (they are not read
    again); `path` then only names the file."""
    path = Path(path)
    if data is None:
        data = read_bytes(path, "文件")
    return _grid(data, path.name, path.suffix.lower(), _read_calamine)


def grid_here(data: bytes, name: str, suffix: str) -> list[Sheet]:
    """`read_grid` for code that already runs in the parsing worker (see `submit`):
    workbooks are parsed in this process."""
    return _grid(data, name, suffix, _parse_here)


def _grid(data: bytes, name: str, suffix: str, parse: Callable[[bytes, str], list[Sheet]]) -> list[Sheet]:
    if not data.strip():
        raise UserError(f"文件 {name} 是空的，请确认选对了文件，或在 Excel/WPS 中重新保存后再导入")
    if data.startswith(_ZIP_MAGIC):
        _check_zip(data, name)
        return parse(data, name)
    if data.startswith(_OLE_MAGIC):
        return parse(data, name)
    if suffix in SPREADSHEET_SUFFIXES:
        raise UserError(_fake_spreadsheet_message(data, name))
    return [_read_csv(data, name)]


def _check_zip(data: bytes, name: str) -> None:
    """A zip is an xlsx (xl/…) or an ods (mimetype …spreadsheet); anything else is not."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, ValueError, OSError, EOFError, RuntimeError):
        raise UserError(f"文件 {name} 已损坏或不完整，请在 Excel/WPS 中打开后另存为 .xlsx 再导入") from None
    if any(n.startswith("xl/") for n in names) or b"spreadsheet" in mimetype:
        return
    if any(n.startswith("word/") for n in names) or b"text" in mimetype:
        raise UserError(f"文件 {name} 是文字文档，不是电子表格。请把表格复制到 Excel/WPS 表格中，另存为 .xlsx 再导入")
    raise UserError(f"文件 {name} 是压缩包，不是电子表格。请解压后导入其中的 .xlsx/.xls/.csv 文件")


def _fake_spreadsheet_message(data: bytes, name: str) -> str:
    head = data[:2048].lstrip(codecs.BOM_UTF8).lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml", b"<meta")):
        return (f"文件 {name} 实际是网页（HTML/XML）格式，不是真正的 Excel 文件。"
                "请在 Excel/WPS 中打开后另存为 .xlsx 再导入")
    if _decode_text(data) is not None:
        return (f"文件 {name} 的内容是文本，不是 Excel 文件。请在 Excel/WPS 中打开后另存为 .xlsx 再导入，"
                "或把扩展名改为 .csv")
    return f"文件 {name} 已损坏或不是电子表格，请在 Excel/WPS 中打开后另存为 .xlsx 再导入"


_PASSWORD = "文件 {} 设有打开密码，请在 Excel/WPS 中取消密码后另存，再导入"
_WORKER: _Worker | bool | None = None  # None: not started yet; False: none can start here
_WORKER_MEMORY = 4 << 30  # bytes of address space for the parsing process (POSIX only)
_MAX_CELLS = 5_000_000  # rows × columns of one sheet; 30,000 members × 40 columns fit
_START_TIMEOUT = 60  # seconds for a new worker to answer its first call


def _read_calamine(data: bytes, name: str) -> list[Sheet]:
    """Parse xlsx/xls/ods in a worker process. calamine does not always fail with an
    exception: on some damaged .xls files, and on a sheet with one stray cell far away
    (it allocates the whole rows × columns grid), it aborts the process it runs in
    (tafia/calamine#684, #714; dimastbk/python-calamine#130). In a worker that costs
    the worker, and the user gets one Chinese line."""
    try:
        outcome = submit(_parse_workbook, data).result()
    except WorkerCrashed:
        outcome = ("crashed",)
    return _outcome(outcome, data, name)


def _parse_here(data: bytes, name: str) -> list[Sheet]:
    return _outcome(_parse_workbook(data), data, name)


class WorkerCrashed(Exception):
    """The call took the worker process down with it (it did so when it ran alone)."""


class WorkerCall:
    """`fn(*args)` sent to the parsing worker at once; `result()` waits for its value.

    Calls queue up in the one worker, so a caller can send the next files while it
    works on this one. When the worker dies, every call in it fails; each is then run
    again, and only a call that kills a worker when nothing else runs there is
    `WorkerCrashed` — the files sent along with a damaged one are not blamed for it.
    Where no worker can start, the call runs in this process when its result is asked."""

    def __init__(self, fn: Callable[..., Any], *args: Any):
        self.fn, self.args = fn, args
        self._worker: _Worker | None = None
        self._job = 0
        self._alone = False
        self._outcome: tuple[bool, Any] | None = None
        self._send()

    def _send(self) -> None:
        global _WORKER
        while True:
            if _WORKER is None:
                _WORKER = _start_worker()
            if _WORKER is False:
                self._worker = None
                return
            worker = _WORKER
            self._alone = not worker.busy()
            try:
                self._job = worker.send(self.fn, self.args)
            except _WorkerDied:  # died since the last call returned, or never started
                worker.drain()
                _drop_worker(worker)
                if not worker.started and _WORKER is None:
                    _WORKER = False  # no worker can start here
                continue
            self._worker = worker
            return

    def result(self) -> Any:
        if self._outcome is None:
            try:
                self._outcome = (True, self._result())
            except Exception as exc:
                self._outcome = (False, exc)
        ok, value = self._outcome
        if ok:
            return value
        raise value

    def _result(self) -> Any:
        global _WORKER
        while True:
            if self._worker is None:
                return self.fn(*self.args)
            try:
                ok, value = self._worker.wait(self._job)
            except _WorkerDied:
                worker = self._worker
                _drop_worker(worker)  # the next call starts a new one
                if not worker.started:  # it never ran anything: no worker can start here
                    if _WORKER is None:
                        _WORKER = False
                    self._send()  # to a worker started since, if any; else it runs here
                    continue
                if self._alone:
                    raise WorkerCrashed() from None
                self._send()  # again, now alone in a new worker
                continue
            if ok:
                return value
            raise value


def start_worker(*modules: str) -> None:
    """Start the parsing worker now, in the background: a caller about to send it work
    lets it start while doing its own preparations. `modules`: what its calls will
    import, loaded once for every worker of this process (where processes are forked
    from a server: Linux)."""
    global _WORKER
    _PRELOAD.update(dict.fromkeys(modules))
    if _WORKER is None:
        _WORKER = _start_worker()


def submit(fn: Callable[..., Any], *args: Any) -> WorkerCall:
    """Run `fn(*args)` in the parsing worker (memory-capped, stderr silenced); `fn` must
    be a module-level function and its arguments and value picklable."""
    return WorkerCall(fn, *args)


class _WorkerDied(Exception):
    pass


class _Worker:
    """One worker process and two pipes, driven from the calling thread alone: no helper
    threads here (they would contend for the GIL with the caller's work), except one
    that starts the process, so that the caller need not wait for that. The worker
    reads every call as soon as it arrives (so a send never waits for it to finish one)
    and answers them in order; a call's answer is kept until asked for."""

    def __init__(self) -> None:
        ctx = _mp_context()
        if ctx.get_start_method() == "forkserver":
            ctx.set_forkserver_preload(list(_PRELOAD))  # takes effect when the server starts
        _lean_start()
        calls_in, self._calls = ctx.Pipe(duplex=False)
        self._answers, answers_out = ctx.Pipe(duplex=False)
        self.process = ctx.Process(target=_serve, args=(calls_in, answers_out), daemon=True, name=_WORKER_NAME)
        self._start_error: BaseException | None = None

        def start() -> None:
            try:
                self.process.start()
            except BaseException as exc:
                self._start_error = exc
            finally:
                calls_in.close()
                answers_out.close()

        self._starting: threading.Thread | None = threading.Thread(target=start, name="partyday-parser-start",
                                                                   daemon=True)
        self._starting.start()
        self._next = 0
        self.pending: set[int] = set()  # sent, answer not yet read
        self._answered: dict[int, tuple[bool, Any]] = {}
        self.dead = False
        self.started = False  # it has answered a call: it can run here
        self._probe = self.send(int, ("1",))

    def _join_start(self) -> None:
        if self._starting is not None:
            self._starting.join()
            self._starting = None
        if self._start_error is not None:
            self.dead = True

    def busy(self) -> bool:
        """Whether calls sent earlier may still run (the start-up check aside)."""
        return bool(self.pending - {self._probe})

    def send(self, fn: Callable[..., Any], args: tuple) -> int:
        """Queue a call (in the pipe, if the process is still starting); its number."""
        if self.dead or self._start_error is not None:
            self.dead = True
            raise _WorkerDied()
        self._next += 1
        call = pickle.dumps((fn, args), protocol=pickle.HIGHEST_PROTOCOL)
        try:
            self._calls.send_bytes(_NUMBER.pack(self._next) + call)
        except (OSError, EOFError):
            self.dead = True
            raise _WorkerDied() from None
        self.pending.add(self._next)
        return self._next

    def wait(self, job: int) -> tuple[bool, Any]:
        """(True, value) or (False, exception) of call `job`."""
        self._join_start()
        while job not in self._answered:
            if self.dead or job not in self.pending:
                raise _WorkerDied()
            if not self.started and not self._answers.poll(_START_TIMEOUT):
                self.dead = True  # not up after a minute: the start hangs
                raise _WorkerDied()
            try:
                number, ok, value = self._answers.recv()
            except (OSError, EOFError):  # the process is gone: everything in it is lost
                self.dead = True
                raise _WorkerDied() from None
            self._keep(number, ok, value)
        return self._answered.pop(job)

    def _keep(self, number: int, ok: bool, value: Any) -> None:
        self.pending.discard(number)
        if number == self._probe:
            self.started = ok
        else:
            self._answered[number] = (ok, value)

    def drain(self) -> None:
        """Read what a dead worker answered before it died (did it ever start?)."""
        self._join_start()
        with contextlib.suppress(OSError, EOFError):
            while self._answers.poll(0):
                self._keep(*self._answers.recv())

    def close(self) -> None:
        self._join_start()
        self.dead = True
        for conn in (self._calls, self._answers):
            with contextlib.suppress(OSError):
                conn.close()
        if self._start_error is None and self.process.is_alive():
            self.process.kill()
        with contextlib.suppress(Exception):
            self.process.join(timeout=5)


_NUMBER = struct.Struct("<Q")  # a call's number, ahead of the pickled call
_WORKER_NAME = "partyday-parser"
_PRELOAD: dict[str, None] = {"partyday_cli.io.workbook": None}  # loaded by the fork server


def _lean_start() -> None:
    """Start workers without re-running the program's main module in them.

    multiprocessing imports the parent's `__main__` in each new process, so that calls
    defined there can be found. Ours are all module-level functions of partyday, and
    the main module is the whole command line (typer and every command): leaving it out
    makes a worker ready in a fraction of the time. Only processes named `_WORKER_NAME`
    are affected; where Python prepares processes otherwise, nothing changes."""
    from multiprocessing import spawn

    original = getattr(spawn, "get_preparation_data", None)
    if original is None or getattr(original, "_partyday", False):
        return

    def get_preparation_data(name: str) -> dict[str, Any]:
        data = original(name)
        if name == _WORKER_NAME:
            data.pop("init_main_from_path", None)
            data.pop("init_main_from_name", None)
        return data

    get_preparation_data._partyday = True  # type: ignore[attr-defined]
    spawn.get_preparation_data = get_preparation_data


def _serve(calls: Any, answers: Any) -> None:
    """The worker's main loop: a thread takes calls off the pipe as they come, this one
    runs them in order and sends each answer back. Ctrl-C is the caller's to handle."""
    _worker_setup()
    with contextlib.suppress(ValueError, OSError):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    inbox: queue.SimpleQueue = queue.SimpleQueue()

    def take() -> None:
        try:
            while True:
                inbox.put(calls.recv_bytes())
        except (OSError, EOFError):
            inbox.put(None)

    threading.Thread(target=take, daemon=True).start()
    while (message := inbox.get()) is not None:
        number = _NUMBER.unpack_from(message)[0]
        name = "call"
        try:
            fn, args = pickle.loads(memoryview(message)[_NUMBER.size:])
            name = getattr(fn, "__name__", name)
            answer = (number, True, fn(*args))
        except Exception as exc:
            answer = (number, False, exc)
        try:
            answers.send(answer)
        except (OSError, EOFError):
            return
        except Exception as exc:  # an answer that does not pickle: a bug, said as one
            answers.send((number, False, RuntimeError(f"worker answer of {name}: {exc!r}")))


def _drop_worker(worker: _Worker | None = None) -> None:
    global _WORKER
    if isinstance(_WORKER, _Worker) and (worker is None or worker is _WORKER):
        _WORKER.close()
        _WORKER = None
    elif worker is not None:
        worker.close()


def _start_worker() -> _Worker | bool:
    """A worker process, starting (its first answer tells whether it can run here);
    False when no process can be started at all."""
    try:
        return _Worker()
    except Exception:  # e.g. no process can be created here
        return False


def crashed_error(data: bytes, name: str) -> UserError:
    """The error for a file whose reading took the worker down (see `WorkerCall`)."""
    try:
        _outcome(("crashed",), data, name)
    except UserError as exc:
        return exc
    raise AssertionError("unreachable")


def _outcome(outcome: list[Sheet] | tuple, data: bytes, name: str) -> list[Sheet]:
    if isinstance(outcome, list):
        return outcome
    if outcome[0] == "too_large":
        _, sheet, height, width = outcome
        raise UserError(f"文件 {name} 的工作表“{sheet}”范围过大（{height}行×{width}列），多半是远处有误填的内容。"
                        "请在 Excel/WPS 中删除多余的行和列后另存，再导入")
    encrypted = data.startswith(_OLE_MAGIC) and "EncryptedPackage".encode("utf-16-le") in data
    if outcome[0] == "password" or encrypted:
        raise UserError(_PASSWORD.format(name))
    if outcome[0] == "crashed":
        raise UserError(f"文件 {name} 无法读取：文件已损坏，或某个工作表的内容延伸到极远的行列（如第1048576行）。"
                        "请在 Excel/WPS 中打开，删除多余的行列后另存为 .xlsx 再导入")
    raise UserError(f"文件 {name} 已损坏或不是电子表格，请在 Excel/WPS 中打开后另存为 .xlsx 再导入")


def _mp_context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _worker_setup() -> None:
    """In the worker: a cap on memory, so a runaway allocation fails instead of swapping
    the laptop to death, and no Rust panic text on the user's terminal."""
    try:
        import resource

        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = _WORKER_MEMORY if hard == resource.RLIM_INFINITY else min(hard, _WORKER_MEMORY)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, ValueError, OSError):
        pass  # Windows has no rlimit
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)


def _parse_workbook(data: bytes) -> list[Sheet] | tuple:
    """Runs in the worker: the sheets, or why not: ('password',), ('damaged',),
    ('too_large', sheet, rows, columns)."""
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = []
        for index, meta in enumerate(book.sheets_metadata):
            if meta.typ != SheetTypeEnum.WorkSheet:
                continue  # chart and macro sheets hold no cells
            sheet = book.get_sheet_by_index(index)
            if sheet.height * sheet.width > _MAX_CELLS:
                return ("too_large", sheet.name, sheet.height, sheet.width)
            rows = [_clean_row(row) for row in sheet.to_python(skip_empty_area=False)]
            merged = tuple((r0, c0, r1, c1) for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or ())
            visible = meta.visible == SheetVisibleEnum.Visible
            sheets.append(Sheet(sheet.name, _trim(rows), merged, visible))
        return sheets
    except PasswordError:
        return ("password",)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # CalamineError, and pyo3 panics on some malformed files
        return ("damaged",)


def _clean_row(row: list[object]) -> list[object]:
    """calamine's 6200.0 → 6200, None → '', trailing empty cells dropped."""
    cells = [v if v.__class__ is str else _clean_cell(v) for v in row]
    while cells and cells[-1] == "":
        cells.pop()
    return cells


def _clean_cell(v: object) -> object:
    if v is None:
        return ""
    return int(v) if isinstance(v, float) and v.is_integer() and abs(v) < 1e15 else v


def _trim_text_row(cells: list[str]) -> list[str]:
    """A CSV row (text only): trailing empty cells dropped, in place."""
    while cells and cells[-1] == "":
        cells.pop()
    return cells


def _trim(rows: list[list[object]]) -> list[list[object]]:
    """Drop trailing empty rows."""
    end = len(rows)
    while end and all(v == "" for v in rows[end - 1]):
        end -= 1
    return rows[:end]


# Control characters (Unicode category Cc) other than tab, line feed, form feed, return.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def _decode_text(data: bytes) -> str | None:
    """Text from the bytes by what they are: UTF-8 (with or without BOM), UTF-16 with a
    BOM (Excel's “Unicode 文本”), else GB18030 (a superset of GBK). None if binary."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)
    elif data.startswith(codecs.BOM_UTF8):
        encodings = ("utf-8-sig",)
    else:
        encodings = ("utf-8", "gb18030")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = len(_CONTROLS.findall(text))
        if "\x00" in text or controls > len(text) // 100:
            return None
        return text
    return None


def _read_csv(data: bytes, name: str) -> Sheet:
    text = _decode_text(data)
    if text is None:
        raise UserError(f"文件 {name} 不是电子表格或 CSV 文本，无法读取。请导入 .xlsx/.xls/.ods/.csv 文件")
    delimiter = _sniff_delimiter(text)
    try:
        rows = [_trim_text_row(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error:
        raise UserError(f"文件 {name} 无法按 CSV 读取，请在 Excel/WPS 中打开后另存为 .xlsx 再导入") from None
    return Sheet("", _trim(rows))


def _sniff_delimiter(text: str) -> str:
    sample = text[:20000].splitlines()[:50]

    def score(delimiter: str) -> tuple[int, int]:
        try:
            widths = [len(row) for row in csv.reader(sample, delimiter=delimiter)]
        except csv.Error:
            return (0, 0)
        return (sum(1 for w in widths if w > 1), sum(widths))

    return max((",", "\t", ";"), key=score)


# --------------------------------------------------------------------------- headers


def normalise_header(value: object) -> str:
    """'  姓 名（必填）：' → '姓名'; full-width folded, spaces of every width removed."""
    text = unicodedata.normalize("NFKC", cell_text(value))
    text = re.sub(r"[(\[【〔][^)\]】〕]*[)\]】〕]", "", text)
    text = "".join(text.split()).translate(_NO_ZERO_WIDTH)
    return text.strip("*:※").lower()


def find_header(
    rows: list[list[object]],
    synonyms: Mapping[str, tuple[str, ...]],
    required: set[str],
    max_scan: int = 15,
) -> HeaderMatch | None:
    """The header among the first `max_scan` rows: the row (or two rows, for a merged
    header such as '党员信息' over '姓名'/'性别') naming the most known fields and all of
    `required`. None if no row names them all. `synonyms` maps field → names."""
    lookup: dict[str, str] = {}
    for field, names in synonyms.items():
        for label in names:
            lookup.setdefault(normalise_header(label), field)
    best: tuple[tuple[int, int, int], HeaderMatch] | None = None
    for r in range(min(max_scan, len(rows))):
        candidates = [(r, None)] + ([(r + 1, r)] if r + 1 < len(rows) else [])
        for lower, upper in candidates:
            match = _match(rows, lower, upper, lookup)
            if not match.columns or not required <= match.columns.keys():
                continue
            rank = (len(match.columns), upper is None, -lower)
            if best is None or rank > best[0]:
                best = (rank, match)
    return best[1] if best else None


def _match(rows: list[list[object]], lower: int, upper: int | None, lookup: dict[str, str]) -> HeaderMatch:
    columns: dict[str, int] = {}
    labels: dict[str, str] = {}
    width = max(len(rows[lower]), len(rows[upper]) if upper is not None else 0)
    for c in range(width):
        for r in (lower, upper):
            if r is None or c >= len(rows[r]):
                continue
            field = lookup.get(normalise_header(rows[r][c]))
            if field is not None:
                if field not in columns:
                    columns[field] = c
                    labels[field] = cell_text(rows[r][c])
                break
    letters = {field: column_letter(c) for field, c in columns.items()}
    top = upper if upper is not None else lower
    return HeaderMatch(row=lower + 1, top_row=top + 1, columns=columns, letters=letters, labels=labels)


def column_letter(index0: int) -> str:
    """0 → 'A', 25 → 'Z', 26 → 'AA'."""
    letters = ""
    n = index0 + 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


# --------------------------------------------------------------------------- cells


def cell_text(value: object) -> str:
    """A cell as the user sees it: None → '', 6200.0 → '6200', a date → '1990-07-08'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(Decimal(format(value, ".15g")), "f")
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value).strip().strip(_ZERO_WIDTH).strip()


_EXCEL_EPOCH = date(1899, 12, 30)
_FULL_DATE = re.compile(r"(\d{4})[年./\-](\d{1,2})[月./\-](\d{1,2})[日号]?(?:\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_MONTH_ONLY = re.compile(r"(\d{4})[年./\-](\d{1,2})月?")


def parse_date_cell(value: object) -> date:
    """A date as offices type it: an Excel date, a serial number, 1990.07.08, 1990-7-8,
    1990/7/8, 1979年11月25日, 19900708; month only (1992.06, 1992年6月, 199206) → the 1st.
    Raises ValueError otherwise."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool) or value is None:
        raise ValueError(f"not a date: {value!r}")
    if isinstance(value, int | float):
        return _date_from_number(value)
    text = unicodedata.normalize("NFKC", str(value))
    text = "".join(ch for ch in text if not ch.isspace()).replace("T", "")
    if m := _FULL_DATE.fullmatch(text):
        return _checked_date(int(m[1]), int(m[2]), int(m[3]))
    if m := _MONTH_ONLY.fullmatch(text):
        return _checked_date(int(m[1]), int(m[2]), 1)
    if re.fullmatch(r"\d{6}|\d{8}", text):
        return _checked_date(int(text[:4]), int(text[4:6]), int(text[6:8] or 1))
    raise ValueError(f"not a date: {value!r}")


def _date_from_number(value: int | float) -> date:
    if isinstance(value, float) and not value.is_integer():
        # 1992.06 typed into a cell becomes the number 1992.06: year.month.
        year, _, fraction = format(value, ".15g").partition(".")
        if len(year) == 4 and len(fraction) == 2:
            return _checked_date(int(year), int(fraction), 1)
        raise ValueError(f"ambiguous date number: {value!r}")  # 1992.1: January or October?
    number = int(value)
    if 19000101 <= number <= 21001231:
        return _checked_date(number // 10000, number // 100 % 100, number % 100)
    if 190001 <= number <= 210012:
        return _checked_date(number // 100, number % 100, 1)
    if 367 <= number <= 73415 and not 1900 <= number <= 2100:  # 1901-01-01 … 2100-12-31
        return _EXCEL_EPOCH + timedelta(days=number)
    raise ValueError(f"not a date: {value!r}")


def _checked_date(year: int, month: int, day: int) -> date:
    if not 1900 <= year <= 2100:
        raise ValueError(f"year out of range: {year}")
    return date(year, month, day)


_AMOUNT = re.compile(r"-?\d+(?:\.\d+)?")


def parse_amount_cell(value: object) -> Decimal:
    """Money as typed: 6200, 6200.5, '6200元', '4,800', '4，800.00', '￥3,000'. Built from
    the text (a float cell through its 15 significant digits), never from float maths.
    Raises ValueError otherwise."""
    if isinstance(value, bool) or value is None:
        raise ValueError(f"not an amount: {value!r}")
    if isinstance(value, Decimal | int):
        return Decimal(value)
    if isinstance(value, float):
        text = format(value, ".15g")
    else:
        text = unicodedata.normalize("NFKC", str(value))
        text = "".join(ch for ch in text if not ch.isspace())
        text = re.sub(r"^(?:¥|人民币|rmb)", "", text, flags=re.IGNORECASE)
        text = re.sub(r"(?:元|圆|块)?(?:/月|每月)?$", "", text).replace(",", "")
    if not _AMOUNT.fullmatch(text):
        raise ValueError(f"not an amount: {value!r}")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError(f"not an amount: {value!r}") from None
