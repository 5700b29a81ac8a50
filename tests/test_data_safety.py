"""Issue 16: partyday never destroys or exposes a branch's records.

Every test goes through the CLI as a careless user would and then looks at the file
system: hashes of the ledger, the config and the inputs, device-like nodes (a FIFO).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from partyday_cli.cli.main import app
from partyday_cli.errors import UserError
from partyday_cli.io.outputs import inside, safe_name, write_output

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "workspace"
runner = CliRunner()


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), catch_exceptions=False)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def sample(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    ws = tmp_path / "sample"
    shutil.copytree(SAMPLE, ws)
    monkeypatch.chdir(ws)
    assert invoke("roster", "import", "roster.xlsx", "--as-of", "2017-01-05").exit_code == 0
    return ws


def _members(ws: Path) -> int:
    with sqlite3.connect(ws / "ledger.db") as conn:
        return conn.execute("SELECT count(*) FROM members").fetchone()[0]


# --- -o never lands on what it must not replace ---------------------------------------


@pytest.mark.parametrize("target", ["ledger.db", "partyday.toml", "roster.xlsx"])
def test_o_onto_the_ledger_the_config_or_an_input_is_refused(sample, target):
    before = {name: sha(sample / name) for name in ("ledger.db", "partyday.toml", "roster.xlsx")}
    result = invoke("roster", "list", "--date", "2017-03-01", "-f", "xlsx", "-o", target)
    assert result.exit_code == 1
    assert "错误：" in result.stderr and target in result.stderr
    assert {name: sha(sample / name) for name in before} == before
    assert invoke("roster", "list", "--date", "2017-03-01").exit_code == 0  # still a workspace


def test_force_never_reaches_the_ledger_or_the_config(sample):
    before = sha(sample / "ledger.db"), sha(sample / "partyday.toml")
    for target in ("ledger.db", "partyday.toml"):
        result = invoke("calendar", "2017", "-f", "csv", "-o", target, "--force")
        assert result.exit_code == 1 and "账本" in result.stderr
    assert (sha(sample / "ledger.db"), sha(sample / "partyday.toml")) == before


def test_archive_and_backups_are_never_an_output(sample):
    archived = next((sample / "archive").rglob("*roster.xlsx"))
    before = sha(archived)
    result = invoke("calendar", "2017", "-f", "xlsx", "-o", str(archived), "--force")
    assert result.exit_code == 1 and "存档" in result.stderr
    assert sha(archived) == before


def test_a_fifo_is_never_replaced(tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    result = invoke("calendar", "2017", "--rule", "每月第二周星期三", "-o", str(fifo), "--force")
    assert result.exit_code == 1 and "不是普通文件" in result.stderr
    assert fifo.is_fifo()


def test_a_symlink_to_the_ledger_is_refused(sample):
    before = sha(sample / "ledger.db")
    link = sample.parent / "looks-harmless.csv"
    link.symlink_to(sample / "ledger.db")
    result = invoke("calendar", "2017", "-f", "csv", "-o", str(link), "--force")
    assert result.exit_code == 1
    assert sha(sample / "ledger.db") == before and link.is_symlink()


def test_a_file_partyday_wrote_is_replaced_with_a_word_a_users_file_only_with_force(tmp_path):
    out = tmp_path / "2017活动日.csv"
    first = invoke("calendar", "2017", "--rule", "每月第二周星期三", "-o", str(out))
    assert first.exit_code == 0 and "已写入" in first.stderr
    again = invoke("calendar", "2017", "--rule", "每月第一个星期五", "-o", str(out))
    assert again.exit_code == 0 and "已覆盖" in again.stderr
    out.write_text(out.read_text(encoding="utf-8-sig") + "我的批注\n", encoding="utf-8")  # edited by the user
    edited = sha(out)
    refused = invoke("calendar", "2017", "--rule", "每月第二周星期三", "-o", str(out))
    assert refused.exit_code == 1 and "--force" in refused.stderr and sha(out) == edited
    forced = invoke("calendar", "2017", "--rule", "每月第二周星期三", "-o", str(out), "--force")
    assert forced.exit_code == 0 and "已覆盖" in forced.stderr and sha(out) != edited
    users_own = tmp_path / "我的表格.xlsx"
    users_own.write_bytes(b"PK not partyday's")
    assert invoke("calendar", "2017", "--rule", "每月第二周星期三", "-o", str(users_own)).exit_code == 1
    assert users_own.read_bytes() == b"PK not partyday's"


def test_a_template_is_never_its_own_output(sample):
    template = sample / "我的格式.xlsx"
    shutil.copy(Path(__file__).resolve().parents[1] / "templates" / "签到表.xlsx", template)
    before = sha(template)
    assert invoke("plan", "2017").exit_code == 0
    result = invoke("signsheet", "2017-04-12", "--template", str(template), "-o", str(template),
                    "--force")
    assert result.exit_code == 1 and "正在读取" in result.stderr
    assert sha(template) == before


def test_a_refused_plan_output_leaves_the_ledger_as_it_was(sample):
    mine = sample / "安排表.xlsx"
    mine.write_bytes(b"the user's own file")
    before = sha(sample / "ledger.db")
    result = invoke("plan", "2017", "-o", str(mine))
    assert result.exit_code == 1
    assert sha(sample / "ledger.db") == before and mine.read_bytes() == b"the user's own file"


# --- names that become paths ------------------------------------------------------------


def test_a_branch_name_with_dots_and_slashes_stays_inside_out(sample):
    config = sample / "partyday.toml"
    config.write_text(config.read_text(encoding="utf-8")
                      + '\n[[branches]]\nname = "../../../roster"\n', encoding="utf-8")
    before = sha(sample / "roster.xlsx")
    result = invoke("plan", "2017", "--branch", "../../../roster")
    assert result.exit_code == 0, result.output
    assert sha(sample / "roster.xlsx") == before
    written = [p for p in (sample / "out").iterdir() if p.suffix == ".xlsx"]
    assert len(written) == 1 and "roster" in written[0].name
    assert not list(sample.parent.glob("*.xlsx")) and not list(sample.parent.parent.glob("*.xlsx"))


def test_init_with_a_slash_in_the_branch_name_writes_a_readable_safe_file(tmp_path, monkeypatch):
    ws = tmp_path / "ws"
    assert invoke("init", str(ws), "--branch", "离退休/老干部党支部").exit_code == 0
    monkeypatch.chdir(ws)
    result = invoke("record", "2026-04-08")
    names = [p.name for p in (ws / "out").iterdir()] if (ws / "out").is_dir() else []
    assert result.exit_code in (0, 1)  # no plan yet may be refused, never written elsewhere
    assert all("/" not in n for n in names)
    assert not (ws / "out" / "离退休").exists()


@given(st.text(min_size=0, max_size=40))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_safe_name_never_leaves_the_folder(tmp_path, name):
    part = safe_name(name)
    assert part and "/" not in part and "\\" not in part and part not in (".", "..")
    assert not re.match(r"(?i)^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$", part)
    inside(tmp_path, tmp_path / f"2017年度活动安排表-{part}.xlsx")  # raises if it leaves


@given(st.lists(st.sampled_from(["..", "a", "b", ".", "x.csv", "existing.csv", "sub"]),
                min_size=1, max_size=5), st.booleans())
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_outputs_never_replace_a_file_partyday_did_not_write(tmp_path, parts, as_dir):
    root = tmp_path / "root"
    (root / "sub").mkdir(parents=True, exist_ok=True)
    precious = {root / "existing.csv": b"user data", root / "sub" / "existing.csv": b"more data"}
    for path, data in precious.items():
        path.write_bytes(data)
    target = root.joinpath(*parts)
    with contextlib.suppress(UserError):
        write_output(target, b"partyday output")
    for path, data in precious.items():
        assert path.read_bytes() == data


# --- what files and screens show --------------------------------------------------------


def _formula_cells(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return [name for name in book.namelist()
                if name.startswith("xl/worksheets/") and b"<f>" in book.read(name)]


def test_a_formula_in_a_branch_name_is_text_in_every_workbook(sample):
    config = sample / "partyday.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(re.sub(r'(?m)^name = ".*"$', 'name = "=HYPERLINK(\\"http://x\\",\\"点我\\")"',
                             text, count=2), encoding="utf-8")
    assert invoke("roster", "list", "--date", "2017-03-01", "-f", "xlsx", "-o", "名单.xlsx").exit_code == 0
    assert invoke("calendar", "2017", "-f", "xlsx", "-o", "日历.xlsx").exit_code == 0
    assert invoke("plan", "2017").exit_code == 0
    assert invoke("dues", "import", "2017党费台账.xlsx").exit_code == 0
    assert invoke("export", "monthly", "--month", "2017-04").exit_code == 0
    books = [sample / "名单.xlsx", sample / "日历.xlsx", *sample.joinpath("out").rglob("*.xlsx")]
    assert len(books) >= 5
    for book in books:
        assert _formula_cells(book.read_bytes()) == [], book.name
    month = sample / "out" / "2017-04"
    assert {p.name for p in month.iterdir()} >= {"2017-04党费.xlsx", "2017-04月度报告.xlsx"}


def test_roster_list_masks_the_same_fields_in_every_format(sample):
    for fmt in ("table", "csv", "json"):
        out = invoke("roster", "list", "--date", "2017-03-01", "-f", fmt).stdout
        assert not re.search(r"1[3-9]\d{9}", out), fmt  # no whole phone number
    shown = invoke("roster", "list", "--date", "2017-03-01", "-f", "json", "--show-private").stdout
    assert re.search(r"1[3-9]\d{9}", shown)


# --- the ledger: lost, emptied, backed up, restored -------------------------------------


def test_writes_keep_a_few_backups_and_doctor_restores_one(sample):
    assert invoke("plan", "2017").exit_code == 0
    assert invoke("attend", "set", "2017-05-11", "高峰", "请假", "--reason", "出差").exit_code == 0
    backups = sorted((sample / "backups").glob("ledger-*.db"))
    assert backups, "a write command keeps the state before it"
    members = _members(sample)
    (sample / "ledger.db").unlink()
    for suffix in ("-wal", "-shm"):
        (sample / f"ledger.db{suffix}").unlink(missing_ok=True)
    lost = invoke("roster", "list", "--date", "2017-03-01")
    assert lost.exit_code == 1 and "不见了" in lost.stderr and "doctor --restore" in lost.stderr
    assert not (sample / "ledger.db").exists()  # nothing recreated behind the user's back
    doctor = invoke("doctor")
    assert doctor.exit_code == 1 and "不见了" in doctor.stdout and "账本完好" not in doctor.stdout
    restored = invoke("doctor", "--restore")
    assert restored.exit_code == 0 and "已用备份" in restored.stderr
    assert _members(sample) == members
    assert invoke("roster", "list", "--date", "2017-03-01").exit_code == 0


def test_an_emptied_ledger_is_refused_not_recreated(sample):
    assert invoke("plan", "2017").exit_code == 0
    (sample / "ledger.db").write_bytes(b"")
    for suffix in ("-wal", "-shm"):
        (sample / f"ledger.db{suffix}").unlink(missing_ok=True)
    result = invoke("plan", "2017")
    assert result.exit_code == 1 and "空文件" in result.stderr
    assert (sample / "ledger.db").stat().st_size == 0
    assert "账本完好" not in invoke("doctor").stdout


def test_backups_rotate_and_stay_bounded(sample):
    for month in range(1, 9):
        assert invoke("attend", "set", f"2017-{month:02d}-12", "高峰", "请假",
                      "--reason", f"第{month}次").exit_code in (0, 1)
        assert invoke("plan", "2017", "--force").exit_code == 0
    assert 1 <= len(list((sample / "backups").glob("ledger-*.db"))) <= 5


def test_reading_commands_take_no_backup(sample):
    before = sorted((sample / "backups").glob("*"))
    for args in (("roster", "list"), ("dues", "standard", "--year", "2017"), ("doctor",)):
        invoke(*args)
    assert sorted((sample / "backups").glob("*")) == before


def test_new_ledger_keeps_the_old_one_as_a_backup(sample):
    assert invoke("doctor", "--new-ledger").exit_code == 0
    assert _members(sample) == 0
    assert invoke("doctor", "--restore").exit_code == 0
    assert _members(sample) == 30


# --- a read-only workspace (a CD, a read-only share) ------------------------------------


@pytest.fixture
def read_only_copy(sample, tmp_path):  # type: ignore[no-untyped-def]
    """The sample workspace on a real read-only file system (a tmpfs remounted ro)."""
    mount = tmp_path / "cd"
    mount.mkdir()
    if sys.platform != "linux" or subprocess.run(
            ["mount", "-t", "tmpfs", "tmpfs", str(mount)], capture_output=True).returncode != 0:
        pytest.skip("cannot mount a read-only file system here")
    try:
        shutil.copytree(sample, mount / "ws", ignore=shutil.ignore_patterns("*-wal", "*-shm"))
        if subprocess.run(["mount", "-o", "remount,ro", str(mount)], capture_output=True).returncode:
            pytest.skip("cannot remount read-only")
        yield mount / "ws"
    finally:
        os.chdir(tmp_path)  # the test's cwd is inside the mount: umount would say "busy"
        if subprocess.run(["umount", str(mount)], capture_output=True).returncode:
            subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_a_read_only_workspace_answers_reading_commands(read_only_copy, monkeypatch):
    monkeypatch.chdir(read_only_copy)
    listed = invoke("roster", "list", "--date", "2017-03-01")
    assert listed.exit_code == 0 and "张伟" in listed.stdout
    assert invoke("dues", "standard", "--year", "2017").exit_code == 0
    assert invoke("calendar", "2017").exit_code == 0
    refused = invoke("plan", "2017")
    assert refused.exit_code == 1 and "只读" in refused.stderr


def test_an_output_gets_the_mode_any_program_would_give_it(tmp_path):
    """A written file is readable by the others of a shared 党委 folder as the umask allows
    (the temporary file's 0600 is not kept); a file replaced keeps its own mode."""
    import os
    import stat

    from partyday_cli.io.files import write_atomic

    old = os.umask(0o022)
    try:
        target = tmp_path / "报表.xlsx"
        write_atomic(target, b"x")
        assert stat.S_IMODE(target.stat().st_mode) == 0o644
        target.chmod(0o600)
        write_atomic(target, b"y")
        assert stat.S_IMODE(target.stat().st_mode) == 0o600 and target.read_bytes() == b"y"
    finally:
        os.umask(old)
