"""core.report (pure rules) and store.report_queries (the reads, checked against the
dues store they stand in for, on the synthetic workspace the benchmarks use)."""

from __future__ import annotations

import importlib.util
import os
import sys
from dataclasses import replace
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from partyday_cli.core.report import (
    ActivityCounts,
    BranchSummary,
    Period,
    Thresholds,
    activity_stats,
    attendance_flags,
    kind_checks,
    kind_rules_from_config,
    last_complete_quarter,
    percent_text,
    rate_number,
    theme_checks,
    thresholds_from_config,
)
from partyday_cli.errors import UserError

GENERATE = Path(__file__).resolve().parents[1] / "benchmarks" / "generate.py"


def _generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bench_generate", GENERATE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def d(text: str) -> date:
    return date.fromisoformat(f"2017-{text}")


# ------------------------------------------------------------------------------ rates


def test_rates_are_exact_and_rounded_half_up():
    assert rate_number(Fraction(25, 29)) == 0.8621  # 0.862068…
    assert rate_number(Fraction(1, 20000)) == 0.0001  # 0.00005 half-up, not to even
    assert percent_text(Fraction(1, 8)) == "12.5%" and percent_text(Fraction(1, 16)) == "6.3%"
    assert percent_text(Fraction(2, 3)) == "66.7%" and rate_number(None) is None


def test_below_threshold_compares_exactly():
    t = Thresholds()
    at = ActivityCounts(1, "b", d("04-12"), rows=10, absent=2, signed=True)  # 8/10 = 0.8: not below
    under = ActivityCounts(2, "b", d("05-10"), rows=31, absent=7, signed=True)  # 24/31 = 0.774…
    exempt = ActivityCounts(3, "b", d("06-14"), rows=5, exempt=5, signed=True)  # nobody expected
    stats = activity_stats([at, under, exempt], t)
    assert [s.below_threshold for s in stats] == [False, True, False]
    assert at.expected == 10 and at.present == 8 and exempt.rate is None


def test_late_record_uses_the_calendar_it_is_given():
    act = ActivityCounts(1, "一支部", d("04-12"), rows=3, record_filed_on=d("04-20"), signed=True)
    late = activity_stats([act], Thresholds(), lambda day: d("04-19"))[0]
    assert late.record_late == "记实表逾期：一支部4月12日的活动应于4月19日前填报，实际4月20日填报"
    assert activity_stats([act], Thresholds(), lambda day: d("04-20"))[0].record_late == ""


# ------------------------------------------------------------------------------ flags


def events(*pairs: str) -> list[tuple[date, str]]:
    """'01-11 缺席' → (2017-01-11, '缺席')."""
    return [(d(p.split()[0]), p.split()[1]) for p in pairs]


def codes(evs: list[tuple[date, str]], t: Thresholds = Thresholds()) -> list[str]:
    return [f.code for f in attendance_flags(evs, t)]


def test_three_absences_talk_four_unqualified():
    three = events("01-11 缺席", "02-08 出席", "03-08 缺席", "04-12 出席", "05-11 缺席")
    assert codes(three) == ["talk"]
    four = [*three, (d("06-14"), "出席"), (d("07-12"), "缺席")]
    assert codes(four) == ["unqualified"]  # 不合格 replaces 谈话提醒 at 4


def test_two_in_a_row_but_leave_and_makeup_break_the_run():
    assert codes(events("04-12 缺席", "05-11 缺席")) == ["consecutive"]
    assert codes(events("04-12 缺席", "05-11 请假", "06-14 缺席")) == []
    assert codes(events("04-12 缺席", "05-11 补学", "06-14 缺席")) == []
    # 免参加 is not an expected activity: two absences in a row around it; but an approved
    # exemption is a good reason, so no 3-month stretch without organisational life
    assert codes(events("04-12 缺席", "05-11 免参加", "06-14 缺席")) == ["consecutive"]


def test_article_nine_counts_calendar_months():
    warn = events("04-12 缺席", "05-11 缺席", "06-14 缺席")  # April–June: 3 months
    assert codes(warn) == ["talk", "consecutive", "lapse_warn"]
    gap = events("06-14 缺席", "09-13 缺席")  # no activity in July–August: June–September is 4 months
    assert "lapse_warn" in codes(gap)
    six = events(*(f"{m:02d}-10 缺席" for m in range(1, 7)))
    flags = attendance_flags(six, Thresholds())
    assert [f.code for f in flags] == ["unqualified", "consecutive", "lapse"]
    assert "1月—6月连续6个月未参加党的组织生活" in flags[-1].text


def test_thresholds_from_config():
    t = thresholds_from_config({"attendance_rate": 0.9, "absences_talk": 2, "consecutive_absences": 3})
    assert t.attendance_rate == Fraction(9, 10) and t.absences_talk == 2 and t.absences_unqualified == 4
    assert codes(events("04-12 缺席", "05-11 缺席"), t) == ["talk"]  # 2 → talk; 2 in a row < 3
    for bad in ({"attendance_rate": 80}, {"attendance_rate": "x"}, {"absences_talk": 0}, {"lapse_flag_months": 1.5}):
        with pytest.raises(UserError):
            thresholds_from_config(bad)


# --------------------------------------------------------------------------- periods


def test_periods():
    q2 = Period.of_quarter(2017, 2)
    assert (q2.start, q2.end, q2.label) == (d("04-01"), d("06-30"), "2017年第二季度")
    assert Period.of_quarter(2017, 4).end == d("12-31")
    assert last_complete_quarter(date(2026, 11, 22)) == (2026, 3)
    assert last_complete_quarter(date(2027, 2, 1)) == (2026, 4)
    with pytest.raises(UserError):
        Period.of_quarter(2017, 5)


# ------------------------------------------------------------------- themes and kinds


def held(*items: tuple[str, str, tuple[str, ...]]) -> list[ActivityCounts]:
    return [ActivityCounts(i, "b", d(day), theme, kinds, rows=1, signed=True)
            for i, (day, theme, kinds) in enumerate(items)]


def test_kind_rules_parse_and_count_by_window():
    rules = kind_rules_from_config({"支部党员大会": "quarterly", "党课": "yearly:4", "支部委员会": "monthly"})
    assert [(r.kind, r.frequency, r.count) for r in rules] == [
        ("支部党员大会", "quarterly", 1), ("党课", "yearly", 4), ("支部委员会", "monthly", 1)]
    with pytest.raises(UserError, match="每季度"):
        kind_rules_from_config({"党课": "sometimes"})
    acts = held(("04-12", "", ("支部党员大会", "党课")), ("05-11", "", ("支部委员会",)))
    checks = kind_checks("b", acts, rules, Period.of_quarter(2017, 2), d("06-30"))
    found = {(c.name, c.window): (c.count, c.status) for c in checks}
    assert found[("支部党员大会", "第二季度")] == (1, "ok")
    assert found[("支部委员会", "4月")] == (0, "short") and found[("支部委员会", "5月")] == (1, "ok")
    assert found[("党课", "全年")] == (1, "pending")  # 1 by June ≥ ⌊4 × 180/365⌋ = 1
    short = [c.text for c in checks if c.status == "short"]
    assert short == ["支部委员会（每月一次）：4月未开展", "支部委员会（每月一次）：6月未开展"]
    annual = kind_checks("b", acts, rules, Period.of_year(2017), d("12-31"))
    assert "党课（每年至少4次）：全年只开展了1次" in [c.text for c in annual]
    assert "支部党员大会（每季度一次）：第三季度未开展" in [c.text for c in annual]


def test_a_branch_without_groups_is_not_asked_for_group_meetings():
    """离退休党支部 with no 党小组 on its roster: no 党小组会（每月一次）未达要求 for it; a branch
    with groups is asked one a month of each."""
    rules = kind_rules_from_config({"党小组会": "monthly", "支部委员会": "monthly"})
    acts = held(("04-10", "", ("支部委员会",)))
    none = kind_checks("b", acts, rules, Period.of_quarter(2017, 2), d("06-30"), ())
    assert {c.name for c in none} == {"支部委员会"}
    two = kind_checks("b", acts, rules, Period.of_quarter(2017, 2), d("06-30"), ("第一党小组", "第二党小组"))
    assert sum(1 for c in two if c.name == "党小组会") == 6 and all(
        c.status == "short" for c in two if c.name == "党小组会")


def test_theme_checks_name_requirement_and_quarter():
    from partyday_cli.io.themes import load_catalogue

    catalogue = load_catalogue("9+3")
    acts = held(("01-06", "公开承诺、专题学习", ()), ("04-07", "专题学习、党务公开", ()))
    q2 = theme_checks("b", acts, catalogue, Period.of_quarter(2017, 2), d("06-30"))
    texts = [c.text for c in q2 if c.text]
    assert "为民服务（每季度一次）：第二季度未开展" in texts
    assert "组织生活（每半年一次）：上半年未开展" in texts
    assert next(c for c in q2 if c.name == "党内关爱").status == "pending"  # 七一 window runs to July
    assert not any("第一季度" in t for t in texts)  # judged in the first quarter's report
    assert all(c.window != "年初（1—3月）" for c in q2)
    q1 = theme_checks("b", acts, catalogue, Period.of_quarter(2017, 1), d("03-31"))
    assert any(c.name == "公开承诺" and c.status == "ok" for c in q1)
    assert "党务公开（每季度一次）：第一季度未开展" in [c.text for c in q1]


def test_a_requirement_that_is_a_meeting_is_met_by_the_meeting_as_kind_checks_count_it():
    """“组织生活会和民主评议党员（每年一次）” in the 主题 list and 组织生活会 / 民主评议党员 in
    三会一课: a branch that held both as meetings (partyday meeting add, no theme on the day)
    meets all three, not the two kinds while the theme says 未开展."""
    from partyday_cli.io.themes import load_catalogue

    catalogue = load_catalogue("dangyuan-huodongri")
    rules = kind_rules_from_config({"组织生活会": "yearly:1", "民主评议党员": "yearly:1"})
    year = Period.of_year(2017)

    def judged(acts: list[ActivityCounts]) -> dict[str, tuple[str, tuple[date, ...]]]:
        found = theme_checks("b", acts, catalogue, year, d("12-31")) + kind_checks("b", acts, rules, year, d("12-31"))
        return {c.requirement: (c.status, c.dates) for c in found if "组织生活会" in c.name or "民主评议" in c.name}

    apart = judged(held(("12-20", "", ("组织生活会",)), ("12-22", "", ("民主评议党员",))))
    assert apart["组织生活会和民主评议党员（每年一次）"] == ("ok", (d("12-22"),))  # the set is whole on the 22nd
    assert apart["组织生活会（每年至少1次）"][0] == apart["民主评议党员（每年至少1次）"][0] == "ok"
    together = judged(held(("12-20", "", ("组织生活会", "民主评议党员"))))
    assert {status for status, _ in together.values()} == {"ok"}
    only_one = judged(held(("12-20", "", ("组织生活会",))))
    assert only_one["组织生活会和民主评议党员（每年一次）"][0] == "short"
    assert only_one["民主评议党员（每年至少1次）"][0] == "short"
    # a subject theme is met by its theme only: a 党课 is not “两学一做”学习教育
    subject = theme_checks("b", held(("04-20", "", ("党课", "支部党员大会"))), catalogue, year, d("12-31"))
    assert all(c.status == "short" for c in subject if c.name == "“两学一做”学习教育")


def test_rollup_worst_first():
    def row(name: str, rate: Fraction | None, flagged: int = 0, owed: str = "0") -> BranchSummary:
        return BranchSummary(name, 3, 3, 0, rate, 10, flagged, Decimal(owed), 0, 0, 0, 0)

    rows = [row("甲", Fraction(9, 10)), row("乙", Fraction(1, 2)), row("丙", None),
            row("丁", Fraction(9, 10), flagged=2), row("戊", Fraction(9, 10), flagged=2, owed="10")]
    assert [r.branch for r in sorted(rows, key=BranchSummary.sort_key)] == ["丙", "乙", "戊", "丁", "甲"]


# -------------------------------------------------------------- the reads, at scale


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    root = tmp_path_factory.mktemp("synthetic")
    return _generator().generate_workspace(root, branches=12, members=600, seed=3)


def test_fast_dues_path_agrees_with_dues_status(synthetic):
    from partyday_cli.core.dues import DuesPolicy
    from partyday_cli.store.ledger import open_ledger
    from partyday_cli.store.report_queries import report_dues

    with open_ledger(synthetic / "ledger.db") as ledger:
        for period in (Period.of_quarter(2017, 2), Period.of_year(2017)):
            fast = report_dues(ledger, period, date(2026, 1, 1), DuesPolicy())
            exact = report_dues(ledger, period, date(2026, 1, 1), DuesPolicy(), exact_only=True)
            assert fast == exact
            assert any(line.owed > 0 for line in fast) and any(line.owed == 0 for line in fast)
            assert any(line.standard_note for line in fast)  # a capped or branch-set standard
        # a 补交 made by the year's end is said; one made after the quarter's end is not in its report
        assert any("补交" in f for line in fast for f in line.flags)
        mid = report_dues(ledger, Period.of_quarter(2017, 2), d("05-20"), DuesPolicy())
        assert mid == report_dues(ledger, Period.of_quarter(2017, 2), d("05-20"), DuesPolicy(), exact_only=True)


def test_dues_people_and_payments_agree_with_the_dues_store(synthetic, tmp_path):
    import shutil

    from partyday_cli.core.dues import Payment
    from partyday_cli.store.dues import members_for_year, payments, save_dues_import
    from partyday_cli.store.ledger import open_ledger
    from partyday_cli.store.report_queries import dues_people, payments_of
    from partyday_cli.store.roster import members_on_with_ids, save_roster

    ws = tmp_path / "copy"
    shutil.copytree(synthetic, ws)
    with open_ledger(ws / "ledger.db") as ledger:
        # a mid-year roster: one member dropped, one changes 党小组 and income, one new
        current = members_on_with_ids(ledger, d("07-01"))
        kept = [m for _, m in current[1:]]
        kept[0] = replace(kept[0], group="新党小组", income=Decimal("9999.00"))
        kept.append(replace(kept[1], name="新同志", phone="13000000000", joined=d("07-01")))
        save_roster(ledger, kept, sha256="e" * 64, original_name="年中花名册.xlsx", archived_path="",
                    effective_date=d("07-01"))
        # a corrected 台账: the newest import's row wins for a member and month
        first_id = current[2][0]
        save_dues_import(ledger, [Payment(first_id, "2017-03", Decimal("1.23"), d("03-31"))], [],
                         sha256="f" * 64, original_name="更正.xlsx", archived_path="")
        expected = {mid: m for mid, m in members_for_year(ledger, 2017)}
        got = {p.member_id: p.member() for p in dues_people(ledger, 2017)}
        assert set(got) == set(expected)
        for mid, m in expected.items():
            fields = ("name", "branch", "group", "category", "income", "dues_override", "joined",
                      "transferred_in", "transferred_out", "party_status", "full_member_date")
            assert [getattr(got[mid], f) for f in fields] == [getattr(m, f) for f in fields], mid
        ids = sorted(expected)
        assert payments_of(ledger, ids, "2017-01", "2017-12") == [p for p in payments(ledger, 2017)
                                                                  if p.member_id in expected]
        assert any(p.amount == Decimal("1.23") for p in payments_of(ledger, [first_id], "2017-03", "2017-03"))


def test_reads_hold_at_a_tenth_of_the_benchmark(tmp_path):
    """40 branches × 3,000 members (a tenth of the benchmark; its speed is benchmarks/report_bench.py's)."""
    from partyday_cli.core.dues import DuesPolicy
    from partyday_cli.store import report_queries as q
    from partyday_cli.store.ledger import open_ledger

    root = _generator().generate_workspace(tmp_path / "big", branches=40, members=3000, seed=5)
    period = Period.of_quarter(2017, 2)
    with open_ledger(root / "ledger.db") as ledger:
        acts, tallies = q.read_attendance(ledger, period)
        directory = q.member_directory(ledger, period.end)
        fast = q.report_dues(ledger, period, date(2026, 1, 1), DuesPolicy())
        assert fast == q.report_dues(ledger, period, date(2026, 1, 1), DuesPolicy(), exact_only=True)
    assert len(acts) == 40 * 6 and len(tallies) > 2900 and len(directory) == 3000


def test_generated_workspace_reports_end_to_end(synthetic):
    from typer.testing import CliRunner

    from partyday_cli.cli.main import app

    result = CliRunner().invoke(app, ["report", "quarterly", "-w", str(synthetic), "-y", "2017", "-q", "2",
                                      "-f", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    import json

    data = json.loads(result.stdout)
    assert len(data["branches"]) == 12 and len(data["activities"]) == 36
    rates = [b["rate"] for b in data["branches"]]
    assert rates == sorted(rates)  # worst first (no branch ties on flags here matter for the order of rates)


def test_report_module_does_not_load_heavy_libraries():
    import subprocess
    import sys

    code = ("import sys; import partyday_cli.cli.main, partyday_cli.cli.report, partyday_cli.render.report_xlsx;"
            " print(sorted(m for m in ('openpyxl', 'pandas') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_prefetched_reads_open_the_ledger_wherever_it_lies(tmp_path):
    """The report's reads on a second connection: a folder named with spaces, # and ? and
    Chinese is opened (read-only) all the same; a statement that fails, or a ledger that
    cannot be opened, gives None (the caller reads itself), not an error."""
    import sqlite3

    from partyday_cli.store.report_queries import Prefetch

    folder = tmp_path / "党委 #1? 工作区"
    folder.mkdir()
    path = folder / "ledger.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.executemany("INSERT INTO t VALUES (?)", [(3,), (1,), (2,)])
    conn.commit()
    conn.close()
    with Prefetch(path, {"a": ("SELECT x FROM t ORDER BY x", []), "b": ("SELECT y FROM nowhere", [])}) as pre:
        assert pre.rows("a") == [(1,), (2,), (3,)]
        assert pre.rows("b") is None and pre.rows("c") is None
    with Prefetch(folder / "没有.db", {"a": ("SELECT 1", [])}) as pre:
        assert pre.rows("a") is None


def test_the_console_script_report_is_whole_though_its_process_ends_without_teardown(synthetic, tmp_path):
    """`partyday report` ends its process without freeing the report (`keep_until_exit`): what
    it writes must still all arrive, to a file, a pipe or `-o`, with the command's exit code."""
    import subprocess

    from typer.testing import CliRunner

    from partyday_cli.cli.main import app

    args = ["report", "quarterly", "-w", str(synthetic), "-y", "2017", "-q", "2", "-f", "json"]
    inside = CliRunner().invoke(app, args, catch_exceptions=False)
    assert inside.exit_code == 0
    cmd = [sys.executable, "-m", "partyday_cli", *args]
    with (tmp_path / "out.json").open("wb") as out:
        done = subprocess.run(cmd, stdout=out, stderr=subprocess.PIPE, check=False)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out.json").read_bytes() == inside.stdout_bytes and len(inside.stdout_bytes) > 100_000
    done = subprocess.run([*cmd, "-o", str(tmp_path / "报表.json")], capture_output=True, check=False)
    assert done.returncode == 0 and (tmp_path / "报表.json").read_bytes() == inside.stdout_bytes
    table = CliRunner().invoke(app, args[:-2], catch_exceptions=False)  # rich tables, written by rich
    done = subprocess.run(cmd[:-2], capture_output=True, check=False, env={**os.environ, "COLUMNS": "80"})
    assert done.returncode == 0 and done.stdout.decode() == table.stdout and "到会率" in table.stdout
    # a reader that stops early: no traceback, exit 0
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdout.read(10)
    proc.stdout.close()
    assert proc.wait(timeout=60) == 0 and b"Traceback" not in proc.stderr.read()  # type: ignore[union-attr]
    # a user mistake still ends with its one line and exit 1
    done = subprocess.run([*cmd[:-2], "-o", str(tmp_path / "报表.ics")], capture_output=True, check=False)
    assert done.returncode == 1 and "ics" in done.stderr.decode()
