"""Theme catalogues and the year's theme plan (SPEC §11, §12).

Every plan is verified with `check_plan`; what the dates cannot allow is worked out here
from the catalogue's own frequencies, independently of the planner.
"""

import dataclasses
import math
from datetime import date
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partyday_cli.core.policy import parse_policy
from partyday_cli.core.rules import parse_rules
from partyday_cli.core.schedule import ScheduleRequest, build_schedule
from partyday_cli.core.themes import (
    KINDS,
    catalogue_from_dict,
    check_plan,
    kind_counts,
    plan_themes,
)
from partyday_cli.errors import UserError
from partyday_cli.io.holidays import work_calendar
from partyday_cli.io.themes import catalogue_names, load_catalogue

# each shipped catalogue with the rule and holiday policy of its seed scheme
TYPICAL = {
    "9+3": ("每月第一个星期五", "next-week"),
    "5+X": ("每月第二周、第四周的星期五", "nearest"),
    "guiding-zixuan": ("每月最后一个星期五", "nearest"),
    "wuxiang-neirong": ("每月第二周星期四", "nearest"),
    "sanhui-yike": ("每月第一个工作日", "next-workday"),
    "dangyuan-huodongri": ("每月第二周星期三", "after-holiday"),
}
TWICE = ("每月第二周、第四周的星期五", "nearest")
Q3 = frozenset({7, 8, 9})


@cache
def dates_2017(rule: str, policy: str, skip: frozenset[int] = frozenset()) -> tuple[date, ...]:
    req = ScheduleRequest(year=2017, rules=parse_rules(rule), policy=parse_policy(policy),
                          skip_months=skip)
    days = build_schedule(req, work_calendar([], allow_provisional=False))
    return tuple(d.date for d in days)


def cannot_allow(catalogue, dates) -> set[str]:
    """The requirements these dates cannot allow, worked out from the frequencies alone."""
    months, n = {d.month for d in dates}, len(set(dates))
    periods = {"quarterly": [(1, 2, 3), (4, 5, 6), (7, 8, 9), (10, 11, 12)],
               "halfyearly": [(1, 2, 3, 4, 5, 6), (7, 8, 9, 10, 11, 12)]}
    out = {"全年活动"} if n < catalogue.min_activities else set()
    for r in catalogue.planned():
        f = r.frequency
        if (not dates
                or (f in periods and any(not months & set(p) for p in periods[f]))
                or (f == "year-start" and not months & {1, 2, 3})
                or (f == "around" and not any(months & set(w) for w in r.windows))
                or (f == "atleast" and n < r.count)):
            out.add(r.name)
    if not dates and catalogue.min_chosen:
        out.add("自选主题")
    return out


def named(catalogue, sentences) -> set[str]:
    """Which requirements the sentences are about."""
    out = set()
    for s in sentences:
        if s.startswith("全年活动不少于"):
            out.add("全年活动")
        elif s.startswith("自选主题（不少于"):
            out.add("自选主题")
        else:
            out |= {r.name for r in catalogue.planned() if s.startswith(f"{r.name}（")}
    return out


def themes_on(plan, name) -> list[date]:
    return [it.date for it in plan.items if name in it.themes]


# ---------------------------------------------------------------- catalogues

def test_every_shipped_catalogue_loads():
    assert set(catalogue_names()) == set(TYPICAL)
    for name in catalogue_names():
        cat = load_catalogue(name)
        assert cat.name == name and cat.title and cat.source
        assert len(cat.chosen) >= cat.min_chosen
        assert all(set(r.kinds) <= set(KINDS) for r in cat.requirements)


def test_seed_frequencies_are_in_the_catalogues():
    c93 = load_catalogue("9+3")
    freq = {r.name: r.frequency for r in c93.requirements}
    assert freq["公开承诺"] == "year-start" and freq["推进工作"] == "any"
    assert freq["组织生活"] == "halfyearly" and freq["党务公开"] == "quarterly"
    assert freq["党内关爱"] == "around" and freq["民主评议"] == "yearly"
    assert len([r for r in c93.requirements if r.type == "required"]) == 9
    assert (c93.min_activities, c93.min_chosen) == (12, 3)
    assert c93.chosen == ("两查两保专项行动", "行业规章学习", "精准扶贫精准脱贫政策宣讲")
    assert c93.requirement("公开承诺").kinds == ("支部党员大会",)
    assert c93.requirement("党内关爱").windows == ((6, 7), (1, 2))
    assert load_catalogue("5+X").requirement("党内民主评议日").anchor == ("mid", "end")
    sanhui = {r.name: (r.frequency, r.count) for r in load_catalogue("sanhui-yike").requirements}
    assert sanhui["党课"] == ("atleast", 4) and sanhui["支部党员大会"][0] == "quarterly"
    assert load_catalogue("wuxiang-neirong").requirement("集中交纳党费").frequency == "monthly"


def test_load_by_path_relative_to_the_workspace(tmp_path):
    (tmp_path / "themes").mkdir()
    (tmp_path / "themes" / "mine.toml").write_text(
        'title = "本支部"\nmin_chosen = 1\nchosen = ["读书分享"]\n'
        '[[requirement]]\nname = "学习"\nfrequency = "monthly"\nkinds = ["党课"]\n',
        encoding="utf-8")
    cat = load_catalogue("themes/mine.toml", workspace_root=tmp_path)
    assert cat.theme_names() == ["学习", "读书分享"]
    plan = plan_themes(list(dates_2017("每月第二周星期三", "after-holiday")), cat)
    assert plan.unmet == [] and "读书分享" in {t for it in plan.items for t in it.themes}
    assert load_catalogue("5+x").name == "5+X"


def test_unknown_catalogue_lists_the_shipped_ones(tmp_path):
    with pytest.raises(UserError) as err:
        load_catalogue("10+5")
    assert "10+5" in err.value.message and "9+3" in err.value.message
    with pytest.raises(UserError) as err:
        load_catalogue("nowhere.toml", workspace_root=tmp_path)
    assert "找不到" in err.value.message
    (tmp_path / "bad.toml").write_text("title = \n", encoding="utf-8")
    with pytest.raises(UserError) as err:
        load_catalogue(str(tmp_path / "bad.toml"))
    assert "格式有误" in err.value.message


GOOD = {"name": "学习", "frequency": "monthly"}


@pytest.mark.parametrize(("change", "words"), [
    ({"frequency": "monthy"}, ["第1个主题“学习”", "frequency", "monthy", "无法识别"]),
    ({"frequency": "atleast"}, ["count", "atleast"]),
    ({"count": 4}, ["count", "只能用于"]),
    ({"kinds": ["支部大会"]}, ["kinds", "支部大会", "支部党员大会"]),
    ({"freqency": "monthly"}, ["不认识的键", "freqency"]),
    ({"type": "must"}, ["type", "must"]),
    ({"frequency": "around"}, ["around", "七一"]),
    ({"around": ["端午"], "frequency": "around"}, ["around", "端午"]),
    ({"anchor": ["start"], "frequency": "halfyearly"}, ["anchor", "start"]),
    ({"months": [13], "frequency": "around"}, ["months", "13"]),
    ({"name": ""}, ["name"]),
])
def test_malformed_requirement_names_the_key(change, words):
    data = {"requirement": [{**GOOD, **change}]}
    with pytest.raises(UserError) as err:
        catalogue_from_dict(data, "本支部")
    assert "主题目录“本支部”" in err.value.message
    for word in words:
        assert word in err.value.message


@pytest.mark.parametrize(("data", "words"), [
    ({"requirement": []}, ["[[requirement]]"]),
    ({"requirement": [GOOD, GOOD]}, ["第2个主题", "重复"]),
    ({"requirement": [GOOD], "min_chosen": 3, "chosen": ["甲"]}, ["min_chosen", "chosen"]),
    ({"requirement": [GOOD], "min_activities": "12"}, ["min_activities"]),
    ({"requirement": [GOOD], "chosen": ["学习"]}, ["规定主题"]),
    ({"requirement": [GOOD], "filler": "唱歌"}, ["filler", "唱歌"]),
    ({"requirement": [GOOD], "requirements": []}, ["不认识的键", "requirements"]),
])
def test_malformed_catalogue_names_the_key(data, words):
    with pytest.raises(UserError) as err:
        catalogue_from_dict(data, "本支部")
    for word in words:
        assert word in err.value.message


# ---------------------------------------------------------------- plans

SCENARIOS = list(dict.fromkeys(
    (name, rule, pol, skip) for name, typical in TYPICAL.items()
    for (rule, pol) in [typical, ("每月第二周星期三", "after-holiday"), TWICE]
    for skip in (frozenset(), Q3)))


def _scenario_id(case) -> str:
    name, rule, policy, skip = case
    which = "own-rule" if (rule, policy) == TYPICAL[name] else "other-rule"
    n = len(dates_2017(rule, policy, skip))
    return f"{name}-{which}-{n}dates" + ("-skip789" if skip else "")


@pytest.mark.parametrize(("name", "rule", "policy", "skip"), SCENARIOS,
                         ids=[_scenario_id(c) for c in SCENARIOS])
def test_plan_meets_every_frequency_the_dates_allow(name, rule, policy, skip):
    cat = load_catalogue(name)
    dates = list(dates_2017(rule, policy, skip))
    plan = plan_themes(dates, cat)
    assert [it.date for it in plan.items] == sorted(dates)
    problems = check_plan(plan.items, cat)
    assert problems == plan.unmet
    assert named(cat, problems) == cannot_allow(cat, dates)
    assert not any("计划中" in s for s in problems)  # never a miss the dates allowed
    for it in plan.items:
        assert it.themes and it.kinds[0] == "主题党日" and it.content
    loads = [len(it.themes) for it in plan.items]
    total = sum(loads)
    assert max(loads) <= math.ceil(total / len(loads)) + 1


def test_skipping_the_third_quarter_names_the_quarterly_themes():
    cat = load_catalogue("9+3")
    plan = plan_themes(list(dates_2017("每月第一个星期五", "next-week", Q3)), cat)
    assert "党务公开（每季度一次）：第三季度（7、8、9月）没有活动日，无法安排" in plan.unmet
    assert "全年活动不少于12次：只有9个活动日" in plan.unmet
    assert not any(s.startswith("组织生活") for s in plan.unmet)  # 10–12 still hold a date


def test_twelve_dates_are_too_few_for_five_plus_x():
    plan = plan_themes(list(dates_2017("每月第二周星期三", "after-holiday")), load_catalogue("5+X"))
    assert plan.unmet[0] == "全年活动不少于24次：只有12个活动日"
    # seed 001: 党员固定活动日每月至少两次 — checked month by month too
    assert plan.unmet[1].startswith("每月至少两次：2017年1月只有1次、2月只有1次")


def test_nine_plus_three_gets_three_chosen_themes_on_light_dates():
    cat = load_catalogue("9+3")
    plan = plan_themes(list(dates_2017("每月第一个星期五", "next-week")), cat)
    chosen = [it for it in plan.items if any(cat.is_chosen(t) for t in it.themes)]
    assert {t for it in chosen for t in it.themes if cat.is_chosen(t)} == set(cat.chosen)
    fewest = min(len(it.themes) for it in plan.items)
    assert all(len(it.themes) <= fewest + 1 for it in chosen)


def test_frequencies_land_where_the_seeds_say():
    dates = list(dates_2017(*TWICE))
    fivex = plan_themes(dates, load_catalogue("5+X"))
    assert [d.month for d in themes_on(fivex, "党内民主评议日")] in ([6, 11], [6, 12])
    assert {d.month for d in themes_on(fivex, "党员学习教育日")} == set(range(1, 13))  # every month (also the filler)
    c93 = plan_themes(dates, load_catalogue("9+3"))
    assert themes_on(c93, "公开承诺") == [dates[0]]
    assert {d.month for d in themes_on(c93, "党内关爱")} <= {6, 7, 1, 2}
    lessons = themes_on(plan_themes(dates, load_catalogue("sanhui-yike")), "党课")
    assert len({(d.month - 1) // 3 for d in lessons}) == 4  # spread over the year


def test_year_start_without_a_first_quarter_is_reported_but_still_planned():
    dates = list(dates_2017("每月第二周星期三", "after-holiday", frozenset({1, 2, 3})))
    plan = plan_themes(dates, load_catalogue("9+3"))
    assert "公开承诺（每年年初一次）：1—3月没有活动日，无法在年初安排" in plan.unmet
    assert themes_on(plan, "公开承诺") == [min(dates)]


def test_kind_counts_follow_the_three_meetings_one_lesson():
    plan = plan_themes(list(dates_2017("每月第一个工作日", "next-workday")),
                       load_catalogue("sanhui-yike"))
    counts = kind_counts(plan.items)
    assert list(counts) == list(KINDS)
    assert counts["主题党日"] == 12 and counts["党课"] >= 4 and counts["支部党员大会"] >= 4
    assert counts["组织生活会"] >= 1 and counts["民主评议党员"] >= 1


def test_pins_are_honoured_first():
    cat = load_catalogue("9+3")
    dates = list(dates_2017("每月第一个星期五", "next-week"))
    plan = plan_themes(dates, cat, {7: "党内关爱", 3: "行业规章学习", 12: "民主评议"})
    assert [d.month for d in themes_on(plan, "党内关爱")] == [7]
    assert [d.month for d in themes_on(plan, "行业规章学习")] == [3]
    assert [d.month for d in themes_on(plan, "民主评议")] == [12]
    assert plan.unmet == [] and check_plan(plan.items, cat) == []


def test_pin_to_a_month_without_dates_is_reported():
    dates = list(dates_2017("每月第一个星期五", "next-week", Q3))
    plan = plan_themes(dates, load_catalogue("9+3"), {"8": "党内关爱"})
    assert any(s.startswith("固定在8月的“党内关爱”") for s in plan.unmet)
    assert themes_on(plan, "党内关爱")  # still planned by its frequency


def test_unknown_pin_lists_the_catalogue_themes():
    dates = list(dates_2017("每月第一个星期五", "next-week"))
    with pytest.raises(UserError) as err:
        plan_themes(dates, load_catalogue("9+3"), {7: "党内关怀"})
    assert "党内关怀" in err.value.message and "党内关爱" in err.value.message
    with pytest.raises(UserError) as err:
        plan_themes(dates, load_catalogue("9+3"), {13: "党内关爱"})
    assert "13" in err.value.message


def test_plan_is_deterministic():
    cat = load_catalogue("guiding-zixuan")
    dates = list(dates_2017(*TWICE))
    first = plan_themes(dates, cat, {5: "红色资源调研实践"})
    assert plan_themes(list(reversed(dates)), cat, {5: "红色资源调研实践"}) == first


def test_no_dates_reports_every_requirement():
    cat = load_catalogue("9+3")
    plan = plan_themes([], cat)
    assert plan.items == []
    assert named(cat, plan.unmet) == {r.name for r in cat.planned()} | {"全年活动", "自选主题"}
    assert check_plan([], cat) == plan.unmet


def test_dates_of_two_years_are_refused():
    with pytest.raises(UserError):
        plan_themes([date(2017, 12, 13), date(2018, 1, 10)], load_catalogue("9+3"))


def test_checker_finds_a_theme_taken_out_of_a_plan():
    cat = load_catalogue("9+3")
    plan = plan_themes(list(dates_2017("每月第一个星期五", "next-week")), cat)
    broken = [dataclasses.replace(it, themes=tuple(t for t in it.themes if t != "党务公开"))
              if it.date.month in (4, 5, 6) else it for it in plan.items]
    assert check_plan(broken, cat) == ["党务公开（每季度一次）：第二季度计划中未安排"]


# ---------------------------------------------------------------- properties

@given(
    name=st.sampled_from(sorted(TYPICAL)),
    twice=st.booleans(),
    keep=st.lists(st.booleans(), min_size=24, max_size=24),
    pins=st.dictionaries(st.integers(1, 12), st.sampled_from(["党内关爱", "专题学习",
                         "党员学习教育日", "党课", "其他主题日", "不存在的主题"]), max_size=3),
)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_planner_never_claims_success_falsely(name, twice, keep, pins):
    cat = load_catalogue(name)
    rule = TWICE if twice else ("每月第二周星期三", "after-holiday")
    dates = [d for d, k in zip(dates_2017(*rule), keep, strict=False) if k]
    pins = {m: t for m, t in pins.items() if t in cat.theme_names() or t == "不存在的主题"}
    try:
        plan = plan_themes(dates, cat, pins)
    except UserError as err:
        assert "不存在的主题" in pins.values() and "不存在的主题" in err.message
        return
    problems = check_plan(plan.items, cat)
    assert set(problems) <= set(plan.unmet)
    assert not any("计划中" in s for s in plan.unmet)
    assert named(cat, plan.unmet) == cannot_allow(cat, dates)
