"""`partyday attend import|list|set|resolve`: sign-in records as they really arrive."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from partyday_cli.cli.common import (
    WORKSPACE_HELP,
    Format,
    emit_json,
    emit_table,
    format_from_output,
    info,
    parse_day,
    require_workspace,
    warn,
)
from partyday_cli.errors import UserError

app = typer.Typer(help="签到与出勤：导入签到表（手工表、腾讯会议、问卷星、企业微信/钉钉），查看和更正出勤。",
                  no_args_is_help=True)

STATUSES = ("出席", "迟到", "早退", "请假", "缺席", "免参加", "补学")
SPREADSHEETS = {".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt"}
WorkspaceOpt = Annotated[Path | None, typer.Option("--workspace", "-w", help=WORKSPACE_HELP)]
BranchOpt = Annotated[str | None, typer.Option("--branch", "-b", help="党委工作区里哪个支部（默认按名单自动判断）。")]


def _expand(paths: list[Path]) -> list[Path]:
    """Files as given; a folder gives its spreadsheets, in name order."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(sorted(p for p in path.iterdir()
                              if p.is_file() and p.suffix.lower() in SPREADSHEETS
                              and not p.name.startswith(("~$", "."))))
        else:
            out.append(path)
    return out


def _match_function(candidates, aliases):  # type: ignore[no-untyped-def]
    """`match_rows` against `candidates`, its index built once for many calls."""
    from partyday_cli.core import matching

    index_of = getattr(matching, "_Index", None)  # what match_rows builds on each call
    if index_of is None:
        return lambda rows: matching.match_rows(rows, candidates, aliases=aliases)
    index = index_of(candidates, aliases or {})
    return lambda rows: [index.match(row) for row in rows]


class _Loaded:
    """A file read ahead of its turn: its bytes, and its sign-in records being read in the
    parsing worker (unless its bytes are in the ledger already, or it could not be read)."""

    __slots__ = ("path", "data", "sha", "error", "pending")

    def __init__(self, path: Path, data: bytes = b"", sha: str = "", error: UserError | None = None,
                 pending=None) -> None:  # type: ignore[no-untyped-def]
        self.path, self.data, self.sha, self.error, self.pending = path, data, sha, error, pending


@dataclass
class _Prepared:
    """A file read, matched and checked, not yet written: all its turn has left to do is
    print, wait for its archived copy and save."""

    path: Path
    sha: str
    signin: object = None
    day: date | None = None
    branch: str = ""
    activity: object = None  # None: create it at its turn (--date, outside the plan)
    marks: list = field(default_factory=list)
    unmatched: list = field(default_factory=list)
    visitors: list = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # warnings about its rows, printed at its turn
    summary: str = ""
    archived: Future | None = None  # the archive write, started at once
    error: UserError | None = None
    known: bool = False  # its bytes were in the ledger when it was read
    early: list[str] = field(default_factory=list)  # warnings printed first (before its error, if any)
    data: bytes = b""  # its bytes, when its archive copy waits for its turn


class _Importer:
    """Imports files one by one, in order; each file is all-or-nothing, the others go on.

    Work is pipelined, so that a file's turn is mostly its own ledger transaction: the
    next files are read and parsed in the worker process (`READ_AHEAD`), and the next few
    are matched and checked, with their archive copies written (and synced) in threads
    (`PREPARE_AHEAD`). Preparing reads only what saving a file never changes (the roster,
    the plan, the config), and a file's turn checks again whether its bytes are in the
    ledger; so every file lands exactly as if the files were imported one at a time, and
    is reported only once committed. Who is expected on a day is asked once per roster
    import, and a name is matched once per roster (matching is a pure function of both)."""

    READ_AHEAD = 8
    PREPARE_AHEAD = 3
    ARCHIVE_THREADS = 2

    def __init__(self, ws, ledger, *, day: date | None, branch: str | None, replace: bool,  # type: ignore[no-untyped-def]
                 dry_run: bool, paths: list[Path]):
        from partyday_cli.store.attendance import ImportCache

        self.ws, self.ledger = ws, ledger
        self.day, self.branch, self.replace, self.dry_run = day, branch, replace, dry_run
        conf = ws.section("attendance")
        self.layouts = conf.get("layouts") or {}
        self.aliases = conf.get("aliases") or {}
        self.min_minutes = conf.get("min_minutes")
        self.totals: Counter[str] = Counter()
        self.cache = ImportCache(ledger)
        self.paths = list(paths)
        self._loaded: dict[int, _Loaded] = {}
        self._prepared: dict[int, _Prepared] = {}
        self._next_load = self._next_prepare = 0
        self._memos: list[tuple[list, tuple]] = []  # (candidates, (memo, match function))
        self._archiver: ThreadPoolExecutor | None = None
        self._unfinished: dict[str, int] = {}  # sha256 → files prepared and not yet at their turn

    def close(self) -> None:
        if self._archiver is not None:
            self._archiver.shutdown(wait=True, cancel_futures=True)

    def run_at(self, index: int) -> str:
        """Import `self.paths[index]`: its summary line, or its `UserError`. Files are
        taken in order, each once."""
        last = min(index + self.PREPARE_AHEAD, len(self.paths) - 1)
        while self._next_prepare <= last:
            self._prepared[self._next_prepare] = self._prepare(self._take(self._next_prepare))
            self._next_prepare += 1
        return self._finish(self._prepared.pop(index))

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
        from partyday_cli.store.ledger import find_import

        try:
            data = read_bytes(path, "签到文件")
        except UserError as exc:
            return _Loaded(path, error=exc)
        sha = sha256_hex(data)
        if find_import(self.ledger, "attendance", sha) is not None:
            return _Loaded(path, data, sha)  # in the ledger already: no need to parse it
        return _Loaded(path, data, sha, pending=read_signin_later(
            path, data, extra_layouts=self.layouts, min_minutes=self.min_minutes))

    # ------------------------------------------------------------------ one file

    def _has_roster(self) -> bool:
        return bool(self.ledger.query("SELECT 1 FROM members LIMIT 1"))

    def _prepare(self, loaded: _Loaded) -> _Prepared:
        path = loaded.path
        if loaded.error is not None:
            return _Prepared(path, "", error=loaded.error)
        if loaded.pending is None:
            return _Prepared(path, loaded.sha, known=True)
        early: list[str] = []
        try:
            return self._read(loaded, early)
        except UserError as exc:
            return _Prepared(path, loaded.sha, error=exc, early=early)

    def _read(self, loaded: _Loaded, early: list[str]) -> _Prepared:
        from partyday_cli.store.activities import Activity, activity_on

        path = loaded.path
        signin = loaded.pending.result()
        day = self._date(path, signin, early)
        candidates = self.cache.members(day, self.branch)
        if not candidates and not self._has_roster():
            raise UserError("还没有导入花名册，无法核对签到名单。请先运行 partyday roster import 花名册.xlsx，"
                            "再导入签到")
        matches = self._match([r for r in signin.rows if not r.visitor], candidates)
        branch = self._branch(path, day, matches, candidates)
        found = activity_on(self.ledger, day, branch)
        activity = found[0] if found else None
        if activity is None:
            if self.day is None:
                raise UserError(f"{path.name}：{day.isoformat()} 不是{branch}计划中的活动日（先运行 partyday plan，"
                                f"或确有此次活动时加 --date {day.isoformat()} 确认）")
            if self.dry_run:
                activity = Activity(None, branch, day, day, "", ("主题党日",))
        marks, unmatched, lines = self._split(path, matches, dict(candidates), branch)
        visitors = [(r.raw_name, r.reason) for r in signin.rows if r.visitor]
        summary = (f"{path.name}：{signin.layout_zh}，{day.isoformat()} {branch}，"
                   f"匹配 {len(marks)} 人" + (f"，未能匹配 {len(unmatched)} 个姓名" if unmatched else "")
                   + (f"，列席 {len(visitors)} 人（不计入应到）" if visitors else ""))
        lines = [f"{path.name}：{warning}" for warning in signin.warnings] + lines
        archived = None
        if not self.dry_run and loaded.sha not in self._unfinished:  # a copy of an earlier file: at its turn
            from partyday_cli.io.archive import archive_file

            if self._archiver is None:
                self._archiver = ThreadPoolExecutor(max_workers=self.ARCHIVE_THREADS, thread_name_prefix="archive")
            archived = self._archiver.submit(archive_file, loaded.data, path.name, self.ws.root / "archive")
        self._unfinished[loaded.sha] = self._unfinished.get(loaded.sha, 0) + 1
        return _Prepared(path, loaded.sha, signin, day, branch, activity, marks, unmatched, visitors, lines,
                         summary, archived, early=early, data=loaded.data)

    def _finish(self, ready: _Prepared) -> str:
        if ready.signin is not None:
            left = self._unfinished[ready.sha] - 1
            if left:
                self._unfinished[ready.sha] = left
            else:
                del self._unfinished[ready.sha]
        return self._turn(ready)

    def _turn(self, ready: _Prepared) -> str:
        """What importing the file one at a time would do and say, from here on."""
        from partyday_cli.store.ledger import find_import

        path = ready.path
        if ready.sha and (ready.known or find_import(self.ledger, "attendance", ready.sha) is not None):
            self.totals["unchanged"] += 1  # checked again at its turn: an earlier file may be the same
            return f"{path.name}：已导入过（内容完全相同），未作改动"
        for line in ready.early:
            warn(line)
        if ready.error is not None:
            raise ready.error
        activity = ready.activity or self._activity(path, ready.day, ready.branch)
        for line in ready.lines:
            warn(line)
        self.totals["matched"] += len(ready.marks)
        self.totals["unknown"] += len(ready.unmatched)
        if self.dry_run:
            self.totals["dry"] += 1
            return ready.summary + "（--dry-run，未写入）"
        from partyday_cli.store.attendance import save_signin

        if ready.archived is not None:
            archived = ready.archived.result()
        else:
            from partyday_cli.io.archive import archive_file

            archived = archive_file(ready.data, path.name, self.ws.root / "archive")
        signin = ready.signin
        from partyday_cli.store.attendance import AlreadyImported

        try:
            _, change = save_signin(
                self.ledger, activity_id=activity.id, activity_date=ready.day, branch=ready.branch,
                sha256=ready.sha, original_name=path.name,
                archived_path=str(archived.relative_to(self.ws.root)), layout=signin.layout,
                present_only=signin.present_only, marks=ready.marks, unmatched=ready.unmatched,
                visitors=ready.visitors, replace=self.replace, cache=self.cache)
        except AlreadyImported:
            self.totals["matched"] -= len(ready.marks)
            self.totals["unknown"] -= len(ready.unmatched)
            self.totals["unchanged"] += 1
            return f"{path.name}：已导入过（内容完全相同），未作改动"
        self.totals["imported"] += 1
        verb = "（取代之前的签到文件）" if self.replace else ""
        return f"{ready.summary}{verb}；{change.text()}"

    def _match(self, rows, candidates):  # type: ignore[no-untyped-def]
        """(row, Match) for each row. A Match depends only on the row's name and hints and
        on the candidates, so each distinct row is matched once per distinct candidate list
        (the days of a year usually share one)."""
        memo, match = self._matcher(candidates)
        keys = [(r.raw_name, r.phone_tail, r.group_hint, r.branch_hint) for r in rows]
        todo: dict[tuple, object] = {}
        for key, row in zip(keys, rows, strict=True):
            if key not in memo and key not in todo:
                todo[key] = row
        if todo:
            memo.update(zip(todo, match(list(todo.values())), strict=True))
        return [(row, memo[key]) for key, row in zip(keys, rows, strict=True)]

    def _matcher(self, candidates):  # type: ignore[no-untyped-def]
        """(memo, match) for a candidate list: an equal list (another day, or the same
        after a roster import that left these people as they were) shares both."""
        for known, found in self._memos:
            if known is candidates:
                return found
        found = next((f for known, f in self._memos if known == candidates), None)
        if found is None:
            found = ({}, _match_function(candidates, self.aliases))
        self._memos.append((candidates, found))
        return found

    def _date(self, path: Path, signin, early: list[str]) -> date:  # type: ignore[no-untyped-def]
        if self.day is not None:
            if signin.date is not None and signin.date != self.day:
                early.append(f"{path.name}：文件里的日期是 {signin.date.isoformat()}，与 --date {self.day.isoformat()} "
                             "不一致；按 --date 导入，请核对")
            return self.day
        if signin.date is None:
            raise UserError(f"{path.name}：文件里看不出活动日期。请加 --date 2017-04-12 指明是哪次活动")
        return signin.date

    def _branch(self, path: Path, day: date, matches, candidates) -> str:  # type: ignore[no-untyped-def]
        if self.branch is not None:
            return self.branch
        names = [b.name for b in self.ws.branches]
        if len(names) == 1:
            return names[0]
        by_id = dict(candidates)
        votes = Counter(by_id[m.member_id].branch for _, m in matches if m.member_id is not None)
        if not votes:
            raise UserError(f"{path.name}：名单里没有一个姓名能对上 {day.isoformat()} 在册的党员，"
                            "无法判断是哪个支部。请检查日期，或加 --branch 指定")
        return votes.most_common(1)[0][0]

    def _activity(self, path: Path, day: date, branch: str):  # type: ignore[no-untyped-def]
        """The activity of a file dated outside the plan (confirmed with --date): found,
        if an earlier file created it, or recorded now, keeping the rest of the plan."""
        from partyday_cli.store.activities import (
            Activity,
            activities_in_year,
            activity_on,
            save_plan,
        )

        found = activity_on(self.ledger, day, branch)
        if found:
            return found[0]
        year = activities_in_year(self.ledger, day.year, branch)
        extra = Activity(None, branch, day, day, "", ("主题党日",),
                         place=str(self.ws.section("schedule").get("place", "")),
                         host=self.ws.branch(branch).secretary, rule="attend --date")
        save_plan(self.ledger, branch, day.year, [*year, extra])
        self.cache.forget()
        warn(f"{day.isoformat()} 不在年度计划中，已按 --date 记为一次活动")
        return activity_on(self.ledger, day, branch)[0]

    def _split(self, path: Path, matches, by_id, branch: str):  # type: ignore[no-untyped-def]
        from partyday_cli.core.matching import clean_name
        from partyday_cli.store.attendance import FileMark, Unmatched

        marks, unmatched, lines = [], [], []
        seen: set[int] = set()
        for row, m in matches:
            if m.member_id is not None:
                if m.member_id in seen and row.status is None:
                    continue  # the same person joined twice: one attendance
                seen.add(m.member_id)
                marks.append(FileMark(m.member_id, row.status, row.reason, row.answers, row.sheet, row.row))
                continue
            where = f"{path.name} {('工作表“' + row.sheet + '” ') if row.sheet else ''}第{row.row}行"
            if m.candidates:
                who = "、".join(f"{by_id[c].name}（{by_id[c].group or by_id[c].branch}）" for c in m.candidates)
                lines.append(f"{where}：“{row.raw_name}”有同名党员 {who}，无法确定是谁，已留待处理"
                             "（partyday attend resolve）")
            else:
                hint = f"，是否为 {'、'.join(m.suggestions)}？" if m.suggestions else ""
                lines.append(f"{where}：“{row.raw_name}”不在{branch}当天的党员名单中{hint}已留待处理"
                             "（partyday attend resolve）")
            unmatched.append(Unmatched(row.raw_name, clean_name(row.raw_name), row.sheet, row.row,
                                       tuple(m.suggestions), row.status, row.reason))
        return marks, unmatched, lines


@app.command("import")
def import_files(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="签到文件或文件夹（可多个）。", show_default=False)],
    day: Annotated[str | None, typer.Option("--date", "-d", help="活动日期；文件里看不出日期、或不在计划中时必填。")] = None,
    branch: BranchOpt = None,
    replace: Annotated[bool, typer.Option("--replace", help="用这份文件取代该次活动之前导入的签到文件（更正后的签到表）。")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只显示会发生什么变化，不写入账本。")] = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """导入签到记录：手工签到表（含标题行、合并单元格、左右双栏）、腾讯会议参会明细、问卷星导出、
    企业微信/钉钉签到导出、Windows Excel 存的 CSV（GBK）都可以。

    名单上的姓名与当天在册党员逐一对应；对不上的姓名逐个报告（第几行、可能是谁）并留待处理，不会丢；
    同一份文件重复导入不会重复记录。同一次活动再导入另一份文件（如纸质签到表加腾讯会议）会合并，
    任一份里到了就算到；加 --replace 则取代之前的文件。每份文件要么全部导入、要么不导入。

    示例：

      partyday attend import 4月签到表.xlsx

      partyday attend import 签到/ --dry-run

      partyday attend import 腾讯会议参会明细.csv --date 2017-04-12
    """
    from partyday_cli.io.workbook import start_worker
    from partyday_cli.store.ledger import open_ledger

    ws = require_workspace(ctx, workspace)
    when = parse_day(day, "--date") if day else None
    if branch is not None:
        ws.branch(branch)
    paths = _expand(files)
    if paths:
        start_worker("partyday_cli.io.signin")  # it starts while the ledger opens
    if not paths:
        raise UserError("没有找到可导入的签到文件（.xlsx、.xls、.csv）")
    failures = 0
    with open_ledger(ws.ledger_path) as ledger:
        importer = _Importer(ws, ledger, day=when, branch=branch, replace=replace, dry_run=dry_run,
                             paths=paths)
        try:
            with importer.cache.batch():
                for i in range(len(paths)):
                    prefix = f"[{i + 1}/{len(paths)}] " if len(paths) > 1 else ""
                    try:
                        info(prefix + importer.run_at(i))
                    except UserError as exc:
                        failures += 1
                        for line in exc.lines():
                            typer.echo(f"{prefix}错误：{line}", err=True)
        finally:
            importer.close()
    t = importer.totals
    if len(paths) > 1 or failures:
        info(f"合计：{len(paths)} 个文件，导入 {t['imported']}，已导入过未改动 {t['unchanged']}，"
             f"出错 {failures}；匹配 {t['matched']} 人次，未能匹配 {t['unknown']} 个姓名")
    if t["imported"] == 0 and t["unchanged"] == len(paths) and paths:
        info("所有文件都已导入过，账本没有变化")
    if failures:
        raise typer.Exit(1)


@app.command("list")
def list_attendance(
    ctx: typer.Context,
    day: Annotated[str | None, typer.Option("--date", "-d", help="某次活动的日期。")] = None,
    year: Annotated[int | None, typer.Option("--year", "-y", help="某一年的全部活动。")] = None,
    branch: BranchOpt = None,
    fmt: Annotated[Format | None, typer.Option("--format", "-f", help="输出格式：table、json、csv、xlsx。",
                                               show_default=False)] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="写入文件而不是屏幕。")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """列出出勤记录：每次活动每名党员的出席、迟到、早退、请假、缺席、免参加、补学。

    示例：

      partyday attend list --date 2017-04-12

      partyday attend list --year 2017 --format csv -o 2017出勤.csv
    """
    from partyday_cli.store.attendance import attendance_rows, unresolved_names
    from partyday_cli.store.ledger import open_ledger

    ws = require_workspace(ctx, workspace)
    if day and year:
        raise UserError("--date 和 --year 只能选一个")
    if day:
        start = end = parse_day(day, "--date")
    else:
        y = year or date.today().year
        start, end = date(y, 1, 1), date(y, 12, 31)
    with open_ledger(ws.ledger_path) as ledger:
        rows = attendance_rows(ledger, start=start, end=end, branch=branch)
        pending = unresolved_names(ledger)
    records = [{"date": r["date"], "name": r["name"], "branch": r["branch"], "status": r["status"],
                "reason": r["reason"], "source": r["source"]} for r in rows]
    fmt = format_from_output(fmt, output, Format.table)
    if fmt is Format.json:
        emit_json(records, output)
        return
    if not records:
        raise UserError(f"{start.isoformat()}—{end.isoformat()} 没有出勤记录。请先运行 partyday attend import 签到表.xlsx")
    from partyday_cli.render.table import Column, Table

    table = Table(title="出勤记录", sheet_name="出勤", columns=[
        Column("日期", 12, "center"), Column("支部", 14), Column("姓名", 10), Column("出勤", 8, "center"),
        Column("原因", 16), Column("依据", 28)])
    for r in records:
        table.add([r["date"], r["branch"], r["name"], r["status"], r["reason"], r["source"]],
                  highlight=r["status"] in ("缺席", "请假"))
    counts = Counter(r["status"] for r in records)
    table.notes.append("合计：" + "，".join(f"{k} {counts[k]}" for k in STATUSES if counts[k]))
    if pending:
        table.notes.append(f"另有 {len(pending)} 个姓名未能匹配，待处理：partyday attend resolve")
    emit_table(table, fmt, output)


def _one_member(ledger, day: date, name: str, branch: str | None):  # type: ignore[no-untyped-def]
    import re

    from partyday_cli.core.matching import _same_numbered_group
    from partyday_cli.core.members import normalise_name
    from partyday_cli.store.roster import all_members, members_on_with_ids

    wanted = normalise_name(name)
    group = None
    tagged = re.fullmatch(r"(.+?)[(（\[【](.+)[)）\]】]", wanted)
    if "#" in wanted:  # 张伟#第二党小组 tells same-name members apart
        wanted, group = wanted.split("#", 1)
    elif tagged:  # 张伟（二组）, as sign-in sheets write it
        wanted, group = tagged[1], tagged[2]

    def in_group(m) -> bool:  # type: ignore[no-untyped-def]
        return group is None or group in (m.group, m.branch) or bool(m.group) and (
            group in m.group or _same_numbered_group(group, m.group))

    found = [(i, m) for i, m in members_on_with_ids(ledger, day, branch) if m.name == wanted and in_group(m)]
    if not found:
        gone = [m for m in all_members(ledger) if m.name == wanted and not m.is_member_on(day)]
        if gone and gone[0].transferred_out and gone[0].transferred_out <= day:
            raise UserError(f"{gone[0].name}已于 {gone[0].transferred_out.isoformat()} 转出，"
                            f"不在 {day.isoformat()} 的党员名单中")
        if gone and gone[0].joined and gone[0].joined > day:
            raise UserError(f"{gone[0].name}于 {gone[0].joined.isoformat()} 入党，{day.isoformat()} 还不是本支部党员")
        raise UserError(f"{day.isoformat()} 在册党员中没有“{name}”。请核对姓名（partyday roster list --date {day.isoformat()}）")
    if len(found) > 1:
        who = "、".join(f"{wanted}#{m.group or m.branch}" for _, m in found)
        raise UserError(f"“{name}”有 {len(found)} 名同名党员，请写成 {who} 之一")
    return found[0]


@app.command("set")
def set_status(
    ctx: typer.Context,
    day: Annotated[str, typer.Argument(help="活动日期，如 2017-04-12", show_default=False)],
    name: Annotated[str, typer.Argument(help="党员姓名；同名时写成 张伟#第二党小组", show_default=False)],
    status: Annotated[str, typer.Argument(help="出席、迟到、早退、请假、缺席、免参加、补学", show_default=False)],
    reason: Annotated[str, typer.Option("--reason", "-r", help="原因，如 出差、病假。")] = "",
    branch: BranchOpt = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """手工登记或更正某人某次活动的出勤（如会前请假、会后补学），优先于签到文件。

    示例：

      partyday attend set 2017-04-12 高峰 请假 --reason 出差

      partyday attend set 2017-04-12 张伟#第二党小组 补学
    """
    from partyday_cli.store.activities import activity_on
    from partyday_cli.store.attendance import set_manual
    from partyday_cli.store.ledger import open_ledger

    ws = require_workspace(ctx, workspace)
    when = parse_day(day, "活动日期")
    if status not in STATUSES:
        raise UserError(f"出勤状态“{status}”无效，可选：{'、'.join(STATUSES)}")
    with open_ledger(ws.ledger_path) as ledger:
        member_id, member = _one_member(ledger, when, name, branch)
        acts = activity_on(ledger, when, member.branch)
        if not acts:
            raise UserError(f"{when.isoformat()} 不是{member.branch}的活动日。请先运行 partyday plan，"
                            "或用 partyday attend import --date 导入这次活动的签到")
        set_manual(ledger, activity_id=acts[0].id, activity_date=when, branch=member.branch,
                   member_id=member_id, status=status, reason=reason)
    info(f"已登记：{when.isoformat()} {member.name} {status}" + (f"（{reason}）" if reason else ""))


@app.command("resolve")
def resolve(
    ctx: typer.Context,
    raw_name: Annotated[str | None, typer.Argument(help="签到文件里的写法，如 小张、张 伟-财务", show_default=False)] = None,
    member: Annotated[str | None, typer.Argument(help="对应的党员姓名；同名时写成 张伟#第二党小组", show_default=False)] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """处理未能匹配的姓名：不带参数时列出待处理的姓名；带参数时把它指定为某名党员，无需重新导入。

    经常出现的写法（如昵称）也可写进 partyday.toml 的 [attendance.aliases]，如 "小张" = "张伟"。

    示例：

      partyday attend resolve

      partyday attend resolve "张 伟（财务）" 张伟#第一党小组
    """
    import json

    from partyday_cli.store.attendance import resolve_name, unresolved_names
    from partyday_cli.store.ledger import open_ledger

    ws = require_workspace(ctx, workspace)
    with open_ledger(ws.ledger_path) as ledger:
        pending = unresolved_names(ledger)
        if raw_name is None:
            if not pending:
                info("没有待处理的姓名")
                return
            for p in pending:
                hint = json.loads(p["suggestions"] or "[]")
                typer.echo(f"{p['date']} {p['branch']}  “{p['raw_name']}”  （{p['original_name']} 第{p['row']}行）"
                           + (f"  可能是：{'、'.join(hint)}" if hint else ""))
            return
        if member is None:
            raise UserError("请同时写出对应的党员姓名，如 partyday attend resolve 小张 张伟")
        hits = [p for p in pending if p["raw_name"] == raw_name or p["normalised"] == raw_name]
        if not hits:
            raise UserError(f"待处理的姓名中没有“{raw_name}”。不带参数运行 partyday attend resolve 查看列表")
        for p in hits:
            day = date.fromisoformat(p["date"])
            member_id, found = _one_member(ledger, day, member, p["branch"])
            resolve_name(ledger, unmatched_id=p["id"], member_id=member_id, activity_date=day,
                         branch=p["branch"])
            info(f"已将 {p['date']} 的“{raw_name}”记为 {found.name}")
