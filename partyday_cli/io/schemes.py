"""Scheme presets (one per seed 实施方案) and the commented partyday.toml written by init."""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from partyday_cli.errors import UserError

DEFAULT_SCHEME = "wanyuan-xiang"

# Names a user may type for a preset, besides its own.
ALIASES = {
    "9+3": "fupinban-9plus3",
    "5+x": "zhangdian-5plusx",
    "5+X": "zhangdian-5plusx",
    "三会一课": "shendingshan-zhen",
    "规定动作+自选动作": "qfnu-xueyuan",
}


def templates_dir() -> Path:
    """The shipped templates folder (inside the installed package)."""
    return Path(str(resources.files("partyday_cli.templates")))


@dataclass(frozen=True)
class Scheme:
    name: str
    title: str
    source: str
    data: dict[str, Any]


def scheme_names() -> list[str]:
    return sorted(p.stem for p in (templates_dir() / "schemes").glob("*.toml"))


def load_scheme(name: str) -> Scheme:
    key = ALIASES.get(name.strip(), name.strip())
    path = templates_dir() / "schemes" / f"{key}.toml"
    if not path.is_file():
        choices = "、".join(scheme_names())
        raise UserError(f"没有名为“{name}”的方案预设。可选：{choices}（也可写 9+3、5+X、三会一课）")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return Scheme(key, str(data.get("title", key)), str(data.get("source", "")), data)


def _q(value: object) -> str:
    """A TOML value: strings quoted (JSON escapes are valid TOML), numbers as they are."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_q(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def render_config(scheme: Scheme, *, org: str, branch: str, rule: str | None = None,
                  policy: str | None = None) -> str:
    s = scheme.data.get("schedule", {})
    th = scheme.data.get("thresholds", {})
    dl = scheme.data.get("deadlines", {})
    catalogue = scheme.data.get("themes", {}).get("catalogue", "")
    return f"""# partyday 工作区配置
# 由 partyday init 按方案预设“{scheme.title}”生成（{scheme.source}）。
# 以 # 开头的是说明，可以删改。改完后运行 partyday doctor 检查，或直接运行 partyday calendar 年份 查看效果。

[org]
name = {_q(org)}                   # 党委（党总支）名称，出现在报表标题里

[[branches]]
name = {_q(branch)}                # 党支部名称；党委有多个支部时，复制本段 [[branches]] 逐个填写
# 某个支部的规则与全局不同时，可在本段加 rule = "…"、holiday_policy = "…"

[schedule]
# 活动日规则：可写 month.week2.wed 等，也可直接写方案原文，如“每月第二周星期三”
rule = {_q(rule or s.get("rule", "每月第二周星期三"))}
# 遇法定节假日、周末或重大活动怎么办：after-holiday[:N]（收假后N个工作日内）、next-week（顺延一周）、
# nearest（可顺延或提前，就近）、next-workday（顺延）、prev-workday（提前）、keep（不调整），也可写原文
holiday_policy = {_q(policy or s.get("holiday_policy", "after-holiday"))}
# “第N周”的算法：nth = 第N个星期X；calendar = 含1日的那周为第1周；full = 第一个完整周为第1周
week_def = {_q(s.get("week_def", "nth"))}
skip_months = []                 # 不安排活动的月份，如 [2, 8]（寒暑假）
avoid_makeup_days = false        # true：调休上班的周末也不安排活动
place = "党员活动室"              # 默认活动地点，写进签到表、记实表和通知
time = "15:00"                   # 默认开始时间

# 每月确定一天的方案：逐月写明日期，优先于上面的规则（仍会避开节假日）
[schedule.dates]
# "2017-05" = "2017-05-12"

# 重大活动：当天不安排活动，按节假日处理方式挪开，说明里写明原因。可写多段。
# [[schedule.blackout]]
# date = "2017-05-10"
# reason = "县党代会"

[themes]
catalogue = {_q(catalogue)}       # 主题目录：templates/themes/ 下的文件名，或自己的 .toml 文件路径
# [themes.pins]                  # 把某个主题固定在某月，如 "7" = "党内关爱"

[thresholds]
attendance_rate = {_q(th.get("attendance_rate", 0.80))}        # 到会率不得低于（0.80 即 80%）
absences_talk = {_q(th.get("absences_talk", 3))}               # 全年无故缺席累计达此次数：谈话提醒
absences_unqualified = {_q(th.get("absences_unqualified", 4))} # 达此次数及以上：作为不合格党员处置参考
consecutive_absences = {_q(th.get("consecutive_absences", 2))} # 连续缺席达此次数：连续缺勤
lapse_warn_months = 3            # 连续N个月不参加组织生活或不交党费：提醒（党章第九条）
lapse_flag_months = 6            # 连续6个月：按党章第九条标记

[deadlines]
plan_due = {_q(dl.get("plan_due", "01-31"))}                    # 年度活动安排表报送截止（月-日）
record_within_workdays = {_q(dl.get("record_within_workdays", 5))}  # 记实表在活动后几个工作日内填报
record_copies = {_q(dl.get("record_copies", 1))}                # 记实表一式几份
notify_days_before = {_q(dl.get("notify_days_before", 3))}      # 提前几天通知党员
change_report_days = {_q(dl.get("change_report_days", 0))}      # 改期须提前几天报党委（0 = 不要求）

[meeting_kinds]
# 三会一课等组织生活的频次要求：monthly 每月、quarterly 每季度、halfyearly 每半年、yearly:N 每年至少N次
"主题党日" = "monthly"
"支部委员会" = "monthly"
"支部党员大会" = "quarterly"
"党小组会" = "monthly"
"党课" = "yearly:4"
"组织生活会" = "yearly:1"
"民主评议党员" = "yearly:1"

[dues]
farmer_monthly = "0.20"          # 农民党员每月党费（0.20–1.00），花名册“党费标准”列可逐人指定
reduced_monthly = "0.20"         # 学生、下岗失业、低保等
cap = "1000.00"                  # 每月应交上限（本人自愿多交不限）
quarterly_payment = false        # true：经支部同意按季度交纳，季度内不算欠交
"""
