"""Each seed scheme as its preset: init, then calendar/plan for 2017 and the doctor's 待确认 list.

The dates are the seeds' own rules on the 2017 holiday arrangement (国办发明电〔2016〕17号):
000 方案一 每月第二周星期三, 逢国家法定节假日顺延至收假后三个工作日内 (no 2017 date falls in a
holiday); 000 方案二 每月第一个星期五, 遇法定节假日…顺延一周 (10月6日 is in 国庆 → 10月13日);
001 每月第二周、第四周的星期五, 遇节假日可顺延或提前 (1月27日 is 除夕 → 1月26日). 002, 003 and
004 name no day (每月开展一次 / 1月/次 / 每月确定一天): no date is invented, the plan asks.
"""

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from partyday_cli.cli.main import app
from partyday_cli.core.scheme_text import read_scheme, sentences
from partyday_cli.io.schemes import load_scheme, scheme_names

SEEDS = Path("/work/shared/seeds")
REPO_SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"

DATES_2017 = {
    "wanyuan-xiang": ["01-11", "02-08", "03-08", "04-12", "05-10", "06-14", "07-12", "08-09", "09-13",
                      "10-11", "11-08", "12-13"],
    "fupinban-9plus3": ["01-06", "02-03", "03-03", "04-07", "05-05", "06-02", "07-07", "08-04", "09-01",
                        "10-13", "11-03", "12-01"],
    "zhangdian-5plusx": [f"{m:02d}-{d:02d}" for m, d in [
        (1, 13), (1, 26), (2, 10), (2, 24), (3, 10), (3, 24), (4, 14), (4, 28), (5, 12), (5, 26), (6, 9),
        (6, 23), (7, 14), (7, 28), (8, 11), (8, 25), (9, 8), (9, 22), (10, 13), (10, 27), (11, 10),
        (11, 24), (12, 8), (12, 22)]],
    "qfnu-xueyuan": [], "shendingshan-zhen": [], "zznu-xiaowei": [],
}

_UNSTATED_KINDS = {"支部委员会", "支部党员大会", "党小组会", "党课", "组织生活会", "民主评议党员"}
_COMMON = {"[schedule] place", "[schedule] time", "[thresholds] consecutive_absences"}
_THRESHOLDS = {f"[thresholds] {k}" for k in ("attendance_rate", "absences_talk", "absences_unqualified",
                                             "absences_count")}
_RECORD = {"[deadlines] record_within_workdays", "[deadlines] record_copies"}


def _kinds(names):
    return {f"[meeting_kinds] {k}" for k in names}


def _themes(names):  # theme frequencies the catalogue sets where the seed is silent (its `assumed`)
    return {f"[themes] {n}" for n in names}


# what each seed leaves unsaid (read against its text, sentence by sentence)
PENDING = {
    # states the day, the holiday rule, 4月12日前 plan, 5个工作日内 记实表 一式两份; nothing on
    # attendance, absences, notice, and no 三会一课 frequency
    "wanyuan-xiang": _COMMON | _themes({"“两学一做”学习教育", "“三会一课”", "“双报到”", "“党员义工日”", "“党员政治生日”"}) | _THRESHOLDS | _kinds(_UNSTATED_KINDS) | {
        "[schedule] week_def", "[deadlines] notify_days_before"},
    # states 80%, 累计3次/4次及以上 (every non-attendance), 提前5天报批, 党课/组织生活/民主评议
    "fupinban-9plus3": _COMMON | _themes({"为民服务", "民主议事"}) | _RECORD | _kinds({"支部委员会", "支部党员大会", "党小组会"}) | {
        "[deadlines] plan_due", "[deadlines] notify_days_before"},
    # states 80%, 无故…不参加活动, 年中、年底 组织生活会
    "zhangdian-5plusx": _COMMON | _themes({"党员学习教育日", "党员走访联系日", "基层民主议事日", "为民服务奉献日"}) | _RECORD | _kinds(_UNSTATED_KINDS - {"组织生活会"}) | {
        "[schedule] week_def", "[thresholds] absences_talk", "[thresholds] absences_unqualified",
        "[deadlines] plan_due", "[deadlines] notify_days_before"},
    # states 每月开展一次 and 提前2——3天通知党员 only
    "qfnu-xueyuan": _COMMON | _themes({"开展学习教育", "落实组织生活", "开展民主议事", "开展志愿服务", "强化激励帮扶"}) | _THRESHOLDS | _RECORD | _kinds(_UNSTATED_KINDS) | {
        "[schedule] holiday_policy", "[deadlines] plan_due", "[schedule.dates]"},
    # its 实施细则 table states every 三会一课 frequency
    "shendingshan-zhen": _COMMON | _THRESHOLDS | _RECORD | {
        "[schedule] holiday_policy", "[deadlines] plan_due", "[deadlines] notify_days_before",
        "[schedule.dates]"},
    # states 每月确定一天, 活动日当天…交齐党费, 长期无故不参加活动
    "zznu-xiaowei": _COMMON | _themes({"开展为民服务", "完善“三定一创”工作机制"}) | _THRESHOLDS - {"[thresholds] absences_count"} | _RECORD
    | _kinds(_UNSTATED_KINDS) | {"[schedule] holiday_policy", "[deadlines] plan_due",
                                 "[deadlines] notify_days_before", "[schedule.dates]"},
}


def invoke(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


@pytest.fixture(params=scheme_names())
def workspace(request, tmp_path, monkeypatch):
    ws = tmp_path / request.param
    result = invoke("init", str(ws), "--scheme", request.param, "--org", "中共测试委员会",
                    "--branch", "测试党支部")
    assert result.exit_code == 0, result.output
    monkeypatch.chdir(ws)
    return request.param, ws


def test_calendar_2017_gives_the_seed_dates(workspace):
    scheme, _ = workspace
    result = invoke("calendar", "2017", "-f", "json")
    assert result.exit_code == 0, result.output
    assert [r["date"][5:] for r in json.loads(result.stdout)] == DATES_2017[scheme]
    if not DATES_2017[scheme]:
        assert "[schedule.dates]" in result.stderr


def test_doctor_lists_exactly_the_placeholders(workspace):
    scheme, _ = workspace
    result = invoke("doctor")
    listed = {re.sub(r" ——.*", "", line.removeprefix("？ 待确认：")) for line in result.stdout.splitlines()
              if line.startswith("？ 待确认：")}
    assert listed == PENDING[scheme]


def test_plan_2017_asks_for_the_day_or_plans_the_seed_dates(workspace):
    scheme, ws = workspace
    result = invoke("plan", "2017")
    assert result.exit_code == 0, result.output
    if not DATES_2017[scheme]:
        assert "还没有确定活动日期" in result.stderr and "[schedule.dates]" in result.stderr
        # once the branch writes its days, the plan has them and nothing else
        config = ws / "partyday.toml"
        days = "\n".join(f'"2017-{m:02d}" = "2017-{m:02d}-{20 if m != 10 else 23}"' for m in range(1, 13))
        config.write_text(config.read_text(encoding="utf-8").replace("[schedule.dates]\n",
                                                                     f"[schedule.dates]\n{days}\n"),
                          encoding="utf-8")
        assert invoke("plan", "2017").exit_code == 0
        result = invoke("calendar", "2017", "-f", "json")
        assert len(json.loads(result.stdout)) == 12 and "[schedule.dates]" not in result.stderr


def _seed_text() -> str:
    root = SEEDS if SEEDS.is_dir() else REPO_SEEDS
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(root.glob("*.txt")))


@pytest.mark.skipif(not (SEEDS.is_dir() or REPO_SEEDS.is_dir()), reason="seed documents not present")
@pytest.mark.parametrize("scheme", scheme_names())
def test_every_quoted_sentence_is_in_the_seed(scheme):
    # a citation is the seed's own words, not a paraphrase
    seed = re.sub(r"\s+", "", _seed_text())
    text = str(load_scheme(scheme).data["text"])
    reading = read_scheme(text)
    assert reading.values and not reading.unplaced
    for line in sentences(text):
        assert re.sub(r"\s+", "", line) in seed, line
    for cite in [*reading.values.values(), *reading.kinds.values()]:
        for part in cite.quote.split("……"):
            assert re.sub(r"\s+", "", part) in seed, cite.quote
