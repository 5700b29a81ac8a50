"""Each of the six seed schemes runs its 2017 end to end through the CLI, as a new branch
would (issue 13): init from the preset, roster, plan, 签到表, every meeting its text
requires (from the written [meeting_kinds], imported as a 三会一课 register), attendance
for every activity day, 记实表, the four quarterly reports and the annual report.

The annual report of a branch that did everything the text asks shows no shortfall; a
branch that left one required meeting out is told exactly that one. Schemes that name no
day (每月开展一次 / 1月/次 / 每月确定一天) get the branch's own days in [schedule.dates], as
their plan asks.
"""

from __future__ import annotations

import json
import tomllib
from datetime import date, timedelta
from pathlib import Path

import pytest
from chinese_calendar import is_workday
from openpyxl import Workbook
from typer.testing import CliRunner

from partyday_cli.cli.main import app
from partyday_cli.io.schemes import scheme_names

runner = CliRunner()
BRANCH = "第一党支部"
# 姓名, 党小组, 备注 (职务): a committee of three, two 党小组
MEMBERS = [("林书记", "第一党小组", "支部书记"), ("周组织", "第一党小组", "组织委员"),
           ("吴宣传", "第二党小组", "宣传委员"), ("郑一", "第一党小组", ""), ("王二", "第一党小组", ""),
           ("冯三", "第二党小组", ""), ("陈四", "第二党小组", ""), ("褚五", "第二党小组", "")]


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def ok(*args: str):
    result = invoke(*args)
    assert result.exit_code == 0, (args, result.output)
    return result


def _workdays(month: int, avoid: set[date]) -> list[date]:
    d, out = date(2017, month, 1), []
    while d.month == month:
        if is_workday(d) and d not in avoid:
            out.append(d)
        d += timedelta(days=1)
    return out


def _meeting_days(kinds: dict[str, str], secretary_lectures: int, busy: set[date]) -> list[list[object]]:
    """One register row per meeting the [meeting_kinds] ask for, each on a free workday."""
    rows: list[list[object]] = []
    taken = set(busy)

    def day_in(month: int) -> date:
        free = [d for d in _workdays(month, taken) if d.day >= 15] or _workdays(month, taken)
        taken.add(free[0])
        return free[0]

    for kind, frequency in kinds.items():
        if kind == "主题党日":
            continue  # the activity days themselves
        if frequency == "monthly":
            months = list(range(1, 13))
        elif frequency == "quarterly":
            months = [3, 6, 9, 12]
        elif frequency == "halfyearly":
            months = [6, 12]
        else:  # yearly:N
            n = int(frequency.split(":")[1])
            months = [round(1 + k * 11 / max(n - 1, 1)) for k in range(n)] if n > 1 else [11]
        for month in months:
            groups = ["第一党小组", "第二党小组"] if kind == "党小组会" else [""]
            for group in groups:
                speaker = "林书记" if kind == "党课" and (secretary_lectures > 0) else ""
                rows.append([day_in(month), kind, group, speaker, "学习党章" if kind == "党课" else "", "林书记", ""])
    return rows


def _window(frequency: str, day: date) -> int:
    """Which window of the year a day is in, for a frequency of [meeting_kinds]."""
    return {"monthly": day.month, "quarterly": (day.month - 1) // 3, "halfyearly": (day.month - 1) // 6}.get(
        frequency, 0)


def _sheet(path: Path, title: str, names: list[str]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append([title])
    ws.append(["序号", "姓名", "签到"])
    for i, name in enumerate(names, start=1):
        ws.append([i, name, "√"])
    wb.save(path)
    return path


@pytest.mark.parametrize("scheme", scheme_names())
def test_a_seed_scheme_runs_its_year(scheme, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ok("init", "ws", "--scheme", scheme, "--branch", BRANCH, "--org", "中共测试委员会")
    ws = tmp_path / "ws"
    monkeypatch.chdir(ws)
    config = ws / "partyday.toml"
    conf = tomllib.loads(config.read_text(encoding="utf-8"))
    wb = Workbook()
    sheet = wb.active
    sheet.append(["姓名", "党小组", "党员类别", "入党时间", "人员类别", "月收入", "备注"])
    for name, group, post in MEMBERS:
        sheet.append([name, group, "正式", "2005.07.01", "在职", 5000, post])
    wb.save(ws / "roster.xlsx")
    ok("roster", "import", "roster.xlsx", "--as-of", "2017-01-01")

    if conf["schedule"]["rule"] == "month.once":  # the plan asks for the branch's days
        days = "\n".join(f'"2017-{m:02d}" = "{_workdays(m, set())[-3].isoformat()}"' for m in range(1, 13))
        text = config.read_text(encoding="utf-8")
        assert "[schedule.dates]\n" in text
        config.write_text(text.replace("[schedule.dates]\n", f"[schedule.dates]\n{days}\n", 1), encoding="utf-8")
    ok("plan", "2017")
    activity_days = [date.fromisoformat(r["date"]) for r in json.loads(ok("calendar", "2017", "-f", "json").stdout)]
    assert len(activity_days) >= 12

    names = [n for n, _, _ in MEMBERS]
    for day in activity_days:
        ok("signsheet", day.isoformat(), "-o", str(tmp_path / f"签到表-{day}.xlsx"))
        signed = _sheet(tmp_path / f"{day}.xlsx", f"{BRANCH}{day.month}月{day.day}日主题党日签到表", names)
        ok("attend", "import", str(signed), "--date", day.isoformat())
        ok("record", day.isoformat(), "-o", str(tmp_path / f"记实表-{day}.xlsx"))
        ok("record", day.isoformat(), "--filed-on", day.isoformat())

    kinds = dict(conf.get("meeting_kinds", {}))
    rows = _meeting_days(kinds, conf.get("lectures", {}).get("secretary_yearly", 0), set(activity_days))
    held = json.loads(ok("report", "annual", "--year", "2017", "-f", "json").stdout)["activities"]
    # left out on purpose: a required meeting no activity day of its window stands in for
    alone = [r for r in rows if not any(r[1] in a["kinds"] and _window(kinds[r[1]], date.fromisoformat(a["date"]))
                                        == _window(kinds[r[1]], r[0]) for a in held)]
    left_out = alone[len(alone) // 2] if alone else None
    if rows:
        register = Workbook()
        sheet = register.active
        sheet.append([f"{BRANCH}2017年“三会一课”登记表"])
        sheet.append(["日期", "会议类型", "党小组", "主讲人", "党课题目", "主持人", "内容"])
        for row in rows:
            if row is not left_out:
                sheet.append(row)
        register.save(tmp_path / "登记表.xlsx")
        n = len(rows) - (left_out is not None)
        assert f"登记 {n} 次会议" in ok("meeting", "import", str(tmp_path / "登记表.xlsx")).stderr
    for q in "1234":
        ok("report", "quarterly", "--year", "2017", "--quarter", q)

    def shortfalls() -> list[str]:
        data = json.loads(ok("report", "annual", "--year", "2017", "-f", "json").stdout)
        return data["kinds"]["shortfalls"] + data["themes"]["shortfalls"]

    if left_out is None:  # every meeting the scheme requires can be held on an activity day
        assert shortfalls() == []
        return
    day, kind, group, speaker, title = left_out[:5]
    missing = shortfalls()
    assert len(missing) == 1 and missing[0].startswith(str(kind)), (left_out, missing)
    args = ["meeting", "add", day.isoformat(), "--kind", str(kind)]
    args += ["--group", str(group)] if group else []
    args += ["--speaker", str(speaker), "--title", str(title)] if speaker else []
    ok(*args)
    assert shortfalls() == [], left_out
