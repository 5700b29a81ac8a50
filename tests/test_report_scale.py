"""The report's reads at 党委 scale (store.report_queries) against the plain rows they count.

The reads group in SQLite over indexes and take each member's 党费标准 from what the
roster import stored; these tests recount the same ledger row by row in Python (the
obvious way, too slow for 30,000 members) and require the same figures. The ledger is
the synthetic 党委 of benchmarks/generate.py (the one the benchmarks time), small.
"""

from __future__ import annotations

import importlib.util
import shutil
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from partyday_cli.core.dues import DuesPolicy, monthly_standard, standard_policy
from partyday_cli.core.members import Member
from partyday_cli.core.report import Period
from partyday_cli.store import report_queries as q
from partyday_cli.store.ledger import open_ledger

GENERATE = Path(__file__).resolve().parents[1] / "benchmarks" / "generate.py"
SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "workspace"
NOT_PRESENT = {"请假": "excused", "缺席": "absent", "补学": "makeup", "免参加": "exempt"}


def _generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bench_generate", GENERATE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def dangwei(tmp_path_factory):
    return _generator().generate_workspace(tmp_path_factory.mktemp("dangwei"), branches=9, members=400, seed=11)


def _recount(ledger, period: Period, branch: str | None):  # type: ignore[no-untyped-def]
    """Per activity and per member, the rows of the year to the period's end, one by one."""
    rows = ledger.conn.execute(
        "SELECT a.id, a.branch, a.date, t.member_id, t.status FROM attendance t JOIN activities a"
        " ON a.id = t.activity_id WHERE a.date BETWEEN ? AND ?",
        (period.year_start.isoformat(), period.end.isoformat())).fetchall()
    acts: dict[int, dict[str, int]] = {}
    members: dict[int, dict[str, object]] = {}
    for aid, br, day, mid, status in rows:
        if branch is not None and br != branch:
            continue
        acts.setdefault(aid, {"rows": 0}).setdefault(status, 0)
        acts[aid]["rows"] += 1
        acts[aid][status] += 1
        m = members.setdefault(mid, {"rows": 0, "period_rows": 0, "events": []})
        inside = date.fromisoformat(day) >= period.start
        m["rows"] += 1
        m["period_rows"] += inside
        if status in NOT_PRESENT:
            m[NOT_PRESENT[status]] = m.get(NOT_PRESENT[status], 0) + 1
            key = "period_" + NOT_PRESENT[status]
            m[key] = m.get(key, 0) + inside
        m["events"].append((date.fromisoformat(day), status))
    return acts, members


@pytest.mark.parametrize("period", [Period.of_quarter(2017, 1), Period.of_quarter(2017, 2),
                                    Period.of_quarter(2017, 4), Period.of_year(2017)], ids=str)
@pytest.mark.parametrize("branch", [None, "第003党支部"])
def test_attendance_counts_equal_the_rows_counted_one_by_one(dangwei, period, branch):
    with open_ledger(dangwei / "ledger.db") as ledger:
        acts, tallies = q.read_attendance(ledger, period, branch)
        want_acts, want_members = _recount(ledger, period, branch)
    assert {a.id for a in acts if a.rows} == set(want_acts)
    for a in acts:
        want = want_acts.get(a.id, {"rows": 0})
        assert (a.rows, a.excused, a.absent, a.makeup, a.exempt) == (
            want["rows"], want.get("请假", 0), want.get("缺席", 0), want.get("补学", 0), want.get("免参加", 0))
    assert set(tallies) == set(want_members)
    for mid, t in tallies.items():
        want = want_members[mid]
        for name in ("rows", "period_rows", *NOT_PRESENT.values(), *(f"period_{v}" for v in NOT_PRESENT.values())):
            assert getattr(t, name) == want.get(name, 0), (mid, name)
        # the dated rows are there for whoever has a 缺席 (the run and 党章第九条 flags need them)
        assert t.events == (sorted(want["events"]) if t.absent else [])
    if branch is None:  # the counts above covered absences and exemptions
        assert any(t.absent for t in tallies.values()) and any(t.exempt for t in tallies.values())


def test_the_stored_standard_is_the_rules_standard(dangwei):
    with open_ledger(dangwei / "ledger.db") as ledger:
        rows = ledger.conn.execute(
            "SELECT mv.category, mv.income, mv.dues_override, s.policy, s.monthly, s.note, s.missing"
            " FROM member_versions mv JOIN dues_standards s ON s.version_id = mv.id").fetchall()
    assert len(rows) == 400
    for category, income, override, policy, monthly, note, missing in rows:
        s = monthly_standard(Member("", category=category, income=None if income is None else Decimal(income),
                                    dues_override=None if override is None else Decimal(override)), DuesPolicy())
        assert (policy, Decimal(monthly), note, bool(missing)) == (standard_policy(DuesPolicy()), s.monthly,
                                                                   s.note, s.missing)


def test_other_dues_amounts_are_decided_again_not_read(dangwei):
    """A [dues] farmer_monthly changed after the roster import: the stored standards are
    of the old amount, so the report decides each one again (and agrees with the exact path)."""
    policy = replace(DuesPolicy(), farmer_monthly=Decimal("0.50"))
    period = Period.of_quarter(2017, 2)
    with open_ledger(dangwei / "ledger.db") as ledger:
        fast = q.report_dues(ledger, period, date(2026, 1, 1), policy)
        exact = q.report_dues(ledger, period, date(2026, 1, 1), policy, exact_only=True)
        farmers = {mid for mid, in ledger.conn.execute(
            "SELECT member_id FROM member_versions WHERE category = '农民' AND dues_override IS NULL")}
    assert fast == exact
    assert farmers and all(line.monthly == Decimal("0.50") for line in fast if line.member_id in farmers)


def test_a_roster_import_stores_each_members_standard(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from partyday_cli.cli.main import app
    from partyday_cli.store.roster import all_members_with_ids

    ws = tmp_path / "sample"
    shutil.copytree(SAMPLE, ws)
    monkeypatch.chdir(ws)
    result = CliRunner().invoke(app, ["roster", "import", "roster.xlsx", "--as-of", "2017-01-05"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    with open_ledger(ws / "ledger.db") as ledger:
        stored = {mid: (Decimal(monthly), note) for mid, monthly, note in ledger.conn.execute(
            "SELECT mv.member_id, s.monthly, s.note FROM dues_standards s JOIN member_versions mv"
            " ON mv.id = s.version_id")}
        members = all_members_with_ids(ledger)
    assert len(stored) == len(members) > 20
    for mid, m in members:
        s = monthly_standard(m, DuesPolicy())
        assert stored[mid] == (s.monthly, s.note), m.name
