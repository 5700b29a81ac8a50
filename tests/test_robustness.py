"""What offices do to an import: kill it half-way, run two at once, fill the disk, hand it a
ledger from a newer partyday or a workspace with no roster (SPEC §10, §14).

The workspace is the sample branch's (roster imported, 2017 planned, the leaves asked ahead
recorded), with six 问卷星 feedback files added to its 签到/ folder, so that importing the
folder is 19 files over 12 activities and lasts long enough to be interrupted anywhere.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import random
import re
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from partyday_cli.cli.main import app
from tests import factories

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_data" / "workspace"
PARTYDAY = [sys.executable, "-m", "partyday_cli"]
FOLDER = "签到"
JAN = "2017-01 一月签到表.xlsx"
KILLS = 24
SEED = 20170412
runner = CliRunner()


def invoke(ws: Path, *args: str):
    return runner.invoke(app, [*args, "-w", str(ws)], catch_exceptions=False)


def spawn(ws: Path, *args: str, text: bool = True) -> subprocess.Popen:
    """`partyday … -w ws` as its own process group (the calamine worker goes with it)."""
    return subprocess.Popen([*PARTYDAY, *args, "-w", str(ws)], cwd=ws, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=text,
                            start_new_session=True)


def kill_group(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):  # it may have just finished
        os.killpg(proc.pid, signal.SIGKILL)


# --------------------------------------------------------------------------- the workspace


def _extra_signins(folder: Path) -> None:
    """A 问卷星 学习反馈 for each activity of July–December: a second file merged into the
    activity's attendance (half the members, with their answers)."""
    from sample_data.build_signins import GROUPS, expected

    for month, day in ((7, 12), (8, 9), (9, 13), (10, 11), (11, 8), (12, 13)):
        d = date(2017, month, day)
        subs = [(datetime(2017, month, day, 14, 50) + timedelta(minutes=i % 9), name,
                 {"所在党小组": GROUPS[name], "学习心得是否已提交": "是" if i % 2 else "否"})
                for i, name in enumerate(expected(d)[month % 3::2])]
        factories.wjx_xlsx(folder / f"2017-{month:02d} 问卷星补充.xlsx", title=f"{month}月党员活动日学习反馈",
                           submissions=subs)


def _prepare(ws: Path) -> None:
    from sample_data.leaves import LEAVES

    shutil.copytree(SAMPLE, ws)
    _extra_signins(ws / FOLDER)
    assert invoke(ws, "roster", "import", str(ws / "roster.xlsx"), "--as-of", "2017-01-05").exit_code == 0
    assert invoke(ws, "plan", "2017").exit_code == 0
    for day, name, status, reason in LEAVES:
        assert invoke(ws, "attend", "set", day, name, status, "--reason", reason).exit_code == 0


def _db(ws: Path) -> sqlite3.Connection:
    return sqlite3.connect(ws / "ledger.db")


def attendance(ws: Path, activity_id: int | None = None) -> list[tuple]:
    sql = "SELECT activity_id, member_id, status, reason, source FROM attendance"
    params: tuple = ()
    if activity_id is not None:
        sql += " WHERE activity_id = ?"
        params = (activity_id,)
    conn = _db(ws)
    try:
        return conn.execute(sql + " ORDER BY activity_id, member_id", params).fetchall()
    finally:
        conn.close()


@dataclass
class Reference:
    """The uninterrupted import of the folder: what each file leaves, and the end state."""

    template: Path
    files: list[str]  # in import order (the folder's name order)
    duration: float  # seconds, of `partyday attend import 签到` as a process
    first_file: float  # seconds until it reported the first file imported
    shas: set[str]
    per_file: dict[str, tuple]  # sha256 → (original name, activity id, marks, unmatched, visitors)
    rows: list[tuple]  # the attendance table
    activity_files: dict[int, set[str]]  # activity id → sha256 of its files
    manual_marks: list[tuple]
    activities: list[tuple]


def _file_facts(conn: sqlite3.Connection) -> dict[str, tuple]:
    return {sha: (name, activity, marks, unmatched, visitors) for sha, name, activity, marks, unmatched, visitors
            in conn.execute(
                "SELECT i.sha256, i.original_name, f.activity_id, "
                "(SELECT count(*) FROM attendance_marks k WHERE k.file_id = f.id), "
                "(SELECT count(*) FROM unmatched_names u WHERE u.file_id = f.id), "
                "(SELECT count(*) FROM visitors v WHERE v.file_id = f.id) "
                "FROM imports i JOIN attendance_files f ON f.import_id = i.id WHERE i.kind = 'attendance'")}


def _manual_marks(conn: sqlite3.Connection) -> list[tuple]:
    return conn.execute("SELECT activity_id, member_id, status, reason FROM attendance_marks "
                        "WHERE file_id IS NULL ORDER BY id").fetchall()


def _activities(conn: sqlite3.Connection) -> list[tuple]:
    return conn.execute("SELECT * FROM activities ORDER BY id").fetchall()


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Reference:
    base = tmp_path_factory.mktemp("robust")
    with pytest.MonkeyPatch.context() as mp:  # the per-test isolation is not up yet at module scope
        mp.setenv("PARTYDAY_DATA_DIR", str(base / "userdata"))
        mp.setenv("PARTYDAY_RAISE", "1")
        mp.setenv("NO_COLOR", "1")
        mp.delenv("PARTYDAY_WORKSPACE", raising=False)
        template = base / "template"
        _prepare(template)
        conn = _db(template)
        manual, activities = _manual_marks(conn), _activities(conn)
        conn.close()
        files = sorted(p.name for p in (template / FOLDER).iterdir())
        durations, first_reports = [], []
        for run in range(2):
            ws = base / f"uninterrupted{run}"
            shutil.copytree(template, ws)
            started = time.monotonic()
            proc = spawn(ws, "attend", "import", FOLDER)
            lines = []
            for line in proc.stderr:  # timed as they come: when does the first file land?
                lines.append(line)
                if line.startswith("[1/"):
                    first_reports.append(time.monotonic() - started)
            proc.wait(timeout=120)
            durations.append(time.monotonic() - started)
            err = "".join(lines)
            assert proc.returncode == 0, err
            assert f"导入 {len(files)}，" in err and "出错 0" in err
        conn = _db(base / "uninterrupted0")
        per_file = _file_facts(conn)
        conn.close()
        assert attendance(base / "uninterrupted0") == attendance(base / "uninterrupted1")  # deterministic
    by_activity: dict[int, set[str]] = {}
    for sha, (_, activity, *_rest) in per_file.items():
        by_activity.setdefault(activity, set()).add(sha)
    assert {facts[0] for facts in per_file.values()} == set(files)
    # the warm run's times (the first run also pays for cold caches)
    return Reference(template=template, files=files, duration=durations[-1],
                     first_file=first_reports[-1], shas=set(per_file),
                     per_file=per_file, rows=attendance(base / "uninterrupted0"),
                     activity_files=by_activity, manual_marks=manual, activities=activities)


@pytest.fixture
def ws(reference, tmp_path) -> Path:
    """A fresh copy of the prepared workspace."""
    path = tmp_path / "ws"
    shutil.copytree(reference.template, path)
    return path


# --------------------------------------------------------------------------- checking a ledger


def check_whole(ws: Path, ref: Reference, *, in_order: bool = True) -> list[str]:
    """The ledger opens and is sound, and holds whole files only; the names imported.
    `in_order`: the files were imported one by one in folder order, so what landed is the
    folder's first files."""
    from partyday_cli.store.attendance import rederive
    from partyday_cli.store.ledger import open_ledger

    with open_ledger(ws / "ledger.db") as ledger:
        assert ledger.integrity_ok()
        conn = ledger.conn
        imports = conn.execute("SELECT id, sha256, original_name, archived_path FROM imports "
                               "WHERE kind = 'attendance' ORDER BY id").fetchall()
        names = [row["original_name"] for row in imports]
        if in_order:  # sequential, in name order: what landed is a prefix of the folder
            assert names == ref.files[: len(names)]
        facts = _file_facts(conn)
        assert set(facts) == {row["sha256"] for row in imports}
        for row in imports:
            sha = row["sha256"]
            assert facts[sha] == ref.per_file[sha], row["original_name"]  # every mark of the file
            assert conn.execute("SELECT count(*) FROM attendance_files WHERE import_id = ?",
                                (row["id"],)).fetchone()[0] == 1
            archived = ws / row["archived_path"]
            assert archived.is_file() and hashlib.sha256(archived.read_bytes()).hexdigest() == sha
        # nothing without its import
        orphans = {
            "attendance_files": "SELECT count(*) FROM attendance_files f LEFT JOIN imports i ON i.id = f.import_id "
                                "WHERE i.id IS NULL OR i.kind != 'attendance'",
            "attendance_marks": "SELECT count(*) FROM attendance_marks k LEFT JOIN attendance_files f "
                                "ON f.id = k.file_id WHERE k.file_id IS NOT NULL AND f.id IS NULL",
            "unmatched_names": "SELECT count(*) FROM unmatched_names u LEFT JOIN imports i ON i.id = u.import_id "
                               "LEFT JOIN attendance_files f ON f.id = u.file_id "
                               "WHERE i.id IS NULL OR (u.file_id IS NOT NULL AND f.id IS NULL)",
            "visitors": "SELECT count(*) FROM visitors v LEFT JOIN attendance_files f ON f.id = v.file_id "
                        "WHERE v.file_id IS NOT NULL AND f.id IS NULL",
        }
        assert {table: conn.execute(sql).fetchone()[0] for table, sql in orphans.items()} == dict.fromkeys(orphans, 0)
        # what was there before the import is untouched
        assert [tuple(r) for r in _manual_marks(conn)] == ref.manual_marks
        assert [tuple(r) for r in _activities(conn)] == ref.activities
        # each activity's rows are what its evidence derives to…
        for act_id, day, branch in conn.execute("SELECT id, date, branch FROM activities").fetchall():
            current = attendance(ws, act_id)
            conn.execute("BEGIN")
            try:
                rederive(ledger, act_id, date.fromisoformat(day), branch)
                derived = conn.execute("SELECT activity_id, member_id, status, reason, source FROM attendance "
                                       "WHERE activity_id = ? ORDER BY member_id", (act_id,)).fetchall()
            finally:
                conn.execute("ROLLBACK")
            assert current == [tuple(r) for r in derived], day
            # …and, once all its files are in, exactly the uninterrupted import's
            if ref.activity_files.get(act_id, {None}) <= set(facts):
                assert current == [r for r in ref.rows if r[0] == act_id], day
    # the archive holds byte-exact copies only (a killed write may leave a hidden temp file)
    for path in (ws / "archive").iterdir():
        if not path.name.startswith("."):
            assert hashlib.sha256(path.read_bytes()).hexdigest()[:16] == path.name[:16], path.name
    return names


def check_complete(ws: Path, ref: Reference) -> None:
    assert check_whole(ws, ref) == ref.files
    assert attendance(ws) == ref.rows
    conn = _db(ws)
    try:
        shas = {r[0] for r in conn.execute("SELECT sha256 FROM imports WHERE kind = 'attendance'")}
    finally:
        conn.close()
    assert shas == ref.shas


_REPORTED = re.compile(r"^\[\d+/\d+\] (?!错误)(.+?)：", re.MULTILINE)


# --------------------------------------------------------------------------- killed mid-import


def _read_until_reported(proc: subprocess.Popen, index: int, timeout: float) -> bytes:
    """What the import says on stderr up to its report of file number `index` ([index/N])."""
    fd, seen, mark = proc.stderr.fileno(), b"", f"[{index}/".encode()
    deadline = time.monotonic() + timeout
    while mark not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], deadline - time.monotonic())
        chunk = os.read(fd, 65536) if ready else b""
        if not chunk:
            break
        seen += chunk
    return seen


def test_killed_mid_import_leaves_whole_files_and_a_rerun_completes(reference, tmp_path):
    """SIGKILL at seeded random points of an import of the folder.

    Start-up time varies from run to run as much as the import itself takes, so a quarter
    of the kills come at a random moment of the measured duration D from the start; the
    others once the process has reported a random file k, within the time two more files
    take (measured): those land while files are read, matched and written, all along the
    folder."""
    rng = random.Random(SEED)
    total = len(reference.files)
    per_file = max(reference.duration - reference.first_file, 0.05) / (total - 1)
    outcomes = []
    for k in range(KILLS):
        ws = tmp_path / f"kill{k:02d}"
        shutil.copytree(reference.template, ws)
        from_start = k % 4 == 0
        after = 0 if from_start else rng.randrange(1, total)
        delay = rng.uniform(0.0, reference.duration if from_start else 2 * per_file)
        proc = spawn(ws, "attend", "import", FOLDER, text=False)
        seen = _read_until_reported(proc, after, timeout=60) if after else b""
        time.sleep(delay)  # (Popen.wait polls in steps of up to 50 ms: too coarse here)
        if proc.poll() is None:
            kill_group(proc)
        _, rest = proc.communicate(timeout=60)
        err = (seen + rest).decode("utf-8")
        finished = proc.returncode == 0
        if not finished:
            assert proc.returncode == -signal.SIGKILL, err
        assert "Traceback" not in err
        landed = check_whole(ws, reference)
        reported = _REPORTED.findall(err)
        # a file is reported after its commit: at most the one being reported is unannounced
        assert reported == landed[: len(reported)] and len(landed) - len(reported) in (0, 1), (reported, landed)
        if finished:
            assert landed == reference.files
        outcomes.append(len(landed))
        rerun = invoke(ws, "attend", "import", str(ws / FOLDER))
        assert rerun.exit_code == 0, rerun.stderr
        assert f"导入 {total - len(landed)}，已导入过未改动 {len(landed)}，出错 0" in rerun.stderr
        check_complete(ws, reference)
        shutil.rmtree(ws)
    print(f"\nkill points (seed {SEED}; D = {reference.duration:.2f}s, first file at {reference.first_file:.2f}s): "
          f"files landed before the kill {outcomes}")
    assert sum(0 < n < total for n in outcomes) >= KILLS // 3, outcomes  # most landed mid-folder


# --------------------------------------------------------------------------- two imports at once

PAIRS = [  # files of different activities, each the only file of its activity
    ("2017-01 一月签到表.xlsx", "2017-05 企业微信签到.xlsx"),
    ("2017-02 腾讯会议参会明细.xlsx", "2017-06 钉钉签到.xlsx"),
    ("2017-03 问卷星签到.xlsx", "2017-01 一月签到表.xlsx"),
    ("2017-06 钉钉签到.xlsx", "2017-02 腾讯会议参会明细.xlsx"),
]


@pytest.mark.parametrize(("first", "second"), PAIRS, ids=[f"{a[:7]}+{b[:7]}" for a, b in PAIRS])
def test_two_imports_started_together_both_land(reference, ws, first, second):
    procs = [spawn(ws, "attend", "import", f"{FOLDER}/{name}") for name in (first, second)]
    results = [proc.communicate(timeout=120) for proc in procs]
    for proc, (_, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
        assert "Traceback" not in err and "正被另一个" not in err
    conn = _db(ws)
    try:
        landed = {r[0]: r[1] for r in conn.execute(
            "SELECT original_name, sha256 FROM imports WHERE kind = 'attendance'")}
    finally:
        conn.close()
    assert set(landed) == {first, second}
    for name in (first, second):
        activity = reference.per_file[landed[name]][1]
        assert reference.activity_files[activity] == {landed[name]}
        rows = attendance(ws, activity)
        assert rows and rows == [r for r in reference.rows if r[0] == activity], name
    assert sorted(check_whole(ws, reference, in_order=False)) == sorted([first, second])


def test_the_same_file_imported_meanwhile_by_another_process_is_already_imported(reference, ws):
    """Two people import the same downloaded file at the same moment. The race, made
    certain: the other process imports the file after this one has looked it up in the
    ledger and before its transaction begins. This one must then find it imported (one
    line, exit 0), not fail on the import log's uniqueness."""
    from partyday_cli.store import ledger as store

    jan = next(sha for sha, facts in reference.per_file.items() if facts[0] == JAN)
    activity = reference.per_file[jan][1]
    real = store.Ledger.transaction
    others: list[subprocess.CompletedProcess] = []

    def transaction(self):  # type: ignore[no-untyped-def]
        if not others:
            others.append(subprocess.run([*PARTYDAY, "attend", "import", str(ws / FOLDER / JAN), "-w", str(ws)],
                                         capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL))
        return real(self)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(store.Ledger, "transaction", transaction)
        result = runner.invoke(app, ["attend", "import", str(ws / FOLDER / JAN), "-w", str(ws)])
    assert others and others[0].returncode == 0, others[0].stderr if others else "no transaction"
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 0 and "已导入过" in result.stderr, result.output
    conn = _db(ws)
    try:
        assert conn.execute("SELECT sha256 FROM imports WHERE kind = 'attendance'").fetchall() == [(jan,)]
    finally:
        conn.close()
    assert attendance(ws, activity) == [r for r in reference.rows if r[0] == activity]


# --------------------------------------------------------------------------- refusals, nothing half-written


def dump(ws: Path) -> list[str]:
    conn = _db(ws)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def listing(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()} if folder.is_dir() else {}


def _one_error_line(stderr: str) -> str:
    assert "Traceback" not in stderr
    errors = [line for line in stderr.splitlines() if "错误" in line]
    assert len(errors) == 1, stderr
    assert re.search(r"[\u4e00-\u9fff]{4}", errors[0])
    return errors[0]


def _no_space(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def _refused(*args, **kwargs):
    raise PermissionError(errno.EACCES, "Permission denied")


class _OsWith:
    """`os` as one module sees it, with one function replaced (the fault stays in that module)."""

    def __init__(self, **replaced):  # type: ignore[no-untyped-def]
        self.__dict__.update(replaced)

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(os, name)


def _in_this_process(monkeypatch) -> None:
    """No parsing worker: its calls run here, where a fault patched in reaches them (the
    worker writes the archive copies; a failing write there leaves the copy to the
    importing process, which fails the same way on the same disk)."""
    from partyday_cli.io import workbook

    workbook._drop_worker()
    monkeypatch.setattr(workbook, "_WORKER", False)


def _archive_disk_full(monkeypatch) -> str:
    """The archive copy's write fails as on a full disk (the ledger's own syncs do not)."""
    from partyday_cli.io import archive, files

    _in_this_process(monkeypatch)
    monkeypatch.setattr(files, "os", _OsWith(fsync=_no_space))
    monkeypatch.setattr(archive, "os", _OsWith(fsync=_no_space))  # a batch's copies are synced there
    return "磁盘空间不足"


def _archive_read_only(monkeypatch) -> str:
    from partyday_cli.io import files

    _in_this_process(monkeypatch)
    monkeypatch.setattr(files.tempfile, "mkstemp", _refused)
    return "没有写入权限"


class _FullOnCommit(sqlite3.Connection):
    """A connection whose COMMIT of an import fails as SQLite's does on a full disk."""

    armed = False

    def execute(self, sql, *args):  # type: ignore[no-untyped-def, override]
        if sql.lstrip().upper().startswith("INSERT INTO IMPORTS"):
            self.armed = True
        if self.armed and sql.strip().upper() == "COMMIT":
            exc = sqlite3.OperationalError("database or disk is full")
            exc.sqlite_errorname, exc.sqlite_errorcode = "SQLITE_FULL", sqlite3.SQLITE_FULL
            raise exc
        return super().execute(sql, *args)


def _ledger_commit_disk_full(monkeypatch) -> str:
    from partyday_cli.store import ledger as store

    real = sqlite3.connect
    monkeypatch.setattr(store.sqlite3, "connect", lambda *a, **kw: real(*a, factory=_FullOnCommit, **kw))
    return "磁盘空间不足"


@pytest.mark.parametrize("fault", [_archive_disk_full, _archive_read_only, _ledger_commit_disk_full],
                         ids=["archive-disk-full", "archive-read-only", "ledger-commit-disk-full"])
def test_a_failing_write_during_import_changes_nothing(ws, fault):
    before, archive = dump(ws), listing(ws / "archive")
    with pytest.MonkeyPatch.context() as mp:
        expected = fault(mp)
        result = invoke(ws, "attend", "import", str(ws / FOLDER / JAN))
    assert result.exit_code == 1
    assert expected in _one_error_line(result.stderr)
    assert dump(ws) == before
    after = listing(ws / "archive")
    assert not [n for n in after if n.startswith(".")]  # no temp file left behind
    for name, data in after.items():  # at most a whole copy of the input (written before the ledger)
        assert archive.get(name, data) == data
        assert hashlib.sha256(data).hexdigest()[:16] == name[:16]
    # and once the disk has room again, the same file imports
    again = invoke(ws, "attend", "import", str(ws / FOLDER / JAN))
    assert again.exit_code == 0, again.stderr


def test_a_ledger_from_a_newer_schema_is_refused_untouched(ws):
    conn = _db(ws)
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    ledger_files = {p.name: p.read_bytes() for p in ws.iterdir() if p.name.startswith("ledger.db")}
    archive = listing(ws / "archive")
    for target in (str(ws / FOLDER), str(ws / FOLDER / JAN)):
        result = invoke(ws, "attend", "import", target)
        assert result.exit_code == 1
        assert "更新版本" in _one_error_line(result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1
        assert {p.name: p.read_bytes() for p in ws.iterdir() if p.name.startswith("ledger.db")} == ledger_files
        assert listing(ws / "archive") == archive


def test_attend_import_with_no_roster_imported_is_a_clear_message(tmp_path):
    ws = tmp_path / "ws"
    shutil.copytree(SAMPLE, ws)
    assert invoke(ws, "plan", "2017").exit_code == 0  # a plan needs no roster
    before = dump(ws)
    result = invoke(ws, "attend", "import", str(ws / FOLDER / JAN))
    assert result.exit_code == 1
    assert re.search("花名册|roster", _one_error_line(result.stderr))
    assert dump(ws) == before


def test_a_disk_filling_up_part_way_through_a_folder(ws, reference):
    """SQLite's own SQLITE_FULL (the ledger may grow by a few pages only): the files that
    fit stand whole, each other file is refused with one line, and with room again a
    second run imports the rest."""
    from partyday_cli.store import ledger as store

    real = store.open_ledger

    def capped(path):  # type: ignore[no-untyped-def]
        opened = real(path)
        pages = opened.conn.execute("PRAGMA page_count").fetchone()[0]
        opened.conn.execute(f"PRAGMA max_page_count = {pages + 3}")
        return opened

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(store, "open_ledger", capped)
        result = invoke(ws, "attend", "import", str(ws / FOLDER))
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    refused = [line for line in result.stderr.splitlines() if "错误" in line]
    assert refused and all("磁盘空间不足" in line for line in refused), result.stderr
    landed = check_whole(ws, reference, in_order=False)
    assert 0 < len(landed) < len(reference.files)
    assert len(landed) + len(refused) == len(reference.files)
    again = invoke(ws, "attend", "import", str(ws / FOLDER))
    assert again.exit_code == 0, again.stderr
    assert sorted(check_whole(ws, reference, in_order=False)) == sorted(reference.files)
