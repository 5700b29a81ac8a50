"""What the demo's reports say where the sample 台账 stops (June): read as a 书记 reads them."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from partyday_cli.cli.main import app

runner = CliRunner()


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def report(demo, *args: str):  # type: ignore[no-untyped-def]
    result = invoke("report", *args, "-w", str(demo))
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def demo(tmp_path_factory):  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        result = invoke("demo", "示例")
        assert result.exit_code == 0, result.output
    return root / "示例"


def test_a_quarter_after_the_ledger_stops_is_not_reported_as_paid(demo):
    """Q3 with a 台账 filled to June: the summary says the quarter's months are not recorded
    and what they are due, instead of 已交 0.00 beside '其余 29 名党员按月足额交纳'."""
    lines = report(demo, "quarterly", "--year", "2017", "--quarter", "3").splitlines()
    dues_row = next(line for line in lines if "本期应交" in line)
    assert "2017年7月—9月台账尚未登记" in dues_row and "未计入欠交" in dues_row
    assert any("台账已登记的月份按月足额交纳" in line for line in lines)
    assert not any(line.startswith("其余") and "名党员按月足额交纳" in line for line in lines)
    data = json.loads(report(demo, "quarterly", "--year", "2017", "--quarter", "3", "-f", "json"))
    dues = data["dues"]
    assert dues["unrecorded_months"] == ["2017-07", "2017-08", "2017-09"]
    assert Decimal(dues["unrecorded_due"]) == Decimal(dues["due"]) and dues["paid"] == "0.00"


def test_annual_figures_add_up(demo):
    """应交 = 已交 + 欠交 + 未登记 over the year; the six unpaid months of 邓超 are named on the
    summary's 党章第九条 line too, not only as a 党费提醒."""
    data = json.loads(report(demo, "annual", "--year", "2017", "-f", "json"))
    dues = data["dues"]
    assert Decimal(dues["due"]) == Decimal(dues["paid"]) + Decimal(dues["owed"]) + Decimal(dues["unrecorded_due"])
    table = report(demo, "annual", "--year", "2017").splitlines()
    assert any("党章第九条 " in line and "邓超（党费）" in line for line in table)
    assert any("党章第九条提醒" in line and "无" in line for line in table)


def test_the_report_is_a_library_call_the_command_only_renders(demo):
    """`partyday_cli.reports.build` without Typer gives the report the command prints."""
    from datetime import date

    from partyday_cli import workspace
    from partyday_cli.core.report import Period
    from partyday_cli.reports import build, member_record, report_json

    ws = workspace.load(demo)
    report = build(ws, Period.of_quarter(2017, 2), None, date.today())
    assert report.branch == "机关第一党支部" and len(report.activities) >= 3
    said = json.loads(invoke("report", "quarterly", "-y", "2017", "-q", "2", "-f", "json", "-w", str(demo)).stdout)
    assert report_json(report, org=ws.org_name, show_private=False) == said
    record = member_record(ws, "邓超", 2017, None, show_private=False)
    assert record["name"] == "邓超" and record["dues"] is not None and "****" in record["phone"]
