"""Importing sign-in files into the ledger: what `partyday attend import` does, as a library call.

`import_signins(ws, paths, options)` reads, matches, checks and saves each file in turn
and returns an `ImportResult`: per file what was read (one `RowResult` per row, with the
member it became and the matching step that decided), who matched, which names were left
for `attend resolve`, which rows are not a person, the visitors with their remark, and
what changed in the ledger. Each file is all-or-nothing; an error in one is kept in its
`FileResult` and the others go on. The caller (the CLI) only renders the result; an
`on_file` callback lets it print each file as soon as it is committed.

Ctrl-C: an interrupt while a file is being written waits for that write to end, so a
file is never half-saved; the import then stops and `ImportResult.interrupted` is set
(the files not reached are in `files` with outcome "not-reached").
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from partyday_cli.core.members import namesake_labels
from partyday_cli.core.presence import RANK, keep_best
from partyday_cli.errors import UserError

SPREADSHEETS = {".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt"}
PRESENT = (None, "出席", "迟到", "早退")  # a file's status that means the person came

# Chinese names of the matching steps (`core.matching.STEPS`), for `--explain`.
STEP_ZH = {
    "exact": "姓名一致", "alias": "别名", "group": "按党小组/支部", "phone": "按手机尾号", "count": "按人数",
    "split": "一台设备多人", "not-a-person": "不是人名", "visitor": "列席", "suggestion": "相近姓名待确认",
    "unmatched": "未匹配", "ambiguous": "同名待定", "resolved": "按之前的对应",
}


@dataclass(frozen=True)
class ImportOptions:
    day: date | None = None  # --date: the activity, whatever the file says
    branch: str | None = None
    replace: bool = False  # the file supersedes the activity's files in force
    dry_run: bool = False  # nothing is written
    rows: bool = True  # keep every row's RowResult in FileResult.rows (--explain, JSON); the
    # rows a summary names (unmatched, shared, not a person) are kept either way


@dataclass(frozen=True)
class RowResult:
    """One row of a file as read and matched (`--explain`)."""

    sheet: str
    row: int | None
    text: str  # the name cell as read
    status: str | None  # the status the file states (None: listed, no status word)
    reason: str
    members: tuple[str, ...]  # who it became (two or more for a shared device)
    step: str  # the step that decided (a `core.matching.STEPS` id; a shared row: "split")
    note: str  # how, in a few Chinese words
    candidates: tuple[str, ...] = ()  # same-name members left to decide (ambiguous)
    suggestions: tuple[str, ...] = ()  # close roster names (suggestion)
    parts: tuple[tuple[str, str, str], ...] = ()  # a shared row: (text, member, step) per person

    def where(self) -> str:
        return (f"工作表“{self.sheet}” " if self.sheet else "") + (f"第{self.row}行" if self.row else "")

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "text": self.text, "status": self.status,
                "reason": self.reason, "members": list(self.members), "step": self.step, "note": self.note,
                "candidates": list(self.candidates), "suggestions": list(self.suggestions),
                "parts": [{"text": t, "member": m, "step": s} for t, m, s in self.parts]}


@dataclass
class FileResult:
    """What importing one file did. `outcome`: "imported", "unchanged" (its bytes were in
    the ledger already), "dry-run", "error" (`error` says why), "not-reached" (interrupted)."""

    path: Path
    outcome: str = "not-reached"
    layout: str = ""
    layout_zh: str = ""
    day: date | None = None
    branch: str = ""
    rows: list[RowResult] = field(default_factory=list)
    matched: int = 0
    unmatched: list[RowResult] = field(default_factory=list)  # left for `attend resolve`
    not_a_person: list[RowResult] = field(default_factory=list)
    visitors: list[tuple[str, str]] = field(default_factory=list)  # (name, remark)
    splits: list[RowResult] = field(default_factory=list)
    expected: int | None = None  # 应到 of the activity after this file (dry run: by this file alone)
    present: int | None = None  # 实到, likewise
    footer: tuple[int | None, int | None] = (None, None)  # the file's own 应到N人，实到M人
    change: Any = None  # store.attendance.AttendanceChange when written
    replaced: bool = False
    warnings: list[str] = field(default_factory=list)  # Chinese lines, in the order to print them
    summary: str = ""
    error: UserError | None = None
    # a 党委's joint sign-in sheet: what it gave each other branch whose members it lists
    # (this result is the branch with the most); each part is saved with the file
    parts: list[FileResult] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        change = self.change
        return {
            "file": self.path.name, "outcome": self.outcome, "layout": self.layout, "layout_zh": self.layout_zh,
            "date": self.day.isoformat() if self.day else None, "branch": self.branch,
            "matched": self.matched, "expected": self.expected, "present": self.present,
            "footer": {"expected": self.footer[0], "present": self.footer[1]},
            "unmatched": [r.text for r in self.unmatched],
            "not_a_person": [r.text for r in self.not_a_person],
            "visitors": [{"name": n, "remark": remark} for n, remark in self.visitors],
            "splits": [{"text": r.text, "members": list(r.members)} for r in self.splits],
            "change": None if change is None else {"before": change.before, "after": change.after},
            "replaced": self.replaced, "warnings": self.warnings, "summary": self.summary,
            "error": self.error.lines() if self.error is not None else None,
            "rows": [r.as_dict() for r in self.rows],
            "parts": [p.as_dict() for p in self.parts],
        }


@dataclass
class ImportResult:
    files: list[FileResult] = field(default_factory=list)
    interrupted: bool = False

    def count(self, outcome: str) -> int:
        return sum(1 for f in self.files if f.outcome == outcome)

    @property
    def failures(self) -> int:
        return self.count("error")

    def totals(self) -> dict[str, int]:
        done = [f for f in self.files if f.outcome in ("imported", "dry-run")]
        return {"files": len(self.files), "imported": self.count("imported"), "unchanged": self.count("unchanged"),
                "dry_run": self.count("dry-run"), "errors": self.failures,
                "matched": sum(f.matched + sum(p.matched for p in f.parts) for f in done),
                "unmatched": sum(len(f.unmatched) for f in done)}

    def interrupted_line(self) -> str:
        """One Chinese line: which files are in the ledger and which are not."""
        done = [f.path.name for f in self.files if f.outcome in ("imported", "unchanged")]
        rest = [f.path.name for f in self.files if f.outcome not in ("imported", "unchanged")]
        return (f"已中断：已导入 {len(done)} 个文件{_names(done)}，未导入 {len(rest)} 个{_names(rest)}。"
                "每个文件要么整份导入、要么没有导入；重新运行同一条命令即可继续，已导入的会自动跳过")

    def as_dict(self) -> dict[str, Any]:
        return {"files": [f.as_dict() for f in self.files], "totals": self.totals(),
                "interrupted": self.interrupted}


def _names(names: list[str], most: int = 20) -> str:
    if not names:
        return ""
    shown = "、".join(names[:most])
    return f"（{shown}{'等' if len(names) > most else ''}）"


def expand_paths(paths: Sequence[Path]) -> list[Path]:
    """Files as given; a folder gives its spreadsheets, in name order."""
    out: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            out.extend(sorted(p for p in path.iterdir()
                              if p.is_file() and p.suffix.lower() in SPREADSHEETS
                              and not p.name.startswith(("~$", "."))))
        else:
            out.append(path)
    return out


def import_signins(ws, paths: Sequence[Path], options: ImportOptions = ImportOptions(), *,  # type: ignore[no-untyped-def]
                   on_file: Callable[[int, int, FileResult], None] | None = None) -> ImportResult:
    """Import the sign-in files `paths` (folders give their spreadsheets) into the ledger
    of workspace `ws`, in order. `on_file(index, count, result)` is called as each file is done."""
    from partyday_cli.io.workbook import start_worker
    from partyday_cli.store.ledger import open_ledger

    if options.branch is not None:
        ws.branch(options.branch)  # an unknown branch is a clear error
    files = expand_paths(paths)
    if not files:
        raise UserError("没有找到可导入的签到文件（.xlsx、.xls、.csv）")
    start_worker("partyday_cli.io.signin")  # it starts while the ledger opens
    from partyday_cli.io.archive import sweep_stale_copies

    sweep_stale_copies(ws.root / "archive")
    result = ImportResult([FileResult(p) for p in files])
    with _Interrupts() as interrupts, open_ledger(ws.ledger_path) as ledger:
        importer = _Importer(ws, ledger, options, files, interrupts)
        try:
            with importer.cache.batch():
                for i in range(len(files)):
                    result.files[i] = importer.run_at(i)
                    if on_file is not None:
                        on_file(i, len(files), result.files[i])
                    interrupts.check()
        except KeyboardInterrupt:
            result.interrupted = True
        finally:
            interrupts.defer_all()  # cleaning up is not interrupted again
            importer.close()
    return result


class _Interrupts:
    """SIGINT (Ctrl-C) handling for an import: raised at once (KeyboardInterrupt), except
    while a file is being written, when it waits until the write is over (`check`)."""

    def __init__(self) -> None:
        self.writing = 0
        self.pending = False
        self._previous: Any = None
        self._installed = False

    def __enter__(self) -> _Interrupts:
        if threading.current_thread() is threading.main_thread():
            with contextlib.suppress(ValueError, OSError):
                self._previous = signal.signal(signal.SIGINT, self._handle)
                self._installed = True
        return self

    def __exit__(self, *exc: object) -> None:
        if self._installed:
            signal.signal(signal.SIGINT, self._previous)

    def _handle(self, signum: int, frame: object) -> None:
        if self.writing:
            self.pending = True
            return
        raise KeyboardInterrupt

    @contextlib.contextmanager
    def write(self) -> Iterator[None]:
        self.writing += 1
        try:
            yield
        finally:
            self.writing -= 1

    def check(self) -> None:
        if self.pending and not self.writing:
            self.pending = False
            raise KeyboardInterrupt

    def defer_all(self) -> None:
        self.writing += 1


class _Loaded:
    """A file read ahead of its turn: its bytes, and its sign-in records being read in the
    parsing worker (unless its bytes are in the ledger already, or it could not be read)."""

    __slots__ = ("path", "data", "sha", "error", "pending")

    def __init__(self, path: Path, data: bytes = b"", sha: str = "", error: UserError | None = None,
                 pending=None) -> None:  # type: ignore[no-untyped-def]
        self.path, self.data, self.sha, self.error, self.pending = path, data, sha, error, pending


@dataclass(frozen=True)
class _Roster:
    """A day's candidate list as `_split` and `_check_counts` use it (see `_roster_of`)."""

    candidates: list
    by_id: dict
    who: dict[int, str]  # 王伟（第一党小组） where the name is shared
    exempt: frozenset[int]  # not expected that day
    expected: int
    expected_ids: frozenset[int]  # expected by their dates
    if_present: frozenset[int]  # expected only where a file shows them present (`Member.only_if_present_on`)
    month_only: frozenset[int] = frozenset()  # transferred out that month, as the roster notes it
    # (`Member.only_if_present_on`, exempt or not)




_CN_MONTH = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
             "十一": 11, "十二": 12}


def _month_in_name(stem: str) -> int | None:
    """The one month a file's name gives (东山村4月签到表, 2017-04 四月签到表, 20270415), or
    None when it names none, or more than one."""
    import re

    found = {int(m[2]) for m in re.finditer(r"(?<!\d)(20\d\d)[-._年]?(\d\d)(?:\d\d)?(?!\d)", stem)}
    found |= {int(m[1]) for m in re.finditer(r"(?<!\d)20\d\d[-._年](1[0-2]|0?[1-9])(?!\d)", stem)}
    found |= {int(m[1]) for m in re.finditer(r"(?<!\d)(1[0-2]|0?[1-9])月", stem)}
    found |= {_CN_MONTH[m[1]] for m in re.finditer(r"(十[一二]|[一二三四五六七八九十])月", stem)}
    found = {m for m in found if 1 <= m <= 12}
    return found.pop() if len(found) == 1 else None


def _repeated_rows(name: str, marks: Sequence[Any], who: Callable[[int], str]) -> list[str]:
    """A member on more than one row of one file (a row typed twice, a correction added
    below): counted once, by the best of the rows as for several files; said, with the
    rows, and with what was chosen where the rows disagree."""
    rows: dict[int, list[Any]] = {}
    for k in marks:
        rows.setdefault(k.member_id, []).append(k)
    lines = []
    for member_id, ks in rows.items():
        if len(ks) < 2:
            continue
        sheets = {k.sheet for k in ks}
        where = "、".join((f"工作表“{k.sheet}”" if len(sheets) > 1 and k.sheet else "") + f"第{k.row}行"
                          for k in ks if k.row is not None)
        said = list(dict.fromkeys(k.status or "出席" for k in ks))
        if not where:
            continue
        if len(said) == 1:
            lines.append(f"{name}：{who(member_id)}在{where}出现了 {len(ks)} 次（都是{said[0]}），按一人计")
        else:
            best = min((k.status for k in ks), key=lambda s: RANK.get(s, len(RANK)))
            lines.append(f"{name}：{who(member_id)}在{where}分别记为{'、'.join(said)}，按{best or '出席'}计（同一次"
                         "活动取最好的一种）；如不对，请在表中更正后用 --replace 重新导入")
    return lines


@dataclass
class _Prepared:
    """A file read, matched and checked, not yet written: all its turn has left to do is
    wait for its archived copy and save."""

    path: Path
    sha: str
    result: FileResult
    signin: Any = None
    activity: Any = None  # None: create it at its turn (--date, outside the plan)
    marks: list = field(default_factory=list)
    unmatched: list = field(default_factory=list)  # store.attendance.Unmatched
    copy: Any = None  # io.archive.PendingCopy: the copy the worker wrote, to put in place at its turn
    known: bool = False  # its bytes were in the ledger when it was read
    data: bytes = b""  # its bytes, when its archive copy waits for its turn
    late: int = 0  # members this file marks 迟到
    parts: list[_Prepared] = field(default_factory=list)  # a joint sheet's other branches
    carried: list = field(default_factory=list)  # (branch, FileMark): a name resolved before into
    # another branch the joint sheet covers, for that branch's part
    who: Any = None  # member id → the label the file's lines name them by


class _Importer:
    """Imports files one by one, in order; each file is all-or-nothing, the others go on.

    Work is pipelined, so that a file's turn is mostly its own ledger transaction: the
    next files are read and parsed in the worker process (`READ_AHEAD`), which also writes
    (and syncs) their archive copies, and the next few are matched and checked
    (`PREPARE_AHEAD`). Preparing reads only what saving a file never changes (the roster,
    the plan, the config), and a file's turn checks again whether its bytes are in the
    ledger; so every file lands exactly as if the files were imported one at a time, and
    is reported only once committed. Who is expected on a day is asked once per roster
    import, and a name is matched once per roster (matching is a pure function of both)."""

    READ_AHEAD = 8
    PREPARE_AHEAD = 3

    def __init__(self, ws, ledger, options: ImportOptions, paths: list[Path],  # type: ignore[no-untyped-def]
                 interrupts: _Interrupts):
        from partyday_cli.store.attendance import ImportCache

        self.ws, self.ledger, self.options, self.interrupts = ws, ledger, options, interrupts
        self.day, self.branch = options.day, options.branch
        self.replace, self.dry_run = options.replace, options.dry_run
        # --dry-run --explain of a file imported before: read it all the same, to show how
        self.reread = options.dry_run and options.rows
        self._everyone: dict[tuple[str, str], list[Any]] | None = None  # (name, branch) → members, any day
        conf = ws.section("attendance")
        self.layouts = conf.get("layouts") or {}
        self.aliases = conf.get("aliases") or {}
        self.min_minutes = conf.get("min_minutes")
        self.cache = ImportCache(ledger)
        self.paths = list(paths)
        self._loaded: dict[int, _Loaded] = {}
        self._prepared: dict[int, _Prepared] = {}
        self._next_load = self._next_prepare = 0
        self._memos: list[tuple[list, tuple]] = []  # (candidates, (memo, index))
        self._rosters: dict[tuple[int, date], _Roster] = {}
        self._branches: dict[int, tuple[list, dict[int, str]]] = {}  # id → (candidates, member id → branch)
        self._mine: dict[tuple[int, str], tuple[list, list]] = {}  # (id, branch) → (candidates, the branch's)
        self._copy_asked: set[str] = set()  # sha256 of the files whose archive copy the worker writes
        self._unfinished: dict[str, int] = {}  # sha256 → files prepared and not yet at their turn

    def close(self) -> None:
        for ready in self._prepared.values():  # not reached: their copies are not kept
            if ready.copy is not None:
                ready.copy.discard()
                ready.copy = None
        for loaded in self._loaded.values():  # read ahead, not reached (at most READ_AHEAD)
            if loaded.pending is not None and (copy := loaded.pending.copy()) is not None:
                copy.discard()

    def run_at(self, index: int) -> FileResult:
        """Import `self.paths[index]`. Files are taken in order, each once."""
        last = min(index + self.PREPARE_AHEAD, len(self.paths) - 1)
        while self._next_prepare <= last:
            self._prepared[self._next_prepare] = self._prepare(self._take(self._next_prepare))
            self._next_prepare += 1
        ready = self._prepared.pop(index)
        if ready.signin is not None:
            left = self._unfinished[ready.sha] - 1
            if left:
                self._unfinished[ready.sha] = left
            else:
                del self._unfinished[ready.sha]
        try:
            self._turn(ready)
        except UserError as exc:
            ready.result.outcome, ready.result.error = "error", exc
        finally:
            self._settle_copy(ready)
        return ready.result

    # ------------------------------------------------------------------ reading ahead

    def _take(self, index: int) -> _Loaded:
        last = min(index + self.READ_AHEAD, len(self.paths) - 1)
        while self._next_load <= last:
            self._loaded[self._next_load] = self._load(self.paths[self._next_load])
            self._next_load += 1
        return self._loaded.pop(index)

    def _load(self, path: Path) -> _Loaded:
        from partyday_cli.io.archive import sha256_hex
        from partyday_cli.io.files import read_bytes
        from partyday_cli.io.signin import read_signin_later
        if path.name.startswith("~$"):  # given by name (a folder's are skipped): Excel/WPS's lock file
            return _Loaded(path, error=UserError(
                f"{path.name} 是 Excel/WPS 打开签到表时自动生成的临时锁定文件（文件名以 ~$ 开头），不是签到表，"
                f"可以忽略或删除；请导入签到表本身（如 {path.name[2:]}）"))
        try:
            data = read_bytes(path, "签到文件")
        except UserError as exc:
            return _Loaded(path, error=exc)
        sha = sha256_hex(data)
        if not self.reread and self._known_here(sha):
            return _Loaded(path, data, sha)  # in the ledger already: no need to parse it
        archive_to = None
        if not self.dry_run and sha not in self._copy_asked:  # a copy of an earlier file: none (`_read`)
            self._copy_asked.add(sha)
            archive_to = (self.ws.root / "archive", sha)
        return _Loaded(path, data, sha, pending=read_signin_later(
            path, data, extra_layouts=self.layouts, min_minutes=self.min_minutes, archive_to=archive_to))

    def _known_here(self, sha: str) -> bool:
        """The bytes are in the ledger (with --branch: for an activity of that branch; a
        党委's sheet imported for one branch can be imported again for another)."""
        from partyday_cli.store.attendance import file_in_ledger
        from partyday_cli.store.ledger import find_import

        if find_import(self.ledger, "attendance", sha) is None:
            return False
        if self.day is not None:  # a file withdrawn from the day it was read for, now given its right --date
            found = file_in_ledger(self.ledger, sha, self.branch)
            if found is not None and found.withdrawn and found.activity_date != self.day:
                return False
        return self.branch is None or file_in_ledger(self.ledger, sha, self.branch) is not None

    # ------------------------------------------------------------------ one file

    def _prepare(self, loaded: _Loaded) -> _Prepared:
        path = loaded.path
        result = FileResult(path)
        lock = next((path.with_name(n) for n in (f"~${path.name}", f"~${path.name[2:]}")
                     if len(n) > 2 and path.with_name(n).exists()), None)
        if lock is not None:  # Excel/WPS has it open: what is read is what was last saved
            result.warnings.append(f"{path.name}：这份文件正在 Excel/WPS 中打开（旁边有 {lock.name}），导入的是最后一次"
                                   "保存的内容；如刚改过还没保存，请先保存，再用 --replace 重新导入")
        if loaded.error is not None:
            result.outcome, result.error = "error", loaded.error
            return _Prepared(path, "", result)
        if loaded.pending is None:
            return _Prepared(path, loaded.sha, result, known=True)
        try:
            return self._read(loaded, result)
        except UserError as exc:
            result.outcome, result.error = "error", exc
            if (copy := loaded.pending.copy()) is not None:  # not saved: its copy is not kept
                copy.discard()
            return _Prepared(path, loaded.sha, result)


    def _read(self, loaded: _Loaded, result: FileResult) -> _Prepared:
        from partyday_cli.store.activities import Activity, activity_on
        from partyday_cli.store.roster import has_roster

        path = loaded.path
        signin = loaded.pending.result()
        result.layout, result.layout_zh = signin.layout, signin.layout_zh
        result.footer = (signin.footer_expected, signin.footer_present)
        day = result.day = self._date(path, signin, result.warnings)
        # a 党委's sheet read for one branch (--branch) is matched against the whole 党委 all the
        # same: another branch's member on it is that, not a stranger (`_within`)
        candidates = self.cache.members(day, None if len(self.ws.branches) > 1 else self.branch)
        if not candidates and not has_roster(self.ledger):
            raise UserError("还没有导入花名册，无法核对签到名单。请先运行 partyday roster import 花名册.xlsx，"
                            "再导入签到")
        pairs = pairs_all = self._match(signin.rows, candidates)
        branch = result.branch = self._branch(path, day, pairs, candidates)
        joint: dict[str, tuple[list[int], Any]] = {}
        if len(self.ws.branches) > 1:
            joint, shared = self._joint(day, pairs, candidates, branch) if self.branch is None else ({}, set())
            taken = {k for rows, _ in joint.values() for k in rows}
            mine = [p for k, p in enumerate(pairs) if k not in taken]
            pairs = self._within(path, [p[0] for p in mine], mine, candidates, branch, result.warnings,
                                 sha=loaded.sha, joint=bool(joint))
            if shared:  # a namesake in two of the sheet's branches stays to be decided, never guessed
                undecided = {id(pairs_all[k][0]): pairs_all[k] for k in shared}
                pairs = [undecided.get(id(p[0]), p) for p in pairs]
        found = activity_on(self.ledger, day, branch)
        activity = found[0] if found else None
        if activity is None:
            if self.day is None:
                near = self._nearest_planned(day, branch)
                if near is not None:
                    gap = (day - near).days
                    when = f"{abs(gap)}天{'前' if gap > 0 else '后'}"
                    raise UserError(f"{path.name}：文件中的日期 {day.isoformat()} 不是{branch}计划中的活动日，最近的是 "
                                    f"{near.isoformat()}（{when}）。若这是那次活动的签到（如会后补填的问卷），请加 "
                                    f"--date {near.isoformat()}；确是另一次活动，请加 --date {day.isoformat()}")
                raise UserError(f"{path.name}：{day.isoformat()} 不是{branch}计划中的活动日（先运行 partyday plan，"
                                f"或确有此次活动时加 --date {day.isoformat()} 确认）")
            if self.dry_run:
                activity = Activity(None, branch, day, day, "", ("主题党日",))
        prepared = _Prepared(path, loaded.sha, result, signin, activity, data=loaded.data)
        lines = self._split(prepared, pairs, self._roster_of(candidates, day), branch, covered={b: a.id for b, (_, a) in joint.items()})
        self._check_counts(prepared, self._roster_of(candidates, day), day)
        said = signin.warnings
        if joint:
            self._parts(prepared, joint, pairs_all, candidates)
            result.parts = [part.result for part in prepared.parts]
            # the footer counts the whole meeting, not one branch: no branch's count to check it by
            result.footer = (None, None)
            said = tuple(w for w in said if not w.startswith("页脚写"))
            share = "、".join(f"{r.result.branch} {r.result.matched} 人" for r in [prepared, *prepared.parts])
            result.warnings.insert(0, f"{path.name}：名单里有多个支部的党员，按全党委的签到处理，分别记入各自支部"
                                      f"当天的活动（{share}）")
        result.warnings.extend([f"{path.name}：{warning}" for warning in said] + lines)
        copy = loaded.pending.copy()  # written by the worker: put in place at its turn
        if not self.dry_run and loaded.sha not in self._unfinished:
            prepared.copy = copy  # None: written at its turn (`_archived`)
        elif copy is not None:  # a copy of an earlier file: that one's is kept, or made at its turn
            copy.discard()
        self._unfinished[loaded.sha] = self._unfinished.get(loaded.sha, 0) + 1
        return prepared

    def _turn(self, ready: _Prepared) -> None:
        """What importing the file one at a time would do and say, from here on."""
        from partyday_cli.store.ledger import find_import

        result, path = ready.result, ready.path
        if ready.sha and (ready.known or self._known_here(ready.sha)):
            self._known(ready)  # checked again at its turn: an earlier file may be the same
            return
        if result.error is not None:
            raise result.error
        activity = ready.activity or self._activity(path, result)
        kept = self._kept_over(ready, activity)
        result.warnings.extend(kept)
        from partyday_cli.store.attendance import AlreadyImported, save_signin

        archived = "" if self.dry_run else str(self._archived(ready).relative_to(self.ws.root))
        signin = ready.signin

        def save(one: _Prepared, activity_id: int, import_id: int | None = None) -> tuple[int, Any]:
            r = one.result
            return save_signin(
                self.ledger, activity_id=activity_id, activity_date=r.day, branch=r.branch, sha256=ready.sha,
                original_name=path.name, archived_path=archived, layout=signin.layout,
                present_only=signin.present_only, marks=one.marks, unmatched=one.unmatched, visitors=r.visitors,
                replace=self.replace, cache=self.cache, import_id=import_id)

        def save_all() -> None:
            # --branch with a 党委's sheet imported for another branch: the same import
            # or a withdrawn file given another --date: the same import, for another activity
            again = find_import(self.ledger, "attendance", ready.sha) \
                if self.branch is not None or self.day is not None else None
            import_id, result.change = save(ready, activity.id, again)
            for part in ready.parts:  # a joint sheet: the same file for each branch's activity
                part.result.change = save(part, part.activity.id, import_id)[1]

        if self.dry_run:
            self._rehearse(ready, activity, save_all)
            return
        try:
            with self.interrupts.write(), self._all_or_nothing(ready):
                save_all()
        except AlreadyImported:
            self._known(ready)
            return
        for one in (ready, *ready.parts):
            r = one.result
            r.outcome, r.replaced = "imported", self.replace
            after = r.change.after
            r.present = sum(after.get(s, 0) for s in ("出席", "迟到", "早退"))
            r.expected = sum(after.values()) - after.get("免参加", 0)
            self._footer(one)
            verb = "（取代之前的签到文件）" if self.replace else ""
            r.summary = f"{self._summary(one)}{verb}；{r.change.text()}"

    def _rehearse(self, ready: _Prepared, activity: Any, save_all: Callable[[], None]) -> None:
        """--dry-run: the file saved as an import would save it, then undone, so its summary
        says what would change (出席 24→25); where that cannot be tried (an activity not yet
        in the ledger, a ledger that cannot be written now), the file's own counts."""
        ids = [getattr(one.activity if one is not ready else activity, "id", None) for one in (ready, *ready.parts)]
        tried = False
        if None not in ids:
            with self.ledger.rehearsal() as writable:
                if writable:
                    try:
                        save_all()
                        tried = True
                    finally:
                        self.cache.forget()  # what it noted as saved was undone
        for one in (ready, *ready.parts):
            r = one.result
            r.outcome = "dry-run"
            if tried:
                after = r.change.after
                r.present = sum(after.get(s, 0) for s in ("出席", "迟到", "早退"))
                r.expected = sum(after.values()) - after.get("免参加", 0)
            else:
                r.change = None
                r.expected, r.present = self._file_counts(one)
            self._footer(one)
            r.summary = self._summary(one) + (f"；{r.change.text()}" if tried else "") + "（--dry-run，未写入）"

    def _kept_over(self, ready: _Prepared, activity: Any) -> list[str]:
        """A file that lists the people of a file already in force for the activity and marks
        some of them worse (√ then, 出差 now): merged, the earlier mark stands, so a correction
        imported without --replace changes nothing. Said, with who, so the user can choose."""
        if self.replace or ready.parts or getattr(activity, "id", None) is None or \
                all(k.status in PRESENT for k in ready.marks):  # no one marked away: nothing it could not change
            return []
        from partyday_cli.store.attendance import marks_in_force

        # the same kind of file: a typed-up sheet against the room's sheet, not the 腾讯会议 log
        # of the online part (present online, 请假 on paper is two views, not a correction)
        others = marks_in_force(self.ledger, activity.id, ready.signin.layout, self.cache)
        if not others:
            return []
        mine: dict[int, str | None] = {}  # each member's best mark in this file
        for k in ready.marks:
            keep_best(mine, k.member_id, k.status)
        out = []
        for name, theirs in others.items():
            common = mine.keys() & theirs.keys()
            if len(common) < 0.8 * max(len(mine), len(theirs)):
                continue  # another list: a 党小组's own sheet, the online part of the meeting
            # present there, not here (出席 → 出差): a 迟到 against 出席 is two ways of
            # seeing one arrival (the room's sheet, the 腾讯会议 log), not a correction
            worse = [mid for mid in common if theirs[mid] in PRESENT and mine[mid] not in PRESENT]
            if not worse:
                continue
            label = ready.who.get if ready.who is not None else str
            listed = "、".join(f"{label(mid, str(mid))}（{theirs[mid] or '出席'}→{mine[mid] or '出席'}）"
                              for mid in worse[:6]) + (f" 等 {len(worse)} 人" if len(worse) > 6 else "")
            out.append(f"{ready.path.name}：名单与已导入的 {name} 相同，但 {listed}记得不同；两份合并计算时取较好的"
                       f"一种，这些人仍按 {name} 计。如这份是更正版，请加 --replace 重新导入，只以这份为准")
        return out

    @contextlib.contextmanager
    def _all_or_nothing(self, ready: _Prepared) -> Iterator[None]:
        """A joint sheet's saves, one per branch, in one transaction."""
        if not ready.parts:
            yield
            return
        try:
            with self.ledger.transaction():
                yield
        except BaseException:
            self.cache.forget()  # the activities it noted as saved are not
            raise

    def _archived(self, ready: _Prepared) -> Path:
        """The file's archived copy, in place (written now if the worker did not write it)."""
        from partyday_cli.io.archive import archive_file

        copy, ready.copy = ready.copy, None
        if copy is not None:
            try:
                return copy.finish()
            except OSError:
                pass  # written again the plain way, which names what is wrong
        return archive_file(ready.data, ready.path.name, self.ws.root / "archive")

    def _settle_copy(self, ready: _Prepared) -> None:
        """A copy written for a file its turn did not save (its bytes turned out to be in
        the ledger, or it failed): discarded — the archive keeps the files imported."""
        if ready.copy is not None:
            ready.copy.discard()
            ready.copy = None

    def _known(self, ready: _Prepared) -> None:
        """A file whose bytes are in the ledger: unchanged; with --replace, it alone is put
        in force for its activity (a correction first imported without --replace)."""
        from partyday_cli.store.attendance import (
            file_in_ledger,
            put_back_in_force,
            put_in_force_alone,
        )

        result, name = ready.result, ready.path.name
        if self.reread and result.error is not None:
            return  # read again for --explain and refused now: say why, as for a new file
        result.outcome, result.error = "unchanged", None
        if not self.reread:
            result.warnings = []
        found = file_in_ledger(self.ledger, ready.sha, self.branch)
        if found is not None and self.day is not None and found.activity_date != self.day:
            # --date names another activity: the same bytes cannot be two days' sign-in
            result.outcome = "error"
            result.error = UserError(
                f"{name}：这份文件（内容完全相同）已作为 {found.activity_date.isoformat()} {found.branch}的签到导入过，"
                f"没有记入 {self.day.isoformat()}。请核对是否拿错了文件；两次活动的签到表应各是一份")
            result.summary = str(result.error.message)
            return
        if found is None or (found.in_force and not found.others_in_force):
            result.summary = f"{name}：已导入过（内容完全相同），未作改动" + (
                "；以上是它的读法" if self.reread and result.rows else "")
            return
        result.day, result.branch = found.activity_date, found.branch
        day = found.activity_date.isoformat()
        if found.withdrawn and not self.replace:  # put back, merged with the files in force now
            others = f"，与另外 {found.others_in_force} 份文件合并计算" if found.others_in_force else ""
            self._put_back(result, found, put_back_in_force, f"{name}：已撤回的文件，会重新计入 {day} {found.branch}"
                           f"的活动{others}", f"{name}：已撤回的文件重新计入（{day} {found.branch}{others}）")
            return
        if not self.replace:
            state = "已被后来的文件取代" if not found.in_force else (
                f"与另外 {found.others_in_force} 份文件合并计算")
            result.summary = (f"{name}：已导入过（内容完全相同），未作改动；它在 {day} "
                              f"的活动中{state}。要只以这份文件为准，请加 --replace 再导入")
            return
        self._put_back(result, found, put_in_force_alone, f"{name}：已导入过；加 --replace 会改为只以这份文件为准（{day}）",
                       f"{name}：已导入过，现改为只以这份文件为准（{day} {found.branch}，取代之前的签到文件）",
                       replaced=True)

    def _put_back(self, result: FileResult, found: Any, put: Callable[[Any, Any], Any], would: str, done: str,
                  *, replaced: bool = False) -> None:
        """A file already in the ledger put in force again (`put`), or, with --dry-run, said."""
        if self.dry_run:
            result.outcome, result.summary = "dry-run", f"{would}（--dry-run，未写入）"
            return
        with self.interrupts.write():
            change = put(self.ledger, found)
        self.cache.forget()
        result.outcome, result.change, result.replaced = "imported", change, replaced
        result.summary = f"{done}；{change.text()}"

    def _summary(self, ready: _Prepared) -> str:
        r = ready.result
        text = f"{r.path.name}：{r.layout_zh}，{r.day.isoformat()} {r.branch}，匹配 {r.matched} 人"
        if r.splits:
            text += "，一台设备多人 " + "、".join(f"“{s.text}”→{'、'.join(s.members) or '无'}" for s in r.splits)
        if r.unmatched:
            text += f"，未能匹配 {len(r.unmatched)} 个姓名"
        if r.not_a_person:
            text += f"，不是人名 {len(r.not_a_person)} 行（{'、'.join(x.text for x in r.not_a_person)}，未计入）"
        if r.visitors:
            who = "、".join(f"{n}（{remark}）" if remark else n for n, remark in r.visitors)
            text += f"，列席 {len(r.visitors)} 人（不计入应到）：{who}"
        return text

    # ------------------------------------------------------------------ matching

    def _match(self, rows, candidates):  # type: ignore[no-untyped-def]
        """(row, [Match, …]) for each row, the file settled as a whole (`Matcher.settle`:
        same names by count, shared rows split). A row's own match depends only on its
        name, hints and the candidates, so each distinct row is matched once per
        distinct candidate list (the days of a year usually share one)."""
        memo, index = self._matcher(candidates)
        get = memo.get
        out: list = []
        append = out.append
        shared = False
        for row in rows:
            key = (row.raw_name, row.phone_tail, row.group_hint, row.branch_hint, row.visitor,
                   row.reason if row.visitor else "")
            m = get(key)
            if m is None:
                m = memo[key] = index.match(row)
            elif m.row is not row and (m.parts or m.candidates):
                # the row's own status matters: parts carry it, and `settle` decides same
                # names by count only where the rows say the same; any other match is
                # read by its member, step and words alone, whichever row it was made for
                m = index.match(row) if m.parts else m.with_row(row)
            if m.parts:
                shared = True
            append(m)
        flat = index.settle(out)
        if not shared:  # one Match per row, in order
            return list(zip(rows, out, [(f,) for f in flat], strict=True))
        pairs, at = [], 0
        for row, m in zip(rows, out, strict=True):
            n = len(m.parts) or 1
            pairs.append((row, m, flat[at:at + n]))
            at += n
        return pairs

    def _matcher(self, candidates):  # type: ignore[no-untyped-def]
        """(memo, index) for a candidate list: an equal list (another day, or the same
        after a roster import that left these people as they were) shares both."""
        from partyday_cli.core.matching import Matcher

        for known, found in self._memos:
            if known is candidates:
                return found
        found = next((f for known, f in self._memos if known == candidates), None)
        if found is None:
            found = ({}, Matcher(candidates, self.aliases))
        self._memos.append((candidates, found))
        return found

    def _date(self, path: Path, signin, warnings: list[str]) -> date:  # type: ignore[no-untyped-def]
        if self.day is not None:
            if signin.date is not None and signin.date != self.day:
                warnings.append(f"{path.name}：文件里的日期是 {signin.date.isoformat()}，与 --date {self.day.isoformat()} "
                                "不一致；按 --date 导入，请核对")
            day = self.day
        elif signin.date is None:
            raise UserError(f"{path.name}：文件里看不出活动日期。请加 --date {self._example_day()} 指明是哪次活动")
        else:
            day = signin.date
            named = _month_in_name(path.stem)
            if named is not None and named != day.month and signin.layout == "handwritten":
                # a typed-up sheet whose title was copied from another month's: the file cannot say which is right
                raise UserError(f"{path.name}：文件名写的是{named}月，表内日期却是 {day.isoformat()}（可能是沿用了上个月"
                                f"的表头）。请核对后加 --date 指明是哪次活动，如 --date {day.isoformat()}；账本未作改动")
        today = date.today()
        if day > today:  # no one signs in before the day: a mistyped date, else it would count as held
            where = "--date" if self.day is not None else "文件里的日期"
            raise UserError(f"{path.name}：{where} {day.isoformat()} 还没到（今天是 {today.isoformat()}），"
                            "活动尚未开展，不能导入签到。请核对日期，或用 --date 指明是哪次已开展的活动")
        return day

    def _example_day(self) -> str:
        """A --date to show: the latest activity held by today, else today."""
        held = self.ledger.conn.execute("SELECT max(date) FROM activities WHERE date <= ?",
                                        (date.today().isoformat(),)).fetchone()[0]
        return held or date.today().isoformat()

    def _branch(self, path: Path, day: date, pairs, candidates) -> str:  # type: ignore[no-untyped-def]
        if self.branch is not None:
            return self.branch
        names = [b.name for b in self.ws.branches]
        if len(names) == 1:
            return names[0]
        branch_of = self._branch_of(candidates)
        votes = Counter([branch_of[m.member_id] for _, _, flat in pairs for m in flat if m.member_id is not None])
        if not votes:
            raise UserError(f"{path.name}：名单里没有一个姓名能对上 {day.isoformat()} 在册的党员，"
                            "无法判断是哪个支部。请检查日期，或加 --branch 指定")
        return votes.most_common(1)[0][0]

    def _within(self, path: Path, rows, pairs, candidates, branch: str, warnings: list[str],  # type: ignore[no-untyped-def]
                *, sha: str = "", joint: bool = False):
        """The file is the branch's (`_branch`): its rows matched against that branch's
        members only, so a 刘洋 of this branch is not ambiguous with a 刘洋 of another.
        Rows that matched a member of another branch are named in one line and left out:
        they are that branch's to count (a joint sheet's part, or --branch with that
        branch), not names for this branch to resolve."""
        branch_of = self._branch_of(candidates)
        elsewhere = {m.member_id for _, _, flat in pairs for m in flat
                     if m.member_id is not None and branch_of[m.member_id] != branch}
        crossing = any(m.candidates and any(branch_of[c] != branch for c in m.candidates)
                       for _, _, flat in pairs for m in flat)
        if not elsewhere and not crossing:
            return pairs  # the common file: every name is the branch's already
        key = (id(candidates), branch)
        mine = self._mine.get(key)
        if mine is None or mine[0] is not candidates:
            mine = self._mine[key] = (candidates, [(mid, m) for mid, m in candidates if m.branch == branch])
        # a namesake of another branch only (two 张伟 of 机关第一党支部) is that branch's too
        elsewhere |= {m.candidates[0] for _, _, flat in pairs for m in flat if m.candidates
                      and all(branch_of[c] != branch for c in m.candidates)}
        if elsewhere:
            names = {mid: m for mid, m in candidates}
            by_branch: dict[str, list[str]] = {}
            for mid in sorted(elsewhere):
                by_branch.setdefault(names[mid].branch, []).append(names[mid].name)
            said = "；".join(f"{b}：{'、'.join(n)}" for b, n in by_branch.items())
            from partyday_cli.store.attendance import file_in_ledger

            # --branch for a branch the file is not yet saved for; none: each has it already
            todo = [b for b in by_branch if not sha or file_in_ledger(self.ledger, sha, b) is None]
            hint = f"。若{todo[0]}也参加了这次活动，请再用 --branch {todo[0]} 导入这份文件" if todo else ""
            said_how = (f"表中另有其他支部的党员（{said}），人数太少，不按该支部的签到计入" if joint
                        else f"按{branch}导入，表中另有其他支部的党员（{said}），未计入本支部")
            warnings.append(f"{path.name}：{said_how}，也不列为待处理{hint}")
            gone = {id(row) for row, _, flat in pairs if flat and all(
                (m.member_id is not None and m.member_id in elsewhere)
                or (m.candidates and all(branch_of[c] != branch for c in m.candidates)) for m in flat)}
            rows = [row for row in rows if id(row) not in gone]
        return self._match(rows, mine[1])

    JOINT_SHARE = 0.4  # of a branch's expected members, for its rows to be a part of the sheet
    JOINT_LEAST = 3

    def _joint(self, day: date, pairs, candidates, branch: str  # type: ignore[no-untyped-def]
               ) -> tuple[dict[str, tuple[list[int], Any]], set[int]]:
        """A 党委's joint sign-in sheet: for each other branch the sheet covers, the indexes
        of its rows and the branch's activity that day. A branch is covered when the sheet lists at least `JOINT_LEAST` of its
        members and `JOINT_SHARE` of those it expects that day, and it has an activity that
        day; a member or two of another branch (a guest) is no part: that branch's
        activity would count everyone else absent. A row counts for a branch when every
        member (or same-name candidate) it matched is of that branch; the indexes of rows
        whose same-name candidates are of two branches the sheet covers come second (a
        刘洋 of each: the sheet cannot say which one came)."""
        from partyday_cli.store.activities import activity_on

        branch_of = self._branch_of(candidates)
        rows_of: dict[str, list[int]] = {}
        several: dict[int, set[str]] = {}
        for k, (_, _, flat) in enumerate(pairs):
            owners = {branch_of[m.member_id] for m in flat if m.member_id is not None}
            owners |= {branch_of[c] for m in flat for c in m.candidates}
            if len(owners) == 1:
                rows_of.setdefault(owners.pop(), []).append(k)
            elif len(owners) > 1:
                several[k] = owners
        others = [b for b, rows in rows_of.items() if b != branch and len(rows) >= self.JOINT_LEAST]
        if not others:  # the common file: one branch's (a guest or two from another at most)
            return {}, set()
        expected = Counter(m.branch for _, m in candidates if m.is_expected_on(day))
        parts = {}
        for b in others:
            found = activity_on(self.ledger, day, b) if len(rows_of[b]) >= self.JOINT_SHARE * expected[b] else None
            if found:
                parts[b] = (rows_of[b], found[0])
        covered = {branch, *parts}
        return parts, {k for k, owners in several.items() if parts and len(owners & covered) > 1}

    def _parts(self, ready: _Prepared, joint: dict[str, tuple[list[int], Any]], pairs,  # type: ignore[no-untyped-def]
               candidates) -> None:
        """The other branches of a joint sheet, each read as that branch's own file."""
        result, day = ready.result, ready.result.day
        for b, (rows, activity) in sorted(joint.items(), key=lambda item: (-len(item[1][0]), item[0])):
            part = FileResult(ready.path, layout=result.layout, layout_zh=result.layout_zh, day=day, branch=b)
            mine = [pairs[k] for k in rows]
            matched = self._within(ready.path, [p[0] for p in mine], mine, candidates, b, part.warnings)
            prepared = _Prepared(ready.path, ready.sha, part, ready.signin, activity)
            part.warnings.extend(self._split(prepared, matched, self._roster_of(candidates, day), b))
            prepared.marks += [mark for where, mark in ready.carried if where == b]
            part.matched = len(prepared.marks)
            self._check_counts(prepared, self._roster_of(candidates, day), day)
            ready.parts.append(prepared)

    def _branch_of(self, candidates) -> dict[int, str]:  # type: ignore[no-untyped-def]
        """member id → branch, for a candidate list (made once per list)."""
        known = self._branches.get(id(candidates))
        if known is None or known[0] is not candidates:  # the list is kept, so its id is not reused
            known = self._branches[id(candidates)] = (candidates, {mid: m.branch for mid, m in candidates})
        return known[1]

    def _activity(self, path: Path, result: FileResult):  # type: ignore[no-untyped-def]
        """The activity of a file dated outside the plan (confirmed with --date): found,
        if an earlier file created it, or recorded now, keeping the rest of the plan."""
        from partyday_cli.store.activities import (
            Activity,
            activities_in_year,
            activity_on,
            save_plan,
        )

        day, branch = result.day, result.branch
        found = activity_on(self.ledger, day, branch)
        if found:
            return found[0]
        year = activities_in_year(self.ledger, day.year, branch)
        extra = Activity(None, branch, day, day, "", ("主题党日",),
                         place=str(self.ws.section("schedule").get("place", "")),
                         host=self.ws.branch(branch).secretary, rule="attend --date")
        with self.interrupts.write():
            save_plan(self.ledger, branch, day.year, [*year, extra])
        self.cache.forget()
        result.warnings.append(f"{day.isoformat()} 不在年度计划中，已按 --date 记为一次活动")
        return activity_on(self.ledger, day, branch)[0]

    def _roster_of(self, candidates, day: date) -> _Roster:  # type: ignore[no-untyped-def]
        """What every file of a day's candidate list shares, worked out once for the list."""
        key = (id(candidates), day)
        found = self._rosters.get(key)
        if found is None or found.candidates is not candidates:
            by_id = dict(candidates)
            labels = namesake_labels(by_id.items())
            who = {mid: labels.get(mid, m.name) for mid, m in by_id.items()}
            exempt = frozenset(mid for mid, m in candidates if not m.is_expected_on(day))
            if_present = frozenset(mid for mid, m in candidates
                                   if mid in exempt and m.only_if_present_on(day) and not m.is_exempt_on(day))
            found = self._rosters[key] = _Roster(candidates, by_id, who, exempt, len(by_id) - len(exempt),
                                                 frozenset(by_id) - exempt, if_present,
                                                 frozenset(mid for mid, m in candidates if m.only_if_present_on(day)))
        return found

    def _nearest_planned(self, day: date, branch: str, within: int = 7) -> date | None:
        """The branch's activity closest to `day`, within a week (a 问卷 filled in the day
        after, a sheet dated by its typing), else None."""
        from partyday_cli.store.activities import activities_in_year

        days = {a.date for y in {day.year - 1, day.year, day.year + 1}
                for a in activities_in_year(self.ledger, y, branch)}
        near = sorted((abs((d - day).days), d) for d in days if abs((d - day).days) <= within)
        return near[0][1] if near else None

    def _not_yet_or_gone(self, name: str, branch: str, day: date) -> str:
        """'孙丽于 2026-03-10 入党，…还不是本支部党员' for a name of the branch's roster
        on another day (read once per import, at the first name left unmatched)."""
        from partyday_cli.core.members import not_yet_or_gone
        from partyday_cli.store.roster import all_members

        if self._everyone is None:
            self._everyone = {}
            for m in all_members(self.ledger):
                self._everyone.setdefault((m.name, m.branch), []).append(m)
        return not_yet_or_gone(self._everyone.get((name, branch), ()), name, day)

    def _split(self, ready: _Prepared, pairs, roster: _Roster, branch: str,  # type: ignore[no-untyped-def]
               covered: dict[str, int] | None = None) -> list[str]:
        """The file's marks, names left unmatched, visitors and rows; warnings about rows.
        A name `attend resolve` settled for the activity before (a corrected sheet with
        --replace, another file of the meeting) is counted as then, and said so; settled
        into another branch of a joint sheet (`covered`: the other branches this import
        counts it for, with their activities), its mark waits in `ready.carried` for that
        branch's part."""
        from partyday_cli.core.matching import clean_name
        from partyday_cli.store.attendance import FileMark, Unmatched, earlier_resolutions

        settled: dict[str, int] | None = None  # read at the first name left unmatched
        covered = covered or {}
        activity_id = getattr(ready.activity, "id", None)

        result, path = ready.result, ready.path
        keep_rows = self.options.rows
        lines: list[str] = []
        seen: set[int] = set()
        labels = roster.who
        who = labels.__getitem__
        marks, late = ready.marks, 0
        add_mark, add_seen = marks.append, seen.add
        new_mark = tuple.__new__  # FileMark(…) with every field given, without its Python-level __new__

        for row, whole, flat in pairs:
            first = flat[0]
            if not keep_rows and not whole.parts and first.member_id is not None and not first.warning:
                member_id = first.member_id  # the common row: one member, nothing to say
                status = row.status
                if status is None and member_id in seen:
                    continue  # the same person joined twice: one attendance
                add_seen(member_id)
                add_mark(new_mark(FileMark, (member_id, status, row.reason, row.answers, row.sheet, row.row)))
                if status == "迟到":
                    late += 1
                continue
            where = f"{path.name} {('工作表“' + row.sheet + '” ') if row.sheet else ''}第{row.row}行"
            members, candidates, suggestions, parts = [], (), (), []
            resolved_before, not_member = False, ""
            for m in flat:
                if m.warning:
                    lines.append(f"{where}：{m.warning}")
                if m.member_id is not None:
                    members.append(who(m.member_id))
                    if whole.parts:
                        parts.append((m.part, who(m.member_id), m.step))
                    if m.member_id in seen and row.status is None:
                        continue  # the same person joined twice: one attendance
                    seen.add(m.member_id)
                    marks.append(FileMark(m.member_id, row.status, row.reason, row.answers, row.sheet, row.row))
                    late += row.status == "迟到"
                    continue
                text = m.part or row.raw_name
                if whole.parts:
                    parts.append((m.part, "", m.step))
                if m.step == "visitor":
                    result.visitors.append((row.raw_name, row.reason))
                    continue
                if m.step == "not-a-person":
                    continue
                if settled is None:
                    ids = [i for i in (activity_id, *covered.values()) if i is not None]
                    settled = earlier_resolutions(self.ledger, ids) if ids else {}
                mid = settled.get(text)
                if mid is not None and mid in roster.by_id and roster.by_id[mid].branch in {branch, *covered}:
                    mark = FileMark(mid, row.status, row.reason, (), row.sheet, row.row)
                    if roster.by_id[mid].branch == branch:
                        marks.append(mark)
                    else:
                        ready.carried.append((roster.by_id[mid].branch, mark))
                    lines.append(f"{path.name}：第{row.row}行“{text}”按之前的对应（attend resolve）记为 {who(mid)}")
                    resolved_before = True
                    members.append(who(mid))
                    if whole.parts:
                        parts[-1] = (m.part, who(mid), "resolved")
                    continue
                if m.candidates:
                    candidates = tuple(who(c) for c in m.candidates)
                    lines.append(f"{where}：“{text}”有同名党员 {'、'.join(candidates)}，无法确定是谁，已留待处理"
                                 "（partyday attend resolve）")
                elif why := self._not_yet_or_gone(clean_name(text), branch, result.day):
                    lines.append(f"{where}：“{text}”不计入：{why}。已留待处理（partyday attend resolve）")
                    not_member = why
                else:
                    suggestions = tuple(m.suggestions)
                    hint = f"，是否为 {'、'.join(m.suggestions)}？" if m.suggestions else "，"
                    lines.append(f"{where}：“{text}”不在{branch}当天的党员名单中{hint}已留待处理"
                                 "（partyday attend resolve）")
                # a namesake's candidates are the suggestions, as `attend resolve` takes them (张伟#第二党小组)
                hints = tuple(m.suggestions) or tuple(
                    f"{roster.by_id[c].name}#{roster.by_id[c].group or roster.by_id[c].branch}"
                    for c in m.candidates if c in roster.by_id)
                ready.unmatched.append(Unmatched(text, clean_name(text), row.sheet, row.row,
                                                 hints, row.status, row.reason))
            step = "split" if whole.parts else "resolved" if resolved_before else flat[0].step
            note = whole.note if whole.parts else "按之前的对应（attend resolve）" if resolved_before else flat[0].note
            if not_member and not whole.parts:
                step, note = "unmatched", not_member
            if row.status not in PRESENT and any(m.member_id in roster.exempt for m in flat):
                note += ("；" if note else "") + "花名册记为免参加，不计缺席"
            one = RowResult(row.sheet, row.row, row.raw_name, row.status, row.reason, tuple(members), step, note,
                            candidates, suggestions, tuple(parts))
            if keep_rows:
                result.rows.append(one)
            if whole.parts:
                result.splits.append(one)
            if step == "not-a-person":
                result.not_a_person.append(one)
            elif not resolved_before and (any(s in ("unmatched", "suggestion", "ambiguous") for _, _, s in parts) or (
                    not whole.parts and step in ("unmatched", "suggestion", "ambiguous"))):
                result.unmatched.append(one)
        ready.late += late
        lines += _repeated_rows(path.name, marks, who)
        ready.who = labels
        result.matched = len({k.member_id for k in marks})
        day = result.day
        month_only = roster.month_only
        for k in marks:
            if k.member_id in month_only and k.status in PRESENT:
                m = roster.by_id[k.member_id]
                out = m.transferred_out
                lines.append(f"{path.name}：{m.name} 花名册备注 {out.year}年{out.month}月转出（只写了月份），"
                             f"{day.isoformat()} 签到了，按当月仍在本支部计入应到")
        came = [roster.who[k.member_id] for k in marks if k.status in PRESENT and k.member_id in roster.exempt
                and k.member_id not in roster.if_present and roster.by_id[k.member_id].is_exempt_on(day)]
        if came:  # an exempt member who came anyway: said, and counted as the roster says
            lines.append(f"{path.name}：{'、'.join(dict.fromkeys(came))} 花名册记为免参加，本次也签到了；"
                         "仍按免参加记（不计入应到和实到），如已恢复参加组织生活，请更新花名册")
        back = {}  # on leave by the roster, and present on this sheet: believed, and said
        for k in marks:
            m = roster.by_id.get(k.member_id)
            if m is not None and k.status in PRESENT and m.leave_on(day) not in (None, "流动党员"):
                # (a 流动党员 who joins online is no news)
                back[k.member_id] = f"{roster.who[k.member_id]}（{m.leave_text()}）"
        if back:
            lines.append(f"{path.name}：{'、'.join(back.values())} 花名册记为请假，本次签到表记为到会，已按到会计；"
                         "如已销假，请在花名册备注写明请假的结束月份后重新导入花名册；如不对，请更正签到表")
        return lines

    # ------------------------------------------------------------------ counts

    def _check_counts(self, ready: _Prepared, roster: _Roster, day: date) -> None:
        """实到 never above 应到: the people a file shows present are at most those expected."""
        shown = {k.member_id for k in ready.marks if k.status in PRESENT}
        counted = roster.expected_ids | (roster.if_present & shown)
        expected = len(counted)
        present = shown & counted
        strangers = [u for u in ready.unmatched if u.status in PRESENT]
        if len(present) + len(strangers) <= expected:
            return
        rows = "、".join(f"第{u.row}行“{u.raw_name}”" for u in strangers[:12]) + ("等" if len(strangers) > 12 else "")
        raise UserError(f"{ready.path.name}：到会 {len(present) + len(strangers)} 人，多于 {day.isoformat()} 应到的 "
                        f"{expected} 人；多出的是不在当天党员名单中的 {rows}。请核对：列席人员（入党积极分子、群众等）"
                        "请在该行写明“列席”，本支部新党员请先导入最新花名册，再重新导入；账本未作改动")

    def _expected_at(self, ready: _Prepared, candidates):  # type: ignore[no-untyped-def]
        """The candidates a meeting of the committee or of one 党小组 expects (SPEC §12)."""
        from partyday_cli.store.meetings import expected_at_activity

        return expected_at_activity(self.ledger.conn, getattr(ready.activity, "id", None), candidates)

    def _file_counts(self, ready: _Prepared) -> tuple[int, int]:
        """应到 and 实到 by this file alone (a dry run)."""
        day = ready.result.day
        candidates = self._expected_at(ready, self.cache.members(day, ready.result.branch))
        shown = {k.member_id for k in ready.marks if k.status in PRESENT}
        expected = _expected_ids(candidates, day, shown)
        return len(expected), len(shown & expected)

    def _footer(self, ready: _Prepared) -> None:
        """The file's footer 应到N人，实到M人 against what is recorded: agreed, or why not."""
        r = ready.result
        said_expected, said_present = r.footer
        if said_expected is None and said_present is None:
            return
        wrong_expected = said_expected is not None and said_expected != r.expected
        wrong_present = said_present is not None and said_present != r.present
        if not (wrong_expected or wrong_present):
            # the ledger agrees with the footer: the file's own count (页脚写应到14人，表中列出
            # 15人) took in a member the roster exempts, or a visitor; nothing to check
            r.warnings[:] = [w for w in r.warnings if not w.startswith(f"{r.path.name}：页脚写")]
            return
        why = []
        if wrong_expected:
            day = r.day
            candidates = self._expected_at(ready, self.cache.members(day, r.branch))
            exempt = sum(1 for _, m in candidates if m.is_exempt_on(day)
                         and (m.is_member_on(day) or m.only_if_present_on(day)))
            listed = {k.member_id for k in ready.marks}
            missing = [m.name for mid, m in candidates if m.is_expected_on(day) and mid not in listed]
            shown = {k.member_id for k in ready.marks if k.status in PRESENT}
            leaving = [m.name for mid, m in candidates
                       if m.only_if_present_on(day) and not m.is_exempt_on(day) and mid in shown]
            if leaving and said_expected == r.expected - len(leaving) and not wrong_present:
                # partyday's own 签到表 prints them after the 应到 rows: the footer is right
                said = (f"{r.path.name}：页脚写应到", *(f"{r.path.name}：{name} 花名册备注" for name in leaving))
                r.warnings[:] = [w for w in r.warnings if not w.startswith(said)]
                r.warnings.append(f"{r.path.name}：表尾“应到{said_expected}人”未计本月转出（花名册只写了月份）的"
                                  f"{'、'.join(leaving)}；本次签到了，按当月仍在本支部计入应到，共 {r.expected} 人")
                return
            if missing and said_expected == r.expected - len(missing):
                why.append(f"本表只列了应到党员中的 {said_expected} 人，另有 {len(missing)} 人不在本表"
                           f"（{'、'.join(missing[:8])}{'等' if len(missing) > 8 else ''}）："
                           "他们若在别的签到文件里（如线上参会），请一并导入，否则按缺席计")
            else:
                why.append(f"按 {day.isoformat()} 在册党员计应到 {r.expected} 人"
                           + (f"（免参加的 {exempt} 人不计）" if exempt else "") + "，与表尾不同，请核对花名册")
        if wrong_present and said_present is not None and r.present is not None:
            gap = r.present - said_present
            file_present = len({k.member_id for k in ready.marks if k.status in PRESENT})
            if gap > 0 and ready.late and gap <= ready.late:
                why.append(f"多出的 {gap} 人是迟到的（页脚多半未计入迟到）")
            elif gap > 0 and r.present > file_present:
                why.append(f"其中 {r.present - file_present} 人由同次活动的其他文件或手工登记记为到会")
            elif gap < 0 and r.unmatched:
                why.append(f"有 {len(r.unmatched)} 个姓名未能匹配，待 partyday attend resolve 处理后计入")
            elif gap < 0 and r.not_a_person:
                why.append("页脚可能把不是人名的行也算了进去")
            else:
                why.append("原因不明，请对照纸质签到表核对")
        told = f"应到{said_expected}人" if said_expected is not None else ""
        told += ("，" if told and said_present is not None else "") + (
            f"实到{said_present}人" if said_present is not None else "")
        # the file's own footer check (页脚写应到…，表中列出…) says the same thing less well
        r.warnings[:] = [w for w in r.warnings if not w.startswith(f"{r.path.name}：页脚写")]
        r.warnings.append(f"{r.path.name}：表尾写“{told}”，账本记为应到 {r.expected} 人、实到 {r.present} 人："
                          + "；".join(why))


def _expected_ids(candidates, day: date, shown: set[int]) -> set[int]:  # type: ignore[no-untyped-def]
    """应到 of a day: the members expected by their dates, and those who count only where
    present (a transfer known to the month) when `shown` present."""
    return {mid for mid, m in candidates
            if m.is_expected_on(day) or (m.only_if_present_on(day) and not m.is_exempt_on(day) and mid in shown)}
