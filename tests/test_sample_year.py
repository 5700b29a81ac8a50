"""The sample branch's 2017, end to end: the figures of the second-quarter report, by hand.

The year is designed in sample_data/build_signins.py and sample_data/leaves.py:
- 4月12日: 30 members in the roster, 陈国华 exempt, 李娜 admitted 4月10日 → 应到 29;
  高峰 on leave (出差), 韩梅 absent → 实到 27; 27/29 = 93.1%.
- 5月11日: 应到 29; 马丽、高峰、冯刚、许文 on leave, 宋佳 and 韩梅 absent → 实到 23;
  23/29 = 79.3% < 80%.
- 6月14日: 赵磊 transferred out 6月1日 → 应到 28; 曹丽华 on leave, 林涛 late (counts as
  present) → 实到 27; 27/28 = 96.4%.
- 宋佳: absent 1月11日, 3月8日, 5月11日 → 3 unexcused → 谈话提醒.
- 韩梅: absent 4月12日 and 5月11日 → two in a row → 连续缺勤.
- 邓超: no dues paid January–June in 2017党费台账.xlsx → six months → 党章第九条.
"""

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from partyday_cli.cli.main import app
from sample_data.leaves import LEAVES

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "workspace"
runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def year(tmp_path_factory):
    import os

    ws = tmp_path_factory.mktemp("year") / "sample"
    shutil.copytree(SAMPLE, ws)
    here = os.getcwd()
    os.chdir(ws)
    try:
        assert invoke("roster", "import", "roster.xlsx", "--as-of", "2017-01-05").exit_code == 0
        assert invoke("plan", "2017").exit_code == 0
        for day, name, status, reason in LEAVES:
            assert invoke("attend", "set", day, name, status, "--reason", reason).exit_code == 0
        assert invoke("attend", "import", "签到").exit_code == 0
        assert invoke("dues", "import", "2017党费台账.xlsx").exit_code == 0
        result = invoke("report", "quarterly", "--year", "2017", "--quarter", "2", "-f", "json")
        table = invoke("report", "quarterly", "--year", "2017", "--quarter", "2")
        annual = json.loads(invoke("report", "annual", "--year", "2017", "-f", "json").stdout)
    finally:
        os.chdir(here)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), table.stdout, annual


def test_each_activity_of_the_quarter(year):
    report, _, _ = year
    assert (report["year"], report["quarter"]) == (2017, 2)
    got = {a["date"]: (a["expected"], a["present"], a["excused"], a["absent"], a["rate"], a["below_threshold"])
           for a in report["activities"]}
    assert got == {
        "2017-04-12": (29, 27, 1, 1, 0.931, False),
        "2017-05-11": (29, 23, 4, 2, 0.7931, True),
        "2017-06-14": (28, 27, 1, 0, 0.9643, False),
    }


def flags_of(report: dict, name: str) -> str:
    return " ".join(f for m in report["members"] if m["name"] == name for f in m["flags"])


def test_the_members_the_rules_flag(year):
    report, _, _ = year
    assert "谈话提醒" in flags_of(report, "宋佳")
    assert "1月11日、3月8日、5月11日" in flags_of(report, "宋佳")
    assert "连续缺勤" in flags_of(report, "韩梅") and "4月12日、5月11日" in flags_of(report, "韩梅")
    assert "党章第九条" in flags_of(report, "邓超") and "6个月" in flags_of(report, "邓超")
    for name in ("李建国", "王秀英", "高峰"):
        assert flags_of(report, name) == ""
    absences = {m["name"]: m["absences"] for m in report["members"]}
    assert absences["宋佳"] == 3 and absences["韩梅"] == 2


def test_the_screen_marks_the_breaches(year):
    _, table, _ = year
    assert "79.3%" in table and "低于要求" in table
    assert "宋佳" in table and "韩梅" in table and "邓超" in table
    assert "138****" in table and "13800001023" not in table  # phone masked on screen


def test_the_annual_report_does_not_read_unrecorded_months_as_unpaid(year):
    """The sample 台账 is filled January–June: July–December are 未登记, so only 邓超
    (unpaid January–June) carries the 党章第九条 dues flag, not the whole branch."""
    _, _, annual = year
    flagged = {m["name"] for m in annual["members"] if any("党章第九条" in f for f in m["flags"])}
    assert flagged == {"邓超"}
